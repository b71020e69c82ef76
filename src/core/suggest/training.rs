//! Training in slices, for a caller that must not block: the browser's main thread (no
//! task over 50 ms) or a worker that reports progress. [`Training::step`] does about
//! `budget` words' worth of work and returns; the model is the same as
//! [`Recommenders::train`] gives, whatever the slicing.
//!
//! The phases: read each document (matcher counts, tagger sentences, ranker problems),
//! then the tagger's epochs, then the ranker's.

use super::arguments::{roles_of, RankerAveraging, RankerTraining};
use super::tagger::{labels_of, Tagger, TaggerAveraging, TaggerTraining};
use super::{Config, Gazetteer, Recommenders, Sample, StringMatcher};
use crate::core::model::Annotations;

/// Ranking problems cost about as much as this many words each.
const WORDS_PER_PROBLEM: usize = 8;

/// Where the tagger is.
enum TaggerPhase {
    Epochs(Box<TaggerTraining>),
    Averaging(Box<TaggerAveraging>),
    Done(Tagger),
    /// Only while moving from one phase to the next.
    Moving,
}

/// Where the argument ranker is (after the tagger).
enum RankerPhase {
    Epochs(Box<RankerTraining>),
    Averaging(Box<RankerAveraging>),
    Moving,
}

pub struct Training {
    documents: Vec<(String, Annotations)>,
    read: usize,
    matcher: StringMatcher,
    tagger: TaggerPhase,
    ranker: RankerPhase,
}

impl Training {
    /// Start training on `samples` (copied, so the corpus may change meanwhile).
    pub fn new(samples: &[Sample], gazetteer: &Gazetteer, config: &Config) -> Self {
        let labels = samples.iter().flat_map(labels_of);
        Self {
            documents: samples
                .iter()
                .map(|s| (s.text.to_owned(), s.annotations.clone()))
                .collect(),
            read: 0,
            matcher: StringMatcher::train(&[], gazetteer),
            tagger: TaggerPhase::Epochs(Box::new(TaggerTraining::with_labels(
                labels, gazetteer, config,
            ))),
            ranker: RankerPhase::Epochs(Box::new(RankerTraining::new(roles_of(samples), config))),
        }
    }

    /// Do about `budget` words of work; true when training is finished.
    pub fn step(&mut self, budget: usize) -> bool {
        let mut left = budget.max(1);
        while self.read < self.documents.len() {
            if left == 0 {
                return false;
            }
            let (text, ann) = &self.documents[self.read];
            let s = Sample::new(text, ann);
            self.matcher.add(&s);
            if let TaggerPhase::Epochs(t) = &mut self.tagger {
                t.add(&s);
            }
            if let RankerPhase::Epochs(r) = &mut self.ranker {
                r.add(&s);
            }
            self.read += 1;
            // Reading a document costs a few passes over its words.
            left = left.saturating_sub(text.len() / 2);
        }
        // Each tagger step yields, whatever is left of the budget.
        self.tagger = match std::mem::replace(&mut self.tagger, TaggerPhase::Moving) {
            TaggerPhase::Epochs(mut t) => {
                if t.step(left) {
                    TaggerPhase::Averaging(Box::new(t.averaging()))
                } else {
                    TaggerPhase::Epochs(t)
                }
            }
            // One shard of the weights per step.
            TaggerPhase::Averaging(mut a) => {
                if a.step() {
                    TaggerPhase::Done(a.finish())
                } else {
                    TaggerPhase::Averaging(a)
                }
            }
            done => {
                self.tagger = done;
                return self.ranker_step(budget);
            }
        };
        false
    }

    /// The ranker's epochs, then its averaging one shard per step.
    fn ranker_step(&mut self, budget: usize) -> bool {
        self.ranker = match std::mem::replace(&mut self.ranker, RankerPhase::Moving) {
            RankerPhase::Epochs(mut r) => {
                if r.step((budget / WORDS_PER_PROBLEM).max(1)) {
                    RankerPhase::Averaging(Box::new(r.averaging()))
                } else {
                    RankerPhase::Epochs(r)
                }
            }
            RankerPhase::Averaging(mut a) => {
                let done = a.step();
                self.ranker = RankerPhase::Averaging(a);
                return done;
            }
            RankerPhase::Moving => unreachable!("only while moving"),
        };
        false
    }

    /// How far training is, from 0 to 1 (reading a tenth, the tagger most of the rest).
    pub fn progress(&self) -> f64 {
        let read = if self.documents.is_empty() {
            1.0
        } else {
            self.read as f64 / self.documents.len() as f64
        };
        let tagger = match &self.tagger {
            TaggerPhase::Epochs(t) => 0.8 * t.progress(),
            TaggerPhase::Averaging(_) => 0.85,
            _ => 0.9,
        };
        0.1 * read + tagger
    }

    /// The trained recommenders (finishing any work left).
    pub fn finish(mut self) -> Recommenders {
        while !self.step(usize::MAX / 2) {}
        let tagger = match self.tagger {
            TaggerPhase::Done(t) => t,
            _ => unreachable!("step returns true only once the tagger is done"),
        };
        let arguments = match self.ranker {
            RankerPhase::Averaging(a) => a.finish(),
            _ => unreachable!("step returns true only once the ranker is averaged"),
        };
        Recommenders {
            matcher: self.matcher,
            tagger,
            arguments,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::suggest::synthetic::Generator;

    #[test]
    fn sliced_training_gives_the_same_model_as_training_at_once() {
        let docs = Generator::new(4, 50).corpus(12, 2_000, 12);
        let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
        let (gaz, config) = (Gazetteer::default(), Config::default());
        let whole = Recommenders::train(&samples, &gaz, &config);
        let mut t = Training::new(&samples, &gaz, &config);
        let mut steps = 0;
        while !t.step(500) {
            steps += 1;
            assert!(t.progress() < 1.0 + 1e-9);
        }
        assert!(steps > 20, "{steps} steps");
        let sliced = t.finish();
        let held = Generator::new(9, 50).document("held", 2_000, 12);
        assert_eq!(
            whole.suggest(&held.text, &held.annotations),
            sliced.suggest(&held.text, &held.annotations)
        );
    }
}
