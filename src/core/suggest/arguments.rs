//! The event-argument ranker. For an annotated event and one of its empty roles, every
//! mention in the trigger's sentence is a candidate, and so is "no argument". A ranking
//! perceptron (averaged, one weight vector) scores them with features of the role given
//! the trigger type, the mention type, the signed distance in words, the words between,
//! and the candidate's last word. The best candidate is offered when it beats "none".
//!
//! The roles tried for an event type are those the corpus used with it.

use crate::core::sort;
use std::collections::{BTreeMap, BTreeSet};

use super::perceptron::{feature, probability, Rng, Trainer, Weights};
use super::text::Words;
use super::{Config, Proposal, Sample, Source, Suggestion};
use crate::core::model::{Annotations, Event, Mention, Span};

#[derive(Debug, Clone, Default)]
pub struct ArgumentRanker {
    pub(super) weights: Weights,
    /// Event type → the roles the corpus gave its events, each with the most arguments
    /// one event had in it (two for a meeting's Entity, say).
    pub(super) roles: Roles,
}

/// A word range: `[first, end)`.
type Range = (usize, usize);
/// A candidate mention and its word range.
type Candidate<'a> = (&'a Mention, Range);

/// One ranking problem: the candidates' features (0 is "none") and the right one.
struct Instance {
    candidates: Vec<Vec<u64>>,
    gold: usize,
}

/// Distance buckets, signed: the candidate before (negative) or after the trigger.
fn bucket(d: isize) -> i64 {
    let a = d.unsigned_abs();
    let b = match a {
        0..=3 => a as i64,
        4..=5 => 4,
        6..=8 => 6,
        9..=15 => 9,
        _ => 16,
    };
    if d < 0 {
        -b
    } else {
        b
    }
}

/// The words of a text, and each annotated contiguous mention as a word range.
struct Located<'t> {
    words: Words<'t>,
    /// (word range, index in the mentions), by first word.
    mentions: Vec<((usize, usize), usize)>,
    /// The code point where the words' text starts in the document.
    offset: usize,
}

impl<'t> Located<'t> {
    fn new(text: &'t str, ann: &Annotations) -> Self {
        Self::window(text, 0, text.chars().count(), ann)
    }

    /// The words of `text`, which is the document's code points `[offset, end)`, with the
    /// annotations inside it. Word indices are relative, and so is every feature, so a
    /// window of whole lines (a sentence never crosses a line break) ranks what the
    /// whole document would.
    fn window(text: &'t str, offset: usize, end: usize, ann: &Annotations) -> Self {
        let inside = |f: &Span| f.start >= offset && f.end <= end;
        let cuts: Vec<usize> = ann
            .mentions
            .iter()
            .flat_map(|m| m.fragments.iter())
            .chain(ann.events.iter().flat_map(|e| e.trigger.iter()))
            .flat_map(|f| [f.start, f.end])
            .filter(|c| *c >= offset && *c <= end)
            .map(|c| c - offset)
            .collect();
        let words = Words::new(text, &cuts);
        let mut mentions: Vec<((usize, usize), usize)> = ann
            .mentions
            .iter()
            .enumerate()
            .filter_map(|(i, m)| match m.fragments[..] {
                [f] if inside(&f) => words
                    .range_of(Span::new(f.start - offset, f.end - offset))
                    .map(|r| (r, i)),
                _ => None,
            })
            .collect();
        mentions.sort_unstable();
        Self {
            words,
            mentions,
            offset,
        }
    }

    /// The candidates for a role of `event`: mentions in the trigger's sentence that are
    /// not `taken` (already arguments), with their word ranges.
    fn candidates<'a>(
        &self,
        ann: &'a Annotations,
        event: &Event,
        taken: &BTreeSet<&str>,
    ) -> Option<(Range, Vec<Candidate<'a>>)> {
        let trig = match event.trigger[..] {
            [f] if f.start >= self.offset => self
                .words
                .range_of(Span::new(f.start - self.offset, f.end - self.offset))?,
            _ => return None,
        };
        let sentence = self.words.sentence_of(trig.0);
        let (lo, hi) = self.words.sentences.get(sentence).copied()?;
        let from = self.mentions.partition_point(|(r, _)| r.0 < lo);
        let out = self.mentions[from..]
            .iter()
            .take_while(|(r, _)| r.0 < hi)
            .filter(|(r, _)| r.1 <= hi)
            .map(|(r, i)| (&ann.mentions[*i], *r))
            .filter(|(m, _)| !taken.contains(m.id.as_str()) && m.fragments != event.trigger)
            .collect();
        Some((trig, out))
    }

    fn features(
        &self,
        kind: &str,
        role: &str,
        trig: (usize, usize),
        cand: Option<(&Mention, (usize, usize))>,
    ) -> Vec<u64> {
        let Some((m, r)) = cand else {
            return vec![feature(40, &[role, kind]), feature(41, &[role])];
        };
        let mtype = m.kind.as_str();
        let last = self.words.texts[r.1 - 1].to_lowercase();
        let d = r.0 as isize - trig.0 as isize;
        let b = bucket(d).to_string();
        let mut f = vec![
            feature(42, &[role, kind, mtype]),
            feature(43, &[role, mtype]),
            feature(44, &[role, kind, &b]),
            feature(45, &[role, &b]),
            feature(46, &[role, mtype, if d < 0 { "<" } else { ">" }]),
            feature(47, &[role, &last]),
            feature(48, &[role, kind, &last]),
        ];
        let between = if r.1 <= trig.0 {
            r.1..trig.0
        } else {
            trig.1..r.0.max(trig.1)
        };
        f.push(feature(
            49,
            &[role, &bucket(between.len() as isize).to_string()],
        ));
        let words: BTreeSet<String> = self.words.texts[between]
            .iter()
            .take(8)
            .map(|w| w.to_lowercase())
            .collect();
        for w in &words {
            f.push(feature(50, &[role, w]));
        }
        f
    }
}

/// The whole lines holding `span` (with their line breaks): their byte range and their
/// code point range in `text`.
fn lines_around(text: &str, span: Span) -> ((usize, usize), usize, usize) {
    let mut cp = 0;
    let (mut from, mut from_cp) = (0, 0);
    let mut to = text.len();
    for (b, c) in text.char_indices() {
        if cp >= span.end && c == '\n' {
            to = b + 1;
            break;
        }
        cp += 1;
        if c == '\n' && cp <= span.start {
            (from, from_cp) = (b + 1, cp);
        }
    }
    let to_cp = from_cp + text[from..to].chars().count();
    ((from, to), from_cp, to_cp)
}

impl ArgumentRanker {
    pub fn train(samples: &[Sample], config: &Config) -> Self {
        let mut t = RankerTraining::new(roles_of(samples), config);
        for s in samples {
            t.add(s);
        }
        t.finish()
    }

    /// The roles it tries for an event type.
    pub fn roles(&self, kind: &str) -> impl Iterator<Item = &str> {
        self.roles
            .get(kind)
            .into_iter()
            .flatten()
            .map(|(r, _)| r.as_str())
    }

    /// For every event in `ann`, the best candidate for each empty slot of each role: one
    /// per role, or as many as the corpus ever gave one event (a meeting's two Entity
    /// arguments), each beating "no argument".
    pub fn suggest(&self, text: &str, ann: &Annotations) -> Vec<Suggestion> {
        let mut out = Vec::new();
        if ann.events.is_empty() || self.weights.is_empty() {
            return out;
        }
        let at = Located::new(text, ann);
        for e in &ann.events {
            self.suggest_into(&at, ann, e, &mut out);
        }
        out
    }

    /// [`ArgumentRanker::suggest`] for one event only: what the user sees for the event
    /// selected.
    pub fn suggest_for(&self, text: &str, ann: &Annotations, event: &str) -> Vec<Suggestion> {
        let mut out = Vec::new();
        let Some(e) = ann.event(event) else {
            return out;
        };
        if self.weights.is_empty() || !self.roles.contains_key(&e.kind) {
            return out;
        }
        let Some(trigger) = e.trigger.first() else {
            return out;
        };
        // Only the trigger's lines are read: its sentence is in them.
        let (bytes, from, to) = lines_around(text, *trigger);
        let at = Located::window(&text[bytes.0..bytes.1], from, to, ann);
        self.suggest_into(&at, ann, e, &mut out);
        out
    }

    fn suggest_into(&self, at: &Located, ann: &Annotations, e: &Event, out: &mut Vec<Suggestion>) {
        let Some(roles) = self.roles.get(&e.kind) else {
            return;
        };
        let mut taken: BTreeSet<&str> = e.arguments.iter().map(|a| a.target.as_str()).collect();
        for (role, most) in roles {
            let filled = e.arguments.iter().filter(|a| &a.role == role).count();
            for _ in filled..*most {
                let Some((s, target)) = self.best_for(at, ann, e, role, &taken) else {
                    break;
                };
                taken.insert(target);
                out.push(s);
            }
        }
    }

    fn best_for<'a>(
        &self,
        at: &Located,
        ann: &'a Annotations,
        e: &Event,
        role: &str,
        taken: &BTreeSet<&str>,
    ) -> Option<(Suggestion, &'a str)> {
        let (trig, cands) = at.candidates(ann, e, taken)?;
        let mut scores = vec![self.weights.sum(&at.features(&e.kind, role, trig, None))];
        for c in &cands {
            scores.push(
                self.weights
                    .sum(&at.features(&e.kind, role, trig, Some(*c))),
            );
        }
        let (win, _) = best(scores.iter().copied());
        if win == 0 {
            return None;
        }
        let (m, _) = cands[win - 1];
        let span = m.fragments[0];
        let s = Suggestion {
            proposal: Proposal::Argument {
                event: e.id.clone(),
                role: role.to_owned(),
                target: m.id.clone(),
                span,
            },
            text: m.text.clone(),
            source: Source::ArgumentRanker,
            score: Some(probability(&scores, win)),
        };
        Some((s, m.id.as_str()))
    }
}

/// The ranking problems one role of one event gives, as prediction meets them: its gold
/// arguments one at a time in text order (those before already taken, those after left
/// out so they are not counted wrong), then "no argument" once they are all in (unless
/// the role is at its most). The other roles' arguments are candidates like any mention.
fn role_instances(
    at: &Located,
    ann: &Annotations,
    e: &Event,
    role: &str,
    most: usize,
) -> Vec<Instance> {
    let mut out = Vec::new();
    // Other roles' arguments stay candidates: they are this role's negatives, as they are
    // when a user asks for the arguments of a bare event.
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    let golds: Vec<&str> = e
        .arguments
        .iter()
        .filter(|a| a.role == role)
        .map(|a| a.target.as_str())
        .collect();
    let Some((trig, cands)) = at.candidates(ann, e, &taken) else {
        return out;
    };
    // An argument outside the sentence (or an event) cannot be ranked: skip the role.
    if golds.iter().any(|g| !cands.iter().any(|(m, _)| m.id == *g)) {
        return out;
    }
    let mut ordered: Vec<&Candidate> = cands
        .iter()
        .filter(|(m, _)| golds.contains(&m.id.as_str()))
        .collect();
    sort::sort_by_key(&mut ordered, |(_, r)| *r);
    let build = |taken: &BTreeSet<&str>, gold: Option<&str>| -> Instance {
        let mut candidates = vec![at.features(&e.kind, role, trig, None)];
        let mut gold_at = 0;
        for c in &cands {
            let id = c.0.id.as_str();
            let later_gold = golds.contains(&id) && Some(id) != gold;
            if taken.contains(id) || later_gold {
                continue;
            }
            if Some(id) == gold {
                gold_at = candidates.len();
            }
            candidates.push(at.features(&e.kind, role, trig, Some(*c)));
        }
        Instance {
            candidates,
            gold: gold_at,
        }
    };
    for (m, _) in &ordered {
        out.push(build(&taken, Some(m.id.as_str())));
        taken.insert(m.id.as_str());
    }
    if golds.len() < most {
        out.push(build(&taken, None));
    }
    out
}

/// Event type → role → the most arguments in that role one event of the corpus had.
pub type Roles = BTreeMap<String, BTreeMap<String, usize>>;

/// The roles the corpus gives each event type (no tokenising: cheap).
pub fn roles_of(samples: &[Sample]) -> Roles {
    let mut roles = Roles::new();
    for s in samples {
        for e in &s.annotations.events {
            let set = roles.entry(e.kind.clone()).or_default();
            let mut here: BTreeMap<&str, usize> = BTreeMap::new();
            for a in &e.arguments {
                *here.entry(&a.role).or_default() += 1;
            }
            for (role, n) in here {
                let most = set.entry(role.to_owned()).or_default();
                *most = (*most).max(n);
            }
        }
    }
    roles
}

/// Ranker training in progress, resumable like [`super::tagger::TaggerTraining`]: add the
/// documents, then [`RankerTraining::step`] through the epochs.
pub struct RankerTraining {
    roles: Roles,
    instances: Vec<Instance>,
    trainer: Trainer,
    rng: Rng,
    order: Vec<usize>,
    epochs: usize,
    epoch: usize,
    at: usize,
}

impl RankerTraining {
    pub fn new(roles: Roles, config: &Config) -> Self {
        Self {
            roles,
            instances: Vec::new(),
            trainer: Trainer::default(),
            rng: Rng::new(config.seed ^ 0xa46),
            order: Vec::new(),
            epochs: config.epochs,
            epoch: 0,
            at: 0,
        }
    }

    /// Add one document's ranking problems.
    pub fn add(&mut self, s: &Sample) {
        if s.annotations.events.is_empty() {
            return;
        }
        let at = Located::new(s.text, s.annotations);
        for e in &s.annotations.events {
            for (role, most) in self.roles.get(&e.kind).into_iter().flatten() {
                self.instances
                    .extend(role_instances(&at, s.annotations, e, role, *most));
            }
        }
    }

    /// Train on up to `max` more ranking problems; true when every epoch is done.
    pub fn step(&mut self, max: usize) -> bool {
        let mut budget = max;
        while self.epoch < self.epochs {
            if self.at == 0 && budget > 0 {
                // A fresh order each epoch, from the seeded generator.
                self.order = (0..self.instances.len()).collect();
                self.rng.shuffle(&mut self.order);
            }
            if self.at == self.order.len() {
                self.epoch += 1;
                self.at = 0;
                continue;
            }
            if budget == 0 {
                return false;
            }
            let inst = &self.instances[self.order[self.at]];
            let guess = best(
                inst.candidates
                    .iter()
                    .map(|c| trainer_sum(&self.trainer, c)),
            );
            self.trainer.update_rank(
                &inst.candidates[inst.gold],
                &inst.candidates[guess.0],
                guess.0 != inst.gold,
            );
            self.at += 1;
            budget -= 1;
        }
        true
    }

    pub fn finish(self) -> ArgumentRanker {
        self.averaging().finish()
    }

    /// Finish the epochs, then average the weights one shard per
    /// [`RankerAveraging::step`].
    pub fn averaging(mut self) -> RankerAveraging {
        while !self.step(usize::MAX) {}
        RankerAveraging {
            averaging: self.trainer.averaging(),
            roles: self.roles,
        }
    }
}

/// The ranker's weights being averaged, so no single step takes long.
pub struct RankerAveraging {
    averaging: super::perceptron::Averaging,
    roles: Roles,
}

impl RankerAveraging {
    /// Average one more shard; true when all are done.
    pub fn step(&mut self) -> bool {
        self.averaging.step()
    }

    pub fn finish(self) -> ArgumentRanker {
        ArgumentRanker {
            weights: self.averaging.finish(),
            roles: self.roles,
        }
    }
}

fn trainer_sum(t: &Trainer, f: &[u64]) -> f32 {
    let mut s = [0.0f32];
    t.score(f, &mut s);
    s[0]
}

/// The index and value of the highest score (the first on ties).
fn best(scores: impl Iterator<Item = f32>) -> (usize, f32) {
    scores.enumerate().fold(
        (0, f32::NEG_INFINITY),
        |acc, (i, s)| if s > acc.1 { (i, s) } else { acc },
    )
}
