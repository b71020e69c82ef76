//! Annotation timing, for the methods report: when each annotation was made and last
//! changed, and by whom ([`stamp`]), and each document's active annotation time
//! ([`ActiveClock`]), summed up by [`summarize`].
//!
//! **Active time** is the time a document is open while the user interacts with it (a
//! key or a pointer press on the annotate screen). Consecutive interactions at most
//! [`IDLE_GAP_MS`] apart add the time between them; a longer gap is idle time and adds
//! nothing, so a coffee break or a forgotten tab is not counted. A stretch of work thus
//! counts from its first interaction to its last: a lone key press counts zero.
//!
//! Everything here is pure: the application layer gives the time (milliseconds since the
//! Unix epoch, from its clock port) and the annotator's name.
//!
//! ```
//! use loupe::core::timing::{active_ms, IDLE_GAP_MS};
//! // 0 → 30 s → 60 s, a 10-minute break, then 10 s more.
//! assert_eq!(active_ms(&[0, 30_000, 60_000, 660_000, 670_000]), 70_000);
//! assert_eq!(IDLE_GAP_MS, 120_000);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::model::{Annotations, Id, Stamp};

/// The longest pause between two interactions that still counts as work: two minutes,
/// long enough to read a paragraph or look up a guideline, shorter than a break. Label
/// Studio's lead time counts every second a task is open; this leaves idle time out.
pub const IDLE_GAP_MS: u64 = 120_000;

/// The active time of one stretch of interactions, in milliseconds: the gaps of at most
/// [`IDLE_GAP_MS`] between consecutive times. Times are expected in order; a clock that
/// went back adds nothing for that gap.
pub fn active_ms(times: &[u64]) -> u64 {
    let mut clock = ActiveClock::default();
    times.iter().map(|t| clock.interact(*t)).sum()
}

/// Active time as interactions arrive. One per open document; [`ActiveClock::pause`]
/// when the document closes or the page is hidden, so the next interaction starts a new
/// stretch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActiveClock {
    last: Option<u64>,
}

impl ActiveClock {
    /// An interaction at `now_ms`: the milliseconds of active time it adds.
    pub fn interact(&mut self, now_ms: u64) -> u64 {
        let add = match self.last {
            Some(last) if now_ms >= last && now_ms - last <= IDLE_GAP_MS => now_ms - last,
            _ => 0,
        };
        self.last = Some(now_ms);
        add
    }

    pub fn pause(&mut self) {
        self.last = None;
    }
}

fn changed<'a, T: PartialEq + 'a>(
    before: impl Iterator<Item = (&'a Id, &'a T)>,
    after: impl Iterator<Item = (&'a Id, &'a T)>,
    new: &mut Vec<Id>,
    modified: &mut Vec<Id>,
) {
    let before: BTreeMap<&Id, &T> = before.collect();
    for (id, a) in after {
        match before.get(id) {
            None => new.push(id.clone()),
            Some(b) if *b != a => modified.push(id.clone()),
            Some(_) => {}
        }
    }
}

/// Stamp what an edit changed: `before` and `after` are a document's annotations either
/// side of one edit (or undo, or redo), `now_ms` the time and `annotator` the name of the
/// one who made it. A new annotation gets created = modified = now, by the annotator; a
/// changed one gets modified = now and modified_by; an unchanged one keeps its stamp.
/// An annotation that comes back with the stamp it had (an undone deletion) keeps that
/// stamp. Stamps of annotations that no longer exist are dropped, and the document's
/// active time never goes back. Returns how many annotations were stamped.
pub fn stamp(before: &Annotations, after: &mut Annotations, now_ms: u64, annotator: &str) -> usize {
    let stamped = stamp_where(before, after, now_ms, annotator, |_| true);
    after.prune_stamps();
    stamped
}

/// [`stamp`] for an edit whose effect is confined to `affected` (see
/// [`crate::core::edit::Edit::affected`]): `before` need only hold those annotations
/// ([`Annotations::subset`]), and nothing else is compared, so an edit of a 10,000-mention
/// document costs what it touched, not a copy and a comparison of everything.
pub fn stamp_affected(
    before: &Annotations,
    after: &mut Annotations,
    affected: &BTreeSet<Id>,
    now_ms: u64,
    annotator: &str,
) -> usize {
    // Equality against a short list beats ordered lookups when, as for a keypress, an
    // edit touches a handful of the document's annotations.
    let few: Option<Vec<&Id>> = (affected.len() <= 16).then(|| affected.iter().collect());
    let keep = |id: &Id| match &few {
        Some(few) => few.contains(&id),
        None => affected.contains(id),
    };
    let stamped = stamp_where(before, after, now_ms, annotator, keep);
    if !after.stamps.is_empty() {
        let alive: BTreeSet<&Id> = after.ids().filter(|id| keep(id)).collect();
        let gone: Vec<Id> = affected
            .iter()
            .filter(|id| !alive.contains(id))
            .cloned()
            .collect();
        for id in gone {
            after.stamps.remove(&id);
        }
    }
    stamped
}

fn stamp_where(
    before: &Annotations,
    after: &mut Annotations,
    now_ms: u64,
    annotator: &str,
    keep: impl Fn(&Id) -> bool,
) -> usize {
    let (mut new, mut modified) = (Vec::new(), Vec::new());
    macro_rules! compare {
        ($kind:ident) => {
            changed(
                before.$kind.iter().map(|x| (&x.id, x)),
                after
                    .$kind
                    .iter()
                    .filter(|x| keep(&x.id))
                    .map(|x| (&x.id, x)),
                &mut new,
                &mut modified,
            )
        };
    }
    compare!(mentions);
    compare!(entities);
    compare!(events);
    compare!(relations);
    let mut stamped = 0;
    for id in new {
        let restored = after
            .stamps
            .get(&id)
            .is_some_and(|s| before.stamps.get(&id) != Some(s));
        if !restored {
            after.stamps.insert(
                id,
                Stamp {
                    created: Some(now_ms),
                    modified: now_ms,
                    created_by: annotator.to_owned(),
                    modified_by: annotator.to_owned(),
                },
            );
            stamped += 1;
        }
    }
    for id in modified {
        let s = after.stamps.entry(id).or_default();
        s.modified = now_ms;
        annotator.clone_into(&mut s.modified_by);
        stamped += 1;
    }
    after.active_ms = after.active_ms.max(before.active_ms);
    stamped
}

/// The timing figures of a corpus, as the methods report gives them. Durations are in
/// milliseconds; a median is `None` where no document records active time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TimingSummary {
    /// Documents (of one annotator or several: each annotator's copy counts) in all.
    pub documents: usize,
    /// Those with active time recorded.
    pub timed_documents: usize,
    /// Active time over the timed documents.
    pub total_ms: u64,
    pub median_per_document_ms: Option<u64>,
    /// Annotations (mentions, events, relations) in the timed documents.
    pub timed_annotations: usize,
    /// The median, over timed documents with annotations, of active time ÷ annotations.
    pub median_per_annotation_ms: Option<u64>,
    /// Total active time ÷ the annotations of the timed documents.
    pub mean_per_annotation_ms: Option<u64>,
    /// Annotations in all, and those with a created or modified stamp.
    pub annotations: usize,
    pub stamped_annotations: usize,
}

/// The median of `values`, the mean of the middle two for an even count (rounded down).
pub fn median(values: &mut [u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        values[mid - 1] / 2 + values[mid] / 2 + (values[mid - 1] % 2 + values[mid] % 2) / 2
    })
}

/// Sum up the timing of documents' annotations.
pub fn summarize<'a>(documents: impl IntoIterator<Item = &'a Annotations>) -> TimingSummary {
    let mut s = TimingSummary::default();
    let (mut per_doc, mut per_ann) = (Vec::new(), Vec::new());
    for a in documents {
        s.documents += 1;
        let n = a.count();
        s.annotations += n;
        s.stamped_annotations += a
            .mentions
            .iter()
            .map(|m| &m.id)
            .chain(a.events.iter().map(|e| &e.id))
            .chain(a.relations.iter().map(|r| &r.id))
            .filter(|id| a.stamps.contains_key(*id))
            .count();
        if a.active_ms == 0 {
            continue;
        }
        s.timed_documents += 1;
        s.total_ms += a.active_ms;
        s.timed_annotations += n;
        per_doc.push(a.active_ms);
        if n > 0 {
            per_ann.push(a.active_ms / n as u64);
        }
    }
    s.median_per_document_ms = median(&mut per_doc);
    s.median_per_annotation_ms = median(&mut per_ann);
    s.mean_per_annotation_ms =
        (s.timed_annotations > 0).then(|| s.total_ms / s.timed_annotations as u64);
    s
}

/// A stamp's time as `2026-12-01 10:40 UTC`.
pub fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02} UTC")
}

/// A duration for people: `1 h 05 min`, `6 min 40 s`, `42 s`, `0.8 s`.
pub fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..=9 => format!("{}.{} s", s, (ms % 1000) / 100),
        10..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Argument, Entity, Event, Mention, Relation, Span};

    fn m(id: &str, kind: &str) -> Mention {
        Mention::new(id, kind, vec![Span::new(0, 4)], "Sony")
    }

    #[test]
    fn active_time_leaves_out_gaps_over_the_threshold() {
        // Hand-computed: 10 + 20 s, then a gap of exactly 120 s (counted), then 121 s
        // (idle, left out), then 5 s.
        let t = [0, 10_000, 30_000, 150_000, 271_000, 276_000];
        assert_eq!(active_ms(&t), 10_000 + 20_000 + 120_000 + 5_000);
        assert_eq!(active_ms(&[]), 0);
        assert_eq!(active_ms(&[5_000]), 0);
        // A clock that goes back adds nothing for that gap, then counts on from there.
        assert_eq!(active_ms(&[100_000, 90_000, 95_000]), 5_000);
        let mut c = ActiveClock::default();
        assert_eq!(c.interact(1_000), 0);
        assert_eq!(c.interact(3_000), 2_000);
        c.pause();
        assert_eq!(c.interact(4_000), 0, "a new stretch after a pause");
        assert_eq!(c.interact(4_500), 500);
    }

    #[test]
    fn an_edit_stamps_what_it_made_and_changed_and_nothing_else() {
        let mut before = Annotations::default();
        before.mentions.push(m("T1", "ORG"));
        stamp(&Annotations::default(), &mut before, 1_000, "ana");
        assert_eq!(
            before.stamps["T1"],
            Stamp {
                created: Some(1_000),
                modified: 1_000,
                created_by: "ana".into(),
                modified_by: "ana".into(),
            }
        );
        // Ben retypes T1 and adds T2, an event, a relation and a cluster.
        let mut after = before.clone();
        after.mentions[0].kind = "PER".into();
        after.mentions.push(m("T2", "GPE"));
        after.events.push(Event::new(
            "E1",
            "Conflict:Attack",
            vec![Span::new(0, 4)],
            "Sony",
            vec![Argument {
                role: "Target".into(),
                target: "T2".into(),
            }],
        ));
        after.relations.push(Relation {
            id: "R1".into(),
            kind: "PHYS".into(),
            arg1: "T1".into(),
            arg2: "T2".into(),
            attributes: Default::default(),
        });
        after.entities.push(Entity {
            id: "C1".into(),
            name: "Sony".into(),
            kind: "ORG".into(),
            normalization: None,
            attributes: Default::default(),
            note: None,
        });
        assert_eq!(stamp(&before, &mut after, 5_000, "ben"), 5);
        let t1 = &after.stamps["T1"];
        assert_eq!((t1.created, t1.modified), (Some(1_000), 5_000));
        assert_eq!(
            (t1.created_by.as_str(), t1.modified_by.as_str()),
            ("ana", "ben")
        );
        for id in ["T2", "E1", "R1", "C1"] {
            assert_eq!(after.stamps[id].created, Some(5_000), "{id}");
            assert_eq!(after.stamps[id].created_by, "ben", "{id}");
        }
        // An edit that changes nothing stamps nothing.
        let same = after.clone();
        let mut again = after.clone();
        assert_eq!(stamp(&same, &mut again, 9_000, "cy"), 0);
        assert_eq!(again, same);
    }

    #[test]
    fn deletion_drops_the_stamp_undo_restores_it_and_old_annotations_have_no_created() {
        let mut one = Annotations::default();
        one.mentions.push(m("T1", "ORG"));
        stamp(&Annotations::default(), &mut one, 1_000, "ana");
        one.active_ms = 60_000;
        let mut deleted = one.clone();
        deleted.mentions.clear();
        deleted.active_ms = 0;
        stamp(&one, &mut deleted, 2_000, "ana");
        assert!(deleted.stamps.is_empty());
        assert_eq!(deleted.active_ms, 60_000, "active time is never undone");
        // Undo puts back the snapshot, with T1's own stamp.
        let mut undone = one.clone();
        stamp(&deleted, &mut undone, 3_000, "ana");
        assert_eq!(undone.stamps["T1"].created, Some(1_000));
        assert_eq!(undone.stamps["T1"].modified, 1_000);
        // A mention from before timing existed, then changed: created stays unknown.
        let mut old = Annotations::default();
        old.mentions.push(m("T1", "ORG"));
        let mut changed = old.clone();
        changed.mentions[0].kind = "PER".into();
        stamp(&old, &mut changed, 4_000, "ben");
        assert_eq!(changed.stamps["T1"].created, None);
        assert_eq!(changed.stamps["T1"].modified, 4_000);
    }

    #[test]
    fn summary_gives_totals_and_medians_per_document_and_per_annotation() {
        let doc = |active_ms: u64, n: usize| {
            let mut a = Annotations::default();
            for k in 0..n {
                a.mentions.push(m(&format!("T{k}"), "PER"));
            }
            a.active_ms = active_ms;
            a
        };
        // Hand-computed: timed documents 60 s (3 annotations), 90 s (0), 300 s (10);
        // one untimed document with 4 annotations.
        let docs = [doc(60_000, 3), doc(90_000, 0), doc(300_000, 10), doc(0, 4)];
        let s = summarize(&docs);
        assert_eq!(s.documents, 4);
        assert_eq!(s.timed_documents, 3);
        assert_eq!(s.total_ms, 450_000);
        assert_eq!(s.median_per_document_ms, Some(90_000));
        assert_eq!(s.timed_annotations, 13);
        // Per annotation: 20 s and 30 s → median 25 s; 450 s ÷ 13 = 34.615 s.
        assert_eq!(s.median_per_annotation_ms, Some(25_000));
        assert_eq!(s.mean_per_annotation_ms, Some(34_615));
        assert_eq!((s.annotations, s.stamped_annotations), (17, 0));
        let none = summarize(&[doc(0, 2)]);
        assert_eq!(none.median_per_document_ms, None);
        assert_eq!(none.mean_per_annotation_ms, None);
        assert_eq!(median(&mut [3, 1]), Some(2));
        assert_eq!(median(&mut [u64::MAX, u64::MAX]), Some(u64::MAX));
    }

    #[test]
    fn stamp_times_read_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_764_585_600_000), "2025-12-01 10:40 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(800), "0.8 s");
        assert_eq!(duration(42_000), "42 s");
        assert_eq!(duration(400_000), "6 min 40 s");
        assert_eq!(duration(3_900_000), "1 h 05 min");
    }
}
