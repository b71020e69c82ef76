//! The app shell: top bar, storage banner, alerts, import summary, the drop zone, and
//! either the welcome screen or the three panes.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::agreement::AgreementPanel;
use super::annotate::Interaction;
use super::article::Article;
use super::corpus::CorpusPane;
use super::inspector::{Inspector, ShortcutHelp};
use super::keys::install_hotkeys;
use super::palette::Palette;
use super::search::DocSearch;
use super::state::{
    install_save_triggers, AlertKind, SaveStatus, Screen, StorageTrouble, Workspace,
};
use super::welcome::Welcome;
use crate::browser::files::files_of;

#[component]
pub fn App() -> impl IntoView {
    let ws = Workspace::new();
    provide_context(ws);
    let ia = Interaction::new();
    provide_context(ia);
    ws.load();
    install_hotkeys(ws, ia);
    install_save_triggers(ws);
    let dragging = install_drop_zone(ws);

    view! {
        <header class="topbar">
            <h1 class="brand">"Loupe"</h1>
            <span class="schema-name" title="Annotation schema">
                {move || ws.schema.with_value(|s| s.name.clone())}
            </span>
            <SaveIndicator/>
            <nav class="actions" aria-label="Document actions">
                <button type="button" on:click=move |_| ws.screen.set(Screen::Welcome)>
                    "Add articles"
                </button>
                <button type="button" aria-keyshortcuts="[" title="Show or hide the document list ([)"
                    aria-pressed=move || (!ia.hide_corpus.get()).to_string()
                    on:click=move |_| ia.hide_corpus.update(|h| *h = !*h)>"Documents"</button>
                <button type="button" aria-keyshortcuts="]" title="Show or hide the inspector (])"
                    aria-pressed=move || (!ia.hide_inspector.get()).to_string()
                    on:click=move |_| ia.hide_inspector.update(|h| *h = !*h)>"Inspector"</button>
                <button type="button" title="Compare annotators' files"
                    aria-pressed=move || ia.agreement.get().to_string()
                    on:click=move |_| ia.agreement.update(|a| *a = !*a)>"Agreement"</button>
                <button type="button" aria-keyshortcuts="?" title="Keyboard shortcuts (?)"
                    on:click=move |_| ia.help.update(|h| *h = !*h)>"Help"</button>
                <button type="button" aria-keyshortcuts="Control+Z" title="Undo (Ctrl+Z)"
                    on:click=move |_| ws.undo()>"Undo"</button>
                <button type="button" aria-keyshortcuts="Control+Shift+Z" title="Redo (Ctrl+Shift+Z)"
                    on:click=move |_| ws.redo()>"Redo"</button>
                <button type="button" class="primary" on:click=move |_| ws.export_current()>
                    "Export JSON"
                </button>
                <super::exchange::ExportMenu/>
                <super::exchange::ImportMenu/>
            </nav>
        </header>
        <StorageBanner/>
        <ImportStatus/>
        <Alerts/>
        <AgreementPanel/>
        <Show when=move || dragging.get()>
            <div class="drop-overlay" aria-hidden="true">"Drop files to import them"</div>
        </Show>
        <main>
            {move || match ws.screen.get() {
                Screen::Welcome => view! { <Welcome/> }.into_any(),
                Screen::Annotate => view! {
                    <div class="panes" class:no-corpus=move || ia.hide_corpus.get() class:no-inspector=move || ia.hide_inspector.get()>
                        <CorpusPane/>
                        <section class="article-pane" aria-label="Article">
                            <Palette/>
                            <DocSearch/>
                            <Article/>
                        </section>
                        <Inspector/>
                        <ShortcutHelp/>
                    </div>
                }.into_any(),
            }}
        </main>
    }
}

/// Files dropped anywhere on the window are imported. Returns whether files are being
/// dragged over the window, for the overlay.
fn install_drop_zone(ws: Workspace) -> RwSignal<bool> {
    let dragging = RwSignal::new(false);
    let carries_files = |e: &web_sys::DragEvent| {
        e.data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
    };
    let over = window_event_listener(ev::dragover, move |e| {
        if carries_files(&e) {
            // Without this the browser opens the file instead of handing it to Loupe.
            e.prevent_default();
            dragging.set(true);
        }
    });
    let leave = window_event_listener(ev::dragleave, move |e| {
        // Leaving the window has no element to go to.
        if e.related_target().is_none() {
            dragging.set(false);
        }
    });
    let drop = window_event_listener(ev::drop, move |e| {
        dragging.set(false);
        let Some(list) = e.data_transfer().and_then(|d| d.files()) else {
            return;
        };
        e.prevent_default();
        let files = files_of(&list);
        spawn_local(super::welcome::import_files(ws, files));
    });
    on_cleanup(move || {
        over.remove();
        leave.remove();
        drop.remove();
    });
    dragging
}

#[component]
fn SaveIndicator() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let label = move || match (ws.save_status.get(), ws.trouble.get()) {
        (_, Some(StorageTrouble::Unavailable(_))) => "Not saved: in memory only",
        (_, Some(StorageTrouble::ReadOnly(_))) => "Read-only",
        (SaveStatus::Saved, _) => "Saved",
        (SaveStatus::Saving, _) => "Saving…",
        (SaveStatus::NotSaved, _) => "Not saved",
    };
    view! {
        <span class="save-status" role="status" aria-label="Save status"
            class:failed=move || ws.save_status.get() == SaveStatus::NotSaved>
            {label}
        </span>
    }
}

/// A banner, not a passing message, for anything that keeps work from being stored.
#[component]
fn StorageBanner() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    move || {
        let trouble = ws.trouble.get()?;
        let (heading, message, retry) = match trouble {
            StorageTrouble::Full(m) => ("Storage is full", m, true),
            StorageTrouble::Unavailable(m) => ("Nothing is being saved", m, false),
            StorageTrouble::ReadOnly(m) => ("Read-only", m, false),
        };
        Some(view! {
            <section class="storage-banner" role="alert" aria-labelledby="storage-banner-heading">
                <strong id="storage-banner-heading">{heading}</strong>
                <p>{message}</p>
                <div class="banner-actions">
                    <button type="button" class="primary" on:click=move |_| ws.export_all()>"Export now"</button>
                    {retry.then(|| view! {
                        <button type="button" on:click=move |_| ws.retry_save()>"Retry saving"</button>
                    })}
                </div>
            </section>
        })
    }
}

/// The import progress bar while files are read, then the summary of what happened.
#[component]
fn ImportStatus() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let progress = move || {
        let (done, total) = ws.importing.get()?;
        Some(view! {
            <div class="import-progress">
                <label for="import-progress">{format!("Importing files: {done} of {total}")}</label>
                <progress id="import-progress" max=total value=done></progress>
            </div>
        })
    };
    let summary = move || {
        let report = ws.import_report.get()?;
        let rejected = report.rejected.clone();
        let duplicates = report.duplicates.clone();
        let any_rejected = !rejected.is_empty();
        Some(view! {
            <section class="import-summary" aria-label="Import summary"
                role=if any_rejected { "alert" } else { "status" }>
                <p>
                    {format!("Imported {} document(s)", report.added)}
                    {(!duplicates.is_empty()).then(|| format!(", skipped {} already in the corpus", duplicates.len()))}
                    {(!rejected.is_empty()).then(|| format!(", rejected {} file(s):", rejected.len()))}
                </p>
                {(!rejected.is_empty()).then(|| view! {
                    <ul class="rejected">{rejected.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                })}
                {(!duplicates.is_empty()).then(|| view! {
                    <details>
                        <summary>"Skipped duplicates"</summary>
                        <ul>{duplicates.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                    </details>
                })}
                <button type="button" aria-label="Dismiss import summary"
                    on:click=move |_| ws.import_report.set(None)>"×"</button>
            </section>
        })
    };
    view! { {progress} {summary} }
}

#[component]
fn Alerts() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    view! {
        <div class="alerts" role="status" aria-live="polite">
            <For each=move || ws.alerts.get() key=|a| a.id let:alert>
                <div class=match alert.kind { AlertKind::Error => "alert error", AlertKind::Info => "alert info" }
                    role=match alert.kind { AlertKind::Error => "alert", AlertKind::Info => "note" }>
                    <span>{alert.message.clone()}</span>
                    <button type="button" aria-label="Dismiss message" on:click=move |_| ws.dismiss(alert.id)>
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
