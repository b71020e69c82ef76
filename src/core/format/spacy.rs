//! spaCy: a JSON list of documents, each as `Doc.to_json` writes it, so that
//! `Doc(nlp.vocab).from_json(d, validate=True)` reads it back and a `DocBin` saves it.
//!
//! - `tokens` are Loupe's tokens ([`crate::core::tokens::annotated`]) with the whitespace
//!   between them as spaCy keeps it: one plain space after a token is its `whitespace_`,
//!   any other whitespace (a line break, a second space) is a token of its own. That is
//!   exactly what `Doc.from_json` rebuilds from the text, so it accepts the tokens.
//! - `ents` are the mentions that fit spaCy's entity layer: contiguous and not nested in
//!   or overlapping a longer one (the outermost wins, as in CoNLL).
//! - `spans["sc"]` (the span categorizer's default group) holds every contiguous mention,
//!   nested ones too, with its normalisation as `kb_id`; `spans["triggers"]` holds the
//!   event triggers, labelled with the event type.
//! - `sents` are Loupe's sentences; `cats` the document labels (1.0 each). The list is in
//!   corpus order; titles are not written, since `Doc.from_json` fails on custom (`_`)
//!   attributes that the reader has not registered.
//! - Offsets are code points, which are Python `str` indices, as spaCy counts.
//!
//! spaCy has no place for event arguments, relations, discontinuous spans or attributes:
//! the report counts them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::model::{Document, Span};
use crate::core::tokens::{annotated, Token};

use super::ExportReport;

#[derive(Serialize)]
struct TokenJson {
    id: usize,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct Ent<'a> {
    start: usize,
    end: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct SpanJson<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    kb_id: String,
}

#[derive(Serialize)]
struct Range {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct DocJson<'a> {
    text: &'a str,
    ents: Vec<Ent<'a>>,
    sents: Vec<Range>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    cats: BTreeMap<&'a str, f64>,
    tokens: Vec<TokenJson>,
    spans: BTreeMap<&'static str, Vec<SpanJson<'a>>>,
}

/// spaCy's tokens for `text`: Loupe's tokens, plus a token for each run of whitespace
/// that is not the single space spaCy attaches to the token before it.
pub fn spacy_tokens(text: &str, toks: &[Token]) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(toks.len() + 8);
    let mut pos = 0;
    for t in toks {
        if t.start > pos {
            out.push(Token {
                start: pos,
                end: t.start,
            });
        }
        out.push(*t);
        pos = t.end;
        if chars.get(pos) == Some(&' ') {
            pos += 1;
        }
    }
    if pos < chars.len() {
        out.push(Token {
            start: pos,
            end: chars.len(),
        });
    }
    out
}

fn document<'d>(doc: &'d Document, report: &mut ExportReport) -> DocJson<'d> {
    let ann = &doc.annotations;
    let toks = annotated(&doc.text, ann);
    let mut layer = ExportReport::default();
    let tags = super::conll::tags(doc, &toks, &mut layer);
    report.drop(
        "discontinuous mentions",
        "a spaCy span is contiguous",
        layer.dropped("discontinuous mentions"),
    );
    report.note(
        "mentions left out of ents",
        "they nest in or overlap a longer one, which spaCy's entity layer cannot hold; spans[\"sc\"] has them",
        layer.dropped("mentions"),
    );
    // Entities: the runs of B-/I- tags, as in the CoNLL export.
    let mut ents = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if let Some((true, kind)) = tags[i] {
            let mut end = i + 1;
            while matches!(tags.get(end), Some(Some((false, k))) if *k == kind) {
                end += 1;
            }
            ents.push(Ent {
                start: toks.tokens[i].start,
                end: toks.tokens[end - 1].end,
                label: kind,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    let span = |f: &Span, label: &'d str, kb_id: String| SpanJson {
        start: f.start,
        end: f.end,
        label,
        kb_id,
    };
    let mut mentions = Vec::new();
    for m in ann.mentions.iter().filter(|m| m.fragments.len() == 1) {
        let kb = m
            .normalization
            .as_ref()
            .map_or_else(String::new, |n| format!("{}:{}", n.resource, n.id));
        mentions.push(span(&m.fragments[0], &m.kind, kb));
    }
    let mut triggers = Vec::new();
    for e in &ann.events {
        match e.trigger.as_slice() {
            [f] => triggers.push(span(f, &e.kind, String::new())),
            _ => report.drop("events", "a spaCy span is contiguous", 1),
        }
    }
    report.drop(
        "event arguments",
        "a spaCy Doc has no links between spans",
        ann.events.iter().map(|e| e.arguments.len()).sum(),
    );
    report.drop(
        "relations",
        "a spaCy Doc has no links between spans",
        ann.relations.len(),
    );
    report.drop(
        "coreference clusters",
        "Loupe writes no spaCy coreference groups",
        ann.entities.len(),
    );
    report.drop(
        "attributes",
        "spaCy spans carry a label only",
        ann.mentions
            .iter()
            .map(|m| m.attributes.len())
            .chain(ann.events.iter().map(|e| e.attributes.len()))
            .sum(),
    );
    let mut spans = BTreeMap::new();
    spans.insert("sc", mentions);
    spans.insert("triggers", triggers);
    let tokens = spacy_tokens(&doc.text, &toks.tokens)
        .into_iter()
        .enumerate()
        .map(|(id, t)| TokenJson {
            id,
            start: t.start,
            end: t.end,
        })
        .collect();
    let cats = ann
        .labels
        .values()
        .flatten()
        .map(|l| (l.as_str(), 1.0))
        .collect();
    DocJson {
        text: &doc.text,
        ents,
        sents: toks
            .sentences
            .iter()
            .map(|s| Range {
                start: s.start,
                end: s.end,
            })
            .collect(),
        cats,
        tokens,
        spans,
    }
}

/// The documents as a JSON list of `Doc.to_json` objects.
pub fn export(documents: &[Document], report: &mut ExportReport) -> String {
    let docs: Vec<DocJson> = documents.iter().map(|d| document(d, report)).collect();
    let mut out = serde_json::to_string_pretty(&docs).expect("spaCy JSON always serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use serde_json::Value;

    #[test]
    fn tokens_keep_whitespace_as_spacy_rebuilds_it() {
        let text = "  Kyiv  said\r\nyes. ";
        let toks = crate::core::tokens::tokens(text);
        let spaced: Vec<&str> = spacy_tokens(text, &toks)
            .iter()
            .map(|t| t.text(text))
            .collect();
        // A single space after a token is its whitespace; any other run is a token.
        assert_eq!(spaced, ["  ", "Kyiv", " ", "said", "\r\n", "yes", "."]);
    }

    #[test]
    fn entities_spans_triggers_and_what_spacy_cannot_hold() {
        let mut report = ExportReport::default();
        let json = export(&[fixtures::document()], &mut report);
        let v: Value = serde_json::from_str(&json).unwrap();
        let doc = &v[0];
        let text = doc["text"].as_str().unwrap();
        let slice = |o: &Value| {
            let (s, e) = (
                o["start"].as_u64().unwrap() as usize,
                o["end"].as_u64().unwrap() as usize,
            );
            text.chars().skip(s).take(e - s).collect::<String>()
        };
        let ents: Vec<String> = doc["ents"].as_array().unwrap().iter().map(slice).collect();
        assert_eq!(
            ents,
            [
                "Russian forces",
                "Kyiv",
                "Odesa",
                "8,400 drones",
                "Mr Zelensky"
            ]
        );
        // Every contiguous mention, the nested "Russian" too, is in the span group.
        assert_eq!(doc["spans"]["sc"].as_array().unwrap().len(), 6);
        assert_eq!(doc["spans"]["sc"][2]["kb_id"], "Wikidata:Q1899");
        assert_eq!(slice(&doc["spans"]["triggers"][0]), "struck");
        // Tokens tile the text but for the single spaces.
        let toks = doc["tokens"].as_array().unwrap();
        assert_eq!(slice(&toks[0]), "🚀");
        assert!(toks.iter().any(|t| slice(t) == "\n"));
        assert_eq!(report.dropped("event arguments"), 4);
        assert_eq!(report.dropped("relations"), 1);
        assert_eq!(report.dropped("discontinuous mentions"), 1);
    }
}
