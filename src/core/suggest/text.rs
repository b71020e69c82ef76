//! The words the recommenders see: the project's tokens ([`crate::core::tokens`]), with an
//! English possessive split off ("Kyiv’s" is "Kyiv" + "’s", so "Kyiv" can be matched and
//! learned there), and, when training, split again at every annotation edge, so each
//! annotated span starts and ends on a word.

use crate::core::model::Span;
use crate::core::tokens::{sentences_with, tokens, Token};

/// A tokenised text: each word's code point span and its text, and the sentences as
/// ranges of word indices.
#[derive(Debug, Clone)]
pub struct Words<'t> {
    pub spans: Vec<Span>,
    pub texts: Vec<&'t str>,
    /// `words[s.0..s.1]` for each sentence, in order.
    pub sentences: Vec<(usize, usize)>,
}

impl<'t> Words<'t> {
    /// The words of `text`, with possessives split and a word also split at every code
    /// point in `cuts` (annotation edges) that falls inside it.
    pub fn new(text: &'t str, cuts: &[usize]) -> Self {
        let toks = tokens(text);
        let sents = sentences_with(text, &toks);
        let mut cuts: Vec<usize> = cuts.to_vec();
        cuts.sort_unstable();
        cuts.dedup();
        let mut spans = Vec::with_capacity(toks.len());
        let mut texts = Vec::with_capacity(toks.len());
        let mut cursor = Cursor {
            text,
            cp: 0,
            byte: 0,
        };
        let mut token_index_of = Vec::with_capacity(toks.len());
        for (ti, t) in toks.iter().enumerate() {
            let b0 = cursor.byte_at(t.start);
            let b1 = cursor.byte_at(t.end);
            let word = &text[b0..b1];
            let mut pieces = split_possessive(word, *t);
            if !cuts.is_empty() {
                pieces = pieces
                    .into_iter()
                    .flat_map(|p| split_at_cuts(p, &cuts))
                    .collect();
            }
            if pieces.len() == 1 {
                spans.push(Span::new(t.start, t.end));
                texts.push(word);
                token_index_of.push(ti);
                continue;
            }
            // Byte offsets inside the word, for its few pieces.
            let byte_in = |cp: usize| {
                word.char_indices()
                    .nth(cp - t.start)
                    .map_or(word.len(), |(b, _)| b)
            };
            for p in pieces {
                spans.push(Span::new(p.start, p.end));
                texts.push(&word[byte_in(p.start)..byte_in(p.end)]);
                token_index_of.push(ti);
            }
        }
        let mut sentences = Vec::with_capacity(sents.len());
        let mut w = 0;
        for s in &sents {
            let first = w;
            while w < token_index_of.len() && token_index_of[w] < s.end_token {
                w += 1;
            }
            if w > first {
                sentences.push((first, w));
            }
        }
        Self {
            spans,
            texts,
            sentences,
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The half-open word range `[first, end)` whose edges are exactly the span's edges.
    pub fn range_of(&self, span: Span) -> Option<(usize, usize)> {
        let first = self
            .spans
            .binary_search_by_key(&span.start, |s| s.start)
            .ok()?;
        let last = self.spans.binary_search_by_key(&span.end, |s| s.end).ok()?;
        (first <= last).then_some((first, last + 1))
    }

    /// The text from the start of word `first` to the end of word `end - 1`, without
    /// rescanning `text` (`text` must be the text these words came from).
    pub fn covered(&self, text: &'t str, first: usize, end: usize) -> &'t str {
        let base = text.as_ptr() as usize;
        let from = self.texts[first].as_ptr() as usize - base;
        let last = self.texts[end - 1];
        let to = last.as_ptr() as usize - base + last.len();
        &text[from..to]
    }

    /// The sentence (index into `sentences`) holding word `w`.
    pub fn sentence_of(&self, w: usize) -> usize {
        self.sentences
            .partition_point(|s| s.1 <= w)
            .min(self.sentences.len().saturating_sub(1))
    }
}

/// Code point → byte, walked forward once: words come in text order.
struct Cursor<'t> {
    text: &'t str,
    cp: usize,
    byte: usize,
}

impl Cursor<'_> {
    fn byte_at(&mut self, cp: usize) -> usize {
        while self.cp < cp {
            let c = self.text[self.byte..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.byte += c;
            self.cp += 1;
        }
        self.byte
    }
}

/// "Kyiv’s" → "Kyiv", "’s"; "Ukraine's" → "Ukraine", "'s"; anything else unchanged.
fn split_possessive(word: &str, t: Token) -> Vec<Token> {
    let len = t.end - t.start;
    if len > 2 {
        let tail: Vec<char> = word.chars().rev().take(2).collect();
        if matches!(tail[..], ['s' | 'S', '\'' | '’']) {
            let cut = t.end - 2;
            return vec![
                Token {
                    start: t.start,
                    end: cut,
                },
                Token {
                    start: cut,
                    end: t.end,
                },
            ];
        }
    }
    vec![t]
}

fn split_at_cuts(t: Token, cuts: &[usize]) -> Vec<Token> {
    let from = cuts.partition_point(|&c| c <= t.start);
    let mut out = Vec::new();
    let mut start = t.start;
    for &c in &cuts[from..] {
        if c >= t.end {
            break;
        }
        out.push(Token { start, end: c });
        start = c;
    }
    out.push(Token { start, end: t.end });
    out
}

/// A word's shape: letters and digits mapped to `X`, `x` and `d`, runs collapsed, so
/// "Kyiv" is "Xx", "155mm" is "dx" and "U.S." is "X.X.".
pub fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = None;
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if last != Some(s) {
            out.push(s);
            last = Some(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, cuts: &[usize]) -> Vec<String> {
        let w = Words::new(text, cuts);
        w.texts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn possessives_split_and_offsets_stay_code_points() {
        let text = "🚀 Kyiv’s mayor met Ukraine's envoy.";
        assert_eq!(
            words(text, &[]),
            ["🚀", "Kyiv", "’s", "mayor", "met", "Ukraine", "'s", "envoy", "."]
        );
        let w = Words::new(text, &[]);
        assert_eq!(w.spans[1], Span::new(2, 6));
        assert_eq!(w.range_of(Span::new(2, 6)), Some((1, 2)));
        assert_eq!(w.sentences, [(0, 9)]);
    }

    #[test]
    fn annotation_edges_split_a_word() {
        assert_eq!(
            words("NATO-led forces", &[4]),
            ["NATO", "-", "led", "forces"]
        );
        assert_eq!(words("155mm shells", &[3]), ["155", "mm", "shells"]);
    }

    #[test]
    fn shapes_collapse_runs() {
        assert_eq!(shape("Kyiv"), "Xx");
        assert_eq!(shape("155mm"), "dx");
        assert_eq!(shape("U.S."), "X.X.");
    }
}
