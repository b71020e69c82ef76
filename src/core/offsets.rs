//! The one place where offsets change units.
//!
//! Loupe stores and exports every offset as a count of Unicode code points (Rust `char`s),
//! half-open `[start, end)`. The DOM counts UTF-16 code units and Rust `str` indexes UTF-8
//! bytes, so every conversion goes through this module.
//!
//! ```
//! use loupe::core::offsets::{cp_to_utf16, utf16_to_cp};
//! let text = "🚀 Kyiv";
//! assert_eq!(cp_to_utf16(text, 2), Some(3)); // the rocket is two UTF-16 units
//! assert_eq!(utf16_to_cp(text, 3), Some(2));
//! ```

/// Number of code points in `text`.
pub fn cp_len(text: &str) -> usize {
    text.chars().count()
}

/// UTF-8 byte offset of code point `cp`, or `None` past the end.
pub fn cp_to_byte(text: &str, cp: usize) -> Option<usize> {
    if cp == 0 {
        return Some(0);
    }
    match text.char_indices().nth(cp) {
        Some((byte, _)) => Some(byte),
        None if cp_len(text) == cp => Some(text.len()),
        None => None,
    }
}

/// Code point offset of UTF-8 byte `byte`, or `None` when it is past the end or inside a
/// character.
pub fn byte_to_cp(text: &str, byte: usize) -> Option<usize> {
    if !text.is_char_boundary(byte) {
        return None;
    }
    Some(text[..byte].chars().count())
}

/// UTF-16 offset of code point `cp`, or `None` past the end.
pub fn cp_to_utf16(text: &str, cp: usize) -> Option<usize> {
    let mut units = 0;
    let mut chars = text.chars();
    for _ in 0..cp {
        units += chars.next()?.len_utf16();
    }
    Some(units)
}

/// Code point offset of UTF-16 offset `unit`. An offset that falls between the two halves
/// of a surrogate pair (which the DOM can report) rounds down to the start of the character,
/// so a selection can never cut an emoji in half. `None` past the end.
pub fn utf16_to_cp(text: &str, unit: usize) -> Option<usize> {
    let mut units = 0;
    for (cp, ch) in text.chars().enumerate() {
        if units >= unit {
            return Some(cp);
        }
        units += ch.len_utf16();
        if units > unit {
            return Some(cp);
        }
    }
    (units == unit).then(|| cp_len(text))
}

/// The substring between two code point offsets, or `None` when the range is out of
/// bounds or reversed.
pub fn slice_cp(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let from = cp_to_byte(text, start)?;
    let to = from + cp_to_byte(&text[from..], end - start)?;
    Some(&text[from..to])
}

/// Precomputed code point ↔ byte mapping for a large text, so repeated lookups on a 1 MB
/// article do not rescan it from the start. Stores one byte offset every `STRIDE` chars.
#[derive(Debug, Clone)]
pub struct OffsetIndex {
    checkpoints: Vec<usize>,
    len_cp: usize,
}

const STRIDE: usize = 256;

impl OffsetIndex {
    pub fn new(text: &str) -> Self {
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut len_cp = 0;
        for (cp, (byte, _)) in text.char_indices().enumerate() {
            if cp % STRIDE == 0 {
                checkpoints.push(byte);
            }
            len_cp = cp + 1;
        }
        if checkpoints.is_empty() {
            checkpoints.push(0);
        }
        Self {
            checkpoints,
            len_cp,
        }
    }

    pub fn len_cp(&self) -> usize {
        self.len_cp
    }

    /// Byte offset of code point `cp` in `text` (which must be the indexed text).
    pub fn byte_of(&self, text: &str, cp: usize) -> Option<usize> {
        if cp > self.len_cp {
            return None;
        }
        let base = self.checkpoints[(cp / STRIDE).min(self.checkpoints.len() - 1)];
        let rest = cp - (cp / STRIDE).min(self.checkpoints.len() - 1) * STRIDE;
        cp_to_byte(&text[base..], rest).map(|b| base + b)
    }

    /// The substring between two code point offsets.
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> Option<&'t str> {
        if start > end {
            return None;
        }
        Some(&text[self.byte_of(text, start)?..self.byte_of(text, end)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_counts_as_one_code_point_and_two_utf16_units() {
        let t = "a🚀b";
        assert_eq!(cp_len(t), 3);
        assert_eq!(cp_to_utf16(t, 2), Some(3));
        assert_eq!(utf16_to_cp(t, 3), Some(2));
        assert_eq!(cp_to_byte(t, 2), Some(5));
        assert_eq!(slice_cp(t, 1, 2), Some("🚀"));
    }

    #[test]
    fn utf16_offset_inside_a_surrogate_pair_rounds_down() {
        assert_eq!(utf16_to_cp("a🚀b", 2), Some(1));
    }

    #[test]
    fn offsets_past_the_end_are_refused() {
        assert_eq!(cp_to_byte("abc", 4), None);
        assert_eq!(cp_to_utf16("abc", 4), None);
        assert_eq!(utf16_to_cp("abc", 4), None);
        assert_eq!(slice_cp("abc", 2, 4), None);
        assert_eq!(byte_to_cp("é", 1), None);
    }

    #[test]
    fn empty_text_has_only_offset_zero() {
        assert_eq!(cp_to_byte("", 0), Some(0));
        assert_eq!(utf16_to_cp("", 0), Some(0));
        assert_eq!(OffsetIndex::new("").byte_of("", 0), Some(0));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text drawn from the characters that break naive offset code: astral emoji, ZWJ
    /// sequences, combining marks, CJK, CRLF, curly punctuation, and the characters JSON
    /// must escape. Shared by every property test that needs hard text.
    pub(crate) fn tricky_text_sized(
        pieces_per_text: std::ops::Range<usize>,
    ) -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            "Kyiv",
            " ",
            "\r\n",
            "\n",
            "🚀",
            "👩‍👩‍👧",
            "🇺🇦",
            "e\u{301}",
            "\u{300}",
            "中国",
            "東京",
            "—",
            "“",
            "”",
            "’",
            "8,400",
            "\t",
            "𝔘",
            "\"",
            "\\",
        ]);
        prop::collection::vec(pieces, pieces_per_text).prop_map(|v| v.concat())
    }

    pub(crate) fn tricky_text() -> impl Strategy<Value = String> {
        tricky_text_sized(0..40)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000)
        ))]

        #[test]
        fn utf16_round_trip_at_every_code_point(text in tricky_text()) {
            let n = cp_len(&text);
            for cp in 0..=n {
                let unit = cp_to_utf16(&text, cp).unwrap();
                prop_assert_eq!(utf16_to_cp(&text, unit), Some(cp));
            }
            prop_assert_eq!(cp_to_utf16(&text, n), Some(text.encode_utf16().count()));
            prop_assert_eq!(cp_to_utf16(&text, n + 1), None);
        }

        #[test]
        fn utf8_round_trip_and_index_agree(text in tricky_text()) {
            let index = OffsetIndex::new(&text);
            prop_assert_eq!(index.len_cp(), cp_len(&text));
            for cp in 0..=cp_len(&text) {
                let byte = cp_to_byte(&text, cp).unwrap();
                prop_assert_eq!(byte_to_cp(&text, byte), Some(cp));
                prop_assert_eq!(index.byte_of(&text, cp), Some(byte));
            }
        }

        #[test]
        fn slicing_by_code_points_matches_char_collection(text in tricky_text(), a in 0usize..60, b in 0usize..60) {
            let chars: Vec<char> = text.chars().collect();
            let (s, e) = (a.min(b), a.max(b));
            let expected = (e <= chars.len()).then(|| chars[s..e].iter().collect::<String>());
            prop_assert_eq!(slice_cp(&text, s, e).map(str::to_owned), expected.clone());
            prop_assert_eq!(OffsetIndex::new(&text).slice(&text, s, e).map(str::to_owned), expected);
        }
    }
}
