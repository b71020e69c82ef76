//! The `loupe` command-line tool: the same core as the app, for scripts and pipelines.
//! Native only; on wasm the `loupe` binary is the app.
//!
//! ```text
//! loupe convert [--from FMT] --to FMT [--strict] [--preset NAME | --schema FILE] IN OUT
//! loupe validate [--from FMT] [--preset NAME | --schema FILE] FILE...
//! loupe stats [--from FMT] FILE
//! loupe schema --preset NAME --to brat|loupe OUT
//! loupe agree [--from FMT] A B [C...] [--json OUT] [--csv OUT]
//! loupe suggest --train TRAIN --on DOCS --out OUT [--from FMT] [--gazetteer FILE] [--min-score S]
//! ```
//!
//! IN and OUT may be files or folders (a folder of brat `.txt`/`.ann` pairs, a folder of
//! W3C `.jsonld` files and their texts). OUT `-` writes a one-file export to stdout.
//! Exit codes: 0 success, 1 the data has errors, 2 the command line is wrong or a file
//! cannot be read or written.

mod agree;
mod suggest;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::core::format::{self, Format, ImportOptions, Imported, InputFile};
use crate::core::schema::Schema;
use crate::core::validate::validate;

const USAGE: &str = "usage:
  loupe convert [--from FMT] --to FMT [--strict] [--preset NAME | --schema FILE] IN OUT
    (IN and OUT may be a file, a folder or a .zip)
  loupe validate [--from FMT] [--preset NAME | --schema FILE] FILE...
  loupe stats [--from FMT] FILE...
  loupe schema --preset NAME --to brat|loupe OUT
  loupe agree [--from FMT] A B [C...] [--json OUT|-] [--csv OUT]
  loupe suggest --train TRAIN --on DOCS --out OUT|- [--from FMT] [--gazetteer FILE]
                [--min-score S] [--seed N] [--epochs N]
    (OUT is a prediction file: loupe/1 whose predicted annotations carry \"suggested\")
formats: loupe, brat, conll, doccano, w3c, oneie, csv (import: loupe, brat, doccano, w3c)
presets: ace2005, conll2003, empty";

/// Exit codes.
pub const OK: i32 = 0;
pub const DATA_ERROR: i32 = 1;
pub const USAGE_ERROR: i32 = 2;

/// Why a command failed, with the exit code it maps to.
#[derive(Debug)]
pub enum CliError {
    Usage(String),
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    Import(format::ImportError),
    Schema(String),
    /// Problems were already printed; only the exit code is left.
    Invalid,
}

impl CliError {
    fn code(&self) -> i32 {
        match self {
            CliError::Import(_) | CliError::Invalid => DATA_ERROR,
            _ => USAGE_ERROR,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}\n{USAGE}"),
            CliError::Io { path, error } => write!(
                f,
                "{}: {error}; check the path and its permissions",
                path.display()
            ),
            CliError::Import(e) => write!(f, "{e}"),
            CliError::Schema(m) => write!(f, "{m}"),
            CliError::Invalid => write!(f, "the files have errors (listed above)"),
        }
    }
}

/// Entry point of the native binary.
pub fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = run(
        &args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}

/// Run a command line (without the program name); returns the exit code.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match command(args, out, err) {
        Ok(()) => OK,
        Err(e) => {
            let _ = writeln!(err, "loupe: {e}");
            e.code()
        }
    }
}

/// Parsed options: flags with values, switches and positional arguments.
struct Options<'a> {
    flags: BTreeMap<&'a str, &'a str>,
    strict: bool,
    positional: Vec<&'a str>,
}

fn parse(args: &[String]) -> Result<Options<'_>, CliError> {
    let mut opts = Options {
        flags: BTreeMap::new(),
        strict: false,
        positional: vec![],
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--strict" => opts.strict = true,
            "--from" | "--to" | "--preset" | "--schema" | "--json" | "--csv" => {
                let v = it
                    .next()
                    .ok_or_else(|| CliError::Usage(format!("{a} needs a value")))?;
                opts.flags.insert(a, v);
            }
            flag if flag.starts_with("--") => {
                return Err(CliError::Usage(format!("unknown option {flag}")))
            }
            p => opts.positional.push(p),
        }
    }
    Ok(opts)
}

fn format_flag(opts: &Options, flag: &str) -> Result<Option<Format>, CliError> {
    opts.flags
        .get(flag)
        .map(|name| {
            Format::from_name(name)
                .ok_or_else(|| CliError::Usage(format!("unknown format {name:?}")))
        })
        .transpose()
}

fn preset(name: &str) -> Result<Schema, CliError> {
    match name {
        "ace2005" | "ace" => Ok(Schema::ace2005()),
        "conll2003" | "conll" => Ok(Schema::conll2003()),
        "empty" => Ok(Schema::empty()),
        other => Err(CliError::Usage(format!("unknown preset {other:?}"))),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|error| CliError::Io {
        path: path.to_owned(),
        error,
    })
}

/// The schema given with `--preset` or `--schema` (loupe JSON or brat annotation.conf).
fn schema_flag(opts: &Options) -> Result<Option<Schema>, CliError> {
    if let Some(name) = opts.flags.get("--preset") {
        return preset(name).map(Some);
    }
    let Some(path) = opts.flags.get("--schema") else {
        return Ok(None);
    };
    let bytes = read(Path::new(path))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::Schema(format!("{path}: the schema is not UTF-8 text")))?;
    let parsed = if path.ends_with(".conf") {
        Schema::from_brat(&text, "", "")
    } else {
        Schema::from_json(&text)
    };
    parsed
        .map(Some)
        .map_err(|e| CliError::Schema(format!("{path}: {e}")))
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
fn input_format(opts: &Options, path: &Path, files: &[InputFile]) -> Result<Format, CliError> {
    if let Some(f) = format_flag(opts, "--from")? {
        return Ok(f);
    }
    let zipped = files.len() == 1 && format::archive::is_zip(&files[0]);
    let inside = if zipped {
        format::archive::read_zip(&files[0]).map_err(CliError::Import)?
    } else {
        Vec::new()
    };
    let files = if zipped { inside.as_slice() } else { files };
    let guess = if path.is_dir() || zipped {
        if files.iter().any(|f| f.name.ends_with(".ann")) {
            Some(Format::Brat)
        } else if files
            .iter()
            .any(|f| f.name.ends_with(".jsonld") || f.name.ends_with(".json"))
        {
            Some(Format::W3c)
        } else {
            None
        }
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

fn load(opts: &Options, path: &str, strict: bool) -> Result<(Format, Imported), CliError> {
    let path = Path::new(path);
    let files = input_files(path)?;
    let fmt = input_format(opts, path, &files)?;
    let imported =
        format::import(fmt, &files, ImportOptions { strict }).map_err(CliError::Import)?;
    Ok((fmt, imported))
}

fn command(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> Result<(), CliError> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(CliError::Usage("no command given".into()));
    };
    if cmd == "suggest" {
        return suggest::suggest(rest, out, err);
    }
    let opts = parse(rest)?;
    match cmd.as_str() {
        "convert" => convert(&opts, out, err),
        "validate" => validate_files(&opts, out),
        "stats" => stats(&opts, out),
        "schema" => schema_files(&opts, out),
        "agree" => agree::agree(&opts, out),
        "help" | "--help" | "-h" => {
            let _ = writeln!(out, "{USAGE}");
            Ok(())
        }
        other => Err(CliError::Usage(format!("unknown command {other:?}"))),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|error| CliError::Io {
        path: path.to_owned(),
        error,
    })
}

/// Write an export: to stdout (`-`), to the file OUT when there is one file and OUT is not
/// a folder, or into the folder OUT (created if needed).
fn write_out(files: &[format::OutFile], target: &str, out: &mut dyn Write) -> Result<(), CliError> {
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

fn convert(opts: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), CliError> {
    let [input, output] = opts.positional[..] else {
        return Err(CliError::Usage("convert takes IN and OUT".into()));
    };
    let to = format_flag(opts, "--to")?
        .or_else(|| Format::guess(output))
        .ok_or_else(|| CliError::Usage("say the output format with --to".into()))?;
    let (_, mut imported) = load(opts, input, opts.strict)?;
    for p in &imported.report.skipped {
        let _ = writeln!(err, "skipped: {p}");
    }
    let given = schema_flag(opts)?;
    if let Some(schema) = &given {
        format::brat::qualify_event_types(&mut imported.documents, schema);
    }
    let schema = given.or(imported.schema).unwrap_or_else(Schema::ace2005);
    let export = format::export(to, &imported.documents, &schema);
    for line in export.report.lines() {
        let _ = writeln!(err, "note: {line}");
    }
    write_out(&export.files, output, out)
}

fn validate_files(opts: &Options, out: &mut dyn Write) -> Result<(), CliError> {
    if opts.positional.is_empty() {
        return Err(CliError::Usage("validate needs at least one FILE".into()));
    }
    let given = schema_flag(opts)?;
    let mut errors = 0;
    for path in &opts.positional {
        let (_, mut imported) = match load(opts, path, false) {
            Ok(loaded) => loaded,
            Err(CliError::Import(e)) => {
                let _ = writeln!(out, "{path}: error: {e}");
                errors += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        for p in &imported.report.skipped {
            let _ = writeln!(out, "{p}");
            errors += 1;
        }
        let schema = given.as_ref().or(imported.schema.as_ref());
        if let Some(schema) = schema {
            format::brat::qualify_event_types(&mut imported.documents, schema);
        }
        for doc in &imported.documents {
            let report = validate(&doc.text, &doc.annotations, schema);
            for issue in &report.issues {
                let level = match issue.severity {
                    crate::core::validate::Severity::Error => {
                        errors += 1;
                        "error"
                    }
                    crate::core::validate::Severity::Warning => "warning",
                };
                let _ = writeln!(
                    out,
                    "{path}: {} ({}): {level}: {issue}",
                    doc.meta.title, doc.meta.id
                );
            }
        }
    }
    if errors > 0 {
        let _ = writeln!(out, "{errors} error{}", if errors == 1 { "" } else { "s" });
        return Err(CliError::Invalid);
    }
    let _ = writeln!(out, "ok: no errors");
    Ok(())
}

fn stats(opts: &Options, out: &mut dyn Write) -> Result<(), CliError> {
    if opts.positional.is_empty() {
        return Err(CliError::Usage("stats needs a FILE".into()));
    }
    let mut per_type: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let mut per_annotator: BTreeMap<String, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    for path in &opts.positional {
        let (fmt, imported) = load(opts, path, false)?;
        // Only loupe/1 names its annotator.
        let annotator = if fmt == Format::Loupe {
            let bytes = read(Path::new(path))?;
            format::loupe::from_json(&String::from_utf8_lossy(&bytes))
                .map(|f| f.annotator)
                .unwrap_or_default()
        } else {
            String::new()
        };
        let annotator = if annotator.is_empty() {
            "(unnamed)".to_owned()
        } else {
            annotator
        };
        for doc in &imported.documents {
            let a = &doc.annotations;
            for m in &a.mentions {
                *per_type.entry((m.kind.clone(), "mention")).or_default() += 1;
            }
            for e in &a.events {
                *per_type.entry((e.kind.clone(), "event")).or_default() += 1;
            }
            for r in &a.relations {
                *per_type.entry((r.kind.clone(), "relation")).or_default() += 1;
            }
            *per_annotator.entry(annotator.clone()).or_default() += a.count();
            lines.push(format!(
                "  {}\t{} mentions, {} events, {} relations, {} clusters\t{}",
                doc.meta.id,
                a.mentions.len(),
                a.events.len(),
                a.relations.len(),
                a.entities.len(),
                doc.meta.title
            ));
        }
    }
    let _ = writeln!(out, "documents: {}", lines.len());
    let _ = writeln!(out, "per type:");
    for ((kind, what), n) in &per_type {
        let _ = writeln!(out, "  {kind}\t{what}\t{n}");
    }
    let _ = writeln!(out, "per document:");
    for l in &lines {
        let _ = writeln!(out, "{l}");
    }
    let _ = writeln!(out, "per annotator:");
    for (a, n) in &per_annotator {
        let _ = writeln!(out, "  {a}\t{n}");
    }
    Ok(())
}

fn schema_files(opts: &Options, out: &mut dyn Write) -> Result<(), CliError> {
    let name = opts
        .flags
        .get("--preset")
        .ok_or_else(|| CliError::Usage("schema needs --preset NAME".into()))?;
    let schema = preset(name)?;
    let [target] = opts.positional[..] else {
        return Err(CliError::Usage("schema takes one OUT folder".into()));
    };
    let files = match opts.flags.get("--to").copied().unwrap_or("loupe") {
        "brat" => {
            let conf = schema.to_brat();
            vec![
                ("annotation.conf", conf.annotation),
                ("visual.conf", conf.visual),
                ("kb_shortcuts.conf", conf.kb_shortcuts),
            ]
        }
        "loupe" | "json" => vec![("schema.json", schema.to_json())],
        other => {
            return Err(CliError::Usage(format!(
                "schema --to takes brat or loupe, not {other:?}"
            )))
        }
    };
    let files: Vec<format::OutFile> = files
        .into_iter()
        .map(|(n, t)| format::OutFile {
            name: n.into(),
            bytes: t.into_bytes(),
        })
        .collect();
    // Always a folder, as the issue asks, even for one file.
    let folder = if target.ends_with('/') || target == "-" {
        target.to_owned()
    } else {
        format!("{target}/")
    };
    write_out(&files, &folder, out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Run the CLI in-process: exit code, stdout and stderr. Shared by every CLI test.
    pub(crate) fn run_cli(args: &[&str]) -> (i32, String, String) {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&args, &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("loupe-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn brat_folder(name: &str) -> PathBuf {
        let dir = temp(name);
        std::fs::write(dir.join("strike.txt"), format::fixtures::TEXT).unwrap();
        std::fs::copy("tests/fixtures/formats/strike.ann", dir.join("strike.ann")).unwrap();
        dir
    }

    #[test]
    fn convert_brat_folder_to_oneie_reports_and_writes_one_file() {
        let dir = brat_folder("oneie");
        let out = dir.join("out.oneie.json");
        let (code, _, err) = run_cli(&[
            "convert",
            "--from",
            "brat",
            "--to",
            "oneie",
            dir.to_str().unwrap(),
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, OK, "{err}");
        assert!(err.contains("note: 1 mentions dropped"), "{err}");
        let written = std::fs::read_to_string(out).unwrap();
        assert_eq!(written.lines().count(), 2);
        assert!(written.contains("\"event_type\":\"Attack\""));
    }

    #[test]
    fn convert_to_stdout_and_brat_round_trip_through_a_folder() {
        let dir = brat_folder("stdout");
        let (code, csv, _) = run_cli(&["convert", "--to", "csv", dir.to_str().unwrap(), "-"]);
        assert_eq!(code, OK);
        assert!(csv.starts_with("document,id,kind"));
        let back = dir.join("back");
        to_brat(&dir, &back);
        assert_eq!(
            std::fs::read_to_string(back.join("strike.ann")).unwrap(),
            std::fs::read_to_string(dir.join("strike.ann")).unwrap()
        );
        assert!(back.join("annotation.conf").exists());
    }

    /// `loupe convert --to brat --preset ace2005 IN OUT`, which must succeed.
    fn to_brat(input: &Path, out: &Path) {
        let (code, _, err) = run_cli(&[
            "convert",
            "--to",
            "brat",
            "--preset",
            "ace2005",
            input.to_str().unwrap(),
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, OK, "{err}");
    }

    #[test]
    fn convert_writes_and_reads_a_brat_zip() {
        let dir = brat_folder("zip");
        let zip = dir.join("out").join("corpus.zip");
        std::fs::create_dir_all(dir.join("out")).unwrap();
        to_brat(&dir, &zip);
        assert!(std::fs::read(&zip).unwrap().starts_with(b"PK\x03\x04"));
        // The zip's format is guessed from what is inside it.
        let (code, csv, err) = run_cli(&["convert", "--to", "csv", zip.to_str().unwrap(), "-"]);
        assert_eq!(code, OK, "{err}");
        assert!(csv.contains("Kyiv"), "{csv}");
        // A zip bomb is refused with exit 1 and the reason.
        let bomb = dir.join("bomb.zip");
        let bytes = format::archive::write_zip(&[format::OutFile {
            name: "a.ann".into(),
            bytes: vec![b' '; 5_000_000],
        }])
        .unwrap();
        std::fs::write(&bomb, bytes).unwrap();
        let (code, _, err) = run_cli(&["convert", "--to", "csv", bomb.to_str().unwrap(), "-"]);
        assert_eq!(code, DATA_ERROR);
        assert!(err.contains("compression ratio over 100"), "{err}");
    }

    #[test]
    fn validate_exits_1_with_each_error_listed() {
        let dir = temp("validate");
        std::fs::write(dir.join("a.txt"), "Sony sold Kyiv.").unwrap();
        std::fs::write(
            dir.join("a.ann"),
            "T1\tORG 0 4\tSong\nT2\tXYZ 10 14\tKyiv\n",
        )
        .unwrap();
        let (code, out, _) = run_cli(&["validate", "--preset", "ace2005", dir.to_str().unwrap()]);
        assert_eq!(code, DATA_ERROR);
        assert!(
            out.contains("line 1: T1: the file quotes \"Song\""),
            "{out}"
        );
        assert!(out.contains("T2") && out.contains("error"), "{out}");
        assert!(out.contains("2 errors"), "{out}");
        let good = brat_folder("valid");
        let (code, out, _) = run_cli(&["validate", "--preset", "ace2005", good.to_str().unwrap()]);
        assert_eq!(code, OK, "{out}");
    }

    #[test]
    fn stats_count_per_type_document_and_annotator() {
        let dir = temp("stats");
        let file = dir.join("c.json");
        let json = format::loupe::to_json(&[format::fixtures::document()], "ana");
        std::fs::write(&file, json).unwrap();
        let (code, out, _) = run_cli(&["stats", file.to_str().unwrap()]);
        assert_eq!(code, OK);
        assert!(out.contains("documents: 1"));
        assert!(out.contains("  GPE\tmention\t3"), "{out}");
        assert!(out.contains("  Conflict:Attack\tevent\t1"));
        assert!(out.contains("7 mentions, 1 events, 1 relations"));
        assert!(out.contains("  ana\t9"), "{out}");
    }

    #[test]
    fn schema_writes_brat_conf_files_into_a_folder() {
        let dir = temp("schema").join("conf");
        let (code, _, err) = run_cli(&[
            "schema",
            "--preset",
            "ace2005",
            "--to",
            "brat",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(code, OK, "{err}");
        let ann = std::fs::read_to_string(dir.join("annotation.conf")).unwrap();
        let vis = std::fs::read_to_string(dir.join("visual.conf")).unwrap();
        let kb = std::fs::read_to_string(dir.join("kb_shortcuts.conf")).unwrap();
        assert_eq!(
            Schema::from_brat(&ann, &vis, &kb).unwrap(),
            Schema::ace2005()
        );
    }

    #[test]
    fn usage_errors_exit_2_with_a_message_and_the_usage() {
        for args in [
            &["frobnicate"][..],
            &[],
            &["convert", "--to", "nope", "a", "b"],
            &["convert", "--to"],
            &["schema", "--preset", "ace9", "x"],
            &["stats", "--bogus", "x"],
        ] {
            let (code, _, err) = run_cli(args);
            assert_eq!(code, USAGE_ERROR, "{args:?}");
            assert!(err.starts_with("loupe: "), "{err}");
        }
        let (code, _, err) = run_cli(&["stats", "/no/such/file.json"]);
        assert_eq!(code, USAGE_ERROR);
        assert!(
            err.contains("/no/such/file.json") && err.contains("check the path"),
            "{err}"
        );
    }

    #[test]
    fn strict_convert_refuses_the_whole_file_with_exit_1() {
        let dir = temp("strict");
        std::fs::write(dir.join("a.txt"), "Sony sold.").unwrap();
        std::fs::write(dir.join("a.ann"), "T1\tORG 0 4\tSony\nT2\tORG 0 99\tx\n").unwrap();
        let out = dir.join("o.jsonl");
        let (code, _, err) = run_cli(&[
            "convert",
            "--strict",
            "--to",
            "doccano",
            dir.to_str().unwrap(),
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, DATA_ERROR);
        assert!(err.contains("nothing was imported (strict mode)"), "{err}");
        assert!(!out.exists());
        let (code, _, err) = run_cli(&[
            "convert",
            "--to",
            "doccano",
            dir.to_str().unwrap(),
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, OK);
        assert!(err.contains("skipped: ") && err.contains("line 2"), "{err}");
    }
}
