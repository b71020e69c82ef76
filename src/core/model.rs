//! The document model: documents, mentions, entities, events, relations.
//!
//! Every span is a list of fragments in code points, half-open. Annotation ids are short
//! and per document, in brat's style: `T1` for mentions (and triggers share nothing with
//! them), `E1` for events, `R1` for relations, `C1` for entity clusters.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::offsets::slice_cp;

pub type Id = String;

/// A half-open range of code points. Serialised as `[start, end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "(usize, usize)", into = "(usize, usize)")]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl From<(usize, usize)> for Span {
    fn from((start, end): (usize, usize)) -> Self {
        Self { start, end }
    }
}

impl From<Span> for (usize, usize) {
    fn from(s: Span) -> Self {
        (s.start, s.end)
    }
}

/// The text a list of fragments covers, joined by one space as brat does. `None` when a
/// fragment is out of bounds.
pub fn fragments_text(text: &str, fragments: &[Span]) -> Option<String> {
    let parts: Option<Vec<&str>> = fragments
        .iter()
        .map(|f| slice_cp(text, f.start, f.end))
        .collect();
    parts.map(|p| p.join(" "))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    Flag(bool),
    Value(String),
}

/// A link into an external resource, such as `Wikidata:Q212`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalization {
    pub resource: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub id: Id,
    #[serde(rename = "type")]
    pub kind: String,
    pub fragments: Vec<Span>,
    /// The covered text, kept in the file so a reader can check the offsets against it.
    pub text: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttrValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalization: Option<Normalization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The coreference cluster (entity) this mention belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<Id>,
}

impl Mention {
    /// A plain mention: no attributes, normalisation, note or cluster yet.
    pub fn new(
        id: impl Into<Id>,
        kind: impl Into<String>,
        fragments: Vec<Span>,
        text: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            kind: kind.into(),
            fragments,
            text: text.into(),
            attributes: BTreeMap::new(),
            normalization: None,
            note: None,
            entity: None,
        }
    }

    /// The first code point of the first fragment; mentions sort by it.
    pub fn start(&self) -> usize {
        self.fragments.iter().map(|f| f.start).min().unwrap_or(0)
    }
    pub fn end(&self) -> usize {
        self.fragments.iter().map(|f| f.end).max().unwrap_or(0)
    }
}

/// A coreference cluster: "Trump", "Mr Trump" and "he" as one entity. Its members are
/// the mentions whose `entity` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub id: Id,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalization: Option<Normalization>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttrValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Argument {
    pub role: String,
    /// The id of a mention or of another event.
    pub target: Id,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: Id,
    #[serde(rename = "type")]
    pub kind: String,
    pub trigger: Vec<Span>,
    pub trigger_text: String,
    #[serde(default)]
    pub arguments: Vec<Argument>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttrValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Event coreference: event mentions that share this id are one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coref: Option<Id>,
}

impl Event {
    /// A plain event: no attributes, note or coreference yet.
    pub fn new(
        id: impl Into<Id>,
        kind: impl Into<String>,
        trigger: Vec<Span>,
        trigger_text: impl Into<String>,
        arguments: Vec<Argument>,
    ) -> Self {
        Self {
            id: id.into(),
            kind: kind.into(),
            trigger,
            trigger_text: trigger_text.into(),
            arguments,
            attributes: BTreeMap::new(),
            note: None,
            coref: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub id: Id,
    #[serde(rename = "type")]
    pub kind: String,
    pub arg1: Id,
    pub arg2: Id,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttrValue>,
}

/// When an annotation was made and last changed, and by whom: milliseconds since the
/// Unix epoch and annotator names. `core::timing::stamp` keeps them after every edit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// `None` for an annotation made before Loupe recorded timing and changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<u64>,
    pub modified: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created_by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub modified_by: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Everything annotated on one document. Stored apart from the text, so an edit rewrites
/// only this.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotations {
    #[serde(default)]
    pub mentions: Vec<Mention>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Document-level labels: label set name → chosen labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, Vec<String>>,
    /// Annotation id → when it was made and changed, and by whom.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stamps: BTreeMap<Id, Stamp>,
    /// Active annotation time on this document, in milliseconds (see `core::timing`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub active_ms: u64,
}

impl Annotations {
    pub fn is_empty(&self) -> bool {
        self.mentions.is_empty()
            && self.entities.is_empty()
            && self.events.is_empty()
            && self.relations.is_empty()
            && self.labels.is_empty()
    }

    pub fn count(&self) -> usize {
        self.mentions.len() + self.events.len() + self.relations.len()
    }

    pub fn mention(&self, id: &str) -> Option<&Mention> {
        self.mentions.iter().find(|m| m.id == id)
    }

    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    pub fn relation(&self, id: &str) -> Option<&Relation> {
        self.relations.iter().find(|r| r.id == id)
    }

    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// The mentions and events found by id in constant time. [`Annotations::mention`] scans
    /// the list, which is right for one lookup; a list of labels (an outline's 200
    /// relations, each naming two mentions, in a 10,000-mention document) looks them up
    /// through this instead.
    pub fn lookup(&self) -> Lookup<'_> {
        let mut mentions = HashMap::with_capacity(self.mentions.len());
        // The first of a duplicated id wins, as in `mention`.
        for m in self.mentions.iter().rev() {
            mentions.insert(m.id.as_str(), m);
        }
        let mut events = HashMap::with_capacity(self.events.len());
        for e in self.events.iter().rev() {
            events.insert(e.id.as_str(), e);
        }
        Lookup { mentions, events }
    }

    /// Whether any annotation (mention, event, relation or entity) has this id. Ids share
    /// one namespace because an argument names its target by id alone.
    pub fn contains_id(&self, id: &str) -> bool {
        self.mention(id).is_some()
            || self.event(id).is_some()
            || self.relation(id).is_some()
            || self.entity(id).is_some()
    }

    /// The mentions of an entity cluster, in text order of the list.
    pub fn members<'a>(&'a self, entity: &'a str) -> impl Iterator<Item = &'a Mention> + 'a {
        self.mentions
            .iter()
            .filter(move |m| m.entity.as_deref() == Some(entity))
    }

    /// Give annotations new ids, and rewrite every reference to them: entity membership,
    /// event arguments and relation ends. (An event's `coref` is a cluster label, not a
    /// reference, so it stays.)
    pub fn rename_ids(&mut self, renames: &BTreeMap<Id, Id>) {
        let rename = |id: &mut Id| {
            if let Some(new) = renames.get(id.as_str()) {
                id.clone_from(new);
            }
        };
        for m in &mut self.mentions {
            rename(&mut m.id);
            if let Some(e) = &mut m.entity {
                rename(e);
            }
        }
        for e in &mut self.entities {
            rename(&mut e.id);
        }
        for e in &mut self.events {
            rename(&mut e.id);
            for a in &mut e.arguments {
                rename(&mut a.target);
            }
        }
        for r in &mut self.relations {
            rename(&mut r.id);
            rename(&mut r.arg1);
            rename(&mut r.arg2);
        }
        let stamps = std::mem::take(&mut self.stamps);
        self.stamps = stamps
            .into_iter()
            .map(|(id, s)| (renames.get(&id).cloned().unwrap_or(id), s))
            .collect();
    }

    /// A copy holding only the annotations (and their stamps) whose ids are in `ids`,
    /// with the active time: what [`crate::core::timing::stamp_affected`] compares an
    /// edit's result with.
    pub fn subset(&self, ids: &BTreeSet<Id>) -> Annotations {
        fn pick<T: Clone>(items: &[T], id: impl Fn(&T) -> &Id, ids: &BTreeSet<Id>) -> Vec<T> {
            items
                .iter()
                .filter(|x| ids.contains(id(x)))
                .cloned()
                .collect()
        }
        Annotations {
            mentions: pick(&self.mentions, |m| &m.id, ids),
            entities: pick(&self.entities, |e| &e.id, ids),
            events: pick(&self.events, |e| &e.id, ids),
            relations: pick(&self.relations, |r| &r.id, ids),
            labels: BTreeMap::new(),
            stamps: ids
                .iter()
                .filter_map(|id| Some((id.clone(), self.stamps.get(id)?.clone())))
                .collect(),
            active_ms: self.active_ms,
        }
    }

    /// Drop the stamps of annotations that no longer exist.
    pub fn prune_stamps(&mut self) {
        if self.stamps.is_empty() {
            return;
        }
        let ids: std::collections::BTreeSet<Id> = self.ids().cloned().collect();
        self.stamps.retain(|id, _| ids.contains(id));
    }

    /// Every annotation id: mentions, entities, events, relations.
    pub fn ids(&self) -> impl Iterator<Item = &Id> + '_ {
        self.mentions
            .iter()
            .map(|m| &m.id)
            .chain(self.entities.iter().map(|e| &e.id))
            .chain(self.events.iter().map(|e| &e.id))
            .chain(self.relations.iter().map(|r| &r.id))
    }

    /// A fresh id with `prefix`, one past the highest number in use.
    pub fn next_id(&self, prefix: &str) -> Id {
        let ids = self
            .mentions
            .iter()
            .map(|m| &m.id)
            .chain(self.events.iter().map(|e| &e.id))
            .chain(self.relations.iter().map(|r| &r.id))
            .chain(self.entities.iter().map(|e| &e.id));
        // The largest number written plainly (digits, no leading zero) after the prefix,
        // compared as text, longer first: parsing all 15,000 ids of a long article was a
        // tenth of a keypress. Ids written otherwise ("T07", "T+7") cannot be what this
        // returns, so passing over them keeps the new id unique.
        let mut best = "";
        for id in ids {
            let Some(digits) = id.strip_prefix(prefix) else {
                continue;
            };
            let plain = !digits.is_empty()
                && !digits.starts_with('0')
                && digits.bytes().all(|b| b.is_ascii_digit());
            if plain && (digits.len(), digits) > (best.len(), best) && digits.parse::<u64>().is_ok()
            {
                best = digits;
            }
        }
        let max: u64 = best.parse().unwrap_or(0);
        format!("{prefix}{}", max + 1)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    NotStarted,
    InProgress,
    Done,
}

/// What is known about a document apart from its text and annotations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub id: Id,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub status: Status,
    /// SHA-256 of the text, hex: matches annotations to the right text later.
    pub sha256: String,
}

/// A document: its metadata, its immutable text and its annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub meta: DocumentMeta,
    pub text: String,
    pub annotations: Annotations,
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Document {
    /// A new, unannotated document. Its id derives from the text checksum, so the same
    /// text imported twice is recognised as a duplicate.
    pub fn new(title: &str, text: &str) -> Self {
        let sha256 = sha256_hex(text);
        Self {
            meta: DocumentMeta {
                id: format!("d{}", &sha256[..16]),
                title: title.trim().to_owned(),
                url: None,
                date: None,
                metadata: BTreeMap::new(),
                status: Status::NotStarted,
                sha256,
            },
            text: text.to_owned(),
            annotations: Annotations::default(),
        }
    }

    pub fn id(&self) -> &str {
        &self.meta.id
    }
}

/// A title from a file name: the name without its extension, `_` and `-` as spaces.
pub fn title_from_file_name(name: &str) -> String {
    title_from_file_stem(name.rsplit_once('.').map_or(name, |(stem, _)| stem))
}

/// A title from a file name without its extension, `_` and `-` as spaces. It undoes the
/// file names exports give documents, so a title survives a round trip through brat or
/// W3C files.
pub fn title_from_file_stem(stem: &str) -> String {
    stem.replace(['_', '-'], " ").trim().to_owned()
}

/// Mentions and events by id: see [`Annotations::lookup`].
pub struct Lookup<'a> {
    mentions: HashMap<&'a str, &'a Mention>,
    events: HashMap<&'a str, &'a Event>,
}

impl<'a> Lookup<'a> {
    pub fn mention(&self, id: &str) -> Option<&'a Mention> {
        self.mentions.get(id).copied()
    }

    pub fn event(&self, id: &str) -> Option<&'a Event> {
        self.events.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_serialises_as_a_pair() {
        let json = serde_json::to_string(&Span::new(3, 7)).unwrap();
        assert_eq!(json, "[3,7]");
        assert_eq!(
            serde_json::from_str::<Span>("[3,7]").unwrap(),
            Span::new(3, 7)
        );
    }

    #[test]
    fn discontinuous_text_joins_fragments_with_one_space() {
        let t = "North and South America";
        let f = [Span::new(0, 5), Span::new(16, 23)];
        assert_eq!(fragments_text(t, &f).as_deref(), Some("North America"));
        assert_eq!(fragments_text(t, &[Span::new(20, 30)]), None);
    }

    #[test]
    fn next_id_is_one_past_the_highest() {
        let mut a = Annotations::default();
        assert_eq!(a.next_id("T"), "T1");
        a.mentions
            .push(Mention::new("T7", "PER", vec![Span::new(0, 1)], "a"));
        assert_eq!(a.next_id("T"), "T8");
        assert_eq!(a.next_id("E"), "E1");
        // Longer numbers are larger, whatever their first digits; ids not written as a
        // plain number are passed over, and cannot be what comes next.
        for id in ["T10", "T9", "T0012", "Tx99", "T+50", "T"] {
            a.mentions
                .push(Mention::new(id, "PER", vec![Span::new(0, 1)], "a"));
        }
        assert_eq!(a.next_id("T"), "T11");
        a.relations.push(Relation {
            id: "T123".into(),
            kind: "R".into(),
            arg1: "T7".into(),
            arg2: "T9".into(),
            attributes: Default::default(),
        });
        assert_eq!(a.next_id("T"), "T124", "every kind of annotation counts");
    }

    #[test]
    fn lookup_finds_what_the_scans_find_the_first_of_a_duplicate_included() {
        let mut a = Annotations::default();
        for (id, kind) in [("T1", "PER"), ("T2", "GPE"), ("T1", "ORG")] {
            a.mentions
                .push(Mention::new(id, kind, vec![Span::new(0, 1)], "a"));
        }
        a.events.push(Event::new(
            "E1",
            "Attack",
            vec![Span::new(2, 3)],
            "b",
            Vec::new(),
        ));
        let l = a.lookup();
        for id in ["T1", "T2", "E1", "T9", ""] {
            assert_eq!(l.mention(id), a.mention(id), "{id}");
            assert_eq!(l.event(id), a.event(id), "{id}");
        }
        assert_eq!(l.mention("T1").unwrap().kind, "PER");
    }

    #[test]
    fn checksum_is_sha256_of_the_utf8_text() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
