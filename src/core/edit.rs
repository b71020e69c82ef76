//! Every change to the annotations is an [`Edit`]. Applying an edit returns its inverse,
//! and [`History`] keeps both, so undo and redo are exact: an undo restores every link a
//! removal cascaded to.
//!
//! Compound commands (merging and splitting entity clusters) lower to a [`Edit::Batch`]
//! of primitive edits, so their inverse is built from the same primitives.
//!
//! ```
//! use loupe::core::edit::{Edit, History};
//! use loupe::core::model::{Annotations, Mention, Span};
//! let text = "Russia attacked Kyiv.";
//! let mut ann = Annotations::default();
//! let mut history = History::default();
//! let mention = Mention {
//!     id: "T1".into(), kind: "GPE".into(), fragments: vec![Span::new(0, 6)],
//!     text: String::new(), attributes: Default::default(), normalization: None,
//!     note: None, entity: None,
//! };
//! history.apply(&mut ann, text, Edit::InsertMention { index: 0, mention }).unwrap();
//! assert_eq!(ann.mentions[0].text, "Russia");
//! history.undo(&mut ann, text).unwrap();
//! assert!(ann.mentions.is_empty());
//! ```

use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::sync::OnceLock;

use super::model::{
    Annotations, Argument, AttrValue, Entity, Event, Id, Mention, Normalization, Relation, Span,
};
use super::offsets::OffsetIndex;
use super::schema::{AnnotationKind, Schema};
use super::validate::{self, validate, Issue, Rule, Severity, SpanError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Insert a mention at a position in the list (position keeps undo exact).
    InsertMention {
        index: usize,
        mention: Mention,
    },
    /// Remove a mention, every argument and relation that points at it, and its entity
    /// cluster when it was the cluster's last member.
    RemoveMention {
        id: Id,
    },
    SetMentionType {
        id: Id,
        kind: String,
    },
    /// Resize a mention: replace its fragments. Its covered text is recomputed.
    SetMentionFragments {
        id: Id,
        fragments: Vec<Span>,
    },
    /// Put a mention into an entity cluster, or take it out (`None`).
    SetMentionEntity {
        id: Id,
        entity: Option<Id>,
    },
    /// Insert an event; its trigger text is filled in and its arguments must exist.
    InsertEvent {
        index: usize,
        event: Event,
    },
    /// Remove an event, with every argument and relation that points at it.
    RemoveEvent {
        id: Id,
    },
    SetEventType {
        id: Id,
        kind: String,
    },
    /// Resize an event's trigger.
    SetEventTrigger {
        id: Id,
        trigger: Vec<Span>,
    },
    InsertArgument {
        event: Id,
        index: usize,
        argument: Argument,
    },
    RemoveArgument {
        event: Id,
        index: usize,
    },
    InsertRelation {
        index: usize,
        relation: Relation,
    },
    RemoveRelation {
        id: Id,
    },
    /// Insert an entity cluster. Its members join with [`Edit::SetMentionEntity`].
    InsertEntity {
        index: usize,
        entity: Entity,
    },
    /// Remove an entity cluster; its mentions stay, unlinked.
    RemoveEntity {
        id: Id,
    },
    SetEntityName {
        id: Id,
        name: String,
    },
    SetEntityType {
        id: Id,
        kind: String,
    },
    /// Coreference: move every mention of `from` into `into`, and remove `from`.
    MergeEntities {
        into: Id,
        from: Id,
    },
    /// Coreference: move `mentions` (members of `from`) into the new cluster `entity`.
    SplitEntity {
        from: Id,
        mentions: Vec<Id>,
        entity: Entity,
    },
    /// Set (or clear, with `None`) an attribute of a mention, event, relation or entity.
    SetAttribute {
        target: Id,
        name: String,
        value: Option<AttrValue>,
    },
    /// Set (or clear) the note of a mention, event or entity.
    SetNote {
        target: Id,
        note: Option<String>,
    },
    /// Set (or clear) the normalisation of a mention or entity.
    SetNormalization {
        target: Id,
        normalization: Option<Normalization>,
    },
    /// Set the chosen labels of a document label set; an empty list clears the set.
    SetLabels {
        set: String,
        labels: Vec<String>,
    },
    /// Several edits applied, and undone, as one step.
    Batch(Vec<Edit>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    FragmentOutOfBounds {
        id: Id,
        span: Span,
        len: usize,
    },
    EmptyFragment {
        id: Id,
    },
    WhitespaceFragment {
        id: Id,
    },
    DuplicateId {
        id: Id,
    },
    Missing {
        id: Id,
    },
    NoFragments {
        id: Id,
    },
    /// The annotation exists but has no such field (for example a note on a relation).
    Unsupported {
        id: Id,
        what: &'static str,
    },
    /// The edit would break a schema rule; the message names the annotation.
    Invalid {
        message: String,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FragmentOutOfBounds { id, span, len } => SpanError::FragmentOutOfBounds {
                id: id.clone(),
                span: *span,
                len: *len,
            }
            .fmt(f),
            Self::EmptyFragment { id } => SpanError::EmptyFragment { id: id.clone() }.fmt(f),
            Self::WhitespaceFragment { id } => {
                SpanError::WhitespaceFragment { id: id.clone() }.fmt(f)
            }
            Self::NoFragments { id } => SpanError::NoFragments { id: id.clone() }.fmt(f),
            Self::DuplicateId { id } => {
                write!(f, "{id}: this id is already in use; pick a fresh one")
            }
            Self::Missing { id } => {
                write!(
                    f,
                    "{id}: no annotation has this id; it may have been deleted"
                )
            }
            Self::Unsupported { id, what } => {
                write!(f, "{id}: this kind of annotation has no {what}")
            }
            Self::Invalid { message } => write!(f, "{message}"),
        }
    }
}

impl From<SpanError> for EditError {
    fn from(err: SpanError) -> Self {
        match err {
            SpanError::NoFragments { id } => Self::NoFragments { id },
            SpanError::FragmentOutOfBounds { id, span, len } => {
                Self::FragmentOutOfBounds { id, span, len }
            }
            SpanError::EmptyFragment { id } => Self::EmptyFragment { id },
            SpanError::WhitespaceFragment { id } => Self::WhitespaceFragment { id },
        }
    }
}

impl std::error::Error for EditError {}

/// Check fragments against the text and return the text they cover, joined by one space.
/// An index makes this cheap on long texts; without one the text is scanned. The rules
/// are the validator's ([`validate::check_spans`]), with its error as an [`EditError`].
pub fn check_spans(
    text: &str,
    index: Option<&OffsetIndex>,
    id: &str,
    fragments: &[Span],
) -> Result<String, EditError> {
    validate::check_spans(text, index, id, fragments).map_err(EditError::from)
}

/// Check a mention's fragments against the text and fill in its covered text.
pub fn check_fragments(text: &str, mention: &mut Mention) -> Result<(), EditError> {
    mention.text = check_spans(text, None, &mention.id, &mention.fragments)?;
    Ok(())
}

fn target_exists(ann: &Annotations, id: &str) -> bool {
    ann.mention(id).is_some() || ann.event(id).is_some()
}

impl Edit {
    /// Apply to `ann` over `text`; return the edit that undoes it. On error nothing changes.
    pub fn apply(&self, ann: &mut Annotations, text: &str) -> Result<Edit, EditError> {
        self.apply_in(ann, text, &OnceLock::new())
    }

    /// [`Edit::apply`] with the text's offset index built at most once: for a whole batch
    /// (tagging 10,000 occurrences of a word in a 1 MB article must not index it 10,000
    /// times), or for as long as a document stays open (see [`History::apply_in`]).
    pub fn apply_in(
        &self,
        ann: &mut Annotations,
        text: &str,
        index: &OnceLock<OffsetIndex>,
    ) -> Result<Edit, EditError> {
        let spans = Spans { text, index };
        match self {
            Edit::InsertMention { index, mention } => insert_mention(ann, spans, *index, mention),
            Edit::RemoveMention { id } => remove_mention(ann, id),
            Edit::SetMentionType { id, kind } => {
                let at = position(&ann.mentions, |m| &m.id, id)?;
                let old = std::mem::replace(&mut ann.mentions[at].kind, kind.clone());
                Ok(Edit::SetMentionType {
                    id: id.clone(),
                    kind: old,
                })
            }
            Edit::SetMentionFragments { id, fragments } => {
                let at = position(&ann.mentions, |m| &m.id, id)?;
                let covered = spans.check(id, fragments)?;
                let m = &mut ann.mentions[at];
                m.text = covered;
                let old = std::mem::replace(&mut m.fragments, fragments.clone());
                Ok(Edit::SetMentionFragments {
                    id: id.clone(),
                    fragments: old,
                })
            }
            Edit::SetMentionEntity { id, entity } => set_mention_entity(ann, id, entity.as_ref()),
            Edit::InsertEvent { index, event } => insert_event(ann, spans, *index, event),
            Edit::RemoveEvent { id } => {
                let at = position(&ann.events, |e| &e.id, id)?;
                // Unlinking removes arguments and relations only, so `at` still holds.
                let mut undo = unlink_target(ann, id);
                let event = ann.events.remove(at);
                undo.push(Edit::InsertEvent { index: at, event });
                undo.reverse();
                Ok(single_or_batch(undo))
            }
            Edit::SetEventType { id, kind } => {
                let at = position(&ann.events, |e| &e.id, id)?;
                let old = std::mem::replace(&mut ann.events[at].kind, kind.clone());
                Ok(Edit::SetEventType {
                    id: id.clone(),
                    kind: old,
                })
            }
            Edit::SetEventTrigger { id, trigger } => {
                let at = position(&ann.events, |e| &e.id, id)?;
                let covered = spans.check(id, trigger)?;
                let e = &mut ann.events[at];
                e.trigger_text = covered;
                let old = std::mem::replace(&mut e.trigger, trigger.clone());
                Ok(Edit::SetEventTrigger {
                    id: id.clone(),
                    trigger: old,
                })
            }
            Edit::InsertArgument {
                event,
                index,
                argument,
            } => insert_argument(ann, event, *index, argument),
            Edit::RemoveArgument { event, index } => remove_argument(ann, event, *index),
            Edit::InsertRelation { index, relation } => insert_relation(ann, *index, relation),
            Edit::RemoveRelation { id } => {
                let at = position(&ann.relations, |r| &r.id, id)?;
                let relation = ann.relations.remove(at);
                Ok(Edit::InsertRelation {
                    index: at,
                    relation,
                })
            }
            Edit::InsertEntity { index, entity } => insert_entity(ann, *index, entity),
            Edit::RemoveEntity { id } => remove_entity(ann, id),
            Edit::SetEntityName { id, name } => {
                let at = position(&ann.entities, |e| &e.id, id)?;
                let old = std::mem::replace(&mut ann.entities[at].name, name.clone());
                Ok(Edit::SetEntityName {
                    id: id.clone(),
                    name: old,
                })
            }
            Edit::SetEntityType { id, kind } => {
                let at = position(&ann.entities, |e| &e.id, id)?;
                let old = std::mem::replace(&mut ann.entities[at].kind, kind.clone());
                Ok(Edit::SetEntityType {
                    id: id.clone(),
                    kind: old,
                })
            }
            Edit::MergeEntities { into, from } => merge_entities(ann, spans, into, from),
            Edit::SplitEntity {
                from,
                mentions,
                entity,
            } => split_entity(ann, spans, from, mentions, entity),
            Edit::SetAttribute {
                target,
                name,
                value,
            } => set_attribute(ann, target, name, value.as_ref()),
            Edit::SetNote { target, note } => set_note(ann, target, note.as_ref()),
            Edit::SetNormalization {
                target,
                normalization,
            } => set_normalization(ann, target, normalization.as_ref()),
            Edit::SetLabels { set, labels } => {
                let old = if labels.is_empty() {
                    ann.labels.remove(set)
                } else {
                    ann.labels.insert(set.clone(), labels.clone())
                };
                Ok(Edit::SetLabels {
                    set: set.clone(),
                    labels: old.unwrap_or_default(),
                })
            }
            Edit::Batch(edits) => apply_batch(ann, spans, edits),
        }
    }

    /// Take `mention` out of its entity, as one step. The entity follows its remaining
    /// members' name and type when it was named after this mention, as on deletion. The
    /// renaming is decided here, not when the edit applies, so undo and redo stay exact.
    pub fn leave_entity(ann: &Annotations, mention: &str) -> Edit {
        let leave = Edit::SetMentionEntity {
            id: mention.to_owned(),
            entity: None,
        };
        let Some((m, cluster)) = ann
            .mention(mention)
            .and_then(|m| Some((m, m.entity.as_deref()?)))
        else {
            return leave;
        };
        let mut steps = vec![leave];
        steps.extend(follow_members(ann, cluster, m));
        single_or_batch(steps)
    }

    /// A new cluster `entity` holding `mentions` (which may already sit in other clusters;
    /// they move). One step for the UI's "these are the same entity".
    pub fn cluster(index: usize, entity: Entity, mentions: &[Id]) -> Edit {
        let mut steps = vec![Edit::InsertEntity {
            index,
            entity: entity.clone(),
        }];
        steps.extend(mentions.iter().map(|id| Edit::SetMentionEntity {
            id: id.clone(),
            entity: Some(entity.id.clone()),
        }));
        Edit::Batch(steps)
    }
}

/// The text an edit applies over, with its offset index built at most once.
#[derive(Clone, Copy)]
struct Spans<'a> {
    text: &'a str,
    index: &'a OnceLock<OffsetIndex>,
}

impl Spans<'_> {
    /// The text `fragments` cover, or why they do not fit the text.
    fn check(&self, id: &str, fragments: &[Span]) -> Result<String, EditError> {
        let index = self.index.get_or_init(|| OffsetIndex::new(self.text));
        check_spans(self.text, Some(index), id, fragments)
    }
}

fn insert_mention(
    ann: &mut Annotations,
    spans: Spans,
    index: usize,
    mention: &Mention,
) -> Result<Edit, EditError> {
    if ann.contains_id(&mention.id) {
        return Err(EditError::DuplicateId {
            id: mention.id.clone(),
        });
    }
    if let Some(entity) = &mention.entity {
        position(&ann.entities, |e| &e.id, entity)?;
    }
    let mut mention = mention.clone();
    mention.text = spans.check(&mention.id, &mention.fragments)?;
    let id = mention.id.clone();
    ann.mentions.insert(index.min(ann.mentions.len()), mention);
    Ok(Edit::RemoveMention { id })
}

fn remove_mention(ann: &mut Annotations, id: &str) -> Result<Edit, EditError> {
    let index = position(&ann.mentions, |m| &m.id, id)?;
    // Unlink first, recording each link so one undo restores them all.
    let mut undo = unlink_target(ann, id);
    let mention = ann.mentions.remove(index);
    let cluster = mention.entity.clone();
    let renames = match &cluster {
        Some(cluster) => follow_members(ann, cluster, &mention),
        None => Vec::new(),
    };
    undo.push(Edit::InsertMention { index, mention });
    for rename in renames {
        // The entity exists (its members were just counted), so these cannot fail.
        undo.extend(rename.apply(ann, "").ok());
    }
    // A cluster without members means nothing; it goes with its last mention.
    if let Some(cluster) = cluster {
        if ann.members(&cluster).next().is_none() {
            if let Ok(i) = position(&ann.entities, |e| &e.id, &cluster) {
                let entity = ann.entities.remove(i);
                undo.push(Edit::InsertEntity { index: i, entity });
            }
        }
    }
    undo.reverse();
    Ok(single_or_batch(undo))
}

fn set_mention_entity(
    ann: &mut Annotations,
    id: &str,
    entity: Option<&Id>,
) -> Result<Edit, EditError> {
    let index = position(&ann.mentions, |m| &m.id, id)?;
    if let Some(entity) = entity {
        position(&ann.entities, |e| &e.id, entity)?;
    }
    let old = std::mem::replace(&mut ann.mentions[index].entity, entity.cloned());
    Ok(Edit::SetMentionEntity {
        id: id.to_owned(),
        entity: old,
    })
}

/// When mention `left` leaves entity `cluster` (deleted, or taken out), an entity named
/// or typed after it takes the name and type of the members that remain: the longest
/// one's, as a new cluster is named. A name or type that still fits a member, or that the
/// annotator chose, stays. Returns the edits that do it (none when no member remains).
fn follow_members(ann: &Annotations, cluster: &str, left: &Mention) -> Vec<Edit> {
    let Some(entity) = ann.entity(cluster) else {
        return Vec::new();
    };
    let (mut name_fits, mut kind_fits) = (false, false);
    let mut longest: Option<&Mention> = None;
    for m in ann.members(cluster).filter(|m| m.id != left.id) {
        name_fits |= m.text == entity.name;
        kind_fits |= m.kind == entity.kind;
        if longest.is_none_or(|l| m.text.chars().count() > l.text.chars().count()) {
            longest = Some(m);
        }
    }
    let Some(longest) = longest else {
        return Vec::new();
    };
    let mut edits = Vec::new();
    if !name_fits && entity.name == left.text {
        edits.push(Edit::SetEntityName {
            id: entity.id.clone(),
            name: longest.text.clone(),
        });
    }
    if !kind_fits && entity.kind == left.kind {
        edits.push(Edit::SetEntityType {
            id: entity.id.clone(),
            kind: longest.kind.clone(),
        });
    }
    edits
}

fn insert_event(
    ann: &mut Annotations,
    spans: Spans,
    index: usize,
    event: &Event,
) -> Result<Edit, EditError> {
    if ann.contains_id(&event.id) {
        return Err(EditError::DuplicateId {
            id: event.id.clone(),
        });
    }
    let mut event = event.clone();
    event.trigger_text = spans.check(&event.id, &event.trigger)?;
    for argument in &event.arguments {
        if argument.target != event.id && !target_exists(ann, &argument.target) {
            return Err(EditError::Missing {
                id: argument.target.clone(),
            });
        }
    }
    let id = event.id.clone();
    ann.events.insert(index.min(ann.events.len()), event);
    Ok(Edit::RemoveEvent { id })
}

fn insert_argument(
    ann: &mut Annotations,
    event: &Id,
    index: usize,
    argument: &Argument,
) -> Result<Edit, EditError> {
    let e = position(&ann.events, |e| &e.id, event)?;
    if !target_exists(ann, &argument.target) {
        return Err(EditError::Missing {
            id: argument.target.clone(),
        });
    }
    let args = &mut ann.events[e].arguments;
    let index = index.min(args.len());
    args.insert(index, argument.clone());
    Ok(Edit::RemoveArgument {
        event: event.clone(),
        index,
    })
}

fn remove_argument(ann: &mut Annotations, event: &Id, index: usize) -> Result<Edit, EditError> {
    let e = position(&ann.events, |e| &e.id, event)?;
    let args = &mut ann.events[e].arguments;
    if index >= args.len() {
        return Err(EditError::Missing {
            id: format!("{event} argument {index}"),
        });
    }
    let argument = args.remove(index);
    Ok(Edit::InsertArgument {
        event: event.clone(),
        index,
        argument,
    })
}

fn insert_relation(
    ann: &mut Annotations,
    index: usize,
    relation: &Relation,
) -> Result<Edit, EditError> {
    if ann.contains_id(&relation.id) {
        return Err(EditError::DuplicateId {
            id: relation.id.clone(),
        });
    }
    for arg in [&relation.arg1, &relation.arg2] {
        if !target_exists(ann, arg) {
            return Err(EditError::Missing { id: arg.clone() });
        }
    }
    let index = index.min(ann.relations.len());
    ann.relations.insert(index, relation.clone());
    Ok(Edit::RemoveRelation {
        id: relation.id.clone(),
    })
}

fn insert_entity(ann: &mut Annotations, index: usize, entity: &Entity) -> Result<Edit, EditError> {
    if ann.contains_id(&entity.id) {
        return Err(EditError::DuplicateId {
            id: entity.id.clone(),
        });
    }
    let index = index.min(ann.entities.len());
    ann.entities.insert(index, entity.clone());
    Ok(Edit::RemoveEntity {
        id: entity.id.clone(),
    })
}

fn remove_entity(ann: &mut Annotations, id: &Id) -> Result<Edit, EditError> {
    let index = position(&ann.entities, |e| &e.id, id)?;
    let mut undo = Vec::new();
    for m in ann
        .mentions
        .iter_mut()
        .filter(|m| m.entity.as_deref() == Some(id))
    {
        m.entity = None;
        undo.push(Edit::SetMentionEntity {
            id: m.id.clone(),
            entity: Some(id.clone()),
        });
    }
    let entity = ann.entities.remove(index);
    undo.push(Edit::InsertEntity { index, entity });
    undo.reverse();
    Ok(single_or_batch(undo))
}

fn merge_entities(
    ann: &mut Annotations,
    spans: Spans,
    into: &Id,
    from: &Id,
) -> Result<Edit, EditError> {
    position(&ann.entities, |e| &e.id, into)?;
    position(&ann.entities, |e| &e.id, from)?;
    if into == from {
        return Err(EditError::Invalid {
            message: format!("{into}: an entity cannot be merged with itself; pick two clusters"),
        });
    }
    let mut steps: Vec<Edit> = ann
        .members(from)
        .map(|m| Edit::SetMentionEntity {
            id: m.id.clone(),
            entity: Some(into.clone()),
        })
        .collect();
    steps.push(Edit::RemoveEntity { id: from.clone() });
    apply_batch(ann, spans, &steps)
}

fn split_entity(
    ann: &mut Annotations,
    spans: Spans,
    from: &Id,
    mentions: &[Id],
    entity: &Entity,
) -> Result<Edit, EditError> {
    let at = position(&ann.entities, |e| &e.id, from)?;
    for id in mentions {
        let index = position(&ann.mentions, |m| &m.id, id)?;
        if ann.mentions[index].entity.as_deref() != Some(from.as_str()) {
            return Err(EditError::Invalid {
                message: format!(
                    "{id}: this mention is not in entity {from}, so it cannot be split off it"
                ),
            });
        }
    }
    let mut steps = vec![Edit::InsertEntity {
        index: at + 1,
        entity: entity.clone(),
    }];
    steps.extend(mentions.iter().map(|id| Edit::SetMentionEntity {
        id: id.clone(),
        entity: Some(entity.id.clone()),
    }));
    apply_batch(ann, spans, &steps)
}

fn set_attribute(
    ann: &mut Annotations,
    target: &Id,
    name: &str,
    value: Option<&AttrValue>,
) -> Result<Edit, EditError> {
    let attributes = if let Some(m) = ann.mentions.iter_mut().find(|m| &m.id == target) {
        &mut m.attributes
    } else if let Some(e) = ann.events.iter_mut().find(|e| &e.id == target) {
        &mut e.attributes
    } else if let Some(r) = ann.relations.iter_mut().find(|r| &r.id == target) {
        &mut r.attributes
    } else if let Some(e) = ann.entities.iter_mut().find(|e| &e.id == target) {
        &mut e.attributes
    } else {
        return Err(EditError::Missing { id: target.clone() });
    };
    let old = match value {
        Some(v) => attributes.insert(name.to_owned(), v.clone()),
        None => attributes.remove(name),
    };
    Ok(Edit::SetAttribute {
        target: target.clone(),
        name: name.to_owned(),
        value: old,
    })
}

fn set_note(ann: &mut Annotations, target: &Id, note: Option<&String>) -> Result<Edit, EditError> {
    let slot = if let Some(m) = ann.mentions.iter_mut().find(|m| &m.id == target) {
        &mut m.note
    } else if let Some(e) = ann.events.iter_mut().find(|e| &e.id == target) {
        &mut e.note
    } else if let Some(e) = ann.entities.iter_mut().find(|e| &e.id == target) {
        &mut e.note
    } else if ann.relation(target).is_some() {
        return Err(EditError::Unsupported {
            id: target.clone(),
            what: "note",
        });
    } else {
        return Err(EditError::Missing { id: target.clone() });
    };
    let old = std::mem::replace(slot, note.cloned());
    Ok(Edit::SetNote {
        target: target.clone(),
        note: old,
    })
}

fn set_normalization(
    ann: &mut Annotations,
    target: &Id,
    normalization: Option<&Normalization>,
) -> Result<Edit, EditError> {
    let slot = if let Some(m) = ann.mentions.iter_mut().find(|m| &m.id == target) {
        &mut m.normalization
    } else if let Some(e) = ann.entities.iter_mut().find(|e| &e.id == target) {
        &mut e.normalization
    } else if ann.contains_id(target) {
        return Err(EditError::Unsupported {
            id: target.clone(),
            what: "normalisation",
        });
    } else {
        return Err(EditError::Missing { id: target.clone() });
    };
    let old = std::mem::replace(slot, normalization.cloned());
    Ok(Edit::SetNormalization {
        target: target.clone(),
        normalization: old,
    })
}

/// Several edits as one step: all or nothing.
fn apply_batch(ann: &mut Annotations, spans: Spans, edits: &[Edit]) -> Result<Edit, EditError> {
    let mut undo = Vec::with_capacity(edits.len());
    for edit in edits {
        match edit.apply_in(ann, spans.text, spans.index) {
            Ok(inverse) => undo.push(inverse),
            Err(err) => {
                // Roll back what this batch already did.
                for inverse in undo.into_iter().rev() {
                    let _ = inverse.apply_in(ann, spans.text, spans.index);
                }
                return Err(err);
            }
        }
    }
    undo.reverse();
    Ok(Edit::Batch(undo))
}

/// Take out of `ann` everything with a hard error against `text` and `schema`, the way a
/// lenient import keeps the valid part of a file. The smallest part goes: an argument or
/// an attribute that breaks a rule, a mention's link to a missing entity; else the whole
/// annotation, with the arguments and relations that pointed at it. Returns one issue
/// per thing taken out, naming the rule it broke, so nothing is dropped silently.
pub fn drop_invalid(ann: &mut Annotations, text: &str, schema: Option<&Schema>) -> Vec<Issue> {
    let index = OnceLock::new();
    let mut dropped = Vec::new();
    // Each round takes something out, so this ends; a removal can leave new errors (an
    // argument at a removed mention goes with it), hence the rounds.
    loop {
        let errors: Vec<Issue> = validate(text, ann, schema).errors().cloned().collect();
        let before = dropped.len();
        for issue in errors {
            take_out(ann, text, &index, schema, issue, &mut dropped);
        }
        if dropped.len() == before {
            return dropped;
        }
    }
}

fn take_out(
    ann: &mut Annotations,
    text: &str,
    index: &OnceLock<OffsetIndex>,
    schema: Option<&Schema>,
    issue: Issue,
    dropped: &mut Vec<Issue>,
) {
    let id = issue.id.clone();
    if let Some(set) = id.strip_prefix("labels:") {
        let known = schema
            .and_then(|s| s.label_set(set))
            .map(|d| d.labels.clone());
        match known {
            Some(known) if issue.rule == Rule::UnknownLabel => {
                if let Some(labels) = ann.labels.get_mut(set) {
                    labels.retain(|l| known.contains(l));
                }
            }
            _ => {
                ann.labels.remove(set);
            }
        }
        dropped.push(issue);
        return;
    }
    let repaired = match issue.rule {
        Rule::DuplicateId => remove_duplicate(ann, &id),
        Rule::MissingTarget => unlink_missing(ann, &id),
        Rule::UnknownRole => {
            let roles = |kind: &str| {
                schema
                    .and_then(|s| s.event_type(kind))
                    .map(|t| t.roles.iter().map(|r| r.name.clone()).collect::<Vec<_>>())
            };
            match ann.events.iter_mut().find(|e| e.id == id) {
                Some(e) => {
                    let roles = roles(&e.kind).unwrap_or_default();
                    e.arguments.retain(|a| roles.contains(&a.role));
                    true
                }
                None => false,
            }
        }
        Rule::UnknownAttribute | Rule::BadAttributeValue => match schema {
            Some(schema) => drop_attributes(ann, schema, &id),
            None => false,
        },
        _ => false,
    };
    if repaired {
        dropped.push(issue);
        return;
    }
    let removal = match () {
        _ if ann.mention(&id).is_some() => Edit::RemoveMention { id: id.clone() },
        _ if ann.event(&id).is_some() => Edit::RemoveEvent { id: id.clone() },
        _ if ann.relation(&id).is_some() => Edit::RemoveRelation { id: id.clone() },
        _ if ann.entity(&id).is_some() => Edit::RemoveEntity { id: id.clone() },
        _ => return,
    };
    let Ok(inverse) = removal.apply_in(ann, text, index) else {
        return;
    };
    dropped.push(issue);
    // What went with it: say so, each on its own line.
    let mut restore = vec![inverse];
    while let Some(edit) = restore.pop() {
        match edit {
            Edit::Batch(edits) => restore.extend(edits),
            Edit::InsertArgument {
                event, argument, ..
            } => dropped.push(cascade(
                &event,
                format!(
                    "{event}: its {} argument pointed at {id}, which was left out, so it was left out too",
                    argument.role
                ),
            )),
            Edit::InsertRelation { relation, .. } => dropped.push(cascade(
                &relation.id,
                format!(
                    "{}: it linked {id}, which was left out, so it was left out too",
                    relation.id
                ),
            )),
            _ => {}
        }
    }
}

fn cascade(id: &str, message: String) -> Issue {
    Issue {
        severity: Severity::Error,
        rule: Rule::MissingTarget,
        id: id.to_owned(),
        message,
    }
}

/// Remove the later annotation of two that share `id` (the first keeps it).
fn remove_duplicate(ann: &mut Annotations, id: &str) -> bool {
    fn drop_last<T>(list: &mut Vec<T>, is: impl Fn(&T) -> bool) -> bool {
        match list.iter().rposition(is) {
            Some(i) => {
                list.remove(i);
                true
            }
            None => false,
        }
    }
    let count = ann.mentions.iter().filter(|m| m.id == id).count()
        + ann.events.iter().filter(|e| e.id == id).count()
        + ann.relations.iter().filter(|r| r.id == id).count()
        + ann.entities.iter().filter(|e| e.id == id).count();
    if count < 2 {
        return false;
    }
    // The validator's order: mentions, events, relations, entities; the last is later.
    drop_last(&mut ann.entities, |e| e.id == id)
        || drop_last(&mut ann.relations, |r| r.id == id)
        || drop_last(&mut ann.events, |e| e.id == id)
        || drop_last(&mut ann.mentions, |m| m.id == id)
}

/// Drop the references of annotation `id` that point at nothing: a mention's entity, an
/// event's arguments. A relation with a missing end is not repaired: it goes whole.
fn unlink_missing(ann: &mut Annotations, id: &str) -> bool {
    let entities: Vec<Id> = ann.entities.iter().map(|e| e.id.clone()).collect();
    let targets: Vec<Id> = ann
        .mentions
        .iter()
        .map(|m| m.id.clone())
        .chain(ann.events.iter().map(|e| e.id.clone()))
        .collect();
    if let Some(m) = ann.mentions.iter_mut().find(|m| m.id == id) {
        if m.entity.as_ref().is_some_and(|e| !entities.contains(e)) {
            m.entity = None;
            return true;
        }
    }
    if let Some(e) = ann.events.iter_mut().find(|e| e.id == id) {
        let before = e.arguments.len();
        e.arguments.retain(|a| targets.contains(&a.target));
        return e.arguments.len() < before;
    }
    false
}

/// Keep only the attributes of annotation `id` that the schema allows.
fn drop_attributes(ann: &mut Annotations, schema: &Schema, id: &str) -> bool {
    let (kind, attributes) = if let Some(m) = ann.mentions.iter_mut().find(|m| m.id == id) {
        (AnnotationKind::Mention, &mut m.attributes)
    } else if let Some(e) = ann.events.iter_mut().find(|e| e.id == id) {
        (AnnotationKind::Event, &mut e.attributes)
    } else if let Some(r) = ann.relations.iter_mut().find(|r| r.id == id) {
        (AnnotationKind::Relation, &mut r.attributes)
    } else if let Some(e) = ann.entities.iter_mut().find(|e| e.id == id) {
        (AnnotationKind::Entity, &mut e.attributes)
    } else {
        return false;
    };
    let before = attributes.len();
    attributes.retain(|name, value| validate::attribute_fits(schema, kind, name, value));
    attributes.len() < before
}

/// Remove every argument and relation that points at `id`, returning the edits that put
/// them back (in removal order; the caller reverses the whole list).
fn unlink_target(ann: &mut Annotations, id: &str) -> Vec<Edit> {
    let mut undo = Vec::new();
    for event in &mut ann.events {
        let mut i = 0;
        while i < event.arguments.len() {
            if event.arguments[i].target == id {
                let argument = event.arguments.remove(i);
                undo.push(Edit::InsertArgument {
                    event: event.id.clone(),
                    index: i,
                    argument,
                });
            } else {
                i += 1;
            }
        }
    }
    let mut i = 0;
    while i < ann.relations.len() {
        if ann.relations[i].arg1 == id || ann.relations[i].arg2 == id {
            let relation = ann.relations.remove(i);
            undo.push(Edit::InsertRelation { index: i, relation });
        } else {
            i += 1;
        }
    }
    undo
}

impl Edit {
    /// Whether this edit leaves alone everything the article draws as a span: the
    /// mentions and triggers (ids, types, extents) and the entities' numbers (their order,
    /// and who belongs to which). An argument, a relation, an attribute or a note: the
    /// article keeps its paragraphs and redraws only the arcs. Unlisted edits count as
    /// moving spans, so a new kind of edit is redrawn until it is listed here.
    pub fn keeps_spans(&self) -> bool {
        match self {
            Edit::InsertArgument { .. }
            | Edit::RemoveArgument { .. }
            | Edit::InsertRelation { .. }
            | Edit::RemoveRelation { .. }
            | Edit::SetEntityName { .. }
            | Edit::SetAttribute { .. }
            | Edit::SetNote { .. }
            | Edit::SetNormalization { .. }
            | Edit::SetLabels { .. } => true,
            Edit::Batch(edits) => edits.iter().all(Edit::keeps_spans),
            _ => false,
        }
    }

    /// Whether this edit leaves every arc as it was: the arguments, the relations, where
    /// their ends are, and the members of each entity. A new mention of no entity or a new
    /// event with no arguments, a type, a name, an attribute or a note: the article keeps
    /// its arcs. Unlisted edits count as changing arcs.
    pub fn keeps_arcs(&self) -> bool {
        match self {
            Edit::InsertMention { mention, .. } => mention.entity.is_none(),
            Edit::InsertEvent { event, .. } => event.arguments.is_empty(),
            Edit::SetMentionType { .. }
            | Edit::SetEventType { .. }
            | Edit::SetEntityName { .. }
            | Edit::SetAttribute { .. }
            | Edit::SetNote { .. }
            | Edit::SetNormalization { .. }
            | Edit::SetLabels { .. } => true,
            Edit::Batch(edits) => edits.iter().all(Edit::keeps_arcs),
            _ => false,
        }
    }

    /// Every annotation this edit may add, change or remove when applied to `ann`: the
    /// ones it names, plus what a removal or a coreference change takes along (arguments
    /// and relations pointing at a removed target, a cluster's members). A superset, so
    /// that an edit's effect is found by comparing these alone instead of the whole
    /// document (the `affected_covers_every_change` property checks it).
    pub fn affected(&self, ann: &Annotations, out: &mut BTreeSet<Id>) {
        let mut add = |id: &Id| {
            out.insert(id.clone());
        };
        match self {
            Edit::InsertMention { mention, .. } => add(&mention.id),
            Edit::RemoveMention { id } => {
                add(id);
                if let Some(cluster) = ann.mention(id).and_then(|m| m.entity.as_ref()) {
                    add(cluster);
                }
                pointing_at(ann, id, &mut add);
            }
            Edit::SetMentionEntity { id, entity } => {
                add(id);
                entity.iter().for_each(&mut add);
                if let Some(old) = ann.mention(id).and_then(|m| m.entity.as_ref()) {
                    add(old);
                }
            }
            Edit::InsertEvent { event, .. } => add(&event.id),
            Edit::RemoveEvent { id } => {
                add(id);
                pointing_at(ann, id, &mut add);
            }
            Edit::InsertArgument { event, .. } | Edit::RemoveArgument { event, .. } => add(event),
            Edit::InsertRelation { relation, .. } => add(&relation.id),
            Edit::InsertEntity { entity, .. } => add(&entity.id),
            Edit::RemoveEntity { id } => {
                add(id);
                ann.members(id).for_each(|m| add(&m.id));
            }
            Edit::MergeEntities { into, from } => {
                add(into);
                add(from);
                ann.members(from).for_each(|m| add(&m.id));
            }
            Edit::SplitEntity {
                from,
                mentions,
                entity,
            } => {
                add(from);
                add(&entity.id);
                mentions.iter().for_each(add);
            }
            Edit::SetMentionType { id, .. }
            | Edit::SetMentionFragments { id, .. }
            | Edit::SetEventType { id, .. }
            | Edit::SetEventTrigger { id, .. }
            | Edit::RemoveRelation { id }
            | Edit::SetEntityName { id, .. }
            | Edit::SetEntityType { id, .. } => add(id),
            Edit::SetAttribute { target, .. }
            | Edit::SetNote { target, .. }
            | Edit::SetNormalization { target, .. } => add(target),
            Edit::SetLabels { .. } => {}
            Edit::Batch(edits) => edits.iter().for_each(|e| e.affected(ann, out)),
        }
    }
}

/// The events with an argument on `target`, and the relations with an end on it.
fn pointing_at(ann: &Annotations, target: &str, add: &mut impl FnMut(&Id)) {
    for e in &ann.events {
        if e.arguments.iter().any(|a| a.target == target) {
            add(&e.id);
        }
    }
    for r in &ann.relations {
        if r.arg1 == target || r.arg2 == target {
            add(&r.id);
        }
    }
}

fn single_or_batch(mut edits: Vec<Edit>) -> Edit {
    if edits.len() == 1 {
        edits.pop().expect("one edit")
    } else {
        Edit::Batch(edits)
    }
}

fn position<T>(items: &[T], id_of: impl Fn(&T) -> &Id, id: &str) -> Result<usize, EditError> {
    items
        .iter()
        .position(|item| id_of(item) == id)
        .ok_or_else(|| EditError::Missing { id: id.to_owned() })
}

/// Undo and redo over the edits of one document.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// (forward, inverse) pairs, oldest first.
    done: VecDeque<(Edit, Edit)>,
    undone: Vec<(Edit, Edit)>,
}

/// How many steps undo can go back. The issue asks for at least 1,000.
pub const HISTORY_LIMIT: usize = 2_000;

impl History {
    pub fn apply(
        &mut self,
        ann: &mut Annotations,
        text: &str,
        edit: Edit,
    ) -> Result<(), EditError> {
        self.apply_in(ann, text, &OnceLock::new(), edit)
    }

    /// [`History::apply`] with an offset index that the caller keeps for the text: an
    /// open 1 MB article is indexed once, not on every keypress.
    pub fn apply_in(
        &mut self,
        ann: &mut Annotations,
        text: &str,
        index: &OnceLock<OffsetIndex>,
        edit: Edit,
    ) -> Result<(), EditError> {
        let inverse = edit.apply_in(ann, text, index)?;
        self.done.push_back((edit, inverse));
        if self.done.len() > HISTORY_LIMIT {
            self.done.pop_front();
        }
        self.undone.clear();
        Ok(())
    }

    /// Apply an edit only if it adds no hard error against `schema` (an unknown type,
    /// role, label...). Returns the warnings that the edited annotations now carry, such
    /// as "Attack has no Target", for the UI to show.
    pub fn apply_checked(
        &mut self,
        ann: &mut Annotations,
        text: &str,
        schema: &Schema,
        edit: Edit,
    ) -> Result<Vec<Issue>, EditError> {
        let before: std::collections::BTreeSet<String> = validate(text, ann, Some(schema))
            .errors()
            .map(|i| i.message.clone())
            .collect();
        let inverse = edit.apply(ann, text)?;
        let report = validate(text, ann, Some(schema));
        if let Some(new) = report.errors().find(|i| !before.contains(&i.message)) {
            let message = new.message.clone();
            let _ = inverse.apply(ann, text);
            return Err(EditError::Invalid { message });
        }
        self.done.push_back((edit, inverse));
        if self.done.len() > HISTORY_LIMIT {
            self.done.pop_front();
        }
        self.undone.clear();
        Ok(report
            .issues
            .into_iter()
            .filter(|i| i.severity == Severity::Warning)
            .collect())
    }

    /// Undo the last edit. Returns false when there is nothing to undo.
    pub fn undo(&mut self, ann: &mut Annotations, text: &str) -> Result<bool, EditError> {
        self.undo_in(ann, text, &OnceLock::new())
    }

    /// [`History::undo`] with the caller's offset index (see [`History::apply_in`]).
    pub fn undo_in(
        &mut self,
        ann: &mut Annotations,
        text: &str,
        index: &OnceLock<OffsetIndex>,
    ) -> Result<bool, EditError> {
        let Some((forward, inverse)) = self.done.pop_back() else {
            return Ok(false);
        };
        match inverse.apply_in(ann, text, index) {
            Ok(_) => {
                self.undone.push((forward, inverse));
                Ok(true)
            }
            Err(err) => {
                self.done.push_back((forward, inverse));
                Err(err)
            }
        }
    }

    pub fn redo(&mut self, ann: &mut Annotations, text: &str) -> Result<bool, EditError> {
        self.redo_in(ann, text, &OnceLock::new())
    }

    /// [`History::redo`] with the caller's offset index (see [`History::apply_in`]).
    pub fn redo_in(
        &mut self,
        ann: &mut Annotations,
        text: &str,
        index: &OnceLock<OffsetIndex>,
    ) -> Result<bool, EditError> {
        let Some((forward, inverse)) = self.undone.pop() else {
            return Ok(false);
        };
        match forward.apply_in(ann, text, index) {
            Ok(inverse) => {
                self.done.push_back((forward, inverse));
                Ok(true)
            }
            Err(err) => {
                self.undone.push((forward, inverse));
                Err(err)
            }
        }
    }

    /// The edit that an undo (or a redo) would apply next.
    pub fn next(&self, undo: bool) -> Option<&Edit> {
        if undo {
            self.done.back().map(|(_, inverse)| inverse)
        } else {
            self.undone.last().map(|(forward, _)| forward)
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }

    /// How many steps can be undone.
    pub fn undo_depth(&self) -> usize {
        self.done.len()
    }

    pub fn clear(&mut self) {
        self.done.clear();
        self.undone.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Event;

    fn mention(id: &str, s: usize, e: usize) -> Mention {
        Mention::new(id, "PER", vec![Span::new(s, e)], String::new())
    }

    fn entity(id: &str) -> Entity {
        Entity {
            id: id.into(),
            name: id.into(),
            kind: "GPE".into(),
            normalization: None,
            attributes: Default::default(),
            note: None,
        }
    }

    fn attack(id: &str, args: &[(&str, &str)]) -> Event {
        Event::new(
            id,
            "Conflict:Attack",
            vec![Span::new(7, 15)],
            String::new(),
            args.iter()
                .map(|(role, target)| Argument {
                    role: (*role).into(),
                    target: (*target).into(),
                })
                .collect(),
        )
    }

    const TEXT: &str = "Russia attacked Kyiv with drones.";

    /// Russia (T1), Kyiv (T2), drones (T3), and E1 attacking with all three.
    fn scene() -> (Annotations, History) {
        let mut ann = Annotations::default();
        let mut h = History::default();
        for (i, (id, s, e)) in [("T1", 0, 6), ("T2", 16, 20), ("T3", 26, 32)]
            .into_iter()
            .enumerate()
        {
            h.apply(
                &mut ann,
                TEXT,
                Edit::InsertMention {
                    index: i,
                    mention: mention(id, s, e),
                },
            )
            .unwrap();
        }
        let event = attack(
            "E1",
            &[("Attacker", "T1"), ("Target", "T2"), ("Instrument", "T3")],
        );
        h.apply(&mut ann, TEXT, Edit::InsertEvent { index: 0, event })
            .unwrap();
        (ann, h)
    }

    /// Apply, check the effect, undo, and check that the state is exactly the start.
    fn apply_and_undo(ann: &mut Annotations, edit: Edit, check: impl Fn(&Annotations)) {
        let before = ann.clone();
        let mut h = History::default();
        h.apply(ann, TEXT, edit).unwrap();
        check(ann);
        let after = ann.clone();
        assert!(h.undo(ann, TEXT).unwrap());
        assert_eq!(*ann, before);
        assert!(h.redo(ann, TEXT).unwrap());
        assert_eq!(*ann, after);
    }

    /// "The Kremlin" (T1, ORG) and "Moscow" (T2, GPE) in entity C1, named after T1.
    fn kremlin() -> (Annotations, &'static str) {
        const TEXT: &str = "The Kremlin said Moscow would respond.";
        let mut ann = Annotations::default();
        for (i, (id, kind, s, e)) in [("T1", "ORG", 0, 11), ("T2", "GPE", 17, 23)]
            .into_iter()
            .enumerate()
        {
            let mention = Mention::new(id, kind, vec![Span::new(s, e)], String::new());
            Edit::InsertMention { index: i, mention }
                .apply(&mut ann, TEXT)
                .unwrap();
        }
        let c1 = Entity {
            name: "The Kremlin".into(),
            kind: "ORG".into(),
            ..entity("C1")
        };
        Edit::cluster(0, c1, &["T1".into(), "T2".into()])
            .apply(&mut ann, TEXT)
            .unwrap();
        (ann, TEXT)
    }

    /// Bug 4: deleting a mention that belongs to an entity left the entity named after
    /// the deleted text, with the deleted mention's type.
    #[test]
    fn deleting_the_mention_an_entity_is_named_after_renames_and_retypes_the_entity() {
        let (mut ann, text) = kremlin();
        let before = ann.clone();
        let mut h = History::default();
        h.apply(&mut ann, text, Edit::RemoveMention { id: "T1".into() })
            .unwrap();
        let c1 = ann
            .entity("C1")
            .expect("the entity keeps its other mention");
        assert_eq!((c1.name.as_str(), c1.kind.as_str()), ("Moscow", "GPE"));
        assert!(h.undo(&mut ann, text).unwrap());
        assert_eq!(ann, before, "one undo brings the name and type back");
    }

    #[test]
    fn taking_the_naming_mention_out_of_an_entity_renames_it_too() {
        let (mut ann, text) = kremlin();
        let before = ann.clone();
        let mut h = History::default();
        let edit = Edit::leave_entity(&ann, "T1");
        h.apply(&mut ann, text, edit).unwrap();
        assert_eq!(ann.mention("T1").unwrap().entity, None);
        assert_eq!(ann.entity("C1").map(|e| e.name.as_str()), Some("Moscow"));
        assert!(h.undo(&mut ann, text).unwrap());
        assert_eq!(ann, before);
    }

    #[test]
    fn a_name_the_annotator_chose_stays_when_a_mention_is_deleted() {
        let (mut ann, text) = kremlin();
        Edit::SetEntityName {
            id: "C1".into(),
            name: "Russian government".into(),
        }
        .apply(&mut ann, text)
        .unwrap();
        Edit::RemoveMention { id: "T1".into() }
            .apply(&mut ann, text)
            .unwrap();
        let c1 = ann.entity("C1").unwrap();
        assert_eq!(c1.name, "Russian government");
        assert_eq!(c1.kind, "GPE", "no member is an ORG any more");
    }

    /// A lenient import keeps the valid part: each broken piece goes, smallest first, and
    /// is named by the rule it broke.
    #[test]
    fn drop_invalid_takes_out_the_smallest_broken_part_and_names_its_rule() {
        let schema = Schema::ace2005();
        let (mut ann, _) = scene();
        for m in &mut ann.mentions {
            m.kind = "GPE".into();
        }
        ann.events[0].arguments.push(Argument {
            role: "Flavour".into(),
            target: "T1".into(),
        });
        ann.events[0]
            .attributes
            .insert("Realis".into(), AttrValue::Value("Actual".into()));
        ann.events[0]
            .attributes
            .insert("Colour".into(), AttrValue::Flag(true));
        ann.mentions[2].entity = Some("C9".into());
        let mut twin = ann.mentions[1].clone();
        twin.kind = "LOC".into();
        ann.mentions.push(twin);
        ann.labels.insert("Topic".into(), vec!["war".into()]);
        let mut rules: Vec<Rule> = drop_invalid(&mut ann, TEXT, Some(&schema))
            .iter()
            .map(|i| i.rule)
            .collect();
        rules.sort();
        let mut want = vec![
            Rule::UnknownRole,
            Rule::UnknownAttribute,
            Rule::UnknownLabel,
            Rule::MissingTarget,
            Rule::DuplicateId,
        ];
        want.sort();
        assert_eq!(rules, want);
        assert!(!validate(TEXT, &ann, Some(&schema)).has_errors());
        let e1 = &ann.events[0];
        assert_eq!(e1.arguments.len(), 3, "the valid arguments stay");
        assert_eq!(e1.attributes.len(), 1, "Realis stays");
        assert_eq!(
            ann.mentions.len(),
            3,
            "the first of the two T2s keeps the id"
        );
        assert_eq!(ann.mentions[1].kind, "GPE");
        assert_eq!(ann.mentions[2].entity, None);
        assert!(ann.labels.is_empty());
    }

    #[test]
    fn insert_fills_in_the_covered_text() {
        let mut ann = Annotations::default();
        Edit::InsertMention {
            index: 0,
            mention: mention("T1", 16, 20),
        }
        .apply(&mut ann, TEXT)
        .unwrap();
        assert_eq!(ann.mentions[0].text, "Kyiv");
    }

    #[test]
    fn fragment_past_the_end_is_refused_and_nothing_changes() {
        let mut ann = Annotations::default();
        let err = Edit::InsertMention {
            index: 0,
            mention: mention("T1", 30, 99),
        }
        .apply(&mut ann, TEXT);
        assert!(matches!(err, Err(EditError::FragmentOutOfBounds { .. })));
        assert!(ann.mentions.is_empty());
    }

    #[test]
    fn whitespace_only_fragment_is_refused() {
        let mut ann = Annotations::default();
        let err = Edit::InsertMention {
            index: 0,
            mention: mention("T1", 6, 7),
        }
        .apply(&mut ann, TEXT);
        assert_eq!(err, Err(EditError::WhitespaceFragment { id: "T1".into() }));
    }

    #[test]
    fn removing_an_argument_mention_is_undone_in_one_step() {
        let (mut ann, mut history) = scene();
        let before = ann.clone();
        history
            .apply(&mut ann, TEXT, Edit::RemoveMention { id: "T1".into() })
            .unwrap();
        assert_eq!(ann.events[0].arguments.len(), 2);
        assert!(history.undo(&mut ann, TEXT).unwrap());
        assert_eq!(ann, before);
        assert!(history.redo(&mut ann, TEXT).unwrap());
        assert_eq!(ann.mentions.len(), 2);
    }

    #[test]
    fn removing_a_mention_unlinks_argument_relation_and_cluster_and_one_undo_restores_all() {
        let (mut ann, _) = scene();
        Edit::InsertRelation {
            index: 0,
            relation: Relation {
                id: "R1".into(),
                kind: "PHYS".into(),
                arg1: "T3".into(),
                arg2: "T2".into(),
                attributes: Default::default(),
            },
        }
        .apply(&mut ann, TEXT)
        .unwrap();
        Edit::cluster(0, entity("C1"), &["T2".into()])
            .apply(&mut ann, TEXT)
            .unwrap();
        apply_and_undo(&mut ann, Edit::RemoveMention { id: "T2".into() }, |ann| {
            assert!(ann.relations.is_empty());
            assert!(ann.entities.is_empty(), "the emptied cluster goes too");
            assert!(ann.events[0].arguments.iter().all(|a| a.target != "T2"));
        });
    }

    #[test]
    fn removing_an_event_removes_arguments_and_relations_pointing_at_it() {
        let (mut ann, _) = scene();
        let mut outer = attack("E2", &[("Target", "E1")]);
        outer.kind = "Justice:Sue".into();
        Edit::InsertEvent {
            index: 1,
            event: outer,
        }
        .apply(&mut ann, TEXT)
        .unwrap();
        let relation = Relation {
            id: "R1".into(),
            kind: "X".into(),
            arg1: "E1".into(),
            arg2: "T1".into(),
            attributes: Default::default(),
        };
        Edit::InsertRelation { index: 0, relation }
            .apply(&mut ann, TEXT)
            .unwrap();
        apply_and_undo(&mut ann, Edit::RemoveEvent { id: "E1".into() }, |ann| {
            assert_eq!(ann.events.len(), 1);
            assert!(ann.events[0].arguments.is_empty());
            assert!(ann.relations.is_empty());
        });
    }

    #[test]
    fn insert_event_fills_trigger_text_and_needs_existing_arguments() {
        let (ann, _) = scene();
        assert_eq!(ann.events[0].trigger_text, "attacked");
        let mut ann2 = ann.clone();
        let err = Edit::InsertEvent {
            index: 0,
            event: attack("E2", &[("Target", "T9")]),
        }
        .apply(&mut ann2, TEXT);
        assert_eq!(err, Err(EditError::Missing { id: "T9".into() }));
        assert_eq!(ann2, ann);
        let err = Edit::InsertEvent {
            index: 0,
            event: attack("T1", &[]),
        }
        .apply(&mut ann2, TEXT);
        assert_eq!(err, Err(EditError::DuplicateId { id: "T1".into() }));
    }

    #[test]
    fn retype_and_resize_a_mention() {
        let (mut ann, _) = scene();
        apply_and_undo(
            &mut ann,
            Edit::SetMentionType {
                id: "T2".into(),
                kind: "LOC".into(),
            },
            |a| assert_eq!(a.mentions[1].kind, "LOC"),
        );
        let resize = Edit::SetMentionFragments {
            id: "T2".into(),
            fragments: vec![Span::new(16, 20), Span::new(26, 32)],
        };
        apply_and_undo(&mut ann, resize, |a| {
            assert_eq!(a.mentions[1].text, "Kyiv drones")
        });
        let bad = Edit::SetMentionFragments {
            id: "T2".into(),
            fragments: vec![Span::new(20, 21)],
        };
        assert_eq!(
            bad.apply(&mut ann, TEXT),
            Err(EditError::WhitespaceFragment { id: "T2".into() })
        );
        assert_eq!(ann.mentions[1].text, "Kyiv drones");
    }

    #[test]
    fn retype_and_resize_an_event() {
        let (mut ann, _) = scene();
        apply_and_undo(
            &mut ann,
            Edit::SetEventType {
                id: "E1".into(),
                kind: "Life:Die".into(),
            },
            |a| assert_eq!(a.events[0].kind, "Life:Die"),
        );
        apply_and_undo(
            &mut ann,
            Edit::SetEventTrigger {
                id: "E1".into(),
                trigger: vec![Span::new(7, 13)],
            },
            |a| assert_eq!(a.events[0].trigger_text, "attack"),
        );
    }

    #[test]
    fn add_and_remove_arguments() {
        let (mut ann, _) = scene();
        let argument = Argument {
            role: "Place".into(),
            target: "T2".into(),
        };
        apply_and_undo(
            &mut ann,
            Edit::InsertArgument {
                event: "E1".into(),
                index: 9,
                argument,
            },
            |a| assert_eq!(a.events[0].arguments[3].role, "Place"),
        );
        apply_and_undo(
            &mut ann,
            Edit::RemoveArgument {
                event: "E1".into(),
                index: 0,
            },
            |a| assert_eq!(a.events[0].arguments[0].role, "Target"),
        );
        let err = Edit::RemoveArgument {
            event: "E1".into(),
            index: 7,
        }
        .apply(&mut ann, TEXT);
        assert!(matches!(err, Err(EditError::Missing { .. })));
    }

    #[test]
    fn merge_entities_moves_members_and_one_undo_splits_them_again() {
        let (mut ann, _) = scene();
        Edit::cluster(0, entity("C1"), &["T1".into()])
            .apply(&mut ann, TEXT)
            .unwrap();
        Edit::cluster(1, entity("C2"), &["T2".into(), "T3".into()])
            .apply(&mut ann, TEXT)
            .unwrap();
        apply_and_undo(
            &mut ann,
            Edit::MergeEntities {
                into: "C1".into(),
                from: "C2".into(),
            },
            |a| {
                assert_eq!(a.entities.len(), 1);
                assert_eq!(a.members("C1").count(), 3);
            },
        );
        let err = Edit::MergeEntities {
            into: "C1".into(),
            from: "C1".into(),
        }
        .apply(&mut ann, TEXT);
        assert!(matches!(err, Err(EditError::Invalid { .. })));
    }

    #[test]
    fn split_entity_moves_the_chosen_members_to_a_new_cluster() {
        let (mut ann, _) = scene();
        Edit::cluster(0, entity("C1"), &["T1".into(), "T2".into(), "T3".into()])
            .apply(&mut ann, TEXT)
            .unwrap();
        let split = Edit::SplitEntity {
            from: "C1".into(),
            mentions: vec!["T3".into()],
            entity: entity("C2"),
        };
        apply_and_undo(&mut ann, split, |a| {
            assert_eq!(a.members("C1").count(), 2);
            assert_eq!(
                a.members("C2").map(|m| m.id.as_str()).collect::<Vec<_>>(),
                ["T3"]
            );
        });
        let mut outsider = ann.clone();
        Edit::SetMentionEntity {
            id: "T3".into(),
            entity: None,
        }
        .apply(&mut outsider, TEXT)
        .unwrap();
        let split = Edit::SplitEntity {
            from: "C1".into(),
            mentions: vec!["T3".into()],
            entity: entity("C2"),
        };
        assert!(matches!(
            split.apply(&mut outsider, TEXT),
            Err(EditError::Invalid { .. })
        ));
    }

    #[test]
    fn set_attribute_note_and_normalisation_everywhere() {
        let (mut ann, _) = scene();
        Edit::cluster(0, entity("C1"), &["T2".into()])
            .apply(&mut ann, TEXT)
            .unwrap();
        for target in ["T1", "E1", "C1"] {
            let set = Edit::SetAttribute {
                target: target.into(),
                name: "Realis".into(),
                value: Some(AttrValue::Value("Actual".into())),
            };
            apply_and_undo(&mut ann, set, |_| {});
            apply_and_undo(
                &mut ann,
                Edit::SetNote {
                    target: target.into(),
                    note: Some("check".into()),
                },
                |_| {},
            );
        }
        let wikidata = Normalization {
            resource: "Wikidata".into(),
            id: "Q1899".into(),
            label: "Kyiv".into(),
        };
        for target in ["T2", "C1"] {
            let set = Edit::SetNormalization {
                target: target.into(),
                normalization: Some(wikidata.clone()),
            };
            apply_and_undo(&mut ann, set, |_| {});
        }
        let err = Edit::SetNormalization {
            target: "E1".into(),
            normalization: None,
        }
        .apply(&mut ann, TEXT);
        assert!(matches!(err, Err(EditError::Unsupported { .. })));
        apply_and_undo(
            &mut ann,
            Edit::SetLabels {
                set: "Topic".into(),
                labels: vec!["War".into()],
            },
            |a| assert_eq!(a.labels["Topic"], ["War"]),
        );
    }

    #[test]
    fn failed_batch_changes_nothing() {
        let mut ann = Annotations::default();
        let batch = Edit::Batch(vec![
            Edit::InsertMention {
                index: 0,
                mention: mention("T1", 0, 6),
            },
            Edit::InsertMention {
                index: 1,
                mention: mention("T1", 16, 20),
            },
        ]);
        assert!(batch.apply(&mut ann, TEXT).is_err());
        assert!(ann.mentions.is_empty());
    }

    #[test]
    fn undo_covers_a_thousand_commands() {
        let mut ann = Annotations::default();
        let mut h = History::default();
        h.apply(
            &mut ann,
            TEXT,
            Edit::InsertMention {
                index: 0,
                mention: mention("T1", 0, 6),
            },
        )
        .unwrap();
        let start = ann.clone();
        for i in 0..1_500 {
            let kind = if i % 2 == 0 { "ORG" } else { "GPE" };
            h.apply(
                &mut ann,
                TEXT,
                Edit::SetMentionType {
                    id: "T1".into(),
                    kind: kind.into(),
                },
            )
            .unwrap();
        }
        for _ in 0..1_500 {
            assert!(h.undo(&mut ann, TEXT).unwrap());
        }
        assert_eq!(ann, start);
    }

    #[test]
    fn checked_apply_refuses_unknown_types_and_reports_warnings() {
        let schema = Schema::ace2005();
        let mut ann = Annotations::default();
        let mut h = History::default();
        let mut m = mention("T1", 0, 6);
        m.kind = "ALIEN".into();
        let err = h
            .apply_checked(
                &mut ann,
                TEXT,
                &schema,
                Edit::InsertMention {
                    index: 0,
                    mention: m,
                },
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("T1") && err.to_string().contains("ALIEN"),
            "{err}"
        );
        assert!(ann.mentions.is_empty() && !h.can_undo());
        let mut m = mention("T1", 0, 6);
        m.kind = "GPE".into();
        h.apply_checked(
            &mut ann,
            TEXT,
            &schema,
            Edit::InsertMention {
                index: 0,
                mention: m,
            },
        )
        .unwrap();
        let event = attack("E1", &[("Attacker", "T1")]);
        let warnings = h
            .apply_checked(
                &mut ann,
                TEXT,
                &schema,
                Edit::InsertEvent { index: 0, event },
            )
            .unwrap();
        assert!(
            warnings
                .iter()
                .any(|w| w.message.contains("Attack has no Target")),
            "{warnings:?}"
        );
    }
}

/// Random edit sequences, shared with the property tests of the modules above this one.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod properties {
    use super::*;
    use crate::core::model::Event;
    use proptest::prelude::*;

    /// Emoji, a ZWJ family, combining marks, CJK and CRLF: offsets must survive all of them.
    pub(crate) const TEXT: &str =
        "🚀 Drones struck Kyiv — “again”.\r\nMr Trump said e\u{301}té 中国 東京 👩‍👩‍👧 fled.\r\n";
    const KINDS: &[&str] = &["PER", "ORG", "GPE", "Conflict:Attack"];

    /// One random step; the numbers pick targets modulo what exists, so most steps are
    /// valid and some (out of bounds, whitespace, missing ids) are refused.
    #[derive(Debug, Clone)]
    pub(crate) enum Op {
        Edit(u8, usize, usize, usize),
        Undo,
        Redo,
    }

    pub(crate) fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            8 => (0u8..20, 0usize..64, 0usize..64, 0usize..64).prop_map(|(k, a, b, c)| Op::Edit(k, a, b, c)),
            1 => Just(Op::Undo),
            1 => Just(Op::Redo),
        ]
    }

    fn pick(ids: Vec<Id>, n: usize) -> Id {
        if ids.is_empty() {
            format!("X{n}")
        } else {
            ids[n % ids.len()].clone()
        }
    }

    fn mention_ids(ann: &Annotations) -> Vec<Id> {
        ann.mentions.iter().map(|m| m.id.clone()).collect()
    }

    fn event_ids(ann: &Annotations) -> Vec<Id> {
        ann.events.iter().map(|e| e.id.clone()).collect()
    }

    fn entity_ids(ann: &Annotations) -> Vec<Id> {
        ann.entities.iter().map(|e| e.id.clone()).collect()
    }

    pub(crate) fn to_edit(ann: &Annotations, k: u8, a: usize, b: usize, c: usize) -> Edit {
        let mentions = || mention_ids(ann);
        let events = || event_ids(ann);
        let targets = || mentions().into_iter().chain(events()).collect::<Vec<_>>();
        let span = vec![Span::new(a.min(b), a.max(b))];
        let kind = KINDS[c % KINDS.len()].to_owned();
        match k {
            0 | 1 => Edit::InsertMention {
                index: c,
                mention: Mention {
                    id: ann.next_id("T"),
                    kind,
                    fragments: span,
                    text: String::new(),
                    attributes: Default::default(),
                    normalization: None,
                    note: None,
                    entity: None,
                },
            },
            2 => Edit::RemoveMention {
                id: pick(mentions(), a),
            },
            3 => Edit::SetMentionType {
                id: pick(mentions(), c),
                kind,
            },
            4 => Edit::SetMentionFragments {
                id: pick(mentions(), c),
                fragments: span,
            },
            5 => Edit::InsertEvent {
                index: c,
                event: Event {
                    id: ann.next_id("E"),
                    kind,
                    trigger: span,
                    trigger_text: String::new(),
                    arguments: mentions()
                        .into_iter()
                        .take(c % 3)
                        .map(|target| Argument {
                            role: "Target".into(),
                            target,
                        })
                        .collect(),
                    attributes: Default::default(),
                    note: None,
                    coref: None,
                },
            },
            6 => Edit::RemoveEvent {
                id: pick(events(), a),
            },
            7 => Edit::InsertArgument {
                event: pick(events(), a),
                index: b,
                argument: Argument {
                    role: "Place".into(),
                    target: pick(targets(), c),
                },
            },
            8 => {
                // Aim at events that have arguments, or most removals would miss.
                let with_args: Vec<&Event> = ann
                    .events
                    .iter()
                    .filter(|e| !e.arguments.is_empty())
                    .collect();
                match with_args.get(a % with_args.len().max(1)) {
                    Some(e) => Edit::RemoveArgument {
                        event: e.id.clone(),
                        index: b % e.arguments.len(),
                    },
                    None => Edit::RemoveArgument {
                        event: pick(events(), a),
                        index: b,
                    },
                }
            }
            9 => Edit::InsertRelation {
                index: c,
                relation: Relation {
                    id: ann.next_id("R"),
                    kind: "PHYS".into(),
                    arg1: pick(targets(), a),
                    arg2: pick(targets(), b),
                    attributes: Default::default(),
                },
            },
            10 => Edit::RemoveRelation {
                id: pick(ann.relations.iter().map(|r| r.id.clone()).collect(), a),
            },
            11..=14 => entity_edit(ann, k, a, b, c),
            15..=18 => property_edit(ann, k, a, b, c),
            _ => Edit::SetEventTrigger {
                id: pick(events(), c),
                trigger: span,
            },
        }
    }

    /// Coreference edits for [`to_edit`].
    fn entity_edit(ann: &Annotations, k: u8, a: usize, b: usize, c: usize) -> Edit {
        let mentions = || mention_ids(ann);
        let entities = || entity_ids(ann);
        match k {
            11 => Edit::cluster(
                c,
                Entity {
                    id: ann.next_id("C"),
                    name: "x".into(),
                    kind: "PER".into(),
                    normalization: None,
                    attributes: Default::default(),
                    note: None,
                },
                &[pick(mentions(), a), pick(mentions(), b)],
            ),
            12 => {
                // Two distinct clusters when there are two.
                let ids = entities();
                let n = ids.len().max(1);
                let other = (a + 1 + b % n.saturating_sub(1).max(1)) % n;
                Edit::MergeEntities {
                    into: pick(ids.clone(), a),
                    from: pick(ids, other),
                }
            }
            13 => {
                let clustered: Vec<Id> = ann
                    .mentions
                    .iter()
                    .filter_map(|m| m.entity.clone())
                    .collect();
                let from = pick(clustered, a);
                let members: Vec<Id> = ann
                    .members(&from)
                    .map(|m| m.id.clone())
                    .take(1 + b % 2)
                    .collect();
                Edit::SplitEntity {
                    from,
                    mentions: members,
                    entity: Entity {
                        id: ann.next_id("C"),
                        name: "y".into(),
                        kind: "ORG".into(),
                        normalization: None,
                        attributes: Default::default(),
                        note: None,
                    },
                }
            }
            _ => Edit::RemoveEntity {
                id: pick(entities(), a),
            },
        }
    }

    /// Attribute, note, normalisation and label edits for [`to_edit`].
    fn property_edit(ann: &Annotations, k: u8, a: usize, b: usize, c: usize) -> Edit {
        let mentions = || mention_ids(ann);
        let entities = || entity_ids(ann);
        let events = || event_ids(ann);
        let targets = || mentions().into_iter().chain(events()).collect::<Vec<_>>();
        match k {
            15 => Edit::SetAttribute {
                target: pick(targets().into_iter().chain(entities()).collect(), a),
                name: ["Realis", "Negated"][b % 2].into(),
                value: match c % 3 {
                    0 => None,
                    1 => Some(AttrValue::Flag(true)),
                    _ => Some(AttrValue::Value("Actual".into())),
                },
            },
            16 => Edit::SetNote {
                target: pick(targets().into_iter().chain(entities()).collect(), a),
                note: b.is_multiple_of(2).then(|| format!("note {c}")),
            },
            17 => Edit::SetNormalization {
                target: pick(mentions().into_iter().chain(entities()).collect(), a),
                normalization: b.is_multiple_of(2).then(|| Normalization {
                    resource: "Wikidata".into(),
                    id: format!("Q{c}"),
                    label: String::new(),
                }),
            },
            _ => Edit::SetLabels {
                set: ["Topic", "Region"][a % 2].into(),
                labels: (0..b % 3).map(|i| format!("L{i}")).collect(),
            },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000)
        ))]

        /// Any sequence of edits, undos and redos, fully undone, gives back the start;
        /// fully redone, gives back the end. A refused edit changes nothing.
        #[test]
        fn random_edits_undo_to_the_start_and_redo_to_the_end(ops in prop::collection::vec(op(), 0..60)) {
            let mut ann = Annotations::default();
            let mut history = History::default();
            let start = ann.clone();
            for op in ops {
                match op {
                    Op::Undo => { history.undo(&mut ann, TEXT).unwrap(); }
                    Op::Redo => { history.redo(&mut ann, TEXT).unwrap(); }
                    Op::Edit(k, a, b, c) => {
                        let edit = to_edit(&ann, k, a, b, c);
                        let before = ann.clone();
                        if history.apply(&mut ann, TEXT, edit).is_err() {
                            prop_assert_eq!(&ann, &before);
                        }
                    }
                }
                // Every stored span still quotes the text at its offsets.
                for m in &ann.mentions {
                    prop_assert_eq!(&check_spans(TEXT, None, &m.id, &m.fragments).unwrap(), &m.text);
                }
            }
            let end = ann.clone();
            let mut steps = 0;
            while history.undo(&mut ann, TEXT).unwrap() {
                steps += 1;
            }
            prop_assert_eq!(&ann, &start);
            for _ in 0..steps {
                prop_assert!(history.redo(&mut ann, TEXT).unwrap());
            }
            prop_assert_eq!(&ann, &end);
        }

        /// Stamping only what [`Edit::affected`] names gives the very stamps that
        /// comparing the whole document before and after gives, for edits, undos and redos.
        #[test]
        fn affected_covers_every_change(ops in prop::collection::vec(op(), 0..60)) {
            use crate::core::timing::{stamp, stamp_affected};
            let (mut whole, mut fast) = (Annotations::default(), Annotations::default());
            let (mut h_whole, mut h_fast) = (History::default(), History::default());
            for (now, op) in ops.into_iter().enumerate() {
                let edit = match &op {
                    Op::Edit(k, a, b, c) => Some(to_edit(&fast, *k, *a, *b, *c)),
                    Op::Undo => h_fast.next(true).cloned(),
                    Op::Redo => h_fast.next(false).cloned(),
                };
                let Some(edit) = edit else { continue };
                let mut ids = BTreeSet::new();
                edit.affected(&fast, &mut ids);
                let (before_whole, before_fast) = (whole.clone(), fast.subset(&ids));
                let (r_whole, r_fast) = match op {
                    Op::Edit(..) => (
                        h_whole.apply(&mut whole, TEXT, edit.clone()).map(|_| true),
                        h_fast.apply(&mut fast, TEXT, edit).map(|_| true),
                    ),
                    Op::Undo => (h_whole.undo(&mut whole, TEXT), h_fast.undo(&mut fast, TEXT)),
                    Op::Redo => (h_whole.redo(&mut whole, TEXT), h_fast.redo(&mut fast, TEXT)),
                };
                prop_assert_eq!(r_whole.is_ok(), r_fast.is_ok());
                let n_whole = stamp(&before_whole, &mut whole, now as u64, "a");
                let n_fast = stamp_affected(&before_fast, &mut fast, &ids, now as u64, "a");
                prop_assert_eq!(n_whole, n_fast);
                prop_assert_eq!(&whole, &fast);
            }
        }
    }
}
