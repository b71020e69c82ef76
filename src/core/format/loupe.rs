//! The native format, "loupe/1": one JSON file holding a corpus of one or more documents,
//! each with its text and every annotation, plus the schema they follow and the
//! annotator's name. Offsets are code points, half-open. `schemas/loupe-1.schema.json`
//! describes the format.
//!
//! Key order is fixed by the struct field order and `BTreeMap`s, so a file Loupe wrote
//! survives `serialize(parse(file)) == file`. Older versions go through [`migrate`].
//!
//! ```
//! use loupe::core::format::loupe as native;
//! use loupe::core::model::Document;
//! let json = native::to_json(&[Document::new("A", "Some text.")], "me");
//! let back = native::from_json(&json).unwrap();
//! assert_eq!(back.documents[0].text, "Some text.");
//! assert_eq!(back.schema.unwrap().name, "ACE 2005 (news)");
//! assert_eq!(native::serialize(&native::from_json(&json).unwrap()), json);
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::{
    check_json_depth, Flaw, ImportError, ImportOptions, ImportReport, Imported, InputFile, Problem,
};
use crate::core::edit::drop_invalid;
use crate::core::model::{
    fragments_text, sha256_hex, Annotations, Document, DocumentMeta, Entity, Event, Id, Mention,
    Relation, Stamp, Status,
};
use crate::core::schema::{Schema, SchemaError};
use crate::core::validate::{validate, Rule};

pub const FORMAT: &str = "loupe";
pub const FORMAT_VERSION: u32 = 1;

/// A document as written: borrowed, so exporting a large corpus copies nothing.
#[derive(Serialize)]
struct FileDocOut<'a> {
    #[serde(flatten)]
    meta: &'a DocumentMeta,
    text: &'a str,
    #[serde(flatten)]
    annotations: &'a Annotations,
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'a str,
    format_version: u32,
    annotator: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<&'a Schema>,
    documents: Vec<FileDocOut<'a>>,
}

/// A document as read. It spells out the fields of [`DocumentMeta`] and [`Annotations`]
/// instead of flattening them, because serde buffers flattened input into an untyped tree
/// first, which doubled the parse time of a 1 MB document (see `benches/model.rs`).
#[derive(Deserialize)]
struct FileDoc {
    id: Id,
    title: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    #[serde(default)]
    status: Status,
    sha256: String,
    text: String,
    #[serde(default)]
    mentions: Vec<Mention>,
    #[serde(default)]
    entities: Vec<Entity>,
    #[serde(default)]
    events: Vec<Event>,
    #[serde(default)]
    relations: Vec<Relation>,
    #[serde(default)]
    labels: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    stamps: BTreeMap<Id, Stamp>,
    #[serde(default)]
    active_ms: u64,
}

impl From<FileDoc> for Document {
    fn from(d: FileDoc) -> Self {
        Document {
            meta: DocumentMeta {
                id: d.id,
                title: d.title,
                url: d.url,
                date: d.date,
                metadata: d.metadata,
                status: d.status,
                sha256: d.sha256,
            },
            text: d.text,
            annotations: Annotations {
                mentions: d.mentions,
                entities: d.entities,
                events: d.events,
                relations: d.relations,
                labels: d.labels,
                stamps: d.stamps,
                active_ms: d.active_ms,
            },
        }
    }
}

#[derive(Deserialize)]
struct File {
    format: String,
    format_version: u64,
    #[serde(default)]
    annotator: String,
    #[serde(default)]
    schema: Option<Schema>,
    documents: Vec<FileDoc>,
}

/// Just the version fields, read when the typed parse fails, to tell an older (or
/// foreign) file from a damaged current one.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    format_version: Option<serde_json::Value>,
}

/// A parsed loupe/1 file.
#[derive(Debug, Clone, PartialEq)]
pub struct LoupeFile {
    pub annotator: String,
    pub documents: Vec<Document>,
    /// The schema the file carries; files written before schemas were embedded have none.
    pub schema: Option<Schema>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoupeError {
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    NotLoupe,
    NewerVersion(u64),
    ChecksumMismatch {
        document: String,
    },
    Annotation {
        document: String,
        message: String,
        /// The problems after the first, for a caller that lists them all.
        more: Vec<String>,
    },
    TextMismatch {
        document: String,
        id: String,
        stored: String,
        actual: String,
    },
    /// The embedded schema is unsound.
    Schema(SchemaError),
    /// An older file could not be migrated.
    Migration {
        from: u64,
        message: String,
    },
}

impl fmt::Display for LoupeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { line, column, message } => write!(
                f,
                "the file is not a valid Loupe file (line {line}, column {column}: {message})"
            ),
            Self::NotLoupe => write!(
                f,
                "this JSON file is not a Loupe file: it has no \"format\": \"loupe\" field"
            ),
            Self::NewerVersion(v) => write!(
                f,
                "this file is loupe/{v}, written by a newer Loupe; update Loupe to open it"
            ),
            Self::ChecksumMismatch { document } => write!(
                f,
                "document {document}: the sha256 field does not match its text; the text was changed after annotation"
            ),
            Self::Annotation {
                document,
                message,
                more,
            } => {
                write!(f, "document {document}: {message}")?;
                if !more.is_empty() {
                    write!(f, " (and {} more problems)", more.len())?;
                }
                Ok(())
            }
            Self::TextMismatch { document, id, stored, actual } => write!(
                f,
                "document {document}, {id}: the file quotes {stored:?} but the text at those offsets is {actual:?}"
            ),
            Self::Schema(err) => write!(f, "the file's schema is invalid: {err}"),
            Self::Migration { from, message } => write!(
                f,
                "this loupe/{from} file could not be upgraded ({message}); open it in the Loupe version that wrote it and export again"
            ),
        }
    }
}

impl std::error::Error for LoupeError {}

/// Serialise documents as a loupe/1 file, pretty-printed, with the default (ACE 2005)
/// schema. Use [`to_json_with_schema`] when the corpus follows another schema.
pub fn to_json(documents: &[Document], annotator: &str) -> String {
    to_json_with_schema(documents, annotator, &Schema::ace2005())
}

/// Serialise documents and the schema they follow as a loupe/1 file.
pub fn to_json_with_schema(documents: &[Document], annotator: &str, schema: &Schema) -> String {
    write(documents, annotator, Some(schema))
}

/// Serialise a parsed file back, byte for byte as Loupe wrote it.
pub fn serialize(file: &LoupeFile) -> String {
    write(&file.documents, &file.annotator, file.schema.as_ref())
}

fn write(documents: &[Document], annotator: &str, schema: Option<&Schema>) -> String {
    let file = FileOut {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        annotator,
        schema,
        documents: documents
            .iter()
            .map(|d| FileDocOut {
                meta: &d.meta,
                text: &d.text,
                annotations: &d.annotations,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&file).expect("the model always serialises");
    json.push('\n');
    json
}

/// Parse and check a loupe file: every offset in bounds, every quoted text equal to the
/// text at its offsets, every checksum right, every reference resolved, and (when the
/// file carries a schema) every type, role and attribute known. Older versions are
/// migrated first.
pub fn from_json(json: &str) -> Result<LoupeFile, LoupeError> {
    let file = parse_unchecked(json)?;
    for doc in &file.documents {
        check_document(doc, file.schema.as_ref())?;
    }
    Ok(file)
}

/// Parse a loupe file, migrating older versions and checking its schema, but not its
/// documents: a lenient import checks those one annotation at a time (see [`import`]).
pub fn parse_unchecked(json: &str) -> Result<LoupeFile, LoupeError> {
    // A current file parses in one typed pass; only older or damaged files pay for more.
    let file: File = match serde_json::from_str::<File>(json) {
        Ok(file) if file.format == FORMAT && file.format_version == u64::from(FORMAT_VERSION) => {
            file
        }
        typed => {
            let header: Header = serde_json::from_str(json).map_err(malformed)?;
            if header.format.as_deref() != Some(FORMAT) {
                return Err(LoupeError::NotLoupe);
            }
            let version = header
                .format_version
                .as_ref()
                .and_then(|v| v.as_u64())
                .ok_or(LoupeError::NotLoupe)?;
            if version == u64::from(FORMAT_VERSION) {
                // The typed parse failed on a current file: its error has the position.
                return Err(malformed(
                    typed
                        .err()
                        .expect("a current file that parsed is taken above"),
                ));
            }
            let value: serde_json::Value = serde_json::from_str(json).map_err(malformed)?;
            serde_json::from_value(migrate(value)?).map_err(malformed)?
        }
    };
    if let Some(schema) = &file.schema {
        schema.validate().map_err(LoupeError::Schema)?;
    }
    let documents = file.documents.into_iter().map(Document::from).collect();
    Ok(LoupeFile {
        annotator: file.annotator,
        documents,
        schema: file.schema,
    })
}

fn malformed(e: serde_json::Error) -> LoupeError {
    LoupeError::Malformed {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Bring a file of any older version up to the current one, one step per version. Each
/// step is a function from version n to n + 1, so a future loupe/2 adds one step here.
pub fn migrate(mut value: serde_json::Value) -> Result<serde_json::Value, LoupeError> {
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(LoupeError::NotLoupe);
    }
    let mut version = value
        .get("format_version")
        .and_then(|v| v.as_u64())
        .ok_or(LoupeError::NotLoupe)?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(LoupeError::NewerVersion(version));
    }
    while version < u64::from(FORMAT_VERSION) {
        value = match version {
            0 => v0_to_v1(value).map_err(|message| LoupeError::Migration { from: 0, message })?,
            _ => unreachable!("every version below the current one has a step"),
        };
        version += 1;
        value["format_version"] = version.into();
    }
    Ok(value)
}

/// loupe/0 (the prototype) stored one span per mention as `start`/`end`, and triggers as
/// `trigger_start`/`trigger_end`; it had no checksum and no status.
fn v0_to_v1(mut value: serde_json::Value) -> Result<serde_json::Value, String> {
    use serde_json::{json, Map, Value};
    fn span(obj: &mut Map<String, Value>, start: &str, end: &str) -> Result<Value, String> {
        let (Some(s), Some(e)) = (
            obj.remove(start).and_then(|v| v.as_u64()),
            obj.remove(end).and_then(|v| v.as_u64()),
        ) else {
            return Err(format!("an annotation lacks numeric {start}/{end}"));
        };
        Ok(json!([[s, e]]))
    }
    let docs = value
        .get_mut("documents")
        .and_then(Value::as_array_mut)
        .ok_or("the file has no documents list")?;
    for doc in docs {
        let doc = doc.as_object_mut().ok_or("a document is not an object")?;
        let text = doc
            .get("text")
            .and_then(Value::as_str)
            .ok_or("a document has no text")?
            .to_owned();
        doc.entry("sha256")
            .or_insert_with(|| sha256_hex(&text).into());
        for mention in doc
            .get_mut("mentions")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let m = mention
                .as_object_mut()
                .ok_or("a mention is not an object")?;
            let fragments = span(m, "start", "end")?;
            m.insert("fragments".into(), fragments);
        }
        for event in doc
            .get_mut("events")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let e = event.as_object_mut().ok_or("an event is not an object")?;
            let trigger = span(e, "trigger_start", "trigger_end")?;
            e.insert("trigger".into(), trigger);
        }
    }
    Ok(value)
}

/// Import loupe/1 files. Strict mode refuses a file with any problem, as [`from_json`]
/// does. Otherwise each document keeps what is valid: an annotation that breaks a rule
/// (a span past the end of the text, an unknown type) is left out and named, as a brat
/// import does; a document whose checksum does not match its text is left out whole.
pub fn import(files: &[InputFile], options: ImportOptions) -> Result<Imported, ImportError> {
    let mut documents = Vec::new();
    let mut schema = None;
    let mut report = ImportReport::default();
    for f in files {
        let text = f.utf8()?;
        check_json_depth(&f.name, text)?;
        let read = if options.strict {
            from_json(text)
        } else {
            parse_unchecked(text)
        };
        let file = read.map_err(|error| ImportError::Loupe {
            file: f.name.clone(),
            error,
        })?;
        for mut doc in file.documents {
            if !options.strict {
                let place = format!("document {}", doc.meta.id);
                if sha256_hex(&doc.text) != doc.meta.sha256 {
                    let error = LoupeError::ChecksumMismatch {
                        document: doc.meta.id.clone(),
                    };
                    let flaw = Flaw::new(Rule::ChecksumMismatch, error.to_string());
                    report.skipped.push(Problem::new(&f.name, place, flaw));
                    continue;
                }
                let left_out = drop_invalid(&mut doc.annotations, &doc.text, file.schema.as_ref());
                doc.annotations.prune_stamps();
                report.skipped.extend(left_out.into_iter().map(|issue| {
                    Problem::new(
                        &f.name,
                        format!("{place}, annotation {}", issue.id),
                        Flaw::new(issue.rule, issue.message),
                    )
                }));
            }
            documents.push(doc);
        }
        schema = schema.or(file.schema);
    }
    Ok(Imported {
        documents,
        schema,
        report,
    })
}

fn check_document(doc: &Document, schema: Option<&Schema>) -> Result<(), LoupeError> {
    let document = doc.meta.id.clone();
    if sha256_hex(&doc.text) != doc.meta.sha256 {
        return Err(LoupeError::ChecksumMismatch { document });
    }
    let report = validate(&doc.text, &doc.annotations, schema);
    let mut errors = report.errors();
    let Some(first) = errors.next() else {
        return Ok(());
    };
    // Name the quoted text and the real one: the commonest damage is offsets counted in
    // UTF-16 units by another tool.
    if first.rule == Rule::TextMismatch {
        if let Some(m) = doc.annotations.mention(&first.id) {
            return Err(LoupeError::TextMismatch {
                document,
                id: m.id.clone(),
                stored: m.text.clone(),
                actual: fragments_text(&doc.text, &m.fragments).unwrap_or_default(),
            });
        }
    }
    Err(LoupeError::Annotation {
        document,
        message: first.message.clone(),
        more: errors.map(|e| e.message.clone()).collect(),
    })
}

/// The `"suggested": {"source": …, "score": …}` mark of an annotation in a prediction
/// file. Only `loupe suggest` writes it; an export never does, and an import of annotations
/// refuses a file that has it (see [`suggested_marks`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestedMark {
    pub source: String,
    #[serde(default)]
    pub score: Option<f64>,
}

/// The marks of one document of a prediction file, by annotation id (arguments by event
/// id and position).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentMarks {
    pub mentions: BTreeMap<Id, SuggestedMark>,
    pub events: BTreeMap<Id, SuggestedMark>,
    pub arguments: BTreeMap<(Id, usize), SuggestedMark>,
}

impl DocumentMarks {
    pub fn len(&self) -> usize {
        self.mentions.len() + self.events.len() + self.arguments.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Deserialize)]
struct MarkedItem {
    id: Id,
    #[serde(default)]
    suggested: Option<SuggestedMark>,
    #[serde(default)]
    arguments: Vec<MarkedArgument>,
}

#[derive(Deserialize)]
struct MarkedArgument {
    #[serde(default)]
    suggested: Option<SuggestedMark>,
}

#[derive(Deserialize)]
struct MarkedDoc {
    #[serde(default)]
    mentions: Vec<MarkedItem>,
    #[serde(default)]
    events: Vec<MarkedItem>,
}

#[derive(Deserialize)]
struct MarkedFile {
    #[serde(default)]
    documents: Vec<MarkedDoc>,
}

/// The `suggested` marks of each document of a loupe/1 file, in document order; all empty
/// for an ordinary file. A file that is not loupe/1 JSON gives an empty list.
pub fn suggested_marks(json: &str) -> Vec<DocumentMarks> {
    if !json.contains("\"suggested\"") {
        return Vec::new();
    }
    let Ok(file) = serde_json::from_str::<MarkedFile>(json) else {
        return Vec::new();
    };
    file.documents
        .into_iter()
        .map(|d| {
            let mut marks = DocumentMarks::default();
            for m in d.mentions {
                if let Some(s) = m.suggested {
                    marks.mentions.insert(m.id, s);
                }
            }
            for e in d.events {
                for (i, a) in e.arguments.into_iter().enumerate() {
                    if let Some(s) = a.suggested {
                        marks.arguments.insert((e.id.clone(), i), s);
                    }
                }
                if let Some(s) = e.suggested {
                    marks.events.insert(e.id, s);
                }
            }
            marks
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::edit::Edit;
    use crate::core::model::{Mention, Span};

    fn sample() -> Document {
        let mut doc = Document::new("Strike", "🚀 Drones struck Kyiv — “again”.");
        let mention = Mention::new("T1", "GPE", vec![Span::new(16, 20)], String::new());
        Edit::InsertMention { index: 0, mention }
            .apply(&mut doc.annotations, &doc.text)
            .unwrap();
        doc
    }

    #[test]
    fn round_trip_is_byte_identical() {
        let json = to_json(&[sample()], "ana");
        let parsed = from_json(&json).unwrap();
        assert_eq!(parsed.documents, vec![sample()]);
        assert_eq!(to_json(&parsed.documents, &parsed.annotator), json);
        assert_eq!(serialize(&parsed), json);
    }

    #[test]
    fn file_declares_its_format_version_and_code_point_offsets() {
        let json = to_json(&[sample()], "");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["format_version"], 1);
        let m = &value["documents"][0]["mentions"][0];
        assert_eq!(m["fragments"][0], serde_json::json!([16, 20]));
        assert_eq!(m["text"], "Kyiv");
    }

    #[test]
    fn quoted_text_that_disagrees_with_offsets_is_named() {
        let mut value: serde_json::Value = serde_json::from_str(&to_json(&[sample()], "")).unwrap();
        value["documents"][0]["mentions"][0]["fragments"][0] = serde_json::json!([15, 19]);
        let json = value.to_string();
        match from_json(&json) {
            Err(LoupeError::TextMismatch {
                id, stored, actual, ..
            }) => {
                assert_eq!(
                    (id.as_str(), stored.as_str(), actual.as_str()),
                    ("T1", "Kyiv", " Kyi")
                );
            }
            other => panic!("expected a text mismatch, got {other:?}"),
        }
    }

    #[test]
    fn malformed_json_reports_its_line() {
        let err = from_json("{\n\"format\": \"loupe\",\n oops }").unwrap_err();
        assert!(
            matches!(err, LoupeError::Malformed { line: 3, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn newer_version_is_refused_with_advice() {
        let err = from_json(r#"{"format":"loupe","format_version":9,"documents":[]}"#).unwrap_err();
        assert!(err.to_string().contains("newer Loupe"));
    }

    #[test]
    fn edited_text_is_caught_by_the_checksum() {
        let json = to_json(&[sample()], "").replace("again", "AGAIN");
        assert!(matches!(
            from_json(&json),
            Err(LoupeError::ChecksumMismatch { .. })
        ));
    }

    /// Kyiv struck by drones, with an argument, a relation, a cluster and attributes.
    fn rich() -> Document {
        use crate::core::model::{Argument, AttrValue, Entity, Event, Normalization, Relation};
        let mut doc = sample();
        let text = doc.text.clone();
        let ann = &mut doc.annotations;
        let drones = Mention {
            id: "T2".into(),
            kind: "WEA".into(),
            fragments: vec![Span::new(2, 8)],
            text: String::new(),
            attributes: [("MentionType".to_owned(), AttrValue::Value("NOM".into()))].into(),
            normalization: None,
            note: Some("plural".into()),
            entity: None,
        };
        let edits = vec![
            Edit::InsertMention {
                index: 1,
                mention: drones,
            },
            Edit::InsertEvent {
                index: 0,
                event: Event {
                    id: "E1".into(),
                    kind: "Conflict:Attack".into(),
                    trigger: vec![Span::new(9, 15)],
                    trigger_text: String::new(),
                    arguments: vec![
                        Argument {
                            role: "Target".into(),
                            target: "T1".into(),
                        },
                        Argument {
                            role: "Instrument".into(),
                            target: "T2".into(),
                        },
                    ],
                    attributes: [("Realis".to_owned(), AttrValue::Value("Actual".into()))].into(),
                    note: None,
                    coref: None,
                },
            },
            Edit::InsertRelation {
                index: 0,
                relation: Relation {
                    id: "R1".into(),
                    kind: "PHYS".into(),
                    arg1: "T1".into(),
                    arg2: "T1".into(),
                    attributes: Default::default(),
                },
            },
            Edit::cluster(
                0,
                Entity {
                    id: "C1".into(),
                    name: "Kyiv".into(),
                    kind: "GPE".into(),
                    normalization: Some(Normalization {
                        resource: "Wikidata".into(),
                        id: "Q1899".into(),
                        label: "Kyiv".into(),
                    }),
                    attributes: Default::default(),
                    note: None,
                },
                &["T1".into()],
            ),
        ];
        Edit::Batch(edits).apply(ann, &text).unwrap();
        doc.meta.url = Some("https://example.org/strike".into());
        doc.meta.metadata.insert("source".into(), "wire".into());
        doc
    }

    #[test]
    fn file_carries_the_schema_and_the_annotator() {
        let conll = Schema::conll2003();
        let mut doc = Document::new("A", "Angela Merkel visited Paris.");
        let mention = Mention::new("T1", "MISC", vec![Span::new(0, 13)], String::new());
        Edit::InsertMention { index: 0, mention }
            .apply(&mut doc.annotations, &doc.text)
            .unwrap();
        let json = to_json_with_schema(&[doc], "ana", &conll);
        let parsed = from_json(&json).unwrap();
        assert_eq!(parsed.schema.as_ref(), Some(&conll));
        assert_eq!(parsed.annotator, "ana");
        assert_eq!(serialize(&parsed), json);
        // MISC is a CoNLL type, not an ACE one: the same annotations under ACE are refused.
        let as_ace = to_json(&parsed.documents, "ana");
        let err = from_json(&as_ace).unwrap_err();
        assert!(
            err.to_string().contains("T1") && err.to_string().contains("MISC"),
            "{err}"
        );
    }

    #[test]
    fn key_order_is_stable() {
        let json = to_json(&[rich()], "ana");
        let keys: Vec<&str> = json
            .lines()
            .filter(|l| l.starts_with("  \"") && !l.starts_with("   "))
            .map(|l| l.trim().split('"').nth(1).unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "format",
                "format_version",
                "annotator",
                "schema",
                "documents"
            ]
        );
        let doc_keys: Vec<&str> = json
            .lines()
            .filter(|l| l.starts_with("      \"") && !l.starts_with("       "))
            .map(|l| l.trim().split('"').nth(1).unwrap())
            .collect();
        let expected = [
            "id",
            "title",
            "url",
            "metadata",
            "status",
            "sha256",
            "text",
            "mentions",
            "entities",
            "events",
            "relations",
        ];
        assert!(doc_keys.ends_with(&expected), "{doc_keys:?}");
    }

    #[test]
    fn rich_document_round_trips_byte_identical() {
        let json = to_json(&[rich(), sample()], "ana");
        let parsed = from_json(&json).unwrap();
        assert_eq!(parsed.documents, vec![rich(), sample()]);
        assert_eq!(serialize(&parsed), json);
    }

    #[test]
    fn file_without_schema_round_trips_without_one() {
        let file = LoupeFile {
            annotator: "ana".into(),
            documents: vec![rich()],
            schema: None,
        };
        let json = serialize(&file);
        assert!(!json.contains("\"schema\""));
        let parsed = from_json(&json).unwrap();
        assert_eq!(parsed, file);
        assert_eq!(serialize(&parsed), json);
    }

    #[test]
    fn argument_pointing_at_a_missing_mention_is_refused_on_import() {
        let mut value: serde_json::Value = serde_json::from_str(&to_json(&[rich()], "")).unwrap();
        value["documents"][0]["events"][0]["arguments"][0]["target"] = "T9".into();
        let err = from_json(&value.to_string()).unwrap_err();
        assert!(
            matches!(&err, LoupeError::Annotation { message, .. } if message.contains("T9")),
            "{err}"
        );
        let mut value: serde_json::Value = serde_json::from_str(&to_json(&[rich()], "")).unwrap();
        value["documents"][0]["mentions"][0]["entity"] = "C7".into();
        assert!(from_json(&value.to_string())
            .unwrap_err()
            .to_string()
            .contains("C7"));
    }

    #[test]
    fn an_unsound_embedded_schema_is_refused() {
        let mut value: serde_json::Value = serde_json::from_str(&to_json(&[sample()], "")).unwrap();
        value["schema"]["entity_types"][0]["color"] = "red".into();
        let err = from_json(&value.to_string()).unwrap_err();
        assert!(
            matches!(err, LoupeError::Schema(SchemaError::BadColour { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn loupe_0_fixture_migrates_to_loupe_1() {
        let old = include_str!("../../../tests/fixtures/loupe-0.json");
        let parsed = from_json(old).unwrap();
        assert!(parsed.schema.is_none());
        let doc = &parsed.documents[0];
        assert_eq!(doc.meta.sha256, sha256_hex(&doc.text));
        assert_eq!(
            doc.annotations.mentions[0].fragments,
            vec![Span::new(16, 20)]
        );
        assert_eq!(doc.annotations.events[0].trigger, vec![Span::new(9, 15)]);
        assert_eq!(doc.annotations.events[0].arguments[1].target, "T1");
        // The readable expected output sits beside the fixture.
        let expected = include_str!("../../../tests/fixtures/loupe-0-migrated.json");
        assert_eq!(serialize(&parsed), expected);
        let value: serde_json::Value = serde_json::from_str(old).unwrap();
        assert_eq!(migrate(value).unwrap()["format_version"], 1);
    }

    #[test]
    fn broken_old_file_names_the_migration() {
        let json = r#"{"format":"loupe","format_version":0,"documents":[{"id":"d","title":"t","text":"abc","mentions":[{"id":"T1","type":"PER"}]}]}"#;
        let err = from_json(json).unwrap_err();
        assert!(
            matches!(err, LoupeError::Migration { from: 0, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("start/end"));
    }

    fn json_schema() -> serde_json::Value {
        serde_json::from_str(include_str!("../../../schemas/loupe-1.schema.json")).unwrap()
    }

    #[test]
    fn exported_files_validate_against_the_json_schema() {
        use crate::core::format::json_schema::check;
        let schema = json_schema();
        let mut labelled = rich();
        labelled
            .annotations
            .labels
            .insert("Topic".into(), vec!["War".into()]);
        let mut custom = Schema::conll2003();
        custom.label_sets.push(crate::core::schema::LabelSet {
            name: "Topic".into(),
            labels: vec!["War".into()],
            multiple: false,
        });
        custom.event_types = Schema::ace2005().event_types;
        custom.event_types[0].roles[0].cardinality =
            crate::core::schema::Cardinality::Range { min: 1, max: 2 };
        custom.entity_types = Schema::ace2005().entity_types;
        let files = [
            to_json(&[rich(), sample()], "ana"),
            to_json_with_schema(&[sample()], "ana", &crate::core::schema::guided_fixture()),
            to_json_with_schema(&[labelled], "", &custom),
            serialize(&LoupeFile {
                annotator: String::new(),
                documents: vec![],
                schema: None,
            }),
            serialize(&from_json(include_str!("../../../tests/fixtures/loupe-0.json")).unwrap()),
        ];
        for json in files {
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(check(&schema, &value), Vec::<String>::new());
        }
    }

    /// `rich()` with its annotations stamped and an active time.
    fn timed() -> Document {
        let mut doc = rich();
        let before = crate::core::model::Annotations::default();
        crate::core::timing::stamp(&before, &mut doc.annotations, 1_764_585_600_000, "Ana");
        doc.annotations.active_ms = 93_500;
        doc
    }

    #[test]
    fn timing_travels_in_loupe_1_and_older_files_still_load() {
        let doc = timed();
        let json = to_json(std::slice::from_ref(&doc), "Ana");
        for key in [
            "\"stamps\"",
            "\"created\": 1764585600000",
            "\"modified_by\": \"Ana\"",
            "\"active_ms\": 93500",
        ] {
            assert!(json.contains(key), "{key} missing from\n{json}");
        }
        let back = from_json(&json).unwrap();
        assert_eq!(back.documents, vec![doc.clone()]);
        assert_eq!(serialize(&back), json, "byte-identical round trip");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            crate::core::format::json_schema::check(&json_schema(), &value),
            Vec::<String>::new()
        );
        // A file without timing (every file before it existed) reads with none.
        let plain = from_json(&to_json(&[rich()], "Ana")).unwrap();
        assert!(plain.documents[0].annotations.stamps.is_empty());
        assert_eq!(plain.documents[0].annotations.active_ms, 0);
        // The other formats leave timing out.
        for format in crate::core::format::Format::ALL {
            if format == crate::core::format::Format::Loupe {
                continue;
            }
            let out =
                crate::core::format::export(format, std::slice::from_ref(&doc), &Schema::ace2005());
            for f in &out.files {
                let text = String::from_utf8_lossy(&f.bytes);
                assert!(
                    !text.contains("1764585600000") && !text.contains("93500"),
                    "{format:?} {}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn json_schema_rejects_what_loupe_rejects() {
        use crate::core::format::json_schema::check;
        let schema = json_schema();
        let old: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/fixtures/loupe-0.json")).unwrap();
        let errors = check(&schema, &old);
        assert!(
            errors.iter().any(|e| e.contains("format_version")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("unexpected key \"start\"")),
            "{errors:?}"
        );
        let mut value: serde_json::Value = serde_json::from_str(&to_json(&[rich()], "")).unwrap();
        value["schema"]["entity_types"][0]["color"] = "red".into();
        value["documents"][0]["mentions"][0]["fragments"][0] = serde_json::json!([1, 2, 3]);
        value["documents"][0]["status"] = "finished".into();
        assert_eq!(
            check(&schema, &value).len(),
            3,
            "{:?}",
            check(&schema, &value)
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::core::edit::{Edit, History};
    use crate::core::model::{Mention, Span};
    use proptest::prelude::*;

    /// At least one piece: the round trip needs some text to put mentions on.
    fn tricky_text() -> impl Strategy<Value = String> {
        crate::core::offsets::properties::tricky_text_sized(1..40)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000)
        ))]

        /// Mentions on emoji, combining marks, CJK and CRLF keep their code point offsets
        /// and quoted text through a save and a load, byte for byte.
        #[test]
        fn tricky_text_round_trips(text in tricky_text(), spans in prop::collection::vec((0usize..80, 0usize..80), 0..8)) {
            let mut doc = Document::new("t", &text);
            let mut history = History::default();
            for (i, (a, b)) in spans.into_iter().enumerate() {
                let mention = Mention::new(format!("T{}", i + 1), "PER", vec![Span::new(a.min(b), a.max(b))], String::new());
                let _ = history.apply(&mut doc.annotations, &doc.text, Edit::InsertMention { index: i, mention });
            }
            let json = to_json(std::slice::from_ref(&doc), "");
            let parsed = from_json(&json).unwrap();
            prop_assert_eq!(&parsed.documents[0], &doc);
            prop_assert_eq!(serialize(&parsed), json);
            for m in &doc.annotations.mentions {
                let chars: Vec<char> = text.chars().collect();
                let expected: String = chars[m.fragments[0].start..m.fragments[0].end].iter().collect();
                prop_assert_eq!(&m.text, &expected);
            }
        }
    }
}
