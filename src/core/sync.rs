//! Several tabs editing one document through one localStorage, without losing an edit.
//!
//! localStorage is last-writer-wins, and a tab hears of another tab's write late (the
//! `storage` event is asynchronous). So tab B may write a value built without tab A's
//! latest write, and A's edit is then gone from storage. Taking the stored value as it is
//! would lose it from A too; merging it against A's last write would read it as B
//! deleting A's edit.
//!
//! Each stored value therefore names the writes it incorporates (its [`Lineage`]), and
//! each tab keeps the last few values it wrote or read. When a stored value arrives, the
//! base of the three-way merge is the newest of those that the value incorporates: the
//! true common ancestor. Edits made on either side since then survive, and deletions are
//! honoured. When no common ancestor is known, the base is empty: then nothing is lost,
//! though a deletion may come back.

use crate::core::sort;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

pub use crate::core::lineage::{Lineage, WriteId, LINEAGE_LEN};
use crate::core::model::{Annotations, Id, Span};
use crate::core::storage::{CorpusStore, KeyValueStore, StoreError};

/// How many earlier values a tab keeps per document as merge bases.
pub const RING_LEN: usize = 4;

/// What one tab knows about one document's stored value.
#[derive(Debug, Clone)]
pub struct DocSync {
    tab: Arc<str>,
    /// The writes the tab's next write will incorporate.
    lineage: Lineage,
    /// Values this tab wrote or read, oldest first, with the write that produced each.
    ring: VecDeque<(Option<WriteId>, Arc<Annotations>)>,
}

/// The outcome of folding a stored value into a tab's annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// What the tab should now hold.
    pub annotations: Annotations,
    /// Whether that differs from what the tab held.
    pub changed: bool,
    /// Whether it differs from the stored value, so it must be written back.
    pub needs_save: bool,
    /// Whether the tab's own unsaved edits were merged with the other tab's.
    pub merged: bool,
    /// Annotations both sides changed differently (this tab's version was kept).
    pub conflicts: usize,
}

impl DocSync {
    /// A tab's view of a document as loaded from storage.
    pub fn new(tab: Arc<str>, stored: Annotations, lineage: Lineage) -> Self {
        let head = lineage.head().cloned();
        Self {
            tab,
            lineage,
            ring: VecDeque::from([(head, Arc::new(stored))]),
        }
    }

    /// The stored value this tab saw last, which its unsaved edits start from.
    pub fn base(&self) -> &Annotations {
        &self.ring.back().expect("the ring is never empty").1
    }

    /// The write that produced the stored value this tab saw last.
    pub fn seen(&self) -> Option<&WriteId> {
        self.ring.back().and_then(|(id, _)| id.as_ref())
    }

    fn remember(&mut self, id: Option<WriteId>, annotations: Annotations) {
        self.ring.push_back((id, Arc::new(annotations)));
        while self.ring.len() > RING_LEN {
            self.ring.pop_front();
        }
    }

    /// The lineage to store with this tab's next write.
    pub fn next_write(&self) -> Lineage {
        self.lineage.next(&self.tab)
    }

    /// Record that `annotations` were stored under `lineage` (from [`Self::next_write`]).
    pub fn wrote(&mut self, lineage: Lineage, annotations: Annotations) {
        let head = lineage.head().cloned();
        self.lineage = lineage;
        self.remember(head, annotations);
    }

    /// Fold in a value another tab stored. `ours` is what this tab holds now.
    pub fn receive(
        &mut self,
        ours: &Annotations,
        theirs: Annotations,
        lineage: Lineage,
    ) -> Received {
        let unchanged = |annotations: &Annotations| Received {
            annotations: annotations.clone(),
            changed: false,
            needs_save: false,
            merged: false,
            conflicts: 0,
        };
        if lineage.head().is_some() && lineage.head() == self.seen() {
            return unchanged(ours);
        }
        // The value this tab last saw, rewritten by a writer that keeps no lineage (the
        // first write of a new document): nothing new to fold in.
        if theirs == *self.base() {
            if lineage.head().is_some() {
                self.lineage = self.lineage.union(&lineage);
                self.remember(lineage.head().cloned(), theirs);
            }
            return unchanged(ours);
        }
        // The newest value of ours that theirs incorporates. A value stored without a
        // lineage (as loaded, or as first written) is where every later one starts.
        // When none is left in the ring, the base is empty: that may bring back a
        // deletion, but never drops an edit.
        let base = self.ring.iter().rposition(|(id, _)| match id {
            Some(id) => lineage.contains(id),
            None => true,
        });
        let latest = base == Some(self.ring.len() - 1);
        let base: Arc<Annotations> = match base {
            Some(i) => self.ring[i].1.clone(),
            None => Arc::new(Annotations::default()),
        };
        let head = lineage.head().cloned();
        self.lineage = self.lineage.union(&lineage);
        if *ours == theirs {
            self.remember(head, theirs);
            return unchanged(ours);
        }
        // Nothing of ours is missing from theirs: take it as it is.
        if latest && *ours == *base {
            self.remember(head, theirs.clone());
            return Received {
                annotations: theirs,
                changed: true,
                needs_save: false,
                merged: false,
                conflicts: 0,
            };
        }
        let roomy = make_room(&base, ours, &theirs);
        let (annotations, conflicts) = merge_annotations(&base, &roomy, &theirs);
        let needs_save = annotations != theirs;
        let changed = annotations != *ours;
        self.remember(head, theirs);
        Received {
            annotations,
            changed,
            needs_save,
            merged: true,
            conflicts,
        }
    }
}

/// Where an annotation sits in the text: an id that moved is a different annotation to
/// merge, because ids are reused (after a deletion) and assigned concurrently by tabs.
fn anchor<'a>(a: &'a Annotations, id: &str) -> Option<&'a [Span]> {
    a.mention(id)
        .map(|m| m.fragments.as_slice())
        .or_else(|| a.event(id).map(|e| e.trigger.as_slice()))
}

/// Give fresh ids (references included) to our annotations that share an id with a
/// different annotation in `theirs`, unless both descend from the same one in `base`:
/// ours is new since `base`, or it moved, or theirs moved while ours changed too. The
/// stored value's ids stay as they are, so the values every tab keeps as merge bases go
/// on naming the same annotations; and the merge keeps both instead of picking one.
fn make_room(base: &Annotations, ours: &Annotations, theirs: &Annotations) -> Annotations {
    let same = |a: &Annotations, b: &Annotations, id: &str| {
        a.mention(id) == b.mention(id)
            && a.event(id) == b.event(id)
            && a.relation(id) == b.relation(id)
            && a.entity(id) == b.entity(id)
    };
    let apart = |id: &str| {
        if !theirs.contains_id(id) || same(ours, theirs, id) {
            return false;
        }
        if !base.contains_id(id) {
            return true;
        }
        let (b, o, t) = (anchor(base, id), anchor(ours, id), anchor(theirs, id));
        o != b || (t != b && !same(ours, base, id))
    };
    let clashing: Vec<Id> = all_ids(ours).filter(|id| apart(id)).cloned().collect();
    let mut ours = ours.clone();
    let renames = fresh_ids(clashing, &[base, &ours, theirs]);
    ours.rename_ids(&renames);
    ours
}

/// Every annotation id: mentions, events, relations, entities.
fn all_ids(a: &Annotations) -> impl Iterator<Item = &Id> {
    a.mentions
        .iter()
        .map(|m| &m.id)
        .chain(a.events.iter().map(|e| &e.id))
        .chain(a.relations.iter().map(|r| &r.id))
        .chain(a.entities.iter().map(|e| &e.id))
}

/// A fresh id for each of `clashing`, with its prefix, past every id in `sides`.
fn fresh_ids(clashing: Vec<Id>, sides: &[&Annotations]) -> BTreeMap<Id, Id> {
    let mut next: BTreeMap<String, u64> = BTreeMap::new();
    let mut renames = BTreeMap::new();
    for id in clashing {
        let prefix = id_prefix(&id).to_owned();
        let n = next.entry(prefix.clone()).or_insert_with(|| {
            sides
                .iter()
                .map(|a| {
                    a.next_id(&prefix)[prefix.len()..]
                        .parse::<u64>()
                        .unwrap_or(1)
                })
                .max()
                .unwrap_or(1)
        });
        renames.insert(id, format!("{prefix}{n}"));
        *n += 1;
    }
    renames
}

/// `theirs` with a fresh id (references included) for each annotation that both sides
/// created, since `base`, under one id for different things.
fn renumber_theirs(base: &Annotations, ours: &Annotations, theirs: &Annotations) -> Annotations {
    let same = |id: &str| {
        ours.mention(id) == theirs.mention(id)
            && ours.event(id) == theirs.event(id)
            && ours.relation(id) == theirs.relation(id)
            && ours.entity(id) == theirs.entity(id)
    };
    let clashing: Vec<Id> = all_ids(theirs)
        .filter(|id| !base.contains_id(id) && ours.contains_id(id) && !same(id))
        .cloned()
        .collect();
    let mut theirs = theirs.clone();
    let renames = fresh_ids(clashing, &[base, ours, &theirs]);
    theirs.rename_ids(&renames);
    theirs
}

/// Read a document's stored value and fold it in, when another tab wrote it since this
/// tab last looked. `None` when there is nothing new (or nothing readable) to fold in.
pub fn receive_stored<S: KeyValueStore>(
    store: &CorpusStore<S>,
    id: &str,
    text: &str,
    ours: &Annotations,
    sync: &mut DocSync,
) -> Option<Received> {
    let lineage = store.stored_lineage(id)?;
    if lineage.head().is_some() && lineage.head() == sync.seen() {
        return None;
    }
    let (theirs, lineage) = store.read_annotations(id, text)?;
    Some(sync.receive(ours, theirs, lineage))
}

/// Save a document's annotations: first fold in whatever another tab stored since this
/// tab last looked, so a write never silently drops someone else's edit, then write. On
/// success `ours` holds exactly what was stored. Returns what was folded in, if anything.
pub fn save_document<S: KeyValueStore>(
    store: &CorpusStore<S>,
    id: &str,
    text: &str,
    ours: &mut Annotations,
    sync: &mut DocSync,
) -> Result<Option<Received>, StoreError> {
    let received = receive_stored(store, id, text, ours, sync);
    if let Some(r) = &received {
        if r.changed {
            *ours = r.annotations.clone();
        }
        if !r.needs_save && *ours == *sync.base() {
            return Ok(received);
        }
    }
    let lineage = sync.next_write();
    store.save_annotations_with(id, ours, &lineage)?;
    sync.wrote(lineage, ours.clone());
    Ok(received)
}

/// Three-way merge of one document's annotations, by annotation id: what another tab
/// saved (`theirs`) and what this tab holds (`ours`), both edited from `base`. A side that
/// left an annotation as it was in `base` takes the other side's version (or deletion);
/// when both changed the same annotation differently, ours wins and it counts as a
/// conflict. References to annotations that no longer exist are dropped.
pub fn merge_annotations(
    base: &Annotations,
    ours: &Annotations,
    theirs: &Annotations,
) -> (Annotations, usize) {
    // Both tabs created an annotation under the same fresh id: keep both, renumbering
    // theirs and every reference to it, because each is someone's work.
    let theirs = &renumber_theirs(base, ours, theirs);
    let mut conflicts = 0;
    let mut merged = Annotations {
        mentions: merge_by_id(
            &base.mentions,
            &ours.mentions,
            &theirs.mentions,
            |m| &m.id,
            &mut conflicts,
        ),
        entities: merge_by_id(
            &base.entities,
            &ours.entities,
            &theirs.entities,
            |e| &e.id,
            &mut conflicts,
        ),
        events: merge_by_id(
            &base.events,
            &ours.events,
            &theirs.events,
            |e| &e.id,
            &mut conflicts,
        ),
        relations: merge_by_id(
            &base.relations,
            &ours.relations,
            &theirs.relations,
            |r| &r.id,
            &mut conflicts,
        ),
        labels: BTreeMap::new(),
        stamps: BTreeMap::new(),
        active_ms: merge_active_ms(base, ours, theirs),
    };
    let keys: BTreeSet<&String> = ours.labels.keys().chain(theirs.labels.keys()).collect();
    for key in keys {
        let (b, o, t) = (
            base.labels.get(key),
            ours.labels.get(key),
            theirs.labels.get(key),
        );
        if let Some(v) = pick(b, o, t, &mut conflicts) {
            merged.labels.insert(key.clone(), v.clone());
        }
    }
    drop_dangling(&mut merged);
    merge_stamps(&mut merged, ours, theirs);
    (merged, conflicts)
}

/// Both tabs' active time counts: what each added since the base. Without a known
/// ancestor the two may share their past, so the larger is kept rather than a sum.
fn merge_active_ms(base: &Annotations, ours: &Annotations, theirs: &Annotations) -> u64 {
    if *base == Annotations::default() {
        return ours.active_ms.max(theirs.active_ms);
    }
    (ours.active_ms + theirs.active_ms).saturating_sub(base.active_ms)
}

/// Each merged annotation keeps the later-changed side's stamp.
fn merge_stamps(merged: &mut Annotations, ours: &Annotations, theirs: &Annotations) {
    let ids: Vec<Id> = merged.ids().cloned().collect();
    for id in ids {
        let stamp = match (ours.stamps.get(&id), theirs.stamps.get(&id)) {
            (Some(o), Some(t)) if t.modified > o.modified => t,
            (Some(o), _) => o,
            (None, Some(t)) => t,
            (None, None) => continue,
        };
        merged.stamps.insert(id, stamp.clone());
    }
}

/// Mentions back in tagging order, and references to annotations that no longer exist
/// dropped.
fn drop_dangling(merged: &mut Annotations) {
    // Mentions keep the order tagging gives them: by start, longer first.
    sort::sort_by_key(&mut merged.mentions, |m| {
        (m.start(), std::cmp::Reverse(m.end()))
    });
    let ids: BTreeSet<Id> = merged
        .mentions
        .iter()
        .map(|m| m.id.clone())
        .chain(merged.events.iter().map(|e| e.id.clone()))
        .collect();
    let entities: BTreeSet<Id> = merged.entities.iter().map(|e| e.id.clone()).collect();
    for m in &mut merged.mentions {
        if m.entity.as_ref().is_some_and(|e| !entities.contains(e)) {
            m.entity = None;
        }
    }
    for e in &mut merged.events {
        e.arguments.retain(|a| ids.contains(&a.target));
    }
    merged
        .relations
        .retain(|r| ids.contains(&r.arg1) && ids.contains(&r.arg2));
}

fn pick<'a, T: PartialEq>(
    base: Option<&'a T>,
    ours: Option<&'a T>,
    theirs: Option<&'a T>,
    conflicts: &mut usize,
) -> Option<&'a T> {
    if ours == base {
        theirs
    } else if theirs == base || theirs == ours {
        ours
    } else {
        *conflicts += 1;
        ours.or(theirs)
    }
}

fn id_prefix(id: &str) -> &str {
    id.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Merge one list by id. Ids that both sides created for different things were
/// renumbered first, so an id names one annotation on every side.
fn merge_by_id<T: PartialEq + Clone>(
    base: &[T],
    ours: &[T],
    theirs: &[T],
    id: impl Fn(&T) -> &Id,
    conflicts: &mut usize,
) -> Vec<T> {
    // By id, so a 10,000-annotation document merges in linear time.
    let by_id = |list: &'_ [T]| -> BTreeMap<Id, usize> {
        list.iter()
            .enumerate()
            .map(|(i, x)| (id(x).clone(), i))
            .collect()
    };
    let (b_at, o_at, t_at) = (by_id(base), by_id(ours), by_id(theirs));
    let mut seen: BTreeSet<&Id> = BTreeSet::new();
    theirs
        .iter()
        .chain(ours)
        .map(&id)
        .filter(|key| seen.insert(key))
        .filter_map(|key| {
            let b = b_at.get(key).map(|&i| &base[i]);
            let o = o_at.get(key).map(|&i| &ours[i]);
            let t = t_at.get(key).map(|&i| &theirs[i]);
            pick(b, o, t, conflicts).cloned()
        })
        .collect()
}

// Native only: proptest is not built for wasm.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::model::{Document, Mention};
    use crate::core::storage::{ann_key, MemoryStore};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    const WORDS: usize = 40;

    fn text() -> String {
        (0..WORDS)
            .map(|i| format!("w{i:02}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn word_span(i: usize) -> Span {
        Span {
            start: i * 4,
            end: i * 4 + 3,
        }
    }

    fn tag(annotations: &mut Annotations, word: usize) {
        let id = annotations.next_id("m");
        annotations.mentions.push(Mention {
            id,
            kind: "PER".into(),
            fragments: vec![word_span(word)],
            text: format!("w{word:02}"),
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        });
    }

    #[test]
    fn a_merge_keeps_both_tabs_active_time_and_the_later_stamp() {
        let mut base = Annotations::default();
        tag(&mut base, 1);
        crate::core::timing::stamp(&Annotations::default(), &mut base, 1_000, "ana");
        base.active_ms = 50_000;
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        // Ours retypes m1 at 5 s and works 30 s more; theirs tags w02 at 4 s, 40 s more.
        ours.mentions[0].kind = "ORG".into();
        crate::core::timing::stamp(&base, &mut ours, 5_000, "ana");
        ours.active_ms += 30_000;
        let before = theirs.clone();
        tag(&mut theirs, 2);
        crate::core::timing::stamp(&before, &mut theirs, 4_000, "ben");
        theirs.active_ms += 40_000;
        let (merged, conflicts) = merge_annotations(&base, &ours, &theirs);
        assert_eq!(conflicts, 0);
        assert_eq!(merged.active_ms, 120_000);
        assert_eq!(merged.stamps["m1"].modified, 5_000);
        assert_eq!(merged.stamps["m2"].created_by, "ben");
        // Without a known ancestor, the two may share their past: the larger is kept.
        let (merged, _) = merge_annotations(&Annotations::default(), &ours, &theirs);
        assert_eq!(merged.active_ms, 90_000);
    }

    fn words(annotations: &Annotations) -> BTreeSet<usize> {
        annotations
            .mentions
            .iter()
            .map(|m| m.fragments[0].start / 4)
            .collect()
    }

    struct Tab {
        ours: Annotations,
        sync: DocSync,
        dirty: bool,
        /// Storage events not yet delivered to this tab.
        inbox: usize,
    }

    struct World {
        store: CorpusStore<std::rc::Rc<MemoryStore>>,
        id: String,
        text: String,
        tabs: Vec<Tab>,
    }

    impl World {
        fn new(tabs: usize) -> Self {
            Self::with_words(tabs, &[])
        }

        /// A stored document with `initial` words tagged, as an import leaves it: stored
        /// without a lineage, then opened in `tabs` tabs.
        fn with_words(tabs: usize, initial: &[usize]) -> Self {
            let store = CorpusStore::new(std::rc::Rc::new(MemoryStore::default()));
            let mut doc = Document::new("Shared", &text());
            for &word in initial {
                tag(&mut doc.annotations, word);
            }
            store
                .add_documents(std::slice::from_ref(&doc.meta), std::slice::from_ref(&doc))
                .unwrap();
            let id = doc.meta.id.clone();
            let tabs = (0..tabs)
                .map(|t| {
                    let (stored, lineage) = store.read_annotations(&id, &doc.text).unwrap();
                    Tab {
                        ours: stored.clone(),
                        sync: DocSync::new(format!("t{t}").into(), stored, lineage),
                        dirty: false,
                        inbox: 0,
                    }
                })
                .collect();
            Self {
                store,
                id,
                text: doc.text,
                tabs,
            }
        }

        fn save(&mut self, t: usize) {
            let tab = &mut self.tabs[t];
            save_document(
                &self.store,
                &self.id,
                &self.text,
                &mut tab.ours,
                &mut tab.sync,
            )
            .unwrap();
            tab.dirty = false;
            for (o, other) in self.tabs.iter_mut().enumerate() {
                if o != t {
                    other.inbox += 1;
                }
            }
        }

        fn deliver(&mut self, t: usize) {
            let tab = &mut self.tabs[t];
            if tab.inbox == 0 {
                return;
            }
            tab.inbox -= 1;
            if let Some(r) =
                receive_stored(&self.store, &self.id, &self.text, &tab.ours, &mut tab.sync)
            {
                tab.ours = r.annotations;
                tab.dirty |= r.needs_save;
            }
        }

        /// Deliver every event and save every dirty tab until nothing moves.
        fn settle(&mut self) {
            for _ in 0..20 {
                for t in 0..self.tabs.len() {
                    while self.tabs[t].inbox > 0 {
                        self.deliver(t);
                    }
                }
                let dirty: Vec<usize> = (0..self.tabs.len())
                    .filter(|&t| self.tabs[t].dirty)
                    .collect();
                if dirty.is_empty() {
                    return;
                }
                for t in dirty {
                    self.save(t);
                }
            }
            panic!("the tabs never settled");
        }

        fn stored(&self) -> Annotations {
            self.store.read_annotations(&self.id, &self.text).unwrap().0
        }
    }

    /// The race the two-tab e2e story hit: B writes before it hears of A's write.
    #[test]
    fn a_write_made_without_seeing_the_other_tabs_write_loses_nothing() {
        let mut w = World::new(2);
        tag(&mut w.tabs[0].ours, 0);
        w.save(0);
        tag(&mut w.tabs[1].ours, 1);
        // B's save reads storage first: with a stale read it would overwrite A's w00.
        w.tabs[1].inbox = 0;
        w.save(1);
        assert_eq!(words(&w.stored()), BTreeSet::from([0, 1]));
        w.settle();
        for tab in &w.tabs {
            assert_eq!(words(&tab.ours), BTreeSet::from([0, 1]));
        }
    }

    /// Storage itself is raced: B's write lands on top of A's without B having read it.
    #[test]
    fn an_overwritten_write_is_restored_by_its_writer() {
        let mut w = World::new(2);
        tag(&mut w.tabs[0].ours, 0);
        w.save(0);
        let a_value = w.store.store.get(&ann_key(&w.id)).unwrap().unwrap();
        // B writes from its stale view, as if its read happened before A's write.
        tag(&mut w.tabs[1].ours, 1);
        let lineage = w.tabs[1].sync.next_write();
        w.store
            .save_annotations_with(&w.id, &w.tabs[1].ours, &lineage)
            .unwrap();
        let b = w.tabs[1].ours.clone();
        w.tabs[1].sync.wrote(lineage, b);
        w.tabs[0].inbox += 1;
        assert_ne!(
            w.store.store.get(&ann_key(&w.id)).unwrap().unwrap(),
            a_value
        );
        w.settle();
        assert_eq!(words(&w.stored()), BTreeSet::from([0, 1]));
        assert_eq!(words(&w.tabs[0].ours), BTreeSet::from([0, 1]));
        assert_eq!(words(&w.tabs[1].ours), BTreeSet::from([0, 1]));
    }

    /// Both tabs create `m1`: the stored one keeps its id, and the unsaved one is renamed
    /// together with the event argument that points at it.
    #[test]
    fn a_clashing_new_id_is_renamed_with_its_references() {
        let mut w = World::new(2);
        tag(&mut w.tabs[0].ours, 0);
        w.tabs[0].ours.events.push(crate::core::model::Event::new(
            "e1",
            "Attack",
            vec![word_span(2)],
            "w02",
            vec![crate::core::model::Argument {
                role: "Attacker".into(),
                target: "m1".into(),
            }],
        ));
        tag(&mut w.tabs[1].ours, 1);
        w.save(1);
        w.deliver(0);
        let a = &w.tabs[0].ours;
        assert_eq!(a.mention("m1").unwrap().text, "w01");
        let renamed = a.mentions.iter().find(|m| m.text == "w00").unwrap();
        assert_ne!(renamed.id, "m1");
        assert_eq!(a.events[0].arguments[0].target, renamed.id);
        w.settle();
        assert_eq!(w.stored(), w.tabs[1].ours);
        assert_eq!(w.stored(), w.tabs[0].ours);
    }

    /// Deleting an annotation that was stored before any tab wrote (an imported one).
    #[test]
    fn a_deletion_of_an_imported_annotation_is_not_undone_by_the_other_tab() {
        let mut w = World::with_words(2, &[0, 1]);
        w.tabs[0].ours.mentions.retain(|m| m.text != "w00");
        w.save(0);
        tag(&mut w.tabs[1].ours, 2);
        w.tabs[1].dirty = true;
        w.settle();
        assert_eq!(words(&w.stored()), BTreeSet::from([1, 2]));
        assert_eq!(words(&w.tabs[0].ours), BTreeSet::from([1, 2]));
    }

    #[test]
    fn a_deletion_in_one_tab_reaches_the_other() {
        let mut w = World::new(2);
        tag(&mut w.tabs[0].ours, 0);
        tag(&mut w.tabs[0].ours, 1);
        w.save(0);
        w.settle();
        w.tabs[1].ours.mentions.retain(|m| m.text != "w00");
        w.save(1);
        w.settle();
        assert_eq!(words(&w.stored()), BTreeSet::from([1]));
        assert_eq!(words(&w.tabs[0].ours), BTreeSet::from([1]));
    }

    #[test]
    fn lineage_round_trips_and_stays_short() {
        let mut l = Lineage::default();
        for i in 0..40 {
            l = l.next(if i % 2 == 0 { "a" } else { "b" });
        }
        assert_eq!(l.len(), LINEAGE_LEN);
        assert_eq!(l.head().unwrap().clock, 40);
        let json = serde_json::to_string(&l).unwrap();
        assert!(json.starts_with("[\"40.b\",\"39.a\""), "{json}");
        assert_eq!(serde_json::from_str::<Lineage>(&json).unwrap(), l);
        assert!(serde_json::from_str::<Lineage>("[\"x\"]").is_err());
    }

    #[derive(Debug, Clone)]
    enum Op {
        Tag(usize, usize),
        Delete(usize, usize),
        Retype(usize, usize),
        Save(usize),
        Deliver(usize),
        /// A write racing another: the tab writes without reading storage first.
        BlindSave(usize),
    }

    fn op(tabs: usize) -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..tabs, 0..WORDS).prop_map(|(t, w)| Op::Tag(t, w)),
            1 => (0..tabs, 0..WORDS).prop_map(|(t, w)| Op::Delete(t, w)),
            1 => (0..tabs, 0..WORDS).prop_map(|(t, w)| Op::Retype(t, w)),
            2 => (0..tabs).prop_map(Op::Save),
            2 => (0..tabs).prop_map(Op::Deliver),
            1 => (0..tabs).prop_map(Op::BlindSave),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any interleaving of edits, saves, late events and racing writes across three
        /// tabs: once every event is delivered, all tabs and storage agree, and every
        /// tagged word that nobody deleted is there.
        #[test]
        fn no_edit_is_lost_across_tabs(ops in proptest::collection::vec(op(3), 1..80)) {
            let mut w = World::new(3);
            let mut deleted = BTreeSet::new();
            let mut tagged = BTreeSet::new();
            for op in ops {
                match op {
                    Op::Tag(t, word) => {
                        // One word is tagged once, so a word names one piece of work.
                        if tagged.insert(word) {
                            tag(&mut w.tabs[t].ours, word);
                            w.tabs[t].dirty = true;
                        }
                    }
                    Op::Delete(t, word) => {
                        let tab = &mut w.tabs[t];
                        if words(&tab.ours).contains(&word) {
                            tab.ours.mentions.retain(|m| m.fragments[0].start / 4 != word);
                            tab.dirty = true;
                            deleted.insert(word);
                        }
                    }
                    Op::Retype(t, word) => {
                        let tab = &mut w.tabs[t];
                        for m in &mut tab.ours.mentions {
                            if m.fragments[0].start / 4 == word {
                                m.kind = if m.kind == "PER" { "ORG".into() } else { "PER".into() };
                                tab.dirty = true;
                            }
                        }
                    }
                    Op::Save(t) => if w.tabs[t].dirty { w.save(t) },
                    Op::Deliver(t) => w.deliver(t),
                    Op::BlindSave(t) => {
                        let tab = &mut w.tabs[t];
                        let lineage = tab.sync.next_write();
                        w.store.save_annotations_with(&w.id, &tab.ours, &lineage).unwrap();
                        tab.sync.wrote(lineage, tab.ours.clone());
                        tab.dirty = false;
                        for (o, other) in w.tabs.iter_mut().enumerate() {
                            if o != t { other.inbox += 1; }
                        }
                    }
                }
            }
            for t in 0..w.tabs.len() {
                if w.tabs[t].dirty { w.save(t); }
            }
            w.settle();
            let stored = words(&w.stored());
            for tab in &w.tabs {
                prop_assert_eq!(&words(&tab.ours), &stored);
            }
            let kept: BTreeSet<usize> = tagged.difference(&deleted).copied().collect();
            prop_assert!(kept.is_subset(&stored), "lost {:?}", kept.difference(&stored).collect::<Vec<_>>());
        }
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use crate::core::model::{fragments_text, Mention};

    fn tagged(ann: &mut Annotations, text: &str, id: &str, start: usize, end: usize) {
        let fragments = vec![Span::new(start, end)];
        let covered = fragments_text(text, &fragments).expect("inside the text");
        ann.mentions
            .push(Mention::new(id, "PER", fragments, covered));
    }

    #[test]
    fn merge_keeps_both_tabs_additions_and_deletions() {
        let text = "Ana met Bo and Cy in Kyiv.";
        let mut base = Annotations::default();
        tagged(&mut base, text, "T1", 0, 3);
        tagged(&mut base, text, "T2", 8, 10);
        let mut ours = base.clone();
        ours.mentions.retain(|m| m.id != "T1");
        tagged(&mut ours, text, "T3", 15, 17);
        let mut theirs = base.clone();
        tagged(&mut theirs, text, "T3", 21, 25);
        theirs.mentions[1].kind = "ORG".into();
        let (merged, conflicts) = merge_annotations(&base, &ours, &theirs);
        assert_eq!(conflicts, 0);
        let got: Vec<_> = merged
            .mentions
            .iter()
            .map(|m| format!("{}:{}:{}", m.id, m.kind, m.text))
            .collect();
        assert_eq!(got, ["T2:ORG:Bo", "T3:PER:Cy", "T4:PER:Kyiv"]);
    }

    #[test]
    fn merge_of_the_same_annotation_changed_twice_prefers_ours_and_counts_it() {
        let text = "Ana met Bo.";
        let mut base = Annotations::default();
        tagged(&mut base, text, "T1", 0, 3);
        let mut ours = base.clone();
        ours.mentions[0].kind = "ORG".into();
        let mut theirs = base.clone();
        theirs.mentions[0].kind = "GPE".into();
        let (merged, conflicts) = merge_annotations(&base, &ours, &theirs);
        assert_eq!((merged.mentions[0].kind.as_str(), conflicts), ("ORG", 1));
    }

    /// Bug 14: merge_annotations renamed a clashing annotation without rewriting the
    /// references to it, so their event's argument ended up on our mention.
    #[test]
    fn merge_annotations_rewrites_references_to_a_clashing_annotation_it_renames() {
        let text = "Ana met Bo and Cy in Kyiv.";
        let mut base = Annotations::default();
        tagged(&mut base, text, "T1", 0, 3);
        let mut ours = base.clone();
        tagged(&mut ours, text, "T2", 8, 10);
        let mut theirs = base.clone();
        tagged(&mut theirs, text, "T2", 21, 25);
        theirs.mentions[1].entity = Some("C1".into());
        theirs.entities.push(crate::core::model::Entity {
            id: "C1".into(),
            name: "Kyiv".into(),
            kind: "GPE".into(),
            normalization: None,
            attributes: Default::default(),
            note: None,
        });
        theirs.events.push(crate::core::model::Event::new(
            "E1",
            "Movement:Transport",
            vec![Span::new(4, 7)],
            "met".to_owned(),
            vec![crate::core::model::Argument {
                role: "Destination".into(),
                target: "T2".into(),
            }],
        ));
        theirs.relations.push(crate::core::model::Relation {
            id: "R1".into(),
            kind: "PHYS".into(),
            arg1: "T1".into(),
            arg2: "T2".into(),
            attributes: Default::default(),
        });
        let (merged, conflicts) = merge_annotations(&base, &ours, &theirs);
        assert_eq!(conflicts, 0);
        let kyiv = merged
            .mentions
            .iter()
            .find(|m| m.text == "Kyiv")
            .expect("their mention is kept");
        assert_eq!(kyiv.id, "T3");
        assert_eq!(merged.mention("T2").map(|m| m.text.as_str()), Some("Bo"));
        assert_eq!(merged.events[0].arguments[0].target, kyiv.id);
        assert_eq!(merged.relations[0].arg2, kyiv.id);
        assert_eq!(kyiv.entity.as_deref(), Some("C1"));
    }
}
