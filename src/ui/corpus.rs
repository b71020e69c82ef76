//! The corpus navigator: every document with its status and annotation counts, overall
//! progress, search, filter and sort, and managing documents (rename, mark done, delete
//! with undo). Alt+↓ and Alt+↑ open the next and previous document in the list as shown.

use crate::core::sort;
use std::collections::BTreeSet;

use leptos::ev;
use leptos::prelude::*;

use super::annotate::Interaction;
use super::state::Workspace;
use crate::core::import::{boilerplate_lines, without_lines};
use crate::core::model::{DocumentMeta, Id, Status};
use crate::core::plural::count;
use crate::core::storage::TYPICAL_QUOTA_UNITS;

fn status_label(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "not started",
        Status::InProgress => "in progress",
        Status::Done => "done",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Corpus,
    Title,
    Date,
    Status,
}

/// The documents the list shows, in the order it shows them.
fn visible(
    ws: Workspace,
    index: &[DocumentMeta],
    query: &str,
    status: Option<Status>,
    sort: Sort,
) -> Vec<DocumentMeta> {
    let query = query.trim().to_lowercase();
    let matches_text: BTreeSet<Id> = if query.is_empty() {
        BTreeSet::new()
    } else {
        ws.with_core(|c| {
            c.documents()
                .filter(|d| d.text.to_lowercase().contains(&query))
                .map(|d| d.meta.id.clone())
                .collect()
        })
        .unwrap_or_default()
    };
    let mut shown: Vec<DocumentMeta> = index
        .iter()
        .filter(|m| status.is_none_or(|s| m.status == s))
        .filter(|m| {
            query.is_empty()
                || m.title.to_lowercase().contains(&query)
                || matches_text.contains(&m.id)
        })
        .cloned()
        .collect();
    match sort {
        Sort::Corpus => {}
        Sort::Title => sort::sort_by_key(&mut shown, |m| m.title.to_lowercase()),
        // Undated documents go last.
        Sort::Date => sort::sort_by(&mut shown, |a, b| match (&a.date, &b.date) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }),
        Sort::Status => sort::sort_by_key(&mut shown, |m| match m.status {
            Status::InProgress => 0,
            Status::NotStarted => 1,
            Status::Done => 2,
        }),
    }
    shown
}

#[component]
pub fn CorpusPane() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    let query = RwSignal::new(String::new());
    let filter = RwSignal::new(Option::<Status>::None);
    let sort = RwSignal::new(Sort::Corpus);
    let checked = RwSignal::new(BTreeSet::<Id>::new());
    let confirming = RwSignal::new(Vec::<Id>::new());

    let index = ws.corpus.index();
    let shown =
        Memo::new(move |_| index.with(|i| visible(ws, i, &query.get(), filter.get(), sort.get())));
    // Alt+↓ and Alt+↑ (in the keymap) follow the list as shown.
    Effect::new(move |_| ia.set_shown(shown.with(|l| l.iter().map(|m| m.id.clone()).collect())));
    let done = move || index.with(|i| i.iter().filter(|m| m.status == Status::Done).count());
    let total = move || index.with(Vec::len);

    let go = move |delta: isize| {
        let order: Vec<Id> = shown.with_untracked(|l| l.iter().map(|m| m.id.clone()).collect());
        ws.open_neighbour(&order, delta);
    };

    view! {
        <nav class="corpus-pane" aria-label="Corpus">
            <h2>"Documents"</h2>
            <div class="progress-summary">
                <label for="corpus-progress">{move || format!("{} of {} done", done(), total())}</label>
                <progress id="corpus-progress" max=total value=done></progress>
            </div>
            <CorpusTools query filter sort/>
            <div class="doc-nav">
                <button type="button" aria-keyshortcuts="Alt+ArrowUp" title="Previous document (Alt+↑)"
                    on:click=move |_| go(-1)>"Previous"</button>
                <button type="button" aria-keyshortcuts="Alt+ArrowDown" title="Next document (Alt+↓)"
                    on:click=move |_| go(1)>"Next"</button>
            </div>
            <CurrentActions confirming/>
            <DeleteControls checked confirming/>
            <DocList shown checked/>
            {move || (shown.with(Vec::is_empty) && total() > 0).then(|| view! {
                <p class="muted">"No document matches the search or filter."</p>
            })}
            <StorageMeter/>
            <div class="annotator">
                <label for="annotator-name">"Your name (written into exports)"</label>
                <input id="annotator-name" type="text" autocomplete="name"
                    prop:value=move || ws.annotator().get()
                    on:change=move |ev| ws.set_annotator(event_target_value(&ev))/>
            </div>
        </nav>
    }
}

/// The search, the status filter and the order of the list.
#[component]
fn CorpusTools(
    query: RwSignal<String>,
    filter: RwSignal<Option<Status>>,
    sort: RwSignal<Sort>,
) -> impl IntoView {
    let status_options = [
        ("all", "All documents"),
        ("not_started", "Not started"),
        ("in_progress", "In progress"),
        ("done", "Done"),
    ];
    view! {
        <div class="corpus-tools">
            <label for="corpus-search">"Search titles and text"</label>
            <input id="corpus-search" type="search" prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))/>
            <label for="corpus-filter">"Show"</label>
            <select id="corpus-filter" on:change=move |ev| filter.set(match event_target_value(&ev).as_str() {
                "not_started" => Some(Status::NotStarted),
                "in_progress" => Some(Status::InProgress),
                "done" => Some(Status::Done),
                _ => None,
            })>
                {status_options.map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
            </select>
            <label for="corpus-sort">"Sort by"</label>
            <select id="corpus-sort" on:change=move |ev| sort.set(match event_target_value(&ev).as_str() {
                "title" => Sort::Title,
                "date" => Sort::Date,
                "status" => Sort::Status,
                _ => Sort::Corpus,
            })>
                <option value="corpus">"Order added"</option>
                <option value="title">"Title"</option>
                <option value="date">"Date"</option>
                <option value="status">"Status"</option>
            </select>
        </div>
    }
}

/// What can be done to the open document: mark it done, rename it, clean up its text
/// (while it has no annotations), delete it (after `confirming`).
#[component]
fn CurrentActions(confirming: RwSignal<Vec<Id>>) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let renaming = RwSignal::new(Option::<String>::None);
    let cleaning = RwSignal::new(false);
    let index = ws.corpus.index();
    let counts = ws.corpus.counts();
    let current_meta = move || {
        let id = ws.corpus.current().get()?;
        index.with(|i| i.iter().find(|m| m.id == id).cloned())
    };
    let toggle_done = move |_| {
        if let Some(meta) = current_meta() {
            ws.toggle_done(&meta.id);
        }
    };
    let save_rename = move || {
        if let (Some(title), Some(id)) = (
            renaming.get_untracked(),
            ws.corpus.current().get_untracked(),
        ) {
            if ws.rename(&id, &title) {
                renaming.set(None);
            }
        }
    };
    view! {
        {move || current_meta().map(|meta| {
            let done_now = meta.status == Status::Done;
            view! {
                <div class="current-actions" role="group" aria-label="This document">
                    <button type="button" aria-pressed=if done_now { "true" } else { "false" }
                        on:click=toggle_done>{if done_now { "Done ✓" } else { "Mark done" }}</button>
                    <button type="button" on:click=move |_| renaming.set(Some(meta.title.clone()))>"Rename"</button>
                    {let id = meta.id.clone(); move || {
                        // Annotations anchor on the text, so clean-up ends with the first one.
                        let unannotated = counts.with(|c| c.get(&id).copied().unwrap_or(0)) == 0;
                        unannotated.then(|| view! {
                            <button type="button" on:click=move |_| cleaning.set(true)>"Clean up text…"</button>
                        })
                    }}
                    <button type="button" on:click={
                        let id = meta.id.clone();
                        move |_| confirming.set(vec![id.clone()])
                    }>"Delete document"</button>
                </div>
            }
        })}
        {move || (cleaning.get() && ws.corpus.current().get().is_some()).then(|| view! { <CleanUp open=cleaning/> })}
        {move || renaming.get().map(|title| view! {
            <form class="rename" on:submit=move |ev: ev::SubmitEvent| { ev.prevent_default(); save_rename(); }>
                <label for="rename-title">"New title"</label>
                <input id="rename-title" type="text" prop:value=title
                    on:input=move |ev| renaming.set(Some(event_target_value(&ev)))
                    on:keydown=move |ev| if ev.key() == "Escape" { renaming.set(None) }/>
                <button type="submit">"Save title"</button>
                <button type="button" on:click=move |_| renaming.set(None)>"Cancel"</button>
            </form>
        })}
    }
}

/// Deleting the checked documents (or the one asked for), its confirmation, and its undo.
#[component]
fn DeleteControls(checked: RwSignal<BTreeSet<Id>>, confirming: RwSignal<Vec<Id>>) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let confirm_delete = move |_| {
        let ids = confirming.get_untracked();
        ws.delete(&ids);
        checked.update(|c| c.retain(|id| !ids.contains(id)));
        confirming.set(Vec::new());
    };
    view! {
        {move || (!checked.get().is_empty()).then(|| {
            let n = checked.get().len();
            view! {
                <div class="bulk-actions">
                    <button type="button" on:click=move |_| confirming.set(checked.get_untracked().into_iter().collect())>
                        {format!("Delete {n} selected")}
                    </button>
                    <button type="button" on:click=move |_| checked.set(BTreeSet::new())>"Clear selection"</button>
                </div>
            }
        })}
        {move || (!confirming.get().is_empty()).then(|| {
            let n = confirming.get().len();
            view! {
                <div class="confirm" role="alertdialog" aria-labelledby="confirm-delete-text">
                    <p id="confirm-delete-text">
                        {format!("Delete {} and their annotations? You can undo this right after.", count(n, "document"))}
                    </p>
                    <button type="button" class="danger" on:click=confirm_delete>"Delete"</button>
                    <button type="button" on:click=move |_| confirming.set(Vec::new())>"Cancel"</button>
                </div>
            }
        })}
        {move || (ws.corpus.deleted().get() > 0).then(|| view! {
            <div class="undo-delete" role="status">
                <span>{format!("Deleted {}.", count(ws.corpus.deleted().get(), "document"))}</span>
                <button type="button" on:click=move |_| ws.undo_delete()>"Undo delete"</button>
            </div>
        })}
    }
}

/// The documents as shown: each opens on a click, with its status and annotation count,
/// and a checkbox for deleting several at once.
#[component]
fn DocList(shown: Memo<Vec<DocumentMeta>>, checked: RwSignal<BTreeSet<Id>>) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let counts = ws.corpus.counts();
    view! {
        <ul class="doc-list">
            <For each=move || shown.get() key=|m| (m.id.clone(), m.status, m.title.clone()) let:meta>
                {
                    let id = meta.id.clone();
                    let id_for_count = meta.id.clone();
                    let id_for_current = meta.id.clone();
                    let id_for_check = meta.id.clone();
                    let id_for_toggle = meta.id.clone();
                    let is_current = move || ws.corpus.current().get().as_deref() == Some(id_for_current.as_str());
                    view! {
                        <li class="doc-row">
                            <input type="checkbox" aria-label=format!("Select {}", meta.title)
                                prop:checked=move || checked.with(|c| c.contains(&id_for_check))
                                on:change=move |_| checked.update(|c| {
                                    if !c.remove(&id_for_toggle) {
                                        c.insert(id_for_toggle.clone());
                                    }
                                })/>
                            <button type="button" class="doc" class:current=is_current.clone()
                                aria-current=move || is_current().then_some("page")
                                on:click=move |_| ws.open(id.clone())>
                                <span class="doc-title">{meta.title.clone()}</span>
                                <span class="doc-meta">
                                    <span class=format!("status {}", status_label(meta.status).replace(' ', "-"))>
                                        {status_label(meta.status)}
                                    </span>
                                    " · "
                                    {move || count(counts.with(|c| c.get(&id_for_count).copied().unwrap_or(0)), "annotation")}
                                    {meta.date.clone().map(|d| format!(" · {d}"))}
                                </span>
                            </button>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

fn millions(units: usize) -> String {
    format!("{:.2} M", units as f64 / 1_000_000.0)
}

/// The usage meter: how much of the browser's storage the corpus takes, its biggest
/// documents, and a way to free space. Measured only while open, since it reads every key.
#[component]
fn StorageMeter() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let open = RwSignal::new(false);
    let usage = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        ws.save_status().track();
        ws.corpus.index().track();
        ws.usage()
    });
    let titles = move |id: &str| {
        ws.corpus.index().with(|i| {
            i.iter()
                .find(|m| m.id == id)
                .map_or_else(|| id.to_owned(), |m| m.title.clone())
        })
    };
    let done_count = move || {
        ws.corpus
            .index()
            .with(|i| i.iter().filter(|m| m.status == Status::Done).count())
    };
    view! {
        <details class="storage-meter" on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            let now_open = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                .is_some_and(|el| el.has_attribute("open"));
            open.set(now_open);
        }>
            <summary>"Storage"</summary>
            {move || match usage.get() {
                None => view! { <p class="muted">"Nothing is stored in this browser."</p> }.into_any(),
                Some(u) => {
                    let percent = u.total * 100 / TYPICAL_QUOTA_UNITS;
                    view! {
                        <label for="storage-used">
                            {format!("{} of about {} characters used ({percent}%)", millions(u.total), millions(TYPICAL_QUOTA_UNITS))}
                        </label>
                        <meter id="storage-used" min="0" max=TYPICAL_QUOTA_UNITS value=u.total
                            high=TYPICAL_QUOTA_UNITS * 8 / 10></meter>
                        <p>"Biggest documents:"</p>
                        <ol class="biggest">
                            {u.documents.into_iter().take(5).map(|(id, units)| view! {
                                <li>{titles(&id)} " — " {millions(units)}</li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
            <button type="button" disabled=move || done_count() == 0
                on:click=move |_| ws.export_and_remove_done()>
                {move || format!("Export and remove done documents ({})", done_count())}
            </button>
        </details>
    }
}

/// Clean-up of the open document before its first annotation: every line with a box, the
/// ones that look like boilerplate ticked, and the text without the ticked lines on apply.
#[component]
fn CleanUp(open: RwSignal<bool>) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let Some((id, text)) = ws.with_open(|s| (s.doc.meta.id.clone(), s.doc.text.clone())) else {
        return ().into_any();
    };
    let marked = RwSignal::new(
        boilerplate_lines(&text)
            .into_iter()
            .collect::<BTreeSet<usize>>(),
    );
    let lines: Vec<(usize, String)> = text
        .split('\n')
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i, l.trim().to_owned()))
        .collect();
    let apply = move |_| {
        let cleaned = without_lines(&text, &marked.get_untracked());
        match ws.replace_text(&id, &cleaned) {
            Ok(()) => open.set(false),
            Err(e) => ws.alerts.refused(&e),
        }
    };
    view! {
        <section class="cleanup" aria-labelledby="cleanup-heading">
            <h3 id="cleanup-heading">"Clean up the text"</h3>
            <p class="muted">"Ticked lines are removed. Lines that look like boilerplate are ticked for you."</p>
            <ul class="cleanup-lines">
                {lines.into_iter().map(|(i, line)| view! {
                    <li>
                        <label class:dropped=move || marked.with(|m| m.contains(&i))>
                            <input type="checkbox" prop:checked=move || marked.with(|m| m.contains(&i))
                                on:change=move |_| marked.update(|m| if !m.remove(&i) { m.insert(i); })/>
                            {line}
                        </label>
                    </li>
                }).collect_view()}
            </ul>
            <button type="button" class="primary" disabled=move || marked.with(BTreeSet::is_empty) on:click=apply>
                {move || format!("Remove {}", count(marked.with(BTreeSet::len), "line"))}
            </button>
            <button type="button" on:click=move |_| open.set(false)>"Cancel clean-up"</button>
        </section>
    }
    .into_any()
}
