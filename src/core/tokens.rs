//! Tokens and sentences: the one rule that CoNLL, OneIE and token-level agreement share.
//!
//! - **Tokens** are the Unicode (UAX #29) word-boundary segments that are not whitespace.
//!   So "8,400" and "155mm" are one token each, a curly quote or an em dash is a token of
//!   its own, and an emoji (even a ZWJ family) is one token.
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
            out.push(Token {
                start: cp,
                end: cp + len,
            });
        }
        cp += len;
    }
    out
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
            ["“", "It’s", "over", "”", "—", "he", "said"]
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
