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

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use crate::core::format::loupe;
pub use crate::core::format::ImportError;
use crate::core::format::{self, archive, Format, ImportOptions, InputFile};
pub use crate::core::model::title_from_file_name;
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

/// A rejected file and why, for the import summary: the one [`ImportError`], which names
/// its file.
pub type FileError = ImportError;

/// Refuse a file over [`MAX_FILE_BYTES`] before reading it.
pub fn check_size(file: &str, bytes: u64) -> Result<(), ImportError> {
    if bytes > MAX_FILE_BYTES {
        Err(ImportError::TooLarge {
            file: file.to_owned(),
            bytes,
            limit: MAX_FILE_BYTES,
        })
    } else {
        Ok(())
    }
}

/// The bytes of a file as text: UTF-8 only, without a byte order mark, not blank.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String, ImportError> {
    check_size(file, bytes.len() as u64)?;
    let text = std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        file: file.to_owned(),
        byte: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(text.to_owned())
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

fn from_object(
    file: &str,
    value: Value,
    place: impl Fn() -> String,
) -> Result<Document, ImportError> {
    let no_text = || ImportError::NoText {
        file: file.to_owned(),
        place: place(),
    };
    let object: ArticleObject = serde_json::from_value(value).map_err(|_| no_text())?;
    match object.text {
        Some(text) if !text.trim().is_empty() => Ok(article(
            object.title.as_deref(),
            &text,
            object.url,
            object.date,
        )),
        _ => Err(no_text()),
    }
}

fn malformed(file: &str, e: &serde_json::Error, line_offset: usize) -> ImportError {
    let why = e.to_string();
    let why = why.split(" at line").next().unwrap_or("");
    ImportError::Malformed {
        file: file.to_owned(),
        place: format!("line {}, column {}", e.line() + line_offset, e.column()),
        message: format!("malformed JSON ({why}); fix that line and import the file again"),
    }
}

/// Articles from a `.json` file: a loupe/1 corpus (annotations included), one article
/// object, or a list of them.
pub fn documents_from_json(file: &str, text: &str) -> Result<Vec<Document>, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| malformed(file, &e, 0))?;
    if value.get("format").is_some() {
        return loupe::from_json(text)
            .map(|loupe| loupe.documents)
            .map_err(|error| ImportError::Loupe {
                file: file.to_owned(),
                error,
            });
    }
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return Err(ImportError::Empty {
                    file: file.to_owned(),
                });
            }
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| from_object(file, item, || format!("item {} of the list", i + 1)))
                .collect()
        }
        object @ Value::Object(_) => {
            from_object(file, object, || "the article object".to_owned()).map(|d| vec![d])
        }
        _ => Err(ImportError::NoText {
            file: file.to_owned(),
            place: "the file".to_owned(),
        }),
    }
}

/// Articles from a `.jsonl` file: one object per line, blank lines allowed.
pub fn documents_from_jsonl(file: &str, text: &str) -> Result<Vec<Document>, ImportError> {
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| malformed(file, &e, i))?;
        docs.push(from_object(file, value, || format!("line {}", i + 1))?);
    }
    if docs.is_empty() {
        return Err(ImportError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(docs)
}

/// The documents in a file that needs no browser to read: text, Markdown, JSON, JSONL.
/// HTML goes through the browser's DOMParser first, then [`article`].
pub fn documents_from_file(name: &str, bytes: &[u8]) -> Result<Vec<Document>, ImportError> {
    let kind = FileKind::of(name).ok_or_else(|| ImportError::Unsupported {
        file: name.to_owned(),
    })?;
    let text = decode(name, bytes)?;
    match kind {
        FileKind::Text | FileKind::Html => Ok(vec![article(
            Some(&title_from_file_name(name)),
            &text,
            None,
            None,
        )]),
        FileKind::Json => documents_from_json(name, &text),
        FileKind::Jsonl => documents_from_jsonl(name, &text),
    }
}

/// What a `.zip` of articles or of brat files holds: the documents, and every file in it
/// that was refused, with why.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZipContents {
    pub documents: Vec<Document>,
    pub errors: Vec<ImportError>,
}

/// Read a `.zip` dropped or opened as articles. With an `.ann` file inside it is a brat
/// corpus: each text comes with its annotations (an annotation that does not fit its text
/// is named and left out, the rest of that document kept). Otherwise every `.txt`, `.md`,
/// `.html`, `.json` and `.jsonl` inside is an article file, read on its own. The archive's
/// limits (entries, compression ratio, size) refuse it whole. `html` turns an HTML page
/// into its title and text (the browser's DOMParser does that; the core cannot).
pub fn documents_from_zip(
    name: &str,
    bytes: &[u8],
    html: impl Fn(&str) -> Result<(Option<String>, String), String>,
) -> Result<ZipContents, ImportError> {
    let archive = InputFile::new(name, bytes);
    let entries = archive::read_zip(&archive)?;
    let is_brat = entries
        .iter()
        .any(|f| f.base_name().to_ascii_lowercase().ends_with(".ann"));
    if is_brat {
        Ok(brat_zip(entries))
    } else {
        Ok(article_zip(entries, html))
    }
}

/// Each brat document on its own, so one bad `.ann` refuses only its document.
fn brat_zip(entries: Vec<InputFile>) -> ZipContents {
    let mut out = ZipContents::default();
    let (confs, files): (Vec<InputFile>, Vec<InputFile>) = entries
        .into_iter()
        .partition(|f| f.base_name().to_ascii_lowercase().ends_with(".conf"));
    // Documents by their path without extension: a.txt and a.ann belong together.
    let mut groups: BTreeMap<String, Vec<InputFile>> = BTreeMap::new();
    for f in files {
        let lower = f.base_name().to_ascii_lowercase();
        if lower.ends_with(".txt") || lower.ends_with(".ann") {
            let key = f.name.rsplit_once('.').map_or(f.name.as_str(), |(k, _)| k);
            groups.entry(key.to_owned()).or_default().push(f);
        } else {
            out.errors.push(ImportError::Zip {
                file: f.name.clone(),
                message: "not a brat file (.txt, .ann or .conf) in a brat archive; it was left out"
                    .into(),
            });
        }
    }
    for group in groups.into_values() {
        let mut inputs = confs.clone();
        inputs.extend(group);
        match format::import(Format::Brat, &inputs, ImportOptions::default()) {
            Ok(imported) => {
                out.errors
                    .extend(
                        imported
                            .report
                            .skipped
                            .into_iter()
                            .map(|p| ImportError::Malformed {
                                file: p.file,
                                place: p.place,
                                message: p.message,
                            }),
                    );
                out.documents.extend(imported.documents);
            }
            Err(e) => out.errors.push(e),
        }
    }
    out
}

fn article_zip(
    entries: Vec<InputFile>,
    html: impl Fn(&str) -> Result<(Option<String>, String), String>,
) -> ZipContents {
    let mut out = ZipContents::default();
    for f in entries {
        let base = f.base_name();
        let read = match FileKind::of(base) {
            Some(FileKind::Html) => decode(base, &f.bytes).and_then(|page| {
                let (title, text) = html(&page).map_err(|why| ImportError::Unreadable {
                    file: base.to_owned(),
                    why,
                })?;
                if text.trim().is_empty() {
                    return Err(ImportError::Empty {
                        file: base.to_owned(),
                    });
                }
                let title = title.unwrap_or_else(|| title_from_file_name(base));
                Ok(vec![article(Some(&title), &text, None, None)])
            }),
            _ => documents_from_file(base, &f.bytes),
        };
        match read {
            Ok(docs) => out.documents.extend(docs),
            Err(error) => out.errors.push(error.in_file(&f.name)),
        }
    }
    out
}

/// Spaces, tabs and newlines in HTML text collapse to one space, as a browser renders them.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Phrases that mark a line as page furniture rather than article, lower case.
const BOILERPLATE: [&str; 25] = [
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
    "choose your language",
    "select your language",
    "select language",
];

/// A line this long or shorter holding a phrase above is furniture; a longer one may be
/// an article sentence that mentions cookies or Facebook, and is kept.
const SHORT_LINE_CHARS: usize = 100;

/// A cookie notice runs long ("This website uses cookies to… you agree to our use of
/// cookies. Learn more"), so it is recognised up to this length by the site speaking.
const NOTICE_LINE_CHARS: usize = 600;

/// Words of a site asking for consent, which a news sentence about cookies does not use.
const NOTICE_PHRASES: [&str; 12] = [
    "we use cookies",
    "uses cookies",
    "our use of cookies",
    "use of cookies",
    "you agree",
    "you accept",
    "you consent",
    "by continuing",
    "by using this",
    "accept all",
    "cookie settings",
    "manage preferences",
];

/// The lines (0-based, split at `\n`) that look like boilerplate:
/// - a short line (see [`SHORT_LINE_CHARS`]) holding a phrase above, or a copyright line;
/// - a cookie notice, long as it may be (see [`NOTICE_LINE_CHARS`]);
/// - a short line that appears more than once, word for word: menus, language pickers and
///   share bars repeat, article sentences do not.
pub fn boilerplate_lines(text: &str) -> Vec<usize> {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| collapse_whitespace(line).to_lowercase())
        .collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for line in &lines {
        *seen.entry(line.as_str()).or_default() += 1;
    }
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            let chars = line.chars().count();
            let short = chars <= SHORT_LINE_CHARS;
            let phrase = line.starts_with('©') || BOILERPLATE.iter().any(|p| line.contains(p));
            let notice = chars <= NOTICE_LINE_CHARS
                && line.contains("cookie")
                && NOTICE_PHRASES.iter().any(|p| line.contains(p));
            let repeated = short
                && seen.get(line.as_str()).is_some_and(|&n| n > 1)
                && line.chars().any(char::is_alphabetic);
            !line.is_empty() && ((short && phrase) || notice || repeated)
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
            Err(ImportError::NotUtf8 {
                file: "a.txt".into(),
                byte: 3
            })
        );
        assert_eq!(
            documents_from_file("a.txt", b"  \n\t"),
            Err(ImportError::Empty {
                file: "a.txt".into()
            })
        );
        assert_eq!(
            documents_from_file("a.pdf", b"%PDF"),
            Err(ImportError::Unsupported {
                file: "a.pdf".into()
            })
        );
        assert!(check_size("a.txt", MAX_FILE_BYTES).is_ok());
    }

    /// One ImportError: its limit is the constant the check used, and the message says
    /// that limit, whichever reader refused the file.
    #[test]
    fn a_file_over_the_limit_names_the_limit_of_the_check_that_refused_it() {
        let err = check_size("big.txt", MAX_FILE_BYTES + 1).unwrap_err();
        assert_eq!(
            err,
            ImportError::TooLarge {
                file: "big.txt".into(),
                bytes: MAX_FILE_BYTES + 1,
                limit: MAX_FILE_BYTES,
            }
        );
        let limit = format::limit_megabytes(MAX_FILE_BYTES);
        assert!(err.to_string().contains(&format!("up to {limit}")), "{err}");
        let big = InputFile::new("big.jsonl", vec![b' '; format::MAX_INPUT_BYTES + 1]);
        let err = format::import(Format::Doccano, &[big], ImportOptions::default()).unwrap_err();
        let ImportError::TooLarge { limit, .. } = err else {
            panic!("{err:?}");
        };
        assert_eq!(limit, format::MAX_INPUT_BYTES as u64);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let docs = documents_from_file("a.txt", "\u{feff}Hello".as_bytes()).unwrap();
        assert_eq!(docs[0].text, "Hello");
    }

    #[test]
    fn jsonl_reports_the_line_of_malformed_json() {
        let text = "{\"text\":\"One.\"}\n\n{\"text\": \"Two.\",}\n";
        match documents_from_jsonl("feed.jsonl", text) {
            Err(ImportError::Malformed { place, .. }) if place.starts_with("line 3,") => {}
            other => panic!("{other:?}"),
        }
        let msg = documents_from_jsonl("feed.jsonl", text)
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("feed.jsonl, line 3, column"), "{msg}");
        assert!(msg.contains("malformed JSON"), "{msg}");
    }

    #[test]
    fn jsonl_reports_an_object_without_text() {
        let err = documents_from_jsonl("f.jsonl", "{\"text\":\"One.\"}\n{\"title\":\"No body\"}")
            .unwrap_err();
        assert_eq!(
            err,
            ImportError::NoText {
                file: "f.jsonl".into(),
                place: "line 2".into()
            }
        );
    }

    #[test]
    fn json_takes_one_object_or_a_list_with_optional_fields() {
        let one = documents_from_json(
            "a.json",
            "{\"text\":\"Body.\",\"title\":\"T\",\"date\":\"2024-05-01\"}",
        )
        .unwrap();
        assert_eq!(one[0].meta.title, "T");
        assert_eq!(one[0].meta.date.as_deref(), Some("2024-05-01"));
        let list = documents_from_json("a.json", "[{\"text\":\"A.\"},{\"text\":\"B.\"}]").unwrap();
        assert_eq!(list.len(), 2);
        let err = documents_from_json("a.json", "[{\"text\":\"A.\"},{\"text\":3}]").unwrap_err();
        assert_eq!(
            err,
            ImportError::NoText {
                file: "a.json".into(),
                place: "item 2 of the list".into()
            }
        );
        match documents_from_json("a.json", "{\n\"text\": oops}") {
            Err(ImportError::Malformed { place, .. }) if place.starts_with("line 2,") => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_loupe_corpus_file_keeps_its_annotations() {
        let mut doc = Document::new("Tagged", "Ana met Bo.");
        doc.annotations
            .mentions
            .push(Mention::new("T1", "PER", vec![Span::new(0, 3)], "Ana"));
        let json = loupe::to_json(std::slice::from_ref(&doc), "me");
        let docs = documents_from_file("export.loupe.json", json.as_bytes()).unwrap();
        assert_eq!(docs, vec![doc]);
        let newer = json.replace("\"format_version\": 1", "\"format_version\": 9");
        assert!(matches!(
            documents_from_json("a.json", &newer),
            Err(ImportError::Loupe {
                error: loupe::LoupeError::NewerVersion(9),
                ..
            })
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

    /// Bug 9: Clean up found nothing in a scraped article that starts with a
    /// 157-character cookie notice and has "CHOOSE YOUR LANGUAGE" twice, because only
    /// lines of 100 characters or fewer were considered.
    #[test]
    fn clean_up_finds_a_long_cookie_notice_and_a_repeated_language_picker() {
        let notice = "This website uses cookies to ensure you get the best experience on our \
                      website. By continuing to browse the site, you agree to our use of cookies. Learn more";
        assert_eq!(notice.chars().count(), 157);
        let text = format!(
            "{notice}\nCHOOSE YOUR LANGUAGE\nEnglish\n\nDrones struck the port of Odesa overnight.\n\n\
             The regulator said sites that set cookies without asking broke the law, and fined \
             three publishers a total of two million euros for it.\n\nCHOOSE YOUR LANGUAGE\nEnglish"
        );
        let lines = boilerplate_lines(&text);
        assert_eq!(lines, vec![0, 1, 2, 8, 9], "{text}");
        let cleaned = without_lines(&text, &lines.into_iter().collect());
        assert!(cleaned.starts_with("Drones struck"), "{cleaned}");
        assert!(cleaned.contains("set cookies without asking"), "{cleaned}");
    }

    fn zip(files: &[(&str, &str)]) -> Vec<u8> {
        let files: Vec<format::OutFile> = files
            .iter()
            .map(|(n, t)| format::OutFile {
                name: (*n).into(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect();
        archive::write_zip(&files).unwrap()
    }

    fn no_html(_: &str) -> Result<(Option<String>, String), String> {
        Ok((Some("Page".into()), "Page text.".into()))
    }

    #[test]
    fn a_zip_of_articles_imports_each_file_and_names_every_refused_one() {
        let bytes = zip(&[
            ("news/harbour_report.txt", "Ships left."),
            ("feed.jsonl", "{\"text\":\"One.\"}\n{\"text\":\"Two.\"}"),
            ("page.html", "<p>ignored by the stub</p>"),
            ("scan.pdf", "%PDF"),
            ("bad.txt", "\u{0}"),
            ("empty.md", "  "),
        ]);
        let out = documents_from_zip("drop.zip", &bytes, no_html).unwrap();
        let titles: Vec<&str> = out
            .documents
            .iter()
            .map(|d| d.meta.title.as_str())
            .collect();
        assert_eq!(titles, ["harbour report", "One.", "Two.", "Page", "bad"]);
        let errors: Vec<String> = out.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("drop.zip/scan.pdf: not a kind of file"));
        assert_eq!(errors[1], "drop.zip/empty.md: the file is empty");
    }

    #[test]
    fn a_brat_zip_imports_texts_with_their_annotations_and_refuses_per_document() {
        let bytes = zip(&[
            ("corpus/a.txt", "Sony sells in Kyiv."),
            ("corpus/a.ann", "T1\tORG 0 4\tSony\nT2\tGPE 14 18\tKyiv\n"),
            ("corpus/b.txt", "Ana met Bo."),
            ("corpus/b.ann", "T1\tPER 0 3\tAna\nT2\tPER 8 10\tXx\n"),
            ("corpus/c.ann", "T1\tPER 0 3\tAna\n"),
            ("corpus/d.txt", "No annotations here."),
            ("corpus/README.md", "about"),
        ]);
        let out = documents_from_zip("brat.zip", &bytes, no_html).unwrap();
        let docs: Vec<(&str, usize)> = out
            .documents
            .iter()
            .map(|d| (d.meta.title.as_str(), d.annotations.mentions.len()))
            .collect();
        assert_eq!(docs, [("a", 2), ("b", 1), ("d", 0)]);
        let errors: Vec<String> = out.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("brat.zip/corpus/README.md: not a brat file"));
        assert!(errors[1].contains("\"Xx\""), "{}", errors[1]);
        assert!(errors[2].contains("c.txt is missing"), "{}", errors[2]);
    }

    #[test]
    fn a_zip_over_the_limits_is_refused_whole_with_the_reason() {
        let bomb = zip(&[("big.txt", &"a".repeat(1_000_000))]);
        let err = documents_from_zip("bomb.zip", &bomb, no_html).unwrap_err();
        assert_eq!(err.file(), Some("bomb.zip"));
        assert!(
            err.to_string().contains("compression ratio over 100"),
            "{err}"
        );
        let err = documents_from_zip("junk.zip", b"PK\x03\x04junk", no_html).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("junk.zip: is not a readable zip archive"),
            "{err}"
        );
    }

    #[test]
    fn whitespace_collapses_like_rendered_html() {
        assert_eq!(collapse_whitespace("  a\n\t b  c "), "a b c");
    }
}
