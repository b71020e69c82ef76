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

    // One memo cuts all mentions into paragraphs; a memo per paragraph passes on only
    // its own change.
    let all_pieces = {
        let paras = paras.clone();
        Memo::new(move |_| {
            ws.version.track();
            ws.with_current(|slot| bucket(&paras, &spans_to_draw(&slot.doc.annotations)))
                .unwrap_or_default()
        })
    };
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
            let pieces =
                Memo::new(move |_| all_pieces.with(|all| all.get(i).cloned().unwrap_or_default()));
            let text = text.clone();
            let index = index.clone();
            let colors = colors.clone();
            view! {
                <p class="para" data-s=para.start.to_string() data-e=para.end.to_string()>
                    {move || render_paragraph(&text, &index, para, &pieces.get(), &colors, ws, roles)}
                </p>
            }
        })
        .collect_view();

    view! {
        <div class="article" node_ref=article_ref data-doc=id
            on:mouseup=on_mouseup on:click=on_click>
            {para_views}
        </div>
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
    ws: Workspace,
    roles: Memo<Vec<(Id, String)>>,
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
            let id_list = ids.clone();
            let is_selected = move || {
                ws.selected
                    .get()
                    .is_some_and(|s| id_list.split(' ').any(|i| i == s))
            };
            let id_list = ids.clone();
            let role = move || {
                roles.with(|r| {
                    r.iter()
                        .filter(|(target, _)| id_list.split(' ').any(|i| i == target))
                        .map(|(_, role)| role.clone())
                        .collect::<Vec<_>>()
                })
            };
            let role_of = role.clone();
            let role_label = move || {
                let r = role_of();
                (!r.is_empty()).then(|| r.join(" "))
            };
            let is_arg = move || !role().is_empty();
            let is_trigger = inner.id.starts_with('E');
            view! {
                <span class="seg m" data-s=start data-e=end data-m=ids data-label=label
                    data-type=inner.kind.clone() style=style class:sel=is_selected
                    class:trigger=is_trigger class:arg=is_arg data-role=role_label>{content}</span>
            }
            .into_any()
        })
        .collect_view()
}
