//! Annotation actions beyond tagging a span: events and their argument slots, relations,
//! coreference, attributes, notes, "annotate all occurrences" and keyboard selection.
//! The rules live in the core; these methods turn UI intent into core edits.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::state::{AlertKind, StorageTrouble, Workspace};
use crate::browser::selection::clear_selection;
use crate::core::edit::Edit;
use crate::core::model::{
    Annotations, Argument, AttrValue, Entity, Event, Id, Mention, Normalization, Relation, Span,
};
use crate::core::search::{tag_spans_edit, untagged_occurrences, word_after, word_before, words};

/// What the next click on an annotation means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Pick the second argument of a relation from this annotation.
    RelationTo(Id),
    /// Both arguments chosen: pick the relation type.
    RelationType(Id, Id),
    /// Pick a mention that refers to the same entity as this one.
    SameEntityAs(Id),
}

/// What "annotate all occurrences" would tag: per document (the open one first), its id,
/// title and the untagged occurrences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagAll {
    pub kind: String,
    pub needle: String,
    pub docs: Vec<(Id, String, Vec<Span>)>,
    /// The whole corpus, rather than the open document.
    pub corpus: bool,
}

impl TagAll {
    pub fn total(&self) -> usize {
        self.docs.iter().map(|(_, _, s)| s.len()).sum()
    }
}

/// A change made to several documents at once. Each document's own history holds its
/// part as one step; this records which documents, so one undo takes back all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusStep {
    pub docs: Vec<Id>,
    /// `Workspace::version` right after the step (or its undo or redo).
    pub at: u64,
    pub undone: bool,
    pub what: String,
}

/// Interaction state of the annotation screen, shared through context.
#[derive(Clone, Copy)]
pub struct Interaction {
    /// The argument slot being filled: (event id, role).
    pub armed: RwSignal<Option<(Id, String)>>,
    pub mode: RwSignal<Mode>,
    /// Recently used types, most recent first: the palette puts them first.
    pub recent: RwSignal<Vec<String>>,
    pub filter: RwSignal<String>,
    pub help: RwSignal<bool>,
    /// The pending "annotate all" preview.
    pub tag_all: RwSignal<Option<TagAll>>,
    /// The last tag-all across the corpus, for undoing it in one step.
    pub corpus_step: StoredValue<Option<CorpusStep>>,
    /// Collapsed side panes.
    pub hide_corpus: RwSignal<bool>,
    pub hide_inspector: RwSignal<bool>,
    /// The agreement panel is open.
    pub agreement: RwSignal<bool>,
}

impl Interaction {
    pub fn new() -> Self {
        Self {
            armed: RwSignal::new(None),
            mode: RwSignal::new(Mode::Normal),
            recent: RwSignal::new(Vec::new()),
            filter: RwSignal::new(String::new()),
            help: RwSignal::new(false),
            tag_all: RwSignal::new(None),
            corpus_step: StoredValue::new(None),
            hide_corpus: RwSignal::new(false),
            hide_inspector: RwSignal::new(false),
            agreement: RwSignal::new(false),
        }
    }

    pub fn cancel(&self) {
        self.armed.set(None);
        self.mode.set(Mode::Normal);
        self.tag_all.set(None);
        self.help.set(false);
    }

    fn used(&self, kind: &str) {
        self.recent.update(|r| {
            r.retain(|k| k != kind);
            r.insert(0, kind.to_owned());
            r.truncate(8);
        });
    }
}

impl Default for Interaction {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a mention with this span goes in the sorted list.
fn mention_index(ann: &Annotations, span: Span) -> usize {
    ann.mentions.partition_point(|m| {
        (m.start(), std::cmp::Reverse(m.end())) <= (span.start, std::cmp::Reverse(span.end))
    })
}

fn new_mention(id: Id, kind: &str, span: Span) -> Mention {
    Mention {
        id,
        kind: kind.to_owned(),
        fragments: vec![span],
        text: String::new(),
        attributes: BTreeMap::new(),
        normalization: None,
        note: None,
        entity: None,
    }
}

/// Which kind of annotation an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mention,
    Event,
    Relation,
    Entity,
}

pub fn kind_of(ann: &Annotations, id: &str) -> Option<Kind> {
    if ann.mention(id).is_some() {
        Some(Kind::Mention)
    } else if ann.events.iter().any(|e| e.id == id) {
        Some(Kind::Event)
    } else if ann.relations.iter().any(|r| r.id == id) {
        Some(Kind::Relation)
    } else if ann.entities.iter().any(|e| e.id == id) {
        Some(Kind::Entity)
    } else {
        None
    }
}

impl Workspace {
    /// A copy of the open document's annotations.
    pub fn annotations(&self) -> Annotations {
        self.with_current(|s| s.doc.annotations.clone())
            .unwrap_or_default()
    }

    fn is_event_type(&self, kind: &str) -> bool {
        self.schema.with_value(|s| s.event_type(kind).is_some())
    }

    /// Apply a type from the palette to the pending selection: an entity type tags a
    /// mention (and fills the armed slot with it, in one step); an event type makes the
    /// selection the trigger of a new event.
    pub fn apply_type(&self, ia: Interaction, kind: &str) {
        let Some(span) = self.pending.get_untracked() else {
            self.alert(
                AlertKind::Info,
                "Select some text in the article first, then pick a type.",
            );
            return;
        };
        ia.used(kind);
        if self.is_event_type(kind) {
            self.add_event(kind, span);
            return;
        }
        let Some((id, index)) = self.with_current(|s| {
            let ann = &s.doc.annotations;
            (ann.next_id("T"), mention_index(ann, span))
        }) else {
            return;
        };
        let insert = Edit::InsertMention {
            index,
            mention: new_mention(id.clone(), kind, span),
        };
        let edit = match ia.armed.get_untracked() {
            Some((event, role)) => Edit::Batch(vec![insert, self.fill_edit(&event, &role, &id)]),
            None => insert,
        };
        if self.edit(edit) {
            self.pending.set(None);
            clear_selection();
            // While filling a slot, the event stays selected so its other slots are a
            // digit away; the slot is filled, so the next digit arms the next one.
            let selected = ia.armed.get_untracked().map_or(id, |(event, _)| event);
            ia.armed.set(None);
            self.selected.set(Some(selected));
        }
    }

    fn add_event(&self, kind: &str, span: Span) {
        let Some((id, index)) = self.with_current(|s| {
            let ann = &s.doc.annotations;
            let index = ann
                .events
                .partition_point(|e| e.trigger.first().is_some_and(|t| t.start <= span.start));
            (ann.next_id("E"), index)
        }) else {
            return;
        };
        let event = Event::new(
            id.clone(),
            kind.to_owned(),
            vec![span],
            String::new(),
            Vec::new(),
        );
        if self.edit(Edit::InsertEvent { index, event }) {
            self.pending.set(None);
            clear_selection();
            self.selected.set(Some(id));
        }
    }

    fn fill_edit(&self, event: &str, role: &str, target: &str) -> Edit {
        let index = self
            .with_current(|s| {
                s.doc
                    .annotations
                    .events
                    .iter()
                    .find(|e| e.id == event)
                    .map_or(0, |e| e.arguments.len())
            })
            .unwrap_or(0);
        Edit::InsertArgument {
            event: event.to_owned(),
            index,
            argument: Argument {
                role: role.to_owned(),
                target: target.to_owned(),
            },
        }
    }

    /// Fill the armed slot with an existing annotation. The slot disarms once filled, so
    /// the next digit arms the slot with that number (press the same digit again for one
    /// more filler of a `*` or `+` slot).
    pub fn fill_armed(&self, ia: Interaction, target: &str) {
        let Some((event, role)) = ia.armed.get_untracked() else {
            return;
        };
        if event == target {
            self.alert(
                AlertKind::Error,
                format!("{event} cannot be its own argument."),
            );
            return;
        }
        if self.edit(self.fill_edit(&event, &role, target)) {
            ia.armed.set(None);
            self.selected.set(Some(event));
        }
    }

    /// Add `target` as the `role` argument of `event`: a drag from a trigger, or a link
    /// made by keys, once its role is picked.
    pub fn add_argument(&self, ia: Interaction, event: &str, role: &str, target: &str) {
        ia.mode.set(Mode::Normal);
        if self.edit(self.fill_edit(event, role, target)) {
            self.selected.set(Some(event.to_owned()));
        }
    }

    /// The (up to nine) mentions nearest an event's trigger that are not yet its
    /// arguments: while a slot is armed they are numbered, and a digit fills the slot.
    pub fn candidates(&self, event: &str) -> Vec<Id> {
        let ann = self.annotations();
        let Some(e) = ann.events.iter().find(|e| e.id == event) else {
            return Vec::new();
        };
        let at = e.trigger.first().map_or(0, |t| t.start);
        let mut near: Vec<(usize, Id)> = ann
            .mentions
            .iter()
            .filter(|m| !e.arguments.iter().any(|a| a.target == m.id))
            .map(|m| (m.start().abs_diff(at), m.id.clone()))
            .collect();
        near.sort();
        near.into_iter().take(9).map(|(_, id)| id).collect()
    }

    /// Remove one argument of an event.
    pub fn remove_argument(&self, event: &str, index: usize) {
        self.edit(Edit::RemoveArgument {
            event: event.to_owned(),
            index,
        });
    }

    /// What a click (or Enter) on annotation `id` means in the current mode.
    pub fn choose(&self, ia: Interaction, id: Id) {
        if ia.armed.get_untracked().is_some() {
            self.fill_armed(ia, &id);
            return;
        }
        match ia.mode.get_untracked() {
            Mode::RelationTo(from) if from != id => ia.mode.set(Mode::RelationType(from, id)),
            Mode::SameEntityAs(from) if from != id => {
                ia.mode.set(Mode::Normal);
                self.same_entity(&from, &id);
            }
            _ => {
                ia.mode.set(Mode::Normal);
                self.pending.set(None);
                self.selected.set(Some(id));
            }
        }
    }

    /// Relation types whose argument types allow `from` → `to`.
    pub fn relation_types_for(&self, from: &str, to: &str) -> Vec<String> {
        let ann = self.annotations();
        let type_of = |id: &str| {
            ann.mention(id)
                .map(|m| (m.kind.clone(), false))
                .or_else(|| {
                    ann.events
                        .iter()
                        .find(|e| e.id == id)
                        .map(|e| (e.kind.clone(), true))
                })
        };
        let (Some((a, a_event)), Some((b, b_event))) = (type_of(from), type_of(to)) else {
            return Vec::new();
        };
        self.schema.with_value(|s| {
            s.relation_types
                .iter()
                .filter(|r| {
                    s.type_allowed(&r.arg1, &a, a_event) && s.type_allowed(&r.arg2, &b, b_event)
                })
                .map(|r| r.name.clone())
                .collect()
        })
    }

    pub fn add_relation(&self, ia: Interaction, from: &str, to: &str, kind: &str) {
        let (id, index) = self
            .with_current(|s| {
                (
                    s.doc.annotations.next_id("R"),
                    s.doc.annotations.relations.len(),
                )
            })
            .unwrap_or_default();
        let relation = Relation {
            id: id.clone(),
            kind: kind.to_owned(),
            arg1: from.to_owned(),
            arg2: to.to_owned(),
            attributes: BTreeMap::new(),
        };
        ia.mode.set(Mode::Normal);
        if self.edit(Edit::InsertRelation { index, relation }) {
            self.selected.set(Some(id));
        }
    }

    /// Coreference: put two mentions in one entity, creating or merging clusters.
    pub fn same_entity(&self, a: &str, b: &str) {
        let ann = self.annotations();
        let (Some(ma), Some(mb)) = (ann.mention(a), ann.mention(b)) else {
            self.alert(AlertKind::Error, "Only mentions can be the same entity.");
            return;
        };
        let edit = match (ma.entity.clone(), mb.entity.clone()) {
            (Some(x), Some(y)) if x == y => return,
            (Some(x), Some(y)) => Edit::MergeEntities { into: x, from: y },
            (Some(x), None) => Edit::SetMentionEntity {
                id: b.into(),
                entity: Some(x),
            },
            (None, Some(y)) => Edit::SetMentionEntity {
                id: a.into(),
                entity: Some(y),
            },
            (None, None) => {
                // The longer mention is usually the name: "Mr Trump" over "he".
                let name = if ma.text.chars().count() >= mb.text.chars().count() {
                    &ma.text
                } else {
                    &mb.text
                };
                let entity = Entity {
                    id: ann.next_id("C"),
                    name: name.clone(),
                    kind: ma.kind.clone(),
                    normalization: None,
                    attributes: BTreeMap::new(),
                    note: None,
                };
                Edit::cluster(ann.entities.len(), entity, &[a.to_owned(), b.to_owned()])
            }
        };
        if self.edit(edit) {
            self.selected.set(Some(a.to_owned()));
        }
    }

    /// Take a mention out of its entity.
    pub fn split_from_entity(&self, mention: &str) {
        if let Some(edit) = self.with_current(|s| Edit::leave_entity(&s.doc.annotations, mention)) {
            self.edit(edit);
        }
    }

    pub fn set_attribute(&self, target: &str, name: &str, value: Option<AttrValue>) {
        self.edit(Edit::SetAttribute {
            target: target.to_owned(),
            name: name.to_owned(),
            value,
        });
    }

    pub fn set_note(&self, target: &str, note: String) {
        let note = (!note.trim().is_empty()).then_some(note);
        self.edit(Edit::SetNote {
            target: target.to_owned(),
            note,
        });
    }

    /// Set an entity's normalisation from text like `Wikidata:Q212`; empty clears it.
    pub fn set_normalization(&self, target: &str, text: &str) {
        let text = text.trim();
        let normalization = if text.is_empty() {
            None
        } else if let Some((resource, id)) = text
            .split_once(':')
            .filter(|(r, i)| !r.is_empty() && !i.is_empty())
        {
            Some(Normalization {
                resource: resource.trim().into(),
                id: id.trim().into(),
                label: String::new(),
            })
        } else {
            self.alert(AlertKind::Error, format!("“{text}” is not a normalisation: write RESOURCE:ID, for example Wikidata:Q212."));
            return;
        };
        self.edit(Edit::SetNormalization {
            target: target.to_owned(),
            normalization,
        });
    }

    pub fn set_entity_name(&self, id: &str, name: &str) {
        if !name.trim().is_empty() {
            self.edit(Edit::SetEntityName {
                id: id.to_owned(),
                name: name.trim().to_owned(),
            });
        }
    }

    /// Delete the selected annotation, whatever its kind. Removing a mention that fills
    /// an argument says so; one undo brings everything back.
    pub fn delete_annotation(&self) {
        let Some(id) = self.selected.get_untracked() else {
            return;
        };
        let ann = self.annotations();
        let roles: Vec<String> = ann
            .events
            .iter()
            .flat_map(|e| {
                e.arguments
                    .iter()
                    .filter(|a| a.target == id)
                    .map(move |a| format!("{} of {}", a.role, e.id))
            })
            .collect();
        let edit = match kind_of(&ann, &id) {
            Some(Kind::Mention) => Edit::RemoveMention { id: id.clone() },
            Some(Kind::Event) => Edit::RemoveEvent { id: id.clone() },
            Some(Kind::Relation) => Edit::RemoveRelation { id: id.clone() },
            Some(Kind::Entity) => Edit::RemoveEntity { id: id.clone() },
            None => return,
        };
        if self.edit(edit) {
            self.selected.set(None);
            if !roles.is_empty() {
                self.alert(
                    AlertKind::Info,
                    format!(
                        "Deleted {id}, which was the {}. Press Ctrl+Z to restore it.",
                        roles.join(" and the ")
                    ),
                );
            }
        }
    }

    /// Preview "annotate all occurrences" of the selected mention: every other exact,
    /// whole-word occurrence of its text not already tagged as a mention, in this document
    /// or (`corpus`) in every document, counted per document.
    pub fn preview_tag_all(&self, ia: Interaction, corpus: bool) {
        let Some(id) = self.selected.get_untracked() else {
            return;
        };
        let Some((open, kind, needle)) = self
            .with_current(|s| {
                let m = s.doc.annotations.mention(&id)?;
                (m.fragments.len() == 1)
                    .then(|| (s.doc.meta.id.clone(), m.kind.clone(), m.text.clone()))
            })
            .flatten()
        else {
            self.alert(
                AlertKind::Info,
                "Select a mention (one continuous span) to tag its other occurrences.",
            );
            return;
        };
        let docs = self.corpus.with_value(|c| {
            // The open document first, then the others in corpus order.
            let open_slot = c.iter().filter(|s| s.doc.meta.id == open);
            let others = c.iter().filter(|s| corpus && s.doc.meta.id != open);
            open_slot
                .chain(others)
                .filter_map(|s| {
                    let spans = untagged_occurrences(&s.doc.text, &s.doc.annotations, &needle);
                    (!spans.is_empty() || s.doc.meta.id == open)
                        .then(|| (s.doc.meta.id.clone(), s.doc.meta.title.clone(), spans))
                })
                .collect()
        });
        ia.tag_all.set(Some(TagAll {
            kind,
            needle,
            docs,
            corpus,
        }));
    }

    /// Switch the open preview between this document and the whole corpus.
    pub fn toggle_tag_all_scope(&self, ia: Interaction) {
        if let Some(preview) = ia.tag_all.get_untracked() {
            self.preview_tag_all(ia, !preview.corpus);
        }
    }

    /// Tag every previewed occurrence. In one document that is one undo step of it; across
    /// the corpus each document gets one step, and the corpus step undoes them together.
    pub fn confirm_tag_all(&self, ia: Interaction) {
        let Some(preview) = ia.tag_all.get_untracked() else {
            return;
        };
        ia.tag_all.set(None);
        let TagAll {
            kind,
            needle,
            docs,
            corpus,
        } = preview;
        if !corpus {
            let Some(edit) = self
                .with_current(|s| {
                    let spans = untagged_occurrences(&s.doc.text, &s.doc.annotations, &needle);
                    (!spans.is_empty()).then(|| {
                        (
                            spans.len(),
                            tag_spans_edit(&s.doc.annotations, &kind, &spans),
                        )
                    })
                })
                .flatten()
            else {
                return;
            };
            if self.edit(edit.1) {
                self.alert(
                    AlertKind::Info,
                    format!("Tagged {} more occurrences as {kind}.", edit.0),
                );
            }
            return;
        }
        if let Some(StorageTrouble::ReadOnly(why)) = self.trouble.get_untracked() {
            self.alert(AlertKind::Error, format!("Read-only: {why}"));
            return;
        }
        let mut changed = Vec::new();
        let mut tagged = 0;
        let mut failed = Vec::new();
        for (id, title, _) in &docs {
            // Counted again at the moment of tagging, so nothing tagged since is doubled.
            let result = self.change_doc(id, |slot| {
                let ann = &mut slot.doc.annotations;
                let spans = untagged_occurrences(&slot.doc.text, ann, &needle);
                if spans.is_empty() {
                    return Ok(0);
                }
                let edit = tag_spans_edit(ann, &kind, &spans);
                slot.history
                    .apply(ann, &slot.doc.text, edit)
                    .map(|()| spans.len())
            });
            match result {
                Some(Ok(0)) | None => {}
                Some(Ok(n)) => {
                    tagged += n;
                    changed.push(id.clone());
                }
                Some(Err(e)) => failed.push(format!("{title}: {e}")),
            }
        }
        if !changed.is_empty() {
            self.version.update(|v| *v += 1);
            self.schedule_save();
            ia.corpus_step.set_value(Some(CorpusStep {
                docs: changed.clone(),
                at: self.version.get_untracked(),
                undone: false,
                what: format!("{tagged} occurrences of “{needle}” as {kind}"),
            }));
            self.alert(
                AlertKind::Info,
                format!(
                    "Tagged {tagged} more occurrences of “{needle}” as {kind} in {} document(s). \
                     Ctrl+Z undoes all of them at once until your next edit; after that, \
                     each document undoes its own.",
                    changed.len()
                ),
            );
        }
        if !failed.is_empty() {
            self.alert(
                AlertKind::Error,
                format!("Not tagged in: {}", failed.join("; ")),
            );
        }
    }

    /// Undo: the last corpus-wide step when nothing was edited since, otherwise the open
    /// document's last step.
    pub fn undo_any(&self, ia: Interaction) {
        if !self.corpus_step_do(ia, true) {
            self.undo();
        }
    }

    pub fn redo_any(&self, ia: Interaction) {
        if !self.corpus_step_do(ia, false) {
            self.redo();
        }
    }

    /// Undo (or redo) the corpus step in every document it changed. It applies only while
    /// `version` is what the step left it at: any later change anywhere (an edit, an undo,
    /// another tab's save) retires it, and each document's own history takes over.
    fn corpus_step_do(&self, ia: Interaction, undo: bool) -> bool {
        let Some(mut step) = ia.corpus_step.get_value() else {
            return false;
        };
        if step.at != self.version.get_untracked() || step.undone == undo {
            if step.at != self.version.get_untracked() {
                ia.corpus_step.set_value(None);
            }
            return false;
        }
        let mut failed = Vec::new();
        for id in &step.docs {
            let result = self.change_doc(id, |slot| slot.undo_or_redo(undo));
            if !matches!(result, Some(Ok(true))) {
                failed.push(id.clone());
            }
        }
        self.selected.set(None);
        self.version.update(|v| *v += 1);
        self.schedule_save();
        step.undone = undo;
        step.at = self.version.get_untracked();
        let what = step.what.clone();
        let n = step.docs.len();
        ia.corpus_step.set_value(Some(step));
        if failed.is_empty() {
            let verb = if undo { "Undid" } else { "Redid" };
            self.alert(
                AlertKind::Info,
                format!("{verb} tagging {what} in {n} document(s)."),
            );
        } else {
            self.alert(
                AlertKind::Error,
                format!(
                    "Could not {} the tagging in {} document(s).",
                    if undo { "undo" } else { "redo" },
                    failed.len()
                ),
            );
        }
        true
    }

    /// Add a fragment to the selected mention: how a discontinuous span is made.
    pub fn add_fragment(&self, span: Span) -> bool {
        let Some(id) = self.selected.get_untracked() else {
            return false;
        };
        let Some(mut fragments) = self.annotations().mention(&id).map(|m| m.fragments.clone())
        else {
            return false;
        };
        if fragments.iter().any(|f| f.overlaps(&span)) {
            self.alert(
                AlertKind::Error,
                format!("The new fragment overlaps {id}; select text outside it."),
            );
            return false;
        }
        fragments.push(span);
        fragments.sort();
        if self.edit(Edit::SetMentionFragments { id, fragments }) {
            self.pending.set(None);
            clear_selection();
            return true;
        }
        false
    }

    /// Keyboard selection: move the pending span to the next or previous word, or (with
    /// `extend`) grow or shrink it by a word.
    pub fn move_pending(&self, forward: bool, extend: bool) {
        let Some(text) = self.with_current(|s| s.doc.text.clone()) else {
            return;
        };
        let w = words(&text);
        let pending = self.pending.get_untracked();
        let from_annotation = || {
            let id = self.selected.get_untracked()?;
            let ann = self.annotations();
            ann.mention(&id)
                .map(|m| Span::new(m.start(), m.end()))
                .or_else(|| {
                    ann.events
                        .iter()
                        .find(|e| e.id == id)
                        .and_then(|e| e.trigger.first().copied())
                })
        };
        // Starting from an annotation, a new selection begins at the word beside it
        // rather than growing the annotation's own span.
        let extend = extend && pending.is_some();
        let anchor = pending.or_else(from_annotation);
        let next = match (anchor, forward, extend) {
            (None, _, _) => w.first().copied(),
            (Some(a), true, false) => word_after(&w, a.end),
            (Some(a), false, false) => word_before(&w, a.start),
            (Some(a), true, true) => word_after(&w, a.end).map(|n| Span::new(a.start, n.end)),
            (Some(a), false, true) => word_before(&w, a.end.saturating_sub(1))
                .filter(|p| p.end > a.start)
                .map(|p| Span::new(a.start, p.end)),
        };
        if let Some(span) = next {
            self.selected.set(None);
            self.pending.set(Some(span));
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(".article").ok().flatten())
            {
                crate::browser::selection::select_span(&root, span);
            }
        }
    }

    /// Move the selection to the next or previous annotation in text order, wrapping
    /// around at the ends.
    pub fn step_annotation(&self, forward: bool) {
        let all = self.annotation_order();
        self.step_annotation_from(all, forward);
    }

    /// Every mention and event trigger, in text order, as (start, end, id).
    fn annotation_order(&self) -> Vec<(usize, usize, Id)> {
        let ann = self.annotations();
        let mut all: Vec<(usize, usize, Id)> = ann
            .mentions
            .iter()
            .map(|m| (m.start(), m.end(), m.id.clone()))
            .chain(ann.events.iter().filter_map(|e| {
                Some((
                    e.trigger.first()?.start,
                    e.trigger.first()?.end,
                    e.id.clone(),
                ))
            }))
            .collect();
        all.sort();
        all
    }

    /// Tab's step: like [`Self::step_annotation`] but without wrapping. Returns false at
    /// the end (and with no annotations), so the focus can leave the article.
    pub fn step_annotation_within(&self, forward: bool) -> bool {
        let all = self.annotation_order();
        let current = self
            .selected
            .get_untracked()
            .and_then(|id| all.iter().position(|a| a.2 == id));
        let next = match (current, forward) {
            (None, true) => Some(0),
            (None, false) => all.len().checked_sub(1),
            (Some(i), true) => Some(i + 1),
            (Some(i), false) => i.checked_sub(1),
        };
        match next.and_then(|i| all.get(i)) {
            Some((_, _, id)) => {
                self.pending.set(None);
                self.selected.set(Some(id.clone()));
                true
            }
            None => false,
        }
    }

    fn step_annotation_from(&self, all: Vec<(usize, usize, Id)>, forward: bool) {
        if all.is_empty() {
            return;
        }
        let current = self
            .selected
            .get_untracked()
            .and_then(|id| all.iter().position(|a| a.2 == id));
        let next = match (current, forward) {
            (None, true) => 0,
            (None, false) => all.len() - 1,
            (Some(i), true) => (i + 1) % all.len(),
            (Some(i), false) => (i + all.len() - 1) % all.len(),
        };
        self.pending.set(None);
        self.selected.set(Some(all[next].2.clone()));
    }
}
