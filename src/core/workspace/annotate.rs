//! Annotation actions on the open document: tagging a span (an entity mention, or the
//! trigger of an event), argument slots, relations, coreference, attributes and notes,
//! deleting, "annotate all occurrences" and the corpus-wide undo step it leaves.

use crate::core::sort;
use std::collections::BTreeMap;

use super::{Notice, Outcome, Refusal, Workspace};
use crate::core::edit::Edit;
use crate::core::model::{
    Annotations, Argument, AttrValue, Entity, Event, Id, Mention, Normalization, Relation, Span,
};
use crate::core::search::{tag_spans_edit, untagged_occurrences};
use crate::core::storage::KeyValueStore;

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
    /// The workspace's change count right after the step (or its undo or redo).
    at: u64,
    undone: bool,
    what: String,
}

/// An annotation an action made, with what it did: the UI selects `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub id: Id,
    pub outcome: Outcome,
}

/// Where a mention with this span goes in the sorted list: by start, longer first.
pub fn mention_position(ann: &Annotations, span: Span) -> usize {
    ann.mentions.partition_point(|m| {
        (m.start(), std::cmp::Reverse(m.end())) <= (span.start, std::cmp::Reverse(span.end))
    })
}

/// Where an event whose trigger starts at `span` goes: by trigger start, after equals.
pub fn event_position(ann: &Annotations, span: Span) -> usize {
    ann.events
        .partition_point(|e| e.trigger.first().is_some_and(|t| t.start <= span.start))
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
    } else if ann.event(id).is_some() {
        Some(Kind::Event)
    } else if ann.relations.iter().any(|r| r.id == id) {
        Some(Kind::Relation)
    } else if ann.entities.iter().any(|e| e.id == id) {
        Some(Kind::Entity)
    } else {
        None
    }
}

/// Parse a normalisation written like `Wikidata:Q212`; empty clears it.
pub fn parse_normalization(text: &str) -> Result<Option<Normalization>, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text
        .split_once(':')
        .filter(|(r, i)| !r.trim().is_empty() && !i.trim().is_empty())
    {
        Some((resource, id)) => Ok(Some(Normalization {
            resource: resource.trim().into(),
            id: id.trim().into(),
            label: String::new(),
        })),
        None => Err(Refusal::BadNormalization(text.to_owned())),
    }
}

impl<S: KeyValueStore> Workspace<S> {
    /// The open document's annotations (empty when none is open).
    pub fn open_annotations(&self) -> Option<&Annotations> {
        self.open_slot().map(|s| &s.doc.annotations)
    }

    fn open_ann(&self) -> Result<&Annotations, Refusal> {
        self.open_annotations().ok_or(Refusal::NothingOpen)
    }

    /// Tag `span` of the open document as `kind`: an entity type makes a mention (and,
    /// with `slot` = (event, role), fills that argument with it in the same step); an
    /// event type makes `span` the trigger of a new event.
    pub fn tag(
        &mut self,
        kind: &str,
        span: Span,
        slot: Option<(&str, &str)>,
    ) -> Result<Created, Refusal> {
        let ann = self.open_ann()?;
        if self.schema.event_type(kind).is_some() {
            let id = ann.next_id("E");
            let index = event_position(ann, span);
            let event = Event::new(
                id.clone(),
                kind.to_owned(),
                vec![span],
                String::new(),
                Vec::new(),
            );
            let outcome = self.edit(Edit::InsertEvent { index, event })?;
            return Ok(Created { id, outcome });
        }
        let id = ann.next_id("T");
        let insert = Edit::InsertMention {
            index: mention_position(ann, span),
            mention: Mention::new(id.clone(), kind.to_owned(), vec![span], String::new()),
        };
        let edit = match slot {
            Some((event, role)) => Edit::Batch(vec![insert, fill_edit(ann, event, role, &id)]),
            None => insert,
        };
        let outcome = self.edit(edit)?;
        Ok(Created { id, outcome })
    }

    /// Fill argument `role` of `event` with an existing annotation: a slot chosen by
    /// number, a drag from a trigger, or a link made by keys once its role is picked.
    pub fn fill(&mut self, event: &str, role: &str, target: &str) -> Result<Outcome, Refusal> {
        if event == target {
            return Err(Refusal::SelfArgument(event.to_owned()));
        }
        let edit = fill_edit(self.open_ann()?, event, role, target);
        self.edit(edit)
    }

    /// The role of `event`'s `index`th slot, in schema order.
    pub fn slot_role(&self, event: &str, index: usize) -> Option<String> {
        let kind = self.open_annotations()?.event(event)?.kind.clone();
        let t = self.schema.event_type(&kind)?;
        t.roles.get(index).map(|r| r.name.clone())
    }

    /// The (up to nine) mentions nearest an event's trigger that are not yet its
    /// arguments: while a slot is armed they are numbered, and a digit fills the slot.
    pub fn candidates(&self, event: &str) -> Vec<Id> {
        let Some(ann) = self.open_annotations() else {
            return Vec::new();
        };
        let Some(e) = ann.event(event) else {
            return Vec::new();
        };
        let at = e.trigger.first().map_or(0, |t| t.start);
        let mut near: Vec<(usize, &Id)> = ann
            .mentions
            .iter()
            .filter(|m| !e.arguments.iter().any(|a| a.target == m.id))
            .map(|m| (m.start().abs_diff(at), &m.id))
            .collect();
        sort::sort(&mut near);
        near.into_iter().take(9).map(|(_, id)| id.clone()).collect()
    }

    pub fn remove_argument(&mut self, event: &str, index: usize) -> Result<Outcome, Refusal> {
        self.edit(Edit::RemoveArgument {
            event: event.to_owned(),
            index,
        })
    }

    /// The roles of `from`'s event type that accept `to`'s type: what a link from an
    /// event's trigger can be, besides a relation.
    pub fn link_roles(&self, from: &str, to: &str) -> Vec<String> {
        let Some(ann) = self.open_annotations() else {
            return Vec::new();
        };
        let Some(event) = ann.event(from) else {
            return Vec::new();
        };
        let Some((kind, is_event)) = ann
            .mention(to)
            .map(|m| (m.kind.as_str(), false))
            .or_else(|| ann.event(to).map(|e| (e.kind.as_str(), true)))
        else {
            return Vec::new();
        };
        let s = &self.schema;
        s.event_type(&event.kind)
            .map(|t| {
                t.roles
                    .iter()
                    .filter(|r| s.type_allowed(&r.types, kind, is_event))
                    .map(|r| r.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Relation types whose argument types allow `from` → `to`.
    pub fn relation_types_for(&self, from: &str, to: &str) -> Vec<String> {
        let Some(ann) = self.open_annotations() else {
            return Vec::new();
        };
        let type_of = |id: &str| {
            ann.mention(id)
                .map(|m| (m.kind.as_str(), false))
                .or_else(|| ann.event(id).map(|e| (e.kind.as_str(), true)))
        };
        let (Some((a, a_event)), Some((b, b_event))) = (type_of(from), type_of(to)) else {
            return Vec::new();
        };
        let s = &self.schema;
        s.relation_types
            .iter()
            .filter(|r| s.type_allowed(&r.arg1, a, a_event) && s.type_allowed(&r.arg2, b, b_event))
            .map(|r| r.name.clone())
            .collect()
    }

    pub fn add_relation(&mut self, from: &str, to: &str, kind: &str) -> Result<Created, Refusal> {
        let ann = self.open_ann()?;
        let id = ann.next_id("R");
        let index = ann.relations.len();
        let relation = Relation {
            id: id.clone(),
            kind: kind.to_owned(),
            arg1: from.to_owned(),
            arg2: to.to_owned(),
            attributes: BTreeMap::new(),
        };
        let outcome = self.edit(Edit::InsertRelation { index, relation })?;
        Ok(Created { id, outcome })
    }

    /// Coreference: put two mentions in one entity, creating or merging clusters.
    pub fn same_entity(&mut self, a: &str, b: &str) -> Result<Outcome, Refusal> {
        let ann = self.open_ann()?;
        let (Some(ma), Some(mb)) = (ann.mention(a), ann.mention(b)) else {
            return Err(Refusal::NotMentions);
        };
        let edit = match (ma.entity.clone(), mb.entity.clone()) {
            (Some(x), Some(y)) if x == y => return Ok(Outcome::default()),
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
        self.edit(edit)
    }

    /// Take a mention out of its entity; the entity follows its remaining members (see
    /// [`Edit::leave_entity`]).
    pub fn split_from_entity(&mut self, mention: &str) -> Result<Outcome, Refusal> {
        let edit = Edit::leave_entity(self.open_ann()?, mention);
        self.edit(edit)
    }

    pub fn set_attribute(
        &mut self,
        target: &str,
        name: &str,
        value: Option<AttrValue>,
    ) -> Result<Outcome, Refusal> {
        self.edit(Edit::SetAttribute {
            target: target.to_owned(),
            name: name.to_owned(),
            value,
        })
    }

    /// Set a note; a blank one clears it.
    pub fn set_note(&mut self, target: &str, note: &str) -> Result<Outcome, Refusal> {
        let note = (!note.trim().is_empty()).then(|| note.to_owned());
        self.edit(Edit::SetNote {
            target: target.to_owned(),
            note,
        })
    }

    pub fn set_normalization(&mut self, target: &str, text: &str) -> Result<Outcome, Refusal> {
        let normalization = parse_normalization(text)?;
        self.edit(Edit::SetNormalization {
            target: target.to_owned(),
            normalization,
        })
    }

    /// Rename an entity; a blank name changes nothing.
    pub fn set_entity_name(&mut self, id: &str, name: &str) -> Result<Outcome, Refusal> {
        if name.trim().is_empty() {
            return Ok(Outcome::default());
        }
        self.edit(Edit::SetEntityName {
            id: id.to_owned(),
            name: name.trim().to_owned(),
        })
    }

    /// Delete annotation `id`, whatever its kind. Removing a mention that fills an
    /// argument says so; one undo brings everything back.
    pub fn delete_annotation(&mut self, id: &str) -> Result<Outcome, Refusal> {
        let ann = self.open_ann()?;
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
        let id = id.to_owned();
        let edit = match kind_of(ann, &id) {
            Some(Kind::Mention) => Edit::RemoveMention { id: id.clone() },
            Some(Kind::Event) => Edit::RemoveEvent { id: id.clone() },
            Some(Kind::Relation) => Edit::RemoveRelation { id: id.clone() },
            Some(Kind::Entity) => Edit::RemoveEntity { id: id.clone() },
            None => return Ok(Outcome::default()),
        };
        let mut out = self.edit(edit)?;
        if !roles.is_empty() {
            out.notices.push(Notice::DeletedArgument { id, roles });
        }
        Ok(out)
    }

    /// Add a fragment to mention `id`: how a discontinuous span is made.
    pub fn add_fragment(&mut self, id: &str, span: Span) -> Result<Outcome, Refusal> {
        let ann = self.open_ann()?;
        let mut fragments = ann
            .mention(id)
            .map(|m| m.fragments.clone())
            .ok_or(Refusal::NoSelection)?;
        if fragments.iter().any(|f| f.overlaps(&span)) {
            return Err(Refusal::FragmentOverlaps(id.to_owned()));
        }
        fragments.push(span);
        sort::sort(&mut fragments);
        self.edit(Edit::SetMentionFragments {
            id: id.to_owned(),
            fragments,
        })
    }

    /// Every mention and event trigger of the open document, in text order.
    pub fn annotation_order(&self) -> Vec<Id> {
        let Some(ann) = self.open_annotations() else {
            return Vec::new();
        };
        let mut all: Vec<(usize, usize, &Id)> = ann
            .mentions
            .iter()
            .map(|m| (m.start(), m.end(), &m.id))
            .chain(ann.events.iter().filter_map(|e| {
                let t = e.trigger.first()?;
                Some((t.start, t.end, &e.id))
            }))
            .collect();
        sort::sort(&mut all);
        all.into_iter().map(|(_, _, id)| id.clone()).collect()
    }

    /// Preview "annotate all occurrences" of mention `id`: every other exact, whole-word
    /// occurrence of its text not already tagged as a mention, in the open document or
    /// (`corpus`) in every document, counted per document.
    pub fn preview_tag_all(&self, id: &str, corpus: bool) -> Result<TagAll, Refusal> {
        let slot = self.open_slot().ok_or(Refusal::NothingOpen)?;
        let m = slot
            .doc
            .annotations
            .mention(id)
            .filter(|m| m.fragments.len() == 1)
            .ok_or(Refusal::NotASpan)?;
        let open = &slot.doc.meta.id;
        let (kind, needle) = (m.kind.clone(), m.text.clone());
        // The open document first, then the others in corpus order.
        let docs = std::iter::once(slot)
            .chain(
                self.corpus
                    .iter()
                    .filter(|s| corpus && s.doc.meta.id != *open),
            )
            .filter_map(|s| {
                let spans = untagged_occurrences(&s.doc.text, &s.doc.annotations, &needle);
                (!spans.is_empty() || s.doc.meta.id == *open)
                    .then(|| (s.doc.meta.id.clone(), s.doc.meta.title.clone(), spans))
            })
            .collect();
        Ok(TagAll {
            kind,
            needle,
            docs,
            corpus,
        })
    }

    /// Tag every previewed occurrence. In one document that is one undo step of it; across
    /// the corpus each document gets one step, and the corpus step undoes them together.
    /// Occurrences are counted again at the moment of tagging, so nothing is doubled.
    pub fn confirm_tag_all(&mut self, preview: &TagAll) -> Outcome {
        let TagAll {
            kind,
            needle,
            docs,
            corpus,
        } = preview;
        if let Err(why) = self.writable() {
            return Outcome::refused(why);
        }
        let mut out = Outcome::default();
        let mut changed = Vec::new();
        let mut tagged = 0;
        let mut failed = Vec::new();
        for (id, title, _) in docs.iter().take(if *corpus { usize::MAX } else { 1 }) {
            let Some(slot) = self.slot_mut(id) else {
                continue;
            };
            let spans = untagged_occurrences(&slot.doc.text, &slot.doc.annotations, needle);
            if spans.is_empty() {
                continue;
            }
            let edit = tag_spans_edit(&slot.doc.annotations, kind, &spans);
            match self
                .apply_stamped(id, edit)
                .expect("the slot was just found")
                .0
            {
                Ok(()) => {
                    tagged += spans.len();
                    changed.push(id.clone());
                    out = out.and(self.changed(id));
                }
                Err(e) => failed.push(format!("{title}: {e}")),
            }
        }
        if !changed.is_empty() {
            out.notices.push(if *corpus {
                Notice::TaggedCorpus {
                    count: tagged,
                    needle: needle.clone(),
                    kind: kind.clone(),
                    documents: changed.len(),
                }
            } else {
                Notice::TaggedHere {
                    count: tagged,
                    kind: kind.clone(),
                }
            });
            if *corpus {
                self.corpus_step = Some(CorpusStep {
                    docs: changed,
                    at: self.rev,
                    undone: false,
                    what: format!("{tagged} occurrences of “{needle}” as {kind}"),
                });
            }
        }
        if !failed.is_empty() {
            out.notices.push(Notice::NotTagged(failed));
        }
        out
    }

    /// Undo (or redo) the corpus step in every document it changed. It applies only while
    /// nothing changed since it: any later change anywhere (an edit, an undo, another
    /// tab's save) retires it, and each document's own history takes over. `None` when
    /// there is no step to take.
    pub(super) fn corpus_step_do(&mut self, undo: bool) -> Option<Outcome> {
        let step = self.corpus_step.take()?;
        if step.at != self.rev {
            return None;
        }
        if step.undone == undo {
            self.corpus_step = Some(step);
            return None;
        }
        let mut out = Outcome::default();
        let mut failed = 0;
        for id in &step.docs {
            match self.step_stamped(id, undo) {
                Some((Ok(true), _)) => out = out.and(self.changed(id)),
                _ => failed += 1,
            }
        }
        let documents = step.docs.len();
        out.notices.push(if failed == 0 {
            Notice::CorpusStep {
                undo,
                what: step.what.clone(),
                documents,
            }
        } else {
            Notice::CorpusStepFailed {
                undo,
                documents: failed,
            }
        });
        self.corpus_step = Some(CorpusStep {
            at: self.rev,
            undone: undo,
            ..step
        });
        Some(out)
    }
}

/// The edit that appends `target` as `role` to `event`'s arguments.
fn fill_edit(ann: &Annotations, event: &str, role: &str, target: &str) -> Edit {
    let index = ann.event(event).map_or(0, |e| e.arguments.len());
    Edit::InsertArgument {
        event: event.to_owned(),
        index,
        argument: Argument {
            role: role.to_owned(),
            target: target.to_owned(),
        },
    }
}
