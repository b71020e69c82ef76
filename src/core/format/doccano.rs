//! doccano JSONL: one document per line, with entities and relations.
//!
//! Export writes `{"text", "title", "entities": [{id, start_offset, end_offset, label}],
//! "relations": [{id, from_id, to_id, type}]}`. A mention `T7` gets the entity id 7 and a
//! relation `R2` the id 2, so ids survive the round trip.
//!
//! Offsets are in the unit doccano's UI counts ([`OffsetUnit`]): UTF-16 code units (its
//! JavaScript string indices) by default, grapheme clusters for a project in doccano's
//! grapheme mode, or code points; import reads the same unit. A span edge inside a
//! grapheme cluster has no grapheme offset and is reported. The file is ASCII, every
//! other character written as a `\u` escape, so doccano's encoding guess (chardet on a
//! small file) cannot misread it.
//! doccano has no events, discontinuous spans, attributes, notes, links or clusters: those
//! are dropped and counted in the report.
//!
//! Import reads that form and doccano's span-only form `{"text", "label": [[s, e, "ORG"]]}`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{
    ascii_json, check_fragments, parse_json, settle, ExportReport, Flaw, ImportError,
    ImportOptions, ImportReport, Imported, InputFile, OffsetUnit, Problem,
};
use crate::core::model::{Annotations, Document, Mention, Relation, Span};
use crate::core::offsets::{OffsetIndex, UnitTable};
use crate::core::validate::Rule;

#[derive(Serialize, Deserialize)]
struct Entity {
    id: u64,
    start_offset: usize,
    end_offset: usize,
    label: String,
}

#[derive(Serialize, Deserialize)]
struct Link {
    id: u64,
    from_id: u64,
    to_id: u64,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Serialize, Deserialize)]
struct Line {
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default)]
    entities: Vec<Entity>,
    #[serde(default)]
    relations: Vec<Link>,
    /// The span-only form.
    #[serde(default, skip_serializing)]
    label: Vec<(usize, usize, String)>,
}

/// The number in an id such as `T7`, or a fresh one past every number in use.
fn numeric_ids<'a>(ids: impl Iterator<Item = &'a str> + Clone, prefix: &str) -> Vec<u64> {
    let mut used: BTreeSet<u64> = BTreeSet::new();
    let parsed: Vec<Option<u64>> = ids
        .map(|id| {
            id.strip_prefix(prefix)
                .and_then(|n| n.parse().ok())
                .filter(|n| used.insert(*n))
        })
        .collect();
    let mut next = used.last().map_or(1, |n| n + 1);
    parsed
        .into_iter()
        .map(|n| {
            n.unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

pub fn export(documents: &[Document], unit: OffsetUnit, report: &mut ExportReport) -> String {
    let mut out = String::new();
    for doc in documents {
        let ann = &doc.annotations;
        let table = UnitTable::new(&doc.text, unit);
        let ids = numeric_ids(ann.mentions.iter().map(|m| m.id.as_str()), "T");
        let mut number = BTreeMap::new();
        let mut entities = Vec::new();
        for (m, id) in ann.mentions.iter().zip(ids) {
            if m.fragments.len() != 1 {
                report.drop("discontinuous mentions", "doccano spans are contiguous", 1);
                continue;
            }
            let f = m.fragments[0];
            let (Some(start_offset), Some(end_offset)) =
                (table.from_cp(f.start), table.from_cp(f.end))
            else {
                report.drop(
                    "mentions",
                    "an edge falls inside a grapheme cluster, which grapheme offsets cannot name",
                    1,
                );
                continue;
            };
            number.insert(m.id.as_str(), id);
            entities.push(Entity {
                id,
                start_offset,
                end_offset,
                label: m.kind.clone(),
            });
        }
        let rel_ids = numeric_ids(ann.relations.iter().map(|r| r.id.as_str()), "R");
        let mut relations = Vec::new();
        for (r, id) in ann.relations.iter().zip(rel_ids) {
            match (number.get(r.arg1.as_str()), number.get(r.arg2.as_str())) {
                (Some(&from_id), Some(&to_id)) => relations.push(Link {
                    id,
                    from_id,
                    to_id,
                    kind: r.kind.clone(),
                }),
                _ => report.drop(
                    "relations",
                    "doccano relations link exported entities only",
                    1,
                ),
            }
        }
        report.drop("events", "doccano has no events", ann.events.len());
        report.drop(
            "coreference clusters",
            "doccano has no coreference",
            ann.entities.len(),
        );
        let attrs = ann
            .mentions
            .iter()
            .map(|m| m.attributes.len())
            .sum::<usize>()
            + ann
                .relations
                .iter()
                .map(|r| r.attributes.len())
                .sum::<usize>();
        report.drop("attributes", "doccano has no attributes", attrs);
        report.drop(
            "notes",
            "doccano has no notes",
            ann.mentions.iter().filter(|m| m.note.is_some()).count(),
        );
        report.drop(
            "normalisations",
            "doccano has no links to external resources",
            ann.mentions
                .iter()
                .filter(|m| m.normalization.is_some())
                .count(),
        );
        report.drop(
            "document labels",
            "Loupe writes doccano's entity form, without document labels",
            ann.labels.values().map(Vec::len).sum(),
        );
        let line = Line {
            text: doc.text.clone(),
            title: Some(doc.meta.title.clone()).filter(|t| !t.is_empty()),
            entities,
            relations,
            label: Vec::new(),
        };
        out.push_str(&ascii_json(
            &serde_json::to_string(&line).expect("a doccano line always serialises"),
        ));
        out.push('\n');
    }
    out
}

pub fn import(
    files: &[InputFile],
    options: ImportOptions,
    unit: OffsetUnit,
) -> Result<Imported, ImportError> {
    let mut documents = Vec::new();
    let mut report = ImportReport::default();
    for f in files {
        let content = f.utf8()?;
        let mut file_docs = Vec::new();
        let mut problems = Vec::new();
        for (n, raw) in content.lines().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            let line: Line = parse_json(
                &f.name,
                |_, column| format!("line {}, column {column}", n + 1),
                raw,
            )?;
            let mut doc = Document::new(line.title.as_deref().unwrap_or(""), &line.text);
            if doc.meta.title.is_empty() {
                doc.meta.title = format!("{} {}", f.stem(), n + 1);
            }
            doc.annotations = read_line(&f.name, n + 1, &line, unit, &mut problems);
            file_docs.push(doc);
        }
        settle(problems, options, &mut report)?;
        documents.extend(file_docs);
    }
    Ok(Imported {
        documents,
        schema: None,
        report,
    })
}

fn read_line(
    file: &str,
    line_no: usize,
    line: &Line,
    unit: OffsetUnit,
    problems: &mut Vec<Problem>,
) -> Annotations {
    let index = OffsetIndex::new(&line.text);
    let table = UnitTable::new(&line.text, unit);
    let mut out = Annotations::default();
    let mut problem = |place: String, flaw: Flaw| {
        problems.push(Problem::new(file, format!("line {line_no}, {place}"), flaw))
    };
    let spans = line
        .entities
        .iter()
        .map(|e| (e.id, e.start_offset, e.end_offset, e.label.as_str()))
        .chain(
            line.label
                .iter()
                .zip(1u64..)
                .map(|((s, e, l), id)| (id, *s, *e, l.as_str())),
        );
    for (id, start, end, label) in spans {
        let tid = format!("T{id}");
        if start.max(end) > table.len() {
            problem(
                format!("entity {id}"),
                Flaw::new(Rule::FragmentOutOfBounds, format!(
                    "its span {start}–{end} runs past the end of the text ({} {}); the offsets are for another text or another unit",
                    table.len(),
                    unit.name()
                )),
            );
            continue;
        }
        let (Some(start), Some(end)) = (table.to_cp(start), table.to_cp(end)) else {
            problem(
                format!("entity {id}"),
                Flaw::new(Rule::FragmentOutOfBounds, format!(
                    "its span {start}–{end} does not fall on {} offsets of the text; the file counts another unit (choose it with --offsets: utf16, graphemes or codepoints)",
                    unit.name()
                )),
            );
            continue;
        };
        let fragments = vec![Span::new(start, end)];
        if out.mention(&tid).is_some() {
            problem(
                format!("entity {id}"),
                Flaw::new(
                    Rule::DuplicateId,
                    "its id is used twice; give each entity its own id",
                ),
            );
            continue;
        }
        if let Err(flaw) = check_fragments(&line.text, &index, &fragments, None) {
            problem(format!("entity {id}"), flaw);
            continue;
        }
        out.mentions.push(Mention {
            id: tid,
            kind: label.to_owned(),
            text: index.slice(&line.text, start, end).unwrap_or("").to_owned(),
            fragments,
            attributes: BTreeMap::new(),
            normalization: None,
            note: None,
            entity: None,
        });
    }
    for r in &line.relations {
        let (from, to) = (format!("T{}", r.from_id), format!("T{}", r.to_id));
        let rid = format!("R{}", r.id);
        if out.relation(&rid).is_some() {
            problem(
                format!("relation {}", r.id),
                Flaw::new(
                    Rule::DuplicateId,
                    "its id is used twice; give each relation its own id",
                ),
            );
            continue;
        }
        let missing = [r.from_id, r.to_id]
            .into_iter()
            .find(|id| out.mention(&format!("T{id}")).is_none());
        if let Some(id) = missing {
            problem(
                format!("relation {}", r.id),
                Flaw::new(
                    Rule::MissingTarget,
                    format!("it refers to entity {id}, which is not on this line or was skipped; add it or remove the relation"),
                ),
            );
            continue;
        }
        out.relations.push(Relation {
            id: rid,
            kind: r.kind.clone(),
            arg1: from,
            arg2: to,
            attributes: BTreeMap::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{fixtures, import as import_any, Format};
    use super::*;

    const GOLDEN: &str = include_str!("../../../tests/fixtures/formats/strike.jsonl");

    #[test]
    fn golden_line_and_the_report_of_what_doccano_cannot_carry() {
        let mut report = ExportReport::default();
        assert_eq!(
            export(&[fixtures::document()], OffsetUnit::Utf16, &mut report),
            GOLDEN
        );
        assert_eq!(
            report.lines(),
            [
                "1 attributes dropped: doccano has no attributes",
                "1 discontinuous mentions dropped: doccano spans are contiguous",
                "1 events dropped: doccano has no events",
                "1 normalisations dropped: doccano has no links to external resources",
                "1 notes dropped: doccano has no notes",
            ]
        );
    }

    #[test]
    fn loupe_to_doccano_to_loupe_keeps_what_doccano_carries() {
        let doc = fixtures::document();
        let jsonl = export(
            std::slice::from_ref(&doc),
            OffsetUnit::Utf16,
            &mut ExportReport::default(),
        );
        let back = import_any(
            Format::Doccano,
            &[InputFile::new("c.jsonl", jsonl)],
            ImportOptions { strict: true },
        )
        .unwrap();
        let got = &back.documents[0];
        assert_eq!(got.text, doc.text);
        assert_eq!(got.meta.title, doc.meta.title);
        let carried: Vec<Mention> = doc
            .annotations
            .mentions
            .iter()
            .filter(|m| m.fragments.len() == 1)
            .map(|m| Mention {
                attributes: BTreeMap::new(),
                normalization: None,
                note: None,
                ..m.clone()
            })
            .collect();
        assert_eq!(got.annotations.mentions, carried);
        assert_eq!(got.annotations.relations, doc.annotations.relations);
    }

    /// A text with an astral emoji, curly quotes, a combining mark, CJK and CRLF, and one
    /// mention after each.
    fn tricky() -> Document {
        let text = "🚀 “Kyiv” e\u{301}Odesa 東京 said\r\nZelensky";
        let mut doc = Document::new("t", text);
        doc.annotations.mentions = ["Kyiv", "Odesa", "東京", "Zelensky"]
            .iter()
            .zip(1..)
            .map(|(q, n)| {
                let start = text[..text.find(q).unwrap()].chars().count();
                Mention::new(
                    format!("T{n}"),
                    "GPE",
                    vec![Span::new(start, start + q.chars().count())],
                    *q,
                )
            })
            .collect();
        doc
    }

    #[test]
    fn offsets_count_utf16_units_by_default_and_graphemes_or_code_points_on_request() {
        let doc = tricky();
        let starts = |unit| {
            let jsonl = export(
                std::slice::from_ref(&doc),
                unit,
                &mut ExportReport::default(),
            );
            let v: serde_json::Value = serde_json::from_str(jsonl.trim()).unwrap();
            v["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["start_offset"].as_u64().unwrap())
                .collect::<Vec<_>>()
        };
        // The rocket is 2 UTF-16 units, 1 code point, 1 grapheme; é is 2 code points, 1 grapheme;
        // CRLF is 2 code points, 1 grapheme.
        assert_eq!(starts(OffsetUnit::Utf16), [4, 12, 18, 27]);
        assert_eq!(starts(OffsetUnit::CodePoints), [3, 11, 17, 26]);
        assert_eq!(starts(OffsetUnit::Graphemes), [3, 10, 16, 24]);
        for unit in OffsetUnit::ALL {
            let jsonl = export(
                std::slice::from_ref(&doc),
                unit,
                &mut ExportReport::default(),
            );
            let back = import(
                &[InputFile::new("t.jsonl", jsonl)],
                ImportOptions { strict: true },
                unit,
            )
            .unwrap();
            assert_eq!(
                back.documents[0].annotations.mentions, doc.annotations.mentions,
                "{unit:?}"
            );
        }
    }

    #[test]
    fn a_span_edge_inside_a_grapheme_cannot_be_written_in_graphemes_and_is_reported() {
        let mut doc = Document::new("t", "e\u{301}x");
        doc.annotations.mentions = vec![Mention::new("T1", "X", vec![Span::new(0, 1)], "e")];
        let mut report = ExportReport::default();
        export(
            std::slice::from_ref(&doc),
            OffsetUnit::Graphemes,
            &mut report,
        );
        assert_eq!(report.dropped("mentions"), 1);
        let mut report = ExportReport::default();
        export(std::slice::from_ref(&doc), OffsetUnit::Utf16, &mut report);
        assert!(report.is_lossless());
    }

    #[test]
    fn the_file_is_ascii_with_escapes_that_json_reads_back() {
        let doc = tricky();
        let jsonl = export(
            std::slice::from_ref(&doc),
            OffsetUnit::Utf16,
            &mut ExportReport::default(),
        );
        assert!(jsonl.is_ascii(), "{jsonl}");
        assert!(
            jsonl.contains("\\ud83d\\ude80"),
            "the rocket as a surrogate pair: {jsonl}"
        );
        let v: serde_json::Value = serde_json::from_str(jsonl.trim()).unwrap();
        assert_eq!(v["text"], doc.text);
    }

    #[test]
    fn offsets_in_another_unit_are_named_on_import() {
        // UTF-16 offset 1 is inside the rocket's surrogate pair: no character starts there.
        let line = r#"{"text": "🚀 Kyiv", "entities": [{"id": 1, "start_offset": 1, "end_offset": 6, "label": "GPE"}]}"#;
        let err = import(
            &[InputFile::new("u.jsonl", line)],
            ImportOptions { strict: true },
            OffsetUnit::Utf16,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("does not fall on utf16 offsets"),
            "{err}"
        );
    }

    #[test]
    fn the_span_only_form_is_read_too() {
        let line = r#"{"text": "Sony 🚀 Kyiv", "label": [[0, 4, "ORG"], [8, 12, "GPE"]]}"#;
        let back = import_any(
            Format::Doccano,
            &[InputFile::new("l.jsonl", line)],
            ImportOptions::default(),
        )
        .unwrap();
        let m = &back.documents[0].annotations.mentions;
        assert_eq!((m[1].text.as_str(), m[1].kind.as_str()), ("Kyiv", "GPE"));
    }

    #[test]
    fn bad_entities_and_dangling_relations_are_reported_by_line_and_id() {
        let jsonl = concat!(
            r#"{"text": "Sony sold", "entities": [{"id": 1, "start_offset": 0, "end_offset": 4, "label": "ORG"}, {"id": 2, "start_offset": 5, "end_offset": 99, "label": "X"}, {"id": 1, "start_offset": 0, "end_offset": 4, "label": "ORG"}], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "r"}]}"#,
            "\n",
            r#"{"text": "ab", "entities": [{"id": 1, "start_offset": 2, "end_offset": 1, "label": "X"}]}"#,
            "\n"
        );
        let input = [InputFile::new("bad.jsonl", jsonl)];
        let err = import_any(Format::Doccano, &input, ImportOptions { strict: true }).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("bad.jsonl, line 1, entity 2: its span 5–99 runs past the end"),
            "{text}"
        );
        assert!(
            text.contains("line 1, entity 1: its id is used twice"),
            "{text}"
        );
        assert!(
            text.contains("line 1, relation 1: it refers to entity 2"),
            "{text}"
        );
        assert!(
            text.contains("line 2, entity 1: its span ends (1) before it starts (2)"),
            "{text}"
        );
        let lenient = import_any(Format::Doccano, &input, ImportOptions::default()).unwrap();
        assert_eq!(lenient.documents.len(), 2);
        assert_eq!(lenient.documents[0].annotations.mentions.len(), 1);
        assert_eq!(lenient.report.skipped.len(), 4);
    }

    #[test]
    fn a_truncated_line_names_its_line_and_column() {
        let err = import_any(
            Format::Doccano,
            &[InputFile::new(
                "t.jsonl",
                "{\"text\": \"a\"}\n{\"text\": \"b",
            )],
            ImportOptions::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("t.jsonl, line 2, column"),
            "{err}"
        );
    }
}
