//! The interaction state of the annotation screen (the armed slot, the link being made,
//! the tag-all preview, the palette filter, the panes) and the actions that turn UI intent
//! into calls of the application layer. The rules live in `core::workspace` and
//! `core::session`; nothing here decides what an edit does.

use leptos::prelude::*;

use super::signal::Owned;

use super::state::{CoreWorkspace, Workspace};
use crate::browser::selection::{clear_selection, select_span};
use crate::core::model::{AttrValue, Id, Span};
use crate::core::search::words;
use crate::core::session::{self, Choice};
use crate::core::workspace::{Outcome, Refusal, TagAll};

pub use crate::core::session::Mode;
pub use crate::core::workspace::{kind_of, Kind};

/// Interaction state of the annotation screen, shared through context.
#[derive(Clone, Copy)]
pub struct Interaction {
    ws: Workspace,
    /// The argument slot being filled: (event id, role).
    armed: Owned<Option<(Id, String)>>,
    mode: Owned<Mode>,
    /// Recently used types, most recent first: the palette puts them first.
    recent: Owned<Vec<String>>,
    filter: Owned<String>,
    help: Owned<bool>,
    /// The pending "annotate all" preview.
    tag_all: Owned<Option<TagAll>>,
    hide_corpus: Owned<bool>,
    hide_inspector: Owned<bool>,
    /// The agreement panel is open.
    agreement: Owned<bool>,
    /// The documents as the navigator lists them (filtered and sorted): Alt+↓ follows it.
    shown: Owned<Vec<Id>>,
}

impl Interaction {
    pub fn new(ws: Workspace) -> Self {
        Self {
            ws,
            armed: Owned::new(None),
            mode: Owned::new(Mode::Normal),
            recent: Owned::new(Vec::new()),
            filter: Owned::new(String::new()),
            help: Owned::new(false),
            tag_all: Owned::new(None),
            hide_corpus: Owned::new(false),
            hide_inspector: Owned::new(false),
            agreement: Owned::new(false),
            shown: Owned::new(Vec::new()),
        }
    }

    // --- reading -------------------------------------------------------------------------

    pub fn armed(&self) -> ReadSignal<Option<(Id, String)>> {
        self.armed.read_only()
    }
    pub fn mode(&self) -> ReadSignal<Mode> {
        self.mode.read_only()
    }
    pub fn recent(&self) -> ReadSignal<Vec<String>> {
        self.recent.read_only()
    }
    pub fn filter(&self) -> ReadSignal<String> {
        self.filter.read_only()
    }
    pub fn help(&self) -> ReadSignal<bool> {
        self.help.read_only()
    }
    pub fn tag_all(&self) -> ReadSignal<Option<TagAll>> {
        self.tag_all.read_only()
    }
    pub fn hide_corpus(&self) -> ReadSignal<bool> {
        self.hide_corpus.read_only()
    }
    pub fn hide_inspector(&self) -> ReadSignal<bool> {
        self.hide_inspector.read_only()
    }
    pub fn agreement(&self) -> ReadSignal<bool> {
        self.agreement.read_only()
    }
    pub fn shown(&self) -> ReadSignal<Vec<Id>> {
        self.shown.read_only()
    }
    pub fn set_shown(&self, ids: Vec<Id>) {
        self.shown.set(ids);
    }

    /// A slot is armed or a relation or same-entity link is half made.
    pub fn picking(&self) -> bool {
        self.armed.with_untracked(Option::is_some)
            || self.mode.with_untracked(|m| *m != Mode::Normal)
    }

    // --- interaction state ---------------------------------------------------------------

    pub fn set_filter(&self, text: String) {
        self.filter.set(text);
    }
    pub fn toggle_help(&self) {
        self.help.update(|h| *h = !*h);
    }
    pub fn close_help(&self) {
        self.help.set(false);
    }
    pub fn toggle_corpus(&self) {
        self.hide_corpus.update(|h| *h = !*h);
    }
    pub fn toggle_inspector(&self) {
        self.hide_inspector.update(|h| *h = !*h);
    }
    pub fn toggle_agreement(&self) {
        self.agreement.update(|a| *a = !*a);
    }
    pub fn close_agreement(&self) {
        self.agreement.set(false);
    }

    /// Arm argument slot `role` of `event`: the next mention chosen fills it.
    pub fn arm(&self, event: Id, role: String) {
        self.armed.set(Some((event, role)));
    }

    /// Arm the selected event's `index`th slot, in schema order. Returns whether it had one.
    pub fn arm_slot(&self, index: usize) -> bool {
        let Some(event) = self.ws.selection.selected().get_untracked() else {
            return false;
        };
        match self.ws.with_core(|c| c.slot_role(&event, index)).flatten() {
            Some(role) => {
                self.arm(event, role);
                true
            }
            None => false,
        }
    }

    pub fn start_relation(&self, from: Id) {
        self.mode.set(Mode::RelationTo(from));
    }

    pub fn start_same_entity(&self, from: Id) {
        self.mode.set(Mode::SameEntityAs(from));
    }

    /// A drag from `from` to `to`: select `from` and ask which link it is (an argument
    /// role from a trigger, otherwise a relation type).
    pub fn pick_link_type(&self, from: Id, to: Id) {
        self.armed.set(None);
        self.ws.selection.select(from.clone());
        self.mode.set(Mode::RelationType(from, to));
    }

    /// Cancel what is in progress: a slot, a link, a preview, the help.
    pub fn cancel(&self) {
        self.armed.set(None);
        self.mode.set(Mode::Normal);
        self.tag_all.set(None);
        self.help.set(false);
    }

    /// What is in progress belongs to the open document: a switch of document cancels
    /// it, so a slot armed in one document is never filled from another.
    pub fn follow_document_switches(&self) {
        let ia = *self;
        let current = self.ws.corpus.current();
        Effect::new(move |previous: Option<Option<Id>>| {
            let now = current.get();
            if previous.is_some_and(|p| p != now) {
                ia.armed.set(None);
                ia.mode.set(Mode::Normal);
                ia.tag_all.set(None);
            }
            now
        });
    }

    /// Esc: first what is in progress, and only then the selection.
    pub fn escape(&self) {
        let busy = self.picking()
            || self.tag_all.with_untracked(Option::is_some)
            || self.help.get_untracked();
        if busy {
            self.cancel();
        } else {
            self.ws.selection.clear();
            clear_selection();
        }
    }

    // --- annotating ------------------------------------------------------------------------

    /// Apply a type from the palette (or its key) to the pending selection: an entity type
    /// tags a mention (and fills the armed slot with it, in one step); an event type makes
    /// the selection the trigger of a new event.
    pub fn apply_type(&self, kind: &str) {
        let ws = self.ws;
        let Some(span) = ws.selection.pending().get_untracked() else {
            ws.alerts
                .info("Select some text in the article first, then pick a type.");
            return;
        };
        self.recent.update(|r| session::used(r, kind));
        let armed = self.armed.get_untracked();
        let is_event = ws.schema_now().event_type(kind).is_some();
        let slot = armed
            .as_ref()
            .filter(|_| !is_event)
            .map(|(e, r)| (e.as_str(), r.as_str()));
        let Some(created) = ws.annotate(|c| c.tag(kind, span, slot)) else {
            return;
        };
        ws.show(created.outcome);
        clear_selection();
        // While filling a slot, the event stays selected so its other slots are a digit
        // away; the slot is filled, so the next digit arms the next one.
        match armed.filter(|_| !is_event) {
            Some((event, _)) => {
                self.armed.set(None);
                ws.selection.select(event);
            }
            None => ws.selection.select(created.id),
        }
    }

    /// Fill the armed slot with an existing annotation. The slot disarms once filled, so
    /// the next digit arms the slot with that number (press the same digit again for one
    /// more filler of a `*` or `+` slot).
    pub fn fill_armed(&self, target: &str) {
        let Some((event, role)) = self.armed.get_untracked() else {
            return;
        };
        let ws = self.ws;
        if let Some(out) = ws.annotate(|c| c.fill(&event, &role, target)) {
            ws.show(out);
            self.armed.set(None);
            ws.selection.select(event);
        }
    }

    /// Add `target` as the `role` argument of `event`: a drag from a trigger, or a link
    /// made by keys, once its role is picked.
    pub fn add_argument(&self, event: &str, role: &str, target: &str) {
        self.mode.set(Mode::Normal);
        let ws = self.ws;
        if let Some(out) = ws.annotate(|c| c.fill(event, role, target)) {
            ws.show(out);
            ws.selection.select(event.to_owned());
        }
    }

    /// With a slot armed, fill it with the candidate showing number `n + 1`.
    pub fn fill_candidate(&self, n: usize) -> bool {
        let Some((event, _)) = self.armed.get_untracked() else {
            return false;
        };
        let candidate = self
            .ws
            .with_core(|c| c.candidates(&event).get(n).cloned())
            .flatten();
        match candidate {
            Some(id) => {
                self.fill_armed(&id);
                true
            }
            None => false,
        }
    }

    /// What a click (or Enter) on annotation `id` means in the current mode.
    pub fn choose(&self, id: Id) {
        if self.armed.with_untracked(Option::is_some) {
            self.fill_armed(&id);
            return;
        }
        match session::choose(&self.mode.get_untracked(), id) {
            Choice::AskRelationType(from, to) => self.mode.set(Mode::RelationType(from, to)),
            Choice::SameEntity(a, b) => {
                self.mode.set(Mode::Normal);
                self.same_entity(&a, &b);
            }
            Choice::Select(id) => {
                self.mode.set(Mode::Normal);
                self.ws.selection.select(id);
            }
        }
    }

    pub fn add_relation(&self, from: &str, to: &str, kind: &str) {
        self.mode.set(Mode::Normal);
        let ws = self.ws;
        if let Some(created) = ws.annotate(|c| c.add_relation(from, to, kind)) {
            ws.show(created.outcome);
            ws.selection.select(created.id);
        }
    }

    /// Coreference: put two mentions in one entity, creating or merging clusters.
    pub fn same_entity(&self, a: &str, b: &str) {
        let ws = self.ws;
        if let Some(out) = ws.annotate(|c| c.same_entity(a, b)) {
            ws.show(out);
            ws.selection.select(a.to_owned());
        }
    }

    /// Run a plain edit-like action of the core on the open document.
    fn run(&self, f: impl FnOnce(&mut CoreWorkspace) -> Result<Outcome, Refusal>) -> bool {
        let ws = self.ws;
        match ws.annotate(f) {
            Some(out) => {
                ws.show(out);
                true
            }
            None => false,
        }
    }

    pub fn split_from_entity(&self, mention: &str) {
        self.run(|c| c.split_from_entity(mention));
    }

    pub fn remove_argument(&self, event: &str, index: usize) {
        self.run(|c| c.remove_argument(event, index));
    }

    pub fn set_attribute(&self, target: &str, name: &str, value: Option<AttrValue>) {
        self.run(|c| c.set_attribute(target, name, value));
    }

    pub fn set_note(&self, target: &str, note: String) {
        self.run(|c| c.set_note(target, &note));
    }

    /// Set an entity's normalisation from text like `Wikidata:Q212`; empty clears it.
    pub fn set_normalization(&self, target: &str, text: &str) {
        self.run(|c| c.set_normalization(target, text));
    }

    pub fn set_entity_name(&self, id: &str, name: &str) {
        self.run(|c| c.set_entity_name(id, name));
    }

    /// Delete the selected annotation, whatever its kind; one undo brings it back.
    pub fn delete_selected(&self) {
        let Some(id) = self.ws.selection.selected().get_untracked() else {
            return;
        };
        if self.run(|c| c.delete_annotation(&id)) {
            self.ws.selection.deselect();
        }
    }

    /// Add a fragment to the selected mention: how a discontinuous span is made.
    pub fn add_fragment(&self, span: Span) -> bool {
        let Some(id) = self.ws.selection.selected().get_untracked() else {
            return false;
        };
        if self.run(|c| c.add_fragment(&id, span)) {
            self.ws.selection.set_pending(None);
            clear_selection();
            return true;
        }
        false
    }

    // --- tag all ---------------------------------------------------------------------------

    /// Preview "annotate all occurrences" of the selected mention, in this document or
    /// (`corpus`) in every document.
    pub fn preview_tag_all(&self, corpus: bool) {
        let Some(id) = self.ws.selection.selected().get_untracked() else {
            return;
        };
        let preview = self
            .ws
            .with_core(|c| c.preview_tag_all(&id, corpus))
            .unwrap_or(Err(Refusal::NothingOpen));
        match preview {
            Ok(preview) => self.tag_all.set(Some(preview)),
            Err(why) => self.ws.alerts.info(why.to_string()),
        }
    }

    /// Switch the open preview between this document and the whole corpus.
    pub fn toggle_tag_all_scope(&self) {
        if let Some(preview) = self.tag_all.get_untracked() {
            self.preview_tag_all(!preview.corpus);
        }
    }

    /// Tag every previewed occurrence (see `core::workspace::Workspace::confirm_tag_all`).
    pub fn confirm_tag_all(&self) {
        let Some(preview) = self.tag_all.get_untracked() else {
            return;
        };
        self.tag_all.set(None);
        self.ws.act(|c| c.confirm_tag_all(&preview));
    }

    // --- moving ----------------------------------------------------------------------------

    /// Keyboard selection: move the pending span to the next or previous word, or (with
    /// `extend`) grow or shrink it by a word.
    pub fn move_pending(&self, forward: bool, extend: bool) {
        let ws = self.ws;
        let pending = ws.selection.pending().get_untracked();
        let selected = ws.selection.selected().get_untracked();
        let next = ws.with_open(|slot| {
            let w = words(&slot.doc.text);
            // Starting from an annotation, a new selection begins at the word beside it
            // rather than growing the annotation's own span.
            let from_annotation = || {
                let ann = &slot.doc.annotations;
                let id = selected.as_deref()?;
                ann.mention(id)
                    .map(|m| Span::new(m.start(), m.end()))
                    .or_else(|| ann.event(id).and_then(|e| e.trigger.first().copied()))
            };
            let extend = extend && pending.is_some();
            session::move_span(&w, pending.or_else(from_annotation), forward, extend)
        });
        if let Some(Some(span)) = next {
            ws.selection.pend(span);
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(".article").ok().flatten())
            {
                select_span(&root, span);
            }
        }
    }

    /// Move the selection to the next or previous annotation in text order; with `wrap`
    /// it goes round at the ends. Returns false when there is none to go to (Tab then
    /// lets the focus leave the article).
    pub fn step_annotation(&self, forward: bool, wrap: bool) -> bool {
        let ws = self.ws;
        let order = ws.with_core(|c| c.annotation_order()).unwrap_or_default();
        let selected = ws.selection.selected().get_untracked();
        match session::step_annotation(&order, selected.as_deref(), forward, wrap) {
            Some(id) => {
                ws.selection.select(id);
                true
            }
            None => false,
        }
    }
}
