//! The reactive shell over the application layer ([`crate::core::workspace`]). It keeps the
//! core's workspace, runs its actions, and mirrors what an [`Outcome`] says changed into
//! narrow contexts, each with read-only signals and action methods:
//! [`Alerts`], [`Selection`], [`SchemaView`] and [`CorpusView`]. No component writes
//! another's state: they call actions.
//!
//! A change to one document bumps only that document's revision ([`CorpusView::open_rev`]
//! when it is the open one, its count otherwise), so an edit elsewhere never repaints the
//! open article.
//!
//! Saving: an edit changes memory at once and marks its document dirty in the core; the
//! dirty annotations are written right after the next paint, at most [`SAVE_DELAY_MS`]
//! after the edit, and at once when the page is hidden or unloaded. A refused write (a
//! full quota) leaves the last good stored copy in place, keeps the edits in memory, raises
//! the storage banner, and is retried on the next edit or by the banner's Retry button.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::signal::Owned;

use crate::browser::files::read_documents;
use crate::browser::local_storage::LocalStorage as BrowserStorage;
use crate::browser::ports::{BrowserClock, BrowserDownloads, BrowserEntropy};
use crate::core::edit::Edit;
use crate::core::layout::RedrawLog;
use crate::core::model::{Document, DocumentMeta, Id, Span, Status};
use crate::core::ports::{tab_id, Clock, Download, Downloads};
use crate::core::schema::Schema;
use crate::core::session::Deferral;
use crate::core::storage::{KeyValueStore, StoreError, Usage};
use crate::core::workspace::{Applied, DocSlot, Notice, Outcome, Refusal};

pub use crate::core::workspace::{SaveStatus, Trouble as StorageTrouble};

/// The longest a save waits after an edit: it runs right after the next paint (see
/// [`crate::browser::paint`]), so a tab torn down without unload events keeps every edit
/// but those of its last frame.
pub const SAVE_DELAY_MS: u32 = crate::browser::paint::LATEST_MS;

/// Imports of more files than this show a progress bar.
const PROGRESS_AFTER_FILES: usize = 3;

/// The application layer's workspace, over the browser's store.
pub type CoreWorkspace = crate::core::workspace::Workspace<Rc<dyn KeyValueStore>>;
type Core = CoreWorkspace;

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

/// The result of one import, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub duplicates: Vec<String>,
    /// "file: reason" for every rejected file.
    pub rejected: Vec<String>,
}

/// The messages on screen.
#[derive(Clone, Copy)]
pub struct Alerts {
    list: Owned<Vec<Alert>>,
    next: StoredValue<u64>,
}

impl Alerts {
    fn new() -> Self {
        Self {
            list: Owned::new(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    pub fn list(&self) -> ReadSignal<Vec<Alert>> {
        self.list.read_only()
    }

    pub fn push(&self, kind: AlertKind, message: impl Into<String>) {
        let message = message.into();
        // A message already on screen is not stacked again: repeated notices would only
        // cover the article.
        if self
            .list
            .with_untracked(|a| a.iter().any(|x| x.message == message))
        {
            return;
        }
        let Some(id) = self.next.try_get_value() else {
            return;
        };
        self.next.set_value(id + 1);
        self.list.update(|a| a.push(Alert { id, kind, message }));
    }

    pub fn info(&self, message: impl Into<String>) {
        self.push(AlertKind::Info, message);
    }

    pub fn error(&self, message: impl Into<String>) {
        self.push(AlertKind::Error, message);
    }

    pub fn notice(&self, notice: &Notice) {
        let kind = if notice.is_error() {
            AlertKind::Error
        } else {
            AlertKind::Info
        };
        self.push(kind, notice.to_string());
    }

    pub fn refused(&self, why: &Refusal) {
        self.error(why.to_string());
    }

    pub fn dismiss(&self, id: u64) {
        self.list.try_update(|a| a.retain(|x| x.id != id));
    }
}

/// The selected annotation, and the snapped text selection waiting for a type.
#[derive(Clone, Copy)]
pub struct Selection {
    selected: Owned<Option<Id>>,
    pending: Owned<Option<Span>>,
}

impl Selection {
    fn new() -> Self {
        Self {
            selected: Owned::new(None),
            pending: Owned::new(None),
        }
    }

    pub fn selected(&self) -> ReadSignal<Option<Id>> {
        self.selected.read_only()
    }

    pub fn pending(&self) -> ReadSignal<Option<Span>> {
        self.pending.read_only()
    }

    /// Select an annotation; a text selection waiting for a type is dropped.
    pub fn select(&self, id: Id) {
        self.pending.set(None);
        self.selected.set(Some(id));
    }

    pub fn deselect(&self) {
        self.selected.set(None);
    }

    /// Make `span` the text waiting for a type, instead of a selected annotation.
    pub fn pend(&self, span: Span) {
        self.selected.set(None);
        self.pending.set(Some(span));
    }

    /// Set (or drop) the text waiting for a type, keeping the selected annotation (a
    /// Shift+drag adds a fragment to it).
    pub fn set_pending(&self, span: Option<Span>) {
        self.pending.set(span);
    }

    pub fn clear(&self) {
        self.selected.set(None);
        self.pending.set(None);
    }
}

/// The workspace schema, and one offered by imported files.
#[derive(Clone, Copy)]
pub struct SchemaView {
    schema: Owned<Arc<Schema>>,
    offer: Owned<Option<(Schema, String)>>,
}

impl SchemaView {
    /// The schema, as a reactive value: every view that reads it follows a switch.
    pub fn current(&self) -> ReadSignal<Arc<Schema>> {
        self.schema.read_only()
    }

    /// A schema that came with imported files: (schema, where it came from).
    pub fn offer(&self) -> ReadSignal<Option<(Schema, String)>> {
        self.offer.read_only()
    }

    pub fn dismiss_offer(&self) {
        self.offer.set(None);
    }
}

/// The corpus as the views see it.
#[derive(Clone, Copy)]
pub struct CorpusView {
    index: Owned<Vec<DocumentMeta>>,
    current: Owned<Option<Id>>,
    /// Bumped when the open document's annotations change (and only then).
    open_rev: Owned<u64>,
    /// Bumped when the open document's drawn spans may have changed: not after an edit
    /// that kept them (an argument, a relation), so the article is not cut up again.
    spans_rev: Owned<u64>,
    /// Bumped when the open document's arcs may have changed: not after a tag.
    arcs_rev: Owned<u64>,
    /// Where each recent bump of `spans_rev` redrew, so the article redraws only those
    /// paragraphs (see [`Self::redrawn_since`]).
    redraws: StoredValue<RedrawLog>,
    /// Bumped when any document's annotations change: for views of the whole corpus.
    corpus_rev: Owned<u64>,
    counts: Owned<BTreeMap<Id, usize>>,
    deleted: Owned<usize>,
    screen: Owned<Screen>,
}

impl CorpusView {
    /// The document list as the navigator shows it.
    pub fn index(&self) -> ReadSignal<Vec<DocumentMeta>> {
        self.index.read_only()
    }
    pub fn current(&self) -> ReadSignal<Option<Id>> {
        self.current.read_only()
    }
    pub fn open_rev(&self) -> ReadSignal<u64> {
        self.open_rev.read_only()
    }
    pub fn spans_rev(&self) -> ReadSignal<u64> {
        self.spans_rev.read_only()
    }
    pub fn arcs_rev(&self) -> ReadSignal<u64> {
        self.arcs_rev.read_only()
    }
    /// Where the drawn spans may have changed since `spans_rev` was `rev`: `None` when
    /// anywhere, or when that is too long ago to know.
    pub fn redrawn_since(&self, rev: u64) -> Option<Vec<Span>> {
        let now = self.spans_rev.get_untracked();
        self.redraws
            .try_with_value(|log| log.since(rev, now))
            .flatten()
    }
    pub fn corpus_rev(&self) -> ReadSignal<u64> {
        self.corpus_rev.read_only()
    }
    /// Annotation counts by document id.
    pub fn counts(&self) -> ReadSignal<BTreeMap<Id, usize>> {
        self.counts.read_only()
    }
    /// How many documents the last deletion removed (0: nothing to undo).
    pub fn deleted(&self) -> ReadSignal<usize> {
        self.deleted.read_only()
    }
    pub fn screen(&self) -> ReadSignal<Screen> {
        self.screen.read_only()
    }
}

/// What the contexts mirror of the core after an outcome: only what it says changed is
/// read (a count per changed document, the list when the list changed).
struct Mirror {
    current: Option<Id>,
    metas: Option<Vec<DocumentMeta>>,
    counts: Vec<(Id, usize)>,
    schema: Option<Arc<Schema>>,
    trouble: Option<StorageTrouble>,
    status: SaveStatus,
    deleted: usize,
}

impl Mirror {
    fn of(c: &Core, out: &Outcome) -> Self {
        let count = |s: &DocSlot| (s.doc.meta.id.clone(), s.doc.annotations.count());
        let counts = if out.list {
            c.slots().iter().map(count).collect()
        } else {
            out.changed
                .iter()
                .filter_map(|id| c.slot(id))
                .map(count)
                .collect()
        };
        Self {
            current: c.open_id().cloned(),
            metas: out.list.then(|| c.metas()),
            counts,
            schema: out.schema.then(|| Arc::new(c.schema().clone())),
            trouble: c.trouble().cloned(),
            status: c.save_status(),
            deleted: c.deleted(),
        }
    }
}

/// The workspace: the core's corpus behind the contexts above, and every action on it.
#[derive(Clone, Copy)]
pub struct Workspace {
    core: StoredValue<Core, LocalStorage>,
    pub alerts: Alerts,
    pub selection: Selection,
    pub schema: SchemaView,
    pub corpus: CorpusView,
    save_status: Owned<SaveStatus>,
    trouble: Owned<Option<StorageTrouble>>,
    /// The annotator's name or id, written into every export.
    annotator: Owned<String>,
    /// Files done and total, while an import of many files runs.
    importing: Owned<Option<(usize, usize)>>,
    import_report: Owned<Option<ImportReport>>,
    /// Bumped by every flush; reading it tells whether the app is still there.
    save_generation: StoredValue<u64>,
    deferral: StoredValue<Deferral>,
}

impl Workspace {
    /// A workspace over the browser's localStorage; when that cannot be opened, over
    /// nothing, in memory.
    pub fn new() -> Self {
        Self::over(BrowserStorage::open().map(|s| Rc::new(s) as Rc<dyn KeyValueStore>))
    }

    /// A workspace over any store: tests hand in one that injects faults.
    pub fn over(store: Result<Rc<dyn KeyValueStore>, StoreError>) -> Self {
        let mut core = Core::new(store, tab_id(&BrowserEntropy));
        core.set_clock(Rc::new(BrowserClock));
        Self {
            save_status: Owned::new(core.save_status()),
            trouble: Owned::new(core.trouble().cloned()),
            schema: SchemaView {
                schema: Owned::new(Arc::new(core.schema().clone())),
                offer: Owned::new(None),
            },
            core: StoredValue::new_local(core),
            alerts: Alerts::new(),
            selection: Selection::new(),
            corpus: CorpusView {
                index: Owned::new(Vec::new()),
                current: Owned::new(None),
                open_rev: Owned::new(0),
                spans_rev: Owned::new(0),
                arcs_rev: Owned::new(0),
                redraws: StoredValue::new(RedrawLog::default()),
                corpus_rev: Owned::new(0),
                counts: Owned::new(BTreeMap::new()),
                deleted: Owned::new(0),
                screen: Owned::new(Screen::Welcome),
            },
            annotator: Owned::new(String::new()),
            importing: Owned::new(None),
            import_report: Owned::new(None),
            save_generation: StoredValue::new(0),
            deferral: StoredValue::new(Deferral::default()),
        }
    }

    // --- reading -----------------------------------------------------------------------

    /// Read the core's workspace. `f` must not call back into this workspace's actions.
    pub fn with_core<R>(&self, f: impl FnOnce(&Core) -> R) -> Option<R> {
        self.core.try_with_value(f)
    }

    /// Read the open document's slot (not tracked: track `corpus.open_rev()` to follow it).
    pub fn with_open<R>(&self, f: impl FnOnce(&DocSlot) -> R) -> Option<R> {
        self.with_core(|c| c.open_slot().map(f)).flatten()
    }

    /// The current schema, untracked.
    pub fn schema_now(&self) -> Arc<Schema> {
        self.schema.schema.get_untracked()
    }

    pub fn save_status(&self) -> ReadSignal<SaveStatus> {
        self.save_status.read_only()
    }
    pub fn trouble(&self) -> ReadSignal<Option<StorageTrouble>> {
        self.trouble.read_only()
    }
    pub fn annotator(&self) -> ReadSignal<String> {
        self.annotator.read_only()
    }
    pub fn importing(&self) -> ReadSignal<Option<(usize, usize)>> {
        self.importing.read_only()
    }
    pub fn import_report(&self) -> ReadSignal<Option<ImportReport>> {
        self.import_report.read_only()
    }
    pub fn dismiss_import_report(&self) {
        self.import_report.set(None);
    }

    pub fn has_unsaved(&self) -> bool {
        self.with_core(Core::has_unsaved).unwrap_or(false)
    }

    /// Run `f` on the corpus store, or say there is none: the curated set is kept beside
    /// the corpus, through the same store and its read-only mode.
    pub(crate) fn storing<R>(
        &self,
        f: impl FnOnce(
            &crate::core::storage::CorpusStore<Rc<dyn KeyValueStore>>,
        ) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.with_core(|c| match c.store() {
            Some(s) => f(s),
            None => Err(StoreError::Unavailable("no storage".into())),
        })
        .unwrap_or_else(|| Err(StoreError::Unavailable("the app has closed".into())))
    }

    /// What storage holds, for the usage meter; `None` without storage.
    pub fn usage(&self) -> Option<Usage> {
        self.with_core(Core::usage).flatten()
    }

    // --- running actions ---------------------------------------------------------------

    /// Run an action of the core and show what it did.
    pub(super) fn act(&self, f: impl FnOnce(&mut Core) -> Outcome) {
        if let Some(out) = self.core.try_update_value(f) {
            self.show(out);
        }
    }

    /// Run an action that may be refused: a refusal is shown, and gives `None`.
    fn attempt<T>(&self, f: impl FnOnce(&mut Core) -> Result<T, Refusal>) -> Option<T> {
        match self.core.try_update_value(f)? {
            Ok(value) => Some(value),
            Err(why) => {
                self.alerts.refused(&why);
                None
            }
        }
    }

    /// [`Self::attempt`] for actions that give an outcome; returns whether it was taken.
    fn attempt_outcome(&self, f: impl FnOnce(&mut Core) -> Result<Outcome, Refusal>) -> bool {
        match self.attempt(f) {
            Some(out) => {
                self.show(out);
                true
            }
            None => false,
        }
    }

    /// Mirror what an outcome says changed into the contexts.
    pub(super) fn show(&self, out: Outcome) {
        let Some(Mirror {
            current,
            metas,
            counts,
            schema,
            trouble,
            status,
            deleted,
        }) = self.with_core(|c| Mirror::of(c, &out))
        else {
            return;
        };
        if out.opened && self.corpus.current.get_untracked() != current {
            self.selection.clear();
            self.set_screen(match current {
                Some(_) => Screen::Annotate,
                None => Screen::Welcome,
            });
            self.corpus.current.set(current.clone());
        }
        if let Some(metas) = metas {
            self.corpus.index.set(metas);
        }
        if out.list || !counts.is_empty() {
            let whole = out.list;
            self.corpus.counts.update(|c| {
                if whole {
                    c.clear();
                }
                c.extend(counts);
            });
        }
        if !out.changed.is_empty() {
            self.corpus.corpus_rev.update(|r| *r += 1);
            if let Some(id) = current.as_ref().filter(|id| out.changed.contains(*id)) {
                self.corpus.open_rev.update(|r| *r += 1);
                if !out.kept_spans.contains(id) {
                    self.corpus.spans_rev.update(|r| *r += 1);
                    let rev = self.corpus.spans_rev.get_untracked();
                    let places = out.redraw.get(id).cloned();
                    self.corpus
                        .redraws
                        .update_value(|log| log.push(rev, places));
                }
                if !out.kept_arcs.contains(id) {
                    self.corpus.arcs_rev.update(|r| *r += 1);
                }
            }
        }
        if let Some(schema) = schema {
            self.schema.schema.set(schema);
        }
        if self.trouble.get_untracked() != trouble {
            self.trouble.set(trouble);
        }
        if self.save_status.get_untracked() != status {
            self.save_status.set(status);
        }
        if self.corpus.deleted.get_untracked() != deleted {
            self.corpus.deleted.set(deleted);
        }
        for notice in &out.notices {
            self.alerts.notice(notice);
        }
        if out.save {
            self.schedule_save();
        }
    }

    // --- the corpus ----------------------------------------------------------------------

    /// Load the corpus saved in localStorage. Damage is reported, never silently dropped;
    /// storage that cannot be read leaves an empty workspace that works in memory.
    pub fn load(&self) {
        self.act(|c| c.load());
        if let Some(name) = self.with_core(|c| c.annotator().to_owned()) {
            self.annotator.set(name);
        }
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
        self.act(|c| c.add_and_open(docs));
    }

    /// Apply imported documents (see [`Core::apply_import`]). The error is the reason and
    /// the problems behind it.
    pub fn apply_import(
        &self,
        documents: Vec<Document>,
        strict: bool,
    ) -> Result<Applied, (String, Vec<String>)> {
        let result = self
            .core
            .try_update_value(|c| c.apply_import(documents, strict))
            .ok_or_else(|| ("the app has closed".to_owned(), Vec::new()))?;
        match result {
            Ok((applied, out)) => {
                self.show(out);
                Ok(applied)
            }
            Err(Refusal::StrictImport { problems }) => {
                let why = Refusal::StrictImport {
                    problems: problems.clone(),
                };
                Err((why.to_string(), problems))
            }
            Err(why) => Err((why.to_string(), Vec::new())),
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
                Ok(docs) => match self.core.try_update_value(|c| c.add_documents(docs)) {
                    Some(Ok((added, out))) => {
                        self.show(out);
                        report.added += added.ids.len();
                        first = first.or(added.ids.into_iter().next());
                        report.duplicates.extend(
                            added
                                .duplicates
                                .into_iter()
                                .map(|t| format!("{name}: “{t}”")),
                        );
                    }
                    Some(Err(why)) => report.rejected.push(format!("{name}: not added, {why}")),
                    None => return,
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

    /// Set the progress and the summary of an import that runs outside
    /// [`Self::import_files`] (archives).
    pub fn set_importing(&self, progress: Option<(usize, usize)>) {
        self.importing.set(progress);
    }
    pub fn set_import_report(&self, report: Option<ImportReport>) {
        self.import_report.set(report);
    }

    pub fn open(&self, id: Id) {
        self.act(|c| c.open(id));
        self.back_to_documents();
    }

    /// The document `delta` places away from the open one in `order`.
    pub fn open_neighbour(&self, order: &[Id], delta: isize) {
        if let Some(id) = self.with_core(|c| c.neighbour(order, delta)).flatten() {
            self.open(id);
        }
    }

    /// Show the welcome screen, to add articles.
    pub fn show_welcome(&self) {
        self.set_screen(Screen::Welcome);
    }

    /// Switch screens; the same screen again is no change (a switch rebuilds the panes).
    fn set_screen(&self, screen: Screen) {
        if self.corpus.screen.get_untracked() != screen {
            self.corpus.screen.set(screen);
        }
    }

    /// Back from the welcome screen to the open document (the first one when none is
    /// open); with no documents, the welcome screen stays.
    pub fn back_to_documents(&self) {
        if self.corpus.current.get_untracked().is_none() {
            let first = self
                .corpus
                .index
                .with_untracked(|i| i.first().map(|m| m.id.clone()));
            if let Some(first) = first {
                self.act(|c| c.open(first));
            }
        }
        if self.corpus.current.get_untracked().is_some() {
            self.set_screen(Screen::Annotate);
        }
    }

    // --- editing -------------------------------------------------------------------------

    /// Apply an edit to the open document; a refusal is shown. Returns whether it applied.
    pub fn edit(&self, edit: Edit) -> bool {
        self.attempt_outcome(|c| c.edit(edit))
    }

    /// Apply an edit to any document, open or not, as one step of its own undo history.
    pub fn edit_doc(&self, id: &str, edit: Edit) -> bool {
        self.attempt_outcome(|c| c.edit_doc(id, edit))
    }

    /// Run an annotation action of the core on the open document; a refusal is shown.
    pub(super) fn annotate<T>(&self, f: impl FnOnce(&mut Core) -> Result<T, Refusal>) -> Option<T> {
        self.attempt(f)
    }

    /// Undo: the last corpus-wide step while nothing was edited since, otherwise the
    /// open document's last step.
    pub fn undo(&self) {
        self.undo_or_redo(true);
    }

    pub fn redo(&self) {
        self.undo_or_redo(false);
    }

    fn undo_or_redo(&self, undo: bool) {
        let Some(out) = self
            .core
            .try_update_value(|c| if undo { c.undo() } else { c.redo() })
        else {
            return;
        };
        if !out.changed.is_empty() {
            self.selection.deselect();
        }
        self.show(out);
    }

    // --- the schema ----------------------------------------------------------------------

    /// Make `schema` the workspace schema and store it; a refusal is shown. Annotations
    /// are never touched: those whose types it lacks stay, and the validator flags them.
    pub fn set_schema(&self, schema: Schema) -> bool {
        self.attempt_outcome(|c| c.set_schema(schema))
    }

    /// Offer a schema that came with imported files; the schema control asks the user.
    pub fn offer_schema(&self, schema: Schema, source: &str) {
        if *self.schema_now() != schema {
            self.schema.offer.set(Some((schema, source.to_owned())));
        }
    }

    // --- saving --------------------------------------------------------------------------

    /// Save right after the next paint, at most [`SAVE_DELAY_MS`] after the change; the
    /// changes made before that paint are saved together.
    pub fn schedule_save(&self) {
        if self.save_generation.try_get_value().is_none() {
            return; // the app is gone
        }
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

    /// Write everything dirty now. Returns whether all of it reached storage.
    pub fn flush(&self) -> bool {
        let Some(generation) = self.save_generation.try_get_value() else {
            return false; // the app is gone
        };
        self.save_generation.set_value(generation + 1);
        let Some((saved, out)) = self.core.try_update_value(Core::flush) else {
            return false;
        };
        self.show(out);
        saved
    }

    /// The banner's Retry: save now, and say so if storage is still full.
    pub fn retry_save(&self) {
        self.act(Core::retry_save);
    }

    // --- metadata --------------------------------------------------------------------------

    pub fn set_annotator(&self, name: String) {
        self.act(|c| c.set_annotator(&name));
        if let Some(name) = self.with_core(|c| c.annotator().to_owned()) {
            self.annotator.set(name);
        }
    }

    pub fn set_status(&self, id: &str, status: Status) {
        self.act(|c| c.set_status(id, status));
    }

    /// Mark the document done, or take the mark back.
    pub fn toggle_done(&self, id: &str) {
        self.act(|c| c.toggle_done(id));
    }

    /// Rename a document; a blank title is refused, and said so. Returns whether renamed.
    pub fn rename(&self, id: &str, title: &str) -> bool {
        self.attempt_outcome(|c| c.rename(id, title))
    }

    /// Replace a document's text with a cleaned-up version; see [`Core::replace_text`].
    pub fn replace_text(&self, id: &str, text: &str) -> Result<(), Refusal> {
        let result = self
            .core
            .try_update_value(|c| c.replace_text(id, text))
            .unwrap_or(Err(Refusal::NoSuchDocument))?;
        self.show(result);
        Ok(())
    }

    /// Delete documents from memory and storage, keeping them for one undo.
    pub fn delete(&self, ids: &[Id]) {
        self.act(|c| c.delete(ids));
    }

    /// Put the last deleted documents back where they were, annotations and all.
    pub fn undo_delete(&self) {
        self.act(Core::undo_delete);
        self.back_to_documents();
    }

    // --- other tabs ----------------------------------------------------------------------

    /// Another tab wrote `key`. While a selection is being dragged the change waits for
    /// the release, so a repaint never pulls the text out from under it.
    pub fn on_storage_changed(&self, key: &str) {
        let now = BrowserClock.now_ms();
        let held = self
            .deferral
            .try_update_value(|d| d.hold(key, now))
            .unwrap_or(true);
        if !held {
            self.act(|c| c.on_storage_changed(key));
        }
    }

    /// A key or a pointer press: active annotation time while a document is open.
    pub fn interact(&self) {
        if self.corpus.screen().get_untracked() == Screen::Annotate {
            self.act(Core::interact);
        }
    }

    fn pointer_down(&self) {
        self.interact();
        let now = BrowserClock.now_ms();
        self.deferral.try_update_value(|d| d.press(now));
    }

    fn pointer_up(&self) -> Vec<String> {
        self.deferral
            .try_update_value(Deferral::release)
            .unwrap_or_default()
    }

    // --- exporting -----------------------------------------------------------------------

    fn download(&self, file: &Download) -> bool {
        match BrowserDownloads.download(file) {
            Ok(()) => true,
            Err(e) => {
                self.alerts.error(format!("The export failed: {e}"));
                false
            }
        }
    }

    /// Download the open document as a loupe/1 JSON file.
    pub fn export_current(&self) {
        match self.with_core(Core::export_open) {
            Some(Ok(file)) => {
                self.download(&file);
            }
            Some(Err(Refusal::NothingOpen)) => self.alerts.info("Open a document to export it."),
            Some(Err(why)) => self.alerts.refused(&why),
            None => {}
        }
    }

    /// Download the whole corpus, as it is in memory, as one loupe/1 file: the way out
    /// when storage cannot hold it.
    pub fn export_all(&self) {
        if let Some(file) = self.with_core(Core::export_all) {
            self.download(&file);
        }
    }

    /// Download every done document in one file, then delete them to free space. The
    /// deletion can be undone like any other.
    pub fn export_and_remove_done(&self) {
        match self.with_core(Core::export_done) {
            Some(Ok((file, ids))) if self.download(&file) => self.delete(&ids),
            Some(Ok(_)) => {}
            Some(Err(why)) => self.alerts.info(why.to_string()),
            None => {}
        }
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// Give every narrow context of `ws` to the components below.
pub fn provide_contexts(ws: Workspace) {
    provide_context(ws);
    provide_context(ws.alerts);
    provide_context(ws.selection);
    provide_context(ws.schema);
    provide_context(ws.corpus);
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
    let down = window_event_listener(leptos::ev::mousedown, move |_| ws.pointer_down());
    let up = window_event_listener(leptos::ev::mouseup, move |_| {
        let keys = ws.pointer_up();
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
            ws.trouble.try_get_untracked().flatten(),
            Some(StorageTrouble::Unavailable(_))
        ) && ws
            .corpus
            .index
            .try_with_untracked(|i| !i.is_empty())
            .unwrap_or(false);
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
