//! The native format, "loupe/1": one JSON file holding a corpus of one or more documents,
//! each with its text and every annotation. Offsets are code points, half-open.
//!
//! Key order is fixed by the struct field order and `BTreeMap`s, so a file Loupe wrote
//! survives `serialize(parse(file)) == file`.
//!
//! ```
//! use loupe::core::format::loupe as native;
//! use loupe::core::model::Document;
//! let json = native::to_json(&[Document::new("A", "Some text.")], "me");
//! let back = native::from_json(&json).unwrap();
//! assert_eq!(back.documents[0].text, "Some text.");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::core::edit::check_fragments;
use crate::core::model::{sha256_hex, Annotations, Document, DocumentMeta};

pub const FORMAT: &str = "loupe";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FileDoc {
    #[serde(flatten)]
    meta: DocumentMeta,
    text: String,
    #[serde(flatten)]
    annotations: Annotations,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct File {
    format: String,
    format_version: u32,
    #[serde(default)]
    annotator: String,
    documents: Vec<FileDoc>,
}

/// A parsed loupe/1 file.
#[derive(Debug, Clone, PartialEq)]
pub struct LoupeFile {
    pub annotator: String,
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoupeError {
    Malformed { line: usize, column: usize, message: String },
    NotLoupe,
    NewerVersion(u64),
    ChecksumMismatch { document: String },
    Annotation { document: String, message: String },
    TextMismatch { document: String, id: String, stored: String, actual: String },
}

impl fmt::Display for LoupeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { line, column, message } => write!(
                f,
                "the file is not valid JSON (line {line}, column {column}: {message})"
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
            Self::Annotation { document, message } => write!(f, "document {document}: {message}"),
            Self::TextMismatch { document, id, stored, actual } => write!(
                f,
                "document {document}, {id}: the file quotes {stored:?} but the text at those offsets is {actual:?}"
            ),
        }
    }
}

impl std::error::Error for LoupeError {}

/// Serialise documents as a loupe/1 file, pretty-printed.
pub fn to_json(documents: &[Document], annotator: &str) -> String {
    let file = File {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        annotator: annotator.to_owned(),
        documents: documents
            .iter()
            .map(|d| FileDoc {
                meta: d.meta.clone(),
                text: d.text.clone(),
                annotations: d.annotations.clone(),
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&file).expect("the model always serialises");
    json.push('\n');
    json
}

/// Parse and check a loupe/1 file: every offset in bounds, every quoted text equal to the
/// text at its offsets, every checksum right. Older versions are migrated first.
pub fn from_json(json: &str) -> Result<LoupeFile, LoupeError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(malformed)?;
    let value = migrate(value)?;
    let file: File = serde_json::from_value(value).map_err(|e| LoupeError::Malformed {
        line: 0,
        column: 0,
        message: e.to_string(),
    })?;
    let mut documents = Vec::with_capacity(file.documents.len());
    for d in file.documents {
        let doc = Document { meta: d.meta, text: d.text, annotations: d.annotations };
        check_document(&doc)?;
        documents.push(doc);
    }
    Ok(LoupeFile { annotator: file.annotator, documents })
}

fn malformed(e: serde_json::Error) -> LoupeError {
    LoupeError::Malformed { line: e.line(), column: e.column(), message: e.to_string() }
}

/// Bring an older file up to the current version. Future migrations go here, one step
/// per version.
fn migrate(value: serde_json::Value) -> Result<serde_json::Value, LoupeError> {
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(LoupeError::NotLoupe);
    }
    match value.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT_VERSION) => Ok(value),
        Some(v) => Err(LoupeError::NewerVersion(v)),
        None => Err(LoupeError::NotLoupe),
    }
}

fn check_document(doc: &Document) -> Result<(), LoupeError> {
    let document = doc.meta.id.clone();
    if sha256_hex(&doc.text) != doc.meta.sha256 {
        return Err(LoupeError::ChecksumMismatch { document });
    }
    for mention in &doc.annotations.mentions {
        let mut checked = mention.clone();
        check_fragments(&doc.text, &mut checked).map_err(|e| LoupeError::Annotation {
            document: document.clone(),
            message: e.to_string(),
        })?;
        if checked.text != mention.text {
            return Err(LoupeError::TextMismatch {
                document,
                id: mention.id.clone(),
                stored: mention.text.clone(),
                actual: checked.text,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::edit::Edit;
    use crate::core::model::{Mention, Span};

    fn sample() -> Document {
        let mut doc = Document::new("Strike", "🚀 Drones struck Kyiv — “again”.");
        let mention = Mention {
            id: "T1".into(),
            kind: "GPE".into(),
            fragments: vec![Span::new(16, 20)],
            text: String::new(),
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        };
        Edit::InsertMention { index: 0, mention }.apply(&mut doc.annotations, &doc.text).unwrap();
        doc
    }

    #[test]
    fn round_trip_is_byte_identical() {
        let json = to_json(&[sample()], "ana");
        let parsed = from_json(&json).unwrap();
        assert_eq!(parsed.documents, vec![sample()]);
        assert_eq!(to_json(&parsed.documents, &parsed.annotator), json);
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
            Err(LoupeError::TextMismatch { id, stored, actual, .. }) => {
                assert_eq!((id.as_str(), stored.as_str(), actual.as_str()), ("T1", "Kyiv", " Kyi"));
            }
            other => panic!("expected a text mismatch, got {other:?}"),
        }
    }

    #[test]
    fn malformed_json_reports_its_line() {
        let err = from_json("{\n\"format\": \"loupe\",\n oops }").unwrap_err();
        assert!(matches!(err, LoupeError::Malformed { line: 3, .. }), "{err:?}");
    }

    #[test]
    fn newer_version_is_refused_with_advice() {
        let err = from_json(r#"{"format":"loupe","format_version":9,"documents":[]}"#).unwrap_err();
        assert!(err.to_string().contains("newer Loupe"));
    }

    #[test]
    fn edited_text_is_caught_by_the_checksum() {
        let json = to_json(&[sample()], "").replace("again", "AGAIN");
        assert!(matches!(from_json(&json), Err(LoupeError::ChecksumMismatch { .. })));
    }
}
