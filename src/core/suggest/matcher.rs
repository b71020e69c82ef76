//! The string matcher: once a span is annotated, the same text elsewhere is suggested
//! with that type, scored by the relative frequency of its types across the corpus
//! ("Washington" annotated 3 times GPE and once PER gives GPE 0.75 and PER 0.25). A
//! gazetteer (TSV: phrase, type) preloads it. Matches are whole words, case-sensitive,
//! and the longest phrase at a position wins.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use super::perceptron::FnvMap;
use super::text::Words;
use super::{Layer, Proposal, Sample, Source, Suggestion};
use crate::core::model::Span;

/// Phrases looked up by their words, longest first.
#[derive(Debug, Clone, Default)]
pub struct PhraseIndex<V> {
    pub(super) phrases: FnvMap<String, V>,
    pub(super) first_words: HashSet<String>,
    pub(super) max_words: usize,
}

/// The lookup key of a phrase: its words joined by one space, so "New  York" and a line
/// break between the two words match alike.
pub fn phrase_key(words: &[&str]) -> String {
    words.join(" ")
}

impl<V: Default> PhraseIndex<V> {
    /// The entry for `phrase` (tokenised as the texts are), created if new. `None` for a
    /// phrase without words.
    pub fn entry(&mut self, phrase: &str) -> Option<&mut V> {
        let words = Words::new(phrase, &[]);
        if words.is_empty() {
            return None;
        }
        self.max_words = self.max_words.max(words.len());
        self.first_words.insert(words.texts[0].to_owned());
        Some(self.phrases.entry(phrase_key(&words.texts)).or_default())
    }
}

impl<V> PhraseIndex<V> {
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Every longest match in `words`, left to right, without overlaps: (first word, end
    /// word, value).
    pub fn matches<'a>(&'a self, words: &Words) -> Vec<(usize, usize, &'a V)> {
        let mut out = Vec::new();
        if self.phrases.is_empty() {
            return out;
        }
        let mut i = 0;
        while i < words.len() {
            let mut found = None;
            if self.first_words.contains(words.texts[i]) {
                let longest = self.max_words.min(words.len() - i);
                for n in (1..=longest).rev() {
                    if let Some(v) = self.phrases.get(&phrase_key(&words.texts[i..i + n])) {
                        found = Some((n, v));
                        break;
                    }
                }
            }
            match found {
                Some((n, v)) => {
                    out.push((i, i + n, v));
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// A gazetteer: phrases with their types, read from a TSV file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gazetteer {
    pub entries: Vec<(String, String)>,
}

/// A line of a gazetteer file that is not `phrase<TAB>type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for GazetteerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gazetteer line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for GazetteerError {}

impl Gazetteer {
    /// Read `phrase<TAB>type` lines. Blank lines and lines starting with `#` are skipped.
    pub fn from_tsv(tsv: &str) -> Result<Self, GazetteerError> {
        let mut entries = Vec::new();
        for (n, line) in tsv.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: &str| GazetteerError {
                line: n + 1,
                message: message.to_owned(),
            };
            let mut cols = line.split('\t');
            let (Some(phrase), Some(kind)) = (cols.next(), cols.next()) else {
                return Err(err(
                    "expected a phrase, a tab and a type; this line has no tab",
                ));
            };
            let (phrase, kind) = (phrase.trim(), kind.trim());
            if phrase.is_empty() || kind.is_empty() {
                return Err(err("the phrase and the type must not be empty"));
            }
            entries.push((phrase.to_owned(), kind.to_owned()));
        }
        Ok(Self { entries })
    }

    /// The gazetteer's phrases, indexed for matching: each to its types.
    pub fn index(&self) -> PhraseIndex<Vec<String>> {
        let mut index = PhraseIndex::default();
        for (phrase, kind) in &self.entries {
            if let Some(kinds) = index.entry(phrase) {
                let kinds: &mut Vec<String> = kinds;
                if !kinds.contains(kind) {
                    kinds.push(kind.clone());
                }
            }
        }
        index
    }
}

/// How often each (layer, type) was given to one phrase.
pub type Counts = BTreeMap<(Layer, String), u32>;

#[derive(Debug, Clone, Default)]
pub struct StringMatcher {
    pub(super) index: PhraseIndex<Counts>,
}

impl StringMatcher {
    /// Count every contiguous mention and trigger of the corpus, plus one per gazetteer
    /// entry.
    pub fn train(samples: &[Sample], gazetteer: &Gazetteer) -> Self {
        let mut m = Self::default();
        for (phrase, kind) in &gazetteer.entries {
            m.count(phrase, Layer::Mention, kind);
        }
        for s in samples {
            m.add(s);
        }
        m
    }

    fn count(&mut self, phrase: &str, layer: Layer, kind: &str) {
        if let Some(counts) = self.index.entry(phrase) {
            *counts.entry((layer, kind.to_owned())).or_default() += 1;
        }
    }

    /// Count one more document's contiguous mentions and triggers.
    pub fn add(&mut self, s: &Sample) {
        // The stored covered texts: checked against the text when the corpus was loaded.
        for m in &s.annotations.mentions {
            if m.fragments.len() == 1 {
                self.count(&m.text, Layer::Mention, &m.kind);
            }
        }
        for e in &s.annotations.events {
            if e.trigger.len() == 1 {
                self.count(&e.trigger_text, Layer::Event, &e.kind);
            }
        }
    }

    /// The score of each type of `phrase`: its relative frequency.
    pub fn scores(&self, phrase: &str) -> Vec<(Layer, String, f64)> {
        let words = Words::new(phrase, &[]);
        let Some(counts) = self.index.phrases.get(&phrase_key(&words.texts)) else {
            return Vec::new();
        };
        relative(counts)
    }

    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        self.suggest_in(text, &Words::new(text, &[]))
    }

    /// [`StringMatcher::suggest`] over words already computed.
    pub fn suggest_in(&self, text: &str, words: &Words) -> Vec<Suggestion> {
        let mut out = Vec::new();
        for (first, end, counts) in self.index.matches(words) {
            let span = Span::new(words.spans[first].start, words.spans[end - 1].end);
            let covered = words.covered(text, first, end).to_owned();
            for (layer, kind, score) in relative(counts) {
                let proposal = match layer {
                    Layer::Event => Proposal::Event { span, kind },
                    _ => Proposal::Mention { span, kind },
                };
                out.push(Suggestion {
                    proposal,
                    text: covered.clone(),
                    source: Source::StringMatcher,
                    score: Some(score),
                });
            }
        }
        out
    }

    /// How many distinct phrases it knows.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

fn relative(counts: &Counts) -> Vec<(Layer, String, f64)> {
    let total: u32 = counts.values().sum();
    counts
        .iter()
        .map(|((layer, kind), n)| (*layer, kind.clone(), f64::from(*n) / f64::from(total)))
        .collect()
}
