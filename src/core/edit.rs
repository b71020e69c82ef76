//! Every change to the annotations is an [`Edit`]. Applying an edit returns its inverse,
//! and [`History`] keeps both, so undo and redo are exact: an undo restores every link a
//! removal cascaded to.

use std::fmt;

use super::model::{fragments_text, Annotations, Argument, Id, Mention, Relation, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Insert a mention at a position in the list (position keeps undo exact).
    InsertMention { index: usize, mention: Mention },
    /// Remove a mention, and every argument and relation that points at it.
    RemoveMention { id: Id },
    SetMentionType { id: Id, kind: String },
    InsertArgument { event: Id, index: usize, argument: Argument },
    RemoveArgument { event: Id, index: usize },
    InsertRelation { index: usize, relation: Relation },
    RemoveRelation { id: Id },
    /// Several edits applied, and undone, as one step.
    Batch(Vec<Edit>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    FragmentOutOfBounds { id: Id, span: Span, len: usize },
    EmptyFragment { id: Id },
    WhitespaceFragment { id: Id },
    DuplicateId { id: Id },
    Missing { id: Id },
    NoFragments { id: Id },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FragmentOutOfBounds { id, span, len } => write!(
                f,
                "{id}: fragment [{}, {}) lies outside the text, which has {len} characters; \
                 check that the offsets are code points",
                span.start, span.end
            ),
            Self::EmptyFragment { id } => write!(f, "{id}: a fragment is empty; select some text"),
            Self::WhitespaceFragment { id } => {
                write!(f, "{id}: a fragment covers only whitespace; select a word")
            }
            Self::DuplicateId { id } => write!(f, "{id}: this id is already in use"),
            Self::Missing { id } => write!(f, "{id}: no annotation has this id"),
            Self::NoFragments { id } => write!(f, "{id}: a mention needs at least one fragment"),
        }
    }
}

impl std::error::Error for EditError {}

/// Check a mention's fragments against the text and fill in its covered text.
pub fn check_fragments(text: &str, mention: &mut Mention) -> Result<(), EditError> {
    let id = mention.id.clone();
    if mention.fragments.is_empty() {
        return Err(EditError::NoFragments { id });
    }
    let len = text.chars().count();
    for span in &mention.fragments {
        if span.end > len || span.start > span.end {
            return Err(EditError::FragmentOutOfBounds { id, span: *span, len });
        }
        if span.is_empty() {
            return Err(EditError::EmptyFragment { id });
        }
    }
    let covered = fragments_text(text, &mention.fragments).unwrap_or_default();
    if mention
        .fragments
        .iter()
        .all(|f| fragments_text(text, &[*f]).is_some_and(|t| t.trim().is_empty()))
    {
        return Err(EditError::WhitespaceFragment { id });
    }
    mention.text = covered;
    Ok(())
}

impl Edit {
    /// Apply to `ann` over `text`; return the edit that undoes it. On error nothing changes.
    pub fn apply(&self, ann: &mut Annotations, text: &str) -> Result<Edit, EditError> {
        match self {
            Edit::InsertMention { index, mention } => {
                if ann.mention(&mention.id).is_some() {
                    return Err(EditError::DuplicateId { id: mention.id.clone() });
                }
                let mut mention = mention.clone();
                check_fragments(text, &mut mention)?;
                let id = mention.id.clone();
                ann.mentions.insert((*index).min(ann.mentions.len()), mention);
                Ok(Edit::RemoveMention { id })
            }
            Edit::RemoveMention { id } => {
                let index = position(&ann.mentions, |m| &m.id, id)?;
                // Unlink first, recording each link so one undo restores them all.
                let mut undo = Vec::new();
                for event in &mut ann.events {
                    let mut i = 0;
                    while i < event.arguments.len() {
                        if &event.arguments[i].target == id {
                            let argument = event.arguments.remove(i);
                            undo.push(Edit::InsertArgument { event: event.id.clone(), index: i, argument });
                        } else {
                            i += 1;
                        }
                    }
                }
                let mut i = 0;
                while i < ann.relations.len() {
                    if &ann.relations[i].arg1 == id || &ann.relations[i].arg2 == id {
                        let relation = ann.relations.remove(i);
                        undo.push(Edit::InsertRelation { index: i, relation });
                    } else {
                        i += 1;
                    }
                }
                let mention = ann.mentions.remove(index);
                undo.push(Edit::InsertMention { index, mention });
                undo.reverse();
                Ok(single_or_batch(undo))
            }
            Edit::SetMentionType { id, kind } => {
                let index = position(&ann.mentions, |m| &m.id, id)?;
                let old = std::mem::replace(&mut ann.mentions[index].kind, kind.clone());
                Ok(Edit::SetMentionType { id: id.clone(), kind: old })
            }
            Edit::InsertArgument { event, index, argument } => {
                let e = position(&ann.events, |e| &e.id, event)?;
                let exists = ann.mention(&argument.target).is_some()
                    || ann.events.iter().any(|e| e.id == argument.target);
                if !exists {
                    return Err(EditError::Missing { id: argument.target.clone() });
                }
                let args = &mut ann.events[e].arguments;
                let index = (*index).min(args.len());
                args.insert(index, argument.clone());
                Ok(Edit::RemoveArgument { event: event.clone(), index })
            }
            Edit::RemoveArgument { event, index } => {
                let e = position(&ann.events, |e| &e.id, event)?;
                let args = &mut ann.events[e].arguments;
                if *index >= args.len() {
                    return Err(EditError::Missing { id: format!("{event} argument {index}") });
                }
                let argument = args.remove(*index);
                Ok(Edit::InsertArgument { event: event.clone(), index: *index, argument })
            }
            Edit::InsertRelation { index, relation } => {
                if ann.relations.iter().any(|r| r.id == relation.id) {
                    return Err(EditError::DuplicateId { id: relation.id.clone() });
                }
                for arg in [&relation.arg1, &relation.arg2] {
                    if ann.mention(arg).is_none() && !ann.events.iter().any(|e| &e.id == arg) {
                        return Err(EditError::Missing { id: arg.clone() });
                    }
                }
                let index = (*index).min(ann.relations.len());
                ann.relations.insert(index, relation.clone());
                Ok(Edit::RemoveRelation { id: relation.id.clone() })
            }
            Edit::RemoveRelation { id } => {
                let index = position(&ann.relations, |r| &r.id, id)?;
                let relation = ann.relations.remove(index);
                Ok(Edit::InsertRelation { index, relation })
            }
            Edit::Batch(edits) => {
                let mut undo = Vec::with_capacity(edits.len());
                for edit in edits {
                    match edit.apply(ann, text) {
                        Ok(inverse) => undo.push(inverse),
                        Err(err) => {
                            // Roll back what this batch already did: all or nothing.
                            for inverse in undo.into_iter().rev() {
                                let _ = inverse.apply(ann, text);
                            }
                            return Err(err);
                        }
                    }
                }
                undo.reverse();
                Ok(Edit::Batch(undo))
            }
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
    done: Vec<(Edit, Edit)>,
    undone: Vec<(Edit, Edit)>,
}

/// How many steps undo can go back. The issue asks for at least 1,000.
pub const HISTORY_LIMIT: usize = 2_000;

impl History {
    pub fn apply(&mut self, ann: &mut Annotations, text: &str, edit: Edit) -> Result<(), EditError> {
        let inverse = edit.apply(ann, text)?;
        self.done.push((edit, inverse));
        if self.done.len() > HISTORY_LIMIT {
            self.done.remove(0);
        }
        self.undone.clear();
        Ok(())
    }

    /// Undo the last edit. Returns false when there is nothing to undo.
    pub fn undo(&mut self, ann: &mut Annotations, text: &str) -> Result<bool, EditError> {
        let Some((forward, inverse)) = self.done.pop() else {
            return Ok(false);
        };
        match inverse.apply(ann, text) {
            Ok(_) => {
                self.undone.push((forward, inverse));
                Ok(true)
            }
            Err(err) => {
                self.done.push((forward, inverse));
                Err(err)
            }
        }
    }

    pub fn redo(&mut self, ann: &mut Annotations, text: &str) -> Result<bool, EditError> {
        let Some((forward, _)) = self.undone.pop() else {
            return Ok(false);
        };
        let inverse = forward.apply(ann, text)?;
        self.done.push((forward, inverse));
        Ok(true)
    }

    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Event;

    fn mention(id: &str, s: usize, e: usize) -> Mention {
        Mention {
            id: id.into(),
            kind: "PER".into(),
            fragments: vec![Span::new(s, e)],
            text: String::new(),
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        }
    }

    const TEXT: &str = "Russia attacked Kyiv with drones.";

    #[test]
    fn insert_fills_in_the_covered_text() {
        let mut ann = Annotations::default();
        Edit::InsertMention { index: 0, mention: mention("T1", 16, 20) }.apply(&mut ann, TEXT).unwrap();
        assert_eq!(ann.mentions[0].text, "Kyiv");
    }

    #[test]
    fn fragment_past_the_end_is_refused_and_nothing_changes() {
        let mut ann = Annotations::default();
        let err = Edit::InsertMention { index: 0, mention: mention("T1", 30, 99) }.apply(&mut ann, TEXT);
        assert!(matches!(err, Err(EditError::FragmentOutOfBounds { .. })));
        assert!(ann.mentions.is_empty());
    }

    #[test]
    fn whitespace_only_fragment_is_refused() {
        let mut ann = Annotations::default();
        let err = Edit::InsertMention { index: 0, mention: mention("T1", 6, 7) }.apply(&mut ann, TEXT);
        assert_eq!(err, Err(EditError::WhitespaceFragment { id: "T1".into() }));
    }

    #[test]
    fn removing_an_argument_mention_is_undone_in_one_step() {
        let mut ann = Annotations::default();
        let mut history = History::default();
        history.apply(&mut ann, TEXT, Edit::InsertMention { index: 0, mention: mention("T1", 0, 6) }).unwrap();
        history.apply(&mut ann, TEXT, Edit::InsertMention { index: 1, mention: mention("T2", 16, 20) }).unwrap();
        ann.events.push(Event {
            id: "E1".into(),
            kind: "Conflict:Attack".into(),
            trigger: vec![Span::new(7, 15)],
            trigger_text: "attacked".into(),
            arguments: vec![
                Argument { role: "Attacker".into(), target: "T1".into() },
                Argument { role: "Target".into(), target: "T2".into() },
            ],
            attributes: Default::default(),
            note: None,
            coref: None,
        });
        let before = ann.clone();
        history.apply(&mut ann, TEXT, Edit::RemoveMention { id: "T1".into() }).unwrap();
        assert_eq!(ann.events[0].arguments.len(), 1);
        assert!(history.undo(&mut ann, TEXT).unwrap());
        assert_eq!(ann, before);
        assert!(history.redo(&mut ann, TEXT).unwrap());
        assert_eq!(ann.mentions.len(), 1);
    }

    #[test]
    fn failed_batch_changes_nothing() {
        let mut ann = Annotations::default();
        let batch = Edit::Batch(vec![
            Edit::InsertMention { index: 0, mention: mention("T1", 0, 6) },
            Edit::InsertMention { index: 1, mention: mention("T1", 16, 20) },
        ]);
        assert!(batch.apply(&mut ann, TEXT).is_err());
        assert!(ann.mentions.is_empty());
    }
}
