//! The sequence tagger: an averaged perceptron over BIO tags of words, decoded greedily
//! left to right. One model covers entity types and event triggers with their types.
//!
//! Features of word *i*: the word (lowercased), its shape, prefixes and suffixes of one to
//! three letters, the words and shapes around it (±2), whether it opens its sentence, the
//! gazetteer match covering it (B or I and the type), and the two tags before it.
//!
//! Training is a resumable [`TaggerTraining`], so a caller without threads can run it in
//! slices ([`TaggerTraining::step`]) between frames; [`Tagger::train`] runs it to the end.

use crate::core::sort;
use std::collections::BTreeMap;

use super::matcher::{Gazetteer, PhraseIndex};
use super::perceptron::{feature, probability, with, Rng, Trainer, Weights};
use super::text::{shape, Words};
use super::{Config, Layer, Proposal, Sample, Source, Suggestion};
use crate::core::model::Span;

/// The tags a class stands for: 0 is O, then B and I of each label.
fn b_of(label: usize) -> usize {
    2 * label + 1
}
fn i_of(label: usize) -> usize {
    2 * label + 2
}
fn label_of(class: usize) -> Option<usize> {
    (class > 0).then(|| (class - 1) / 2)
}
fn is_inside(class: usize) -> bool {
    class > 0 && class.is_multiple_of(2)
}

/// A word as the features see it.
#[derive(Debug, Clone)]
struct Word {
    lower: String,
    shape: String,
    /// "B-GPE" / "I-GPE" when a gazetteer phrase covers it.
    gazetteer: Option<String>,
}

/// A training sentence: its words and their gold classes.
#[derive(Debug, Clone)]
struct Sentence {
    words: Vec<Word>,
    gold: Vec<u16>,
}

fn words_of(text_words: &[&str], gazetteer: &[Option<String>]) -> Vec<Word> {
    text_words
        .iter()
        .zip(gazetteer)
        .map(|(w, g)| Word {
            lower: w.to_lowercase(),
            shape: shape(w),
            gazetteer: g.clone(),
        })
        .collect()
}

/// The gazetteer tag of every word of `words`.
fn gazetteer_tags(index: &PhraseIndex<Vec<String>>, words: &Words) -> Vec<Option<String>> {
    let mut tags = vec![None; words.len()];
    for (first, end, kinds) in index.matches(words) {
        let kind = kinds.join("|");
        for (i, tag) in tags.iter_mut().enumerate().take(end).skip(first) {
            let bio = if i == first { "B" } else { "I" };
            *tag = Some(format!("{bio}-{kind}"));
        }
    }
    tags
}

/// The features of word `i` that do not depend on the tags, into `out`.
fn static_features(words: &[Word], i: usize, out: &mut Vec<u64>) {
    out.clear();
    let w = &words[i];
    let lower = w.lower.as_str();
    let chars: Vec<char> = lower.chars().collect();
    let pre = |n: usize| chars.iter().take(n).collect::<String>();
    let suf = |n: usize| {
        chars[chars.len().saturating_sub(n)..]
            .iter()
            .collect::<String>()
    };
    let at = |d: isize| -> (&str, &str) {
        let j = i as isize + d;
        if j < 0 {
            ("<s>", "<s>")
        } else if j as usize >= words.len() {
            ("</s>", "</s>")
        } else {
            let w = &words[j as usize];
            (w.lower.as_str(), w.shape.as_str())
        }
    };
    let (p1, ps1) = at(-1);
    let (p2, _) = at(-2);
    let (n1, ns1) = at(1);
    let (n2, _) = at(2);
    out.push(feature(0, &[]));
    out.push(feature(1, &[lower]));
    out.push(feature(2, &[&w.shape]));
    for n in 1..=3 {
        if chars.len() > n {
            out.push(feature(3, &[&pre(n), &n.to_string()]));
            out.push(feature(4, &[&suf(n), &n.to_string()]));
        }
    }
    out.push(feature(5, &[p1]));
    out.push(feature(6, &[n1]));
    out.push(feature(7, &[p2]));
    out.push(feature(8, &[n2]));
    out.push(feature(9, &[p1, lower]));
    out.push(feature(10, &[lower, n1]));
    out.push(feature(11, &[ps1, &w.shape]));
    out.push(feature(12, &[&w.shape, ns1]));
    if i == 0 {
        out.push(feature(13, &[&w.shape]));
    }
    if let Some(g) = &w.gazetteer {
        out.push(feature(14, &[g]));
        out.push(feature(15, &[g, &w.shape]));
    }
}

/// The features that depend on the two tags before: appended to `out`.
fn tag_features(out: &mut Vec<u64>, prev: usize, prev2: usize, lower: &str) {
    out.push(with(feature(16, &[]), prev as u64));
    out.push(with(feature(17, &[]), (prev as u64) << 16 | prev2 as u64));
    out.push(with(feature(18, &[lower]), prev as u64));
}

/// A trained tagger.
#[derive(Debug, Clone, Default)]
pub struct Tagger {
    pub(super) labels: Vec<(Layer, String)>,
    pub(super) weights: Weights,
    pub(super) gazetteer: PhraseIndex<Vec<String>>,
}

/// Tagger training in progress: [`TaggerTraining::step`] trains on some sentences and says
/// whether it is done; [`TaggerTraining::finish`] averages the weights.
#[derive(Debug, Clone)]
pub struct TaggerTraining {
    labels: Vec<(Layer, String)>,
    sentences: Vec<Sentence>,
    order: Vec<usize>,
    trainer: Trainer,
    rng: Rng,
    epochs: usize,
    epoch: usize,
    at: usize,
    gazetteer: PhraseIndex<Vec<String>>,
}

impl TaggerTraining {
    pub fn new(samples: &[Sample], gazetteer: &Gazetteer, config: &Config) -> Self {
        let labels = samples.iter().flat_map(|s| labels_of(s));
        let mut t = Self::with_labels(labels, gazetteer, config);
        for s in samples {
            t.add(s);
        }
        t
    }

    /// Training over these labels, with no sentences yet: [`TaggerTraining::add`] them.
    pub fn with_labels(
        labels: impl IntoIterator<Item = (Layer, String)>,
        gazetteer: &Gazetteer,
        config: &Config,
    ) -> Self {
        let labels: std::collections::BTreeSet<(Layer, String)> = labels.into_iter().collect();
        Self {
            labels: labels.into_iter().collect(),
            sentences: Vec::new(),
            order: Vec::new(),
            trainer: Trainer::default(),
            rng: Rng::new(config.seed),
            epochs: config.epochs,
            epoch: 0,
            at: 0,
            gazetteer: gazetteer.index(),
        }
    }

    /// Add one document's sentences. Its types must be among the labels.
    pub fn add(&mut self, s: &Sample) {
        let index: BTreeMap<(Layer, String), usize> = self
            .labels
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, l)| (l, i))
            .collect();
        let first = self.sentences.len();
        self.sentences
            .extend(gold_sentences(s, &index, &self.gazetteer));
        self.order.extend(first..self.sentences.len());
    }

    /// Train on up to `max_words` more words. Returns true when every epoch is done.
    pub fn step(&mut self, max_words: usize) -> bool {
        if self.epoch == 0 && self.at == 0 && max_words > 0 {
            // The first step fixes the order: every sentence is in by then.
            self.order.sort_unstable();
            self.rng.shuffle(&mut self.order);
        }
        let classes = 1 + 2 * self.labels.len();
        let mut scores = vec![0.0f32; classes];
        let mut feats = Vec::with_capacity(32);
        let mut budget = max_words;
        while self.epoch < self.epochs {
            if self.at == self.order.len() {
                self.epoch += 1;
                self.at = 0;
                self.rng.shuffle(&mut self.order);
                continue;
            }
            if budget == 0 {
                return false;
            }
            let sentence = &self.sentences[self.order[self.at]];
            let (mut prev, mut prev2) = (0usize, 0usize);
            for i in 0..sentence.words.len() {
                static_features(&sentence.words, i, &mut feats);
                tag_features(&mut feats, prev, prev2, &sentence.words[i].lower);
                scores.iter_mut().for_each(|s| *s = 0.0);
                self.trainer.score(&feats, &mut scores);
                let guess = argmax(&scores, |_| true);
                self.trainer
                    .update(&feats, usize::from(sentence.gold[i]), guess);
                prev2 = prev;
                prev = guess;
            }
            budget = budget.saturating_sub(sentence.words.len().max(1));
            self.at += 1;
        }
        true
    }

    /// How far training is, from 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.epochs == 0 || self.order.is_empty() {
            return 1.0;
        }
        (self.epoch as f64 + self.at as f64 / self.order.len() as f64) / self.epochs as f64
    }

    pub fn finish(self) -> Tagger {
        self.averaging().finish()
    }

    /// Finish the epochs, then average the weights in slices ([`TaggerAveraging::step`]).
    pub fn averaging(mut self) -> TaggerAveraging {
        while !self.step(usize::MAX) {}
        TaggerAveraging {
            labels: self.labels,
            gazetteer: self.gazetteer,
            averaging: self.trainer.averaging(),
        }
    }
}

/// A trained tagger whose weights are being averaged, a shard per step.
#[derive(Debug, Clone)]
pub struct TaggerAveraging {
    labels: Vec<(Layer, String)>,
    gazetteer: PhraseIndex<Vec<String>>,
    averaging: super::perceptron::Averaging,
}

impl TaggerAveraging {
    /// Average one more shard; true when done.
    pub fn step(&mut self) -> bool {
        self.averaging.step()
    }

    pub fn finish(self) -> Tagger {
        Tagger {
            labels: self.labels,
            weights: self.averaging.finish(),
            gazetteer: self.gazetteer,
        }
    }
}

/// The labels (entity types and event types) a document uses.
pub fn labels_of(s: &Sample) -> Vec<(Layer, String)> {
    let mentions = s
        .annotations
        .mentions
        .iter()
        .map(|m| (Layer::Mention, m.kind.clone()));
    let events = s
        .annotations
        .events
        .iter()
        .map(|e| (Layer::Event, e.kind.clone()));
    mentions.chain(events).collect()
}

fn gold_sentences(
    s: &Sample,
    labels: &BTreeMap<(Layer, String), usize>,
    gazetteer: &PhraseIndex<Vec<String>>,
) -> Vec<Sentence> {
    let mut spans: Vec<(Span, usize)> = Vec::new();
    for m in &s.annotations.mentions {
        if let [f] = m.fragments[..] {
            if let Some(l) = labels.get(&(Layer::Mention, m.kind.clone())) {
                spans.push((f, *l));
            }
        }
    }
    for e in &s.annotations.events {
        if let [f] = e.trigger[..] {
            if let Some(l) = labels.get(&(Layer::Event, e.kind.clone())) {
                spans.push((f, *l));
            }
        }
    }
    let cuts: Vec<usize> = spans.iter().flat_map(|(f, _)| [f.start, f.end]).collect();
    let words = Words::new(s.text, &cuts);
    sort::sort_by_key(&mut spans, |(f, _)| (std::cmp::Reverse(f.len()), f.start));
    let mut gold = vec![0u16; words.len()];
    let mut taken = vec![false; words.len()];
    for (f, label) in spans {
        let Some((a, b)) = words.range_of(f) else {
            continue;
        };
        if taken[a..b].iter().any(|t| *t) {
            continue;
        }
        for w in a..b {
            taken[w] = true;
            gold[w] = if w == a { b_of(label) } else { i_of(label) } as u16;
        }
    }
    let gaz = gazetteer_tags(gazetteer, &words);
    words
        .sentences
        .iter()
        .map(|&(a, b)| Sentence {
            words: words_of(&words.texts[a..b], &gaz[a..b]),
            gold: gold[a..b].to_vec(),
        })
        .collect()
}

fn argmax(scores: &[f32], allowed: impl Fn(usize) -> bool) -> usize {
    let mut best = 0;
    let mut top = f32::NEG_INFINITY;
    for (c, s) in scores.iter().enumerate() {
        if allowed(c) && *s > top {
            top = *s;
            best = c;
        }
    }
    best
}

impl Tagger {
    pub fn train(samples: &[Sample], gazetteer: &Gazetteer, config: &Config) -> Self {
        TaggerTraining::new(samples, gazetteer, config).finish()
    }

    /// The types it can propose.
    pub fn labels(&self) -> &[(Layer, String)] {
        &self.labels
    }

    pub fn is_trained(&self) -> bool {
        !self.labels.is_empty() && !self.weights.is_empty()
    }

    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        self.suggest_in(text, &Words::new(text, &[]))
    }

    /// [`Tagger::suggest`] over words already computed. A span's score is the mean
    /// probability (softmax over the allowed tags) of its words' tags.
    pub fn suggest_in(&self, text: &str, words: &Words) -> Vec<Suggestion> {
        let mut out = Vec::new();
        if !self.is_trained() {
            return out;
        }
        let classes = 1 + 2 * self.labels.len();
        let gaz = gazetteer_tags(&self.gazetteer, words);
        let mut scores = vec![0.0f32; classes];
        let mut feats = Vec::with_capacity(32);
        for &(a, b) in &words.sentences {
            let sent = words_of(&words.texts[a..b], &gaz[a..b]);
            let (mut prev, mut prev2) = (0usize, 0usize);
            // The open span: (first word, label, summed probability).
            let mut open: Option<(usize, usize, f64)> = None;
            for i in 0..sent.len() {
                static_features(&sent, i, &mut feats);
                tag_features(&mut feats, prev, prev2, &sent[i].lower);
                scores.iter_mut().for_each(|s| *s = 0.0);
                self.weights.score(&feats, &mut scores);
                // I-X only continues a B-X or I-X.
                let allowed = |c: usize| !is_inside(c) || label_of(prev) == label_of(c);
                let guess = argmax(&scores, allowed);
                let masked: Vec<f32> = (0..classes)
                    .map(|c| {
                        if allowed(c) {
                            scores[c]
                        } else {
                            f32::NEG_INFINITY
                        }
                    })
                    .collect();
                let p = probability(&masked, guess);
                if is_inside(guess) {
                    if let Some(o) = open.as_mut() {
                        o.2 += p;
                    }
                } else {
                    if let Some(o) = open.take() {
                        out.push(self.suggestion(text, words, a + o.0, a + i, o.1, o.2));
                    }
                    if let Some(label) = label_of(guess) {
                        open = Some((i, label, p));
                    }
                }
                prev2 = prev;
                prev = guess;
            }
            if let Some(o) = open.take() {
                out.push(self.suggestion(text, words, a + o.0, b, o.1, o.2));
            }
        }
        out
    }

    fn suggestion(
        &self,
        text: &str,
        words: &Words,
        first: usize,
        end: usize,
        label: usize,
        summed: f64,
    ) -> Suggestion {
        let span = Span::new(words.spans[first].start, words.spans[end - 1].end);
        let (layer, kind) = &self.labels[label];
        let kind = kind.clone();
        let proposal = match layer {
            Layer::Event => Proposal::Event { span, kind },
            _ => Proposal::Mention { span, kind },
        };
        Suggestion {
            proposal,
            text: words.covered(text, first, end).to_owned(),
            source: Source::Tagger,
            score: Some(summed / (end - first) as f64),
        }
    }
}
