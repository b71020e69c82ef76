//! Adjudication: the differences between two annotators' work on one document, and the
//! curated annotations built from a choice for each disagreement.
//!
//! [`diff`] pairs A's and B's mentions, coreference clusters, events and relations and
//! classifies each pair: a match, a type disagreement (same span), a span disagreement
//! (overlapping spans), an argument disagreement (same event trigger and type, different
//! arguments), a members disagreement (clusters sharing some members), or an annotation
//! only one side has. [`curate`] takes one [`Choice`] per disagreement (in
//! the order of [`diff`]) and builds a fresh [`Annotations`] with new ids; matches are
//! kept once. [`Choice::Edit`] keeps one side's annotation with a corrected type and, for
//! a mention or an event trigger, a corrected span.
//!
//! **Loupe:** an argument, relation end or cluster member whose mention was not kept is
//! re-attached to a kept mention with exactly the same span, and dropped when there is
//! none; [`Curated::lost`] names each one, so the reviewer is told what the curated
//! document lost before it is saved. A cluster's members are the kept mentions of its
//! members' spans; a mention already in a kept cluster stays there. Document labels are not
//! adjudicated.

use crate::core::sort;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use serde::Serialize;

use super::agreement::{overlap_pairs, sorted, target_span};
use super::format::loupe;
use super::model::{Annotations, Argument, Document, Entity, Id, Relation, Span};
use super::offsets::{cp_len, slice_cp};
use super::storage::{rescued_key, CorpusStore, KeyValueStore, StoreError};

/// Which kind of annotation a diff item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Mention,
    /// A coreference cluster (an entity and its members).
    Cluster,
    Event,
    Relation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    Match,
    /// Same span (or trigger, or relation arguments), different type.
    TypeDisagreement,
    /// Overlapping spans or triggers that are not equal.
    SpanDisagreement,
    /// An event with the same trigger and type but different arguments.
    ArgumentDisagreement,
    /// Clusters that share members but not all of them.
    MembersDisagreement,
    OnlyA,
    OnlyB,
}

/// One paired (or unpaired) annotation: ids into A's and B's annotations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffItem {
    pub layer: Layer,
    pub kind: DiffKind,
    pub a: Option<Id>,
    pub b: Option<Id>,
    /// The first code point either side covers, for stepping through the text in order.
    pub start: usize,
}

impl DiffItem {
    pub fn is_disagreement(&self) -> bool {
        self.kind != DiffKind::Match
    }
}

/// What to keep of one disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    TakeA,
    TakeB,
    TakeBoth,
    TakeNeither,
    /// Keep one side's annotation, corrected.
    Edit(Edit),
}

/// One of the two annotators being compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Side {
    A,
    B,
}

/// Take `from`'s annotation, then give it `kind` and, when `span` is set, that one span
/// (code points, half-open) in place of its fragments or trigger. Relations have no span
/// of their own, so only their type can be edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub from: Side,
    pub kind: String,
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdjudicationError {
    /// The number of choices differs from the number of disagreements.
    ChoiceCount {
        disagreements: usize,
        choices: usize,
    },
    /// A diff item names an id that neither annotation set has: the diff is stale.
    UnknownId(Id),
    /// An edit that cannot be applied; the message says why.
    BadEdit { disagreement: usize, reason: String },
}

impl fmt::Display for AdjudicationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ChoiceCount {
                disagreements,
                choices,
            } => write!(
                f,
                "there are {disagreements} disagreements but {choices} choices were given; choose once for each disagreement, in order"
            ),
            Self::UnknownId(id) => write!(
                f,
                "the diff names {id}, which the annotations do not have; compute the diff again after editing"
            ),
            Self::BadEdit {
                disagreement,
                reason,
            } => write!(f, "the edit of disagreement {} cannot be applied: {reason}", disagreement + 1),
        }
    }
}

impl std::error::Error for AdjudicationError {}

/// Pair the free items of A and B whose keys are equal, in order, removing them from the
/// free lists.
fn pair_by<K: Ord>(
    free_a: &mut Vec<usize>,
    free_b: &mut Vec<usize>,
    key_a: impl Fn(usize) -> K,
    key_b: impl Fn(usize) -> K,
) -> Vec<(usize, usize)> {
    let mut by_key: BTreeMap<K, VecDeque<usize>> = BTreeMap::new();
    for &j in free_b.iter() {
        by_key.entry(key_b(j)).or_default().push_back(j);
    }
    let mut pairs = Vec::new();
    free_a.retain(
        |&i| match by_key.get_mut(&key_a(i)).and_then(|q| q.pop_front()) {
            Some(j) => {
                pairs.push((i, j));
                false
            }
            None => true,
        },
    );
    let taken: BTreeSet<usize> = pairs.iter().map(|&(_, j)| j).collect();
    free_b.retain(|j| !taken.contains(j));
    pairs
}

/// Pair by overlapping spans, one to one, among the free items.
fn pair_overlapping(
    free_a: &mut Vec<usize>,
    free_b: &mut Vec<usize>,
    span_a: impl Fn(usize) -> Vec<Span>,
    span_b: impl Fn(usize) -> Vec<Span>,
) -> Vec<(usize, usize)> {
    let sa: Vec<Vec<Span>> = free_a.iter().map(|&i| span_a(i)).collect();
    let sb: Vec<Vec<Span>> = free_b.iter().map(|&j| span_b(j)).collect();
    let pairs: Vec<(usize, usize)> = overlap_pairs(&sa, &sb, |_, _| true)
        .into_iter()
        .map(|(x, y)| (free_a[x], free_b[y]))
        .collect();
    let (taken_a, taken_b): (BTreeSet<usize>, BTreeSet<usize>) = pairs.iter().copied().unzip();
    free_a.retain(|i| !taken_a.contains(i));
    free_b.retain(|j| !taken_b.contains(j));
    pairs
}

fn first(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.start).min().unwrap_or(0)
}

fn item(layer: Layer, kind: DiffKind, a: Option<&Id>, b: Option<&Id>, start: usize) -> DiffItem {
    DiffItem {
        layer,
        kind,
        a: a.cloned(),
        b: b.cloned(),
        start,
    }
}

/// Every mention, cluster, event and relation of A and B, paired and classified, in text
/// order.
pub fn diff(a: &Annotations, b: &Annotations) -> Vec<DiffItem> {
    let mut items = diff_mentions(a, b);
    items.extend(diff_clusters(a, b));
    items.extend(diff_events(a, b));
    items.extend(diff_relations(a, b));
    // Stable: within one position and layer, matches come before disagreements.
    sort::sort_by_key(&mut items, |it| (it.start, it.layer));
    items
}

/// Mentions: same span and type, then same span, then overlapping spans.
fn diff_mentions(a: &Annotations, b: &Annotations) -> Vec<DiffItem> {
    let mut items = Vec::new();
    let (ma, mb) = (&a.mentions, &b.mentions);
    let span_a = |i: usize| sorted(&ma[i].fragments);
    let span_b = |j: usize| sorted(&mb[j].fragments);
    let (mut fa, mut fb): (Vec<usize>, Vec<usize>) =
        ((0..ma.len()).collect(), (0..mb.len()).collect());
    let steps: [(DiffKind, Vec<(usize, usize)>); 2] = [
        (
            DiffKind::Match,
            pair_by(
                &mut fa,
                &mut fb,
                |i| (span_a(i), ma[i].kind.clone()),
                |j| (span_b(j), mb[j].kind.clone()),
            ),
        ),
        (
            DiffKind::TypeDisagreement,
            pair_by(&mut fa, &mut fb, span_a, span_b),
        ),
    ];
    for (kind, pairs) in steps {
        for (i, j) in pairs {
            let (x, y) = (&ma[i], &mb[j]);
            items.push(item(
                Layer::Mention,
                kind,
                Some(&x.id),
                Some(&y.id),
                x.start(),
            ));
        }
    }
    for (i, j) in pair_overlapping(&mut fa, &mut fb, span_a, span_b) {
        let (x, y) = (&ma[i], &mb[j]);
        let start = x.start().min(y.start());
        items.push(item(
            Layer::Mention,
            DiffKind::SpanDisagreement,
            Some(&x.id),
            Some(&y.id),
            start,
        ));
    }
    for i in fa {
        items.push(item(
            Layer::Mention,
            DiffKind::OnlyA,
            Some(&ma[i].id),
            None,
            ma[i].start(),
        ));
    }
    for j in fb {
        items.push(item(
            Layer::Mention,
            DiffKind::OnlyB,
            None,
            Some(&mb[j].id),
            mb[j].start(),
        ));
    }
    items
}

/// Each entity of `x` with its members' sorted spans, sorted, and the first code point of
/// its members.
fn clusters(x: &Annotations) -> Vec<(&Entity, Vec<Vec<Span>>, usize)> {
    x.entities
        .iter()
        .map(|e| {
            let mut spans: Vec<Vec<Span>> =
                x.members(&e.id).map(|m| sorted(&m.fragments)).collect();
            sort::sort(&mut spans);
            spans.dedup();
            let start = x.members(&e.id).map(|m| m.start()).min().unwrap_or(0);
            (e, spans, start)
        })
        .collect()
}

/// Clusters (coreference): by their members' spans, since ids differ between files. The
/// same members and type match; the same members with another type differ in type; a
/// cluster that shares members with one of the other side differs in members, pairing the
/// clusters that share the most.
fn diff_clusters(a: &Annotations, b: &Annotations) -> Vec<DiffItem> {
    let (ca, cb) = (clusters(a), clusters(b));
    let (mut fa, mut fb): (Vec<usize>, Vec<usize>) =
        ((0..ca.len()).collect(), (0..cb.len()).collect());
    let full = pair_by(
        &mut fa,
        &mut fb,
        |i| (ca[i].1.clone(), ca[i].0.kind.clone()),
        |j| (cb[j].1.clone(), cb[j].0.kind.clone()),
    );
    let typed = pair_by(&mut fa, &mut fb, |i| ca[i].1.clone(), |j| cb[j].1.clone());
    let mut sharing: Vec<(std::cmp::Reverse<usize>, usize, usize)> = Vec::new();
    for &i in &fa {
        for &j in &fb {
            let shared = ca[i].1.iter().filter(|s| cb[j].1.contains(s)).count();
            if shared > 0 {
                sharing.push((std::cmp::Reverse(shared), i, j));
            }
        }
    }
    sort::sort(&mut sharing);
    let mut members = Vec::new();
    for (_, i, j) in sharing {
        if fa.contains(&i) && fb.contains(&j) {
            fa.retain(|&x| x != i);
            fb.retain(|&y| y != j);
            members.push((i, j));
        }
    }
    let mut items = Vec::new();
    for (kind, pairs) in [
        (DiffKind::Match, full),
        (DiffKind::TypeDisagreement, typed),
        (DiffKind::MembersDisagreement, members),
    ] {
        for (i, j) in pairs {
            let start = ca[i].2.min(cb[j].2);
            items.push(item(
                Layer::Cluster,
                kind,
                Some(&ca[i].0.id),
                Some(&cb[j].0.id),
                start,
            ));
        }
    }
    for i in fa {
        items.push(item(
            Layer::Cluster,
            DiffKind::OnlyA,
            Some(&ca[i].0.id),
            None,
            ca[i].2,
        ));
    }
    for j in fb {
        items.push(item(
            Layer::Cluster,
            DiffKind::OnlyB,
            None,
            Some(&cb[j].0.id),
            cb[j].2,
        ));
    }
    items
}

/// Events: arguments compared by role and target span, since ids differ between files.
fn diff_events(a: &Annotations, b: &Annotations) -> Vec<DiffItem> {
    let (ea, eb) = (&a.events, &b.events);
    let args = |x: &Annotations, args: &[Argument]| {
        let mut v: Vec<(String, Option<Vec<Span>>)> = args
            .iter()
            .map(|arg| (arg.role.clone(), target_span(x, &arg.target)))
            .collect();
        sort::sort(&mut v);
        v
    };
    let trig_a = |i: usize| sorted(&ea[i].trigger);
    let trig_b = |j: usize| sorted(&eb[j].trigger);
    let (mut fa, mut fb): (Vec<usize>, Vec<usize>) =
        ((0..ea.len()).collect(), (0..eb.len()).collect());
    let full = pair_by(
        &mut fa,
        &mut fb,
        |i| (trig_a(i), ea[i].kind.clone(), args(a, &ea[i].arguments)),
        |j| (trig_b(j), eb[j].kind.clone(), args(b, &eb[j].arguments)),
    );
    let typed = pair_by(
        &mut fa,
        &mut fb,
        |i| (trig_a(i), ea[i].kind.clone()),
        |j| (trig_b(j), eb[j].kind.clone()),
    );
    let same_trigger = pair_by(&mut fa, &mut fb, trig_a, trig_b);
    let overlapping = pair_overlapping(&mut fa, &mut fb, trig_a, trig_b);
    let mut items = Vec::new();
    for (kind, pairs) in [
        (DiffKind::Match, full),
        (DiffKind::ArgumentDisagreement, typed),
        (DiffKind::TypeDisagreement, same_trigger),
        (DiffKind::SpanDisagreement, overlapping),
    ] {
        for (i, j) in pairs {
            let start = first(&ea[i].trigger).min(first(&eb[j].trigger));
            items.push(item(
                Layer::Event,
                kind,
                Some(&ea[i].id),
                Some(&eb[j].id),
                start,
            ));
        }
    }
    for i in fa {
        items.push(item(
            Layer::Event,
            DiffKind::OnlyA,
            Some(&ea[i].id),
            None,
            first(&ea[i].trigger),
        ));
    }
    for j in fb {
        items.push(item(
            Layer::Event,
            DiffKind::OnlyB,
            None,
            Some(&eb[j].id),
            first(&eb[j].trigger),
        ));
    }
    items
}

/// Relations: by the spans of both arguments.
fn diff_relations(a: &Annotations, b: &Annotations) -> Vec<DiffItem> {
    let (ra, rb) = (&a.relations, &b.relations);
    let ends = |x: &Annotations, r: &Relation| (target_span(x, &r.arg1), target_span(x, &r.arg2));
    let rel_start = |x: &Annotations, r: &Relation| {
        let (s1, s2) = ends(x, r);
        first(&s1.unwrap_or_default()).min(first(&s2.unwrap_or_default()))
    };
    let (mut fa, mut fb): (Vec<usize>, Vec<usize>) =
        ((0..ra.len()).collect(), (0..rb.len()).collect());
    let full = pair_by(
        &mut fa,
        &mut fb,
        |i| (ends(a, &ra[i]), ra[i].kind.clone()),
        |j| (ends(b, &rb[j]), rb[j].kind.clone()),
    );
    let typed = pair_by(&mut fa, &mut fb, |i| ends(a, &ra[i]), |j| ends(b, &rb[j]));
    let mut items = Vec::new();
    for (kind, pairs) in [(DiffKind::Match, full), (DiffKind::TypeDisagreement, typed)] {
        for (i, j) in pairs {
            let start = rel_start(a, &ra[i]);
            items.push(item(
                Layer::Relation,
                kind,
                Some(&ra[i].id),
                Some(&rb[j].id),
                start,
            ));
        }
    }
    for i in fa {
        items.push(item(
            Layer::Relation,
            DiffKind::OnlyA,
            Some(&ra[i].id),
            None,
            rel_start(a, &ra[i]),
        ));
    }
    for j in fb {
        items.push(item(
            Layer::Relation,
            DiffKind::OnlyB,
            None,
            Some(&rb[j].id),
            rel_start(b, &rb[j]),
        ));
    }
    items
}

/// Where the curated set is kept: one loupe/1 file whose annotator is [`CURATED`], beside
/// the corpus keys and read by nothing else.
pub const CURATED_KEY: &str = "loupe/v1/curated";
/// The annotator name of the curated set.
pub const CURATED: &str = "curated";

/// Put one adjudicated document into the curated set, replacing an earlier copy of the
/// same text (matched by checksum, as annotators' files are). True when it replaced one.
pub fn put_curated(set: &mut Vec<super::model::Document>, doc: super::model::Document) -> bool {
    let sum = super::model::sha256_hex(&doc.text);
    match set
        .iter_mut()
        .find(|d| super::model::sha256_hex(&d.text) == sum)
    {
        Some(old) => {
            *old = doc;
            true
        }
        None => {
            set.push(doc);
            false
        }
    }
}

/// One thing a kept annotation lost because what it pointed at was not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "lost")]
pub enum Loss {
    /// A kept event without one of its arguments.
    Argument {
        event_type: String,
        trigger: String,
        role: String,
        target: String,
    },
    /// A relation left out: one of its ends was not kept.
    Relation {
        kind: String,
        arg1: String,
        arg2: String,
    },
    /// A kept cluster without one of its members: the mention was not kept, or it is in
    /// another kept cluster already.
    Member {
        cluster: String,
        mention: String,
        in_other_cluster: bool,
    },
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loss::Argument {
                event_type,
                trigger,
                role,
                target,
            } => write!(
                f,
                "the {event_type} event “{trigger}” loses its {role} argument “{target}”, which was not kept"
            ),
            Loss::Relation { kind, arg1, arg2 } => write!(
                f,
                "the {kind} relation “{arg1}” → “{arg2}” is left out: one of its ends was not kept"
            ),
            Loss::Member {
                cluster,
                mention,
                in_other_cluster: true,
            } => write!(
                f,
                "the cluster “{cluster}” loses “{mention}”, which is in another kept cluster"
            ),
            Loss::Member {
                cluster, mention, ..
            } => write!(
                f,
                "the cluster “{cluster}” loses “{mention}”, which was not kept"
            ),
        }
    }
}

/// The curated set as read from the store, and what to tell the user about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredCurated {
    pub documents: Vec<Document>,
    /// Why the stored set could not be read, and what became of it.
    pub problem: Option<String>,
}

/// Read the curated set through the corpus store. A stored value that does not parse is
/// copied to its rescued key and removed, so a later save cannot overwrite it unseen; when
/// the copy cannot be made (or the store is read-only), it stays where it is.
pub fn load_curated<S: KeyValueStore>(store: &CorpusStore<S>) -> StoredCurated {
    let raw = match store.store.get(CURATED_KEY) {
        Ok(Some(raw)) => raw,
        Ok(None) => return StoredCurated::default(),
        Err(e) => {
            return StoredCurated {
                documents: Vec::new(),
                problem: Some(format!("The curated set could not be read: {e}.")),
            }
        }
    };
    match loupe::from_json(&raw) {
        Ok(file) => StoredCurated {
            documents: file.documents,
            problem: None,
        },
        Err(e) => {
            let rescued = rescued_key(CURATED_KEY);
            let kept = store.writable().is_ok()
                && store.store.get(&rescued).ok().flatten().is_none()
                && store.store.set(&rescued, &raw).is_ok()
                && store.store.remove(CURATED_KEY).is_ok();
            let what = if kept {
                format!("it was kept untouched under {rescued}, and a new set starts")
            } else {
                "it was left as it was, and saving will replace it".to_owned()
            };
            StoredCurated {
                documents: Vec::new(),
                problem: Some(format!(
                    "The curated set in storage could not be read ({e}); {what}."
                )),
            }
        }
    }
}

/// Store the curated set through the corpus store: refused when the store is read-only,
/// and on a full quota what was stored stays as it was.
pub fn save_curated<S: KeyValueStore>(
    store: &CorpusStore<S>,
    set: &[Document],
) -> Result<(), StoreError> {
    store.writable()?;
    store.store.set(CURATED_KEY, &loupe::to_json(set, CURATED))
}

/// The curated annotations and what could not be carried into them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Curated {
    pub annotations: Annotations,
    /// Event arguments whose target was not kept and had no kept twin with its span.
    pub dropped_arguments: usize,
    /// Relations with an argument in that situation.
    pub dropped_relations: usize,
    /// Each of those, and each cluster member lost, in words.
    pub lost: Vec<Loss>,
}

/// The text an argument or relation end names: a mention's text or an event's trigger.
fn target_text(ann: &Annotations, id: &str) -> String {
    ann.mention(id)
        .map(|m| m.text.clone())
        .or_else(|| ann.event(id).map(|e| e.trigger_text.clone()))
        .unwrap_or_else(|| id.to_owned())
}

/// The disagreements not reviewed yet (`None`), by position among the disagreements.
pub fn unreviewed(choices: &[Option<Choice>]) -> Vec<usize> {
    choices
        .iter()
        .enumerate()
        .filter_map(|(n, c)| c.is_none().then_some(n))
        .collect()
}

/// The choices with `default` for each one not reviewed: what saving does once the
/// reviewer has agreed to it.
pub fn with_default(choices: &[Option<Choice>], default: &Choice) -> Vec<Choice> {
    choices
        .iter()
        .map(|c| c.clone().unwrap_or_else(|| default.clone()))
        .collect()
}

/// Check an edit of the `n`th disagreement against its item and the text; the text of
/// the new span, if any, on success.
pub fn check_edit(
    text: &str,
    it: &DiffItem,
    n: usize,
    edit: &Edit,
) -> Result<Option<String>, AdjudicationError> {
    let bad = |reason: String| AdjudicationError::BadEdit {
        disagreement: n,
        reason,
    };
    let present = match edit.from {
        Side::A => it.a.is_some(),
        Side::B => it.b.is_some(),
    };
    if !present {
        return Err(bad(format!(
            "annotator {:?} has nothing here to start from",
            edit.from
        )));
    }
    if edit.kind.trim().is_empty() {
        return Err(bad("the type is empty".into()));
    }
    let Some(span) = edit.span else {
        return Ok(None);
    };
    match it.layer {
        Layer::Relation => return Err(bad("a relation has no span of its own to change".into())),
        Layer::Cluster => {
            return Err(bad(
                "a cluster has no span of its own; choose its members' mentions instead".into(),
            ))
        }
        Layer::Mention | Layer::Event => {}
    }
    let len = cp_len(text);
    if span.start >= span.end || span.end > len {
        return Err(bad(format!(
            "the span [{}, {}) is not a non-empty range inside the text's {len} characters",
            span.start, span.end
        )));
    }
    let covered = slice_cp(text, span.start, span.end).unwrap_or_default();
    if covered.trim().is_empty() {
        return Err(bad(format!(
            "the span [{}, {}) covers only white space",
            span.start, span.end
        )));
    }
    Ok(Some(covered.to_owned()))
}

/// Build the curated annotations from `items` (the output of [`diff`] for `a` and `b` on
/// `text`) and one choice per disagreement, in order. Nothing is built when any choice is
/// refused.
pub fn curate(
    text: &str,
    a: &Annotations,
    b: &Annotations,
    items: &[DiffItem],
    choices: &[Choice],
) -> Result<Curated, AdjudicationError> {
    let disagreements = items.iter().filter(|it| it.is_disagreement()).count();
    if disagreements != choices.len() {
        return Err(AdjudicationError::ChoiceCount {
            disagreements,
            choices: choices.len(),
        });
    }
    let kept = kept_sides(text, items, choices)?;
    let side = |s: Side| if s == Side::A { a } else { b };
    let unknown = |id: &Id| AdjudicationError::UnknownId(id.clone());
    let mut out = Curated::default();
    let mut new_id: BTreeMap<(Side, Id), Id> = BTreeMap::new();
    let mut n = 0;

    for (it, ka, kb, edit) in kept.iter().filter(|k| k.0.layer == Layer::Mention) {
        for (s, id, keep) in [(Side::A, &it.a, *ka), (Side::B, &it.b, *kb)] {
            let Some(id) = id.as_ref().filter(|_| keep) else {
                continue;
            };
            let mut m = side(s).mention(id).ok_or_else(|| unknown(id))?.clone();
            if let Some((e, covered)) = edit {
                m.kind = e.kind.clone();
                if let (Some(span), Some(covered)) = (e.span, covered) {
                    m.fragments = vec![span];
                    m.text = covered.clone();
                }
            }
            n += 1;
            m.id = format!("T{n}");
            m.entity = None;
            new_id.insert((s, id.clone()), m.id.clone());
            out.annotations.mentions.push(m);
        }
        // A match keeps A's copy; B's id refers to it too.
        if it.kind == DiffKind::Match {
            if let (Some(ida), Some(idb)) = (&it.a, &it.b) {
                let to = new_id[&(Side::A, ida.clone())].clone();
                new_id.insert((Side::B, idb.clone()), to);
            }
        }
    }

    // Events get their ids before any argument is resolved: arguments may name events.
    let mut events = Vec::new();
    n = 0;
    for (it, ka, kb, edit) in kept.iter().filter(|k| k.0.layer == Layer::Event) {
        for (s, id, keep) in [(Side::A, &it.a, *ka), (Side::B, &it.b, *kb)] {
            let Some(id) = id.as_ref().filter(|_| keep) else {
                continue;
            };
            let mut e = side(s).event(id).ok_or_else(|| unknown(id))?.clone();
            if let Some((ed, covered)) = edit {
                e.kind = ed.kind.clone();
                if let (Some(span), Some(covered)) = (ed.span, covered) {
                    e.trigger = vec![span];
                    e.trigger_text = covered.clone();
                }
            }
            n += 1;
            new_id.insert((s, id.clone()), format!("E{n}"));
            if it.kind == DiffKind::Match {
                if let Some(idb) = &it.b {
                    new_id.insert((Side::B, idb.clone()), format!("E{n}"));
                }
            }
            events.push((s, e));
        }
    }
    let resolve = |s: Side, target: &Id, curated: &Annotations| -> Option<Id> {
        if let Some(id) = new_id.get(&(s, target.clone())) {
            return Some(id.clone());
        }
        let span = target_span(side(s), target)?;
        curated
            .mentions
            .iter()
            .find(|m| sorted(&m.fragments) == span)
            .map(|m| m.id.clone())
    };
    let mut curated_events = Vec::new();
    let mut lost_arguments = Vec::new();
    for (s, mut e) in events {
        e.id = new_id[&(s, e.id.clone())].clone();
        let before = e.arguments.len();
        let mut args = Vec::new();
        for arg in std::mem::take(&mut e.arguments) {
            match resolve(s, &arg.target, &out.annotations) {
                Some(target) => args.push(Argument {
                    target,
                    role: arg.role,
                }),
                None => lost_arguments.push(Loss::Argument {
                    event_type: e.kind.clone(),
                    trigger: e.trigger_text.clone(),
                    role: arg.role,
                    target: target_text(side(s), &arg.target),
                }),
            }
        }
        e.arguments = args;
        out.dropped_arguments += before - e.arguments.len();
        curated_events.push(e);
    }
    out.annotations.events = curated_events;
    out.lost.extend(lost_arguments);
    keep_clusters(&kept, side, &resolve, &mut out)?;

    n = 0;
    for (it, ka, kb, edit) in kept.iter().filter(|k| k.0.layer == Layer::Relation) {
        for (s, id, keep) in [(Side::A, &it.a, *ka), (Side::B, &it.b, *kb)] {
            let Some(id) = id.as_ref().filter(|_| keep) else {
                continue;
            };
            let mut r = side(s).relation(id).ok_or_else(|| unknown(id))?.clone();
            if let Some((ed, _)) = edit {
                r.kind = ed.kind.clone();
            }
            let ends = (
                resolve(s, &r.arg1, &out.annotations),
                resolve(s, &r.arg2, &out.annotations),
            );
            let (Some(arg1), Some(arg2)) = ends else {
                out.dropped_relations += 1;
                out.lost.push(Loss::Relation {
                    kind: r.kind.clone(),
                    arg1: target_text(side(s), &r.arg1),
                    arg2: target_text(side(s), &r.arg2),
                });
                continue;
            };
            n += 1;
            r.id = format!("R{n}");
            (r.arg1, r.arg2) = (arg1, arg2);
            out.annotations.relations.push(r);
        }
    }
    Ok(out)
}

/// What [`curate`] decided to keep of one diff item: A's, B's, and the edit to apply.
type Kept<'x> = (&'x DiffItem, bool, bool, Option<(&'x Edit, Option<String>)>);

/// For each item, which sides' annotations are kept, and the edit to apply to the kept one
/// (with the text of its new span). Matches keep A's copy.
fn kept_sides<'x>(
    text: &str,
    items: &'x [DiffItem],
    choices: &'x [Choice],
) -> Result<Vec<Kept<'x>>, AdjudicationError> {
    let mut next_choice = choices.iter().enumerate();
    let mut kept: Vec<Kept> = Vec::with_capacity(items.len());
    for it in items {
        let (ka, kb, edit) = if it.is_disagreement() {
            match next_choice.next().expect("counted by the caller") {
                (_, Choice::TakeA) => (true, false, None),
                (_, Choice::TakeB) => (false, true, None),
                (_, Choice::TakeBoth) => (true, true, None),
                (_, Choice::TakeNeither) => (false, false, None),
                (n, Choice::Edit(e)) => {
                    let covered = check_edit(text, it, n, e)?;
                    (e.from == Side::A, e.from == Side::B, Some((e, covered)))
                }
            }
        } else {
            (true, false, None)
        };
        kept.push((it, ka && it.a.is_some(), kb && it.b.is_some(), edit));
    }
    Ok(kept)
}

/// Keep the chosen clusters: each gathers the curated mentions of its members, and what
/// it cannot gather is named in `out.lost`.
fn keep_clusters<'x>(
    kept: &[Kept<'x>],
    side: impl Fn(Side) -> &'x Annotations,
    resolve: &impl Fn(Side, &Id, &Annotations) -> Option<Id>,
    out: &mut Curated,
) -> Result<(), AdjudicationError> {
    let mut n = 0;
    for (it, ka, kb, edit) in kept.iter().filter(|k| k.0.layer == Layer::Cluster) {
        for (s, id, keep) in [(Side::A, &it.a, *ka), (Side::B, &it.b, *kb)] {
            let Some(id) = id.as_ref().filter(|_| keep) else {
                continue;
            };
            let from = side(s);
            let mut e = from
                .entity(id)
                .ok_or_else(|| AdjudicationError::UnknownId(id.clone()))?
                .clone();
            if let Some((ed, _)) = edit {
                e.kind = ed.kind.clone();
            }
            n += 1;
            e.id = format!("C{n}");
            for m in from.members(id) {
                let target = resolve(s, &m.id, &out.annotations);
                let slot =
                    target.and_then(|t| out.annotations.mentions.iter_mut().find(|x| x.id == t));
                match slot {
                    Some(x) if x.entity.is_none() || x.entity.as_deref() == Some(&e.id) => {
                        x.entity = Some(e.id.clone());
                    }
                    other => out.lost.push(Loss::Member {
                        cluster: e.name.clone(),
                        mention: m.text.clone(),
                        in_other_cluster: other.is_some(),
                    }),
                }
            }
            out.annotations.entities.push(e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::format::loupe::{from_json, serialize, LoupeFile};
    use crate::core::model::Document;

    const A: &str = include_str!("../../tests/fixtures/agreement/a.json");
    const B: &str = include_str!("../../tests/fixtures/agreement/b.json");
    const CURATED: &str = include_str!("../../tests/fixtures/agreement/curated.json");

    fn load(json: &str) -> Document {
        from_json(json).unwrap().documents.remove(0)
    }

    #[test]
    fn the_fixture_diff_names_every_kind_in_text_order() {
        let (a, b) = (load(A), load(B));
        let items = diff(&a.annotations, &b.annotations);
        let seen: Vec<_> = items
            .iter()
            .map(|it| {
                (
                    it.layer,
                    it.kind,
                    it.a.as_deref(),
                    it.b.as_deref(),
                    it.start,
                )
            })
            .collect();
        use DiffKind::*;
        use Layer::*;
        assert_eq!(
            seen,
            [
                (Mention, Match, Some("T1"), Some("T1"), 0),
                (Relation, TypeDisagreement, Some("R1"), Some("R1"), 0),
                (Mention, Match, Some("T2"), Some("T2"), 26),
                (Event, ArgumentDisagreement, Some("E1"), Some("E1"), 34),
                (Mention, TypeDisagreement, Some("T3"), Some("T3"), 42),
                // "120 mortar rounds" pairs with "mortar rounds", the larger overlap, so
                // B's "120" is left on its own.
                (Mention, SpanDisagreement, Some("T4"), Some("T4"), 59),
                (Mention, OnlyB, None, Some("T8"), 59),
                (Mention, OnlyA, Some("T5"), None, 80),
                (Mention, SpanDisagreement, Some("T6"), Some("T5"), 89),
                (Event, TypeDisagreement, Some("E2"), Some("E2"), 106),
                (Mention, Match, Some("T7"), Some("T6"), 114),
                (Mention, SpanDisagreement, Some("T8"), Some("T7"), 127),
            ]
        );
    }

    #[test]
    fn adjudicating_the_fixture_yields_the_expected_curated_file() {
        let (a, b) = (load(A), load(B));
        let items = diff(&a.annotations, &b.annotations);
        use Choice::*;
        // In the order of the disagreements above: the relation's type from B, A's event
        // arguments, both Harbourtown types, A's "120 mortar rounds", not B's "120", A's
        // "Tuesday", B's "Mayor Ilse Varga", B's event type, A's "the old port".
        let choices = [
            TakeB,
            TakeA,
            TakeBoth,
            TakeA,
            TakeNeither,
            TakeA,
            TakeB,
            TakeB,
            TakeA,
        ];
        let curated = curate(&a.text, &a.annotations, &b.annotations, &items, &choices).unwrap();
        // B's Place argument pointed at "old port", which was not kept.
        assert_eq!(curated.dropped_arguments, 1);
        assert_eq!(curated.dropped_relations, 0);
        let mut doc = a.clone();
        doc.annotations = curated.annotations;
        let file = LoupeFile {
            annotator: "curated".into(),
            documents: vec![doc],
            schema: None,
        };
        assert_eq!(serialize(&file), CURATED);
        // And the curated file is a valid loupe/1 file.
        assert_eq!(from_json(CURATED).unwrap(), file);
    }

    #[test]
    fn identical_annotations_need_no_choice_and_come_back_whole() {
        let a = load(A);
        let items = diff(&a.annotations, &a.annotations);
        assert!(items.iter().all(|it| !it.is_disagreement()));
        let curated = curate(&a.text, &a.annotations, &a.annotations, &items, &[]).unwrap();
        assert_eq!(curated.annotations, a.annotations);
    }

    #[test]
    fn taking_neither_side_of_a_target_drops_what_points_at_it() {
        let (a, b) = (load(A), load(B));
        let items = diff(&a.annotations, &b.annotations);
        // A's side of everything keeps every target: no argument is lost.
        let all_a = vec![Choice::TakeA; 9];
        let curated = curate(&a.text, &a.annotations, &b.annotations, &items, &all_a).unwrap();
        assert_eq!(curated.dropped_arguments, 0);
        assert_eq!(curated.annotations.mentions.len(), 8);
        let mut neither = vec![Choice::TakeNeither; 9];
        neither[0] = Choice::TakeA; // the relation
        neither[1] = Choice::TakeA; // the attack, whose Target, Instrument and Time go
        let curated = curate(&a.text, &a.annotations, &b.annotations, &items, &neither).unwrap();
        assert_eq!(curated.annotations.events.len(), 1);
        assert_eq!(curated.annotations.events[0].arguments.len(), 1);
        assert_eq!(curated.dropped_arguments, 3);
        assert_eq!(curated.annotations.relations.len(), 1);
    }

    #[test]
    fn an_edit_keeps_one_side_with_a_new_type_and_span() {
        let (a, b) = (load(A), load(B));
        let items = diff(&a.annotations, &b.annotations);
        use Choice::*;
        let edit = |from, kind: &str, span: Option<(usize, usize)>| {
            Edit(super::Edit {
                from,
                kind: kind.into(),
                span: span.map(Span::from),
            })
        };
        let choices = [
            edit(Side::B, "PART-WHOLE", None), // the relation: B's, retyped
            TakeA,
            edit(Side::A, "LOC", None), // Harbourtown: A's span, B's type
            TakeA,
            TakeNeither,
            TakeA,
            // B's "Mayor Ilse Varga" narrowed to "Ilse Varga", and called ORG for the test.
            edit(Side::B, "ORG", Some((95, 105))),
            edit(Side::A, "Contact:Phone-Write", None),
            // B's "old port" widened over the ship: code points, the emoji counts one.
            edit(Side::B, "FAC", Some((131, 141))),
        ];
        let curated = curate(&a.text, &a.annotations, &b.annotations, &items, &choices).unwrap();
        let ann = &curated.annotations;
        let find = |text: &str| ann.mentions.iter().find(|m| m.text == text).unwrap();
        assert_eq!(find("Harbourtown").kind, "LOC");
        assert_eq!(find("Harbourtown").fragments, [Span::new(42, 53)]);
        let varga = find("Ilse Varga");
        assert_eq!(
            (varga.kind.as_str(), varga.fragments.as_slice()),
            ("ORG", &[Span::new(95, 105)][..])
        );
        assert!(!ann.mentions.iter().any(|m| m.text.contains("Mayor")));
        let port = find("old port 🚢");
        assert_eq!(port.fragments, [Span::new(131, 141)]);
        assert_eq!(ann.mentions.len(), 8);
        assert_eq!(ann.relations[0].kind, "PART-WHOLE");
        let meet = ann.events.iter().find(|e| e.trigger_text == "met").unwrap();
        assert_eq!(meet.kind, "Contact:Phone-Write");
        // A's Entity argument pointed at A's "Ilse Varga"; the edited mention now has
        // exactly that span, so the argument follows it. A's Place argument pointed at
        // "the old port", which no kept mention covers any more.
        assert_eq!(meet.arguments.len(), 2);
        assert_eq!(
            meet.arguments
                .iter()
                .find(|x| x.role == "Entity" && x.target == varga.id)
                .map(|x| &x.role),
            Some(&"Entity".to_owned())
        );
        assert_eq!(curated.dropped_arguments, 1);
    }

    #[test]
    fn an_edited_trigger_span_moves_the_event_and_keeps_its_arguments() {
        let (a, b) = (load(A), load(B));
        let items = diff(&a.annotations, &b.annotations);
        let mut choices = vec![Choice::TakeA; 9];
        // Disagreement 7 is the meeting, typed differently; "met" (106–109) becomes
        // "met the" (106–113), keeping B's type.
        choices[7] = Choice::Edit(Edit {
            from: Side::B,
            kind: "Contact:Meet".into(),
            span: Some(Span::new(106, 113)),
        });
        let curated = curate(&a.text, &a.annotations, &b.annotations, &items, &choices).unwrap();
        let meet = &curated.annotations.events[1];
        assert_eq!(meet.trigger, [Span::new(106, 113)]);
        assert_eq!(meet.trigger_text, "met the");
        assert_eq!(meet.kind, "Contact:Meet");
        // B's Entity arguments were "Mayor Ilse Varga" (not kept: A's span was taken) and
        // "commander" (kept, a match); B's Place, "old port", was not kept either.
        let roles: Vec<(&str, &str)> = meet
            .arguments
            .iter()
            .map(|x| {
                let m = curated.annotations.mention(&x.target).unwrap();
                (x.role.as_str(), m.text.as_str())
            })
            .collect();
        assert_eq!(roles, [("Entity", "commander")]);
        assert_eq!(curated.dropped_arguments, 2);
    }

    #[test]
    fn the_curated_set_round_trips_through_its_stored_form() {
        let (a, _) = (load(A), load(B));
        let mut other = a.clone();
        other.text = "Another text.".into();
        other.meta.sha256 = crate::core::model::sha256_hex(&other.text);
        other.annotations = Annotations::default();
        let mut set = Vec::new();
        put_curated(&mut set, a);
        put_curated(&mut set, other);
        let stored = crate::core::format::loupe::to_json(&set, CURATED);
        let back = from_json(&stored).unwrap();
        assert_eq!(back.annotator, CURATED);
        assert_eq!(back.documents, set);
    }

    #[test]
    fn a_bad_edit_is_refused_with_its_reason_and_builds_nothing() {
        let (a, b) = (load(A), load(B));
        let items = diff(&a.annotations, &b.annotations);
        let with = |n: usize, from, kind: &str, span: Option<(usize, usize)>| {
            let mut choices = vec![Choice::TakeA; 9];
            choices[n] = Choice::Edit(Edit {
                from,
                kind: kind.into(),
                span: span.map(Span::from),
            });
            curate(&a.text, &a.annotations, &b.annotations, &items, &choices).unwrap_err()
        };
        let reason = |e: AdjudicationError| match e {
            AdjudicationError::BadEdit {
                disagreement,
                reason,
            } => (disagreement, reason),
            other => panic!("not a bad edit: {other:?}"),
        };
        // Disagreement 5 is A's "Tuesday", which B does not have.
        assert_eq!(
            reason(with(5, Side::B, "TIME", None)),
            (5, "annotator B has nothing here to start from".into())
        );
        assert_eq!(reason(with(2, Side::A, " ", None)).1, "the type is empty");
        assert_eq!(
            reason(with(2, Side::A, "LOC", Some((53, 53)))).1,
            "the span [53, 53) is not a non-empty range inside the text's 142 characters"
        );
        assert!(reason(with(2, Side::A, "LOC", Some((140, 143))))
            .1
            .contains("[140, 143)"));
        assert_eq!(
            reason(with(2, Side::A, "LOC", Some((16, 17)))).1,
            "the span [16, 17) covers only white space"
        );
        let err = with(0, Side::A, "PART-WHOLE", Some((0, 16)));
        assert!(err
            .to_string()
            .starts_with("the edit of disagreement 1 cannot be applied: a relation has no span"));
    }

    #[test]
    fn the_curated_set_keeps_one_copy_per_text() {
        let (a, b) = (load(A), load(B));
        let mut set = Vec::new();
        assert!(!put_curated(&mut set, a.clone()));
        let mut other = a.clone();
        other.text.push_str(" More.");
        assert!(!put_curated(&mut set, other));
        // B's copy has the same text as A's: it replaces it, in place.
        assert!(put_curated(&mut set, b.clone()));
        assert_eq!(set.len(), 2);
        assert_eq!(set[0], b);
    }

    /// Put the mentions with these texts in one cluster named after the first.
    fn cluster(x: &mut Annotations, id: &str, texts: &[&str]) {
        let name = texts[0].to_owned();
        x.entities.push(crate::core::model::Entity {
            id: id.into(),
            name,
            kind: "PER".into(),
            normalization: None,
            attributes: Default::default(),
            note: None,
        });
        for m in &mut x.mentions {
            if texts.contains(&m.text.as_str()) {
                m.entity = Some(id.into());
            }
        }
    }

    /// Bug 5 of #13: both annotators had the same cluster; the curated set had none, and
    /// it was never shown as a disagreement.
    #[test]
    fn bug_13_5_adjudication_keeps_coreference_clusters() {
        let (mut a, mut b) = (load(A), load(B));
        // "Northern Command" and "brigade" corefer for both; B calls its cluster C7.
        cluster(&mut a.annotations, "C1", &["Northern Command", "brigade"]);
        cluster(&mut b.annotations, "C7", &["Northern Command", "brigade"]);
        let items = diff(&a.annotations, &b.annotations);
        let n = items.iter().filter(|it| it.is_disagreement()).count();
        let curated = curate(
            &a.text,
            &a.annotations,
            &b.annotations,
            &items,
            &vec![Choice::TakeA; n],
        )
        .unwrap();
        let ann = &curated.annotations;
        assert_eq!(ann.entities.len(), 1, "the shared cluster is kept");
        let members: Vec<&str> = ann
            .members(&ann.entities[0].id)
            .map(|m| m.text.as_str())
            .collect();
        assert_eq!(members, ["Northern Command", "brigade"]);
        // A cluster only one side has is a disagreement, to choose like any other.
        let mut c = load(B);
        cluster(&mut c.annotations, "C2", &["Northern Command", "brigade"]);
        let items = diff(&load(A).annotations, &c.annotations);
        let only_b: Vec<_> = items
            .iter()
            .filter(|it| it.layer == Layer::Cluster)
            .map(|it| it.kind)
            .collect();
        assert_eq!(only_b, [DiffKind::OnlyB]);
        // Clusters that share some members differ in members; taking B keeps B's.
        cluster(&mut a.annotations, "C3", &["Harbourtown"]);
        let mut b2 = load(B);
        cluster(
            &mut b2.annotations,
            "C7",
            &["Northern Command", "brigade", "Harbourtown"],
        );
        let items = diff(&a.annotations, &b2.annotations);
        let kinds: Vec<_> = items
            .iter()
            .filter(|it| it.layer == Layer::Cluster)
            .map(|it| it.kind)
            .collect();
        assert_eq!(kinds, [DiffKind::MembersDisagreement, DiffKind::OnlyA]);
        let mut choices =
            vec![Choice::TakeA; items.iter().filter(|it| it.is_disagreement()).count()];
        let pos = items
            .iter()
            .filter(|it| it.is_disagreement())
            .position(|it| it.kind == DiffKind::MembersDisagreement)
            .unwrap();
        choices[pos] = Choice::TakeB;
        let curated = curate(&a.text, &a.annotations, &b2.annotations, &items, &choices).unwrap();
        let ann = &curated.annotations;
        let sizes: Vec<usize> = ann
            .entities
            .iter()
            .map(|e| ann.members(&e.id).count())
            .collect();
        // B's three-member cluster, then A's "Harbourtown" cluster, whose only member
        // is already in B's: that loss is named.
        assert_eq!(sizes, [3, 0]);
        assert!(curated.lost.iter().any(|l| l
            .to_string()
            .contains("loses “Harbourtown”, which is in another kept cluster")));
    }

    /// Bug 6 of #13: a kept event whose argument's target was rejected lost the argument
    /// silently. The curated result names what the event lost.
    #[test]
    fn bug_13_6_a_kept_event_says_which_argument_it_lost() {
        let (a, b) = (load(A), load(B));
        let items = diff(&a.annotations, &b.annotations);
        let mut choices = vec![Choice::TakeA; 9];
        choices[5] = Choice::TakeNeither; // A's "Tuesday", the attack's Time
        let curated = curate(&a.text, &a.annotations, &b.annotations, &items, &choices).unwrap();
        assert_eq!(curated.dropped_arguments, 1);
        let attack = a
            .annotations
            .events
            .iter()
            .find(|e| e.trigger_text == "shelled")
            .unwrap();
        assert_eq!(
            curated.lost,
            [Loss::Argument {
                event_type: attack.kind.clone(),
                trigger: "shelled".into(),
                role: "Time".into(),
                target: "Tuesday".into(),
            }]
        );
        assert_eq!(
            curated.lost[0].to_string(),
            format!(
                "the {} event “shelled” loses its Time argument “Tuesday”, which was not kept",
                attack.kind
            )
        );
    }

    /// Bug 15 of #13: the curated set went to localStorage past the corpus store, so its
    /// read-only mode and quota handling did not apply.
    #[test]
    fn bug_13_15_the_curated_set_is_stored_through_the_corpus_store() {
        use crate::core::storage::{MemoryStore, INDEX_KEY};
        let a = load(A);
        let store = CorpusStore::new(MemoryStore::default());
        save_curated(&store, std::slice::from_ref(&a)).unwrap();
        assert_eq!(load_curated(&store).documents, std::slice::from_ref(&a));
        // A newer corpus opens read-only: the curated set is not written either.
        store
            .store
            .set(INDEX_KEY, "{\"version\":99,\"documents\":[]}")
            .unwrap();
        let _ = store.load();
        assert!(store.read_only().is_some());
        let before = store.store.get(CURATED_KEY).unwrap();
        let err = save_curated(&store, &[]).unwrap_err();
        assert!(matches!(err, StoreError::ReadOnly(_)), "{err:?}");
        assert_eq!(store.store.get(CURATED_KEY).unwrap(), before);
        // A full quota is reported as such, and what was stored stays.
        let empty = crate::core::storage::utf16_units(&loupe::to_json(&[], super::CURATED));
        let small = CorpusStore::new(MemoryStore::with_quota(CURATED_KEY.len() + empty + 10));
        save_curated(&small, &[]).unwrap();
        let stored = small.store.get(CURATED_KEY).unwrap();
        let err = save_curated(&small, std::slice::from_ref(&a)).unwrap_err();
        assert!(matches!(err, StoreError::QuotaExceeded { .. }), "{err:?}");
        assert_eq!(small.store.get(CURATED_KEY).unwrap(), stored);
        // A damaged set is moved aside, never overwritten unseen.
        let damaged = CorpusStore::new(MemoryStore::default());
        damaged.store.set(CURATED_KEY, "{not json").unwrap();
        let got = load_curated(&damaged);
        assert!(got.documents.is_empty());
        assert!(got
            .problem
            .unwrap()
            .contains("kept untouched under loupe/v1/rescued/"));
        assert_eq!(
            damaged
                .store
                .get(&rescued_key(CURATED_KEY))
                .unwrap()
                .as_deref(),
            Some("{not json")
        );
    }

    #[test]
    fn unreviewed_disagreements_are_listed_and_defaulted_only_on_request() {
        let choices = [Some(Choice::TakeB), None, Some(Choice::TakeNeither), None];
        assert_eq!(unreviewed(&choices), [1, 3]);
        assert_eq!(
            with_default(&choices, &Choice::TakeA),
            [
                Choice::TakeB,
                Choice::TakeA,
                Choice::TakeNeither,
                Choice::TakeA
            ]
        );
    }

    #[test]
    fn a_wrong_number_of_choices_is_refused_with_a_reason() {
        let (a, b) = (load(A), load(B));
        let items = diff(&a.annotations, &b.annotations);
        let err = curate(
            &a.text,
            &a.annotations,
            &b.annotations,
            &items,
            &[Choice::TakeA],
        )
        .unwrap_err();
        assert_eq!(
            err,
            AdjudicationError::ChoiceCount {
                disagreements: 9,
                choices: 1
            }
        );
        assert!(err.to_string().contains("9 disagreements but 1 choices"));
        let err = curate(
            &a.text,
            &Annotations::default(),
            &b.annotations,
            &items,
            &vec![Choice::TakeA; 9],
        )
        .unwrap_err();
        assert_eq!(err, AdjudicationError::UnknownId("T1".into()));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::core::agreement::properties::annotations;
    use proptest::prelude::*;

    /// Mentions as (span, type), events as (trigger, type, argument count), relations as
    /// type: what survives re-numbering.
    type Shape = (
        Vec<(Vec<Span>, String)>,
        Vec<(Vec<Span>, String, usize)>,
        Vec<String>,
    );

    fn shape(x: &Annotations) -> Shape {
        let mut m: Vec<_> = x
            .mentions
            .iter()
            .map(|m| (sorted(&m.fragments), m.kind.clone()))
            .collect();
        let mut e: Vec<_> = x
            .events
            .iter()
            .map(|e| (sorted(&e.trigger), e.kind.clone(), e.arguments.len()))
            .collect();
        let mut r: Vec<_> = x.relations.iter().map(|r| r.kind.clone()).collect();
        m.sort();
        e.sort();
        r.sort();
        (m, e, r)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000).min(2_000)
        ))]

        /// Every annotation is in exactly one diff item, and taking one side of every
        /// disagreement gives back exactly that side's annotations.
        #[test]
        fn taking_one_side_everywhere_gives_that_side_back(
            a in annotations(),
            b in annotations(),
        ) {
            let items = diff(&a, &b);
            let count = |side: fn(&DiffItem) -> &Option<Id>| items.iter().filter(|it| side(it).is_some()).count();
            prop_assert_eq!(count(|it| &it.a), a.mentions.len() + a.events.len() + a.relations.len());
            prop_assert_eq!(count(|it| &it.b), b.mentions.len() + b.events.len() + b.relations.len());
            let n = items.iter().filter(|it| it.is_disagreement()).count();
            for (choice, want) in [(Choice::TakeA, &a), (Choice::TakeB, &b)] {
                let curated = curate("", &a, &b, &items, &vec![choice.clone(); n]).unwrap();
                prop_assert_eq!(curated.dropped_arguments, 0);
                prop_assert_eq!(curated.dropped_relations, 0);
                prop_assert_eq!(shape(&curated.annotations), shape(want));
            }
        }
    }
}
