//! The app shell: top bar, storage banner, alerts, import summary, the drop zone, and
//! either the welcome screen or the three panes.

use crate::core::sort;
use std::collections::BTreeMap;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::agreement::AgreementPanel;
use super::annotate::Interaction;
use super::article::Article;
use super::corpus::CorpusPane;
use super::display::Display;
use super::inspector::{Inspector, ModeBar, ShortcutHelp};
use super::keys::install_hotkeys;
use super::palette::Palette;
use super::search::{CorpusSearch, DocSearch};
use super::state::{
    install_save_triggers, provide_contexts, AlertKind, SaveStatus, Screen, StorageTrouble,
    Workspace,
};
use super::welcome::Welcome;
use crate::browser::download::{download_text, sanitize_file_name};
use crate::browser::files::files_of;
use crate::core::plural::{agree, count};
use crate::core::schema::Schema;

#[component]
pub fn App() -> impl IntoView {
    let ws = Workspace::new();
    provide_contexts(ws);
    let ia = Interaction::new(ws);
    provide_context(ia);
    ia.follow_document_switches();
    let suggestions = super::suggest::Suggestions::new(ws);
    provide_context(suggestions);
    suggestions.install();
    let display = Display::new();
    provide_context(display);
    provide_context(super::guidelines::GuidelinesView::new());
    ws.load();
    install_save_triggers(ws);
    super::backups::install_backups(ws);
    super::autosave::install_autosave(ws);
    // After the panels whose actions the keys carry out.
    install_hotkeys(ws, ia);
    let dragging = install_drop_zone(ws);

    view! {
        <header class="topbar">
            <h1 class="brand">"Loupe"</h1>
            <nav class="bar-group" aria-label="Document">
                <button type="button" on:click=move |_| ws.show_welcome()>
                    "Add articles"
                </button>
                <button type="button" class="primary" on:click=move |_| ws.export_current()>
                    "Export JSON"
                </button>
                <super::exchange::ExportMenu/>
                <super::exchange::ImportMenu/>
            </nav>
            <div class="bar-group" role="group" aria-label="Annotations">
                <button type="button" aria-keyshortcuts="Control+Z" title="Undo (Ctrl+Z)"
                    on:click=move |_| ws.undo()>"Undo"</button>
                <button type="button" aria-keyshortcuts="Control+Shift+Z" title="Redo (Ctrl+Shift+Z)"
                    on:click=move |_| ws.redo()>"Redo"</button>
                <SchemaControl/>
                <SaveIndicator/>
            </div>
            <div class="bar-group end" role="group" aria-label="Workspace">
                <ViewMenu/>
                <button type="button" class="toggle" title="Compare annotators' files"
                    aria-pressed=move || ia.agreement().get().to_string()
                    on:click=move |_| ia.toggle_agreement()>"Agreement"</button>
                <super::backups::BackupsMenu/>
                <button type="button" aria-keyshortcuts="?" title="Keyboard shortcuts (?)"
                    on:click=move |_| ia.toggle_help()>"Help"</button>
            </div>
        </header>
        <StorageBanner/>
        <ImportStatus/>
        <AgreementPanel/>
        <Show when=move || dragging.get()>
            <div class="drop-overlay" aria-hidden="true"><p>"Drop files to import them"</p></div>
        </Show>
        <main>
            {move || match ws.corpus.screen().get() {
                Screen::Welcome => view! { <Welcome/> <Alerts/> }.into_any(),
                Screen::Annotate => view! {
                    <div class="panes" class:no-corpus=move || ia.hide_corpus().get() class:no-inspector=move || ia.hide_inspector().get()>
                        <CorpusPane/>
                        <section class="article-pane" aria-label="Article">
                            <div class="pane-head">
                                <Palette/>
                                <ModeBar/>
                            </div>
                            <DocSearch/>
                            <CorpusSearch/>
                            <Article/>
                            <Alerts/>
                        </section>
                        <Inspector/>
                        <ShortcutHelp/>
                        <super::guidelines::Guidelines/>
                    </div>
                }.into_any(),
            }}
        </main>
    }
}

/// A button that opens a small menu below it. Esc or a click elsewhere closes it, and Esc
/// gives the focus back to the button.
#[component]
pub(super) fn Menu(
    label: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    children: ChildrenFn,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button = NodeRef::<html::Button>::new();
    let root = NodeRef::<html::Div>::new();
    let outside = window_event_listener(ev::mousedown, move |e| {
        let inside = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Node>(t).ok())
            .zip(root.get_untracked())
            .is_some_and(|(t, r)| r.contains(Some(&t)));
        if !inside && open.get_untracked() {
            open.set(false);
        }
    });
    // Esc closes the menu wherever the focus is.
    let escape = window_event_listener(ev::keydown, move |e| {
        if e.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || {
        outside.remove();
        escape.remove();
    });
    let children = StoredValue::new(children);
    view! {
        <div class="menu" id=id node_ref=root on:keydown=move |e: ev::KeyboardEvent| {
            if e.key() == "Escape" && open.get_untracked() {
                e.stop_propagation();
                e.prevent_default();
                open.set(false);
                if let Some(b) = button.get_untracked() {
                    let _ = b.focus();
                }
            }
        }>
            <button type="button" node_ref=button aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {label}<span class="caret" aria-hidden="true">" ▾"</span>
            </button>
            <Show when=move || open.get()>
                <div class="menu-panel" role="group" aria-label=label>
                    {children.with_value(|c| c())}
                </div>
            </Show>
        </div>
    }
}

/// Panes and display settings.
#[component]
fn ViewMenu() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    let display = expect_context::<Display>();
    view! {
        <Menu label="View">
            <button type="button" class="toggle" aria-keyshortcuts="H" title="Arcs for event arguments and relations above the text (H)"
                aria-pressed=move || display.arcs().get().to_string()
                on:click=move |_| display.toggle_arcs()>"Arcs (H)"</button>
            <button type="button" class="toggle" title="Let the article use the pane's width"
                aria-pressed=move || display.wide().get().to_string()
                on:click=move |_| display.toggle_wide()>"Wide text"</button>
            <button type="button" class="toggle" aria-keyshortcuts="[" title="Show or hide the document list ([)"
                aria-pressed=move || (!ia.hide_corpus().get()).to_string()
                on:click=move |_| documents_button(ws, ia)>"Documents ([)"</button>
            <button type="button" class="toggle" aria-keyshortcuts="]" title="Show or hide the inspector (])"
                aria-pressed=move || (!ia.hide_inspector().get()).to_string()
                on:click=move |_| ia.toggle_inspector()>"Inspector (])"</button>
        </Menu>
    }
}

/// The View menu's Documents: from the welcome screen it leads back to the open document
/// with its list; on the annotation screen it shows or hides the list.
fn documents_button(ws: Workspace, ia: Interaction) {
    if ws.corpus.screen().get_untracked() == Screen::Welcome {
        ws.back_to_documents();
        if ia.hide_corpus().get_untracked() {
            ia.toggle_corpus();
        }
    } else {
        ia.toggle_corpus();
    }
}

/// Read schema files: a loupe schema `.json`, or brat's `annotation.conf` with the
/// optional `visual.conf` and `kb_shortcuts.conf` beside it. The error names the file.
async fn read_schema(files: Vec<web_sys::File>) -> Result<Schema, String> {
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        let name = file.name();
        let text = gloo::file::futures::read_as_text(&gloo::file::File::from(file))
            .await
            .map_err(|e| format!("{name} cannot be read ({e})"))?;
        texts.insert(name, text);
    }
    let named = |n: &str| texts.get(n).map_or("", String::as_str);
    if let Some((name, json)) = texts.iter().find(|(n, _)| n.ends_with(".json")) {
        return Schema::from_json(json).map_err(|e| format!("{name} is not a loupe schema: {e}"));
    }
    if texts.contains_key("annotation.conf") {
        return Schema::from_brat(
            named("annotation.conf"),
            named("visual.conf"),
            named("kb_shortcuts.conf"),
        )
        .map_err(|e| format!("annotation.conf is not a usable brat schema: {e}"));
    }
    let names: Vec<&str> = texts.keys().map(String::as_str).collect();
    Err(format!(
        "{} is not a schema: choose brat's annotation.conf (with visual.conf for colours), \
         or a loupe schema .json",
        names.join(", ")
    ))
}

/// "Type (count)" for each type the corpus uses that a schema lacks, most used first.
fn lacking_summary(lacking: &BTreeMap<String, usize>) -> String {
    let mut list: Vec<(&String, &usize)> = lacking.iter().collect();
    sort::sort_by(&mut list, |a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    list.iter()
        .map(|(name, n)| format!("{name} ({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The schema in the top bar: the presets, import and export. A switch that leaves
/// annotations with types the new schema lacks asks first, naming them with counts; the
/// annotations are kept either way, and the inspector flags them.
#[component]
fn SchemaControl() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let presets = StoredValue::new(Schema::presets());
    // A switch waiting for confirmation: the schema, and the uses it lacks.
    let confirm = RwSignal::new(None::<(Schema, BTreeMap<String, usize>)>);
    let file_input = NodeRef::<html::Input>::new();
    let switch_button = NodeRef::<html::Button>::new();
    let select_ref = NodeRef::<html::Select>::new();
    let choose = move |schema: Schema| {
        let lacking = ws
            .with_core(|c| schema.unknown_uses(c.documents().map(|d| &d.annotations)))
            .unwrap_or_default();
        if lacking.is_empty() {
            ws.set_schema(schema);
        } else {
            confirm.set(Some((schema, lacking)));
            request_animation_frame(move || {
                if let Some(b) = switch_button.get_untracked() {
                    let _ = b.focus();
                }
            });
        }
    };
    // The select shows the current schema: a preset by its position, anything else as
    // itself.
    let current = move || {
        confirm.track();
        ws.schema.current().with(|s| {
            presets
                .with_value(|p| p.iter().position(|x| x == &**s))
                .map_or("current".to_owned(), |i| format!("preset-{i}"))
        })
    };
    // A cancelled switch leaves the select showing the choice not taken: put it back.
    // (A reactive `selected` would not fire again for a value it already had.)
    Effect::new(move |_| {
        let value = current();
        request_animation_frame(move || {
            if let Some(select) = select_ref.get_untracked() {
                select.set_value(&value);
            }
        });
    });
    let custom_name = move || {
        ws.schema.current().with(|s| {
            presets
                .with_value(|p| !p.contains(s))
                .then(|| s.name.clone())
        })
    };
    let on_files = move |_| {
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        let files = input.files().map(|l| files_of(&l)).unwrap_or_default();
        input.set_value("");
        if files.is_empty() {
            return;
        }
        spawn_local(async move {
            match read_schema(files).await {
                Ok(schema) => choose(schema),
                Err(e) => ws.alerts.error(format!("No schema was imported: {e}.")),
            }
        });
    };
    let export = move |_| {
        let (name, json) = ws
            .schema
            .current()
            .with_untracked(|s| (s.name.clone(), s.to_json()));
        let file = format!("{}.schema.json", sanitize_file_name(&name));
        if let Err(e) = download_text(&file, "application/json", &json) {
            ws.alerts.error(format!("The schema export failed: {e:?}"));
        }
    };
    view! {
        <div class="schema-control exchange" role="group" aria-label="Schema">
            <select aria-label="Annotation schema" title="Annotation schema" node_ref=select_ref
                prop:value=current
                on:change=move |e| {
                    let value = event_target_value(&e);
                    let chosen = value
                        .strip_prefix("preset-")
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| presets.with_value(|p| p.get(i).cloned()));
                    if let Some(schema) = chosen {
                        choose(schema);
                    }
                }>
                {move || custom_name().map(|name| view! { <option value="current" selected>{name}</option> })}
                {presets.with_value(|p| p.iter().enumerate().map(|(i, s)| {
                    let value = format!("preset-{i}");
                    let mine = value.clone();
                    view! {
                        <option value=value prop:selected=move || current() == mine>{s.name.clone()}</option>
                    }
                }).collect_view())}
            </select>
            <Menu label="Schema">
                <button type="button" title="Import a schema: brat annotation.conf (with visual.conf) or a loupe schema .json"
                    on:click=move |_| if let Some(i) = file_input.get_untracked() { i.click() }>
                    "Import schema…"
                </button>
                <button type="button" title="Download the schema as loupe schema JSON" on:click=export>
                    "Export schema"
                </button>
            </Menu>
            <input type="file" hidden multiple accept=".conf,.json" aria-label="Schema files"
                node_ref=file_input on:change=on_files/>
            <SchemaConfirm confirm switch_button select_ref/>
            <SchemaOffer choose=Callback::new(choose)/>
        </div>
    }
}

/// A switch of schema that leaves annotations outside it waits here for a yes: it names
/// the types it lacks, with their counts.
#[component]
fn SchemaConfirm(
    confirm: RwSignal<Option<(Schema, BTreeMap<String, usize>)>>,
    switch_button: NodeRef<html::Button>,
    select_ref: NodeRef<html::Select>,
) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let close_confirm = move || {
        confirm.set(None);
        if let Some(s) = select_ref.get_untracked() {
            let _ = s.focus();
        }
    };
    move || {
        let (schema, lacking) = confirm.get()?;
        let total: usize = lacking.values().sum();
        let name = schema.name.clone();
        Some(view! {
            <div class="exchange-panel schema-confirm" role="alertdialog" aria-modal="false"
                aria-labelledby="schema-confirm-text"
                on:keydown=move |e: ev::KeyboardEvent| if e.key() == "Escape" {
                    e.stop_propagation();
                    close_confirm();
                }>
                <p id="schema-confirm-text">
                    {format!("{name} lacks types that {} {} in this corpus: {}. \
                        They are kept, and the inspector flags them as not in the schema.",
                        count(total, "annotation"), agree(total, "uses", "use"),
                        lacking_summary(&lacking))}
                </p>
                <div class="exchange-actions">
                    <button type="button" class="primary" node_ref=switch_button on:click=move |_| {
                        confirm.set(None);
                        ws.set_schema(schema.clone());
                    }>{format!("Switch to {name}")}</button>
                    <button type="button" on:click=move |_| close_confirm()>"Cancel (Esc)"</button>
                </div>
            </div>
        })
    }
}

/// A schema that came with imported files, offered (never imposed) as the workspace's.
#[component]
fn SchemaOffer(choose: Callback<Schema>) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    move || {
        let (schema, source) = ws.schema.offer().get()?;
        let text = format!(
            "{source} carry a schema, “{}” ({} entity, {} event and {} relation types). Use it as the workspace schema?",
            schema.name,
            schema.entity_types.len(),
            schema.event_types.len(),
            schema.relation_types.len()
        );
        let current = ws.schema.current().with_untracked(|s| s.name.clone());
        Some(view! {
            <div class="exchange-panel schema-offer" role="alertdialog" aria-modal="false"
                aria-labelledby="schema-offer-text">
                <p id="schema-offer-text">{text}</p>
                <div class="exchange-actions">
                    <button type="button" class="primary" on:click=move |_| {
                        ws.schema.dismiss_offer();
                        choose.run(schema.clone());
                    }>"Use this schema"</button>
                    <button type="button" on:click=move |_| ws.schema.dismiss_offer()>
                        {format!("Keep {current}")}
                    </button>
                </div>
            </div>
        })
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
    let label = move || match (ws.save_status().get(), ws.trouble().get()) {
        (_, Some(StorageTrouble::Unavailable(_))) => "Not saved: in memory only",
        (_, Some(StorageTrouble::ReadOnly(_))) => "Read-only",
        (SaveStatus::Saved, _) => "Saved",
        (SaveStatus::Saving, _) => "Saving…",
        (SaveStatus::NotSaved, _) => "Not saved",
    };
    view! {
        <span class="save-status" role="status" aria-label="Save status"
            class:failed=move || ws.save_status().get() == SaveStatus::NotSaved>
            {label}
        </span>
    }
}

/// A banner, not a passing message, for anything that keeps work from being stored.
#[component]
fn StorageBanner() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    move || {
        let trouble = ws.trouble().get()?;
        let (heading, message) = (trouble.heading(), trouble.to_string());
        let retry = trouble == StorageTrouble::Full;
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
        let (done, total) = ws.importing().get()?;
        Some(view! {
            <div class="import-progress">
                <label for="import-progress">{format!("Importing files: {done} of {total}")}</label>
                <progress id="import-progress" max=total value=done></progress>
            </div>
        })
    };
    let summary = move || {
        let report = ws.import_report().get()?;
        let rejected = report.rejected.clone();
        let duplicates = report.duplicates.clone();
        let any_rejected = !rejected.is_empty();
        Some(view! {
            <section class="import-summary" aria-label="Import summary"
                role=if any_rejected { "alert" } else { "status" }>
                <p>
                    {format!("Imported {}", count(report.added, "document"))}
                    {(!duplicates.is_empty()).then(|| format!(", skipped {} already in the corpus", duplicates.len()))}
                    {(!rejected.is_empty()).then(|| format!(", rejected {}:", count(rejected.len(), "file")))}
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
                    on:click=move |_| ws.dismiss_import_report()>"×"</button>
            </section>
        })
    };
    view! { {progress} {summary} }
}

/// How long a notice that needs nothing from the user stays.
const NOTICE_MS: u32 = 5_000;
/// Notices on screen at once; older ones give way.
const MAX_NOTICES: usize = 3;

/// Notices, inside the article pane (or the welcome screen): they never cover the top bar
/// or the inspector. Errors stay until dismissed; other notices fade after a few seconds;
/// at most three show, the newest.
#[component]
fn Alerts() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    // Each info notice is dismissed a few seconds after it first shows.
    let timed = StoredValue::new(std::collections::BTreeSet::<u64>::new());
    Effect::new(move |_| {
        let infos: Vec<u64> = ws.alerts.list().with(|a| {
            a.iter()
                .filter(|x| x.kind == AlertKind::Info)
                .map(|x| x.id)
                .collect()
        });
        for id in infos {
            if timed.with_value(|t| t.contains(&id)) {
                continue;
            }
            timed.update_value(|t| {
                t.insert(id);
            });
            gloo::timers::callback::Timeout::new(NOTICE_MS, move || {
                ws.alerts.dismiss(id);
            })
            .forget();
        }
    });
    let shown = move || {
        let all = ws.alerts.list().get();
        let skip = all.len().saturating_sub(MAX_NOTICES);
        all.into_iter().skip(skip).collect::<Vec<_>>()
    };
    view! {
        <div class="alerts" role="status" aria-live="polite">
            <div class="alerts-stack">
                <For each=shown key=|a| a.id let:alert>
                    <div class=match alert.kind { AlertKind::Error => "alert error", AlertKind::Info => "alert info" }
                        role=match alert.kind { AlertKind::Error => "alert", AlertKind::Info => "note" }>
                        <span>{alert.message.clone()}</span>
                        <button type="button" aria-label="Dismiss message" on:click=move |_| ws.alerts.dismiss(alert.id)>
                            "×"
                        </button>
                    </div>
                </For>
            </div>
        </div>
    }
}
