//! The event-argument ranker. For an annotated event and one of its empty roles, every
//! mention in the trigger's sentence is a candidate, and so is "no argument". A ranking
//! perceptron (averaged, one weight vector) scores them with features of the role given
//! the trigger type, the mention type, the signed distance in words, the words between,
//! and the candidate's last word. The best candidate is offered when it beats "none".
//!
//! The roles tried for an event type are those the corpus used with it.

use std::collections::{BTreeMap, BTreeSet};

use super::perceptron::{feature, probability, Rng, Trainer, Weights};
use super::text::Words;
use super::{Config, Proposal, Sample, Source, Suggestion};
use crate::core::model::{Annotations, Event, Mention};

#[derive(Debug, Clone, Default)]
pub struct ArgumentRanker {
    weights: Weights,
    /// Event type → the roles the corpus gave its events.
    roles: BTreeMap<String, BTreeSet<String>>,
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
}

impl<'t> Located<'t> {
    fn new(text: &'t str, ann: &Annotations) -> Self {
        let cuts: Vec<usize> = ann
            .mentions
            .iter()
            .flat_map(|m| m.fragments.iter())
            .chain(ann.events.iter().flat_map(|e| e.trigger.iter()))
            .flat_map(|f| [f.start, f.end])
            .collect();
        let words = Words::new(text, &cuts);
        let mut mentions: Vec<((usize, usize), usize)> = ann
            .mentions
            .iter()
            .enumerate()
            .filter_map(|(i, m)| match m.fragments[..] {
                [f] => words.range_of(f).map(|r| (r, i)),
                _ => None,
            })
            .collect();
        mentions.sort_unstable();
        Self { words, mentions }
    }

    /// The candidates for `role` of `event`: mentions in the trigger's sentence that are not
    /// already another role's argument, with their word ranges.
    fn candidates<'a>(
        &self,
        ann: &'a Annotations,
        event: &Event,
        role: &str,
    ) -> Option<(Range, Vec<Candidate<'a>>)> {
        let trig = match event.trigger[..] {
            [f] => self.words.range_of(f)?,
            _ => return None,
        };
        let sentence = self.words.sentence_of(trig.0);
        let (lo, hi) = self.words.sentences.get(sentence).copied()?;
        let taken: BTreeSet<&str> = event
            .arguments
            .iter()
            .filter(|a| a.role != role)
            .map(|a| a.target.as_str())
            .collect();
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

impl ArgumentRanker {
    pub fn train(samples: &[Sample], config: &Config) -> Self {
        let mut roles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for s in samples {
            for e in &s.annotations.events {
                let set = roles.entry(e.kind.clone()).or_default();
                for a in &e.arguments {
                    set.insert(a.role.clone());
                }
            }
        }
        let mut instances = Vec::new();
        for s in samples {
            if s.annotations.events.is_empty() {
                continue;
            }
            let at = Located::new(s.text, s.annotations);
            for e in &s.annotations.events {
                for role in roles.get(&e.kind).into_iter().flatten() {
                    if let Some(i) = instance(&at, s.annotations, e, role) {
                        instances.push(i);
                    }
                }
            }
        }
        let mut trainer = Trainer::default();
        let mut rng = Rng::new(config.seed ^ 0xa46);
        let mut order: Vec<usize> = (0..instances.len()).collect();
        for _ in 0..config.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let inst = &instances[i];
                let guess = best(inst.candidates.iter().map(|c| trainer_sum(&trainer, c)));
                trainer.update_rank(
                    &inst.candidates[inst.gold],
                    &inst.candidates[guess.0],
                    guess.0 != inst.gold,
                );
            }
        }
        Self {
            weights: trainer.average(),
            roles,
        }
    }

    /// The roles it tries for an event type.
    pub fn roles(&self, kind: &str) -> impl Iterator<Item = &str> {
        self.roles
            .get(kind)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// The best candidate for each empty role of every event in `ann`.
    pub fn suggest(&self, text: &str, ann: &Annotations) -> Vec<Suggestion> {
        let mut out = Vec::new();
        if ann.events.is_empty() || self.weights.is_empty() {
            return out;
        }
        let at = Located::new(text, ann);
        for e in &ann.events {
            for role in self.roles(&e.kind) {
                if e.arguments.iter().any(|a| a.role == role) {
                    continue;
                }
                if let Some(s) = self.best_for(&at, ann, e, role) {
                    out.push(s);
                }
            }
        }
        out
    }

    fn best_for(
        &self,
        at: &Located,
        ann: &Annotations,
        e: &Event,
        role: &str,
    ) -> Option<Suggestion> {
        let (trig, cands) = at.candidates(ann, e, role)?;
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
        Some(Suggestion {
            proposal: Proposal::Argument {
                event: e.id.clone(),
                role: role.to_owned(),
                target: m.id.clone(),
                span,
            },
            text: m.text.clone(),
            source: Source::ArgumentRanker,
            score: Some(probability(&scores, win)),
        })
    }
}

fn instance(at: &Located, ann: &Annotations, e: &Event, role: &str) -> Option<Instance> {
    let (trig, cands) = at.candidates(ann, e, role)?;
    let gold_ids: BTreeSet<&str> = e
        .arguments
        .iter()
        .filter(|a| a.role == role)
        .map(|a| a.target.as_str())
        .collect();
    let gold = match cands
        .iter()
        .position(|(m, _)| gold_ids.contains(m.id.as_str()))
    {
        Some(i) => i + 1,
        // The argument is outside the sentence (or an event): nothing to learn here.
        None if !gold_ids.is_empty() => return None,
        None => 0,
    };
    let mut candidates = vec![at.features(&e.kind, role, trig, None)];
    for c in cands {
        candidates.push(at.features(&e.kind, role, trig, Some(c)));
    }
    Some(Instance { candidates, gold })
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
