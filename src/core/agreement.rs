//! Inter-annotator agreement between two or more annotators' copies of one corpus.
//!
//! Documents are matched by the SHA-256 of their text; only documents every annotator has
//! are scored, and the others are listed in [`AgreementReport::unmatched`]. For each pair
//! of annotators (A, B) the report gives, over the corpus and per document:
//!
//! - **mentions**, exact and overlap matching, per type and micro-averaged. Precision is
//!   A's matched share and recall B's, so (B, A) would swap them and keep F1;
//! - **token kappa**: Cohen's kappa over IOB labels of the tokens of [`crate::core::tokens`];
//!   Fleiss' kappa over all annotators is reported once for the corpus;
//! - **events, the ACE way**: trigger identification (trigger span), trigger
//!   classification (span and type), argument identification (the argument's span and its
//!   event's trigger span and type) and argument classification (the role too);
//! - **relations**: type and both arguments' spans;
//! - **token alpha**: Krippendorff's nominal alpha over the same IOB labels, per pair and
//!   over all annotators (see [`alpha`]);
//! - **coreference**: MUC, B³, CEAFe and the CoNLL-2012 mean (see [`coref`]). A chain is
//!   an entity with its member mentions; mentions are identified across annotators by
//!   their exact span, and a mention outside every entity is in no chain. B is the key.
//!
//! **The unit of the token measures** is the token of [`crate::core::tokens`] (a word or a
//! punctuation mark), labelled with its IOB2 tag, over the matched documents that one of
//! the annotators compared *touched*: annotated, or given a status other than "not
//! started". The others are listed in [`TokenUnits::left_out`] unless
//! [`AgreementOptions::include_untouched`] asks for them: thousands of "O" tokens that
//! nobody read would only inflate agreement.
//!
//! **Loupe:** a ratio with nothing to count is defined, never NaN. Precision, recall and
//! F1 are 1 when both annotators annotated nothing (they agree completely) and 0 when only
//! one did. Kappa is 1 when there are no tokens, or when chance agreement is already 1
//! (everyone used a single label everywhere, so observed agreement is 1 too).

pub mod alpha;
pub mod coref;

pub use alpha::{nominal_alpha, nominal_alpha_of_raters, Alpha};
pub use coref::{CorefMetric, CorefScores};

use crate::core::sort;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fmt::Write as _;

use serde::Serialize;

use super::model::{sha256_hex, Annotations, Document, Span, Status};
use super::tokens::{tokens, Token};

/// One annotator's work: their name and their documents.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotatorCorpus {
    pub annotator: String,
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgreementError {
    /// Agreement needs two annotators at least.
    TooFewAnnotators(usize),
    /// Two corpora carry the same annotator name, so the report could not tell them apart.
    DuplicateAnnotator(String),
}

impl fmt::Display for AgreementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewAnnotators(n) => write!(
                f,
                "agreement needs the files of two annotators or more, and {n} {} given",
                if *n == 1 { "was" } else { "were" }
            ),
            Self::DuplicateAnnotator(name) => write!(
                f,
                "two files are both by annotator {name:?}; give each annotator's file a distinct name"
            ),
        }
    }
}

impl std::error::Error for AgreementError {}

/// Counts of A's items, B's items and matched pairs, with the ratios they give.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    pub a: usize,
    pub b: usize,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Default for Score {
    fn default() -> Self {
        Score::new(0, 0, 0)
    }
}

impl Score {
    pub fn new(a: usize, b: usize, matched: usize) -> Self {
        // Nothing to count: full agreement when both sides are empty, none otherwise.
        let ratio = |num: usize, den: usize| {
            if den > 0 {
                num as f64 / den as f64
            } else if a + b == 0 {
                1.0
            } else {
                0.0
            }
        };
        Score {
            a,
            b,
            matched,
            precision: ratio(matched, a),
            recall: ratio(matched, b),
            f1: ratio(2 * matched, a + b),
        }
    }

    fn add(&mut self, o: &Score) {
        *self = Score::new(self.a + o.a, self.b + o.b, self.matched + o.matched);
    }
}

/// A score per type and their micro-average (the sum of the counts).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TypedScores {
    pub micro: Score,
    pub per_type: BTreeMap<String, Score>,
}

impl TypedScores {
    fn from_counts(counts: BTreeMap<String, (usize, usize, usize)>) -> Self {
        let mut out = TypedScores::default();
        for (kind, (a, b, m)) in counts {
            let s = Score::new(a, b, m);
            out.micro.add(&s);
            out.per_type.insert(kind, s);
        }
        out
    }

    fn add(&mut self, o: &TypedScores) {
        self.micro.add(&o.micro);
        for (kind, s) in &o.per_type {
            self.per_type.entry(kind.clone()).or_default().add(s);
        }
    }
}

/// A kappa with the agreements it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kappa {
    pub kappa: f64,
    pub observed: f64,
    pub expected: f64,
    /// How many tokens were labelled.
    pub items: usize,
}

impl Kappa {
    fn new(observed: f64, expected: f64, items: usize) -> Self {
        // Chance agreement of 1 means a single label everywhere; observed is then 1 too.
        let kappa = if items == 0 || expected >= 1.0 - 1e-12 {
            1.0
        } else {
            (observed - expected) / (1.0 - expected)
        };
        Kappa {
            kappa,
            observed,
            expected,
            items,
        }
    }
}

/// Cohen's kappa of two annotators' labels of the same items: (p_o − p_e) / (1 − p_e),
/// where p_e multiplies each annotator's own label proportions.
pub fn cohen_kappa<L: Ord>(a: &[L], b: &[L]) -> Kappa {
    assert_eq!(a.len(), b.len(), "both annotators label the same items");
    let n = a.len();
    if n == 0 {
        return Kappa::new(1.0, 1.0, 0);
    }
    let agree = a.iter().zip(b).filter(|(x, y)| x == y).count();
    let mut marg: BTreeMap<&L, (usize, usize)> = BTreeMap::new();
    for (x, y) in a.iter().zip(b) {
        marg.entry(x).or_default().0 += 1;
        marg.entry(y).or_default().1 += 1;
    }
    let nf = n as f64;
    let expected = marg
        .values()
        .map(|&(ca, cb)| (ca as f64 / nf) * (cb as f64 / nf))
        .sum();
    Kappa::new(agree as f64 / nf, expected, n)
}

/// Fleiss' kappa of any number of annotators (`raters[r][i]` is rater r's label of item
/// i). Chance agreement uses the pooled label proportions, so with two raters it is
/// Scott's pi, which equals Cohen's kappa when both raters' proportions are the same.
pub fn fleiss_kappa<L: Ord>(raters: &[&[L]]) -> Kappa {
    let r = raters.len();
    let n = raters.first().map_or(0, |x| x.len());
    assert!(
        raters.iter().all(|x| x.len() == n),
        "every annotator labels the same items"
    );
    if n == 0 || r < 2 {
        return Kappa::new(1.0, 1.0, 0);
    }
    let mut pooled: BTreeMap<&L, usize> = BTreeMap::new();
    let mut observed = 0.0;
    for i in 0..n {
        let mut counts: BTreeMap<&L, usize> = BTreeMap::new();
        for rater in raters {
            *counts.entry(&rater[i]).or_default() += 1;
        }
        let pairs: usize = counts.values().map(|c| c * (c - 1)).sum();
        observed += pairs as f64 / (r * (r - 1)) as f64;
        for (label, c) in counts {
            *pooled.entry(label).or_default() += c;
        }
    }
    let total = (n * r) as f64;
    let expected = pooled.values().map(|&c| (c as f64 / total).powi(2)).sum();
    Kappa::new(observed / n as f64, expected, n)
}

/// The IOB2 label of every token. As in the CoNLL export, the outermost, longest mention
/// claims its tokens and mentions inside or across it are left out. Unlike the export, a
/// mention whose edges fall inside tokens still labels every token it touches, because
/// dropping it would hide a disagreement.
pub fn iob_labels(toks: &[Token], annotations: &Annotations) -> Vec<String> {
    let mut tags: Vec<Option<(bool, &str)>> = vec![None; toks.len()];
    let mut order: Vec<_> = annotations.mentions.iter().collect();
    sort::sort_by_key(&mut order, |m| {
        (std::cmp::Reverse(m.end() - m.start()), m.start())
    });
    for m in order {
        // Tokens are sorted and disjoint: find each fragment's first token by bisection.
        let mut touched: Vec<usize> = Vec::new();
        for f in &m.fragments {
            let mut t = toks.partition_point(|tok| tok.end <= f.start);
            while t < toks.len() && toks[t].start < f.end {
                touched.push(t);
                t += 1;
            }
        }
        touched.sort_unstable();
        touched.dedup();
        if touched.is_empty() || touched.iter().any(|&t| tags[t].is_some()) {
            continue;
        }
        for (k, &t) in touched.iter().enumerate() {
            tags[t] = Some((k == 0, &m.kind));
        }
    }
    tags.into_iter()
        .map(|t| match t {
            Some((true, kind)) => format!("B-{kind}"),
            Some((false, kind)) => format!("I-{kind}"),
            None => "O".into(),
        })
        .collect()
}

fn bag<K: Ord>(items: &[(K, String)]) -> BTreeMap<(&K, &str), usize> {
    let mut m = BTreeMap::new();
    for (k, t) in items {
        *m.entry((k, t.as_str())).or_default() += 1;
    }
    m
}

/// Count matches of typed items that match when key and type are both equal, as
/// multisets (two identical mentions on one side match two on the other, not one).
fn exact<K: Ord>(a: &[(K, String)], b: &[(K, String)]) -> TypedScores {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let (ba, bb) = (bag(a), bag(b));
    for (_, t) in a {
        counts.entry(t.clone()).or_default().0 += 1;
    }
    for (_, t) in b {
        counts.entry(t.clone()).or_default().1 += 1;
    }
    for (key, na) in &ba {
        if let Some(nb) = bb.get(key) {
            counts.entry(key.1.to_owned()).or_default().2 += na.min(nb);
        }
    }
    TypedScores::from_counts(counts)
}

fn overlap_len(a: &[Span], b: &[Span]) -> usize {
    a.iter()
        .flat_map(|x| {
            b.iter()
                .map(move |y| x.end.min(y.end).saturating_sub(x.start.max(y.start)))
        })
        .sum()
}

/// One-to-one pairs of A's and B's spans that overlap, as many as possible, preferring
/// exact spans, then the largest overlap, then text order. `same` says whether two items may pair.
pub(crate) fn overlap_pairs(
    a: &[Vec<Span>],
    b: &[Vec<Span>],
    same: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    // B by the start of its extent; an overlapping B starts after A's start minus the
    // longest B extent and before A's end, so only that window is compared.
    let extent = |s: &[Span]| {
        let start = s.iter().map(|f| f.start).min().unwrap_or(0);
        (start, s.iter().map(|f| f.end).max().unwrap_or(start))
    };
    let mut by_start: Vec<(usize, usize)> = b
        .iter()
        .enumerate()
        .map(|(j, y)| (extent(y).0, j))
        .collect();
    by_start.sort_unstable();
    let longest = b
        .iter()
        .map(|y| {
            let (s, e) = extent(y);
            e - s
        })
        .max()
        .unwrap_or(0);
    let mut candidates = Vec::new();
    for (i, x) in a.iter().enumerate() {
        let (start, end) = extent(x);
        let from = by_start.partition_point(|&(s, _)| s + longest <= start);
        let to = by_start.partition_point(|&(s, _)| s < end);
        for &(_, j) in &by_start[from..to.max(from)] {
            let y = &b[j];
            let len = overlap_len(x, y);
            if len > 0 && same(i, j) {
                candidates.push((std::cmp::Reverse((x == y, len)), i, j));
            }
        }
    }
    sort::sort(&mut candidates);
    // Greedy first, so the preferred partners pair up; then augmenting paths, so the
    // number of pairs is the largest possible and does not depend on which annotator is
    // A (a greedy count alone can differ between (A, B) and (B, A)).
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); a.len()];
    let mut partner_a: Vec<Option<usize>> = vec![None; a.len()];
    let mut partner_b: Vec<Option<usize>> = vec![None; b.len()];
    for &(_, i, j) in &candidates {
        adj[i].push(j);
        if partner_a[i].is_none() && partner_b[j].is_none() {
            partner_a[i] = Some(j);
            partner_b[j] = Some(i);
        }
    }
    let mut seen = vec![0usize; b.len()];
    for i in 0..a.len() {
        if partner_a[i].is_none() && !adj[i].is_empty() {
            augment(i, i + 1, &adj, &mut partner_a, &mut partner_b, &mut seen);
        }
    }
    partner_a
        .iter()
        .enumerate()
        .filter_map(|(i, j)| Some((i, (*j)?)))
        .collect()
}

/// Kuhn's augmenting path from A's item `i`; `stamp` marks B's items seen in this search.
fn augment(
    i: usize,
    stamp: usize,
    adj: &[Vec<usize>],
    partner_a: &mut [Option<usize>],
    partner_b: &mut [Option<usize>],
    seen: &mut [usize],
) -> bool {
    for &j in &adj[i] {
        if seen[j] == stamp {
            continue;
        }
        seen[j] = stamp;
        let free = match partner_b[j] {
            None => true,
            Some(k) => augment(k, stamp, adj, partner_a, partner_b, seen),
        };
        if free {
            partner_a[i] = Some(j);
            partner_b[j] = Some(i);
            return true;
        }
    }
    false
}

pub(crate) fn sorted(spans: &[Span]) -> Vec<Span> {
    let mut s = spans.to_vec();
    sort::sort(&mut s);
    s
}

/// Mentions match when their spans overlap and their types are equal, one to one.
fn overlap(a: &Annotations, b: &Annotations) -> TypedScores {
    let frags = |x: &Annotations| -> Vec<Vec<Span>> {
        x.mentions.iter().map(|m| sorted(&m.fragments)).collect()
    };
    let pairs = overlap_pairs(&frags(a), &frags(b), |i, j| {
        a.mentions[i].kind == b.mentions[j].kind
    });
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for m in &a.mentions {
        counts.entry(m.kind.clone()).or_default().0 += 1;
    }
    for m in &b.mentions {
        counts.entry(m.kind.clone()).or_default().1 += 1;
    }
    for (i, _) in pairs {
        counts.entry(a.mentions[i].kind.clone()).or_default().2 += 1;
    }
    TypedScores::from_counts(counts)
}

/// The span an argument or relation points at: a mention's fragments or an event's
/// trigger. `None` for a dangling reference, which is then left out of the scores.
pub(crate) fn target_span(ann: &Annotations, id: &str) -> Option<Vec<Span>> {
    ann.mention(id)
        .map(|m| sorted(&m.fragments))
        .or_else(|| ann.event(id).map(|e| sorted(&e.trigger)))
}

/// Scores of the events, the ACE way.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EventScores {
    pub trigger_identification: Score,
    /// Per event type.
    pub trigger_classification: TypedScores,
    /// Per event type.
    pub argument_identification: TypedScores,
    /// Per role.
    pub argument_classification: TypedScores,
}

impl EventScores {
    fn add(&mut self, o: &EventScores) {
        self.trigger_identification.add(&o.trigger_identification);
        self.trigger_classification.add(&o.trigger_classification);
        self.argument_identification.add(&o.argument_identification);
        self.argument_classification.add(&o.argument_classification);
    }
}

type ArgKey = (Vec<Span>, Vec<Span>);

fn events(a: &Annotations, b: &Annotations) -> EventScores {
    let triggers = |x: &Annotations| -> Vec<(Vec<Span>, String)> {
        x.events
            .iter()
            .map(|e| (sorted(&e.trigger), e.kind.clone()))
            .collect()
    };
    let untyped = |x: &Annotations| -> Vec<(Vec<Span>, String)> {
        x.events
            .iter()
            .map(|e| (sorted(&e.trigger), String::new()))
            .collect()
    };
    // Identification: (trigger, argument span) typed by the event type, so "its event
    // matches" means trigger span and event type. Classification adds the role, and is
    // broken down per role.
    let args = |x: &Annotations, by_role: bool| -> Vec<((ArgKey, String), String)> {
        x.events
            .iter()
            .flat_map(|e| {
                e.arguments.iter().filter_map(move |arg| {
                    let span = target_span(x, &arg.target)?;
                    let key = (sorted(&e.trigger), span);
                    Some(if by_role {
                        ((key, e.kind.clone()), arg.role.clone())
                    } else {
                        ((key, String::new()), e.kind.clone())
                    })
                })
            })
            .collect()
    };
    EventScores {
        trigger_identification: exact(&untyped(a), &untyped(b)).micro,
        trigger_classification: exact(&triggers(a), &triggers(b)),
        argument_identification: exact(&args(a, false), &args(b, false)),
        argument_classification: exact(&args(a, true), &args(b, true)),
    }
}

fn relations(a: &Annotations, b: &Annotations) -> TypedScores {
    let items = |x: &Annotations| -> Vec<(ArgKey, String)> {
        x.relations
            .iter()
            .filter_map(|r| {
                Some((
                    (target_span(x, &r.arg1)?, target_span(x, &r.arg2)?),
                    r.kind.clone(),
                ))
            })
            .collect()
    };
    exact(&items(a), &items(b))
}

fn mentions_exact(a: &Annotations, b: &Annotations) -> TypedScores {
    let items = |x: &Annotations| -> Vec<(Vec<Span>, String)> {
        x.mentions
            .iter()
            .map(|m| (sorted(&m.fragments), m.kind.clone()))
            .collect()
    };
    exact(&items(a), &items(b))
}

/// The coreference chains of one annotator's document: each entity's members by their
/// sorted fragments, entities in the order their first member appears. A span listed twice
/// counts once, in the first chain.
pub fn chains(x: &Annotations) -> Vec<Vec<Vec<Span>>> {
    let mut order: Vec<&str> = Vec::new();
    let mut by_entity: BTreeMap<&str, Vec<Vec<Span>>> = BTreeMap::new();
    for m in &x.mentions {
        let Some(e) = m.entity.as_deref() else {
            continue;
        };
        by_entity
            .entry(e)
            .or_insert_with(|| {
                order.push(e);
                Vec::new()
            })
            .push(sorted(&m.fragments));
    }
    order
        .into_iter()
        .filter_map(|e| by_entity.remove(e))
        .collect()
}

/// Every score of one pair of annotators, for one document or the whole corpus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairScores {
    pub mentions_exact: TypedScores,
    pub mentions_overlap: TypedScores,
    pub token_kappa: Kappa,
    pub token_alpha: Alpha,
    pub events: EventScores,
    pub relations: TypedScores,
    /// A is the response and B the key, as for precision and recall.
    pub coreference: CorefScores,
}

/// The scores of annotations `a` and `b` of one text (`toks` are its tokens).
pub fn pair_scores(toks: &[Token], a: &Annotations, b: &Annotations) -> PairScores {
    let (la, lb) = (iob_labels(toks, a), iob_labels(toks, b));
    PairScores {
        mentions_exact: mentions_exact(a, b),
        mentions_overlap: overlap(a, b),
        token_kappa: cohen_kappa(&la, &lb),
        token_alpha: nominal_alpha_of_raters(&[&la[..], &lb[..]]),
        events: events(a, b),
        relations: relations(a, b),
        coreference: CorefScores::new(&chains(a), &chains(b)),
    }
}

/// Whether an annotator worked on a document: annotated it, or set its status.
pub fn touched(d: &Document) -> bool {
    !d.annotations.is_empty() || d.meta.status != Status::NotStarted
}

/// What the token measures were computed over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TokenUnits {
    /// The unit in words, for a methods section.
    pub unit: String,
    pub documents: usize,
    pub tokens: usize,
    /// Matched documents that none of the annotators compared touched, left out.
    pub left_out: Vec<DocumentRef>,
}

/// Choices that change what is scored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AgreementOptions {
    /// Count the tokens of documents no annotator compared touched, too.
    pub include_untouched: bool,
}

/// A document, named by its checksum and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRef {
    pub sha256: String,
    pub title: String,
}

/// A document that some annotators have and others do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedDocument {
    pub sha256: String,
    pub title: String,
    pub present_in: Vec<String>,
    pub missing_from: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentScores {
    pub document: DocumentRef,
    /// Whether A or B touched the document; an untouched one is left out of the total's
    /// token measures unless the options say otherwise.
    pub touched: bool,
    pub scores: PairScores,
}

/// One pair of annotators: A is scored against B as the reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairReport {
    pub a: String,
    pub b: String,
    /// The annotator whose annotations are the reference: recall is their share matched.
    pub reference: String,
    pub total: PairScores,
    /// What the total's kappa and alpha count.
    pub token_units: TokenUnits,
    pub per_document: Vec<DocumentScores>,
}

/// Everything `loupe agree` prints and the app shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    pub annotators: Vec<String>,
    /// The documents every annotator has, in the first annotator's order.
    pub documents: Vec<DocumentRef>,
    pub unmatched: Vec<UnmatchedDocument>,
    pub pairs: Vec<PairReport>,
    /// Fleiss' kappa over the IOB labels of every annotator, on the matched documents
    /// that any of them touched.
    pub fleiss_kappa: Kappa,
    /// Krippendorff's nominal alpha over the same labels and tokens.
    pub krippendorff_alpha: Alpha,
    /// What Fleiss' kappa and the alpha of all annotators count.
    pub token_units: TokenUnits,
    pub options: AgreementOptions,
}

/// The unit of the token measures, in words.
fn unit_text(opts: &AgreementOptions, who: &str) -> String {
    if opts.include_untouched {
        "the IOB2 tag of each token (word or punctuation mark) of every matched document".into()
    } else {
        format!(
            "the IOB2 tag of each token (word or punctuation mark) of the matched documents that {who} annotated or gave a status"
        )
    }
}

/// Compare the corpora of two or more annotators, leaving untouched documents out of the
/// token measures.
pub fn agreement(corpora: &[AnnotatorCorpus]) -> Result<AgreementReport, AgreementError> {
    agreement_with(corpora, AgreementOptions::default())
}

/// The token labels of the documents in `docs`, one list per annotator in `who`.
fn pooled<'x>(
    labels: &'x [Vec<Vec<String>>],
    who: &[usize],
    docs: &[usize],
) -> Vec<Vec<&'x String>> {
    who.iter()
        .map(|&k| docs.iter().flat_map(|&n| labels[k][n].iter()).collect())
        .collect()
}

/// Checksum → document per annotator (the first copy wins if a corpus repeats a text), the
/// documents every annotator has in first-seen order, and the others.
#[allow(clippy::type_complexity)]
fn match_documents(
    corpora: &[AnnotatorCorpus],
) -> (
    Vec<BTreeMap<String, &Document>>,
    Vec<(String, &Document)>,
    Vec<UnmatchedDocument>,
) {
    let by_sum: Vec<BTreeMap<String, &Document>> = corpora
        .iter()
        .map(|c| {
            let mut m = BTreeMap::new();
            for d in &c.documents {
                m.entry(sha256_hex(&d.text)).or_insert(d);
            }
            m
        })
        .collect();
    // Every checksum in first-seen order over the corpora.
    let mut order: Vec<(String, &Document)> = Vec::new();
    let mut seen = BTreeSet::new();
    for c in corpora {
        for d in &c.documents {
            let sum = sha256_hex(&d.text);
            if seen.insert(sum.clone()) {
                order.push((sum, d));
            }
        }
    }
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    for (sum, doc) in order {
        let (present, missing): (Vec<usize>, Vec<usize>) =
            (0..corpora.len()).partition(|&k| by_sum[k].contains_key(&sum));
        let name = |ks: Vec<usize>| ks.iter().map(|&k| corpora[k].annotator.clone()).collect();
        if missing.is_empty() {
            matched.push((sum, doc));
        } else {
            unmatched.push(UnmatchedDocument {
                sha256: sum,
                title: doc.meta.title.clone(),
                present_in: name(present),
                missing_from: name(missing),
            });
        }
    }
    (by_sum, matched, unmatched)
}

/// Compare the corpora of two or more annotators.
pub fn agreement_with(
    corpora: &[AnnotatorCorpus],
    opts: AgreementOptions,
) -> Result<AgreementReport, AgreementError> {
    if corpora.len() < 2 {
        return Err(AgreementError::TooFewAnnotators(corpora.len()));
    }
    let mut names = BTreeSet::new();
    for c in corpora {
        if !names.insert(c.annotator.as_str()) {
            return Err(AgreementError::DuplicateAnnotator(c.annotator.clone()));
        }
    }
    let (by_sum, matched, unmatched) = match_documents(corpora);
    // Tokens and labels once per document and annotator.
    let toks: Vec<Vec<Token>> = matched.iter().map(|(_, d)| tokens(&d.text)).collect();
    let labels: Vec<Vec<Vec<String>>> = (0..corpora.len())
        .map(|k| {
            matched
                .iter()
                .zip(&toks)
                .map(|((sum, _), t)| iob_labels(t, &by_sum[k][sum].annotations))
                .collect()
        })
        .collect();
    let documents: Vec<DocumentRef> = matched
        .iter()
        .map(|(sum, d)| DocumentRef {
            sha256: sum.clone(),
            title: d.meta.title.clone(),
        })
        .collect();
    let touched_by: Vec<Vec<bool>> = (0..corpora.len())
        .map(|k| {
            matched
                .iter()
                .map(|(sum, _)| touched(by_sum[k][sum]))
                .collect()
        })
        .collect();
    // The documents whose tokens count for the annotators `who`, and what that is.
    let units = |who: &[usize], name: &str| -> (Vec<usize>, TokenUnits) {
        let (kept, out): (Vec<usize>, Vec<usize>) = (0..matched.len())
            .partition(|&n| opts.include_untouched || who.iter().any(|&k| touched_by[k][n]));
        let units = TokenUnits {
            unit: unit_text(&opts, name),
            documents: kept.len(),
            tokens: kept.iter().map(|&n| toks[n].len()).sum(),
            left_out: out.iter().map(|&n| documents[n].clone()).collect(),
        };
        (kept, units)
    };
    let everyone: Vec<usize> = (0..corpora.len()).collect();
    let (docs_all, units_all) = units(&everyone, "any annotator");
    let all_labels = pooled(&labels, &everyone, &docs_all);
    let refs: Vec<&[&String]> = all_labels.iter().map(|l| l.as_slice()).collect();
    let fleiss = fleiss_kappa(&refs);
    let alpha_all = nominal_alpha_of_raters(&refs);
    let mut pairs = Vec::new();
    for i in 0..corpora.len() {
        for j in i + 1..corpora.len() {
            let mut per_document = Vec::new();
            let mut total: Option<PairScores> = None;
            for (n, (sum, _)) in matched.iter().enumerate() {
                let scores = pair_scores(
                    &toks[n],
                    &by_sum[i][sum].annotations,
                    &by_sum[j][sum].annotations,
                );
                match &mut total {
                    None => total = Some(scores.clone()),
                    Some(t) => {
                        t.mentions_exact.add(&scores.mentions_exact);
                        t.mentions_overlap.add(&scores.mentions_overlap);
                        t.events.add(&scores.events);
                        t.relations.add(&scores.relations);
                        t.coreference.add(&scores.coreference);
                    }
                }
                per_document.push(DocumentScores {
                    document: documents[n].clone(),
                    touched: touched_by[i][n] || touched_by[j][n],
                    scores,
                });
            }
            let mut total = total.unwrap_or_else(|| {
                pair_scores(&[], &Annotations::default(), &Annotations::default())
            });
            let (a, b) = (&corpora[i].annotator, &corpora[j].annotator);
            let (docs, token_units) = units(&[i, j], &format!("{a} or {b}"));
            // Kappa and alpha pool the tokens; a mean of per-document values would not be one.
            let l = pooled(&labels, &[i, j], &docs);
            total.token_kappa = cohen_kappa(&l[0], &l[1]);
            total.token_alpha = nominal_alpha_of_raters(&[&l[0][..], &l[1][..]]);
            pairs.push(PairReport {
                a: a.clone(),
                b: b.clone(),
                reference: b.clone(),
                total,
                token_units,
                per_document,
            });
        }
    }
    Ok(AgreementReport {
        annotators: corpora.iter().map(|c| c.annotator.clone()).collect(),
        documents,
        unmatched,
        pairs,
        fleiss_kappa: fleiss,
        krippendorff_alpha: alpha_all,
        token_units: units_all,
        options: opts,
    })
}

/// The columns of [`AgreementReport::to_csv`].
pub const CSV_HEADER: &str =
    "annotator_a,annotator_b,document,measure,type,a,b,matched,precision,recall,f1,coefficient,units";

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

impl AgreementReport {
    /// The report as JSON, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report always serialises")
    }

    /// The report as CSV, one row per score: document `*` is the whole corpus, type `*`
    /// the micro-average. Kappa and alpha rows fill `coefficient` and `units` (tokens) and
    /// leave the counts empty; coreference rows count chains in `a` and `b` (B is the key),
    /// and the CoNLL-2012 row puts its mean in `coefficient`.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(CSV_HEADER);
        out.push_str("\r\n");
        let mut row = |a: &str, b: &str, doc: &str, measure: &str, kind: &str, tail: String| {
            let _ = write!(
                out,
                "{},{},{},{measure},{},{tail}\r\n",
                csv_field(a),
                csv_field(b),
                csv_field(doc),
                csv_field(kind)
            );
        };
        let score = |s: &Score| {
            format!(
                "{},{},{},{:.4},{:.4},{:.4},,",
                s.a, s.b, s.matched, s.precision, s.recall, s.f1
            )
        };
        let kappa = |k: &Kappa| format!(",,,,,,{:.4},{}", k.kappa, k.items);
        let alpha = |k: &Alpha| format!(",,,,,,{:.4},{}", k.alpha, k.units);
        let coref = |c: &CorefScores, m: &CorefMetric| {
            format!(
                "{},{},,{:.4},{:.4},{:.4},,",
                c.response_chains, c.key_chains, m.precision, m.recall, m.f1
            )
        };
        for p in &self.pairs {
            let docs = std::iter::once(("*", &p.total)).chain(
                p.per_document
                    .iter()
                    .map(|d| (d.document.title.as_str(), &d.scores)),
            );
            for (doc, s) in docs {
                let typed = [
                    ("mentions_exact", &s.mentions_exact),
                    ("mentions_overlap", &s.mentions_overlap),
                    ("trigger_classification", &s.events.trigger_classification),
                    ("argument_identification", &s.events.argument_identification),
                    ("argument_classification", &s.events.argument_classification),
                    ("relations", &s.relations),
                ];
                for (measure, t) in typed {
                    row(&p.a, &p.b, doc, measure, "*", score(&t.micro));
                    for (kind, sc) in &t.per_type {
                        row(&p.a, &p.b, doc, measure, kind, score(sc));
                    }
                }
                row(
                    &p.a,
                    &p.b,
                    doc,
                    "trigger_identification",
                    "*",
                    score(&s.events.trigger_identification),
                );
                row(&p.a, &p.b, doc, "cohen_kappa", "*", kappa(&s.token_kappa));
                row(
                    &p.a,
                    &p.b,
                    doc,
                    "krippendorff_alpha",
                    "*",
                    alpha(&s.token_alpha),
                );
                let c = &s.coreference;
                for (measure, m) in [
                    ("coref_muc", &c.muc),
                    ("coref_b_cubed", &c.b_cubed),
                    ("coref_ceafe", &c.ceafe),
                ] {
                    row(&p.a, &p.b, doc, measure, "*", coref(c, m));
                }
                let conll = format!(
                    "{},{},,,,,{:.4},{}",
                    c.response_chains, c.key_chains, c.conll, c.key_mentions
                );
                row(&p.a, &p.b, doc, "coref_conll2012", "*", conll);
            }
        }
        row(
            &self.annotators.join("+"),
            "",
            "*",
            "fleiss_kappa",
            "*",
            kappa(&self.fleiss_kappa),
        );
        row(
            &self.annotators.join("+"),
            "",
            "*",
            "krippendorff_alpha",
            "*",
            alpha(&self.krippendorff_alpha),
        );
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::model::{fragments_text, Argument, Event, Mention, Relation};

    pub const TEXT: &str = "Anna met Ben in Paris. The army attacked Kyiv with drones.";

    /// A mention over the first occurrence of `word` in [`TEXT`] (ASCII, so bytes are
    /// code points).
    pub fn m(id: &str, kind: &str, word: &str) -> Mention {
        let start = TEXT.find(word).unwrap();
        let fragments = vec![Span::new(start, start + word.len())];
        Mention {
            id: id.into(),
            kind: kind.into(),
            text: fragments_text(TEXT, &fragments).unwrap(),
            fragments,
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        }
    }

    pub fn attack(id: &str, kind: &str, args: &[(&str, &str)]) -> Event {
        let start = TEXT.find("attacked").unwrap();
        Event::new(
            id,
            kind,
            vec![Span::new(start, start + 8)],
            "attacked",
            args.iter()
                .map(|(role, target)| Argument {
                    role: (*role).into(),
                    target: (*target).into(),
                })
                .collect(),
        )
    }

    fn doc(title: &str, text: &str, ann: Annotations) -> Document {
        let mut d = Document::new(title, text);
        d.annotations = ann;
        d
    }

    fn corpus(name: &str, docs: Vec<Document>) -> AnnotatorCorpus {
        AnnotatorCorpus {
            annotator: name.into(),
            documents: docs,
        }
    }

    /// Mentions, an event with three arguments and a relation.
    fn full() -> Annotations {
        Annotations {
            mentions: vec![
                m("T1", "PER", "Anna"),
                m("T2", "PER", "Ben"),
                m("T3", "GPE", "Paris"),
                m("T4", "ORG", "army"),
                m("T5", "GPE", "Kyiv"),
                m("T6", "WEA", "drones"),
            ],
            events: vec![attack(
                "E1",
                "Conflict:Attack",
                &[("Attacker", "T4"), ("Target", "T5"), ("Instrument", "T6")],
            )],
            relations: vec![Relation {
                id: "R1".into(),
                kind: "PHYS".into(),
                arg1: "T2".into(),
                arg2: "T3".into(),
                attributes: Default::default(),
            }],
            ..Default::default()
        }
    }

    fn two(a: Annotations, b: Annotations) -> AgreementReport {
        agreement(&[
            corpus("ann", vec![doc("d", TEXT, a)]),
            corpus("bob", vec![doc("d", TEXT, b)]),
        ])
        .unwrap()
    }

    fn close(x: f64, y: f64) -> bool {
        (x - y).abs() < 1e-9
    }

    #[test]
    fn perfect_agreement_scores_one_everywhere() {
        let r = two(full(), full());
        let t = &r.pairs[0].total;
        for s in [
            t.mentions_exact.micro,
            t.mentions_overlap.micro,
            t.events.trigger_identification,
            t.events.trigger_classification.micro,
            t.events.argument_identification.micro,
            t.events.argument_classification.micro,
            t.relations.micro,
        ] {
            assert_eq!((s.precision, s.recall, s.f1), (1.0, 1.0, 1.0), "{s:?}");
        }
        assert_eq!(t.mentions_exact.micro.matched, 6);
        assert_eq!(t.mentions_exact.per_type["PER"], Score::new(2, 2, 2));
        assert_eq!(t.token_kappa.kappa, 1.0);
        assert_eq!(r.fleiss_kappa.kappa, 1.0);
        // 11 words and 2 full stops.
        assert_eq!(t.token_kappa.items, 13);
    }

    /// "Anna met Ben": ann tags Anna as PER, bob tags Ben as ORG.
    fn total_disagreement() -> AgreementReport {
        let text = "Anna met Ben";
        let ann = |mention: Mention| Annotations {
            mentions: vec![mention],
            ..Default::default()
        };
        agreement(&[
            corpus("ann", vec![doc("d", text, ann(m("T1", "PER", "Anna")))]),
            corpus("bob", vec![doc("d", text, ann(m("T1", "ORG", "Ben")))]),
        ])
        .unwrap()
    }

    #[test]
    fn total_disagreement_scores_zero_and_negative_kappa() {
        let r = total_disagreement();
        let t = &r.pairs[0].total;
        assert_eq!(t.mentions_exact.micro, Score::new(1, 1, 0));
        assert_eq!(t.mentions_overlap.micro.f1, 0.0);
        assert_eq!(t.mentions_exact.per_type["PER"], Score::new(1, 0, 0));
        assert_eq!(t.mentions_exact.per_type["ORG"], Score::new(0, 1, 0));
        // Tokens Anna met Ben: A = B-PER O O, B = O O B-ORG. p_o = 1/3 (only "met").
        // p_e = P_A(O)·P_B(O) = 2/3 · 2/3 = 4/9 (B-PER and B-ORG each occur on one side
        // only). kappa = (1/3 − 4/9) / (1 − 4/9) = (−1/9) / (5/9) = −0.2.
        assert!(close(t.token_kappa.observed, 1.0 / 3.0));
        assert!(close(t.token_kappa.expected, 4.0 / 9.0));
        assert!(close(t.token_kappa.kappa, -0.2), "{:?}", t.token_kappa);
    }

    #[test]
    fn cohen_kappa_with_known_marginals() {
        // 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15.
        // p_o = (20 + 15) / 50 = 0.7. A says yes 25/50 = 0.5, B says yes 30/50 = 0.6.
        // p_e = 0.5·0.6 + 0.5·0.4 = 0.5. kappa = (0.7 − 0.5) / (1 − 0.5) = 0.4.
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (x, y, n) in [
            ("y", "y", 20),
            ("y", "n", 5),
            ("n", "y", 10),
            ("n", "n", 15),
        ] {
            a.extend(std::iter::repeat_n(x, n));
            b.extend(std::iter::repeat_n(y, n));
        }
        let k = cohen_kappa(&a, &b);
        assert!(close(k.observed, 0.7) && close(k.expected, 0.5));
        assert!(close(k.kappa, 0.4), "{k:?}");
        // Fleiss pools the marginals (yes = 55/100), so it is Scott's pi and differs here:
        // p_e = 0.55² + 0.45² = 0.505, pi = (0.7 − 0.505) / 0.495 = 0.393939…
        let f = fleiss_kappa(&[&a[..], &b[..]]);
        assert!(close(f.kappa, 0.195 / 0.495), "{f:?}");
    }

    #[test]
    fn fleiss_kappa_of_three_raters_by_hand() {
        // Items (x,x,x) (x,x,y) (y,y,y) (x,y,z). Per item agreement P_i =
        // (Σ n_ij² − 3) / 6: 1, 1/3, 1, 0, so P̄ = 7/12. Pooled proportions: x 6/12,
        // y 5/12, z 1/12, so P_e = (36 + 25 + 1) / 144 = 31/72.
        // kappa = (7/12 − 31/72) / (1 − 31/72) = (11/72) / (41/72) = 11/41.
        let r1 = ["x", "x", "y", "x"];
        let r2 = ["x", "x", "y", "y"];
        let r3 = ["x", "y", "y", "z"];
        let k = fleiss_kappa(&[&r1[..], &r2[..], &r3[..]]);
        assert!(close(k.observed, 7.0 / 12.0));
        assert!(close(k.expected, 31.0 / 72.0));
        assert!(close(k.kappa, 11.0 / 41.0), "{k:?}");
    }

    #[test]
    fn fleiss_equals_cohen_for_two_raters_with_equal_marginals() {
        // Both say x twice and y twice: p_o = 1/2, p_e = 1/2 either way, kappa 0.
        let a = ["x", "x", "y", "y"];
        let b = ["x", "y", "x", "y"];
        assert_eq!(cohen_kappa(&a, &b).kappa, 0.0);
        assert_eq!(fleiss_kappa(&[&a[..], &b[..]]).kappa, 0.0);
        // And on real labels: B's tokens are A's labels rotated, so the marginals match.
        let toks = tokens(TEXT);
        let la = iob_labels(&toks, &full());
        let mut lb = la.clone();
        lb.rotate_left(3);
        let (c, f) = (cohen_kappa(&la, &lb), fleiss_kappa(&[&la[..], &lb[..]]));
        assert!(close(c.kappa, f.kappa), "{c:?} {f:?}");
        assert!(c.kappa < 1.0);
    }

    #[test]
    fn an_event_with_one_wrong_role() {
        let a = full();
        let mut b = full();
        b.events[0].arguments[1].role = "Place".into();
        let e = two(a, b).pairs[0].total.events.clone();
        assert_eq!(e.trigger_identification, Score::new(1, 1, 1));
        assert_eq!(e.trigger_classification.micro, Score::new(1, 1, 1));
        assert_eq!(e.argument_identification.micro, Score::new(3, 3, 3));
        // Two of three arguments keep their role: P = R = F1 = 2/3.
        let c = e.argument_classification.micro;
        assert_eq!((c.a, c.b, c.matched), (3, 3, 2));
        assert!(close(c.f1, 2.0 / 3.0) && close(c.precision, 2.0 / 3.0));
        let roles = &e.argument_classification.per_type;
        assert_eq!(roles["Attacker"].f1, 1.0);
        assert_eq!(roles["Target"], Score::new(1, 0, 0));
        assert_eq!(roles["Place"], Score::new(0, 1, 0));
    }

    #[test]
    fn event_type_and_trigger_span_decide_identification() {
        let mut b = full();
        b.events[0].kind = "Conflict:Demonstrate".into();
        let e = two(full(), b).pairs[0].total.events.clone();
        assert_eq!(e.trigger_identification.f1, 1.0);
        assert_eq!(e.trigger_classification.micro.f1, 0.0);
        // The arguments' event no longer matches, so neither do they.
        assert_eq!(e.argument_identification.micro, Score::new(3, 3, 0));
        let mut b = full();
        b.events[0].trigger[0].end -= 2; // "attack"
        let e = two(full(), b).pairs[0].total.events.clone();
        assert_eq!(e.trigger_identification.f1, 0.0);
    }

    #[test]
    fn overlap_matching_is_one_to_one_and_typed() {
        let a = Annotations {
            mentions: vec![m("T1", "GPE", "Paris"), m("T2", "PER", "Anna")],
            ..Default::default()
        };
        let b = Annotations {
            // "in Paris" overlaps "Paris"; the second "Paris" finds no partner left.
            mentions: vec![
                m("T1", "GPE", "in Paris"),
                m("T2", "GPE", "Paris"),
                m("T3", "ORG", "Anna"),
            ],
            ..Default::default()
        };
        let t = two(a, b).pairs[0].total.clone();
        assert_eq!(t.mentions_exact.micro, Score::new(2, 3, 1));
        assert_eq!(t.mentions_overlap.micro, Score::new(2, 3, 1));
        let a = Annotations {
            mentions: vec![m("T1", "GPE", "Paris")],
            ..Default::default()
        };
        let b = Annotations {
            mentions: vec![m("T1", "GPE", "in Paris")],
            ..Default::default()
        };
        let t = two(a, b).pairs[0].total.clone();
        assert_eq!(t.mentions_exact.micro.f1, 0.0);
        assert_eq!(t.mentions_overlap.micro.f1, 1.0);
        // Greedy by overlap would pair "Ben in Paris" with "in Paris" (8 code points) and
        // leave "Paris" alone; the most pairs is two: with "Ben" and with "in Paris".
        let a = Annotations {
            mentions: vec![m("T1", "GPE", "Ben in Paris"), m("T2", "GPE", "Paris")],
            ..Default::default()
        };
        let b = Annotations {
            mentions: vec![m("T1", "GPE", "in Paris"), m("T2", "GPE", "Ben")],
            ..Default::default()
        };
        let (ab, ba) = (two(a.clone(), b.clone()), two(b, a));
        assert_eq!(
            ab.pairs[0].total.mentions_overlap.micro,
            Score::new(2, 2, 2)
        );
        assert_eq!(
            ba.pairs[0].total.mentions_overlap.micro,
            Score::new(2, 2, 2)
        );
    }

    #[test]
    fn relations_match_on_type_and_argument_spans() {
        let mut b = full();
        // Same relation under other ids, and one extra of another type.
        b.mentions[1].id = "T9".into();
        b.relations[0].arg1 = "T9".into();
        b.relations.push(Relation {
            id: "R2".into(),
            kind: "PART-WHOLE".into(),
            arg1: "T5".into(),
            arg2: "T3".into(),
            attributes: Default::default(),
        });
        let r = two(full(), b).pairs[0].total.relations.clone();
        assert_eq!(r.micro, Score::new(1, 2, 1));
        assert!(close(r.micro.f1, 2.0 / 3.0));
        assert_eq!(r.per_type["PART-WHOLE"], Score::new(0, 1, 0));
    }

    #[test]
    fn no_annotations_at_all_give_defined_values_not_nan() {
        let r = two(Annotations::default(), Annotations::default());
        let t = &r.pairs[0].total;
        assert_eq!(t.mentions_exact.micro, Score::new(0, 0, 0));
        assert_eq!(t.mentions_exact.micro.f1, 1.0);
        assert_eq!(t.events.argument_classification.micro.f1, 1.0);
        assert_eq!(t.token_kappa.kappa, 1.0);
        assert_eq!(r.fleiss_kappa.kappa, 1.0);
        // One side empty: precision has nothing to count and is 0, not NaN.
        let s = Score::new(0, 4, 0);
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 0.0));
        // No documents at all.
        let r = agreement(&[corpus("ann", vec![]), corpus("bob", vec![])]).unwrap();
        assert_eq!(r.pairs[0].total.token_kappa.kappa, 1.0);
        assert_eq!(r.fleiss_kappa.items, 0);
        let json = r.to_json();
        assert!(!json.contains("null") && !json.contains("NaN"), "{json}");
    }

    #[test]
    fn documents_match_by_checksum_and_the_rest_are_listed() {
        let other = "A text only Bob has.";
        let mut renamed = doc("Another title", TEXT, full());
        renamed.meta.id = "x".into();
        let r = agreement(&[
            corpus("ann", vec![doc("Strike", TEXT, full())]),
            corpus(
                "bob",
                vec![doc("Bob's", other, Annotations::default()), renamed],
            ),
            corpus("cy", vec![doc("Strike", TEXT, full())]),
        ])
        .unwrap();
        assert_eq!(r.documents.len(), 1);
        assert_eq!(r.documents[0].title, "Strike");
        assert_eq!(
            r.unmatched,
            [UnmatchedDocument {
                sha256: sha256_hex(other),
                title: "Bob's".into(),
                present_in: vec!["bob".into()],
                missing_from: vec!["ann".into(), "cy".into()],
            }]
        );
        let names: Vec<_> = r.pairs.iter().map(|p| (&*p.a, &*p.b)).collect();
        assert_eq!(names, [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]);
        assert!(r
            .pairs
            .iter()
            .all(|p| p.total.mentions_exact.micro.f1 == 1.0));
    }

    #[test]
    fn per_document_scores_add_up_to_the_total() {
        let text2 = "Ben left Paris.";
        let d2 = |kind: &str| {
            let mut d = Document::new("two", text2);
            let mut mention = m("T1", kind, "Ben");
            mention.fragments = vec![Span::new(0, 3)];
            d.annotations.mentions.push(mention);
            d
        };
        let r = agreement(&[
            corpus("ann", vec![doc("one", TEXT, full()), d2("PER")]),
            corpus("bob", vec![doc("one", TEXT, full()), d2("ORG")]),
        ])
        .unwrap();
        let p = &r.pairs[0];
        assert_eq!(p.per_document.len(), 2);
        assert_eq!(p.per_document[1].scores.mentions_exact.micro.f1, 0.0);
        assert_eq!(p.total.mentions_exact.micro, Score::new(7, 7, 6));
        assert_eq!(p.total.token_kappa.items, 13 + 4);
        assert!(p.total.token_kappa.kappa < 1.0);
    }

    #[test]
    fn csv_and_json_carry_every_score() {
        let mut b = full();
        b.events[0].arguments[1].role = "Place".into();
        let r = two(full(), b);
        let csv = r.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert!(lines.iter().all(|l| l.split(',').count() == 13), "{csv}");
        assert!(csv.contains("ann,bob,*,argument_classification,*,3,3,2,0.6667,0.6667,0.6667,,"));
        assert!(csv.contains("ann,bob,d,cohen_kappa,*,,,,,,,1.0000,13"));
        let n = lines.len();
        assert!(lines[n - 2].starts_with("ann+bob,,*,fleiss_kappa"));
        assert!(lines[n - 1].starts_with("ann+bob,,*,krippendorff_alpha,*,,,,,,,1.0000,13"));
        assert!(csv.contains("ann,bob,*,coref_muc,*,0,0,,1.0000,1.0000,1.0000,,"));
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(
            json["pairs"][0]["total"]["events"]["argument_classification"]["micro"]["matched"],
            2
        );
        assert_eq!(json["annotators"], serde_json::json!(["ann", "bob"]));
    }

    #[test]
    fn documents_nobody_touched_are_left_out_of_the_token_measures() {
        let quiet = "Nobody read this one at all.";
        let r = agreement(&[
            corpus(
                "ann",
                vec![
                    doc("one", TEXT, full()),
                    doc("q", quiet, Annotations::default()),
                ],
            ),
            corpus(
                "bob",
                vec![
                    doc("one", TEXT, full()),
                    doc("q", quiet, Annotations::default()),
                ],
            ),
        ])
        .unwrap();
        let p = &r.pairs[0];
        // 13 tokens of the annotated text; the 7 of the untouched one are left out.
        assert_eq!(p.total.token_kappa.items, 13);
        assert_eq!(p.total.token_alpha.units, 13);
        assert_eq!((p.token_units.documents, p.token_units.tokens), (1, 13));
        assert_eq!(p.token_units.left_out[0].title, "q");
        assert!(p
            .token_units
            .unit
            .contains("ann or bob annotated or gave a status"));
        assert_eq!((r.token_units.tokens, r.fleiss_kappa.items), (13, 13));
        assert!(!p.per_document[1].touched && p.per_document[0].touched);
        assert_eq!(p.reference, "bob");
        // A status alone counts as touched: "done, nothing to annotate" is a judgement.
        let mut done = doc("q", quiet, Annotations::default());
        done.meta.status = Status::Done;
        let r = agreement(&[
            corpus("ann", vec![doc("one", TEXT, full()), done]),
            corpus(
                "bob",
                vec![
                    doc("one", TEXT, full()),
                    doc("q", quiet, Annotations::default()),
                ],
            ),
        ])
        .unwrap();
        assert_eq!(r.pairs[0].total.token_kappa.items, 20);
        // And the option counts everything.
        let opts = AgreementOptions {
            include_untouched: true,
        };
        let r = agreement_with(
            &[
                corpus("ann", vec![doc("q", quiet, Annotations::default())]),
                corpus("bob", vec![doc("q", quiet, Annotations::default())]),
            ],
            opts,
        )
        .unwrap();
        assert_eq!(r.pairs[0].total.token_kappa.items, 7);
        assert!(r.pairs[0].token_units.left_out.is_empty());
    }

    #[test]
    fn token_alpha_by_hand_beside_kappa() {
        // As in total_disagreement: A = B-PER O O, B = O O B-ORG. Values: O 4, B-PER 1,
        // B-ORG 1 over 3 units of 2. Units 1 and 3 disagree: D_o = (2 + 2) / 6.
        // D_e = (36 − 16 − 1 − 1) / 30 = 18/30. α = 1 − (4/6)/(18/30) = −1/9.
        let r = total_disagreement();
        let a = r.pairs[0].total.token_alpha;
        assert!(close(a.alpha, -1.0 / 9.0), "{a:?}");
        assert!(close(r.krippendorff_alpha.alpha, a.alpha));
        assert_eq!(a.units, 3);
    }

    #[test]
    fn coreference_chains_are_entities_matched_by_span() {
        let clustered = |groups: &[(&str, &[&str])]| {
            let mut x = full();
            for (entity, ids) in groups {
                for m in &mut x.mentions {
                    if ids.contains(&m.id.as_str()) {
                        m.entity = Some((*entity).into());
                    }
                }
            }
            x
        };
        // A: {Anna Ben} {army Kyiv}; B: {Anna Ben army} under other entity ids.
        let a = clustered(&[("C1", &["T1", "T2"]), ("C2", &["T4", "T5"])]);
        let b = clustered(&[("C9", &["T1", "T2", "T4"])]);
        assert_eq!(chains(&a).len(), 2);
        let c = two(a.clone(), b.clone()).pairs[0].total.coreference;
        // MUC recall (B is the key): {Anna Ben army} splits in 2 over A, 1 of 2 links.
        // Precision: {Anna Ben} 1 of 1, {army Kyiv} splits in 2 ({army}, {Kyiv}): 0 of 1.
        assert_eq!(
            (c.muc.recall_numerator, c.muc.recall_denominator),
            (1.0, 2.0)
        );
        assert_eq!(
            (c.muc.precision_numerator, c.muc.precision_denominator),
            (1.0, 2.0)
        );
        assert_eq!((c.key_chains, c.response_chains), (1, 2));
        assert!(c.conll > 0.0 && c.conll < 1.0);
        let same = two(a.clone(), a).pairs[0].total.coreference;
        assert_eq!(same.conll, 1.0);
        // Without entities on either side the scores say nothing, and say so.
        assert!(two(full(), full()).pairs[0].total.coreference.is_empty());
    }

    #[test]
    fn too_few_or_duplicate_annotators_are_refused_with_a_reason() {
        let err = agreement(&[corpus("ann", vec![])]).unwrap_err();
        assert_eq!(err, AgreementError::TooFewAnnotators(1));
        assert!(err.to_string().contains("two annotators or more"));
        let err = agreement(&[corpus("ann", vec![]), corpus("ann", vec![])]).unwrap_err();
        assert!(err.to_string().contains("\"ann\""), "{err}");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod properties {
    use super::*;
    use crate::core::model::{fragments_text, Argument, Event, Mention, Relation};
    use proptest::prelude::*;

    /// Random annotations of [`tests::TEXT`]: mentions on token runs (so some nest or
    /// overlap), events whose arguments are mentions, relations between mentions.
    pub fn annotations() -> impl Strategy<Value = Annotations> {
        let text = tests::TEXT;
        let toks = tokens(text);
        let n = toks.len();
        let mention = (
            0..n,
            1..3usize,
            prop::sample::select(vec!["PER", "ORG", "GPE"]),
        );
        let event = (
            0..n,
            prop::sample::select(vec!["Attack", "Meet"]),
            prop::collection::vec(
                (prop::sample::select(vec!["Agent", "Place"]), 0..8usize),
                0..3,
            ),
        );
        (
            prop::collection::vec(mention, 1..8),
            prop::collection::vec(event, 0..3),
            prop::collection::vec(
                (
                    0..8usize,
                    0..8usize,
                    prop::sample::select(vec!["PHYS", "ORG-AFF"]),
                ),
                0..3,
            ),
        )
            .prop_map(move |(ms, es, rs)| {
                let mentions: Vec<Mention> = ms
                    .iter()
                    .enumerate()
                    .map(|(i, &(t, len, kind))| {
                        let span = Span::new(toks[t].start, toks[(t + len - 1).min(n - 1)].end);
                        Mention {
                            id: format!("T{}", i + 1),
                            kind: kind.into(),
                            text: fragments_text(text, &[span]).unwrap(),
                            fragments: vec![span],
                            attributes: Default::default(),
                            normalization: None,
                            note: None,
                            entity: None,
                        }
                    })
                    .collect();
                let target = |k: usize| format!("T{}", k % mentions.len() + 1);
                let events = es
                    .iter()
                    .enumerate()
                    .map(|(i, (t, kind, args))| {
                        Event::new(
                            format!("E{}", i + 1),
                            *kind,
                            vec![Span::new(toks[*t].start, toks[*t].end)],
                            toks[*t].text(text),
                            args.iter()
                                .map(|(role, k)| Argument {
                                    role: (*role).into(),
                                    target: target(*k),
                                })
                                .collect(),
                        )
                    })
                    .collect();
                let relations = rs
                    .iter()
                    .enumerate()
                    .map(|(i, (x, y, kind))| Relation {
                        id: format!("R{}", i + 1),
                        kind: (*kind).into(),
                        arg1: target(*x),
                        arg2: target(*y),
                        attributes: Default::default(),
                    })
                    .collect();
                Annotations {
                    mentions,
                    events,
                    relations,
                    ..Default::default()
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000).min(2_000)
        ))]

        /// With two raters whose label proportions are equal (B is a shuffle of A),
        /// Fleiss' kappa and Cohen's kappa are the same number.
        #[test]
        fn fleiss_equals_cohen_when_marginals_match(
            (a, b) in prop::collection::vec(0u8..4, 1..60)
                .prop_flat_map(|a| (Just(a.clone()), Just(a).prop_shuffle()))
        ) {
            let c = cohen_kappa(&a, &b);
            let f = fleiss_kappa(&[&a[..], &b[..]]);
            prop_assert!((c.kappa - f.kappa).abs() < 1e-9, "{:?} {:?}", c, f);
            prop_assert!(c.kappa.is_finite() && (-1.0..=1.0).contains(&c.kappa));
        }

        /// Swapping the annotators swaps precision and recall and keeps F1 and kappa;
        /// anyone agrees perfectly with themselves.
        #[test]
        fn scores_are_symmetric_and_self_agreement_is_perfect(
            a in annotations(),
            b in annotations(),
        ) {
            let toks = tokens(tests::TEXT);
            let (ab, ba) = (pair_scores(&toks, &a, &b), pair_scores(&toks, &b, &a));
            let typed = |s: &PairScores| vec![
                s.mentions_exact.micro,
                s.mentions_overlap.micro,
                s.events.trigger_identification,
                s.events.trigger_classification.micro,
                s.events.argument_identification.micro,
                s.events.argument_classification.micro,
                s.relations.micro,
            ];
            for (x, y) in typed(&ab).into_iter().zip(typed(&ba)) {
                prop_assert_eq!((x.a, x.b, x.matched), (y.b, y.a, y.matched));
                prop_assert!(x.f1 == y.f1 && x.precision == y.recall);
                prop_assert!(x.f1.is_finite() && (0.0..=1.0).contains(&x.f1));
            }
            prop_assert!((ab.token_kappa.kappa - ba.token_kappa.kappa).abs() < 1e-12);
            let aa = pair_scores(&toks, &a, &a);
            prop_assert!(typed(&aa).iter().all(|s| s.f1 == 1.0));
            prop_assert_eq!(aa.token_kappa.kappa, 1.0);
        }
    }
}
