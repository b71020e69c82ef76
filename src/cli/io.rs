//! What every command shares: the option groups (input format, schema, how many
//! problems to list) and reading inputs and writing outputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use crate::core::format::{
    self, Format, FormatOptions, ImportOptions, Imported, InputFile, OffsetUnit,
};
use crate::core::schema::Schema;

/// `--from FMT`: a format Loupe can read.
pub(crate) fn import_format(name: &str) -> Result<Format, String> {
    let f = export_format(name)?;
    if f.can_import() {
        Ok(f)
    } else {
        Err(format::ImportError::NotImportable(f).to_string())
    }
}

/// `--to FMT`: any format Loupe writes.
pub(crate) fn export_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown format {name:?}; the formats are {}",
            names.join(", ")
        )
    })
}

/// The input's format.
#[derive(Args, Debug, Clone)]
pub(crate) struct InputArgs {
    /// The input format (loupe, brat, doccano, w3c); guessed from the file names or the
    /// folder's or .zip's contents when left out.
    #[arg(long, value_name = "FMT", value_parser = import_format)]
    pub from: Option<Format>,
    /// The unit of doccano offsets read or written: utf16 (JavaScript string indices, what
    /// doccano's UI counts), graphemes (doccano's grapheme mode) or codepoints.
    #[arg(long, value_name = "UNIT", default_value = "utf16", value_parser = offset_unit)]
    pub offsets: OffsetUnit,
}

fn offset_unit(name: &str) -> Result<OffsetUnit, String> {
    OffsetUnit::from_name(name)
        .ok_or_else(|| format!("unknown offset unit {name:?}; say utf16, graphemes or codepoints"))
}

/// The schema preset names.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Preset {
    #[value(alias = "ace")]
    Ace2005,
    #[value(alias = "conll")]
    Conll2003,
    Empty,
}

impl Preset {
    pub fn schema(self) -> Schema {
        match self {
            Preset::Ace2005 => Schema::ace2005(),
            Preset::Conll2003 => Schema::conll2003(),
            Preset::Empty => Schema::empty(),
        }
    }
}

/// The schema to check or write against.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct SchemaArgs {
    /// A schema preset.
    #[arg(long, value_name = "NAME", value_enum, conflicts_with = "schema")]
    pub preset: Option<Preset>,
    /// A schema file: loupe schema JSON, or brat's annotation.conf (a `.conf` file).
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

impl SchemaArgs {
    /// The schema given with `--preset` or `--schema`, if any.
    pub fn schema(&self) -> Result<Option<Schema>, CliError> {
        if let Some(p) = self.preset {
            return Ok(Some(p.schema()));
        }
        let Some(path) = &self.schema else {
            return Ok(None);
        };
        let shown = path.display();
        let text = String::from_utf8(read(path)?)
            .map_err(|_| CliError::Schema(format!("{shown}: the schema is not UTF-8 text")))?;
        let parsed = if path.extension().is_some_and(|e| e == "conf") {
            Schema::from_brat(&text, "", "")
        } else {
            Schema::from_json(&text)
        };
        parsed
            .map(Some)
            .map_err(|e| CliError::Schema(format!("{shown}: {e}")))
    }
}

/// How many problems to print: a number, or every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MaxProblems(pub Option<usize>);

impl Default for MaxProblems {
    fn default() -> Self {
        MaxProblems(Some(DEFAULT_MAX_PROBLEMS))
    }
}

const DEFAULT_MAX_PROBLEMS: usize = 20;

fn max_problems(value: &str) -> Result<MaxProblems, String> {
    if value.eq_ignore_ascii_case("all") {
        return Ok(MaxProblems(None));
    }
    value
        .parse()
        .map(|n| MaxProblems(Some(n)))
        .map_err(|_| format!("{value:?} is not a number; give a number or all"))
}

#[derive(Args, Debug, Clone, Default)]
pub(crate) struct ProblemArgs {
    /// How many problems to list, a number or `all`; the rest are counted.
    #[arg(long, value_name = "N|all", default_value = "20", value_parser = max_problems)]
    pub max_problems: MaxProblems,
}

/// Prints problems up to the limit, then counts the rest.
pub(crate) struct ProblemPrinter {
    limit: MaxProblems,
    printed: usize,
    hidden: usize,
}

impl ProblemPrinter {
    pub fn new(args: &ProblemArgs) -> Self {
        Self {
            limit: args.max_problems,
            printed: 0,
            hidden: 0,
        }
    }

    pub fn print(&mut self, out: &mut dyn Write, line: &str) {
        if self.limit.0.is_some_and(|n| self.printed >= n) {
            self.hidden += 1;
        } else {
            self.printed += 1;
            let _ = writeln!(out, "{line}");
        }
    }

    /// "... and 12 more problems", when some were not printed.
    pub fn finish(&self, out: &mut dyn Write) {
        if self.hidden > 0 {
            let _ = writeln!(
                out,
                "... and {} more problem{} (--max-problems all lists every one)",
                self.hidden,
                if self.hidden == 1 { "" } else { "s" }
            );
        }
    }
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|error| CliError::Io {
        path: path.to_owned(),
        error,
    })
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|error| CliError::Io {
        path: path.to_owned(),
        error,
    })
}

/// The files of IN: the file itself, or every file directly in the folder.
fn input_files(path: &Path) -> Result<Vec<InputFile>, CliError> {
    let io = |error| CliError::Io {
        path: path.to_owned(),
        error,
    };
    if !path.is_dir() {
        return Ok(vec![InputFile::new(&path.to_string_lossy(), read(path)?)]);
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| Ok(InputFile::new(&p.to_string_lossy(), read(p)?)))
        .collect()
}

/// The format of IN: `--from`, or guessed from the file name or the folder's contents.
fn input_format(input: &InputArgs, path: &Path, files: &[InputFile]) -> Result<Format, CliError> {
    if let Some(f) = input.from {
        return Ok(f);
    }
    let guess = if path.is_dir() || (files.len() == 1 && format::archive::is_zip(&files[0])) {
        format::detect(files).map_err(CliError::Import)?
    } else {
        Format::guess(&path.to_string_lossy())
    };
    guess.ok_or_else(|| {
        CliError::Usage(format!(
            "cannot tell the format of {}; say it with --from",
            path.display()
        ))
    })
}

impl InputArgs {
    /// The format options these flags set.
    pub fn format_options(&self) -> FormatOptions {
        FormatOptions {
            offsets: self.offsets,
            ..FormatOptions::default()
        }
    }
}

/// Read IN in its format.
pub(crate) fn load(
    input: &InputArgs,
    path: &str,
    strict: bool,
) -> Result<(Format, Imported), CliError> {
    let path = Path::new(path);
    let files = input_files(path)?;
    let fmt = input_format(input, path, &files)?;
    let imported = format::import_with(
        fmt,
        &files,
        ImportOptions { strict },
        &input.format_options(),
    )
    .map_err(CliError::Import)?;
    Ok((fmt, imported))
}

/// Write an export: to stdout (`-`), to the file OUT when there is one file and OUT is not
/// a folder, into a `.zip`, or into the folder OUT (created if needed).
pub(crate) fn write_out(
    files: &[format::OutFile],
    target: &str,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let path = Path::new(target);
    if target == "-" {
        if files.len() != 1 {
            return Err(CliError::Usage(format!(
                "this export is {} files; give a folder instead of -",
                files.len()
            )));
        }
        return out
            .write_all(&files[0].bytes)
            .map_err(|error| CliError::Io {
                path: "stdout".into(),
                error,
            });
    }
    if target.to_ascii_lowercase().ends_with(".zip") && !path.is_dir() {
        let zip = format::archive::write_zip(files).map_err(|error| CliError::Io {
            path: path.to_owned(),
            error: std::io::Error::other(error),
        })?;
        return write_file(path, &zip);
    }
    if files.len() == 1 && !path.is_dir() && !target.ends_with('/') {
        return write_file(path, &files[0].bytes);
    }
    std::fs::create_dir_all(path).map_err(|error| CliError::Io {
        path: path.to_owned(),
        error,
    })?;
    for f in files {
        write_file(&path.join(&f.name), &f.bytes)?;
    }
    Ok(())
}
