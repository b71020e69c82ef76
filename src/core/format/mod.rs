//! Every file format Loupe reads or writes goes through this module.
//!
//! [`Format`] names each format; [`export`] and [`import`] are the one interface to all of
//! them. An export returns the files to write and an [`ExportReport`] that declares what
//! the format could not carry ("12 events dropped: doccano has no events"). An import
//! takes named files (the texts travel beside the annotations for brat and W3C), checks
//! every span and reference, and either applies everything valid and reports the rest, or
//! in strict mode applies nothing from a file that has a problem.
//!
//! ```
//! use loupe::core::format::{export, import, Format, ImportOptions, InputFile};
//! use loupe::core::model::Document;
//! use loupe::core::schema::Schema;
//! let doc = Document::new("note", "Sony sells in Kyiv.");
//! let out = export(Format::Brat, &[doc], &Schema::ace2005());
//! assert!(out.files.iter().any(|f| f.name == "note.ann"));
//! let inputs: Vec<InputFile> = out.files.iter().map(|f| InputFile::new(&f.name, f.bytes.clone())).collect();
//! let back = import(Format::Brat, &inputs, ImportOptions::default()).unwrap();
//! assert_eq!(back.documents[0].text, "Sony sells in Kyiv.");
//! ```

pub mod archive;
pub mod brat;
pub mod conll;
pub mod csv;
pub mod doccano;
pub mod infer;
#[cfg(test)]
pub(crate) mod json_schema;
pub mod loupe;
pub mod merge;
pub mod oneie;
pub mod w3c;
pub mod wordpiece;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::core::model::{Document, Span};
use crate::core::offsets::OffsetIndex;
pub use crate::core::offsets::Unit as OffsetUnit;
use crate::core::schema::Schema;
use crate::core::validate::Rule;

/// Inputs larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: usize = 50 * 1024 * 1024;
/// serde_json refuses deeper JSON; Loupe names the limit in its message.
pub const MAX_JSON_DEPTH: usize = 128;

/// The formats Loupe knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Loupe,
    Brat,
    Conll,
    Doccano,
    W3c,
    OneIe,
    Csv,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Loupe,
        Format::Brat,
        Format::Conll,
        Format::Doccano,
        Format::W3c,
        Format::OneIe,
        Format::Csv,
    ];

    /// The name used on the command line and in the UI.
    pub fn name(self) -> &'static str {
        match self {
            Format::Loupe => "loupe",
            Format::Brat => "brat",
            Format::Conll => "conll",
            Format::Doccano => "doccano",
            Format::W3c => "w3c",
            Format::OneIe => "oneie",
            Format::Csv => "csv",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .or(match name.as_str() {
                "json" => Some(Format::Loupe),
                "iob" | "iob2" | "conll2003" => Some(Format::Conll),
                "jsonl" => Some(Format::Doccano),
                "webanno" | "jsonld" | "web-annotation" => Some(Format::W3c),
                "ace" | "ace05" => Some(Format::OneIe),
                _ => None,
            })
    }

    /// Whether Loupe can read this format back.
    pub fn can_import(self) -> bool {
        matches!(
            self,
            Format::Loupe | Format::Brat | Format::Doccano | Format::W3c
        )
    }

    /// Guess a file's format from its name, for the command line.
    pub fn guess(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".ann") || lower.ends_with(".conf") || lower.ends_with(".txt") {
            Some(Format::Brat)
        } else if lower.ends_with(".jsonld") {
            Some(Format::W3c)
        } else if lower.ends_with(".jsonl") {
            Some(Format::Doccano)
        } else if lower.ends_with(".conll") || lower.ends_with(".iob") {
            Some(Format::Conll)
        } else if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else if lower.ends_with(".oneie.json") {
            Some(Format::OneIe)
        } else if lower.ends_with(".json") {
            Some(Format::Loupe)
        } else {
            None
        }
    }
}

/// Guess the format of files given together, looking inside `.zip` archives: brat when
/// there is an `.ann` or `.conf` file, W3C for `.jsonld`, doccano for `.jsonl`, and for
/// `.json` loupe/1 when it declares a `format_version`, W3C otherwise. `None` when nothing
/// tells.
pub fn detect(files: &[InputFile]) -> Result<Option<Format>, ImportError> {
    let files = archive::expand(files)?;
    let has = |ext: &str| {
        files
            .iter()
            .any(|f| f.base_name().to_ascii_lowercase().ends_with(ext))
    };
    Ok(if has(".ann") || has(".conf") {
        Some(Format::Brat)
    } else if has(".jsonld") {
        Some(Format::W3c)
    } else if has(".jsonl") {
        Some(Format::Doccano)
    } else if has(".json") {
        let loupe = files.iter().any(|f| {
            f.base_name().to_ascii_lowercase().ends_with(".json")
                && f.utf8().is_ok_and(|t| t.contains("\"format_version\""))
        });
        Some(if loupe { Format::Loupe } else { Format::W3c })
    } else {
        None
    })
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One file an export produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// A plain file name, no folders.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl OutFile {
    fn text(name: impl Into<String>, text: String) -> Self {
        Self {
            name: name.into(),
            bytes: text.into_bytes(),
        }
    }
}

/// What an export could not represent, grouped by what was lost and why, and what it
/// had to fill in ("5 mention types inferred: …").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// (what, why) → how many. A `BTreeMap` so the report reads the same every time.
    losses: BTreeMap<(String, String), usize>,
    /// (what, why) → how many, for what was written but not as annotated.
    notes: BTreeMap<(String, String), usize>,
}

impl ExportReport {
    /// Record `count` items of `what` (a plural noun, "events") lost because `why`.
    pub fn drop(&mut self, what: &str, why: &str, count: usize) {
        if count > 0 {
            *self
                .losses
                .entry((what.to_owned(), why.to_owned()))
                .or_default() += count;
        }
    }

    /// Record `count` items of `what` written with a value the annotations did not give.
    pub fn note(&mut self, what: &str, why: &str, count: usize) {
        if count > 0 {
            *self
                .notes
                .entry((what.to_owned(), why.to_owned()))
                .or_default() += count;
        }
    }

    pub fn is_lossless(&self) -> bool {
        self.losses.is_empty()
    }

    /// How many of `what` were dropped, for any reason.
    pub fn dropped(&self, what: &str) -> usize {
        self.losses
            .iter()
            .filter(|((w, _), _)| w == what)
            .map(|(_, n)| n)
            .sum()
    }

    /// One sentence per loss, "12 events dropped: doccano has no events", then one per
    /// note, "5 mention types inferred: …".
    pub fn lines(&self) -> Vec<String> {
        let losses = self
            .losses
            .iter()
            .map(|((what, why), n)| format!("{n} {what} dropped: {why}"));
        let notes = self
            .notes
            .iter()
            .map(|((what, why), n)| format!("{n} {what}: {why}"));
        losses.chain(notes).collect()
    }
}

/// The result of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub files: Vec<OutFile>,
    pub report: ExportReport,
}

/// Choices some formats need: the offset unit of doccano files, the WordPiece vocabulary
/// of OneIE's pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormatOptions {
    /// The unit of doccano's offsets (UTF-16 code units unless said otherwise).
    pub offsets: OffsetUnit,
    /// The vocabulary OneIE's `pieces` come from.
    pub wordpiece: Option<wordpiece::WordPiece>,
}

/// Export documents in `format` with the default [`FormatOptions`]. `schema` is the one
/// the corpus follows: brat writes its configuration files from it, loupe/1 embeds it.
pub fn export(format: Format, documents: &[Document], schema: &Schema) -> Export {
    export_with(format, documents, schema, &FormatOptions::default())
}

/// Export documents in `format` with `options`.
pub fn export_with(
    format: Format,
    documents: &[Document],
    schema: &Schema,
    options: &FormatOptions,
) -> Export {
    let mut report = ExportReport::default();
    let files = match format {
        Format::Loupe => vec![OutFile::text(
            "corpus.json",
            loupe::to_json_with_schema(documents, "", schema),
        )],
        Format::Brat => brat::export(documents, schema, &mut report),
        Format::Conll => vec![OutFile::text(
            "corpus.conll",
            conll::export(documents, &mut report),
        )],
        Format::Doccano => vec![OutFile::text(
            "corpus.jsonl",
            doccano::export(documents, options.offsets, &mut report),
        )],
        Format::W3c => w3c::export(documents, &mut report),
        Format::OneIe => vec![OutFile::text(
            "corpus.oneie.json",
            oneie::export(documents, options.wordpiece.as_ref(), &mut report),
        )],
        Format::Csv => vec![OutFile::text(
            "corpus.csv",
            csv::export(documents, &mut report),
        )],
    };
    Export { files, report }
}

/// One file given to an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The file's name; only its last path component and extension matter.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl InputFile {
    pub fn new(name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.to_owned(),
            bytes: bytes.into(),
        }
    }

    /// The name without folders.
    pub fn base_name(&self) -> &str {
        self.name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(self.name.as_str())
    }

    /// The base name without its last extension.
    pub fn stem(&self) -> &str {
        let base = self.base_name();
        base.rsplit_once('.').map_or(base, |(s, _)| s)
    }

    /// The contents as UTF-8, with a clear error otherwise.
    pub fn utf8(&self) -> Result<&str, ImportError> {
        std::str::from_utf8(&self.bytes).map_err(|e| ImportError::NotUtf8 {
            file: self.name.clone(),
            byte: e.valid_up_to(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportOptions {
    /// Refuse a whole file when any part of it is wrong, instead of applying the rest.
    pub strict: bool,
}

/// One thing an import could not apply: the file, where in it, the rule it broke, and
/// what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// "line 4", "annotation T3", "entity 2 of line 1": where to look.
    pub place: String,
    /// The rule the input broke, for tests and tools to match on.
    pub rule: Rule,
    pub message: String,
}

impl Problem {
    pub fn new(file: impl Into<String>, place: impl Into<String>, flaw: impl Into<Flaw>) -> Self {
        let flaw = flaw.into();
        Self {
            file: file.into(),
            place: place.into(),
            rule: flaw.rule,
            message: flaw.message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}: {}", self.file, self.place, self.message)
    }
}

/// What is wrong with one piece of input, before the place is known: the rule it breaks
/// and a sentence that says what to do. A bare message is [`Rule::Malformed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flaw {
    pub rule: Rule,
    pub message: String,
}

impl Flaw {
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Self {
            rule,
            message: message.into(),
        }
    }
}

impl From<String> for Flaw {
    fn from(message: String) -> Self {
        Self::new(Rule::Malformed, message)
    }
}

impl From<&str> for Flaw {
    fn from(message: &str) -> Self {
        Self::new(Rule::Malformed, message)
    }
}

impl fmt::Display for Flaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What an import did not apply (empty when everything was applied), and what it
/// decided for the user (such as a schema inferred for a file that has none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub skipped: Vec<Problem>,
    pub notes: Vec<String>,
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub documents: Vec<Document>,
    /// The schema the input carried (brat's `annotation.conf`, loupe/1's embedded schema).
    pub schema: Option<Schema>,
    pub report: ImportReport,
}

/// Why a file was not imported: the one error of every import, from picking article
/// files to reading annotation formats. Every variant names the file; sizes and limits
/// are in bytes, and the limits are the constants ([`MAX_INPUT_BYTES`],
/// [`crate::core::import::MAX_FILE_BYTES`]), so a message never disagrees with the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    TooLarge {
        file: String,
        bytes: u64,
        limit: u64,
    },
    NotUtf8 {
        file: String,
        byte: usize,
    },
    TooDeep {
        file: String,
    },
    Malformed {
        file: String,
        place: String,
        message: String,
    },
    /// Strict mode refused a file because of these problems; nothing was applied.
    Rejected {
        problems: Vec<Problem>,
    },
    /// A file the format needs is missing, such as the text of an `.ann` file.
    Missing {
        file: String,
        message: String,
    },
    NotImportable(Format),
    /// A zip archive, or a file inside one, was refused.
    Zip {
        file: String,
        message: String,
    },
    Loupe {
        file: String,
        error: loupe::LoupeError,
    },
    /// The file holds nothing to import.
    Empty {
        file: String,
    },
    /// Not a kind of file Loupe reads as articles.
    Unsupported {
        file: String,
    },
    /// An article object (at a line of a `.jsonl` file, or an item of a `.json` list)
    /// has no `text`.
    NoText {
        file: String,
        place: String,
    },
    /// The browser could not read the file, or its HTML.
    Unreadable {
        file: String,
        why: String,
    },
}

/// A size as the messages give it: "23.4 MB".
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// A limit as the messages give it: "50 MB" when whole, else as [`megabytes`].
pub fn limit_megabytes(bytes: u64) -> String {
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        megabytes(bytes)
    }
}

impl ImportError {
    /// The file the error is about; `None` for a strict refusal of several problems, or
    /// a format Loupe cannot read.
    pub fn file(&self) -> Option<&str> {
        match self {
            Self::TooLarge { file, .. }
            | Self::NotUtf8 { file, .. }
            | Self::TooDeep { file }
            | Self::Malformed { file, .. }
            | Self::Missing { file, .. }
            | Self::Zip { file, .. }
            | Self::Loupe { file, .. }
            | Self::Empty { file }
            | Self::Unsupported { file }
            | Self::NoText { file, .. }
            | Self::Unreadable { file, .. } => Some(file),
            Self::Rejected { .. } | Self::NotImportable(_) => None,
        }
    }

    /// The same error, about the file named `name` (a file inside an archive is read by
    /// its own name, and reported by its path in the archive).
    pub fn in_file(mut self, name: &str) -> Self {
        match &mut self {
            Self::TooLarge { file, .. }
            | Self::NotUtf8 { file, .. }
            | Self::TooDeep { file }
            | Self::Malformed { file, .. }
            | Self::Missing { file, .. }
            | Self::Zip { file, .. }
            | Self::Loupe { file, .. }
            | Self::Empty { file }
            | Self::Unsupported { file }
            | Self::NoText { file, .. }
            | Self::Unreadable { file, .. } => name.clone_into(file),
            Self::Rejected { .. } | Self::NotImportable(_) => {}
        }
        self
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { file, bytes, limit } => write!(
                f,
                "{file} is {}; Loupe reads files up to {}, so split it into smaller files",
                megabytes(*bytes),
                limit_megabytes(*limit)
            ),
            Self::NotUtf8 { file, byte } => write!(
                f,
                "{file} is not UTF-8 text (invalid bytes at byte {byte}); save it as UTF-8 and try again"
            ),
            Self::TooDeep { file } => write!(
                f,
                "{file}: the JSON is nested deeper than {MAX_JSON_DEPTH} levels, which no annotation file needs; check that it is the file you meant"
            ),
            Self::Malformed { file, place, message } => write!(f, "{file}, {place}: {message}"),
            Self::Rejected { problems } => {
                write!(
                    f,
                    "nothing was imported (strict mode) because of {} problem{}:",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            Self::Missing { file, message } => write!(f, "{file}: {message}"),
            Self::NotImportable(format) => write!(
                f,
                "Loupe can export {format} but not read it back; import loupe, brat, doccano or w3c instead"
            ),
            Self::Zip { file, message } => write!(f, "{file}: {message}"),
            Self::Loupe { file, error } => write!(f, "{file}: {error}"),
            Self::Empty { file } => write!(f, "{file}: the file is empty"),
            Self::Unsupported { file } => write!(
                f,
                "{file}: not a kind of file Loupe reads; use .txt, .md, .html, .htm, .json, .jsonl, or a .zip of them or of brat files"
            ),
            Self::NoText { file, place } => write!(
                f,
                "{file}: {place} has no \"text\" field; each article needs its text as a string"
            ),
            Self::Unreadable { file, why } => write!(f, "{file}: could not be read ({why})"),
        }
    }
}

impl std::error::Error for ImportError {}

/// Import `files` as `format`, with the default [`FormatOptions`].
pub fn import(
    format: Format,
    files: &[InputFile],
    options: ImportOptions,
) -> Result<Imported, ImportError> {
    import_with(format, files, options, &FormatOptions::default())
}

/// Import `files` as `format`; `formats` gives doccano's offset unit.
pub fn import_with(
    format: Format,
    files: &[InputFile],
    options: ImportOptions,
    formats: &FormatOptions,
) -> Result<Imported, ImportError> {
    for f in files {
        check_size(&f.name, f.bytes.len())?;
    }
    // Any input may come as a .zip (a brat corpus most often): read what is inside.
    let expanded = archive::expand(files)?;
    let files = expanded.as_slice();
    let mut imported = match format {
        Format::Loupe => {
            for f in files {
                let text = f.utf8()?;
                check_json_depth(&f.name, text)?;
                refuse_predictions(&f.name, text)?;
            }
            return loupe::import(files, options);
        }
        Format::Brat => brat::import(files, options)?,
        Format::Doccano => doccano::import(files, options, formats.offsets)?,
        Format::W3c => w3c::import(files, options)?,
        other => return Err(ImportError::NotImportable(other)),
    };
    if imported.schema.is_none() {
        let schema = infer::infer_schema(
            &imported.documents,
            &format!("Inferred from {format} files"),
        );
        imported.report.notes.push(format!(
            "the files carry no schema, so Loupe inferred one from what they use: {} entity types, {} event types, {} relation types, {} attributes",
            schema.entity_types.len(),
            schema.event_types.len(),
            schema.relation_types.len(),
            schema.attributes.len()
        ));
        imported.schema = Some(schema);
    }
    Ok(imported)
}

/// A prediction file's suggested annotations are a model's guesses: taking them as
/// annotations would pass them off as a person's work, so they go in only as suggestions.
fn refuse_predictions(file: &str, json: &str) -> Result<(), ImportError> {
    let marked: usize = loupe::suggested_marks(json)
        .iter()
        .map(loupe::DocumentMarks::len)
        .sum();
    if marked == 0 {
        return Ok(());
    }
    Err(ImportError::Malformed {
        file: file.to_owned(),
        place: "\"suggested\"".into(),
        message: format!(
            "this is a prediction file (as `loupe suggest` writes): {marked} of its annotations are suggestions, not annotations; import it as suggestions instead"
        ),
    })
}

fn check_size(file: &str, bytes: usize) -> Result<(), ImportError> {
    if bytes > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            file: file.to_owned(),
            bytes: bytes as u64,
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    Ok(())
}

/// Refuse JSON nested deeper than [`MAX_JSON_DEPTH`] with a clear error, before serde_json
/// gives its own terse "recursion limit exceeded". Brackets inside strings do not count.
pub fn check_json_depth(file: &str, json: &str) -> Result<(), ImportError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in json.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(ImportError::TooDeep {
                        file: file.to_owned(),
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parse JSON, turning serde's errors into [`ImportError`]s that say where.
fn parse_json<T: serde::de::DeserializeOwned>(
    file: &str,
    place: impl Fn(usize, usize) -> String,
    json: &str,
) -> Result<T, ImportError> {
    check_json_depth(file, json)?;
    serde_json::from_str(json).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            ImportError::TooDeep {
                file: file.to_owned(),
            }
        } else {
            ImportError::Malformed {
                file: file.to_owned(),
                place: place(e.line(), e.column()),
                message: format!("{e}; fix the JSON there"),
            }
        }
    })
}

/// Check that `fragments` lie in the text and that the text there equals `quoted` (when
/// the format quotes it). The message names both strings; the caller adds the place.
fn check_fragments(
    text: &str,
    index: &OffsetIndex,
    fragments: &[Span],
    quoted: Option<&str>,
) -> Result<(), Flaw> {
    if fragments.is_empty() {
        return Err(Flaw::new(
            Rule::NoFragments,
            "it has no span; give it a start and an end",
        ));
    }
    for f in fragments {
        if f.end < f.start {
            return Err(Flaw::new(
                Rule::FragmentOutOfBounds,
                format!(
                    "its span ends ({}) before it starts ({}); swap the offsets",
                    f.end, f.start
                ),
            ));
        }
        if f.end == f.start {
            return Err(Flaw::new(
                Rule::EmptyFragment,
                format!("its span {}–{} is empty", f.start, f.end),
            ));
        }
        if f.end > index.len_cp() {
            return Err(Flaw::new(
                Rule::FragmentOutOfBounds,
                format!(
                    "its span {}–{} runs past the end of the text ({} code points); the offsets are for another text, or count bytes or UTF-16 units instead of code points",
                    f.start,
                    f.end,
                    index.len_cp()
                ),
            ));
        }
    }
    if let Some(quoted) = quoted {
        let actual = indexed_text(text, index, fragments).unwrap_or_default();
        if !same_quote(&actual, quoted) {
            let at = fragments
                .iter()
                .map(|f| format!("{}–{}", f.start, f.end))
                .collect::<Vec<_>>()
                .join(";");
            return Err(Flaw::new(
                Rule::TextMismatch,
                format!(
                    "the file quotes {quoted:?} but the text at {at} is {actual:?}; the offsets are wrong or the text changed"
                ),
            ));
        }
    }
    Ok(())
}

/// The text of `fragments` joined by one space, as `model::fragments_text` but through the index,
/// so checking 10,000 spans of a 1 MB text stays linear.
fn indexed_text(text: &str, index: &OffsetIndex, fragments: &[Span]) -> Option<String> {
    let parts: Option<Vec<&str>> = fragments
        .iter()
        .map(|f| index.slice(text, f.start, f.end))
        .collect();
    parts.map(|p| p.join(" "))
}

/// Quotes in line-based formats cannot hold line breaks or tabs, so they compare as spaces.
fn same_quote(actual: &str, quoted: &str) -> bool {
    actual.len() == quoted.len()
        && actual
            .chars()
            .zip(quoted.chars())
            .all(|(a, q)| a == q || (a.is_whitespace() && q.is_whitespace()))
}

/// A file name for a document: its title, made safe, or its id; unique within `used`.
fn file_stem(doc: &Document, used: &mut BTreeSet<String>) -> String {
    let mut base: String = doc
        .meta
        .title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    base = base.chars().take(60).collect();
    if base.is_empty() {
        base = doc.meta.id.clone();
    }
    let mut name = base.clone();
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// JSON with every non-ASCII character written as `\u` escapes (UTF-16, as JSON says), so
/// that no encoding guess can misread the file. Non-ASCII occurs in JSON only inside
/// strings, where an escape means the same character.
pub(crate) fn ascii_json(json: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
    out
}

/// Keep the valid part of a file or refuse it whole, as the options say.
fn settle(
    problems: Vec<Problem>,
    options: ImportOptions,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    if options.strict && !problems.is_empty() {
        return Err(ImportError::Rejected { problems });
    }
    report.skipped.extend(problems);
    Ok(())
}

#[cfg(test)]
pub mod fixtures {
    //! The small document every format's tests share: an emoji, a nested span, a
    //! discontinuous span and an event with three arguments.
    use std::collections::BTreeMap;

    use crate::core::model::{AttrValue, Document, Event, Mention, Normalization, Relation, Span};

    pub const TEXT: &str = "🚀 Russian forces struck Kyiv and Odesa with 8,400 drones.\nMr Zelensky said North and South America help.";

    pub fn mention(id: &str, kind: &str, frags: &[(usize, usize)]) -> Mention {
        let fragments: Vec<Span> = frags.iter().map(|&(s, e)| Span::new(s, e)).collect();
        Mention {
            id: id.into(),
            kind: kind.into(),
            text: crate::core::model::fragments_text(TEXT, &fragments).unwrap(),
            fragments,
            attributes: BTreeMap::new(),
            normalization: None,
            note: None,
            entity: None,
        }
    }

    /// The shared document. Offsets count code points: the rocket is one.
    pub fn document() -> Document {
        let mut doc = Document::new("Strike report", TEXT);
        let mut forces = mention("T1", "ORG", &[(2, 16)]);
        forces
            .attributes
            .insert("MentionType".into(), AttrValue::Value("NOM".into()));
        let russian = mention("T2", "GPE", &[(2, 9)]);
        let mut kyiv = mention("T3", "GPE", &[(24, 28)]);
        kyiv.normalization = Some(Normalization {
            resource: "Wikidata".into(),
            id: "Q1899".into(),
            label: "Kyiv".into(),
        });
        let odesa = mention("T4", "GPE", &[(33, 38)]);
        let drones = mention("T5", "WEA", &[(44, 56)]);
        let mut zelensky = mention("T6", "PER", &[(58, 69)]);
        zelensky.note = Some("President of Ukraine".into());
        let america = mention("T7", "LOC", &[(75, 80), (91, 98)]);
        doc.annotations.mentions = vec![forces, russian, kyiv, odesa, drones, zelensky, america];
        let mut attack = Event::new(
            "E1",
            "Conflict:Attack",
            vec![Span::new(17, 23)],
            "struck",
            vec![
                arg("Attacker", "T1"),
                arg("Target", "T3"),
                arg("Target", "T4"),
                arg("Instrument", "T5"),
            ],
        );
        attack
            .attributes
            .insert("Realis".into(), AttrValue::Value("Actual".into()));
        doc.annotations.events = vec![attack];
        doc.annotations.relations = vec![Relation {
            id: "R1".into(),
            kind: "PART-WHOLE".into(),
            arg1: "T1".into(),
            arg2: "T2".into(),
            attributes: BTreeMap::new(),
        }];
        doc
    }

    pub fn arg(role: &str, target: &str) -> crate::core::model::Argument {
        crate::core::model::Argument {
            role: role.into(),
            target: target.into(),
        }
    }

    #[test]
    fn the_shared_document_is_valid() {
        let doc = document();
        let report = crate::core::validate::validate(
            &doc.text,
            &doc.annotations,
            Some(&crate::core::schema::Schema::ace2005()),
        );
        assert!(!report.has_errors(), "{:?}", report.issues);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_report_reads_as_counted_sentences() {
        let mut r = ExportReport::default();
        r.drop("events", "doccano has no events", 7);
        r.drop("events", "doccano has no events", 5);
        r.drop("notes", "nowhere to put them", 0);
        assert_eq!(r.lines(), ["12 events dropped: doccano has no events"]);
        assert_eq!(r.dropped("events"), 12);
    }

    #[test]
    fn json_nested_deeper_than_128_is_refused_with_a_clear_message() {
        let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        let err = import(
            Format::Doccano,
            &[InputFile::new("deep.jsonl", deep.clone())],
            ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            ImportError::TooDeep {
                file: "deep.jsonl".into()
            }
        );
        assert!(err.to_string().contains("nested deeper than 128"));
        // Brackets inside strings are text, not nesting.
        let quoted = format!("{{\"text\": \"{}\"}}", "[".repeat(500));
        assert!(check_json_depth("q.json", &quoted).is_ok());
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(check_json_depth("ok.json", &ok).is_ok());
    }

    #[test]
    fn files_over_50_mb_are_refused_before_parsing() {
        let big = InputFile::new("big.jsonl", vec![b' '; MAX_INPUT_BYTES + 1]);
        let err = import(Format::Doccano, &[big], ImportOptions::default()).unwrap_err();
        assert!(matches!(err, ImportError::TooLarge { .. }));
        assert!(err.to_string().contains("up to 50 MB"));
    }

    #[test]
    fn bad_utf8_names_the_byte() {
        let err = import(
            Format::Brat,
            &[
                InputFile::new("a.txt", b"ok \xff".to_vec()),
                InputFile::new("a.ann", ""),
            ],
            ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            ImportError::NotUtf8 {
                file: "a.txt".into(),
                byte: 3
            }
        );
    }

    #[test]
    fn formats_that_cannot_be_read_back_say_so() {
        let err = import(Format::Conll, &[], ImportOptions::default()).unwrap_err();
        assert!(err.to_string().contains("not read it back"));
    }

    #[test]
    fn formats_are_detected_from_files_and_from_inside_a_zip() {
        let doc = fixtures::document();
        for format in [Format::Brat, Format::Doccano, Format::W3c, Format::Loupe] {
            let out = export(format, std::slice::from_ref(&doc), &Schema::ace2005());
            let files: Vec<InputFile> = out
                .files
                .iter()
                .map(|f| InputFile::new(&f.name, f.bytes.clone()))
                .collect();
            assert_eq!(detect(&files), Ok(Some(format)), "{format}");
            let zip = archive::write_zip(&out.files).unwrap();
            assert_eq!(
                detect(&[InputFile::new("all.zip", zip)]),
                Ok(Some(format)),
                "{format} in a zip"
            );
        }
        assert_eq!(detect(&[InputFile::new("a.txt", "x")]), Ok(None));
    }

    #[test]
    fn every_format_has_a_name_that_parses_back() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut used = BTreeSet::new();
        let a = Document::new("Strike on Kyiv / 2025?", "x");
        assert_eq!(file_stem(&a, &mut used), "Strike-on-Kyiv-2025");
        assert_eq!(file_stem(&a, &mut used), "Strike-on-Kyiv-2025-2");
        let untitled = Document::new("", "y");
        assert_eq!(file_stem(&untitled, &mut used), untitled.meta.id);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod no_panic {
    //! Every parser, fed random bytes or a damaged valid file, returns a value or an
    //! error, and never panics.
    use super::*;
    use proptest::prelude::*;

    fn valid_inputs() -> Vec<(Format, Vec<InputFile>)> {
        let doc = fixtures::document();
        [Format::Brat, Format::Doccano, Format::W3c, Format::Loupe]
            .into_iter()
            .map(|f| {
                let out = export(f, std::slice::from_ref(&doc), &Schema::ace2005());
                let files = out
                    .files
                    .iter()
                    .map(|o| InputFile::new(&o.name, o.bytes.clone()))
                    .collect();
                (f, files)
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000) / 20
        ))]

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), strict: bool) {
            for (format, name) in [(Format::Doccano, "x.jsonl"), (Format::W3c, "x.jsonld"), (Format::Brat, "x.ann"), (Format::Loupe, "x.json")] {
                let files = [InputFile::new("x.txt", "Sony 🚀 Kyiv"), InputFile::new(name, bytes.clone())];
                let _ = import(format, &files, ImportOptions { strict });
            }
        }

        #[test]
        fn mutated_valid_files_never_panic(which in 0usize..4, file in 0usize..8, at in any::<prop::sample::Index>(), cut: bool, byte: u8) {
            let (format, mut files) = valid_inputs().swap_remove(which);
            let n = file % files.len();
            let bytes = &mut files[n].bytes;
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                if cut { bytes.truncate(i) } else { bytes[i] = byte }
            }
            let _ = import(format, &files, ImportOptions::default());
        }
    }
}
