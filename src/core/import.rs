//! Import: turning the files a user picked into documents, one file at a time.
//!
//! Every file is imported or rejected on its own, with an [`ImportError`] that says what
//! was wrong and what to do. Only reading HTML needs the browser (its DOMParser); the
//! browser layer turns HTML into plain text and hands it back to [`article`].
//!
//! ```
//! use loupe::core::import::{documents_from_file, FileKind};
//! let jsonl = "{\"text\":\"First story.\"}\n{\"title\":\"Two\",\"text\":\"Second story.\",\"url\":\"https://example.org/2\"}\n";
//! let docs = documents_from_file("feed.jsonl", jsonl.as_bytes()).unwrap();
//! assert_eq!(docs.len(), 2);
//! assert_eq!(docs[0].meta.title, "First story.");
//! assert_eq!(docs[1].meta.url.as_deref(), Some("https://example.org/2"));
//! assert_eq!(FileKind::of("page.HTM"), Some(FileKind::Html));
//! ```

use std::collections::BTreeSet;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use crate::core::format::loupe::{self, LoupeError};
use crate::core::model::Document;

/// Larger files would make the browser struggle before Loupe could help.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Titles longer than this are cut at a word.
const MAX_TITLE_CHARS: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `.txt` and `.md`: the text as it is.
    Text,
    /// `.html` and `.htm`: read by the browser's DOMParser.
    Html,
    /// `.json`: one article object, a list of them, or a loupe/1 corpus file.
    Json,
    /// `.jsonl`: one article object per line.
    Jsonl,
}

impl FileKind {
    /// The kind of a file, from its extension; `None` for a kind Loupe cannot read.
    pub fn of(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" | "md" | "markdown" => Some(Self::Text),
            "html" | "htm" | "xhtml" => Some(Self::Html),
            "json" => Some(Self::Json),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    TooLarge {
        bytes: u64,
    },
    NotUtf8 {
        position: usize,
    },
    Empty,
    Unsupported,
    MalformedJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// An article object (at a line of a `.jsonl` file, or an item of a `.json` list)
    /// has no `text`.
    NoText {
        place: String,
    },
    Loupe(LoupeError),
    Unreadable(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { bytes } => write!(
                f,
                "over 20 MB ({:.1} MB), too large to annotate in the browser; split it into smaller files",
                *bytes as f64 / 1_048_576.0
            ),
            Self::NotUtf8 { position } => write!(
                f,
                "not UTF-8 text (invalid byte at position {position}); save it as UTF-8 and try again"
            ),
            Self::Empty => write!(f, "the file is empty"),
            Self::Unsupported => write!(
                f,
                "not a kind of file Loupe reads; use .txt, .md, .html, .htm, .json or .jsonl"
            ),
            Self::MalformedJson { line, column, message } => write!(
                f,
                "malformed JSON at line {line}, column {column} ({message}); fix that line and import the file again"
            ),
            Self::NoText { place } => write!(
                f,
                "{place} has no \"text\" field; each article needs its text as a string"
            ),
            Self::Loupe(e) => write!(f, "{e}"),
            Self::Unreadable(why) => write!(f, "could not be read ({why})"),
        }
    }
}

impl std::error::Error for ImportError {}

/// A rejected file and why, for the import summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub error: ImportError,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.error)
    }
}

pub fn check_size(bytes: u64) -> Result<(), ImportError> {
    if bytes > MAX_FILE_BYTES {
        Err(ImportError::TooLarge { bytes })
    } else {
        Ok(())
    }
}

/// The bytes of a file as text: UTF-8 only, without a byte order mark, not blank.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    check_size(bytes.len() as u64)?;
    let text = std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        position: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(text.to_owned())
}

/// A title from a file name: the name without its extension, `_` and `-` as spaces.
pub fn title_from_file_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    stem.replace(['_', '-'], " ").trim().to_owned()
}

/// A title from the text: its first non-blank line, cut at a word when long.
pub fn title_from_text(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    let Some(line) = line else {
        return "Untitled".to_owned();
    };
    if line.chars().count() <= MAX_TITLE_CHARS {
        return line.to_owned();
    }
    let cut: String = line.chars().take(MAX_TITLE_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

/// One article as a JSON object gives it.
#[derive(Debug, Deserialize)]
struct ArticleObject {
    text: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

/// A new document from an article's parts; the title falls back to the first line.
pub fn article(
    title: Option<&str>,
    text: &str,
    url: Option<String>,
    date: Option<String>,
) -> Document {
    let title = match title.map(str::trim) {
        Some(t) if !t.is_empty() => t.to_owned(),
        _ => title_from_text(text),
    };
    let mut doc = Document::new(&title, text);
    doc.meta.url = url.filter(|u| !u.trim().is_empty());
    doc.meta.date = date.filter(|d| !d.trim().is_empty());
    doc
}

fn from_object(value: Value, place: impl Fn() -> String) -> Result<Document, ImportError> {
    let object: ArticleObject =
        serde_json::from_value(value).map_err(|_| ImportError::NoText { place: place() })?;
    match object.text {
        Some(text) if !text.trim().is_empty() => Ok(article(
            object.title.as_deref(),
            &text,
            object.url,
            object.date,
        )),
        _ => Err(ImportError::NoText { place: place() }),
    }
}

fn malformed(e: &serde_json::Error, line_offset: usize) -> ImportError {
    ImportError::MalformedJson {
        line: e.line() + line_offset,
        column: e.column(),
        message: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or("")
            .to_owned(),
    }
}

/// Articles from a `.json` file: a loupe/1 corpus (annotations included), one article
/// object, or a list of them.
pub fn documents_from_json(text: &str) -> Result<Vec<Document>, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| malformed(&e, 0))?;
    if value.get("format").is_some() {
        return loupe::from_json(text)
            .map(|file| file.documents)
            .map_err(ImportError::Loupe);
    }
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return Err(ImportError::Empty);
            }
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| from_object(item, || format!("item {} of the list", i + 1)))
                .collect()
        }
        object @ Value::Object(_) => {
            from_object(object, || "the article object".to_owned()).map(|d| vec![d])
        }
        _ => Err(ImportError::NoText {
            place: "the file".to_owned(),
        }),
    }
}

/// Articles from a `.jsonl` file: one object per line, blank lines allowed.
pub fn documents_from_jsonl(text: &str) -> Result<Vec<Document>, ImportError> {
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| malformed(&e, i))?;
        docs.push(from_object(value, || format!("line {}", i + 1))?);
    }
    if docs.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(docs)
}

/// The documents in a file that needs no browser to read: text, Markdown, JSON, JSONL.
/// HTML goes through the browser's DOMParser first, then [`article`].
pub fn documents_from_file(name: &str, bytes: &[u8]) -> Result<Vec<Document>, ImportError> {
    let kind = FileKind::of(name).ok_or(ImportError::Unsupported)?;
    let text = decode(bytes)?;
    match kind {
        FileKind::Text | FileKind::Html => Ok(vec![article(
            Some(&title_from_file_name(name)),
            &text,
            None,
            None,
        )]),
        FileKind::Json => documents_from_json(&text),
        FileKind::Jsonl => documents_from_jsonl(&text),
    }
}

/// Spaces, tabs and newlines in HTML text collapse to one space, as a browser renders them.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Phrases that mark a line as page furniture rather than article, lower case.
const BOILERPLATE: [&str; 22] = [
    "share this",
    "share on",
    "leave a reply",
    "leave a comment",
    "cookie",
    "subscribe",
    "sign up for",
    "newsletter",
    "related articles",
    "related posts",
    "read more",
    "advertisement",
    "follow us",
    "all rights reserved",
    "click here",
    "skip to content",
    "log in",
    "comments",
    "facebook",
    "twitter",
    "whatsapp",
    "print this",
];

/// The lines (0-based, split at `\n`) that look like boilerplate: short lines holding one
/// of the phrases above, or a copyright line. Long lines are kept, since article sentences
/// may mention cookies or Facebook.
pub fn boilerplate_lines(text: &str) -> Vec<usize> {
    text.split('\n')
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim().to_lowercase();
            !line.is_empty()
                && line.chars().count() <= 100
                && (line.starts_with('©') || BOILERPLATE.iter().any(|p| line.contains(p)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The text without the given lines (0-based, split at `\n`). Runs of blank lines left
/// behind shrink to one, so paragraphs stay paragraphs.
pub fn without_lines(text: &str, drop: &BTreeSet<usize>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if drop.contains(&i) {
            continue;
        }
        let blank = line.trim().is_empty();
        if blank && out.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Mention, Span};

    #[test]
    fn kinds_come_from_the_extension_in_any_case() {
        assert_eq!(FileKind::of("a.TXT"), Some(FileKind::Text));
        assert_eq!(FileKind::of("notes.md"), Some(FileKind::Text));
        assert_eq!(FileKind::of("x.htm"), Some(FileKind::Html));
        assert_eq!(FileKind::of("x.jsonl"), Some(FileKind::Jsonl));
        assert_eq!(FileKind::of("scan.pdf"), None);
        assert_eq!(FileKind::of("README"), None);
    }

    #[test]
    fn a_text_file_is_titled_from_its_name() {
        let docs = documents_from_file("harbour_report-2.txt", b"Ships left.").unwrap();
        assert_eq!(docs[0].meta.title, "harbour report 2");
        assert_eq!(docs[0].text, "Ships left.");
    }

    #[test]
    fn bad_bytes_are_rejected_with_the_reason() {
        assert_eq!(
            documents_from_file("a.txt", &[0x43, 0x61, 0x66, 0xe9]),
            Err(ImportError::NotUtf8 { position: 3 })
        );
        assert_eq!(
            documents_from_file("a.txt", b"  \n\t"),
            Err(ImportError::Empty)
        );
        assert_eq!(
            documents_from_file("a.pdf", b"%PDF"),
            Err(ImportError::Unsupported)
        );
        let msg = check_size(MAX_FILE_BYTES + 1).unwrap_err().to_string();
        assert!(msg.starts_with("over 20 MB"), "{msg}");
        assert!(check_size(MAX_FILE_BYTES).is_ok());
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let docs = documents_from_file("a.txt", "\u{feff}Hello".as_bytes()).unwrap();
        assert_eq!(docs[0].text, "Hello");
    }

    #[test]
    fn jsonl_reports_the_line_of_malformed_json() {
        let text = "{\"text\":\"One.\"}\n\n{\"text\": \"Two.\",}\n";
        match documents_from_jsonl(text) {
            Err(ImportError::MalformedJson { line: 3, .. }) => {}
            other => panic!("{other:?}"),
        }
        let msg = documents_from_jsonl(text).unwrap_err().to_string();
        assert!(msg.contains("malformed JSON at line 3"), "{msg}");
    }

    #[test]
    fn jsonl_reports_an_object_without_text() {
        let err = documents_from_jsonl("{\"text\":\"One.\"}\n{\"title\":\"No body\"}").unwrap_err();
        assert_eq!(
            err,
            ImportError::NoText {
                place: "line 2".into()
            }
        );
    }

    #[test]
    fn json_takes_one_object_or_a_list_with_optional_fields() {
        let one =
            documents_from_json("{\"text\":\"Body.\",\"title\":\"T\",\"date\":\"2024-05-01\"}")
                .unwrap();
        assert_eq!(one[0].meta.title, "T");
        assert_eq!(one[0].meta.date.as_deref(), Some("2024-05-01"));
        let list = documents_from_json("[{\"text\":\"A.\"},{\"text\":\"B.\"}]").unwrap();
        assert_eq!(list.len(), 2);
        let err = documents_from_json("[{\"text\":\"A.\"},{\"text\":3}]").unwrap_err();
        assert_eq!(
            err,
            ImportError::NoText {
                place: "item 2 of the list".into()
            }
        );
        match documents_from_json("{\n\"text\": oops}") {
            Err(ImportError::MalformedJson { line: 2, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_loupe_corpus_file_keeps_its_annotations() {
        let mut doc = Document::new("Tagged", "Ana met Bo.");
        doc.annotations.mentions.push(Mention {
            id: "T1".into(),
            kind: "PER".into(),
            fragments: vec![Span::new(0, 3)],
            text: "Ana".into(),
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        });
        let json = loupe::to_json(std::slice::from_ref(&doc), "me");
        let docs = documents_from_file("export.loupe.json", json.as_bytes()).unwrap();
        assert_eq!(docs, vec![doc]);
        let newer = json.replace("\"format_version\": 1", "\"format_version\": 9");
        assert!(matches!(
            documents_from_json(&newer),
            Err(ImportError::Loupe(LoupeError::NewerVersion(9)))
        ));
    }

    #[test]
    fn titles_come_from_the_first_line_cut_at_a_word() {
        assert_eq!(
            title_from_text("\n\n  Headline here \nBody"),
            "Headline here"
        );
        let long = "word ".repeat(40);
        let t = title_from_text(&long);
        assert!(
            t.ends_with("word…") && t.chars().count() <= MAX_TITLE_CHARS + 1,
            "{t}"
        );
        assert_eq!(title_from_text("   "), "Untitled");
    }

    #[test]
    fn boilerplate_lines_are_found_and_dropped_keeping_paragraphs() {
        let text = "Headline\n\nShare this: Facebook\n\nThe minister spoke about cookies and Facebook at length in a speech that ran well past a hundred characters in all.\n\nLeave a Reply\n\n© 2024 Daily News";
        let lines = boilerplate_lines(text);
        assert_eq!(lines, vec![2, 6, 8]);
        let cleaned = without_lines(text, &lines.into_iter().collect());
        assert_eq!(
            cleaned,
            "Headline\n\nThe minister spoke about cookies and Facebook at length in a speech that ran well past a hundred characters in all."
        );
    }

    #[test]
    fn whitespace_collapses_like_rendered_html() {
        assert_eq!(collapse_whitespace("  a\n\t b  c "), "a b c");
    }
}
