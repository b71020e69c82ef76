//! Tokens and sentences: the one rule that CoNLL, OneIE and token-level agreement share.
//!
//! - **Tokens** are the Unicode (UAX #29) word-boundary segments that are not whitespace,
//!   with English clitics split off as the Penn Treebank does: "Putin’s" is "Putin" "’s",
//!   "don't" is "do" "n't", and likewise 're, 've, 'll, 'd and 'm (straight or curly
//!   apostrophe, any case). So "8,400" and "155mm" are one token each, a curly quote or an
//!   em dash is a token of its own, and an emoji (even a ZWJ family) is one token.
//! - **For a document's annotations** ([`annotated`]), a token is also split at every edge
//!   of a mention or a trigger ("Russian" in "pro-Russian" is already a token; "Kyiv" in
//!   "Kyivan" becomes one), and sentences crossed by a mention or a trigger are joined, so
//!   that every contiguous mention and trigger covers whole tokens of one sentence. Every
//!   token format (CoNLL, OneIE, spaCy, Hugging Face) uses this one rule.
//! - **Sentences** are UAX #29 sentence-boundary segments, trimmed of trailing whitespace,
//!   except that a segment ending in a common abbreviation ("Mr.", "Dr.", "U.S.", "Gen.")
//!   or a single initial ("J.") is joined to the next one.
//!
//! Every offset is in code points, half-open, like every other offset in Loupe.
//!
//! ```
//! use loupe::core::tokens::{sentences, tokens};
//! let text = "Dr. Smith met Mr Trump. They talked.";
//! let toks: Vec<&str> = tokens(text).iter().map(|t| t.text(text)).collect();
//! assert_eq!(toks, ["Dr", ".", "Smith", "met", "Mr", "Trump", ".", "They", "talked", "."]);
//! let sents = sentences(text);
//! assert_eq!(sents.len(), 2);
//! assert_eq!((sents[0].start, sents[0].end), (0, 23));
//! ```

use unicode_segmentation::UnicodeSegmentation;

use super::model::Annotations;
use super::offsets::{cp_len, slice_cp};

/// A token: a half-open range of code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text in `text` (which must be the tokenised text).
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        slice_cp(text, self.start, self.end).unwrap_or("")
    }
}

/// A sentence: its code point range and the range of its tokens in [`tokens`]' output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Indices into the document's token list: `tokens[first_token..end_token]`.
    pub first_token: usize,
    pub end_token: usize,
}

/// Words that end in a period without ending the sentence. Case matters: "no." at the end
/// of a sentence is not "No. 10".
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt", "Cpt", "Maj", "Adm",
    "Cmdr", "Brig", "Sen", "Rep", "Gov", "Pres", "Amb", "St", "Jr", "Sr", "Rev", "Hon", "No",
    "Nos", "vs", "Mt", "Ft", "Jan", "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "approx", "Fig", "Vol",
];

/// Every token of `text`, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut cp = 0;
    for segment in text.split_word_bounds() {
        let len = cp_len(segment);
        if !segment.chars().all(char::is_whitespace) {
            let stem = len - clitic_len(segment);
            out.push(Token {
                start: cp,
                end: cp + stem,
            });
            if stem < len {
                out.push(Token {
                    start: cp + stem,
                    end: cp + len,
                });
            }
        }
        cp += len;
    }
    out
}

/// The clitics the Penn Treebank splits off, lower case, with a straight apostrophe.
const CLITICS: &[&str] = &["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"];

/// How many code points of `word` are a clitic to split off (0 when none): the word must
/// keep at least one letter before it.
fn clitic_len(word: &str) -> usize {
    let lower: Vec<char> = word
        .chars()
        .map(|c| if c == '’' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    // Lower-casing can change the length (rare letters); then leave the word whole.
    if lower.len() != word.chars().count() {
        return 0;
    }
    for clitic in CLITICS {
        let n = clitic.chars().count();
        if lower.len() > n
            && lower[lower.len() - n..].iter().copied().eq(clitic.chars())
            && lower[..lower.len() - n].iter().any(|c| c.is_alphabetic())
        {
            return n;
        }
    }
    0
}

/// `tokens`, further split at each of `edges` (code point offsets, in any order) that
/// falls inside a token.
pub fn tokens_split_at(text: &str, edges: &[usize]) -> Vec<Token> {
    let mut edges = edges.to_vec();
    edges.sort_unstable();
    edges.dedup();
    let mut out = Vec::new();
    let mut e = 0;
    for t in tokens(text) {
        let mut start = t.start;
        while e < edges.len() && edges[e] <= start {
            e += 1;
        }
        while e < edges.len() && edges[e] < t.end {
            out.push(Token {
                start,
                end: edges[e],
            });
            start = edges[e];
            e += 1;
        }
        out.push(Token { start, end: t.end });
    }
    out
}

/// The tokens and sentences of a document for the token formats: split at every mention
/// and trigger edge, with sentences joined where a mention or trigger crosses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokenized {
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// The sentence of each token.
    pub sentence_of: Vec<usize>,
}

impl Tokenized {
    /// The tokens exactly covering `[start, end)` (whitespace at its edges aside), as a
    /// half-open token range, when they lie in one sentence; `None` otherwise.
    pub fn range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let first = self.tokens.partition_point(|t| t.start < start);
        let end_tok = self.tokens.partition_point(|t| t.end <= end);
        let covers = first < end_tok
            && self
                .tokens
                .get(first.wrapping_sub(1))
                .is_none_or(|t| t.end <= start)
            && self.tokens.get(end_tok).is_none_or(|t| t.start >= end);
        (covers && self.sentence_of[first] == self.sentence_of[end_tok - 1])
            .then_some((first, end_tok))
    }

    /// The sentence of a token range from [`Tokenized::range`], and the range relative to it.
    pub fn in_sentence(&self, (first, end): (usize, usize)) -> (usize, usize, usize) {
        let s = self.sentence_of[first];
        let base = self.sentences[s].first_token;
        (s, first - base, end - base)
    }
}

/// Tokens and sentences of `text` that respect `annotations` (see the module comment).
pub fn annotated(text: &str, annotations: &Annotations) -> Tokenized {
    let fragments = annotations
        .mentions
        .iter()
        .flat_map(|m| &m.fragments)
        .chain(annotations.events.iter().flat_map(|e| &e.trigger));
    let edges: Vec<usize> = fragments.clone().flat_map(|f| [f.start, f.end]).collect();
    let tokens = tokens_split_at(text, &edges);
    let mut sentences = sentences_with(text, &tokens);
    // Join the sentences each fragment crosses.
    let mut spans: Vec<(usize, usize)> = fragments
        .filter(|f| f.end > f.start)
        .map(|f| (f.start, f.end))
        .collect();
    spans.sort_unstable();
    let mut joined: Vec<Sentence> = Vec::with_capacity(sentences.len());
    let (mut next, mut reach) = (0, 0);
    for s in sentences.drain(..) {
        // How far the fragments that start before this sentence reach.
        while next < spans.len() && spans[next].0 < s.start {
            reach = reach.max(spans[next].1);
            next += 1;
        }
        match joined.last_mut() {
            Some(last) if reach > s.start => {
                last.end = s.end;
                last.end_token = s.end_token;
            }
            _ => joined.push(s),
        }
    }
    let mut sentence_of = vec![0; tokens.len()];
    for (n, s) in joined.iter().enumerate() {
        sentence_of[s.first_token..s.end_token].fill(n);
    }
    Tokenized {
        tokens,
        sentences: joined,
        sentence_of,
    }
}

/// Whether a sentence segment ends in an abbreviation that rarely ends a sentence.
fn ends_in_abbreviation(segment: &str) -> bool {
    let Some(body) = segment.trim_end().strip_suffix('.') else {
        return false;
    };
    let word = body
        .rsplit(|c: char| c.is_whitespace() || "(\"'“‘[".contains(c))
        .next()
        .unwrap_or("");
    if ABBREVIATIONS.contains(&word) {
        return true;
    }
    // "J." (an initial) and dotted acronyms such as "U.S." and "e.g.".
    let letters: Vec<&str> = word.split('.').collect();
    !word.is_empty()
        && letters
            .iter()
            .all(|l| l.chars().count() == 1 && l.chars().all(char::is_alphabetic))
        && (letters.len() > 1 || word.chars().all(char::is_uppercase))
}

/// The sentences of `text` and, for each, the range of its tokens (so callers need not
/// tokenise twice, pass the output of [`tokens`]).
pub fn sentences_with(text: &str, toks: &[Token]) -> Vec<Sentence> {
    // (start, end) in code points, trimmed, with abbreviation segments joined forward.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut cp = 0;
    let mut join_next = false;
    for segment in text.split_sentence_bounds() {
        let len = cp_len(segment);
        let trimmed = segment.trim_end();
        let content_end = cp + cp_len(trimmed);
        let lead = cp_len(segment) - cp_len(segment.trim_start());
        if trimmed.trim_start().is_empty() {
            cp += len;
            continue;
        }
        match spans.last_mut() {
            Some(last) if join_next => last.1 = content_end,
            _ => spans.push((cp + lead, content_end)),
        }
        // A line break ends a sentence whatever the last word was: headlines have no period.
        join_next = ends_in_abbreviation(segment) && !segment.ends_with('\n');
        cp += len;
    }
    let mut out = Vec::with_capacity(spans.len());
    let mut t = 0;
    for (start, end) in spans {
        while t < toks.len() && toks[t].end <= start {
            t += 1;
        }
        let first = t;
        while t < toks.len() && toks[t].start < end {
            t += 1;
        }
        out.push(Sentence {
            start,
            end,
            first_token: first,
            end_token: t,
        });
    }
    out
}

/// The sentences of `text`.
pub fn sentences(text: &str) -> Vec<Sentence> {
    sentences_with(text, &tokens(text))
}

/// The index of the token that starts exactly at `start` and of the one that ends exactly
/// at `end`, as a half-open token range; `None` when the span does not align to tokens.
pub fn token_range(toks: &[Token], start: usize, end: usize) -> Option<(usize, usize)> {
    let first = toks.binary_search_by_key(&start, |t| t.start).ok()?;
    let last = toks.binary_search_by_key(&end, |t| t.end).ok()?;
    (first <= last).then_some((first, last + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokens(text).iter().map(|t| t.text(text)).collect()
    }

    fn sentence_texts(text: &str) -> Vec<&str> {
        sentences(text)
            .iter()
            .map(|s| slice_cp(text, s.start, s.end).unwrap())
            .collect()
    }

    #[test]
    fn numbers_with_separators_and_units_stay_one_token() {
        assert_eq!(
            words("8,400 155mm artillery rounds"),
            ["8,400", "155mm", "artillery", "rounds"]
        );
    }

    #[test]
    fn curly_quotes_and_em_dashes_are_tokens_of_their_own() {
        assert_eq!(
            words("“It’s over”—he said"),
            ["“", "It", "’s", "over", "”", "—", "he", "said"]
        );
    }

    #[test]
    fn emoji_is_one_token_and_offsets_count_code_points() {
        let text = "🚀 hit 👩‍👩‍👧 Kyiv";
        let toks = tokens(text);
        assert_eq!(words(text), ["🚀", "hit", "👩‍👩‍👧", "Kyiv"]);
        assert_eq!((toks[1].start, toks[1].end), (2, 5));
        // The family is five code points (three people, two joiners).
        assert_eq!((toks[2].start, toks[2].end), (6, 11));
        assert_eq!((toks[3].start, toks[3].end), (12, 16));
    }

    #[test]
    fn clitics_split_as_the_penn_treebank_does() {
        assert_eq!(
            words("Putin’s and Ukraine's aid: don't, can't, they're, we've, he'll, she'd, I'M"),
            [
                "Putin", "’s", "and", "Ukraine", "'s", "aid", ":", "do", "n't", ",", "ca", "n't",
                ",", "they", "'re", ",", "we", "'ve", ",", "he", "'ll", ",", "she", "'d", ",", "I",
                "'M"
            ]
        );
        // A plural possessive's apostrophe is already its own token; a clitic needs a
        // letter before it; a name with an apostrophe inside and a word merely ending in
        // "d" stay whole.
        assert_eq!(
            words("soldiers' 's O'Neill played"),
            ["soldiers", "'", "'", "s", "O'Neill", "played"]
        );
    }

    #[test]
    fn tokens_split_at_annotation_edges_and_sentences_join_across_a_mention() {
        use crate::core::model::{Mention, Span};
        let text = "Kyivan forces left. Then Mr. X spoke.";
        let mut ann = Annotations {
            mentions: vec![Mention::new("T1", "GPE", vec![Span::new(0, 4)], "Kyiv")],
            ..Annotations::default()
        };
        let t = annotated(text, &ann);
        let toks: Vec<&str> = t.tokens.iter().map(|k| k.text(text)).collect();
        assert_eq!(
            toks,
            ["Kyiv", "an", "forces", "left", ".", "Then", "Mr", ".", "X", "spoke", "."]
        );
        assert_eq!(t.range(0, 4), Some((0, 1)));
        assert_eq!(t.range(1, 4), None, "not a token edge");
        assert_eq!(t.sentences.len(), 2);
        assert_eq!(t.range(14, 24), None, "across two sentences");
        // A mention across the break joins the two sentences, so it can be written.
        ann.mentions.push(Mention::new(
            "T2",
            "X",
            vec![Span::new(14, 24)],
            "left. Then",
        ));
        let t = annotated(text, &ann);
        assert_eq!(t.sentences.len(), 1, "{:?}", t.sentences);
        assert_eq!(t.range(14, 24), Some((3, 6)));
        assert_eq!(t.in_sentence((3, 6)), (0, 3, 6));
        assert_eq!(tokens_split_at(text, &[]), tokens(text));
    }

    #[test]
    fn cjk_ideographs_are_one_token_each() {
        assert_eq!(words("東京で会談"), ["東", "京", "で", "会", "談"]);
    }

    #[test]
    fn mr_without_a_period_never_splits_a_sentence() {
        assert_eq!(
            sentence_texts("Mr Trump paused deliveries. But he grew frustrated."),
            ["Mr Trump paused deliveries.", "But he grew frustrated."]
        );
    }

    #[test]
    fn abbreviations_with_a_period_do_not_end_a_sentence() {
        assert_eq!(
            sentence_texts(
                "Dr. Smith met Gen. Syrskyi and U.S. Army officers. Mr. Trump said no. J. Doe left."
            ),
            [
                "Dr. Smith met Gen. Syrskyi and U.S. Army officers.",
                "Mr. Trump said no.",
                "J. Doe left."
            ]
        );
    }

    #[test]
    fn sentences_after_curly_quotes_and_line_breaks_split() {
        let text = "He said “we will win.” Then he left.\nHeadline without period\nNext one.";
        assert_eq!(
            sentence_texts(text),
            [
                "He said “we will win.”",
                "Then he left.",
                "Headline without period",
                "Next one."
            ]
        );
    }

    #[test]
    fn sentence_token_ranges_cover_every_token_once() {
        let text = "A 🚀 hit. 東京で会談。 Dr. Who? Yes—8,400 rounds.";
        let toks = tokens(text);
        let sents = sentences_with(text, &toks);
        assert_eq!(sents[0].first_token, 0);
        for pair in sents.windows(2) {
            assert_eq!(pair[0].end_token, pair[1].first_token);
        }
        assert_eq!(sents.last().unwrap().end_token, toks.len());
        for s in &sents {
            for t in &toks[s.first_token..s.end_token] {
                assert!(s.start <= t.start && t.end <= s.end);
            }
        }
    }

    #[test]
    fn token_range_requires_exact_token_edges() {
        let text = "8,400 155mm rounds";
        let toks = tokens(text);
        assert_eq!(token_range(&toks, 6, 18), Some((1, 3)));
        assert_eq!(token_range(&toks, 6, 9), None);
        assert_eq!(token_range(&toks, 0, 3), None);
    }
}
