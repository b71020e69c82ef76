//! The diff of two annotators over one document's text, side by side or interleaved, with
//! a choice for each disagreement (take A, B, both, neither, or edit), and the curated set
//! those choices build, kept in this browser and exported in every format.
//!
//! Keys inside the diff: **n**/**j** next disagreement, **p**/**k** previous, **a** take A,
//! **b** take B, **h** both, **x** neither, **e** edit. The current disagreement's mark is
//! scrolled into view and focused.

use std::sync::Arc;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::Workspace;
use crate::browser::download::{download_bytes, download_text};
use crate::core::adjudication::{
    self, check_edit, curate, diff, put_curated, unreviewed, with_default, Choice, Curated,
    DiffItem, DiffKind, Edit, Layer, Side, StoredCurated, CURATED,
};
use crate::core::agreement::AnnotatorCorpus;
use crate::core::diffview::{
    describe, disagreements, marks, piece_classes, pieces, selection_point, step, Mark,
};
use crate::core::format::{self, archive, loupe, Format, OutFile};
use crate::core::model::{Annotations, Document, Span, Status};
use crate::core::offsets::{cp_len, slice_cp};

/// Read the curated set through the workspace's corpus store (see
/// [`adjudication::load_curated`]); nothing when the browser has no storage.
pub fn load_curated(ws: &Workspace) -> StoredCurated {
    ws.storing(|s| Ok(adjudication::load_curated(s)))
        .unwrap_or_default()
}

fn mime(name: &str) -> &'static str {
    if name.ends_with(".zip") {
        "application/zip"
    } else if name.ends_with(".csv") {
        "text/csv"
    } else if name.ends_with(".json") || name.ends_with(".jsonld") {
        "application/json"
    } else {
        "text/plain"
    }
}

/// The type and span an annotation of a diff item has, to start an edit from.
fn kind_and_span(ann: &Annotations, layer: Layer, id: &str) -> Option<(String, Option<Span>)> {
    let hull = |spans: &[Span]| {
        let start = spans.iter().map(|s| s.start).min()?;
        let end = spans.iter().map(|s| s.end).max()?;
        Some(Span::new(start, end))
    };
    match layer {
        Layer::Mention => ann
            .mention(id)
            .map(|m| (m.kind.clone(), hull(&m.fragments))),
        Layer::Event => ann.event(id).map(|e| (e.kind.clone(), hull(&e.trigger))),
        Layer::Relation => ann.relation(id).map(|r| (r.kind.clone(), None)),
        Layer::Cluster => ann.entity(id).map(|e| (e.kind.clone(), None)),
    }
}

fn choice_label(c: Option<&Choice>) -> String {
    let Some(c) = c else {
        return "not reviewed".into();
    };
    match c {
        Choice::TakeA => "take A".into(),
        Choice::TakeB => "take B".into(),
        Choice::TakeBoth => "take both".into(),
        Choice::TakeNeither => "take neither".into(),
        Choice::Edit(e) => match e.span {
            Some(s) => format!(
                "edited from {}: {} [{}, {})",
                e.from.letter(),
                e.kind,
                s.start,
                s.end
            ),
            None => format!("edited from {}: {}", e.from.letter(), e.kind),
        },
    }
}

/// The span of the text selected inside the diff, in code points. Each piece carries its
/// start in `data-start`, and both ends of the selection must lie in a piece's text.
fn selected_span() -> Option<Span> {
    let sel = window().get_selection().ok()??;
    if sel.is_collapsed() {
        return None;
    }
    let point = |node: Option<web_sys::Node>, offset: u32| -> Option<usize> {
        let node = node?;
        if node.node_type() != web_sys::Node::TEXT_NODE {
            return None;
        }
        let piece = node.parent_element()?;
        let start = piece.get_attribute("data-start")?.parse().ok()?;
        selection_point(start, &node.text_content()?, offset as usize)
    };
    let a = point(sel.anchor_node(), sel.anchor_offset())?;
    let b = point(sel.focus_node(), sel.focus_offset())?;
    Some(Span::new(a.min(b), a.max(b)))
}

/// Scroll the current disagreement's mark into view and focus it, once the text has been
/// drawn again.
fn focus_current() {
    request_animation_frame(move || {
        let Some(el) = document()
            .query_selector(".diff-text .current")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            // A relation has no mark in the text: the status line says which it is.
            if let Some(s) = document()
                .query_selector(".diff-status")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = s.focus();
            }
            return;
        };
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&options);
        let _ = el.focus();
    });
}

/// What waits for the reviewer's answer about unreviewed disagreements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Save,
    Download,
}

#[component]
pub fn Adjudication(
    corpora: RwSignal<Vec<AnnotatorCorpus>>,
    curated: RwSignal<Vec<Document>>,
) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let a_idx = RwSignal::new(0usize);
    let b_idx = RwSignal::new(1usize);
    Effect::new(move |_| {
        corpora.track();
        a_idx.set(0);
        b_idx.set(1);
    });
    let doc_index = RwSignal::new(0usize);
    // (A's document, B's annotations) for each document both annotators have.
    let pairs = Memo::new(move |_| {
        let (ai, bi) = (a_idx.get(), b_idx.get());
        corpora.with(|c| {
            let (Some(a), Some(b)) = (c.get(ai), c.get(bi)) else {
                return Vec::new();
            };
            if ai == bi {
                return Vec::new();
            }
            a.documents
                .iter()
                .filter_map(|da| {
                    let db = b
                        .documents
                        .iter()
                        .find(|d| d.meta.sha256 == da.meta.sha256)?;
                    Some((da.clone(), db.annotations.clone()))
                })
                .collect::<Vec<(Document, Annotations)>>()
        })
    });
    Effect::new(move |_| {
        pairs.track();
        doc_index.set(0);
    });
    let current_doc = Memo::new(move |_| pairs.with(|p| p.get(doc_index.get()).cloned()));
    let items = Memo::new(move |_| {
        current_doc.with(|d| {
            d.as_ref()
                .map(|(a, b)| diff(&a.annotations, b))
                .unwrap_or_default()
        })
    });
    let dis = Memo::new(move |_| items.with(|it| disagreements(it)));
    // One choice per disagreement; `None` until the reviewer makes it.
    let choices = RwSignal::new(Vec::<Option<Choice>>::new());
    // Saving or downloading waits here while unreviewed disagreements are confirmed.
    let asking = RwSignal::new(None::<Action>);
    // The position of the current disagreement among `dis`.
    let current = RwSignal::new(None::<usize>);
    let editing = RwSignal::new(false);
    Effect::new(move |_| {
        let n = dis.with(Vec::len);
        choices.set(vec![None; n]);
        asking.set(None);
        current.set(None);
        editing.set(false);
    });
    let interleaved = RwSignal::new(false);
    let name = move |s: Side| {
        let i = match s {
            Side::A => a_idx.get(),
            Side::B => b_idx.get(),
        };
        corpora.with(|c| c.get(i).map(|x| x.annotator.clone()).unwrap_or_default())
    };
    let cur_item = move || {
        current
            .get()
            .and_then(|c| dis.with(|d| d.get(c).copied()))
            .and_then(|i| items.with(|its| its.get(i).cloned().map(|it| (i, it))))
    };

    // The edit form of the current disagreement.
    let edit_from = RwSignal::new(Side::A);
    let edit_kind = RwSignal::new(String::new());
    let edit_start = RwSignal::new(String::new());
    let edit_end = RwSignal::new(String::new());
    let edit_orig = RwSignal::new(None::<Span>);
    let edit_error = RwSignal::new(None::<String>);
    let fill_edit = move |from: Side| {
        let Some((_, it)) = cur_item() else { return };
        let found = current_doc.with_untracked(|d| {
            let (doc, b) = d.as_ref()?;
            let (ann, id) = match from {
                Side::A => (&doc.annotations, it.a.as_ref()?),
                Side::B => (b, it.b.as_ref()?),
            };
            kind_and_span(ann, it.layer, id)
        });
        let Some((kind, span)) = found else { return };
        edit_from.set(from);
        edit_kind.set(kind);
        edit_orig.set(span);
        edit_start.set(span.map(|s| s.start.to_string()).unwrap_or_default());
        edit_end.set(span.map(|s| s.end.to_string()).unwrap_or_default());
        edit_error.set(None);
    };
    let open_edit = move || {
        let Some((_, it)) = cur_item() else { return };
        let pos = current.get_untracked().unwrap_or(0);
        match choices.with_untracked(|c| c.get(pos).cloned().flatten()) {
            Some(Choice::Edit(e)) => {
                fill_edit(e.from);
                edit_kind.set(e.kind.clone());
                if let Some(s) = e.span {
                    edit_start.set(s.start.to_string());
                    edit_end.set(s.end.to_string());
                }
            }
            _ => fill_edit(if it.a.is_some() { Side::A } else { Side::B }),
        }
        editing.set(true);
        request_animation_frame(|| {
            if let Some(el) = document()
                .get_element_by_id("diff-edit-type")
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    };
    let apply_edit = move || {
        let (Some(pos), Some((_, it))) = (current.get_untracked(), cur_item()) else {
            return;
        };
        let Some(text) =
            current_doc.with_untracked(|d| d.as_ref().map(|(doc, _)| doc.text.clone()))
        else {
            return;
        };
        let span = if it.layer == Layer::Relation {
            None
        } else {
            let parse = |s: String| s.trim().parse::<usize>();
            match (
                parse(edit_start.get_untracked()),
                parse(edit_end.get_untracked()),
            ) {
                (Ok(start), Ok(end)) => {
                    let span = Span::new(start, end);
                    // An unchanged span keeps the original fragments, discontinuous or not.
                    (edit_orig.get_untracked() != Some(span)).then_some(span)
                }
                _ => {
                    edit_error.set(Some(
                        "Start and end must be whole numbers of characters.".into(),
                    ));
                    return;
                }
            }
        };
        let edit = Edit {
            from: edit_from.get_untracked(),
            kind: edit_kind.get_untracked().trim().to_owned(),
            span,
        };
        match check_edit(&text, &it, pos, &edit) {
            Ok(_) => {
                choices.update(|c| {
                    if let Some(x) = c.get_mut(pos) {
                        *x = Some(Choice::Edit(edit));
                    }
                });
                edit_error.set(None);
                editing.set(false);
                focus_current();
            }
            Err(e) => edit_error.set(Some(format!("Not applied: {e}."))),
        }
    };
    let edit_preview = move || {
        let start = edit_start.get().trim().parse::<usize>().ok()?;
        let end = edit_end.get().trim().parse::<usize>().ok()?;
        current_doc.with(|d| {
            let (doc, _) = d.as_ref()?;
            slice_cp(&doc.text, start, end).map(str::to_owned)
        })
    };

    let go = move |forward: bool| {
        let n = dis.with_untracked(Vec::len);
        current.set(step(current.get_untracked(), n, forward));
        editing.set(false);
        focus_current();
    };
    // The next disagreement not reviewed yet, after the current one, wrapping around.
    let go_unreviewed = move || {
        let open = choices.with_untracked(|c| unreviewed(c));
        let Some(&first) = open.first() else { return };
        let here = current.get_untracked();
        let next = open
            .iter()
            .copied()
            .find(|&p| here.is_none_or(|h| p > h))
            .unwrap_or(first);
        current.set(Some(next));
        asking.set(None);
        editing.set(false);
        focus_current();
    };
    let choose = move |c: Choice| {
        let Some(pos) = current.get_untracked() else {
            return;
        };
        choices.update(|cs| {
            if let Some(x) = cs.get_mut(pos) {
                *x = Some(c);
            }
        });
        editing.set(false);
        focus_current();
    };
    let on_key = move |e: KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let in_field = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if in_field {
            return;
        }
        let key = e.key();
        match key.to_ascii_lowercase().as_str() {
            "n" | "j" => go(true),
            "p" | "k" => go(false),
            "a" => choose(Choice::TakeA),
            "b" => choose(Choice::TakeB),
            "h" => choose(Choice::TakeBoth),
            "x" => choose(Choice::TakeNeither),
            "e" => open_edit(),
            "u" => go_unreviewed(),
            // Other letters would reach the annotation shortcuts behind the panel.
            k if k.chars().count() == 1 && k.chars().all(char::is_alphanumeric) => {}
            _ => return,
        }
        e.prevent_default();
        e.stop_propagation();
    };

    // The curated result of the choices, unreviewed ones taken as `default`.
    let curated_with = move |default: &Choice| -> Option<Result<(Document, Curated), String>> {
        current_doc.with(|d| {
            let (doc, b) = d.as_ref()?;
            let cs = choices.with(|c| with_default(c, default));
            Some(
                items
                    .with(|list| curate(&doc.text, &doc.annotations, b, list, &cs))
                    .map(|c| (doc.clone(), c))
                    .map_err(|e| e.to_string()),
            )
        })
    };
    // What the curated document loses, live, so nothing is lost unseen.
    let losses = Memo::new(move |_| match curated_with(&Choice::TakeA) {
        Some(Ok((_, c))) => c.lost.iter().map(ToString::to_string).collect(),
        _ => Vec::<String>::new(),
    });
    // The curated document, or an alert saying why not.
    let build = move |default: &Choice| -> Option<Document> {
        match untrack(|| curated_with(default))? {
            Ok((doc, c)) => {
                if !c.lost.is_empty() {
                    let lost: Vec<String> = c.lost.iter().map(ToString::to_string).collect();
                    ws.alerts.info(format!(
                        "The curated document was built without what its choices left out: {}.",
                        lost.join("; ")
                    ));
                }
                let mut out = doc;
                out.annotations = c.annotations;
                out.meta.status = Status::Done;
                Some(out)
            }
            Err(e) => {
                ws.alerts.error(format!("No curated document: {e}."));
                None
            }
        }
    };
    let save_now = move |default: &Choice| {
        let Some(doc) = build(default) else { return };
        let title = doc.meta.title.clone();
        // Start from what is stored now, so a document another tab saved is kept.
        let stored = load_curated(&ws);
        if let Some(problem) = stored.problem {
            ws.alerts.error(problem);
        }
        let mut set = stored.documents;
        if set.is_empty() {
            set = curated.get_untracked();
        }
        put_curated(&mut set, doc);
        match ws.storing(|s| adjudication::save_curated(s, &set)) {
            Ok(()) => {
                let n = set.len();
                curated.set(set);
                ws.alerts.info(format!(
                    "Saved “{title}” to the curated set ({n} documents), kept in this browser."
                ));
            }
            Err(e) => ws.alerts.error(format!(
                "The curated set was not saved: {e}. What is stored did not change."
            )),
        }
    };
    let download_now = move |default: &Choice| {
        let Some(doc) = build(default) else { return };
        let json = loupe::to_json(std::slice::from_ref(&doc), CURATED);
        if let Err(e) = download_text(
            &format!("{}.curated.loupe.json", doc.meta.title),
            "application/json",
            &json,
        ) {
            ws.alerts.error(format!("The download failed: {e:?}"));
        }
    };
    let run = move |action: Action, default: &Choice| {
        asking.set(None);
        match action {
            Action::Save => save_now(default),
            Action::Download => download_now(default),
        }
    };
    // Save or download at once when every disagreement is reviewed; else ask first.
    let request = move |action: Action| {
        if choices.with_untracked(|c| unreviewed(c).is_empty()) {
            run(action, &Choice::TakeA);
        } else {
            asking.set(Some(action));
            request_animation_frame(|| {
                if let Some(el) = document()
                    .get_element_by_id("diff-ask")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            });
        }
    };

    let cur_idx = Memo::new(move |_| current.get().and_then(|c| dis.with(|d| d.get(c).copied())));
    // The text is drawn once per document and layout; stepping only moves the `current`
    // class, so the focused mark is never replaced under the keyboard.
    let text_view = move |sides: &'static [Side]| {
        let its = items.get();
        current_doc.with(|d| {
            let Some((doc, b)) = d else {
                return Vec::new();
            };
            let ms = Arc::new(marks(&doc.annotations, b, &its, sides, cp_len(&doc.text)));
            let both = sides.len() == 2;
            pieces(&doc.text, &ms)
                .into_iter()
                .map(|p| {
                    // In one text a match needs one tag, not two.
                    let tags: Vec<String> = p
                        .marks
                        .iter()
                        .map(|&i| &ms[i])
                        .filter(|m| m.end() == p.end)
                        .filter(|m| !(both && m.side == Side::B && m.kind == DiffKind::Match))
                        .map(Mark::tag)
                        .collect();
                    let text = p.text.clone();
                    let start = p.start;
                    let ms = ms.clone();
                    // Every mark stays focusable: taking tabindex off the focused one would
                    // drop the focus (and the next key) before the new one gets it.
                    let focusable = (!p.marks.is_empty()).then_some("-1");
                    view! {
                        <span data-start=start class=move || piece_classes(&p, &ms, cur_idx.get())
                            tabindex=focusable>{text}</span>
                        {tags.into_iter().map(|t| view! { <span class="diff-tag">{t}</span> }).collect_view()}
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    let status = move || {
        let total = dis.with(Vec::len);
        match (current.get(), cur_item()) {
            (Some(pos), Some((_, it))) => current_doc.with(|d| {
                let Some((doc, b)) = d else {
                    return String::new();
                };
                let chosen = choices.with(|c| choice_label(c.get(pos).and_then(Option::as_ref)));
                format!(
                    "{} of {total}: {} — A: {} · B: {} — choice: {chosen}",
                    pos + 1,
                    it.kind.label(),
                    describe(&doc.annotations, it.layer, it.a.as_deref()),
                    describe(b, it.layer, it.b.as_deref()),
                )
            }),
            _ if total == 0 => "No disagreements in this document.".to_owned(),
            _ => format!("{total} disagreements. Press n for the first, p for the last."),
        }
    };
    let pressed = move |want: fn(&Choice) -> bool| {
        move || {
            current
                .get()
                .and_then(|pos| choices.with(|c| c.get(pos).and_then(Option::as_ref).map(want)))
                .unwrap_or(false)
                .to_string()
        }
    };
    let has_side = move |s: Side| {
        cur_item().is_some_and(|(_, it)| match s {
            Side::A => it.a.is_some(),
            Side::B => it.b.is_some(),
        })
    };
    let picker = move |side: Side, sig: RwSignal<usize>| {
        let id = format!("diff-pick-{}", side.letter().to_ascii_lowercase());
        view! {
            <label for=id.clone()>{format!("Annotator {}", side.letter())}</label>
            <select id=id prop:value=move || sig.get().to_string()
                on:change=move |ev| sig.set(event_target_value(&ev).parse().unwrap_or(0))>
                {move || corpora.with(|c| c.iter().enumerate().map(|(i, x)| view! {
                    <option value=i.to_string() selected=move || sig.get() == i>{x.annotator.clone()}</option>
                }).collect_view())}
            </select>
        }
    };

    view! {
        <Show when=move || { corpora.with(|c| c.len() >= 2) }>
            <div class="actions-row diff-pickers">
                {picker(Side::A, a_idx)}
                {picker(Side::B, b_idx)}
                <label for="adjudicate-doc">"Document"</label>
                <select id="adjudicate-doc" prop:value=move || doc_index.get().to_string()
                    on:change=move |ev| doc_index.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {move || pairs.get().iter().enumerate().map(|(i, (d, _))| view! { <option value=i.to_string()>{d.meta.title.clone()}</option> }).collect_view()}
                </select>
            </div>
            <p class="muted">{move || if a_idx.get() == b_idx.get() {
                "Pick two different annotators to compare.".to_owned()
            } else {
                format!("{} (A) and {} (B) share {} documents.", name(Side::A), name(Side::B), pairs.with(Vec::len))
            }}</p>
        </Show>
        <Show when=move || current_doc.with(Option::is_some)>
            <div class="diff-view" on:keydown=on_key>
                <div class="actions-row" role="group" aria-label="Diff layout">
                    <button type="button" aria-pressed=move || (!interleaved.get()).to_string()
                        on:click=move |_| interleaved.set(false)>"Side by side"</button>
                    <button type="button" aria-pressed=move || interleaved.get().to_string()
                        on:click=move |_| interleaved.set(true)>"Interleaved"</button>
                </div>
                <ul class="diff-legend" aria-label="Legend">
                    <li><span class="d-a-match">"solid"</span>" match"</li>
                    <li><span class="d-a-type">"double"</span>" type differs"</li>
                    <li><span class="d-a-span">"dashed"</span>" span differs"</li>
                    <li><span class="d-a-args">"wavy"</span>" arguments differ"</li>
                    <li><span class="d-a-only">"dotted"</span>" only one annotator"</li>
                    <li>"A's marks are underlined, B's overlined; each is tagged with side, type and kind. Coreference clusters and relations have no mark of their own: they are in the list below, where clusters can also differ in members."</li>
                </ul>
                <p class="muted">"Keys in the diff: n or j next disagreement, p or k previous, u next not reviewed; a take A, b take B, h take both, x take neither, e edit."</p>
                <div class="diff-toolbar" role="group" aria-label="Current disagreement">
                    <button type="button" aria-keyshortcuts="p k" on:click=move |_| go(false)>"Previous"</button>
                    <button type="button" aria-keyshortcuts="n j" on:click=move |_| go(true)>"Next"</button>
                    <button type="button" aria-keyshortcuts="u" on:click=move |_| go_unreviewed()>"Next unreviewed"</button>
                    <p class="diff-status" tabindex="-1" aria-live="polite">{status}</p>
                    <Show when=move || current.get().is_some()>
                        <div class="diff-choices" role="group" aria-label="Choice for this disagreement">
                            <button type="button" aria-keyshortcuts="a" disabled=move || !has_side(Side::A)
                                aria-pressed=pressed(|c| *c == Choice::TakeA) on:click=move |_| choose(Choice::TakeA)>"Take A"</button>
                            <button type="button" aria-keyshortcuts="b" disabled=move || !has_side(Side::B)
                                aria-pressed=pressed(|c| *c == Choice::TakeB) on:click=move |_| choose(Choice::TakeB)>"Take B"</button>
                            <button type="button" aria-keyshortcuts="h"
                                aria-pressed=pressed(|c| *c == Choice::TakeBoth) on:click=move |_| choose(Choice::TakeBoth)>"Take both"</button>
                            <button type="button" aria-keyshortcuts="x"
                                aria-pressed=pressed(|c| *c == Choice::TakeNeither) on:click=move |_| choose(Choice::TakeNeither)>"Take neither"</button>
                            <button type="button" aria-keyshortcuts="e"
                                aria-pressed=pressed(|c| matches!(c, Choice::Edit(_))) on:click=move |_| open_edit()>"Edit…"</button>
                        </div>
                    </Show>
                </div>
                <Show when=move || editing.get()>
                    <div class="diff-edit" role="group" aria-label="Edit the annotation">
                        <span role="radiogroup" aria-label="Start from">
                            {[Side::A, Side::B].into_iter().map(|s| view! {
                                <label class="choice"><input type="radio" name="diff-edit-from"
                                    disabled=move || !has_side(s)
                                    prop:checked=move || edit_from.get() == s
                                    on:change=move |_| fill_edit(s)/>{format!("Start from {}", s.letter())}</label>
                            }).collect_view()}
                        </span>
                        <label for="diff-edit-type">"Type"</label>
                        <input id="diff-edit-type" type="text" prop:value=move || edit_kind.get()
                            on:input=move |ev| edit_kind.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" { apply_edit() }/>
                        <Show when=move || cur_item().is_some_and(|(_, it)| it.layer != Layer::Relation)>
                            <label for="diff-edit-start">"Start"</label>
                            <input id="diff-edit-start" type="number" min="0" prop:value=move || edit_start.get()
                                on:input=move |ev| edit_start.set(event_target_value(&ev))
                                on:keydown=move |ev| if ev.key() == "Enter" { apply_edit() }/>
                            <label for="diff-edit-end">"End"</label>
                            <input id="diff-edit-end" type="number" min="0" prop:value=move || edit_end.get()
                                on:input=move |ev| edit_end.set(event_target_value(&ev))
                                on:keydown=move |ev| if ev.key() == "Enter" { apply_edit() }/>
                            <button type="button" on:click=move |_| match selected_span() {
                                Some(s) => {
                                    edit_start.set(s.start.to_string());
                                    edit_end.set(s.end.to_string());
                                    edit_error.set(None);
                                }
                                None => edit_error.set(Some("Select the new span in the diff's text first, then press Use selected text.".into())),
                            }>"Use selected text"</button>
                            <span class="muted">{move || match edit_preview() {
                                Some(t) => format!("covers “{t}”"),
                                None => "outside the text".to_owned(),
                            }}</span>
                        </Show>
                        <button type="button" class="primary" on:click=move |_| apply_edit()>"Apply edit"</button>
                        <button type="button" on:click=move |_| { editing.set(false); focus_current(); }>"Cancel edit"</button>
                        {move || edit_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    </div>
                </Show>
                <div class="diff-text" class:interleaved=move || interleaved.get()>
                    {move || if interleaved.get() {
                        view! {
                            <section class="diff-col" aria-label=move || format!("A ({}) and B ({}) interleaved", name(Side::A), name(Side::B))>
                                <h4>{move || format!("A: {} · B: {}", name(Side::A), name(Side::B))}</h4>
                                <p>{move || text_view(&[Side::A, Side::B])}</p>
                            </section>
                        }.into_any()
                    } else {
                        view! {
                            <section class="diff-col" aria-label=move || format!("A: {}", name(Side::A))>
                                <h4>{move || format!("A: {}", name(Side::A))}</h4>
                                <p>{move || text_view(&[Side::A])}</p>
                            </section>
                            <section class="diff-col" aria-label=move || format!("B: {}", name(Side::B))>
                                <h4>{move || format!("B: {}", name(Side::B))}</h4>
                                <p>{move || text_view(&[Side::B])}</p>
                            </section>
                        }.into_any()
                    }}
                </div>
            </div>
            <DisagreementList current_doc items dis choices current
                on_edit=Callback::new(move |pos: usize| { current.set(Some(pos)); open_edit(); })/>
            <SaveBar losses choices asking
                on_review=Callback::new(move |()| go_unreviewed())
                on_run=Callback::new(move |(action, default): (Action, Choice)| run(action, &default))
                on_request=Callback::new(request)/>
        </Show>
    }
}

/// The disagreements of the document, each described by its text on both sides, marked
/// "not reviewed" until a choice is made, with its choice and an edit button.
#[component]
fn DisagreementList(
    current_doc: Memo<Option<(Document, Annotations)>>,
    items: Memo<Vec<DiffItem>>,
    dis: Memo<Vec<usize>>,
    choices: RwSignal<Vec<Option<Choice>>>,
    current: RwSignal<Option<usize>>,
    on_edit: Callback<usize>,
) -> impl IntoView {
    view! {
            <ol class="diff-list" aria-label="Disagreements">
                {move || {
                    let Some((doc, b)) = current_doc.get() else { return Vec::new() };
                    let its = items.get();
                    dis.get().into_iter().enumerate().map(|(pos, i)| {
                        let it: DiffItem = its[i].clone();
                        let name = format!("choice-{pos}");
                        let said_a = describe(&doc.annotations, it.layer, it.a.as_deref());
                        let said_b = describe(&b, it.layer, it.b.as_deref());
                        let label = format!("{}: A {said_a} · B {said_b}", it.kind.label());
                        let class = format!("diff {}", it.kind.label().replace(' ', "-"));
                        let open = move || choices.with(|cs| cs.get(pos).is_some_and(Option::is_none));
                        view! {
                            <li class=class class:current=move || current.get() == Some(pos) class:unreviewed=open>
                                <span class="diff-kind">{it.kind.label()}</span>
                                <span class="diff-review">{move || if open() { "not reviewed" } else { "reviewed" }}</span>
                                <span class="diff-a">{format!("A: {said_a}")}</span>
                                <span class="diff-b">{format!("B: {said_b}")}</span>
                                <span role="radiogroup" aria-label=label>
                                    {[(Choice::TakeA, "Take A"), (Choice::TakeB, "Take B"), (Choice::TakeBoth, "Both"), (Choice::TakeNeither, "Neither")]
                                        .into_iter().map(|(c, text)| { let name = name.clone(); let set = c.clone(); view! {
                                        <label class="choice"><input type="radio" name=name
                                            prop:checked=move || choices.with(|cs| cs.get(pos).and_then(Option::as_ref) == Some(&c))
                                            on:change=move |_| choices.update(|cs| if let Some(x) = cs.get_mut(pos) { *x = Some(set.clone()) })/>{text}</label>
                                    }}).collect_view()}
                                    <button type="button" class="link" on:click=move |_| on_edit.run(pos)>
                                        {move || choices.with(|cs| match cs.get(pos).and_then(Option::as_ref) {
                                            Some(c @ Choice::Edit(_)) => choice_label(Some(c)),
                                            _ => "Edit…".to_owned(),
                                        })}
                                    </button>
                                </span>
                            </li>
                        }
                    }).collect::<Vec<_>>()
                }}
            </ol>
    }
}

/// What the choices lose, how many are reviewed, the question asked before defaulting the
/// unreviewed ones, and the save and download buttons.
#[component]
fn SaveBar(
    losses: Memo<Vec<String>>,
    choices: RwSignal<Vec<Option<Choice>>>,
    asking: RwSignal<Option<Action>>,
    on_review: Callback<()>,
    on_run: Callback<(Action, Choice)>,
    on_request: Callback<Action>,
) -> impl IntoView {
    let reviewed_line = move || {
        let (open, total) = choices.with(|c| (unreviewed(c).len(), c.len()));
        format!(
            "{} of {total} disagreements reviewed; {open} not yet (u goes to the next).",
            total - open
        )
    };
    view! {
            <Show when=move || losses.with(|l| !l.is_empty())>
                <section class="diff-losses" aria-labelledby="diff-losses-heading">
                    <h4 id="diff-losses-heading">"What the curated document loses with these choices"</h4>
                    <ul>{move || losses.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </section>
            </Show>
            <p class="muted diff-reviewed">{reviewed_line}</p>
            {move || asking.get().map(|action| {
                let open = choices.with(|c| unreviewed(c).len());
                let total = choices.with(Vec::len);
                let verb = match action { Action::Save => "save", Action::Download => "download" };
                view! {
                    <div id="diff-ask" class="diff-ask" role="alertdialog" tabindex="-1" aria-labelledby="diff-ask-text">
                        <p id="diff-ask-text">{format!(
                            "{open} of {total} disagreements {} not reviewed yet. Review {}, or {verb} with a choice for {}:",
                            if open == 1 { "is" } else { "are" },
                            if open == 1 { "it" } else { "them" },
                            if open == 1 { "it" } else { "them" },
                        )}</p>
                        <div class="actions-row">
                            <button type="button" class="primary" on:click=move |_| on_review.run(())>"Review the next unreviewed"</button>
                            <button type="button" on:click=move |_| on_run.run((action, Choice::TakeA))>{format!("Take A for them and {verb}")}</button>
                            <button type="button" on:click=move |_| on_run.run((action, Choice::TakeNeither))>{format!("Take neither for them and {verb}")}</button>
                            <button type="button" on:click=move |_| asking.set(None)>"Cancel"</button>
                        </div>
                    </div>
                }
            })}
            <div class="actions-row">
                <button type="button" class="primary" on:click=move |_| on_request.run(Action::Save)>"Save to curated set"</button>
                <button type="button" on:click=move |_| on_request.run(Action::Download)>"Download curated file"</button>
            </div>
    }
}

/// The curated set kept in this browser: its documents, and its export in every format.
#[component]
pub fn CuratedSet(curated: RwSignal<Vec<Document>>) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let format = RwSignal::new(Format::Loupe);
    let export = move |_| {
        let set = curated.get_untracked();
        let f = format.get_untracked();
        let schema = ws.schema_now();
        let mut out = format::export(f, &set, &schema);
        if f == Format::Loupe {
            // The generic loupe/1 export names no annotator; the curated set is one.
            out.files = vec![OutFile {
                name: "curated.json".into(),
                bytes: loupe::to_json_with_schema(&set, CURATED, &schema).into_bytes(),
            }];
        }
        let file = match archive::single_or_zip(&out.files, &format!("curated.{}.zip", f.name())) {
            Ok(file) => file,
            Err(e) => {
                ws.alerts
                    .error(format!("The curated set could not be exported: {e}"));
                return;
            }
        };
        let name = file.name.replacen("corpus", "curated", 1);
        if let Err(e) = download_bytes(&name, mime(&name), &file.bytes) {
            ws.alerts.error(format!("The download failed: {e:?}"));
            return;
        }
        let lost = out.report.lines();
        if !lost.is_empty() {
            ws.alerts
                .info(format!("Exported {name}; {}.", lost.join("; ")));
        }
    };
    view! {
        <section class="curated" aria-labelledby="curated-heading">
            <h3 id="curated-heading">"Curated set"</h3>
            <p class="muted">{move || match curated.with(Vec::len) {
                0 => "Nothing adjudicated yet. Saved documents are kept in this browser as the work of annotator “curated”.".to_owned(),
                n => format!("{n} adjudicated documents, kept in this browser as the work of annotator “curated”."),
            }}</p>
            <ul aria-label="Curated documents">
                {move || curated.get().into_iter().map(|d| view! {
                    <li>{format!("{} — {} annotations", d.meta.title, d.annotations.count())}</li>
                }).collect_view()}
            </ul>
            <Show when=move || curated.with(|c| !c.is_empty())>
                <div class="actions-row">
                    <label for="curated-format">"Format"</label>
                    <select id="curated-format" on:change=move |ev| {
                        if let Some(f) = Format::from_name(&event_target_value(&ev)) { format.set(f) }
                    }>
                        {Format::ALL.into_iter().map(|f| view! { <option value=f.name()>{f.name()}</option> }).collect_view()}
                    </select>
                    <button type="button" on:click=export>"Export curated set"</button>
                </div>
            </Show>
        </section>
    }
}
