//! Rolling backups of the stored corpus, apart from the live keys: when a snapshot is due,
//! which snapshots are kept, how a restore is applied, and which backup repairs a damaged
//! or missing live value. Pure: the browser keeps the snapshots (IndexedDB) and follows
//! these rules, so they are tested natively.
//!
//! A snapshot is a copy of every live key Loupe owns (`loupe/v1/…`, except rescued copies
//! of damaged values), taken from storage right after a save. The rules:
//! - one snapshot on the first edit of a session, then one whenever an edit comes
//!   [`Policy::every_ms`] or more after the last one (a timer also takes it when editing
//!   stopped in between), and none when nothing changed since the newest;
//! - the newest [`Policy::keep`] are kept, by the time they were taken, never by the time
//!   they reached the backup store: a late write of an older snapshot never pushes out a
//!   newer one, and no snapshot is ever overwritten;
//! - a restore first backs up what it replaces, and writes back exactly the snapshot's
//!   keys, removing live keys the snapshot lacks.

use crate::core::sort;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::core::model::{sha256_hex, DocumentMeta, Status};
use crate::core::plural::{agree, count};
use crate::core::storage::{
    ann_key, text_key, utf16_units, INDEX_KEY, SCHEMA_KEY, SETTINGS_KEY, STORAGE_VERSION,
};

const PREFIX: &str = "loupe/v1/";
const RESCUED_PREFIX: &str = "loupe/v1/rescued/";
const PROBE_KEY: &str = "loupe/v1/probe";

/// Whether a live key belongs in a backup.
pub fn is_backed_up(key: &str) -> bool {
    key.starts_with(PREFIX) && !key.starts_with(RESCUED_PREFIX) && key != PROBE_KEY
}

/// How often snapshots are taken and how many are kept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    pub every_ms: f64,
    pub keep: usize,
}

/// Loupe's policy: a snapshot every 5 minutes of editing, the last 10 kept.
pub const POLICY: Policy = Policy {
    every_ms: 5.0 * 60_000.0,
    keep: 10,
};

/// Why a snapshot was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    FirstEdit,
    Interval,
    BeforeRestore,
    Manual,
}

impl Reason {
    pub fn label(self) -> &'static str {
        match self {
            Self::FirstEdit => "first edit of a session",
            Self::Interval => "while editing",
            Self::BeforeRestore => "before a restore",
            Self::Manual => "backed up by hand",
        }
    }
}

/// What the backup list shows of a snapshot, kept apart from its (large) entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    /// Unique, and sorts by time: the time taken, then the tab.
    pub id: String,
    /// Milliseconds since the Unix epoch.
    pub taken_at: f64,
    pub tab: String,
    pub reason: Reason,
    pub documents: usize,
    pub annotations: usize,
    /// UTF-16 units of keys and values, as the quotas count them.
    pub units: usize,
    /// SHA-256 over the entries: tells an unchanged corpus from a changed one.
    pub digest: String,
}

impl SnapshotMeta {
    /// What it holds, for people: “3 documents, 1 annotation”.
    pub fn counts(&self) -> String {
        format!(
            "{}, {}",
            count(self.documents, "document"),
            count(self.annotations, "annotation")
        )
    }

    /// The question before restoring it over a corpus of `live_documents`, `when` being
    /// the time it was taken as people read it.
    pub fn restore_question(&self, live_documents: usize, when: &str) -> String {
        format!(
            "Replace the corpus ({}) with the backup of {when} ({})? The corpus as it is now is \
             backed up first, so this can be undone by restoring that backup.",
            count(live_documents, "document"),
            self.counts()
        )
    }
}

/// The notice on opening when backups can repair `n` damaged or missing stored values.
pub fn repair_notice(n: usize) -> String {
    format!(
        "{} {} missing or unreadable, and a backup has {}: open Backups to restore {}.",
        count(n, "stored value"),
        agree(n, "is", "are"),
        agree(n, "it", "them"),
        agree(n, "it", "them"),
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub meta: SnapshotMeta,
    pub entries: BTreeMap<String, String>,
}

impl Snapshot {
    /// A snapshot of the backed-up keys among `live`.
    pub fn of(live: &BTreeMap<String, String>, taken_at: f64, tab: &str, reason: Reason) -> Self {
        let entries: BTreeMap<String, String> = live
            .iter()
            .filter(|(k, _)| is_backed_up(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let meta = SnapshotMeta {
            id: format!("{:015}-{tab}", taken_at.max(0.0) as u64),
            taken_at,
            tab: tab.to_owned(),
            reason,
            documents: index_of(&entries).map_or(0, |m| m.len()),
            annotations: entries
                .iter()
                .filter(|(k, _)| k.ends_with("/ann"))
                .map(|(_, v)| annotation_count(v))
                .sum(),
            units: entries
                .iter()
                .map(|(k, v)| utf16_units(k) + utf16_units(v))
                .sum(),
            digest: digest(&entries),
        };
        Self { meta, entries }
    }
}

fn digest(entries: &BTreeMap<String, String>) -> String {
    let mut hash = Sha256::new();
    for (k, v) in entries {
        for part in [k, v] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn annotation_count(raw: &str) -> usize {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(raw) else {
        return 0;
    };
    ["mentions", "events", "relations"]
        .iter()
        .filter_map(|f| map.get(*f).and_then(Value::as_array))
        .map(Vec::len)
        .sum()
}

/// The document list of a stored index value, when it is sound.
fn parse_index(raw: &str) -> Option<Vec<DocumentMeta>> {
    let value: Value = serde_json::from_str(raw).ok()?;
    match value {
        Value::Array(_) => serde_json::from_value(value).ok(),
        Value::Object(mut map) => {
            let version = map.get("version").and_then(Value::as_u64).unwrap_or(0);
            if version > STORAGE_VERSION {
                return None;
            }
            serde_json::from_value(map.remove("documents")?).ok()
        }
        _ => None,
    }
}

fn index_of(entries: &BTreeMap<String, String>) -> Option<Vec<DocumentMeta>> {
    entries.get(INDEX_KEY).and_then(|raw| parse_index(raw))
}

/// Whether a stored value can be read as what its key holds. A text is sound when it is
/// the text the index's checksum names.
fn is_sound(key: &str, raw: &str, sha256: Option<&str>) -> bool {
    if key == INDEX_KEY {
        return parse_index(raw).is_some();
    }
    if key.ends_with("/text") {
        return sha256.is_none_or(|sha| sha256_hex(raw) == sha);
    }
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(map)) => {
            let version = map.get("version").and_then(Value::as_u64).unwrap_or(0);
            let shaped = !key.ends_with("/ann")
                || ["mentions", "events", "relations", "entities"]
                    .iter()
                    .all(|f| map.get(*f).is_none_or(Value::is_array));
            version <= STORAGE_VERSION && shaped
        }
        _ => false,
    }
}

/// This tab's backup clock.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Session {
    /// When this session's newest snapshot was taken.
    last: Option<f64>,
    /// Whether edits happened since then.
    edited_since: bool,
}

impl Session {
    /// An edit was made at `now`: the snapshot that is due, if one is.
    pub fn edited(&mut self, now: f64, policy: &Policy) -> Option<Reason> {
        self.edited_since = true;
        match self.last {
            None => Some(Reason::FirstEdit),
            Some(last) if now - last >= policy.every_ms => Some(Reason::Interval),
            Some(_) => None,
        }
    }

    /// A timer fired at `now`: an interval snapshot is due when edits were made since the
    /// last snapshot and the interval has passed.
    pub fn tick(&self, now: f64, policy: &Policy) -> Option<Reason> {
        match self.last {
            Some(last) if self.edited_since && now - last >= policy.every_ms => {
                Some(Reason::Interval)
            }
            _ => None,
        }
    }

    /// A snapshot was taken (or found unnecessary) at `now`.
    pub fn taken(&mut self, now: f64) {
        self.last = Some(now);
        self.edited_since = false;
    }
}

/// Whether to write a new snapshot, and what to delete to keep [`Policy::keep`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Write it, then delete these older ones.
    Store { prune: Vec<String> },
    /// The newest snapshot already holds exactly this corpus.
    Unchanged,
    /// Newer snapshots fill every place (or one has its id): writing it would push out a
    /// newer backup, so it is dropped.
    Stale,
}

fn newer(a: &SnapshotMeta, b: &SnapshotMeta) -> std::cmp::Ordering {
    b.taken_at
        .total_cmp(&a.taken_at)
        .then_with(|| b.id.cmp(&a.id))
}

/// `existing`, newest first.
pub fn newest_first(existing: &[SnapshotMeta]) -> Vec<SnapshotMeta> {
    let mut list = existing.to_vec();
    sort::sort_by(&mut list, newer);
    list
}

/// The rule for adding `new` to the `existing` snapshots.
pub fn admit(existing: &[SnapshotMeta], new: &SnapshotMeta, policy: &Policy) -> Admission {
    if existing.iter().any(|m| m.id == new.id) {
        return Admission::Stale;
    }
    let list = newest_first(existing);
    let newer_count = list
        .iter()
        .filter(|m| newer(m, new) == std::cmp::Ordering::Less)
        .count();
    if newer_count >= policy.keep.max(1) {
        return Admission::Stale;
    }
    if list.first().is_some_and(|m| m.digest == new.digest) {
        return Admission::Unchanged;
    }
    // Keep the `keep` newest of all, the new one included.
    let prune = list
        .iter()
        .skip(policy.keep.max(1) - 1)
        .filter(|m| newer(m, new) == std::cmp::Ordering::Greater)
        .map(|m| m.id.clone())
        .collect();
    Admission::Store { prune }
}

/// The writes that turn the live keys into a snapshot's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestorePlan {
    pub set: Vec<(String, String)>,
    pub remove: Vec<String>,
}

impl RestorePlan {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }
}

/// How to restore `snapshot` over `live`: set what differs, remove the backed-up keys it
/// lacks. Rescued copies and other sites' keys are left alone.
pub fn restore_plan(live: &BTreeMap<String, String>, snapshot: &Snapshot) -> RestorePlan {
    RestorePlan {
        set: snapshot
            .entries
            .iter()
            .filter(|(k, v)| live.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        remove: live
            .keys()
            .filter(|k| is_backed_up(k) && !snapshot.entries.contains_key(*k))
            .cloned()
            .collect(),
    }
}

/// What is wrong with a live value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Missing,
    Damaged,
}

/// A live value that the newest backup holding a sound copy of it can put back.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    pub key: String,
    pub fault: Fault,
    /// What the key holds, for the user: "the document list", "the text of “Title”".
    pub what: String,
    pub from: SnapshotMeta,
    pub value: String,
}

/// Every damaged or missing live value that a backup can repair, each from the newest
/// snapshot with a sound copy. Only values the live corpus needs count as missing: the
/// document list, and the text and annotations of each document it lists (a document
/// deleted on purpose is not listed, so it is not brought back).
pub fn repairs(live: &BTreeMap<String, String>, snapshots: &[Snapshot]) -> Vec<Repair> {
    let mut order: Vec<&Snapshot> = snapshots.iter().collect();
    sort::sort_by(&mut order, |a, b| newer(&a.meta, &b.meta));
    let newest_sound = |key: &str, sha: Option<&str>| {
        order.iter().find_map(|s| {
            s.entries
                .get(key)
                .filter(|v| is_sound(key, v, sha))
                .map(|v| (*s, v))
        })
    };
    let mut found = Vec::new();
    let mut check = |key: String, what: String, sha: Option<&str>, needed: bool| {
        let fault = match live.get(&key) {
            None if needed => Fault::Missing,
            None => return,
            Some(v) if is_sound(&key, v, sha) => return,
            Some(_) => Fault::Damaged,
        };
        if let Some((s, v)) = newest_sound(&key, sha) {
            if live.get(&key) != Some(v) {
                found.push(Repair {
                    key,
                    fault,
                    what,
                    from: s.meta.clone(),
                    value: v.clone(),
                });
            }
        }
    };
    check(INDEX_KEY.into(), "the document list".into(), None, true);
    // The documents the repaired (or live) list names.
    let index = match live.get(INDEX_KEY).and_then(|raw| parse_index(raw)) {
        Some(index) => index,
        None => newest_sound(INDEX_KEY, None)
            .and_then(|(_, v)| parse_index(v))
            .unwrap_or_default(),
    };
    let mut seen = BTreeSet::new();
    for meta in &index {
        if !seen.insert(meta.id.clone()) {
            continue;
        }
        let title = &meta.title;
        check(
            text_key(&meta.id),
            format!("the text of “{title}”"),
            Some(&meta.sha256),
            true,
        );
        let ann = ann_key(&meta.id);
        let ever_annotated = order.iter().any(|s| s.entries.contains_key(&ann));
        check(
            ann,
            format!("the annotations of “{title}”"),
            None,
            ever_annotated,
        );
    }
    check(
        SCHEMA_KEY.into(),
        "the annotation schema".into(),
        None,
        false,
    );
    check(SETTINGS_KEY.into(), "the settings".into(), None, false);
    found
}

/// Whether any live value looks missing or damaged on its own, before any backup is read:
/// the document list, a listed document's text (checked against its checksum), its
/// annotations (missing counts once the document was started), the schema or settings. Only
/// then are the backups, which can be large, read to find repairs.
pub fn looks_damaged(live: &BTreeMap<String, String>) -> bool {
    // No list at all: a new workspace, or a wiped one; only the backups can tell.
    let Some(index) = live.get(INDEX_KEY) else {
        return true;
    };
    let Some(index) = parse_index(index) else {
        return true;
    };
    let doc_damaged = |meta: &DocumentMeta| {
        let text = text_key(&meta.id);
        let ann = ann_key(&meta.id);
        let text_bad = live
            .get(&text)
            .is_none_or(|v| !is_sound(&text, v, Some(&meta.sha256)));
        let ann_bad = match live.get(&ann) {
            Some(v) => !is_sound(&ann, v, None),
            None => meta.status != Status::NotStarted,
        };
        text_bad || ann_bad
    };
    index.iter().any(doc_damaged)
        || [SCHEMA_KEY, SETTINGS_KEY]
            .iter()
            .any(|k| live.get(*k).is_some_and(|v| !is_sound(k, v, None)))
}

/// Apply repairs to a copy of `live`: what storage holds once they are written.
pub fn repaired(live: &BTreeMap<String, String>, repairs: &[Repair]) -> BTreeMap<String, String> {
    let mut out = live.clone();
    for r in repairs {
        out.insert(r.key.clone(), r.value.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Document;

    fn live_with(docs: &[(&str, &str)]) -> BTreeMap<String, String> {
        let docs: Vec<Document> = docs.iter().map(|(t, x)| Document::new(t, x)).collect();
        let metas: Vec<&DocumentMeta> = docs.iter().map(|d| &d.meta).collect();
        let mut live = BTreeMap::new();
        live.insert(
            INDEX_KEY.to_owned(),
            serde_json::json!({"version": 1, "documents": metas}).to_string(),
        );
        for d in &docs {
            live.insert(text_key(d.id()), d.text.clone());
            live.insert(
                ann_key(d.id()),
                r#"{"version":1,"mentions":[{"id":"T1"}],"writes":["1.a"]}"#.to_owned(),
            );
        }
        live
    }

    fn meta(id: &str, taken_at: f64, digest: &str) -> SnapshotMeta {
        SnapshotMeta {
            id: id.into(),
            taken_at,
            tab: "t".into(),
            reason: Reason::Interval,
            documents: 0,
            annotations: 0,
            units: 0,
            digest: digest.into(),
        }
    }

    #[test]
    fn a_snapshot_copies_only_loupes_live_keys_and_counts_them() {
        let mut live = live_with(&[("A", "Alpha text."), ("B", "Beta text.")]);
        live.insert("loupe/v1/rescued/loupe/v1/index".into(), "{broken".into());
        live.insert("loupe/v1/probe".into(), "1".into());
        live.insert("other-app/key".into(), "x".into());
        let s = Snapshot::of(&live, 1000.0, "tab1", Reason::FirstEdit);
        assert_eq!(s.entries.len(), 5);
        assert!(s.entries.keys().all(|k| is_backed_up(k)));
        assert_eq!(s.meta.documents, 2);
        assert_eq!(s.meta.annotations, 2);
        assert_eq!(s.meta.id, "000000000001000-tab1");
        assert_eq!(
            Snapshot::of(&live, 2000.0, "tab2", Reason::Manual)
                .meta
                .digest,
            s.meta.digest,
            "the digest depends on the entries only"
        );
    }

    #[test]
    fn a_snapshot_is_due_on_the_first_edit_then_every_interval_of_editing() {
        let policy = Policy {
            every_ms: 100.0,
            keep: 3,
        };
        let mut session = Session::default();
        assert_eq!(session.tick(0.0, &policy), None, "no edit, no snapshot");
        assert_eq!(session.edited(10.0, &policy), Some(Reason::FirstEdit));
        session.taken(10.0);
        assert_eq!(session.edited(50.0, &policy), None);
        assert_eq!(
            session.tick(90.0, &policy),
            None,
            "the interval has not passed"
        );
        assert_eq!(session.tick(110.0, &policy), Some(Reason::Interval));
        assert_eq!(session.edited(111.0, &policy), Some(Reason::Interval));
        session.taken(111.0);
        assert_eq!(
            session.tick(500.0, &policy),
            None,
            "no edit since the last snapshot"
        );
    }

    #[test]
    fn the_newest_k_are_kept_and_a_backup_never_pushes_out_a_newer_one() {
        let policy = Policy {
            every_ms: 1.0,
            keep: 3,
        };
        let existing = vec![
            meta("a", 10.0, "1"),
            meta("b", 20.0, "2"),
            meta("c", 30.0, "3"),
        ];
        // A newer one prunes the oldest.
        assert_eq!(
            admit(&existing, &meta("d", 40.0, "4"), &policy),
            Admission::Store {
                prune: vec!["a".into()]
            }
        );
        // One taken earlier than all three that are kept arrives late: dropped, nothing pruned.
        assert_eq!(
            admit(&existing, &meta("z", 5.0, "0"), &policy),
            Admission::Stale
        );
        // One taken between them replaces only what is older than itself.
        assert_eq!(
            admit(&existing, &meta("m", 15.0, "9"), &policy),
            Admission::Store {
                prune: vec!["a".into()]
            }
        );
        // Its id taken: never overwritten.
        assert_eq!(
            admit(&existing, &meta("c", 99.0, "7"), &policy),
            Admission::Stale
        );
        // The same corpus as the newest: nothing to write.
        assert_eq!(
            admit(&existing, &meta("e", 50.0, "3"), &policy),
            Admission::Unchanged
        );
        // Room left: nothing pruned.
        assert_eq!(
            admit(&existing[..1], &meta("f", 60.0, "5"), &policy),
            Admission::Store { prune: vec![] }
        );
    }

    #[test]
    fn restoring_sets_what_differs_and_removes_what_the_snapshot_lacks() {
        let old = live_with(&[("A", "Alpha text.")]);
        let snapshot = Snapshot::of(&old, 1.0, "t", Reason::Interval);
        let mut now = live_with(&[("A", "Alpha text."), ("B", "Beta text.")]);
        now.insert("loupe/v1/rescued/x".into(), "kept".into());
        now.insert("other/key".into(), "kept".into());
        let plan = restore_plan(&now, &snapshot);
        assert_eq!(plan.set.len(), 1, "only the index differs");
        assert_eq!(plan.remove.len(), 2, "B's text and annotations");
        let mut after = now.clone();
        for (k, v) in &plan.set {
            after.insert(k.clone(), v.clone());
        }
        for k in &plan.remove {
            after.remove(k);
        }
        let backed: BTreeMap<_, _> = after.into_iter().filter(|(k, _)| is_backed_up(k)).collect();
        assert_eq!(backed, snapshot.entries);
        assert!(restore_plan(&old, &snapshot).is_empty());
    }

    #[test]
    fn a_damaged_or_missing_value_is_repaired_from_the_newest_backup_that_has_it_sound() {
        let live = live_with(&[("A", "Alpha text."), ("B", "Beta text.")]);
        let a = live.keys().find(|k| k.ends_with("/ann")).unwrap().clone();
        let texts: Vec<String> = live
            .keys()
            .filter(|k| k.ends_with("/text"))
            .cloned()
            .collect();
        let older = Snapshot::of(&live, 1.0, "t", Reason::FirstEdit);
        let mut newer_live = live.clone();
        newer_live.insert(
            a.clone(),
            r#"{"version":1,"mentions":[{"id":"T1"},{"id":"T2"}]}"#.into(),
        );
        let newer = Snapshot::of(&newer_live, 2.0, "t", Reason::Interval);
        // The newest backup has a garbled text: that text comes from the one before.
        let mut newest_live = newer_live.clone();
        newest_live.insert(texts[0].clone(), "garbled".into());
        let newest = Snapshot::of(&newest_live, 3.0, "t", Reason::Interval);
        let snapshots = vec![older.clone(), newest.clone(), newer.clone()];

        let mut broken = newer_live.clone();
        broken.insert(a.clone(), "{\"mentions\":[{".into());
        broken.remove(&texts[0]);
        let found = repairs(&broken, &snapshots);
        assert_eq!(found.len(), 2);
        let ann = found.iter().find(|r| r.key == a).unwrap();
        assert_eq!(ann.fault, Fault::Damaged);
        assert_eq!(
            ann.from.id, newest.meta.id,
            "the newest backup has it sound"
        );
        let text = found.iter().find(|r| r.key == texts[0]).unwrap();
        assert_eq!(text.fault, Fault::Missing);
        assert_eq!(
            text.from.id, newer.meta.id,
            "a text that does not match its checksum is not sound"
        );
        assert_eq!(repaired(&broken, &found), newer_live);
        assert!(
            repairs(&newer_live, &snapshots).is_empty(),
            "nothing to repair"
        );
    }

    #[test]
    fn damage_is_noticed_without_reading_any_backup() {
        let live = live_with(&[("A", "Alpha text."), ("B", "Beta text.")]);
        assert!(!looks_damaged(&live));
        let text = live.keys().find(|k| k.ends_with("/text")).unwrap().clone();
        let ann = live.keys().find(|k| k.ends_with("/ann")).unwrap().clone();
        for (key, value) in [
            (INDEX_KEY, Some("{broken")),
            (text.as_str(), Some("changed")),
            (text.as_str(), None),
            (ann.as_str(), Some("[1,2]")),
            (SCHEMA_KEY, Some("nope")),
        ] {
            let mut broken = live.clone();
            match value {
                Some(v) => broken.insert(key.to_owned(), v.to_owned()),
                None => broken.remove(key),
            };
            assert!(looks_damaged(&broken), "{key} = {value:?}");
        }
        // No annotations yet is normal for a document not started.
        let mut fresh = live.clone();
        fresh.remove(&ann);
        assert!(!looks_damaged(&fresh));
        assert!(looks_damaged(&BTreeMap::new()), "a wiped store");
    }

    #[test]
    fn counts_in_the_backup_texts_are_singular_or_plural() {
        let mut one = meta("a", 1.0, "d");
        one.documents = 1;
        one.annotations = 1;
        assert_eq!(one.counts(), "1 document, 1 annotation");
        assert!(one.restore_question(1, "noon").starts_with(
            "Replace the corpus (1 document) with the backup of noon (1 document, 1 annotation)?"
        ));
        let mut many = one.clone();
        many.documents = 3;
        many.annotations = 0;
        assert_eq!(many.counts(), "3 documents, 0 annotations");
        assert_eq!(
            repair_notice(1),
            "1 stored value is missing or unreadable, and a backup has it: open Backups to \
             restore it."
        );
        assert_eq!(
            repair_notice(2),
            "2 stored values are missing or unreadable, and a backup has them: open Backups to \
             restore them."
        );
    }

    #[test]
    fn a_wiped_corpus_is_repaired_whole_and_a_deleted_document_is_not_brought_back() {
        let live = live_with(&[("A", "Alpha text."), ("B", "Beta text.")]);
        let snapshot = Snapshot::of(&live, 1.0, "t", Reason::FirstEdit);
        let found = repairs(&BTreeMap::new(), std::slice::from_ref(&snapshot));
        assert_eq!(repaired(&BTreeMap::new(), &found), snapshot.entries);
        assert!(found.iter().all(|r| r.fault == Fault::Missing));

        // B deleted on purpose: the live index no longer lists it.
        let only_a = live_with(&[("A", "Alpha text.")]);
        assert!(repairs(&only_a, &[snapshot]).is_empty());
    }
}
