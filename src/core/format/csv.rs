//! CSV, one row per span fragment and per argument, for spreadsheets and pandas.
//!
//! Columns: `document,title,id,kind,type,fragment,start,end,text,role,argument`. A mention
//! or an event has one row per fragment of its span (`fragment` 1, 2, … with that
//! fragment's code point offsets and text), so a discontinuous span never reads as one
//! range over the text between its parts; each event argument and each relation argument
//! is a row of kind `argument` under its event or relation, with the role and the
//! argument's id. Fields are quoted as RFC 4180 says: when they hold a comma, a quote or
//! a line break, with quotes doubled. Lines end in CRLF, as RFC 4180 asks.

use std::fmt::Write as _;

use crate::core::model::{Document, Span};
use crate::core::offsets::OffsetIndex;

use super::ExportReport;

pub const HEADER: [&str; 11] = [
    "document", "title", "id", "kind", "type", "fragment", "start", "end", "text", "role",
    "argument",
];

fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn row(out: &mut String, fields: [&str; 11]) {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    let _ = write!(out, "{}\r\n", line.join(","));
}

/// The rows of one span: (fragment number, start, end, text).
fn fragment_rows<'t>(
    text: &'t str,
    index: &OffsetIndex,
    fragments: &[Span],
) -> Vec<(String, String, String, &'t str)> {
    fragments
        .iter()
        .zip(1..)
        .map(|(f, n)| {
            (
                n.to_string(),
                f.start.to_string(),
                f.end.to_string(),
                index.slice(text, f.start, f.end).unwrap_or(""),
            )
        })
        .collect()
}

pub fn export(documents: &[Document], report: &mut ExportReport) -> String {
    let mut out = String::new();
    row(&mut out, HEADER);
    for doc in documents {
        let (d, title) = (doc.meta.id.as_str(), doc.meta.title.as_str());
        let ann = &doc.annotations;
        let index = OffsetIndex::new(&doc.text);
        let spans = ann
            .mentions
            .iter()
            .map(|m| (&m.id, "mention", &m.kind, &m.fragments))
            .chain(
                ann.events
                    .iter()
                    .map(|e| (&e.id, "event", &e.kind, &e.trigger)),
            );
        for (id, kind, kind_type, fragments) in spans {
            for (n, s, e, text) in fragment_rows(&doc.text, &index, fragments) {
                row(
                    &mut out,
                    [d, title, id, kind, kind_type, &n, &s, &e, text, "", ""],
                );
            }
        }
        for ev in &ann.events {
            for a in &ev.arguments {
                row(
                    &mut out,
                    [
                        d, title, &ev.id, "argument", &ev.kind, "", "", "", "", &a.role, &a.target,
                    ],
                );
            }
        }
        for r in &ann.relations {
            row(
                &mut out,
                [d, title, &r.id, "relation", &r.kind, "", "", "", "", "", ""],
            );
            for (role, target) in [("Arg1", &r.arg1), ("Arg2", &r.arg2)] {
                row(
                    &mut out,
                    [
                        d, title, &r.id, "argument", &r.kind, "", "", "", "", role, target,
                    ],
                );
            }
        }
        report.drop(
            "attributes, notes and links",
            "the CSV has one row per span fragment and no column for them",
            ann.mentions
                .iter()
                .map(|m| {
                    m.attributes.len()
                        + usize::from(m.note.is_some())
                        + usize::from(m.normalization.is_some())
                })
                .chain(
                    ann.events
                        .iter()
                        .map(|e| e.attributes.len() + usize::from(e.note.is_some())),
                )
                .sum(),
        );
        report.drop(
            "coreference clusters",
            "the CSV has no column for them",
            ann.entities.len(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use crate::core::model::Mention;

    const GOLDEN: &str = include_str!("../../../tests/fixtures/formats/strike.csv");

    /// A small RFC 4180 reader, to check that what is written reads back.
    fn parse(csv: &str) -> Vec<Vec<String>> {
        let mut rows = vec![];
        let mut row = vec![];
        let mut field = String::new();
        let mut chars = csv.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') => {}
                (false, '\n') => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => field.push(c),
            }
        }
        rows
    }

    #[test]
    fn a_discontinuous_span_is_one_row_per_fragment_with_its_own_text() {
        let rows = parse(&export(
            &[fixtures::document()],
            &mut ExportReport::default(),
        ));
        let america: Vec<&Vec<String>> = rows.iter().filter(|r| r[2] == "T7").collect();
        assert_eq!(america.len(), 2);
        assert_eq!(
            (
                america[0][5].as_str(),
                america[0][6].as_str(),
                america[0][7].as_str(),
                america[0][8].as_str()
            ),
            ("1", "75", "80", "North")
        );
        assert_eq!(
            (
                america[1][5].as_str(),
                america[1][6].as_str(),
                america[1][7].as_str(),
                america[1][8].as_str()
            ),
            ("2", "91", "98", "America")
        );
        assert!(rows.iter().skip(1).all(|r| r[1] == "Strike report"));
    }

    #[test]
    fn golden_file_has_one_row_per_annotation_and_argument() {
        let mut report = ExportReport::default();
        let csv = export(&[fixtures::document()], &mut report);
        assert_eq!(csv, GOLDEN);
        assert_eq!(report.dropped("attributes, notes and links"), 4);
    }

    #[test]
    fn quoting_survives_commas_quotes_and_line_breaks() {
        let rows = parse(GOLDEN);
        assert_eq!(rows[0], HEADER);
        let drones = rows.iter().find(|r| r[2] == "T5").unwrap();
        assert_eq!(drones[8], "8,400 drones");
        let doc = fixtures::document();
        assert_eq!(rows.len(), 1 + 8 + 1 + 4 + 3);
        assert!(rows
            .iter()
            .all(|r| r.len() == 11 && r[0] == doc.meta.id || r[0] == "document"));
        let text = "He said \"no, never\"\nthen left.";
        let mut tricky = Document::new("t, \"quoted\"", text);
        tricky.annotations.mentions = vec![Mention::new("T1", "X", vec![Span::new(3, 24)], "")];
        let rows = parse(&export(&[tricky], &mut ExportReport::default()));
        assert_eq!(rows[1][8], "said \"no, never\"\nthen");
        assert_eq!(rows[1][1], "t, \"quoted\"");
    }
}
