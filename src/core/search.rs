//! Finding text: exact whole-word occurrences (for "annotate all occurrences" and search),
//! search across the corpus with context, and stepping from word to word (for selecting
//! text with the keyboard). Code points.

use std::collections::HashSet;

use unicode_segmentation::UnicodeSegmentation;

use super::edit::Edit;
use super::model::{Annotations, Mention, Span};
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
    // Word boundaries by code point, in one pass: a 1 MB text with 10,000 matches stays
    // linear (a set and a byte-to-code-point scan per match made it quadratic).
    let total = text.chars().count();
    let mut bounds = vec![false; total + 1];
    bounds[0] = true;
    let mut cp = 0;
    for segment in text.split_word_bounds() {
        for ch in segment.chars() {
            // A possessive ends the word before it, as in word snapping.
            if ch == '\'' || ch == '’' {
                bounds[cp] = true;
                bounds[cp + 1] = true;
            }
            cp += 1;
        }
        bounds[cp] = true;
    }
    let needle_len = needle.chars().count();
    let mut out = Vec::new();
    let (mut byte, mut at_cp) = (0, 0);
    while let Some(found) = text[byte..].find(needle) {
        let at = byte + found;
        let start = at_cp + text[byte..at].chars().count();
        let end = start + needle_len;
        if bounds[start] && bounds[end] {
            out.push(Span::new(start, end));
        }
        // Step one character past the match start, so overlapping matches are seen.
        let step = text[at..].chars().next().map_or(1, char::len_utf8);
        byte = at + step;
        at_cp = start + 1;
    }
    debug_assert!({
        let index = OffsetIndex::new(text);
        out.iter()
            .all(|s| index.slice(text, s.start, s.end) == Some(needle))
    });
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

/// The whole-word occurrences of `needle` that no continuous mention already covers
/// exactly (whatever its type): what "annotate all occurrences" would tag.
pub fn untagged_occurrences(text: &str, ann: &Annotations, needle: &str) -> Vec<Span> {
    let taken: HashSet<Span> = ann
        .mentions
        .iter()
        .filter(|m| m.fragments.len() == 1)
        .map(|m| m.fragments[0])
        .collect();
    whole_word_occurrences(text, needle)
        .into_iter()
        .filter(|s| !taken.contains(s))
        .collect()
}

/// One edit that tags every span in `spans` as a `kind` mention, each inserted where it
/// sorts, with fresh ids: applied and undone as one step.
pub fn tag_spans_edit(ann: &Annotations, kind: &str, spans: &[Span]) -> Edit {
    // Simulate the insertions, so each index is right at its turn in the batch.
    let mut sim = ann.mentions.clone();
    let first: u64 = ann.next_id("T")[1..].parse().unwrap_or(1);
    let mut edits = Vec::with_capacity(spans.len());
    for (next, span) in (first..).zip(spans) {
        let mention = Mention::new(
            format!("T{next}"),
            kind.to_owned(),
            vec![*span],
            String::new(),
        );
        let index = sim.partition_point(|m| {
            (m.start(), std::cmp::Reverse(m.end())) <= (span.start, std::cmp::Reverse(span.end))
        });
        sim.insert(index, mention.clone());
        edits.push(Edit::InsertMention { index, mention });
    }
    Edit::Batch(edits)
}

/// A search hit in the corpus, with a line of context on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The position of the document in the list searched.
    pub doc: usize,
    pub span: Span,
    pub before: String,
    pub matched: String,
    pub after: String,
}

/// How many characters of context a hit shows on each side.
pub const CONTEXT_CHARS: usize = 40;

/// Search every text, case-insensitively (as [`find_all`]), and return the first `limit`
/// hits in corpus order with their context, and the total number of hits.
pub fn search_corpus<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    query: &str,
    limit: usize,
) -> (Vec<Hit>, usize) {
    let mut hits = Vec::new();
    let mut total = 0;
    for (doc, text) in texts.into_iter().enumerate() {
        let found = find_all(text, query);
        total += found.len();
        if hits.len() >= limit || found.is_empty() {
            continue;
        }
        let chars: Vec<char> = text.chars().collect();
        // Context stays on one line: a line break ends it, and runs of spaces are one.
        let squash = |s: &[char]| -> String {
            let mut out = String::new();
            for &c in s {
                let c = if c.is_whitespace() { ' ' } else { c };
                if !(c == ' ' && out.ends_with(' ')) {
                    out.push(c);
                }
            }
            out
        };
        for span in found.into_iter().take(limit - hits.len()) {
            let from = span.start.saturating_sub(CONTEXT_CHARS);
            let from = chars[from..span.start]
                .iter()
                .rposition(|c| *c == '\n')
                .map_or(from, |i| from + i + 1);
            let to = (span.end + CONTEXT_CHARS).min(chars.len());
            let to = chars[span.end..to]
                .iter()
                .position(|c| *c == '\n')
                .map_or(to, |i| span.end + i);
            let mut before = squash(&chars[from..span.start]);
            let mut after = squash(&chars[span.end..to]);
            if from > 0 && chars[from - 1] != '\n' {
                before.insert(0, '…');
            }
            if to < chars.len() && chars[to] != '\n' {
                after.push('…');
            }
            hits.push(Hit {
                doc,
                span,
                before,
                matched: chars[span.start..span.end].iter().collect(),
                after,
            });
        }
    }
    (hits, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_search_lists_hits_in_order_with_one_line_of_context() {
        let long = format!("{}Odesa{}", "x ".repeat(30), " y".repeat(30));
        let texts = [
            "First line\n🚀 ODESA harbour.\nNext",
            "nothing here",
            long.as_str(),
        ];
        let (hits, total) = search_corpus(texts, "odesa", 10);
        assert_eq!(total, 2);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].doc, 0);
        assert_eq!(hits[0].span, Span::new(13, 18));
        assert_eq!(hits[0].before, "🚀 ");
        assert_eq!(hits[0].matched, "ODESA");
        assert_eq!(hits[0].after, " harbour.");
        assert_eq!(hits[1].doc, 2);
        assert!(hits[1].before.starts_with('…') && hits[1].after.ends_with('…'));
        assert_eq!(hits[1].before.chars().count(), CONTEXT_CHARS + 1);
        // The limit caps the list, never the count.
        let (hits, total) = search_corpus(texts, "o", 3);
        assert_eq!(hits.len(), 3);
        assert!(total > 3);
        assert_eq!(search_corpus(texts, "", 5), (Vec::new(), 0));
    }

    #[test]
    fn tag_all_skips_tagged_spans_and_undoes_as_one_step() {
        use crate::core::edit::History;
        let text = "Kyiv, Kyivan Kyiv and Kyiv’s mayor in Kyiv.";
        let mut ann = Annotations::default();
        let mut history = History::default();
        let first = whole_word_occurrences(text, "Kyiv");
        assert_eq!(first.len(), 4);
        let edit = tag_spans_edit(&ann, "GPE", &first[2..3]);
        history.apply(&mut ann, text, edit).unwrap();
        let before = ann.clone();
        let todo = untagged_occurrences(text, &ann, "Kyiv");
        assert_eq!(todo, vec![first[0], first[1], first[3]]);
        let edit = tag_spans_edit(&ann, "GPE", &todo);
        history.apply(&mut ann, text, edit).unwrap();
        assert_eq!(ann.mentions.len(), 4);
        assert!(ann.mentions.windows(2).all(|w| w[0].start() < w[1].start()));
        assert!(ann.mentions.iter().all(|m| m.text == "Kyiv"));
        let ids: HashSet<&str> = ann.mentions.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), 4);
        assert!(untagged_occurrences(text, &ann, "Kyiv").is_empty());
        assert_eq!(history.undo(&mut ann, text), Ok(true));
        assert_eq!(ann, before);
    }

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
    fn occurrences_count_code_points_after_wide_characters_and_see_overlaps() {
        // Offsets after 4-byte and 3-byte characters are code points, not bytes.
        let t = "🚀🚀 東京 aa aaa 東京’s";
        assert_eq!(
            whole_word_occurrences(t, "東京"),
            vec![Span::new(3, 5), Span::new(13, 15)]
        );
        // "aa" inside "aaa" is no whole word, overlapping or not.
        assert_eq!(whole_word_occurrences(t, "aa"), vec![Span::new(6, 8)]);
        assert_eq!(
            whole_word_occurrences("a-a-a", "a-a"),
            vec![Span::new(0, 3), Span::new(2, 5)]
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
