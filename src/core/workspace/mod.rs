//! The application layer: the corpus and its open document, and every action on them.
//! It decides what an edit does to the corpus, when a document counts as started, what
//! clean-up, tag-all and the corpus-wide undo step do, how an import is applied, what is
//! waiting to be saved, and what another tab's write means here.
//!
//! It is pure: the store is a [`KeyValueStore`] port and no function here touches the
//! browser, so `cargo test` covers it with [`crate::core::storage::MemoryStore`]. Every
//! action returns an [`Outcome`]: which documents changed (the UI repaints those only),
//! whether the document list or the schema changed, and typed [`Notice`]s for the user.
//!
//! Saving: an edit changes memory at once and marks its document dirty; [`Workspace::flush`]
//! writes what is dirty (the UI calls it a short delay after the last edit, and when the
//! page is hidden). A refused write (a full quota) leaves the last good stored copy in
//! place and keeps the edits in memory, to be retried.

mod annotate;
mod follow;
mod messages;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use crate::core::edit::{Edit, EditError, History};
use crate::core::format::loupe;
use crate::core::format::merge::plan_import;
use crate::core::layout::DrawnBefore;
use crate::core::model::{Document, DocumentMeta, Id, Span, Status};
use crate::core::offsets::OffsetIndex;
use crate::core::ports::{Clock, Download};
use crate::core::schema::Schema;
use crate::core::storage::{CorpusStore, KeyValueStore, StoreError, Usage};
use crate::core::sync::{DocSync, Lineage};
use crate::core::timing::{stamp_affected, ActiveClock};

/// Active time is saved with the next edit, or once this much of it is unsaved, so
/// reading without editing does not write storage on every key.
pub const ACTIVE_SAVE_MS: u64 = 30_000;

pub use annotate::{
    event_position, kind_of, mention_position, parse_normalization, CorpusStep, Created, Kind,
    TagAll,
};
pub use messages::{Notice, Refusal, Trouble};

/// One document with its undo history and what this tab knows of its stored value, the
/// base for merging edits made in another tab.
#[derive(Clone)]
pub struct DocSlot {
    pub doc: Document,
    pub history: History,
    pub sync: DocSync,
    /// The text's offset index, built on the first use and kept: a slot's text never
    /// changes, and indexing a 1 MB article took a third of a tag keypress.
    pub index: OnceLock<OffsetIndex>,
}

impl DocSlot {
    pub fn new(doc: Document, tab: &Arc<str>, lineage: Lineage) -> Self {
        Self {
            sync: DocSync::new(tab.clone(), doc.annotations.clone(), lineage),
            doc,
            history: History::default(),
            index: OnceLock::new(),
        }
    }

    /// The document with its text's offset index, built on first use and then kept.
    pub fn indexed(&self) -> (&Document, &OffsetIndex) {
        let index = self.index.get_or_init(|| OffsetIndex::new(&self.doc.text));
        (&self.doc, index)
    }

    /// Apply an edit as one step of this document's history, over its kept index.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        let Self {
            doc,
            history,
            index,
            ..
        } = self;
        history.apply_in(&mut doc.annotations, &doc.text, index, edit)
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
}

/// What an action did, for the UI to show. Empty when nothing changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Documents whose annotations changed: only their views are repainted.
    pub changed: BTreeSet<Id>,
    /// Those of `changed` whose change kept every drawn span ([`Edit::keeps_spans`]):
    /// their articles redraw arcs, not text.
    pub kept_spans: BTreeSet<Id>,
    /// Those of `changed` whose change kept every arc ([`Edit::keeps_arcs`]).
    pub kept_arcs: BTreeSet<Id>,
    /// Those of `changed` whose drawn spans changed only inside these text spans (see
    /// [`DrawnBefore`]): their articles redraw only the paragraphs there. A changed
    /// document without an entry (and not in `kept_spans`) may have changed anywhere.
    pub redraw: BTreeMap<Id, Vec<Span>>,
    /// The document list (membership, order, titles, statuses) changed.
    pub list: bool,
    /// Another document was opened (or none is open any more).
    pub opened: bool,
    pub schema: bool,
    /// The storage trouble (or the save status) changed.
    pub trouble: bool,
    /// Something new waits to be saved: the UI schedules [`Workspace::flush`].
    pub save: bool,
    /// What to tell the user, in order.
    pub notices: Vec<Notice>,
}

/// What a stamped step gave, and where it redrew (see [`DrawnBefore::within`]).
type Stamped<T> = (Result<T, EditError>, Option<Vec<Span>>);

/// What two outcomes together kept: kept by one of them, and changed otherwise by neither.
fn kept_by_both(a: &Outcome, b: &Outcome, kept: fn(&Outcome) -> &BTreeSet<Id>) -> BTreeSet<Id> {
    let moved = |o: &Outcome, id: &Id| o.changed.contains(id) && !kept(o).contains(id);
    kept(a)
        .union(kept(b))
        .filter(|id| !moved(a, id) && !moved(b, id))
        .cloned()
        .collect()
}

/// Where two outcomes together redrew: each document changed only in known places by
/// both (or kept by one of them) gets both lists of places.
fn redrawn_by_both(a: &Outcome, b: &Outcome) -> BTreeMap<Id, Vec<Span>> {
    let places = |o: &Outcome, id: &Id| -> Option<Vec<Span>> {
        if !o.changed.contains(id) || o.kept_spans.contains(id) {
            return Some(Vec::new());
        }
        o.redraw.get(id).cloned()
    };
    a.changed
        .union(&b.changed)
        .filter_map(|id| {
            let mut spans = places(a, id)?;
            spans.extend(places(b, id)?);
            Some((id.clone(), spans))
        })
        .collect()
}

impl Outcome {
    fn notice(notice: Notice) -> Self {
        Self {
            notices: vec![notice],
            ..Self::default()
        }
    }

    fn refused(why: Refusal) -> Self {
        Self::notice(Notice::Refused(why))
    }

    /// Both outcomes at once, `self`'s notices first.
    pub fn and(mut self, other: Outcome) -> Self {
        self.redraw = redrawn_by_both(&self, &other);
        self.kept_spans = kept_by_both(&self, &other, |o| &o.kept_spans);
        self.kept_arcs = kept_by_both(&self, &other, |o| &o.kept_arcs);
        self.changed.extend(other.changed);
        self.list |= other.list;
        self.opened |= other.opened;
        self.schema |= other.schema;
        self.trouble |= other.trouble;
        self.save |= other.save;
        self.notices.extend(other.notices);
        self
    }
}

/// What the save indicator shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveStatus {
    Saved,
    Saving,
    NotSaved,
}

/// The result of adding documents: the new ones' ids, and the titles of texts that were
/// already in the corpus and so were skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Added {
    pub ids: Vec<Id>,
    pub duplicates: Vec<String>,
}

/// What applying an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The documents added, in order.
    pub added: Vec<Id>,
    /// One line per document that got annotations merged into it.
    pub merged: Vec<String>,
    /// Annotations that could not be merged, each named.
    pub problems: Vec<String>,
}

/// The corpus with its open document, over an optional store.
pub struct Workspace<S> {
    store: Option<CorpusStore<S>>,
    trouble: Option<Trouble>,
    schema: Schema,
    annotator: String,
    corpus: Vec<DocSlot>,
    open: Option<Id>,
    tab: Arc<str>,
    /// Documents whose annotations changed since they were last stored.
    dirty: BTreeSet<Id>,
    index_dirty: bool,
    settings_dirty: bool,
    /// The documents deleted last, with their positions, for one undo.
    trash: Vec<(usize, DocSlot)>,
    corpus_step: Option<CorpusStep>,
    /// Bumped by every change to any document's annotations: a corpus step applies only
    /// while nothing changed after it.
    rev: u64,
    /// The wall clock (ms since the Unix epoch) that stamps edits and measures active
    /// time; without one (most tests) neither is recorded.
    clock: Option<Rc<dyn Clock>>,
    active: ActiveClock,
    unsaved_active_ms: u64,
}

impl<S: KeyValueStore> Workspace<S> {
    /// A workspace over `store`; without one (storage could not be opened) it works in
    /// memory and says so.
    pub fn new(store: Result<S, StoreError>, tab: Arc<str>) -> Self {
        let (store, trouble) = match store {
            Ok(s) => (Some(CorpusStore::new(s)), None),
            Err(e) => (None, Some(Trouble::unavailable(&e))),
        };
        Self {
            store,
            trouble,
            schema: Schema::ace2005(),
            annotator: String::new(),
            corpus: Vec::new(),
            open: None,
            tab,
            dirty: BTreeSet::new(),
            index_dirty: false,
            settings_dirty: false,
            trash: Vec::new(),
            corpus_step: None,
            rev: 0,
            clock: None,
            active: ActiveClock::default(),
            unsaved_active_ms: 0,
        }
    }

    /// Record timing from now on: edits are stamped with this clock's time and the
    /// annotator's name, and [`Workspace::interact`] measures active time.
    pub fn set_clock(&mut self, clock: Rc<dyn Clock>) {
        self.clock = Some(clock);
    }

    fn now_ms(&self) -> Option<u64> {
        self.clock.as_ref().map(|c| c.now_ms().max(0.0) as u64)
    }

    /// Apply `edit` to a document's slot as one step of its history, and stamp what it
    /// changed (see [`crate::core::timing::stamp_affected`]).
    /// Also gives where the drawn spans may have changed (see [`DrawnBefore::within`]).
    fn apply_stamped(&mut self, id: &str, edit: Edit) -> Option<Stamped<()>> {
        let drawn = DrawnBefore::read(&self.slot(id)?.doc.annotations, &edit);
        self.stamping(id, drawn, |slot| slot.apply(edit))
    }

    /// Undo (or redo) a document's last step, and stamp what it changed.
    fn step_stamped(&mut self, id: &str, undo: bool) -> Option<Stamped<bool>> {
        let slot = self.slot(id)?;
        let drawn = match slot.history.next(undo) {
            Some(edit) => DrawnBefore::read(&slot.doc.annotations, edit),
            None => DrawnBefore::nothing(&slot.doc.annotations),
        };
        self.stamping(id, drawn, |slot| slot.undo_or_redo(undo))
    }

    /// Run `f` on a document's slot, then stamp what it changed among what the edit may
    /// affect (when edits are stamped at all): only those annotations are copied before
    /// and compared after.
    fn stamping<R>(
        &mut self,
        id: &str,
        drawn: DrawnBefore,
        f: impl FnOnce(&mut DocSlot) -> R,
    ) -> Option<(R, Option<Vec<Span>>)> {
        let now = self.now_ms();
        let annotator = self.annotator.clone();
        let slot = self.slot_mut(id)?;
        let before = now.map(|_| slot.doc.annotations.subset(drawn.ids()));
        let out = f(slot);
        if let (Some(now), Some(before)) = (now, before) {
            stamp_affected(
                &before,
                &mut slot.doc.annotations,
                drawn.ids(),
                now,
                &annotator,
            );
        }
        let redraw = drawn.within(&slot.doc.annotations);
        Some((out, redraw))
    }

    /// The user pressed a key or a pointer on the open document: count active time
    /// (see [`crate::core::timing`]). It is saved with the next edit, or after
    /// [`ACTIVE_SAVE_MS`] of it.
    pub fn interact(&mut self) -> Outcome {
        let (Some(now), Some(id)) = (self.now_ms(), self.open.clone()) else {
            return Outcome::default();
        };
        if self.is_read_only() {
            return Outcome::default();
        }
        let add = self.active.interact(now);
        if add == 0 {
            return Outcome::default();
        }
        let Some(slot) = self.slot_mut(&id) else {
            return Outcome::default();
        };
        slot.doc.annotations.active_ms += add;
        self.dirty.insert(id);
        self.unsaved_active_ms += add;
        if self.unsaved_active_ms < ACTIVE_SAVE_MS {
            return Outcome::default();
        }
        self.unsaved_active_ms = 0;
        Outcome {
            save: true,
            ..Outcome::default()
        }
    }

    // --- reading -----------------------------------------------------------------------

    pub fn schema(&self) -> &Schema {
        &self.schema
    }
    pub fn annotator(&self) -> &str {
        &self.annotator
    }
    pub fn trouble(&self) -> Option<&Trouble> {
        self.trouble.as_ref()
    }
    pub fn open_id(&self) -> Option<&Id> {
        self.open.as_ref()
    }
    pub fn slots(&self) -> &[DocSlot] {
        &self.corpus
    }
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.corpus.iter().map(|s| &s.doc)
    }
    pub fn slot(&self, id: &str) -> Option<&DocSlot> {
        self.corpus.iter().find(|s| s.doc.meta.id == id)
    }
    pub fn open_slot(&self) -> Option<&DocSlot> {
        self.slot(self.open.as_deref()?)
    }
    /// How many documents the last deletion removed (0: nothing to undo).
    pub fn deleted(&self) -> usize {
        self.trash.len()
    }
    pub fn has_store(&self) -> bool {
        self.store.is_some()
    }
    pub fn store(&self) -> Option<&CorpusStore<S>> {
        self.store.as_ref()
    }

    /// The corpus list as the navigator shows it, in corpus order.
    pub fn metas(&self) -> Vec<DocumentMeta> {
        self.corpus.iter().map(|s| s.doc.meta.clone()).collect()
    }

    pub fn is_read_only(&self) -> bool {
        matches!(self.trouble, Some(Trouble::ReadOnly(_)))
    }

    fn writable(&self) -> Result<(), Refusal> {
        match &self.trouble {
            Some(Trouble::ReadOnly(why)) => Err(Refusal::ReadOnly(why.clone())),
            _ => Ok(()),
        }
    }

    /// Whether anything is waiting to be saved.
    pub fn has_unsaved(&self) -> bool {
        !self.dirty.is_empty() || self.index_dirty || self.settings_dirty
    }

    pub fn save_status(&self) -> SaveStatus {
        match (&self.trouble, &self.store) {
            (Some(_), _) | (None, None) => SaveStatus::NotSaved,
            _ if self.has_unsaved() => SaveStatus::Saving,
            _ => SaveStatus::Saved,
        }
    }

    /// What storage holds, for the usage meter; `None` without storage.
    pub fn usage(&self) -> Option<Usage> {
        self.store.as_ref()?.usage().ok()
    }

    fn slot_mut(&mut self, id: &str) -> Option<&mut DocSlot> {
        self.corpus.iter_mut().find(|s| s.doc.meta.id == id)
    }

    fn contains_text(&self, sha256: &str) -> bool {
        self.corpus.iter().any(|s| s.doc.meta.sha256 == sha256)
    }

    // --- loading and adding ------------------------------------------------------------

    /// Load the corpus saved in the store. Damage is reported, never silently dropped; a
    /// store that cannot be read leaves an empty workspace that works in memory.
    pub fn load(&mut self) -> Outcome {
        let Some(store) = &self.store else {
            return Outcome::default();
        };
        let loaded = match store.load() {
            Ok(loaded) => loaded,
            Err(e) => {
                self.store = None;
                self.trouble = Some(Trouble::unavailable(&e));
                return Outcome {
                    trouble: true,
                    ..Outcome::default()
                };
            }
        };
        let mut out = Outcome {
            list: true,
            ..Outcome::default()
        };
        out.notices
            .extend(loaded.problems.into_iter().map(Notice::Damage));
        if let Some(why) = loaded.read_only {
            self.trouble = Some(Trouble::ReadOnly(why));
            out.trouble = true;
        }
        self.annotator = loaded.annotator;
        if let Some(schema) = loaded.schema {
            self.schema = schema;
            out.schema = true;
        }
        let mut lineages = loaded.lineages;
        self.corpus = loaded
            .documents
            .into_iter()
            .map(|d| {
                let lineage = lineages.remove(&d.meta.id).unwrap_or_default();
                DocSlot::new(d, &self.tab, lineage)
            })
            .collect();
        if let Some(first) = self.corpus.first() {
            self.open = Some(first.doc.meta.id.clone());
            out.opened = true;
        }
        out
    }

    /// Add documents to the corpus, storing them first when there is storage. Texts
    /// already in the corpus are skipped and returned by title.
    pub fn add_documents(&mut self, docs: Vec<Document>) -> Result<(Added, Outcome), Refusal> {
        self.writable()?;
        let mut new_docs: Vec<Document> = Vec::new();
        let mut added = Added::default();
        for doc in docs {
            let known = self.contains_text(&doc.meta.sha256)
                || new_docs.iter().any(|d| d.meta.sha256 == doc.meta.sha256);
            if known {
                added.duplicates.push(doc.meta.title);
            } else {
                new_docs.push(doc);
            }
        }
        if new_docs.is_empty() {
            return Ok((added, Outcome::default()));
        }
        if let Some(store) = &self.store {
            let mut all = self.metas();
            all.extend(new_docs.iter().map(|d| d.meta.clone()));
            store
                .add_documents(&all, &new_docs)
                .map_err(Refusal::Store)?;
            self.index_dirty = false;
        }
        added.ids = new_docs.iter().map(|d| d.meta.id.clone()).collect();
        let tab = self.tab.clone();
        self.corpus.extend(
            new_docs
                .into_iter()
                .map(|d| DocSlot::new(d, &tab, Lineage::default())),
        );
        Ok((
            added,
            Outcome {
                list: true,
                ..Outcome::default()
            },
        ))
    }

    /// Add documents, tell what was skipped or refused, and open the first new one.
    pub fn add_and_open(&mut self, docs: Vec<Document>) -> Outcome {
        match self.add_documents(docs) {
            Ok((added, mut out)) => {
                if !added.duplicates.is_empty() {
                    out.notices.push(Notice::Skipped(added.duplicates));
                }
                match added.ids.into_iter().next() {
                    Some(first) => out.and(self.open(first)),
                    None => out,
                }
            }
            Err(why) => Outcome::notice(Notice::NotAdded(why)),
        }
    }

    /// Apply imported documents: new texts are added; a text already in the corpus gets
    /// the annotations merged into it instead, as one undoable step of that document. In
    /// strict mode nothing is applied when any annotation cannot be merged.
    pub fn apply_import(
        &mut self,
        documents: Vec<Document>,
        strict: bool,
    ) -> Result<(Applied, Outcome), Refusal> {
        let plan = plan_import(self.documents(), documents);
        let mut problems = plan.problems();
        if strict && !problems.is_empty() {
            return Err(Refusal::StrictImport { problems });
        }
        self.writable()?;
        let (added, mut out) = self.add_documents(plan.new_documents)?;
        let mut merged = Vec::new();
        for merge in plan.merges.iter().chain(&plan.repeats) {
            if let Some(edit) = &merge.edit {
                match self.edit_doc(&merge.id, edit.clone()) {
                    Ok(o) => out = out.and(o),
                    Err(why) => {
                        problems.push(format!(
                            "“{}”: the annotations could not be merged ({why}); nothing in it changed",
                            merge.title
                        ));
                        continue;
                    }
                }
            }
            merged.push(merge.summary());
        }
        let applied = Applied {
            added: added.ids,
            merged,
            problems,
        };
        Ok((applied, out))
    }

    // --- opening -----------------------------------------------------------------------

    /// Open a document of the corpus.
    pub fn open(&mut self, id: Id) -> Outcome {
        if self.slot(&id).is_none() || self.open.as_ref() == Some(&id) {
            return Outcome::default();
        }
        self.open = Some(id);
        // A new stretch of work starts on the new document; the old one's time is saved.
        self.active.pause();
        let save = std::mem::take(&mut self.unsaved_active_ms) > 0;
        Outcome {
            opened: true,
            save,
            ..Outcome::default()
        }
    }

    /// The document `delta` places away from the open one in `order` (the list as the
    /// navigator shows it), stopping at the ends; the first one when none is open there.
    pub fn neighbour(&self, order: &[Id], delta: isize) -> Option<Id> {
        if order.is_empty() {
            return None;
        }
        let at = self
            .open
            .as_ref()
            .and_then(|c| order.iter().position(|m| m == c));
        let next = match at {
            Some(i) => (i as isize + delta).clamp(0, order.len() as isize - 1) as usize,
            None => 0,
        };
        Some(order[next].clone())
    }

    /// After documents left the corpus: when the open one went, open the first left.
    fn reopen_after_removal(&mut self) -> bool {
        let gone = self.open.as_deref().is_some_and(|c| self.slot(c).is_none());
        if gone {
            self.open = self.corpus.first().map(|s| s.doc.meta.id.clone());
        }
        gone
    }

    // --- editing -----------------------------------------------------------------------

    /// Apply an edit to the open document, as one step of its undo history.
    pub fn edit(&mut self, edit: Edit) -> Result<Outcome, Refusal> {
        let id = self.open.clone().ok_or(Refusal::NothingOpen)?;
        self.edit_doc(&id, edit)
    }

    /// Apply an edit to any document, open or not, as one step of its own undo history.
    pub fn edit_doc(&mut self, id: &str, edit: Edit) -> Result<Outcome, Refusal> {
        self.writable()?;
        let (keeps_spans, keeps_arcs) = (edit.keeps_spans(), edit.keeps_arcs());
        let (applied, redraw) = self
            .apply_stamped(id, edit)
            .ok_or(Refusal::NoSuchDocument)?;
        applied.map_err(Refusal::Edit)?;
        let mut out = self.changed(id);
        if let Some(spans) = redraw {
            out.redraw.insert(id.to_owned(), spans);
        }
        if keeps_spans {
            out.kept_spans.insert(id.to_owned());
        }
        if keeps_arcs {
            out.kept_arcs.insert(id.to_owned());
        }
        Ok(out)
    }

    /// Record that document `id`'s annotations changed: it is dirty, it is started, and
    /// any corpus step is retired.
    fn changed(&mut self, id: &str) -> Outcome {
        self.rev += 1;
        let mut out = Outcome {
            save: true,
            ..Outcome::default()
        };
        let Some(slot) = self.slot_mut(id) else {
            return out;
        };
        let meta = &mut slot.doc.meta;
        if meta.status == Status::NotStarted && !slot.doc.annotations.is_empty() {
            meta.status = Status::InProgress;
            self.index_dirty = true;
            out.list = true;
        }
        out.changed.insert(id.to_owned());
        self.dirty.insert(id.to_owned());
        out
    }

    /// Undo: the last corpus-wide step while nothing was edited since, otherwise the open
    /// document's last step.
    pub fn undo(&mut self) -> Outcome {
        self.undo_or_redo(true)
    }

    pub fn redo(&mut self) -> Outcome {
        self.undo_or_redo(false)
    }

    fn undo_or_redo(&mut self, undo: bool) -> Outcome {
        if self.is_read_only() {
            return Outcome::default();
        }
        if let Some(out) = self.corpus_step_do(undo) {
            return out;
        }
        let Some(id) = self.open.clone() else {
            return Outcome::default();
        };
        match self.step_stamped(&id, undo) {
            Some((Ok(true), redraw)) => {
                let mut out = self.changed(&id);
                if let Some(spans) = redraw {
                    out.redraw.insert(id, spans);
                }
                out
            }
            Some((Err(e), _)) => Outcome::refused(Refusal::Edit(e)),
            _ => Outcome::default(),
        }
    }

    // --- the schema --------------------------------------------------------------------

    /// Make `schema` the workspace schema and store it. Nothing changes when it is
    /// invalid or cannot be stored. Annotations are never touched: those whose types it
    /// lacks stay, and the validator reports them.
    pub fn set_schema(&mut self, schema: Schema) -> Result<Outcome, Refusal> {
        schema.validate().map_err(Refusal::Schema)?;
        self.writable()?;
        if let Some(store) = &self.store {
            store.save_schema(&schema).map_err(Refusal::Store)?;
        }
        let name = schema.name.clone();
        self.schema = schema;
        Ok(Outcome {
            schema: true,
            notices: vec![Notice::SchemaSet(name)],
            ..Outcome::default()
        })
    }

    // --- document metadata -------------------------------------------------------------

    pub fn set_annotator(&mut self, name: &str) -> Outcome {
        self.annotator = name.trim().to_owned();
        self.settings_dirty = true;
        Outcome {
            save: true,
            ..Outcome::default()
        }
    }

    fn update_meta(&mut self, id: &str, f: impl FnOnce(&mut DocumentMeta)) -> Outcome {
        let Some(slot) = self.slot_mut(id) else {
            return Outcome::refused(Refusal::NoSuchDocument);
        };
        f(&mut slot.doc.meta);
        self.index_dirty = true;
        Outcome {
            list: true,
            save: true,
            ..Outcome::default()
        }
    }

    pub fn set_status(&mut self, id: &str, status: Status) -> Outcome {
        if let Err(why) = self.writable() {
            return Outcome::refused(why);
        }
        self.update_meta(id, |m| m.status = status)
    }

    /// Mark done, or take the mark back: to in progress when it has annotations, to not
    /// started when it has none.
    pub fn toggle_done(&mut self, id: &str) -> Outcome {
        let Some(slot) = self.slot(id) else {
            return Outcome::refused(Refusal::NoSuchDocument);
        };
        let next = match slot.doc.meta.status {
            Status::Done if slot.doc.annotations.is_empty() => Status::NotStarted,
            Status::Done => Status::InProgress,
            _ => Status::Done,
        };
        self.set_status(id, next)
    }

    /// Rename a document. A blank title is refused, since the list would show nothing.
    pub fn rename(&mut self, id: &str, title: &str) -> Result<Outcome, Refusal> {
        let title = title.trim().to_owned();
        if title.is_empty() {
            return Err(Refusal::BlankTitle);
        }
        self.writable()?;
        Ok(self.update_meta(id, |m| m.title = title))
    }

    /// Replace a document's text with a cleaned-up version (boilerplate lines dropped).
    /// Allowed only before the first annotation, because annotations anchor on the text.
    /// The document gets the id of its new text, so duplicates are still recognised.
    pub fn replace_text(&mut self, id: &str, text: &str) -> Result<Outcome, Refusal> {
        self.writable()?;
        if text.trim().is_empty() {
            return Err(Refusal::CleanupLeavesNothing);
        }
        let slot = self.slot(id).ok_or(Refusal::NoSuchDocument)?;
        if !slot.doc.annotations.is_empty() {
            return Err(Refusal::CleanupAfterAnnotation);
        }
        let old = slot.doc.meta.clone();
        let mut doc = Document::new(&old.title, text);
        if doc.meta.id == old.id {
            return Ok(Outcome::default());
        }
        if self.contains_text(&doc.meta.sha256) {
            return Err(Refusal::CleanupDuplicate);
        }
        doc.meta.url = old.url.clone();
        doc.meta.date = old.date.clone();
        doc.meta.metadata = old.metadata.clone();
        doc.meta.status = old.status;
        if let Some(store) = &self.store {
            let all: Vec<DocumentMeta> = self
                .corpus
                .iter()
                .map(|s| match s.doc.meta.id == old.id {
                    true => doc.meta.clone(),
                    false => s.doc.meta.clone(),
                })
                .collect();
            store
                .add_documents(&all, std::slice::from_ref(&doc))
                .and_then(|()| store.remove_documents(&all, std::slice::from_ref(&old.id)))
                .map_err(Refusal::Store)?;
            self.index_dirty = false;
        }
        let new_id = doc.meta.id.clone();
        let tab = self.tab.clone();
        if let Some(slot) = self.slot_mut(&old.id) {
            *slot = DocSlot::new(doc, &tab, Lineage::default());
        }
        self.dirty.remove(&old.id);
        self.rev += 1;
        let mut out = Outcome {
            list: true,
            changed: BTreeSet::from([new_id.clone()]),
            ..Outcome::default()
        };
        if self.open.as_deref() == Some(old.id.as_str()) {
            self.open = Some(new_id);
            out.opened = true;
        }
        Ok(out)
    }

    // --- deleting ----------------------------------------------------------------------

    /// Delete documents from memory and storage, keeping them for one undo.
    pub fn delete(&mut self, ids: &[Id]) -> Outcome {
        if ids.is_empty() {
            return Outcome::default();
        }
        if let Err(why) = self.writable() {
            return Outcome::refused(why);
        }
        if let Some(store) = &self.store {
            let remaining: Vec<DocumentMeta> = self
                .corpus
                .iter()
                .filter(|s| !ids.contains(&s.doc.meta.id))
                .map(|s| s.doc.meta.clone())
                .collect();
            if let Err(e) = store.remove_documents(&remaining, ids) {
                return Outcome::refused(Refusal::NotDeleted(e));
            }
            self.index_dirty = false;
        }
        let mut removed = Vec::new();
        let mut kept = Vec::with_capacity(self.corpus.len());
        for (position, slot) in std::mem::take(&mut self.corpus).into_iter().enumerate() {
            if ids.contains(&slot.doc.meta.id) {
                removed.push((position, slot));
            } else {
                kept.push(slot);
            }
        }
        self.corpus = kept;
        self.dirty.retain(|id| !ids.contains(id));
        self.trash = removed;
        let mut out = Outcome {
            list: true,
            opened: self.reopen_after_removal(),
            ..Outcome::default()
        };
        // Deleting frees space: if saving was refused, try again now.
        if matches!(self.trouble, Some(Trouble::Full)) {
            out = out.and(self.flush().1);
        }
        out
    }

    /// Put the last deleted documents back where they were, annotations and all.
    pub fn undo_delete(&mut self) -> Outcome {
        if self.trash.is_empty() {
            return Outcome::default();
        }
        let mut corpus = self.corpus.clone();
        for (position, slot) in &self.trash {
            corpus.insert((*position).min(corpus.len()), slot.clone());
        }
        if let Some(store) = &self.store {
            let all: Vec<DocumentMeta> = corpus.iter().map(|s| s.doc.meta.clone()).collect();
            let docs: Vec<Document> = self.trash.iter().map(|(_, s)| s.doc.clone()).collect();
            if let Err(e) = store.add_documents(&all, &docs) {
                return Outcome::refused(Refusal::NotRestored(e));
            }
        }
        self.corpus = corpus;
        let first = self.trash.first().map(|(_, s)| s.doc.meta.id.clone());
        self.trash.clear();
        let mut out = Outcome {
            list: true,
            ..Outcome::default()
        };
        if self.open.is_none() {
            if let Some(first) = first {
                out = out.and(self.open(first));
            }
        }
        out
    }

    // --- exporting ---------------------------------------------------------------------

    /// The open document as a loupe/1 JSON file.
    pub fn export_open(&self) -> Result<Download, Refusal> {
        let slot = self.open_slot().ok_or(Refusal::NothingOpen)?;
        let json = loupe::to_json_with_schema(
            std::slice::from_ref(&slot.doc),
            &self.annotator,
            &self.schema,
        );
        Ok(Download::json(loupe_file_name(&slot.doc.meta.title), json))
    }

    /// The whole corpus, as it is in memory, as one loupe/1 file: the way out when
    /// storage cannot hold it.
    pub fn export_all(&self) -> Download {
        let docs: Vec<Document> = self.documents().cloned().collect();
        Download::json(
            "loupe-corpus.loupe.json",
            loupe::to_json_with_schema(&docs, &self.annotator, &self.schema),
        )
    }

    /// Every done document in one file, and their ids, to delete once it is downloaded.
    pub fn export_done(&self) -> Result<(Download, Vec<Id>), Refusal> {
        let done: Vec<&Document> = self
            .documents()
            .filter(|d| d.meta.status == Status::Done)
            .collect();
        if done.is_empty() {
            return Err(Refusal::NothingDone);
        }
        let ids = done.iter().map(|d| d.meta.id.clone()).collect();
        let docs: Vec<Document> = done.into_iter().cloned().collect();
        let json = loupe::to_json_with_schema(&docs, &self.annotator, &self.schema);
        Ok((Download::json("loupe-done.loupe.json", json), ids))
    }
}

/// `<title>.loupe.json`; the download port makes it safe for a file name.
fn loupe_file_name(title: &str) -> String {
    format!("{title}.loupe.json")
}
