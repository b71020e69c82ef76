//! The article text with its highlights. Each paragraph re-renders only when the pieces
//! that fall in it change, so an edit repaints one paragraph, not the article.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::annotate::Interaction;
use super::arcs::{bounding, emphasise, paint, ArcsState};
use super::display::Display;
use super::state::Workspace;
use super::suggest::Suggestions;
use crate::browser::selection::{clear_selection, select_span, selection_span};
use crate::core::arcs::has_arcs;
use crate::core::layout::Piece;
use crate::core::layout::{
    bucket_refs, bucket_spans, drawn_spans, paragraphs, paragraphs_of, same_pieces, PieceRef,
};
use crate::core::model::{Id, Span};
use crate::core::render::article::{article_html, paragraph_html_suggested};
use crate::core::render::suggested::{index_of, Suggested};
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
    // (see core::render::article::article_html). After an edit, one effect buckets the spans again,
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
    let arcs = StoredValue::new_local(ArcsState::new(paras.len()));
    let suggested = StoredValue::new(vec![Vec::<Piece>::new(); paras.len()]);
    let sug_focus = StoredValue::new(None::<usize>);
    let paras = StoredValue::new(paras);
    let drawn = StoredValue::new(drawn);
    let sug = expect_context::<Suggestions>();
    {
        let colors = colors.clone();
        // Only an edit of this document (or a change of its suggestions) repaints it:
        // other documents' edits bump their own revisions, not this one. A paragraph is
        // drawn again only when its annotations, its suggestions or the focus in it changed.
        Effect::new(move |_| {
            ws.corpus.open_rev().track();
            sug.rev().track();
            sug.focused().track();
            let hidden = sug.hidden().get();
            let Some(root) = article_ref.try_get_untracked().flatten() else {
                return;
            };
            let elements = root.children();
            let focus = sug.focused_index();
            let old_focus = sug_focus.get_value();
            sug_focus.set_value(focus);
            ws.with_open(|slot| {
                let (doc, index) = slot.indexed();
                paras.try_with_value(|paras| {
                    let new = bucket_refs(paras, drawn_spans(&doc.annotations));
                    let new_sug = if hidden {
                        vec![Vec::new(); paras.len()]
                    } else {
                        sug.with_layer(|l| l.pieces(paras))
                            .unwrap_or_else(|| vec![Vec::new(); paras.len()])
                    };
                    let focus_para = |f: Option<usize>| {
                        f.and_then(|f| {
                            new_sug
                                .iter()
                                .position(|p| p.iter().any(|x| index_of(&x.id) == Some(f)))
                        })
                    };
                    let touched = [focus_para(focus), focus_para(old_focus)];
                    let title = |i: usize| {
                        sug.with_layer(|l| l.get(i).map(|s| s.summary()))
                            .flatten()
                            .unwrap_or_default()
                    };
                    drawn.try_update_value(|drawn| {
                        suggested.try_update_value(|suggested| {
                            for (i, (new, drawn)) in new.iter().zip(drawn.iter_mut()).enumerate() {
                                let same_sug = suggested[i] == new_sug[i];
                                if same_pieces(drawn, new)
                                    && same_sug
                                    && !touched.contains(&Some(i))
                                {
                                    continue;
                                }
                                *drawn = new.iter().map(PieceRef::to_piece).collect();
                                suggested[i] = new_sug[i].clone();
                                // The new markup has no arcs layer: it is drawn again.
                                arcs.try_update_value(|a| a.forget(i));
                                if let Some(el) = elements.item(i as u32) {
                                    let s = Suggested {
                                        pieces: &suggested[i],
                                        title: &title,
                                        focused: focus,
                                    };
                                    el.set_inner_html(&paragraph_html_suggested(
                                        &doc.text,
                                        index,
                                        paras[i],
                                        drawn,
                                        &s,
                                        |k| color_of(&colors, k),
                                    ));
                                }
                            }
                        });
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

    let display = expect_context::<Display>();
    // Arcs are drawn a frame after what changed them, at most once a frame.
    let hover = StoredValue::new_local(None::<Id>);
    let queued = StoredValue::new_local(false);
    let frame = move || {
        queued.try_set_value(false);
        let Some(Some(root)) = article_ref.try_get_untracked() else {
            return;
        };
        if !display.arcs().try_get_untracked().unwrap_or(false) {
            return;
        }
        let Some(selected) = ws.selection.selected().try_get_untracked() else {
            return;
        };
        let hot = hover.try_get_value().flatten().or_else(|| selected.clone());
        ws.with_open(|slot| {
            let ann = &slot.doc.annotations;
            // The selected mention's entity (or the selected entity) is linked up.
            let entity = selected.as_deref().and_then(|id| {
                ann.mention(id)
                    .and_then(|m| m.entity.clone())
                    .or_else(|| ann.entity(id).map(|e| e.id.clone()))
            });
            let focused = selected.is_some()
                && hot == selected
                && has_arcs(ann, selected.as_deref().unwrap_or_default());
            arcs.try_update_value(|state| {
                state.hot = hot;
                state.focused = focused;
                let version = ws.corpus.open_rev().try_get_untracked().unwrap_or(0);
                paras.try_with_value(|paras| {
                    paint(&root, paras, ann, entity.as_deref(), version, state)
                });
                emphasise(&root, state);
            });
        });
    };
    let schedule = move || {
        if queued.try_get_value() == Some(false) {
            queued.try_set_value(true);
            request_animation_frame(frame);
        }
    };
    Effect::new(move |_| {
        ws.corpus.open_rev().track();
        ws.selection.selected().track();
        display.arcs().track();
        schedule();
    });
    // Dropped with the component, which removes the listeners.
    let _follow = StoredValue::new_local(window_follow(schedule));

    // Drag from one annotation to another links them, as in brat: from a trigger, an
    // argument (a role picker follows), otherwise a relation. A drag that stays in one
    // annotation, or runs into one nested in it, selects text as usual.
    let drag = StoredValue::new_local(None::<(String, Vec<String>, f64, f64)>);
    let band = RwSignal::new(None::<(f64, f64, f64, f64)>);
    let wrap_ref = NodeRef::<leptos::html::Div>::new();
    let on_mousedown = move |ev: leptos::ev::MouseEvent| {
        let hit = ids_at(&ev);
        drag.try_set_value(hit.and_then(|ids| {
            let from = ids.last()?.clone();
            Some((from, ids, ev.client_x() as f64, ev.client_y() as f64))
        }));
    };
    let on_mousemove = move |ev: leptos::ev::MouseEvent| {
        let over = ids_at(&ev).and_then(|ids| ids.last().cloned());
        if Some(&over) != hover.try_get_value().as_ref() {
            hover.try_set_value(over);
            schedule();
        }
        let Some(Some((_, _, x, y))) = drag.try_get_value() else {
            return;
        };
        if ev.buttons() & 1 == 0 {
            drag.try_set_value(None);
            band.try_set(None);
            return;
        }
        let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
        if (cx - x).hypot(cy - y) < 6.0 {
            return;
        }
        if let Some((l, t, _, _)) = wrap_ref
            .try_get_untracked()
            .flatten()
            .and_then(|w| bounding(&w))
        {
            band.try_set(Some((x - l, y - t, cx - l, cy - t)));
        }
    };
    let on_mouseleave = move |_| {
        if hover.try_get_value().flatten().is_some() {
            hover.try_set_value(None);
            schedule();
        }
    };

    let on_mouseup = move |ev: leptos::ev::MouseEvent| {
        let dragged = drag.try_get_value().flatten();
        drag.try_set_value(None);
        let banded = band.try_get_untracked().flatten().is_some();
        band.try_set(None);
        if let (Some((from, from_ids, _, _)), Some(to_ids), true) = (dragged, ids_at(&ev), banded) {
            let to = to_ids.last().cloned().unwrap_or_default();
            // Not into a span nested in the start, nor out to one around it.
            if !from_ids.contains(&to) && !to_ids.contains(&from) {
                clear_selection();
                ia.pick_link_type(from, to);
                return;
            }
        }
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
        // A click on a suggestion (outside any annotation) accepts it; a double click
        // rejects it instead, and the word it selected is let go.
        if let Some(i) = suggestion_at(&ev) {
            if ev.detail() >= 2 {
                clear_selection();
                ws.selection.set_pending(None);
                sug.click(i, true);
                return;
            }
            if selection_span().is_none() {
                sug.click(i, false);
                return;
            }
        }
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

    // Selection and argument marks are set on the DOM directly, from one effect: a
    // reactive closure per highlight would put thousands of subscribers on one signal,
    // and Leptos unsubscribes them one by one (quadratic on a 10,000-annotation article).
    Effect::new(move |previous: Option<Option<Id>>| {
        let selected = ws.selection.selected().get();
        let marks = roles.get();
        ws.corpus.open_rev().track();
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
            let now = mark_annotations(&root, &locate, old, chosen.as_deref(), &marks, &numbered);
            marked.try_set_value(now);
            if scroll {
                if let Some(first) = chosen.and_then(|id| locate(&root, &id).into_iter().next()) {
                    let options = web_sys::ScrollIntoViewOptions::new();
                    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                    first.scroll_into_view_with_scroll_into_view_options(&options);
                }
            }
        });
        selected
    });

    // Each paragraph's arcs are drawn inside it (see super::arcs); only the line of a
    // drag in progress is a layer of its own, a sibling of the article, whose children
    // are exactly its paragraphs.
    view! {
        <div class="article-wrap" node_ref=wrap_ref>
            <div class="article" node_ref=article_ref data-doc=id tabindex="0" role="document"
                class:arcs-on=move || display.arcs().get()
                class:wide=move || display.wide().get()
                aria-label="Article text: Tab and Shift+Tab move between annotations"
                on:mousedown=on_mousedown on:mousemove=on_mousemove on:mouseleave=on_mouseleave
                on:mouseup=on_mouseup on:click=on_click inner_html=initial_html>
            </div>
            {move || band.get().map(|(x1, y1, x2, y2)| view! {
                <svg class="drag-arc" aria-hidden="true" focusable="false">
                    <line x1=x1 y1=y1 x2=x2 y2=y2></line>
                </svg>
            })}
        </div>
    }
}

/// The innermost suggestion under the pointer, where no annotation is.
fn suggestion_at(ev: &leptos::ev::MouseEvent) -> Option<usize> {
    let seg = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-sg]").ok().flatten())?;
    if seg.has_attribute("data-m") {
        return None;
    }
    seg.get_attribute("data-sg")?
        .split(' ')
        .next_back()
        .and_then(|i| i.parse().ok())
}

/// The ids covering the highlight under the pointer, outermost first.
fn ids_at(ev: &leptos::ev::MouseEvent) -> Option<Vec<String>> {
    let seg = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-m]").ok().flatten())?;
    let ids: Vec<String> = seg
        .get_attribute("data-m")?
        .split(' ')
        .map(str::to_owned)
        .collect();
    (!ids.is_empty()).then_some(ids)
}

/// Calls `schedule` on every scroll (of any pane: captured) and resize, until dropped.
fn window_follow(schedule: impl Fn() + 'static) -> Option<WindowFollow> {
    let window = web_sys::window()?;
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(schedule);
    let f = closure.as_ref().unchecked_ref();
    let _ = window.add_event_listener_with_callback_and_bool("scroll", f, true);
    let _ = window.add_event_listener_with_callback("resize", f);
    Some(WindowFollow(closure))
}

struct WindowFollow(wasm_bindgen::closure::Closure<dyn FnMut()>);

impl Drop for WindowFollow {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let f = self.0.as_ref().unchecked_ref();
            let _ = window.remove_event_listener_with_callback_and_bool("scroll", f, true);
            let _ = window.remove_event_listener_with_callback("resize", f);
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
        // On the segment with the type label, where the number joins the label.
        if let Some(last) = locate(root, id).into_iter().last() {
            let _ = last.set_attribute("data-num", &(n + 1).to_string());
            marked.push(last);
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
