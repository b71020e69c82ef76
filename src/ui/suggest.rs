//! Suggestions in the app: the [`Suggestions`] context over the core's
//! [`Assistant`], and the inspector's panel and the top bar's menu. The recommenders train
//! in the page's trainer (`browser::trainer`: a Web Worker, or main-thread slices where
//! none can start), after edits by its debounce rules, and the worker keeps the model to
//! predict the open document's learned suggestions; no main-thread task of this module
//! predicts a whole document or measures a model. Every rule is in `core::suggest`; this
//! keeps signals and the DOM.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::signal::Owned;
use super::state::Workspace;
use crate::browser::trainer::{self, Predicted};
use crate::core::format::{Format, InputFile};
use crate::core::model::{Document, Id};
use crate::core::suggest::assist::{Assistant, Trained};
use crate::core::suggest::imports;
use crate::core::suggest::layer::{place_of, DocSuggestions, Place};
use crate::core::suggest::predict::Requests;
use crate::core::suggest::split::split;
use crate::core::suggest::{Config, Gazetteer, Layer};

#[derive(Clone, Copy)]
pub struct Suggestions {
    ws: Workspace,
    assistant: StoredValue<Assistant, LocalStorage>,
    /// Bumped whenever the open document's shown suggestions change.
    rev: Owned<u64>,
    focused: Owned<Option<Place>>,
    status: Owned<String>,
    training: Owned<bool>,
    hidden: Owned<bool>,
    /// Whether the open document's learned suggestions are being predicted.
    predicting: Owned<bool>,
    /// The predictions asked for the open document: a stale reply is dropped.
    requests: StoredValue<Requests>,
    opened: StoredValue<Option<Id>>,
    /// The accept waiting to see whether a click is the first of a double click.
    click: StoredValue<Option<TimeoutHandle>, LocalStorage>,
}

impl Suggestions {
    pub fn new(ws: Workspace) -> Self {
        Self {
            ws,
            assistant: StoredValue::new_local(Assistant::new()),
            rev: Owned::new(0),
            focused: Owned::new(None),
            status: Owned::new(
                "No suggestions yet: annotate a few spans and Loupe learns from them.".into(),
            ),
            training: Owned::new(false),
            hidden: Owned::new(false),
            predicting: Owned::new(false),
            requests: StoredValue::new(Requests::default()),
            opened: StoredValue::new(None),
            click: StoredValue::new_local(None),
        }
    }

    pub fn rev(&self) -> ReadSignal<u64> {
        self.rev.read_only()
    }
    pub fn focused(&self) -> ReadSignal<Option<Place>> {
        self.focused.read_only()
    }
    pub fn status(&self) -> ReadSignal<String> {
        self.status.read_only()
    }
    pub fn training(&self) -> ReadSignal<bool> {
        self.training.read_only()
    }
    pub fn hidden(&self) -> ReadSignal<bool> {
        self.hidden.read_only()
    }
    pub fn predicting(&self) -> ReadSignal<bool> {
        self.predicting.read_only()
    }

    /// Read the open document's layer (untracked; track [`Self::rev`]).
    pub fn with_layer<R>(&self, f: impl FnOnce(&DocSuggestions) -> R) -> Option<R> {
        let id = self.ws.corpus.current().get_untracked()?;
        self.assistant
            .try_with_value(|a| a.layer(&id).map(f))
            .flatten()
    }

    pub fn with_assistant<R>(&self, f: impl FnOnce(&Assistant) -> R) -> Option<R> {
        self.assistant.try_with_value(f)
    }

    fn bump(&self) {
        self.rev.update(|r| *r += 1);
    }

    /// Follow the open document, its edits and the selected event; retrain after edits.
    pub fn install(self) {
        let ws = self.ws;
        Effect::new(move |_| {
            let current = ws.corpus.current().get();
            ws.corpus.open_rev().track();
            let first = self.opened.get_value() != current;
            self.opened.set_value(current.clone());
            ws.with_core(|c| {
                let (Some(store), Some(slot)) = (c.store(), c.open_slot()) else {
                    return;
                };
                self.assistant.update_value(|a| {
                    if first {
                        a.open(store, &slot.doc);
                    } else {
                        a.edited(&slot.doc);
                    }
                });
            });
            if first {
                self.focused.set(None);
                if let Some(why) = current.as_deref().and_then(|id| {
                    self.assistant
                        .with_value(|a| a.damaged(id).map(str::to_owned))
                }) {
                    ws.alerts.error(why);
                }
                self.predict_open();
            }
            self.bump();
        });
        Effect::new(move |_| {
            let selected = ws.selection.selected().get();
            if selected.is_some() || ws.selection.pending().get().is_some() {
                self.focused.set(None);
            }
            ws.with_core(|c| {
                let Some(slot) = c.open_slot() else { return };
                let event = selected
                    .as_deref()
                    .filter(|id| slot.doc.annotations.event(id).is_some());
                self.assistant
                    .update_value(|a| a.select_event(&slot.doc, event));
            });
            self.bump();
        });
        // Any document's edit retrains, once the edits pause (the trainer's debounce:
        // 1.5 s after the last edit, at the latest 10 s after the first).
        Effect::new(move |first: Option<()>| {
            ws.corpus.corpus_rev().track();
            ws.corpus.index().track();
            if first.is_none() {
                let this = self;
                set_timeout(move || this.retrain(), Duration::from_millis(200));
            } else {
                trainer::shared().edited(move |_| self.retrain());
            }
        });
    }

    /// Train on the corpus as it is now, and measure on its held-out done documents,
    /// in the trainer; the newest snapshot wins.
    pub fn retrain(&self) {
        let min = self.assistant.with_value(Assistant::min_score);
        let this = *self;
        let t = trainer::shared();
        // The snapshot is written from the documents where they are: nothing is cloned.
        let counts = self.ws.with_core(|c| {
            let docs: Vec<&Document> = c.documents().collect();
            let s = split(&docs);
            if s.train.is_empty() {
                return None;
            }
            let (n, held) = (s.train.len(), s.held_out.len());
            t.train_measured(
                &s.train_samples(&docs),
                &s.held_out_samples(&docs),
                min,
                &Gazetteer::default(),
                &Config::default(),
                move |trained| this.trained(trained, n, held),
            );
            Some(n)
        });
        match counts.flatten() {
            None => self
                .status
                .set("No suggestions yet: annotate a few spans and Loupe learns from them.".into()),
            Some(n) => {
                self.training.set(true);
                let docs = if n == 1 { "document" } else { "documents" };
                self.status
                    .set(format!("{}: {n} {docs}…", t.mode().describe()));
            }
        }
    }

    fn trained(&self, t: trainer::Trained, n: usize, held: usize) {
        let trained = Trained {
            model: t.model,
            documents: n,
            quality: t.quality,
            held_out: held,
            seq: t.seq,
        };
        self.ws.with_core(|c| {
            let open: Vec<&Document> = c.open_slot().map(|s| &s.doc).into_iter().collect();
            self.assistant
                .update_value(|a| a.set_trained(trained, &open));
        });
        self.training.set(false);
        let measured = if held == 0 {
            "mark documents done to measure it".to_owned()
        } else {
            format!(
                "measured on {held} done document{} it did not learn from",
                if held == 1 { "" } else { "s" }
            )
        };
        let docs = if n == 1 { "document" } else { "documents" };
        self.status.set(format!(
            "Trained on {n} {docs} in {:.0} ms, {}; {measured}.",
            t.train_ms,
            t.mode.place()
        ));
        self.bump();
        self.predict_open();
    }

    /// Ask the trainer for the open document's learned suggestions, if the current model
    /// has not given them yet. The page is not blocked meanwhile.
    fn predict_open(&self) {
        let Some(id) = self.ws.corpus.current().get_untracked() else {
            return;
        };
        let Some(seq) = self.assistant.with_value(|a| a.wants_prediction(&id)) else {
            // Nothing to wait for here: a reply for another document will be dropped.
            self.requests.try_update_value(Requests::drop_pending);
            self.predicting.set(false);
            return;
        };
        let request = self
            .requests
            .try_update_value(|r| r.ask(&id, seq))
            .unwrap_or_default();
        let this = *self;
        let asked = self.ws.with_open(|slot| {
            trainer::shared().predict(&slot.doc.text, move |p| this.predicted(request, p));
        });
        self.predicting.set(asked.is_some());
    }

    fn predicted(&self, request: u32, p: Predicted) {
        let open = self.ws.corpus.current().get_untracked();
        let current = self.assistant.with_value(|a| a.trained().map(|t| t.seq));
        let fresh = self
            .requests
            .try_update_value(|r| r.answer(request, p.model, open.as_deref(), current))
            .unwrap_or(false);
        if !fresh {
            // Stale: the document or the model changed since. Whatever changed asked
            // again already (an open, or a new model), so this is only dropped.
            let waiting = self.requests.with_value(Requests::is_pending);
            self.predicting.set(waiting);
            return;
        }
        self.predicting.set(false);
        let Predicted {
            model, suggestions, ..
        } = p;
        self.ws.with_core(|c| {
            if let Some(slot) = c.open_slot() {
                self.assistant.update_value(|a| {
                    a.set_learned(&slot.doc, model, suggestions);
                });
            }
        });
        self.bump();
    }

    /// The index of the focused suggestion, if it is still shown.
    pub fn focused_index(&self) -> Option<usize> {
        let place = self.focused.get_untracked()?;
        self.with_layer(|l| l.find(&place)).flatten()
    }

    /// Focus the next (or previous) suggestion and bring it into view.
    pub fn step(&self, forward: bool) -> bool {
        let place = self.focused.get_untracked();
        let next = self
            .with_layer(|l| {
                l.step(place.as_ref(), forward)
                    .and_then(|i| l.get(i))
                    .map(place_of)
            })
            .flatten();
        let Some(next) = next else {
            self.ws.alerts.info("No suggestions in this document.");
            return false;
        };
        self.ws.selection.clear();
        self.focused.set(Some(next));
        if self.hidden.get_untracked() {
            self.hidden.set(false);
        }
        let this = *self;
        request_animation_frame(move || {
            if let Some(i) = this.focused_index() {
                scroll_to_suggestion(i);
            }
        });
        true
    }

    pub fn clear_focus(&self) -> bool {
        let had = self.focused.get_untracked().is_some();
        self.focused.set(None);
        had
    }

    /// The suggestion after `index`, to focus once `index` is gone.
    fn after(&self, index: usize) -> Option<Place> {
        self.with_layer(|l| {
            let here = place_of(l.get(index)?);
            let next = l.step(Some(&here), true)?;
            (next != index).then(|| l.get(next).map(place_of)).flatten()
        })
        .flatten()
    }

    /// Accept the shown suggestions at `indices`: one undoable edit.
    pub fn accept(&self, indices: &[usize]) -> bool {
        if indices.is_empty() {
            return false;
        }
        let edit = self.ws.with_core(|c| {
            let slot = c.open_slot()?;
            Some(self.assistant.with_value(|a| a.accept(&slot.doc, indices)))
        });
        match edit.flatten() {
            Some(Ok(edit)) => {
                let next = (indices.len() == 1)
                    .then(|| self.after(indices[0]))
                    .flatten();
                let done = self.ws.edit(edit);
                if done {
                    self.focused.set(next);
                    if indices.len() > 1 {
                        self.ws.alerts.info(format!(
                            "Accepted {} suggestions (Ctrl+Z takes them back).",
                            indices.len()
                        ));
                    }
                }
                done
            }
            Some(Err(e)) => {
                self.ws.alerts.error(e.to_string());
                false
            }
            None => false,
        }
    }

    pub fn accept_focused(&self) -> bool {
        match self.focused_index() {
            Some(i) => self.accept(&[i]),
            None => false,
        }
    }

    /// Reject the shown suggestion at `index`; the rejection is stored.
    pub fn reject(&self, index: usize) -> bool {
        let next = self.after(index);
        let result = self.ws.with_core(|c| {
            let (store, slot) = (c.store()?, c.open_slot()?);
            self.assistant
                .try_update_value(|a| a.reject(store, &slot.doc, index))
        });
        match result.flatten() {
            Some(Ok(Some(_))) => {
                self.focused.set(next);
                self.bump();
                true
            }
            Some(Err(e)) => {
                self.ws
                    .alerts
                    .error(format!("The suggestion was not rejected: {e}"));
                false
            }
            _ => false,
        }
    }

    pub fn reject_focused(&self) -> bool {
        match self.focused_index() {
            Some(i) => self.reject(i),
            None => false,
        }
    }

    /// A click on a suggestion accepts it, unless a second click makes it a double click,
    /// which rejects it.
    pub fn click(&self, index: usize, double: bool) {
        if let Some(Some(t)) = self.click.try_get_value() {
            t.clear();
        }
        self.click.set_value(None);
        if double {
            self.reject(index);
            return;
        }
        let this = *self;
        let handle = set_timeout_with_handle(
            move || {
                this.click.set_value(None);
                this.accept(&[index]);
            },
            Duration::from_millis(260),
        )
        .ok();
        self.click.set_value(handle);
    }

    pub fn accept_type(&self, layer: Layer, label: &str) -> bool {
        let all = self
            .with_layer(|l| l.of_type(layer, label))
            .unwrap_or_default();
        self.accept(&all)
    }

    pub fn accept_above(&self, min: f64) -> bool {
        let all = self.with_layer(|l| l.above(min)).unwrap_or_default();
        if all.is_empty() {
            self.ws
                .alerts
                .info(format!("No suggestion is scored {min:.2} or more."));
        }
        self.accept(&all)
    }

    pub fn toggle_hidden(&self) {
        self.hidden.update(|h| *h = !*h);
        if self.hidden.get_untracked() {
            self.focused.set(None);
        }
    }

    /// Show learned suggestions scored at least `min`.
    pub fn set_min_score(&self, min: f64) {
        self.ws.with_core(|c| {
            let open: Vec<&Document> = c.open_slot().map(|s| &s.doc).into_iter().collect();
            self.assistant.update_value(|a| a.set_min_score(min, &open));
        });
        self.bump();
    }

    /// Import a model's output as suggestions: matched to the corpus's documents by text,
    /// the other texts added as new documents. Returns the summary, or why nothing was.
    pub fn import(&self, inputs: &[InputFile], choice: Option<Format>) -> Result<String, String> {
        let read =
            imports::read(choice, inputs).map_err(|e| format!("Nothing was imported: {e}"))?;
        let metas = self.ws.corpus.index().get_untracked();
        let plan = imports::plan(read, &metas);
        if plan.suggestions() == 0 {
            return Err(
                "Nothing was imported: the files hold no span or trigger to suggest".into(),
            );
        }
        let fresh: Vec<Document> = plan
            .new_documents
            .iter()
            .map(|p| p.document.clone())
            .collect();
        let added = fresh.len();
        if !fresh.is_empty() {
            self.ws.act(|c| match c.add_documents(fresh) {
                Ok((_, out)) => out,
                Err(why) => crate::core::workspace::Outcome {
                    notices: vec![crate::core::workspace::Notice::Refused(why)],
                    ..Default::default()
                },
            });
        }
        let summary = self
            .ws
            .with_core(|c| {
                let store = c.store()?;
                let docs: Vec<&Document> = c.documents().collect();
                self.assistant
                    .try_update_value(|a| a.import(store, &plan, &docs))
            })
            .flatten()
            .ok_or("Nothing was imported: storage is unavailable")?;
        // The open document shows its new suggestions now.
        self.opened.set_value(None);
        self.ws.with_core(|c| {
            let (Some(store), Some(slot)) = (c.store(), c.open_slot()) else {
                return;
            };
            self.assistant.update_value(|a| a.open(store, &slot.doc));
        });
        self.predict_open();
        self.bump();
        let mut text = format!(
            "Imported {} suggestions into {} documents{}.",
            summary.added,
            summary.documents,
            if added > 0 {
                format!(" ({added} of them new to the corpus)")
            } else {
                String::new()
            }
        );
        for p in plan.notes.iter().chain(&summary.problems) {
            text.push(' ');
            text.push_str(p);
            text.push('.');
        }
        Ok(text)
    }
}

fn scroll_to_suggestion(index: usize) {
    let selector = format!(".article [data-sg~=\"{index}\"]");
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&selector).ok().flatten())
    {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Open the suggestions menu (the `!` key), in the inspector.
pub fn open_menu() -> bool {
    let Some(button) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("#suggestions-menu > button")
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    button.click();
    let _ = button.focus();
    true
}

/// The inspector's part: the focused suggestion, the counts, training and quality.
#[component]
pub fn SuggestPanel() -> impl IntoView {
    let sug = expect_context::<Suggestions>();
    let focused = move || {
        sug.rev().track();
        sug.focused().track();
        let i = sug.focused_index()?;
        sug.with_layer(|l| l.get(i).cloned().map(|s| (i, s)))
            .flatten()
    };
    let count = move || {
        sug.rev().track();
        sug.with_layer(DocSuggestions::len).unwrap_or(0)
    };
    view! {
        <section class="suggest-panel" aria-label="Suggestions">
            <div class="suggest-head">
                <h2>"Suggestions"</h2>
                <SuggestMenu/>
            </div>
            <p class="suggest-count" role="status">{move || {
                let n = count();
                let hidden = if sug.hidden().get() { " (hidden)" } else { "" };
                let more = if sug.predicting().get() { " Looking for more in the background…" } else { "" };
                match n {
                    0 => format!("None in this document{hidden}.{more}"),
                    1 => format!("1 in this document{hidden}: . and , step to it.{more}"),
                    n => format!("{n} in this document{hidden}: . and , step through them.{more}"),
                }
            }}</p>
            {move || focused().map(|(i, s)| view! {
                <div class="suggest-focus" aria-live="polite">
                    <p><strong>{s.label().to_owned()}</strong>" · “"{s.text.clone()}"”"</p>
                    <p class="muted">{format!("Source: {}. Score: {}.", s.source, s.score.map_or("none (imported without one)".into(), |x| format!("{x:.2}")))}</p>
                    <div class="suggest-actions">
                        <button type="button" class="primary" aria-keyshortcuts="Enter y"
                            on:click=move |_| { sug.accept(&[i]); }>"Accept (Enter)"</button>
                        <button type="button" aria-keyshortcuts="n Backspace"
                            on:click=move |_| { sug.reject(i); }>"Reject (N)"</button>
                    </div>
                </div>
            })}
            <p class="muted suggest-status" role="status">{move || sug.status().get()}</p>
            <Quality/>
        </section>
    }
}

/// The recommenders' precision, recall and F1 per type on the held-out done documents.
#[component]
fn Quality() -> impl IntoView {
    let sug = expect_context::<Suggestions>();
    move || {
        sug.rev().track();
        let rows = sug
            .with_assistant(|a| {
                let q = a.trained()?.quality.as_ref()?;
                Some(
                    q.rows
                        .iter()
                        .filter(|((who, _, _), _)| {
                            *who == crate::core::suggest::eval::Measured::All
                        })
                        .map(|((_, layer, kind), c)| {
                            (
                                format!(
                                    "{}{kind}",
                                    if *layer == Layer::Mention { "" } else { "⚑ " }
                                ),
                                c.precision(),
                                c.recall(),
                                c.f1(),
                                c.tp + c.fn_,
                            )
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()?;
        Some(view! {
            <table class="suggest-quality" aria-label="Suggestion quality on held-out done documents">
                <caption>"Quality on done documents not trained on"</caption>
                <thead><tr><th scope="col">"Type"</th><th scope="col">"P"</th><th scope="col">"R"</th><th scope="col">"F1"</th><th scope="col">"Gold"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|(kind, p, r, f, n)| view! {
                        <tr><th scope="row">{kind}</th><td>{format!("{p:.2}")}</td><td>{format!("{r:.2}")}</td><td>{format!("{f:.2}")}</td><td>{n}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        })
    }
}

/// The top bar's menu: accept all of a type, or above a score; show or hide; retrain.
#[component]
fn SuggestMenu() -> impl IntoView {
    let sug = expect_context::<Suggestions>();
    let threshold = RwSignal::new(0.8_f64);
    let types = move || {
        sug.rev().track();
        sug.with_layer(DocSuggestions::types).unwrap_or_default()
    };
    view! {
        <super::app::Menu label="Accept all…" id="suggestions-menu">
            <p class="menu-note">"Accept all (one undo step):"</p>
            {move || {
                let t = types();
                if t.is_empty() {
                    return view! { <p class="muted">"No suggestions in this document."</p> }.into_any();
                }
                t.into_iter().map(|(layer, label, n)| {
                    let name = label.clone();
                    view! {
                        <button type="button" on:click=move |_| { sug.accept_type(layer, &name); }>
                            {format!("Accept all {n} {label}{}", if layer == Layer::Event { " triggers" } else { "" })}
                        </button>
                    }
                }).collect_view().into_any()
            }}
            <label class="menu-row">"Score at least "
                <input type="number" min="0" max="1" step="0.05" aria-label="Score threshold"
                    prop:value=move || threshold.get().to_string()
                    on:change=move |e| {
                        if let Ok(v) = event_target_value(&e).parse::<f64>() {
                            threshold.set(v.clamp(0.0, 1.0));
                        }
                    }/>
            </label>
            <button type="button" on:click=move |_| { sug.accept_above(threshold.get_untracked()); }>
                {move || format!("Accept all scored ≥ {:.2}", threshold.get())}
            </button>
            <label class="menu-row">"Show learned ones scored at least "
                <input type="number" min="0" max="1" step="0.05" aria-label="Minimum score shown"
                    prop:value=move || { sug.rev().track(); sug.with_assistant(Assistant::min_score).unwrap_or(0.0).to_string() }
                    on:change=move |e| {
                        if let Ok(v) = event_target_value(&e).parse::<f64>() {
                            sug.set_min_score(v);
                        }
                    }/>
            </label>
            <button type="button" class="toggle" aria-pressed=move || (!sug.hidden().get()).to_string()
                on:click=move |_| sug.toggle_hidden()>"Show suggestions"</button>
            <button type="button" disabled=move || sug.training().get()
                on:click=move |_| sug.retrain()>"Retrain now"</button>
        </super::app::Menu>
    }
}
