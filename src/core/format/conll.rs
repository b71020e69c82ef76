//! CoNLL-2003-style IOB2: `token<TAB>tag` per line, a blank line between sentences and
//! `-DOCSTART- O` before each document. Tokens and sentences follow [`crate::core::tokens`].
//!
//! IOB2 cannot nest, so the outermost, longest mention wins and the mentions inside or
//! across it are dropped. A mention whose edges do not fall on token edges, or that
//! crosses a sentence boundary, or that is discontinuous, cannot be aligned and is
//! dropped too. The report counts each kind of loss.

use std::fmt::Write as _;

use crate::core::model::Document;
use crate::core::tokens::{sentences_with, token_range, tokens};

use super::ExportReport;

pub fn export(documents: &[Document], report: &mut ExportReport) -> String {
    let mut out = String::new();
    for doc in documents {
        out.push_str("-DOCSTART- O\n\n");
        let toks = tokens(&doc.text);
        let sents = sentences_with(&doc.text, &toks);
        // The sentence of each token, to refuse spans that cross a boundary.
        let mut sentence_of = vec![0; toks.len()];
        for (n, s) in sents.iter().enumerate() {
            sentence_of[s.first_token..s.end_token].fill(n);
        }
        let mut tags: Vec<Option<(bool, &str)>> = vec![None; toks.len()];
        let mut order: Vec<_> = doc.annotations.mentions.iter().collect();
        // Longest first, then earliest: the outermost span claims its tokens.
        order.sort_by_key(|m| (std::cmp::Reverse(m.end() - m.start()), m.start()));
        for m in order {
            if m.fragments.len() != 1 {
                report.drop("discontinuous mentions", "IOB2 spans are contiguous", 1);
                continue;
            }
            let Some((first, end)) = token_range(&toks, m.start(), m.end()) else {
                report.drop(
                    "mentions",
                    "their edges are not token edges, so they cannot be aligned",
                    1,
                );
                continue;
            };
            if sentence_of[first] != sentence_of[end - 1] {
                report.drop("mentions", "they cross a sentence boundary", 1);
                continue;
            }
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
        for s in &sents {
            for t in s.first_token..s.end_token {
                let tag = match tags[t] {
                    Some((true, kind)) => format!("B-{kind}"),
                    Some((false, kind)) => format!("I-{kind}"),
                    None => "O".into(),
                };
                let _ = writeln!(out, "{}\t{tag}", toks[t].text(&doc.text));
            }
            out.push('\n');
        }
        report.drop(
            "events",
            "IOB2 carries entity mentions only",
            doc.annotations.events.len(),
        );
        report.drop(
            "relations",
            "IOB2 carries entity mentions only",
            doc.annotations.relations.len(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use crate::core::model::Document;

    const GOLDEN: &str = include_str!("../../../tests/fixtures/formats/strike.conll");

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
        let toks = tokens(&doc.text);
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
    fn unaligned_and_cross_sentence_mentions_are_reported() {
        let mut doc = Document::new("x", "Kyivan forces. Then Mr Trump left.");
        doc.annotations.mentions = vec![
            fixtures::mention("T1", "GPE", &[(0, 4)]),
            fixtures::mention("T2", "ORG", &[(7, 19)]),
        ];
        for m in &mut doc.annotations.mentions {
            m.text.clear();
        }
        let mut report = ExportReport::default();
        let out = export(&[doc], &mut report);
        assert!(!out.contains("B-"));
        assert_eq!(report.dropped("mentions"), 2);
        assert!(report
            .lines()
            .iter()
            .any(|l| l.contains("cross a sentence boundary")));
    }
}
