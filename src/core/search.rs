//! Finding text: exact whole-word occurrences (for "annotate all occurrences" and search),
//! and stepping from word to word (for selecting text with the keyboard). Code points.

use unicode_segmentation::UnicodeSegmentation;

use super::model::Span;
use super::offsets::OffsetIndex;

/// Every word-like segment of `text`, as code point spans, in order.
pub fn words(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut cp = 0;
    for segment in text.split_word_bounds() {
        let len = segment.chars().count();
        if segment.chars().any(char::is_alphanumeric) {
            out.push(Span::new(cp, cp + len));
        }
        cp += len;
    }
    out
}

/// The first word that starts at or after `from`.
pub fn word_after(words: &[Span], from: usize) -> Option<Span> {
    words
        .get(words.partition_point(|w| w.start < from))
        .copied()
}

/// The last word that ends at or before `to`.
pub fn word_before(words: &[Span], to: usize) -> Option<Span> {
    let i = words.partition_point(|w| w.end <= to);
    i.checked_sub(1).map(|i| words[i])
}

/// Every exact occurrence of `needle` in `text` that starts and ends on a word boundary,
/// so "Kyiv" matches in "Kyiv’s" but not in "Kyivan".
pub fn whole_word_occurrences(text: &str, needle: &str) -> Vec<Span> {
    if needle.trim().is_empty() {
        return Vec::new();
    }
    let index = OffsetIndex::new(text);
    let bounds: std::collections::BTreeSet<usize> = {
        let mut cp = 0;
        let mut set = std::collections::BTreeSet::from([0]);
        for segment in text.split_word_bounds() {
            for ch in segment.chars() {
                // A possessive ends the word before it, as in word snapping.
                if ch == '\'' || ch == '’' {
                    set.insert(cp);
                    set.insert(cp + 1);
                }
                cp += 1;
            }
            set.insert(cp);
        }
        set
    };
    let needle_len = needle.chars().count();
    let mut out = Vec::new();
    let mut byte = 0;
    while let Some(found) = text[byte..].find(needle) {
        let at = byte + found;
        let start = crate::core::offsets::byte_to_cp(text, at).unwrap_or(0);
        let end = start + needle_len;
        if bounds.contains(&start) && bounds.contains(&end) {
            out.push(Span::new(start, end));
        }
        // Step one character past the match start, so overlapping matches are seen.
        byte = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    debug_assert!(out
        .iter()
        .all(|s| index.slice(text, s.start, s.end) == Some(needle)));
    out
}

/// Case-insensitive search for the search box: every occurrence, whole word or not.
pub fn find_all(text: &str, query: &str) -> Vec<Span> {
    let query: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
    if query.is_empty() {
        return Vec::new();
    }
    // Lowercasing can change lengths (e.g. "İ"), so compare char by char on a folded copy
    // that keeps one entry per original code point.
    let folded: Vec<char> = text
        .chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect();
    let mut out = Vec::new();
    if query.len() > folded.len() {
        return out;
    }
    for start in 0..=folded.len() - query.len() {
        if folded[start..start + query.len()] == query[..] {
            out.push(Span::new(start, start + query.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotate_all_matches_whole_words_only() {
        let t = "Kyiv and Kyivan Kyiv’s 🚀 Kyiv";
        let found = whole_word_occurrences(t, "Kyiv");
        assert_eq!(
            found,
            vec![Span::new(0, 4), Span::new(16, 20), Span::new(25, 29)]
        );
    }

    #[test]
    fn blank_needle_finds_nothing() {
        assert!(whole_word_occurrences("a b", " ").is_empty());
    }

    #[test]
    fn keyboard_steps_from_word_to_word_over_punctuation() {
        let w = words("Drones — “hit” Odesa.");
        assert_eq!(word_after(&w, 0), Some(Span::new(0, 6)));
        assert_eq!(word_after(&w, 6), Some(Span::new(10, 13)));
        assert_eq!(word_before(&w, 13), Some(Span::new(10, 13)));
        assert_eq!(word_before(&w, 5), None);
    }

    #[test]
    fn search_is_case_insensitive_and_counts_code_points() {
        assert_eq!(
            find_all("🚀 ODESA and odesa", "Odesa"),
            vec![Span::new(2, 7), Span::new(12, 17)]
        );
    }
}
