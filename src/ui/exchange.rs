//! Export and import in the research formats, from the top bar: "Export…" picks a format
//! and a scope and downloads one file, or one `.zip` when the format writes several; it
//! then says what the format could not carry. doccano exports and imports take an offset
//! unit (UTF-16 code units by default, as doccano's UI counts; grapheme clusters for its
//! grapheme mode; or code points), and a OneIE export takes a WordPiece `vocab.txt` for
//! its `pieces`. "Import annotations…" reads brat (a `.zip`, or `.txt` and `.ann` pairs
//! with an optional `annotation.conf`), doccano JSONL, W3C Web Annotation with its texts,
//! Label Studio JSON, or loupe/1, and shows what it could not apply.

use gloo::file::futures::read_as_bytes;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Workspace;
use crate::browser::download::{download_bytes, download_text, sanitize_file_name};
use crate::browser::files::files_of;
use crate::core::format::wordpiece::WordPiece;
use crate::core::format::{
    self, archive, loupe, Format, FormatOptions, ImportOptions, InputFile, OffsetUnit, OutFile,
    MAX_INPUT_BYTES,
};
use crate::core::model::Document;
use crate::core::plural::count;

/// What an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Document,
    Corpus,
}

/// The name a format goes by in the menu.
fn label(format: Format) -> &'static str {
    match format {
        Format::Loupe => "loupe/1 JSON",
        Format::Brat => "brat standoff",
        Format::Conll => "CoNLL IOB2",
        Format::Doccano => "doccano JSONL",
        Format::W3c => "W3C Web Annotation",
        Format::OneIe => "OneIE JSON lines",
        Format::Csv => "CSV",
        Format::Spacy => "spaCy Doc JSON",
        Format::Hf => "Hugging Face token classification (JSON Lines)",
        Format::LabelStudio => "Label Studio JSON",
    }
}

/// How an offset unit reads in the dialogs.
fn unit_label(unit: OffsetUnit) -> &'static str {
    match unit {
        OffsetUnit::Utf16 => "UTF-16 code units (doccano's default)",
        OffsetUnit::Graphemes => "grapheme clusters (doccano's grapheme mode)",
        OffsetUnit::CodePoints => "code points",
    }
}

/// A select of offset units that sets `unit`.
fn unit_select(id: &'static str, unit: RwSignal<OffsetUnit>) -> impl IntoView {
    view! {
        <select id=id on:change=move |e| {
            if let Some(u) = OffsetUnit::from_name(&event_target_value(&e)) {
                unit.set(u);
            }
        }>
            {OffsetUnit::ALL.into_iter().map(|u| view! {
                <option value=u.name() selected=move || unit.get() == u>{unit_label(u)}</option>
            }).collect_view()}
        </select>
    }
}

fn mime(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".zip") {
        "application/zip"
    } else if lower.ends_with(".jsonld") {
        "application/ld+json"
    } else if lower.ends_with(".jsonl") {
        "application/x-ndjson"
    } else if lower.ends_with(".json") {
        "application/json"
    } else if lower.ends_with(".csv") {
        "text/csv;charset=utf-8"
    } else {
        "text/plain;charset=utf-8"
    }
}

/// Let the browser paint (the progress bar) before the next step.
async fn next_frame() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

/// Files packed between two turns of the browser when zipping a corpus.
const FILES_PER_TURN: usize = 40;

/// The one file to download: a lone file renamed after the document or corpus
/// (`Strike.conll`), or every file in `<base>.<format>.zip`, packed a few files at a time
/// so the page stays responsive. `step` is told each file packed.
async fn download_file(
    format: Format,
    files: &[OutFile],
    base: &str,
    step: impl Fn(usize),
) -> Result<OutFile, String> {
    if let [one] = files {
        let ext = one
            .name
            .split_once('.')
            .map_or(format.name(), |(_, ext)| ext);
        let ext = if format == Format::Loupe {
            "loupe.json"
        } else {
            ext
        };
        return Ok(OutFile {
            name: format!("{base}.{ext}"),
            bytes: one.bytes.clone(),
        });
    }
    let mut zip = archive::ZipBuilder::default();
    for (i, f) in files.iter().enumerate() {
        zip.add(f)?;
        if (i + 1) % FILES_PER_TURN == 0 {
            step(i + 1);
            next_frame().await;
        }
    }
    Ok(OutFile {
        name: format!("{base}.{}.zip", format.name()),
        bytes: zip.finish()?,
    })
}

/// What the import panel shows after an import.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImportOutcome {
    /// The headline: how many documents were added, or why nothing was.
    summary: String,
    /// One line per annotation, line or file that was not applied.
    problems: Vec<String>,
    failed: bool,
}

impl Workspace {
    /// The documents an export covers: the open one, or the whole corpus in order.
    fn documents_for(&self, scope: Scope) -> Vec<Document> {
        match scope {
            Scope::Document => self.with_open(|s| s.doc.clone()).into_iter().collect(),
            Scope::Corpus => self
                .with_core(|c| c.documents().cloned().collect())
                .unwrap_or_default(),
        }
    }

    /// Export in `format`, download the result, and tell what was lost. `progress` counts
    /// the steps of a corpus export: converting, each file packed, and saving.
    async fn export_as(
        &self,
        format: Format,
        scope: Scope,
        options: FormatOptions,
        progress: RwSignal<Option<(u32, u32)>>,
    ) {
        let docs = self.documents_for(scope);
        if docs.is_empty() {
            let why = match scope {
                Scope::Document => "Open a document to export it.",
                Scope::Corpus => "The corpus is empty; add articles to export them.",
            };
            self.alerts.info(why);
            return;
        }
        // Steps: converting (1), then each file packed, then saving (1).
        let corpus = scope == Scope::Corpus;
        if corpus {
            progress.set(Some((0, 2)));
        }
        next_frame().await;
        let schema = self.schema_now();
        let mut out = format::export_with(format, &docs, &schema, &options);
        if format == Format::Loupe {
            // loupe/1 carries who annotated; the generic export leaves the name empty.
            let annotator = self.annotator().get_untracked();
            for f in &mut out.files {
                f.bytes = loupe::to_json_with_schema(&docs, &annotator, &schema).into_bytes();
            }
        }
        let total = out.files.len() as u32 + 2;
        if corpus {
            progress.set(Some((1, total)));
            next_frame().await;
        }
        let base = match scope {
            Scope::Document => sanitize_file_name(&docs[0].meta.title),
            Scope::Corpus => "loupe-corpus".to_owned(),
        };
        let step = move |packed: usize| {
            if corpus {
                progress.set(Some((1 + packed as u32, total)));
            }
        };
        let file = download_file(format, &out.files, &base, step).await;
        if corpus {
            progress.set(Some((total - 1, total)));
            next_frame().await;
        }
        let saved = file.and_then(|file| {
            let result = match std::str::from_utf8(&file.bytes) {
                Ok(text) if !file.name.ends_with(".zip") => {
                    download_text(&file.name, mime(&file.name), text)
                }
                _ => download_bytes(&file.name, mime(&file.name), &file.bytes),
            };
            result.map(|()| file.name).map_err(|e| format!("{e:?}"))
        });
        progress.set(None);
        match saved {
            Ok(name) => {
                let what = match docs.len() {
                    1 => format!("“{}”", docs[0].meta.title),
                    n => format!("{n} documents"),
                };
                let losses = out.report.lines();
                let report = if losses.is_empty() {
                    "Nothing was lost.".to_owned()
                } else {
                    format!("{}.", losses.join("; "))
                };
                self.alerts.info(format!(
                    "Exported {what} as {} to {name}. {report}",
                    label(format)
                ));
            }
            Err(e) => self.alerts.error(format!("The export failed: {e}")),
        }
    }

    /// Read `files` and import them as suggestions (see [`super::suggest`]).
    async fn import_suggestions(
        &self,
        sug: super::suggest::Suggestions,
        files: Vec<web_sys::File>,
        choice: Option<Format>,
    ) -> ImportOutcome {
        let result = match read_inputs(files).await {
            Ok(inputs) => sug.import(&inputs, choice),
            Err(why) => Err(why),
        };
        let failed = result.is_err();
        ImportOutcome {
            summary: result.unwrap_or_else(|e| e),
            problems: Vec::new(),
            failed,
        }
    }

    /// Read `files`, import them as `choice` (or the detected format), and add the
    /// documents to the corpus. Nothing is stored when the import is refused.
    async fn import_annotations(
        &self,
        files: Vec<web_sys::File>,
        choice: Option<Format>,
        strict: bool,
        formats: FormatOptions,
    ) -> ImportOutcome {
        let refused = |summary: String| ImportOutcome {
            summary,
            problems: Vec::new(),
            failed: true,
        };
        let inputs = match read_inputs(files).await {
            Ok(inputs) => inputs,
            Err(why) => return refused(why),
        };
        let format = match choice {
            Some(f) => f,
            None => match format::detect(&inputs) {
                Ok(Some(f)) => f,
                Ok(None) => {
                    return refused(
                        "Nothing was imported: Loupe cannot tell the format of these files; choose it in the list".into(),
                    )
                }
                Err(e) => return refused(format!("Nothing was imported: {e}")),
            },
        };
        let imported =
            match format::import_with(format, &inputs, ImportOptions { strict }, &formats) {
                Ok(imported) => imported,
                Err(e) => {
                    let mut lines = e
                        .to_string()
                        .lines()
                        .map(str::trim)
                        .map(String::from)
                        .collect::<Vec<_>>();
                    let summary = format!("Nothing was imported: {}", lines.remove(0));
                    return ImportOutcome {
                        summary,
                        problems: lines,
                        failed: true,
                    };
                }
            };
        // A schema carried by the files (brat's annotation.conf, a loupe/1 export's own)
        // is offered as the workspace schema, never imposed: see Workspace::offer_schema.
        if let Some(schema) = imported.schema.clone() {
            self.offer_schema(schema, &format!("the imported {} files", label(format)));
        }
        let mut problems: Vec<String> = imported
            .report
            .skipped
            .iter()
            .map(|p| p.to_string())
            .collect();
        let notes = imported.report.notes.clone();
        let found = imported.documents.len();
        match self.apply_import(imported.documents, strict) {
            Ok(applied) => {
                let mut summary = format!(
                    "Imported {} of {} from {}",
                    applied.added.len(),
                    count(found, "document"),
                    label(format)
                );
                for line in applied.merged.iter().chain(&notes) {
                    summary.push_str("; ");
                    summary.push_str(line);
                }
                problems.extend(applied.problems);
                if !problems.is_empty() {
                    summary.push_str(&format!("; {} left out", count(problems.len(), "problem")));
                }
                summary.push('.');
                if let Some(first) = applied.added.first().cloned() {
                    self.open(first);
                }
                ImportOutcome {
                    summary,
                    problems,
                    failed: false,
                }
            }
            Err((why, lines)) => ImportOutcome {
                summary: format!("Nothing was imported: {why}"),
                problems: lines,
                failed: true,
            },
        }
    }
}

/// Close a panel on Escape and give focus back to the button that opened it.
fn close_on_escape(
    open: RwSignal<bool>,
    button: NodeRef<html::Button>,
) -> impl Fn(ev::KeyboardEvent) + Copy {
    move |e: ev::KeyboardEvent| {
        if e.key() == "Escape" {
            e.stop_propagation();
            e.prevent_default();
            open.set(false);
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    }
}

/// "Export…": a format, a scope, and a download button.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let open = RwSignal::new(false);
    let format = RwSignal::new(Format::Brat);
    let scope = RwSignal::new(Scope::Document);
    let offsets = RwSignal::new(OffsetUnit::default());
    // The vocabulary file's name and its pieces, or why it was refused.
    let vocab = RwSignal::new(None::<Result<(String, WordPiece), String>>);
    let progress = RwSignal::new(None::<(u32, u32)>);
    let busy = move || progress.get().is_some();
    let button = NodeRef::<html::Button>::new();
    let first = NodeRef::<html::Select>::new();
    close_on_any_escape(open, button);
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() {
            request_animation_frame(move || {
                if let Some(s) = first.get_untracked() {
                    let _ = s.focus();
                }
            });
        }
    };
    let run = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let (f, s) = (format.get_untracked(), scope.get_untracked());
        let options = FormatOptions {
            offsets: offsets.get_untracked(),
            wordpiece: vocab.with_untracked(|v| {
                v.as_ref()
                    .and_then(|v| v.as_ref().ok())
                    .map(|(_, w)| w.clone())
            }),
        };
        spawn_local(async move {
            ws.export_as(f, s, options, progress).await;
            open.set(false);
        });
    };
    view! {
        <div class="exchange">
            <button type="button" node_ref=button aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string() aria-controls="export-panel"
                on:click=toggle>"Export…"</button>
            <Show when=move || open.get()>
                <form id="export-panel" class="exchange-panel" role="dialog" aria-label="Export annotations"
                    on:keydown=close_on_escape(open, button) on:submit=run>
                    <label for="export-format">"Format"</label>
                    <select id="export-format" node_ref=first
                        on:change=move |e| {
                            if let Some(f) = Format::from_name(&event_target_value(&e)) {
                                format.set(f);
                            }
                        }>
                        {Format::ALL.into_iter().map(|f| view! {
                            <option value=f.name() selected=move || format.get() == f>{label(f)}</option>
                        }).collect_view()}
                    </select>
                    <Show when=move || format.get() == Format::Doccano>
                        <label for="export-offsets">"Offsets"</label>
                        {unit_select("export-offsets", offsets)}
                    </Show>
                    <Show when=move || format.get() == Format::OneIe>
                        <label for="export-vocab">"WordPiece vocabulary (vocab.txt) for pieces and token_lens"</label>
                        <input id="export-vocab" type="file" accept=".txt"
                            on:change=move |e| {
                                let Some(file) = event_target::<web_sys::HtmlInputElement>(&e)
                                    .files()
                                    .and_then(|l| files_of(&l).into_iter().next())
                                else {
                                    vocab.set(None);
                                    return;
                                };
                                spawn_local(async move {
                                    let file = gloo::file::File::from(file);
                                    let name = file.name();
                                    let read = read_as_bytes(&file).await.map_err(|e| e.to_string());
                                    let parsed = read.and_then(|b| {
                                        String::from_utf8(b).map_err(|_| "it is not UTF-8 text".to_owned())
                                    });
                                    vocab.set(Some(
                                        parsed
                                            .and_then(|t| WordPiece::from_vocab(&t))
                                            .map(|w| (name.clone(), w))
                                            .map_err(|e| format!("{name}: {e}")),
                                    ));
                                });
                            }/>
                        <p class="muted" role="status">{move || match vocab.get() {
                            None => "Without a vocabulary, pieces and token_lens are left out (OneIE's loader needs them).".to_owned(),
                            Some(Ok((name, w))) => format!(
                                "{name}: {} pieces, {}",
                                w.len(),
                                if w.lower_case() { "uncased" } else { "cased" }
                            ),
                            Some(Err(e)) => e,
                        }}</p>
                    </Show>
                    <fieldset>
                        <legend>"Export"</legend>
                        <label>
                            <input type="radio" name="export-scope" value="document"
                                prop:checked=move || scope.get() == Scope::Document
                                on:change=move |_| scope.set(Scope::Document)/>
                            "This document"
                        </label>
                        <label>
                            <input type="radio" name="export-scope" value="corpus"
                                prop:checked=move || scope.get() == Scope::Corpus
                                on:change=move |_| scope.set(Scope::Corpus)/>
                            {move || format!("Whole corpus ({})", count(ws.corpus.index().with(Vec::len), "document"))}
                        </label>
                    </fieldset>
                    {move || progress.get().map(|(done, total)| view! {
                        <label class="exchange-progress">
                            {format!("Exporting: {}%", done * 100 / total.max(1))}
                            <progress max=total value=done></progress>
                        </label>
                    })}
                    <div class="exchange-actions">
                        <button type="submit" class="primary" disabled=busy>"Download"</button>
                        <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

/// Esc anywhere closes an open panel, not only with the focus inside it (after a click
/// in the article, say), and gives the focus back to its button.
fn close_on_any_escape(open: RwSignal<bool>, button: NodeRef<html::Button>) {
    let handle = window_event_listener(ev::keydown, move |e| {
        if e.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    });
    on_cleanup(move || handle.remove());
}

/// The chosen files, read, or why not.
async fn read_inputs(files: Vec<web_sys::File>) -> Result<Vec<InputFile>, String> {
    if files.is_empty() {
        return Err("Choose the files to import first.".into());
    }
    let mut inputs = Vec::with_capacity(files.len());
    for file in files {
        let file = gloo::file::File::from(file);
        let name = file.name();
        if file.size() as usize > MAX_INPUT_BYTES {
            let error = format::ImportError::TooLarge {
                file: name,
                bytes: file.size(),
                limit: MAX_INPUT_BYTES as u64,
            };
            return Err(format!("Nothing was imported: {error}"));
        }
        match read_as_bytes(&file).await {
            Ok(bytes) => inputs.push(InputFile::new(&name, bytes)),
            Err(e) => return Err(format!("Nothing was imported: {name} cannot be read ({e})")),
        }
    }
    Ok(inputs)
}

/// "Import annotations…": files, a format (detected unless chosen), strict mode, whether
/// they are suggestions rather than annotations, and the report of what was not applied.
#[component]
pub fn ImportMenu() -> impl IntoView {
    let as_suggestions = RwSignal::new(false);
    let sug = expect_context::<super::suggest::Suggestions>();
    let ws = expect_context::<Workspace>();
    let open = RwSignal::new(false);
    let strict = RwSignal::new(false);
    let choice = RwSignal::new(None::<Format>);
    let offsets = RwSignal::new(OffsetUnit::default());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<ImportOutcome>);
    let button = NodeRef::<html::Button>::new();
    let input = NodeRef::<html::Input>::new();
    close_on_any_escape(open, button);
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() {
            request_animation_frame(move || {
                if let Some(i) = input.get_untracked() {
                    let _ = i.focus();
                }
            });
        }
    };
    let run = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let files = input
            .get_untracked()
            .and_then(|i| i.files())
            .map(|l| files_of(&l))
            .unwrap_or_default();
        let (choice, strict) = (choice.get_untracked(), strict.get_untracked());
        let formats = FormatOptions {
            offsets: offsets.get_untracked(),
            ..FormatOptions::default()
        };
        busy.set(true);
        outcome.set(None);
        let suggest = as_suggestions.get_untracked();
        spawn_local(async move {
            let result = if suggest {
                ws.import_suggestions(sug, files, choice).await
            } else {
                ws.import_annotations(files, choice, strict, formats).await
            };
            if result.failed {
                ws.alerts.error(result.summary.clone());
            } else {
                ws.alerts.info(result.summary.clone());
            }
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    let importable = [
        Format::Brat,
        Format::Doccano,
        Format::W3c,
        Format::LabelStudio,
        Format::Loupe,
        Format::Spacy,
    ];
    view! {
        <div class="exchange">
            <button type="button" node_ref=button aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string() aria-controls="import-panel"
                on:click=toggle>"Import annotations…"</button>
            <Show when=move || open.get()>
                <form id="import-panel" class="exchange-panel" role="dialog" aria-label="Import annotations"
                    on:keydown=close_on_escape(open, button) on:submit=run>
                    <label for="import-files">"Annotation files"</label>
                    <input id="import-files" type="file" multiple node_ref=input
                        accept=".zip,.txt,.ann,.conf,.jsonl,.jsonld,.json"/>
                    <p class="muted">"brat: a .zip, or .txt and .ann pairs with an optional annotation.conf; doccano .jsonl; W3C .jsonld with its .txt texts; Label Studio .json tasks; loupe/1 .json."</p>
                    <label for="import-format">"Format"</label>
                    <select id="import-format" on:change=move |e| choice.set(Format::from_name(&event_target_value(&e)))>
                        <option value="detect">"Detect from the files"</option>
                        {importable.into_iter().map(|f| view! {
                            <option value=f.name()>{label(f)}</option>
                        }).collect_view()}
                    </select>
                    <Show when=move || matches!(choice.get(), None | Some(Format::Doccano))>
                        <label for="import-offsets">"Offsets in doccano files"</label>
                        {unit_select("import-offsets", offsets)}
                    </Show>
                    <label class="exchange-check">
                        <input type="checkbox" id="import-as-suggestions" prop:checked=move || as_suggestions.get()
                            on:change=move |e| as_suggestions.set(event_target_checked(&e))/>
                        "Import as suggestions: a model's output to correct (Label Studio predictions, spaCy JSON, loupe suggest files…); nothing becomes an annotation until you accept it"
                    </label>
                    <label class="exchange-check">
                        <input type="checkbox" prop:checked=move || strict.get()
                            on:change=move |e| strict.set(event_target_checked(&e))/>
                        "Strict: import nothing from a file with any problem"
                    </label>
                    <div class="exchange-actions">
                        <button type="submit" class="primary" disabled=move || busy.get()>"Import"</button>
                        <button type="button" on:click=move |_| open.set(false)>"Close"</button>
                    </div>
                    {move || outcome.get().map(|o| view! {
                        <section class="exchange-report" aria-label="Import report"
                            role=if o.failed { "alert" } else { "status" }>
                            <p>{o.summary}</p>
                            {(!o.problems.is_empty()).then(|| view! {
                                <ul>{o.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                            })}
                        </section>
                    })}
                </form>
            </Show>
        </div>
    }
}
