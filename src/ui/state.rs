//! The workspace state and the actions on it. Components call these methods; the domain
//! rules themselves live in the core.
//!
//! Saving: an edit changes memory at once and marks its document dirty; the dirty
//! annotations are written right after the next paint, at most [`SAVE_DELAY_MS`] after the
//! edit, and at once when the page is hidden or unloaded. A refused write (a full quota)
//! leaves the last good stored copy in place, keeps the edits in memory, raises the storage
//! banner, and is retried on the next edit or by the banner's Retry button.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::OnceLock;

use leptos::prelude::*;

use crate::browser::download::download_text;
use crate::browser::files::read_documents;
use crate::browser::local_storage::LocalStorage as BrowserStorage;
use crate::core::edit::{Edit, EditError, History};
use crate::core::format::loupe;
use crate::core::model::{Document, DocumentMeta, Id, Mention, Span, Status};
use crate::core::offsets::OffsetIndex;
use crate::core::schema::Schema;
use crate::core::storage::{
    document_of_key, text_key, CorpusStore, DocKey, KeyValueStore, StoreError, Usage, INDEX_KEY,
    SCHEMA_KEY,
};
use crate::core::sync::{receive_stored, save_document, DocSync, Lineage, Received};

/// The longest a save waits after an edit: it runs right after the next paint (see
/// [`crate::browser::paint`]), so a tab torn down without unload events keeps every edit
/// but those of its last frame.
pub const SAVE_DELAY_MS: u32 = crate::browser::paint::LATEST_MS;

/// Imports of more files than this show a progress bar.
const PROGRESS_AFTER_FILES: usize = 3;

/// One document with its undo history and what this tab knows of its stored value, the
/// base for merging edits made in another tab.
#[derive(Clone)]
pub struct DocSlot {
    pub doc: Document,
    pub history: History,
    pub sync: DocSync,
    /// The text's offset index, built on the first edit and kept: a slot's text never
    /// changes, and indexing a 1 MB article took a third of a tag keypress.
    pub index: OnceLock<OffsetIndex>,
}

impl DocSlot {
    /// The document with its text's offset index, built on first use and then kept.
    pub fn indexed(&self) -> (&Document, &OffsetIndex) {
        let index = self.index.get_or_init(|| OffsetIndex::new(&self.doc.text));
        (&self.doc, index)
    }

    /// One step back (`undo`) or forward through this document's history, over its kept
    /// offset index. Returns whether there was a step to take.
    pub fn undo_or_redo(&mut self, undo: bool) -> Result<bool, EditError> {
        let Self {
            doc,
            history,
            index,
            ..
        } = self;
        if undo {
            history.undo_in(&mut doc.annotations, &doc.text, index)
        } else {
            history.redo_in(&mut doc.annotations, &doc.text, index)
        }
    }

    fn new(doc: Document, tab: &Arc<str>, lineage: Lineage) -> Self {
        Self {
            sync: DocSync::new(tab.clone(), doc.annotations.clone(), lineage),
            doc,
            history: History::default(),
            index: OnceLock::new(),
        }
    }
}

/// A random id for this tab, so its writes are told apart from other tabs' (core::sync).
fn new_tab_id() -> Arc<str> {
    let n = (js_sys::Math::random() * 36f64.powi(6)) as u64;
    let mut id = String::new();
    let mut rest = n;
    for _ in 0..6 {
        id.push(char::from_digit((rest % 36) as u32, 36).unwrap_or('0'));
        rest /= 36;
    }
    id.into()
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

/// What the save indicator shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveStatus {
    Saved,
    Saving,
    NotSaved,
}

/// Why work is not reaching storage; shown as a banner until it is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageTrouble {
    /// The quota is full: edits stay in memory, saving retries.
    Full(String),
    /// No storage at all: the app works in memory only.
    Unavailable(String),
    /// The stored corpus must not be written (newer version, or unbacked damage).
    ReadOnly(String),
}

/// The result of one import, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub duplicates: Vec<String>,
    /// "file: reason" for every rejected file.
    pub rejected: Vec<String>,
}

/// Documents deleted last, with their positions, so the deletion can be undone.
#[derive(Clone, Default)]
struct Trash {
    slots: Vec<(usize, DocSlot)>,
}

type Store = CorpusStore<Rc<dyn KeyValueStore>>;

/// All state of the app, as copyable handles, shared through context.
#[derive(Clone, Copy)]
pub struct Workspace {
    /// The workspace schema. Change it only with [`Workspace::set_schema`], which bumps
    /// `schema_rev`: views that depend on the schema track that.
    pub schema: StoredValue<Schema>,
    pub schema_rev: RwSignal<u64>,
    /// A schema that came with imported files, offered as the workspace schema:
    /// (schema, where it came from).
    pub schema_offer: RwSignal<Option<(Schema, String)>>,
    /// Texts, annotations and histories: not reactive, read on demand.
    pub corpus: StoredValue<Vec<DocSlot>>,
    /// The corpus list as the sidebar shows it.
    pub index: RwSignal<Vec<DocumentMeta>>,
    pub current: RwSignal<Option<Id>>,
    /// Bumped on every change to any document's annotations.
    pub version: RwSignal<u64>,
    pub selected: RwSignal<Option<Id>>,
    /// The snapped text selection waiting for a type.
    pub pending: RwSignal<Option<Span>>,
    pub screen: RwSignal<Screen>,
    pub alerts: RwSignal<Vec<Alert>>,
    pub save_status: RwSignal<SaveStatus>,
    pub trouble: RwSignal<Option<StorageTrouble>>,
    /// The annotator's name or id, written into every export.
    pub annotator: RwSignal<String>,
    /// Files done and total, while an import of many files runs.
    pub importing: RwSignal<Option<(usize, usize)>>,
    pub import_report: RwSignal<Option<ImportReport>>,
    /// How many documents the last deletion removed (0: nothing to undo).
    pub deleted: RwSignal<usize>,
    trash: StoredValue<Trash>,
    next_alert: StoredValue<u64>,
    store: StoredValue<Option<Store>, LocalStorage>,
    /// Documents whose annotations changed since they were last stored.
    dirty: StoredValue<BTreeSet<Id>>,
    index_dirty: StoredValue<bool>,
    settings_dirty: StoredValue<bool>,
    /// Bumped by every schedule and flush, so only the latest scheduled save runs.
    save_generation: StoredValue<u64>,
    /// When a mouse button went down (ms), if it is still down: another tab's changes wait
    /// until it is released, so a repaint never pulls the text out from under a selection
    /// being dragged.
    pointer_down: StoredValue<Option<f64>>,
    /// Keys another tab wrote while the pointer was down.
    deferred: StoredValue<Vec<String>>,
    /// This tab's id in the lineage of stored values.
    tab: StoredValue<Arc<str>>,
}

impl Workspace {
    /// A workspace over the browser's localStorage; when that cannot be opened, over
    /// nothing, in memory.
    pub fn new() -> Self {
        Self::over(BrowserStorage::open().map(|s| Rc::new(s) as Rc<dyn KeyValueStore>))
    }

    /// A workspace over any store: tests hand in one that injects faults.
    pub fn over(store: Result<Rc<dyn KeyValueStore>, StoreError>) -> Self {
        let (store, trouble) = match store {
            Ok(s) => (Some(CorpusStore::new(s)), None),
            Err(e) => (None, Some(unavailable(&e))),
        };
        Self {
            schema: StoredValue::new(Schema::ace2005()),
            schema_rev: RwSignal::new(0),
            schema_offer: RwSignal::new(None),
            corpus: StoredValue::new(Vec::new()),
            index: RwSignal::new(Vec::new()),
            current: RwSignal::new(None),
            version: RwSignal::new(0),
            selected: RwSignal::new(None),
            pending: RwSignal::new(None),
            screen: RwSignal::new(Screen::Welcome),
            alerts: RwSignal::new(Vec::new()),
            save_status: RwSignal::new(if trouble.is_some() {
                SaveStatus::NotSaved
            } else {
                SaveStatus::Saved
            }),
            trouble: RwSignal::new(trouble),
            annotator: RwSignal::new(String::new()),
            importing: RwSignal::new(None),
            import_report: RwSignal::new(None),
            deleted: RwSignal::new(0),
            trash: StoredValue::new(Trash::default()),
            next_alert: StoredValue::new(0),
            store: StoredValue::new_local(store),
            dirty: StoredValue::new(BTreeSet::new()),
            index_dirty: StoredValue::new(false),
            settings_dirty: StoredValue::new(false),
            save_generation: StoredValue::new(0),
            pointer_down: StoredValue::new(None),
            deferred: StoredValue::new(Vec::new()),
            tab: StoredValue::new(new_tab_id()),
        }
    }

    pub fn alert(&self, kind: AlertKind, message: impl Into<String>) {
        let message = message.into();
        // A message already on screen is not stacked again: repeated notices would only
        // cover the article.
        if self
            .alerts
            .with_untracked(|a| a.iter().any(|x| x.message == message))
        {
            return;
        }
        let id = self.next_alert.get_value();
        self.next_alert.set_value(id + 1);
        self.alerts.update(|a| a.push(Alert { id, kind, message }));
    }

    pub fn dismiss(&self, id: u64) {
        self.alerts.update(|a| a.retain(|x| x.id != id));
    }

    /// Run `f` on the store, or report that there is none.
    pub(crate) fn storing<R>(
        &self,
        f: impl FnOnce(&Store) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.store
            .try_with_value(|s| match s {
                Some(s) => f(s),
                None => Err(StoreError::Unavailable("no storage".into())),
            })
            .unwrap_or_else(|| Err(StoreError::Unavailable("the app has closed".into())))
    }

    fn has_store(&self) -> bool {
        self.store.with_value(Option::is_some)
    }

    fn is_read_only(&self) -> bool {
        matches!(
            self.trouble.get_untracked(),
            Some(StorageTrouble::ReadOnly(_))
        )
    }

    /// Load the corpus saved in localStorage. Damage is reported, never silently dropped;
    /// storage that cannot be read leaves an empty workspace that works in memory.
    pub fn load(&self) {
        if !self.has_store() {
            return;
        }
        let loaded = match self.storing(|s| s.load()) {
            Ok(loaded) => loaded,
            Err(e) => {
                self.store.set_value(None);
                self.trouble.set(Some(unavailable(&e)));
                self.save_status.set(SaveStatus::NotSaved);
                return;
            }
        };
        for problem in loaded.problems {
            self.alert(AlertKind::Error, problem);
        }
        if let Some(why) = loaded.read_only {
            self.trouble.set(Some(StorageTrouble::ReadOnly(why)));
            self.save_status.set(SaveStatus::NotSaved);
        }
        self.annotator.set(loaded.annotator);
        if let Some(schema) = loaded.schema {
            self.schema.set_value(schema);
            self.schema_rev.update(|r| *r += 1);
        }
        let metas: Vec<DocumentMeta> = loaded.documents.iter().map(|d| d.meta.clone()).collect();
        let first = metas.first().map(|m| m.id.clone());
        let tab = self.tab.get_value();
        let mut lineages = loaded.lineages;
        self.corpus.set_value(
            loaded
                .documents
                .into_iter()
                .map(|d| {
                    let lineage = lineages.remove(&d.meta.id).unwrap_or_default();
                    DocSlot::new(d, &tab, lineage)
                })
                .collect(),
        );
        self.index.set(metas);
        if first.is_some() {
            self.current.set(first);
            self.screen.set(Screen::Annotate);
        }
    }

    /// Add documents to the corpus, storing them first when there is storage. Texts
    /// already in the corpus are skipped and returned by title. The error says why nothing
    /// was added.
    pub fn add_documents(&self, docs: Vec<Document>) -> Result<(Vec<Id>, Vec<String>), String> {
        if let Some(StorageTrouble::ReadOnly(why)) = self.trouble.get_untracked() {
            return Err(why);
        }
        let mut new_docs: Vec<Document> = Vec::new();
        let mut duplicates = Vec::new();
        for doc in docs {
            let known = self
                .corpus
                .with_value(|c| c.iter().any(|s| s.doc.meta.sha256 == doc.meta.sha256))
                || new_docs.iter().any(|d| d.meta.sha256 == doc.meta.sha256);
            if known {
                duplicates.push(doc.meta.title);
            } else {
                new_docs.push(doc);
            }
        }
        if new_docs.is_empty() {
            return Ok((Vec::new(), duplicates));
        }
        let mut all = self.index.get_untracked();
        all.extend(new_docs.iter().map(|d| d.meta.clone()));
        if self.has_store() {
            self.storing(|s| s.add_documents(&all, &new_docs))
                .map_err(|e| e.to_string())?;
            self.index_dirty.set_value(false);
        }
        let ids = new_docs.iter().map(|d| d.meta.id.clone()).collect();
        let tab = self.tab.get_value();
        self.corpus.update_value(|c| {
            c.extend(
                new_docs
                    .into_iter()
                    .map(|d| DocSlot::new(d, &tab, Lineage::default())),
            )
        });
        self.index.set(all);
        Ok((ids, duplicates))
    }

    /// Add pasted or sample articles and open the first new one.
    pub fn add_articles(&self, articles: Vec<(String, String)>) {
        let docs = articles
            .into_iter()
            .map(|(title, text)| Document::new(&title, &text))
            .collect();
        self.add_and_open(docs);
    }

    /// Add documents, tell what was skipped or refused, and open the first new one.
    pub fn add_and_open(&self, docs: Vec<Document>) {
        match self.add_documents(docs) {
            Ok((ids, duplicates)) => {
                if !duplicates.is_empty() {
                    self.alert(
                        AlertKind::Info,
                        format!("Already in the corpus, skipped: {}", duplicates.join(", ")),
                    );
                }
                if let Some(first) = ids.into_iter().next() {
                    self.open(first);
                }
            }
            Err(e) => self.alert(
                AlertKind::Error,
                format!("The articles were not added: {e}"),
            ),
        }
    }

    /// Import files one by one: each is added or rejected on its own, the UI gets a turn
    /// between files, and a summary tells what happened to each.
    pub async fn import_files(&self, files: Vec<web_sys::File>) {
        let total = files.len();
        if total == 0 {
            return;
        }
        let show_progress = total > PROGRESS_AFTER_FILES;
        if show_progress {
            self.importing.set(Some((0, total)));
        }
        self.import_report.set(None);
        let mut report = ImportReport::default();
        let mut first = None;
        for (done, file) in files.into_iter().enumerate() {
            let name = file.name();
            match read_documents(file).await {
                Ok(docs) => match self.add_documents(docs) {
                    Ok((ids, duplicates)) => {
                        report.added += ids.len();
                        first = first.or(ids.into_iter().next());
                        report
                            .duplicates
                            .extend(duplicates.into_iter().map(|t| format!("{name}: “{t}”")));
                    }
                    Err(why) => report.rejected.push(format!("{name}: not added, {why}")),
                },
                Err(e) => report.rejected.push(e.to_string()),
            }
            if show_progress {
                self.importing.set(Some((done + 1, total)));
                // Let the browser paint the progress bar and handle input between files.
                gloo::timers::future::TimeoutFuture::new(0).await;
            }
        }
        self.importing.set(None);
        self.import_report.set(Some(report));
        if let Some(first) = first {
            self.open(first);
        }
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
        self.with_doc(&id, f)
    }

    fn with_doc<R>(&self, id: &str, f: impl FnOnce(&mut DocSlot) -> R) -> Option<R> {
        self.corpus
            .try_update_value(|c| c.iter_mut().find(|s| s.doc.meta.id == id).map(f))?
    }

    /// Apply an edit to the open document, schedule its save, and repaint. Returns whether
    /// it applied.
    pub fn edit(&self, edit: Edit) -> bool {
        match self.current.get_untracked() {
            Some(id) => self.edit_doc(&id, edit),
            None => false,
        }
    }

    /// Apply an edit to any document, open or not, as one step of its own undo history;
    /// schedule its save and repaint. Returns whether it applied.
    pub fn edit_doc(&self, id: &str, edit: Edit) -> bool {
        if let Some(StorageTrouble::ReadOnly(why)) = self.trouble.get_untracked() {
            self.alert(AlertKind::Error, format!("Read-only: {why}"));
            return false;
        }
        let result = self.with_doc(id, |slot| {
            let DocSlot {
                doc,
                history,
                index,
                ..
            } = slot;
            history.apply_in(&mut doc.annotations, &doc.text, index, edit)
        });
        match result {
            Some(Ok(())) => {
                self.version.update(|v| *v += 1);
                self.mark_changed(id);
                self.schedule_save();
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
        self.step(|slot| slot.undo_or_redo(true));
    }

    pub fn redo(&self) {
        self.step(|slot| slot.undo_or_redo(false));
    }

    fn step(&self, f: impl FnOnce(&mut DocSlot) -> Result<bool, EditError>) {
        if self.is_read_only() {
            return;
        }
        match self.with_current(f) {
            Some(Ok(true)) => {
                self.selected.set(None);
                self.after_change();
            }
            Some(Err(e)) => self.alert(AlertKind::Error, e.to_string()),
            _ => {}
        }
    }

    /// Make `schema` the workspace schema and store it. Nothing changes when it is
    /// invalid or cannot be stored. Annotations are never touched: those whose types it
    /// lacks stay, and the validator reports them.
    pub fn set_schema(&self, schema: Schema) -> Result<(), String> {
        schema
            .validate()
            .map_err(|e| format!("The schema was not changed: {e}"))?;
        if let Some(StorageTrouble::ReadOnly(why)) = self.trouble.get_untracked() {
            return Err(format!("The schema was not changed: {why}"));
        }
        if self.has_store() {
            self.storing(|s| s.save_schema(&schema))
                .map_err(|e| format!("The schema was not changed: {e}"))?;
        }
        self.schema.set_value(schema);
        self.schema_rev.update(|r| *r += 1);
        Ok(())
    }

    /// Take the schema another tab chose. A value this tab cannot read leaves its own.
    fn follow_schema(&self) {
        let Ok(Some(schema)) = self.storing(|s| Ok(s.read_schema())) else {
            return;
        };
        if self.schema.with_value(|s| *s != schema) {
            let name = schema.name.clone();
            self.schema.set_value(schema);
            self.schema_rev.update(|r| *r += 1);
            self.alert(
                AlertKind::Info,
                format!("Another tab switched the schema to {name}."),
            );
        }
    }

    /// Offer a schema that came with imported files; the schema control asks the user.
    pub fn offer_schema(&self, schema: Schema, source: &str) {
        if self.schema.with_value(|s| *s != schema) {
            self.schema_offer.set(Some((schema, source.to_owned())));
        }
    }

    /// Change document `id` (any document, open or not) the way an edit does: the
    /// document is marked changed and in progress. The caller bumps `version` and
    /// schedules the save once for all the documents it changed.
    pub fn change_doc<R>(&self, id: &str, f: impl FnOnce(&mut DocSlot) -> R) -> Option<R> {
        if self.is_read_only() {
            return None;
        }
        let result = self.with_doc(id, f)?;
        self.mark_changed(id);
        Some(result)
    }

    /// Mark the open document changed (and in progress), and schedule the save.
    fn after_change(&self) {
        self.version.update(|v| *v += 1);
        if let Some(id) = self.current.get_untracked() {
            self.mark_changed(&id);
        }
        self.schedule_save();
    }

    fn mark_changed(&self, id: &str) {
        let Some((id, status)) = self.with_doc(id, |slot| {
            if slot.doc.meta.status == Status::NotStarted && !slot.doc.annotations.is_empty() {
                slot.doc.meta.status = Status::InProgress;
            }
            (slot.doc.meta.id.clone(), slot.doc.meta.status)
        }) else {
            return;
        };
        self.dirty.update_value(|d| {
            d.insert(id.clone());
        });
        let changed = self
            .index
            .with_untracked(|i| i.iter().any(|m| m.id == id && m.status != status));
        if changed {
            self.index.update(|index| {
                index
                    .iter_mut()
                    .filter(|m| m.id == id)
                    .for_each(|m| m.status = status)
            });
            self.index_dirty.set_value(true);
        }
    }

    /// Save right after the next paint, at most [`SAVE_DELAY_MS`] after the change; the
    /// changes made before that paint are saved together.
    pub fn schedule_save(&self) {
        if !self.has_store() || self.is_read_only() {
            return;
        }
        self.save_status.set(SaveStatus::Saving);
        let ws = *self;
        // Plain browser callbacks: they need no reactive executor, so tests can drive them.
        // Every scheduled save runs (none is cancelled by a later edit, so a stream of edits
        // cannot postpone saving); after the first, there is usually nothing left to write.
        crate::browser::paint::after_paint(move || {
            if ws.save_generation.try_get_value().is_some() && ws.has_unsaved() {
                ws.flush();
            }
        });
    }

    /// Whether anything is waiting to be saved.
    pub fn has_unsaved(&self) -> bool {
        self.dirty.with_value(|d| !d.is_empty())
            || self.index_dirty.get_value()
            || self.settings_dirty.get_value()
    }

    /// Write everything dirty now. Returns whether all of it reached storage. A refused
    /// write leaves that key's stored copy as it was and the edits in memory.
    pub fn flush(&self) -> bool {
        let Some(generation) = self.save_generation.try_get_value() else {
            return false; // the app is gone
        };
        self.save_generation.set_value(generation + 1);
        if !self.has_store() || self.is_read_only() {
            return false;
        }
        let result = self.write_dirty();
        match result {
            Ok(()) => {
                self.save_status.set(SaveStatus::Saved);
                if matches!(self.trouble.get_untracked(), Some(StorageTrouble::Full(_))) {
                    self.trouble.set(None);
                    self.alert(
                        AlertKind::Info,
                        "Saved: storage has room again, and every edit is stored.",
                    );
                }
                true
            }
            Err(e) => {
                self.save_status.set(SaveStatus::NotSaved);
                self.trouble.set(Some(match e {
                    StoreError::QuotaExceeded { .. } => StorageTrouble::Full(
                        "The browser's storage for Loupe is full, so your latest edits are not saved. \
                         They are safe in this tab for now, and the last saved copy is untouched. \
                         Export now to keep them, then delete documents you no longer need; \
                         Loupe retries on your next edit, or press Retry saving."
                            .into(),
                    ),
                    StoreError::ReadOnly(why) => StorageTrouble::ReadOnly(why),
                    StoreError::Unavailable(_) => unavailable(&e),
                    StoreError::TooLarge { .. } => StorageTrouble::Full(e.to_string()),
                }));
                false
            }
        }
    }

    fn write_dirty(&self) -> Result<(), StoreError> {
        for id in self.dirty.get_value() {
            let saved = self.with_doc(&id, |slot| {
                let DocSlot {
                    doc, history, sync, ..
                } = slot;
                let received =
                    self.storing(|s| save_document(s, &id, &doc.text, &mut doc.annotations, sync))?;
                // Only a fold-in of another tab's value changes them; no copy is needed to tell.
                if received.as_ref().is_some_and(|r| r.changed) {
                    // The undo steps were recorded against annotations that have changed.
                    history.clear();
                }
                Ok(received)
            });
            if let Some(received) = saved {
                if let Some(r) = received? {
                    self.folded_in(&id, &r);
                }
            }
            self.dirty.update_value(|d| {
                d.remove(&id);
            });
        }
        if self.index_dirty.get_value() {
            let index = self.index.get_untracked();
            self.storing(|s| s.save_index(&index))?;
            self.index_dirty.set_value(false);
        }
        if self.settings_dirty.get_value() {
            let name = self.annotator.get_untracked();
            self.storing(|s| s.save_annotator(&name))?;
            self.settings_dirty.set_value(false);
        }
        Ok(())
    }

    /// The banner's Retry: save now, and say so if storage is still full.
    pub fn retry_save(&self) {
        if !self.flush() {
            self.alert(
                AlertKind::Error,
                "Still not saved: storage is still full. Export, then delete documents you no longer need.",
            );
        }
    }

    pub fn set_annotator(&self, name: String) {
        self.annotator.set(name.trim().to_owned());
        self.settings_dirty.set_value(true);
        self.schedule_save();
    }

    fn update_meta(&self, id: &str, f: impl Fn(&mut DocumentMeta)) {
        self.with_doc(id, |slot| f(&mut slot.doc.meta));
        self.index
            .update(|index| index.iter_mut().filter(|m| m.id == id).for_each(&f));
        self.index_dirty.set_value(true);
        self.schedule_save();
    }

    pub fn set_status(&self, id: &str, status: Status) {
        if self.is_read_only() {
            return;
        }
        self.update_meta(id, |m| m.status = status);
    }

    /// Rename a document. A blank title is refused, since the list would show nothing.
    pub fn rename(&self, id: &str, title: &str) -> bool {
        let title = title.trim().to_owned();
        if title.is_empty() {
            self.alert(
                AlertKind::Error,
                "A title cannot be empty: type at least one character.",
            );
            return false;
        }
        if self.is_read_only() {
            return false;
        }
        self.update_meta(id, |m| m.title = title.clone());
        true
    }

    /// Delete documents from memory and storage, keeping them for one undo.
    pub fn delete(&self, ids: &[Id]) {
        if ids.is_empty() || self.is_read_only() {
            return;
        }
        let remaining: Vec<DocumentMeta> = self
            .index
            .get_untracked()
            .into_iter()
            .filter(|m| !ids.contains(&m.id))
            .collect();
        if self.has_store() {
            if let Err(e) = self.storing(|s| s.remove_documents(&remaining, ids)) {
                self.alert(AlertKind::Error, format!("Nothing was deleted: {e}"));
                return;
            }
            self.index_dirty.set_value(false);
        }
        let mut removed = Vec::new();
        self.corpus.update_value(|c| {
            let mut position = 0;
            c.retain(|slot| {
                let keep = !ids.contains(&slot.doc.meta.id);
                if !keep {
                    removed.push((position, slot.clone()));
                }
                position += 1;
                keep
            })
        });
        self.dirty
            .update_value(|d| d.retain(|id| !ids.contains(id)));
        self.deleted.set(removed.len());
        self.trash.set_value(Trash { slots: removed });
        self.index.set(remaining.clone());
        if self
            .current
            .get_untracked()
            .is_some_and(|c| ids.contains(&c))
        {
            self.selected.set(None);
            self.pending.set(None);
            self.current.set(remaining.first().map(|m| m.id.clone()));
            if remaining.is_empty() {
                self.screen.set(Screen::Welcome);
            }
        }
        // Deleting frees space: if saving was refused, try again now.
        if matches!(self.trouble.get_untracked(), Some(StorageTrouble::Full(_))) {
            self.flush();
        }
    }

    /// Put the last deleted documents back where they were, annotations and all.
    pub fn undo_delete(&self) {
        let trash = self.trash.get_value();
        if trash.slots.is_empty() {
            return;
        }
        let mut corpus: Vec<DocSlot> = self.corpus.get_value();
        for (position, slot) in &trash.slots {
            corpus.insert((*position).min(corpus.len()), slot.clone());
        }
        let all: Vec<DocumentMeta> = corpus.iter().map(|s| s.doc.meta.clone()).collect();
        let docs: Vec<Document> = trash.slots.iter().map(|(_, s)| s.doc.clone()).collect();
        if self.has_store() {
            if let Err(e) = self.storing(|s| s.add_documents(&all, &docs)) {
                self.alert(
                    AlertKind::Error,
                    format!("The documents were not restored: {e}"),
                );
                return;
            }
        }
        self.corpus.set_value(corpus);
        self.index.set(all);
        self.trash.set_value(Trash::default());
        self.deleted.set(0);
        if self.current.get_untracked().is_none() {
            if let Some((_, slot)) = trash.slots.first() {
                self.open(slot.doc.meta.id.clone());
            }
        }
    }

    /// Another tab wrote `key`. A document this tab has not edited takes the stored
    /// annotations; one edited in both is merged by annotation id, so no edit is lost.
    pub fn on_storage_changed(&self, key: &str) {
        // A release outside the window is never heard of, so a drag counts for 10 s at most.
        let dragging = self
            .pointer_down
            .get_value()
            .is_some_and(|at| js_sys::Date::now() - at < 10_000.0);
        if dragging {
            self.deferred.update_value(|d| {
                if !d.iter().any(|k| k == key) {
                    d.push(key.to_owned());
                }
            });
            return;
        }
        if key == INDEX_KEY {
            self.follow_index();
            return;
        }
        if key == SCHEMA_KEY {
            self.follow_schema();
            return;
        }
        let id = match document_of_key(key) {
            Some((id, DocKey::Annotations)) => id,
            // A text key comes and goes with its document: another tab's import or
            // deletion, which the list may have announced before the text changed.
            Some((_, DocKey::Text)) => return self.follow_index(),
            None => return,
        };
        let id = id.to_owned();
        let received = self.with_doc(&id, |slot| {
            let DocSlot {
                doc, history, sync, ..
            } = slot;
            let r = self
                .storing(|s| Ok(receive_stored(s, &id, &doc.text, &doc.annotations, sync)))
                .ok()
                .flatten()?;
            if r.changed {
                doc.annotations = r.annotations.clone();
                // The undo steps were recorded against annotations that have now changed.
                history.clear();
            }
            Some(r)
        });
        let Some(Some(r)) = received else {
            return;
        };
        if r.needs_save {
            self.dirty.update_value(|d| {
                d.insert(id.clone());
            });
            self.schedule_save();
        }
        self.folded_in(&id, &r);
    }

    /// Repaint after another tab's stored value was folded into a document, and say so
    /// when this tab's own edits were merged with it.
    fn folded_in(&self, id: &str, r: &Received) {
        if r.changed {
            self.version.update(|v| *v += 1);
            if self.current.get_untracked().as_deref() == Some(id) {
                self.selected.set(None);
            }
        }
        if r.merged {
            let title = self
                .with_doc(id, |s| s.doc.meta.title.clone())
                .unwrap_or_default();
            let detail = if r.conflicts == 0 {
                String::new()
            } else {
                format!(
                    " {} annotation(s) changed in both; this tab's version was kept.",
                    r.conflicts
                )
            };
            self.alert(
                AlertKind::Info,
                format!("“{title}” was also edited in another tab; both sets of edits were merged.{detail}"),
            );
        }
    }

    /// Follow another tab's changes to the document list: its additions appear here, and
    /// when this tab has no unsaved list changes of its own, its renames, status changes
    /// and deletions too. A deleted document this tab has unsaved edits to is kept.
    fn follow_index(&self) {
        let Ok(loaded) = self.storing(|s| s.load()) else {
            return;
        };
        let known: BTreeSet<Id> = self
            .index
            .with_untracked(|i| i.iter().map(|m| m.id.clone()).collect());
        let theirs: BTreeMap<Id, DocumentMeta> = loaded
            .documents
            .iter()
            .map(|d| (d.meta.id.clone(), d.meta.clone()))
            .collect();
        let fresh: Vec<Document> = loaded
            .documents
            .into_iter()
            .filter(|d| !known.contains(&d.meta.id))
            .collect();
        let mut notices = Vec::new();
        if !fresh.is_empty() {
            let titles: Vec<String> = fresh.iter().map(|d| d.meta.title.clone()).collect();
            notices.push(format!("added {}", titles.join(", ")));
            self.index
                .update(|i| i.extend(fresh.iter().map(|d| d.meta.clone())));
            let tab = self.tab.get_value();
            let mut lineages = loaded.lineages;
            self.corpus.update_value(|c| {
                c.extend(fresh.into_iter().map(|d| {
                    let lineage = lineages.remove(&d.meta.id).unwrap_or_default();
                    DocSlot::new(d, &tab, lineage)
                }))
            });
        }
        if self.index_dirty.get_value() {
            if !notices.is_empty() {
                self.alert(
                    AlertKind::Info,
                    format!("Another tab {}.", notices.join("; ")),
                );
            }
            return;
        }
        let dirty = self.dirty.get_value();
        let gone: Vec<Id> = known
            .iter()
            .filter(|id| !theirs.contains_key(*id) && !dirty.contains(*id))
            .filter(|id| {
                // Only a document whose text is gone was deleted; otherwise the index
                // was rewritten before this tab's own addition reached it.
                matches!(self.storing(|s| s.store.get(&text_key(id))), Ok(None))
            })
            .cloned()
            .collect();
        let mut changed = false;
        self.corpus.update_value(|c| {
            c.retain(|slot| !gone.contains(&slot.doc.meta.id));
            for slot in c.iter_mut() {
                if let Some(meta) = theirs.get(&slot.doc.meta.id) {
                    if *meta != slot.doc.meta {
                        slot.doc.meta = meta.clone();
                        changed = true;
                    }
                }
            }
        });
        if changed || !gone.is_empty() {
            let metas: Vec<DocumentMeta> = self
                .corpus
                .with_value(|c| c.iter().map(|s| s.doc.meta.clone()).collect());
            self.index.set(metas);
        }
        if !gone.is_empty() {
            notices.push(format!("deleted {} document(s)", gone.len()));
            if self
                .current
                .get_untracked()
                .is_some_and(|c| gone.contains(&c))
            {
                let first = self
                    .index
                    .with_untracked(|i| i.first().map(|m| m.id.clone()));
                self.selected.set(None);
                self.pending.set(None);
                self.current.set(first.clone());
                if first.is_none() {
                    self.screen.set(Screen::Welcome);
                }
            }
        }
        if !notices.is_empty() {
            self.alert(
                AlertKind::Info,
                format!("Another tab {}.", notices.join("; ")),
            );
        }
    }

    /// Replace a document's text with a cleaned-up version (boilerplate lines dropped).
    /// Allowed only before the first annotation, because annotations anchor on the text.
    /// The document gets the id of its new text, so duplicates are still recognised.
    pub fn replace_text(&self, id: &str, text: String) -> Result<(), String> {
        if let Some(StorageTrouble::ReadOnly(why)) = self.trouble.get_untracked() {
            return Err(why);
        }
        if text.trim().is_empty() {
            return Err("The clean-up would leave no text; keep at least one line.".into());
        }
        let Some((unannotated, old)) = self.with_doc(id, |slot| {
            (slot.doc.annotations.is_empty(), slot.doc.meta.clone())
        }) else {
            return Err("That document is no longer in the corpus.".into());
        };
        if !unannotated {
            return Err(
                "Clean-up is allowed only before the first annotation, because \
                        annotations anchor on the text. Remove the annotations first."
                    .into(),
            );
        }
        let mut doc = Document::new(&old.title, &text);
        if doc.meta.id == old.id {
            return Ok(());
        }
        let duplicate = self
            .corpus
            .with_value(|c| c.iter().any(|s| s.doc.meta.sha256 == doc.meta.sha256));
        if duplicate {
            return Err("The cleaned text is already in the corpus as another document.".into());
        }
        doc.meta.url = old.url.clone();
        doc.meta.date = old.date.clone();
        doc.meta.metadata = old.metadata.clone();
        doc.meta.status = old.status;
        let all: Vec<DocumentMeta> = self.index.with_untracked(|i| {
            i.iter()
                .map(|m| {
                    if m.id == old.id {
                        doc.meta.clone()
                    } else {
                        m.clone()
                    }
                })
                .collect()
        });
        if self.has_store() {
            self.storing(|s| {
                s.add_documents(&all, std::slice::from_ref(&doc))?;
                s.remove_documents(&all, std::slice::from_ref(&old.id))
            })
            .map_err(|e| e.to_string())?;
            self.index_dirty.set_value(false);
        }
        let new_id = doc.meta.id.clone();
        self.corpus.update_value(|c| {
            if let Some(slot) = c.iter_mut().find(|s| s.doc.meta.id == old.id) {
                *slot = DocSlot::new(doc, &self.tab.get_value(), Lineage::default());
            }
        });
        self.index.set(all);
        if self.current.get_untracked().as_deref() == Some(old.id.as_str()) {
            self.open(new_id);
        }
        self.version.update(|v| *v += 1);
        Ok(())
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
        let mention = Mention::new(id.clone(), kind.to_owned(), vec![span], String::new());
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
        let annotator = self.annotator.get_untracked();
        let Some((title, json)) = self.with_current(|slot| {
            (
                slot.doc.meta.title.clone(),
                loupe::to_json(std::slice::from_ref(&slot.doc), &annotator),
            )
        }) else {
            self.alert(AlertKind::Info, "Open a document to export it.");
            return;
        };
        self.download(&format!("{title}.loupe.json"), &json);
    }

    /// Download the whole corpus, as it is in memory, as one loupe/1 file: the way out
    /// when storage cannot hold it.
    pub fn export_all(&self) {
        let annotator = self.annotator.get_untracked();
        let json = self.corpus.with_value(|c| {
            let docs: Vec<Document> = c.iter().map(|s| s.doc.clone()).collect();
            loupe::to_json(&docs, &annotator)
        });
        self.download("loupe-corpus.loupe.json", &json);
    }

    fn download(&self, name: &str, json: &str) {
        if let Err(e) = download_text(name, "application/json", json) {
            self.alert(AlertKind::Error, format!("The export failed: {e:?}"));
        }
    }

    /// What storage holds, for the usage meter; `None` without storage.
    pub fn usage(&self) -> Option<Usage> {
        self.storing(|s| s.usage()).ok()
    }

    /// Download every done document in one file, then delete them to free space. The
    /// deletion can be undone like any other.
    pub fn export_and_remove_done(&self) {
        let done: Vec<Id> = self.index.with_untracked(|i| {
            i.iter()
                .filter(|m| m.status == Status::Done)
                .map(|m| m.id.clone())
                .collect()
        });
        if done.is_empty() {
            self.alert(AlertKind::Info, "No document is marked done yet.");
            return;
        }
        let annotator = self.annotator.get_untracked();
        let json = self.corpus.with_value(|c| {
            let docs: Vec<Document> = c
                .iter()
                .filter(|s| done.contains(&s.doc.meta.id))
                .map(|s| s.doc.clone())
                .collect();
            loupe::to_json(&docs, &annotator)
        });
        if let Err(e) = download_text("loupe-done.loupe.json", "application/json", &json) {
            self.alert(
                AlertKind::Error,
                format!("The export failed, so nothing was removed: {e:?}"),
            );
            return;
        }
        self.delete(&done);
    }

    /// Annotation counts by document id, for the navigator.
    pub fn counts(&self) -> BTreeMap<Id, usize> {
        self.corpus.with_value(|c| {
            c.iter()
                .map(|s| (s.doc.meta.id.clone(), s.doc.annotations.count()))
                .collect()
        })
    }
}

fn unavailable(e: &StoreError) -> StorageTrouble {
    let why = match e {
        StoreError::Unavailable(why) => why.clone(),
        other => other.to_string(),
    };
    StorageTrouble::Unavailable(format!(
        "Browser storage is unavailable ({why}), so Loupe is working in memory only: nothing will \
         be kept when this tab closes. Export your work before you leave."
    ))
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// Save at once when the page is hidden or unloaded, and follow other tabs' writes. The
/// listeners are removed when the app unmounts.
pub fn install_save_triggers(ws: Workspace) {
    let hidden = window_event_listener_untyped("visibilitychange", move |_| {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
        if hidden {
            ws.flush();
        }
    });
    let pagehide = window_event_listener_untyped("pagehide", move |_| {
        ws.flush();
    });
    let storage = window_event_listener(leptos::ev::storage, move |e| {
        if let Some(key) = e.key() {
            ws.on_storage_changed(&key);
        }
    });
    let down = window_event_listener(leptos::ev::mousedown, move |_| {
        ws.pointer_down.set_value(Some(js_sys::Date::now()));
    });
    let up = window_event_listener(leptos::ev::mouseup, move |_| {
        ws.pointer_down.set_value(None);
        let keys = ws
            .deferred
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if !keys.is_empty() {
            // After this event's own handlers have turned the drag into a selection.
            wasm_bindgen_futures::spawn_local(async move {
                gloo::timers::future::TimeoutFuture::new(0).await;
                for key in keys {
                    ws.on_storage_changed(&key);
                }
            });
        }
    });
    // Leaving with edits that storage refused would lose them: ask first.
    let leaving = window_event_listener(leptos::ev::beforeunload, move |e| {
        let in_memory_only = matches!(
            ws.trouble.get_untracked(),
            Some(StorageTrouble::Unavailable(_))
        ) && ws.index.with_untracked(|i| !i.is_empty());
        if !ws.flush() && (ws.has_unsaved() || in_memory_only) {
            e.prevent_default();
            e.set_return_value("Some edits are not saved. Export them before leaving.");
        }
    });
    on_cleanup(move || {
        hidden.remove();
        pagehide.remove();
        storage.remove();
        leaving.remove();
        down.remove();
        up.remove();
    });
}
