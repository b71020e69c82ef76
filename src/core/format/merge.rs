//! Merging imported annotations into documents already in the corpus.
//!
//! A document's identity is its text: an imported document whose text checksum matches
//! one in the corpus is not added again, its annotations are merged into that document.
//! The tabs' three-way merge (`sync::merge_annotations`) does not fit here: it needs a
//! common base, and with the stored annotations as base it would read every annotation
//! the file lacks as deleted. An import only ever adds.
//!
//! Ids are per document and files from different sources reuse them (`T1` in two brat
//! files names two different things), so annotations are matched by content, never by id:
//! - an incoming annotation equal to one already there (same type, spans, attributes,
//!   note, normalisation, and references that resolve to the same annotations) is kept
//!   once and counted as already present;
//! - any other incoming annotation is added, under its own id when that is free, or else
//!   under the next free id with the same prefix (renumbered), with every reference to it
//!   rewritten.
//!
//! The result is one [`Edit::Batch`], so the UI applies the merge as one undoable step.
//!
//! ```
//! use loupe::core::format::merge::merge_imported;
//! use loupe::core::model::{Annotations, Mention, Span};
//! let text = "Ana met Bo.";
//! let m = |id: &str, s: usize, e: usize| Mention {
//!     id: id.into(), kind: "PER".into(), fragments: vec![Span::new(s, e)],
//!     text: text[s..e].into(), attributes: Default::default(),
//!     normalization: None, note: None, entity: None,
//! };
//! let ours = Annotations { mentions: vec![m("T1", 0, 3)], ..Default::default() };
//! let theirs = Annotations { mentions: vec![m("T1", 0, 3), m("T1b", 8, 10)], ..Default::default() };
//! let merge = merge_imported(&ours, &theirs, text);
//! assert_eq!((merge.added, merge.present), (1, 1));
//! assert_eq!(merge.merged.mentions.len(), 2);
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use crate::core::edit::Edit;
use crate::core::model::{
    Annotations, Argument, Document, Entity, Event, Id, Mention, Relation, Status,
};

/// What merging one file's annotations into one document does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The edit that adds what is new, as one step; `None` when nothing is new.
    pub edit: Option<Edit>,
    /// The annotations after the edit.
    pub merged: Annotations,
    /// Annotations (mentions, events, relations, entity clusters) added.
    pub added: usize,
    /// Incoming annotations equal to one already there, kept once.
    pub present: usize,
    /// Added annotations whose id was taken, so they got the next free one.
    pub renumbered: usize,
    /// Incoming annotations that could not be added, with why.
    pub problems: Vec<String>,
}

/// Merge `incoming` into `existing` over `text`. Nothing already there changes.
pub fn merge_imported(existing: &Annotations, incoming: &Annotations, text: &str) -> Merge {
    let mut m = Merger {
        text,
        work: existing.clone(),
        edits: Vec::new(),
        map: BTreeMap::new(),
        reserved: incoming
            .mentions
            .iter()
            .map(|x| x.id.clone())
            .chain(incoming.entities.iter().map(|x| x.id.clone()))
            .chain(incoming.events.iter().map(|x| x.id.clone()))
            .chain(incoming.relations.iter().map(|x| x.id.clone()))
            .collect(),
        added: 0,
        present: 0,
        renumbered: 0,
        problems: Vec::new(),
    };
    for entity in &incoming.entities {
        m.entity(entity);
    }
    for mention in &incoming.mentions {
        m.mention(mention);
    }
    m.events(existing, &incoming.events);
    for relation in &incoming.relations {
        m.relation(relation);
    }
    for (set, labels) in &incoming.labels {
        m.labels(set, labels);
    }
    // Added annotations keep the file's stamps; the time spent is the larger of the two,
    // so importing one file twice counts it once.
    for (from, to) in &m.map {
        if let Some(stamp) = incoming.stamps.get(from) {
            m.work
                .stamps
                .entry(to.clone())
                .or_insert_with(|| stamp.clone());
        }
    }
    m.work.prune_stamps();
    m.work.active_ms = m.work.active_ms.max(incoming.active_ms);
    let edit = match m.edits.len() {
        0 => None,
        _ => Some(Edit::Batch(m.edits)),
    };
    Merge {
        edit,
        merged: m.work,
        added: m.added,
        present: m.present,
        renumbered: m.renumbered,
        problems: m.problems,
    }
}

struct Merger<'t> {
    text: &'t str,
    /// The annotations as the edits so far leave them.
    work: Annotations,
    edits: Vec<Edit>,
    /// Incoming id → the id it has in the merged annotations.
    map: BTreeMap<Id, Id>,
    /// Every id the file uses.
    reserved: BTreeSet<Id>,
    added: usize,
    present: usize,
    renumbered: usize,
    problems: Vec<String>,
}

impl Merger<'_> {
    /// The id for an added annotation: its own when free, else the next with its prefix.
    fn fresh_id(&mut self, id: &Id) -> Id {
        if !self.work.contains_id(id) {
            return id.clone();
        }
        self.renumbered += 1;
        // Past every id in use and every incoming id, so a renumbered annotation never
        // takes an id a later one of the file keeps.
        let prefix = id.trim_end_matches(|c: char| c.is_ascii_digit());
        let taken = self.work.next_id(prefix);
        let past = |id: &Id| id.strip_prefix(prefix)?.parse::<u64>().ok();
        let max = self
            .reserved
            .iter()
            .filter_map(past)
            .chain(past(&taken).map(|n| n - 1))
            .max()
            .unwrap_or(0);
        format!("{prefix}{}", max + 1)
    }

    /// Apply one edit to the working copy and keep it for the batch.
    fn apply(&mut self, edit: Edit, what: &str) -> bool {
        match edit.apply(&mut self.work, self.text) {
            Ok(_) => {
                self.edits.push(edit);
                true
            }
            Err(e) => {
                self.problems.push(format!("{what} was not merged: {e}"));
                false
            }
        }
    }

    fn mapped(&self, id: &Id) -> Option<Id> {
        self.map.get(id).cloned()
    }

    fn entity(&mut self, entity: &Entity) {
        let same = |e: &Entity| {
            e.name == entity.name
                && e.kind == entity.kind
                && e.normalization == entity.normalization
                && e.attributes == entity.attributes
                && e.note == entity.note
        };
        if let Some(found) = self.work.entities.iter().find(|e| same(e)) {
            self.map.insert(entity.id.clone(), found.id.clone());
            self.present += 1;
            return;
        }
        let mut new = entity.clone();
        new.id = self.fresh_id(&entity.id);
        let index = self.work.entities.len();
        let id = new.id.clone();
        if self.apply(
            Edit::InsertEntity { index, entity: new },
            &format!("entity {}", entity.id),
        ) {
            self.map.insert(entity.id.clone(), id);
            self.added += 1;
        }
    }

    fn mention(&mut self, mention: &Mention) {
        let entity = match &mention.entity {
            None => None,
            Some(e) => match self.mapped(e) {
                Some(e) => Some(e),
                None => {
                    self.problems.push(format!(
                        "mention {} was not merged: its entity {e} was not merged",
                        mention.id
                    ));
                    return;
                }
            },
        };
        let same = |m: &Mention| {
            m.kind == mention.kind
                && m.fragments == mention.fragments
                && m.attributes == mention.attributes
                && m.normalization == mention.normalization
                && m.note == mention.note
                && m.entity == entity
        };
        if let Some(found) = self.work.mentions.iter().find(|m| same(m)) {
            self.map.insert(mention.id.clone(), found.id.clone());
            self.present += 1;
            return;
        }
        let mut new = mention.clone();
        new.id = self.fresh_id(&mention.id);
        new.entity = entity;
        // Mentions keep the order tagging gives them: by start, longer first.
        let key = |m: &Mention| (m.start(), Reverse(m.end()));
        let index = self.work.mentions.partition_point(|m| key(m) <= key(&new));
        let id = new.id.clone();
        if self.apply(
            Edit::InsertMention {
                index,
                mention: new,
            },
            &format!("mention {}", mention.id),
        ) {
            self.map.insert(mention.id.clone(), id);
            self.added += 1;
        }
    }

    /// Events may point at events, so an event whose targets are not all settled waits for
    /// a later pass; events left in a cycle are added with those arguments appended after.
    fn events(&mut self, existing: &Annotations, incoming: &[Event]) {
        let incoming_ids: BTreeSet<&Id> = incoming.iter().map(|e| &e.id).collect();
        // Which incoming event-coreference clusters continue one already in the document.
        let mut coref_map: BTreeMap<Id, Id> = BTreeMap::new();
        let mut pending: Vec<&Event> = incoming.iter().collect();
        let mut deferred: Vec<(Id, Argument)> = Vec::new();
        let mut forced = false;
        while !pending.is_empty() {
            let mut progress = false;
            let mut waiting = Vec::new();
            for event in pending {
                let settled = event.arguments.iter().all(|a| {
                    !incoming_ids.contains(&a.target)
                        || a.target == event.id
                        || self.map.contains_key(&a.target)
                });
                if !settled && !forced {
                    waiting.push(event);
                    continue;
                }
                progress = true;
                self.event(existing, event, &mut coref_map, &mut deferred);
            }
            pending = waiting;
            // A cycle: add the rest now and their open arguments afterwards.
            forced = !progress;
        }
        for (event, argument) in deferred {
            let Some(target) = self.mapped(&argument.target) else {
                self.problems.push(format!(
                    "an argument ({}) of event {event} was not merged: its target {} was not merged",
                    argument.role, argument.target
                ));
                continue;
            };
            let Some(index) = self.work.event(&event).map(|e| e.arguments.len()) else {
                continue;
            };
            self.apply(
                Edit::InsertArgument {
                    event: event.clone(),
                    index,
                    argument: Argument {
                        role: argument.role,
                        target,
                    },
                },
                &format!("an argument of event {event}"),
            );
        }
    }

    fn event(
        &mut self,
        existing: &Annotations,
        event: &Event,
        coref_map: &mut BTreeMap<Id, Id>,
        deferred: &mut Vec<(Id, Argument)>,
    ) {
        // Arguments with their targets as the merged annotations name them; `None` for a
        // target not settled yet (only in a cycle).
        let arguments: Vec<(Option<Id>, &Argument)> = event
            .arguments
            .iter()
            .map(|a| (self.mapped(&a.target), a))
            .collect();
        let settled = arguments.iter().all(|(t, _)| t.is_some());
        let same = |e: &Event| {
            settled
                && e.kind == event.kind
                && e.trigger == event.trigger
                && e.attributes == event.attributes
                && e.note == event.note
                && e.arguments.len() == arguments.len()
                && e.arguments
                    .iter()
                    .zip(&arguments)
                    .all(|(x, (t, a))| x.role == a.role && Some(&x.target) == t.as_ref())
        };
        if let Some(found) = self.work.events.iter().find(|e| same(e)) {
            if let (Some(theirs), Some(ours)) = (&event.coref, &found.coref) {
                coref_map.entry(theirs.clone()).or_insert(ours.clone());
            }
            self.map.insert(event.id.clone(), found.id.clone());
            self.present += 1;
            return;
        }
        let mut new = event.clone();
        new.id = self.fresh_id(&event.id);
        // A coreference cluster id already used in the document names another cluster,
        // unless an identical event showed this cluster continues it.
        new.coref = event.coref.as_ref().map(|c| {
            coref_map
                .entry(c.clone())
                .or_insert_with(|| {
                    if existing.events.iter().any(|e| e.coref.as_ref() == Some(c)) {
                        let used: BTreeSet<&Id> = existing
                            .events
                            .iter()
                            .filter_map(|e| e.coref.as_ref())
                            .collect();
                        (2..)
                            .map(|n| format!("{c}-{n}"))
                            .find(|x| !used.contains(x))
                            .expect("some suffix is free")
                    } else {
                        c.clone()
                    }
                })
                .clone()
        });
        new.arguments = Vec::new();
        for (target, argument) in arguments {
            match target {
                Some(target) => new.arguments.push(Argument {
                    role: argument.role.clone(),
                    target,
                }),
                None if argument.target == event.id => new.arguments.push(Argument {
                    role: argument.role.clone(),
                    target: new.id.clone(),
                }),
                None => deferred.push((new.id.clone(), argument.clone())),
            }
        }
        let index = self.work.events.len();
        let id = new.id.clone();
        if self.apply(
            Edit::InsertEvent { index, event: new },
            &format!("event {}", event.id),
        ) {
            self.map.insert(event.id.clone(), id);
            self.added += 1;
        }
    }

    fn relation(&mut self, relation: &Relation) {
        let (Some(arg1), Some(arg2)) = (self.mapped(&relation.arg1), self.mapped(&relation.arg2))
        else {
            self.problems.push(format!(
                "relation {} was not merged: an argument ({} or {}) was not merged",
                relation.id, relation.arg1, relation.arg2
            ));
            return;
        };
        let same = |r: &Relation| {
            r.kind == relation.kind
                && r.arg1 == arg1
                && r.arg2 == arg2
                && r.attributes == relation.attributes
        };
        if let Some(found) = self.work.relations.iter().find(|r| same(r)) {
            self.map.insert(relation.id.clone(), found.id.clone());
            self.present += 1;
            return;
        }
        let mut new = relation.clone();
        new.id = self.fresh_id(&relation.id);
        new.arg1 = arg1;
        new.arg2 = arg2;
        self.map.insert(relation.id.clone(), new.id.clone());
        let index = self.work.relations.len();
        if self.apply(
            Edit::InsertRelation {
                index,
                relation: new,
            },
            &format!("relation {}", relation.id),
        ) {
            self.added += 1;
        }
    }

    /// Document labels are sets: the merge is their union.
    fn labels(&mut self, set: &str, labels: &[String]) {
        let mut chosen = self.work.labels.get(set).cloned().unwrap_or_default();
        let before = chosen.len();
        for label in labels {
            if !chosen.contains(label) {
                chosen.push(label.clone());
            }
        }
        if chosen.len() != before {
            self.apply(
                Edit::SetLabels {
                    set: set.to_owned(),
                    labels: chosen,
                },
                &format!("label set {set}"),
            );
        }
    }
}

/// What to do with one import: documents to add, and merges into documents already in
/// the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportPlan {
    /// New texts, each once; a text that came twice has both files' annotations.
    pub new_documents: Vec<Document>,
    /// Merges into documents already in the corpus, one per document.
    pub merges: Vec<DocumentMerge>,
    /// New documents that came more than once, by title, with what the repeat added.
    pub repeats: Vec<DocumentMerge>,
}

/// Annotations merged into one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentMerge {
    pub id: Id,
    pub title: String,
    /// The edit adding what is new, as one undoable step; `None` when nothing was new.
    pub edit: Option<Edit>,
    pub added: usize,
    pub present: usize,
    pub renumbered: usize,
    pub problems: Vec<String>,
}

impl DocumentMerge {
    /// "12 annotations merged into “Title”; 3 already present".
    pub fn summary(&self) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut s = format!(
            "{} annotation{} merged into “{}”",
            self.added,
            plural(self.added),
            self.title
        );
        if self.present > 0 {
            s.push_str(&format!("; {} already present", self.present));
        }
        if self.renumbered == 1 {
            s.push_str("; 1 renumbered because its id already named another annotation");
        } else if self.renumbered > 1 {
            s.push_str(&format!(
                "; {} renumbered because their ids already named other annotations",
                self.renumbered
            ));
        }
        s
    }

    fn absorb(&mut self, merge: Merge) {
        self.added += merge.added;
        self.present += merge.present;
        self.renumbered += merge.renumbered;
        self.problems.extend(merge.problems);
        self.edit = match (self.edit.take(), merge.edit) {
            (None, e) | (e, None) => e,
            (Some(Edit::Batch(mut a)), Some(Edit::Batch(b))) => {
                a.extend(b);
                Some(Edit::Batch(a))
            }
            (Some(a), Some(b)) => Some(Edit::Batch(vec![a, b])),
        };
    }

    /// Every problem, named after the document.
    pub fn problem_lines(&self) -> impl Iterator<Item = String> + '_ {
        self.problems
            .iter()
            .map(move |p| format!("“{}”, {p}", self.title))
    }
}

/// Sort imported documents into new ones and merges into `corpus`, matching texts by
/// checksum. Pure: applying the plan is the caller's job.
pub fn plan_import<'a>(
    corpus: impl IntoIterator<Item = &'a Document>,
    incoming: Vec<Document>,
) -> ImportPlan {
    let corpus: Vec<&Document> = corpus.into_iter().collect();
    let mut plan = ImportPlan::default();
    // Annotations of corpus documents as the merges so far leave them, by checksum.
    let mut merged: BTreeMap<String, (usize, Annotations)> = BTreeMap::new();
    for doc in incoming {
        let sha = doc.meta.sha256.clone();
        if let Some(target) = corpus.iter().find(|d| d.meta.sha256 == sha) {
            let (at, current) = merged.entry(sha).or_insert_with(|| {
                plan.merges.push(DocumentMerge {
                    id: target.meta.id.clone(),
                    title: target.meta.title.clone(),
                    edit: None,
                    added: 0,
                    present: 0,
                    renumbered: 0,
                    problems: Vec::new(),
                });
                (plan.merges.len() - 1, target.annotations.clone())
            });
            let merge = merge_imported(current, &doc.annotations, &target.text);
            *current = merge.merged.clone();
            plan.merges[*at].absorb(merge);
        } else if let Some(first) = plan.new_documents.iter_mut().find(|d| d.meta.sha256 == sha) {
            let merge = merge_imported(&first.annotations, &doc.annotations, &first.text);
            first.annotations = merge.merged.clone();
            let mut repeat = DocumentMerge {
                id: first.meta.id.clone(),
                title: first.meta.title.clone(),
                edit: None,
                added: 0,
                present: 0,
                renumbered: 0,
                problems: Vec::new(),
            };
            repeat.absorb(merge);
            repeat.edit = None;
            plan.repeats.push(repeat);
        } else {
            plan.new_documents.push(doc);
        }
    }
    // Formats without a status (brat, W3C, doccano) bring annotated documents as "not
    // started"; a document with annotations has been started.
    for doc in &mut plan.new_documents {
        if doc.meta.status == Status::NotStarted && !doc.annotations.is_empty() {
            doc.meta.status = Status::InProgress;
        }
    }
    plan
}

impl ImportPlan {
    /// Every problem of every merge.
    pub fn problems(&self) -> Vec<String> {
        self.merges
            .iter()
            .chain(&self.repeats)
            .flat_map(|m| m.problem_lines().collect::<Vec<_>>())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::format::fixtures::{self, arg, mention};
    use crate::core::model::{AttrValue, Span};

    fn doc_with(annotations: Annotations) -> Document {
        let mut d = Document::new("Strike report", fixtures::TEXT);
        d.annotations = annotations;
        d
    }

    #[test]
    fn the_same_annotations_twice_add_nothing() {
        let doc = fixtures::document();
        let m = merge_imported(&doc.annotations, &doc.annotations, &doc.text);
        assert_eq!(m.edit, None);
        assert_eq!(m.merged, doc.annotations);
        assert_eq!(m.added, 0);
        // 7 mentions, 1 event, 1 relation.
        assert_eq!(m.present, 9);
        assert!(m.problems.is_empty());
    }

    #[test]
    fn merged_annotations_keep_the_files_stamps_and_the_larger_active_time() {
        let doc = fixtures::document();
        let mut incoming = doc.annotations.clone();
        crate::core::timing::stamp(&Annotations::default(), &mut incoming, 7_000, "ben");
        incoming.active_ms = 80_000;
        let mut ours = Annotations {
            active_ms: 50_000,
            ..Default::default()
        };
        ours.mentions.push(incoming.mentions[0].clone());
        ours.mentions[0].id = "T99".into();
        let m = merge_imported(&ours, &incoming, &doc.text);
        assert_eq!(m.merged.active_ms, 80_000);
        // Every annotation has the file's stamp, the one already there too, as it had none.
        assert_eq!(
            m.merged.stamps.len(),
            m.merged.count() + m.merged.entities.len()
        );
        assert!(m.merged.stamps.values().all(|s| s.created_by == "ben"));
        // A stamp already there is kept.
        crate::core::timing::stamp(&Annotations::default(), &mut ours, 1_000, "ana");
        let m = merge_imported(&ours, &incoming, &doc.text);
        assert_eq!(m.merged.stamps["T99"].created_by, "ana");
    }

    #[test]
    fn everything_merges_into_an_empty_document_under_its_own_ids() {
        let doc = fixtures::document();
        let m = merge_imported(&Annotations::default(), &doc.annotations, &doc.text);
        assert_eq!((m.added, m.present, m.renumbered), (9, 0, 0));
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let mut expected = doc.annotations.clone();
        expected
            .mentions
            .sort_by_key(|m| (m.start(), Reverse(m.end())));
        assert_eq!(m.merged, expected);
    }

    #[test]
    fn clashing_ids_with_other_content_are_renumbered_with_their_references() {
        // Ours: T1 is "Kyiv". Theirs: T1 is "Russian forces", the attacker of E1, in R1.
        let theirs = fixtures::document().annotations;
        let mut ours = Annotations::default();
        ours.mentions.push(theirs.mentions[2].clone());
        ours.mentions[0].id = "T1".into();
        let m = merge_imported(&ours, &theirs, fixtures::TEXT);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        // Kyiv (their T3) is already there as our T1; the other six mentions, the event
        // and the relation are new.
        assert_eq!((m.added, m.present), (8, 1));
        let forces = m
            .merged
            .mentions
            .iter()
            .find(|x| x.text == "Russian forces")
            .unwrap();
        assert_ne!(forces.id, "T1", "the clashing id was renumbered");
        let kyiv = m.merged.mentions.iter().find(|x| x.text == "Kyiv").unwrap();
        assert_eq!(kyiv.id, "T1", "ours keeps its id");
        let attack = &m.merged.events[0];
        assert_eq!(attack.arguments[0], arg("Attacker", &forces.id));
        assert_eq!(
            attack.arguments[1],
            arg("Target", "T1"),
            "their T3 is our T1"
        );
        let r = &m.merged.relations[0];
        assert_eq!(r.arg1, forces.id);
        // Every id is unique and every reference resolves.
        let report = crate::core::validate::validate(fixtures::TEXT, &m.merged, None);
        assert!(!report.has_errors(), "{:?}", report.issues);
        assert!(m.renumbered > 0);
    }

    #[test]
    fn the_edit_reproduces_the_merge_and_undoes_as_one_step() {
        let theirs = fixtures::document().annotations;
        let mut ours = Annotations::default();
        ours.mentions.push(theirs.mentions[2].clone());
        ours.mentions[0].id = "T1".into();
        let m = merge_imported(&ours, &theirs, fixtures::TEXT);
        let mut ann = ours.clone();
        let mut history = crate::core::edit::History::default();
        history
            .apply(&mut ann, fixtures::TEXT, m.edit.clone().unwrap())
            .unwrap();
        assert_eq!(ann, m.merged);
        assert!(history.undo(&mut ann, fixtures::TEXT).unwrap());
        assert_eq!(ann, ours);
        assert!(!history.can_undo());
    }

    #[test]
    fn an_annotation_differing_only_in_a_note_or_attribute_is_kept_beside_ours() {
        let mut ours = Annotations::default();
        ours.mentions.push(mention("T1", "PER", &[(58, 69)]));
        let mut theirs = ours.clone();
        theirs.mentions[0].note = Some("President".into());
        theirs.mentions.push(mention("T2", "PER", &[(58, 69)]));
        theirs.mentions[1]
            .attributes
            .insert("MentionType".into(), AttrValue::Value("NAM".into()));
        let m = merge_imported(&ours, &theirs, fixtures::TEXT);
        assert_eq!((m.added, m.present, m.renumbered), (2, 0, 1));
        assert_eq!(m.merged.mentions.len(), 3);
        let ids: BTreeSet<&str> = m.merged.mentions.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, BTreeSet::from(["T1", "T2", "T3"]));
    }

    #[test]
    fn entities_match_by_content_and_members_join_them() {
        let mut ours = Annotations::default();
        ours.entities.push(Entity {
            id: "C1".into(),
            name: "Zelensky".into(),
            kind: "PER".into(),
            normalization: None,
            attributes: Default::default(),
            note: None,
        });
        let mut z = mention("T1", "PER", &[(58, 69)]);
        z.entity = Some("C1".into());
        ours.mentions.push(z);
        let mut theirs = Annotations::default();
        let mut e = ours.entities[0].clone();
        e.id = "C7".into();
        theirs.entities.push(e);
        let mut z = mention("T4", "PER", &[(58, 69)]);
        z.entity = Some("C7".into());
        theirs.mentions.push(z);
        let mut other = mention("T5", "GPE", &[(24, 28)]);
        other.entity = Some("C7".into());
        theirs.mentions.push(other);
        let m = merge_imported(&ours, &theirs, fixtures::TEXT);
        assert_eq!((m.added, m.present), (1, 2));
        assert_eq!(m.merged.entities.len(), 1);
        assert_eq!(m.merged.members("C1").count(), 2);
    }

    #[test]
    fn events_pointing_at_events_merge_in_any_order_and_cycles_survive() {
        let mut theirs = fixtures::document().annotations;
        let mut outer = theirs.events[0].clone();
        outer.id = "E2".into();
        outer.kind = "Contact:Meet".into();
        outer.arguments = vec![arg("Topic", "E1")];
        // E2 comes first and points forward at E1; E1 points back at E2: a cycle.
        theirs.events.insert(0, outer);
        theirs.events[1].arguments.push(arg("Cause", "E2"));
        let mut ours = Annotations::default();
        ours.events.push(Event::new(
            "E1",
            "Life:Die",
            vec![Span::new(17, 23)],
            "struck",
            vec![],
        ));
        let m = merge_imported(&ours, &theirs, fixtures::TEXT);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let report = crate::core::validate::validate(fixtures::TEXT, &m.merged, None);
        assert!(!report.has_errors(), "{:?}", report.issues);
        let attack = m
            .merged
            .events
            .iter()
            .find(|e| e.kind == "Conflict:Attack")
            .unwrap();
        let meet = m
            .merged
            .events
            .iter()
            .find(|e| e.kind == "Contact:Meet")
            .unwrap();
        assert_ne!(attack.id, "E1", "their E1 clashed with our Life:Die");
        assert_eq!(meet.arguments, vec![arg("Topic", &attack.id)]);
        assert!(attack.arguments.contains(&arg("Cause", &meet.id)));
        assert_eq!(attack.arguments.len(), 5);
        // Merging again adds nothing when the references go one way; events in a cycle
        // cannot be matched (each waits on the other), so they are added again rather
        // than guessed at: a duplicate, never a loss.
        theirs.events[1].arguments.pop();
        let once = merge_imported(&ours, &theirs, fixtures::TEXT).merged;
        let again = merge_imported(&once, &theirs, fixtures::TEXT);
        assert_eq!((again.added, again.present), (0, 10), "{:?}", again.merged);
    }

    #[test]
    fn an_annotation_the_text_refuses_is_named_not_dropped_silently() {
        let mut theirs = Annotations::default();
        // A whitespace-only span passes some importers but no edit.
        let mut blank = mention("T1", "PER", &[(1, 2)]);
        blank.text = " ".into();
        theirs.mentions.push(blank);
        theirs.relations.push(Relation {
            id: "R1".into(),
            kind: "PART-WHOLE".into(),
            arg1: "T1".into(),
            arg2: "T1".into(),
            attributes: Default::default(),
        });
        let m = merge_imported(&Annotations::default(), &theirs, fixtures::TEXT);
        assert_eq!(m.added, 0);
        assert_eq!(m.problems.len(), 2, "{:?}", m.problems);
        assert!(m.problems[0].starts_with("mention T1 was not merged"));
        assert!(m.problems[1].starts_with("relation R1 was not merged"));
    }

    #[test]
    fn labels_merge_as_a_union() {
        let mut ours = Annotations::default();
        ours.labels.insert("Topic".into(), vec!["War".into()]);
        let mut theirs = Annotations::default();
        theirs
            .labels
            .insert("Topic".into(), vec!["Diplomacy".into(), "War".into()]);
        let m = merge_imported(&ours, &theirs, fixtures::TEXT);
        assert_eq!(m.merged.labels["Topic"], ["War", "Diplomacy"]);
    }

    #[test]
    fn a_plan_merges_into_corpus_texts_and_adds_the_rest_once() {
        let mut known = doc_with(Annotations::default());
        known.meta.title = "Known".into();
        let incoming = fixtures::document();
        known
            .annotations
            .mentions
            .push(incoming.annotations.mentions[2].clone());
        known.annotations.mentions[0].id = "T1".into();
        let fresh = Document::new("Fresh", "Ana met Bo.");
        let mut fresh_again = fresh.clone();
        fresh_again.meta.title = "Fresh again".into();
        fresh_again.annotations.mentions.push(Mention::new(
            "T1",
            "PER",
            vec![Span::new(0, 3)],
            "Ana",
        ));
        let plan = plan_import(
            [&known],
            vec![incoming.clone(), fresh, fresh_again, incoming],
        );
        assert_eq!(plan.new_documents.len(), 1);
        assert_eq!(plan.new_documents[0].annotations.mentions.len(), 1);
        assert_eq!(plan.repeats.len(), 1);
        assert_eq!(plan.merges.len(), 1, "one merge per corpus document");
        let merge = &plan.merges[0];
        assert_eq!(merge.id, known.meta.id);
        // The second copy of the file is all already present.
        assert_eq!((merge.added, merge.present), (8, 1 + 9));
        assert_eq!(
            merge.summary(),
            "8 annotations merged into “Known”; 10 already present; 1 renumbered because its id already named another annotation"
        );
        let mut ann = known.annotations.clone();
        merge
            .edit
            .as_ref()
            .unwrap()
            .apply(&mut ann, &known.text)
            .unwrap();
        assert_eq!(ann.count(), 9);
    }
}
