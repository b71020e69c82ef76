//! CSV, one row per annotation, for spreadsheets and pandas.
//!
//! Columns: `document,id,kind,type,start,end,text,role,argument`. A mention or an event
//! row gives its span (a discontinuous span gives its first start and last end, and its
//! fragments' text joined by one space); each event argument and each relation argument
//! is a row of kind `argument` under its event or relation, with the role and the
//! argument's id. Fields are quoted as RFC 4180 says: when they hold a comma, a quote or
//! a line break, with quotes doubled. Lines end in CRLF, as RFC 4180 asks.

use std::fmt::Write as _;

use crate::core::model::Document;

use super::ExportReport;

pub const HEADER: [&str; 9] = [
    "document", "id", "kind", "type", "start", "end", "text", "role", "argument",
];

fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn row(out: &mut String, fields: [&str; 9]) {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    let _ = write!(out, "{}\r\n", line.join(","));
}

pub fn export(documents: &[Document], report: &mut ExportReport) -> String {
    let mut out = String::new();
    row(&mut out, HEADER);
    for doc in documents {
        let d = doc.meta.id.as_str();
        let ann = &doc.annotations;
        for m in &ann.mentions {
            let (s, e) = (m.start().to_string(), m.end().to_string());
            row(
                &mut out,
                [d, &m.id, "mention", &m.kind, &s, &e, &m.text, "", ""],
            );
        }
        for ev in &ann.events {
            let s = ev
                .trigger
                .iter()
                .map(|f| f.start)
                .min()
                .unwrap_or(0)
                .to_string();
            let e = ev
                .trigger
                .iter()
                .map(|f| f.end)
                .max()
                .unwrap_or(0)
                .to_string();
            row(
                &mut out,
                [
                    d,
                    &ev.id,
                    "event",
                    &ev.kind,
                    &s,
                    &e,
                    &ev.trigger_text,
                    "",
                    "",
                ],
            );
            for a in &ev.arguments {
                row(
                    &mut out,
                    [
                        d, &ev.id, "argument", &ev.kind, "", "", "", &a.role, &a.target,
                    ],
                );
            }
        }
        for r in &ann.relations {
            row(
                &mut out,
                [d, &r.id, "relation", &r.kind, "", "", "", "", ""],
            );
            row(
                &mut out,
                [d, &r.id, "argument", &r.kind, "", "", "", "Arg1", &r.arg1],
            );
            row(
                &mut out,
                [d, &r.id, "argument", &r.kind, "", "", "", "Arg2", &r.arg2],
            );
        }
        report.drop(
            "attributes, notes and links",
            "the CSV has one row per annotation and no column for them",
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
        let drones = rows.iter().find(|r| r[1] == "T5").unwrap();
        assert_eq!(drones[6], "8,400 drones");
        let doc = fixtures::document();
        assert_eq!(rows.len(), 1 + 7 + 1 + 4 + 3);
        assert!(rows
            .iter()
            .all(|r| r.len() == 9 && r[0] == doc.meta.id || r[0] == "document"));
        let mut tricky = Document::new("t", "He said \"no, never\"\nthen left.");
        tricky.annotations.mentions = vec![fixtures::mention("T1", "X", &[(0, 1)])];
        tricky.annotations.mentions[0].text = "said \"no, never\"\nthen".into();
        let rows = parse(&export(&[tricky], &mut ExportReport::default()));
        assert_eq!(rows[1][6], "said \"no, never\"\nthen");
    }
}
