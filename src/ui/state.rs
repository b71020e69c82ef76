//! The workspace state and the actions on it. Components call these methods; the domain
//! rules themselves live in the core.

use leptos::prelude::*;

use crate::browser::download::download_text;
use crate::browser::local_storage::LocalStorage;
use crate::core::edit::{Edit, History};
use crate::core::format::loupe;
use crate::core::model::{Document, DocumentMeta, Id, Mention, Span, Status};
use crate::core::schema::Schema;
use crate::core::storage::{CorpusStore, StoreError};

/// One document with its undo history.
pub struct DocSlot {
    pub doc: Document,
    pub history: History,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    Annotate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertKind {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: u64,
    pub kind: AlertKind,
    pub message: String,
}

/// All state of the app, as copyable handles, shared through context.
#[derive(Clone, Copy)]
pub struct Workspace {
    pub schema: StoredValue<Schema>,
    /// Texts, annotations and histories: not reactive, read on demand.
    pub corpus: StoredValue<Vec<DocSlot>>,
    /// The corpus list as the sidebar shows it.
    pub index: RwSignal<Vec<DocumentMeta>>,
    pub current: RwSignal<Option<Id>>,
    /// Bumped on every change to the open document's annotations.
    pub version: RwSignal<u64>,
    pub selected: RwSignal<Option<Id>>,
    /// The snapped text selection waiting for a type.
    pub pending: RwSignal<Option<Span>>,
    pub screen: RwSignal<Screen>,
    pub alerts: RwSignal<Vec<Alert>>,
    next_alert: StoredValue<u64>,
}

fn store() -> Result<CorpusStore<LocalStorage>, StoreError> {
    LocalStorage::open().map(CorpusStore::new)
}

impl Workspace {
    pub fn new() -> Self {
        Self {
            schema: StoredValue::new(Schema::ace2005()),
            corpus: StoredValue::new(Vec::new()),
            index: RwSignal::new(Vec::new()),
            current: RwSignal::new(None),
            version: RwSignal::new(0),
            selected: RwSignal::new(None),
            pending: RwSignal::new(None),
            screen: RwSignal::new(Screen::Welcome),
            alerts: RwSignal::new(Vec::new()),
            next_alert: StoredValue::new(0),
        }
    }

    pub fn alert(&self, kind: AlertKind, message: impl Into<String>) {
        let id = self.next_alert.get_value();
        self.next_alert.set_value(id + 1);
        let message = message.into();
        self.alerts.update(|a| a.push(Alert { id, kind, message }));
    }

    pub fn dismiss(&self, id: u64) {
        self.alerts.update(|a| a.retain(|x| x.id != id));
    }

    /// Load the corpus saved in localStorage. Damage is reported, never silently dropped.
    pub fn load(&self) {
        let loaded = match store().and_then(|s| s.load()) {
            Ok(loaded) => loaded,
            Err(e) => {
                self.alert(AlertKind::Error, e.to_string());
                return;
            }
        };
        for problem in loaded.problems {
            self.alert(AlertKind::Error, problem);
        }
        let metas: Vec<DocumentMeta> = loaded.documents.iter().map(|d| d.meta.clone()).collect();
        let first = metas.first().map(|m| m.id.clone());
        self.corpus.set_value(
            loaded
                .documents
                .into_iter()
                .map(|doc| DocSlot {
                    doc,
                    history: History::default(),
                })
                .collect(),
        );
        self.index.set(metas);
        if first.is_some() {
            self.current.set(first);
            self.screen.set(Screen::Annotate);
        }
    }

    /// Add new articles to the corpus and open the first. Texts already in the corpus are
    /// skipped with a notice. Nothing is kept in memory that storage refused.
    pub fn add_articles(&self, articles: Vec<(String, String)>) {
        let mut new_docs = Vec::new();
        let mut skipped = Vec::new();
        for (title, text) in articles {
            let doc = Document::new(&title, &text);
            let known = self
                .corpus
                .with_value(|c| c.iter().any(|s| s.doc.meta.sha256 == doc.meta.sha256))
                || new_docs
                    .iter()
                    .any(|d: &Document| d.meta.sha256 == doc.meta.sha256);
            if known {
                skipped.push(title);
            } else {
                new_docs.push(doc);
            }
        }
        if !skipped.is_empty() {
            self.alert(
                AlertKind::Info,
                format!("Already in the corpus, skipped: {}", skipped.join(", ")),
            );
        }
        if new_docs.is_empty() {
            return;
        }
        let mut all = self.index.get_untracked();
        all.extend(new_docs.iter().map(|d| d.meta.clone()));
        if let Err(e) = store().and_then(|s| s.add_documents(&all, &new_docs)) {
            self.alert(
                AlertKind::Error,
                format!("The articles were not added: {e}"),
            );
            return;
        }
        let first = new_docs[0].meta.id.clone();
        self.corpus.update_value(|c| {
            c.extend(new_docs.into_iter().map(|doc| DocSlot {
                doc,
                history: History::default(),
            }))
        });
        self.index.set(all);
        self.open(first);
    }

    pub fn open(&self, id: Id) {
        self.selected.set(None);
        self.pending.set(None);
        self.current.set(Some(id));
        self.screen.set(Screen::Annotate);
    }

    /// Run `f` on the open document's slot.
    pub fn with_current<R>(&self, f: impl FnOnce(&mut DocSlot) -> R) -> Option<R> {
        let id = self.current.get_untracked()?;
        self.corpus
            .try_update_value(|c| c.iter_mut().find(|s| s.doc.meta.id == id).map(f))?
    }

    /// Apply an edit to the open document, save, and repaint. Returns whether it applied.
    pub fn edit(&self, edit: Edit) -> bool {
        let result = self.with_current(|slot| {
            let DocSlot { doc, history } = slot;
            history.apply(&mut doc.annotations, &doc.text, edit)
        });
        match result {
            Some(Ok(())) => {
                self.after_change();
                true
            }
            Some(Err(e)) => {
                self.alert(AlertKind::Error, e.to_string());
                false
            }
            None => false,
        }
    }

    pub fn undo(&self) {
        self.step(|slot| {
            let DocSlot { doc, history } = slot;
            history.undo(&mut doc.annotations, &doc.text)
        });
    }

    pub fn redo(&self) {
        self.step(|slot| {
            let DocSlot { doc, history } = slot;
            history.redo(&mut doc.annotations, &doc.text)
        });
    }

    fn step(&self, f: impl FnOnce(&mut DocSlot) -> Result<bool, crate::core::edit::EditError>) {
        match self.with_current(f) {
            Some(Ok(true)) => {
                self.selected.set(None);
                self.after_change();
            }
            Some(Err(e)) => self.alert(AlertKind::Error, e.to_string()),
            _ => {}
        }
    }

    /// Persist the open document's annotations (only that key) and mark it in progress.
    fn after_change(&self) {
        self.version.update(|v| *v += 1);
        let Some((id, annotations, status)) = self.with_current(|slot| {
            if slot.doc.meta.status == Status::NotStarted && !slot.doc.annotations.is_empty() {
                slot.doc.meta.status = Status::InProgress;
            }
            (
                slot.doc.meta.id.clone(),
                slot.doc.annotations.clone(),
                slot.doc.meta.status,
            )
        }) else {
            return;
        };
        let saved = store().and_then(|s| {
            s.save_annotations(&id, &annotations)?;
            let changed = self
                .index
                .with_untracked(|i| i.iter().any(|m| m.id == id && m.status != status));
            if changed {
                let mut index = self.index.get_untracked();
                index
                    .iter_mut()
                    .filter(|m| m.id == id)
                    .for_each(|m| m.status = status);
                s.save_index(&index)?;
                self.index.set(index);
            }
            Ok(())
        });
        if let Err(e) = saved {
            self.alert(AlertKind::Error, format!("Not saved: {e}"));
        }
    }

    /// Tag the pending selection with an entity type.
    pub fn tag(&self, kind: &str) {
        let Some(span) = self.pending.get_untracked() else {
            self.alert(
                AlertKind::Info,
                "Select some text in the article first, then pick a type.",
            );
            return;
        };
        let Some((id, index)) = self.with_current(|slot| {
            let ann = &slot.doc.annotations;
            let index = ann.mentions.partition_point(|m| {
                (m.start(), std::cmp::Reverse(m.end())) <= (span.start, std::cmp::Reverse(span.end))
            });
            (ann.next_id("T"), index)
        }) else {
            return;
        };
        let mention = Mention {
            id: id.clone(),
            kind: kind.to_owned(),
            fragments: vec![span],
            text: String::new(),
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        };
        if self.edit(Edit::InsertMention { index, mention }) {
            self.pending.set(None);
            crate::browser::selection::clear_selection();
            self.selected.set(Some(id));
        }
    }

    pub fn delete_selected(&self) {
        if let Some(id) = self.selected.get_untracked() {
            if self.edit(Edit::RemoveMention { id }) {
                self.selected.set(None);
            }
        }
    }

    /// Download the open document as a loupe/1 JSON file.
    pub fn export_current(&self) {
        let Some((title, json)) = self.with_current(|slot| {
            (
                slot.doc.meta.title.clone(),
                loupe::to_json(std::slice::from_ref(&slot.doc), ""),
            )
        }) else {
            self.alert(AlertKind::Info, "Open a document to export it.");
            return;
        };
        if let Err(e) = download_text(&format!("{title}.loupe.json"), "application/json", &json) {
            self.alert(AlertKind::Error, format!("The export failed: {e:?}"));
        }
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}
