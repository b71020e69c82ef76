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

/// Whether a UTF-8 byte starts a character (is not a continuation byte).
fn is_char_start(b: u8) -> bool {
    b & 0xC0 != 0x80
}

/// The byte `n` code points after byte `from` of `text` (a char boundary), or the end.
pub fn advance_cps(text: &str, from: usize, n: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    for _ in 0..n {
        if at >= bytes.len() {
            break;
        }
        at += 1;
        while at < bytes.len() && !is_char_start(bytes[at]) {
            at += 1;
        }
    }
    at.min(bytes.len())
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
        // Bytes, not chars: the app builds this while opening an article, when its wasm
        // still runs unoptimised code, where the char decoder is many times slower.
        for (byte, &b) in text.as_bytes().iter().enumerate() {
            if is_char_start(b) {
                if len_cp % STRIDE == 0 {
                    checkpoints.push(byte);
                }
                len_cp += 1;
            }
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

/// A unit that other tools count text offsets in. Loupe itself counts code points; these
/// are only for files written for, or read from, other tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Unit {
    /// UTF-16 code units: JavaScript string indices, as doccano's and Label Studio's UIs count.
    #[default]
    Utf16,
    /// Extended grapheme clusters (UAX #29), as doccano's grapheme mode counts.
    Graphemes,
    /// Unicode code points, as Python `str` indices and Loupe count.
    CodePoints,
}

impl Unit {
    pub const ALL: [Unit; 3] = [Unit::Utf16, Unit::Graphemes, Unit::CodePoints];

    /// The name used on the command line and in the UI.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Utf16 => "utf16",
            Unit::Graphemes => "graphemes",
            Unit::CodePoints => "codepoints",
        }
    }

    pub fn from_name(name: &str) -> Option<Unit> {
        match name
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "utf16" | "js" | "javascript" => Some(Unit::Utf16),
            "graphemes" | "grapheme" | "graphemeclusters" => Some(Unit::Graphemes),
            "codepoints" | "codepoint" | "cp" | "chars" | "python" => Some(Unit::CodePoints),
            _ => None,
        }
    }
}

/// Code point offsets ↔ offsets in another [`Unit`], for one text, in O(log n) a lookup.
#[derive(Debug, Clone)]
pub struct UnitTable {
    /// `starts[cp]` is the offset, in the unit, of code point `cp` (with one more entry for
    /// the end of the text); `None` inside a grapheme cluster, which has no offset.
    starts: Vec<Option<usize>>,
}

impl UnitTable {
    pub fn new(text: &str, unit: Unit) -> Self {
        use unicode_segmentation::UnicodeSegmentation;
        let mut starts = Vec::with_capacity(text.len() + 1);
        match unit {
            Unit::CodePoints => starts.extend((0..=cp_len(text)).map(Some)),
            Unit::Utf16 => {
                let mut u = 0;
                for c in text.chars() {
                    starts.push(Some(u));
                    u += c.len_utf16();
                }
                starts.push(Some(u));
            }
            Unit::Graphemes => {
                let mut g = 0;
                for cluster in text.graphemes(true) {
                    starts.push(Some(g));
                    starts.extend(std::iter::repeat_n(None, cluster.chars().count() - 1));
                    g += 1;
                }
                starts.push(Some(g));
            }
        }
        Self { starts }
    }

    /// The length of the text in the unit.
    pub fn len(&self) -> usize {
        self.starts.last().copied().flatten().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The offset of code point `cp` in the unit; `None` past the end or inside a
    /// grapheme cluster.
    pub fn from_cp(&self, cp: usize) -> Option<usize> {
        self.starts.get(cp).copied().flatten()
    }

    /// The code point at offset `offset` in the unit; `None` past the end or inside a
    /// character (half of a surrogate pair).
    pub fn to_cp(&self, offset: usize) -> Option<usize> {
        // The known offsets rise with the code points; search them, skipping the holes.
        let (mut lo, mut hi) = (0, self.starts.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let mut m = mid;
            while m < hi && self.starts[m].is_none() {
                m += 1;
            }
            match self.starts.get(m).copied().flatten() {
                Some(v) if m < hi && v == offset => return Some(m),
                Some(v) if m < hi && v < offset => lo = m + 1,
                _ => hi = mid,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_tables_map_code_points_both_ways() {
        // An astral emoji, a combining mark (e + U+0301), CJK and CRLF.
        let text = "🚀 e\u{301} 東\r\nx";
        let utf16 = UnitTable::new(text, Unit::Utf16);
        assert_eq!(utf16.from_cp(1), Some(2));
        assert_eq!(utf16.to_cp(2), Some(1));
        assert_eq!(utf16.to_cp(1), None, "inside the surrogate pair");
        let g = UnitTable::new(text, Unit::Graphemes);
        // 🚀, space, é (two code points), space, 東, CRLF (one cluster), x.
        assert_eq!(g.from_cp(3), None, "inside e + combining accent");
        assert_eq!(g.from_cp(4), Some(3));
        assert_eq!(g.from_cp(6), Some(5));
        assert_eq!(g.from_cp(7), None, "inside CRLF");
        assert_eq!(g.from_cp(8), Some(6));
        assert_eq!((g.len(), utf16.len()), (7, 10));
        for cp in [0, 1, 2, 4, 5, 6, 8, 9] {
            assert_eq!(g.to_cp(g.from_cp(cp).unwrap()), Some(cp), "{cp}");
            assert_eq!(utf16.to_cp(utf16.from_cp(cp).unwrap()), Some(cp), "{cp}");
        }
        assert_eq!(g.to_cp(99), None);
        let cps = UnitTable::new(text, Unit::CodePoints);
        assert_eq!(
            (cps.from_cp(9), cps.to_cp(9), cps.to_cp(10)),
            (Some(9), Some(9), None)
        );
    }

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
        fn advancing_by_code_points_lands_where_counting_chars_does(text in tricky_text(), from in 0usize..50, n in 0usize..50) {
            let len = cp_len(&text);
            let from = from.min(len);
            let byte = cp_to_byte(&text, from).unwrap();
            prop_assert_eq!(advance_cps(&text, byte, n), cp_to_byte(&text, (from + n).min(len)).unwrap());
        }

        #[test]
        fn the_index_of_a_text_past_several_checkpoints_finds_every_code_point(text in tricky_text_sized(100..300)) {
            let index = OffsetIndex::new(&text);
            prop_assert_eq!(index.len_cp(), cp_len(&text));
            for (cp, (byte, _)) in text.char_indices().enumerate() {
                prop_assert_eq!(index.byte_of(&text, cp), Some(byte));
            }
            prop_assert_eq!(index.byte_of(&text, cp_len(&text)), Some(text.len()));
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
