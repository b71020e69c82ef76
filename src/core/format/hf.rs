//! Hugging Face token classification: JSON Lines, one sentence a line, as the `datasets`
//! library's `json` loader reads it, plus the label list.
//!
//! - `corpus.hf.jsonl`: `{"id", "document", "tokens": [...], "ner_tags": ["B-PER", "O", ...]}`,
//!   the tags as strings (IOB2), with tokens and sentences from
//!   [`crate::core::tokens::annotated`], as in the CoNLL export.
//! - `labels.json`: `["O", "B-GPE", "I-GPE", ...]`, every tag in the order a `ClassLabel`
//!   takes it (`O` first, then `B-`/`I-` per type in the schema's order, then any type
//!   the schema lacks), so `ner_tags` can be cast to label ids.
//!
//! Like IOB2, it cannot nest or hold discontinuous spans, events or relations: the report
//! counts them.

use serde::Serialize;

use crate::core::model::Document;
use crate::core::schema::Schema;
use crate::core::tokens::annotated;

use super::conll::{drop_events_and_relations, tag_name, tags};
use super::{file_stem, ExportReport, OutFile};

#[derive(Serialize)]
struct Line<'a> {
    id: String,
    document: &'a str,
    tokens: Vec<&'a str>,
    ner_tags: Vec<String>,
}

/// The label list: `O`, then `B-`/`I-` of every entity type of the schema, then of any
/// other type the documents use.
pub fn labels(documents: &[Document], schema: &Schema) -> Vec<String> {
    let mut types: Vec<&str> = schema
        .entity_types
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    for m in documents.iter().flat_map(|d| &d.annotations.mentions) {
        if !types.contains(&m.kind.as_str()) {
            types.push(&m.kind);
        }
    }
    std::iter::once("O".to_owned())
        .chain(
            types
                .iter()
                .flat_map(|t| [format!("B-{t}"), format!("I-{t}")]),
        )
        .collect()
}

pub fn export(documents: &[Document], schema: &Schema, report: &mut ExportReport) -> Vec<OutFile> {
    let mut out = String::new();
    let mut used = Default::default();
    for doc in documents {
        let name = file_stem(doc, &mut used);
        let toks = annotated(&doc.text, &doc.annotations);
        let tags = tags(doc, &toks, report);
        for (n, s) in toks.sentences.iter().enumerate() {
            let range = s.first_token..s.end_token;
            let line = Line {
                id: format!("{name}-{n}"),
                document: &doc.meta.title,
                tokens: toks.tokens[range.clone()]
                    .iter()
                    .map(|t| t.text(&doc.text))
                    .collect(),
                ner_tags: tags[range].iter().map(|t| tag_name(*t)).collect(),
            };
            out.push_str(&serde_json::to_string(&line).expect("a line always serialises"));
            out.push('\n');
        }
        drop_events_and_relations(
            doc,
            "token classification carries entity mentions only",
            report,
        );
    }
    let mut labels =
        serde_json::to_string_pretty(&labels(documents, schema)).expect("labels serialise");
    labels.push('\n');
    vec![
        OutFile::text("corpus.hf.jsonl", out),
        OutFile::text("labels.json", labels),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use serde_json::Value;

    #[test]
    fn one_line_per_sentence_with_string_tags_and_every_tag_in_the_label_list() {
        let mut report = ExportReport::default();
        let files = export(&[fixtures::document()], &Schema::ace2005(), &mut report);
        let jsonl = String::from_utf8(files[0].bytes.clone()).unwrap();
        let labels: Vec<String> = serde_json::from_slice(&files[1].bytes).unwrap();
        assert_eq!(labels[..3], ["O", "B-PER", "I-PER"]);
        let lines: Vec<Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["id"], "Strike-report-0");
        assert_eq!(lines[0]["tokens"][1], "Russian");
        assert_eq!(lines[0]["ner_tags"][1], "B-ORG");
        for line in &lines {
            let tags = line["ner_tags"].as_array().unwrap();
            assert_eq!(tags.len(), line["tokens"].as_array().unwrap().len());
            assert!(tags.iter().all(|t| labels.iter().any(|l| l == t)));
        }
        assert_eq!(report.dropped("discontinuous mentions"), 1);
        assert_eq!(report.dropped("events"), 1);
    }

    #[test]
    fn types_outside_the_schema_still_get_labels() {
        let mut doc = Document::new("t", "Acme rose.");
        doc.annotations.mentions = vec![crate::core::model::Mention::new(
            "T1",
            "COMPANY",
            vec![crate::core::model::Span::new(0, 4)],
            "Acme",
        )];
        assert_eq!(
            labels(&[doc], &Schema::empty()),
            ["O", "B-COMPANY", "I-COMPANY"]
        );
    }
}
