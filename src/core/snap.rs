//! Snapping a rough mouse selection to whole words.
//!
//! Words are Unicode (UAX #29) word segments, further split at apostrophes so that the
//! possessive in "Kyiv’s" can be left out of a "Kyiv" tag. Whitespace at either edge is
//! trimmed. All offsets are code points.
//!
//! ```
//! use loupe::core::snap::snap_to_words;
//! let text = "Drones hit Kyiv’s centre.";
//! assert_eq!(snap_to_words(text, 12, 14), Some((11, 15))); // "yi" -> "Kyiv"
//! ```

use unicode_segmentation::UnicodeSegmentation;

use super::offsets::{byte_to_cp, cp_to_byte};

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Code point ranges of the word-like pieces of `line` (relative to it).
fn pieces(line: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut cp = 0;
    for segment in line.split_word_bounds() {
        let is_word = segment.chars().any(char::is_alphanumeric);
        let mut piece_start = cp;
        for ch in segment.chars() {
            if is_word && is_apostrophe(ch) {
                if piece_start < cp {
                    out.push((piece_start, cp, true));
                }
                out.push((cp, cp + 1, false));
                piece_start = cp + 1;
            }
            cp += 1;
        }
        if piece_start < cp {
            out.push((piece_start, cp, is_word));
        }
    }
    out
}

/// Trim whitespace from `[start, end)`. `None` if nothing but whitespace is left.
pub fn trim_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let from = cp_to_byte(text, start)?;
    let to = cp_to_byte(text, end)?;
    if from >= to {
        return None;
    }
    let inner = &text[from..to];
    let lead = inner.chars().take_while(|c| c.is_whitespace()).count();
    let trail = inner
        .chars()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    let len = end - start;
    (lead < len).then(|| (start + lead, end - trail))
}

/// Grow `[start, end)` to whole words and trim whitespace. Returns `None` for an empty or
/// whitespace-only selection, or offsets past the end of the text.
pub fn snap_to_words(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let (start, end) = trim_span(text, start.min(end), start.max(end))?;
    // Word boundaries never cross a line break, so only the lines touched need scanning.
    let from = cp_to_byte(text, start)?;
    let to = cp_to_byte(text, end)?;
    let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[to..].find('\n').map_or(text.len(), |i| to + i);
    let base = byte_to_cp(text, line_start)?;
    let (rel_start, rel_end) = (start - base, end - base);
    let mut new_start = rel_start;
    let mut new_end = rel_end;
    for (s, e, is_word) in pieces(&text[line_start..line_end]) {
        if !is_word {
            continue;
        }
        if s < rel_start && rel_start < e {
            new_start = s;
        }
        if s < rel_end && rel_end < e {
            new_end = e;
        }
    }
    Some((base + new_start, base + new_end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::offsets::slice_cp;

    fn snapped(text: &str, s: usize, e: usize) -> Option<&str> {
        snap_to_words(text, s, e).and_then(|(s, e)| slice_cp(text, s, e))
    }

    #[test]
    fn partial_word_grows_to_the_whole_word() {
        assert_eq!(snapped("Russia launched drones", 8, 10), Some("launched"));
        assert_eq!(
            snapped("Russia launched drones", 3, 10),
            Some("Russia launched")
        );
    }

    #[test]
    fn selection_is_trimmed_of_spaces() {
        assert_eq!(snapped("Russia  launched ", 6, 17), Some("launched"));
    }

    #[test]
    fn whitespace_only_selection_is_refused() {
        assert_eq!(snap_to_words("a   b", 1, 4), None);
        assert_eq!(snap_to_words("a b", 1, 1), None);
    }

    #[test]
    fn possessive_is_not_swallowed() {
        assert_eq!(snapped("Kyiv’s centre", 0, 3), Some("Kyiv"));
        assert_eq!(snapped("Kyiv's centre", 1, 4), Some("Kyiv"));
    }

    #[test]
    fn snapping_counts_code_points_after_emoji() {
        let t = "🚀🚀 Zelensky said";
        assert_eq!(snapped(t, 4, 6), Some("Zelensky"));
    }

    #[test]
    fn numbers_with_separators_stay_whole() {
        assert_eq!(snapped("fired 8,400 155mm rounds", 7, 8), Some("8,400"));
    }

    #[test]
    fn cjk_and_combining_marks_snap_without_splitting_characters() {
        let t = "Cafe\u{301} in 東京";
        assert_eq!(snapped(t, 1, 2), Some("Cafe\u{301}"));
        let (s, e) = snap_to_words(t, 9, 10).unwrap();
        assert!(s <= 9 && e >= 10);
    }

    #[test]
    fn reversed_selection_is_normalised() {
        assert_eq!(snapped("Russia launched drones", 10, 8), Some("launched"));
    }

    #[test]
    fn selection_past_the_end_is_refused() {
        assert_eq!(snap_to_words("abc", 1, 9), None);
    }
}
