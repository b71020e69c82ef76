//! The welcome screen: paste an article, open files, or try the samples.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::state::{ImportReport, Workspace};
use crate::browser::files::files_of;
use crate::browser::html::html_article;
use crate::core::format::MAX_INPUT_BYTES;
use crate::core::import::{
    article, boilerplate_lines, documents_from_zip, title_from_text, without_lines,
};
use crate::core::plural::{agree, count};
use crate::core::samples::samples;

/// What the file picker offers; other files can still be dropped and are then rejected
/// with a reason.
const ACCEPTED: &str =
    ".txt,.md,.markdown,.html,.htm,.json,.jsonl,.zip,text/plain,text/html,application/json,application/zip";

#[component]
pub fn Welcome() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    // Line numbers (0-based, split at \n) the clean-up would drop from the pasted text.
    let cleanup = RwSignal::new(Option::<Vec<usize>>::None);

    let add_pasted = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if body.trim().is_empty() {
            ws.alerts
                .error("Paste the article text first: the text area is empty.");
            return;
        }
        let name = title.get_untracked();
        let name = if name.trim().is_empty() {
            title_from_text(&body)
        } else {
            name
        };
        ws.add_and_open(vec![article(Some(&name), &body, None, None)]);
    };

    let preview_cleanup = move |_| {
        let lines = boilerplate_lines(&text.get_untracked());
        if lines.is_empty() {
            ws.alerts
                .info("No boilerplate lines found in the pasted text.");
        }
        cleanup.set(Some(lines));
    };
    let apply_cleanup = move |_| {
        if let Some(lines) = cleanup.get_untracked() {
            text.update(|t| *t = without_lines(t, &lines.into_iter().collect()));
        }
        cleanup.set(None);
    };

    let open_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files = files_of(&list);
        input.set_value("");
        spawn_local(import_files(ws, files));
    };

    let try_samples = move |_| {
        ws.add_articles(
            samples()
                .into_iter()
                .map(|(t, b)| (t.to_owned(), b.to_owned()))
                .collect(),
        );
    };

    let preview = move || {
        let lines = cleanup.get()?;
        let body = text.get();
        let dropped: Vec<String> = body
            .split('\n')
            .enumerate()
            .filter(|(i, _)| lines.contains(i))
            .map(|(_, l)| l.trim().to_owned())
            .collect();
        Some(view! {
            <div class="cleanup-preview" role="region" aria-label="Clean-up preview">
                <p>{format!("{} {} like boilerplate and would be removed:", count(dropped.len(), "line"), agree(dropped.len(), "looks", "look"))}</p>
                <ul>{dropped.into_iter().map(|l| view! { <li><del>{l}</del></li> }).collect_view()}</ul>
                <button type="button" on:click=apply_cleanup disabled=lines.is_empty()>"Remove these lines"</button>
                <button type="button" on:click=move |_| cleanup.set(None)>"Keep the text as it is"</button>
            </div>
        })
    };

    view! {
        <div class="welcome">
            // With documents in the corpus, this screen is a detour: the way back is always shown.
            {move || (!ws.corpus.index().with(Vec::is_empty)).then(|| view! {
                <button type="button" class="back-to-documents" aria-keyshortcuts="Escape"
                    on:click=move |_| ws.back_to_documents()>"← Back to the documents (Esc)"</button>
            })}
            <h2>"Annotate news articles, right in your browser"</h2>
            <p class="lede">
                "Tag people, organisations, places and weapons. Everything stays in this browser: nothing is uploaded."
            </p>
            <div class="cards">
                <form class="card" on:submit=add_pasted aria-labelledby="paste-heading">
                    <h3 id="paste-heading">"Paste an article"</h3>
                    <label for="paste-title">"Title"</label>
                    <input id="paste-title" type="text" placeholder="Optional: taken from the first line"
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                    <label for="paste-text">"Text"</label>
                    <textarea id="paste-text" rows="8" placeholder="Paste the article text here"
                        prop:value=move || text.get()
                        on:input=move |ev| { cleanup.set(None); text.set(event_target_value(&ev)) }></textarea>
                    <button type="button" on:click=preview_cleanup
                        title="Find cookie notices, share buttons and similar lines before annotating">
                        "Clean up boilerplate…"
                    </button>
                    {preview}
                    <button type="submit" class="primary">"Add this article"</button>
                </form>
                <div class="card">
                    <h3>"Open files"</h3>
                    <p>"Text or Markdown, HTML pages, JSON or JSON Lines articles (with text, and optional title, url and date), Loupe exports, or a .zip of them or of brat files; in UTF-8. You can also drop files anywhere on the window."</p>
                    <label class="button primary" for="open-files">"Choose files…"</label>
                    <input id="open-files" class="visually-hidden" type="file" multiple accept=ACCEPTED
                        on:change=open_files/>
                </div>
                <div class="card">
                    <h3>"Try the sample articles"</h3>
                    <p>"Three short news stories written for Loupe, with emoji and CJK text."</p>
                    <button type="button" class="primary" on:click=try_samples>"Load sample articles"</button>
                </div>
            </div>
        </div>
    }
}

/// Import files picked or dropped: `.zip` archives here, everything else through the
/// workspace's one-file-at-a-time import. An archive of articles adds each file in it; a
/// brat archive adds each text with its annotations, merged into a text already in the
/// corpus. Every refused file inside an archive is named in the import summary.
pub async fn import_files(ws: Workspace, files: Vec<web_sys::File>) {
    let (zips, others): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|f| f.name().to_ascii_lowercase().ends_with(".zip"));
    let mut report = ImportReport::default();
    if !others.is_empty() {
        ws.import_files(others).await;
        // The archives' results join the summary the other files left.
        report = ws.import_report().get_untracked().unwrap_or_default();
    }
    if zips.is_empty() {
        return;
    }
    ws.set_import_report(None);
    if ws.importing().get_untracked().is_none() && zips.len() > 1 {
        ws.set_importing(Some((0, zips.len())));
    }
    let mut first = None;
    let total = zips.len();
    for (done, file) in zips.into_iter().enumerate() {
        read_zip(&ws, file, &mut report, &mut first).await;
        if total > 1 {
            ws.set_importing(Some((done + 1, total)));
        }
        // Let the browser paint between archives.
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
    ws.set_importing(None);
    ws.set_import_report(Some(report));
    if let Some(first) = first {
        ws.open(first);
    }
}

async fn read_zip(
    ws: &Workspace,
    file: web_sys::File,
    report: &mut ImportReport,
    first: &mut Option<crate::core::model::Id>,
) {
    let file = gloo::file::File::from(file);
    let name = file.name();
    if file.size() > MAX_INPUT_BYTES as u64 {
        let error = crate::core::format::ImportError::TooLarge {
            file: name,
            bytes: file.size(),
            limit: MAX_INPUT_BYTES as u64,
        };
        report.rejected.push(error.to_string());
        return;
    }
    let bytes = match gloo::file::futures::read_as_bytes(&file).await {
        Ok(bytes) => bytes,
        Err(e) => {
            report
                .rejected
                .push(format!("{name}: could not be read ({e})"));
            return;
        }
    };
    let contents = match documents_from_zip(&name, &bytes, html_article) {
        Ok(contents) => contents,
        Err(e) => {
            report.rejected.push(e.to_string());
            return;
        }
    };
    report
        .rejected
        .extend(contents.errors.iter().map(ToString::to_string));
    match ws.apply_import(contents.documents, false) {
        Ok(applied) => {
            report.added += applied.added.len();
            *first = first.take().or(applied.added.first().cloned());
            report
                .rejected
                .extend(applied.problems.into_iter().map(|p| format!("{name}: {p}")));
            if !applied.merged.is_empty() {
                ws.alerts
                    .info(format!("{name}: {}.", applied.merged.join("; ")));
            }
        }
        Err((why, _)) => report.rejected.push(format!("{name}: not added, {why}")),
    }
}
