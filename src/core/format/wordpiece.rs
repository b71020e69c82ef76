//! WordPiece, as BERT's tokenizer (Hugging Face `BertTokenizer`) splits one token: clean
//! the text, split off CJK ideographs and punctuation, then take the longest piece of the
//! vocabulary at each point, later pieces prefixed with `##`, and `[UNK]` for a word that
//! no sequence of pieces spells (or that is over 100 characters).
//!
//! The vocabulary is a `vocab.txt`, one piece a line, as every BERT model ships it. A
//! vocabulary with upper-case pieces is cased; one without is uncased, and words are
//! lower-cased and stripped of accents first, as `do_lower_case` does.
//!
//! ```
//! use loupe::core::format::wordpiece::WordPiece;
//! let vocab = WordPiece::from_vocab("[UNK]\nput\n##in\n’\ns\n").unwrap();
//! assert_eq!(vocab.pieces("Putin"), ["put", "##in"]);
//! assert_eq!(vocab.pieces("’s"), ["’", "s"]);
//! assert_eq!(vocab.pieces("Kyiv"), ["[UNK]"]);
//! ```

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// A WordPiece vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordPiece {
    pieces: HashSet<String>,
    lower_case: bool,
}

pub const UNKNOWN: &str = "[UNK]";
const MAX_WORD_CHARS: usize = 100;

impl WordPiece {
    /// Read a `vocab.txt`. Refuses an empty file, or one that is not a vocabulary.
    pub fn from_vocab(text: &str) -> Result<WordPiece, String> {
        let pieces: HashSet<String> = text
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if pieces.is_empty() {
            return Err("the vocabulary is empty; give BERT's vocab.txt, one piece a line".into());
        }
        if pieces.iter().any(|p| p.contains(char::is_whitespace)) {
            return Err("a line of the vocabulary holds a space, so it is not a WordPiece vocab.txt (one piece a line)".into());
        }
        // Special tokens ([CLS], [unused0]) say nothing about case.
        let lower_case = !pieces
            .iter()
            .filter(|p| !(p.starts_with('[') && p.ends_with(']')))
            .any(|p| p.chars().any(char::is_uppercase));
        Ok(WordPiece { pieces, lower_case })
    }

    /// Whether words are lower-cased first (an uncased vocabulary).
    pub fn lower_case(&self) -> bool {
        self.lower_case
    }

    /// The pieces of one token; `[UNK]` alone when the token has none (only controls).
    pub fn pieces(&self, token: &str) -> Vec<String> {
        let mut out = Vec::new();
        for word in basic_words(token, self.lower_case) {
            self.word_pieces(&word, &mut out);
        }
        if out.is_empty() {
            out.push(UNKNOWN.to_owned());
        }
        out
    }

    fn word_pieces(&self, word: &str, out: &mut Vec<String>) {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() > MAX_WORD_CHARS {
            out.push(UNKNOWN.to_owned());
            return;
        }
        let mut found = Vec::new();
        let mut start = 0;
        while start < chars.len() {
            let piece = (start + 1..=chars.len()).rev().find_map(|end| {
                let body: String = chars[start..end].iter().collect();
                let piece = if start > 0 { format!("##{body}") } else { body };
                self.pieces.contains(&piece).then_some((piece, end))
            });
            let Some((piece, end)) = piece else {
                out.push(UNKNOWN.to_owned());
                return;
            };
            found.push(piece);
            start = end;
        }
        out.extend(found);
    }
}

fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r')
        && matches!(
            c.general_category(),
            GeneralCategory::Control | GeneralCategory::Format
        )
}

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r') || c.general_category() == GeneralCategory::SpaceSeparator
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// The CJK Unified Ideographs blocks BERT splits character by character.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// BERT's basic tokenisation of a text into words: clean, isolate CJK, normalise (NFC),
/// split on whitespace, lower-case and strip accents when uncased, split off punctuation.
fn basic_words(text: &str, lower_case: bool) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if is_whitespace(c) {
            cleaned.push(' ');
        } else if is_cjk(c) {
            cleaned.push(' ');
            cleaned.push(c);
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    let normalized: String = cleaned.nfc().collect();
    let mut words = Vec::new();
    for word in normalized.split_whitespace() {
        let word: String = if lower_case {
            word.to_lowercase()
                .nfd()
                .filter(|c| c.general_category() != GeneralCategory::NonspacingMark)
                .collect()
        } else {
            word.to_owned()
        };
        let mut current = String::new();
        for c in word.chars() {
            if is_punctuation(c) {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
                words.push(c.to_string());
            } else {
                current.push(c);
            }
        }
        if !current.is_empty() {
            words.push(current);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASED: &str =
        "[PAD]\n[UNK]\n[CLS]\nThe\nKy\n##iv\nPut\n##in\n'\n’\ns\n-\nbased\n東\n京\ne\n##́\né\n";

    #[test]
    fn a_cased_vocabulary_keeps_case_and_splits_punctuation() {
        let v = WordPiece::from_vocab(CASED).unwrap();
        assert!(!v.lower_case());
        assert_eq!(v.pieces("Kyiv"), ["Ky", "##iv"]);
        assert_eq!(v.pieces("Putin"), ["Put", "##in"]);
        assert_eq!(v.pieces("'s"), ["'", "s"]);
        assert_eq!(v.pieces("Kyiv-based"), ["Ky", "##iv", "-", "based"]);
        assert_eq!(v.pieces("東京"), ["東", "京"]);
        assert_eq!(v.pieces("kyiv"), [UNKNOWN]);
        // A combining accent is composed first (NFC): e + U+0301 is é.
        assert_eq!(v.pieces("e\u{301}"), ["é"]);
        assert_eq!(v.pieces("\u{200b}"), [UNKNOWN], "a token of controls only");
        assert_eq!(v.pieces(&"a".repeat(101)), [UNKNOWN]);
    }

    #[test]
    fn an_uncased_vocabulary_lower_cases_and_strips_accents() {
        let v = WordPiece::from_vocab("[UNK]\nzelensky\nkyiv\ncafe\n").unwrap();
        assert!(v.lower_case());
        assert_eq!(v.pieces("Zelensky"), ["zelensky"]);
        assert_eq!(v.pieces("Café"), ["cafe"]);
        assert_eq!(v.pieces("KYIV"), ["kyiv"]);
    }

    #[test]
    fn what_is_not_a_vocabulary_is_refused() {
        assert!(WordPiece::from_vocab("\n\n").is_err());
        assert!(WordPiece::from_vocab("a b\nc\n")
            .unwrap_err()
            .contains("one piece a line"));
    }
}
