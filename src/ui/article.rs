//! The article text with its highlights. Each paragraph re-renders only when the pieces
//! that fall in it change, so an edit repaints one paragraph, not the article.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::annotate::{Interaction, Mode};
use super::state::Workspace;
use crate::browser::selection::{select_span, selection_span};
use crate::core::layout::{bucket, paragraphs, segments, Piece};
use crate::core::model::{Annotations, Id, Mention, Span};
use crate::core::offsets::OffsetIndex;
use crate::core::snap::{snap_to_words, trim_span};

#[component]
pub fn Article() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    move || ws.current.get().map(|id| view! { <ArticleText id/> })
}

#[component]
fn ArticleText(id: Id) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let text: Arc<str> = ws
        .with_current(|slot| Arc::from(slot.doc.text.as_str()))
        .unwrap_or_else(|| Arc::from(""));
    let index = Arc::new(OffsetIndex::new(&text));
    let paras = Arc::new(paragraphs(&text));

    // One signal per paragraph holds the pieces drawn in it. After an edit, one effect
    // recomputes the buckets and sets only the paragraphs whose pieces changed, so each
    // paragraph closure has one subscriber-free source of its own. (A memo per paragraph
    // over one shared memo put 2,000 subscribers on it, which Leptos rewires one by one.)
    let draw = {
        let paras = paras.clone();
        move || {
            ws.with_current(|slot| bucket(&paras, &spans_to_draw(&slot.doc.annotations)))
                .unwrap_or_default()
        }
    };
    let piece_signals: Arc<Vec<RwSignal<Vec<Piece>>>> =
        Arc::new(draw().into_iter().map(RwSignal::new).collect());
    {
        let piece_signals = piece_signals.clone();
        Effect::new(move |first: Option<()>| {
            ws.version.track();
            if first.is_some() {
                for (signal, pieces) in piece_signals.iter().zip(draw()) {
                    if signal.with_untracked(|old| *old != pieces) {
                        signal.set(pieces);
                    }
                }
            }
        });
    }
    let colors = ws.schema.with_value(|s| {
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
        ws.version.track();
        let event = ia.armed.get().map(|(e, _)| e).or_else(|| ws.selected.get());
        let Some(event) = event else {
            return Vec::<(Id, String)>::new();
        };
        ws.with_current(|slot| {
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

    let on_mouseup = move |ev: leptos::ev::MouseEvent| {
        let Some(raw) = selection_span() else {
            return;
        };
        let text = ws
            .with_current(|slot| slot.doc.text.clone())
            .unwrap_or_default();
        // Alt turns snapping off; the span is still trimmed of spaces.
        let snapped = if ev.alt_key() {
            trim_span(&text, raw.start, raw.end)
        } else {
            snap_to_words(&text, raw.start, raw.end)
        };
        match snapped {
            // Shift+drag adds a fragment to the selected mention: a discontinuous span.
            Some((s, e)) if ev.shift_key() && ws.add_fragment(Span::new(s, e)) => {}
            Some((s, e)) => {
                let span = Span::new(s, e);
                ws.pending.set(Some(span));
                if let Some(root) = article_ref.get_untracked() {
                    select_span(&root, span);
                }
            }
            None => ws.pending.set(None),
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
        let current = ws.selected.get_untracked();
        let picking = ia.armed.get_untracked().is_some() || ia.mode.get_untracked() != Mode::Normal;
        let next = match current.and_then(|c| ids.iter().position(|i| *i == c)) {
            _ if picking => ids.last().cloned(),
            Some(0) => ids.last().cloned(),
            Some(pos) => ids.get(pos - 1).cloned(),
            None => ids.last().cloned(),
        };
        if let Some(next) = next {
            ws.choose(ia, next);
        }
    };

    let para_views = paras
        .iter()
        .enumerate()
        .map(|(i, &para)| {
            let pieces = piece_signals
                .get(i)
                .copied()
                .unwrap_or_else(|| RwSignal::new(Vec::new()));
            let text = text.clone();
            let index = index.clone();
            let colors = colors.clone();
            view! {
                <p class="para" data-s=para.start.to_string() data-e=para.end.to_string()>
                    {move || render_paragraph(&text, &index, para, &pieces.get(), &colors)}
                </p>
            }
        })
        .collect_view();

    // Selection and argument marks are set on the DOM directly, from one effect: a
    // reactive closure per highlight would put thousands of subscribers on one signal,
    // and Leptos unsubscribes them one by one (quadratic on a 10,000-annotation article).
    Effect::new(move |_| {
        let selected = ws.selected.get();
        let marks = roles.get();
        ws.version.track();
        // While a slot is armed, the nearest mentions carry the digit that fills it.
        let numbered = ia
            .armed
            .get()
            .map(|(event, _)| ws.candidates(&event))
            .unwrap_or_default();
        request_animation_frame(move || {
            if let Some(root) = article_ref.get_untracked() {
                mark_annotations(&root, selected.as_deref(), &marks, &numbered);
            }
        });
    });

    view! {
        <div class="article" node_ref=article_ref data-doc=id
            on:mouseup=on_mouseup on:click=on_click>
            {para_views}
        </div>
    }
}

/// Elements of the highlights of annotation `id`.
fn highlights(root: &web_sys::Element, id: &str) -> Vec<web_sys::Element> {
    let id = id.replace('\\', "\\\\").replace('"', "\\\"");
    let Ok(list) = root.query_selector_all(&format!("[data-m~=\"{id}\"]")) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .collect()
}

/// Mark the selected annotation (`.sel`) and the selected event's arguments (`.arg`, with
/// their roles in `data-role`), clearing the old marks first.
fn mark_annotations(
    root: &web_sys::Element,
    selected: Option<&str>,
    roles: &[(Id, String)],
    numbered: &[Id],
) {
    if let Ok(old) = root.query_selector_all(".sel, .arg, [data-num]") {
        for i in 0..old.length() {
            if let Some(el) = old
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.class_list().remove_2("sel", "arg");
                let _ = el.remove_attribute("data-role");
                let _ = el.remove_attribute("data-num");
            }
        }
    }
    for (n, id) in numbered.iter().enumerate() {
        if let Some(first) = highlights(root, id).first() {
            let _ = first.set_attribute("data-num", &(n + 1).to_string());
        }
    }
    if let Some(id) = selected {
        for el in highlights(root, id) {
            let _ = el.class_list().add_1("sel");
        }
    }
    for (target, role) in roles {
        for el in highlights(root, target) {
            let _ = el.class_list().add_1("arg");
            let label = match el.get_attribute("data-role") {
                Some(old) if !old.split(' ').any(|r| r == role) => format!("{old} {role}"),
                Some(old) => old,
                None => role.clone(),
            };
            let _ = el.set_attribute("data-role", &label);
        }
    }
}

/// Mentions, plus each event trigger drawn like a mention of its event type.
fn spans_to_draw(ann: &Annotations) -> Vec<Mention> {
    let mut all = ann.mentions.clone();
    all.extend(ann.events.iter().map(|e| Mention {
        id: e.id.clone(),
        kind: e.kind.clone(),
        fragments: e.trigger.clone(),
        text: e.trigger_text.clone(),
        attributes: Default::default(),
        normalization: None,
        note: None,
        entity: None,
    }));
    all
}

fn color_of<'c>(colors: &'c [(String, String)], kind: &str) -> &'c str {
    colors
        .iter()
        .find(|(n, _)| n == kind)
        .map_or("#777777", |(_, c)| c.as_str())
}

fn render_paragraph(
    text: &str,
    index: &OffsetIndex,
    para: Span,
    pieces: &[Piece],
    colors: &[(String, String)],
) -> impl IntoView {
    segments(para, pieces)
        .into_iter()
        .map(|seg| {
            let content = index
                .slice(text, seg.span.start, seg.span.end)
                .unwrap_or_default()
                .to_owned();
            let start = seg.span.start.to_string();
            let end = seg.span.end.to_string();
            if seg.covering.is_empty() {
                return view! { <span class="seg" data-s=start data-e=end>{content}</span> }
                    .into_any();
            }
            let ids: Vec<&str> = seg
                .covering
                .iter()
                .map(|&i| pieces[i].id.as_str())
                .collect();
            let ids = ids.join(" ");
            let inner = &pieces[*seg.covering.last().expect("covered")];
            // Stacked underlines: the innermost mention sits closest to the text, each
            // enclosing one a line lower, so nested spans all stay visible.
            let shadows: Vec<String> = seg
                .covering
                .iter()
                .rev()
                .enumerate()
                .map(|(depth, &i)| {
                    format!(
                        "0 {}px 0 0 {}",
                        2 + depth * 3,
                        color_of(colors, &pieces[i].kind)
                    )
                })
                .collect();
            let style = format!(
                "--type-color: {}; box-shadow: {}; padding-bottom: {}px",
                color_of(colors, &inner.kind),
                shadows.join(", "),
                seg.covering.len() * 3
            );
            let label = seg
                .ending
                .iter()
                .rev()
                .map(|&i| pieces[i].kind.rsplit(':').next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" ");
            let label = (!label.is_empty()).then_some(label);
            let is_trigger = inner.id.starts_with('E');
            view! {
                <span class="seg m" data-s=start data-e=end data-m=ids data-label=label
                    data-type=inner.kind.clone() style=style
                    class:trigger=is_trigger>{content}</span>
            }
            .into_any()
        })
        .collect_view()
}
