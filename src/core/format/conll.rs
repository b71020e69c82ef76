//! CoNLL-2003-style IOB2: `token<TAB>tag` per line, a blank line between sentences and
//! the CoNLL-2003 document break `-DOCSTART- -X- O O` before each document, the line
//! spaCy's `spacy convert --converter ner` and other CoNLL readers take as a break.
//! Tokens and sentences follow [`crate::core::tokens::annotated`], which splits at every
//! mention edge and joins sentences a mention crosses, so no mention is lost to
//! tokenisation.
//!
//! IOB2 cannot nest, so the outermost, longest mention wins and the mentions inside or
//! across it are dropped; a discontinuous mention cannot be written either. The report
//! counts each kind of loss.

use crate::core::sort;
use std::fmt::Write as _;

use crate::core::model::Document;
use crate::core::tokens::{annotated, Tokenized};

use super::ExportReport;

/// The CoNLL-2003 document break.
pub const DOCSTART: &str = "-DOCSTART- -X- O O";

/// The IOB2 tag of every token, (is the first token, type), or `None` for `O`, with the
/// losses counted in `report`. Shared by the token formats that carry entity tags.
pub fn tags<'d>(
    doc: &'d Document,
    toks: &Tokenized,
    report: &mut ExportReport,
) -> Vec<Option<(bool, &'d str)>> {
    let mut tags: Vec<Option<(bool, &str)>> = vec![None; toks.tokens.len()];
    let mut order: Vec<_> = doc.annotations.mentions.iter().collect();
    // Longest first, then earliest: the outermost span claims its tokens.
    sort::sort_by_key(&mut order, |m| {
        (std::cmp::Reverse(m.end() - m.start()), m.start())
    });
    for m in order {
        if m.fragments.len() != 1 {
            report.drop("discontinuous mentions", "IOB2 spans are contiguous", 1);
            continue;
        }
        let Some((first, end)) = toks.range(m.start(), m.end()) else {
            report.drop("mentions", "they cover no token of one sentence", 1);
            continue;
        };
        if tags[first..end].iter().any(Option::is_some) {
            report.drop(
                "mentions",
                "they are nested in or overlap a longer mention (IOB2 cannot nest)",
                1,
            );
            continue;
        }
        tags[first] = Some((true, &m.kind));
        for tag in &mut tags[first + 1..end] {
            *tag = Some((false, &m.kind));
        }
    }
    tags
}

/// A tag as IOB2 writes it.
pub fn tag_name(tag: Option<(bool, &str)>) -> String {
    match tag {
        Some((true, kind)) => format!("B-{kind}"),
        Some((false, kind)) => format!("I-{kind}"),
        None => "O".into(),
    }
}

pub fn export(documents: &[Document], report: &mut ExportReport) -> String {
    let mut out = String::new();
    for doc in documents {
        let _ = writeln!(out, "{DOCSTART}\n");
        let toks = annotated(&doc.text, &doc.annotations);
        let tags = tags(doc, &toks, report);
        for s in &toks.sentences {
            let range = s.first_token..s.end_token;
            for (t, tag) in toks.tokens[range.clone()].iter().zip(&tags[range]) {
                let _ = writeln!(out, "{}\t{}", t.text(&doc.text), tag_name(*tag));
            }
            out.push('\n');
        }
        drop_events_and_relations(doc, "IOB2 carries entity mentions only", report);
    }
    out
}

/// Count a document's events and relations as dropped, for formats of entity tags only.
pub fn drop_events_and_relations(doc: &Document, why: &str, report: &mut ExportReport) {
    report.drop("events", why, doc.annotations.events.len());
    report.drop("relations", why, doc.annotations.relations.len());
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::fixtures;
    use super::*;
    use crate::core::model::{Document, Mention, Span};

    const GOLDEN: &str = include_str!("../../../tests/fixtures/formats/strike.conll");

    /// News text full of possessives, clitics and hyphens, with its mentions: the words
    /// that UAX #29 alone keeps whole ("Putin’s", "Ukraine's", "Kyiv-based" is split by
    /// it already, "Kyivan" is not).
    pub(crate) fn news() -> Document {
        let text = "Vladimir Putin’s forces hit Ukraine's grid, the US president’s envoy said. \
Kyivan officials didn't say how the pro-Russian units and Kyiv-based crews fought.\r\n\
Zelensky’s aide called it Moscow's war.";
        let mut doc = Document::new("news", text);
        let spans = [
            ("T1", "PER", "Vladimir Putin"),
            ("T2", "GPE", "Ukraine"),
            ("T3", "PER", "the US president"),
            ("T4", "GPE", "US"),
            ("T5", "GPE", "Kyiv"),
            ("T6", "GPE", "Russian"),
            ("T7", "GPE", "Kyiv-based"),
            ("T8", "PER", "Zelensky"),
            ("T9", "PER", "Zelensky’s aide"),
            ("T10", "GPE", "Moscow"),
        ];
        doc.annotations.mentions = spans
            .iter()
            .map(|(id, kind, quote)| {
                let byte = text.find(quote).unwrap();
                let start = text[..byte].chars().count();
                let end = start + quote.chars().count();
                Mention::new(*id, *kind, vec![Span::new(start, end)], *quote)
            })
            .collect();
        doc
    }

    #[test]
    fn no_mention_of_news_text_is_dropped_for_a_token_reason() {
        let doc = news();
        let mut report = ExportReport::default();
        let out = export(std::slice::from_ref(&doc), &mut report);
        // Only nesting (US in "the US president", Zelensky in "Zelensky’s aide") costs
        // mentions in IOB2, and the report says so.
        assert_eq!(
            report.lines(),
            ["2 mentions dropped: they are nested in or overlap a longer mention (IOB2 cannot nest)"]
        );
        let lines: Vec<&str> = out.lines().collect();
        for wanted in [
            "Vladimir\tB-PER",
            "Putin\tI-PER",
            "’s\tO",
            "Ukraine\tB-GPE",
            "'s\tO",
            "president\tI-PER",
            "Kyiv\tB-GPE",
            "an\tO",
            "did\tO",
            "n't\tO",
            "Russian\tB-GPE",
            "-\tI-GPE",
            "based\tI-GPE",
            "Moscow\tB-GPE",
        ] {
            assert!(lines.contains(&wanted), "{wanted:?} in\n{out}");
        }
    }

    #[test]
    fn documents_open_with_the_conll_2003_break() {
        let docs = [news(), fixtures::document()];
        let out = export(&docs, &mut ExportReport::default());
        assert!(out.starts_with("-DOCSTART- -X- O O\n\n"), "{out}");
        assert_eq!(out.matches("-DOCSTART- -X- O O\n").count(), 2);
        assert!(!out.contains("-DOCSTART- O\n"));
    }

    #[test]
    fn golden_file_with_the_outermost_span_winning() {
        let mut report = ExportReport::default();
        assert_eq!(export(&[fixtures::document()], &mut report), GOLDEN);
        assert_eq!(
            report.lines(),
            [
                "1 discontinuous mentions dropped: IOB2 spans are contiguous",
                "1 events dropped: IOB2 carries entity mentions only",
                "1 mentions dropped: they are nested in or overlap a longer mention (IOB2 cannot nest)",
                "1 relations dropped: IOB2 carries entity mentions only",
            ]
        );
    }

    #[test]
    fn written_tags_read_back_as_the_same_spans() {
        // Reading the golden file's tags back over its tokens gives the kept mentions.
        let doc = fixtures::document();
        let toks = annotated(&doc.text, &doc.annotations).tokens;
        let tags: Vec<&str> = GOLDEN
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with("-DOCSTART-"))
            .map(|l| l.split('\t').nth(1).unwrap())
            .collect();
        assert_eq!(tags.len(), toks.len());
        let mut spans = Vec::new();
        for (i, tag) in tags.iter().enumerate() {
            if let Some(kind) = tag.strip_prefix("B-") {
                let mut end = i + 1;
                while tags.get(end) == Some(&format!("I-{kind}").as_str()) {
                    end += 1;
                }
                spans.push((toks[i].start, toks[end - 1].end, kind.to_owned()));
            }
        }
        let kept: Vec<_> = doc
            .annotations
            .mentions
            .iter()
            .filter(|m| m.id != "T2" && m.id != "T7")
            .map(|m| (m.start(), m.end(), m.kind.clone()))
            .collect();
        assert_eq!(spans, kept);
    }

    #[test]
    fn a_word_part_and_a_span_across_a_sentence_break_are_written() {
        let text = "Kyivan forces. Then Mr Trump left.";
        let mut doc = Document::new("x", text);
        doc.annotations.mentions = vec![
            Mention::new("T1", "GPE", vec![Span::new(0, 4)], "Kyiv"),
            Mention::new("T2", "ORG", vec![Span::new(7, 19)], "forces. Then"),
        ];
        let mut report = ExportReport::default();
        let out = export(&[doc], &mut report);
        assert!(report.is_lossless(), "{:?}", report.lines());
        assert!(
            out.contains("Kyiv\tB-GPE\nan\tO\nforces\tB-ORG\n.\tI-ORG\nThen\tI-ORG\n"),
            "{out}"
        );
    }
}
