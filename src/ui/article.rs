//! The article text with its highlights. Each paragraph re-renders only when the pieces
//! that fall in it change, so an edit repaints one paragraph, not the article.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::annotate::Interaction;
use super::state::Workspace;
use crate::browser::selection::{select_span, selection_span};
use crate::core::layout::{
    article_html, bucket_refs, bucket_spans, drawn_spans, paragraph_html, paragraphs,
    paragraphs_of, same_pieces, PieceRef,
};
use crate::core::model::{Id, Span};
use crate::core::snap::{snap_to_words, trim_span};

#[component]
pub fn Article() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    // A new schema brings new colours: the article is drawn again (a rare, whole switch).
    move || {
        ws.schema.current().track();
        ws.corpus
            .current()
            .get()
            .map(|id| view! { <ArticleText id/> })
    }
}

#[component]
fn ArticleText(id: Id) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let colors = ws.schema.current().with_untracked(|s| {
        s.entity_types
            .iter()
            .map(|t| (t.name.clone(), t.color.clone()))
            .chain(
                s.event_types
                    .iter()
                    .map(|t| (t.name.clone(), t.color.clone())),
            )
            .collect::<Vec<_>>()
    });
    let ia = expect_context::<Interaction>();
    // The roles of the selected (or armed) event's arguments, to mark them in the text.
    let roles = Memo::new(move |_| {
        ws.corpus.open_rev().track();
        let event = ia
            .armed()
            .get()
            .map(|(e, _)| e)
            .or_else(|| ws.selection.selected().get());
        let Some(event) = event else {
            return Vec::<(Id, String)>::new();
        };
        ws.with_open(|slot| {
            slot.doc
                .annotations
                .events
                .iter()
                .find(|e| e.id == event)
                .map(|e| {
                    e.arguments
                        .iter()
                        .map(|a| (a.target.clone(), a.role.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default()
    });
    let colors = Arc::new(colors);
    let article_ref = NodeRef::<leptos::html::Div>::new();

    // The whole article is one HTML string, parsed once: the parser builds a 1 MB article's
    // 30,000 nodes far faster than wasm creating them, or than one parse per paragraph
    // (see core::layout::article_html). After an edit, one effect buckets the spans again,
    // borrowed, and rewrites only the paragraphs whose pieces changed. Both read the text
    // and its offset index where the document keeps them: neither is copied or rebuilt.
    let (paras, drawn, initial_html) = ws
        .with_open(|slot| {
            let (doc, index) = slot.indexed();
            let paras = paragraphs(&doc.text);
            let drawn = bucket_spans(&paras, drawn_spans(&doc.annotations));
            let html = article_html(&doc.text, index, &paras, &drawn, |k| color_of(&colors, k));
            (paras, drawn, html)
        })
        .unwrap_or_default();
    // (Stored values are Copy, like the closures that use them.)
    let paras = StoredValue::new(paras);
    let drawn = StoredValue::new(drawn);
    {
        let colors = colors.clone();
        // Only an edit of this document repaints it: other documents' edits bump their
        // own revisions, not this one.
        Effect::new(move |first: Option<()>| {
            ws.corpus.open_rev().track();
            let Some(root) = article_ref
                .try_get_untracked()
                .flatten()
                .filter(|_| first.is_some())
            else {
                return;
            };
            let elements = root.children();
            ws.with_open(|slot| {
                let (doc, index) = slot.indexed();
                paras.try_with_value(|paras| {
                    let new = bucket_refs(paras, drawn_spans(&doc.annotations));
                    drawn.try_update_value(|drawn| {
                        for (i, (new, drawn)) in new.iter().zip(drawn.iter_mut()).enumerate() {
                            if same_pieces(drawn, new) {
                                continue;
                            }
                            *drawn = new.iter().map(PieceRef::to_piece).collect();
                            if let Some(el) = elements.item(i as u32) {
                                el.set_inner_html(&paragraph_html(
                                    &doc.text,
                                    index,
                                    paras[i],
                                    drawn,
                                    |k| color_of(&colors, k),
                                ));
                            }
                        }
                    });
                });
            });
        });
    }
    // Where an annotation is drawn: its highlights are looked for in those paragraphs only.
    let locate = move |root: &web_sys::Element, id: &str| -> Vec<web_sys::Element> {
        let places = ws
            .with_open(|slot| {
                let ann = &slot.doc.annotations;
                let spans = ann
                    .mention(id)
                    .map(|m| m.fragments.as_slice())
                    .or_else(|| ann.event(id).map(|e| e.trigger.as_slice()))
                    .unwrap_or_default();
                paras.try_with_value(|paras| paragraphs_of(paras, spans))
            })
            .flatten()
            .unwrap_or_default();
        highlights(root, &places, id)
    };
    // The elements marked last time, to unmark without searching the article for them.
    let marked = StoredValue::new_local(Vec::<web_sys::Element>::new());

    let on_mouseup = move |ev: leptos::ev::MouseEvent| {
        let Some(raw) = selection_span() else {
            return;
        };
        // Alt turns snapping off; the span is still trimmed of spaces. The text is
        // borrowed: a copy of a 1 MB article per mouseup is a waste.
        let snapped = ws
            .with_open(|slot| {
                let text = &slot.doc.text;
                if ev.alt_key() {
                    trim_span(text, raw.start, raw.end)
                } else {
                    snap_to_words(text, raw.start, raw.end)
                }
            })
            .flatten();
        match snapped {
            // Shift+drag adds a fragment to the selected mention: a discontinuous span.
            Some((s, e)) if ev.shift_key() && ia.add_fragment(Span::new(s, e)) => {}
            Some((s, e)) => {
                let span = Span::new(s, e);
                ws.selection.set_pending(Some(span));
                if let Some(root) = article_ref.try_get_untracked().flatten() {
                    select_span(&root, span);
                }
            }
            None => ws.selection.set_pending(None),
        }
    };

    // A click on a highlight selects its innermost mention; clicking again walks outward,
    // so every nested span stays reachable.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if selection_span().is_some() {
            return;
        }
        let Some(seg) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-m]").ok().flatten())
        else {
            return;
        };
        let ids: Vec<String> = seg
            .get_attribute("data-m")
            .unwrap_or_default()
            .split(' ')
            .map(str::to_owned)
            .collect();
        let current = ws.selection.selected().get_untracked();
        let picking = ia.picking();
        let next = match current.and_then(|c| ids.iter().position(|i| *i == c)) {
            _ if picking => ids.last().cloned(),
            Some(0) => ids.last().cloned(),
            Some(pos) => ids.get(pos - 1).cloned(),
            None => ids.last().cloned(),
        };
        if let Some(next) = next {
            ia.choose(next);
        }
    };

    // The event whose trigger-to-argument lines are drawn: the selected (or armed) event,
    // when it has arguments. `None` costs nothing: no lines, no listeners.
    let line_event = Memo::new(move |_| {
        let event = ia
            .armed()
            .get()
            .map(|(e, _)| e)
            .or_else(|| ws.selection.selected().get())?;
        (!roles.with(Vec::is_empty)).then_some(event)
    });
    let lines = RwSignal::new(Vec::<ArgLine>::new());
    // Frames and scroll listeners can fire after the article is gone (a switch of
    // document): every handle is read with its `try_` form, so a late call does nothing.
    let redraw = move || {
        let (Some(event), Some(marks)) =
            (line_event.try_get_untracked(), roles.try_get_untracked())
        else {
            return;
        };
        if let (Some(root), Some(event)) = (article_ref.try_get_untracked().flatten(), event) {
            lines.try_set(arg_lines(&root, &locate, &event, &marks));
        } else if lines.try_with_untracked(|l| !l.is_empty()) == Some(true) {
            lines.try_set(Vec::new());
        }
    };
    let follow = LineFollower::new(redraw);

    // Selection and argument marks are set on the DOM directly, from one effect: a
    // reactive closure per highlight would put thousands of subscribers on one signal,
    // and Leptos unsubscribes them one by one (quadratic on a 10,000-annotation article).
    Effect::new(move |previous: Option<Option<Id>>| {
        let selected = ws.selection.selected().get();
        let marks = roles.get();
        ws.corpus.open_rev().track();
        let lined = line_event.get().is_some();
        // While a slot is armed, the nearest mentions carry the digit that fills it.
        let numbered = ia
            .armed()
            .get()
            .and_then(|(event, _)| ws.with_core(|c| c.candidates(&event)))
            .unwrap_or_default();
        // Bring a newly selected annotation into view (Tab and the arrows select ones
        // that may be off screen); a repaint of the same selection never scrolls.
        let scroll = selected.is_some() && previous.as_ref() != Some(&selected);
        let chosen = selected.clone();
        request_animation_frame(move || {
            // The article may be gone by the time the frame comes.
            let (Some(root), Some(old)) = (
                article_ref.try_get_untracked().flatten(),
                marked.try_get_value(),
            ) else {
                return;
            };
            {
                let now =
                    mark_annotations(&root, &locate, old, chosen.as_deref(), &marks, &numbered);
                marked.try_set_value(now);
                if scroll {
                    if let Some(first) = chosen.and_then(|id| locate(&root, &id).into_iter().next())
                    {
                        let options = web_sys::ScrollIntoViewOptions::new();
                        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                        first.scroll_into_view_with_scroll_into_view_options(&options);
                    }
                }
            }
            redraw();
            follow.set(lined);
        });
        selected
    });
    on_cleanup(move || follow.set(false));

    // The lines' layer is a sibling of the article, not a child: the article's children
    // are exactly its paragraphs, which the DOM offset code searches by position.
    view! {
        <div class="article-wrap">
            <div class="article" node_ref=article_ref data-doc=id tabindex="0" role="document"
                aria-label="Article text: Tab and Shift+Tab move between annotations"
                on:mouseup=on_mouseup on:click=on_click inner_html=initial_html>
            </div>
            <Show when=move || lines.with(|l| !l.is_empty())>
                <svg class="arg-lines" aria-hidden="true" focusable="false" pointer-events="none">
                    <For each=move || lines.get() key=|l| l.clone() let:l>
                        <line class="arg-line" data-role=l.role.clone()
                            x1=l.x1 y1=l.y1 x2=l.x2 y2=l.y2></line>
                        <circle class="arg-end" cx=l.x2 cy=l.y2 r="3"></circle>
                    </For>
                </svg>
            </Show>
        </div>
    }
}

/// A line from an event's trigger to one argument, in pixels from the article's corner.
#[derive(Debug, Clone, PartialEq)]
struct ArgLine {
    role: String,
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

// Equality above is exact, and the values are finite pixel positions, so a key by bits
// is sound: an unchanged line keeps its DOM node.
impl Eq for ArgLine {}
impl std::hash::Hash for ArgLine {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.role.hash(state);
        for v in [self.x1, self.y1, self.x2, self.y2] {
            v.to_bits().hash(state);
        }
    }
}

/// The first line box of an element, as (left, top, width, height) in viewport pixels.
/// Read through `getClientRects` by name: the web-sys `DomRect` binding is not built in.
fn first_box(el: &web_sys::Element) -> Option<(f64, f64, f64, f64)> {
    use js_sys::Reflect;
    let rects = Reflect::get(el, &"getClientRects".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call0(el)
        .ok()?;
    let rect = Reflect::get_u32(&rects, 0)
        .ok()
        .filter(|r| !r.is_undefined())?;
    let n = |k: &str| Reflect::get(&rect, &k.into()).ok()?.as_f64();
    Some((n("left")?, n("top")?, n("width")?, n("height")?))
}

/// Lines from the trigger of `event` to each argument, from the marked spans' boxes,
/// relative to the article's wrapper, which holds the lines' layer.
fn arg_lines(
    root: &web_sys::Element,
    locate: &impl Fn(&web_sys::Element, &str) -> Vec<web_sys::Element>,
    event: &str,
    roles: &[(Id, String)],
) -> Vec<ArgLine> {
    let Some(origin) = root.parent_element().as_ref().and_then(first_box) else {
        return Vec::new();
    };
    let centre = |id: &str| {
        let el = locate(root, id).into_iter().next()?;
        let (x, y, w, h) = first_box(&el)?;
        Some((x + w / 2.0 - origin.0, y + h / 2.0 - origin.1))
    };
    let Some((x1, y1)) = centre(event) else {
        return Vec::new();
    };
    let round = |v: f64| (v * 10.0).round() / 10.0;
    roles
        .iter()
        .filter_map(|(target, role)| {
            let (x2, y2) = centre(target)?;
            Some(ArgLine {
                role: role.clone(),
                x1: round(x1),
                y1: round(y1),
                x2: round(x2),
                y2: round(y2),
            })
        })
        .collect()
}

/// Redraws the argument lines on scroll and resize (layout moves as off-screen paragraphs
/// are laid out), at most once a frame, and only while an event with arguments is
/// selected: otherwise no listener is attached at all.
#[derive(Clone, Copy)]
struct LineFollower {
    listener: StoredValue<Option<wasm_bindgen::closure::Closure<dyn FnMut()>>, LocalStorage>,
    redraw: StoredValue<Box<dyn Fn()>, LocalStorage>,
}

impl LineFollower {
    fn new(redraw: impl Fn() + 'static) -> Self {
        Self {
            listener: StoredValue::new_local(None),
            redraw: StoredValue::new_local(Box::new(redraw)),
        }
    }

    fn set(self, on: bool) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let attached = self
            .listener
            .try_with_value(Option::is_some)
            .unwrap_or(false);
        if on && !attached {
            let queued = std::rc::Rc::new(std::cell::Cell::new(false));
            let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                if queued.replace(true) {
                    return;
                }
                let queued = queued.clone();
                request_animation_frame(move || {
                    queued.set(false);
                    self.redraw.try_with_value(|f| f());
                });
            });
            let f = closure.as_ref().unchecked_ref();
            // Capture: scroll events do not bubble, and the pane, not the window, scrolls.
            let _ = window.add_event_listener_with_callback_and_bool("scroll", f, true);
            let _ = window.add_event_listener_with_callback("resize", f);
            self.listener.try_set_value(Some(closure));
        } else if !on && attached {
            if let Some(Some(closure)) = self.listener.try_update_value(Option::take) {
                let f = closure.as_ref().unchecked_ref();
                let _ = window.remove_event_listener_with_callback_and_bool("scroll", f, true);
                let _ = window.remove_event_listener_with_callback("resize", f);
            }
        }
    }
}

/// Elements of the highlights of annotation `id` in the article's paragraphs `places`.
fn highlights(root: &web_sys::Element, places: &[usize], id: &str) -> Vec<web_sys::Element> {
    let id = id.replace('\\', "\\\\").replace('"', "\\\"");
    let selector = format!("[data-m~=\"{id}\"]");
    let paragraphs = root.children();
    places
        .iter()
        .filter_map(|&i| paragraphs.item(i as u32))
        .filter_map(|p| p.query_selector_all(&selector).ok())
        .flat_map(|list| {
            (0..list.length())
                .filter_map(move |i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        })
        .collect()
}

/// Mark the selected annotation (`.sel`) and the selected event's arguments (`.arg`, with
/// their roles in `data-role`), clearing the `old` marks first. Returns the marked elements.
/// (A repainted paragraph comes back unmarked, so `old` covers every mark there is.)
fn mark_annotations(
    root: &web_sys::Element,
    locate: &impl Fn(&web_sys::Element, &str) -> Vec<web_sys::Element>,
    old: Vec<web_sys::Element>,
    selected: Option<&str>,
    roles: &[(Id, String)],
    numbered: &[Id],
) -> Vec<web_sys::Element> {
    for el in old {
        let _ = el.class_list().remove_2("sel", "arg");
        let _ = el.remove_attribute("data-role");
        let _ = el.remove_attribute("data-num");
    }
    let mut marked = Vec::new();
    for (n, id) in numbered.iter().enumerate() {
        if let Some(first) = locate(root, id).into_iter().next() {
            let _ = first.set_attribute("data-num", &(n + 1).to_string());
            marked.push(first);
        }
    }
    if let Some(id) = selected {
        for el in locate(root, id) {
            let _ = el.class_list().add_1("sel");
            marked.push(el);
        }
    }
    for (target, role) in roles {
        for el in locate(root, target) {
            let _ = el.class_list().add_1("arg");
            let label = match el.get_attribute("data-role") {
                Some(old) if !old.split(' ').any(|r| r == role) => format!("{old} {role}"),
                Some(old) => old,
                None => role.clone(),
            };
            let _ = el.set_attribute("data-role", &label);
            marked.push(el);
        }
    }
    marked
}

/// Mentions, plus each event trigger drawn like a mention of its event type.
fn color_of<'c>(colors: &'c [(String, String)], kind: &str) -> &'c str {
    colors
        .iter()
        .find(|(n, _)| n == kind)
        .map_or("#777777", |(_, c)| c.as_str())
}
