//! The `loupe` command-line tool: the same core as the app, for scripts and pipelines.
//! Native only; on wasm the `loupe` binary is the app.
//!
//! The command line is parsed by clap: `loupe --help` and `loupe COMMAND --help` describe
//! every command and option. Each command's logic lives in its own file; adding one is a
//! variant of [`Command`], its `Args` struct and one arm in [`dispatch`].
//!
//! IN and OUT may be files or folders (a folder of brat `.txt`/`.ann` pairs, a folder of
//! W3C `.jsonld` files and their texts) or `.zip` archives. OUT `-` writes a one-file
//! export to stdout.
//!
//! Exit codes: 0 success, 1 the data has errors, 2 the command line is wrong or a file
//! cannot be read or written.

mod agree;
mod convert;
mod io;
mod report;
mod schema;
mod stats;
mod suggest;
mod validate;

use std::fmt;
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::core::format;

pub(crate) use io::{load, read, write_file, write_out, InputArgs, ProblemArgs, SchemaArgs};

/// Exit codes.
pub const OK: i32 = 0;
pub const DATA_ERROR: i32 = 1;
pub const USAGE_ERROR: i32 = 2;

const EXIT_CODES: &str =
    "Exit codes: 0 success, 1 the data has errors (validation, a refused import), \
2 a wrong command line or a file that cannot be read or written.";

/// Loupe's command-line tool: convert, validate and compare annotation files.
#[derive(Parser, Debug)]
#[command(name = "loupe", version, about, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Convert annotations from one format to another (IN and OUT: file, folder or .zip).
    Convert(convert::ConvertArgs),
    /// Check files against their schema; lists every problem and exits 1 if there is an error.
    Validate(validate::ValidateArgs),
    /// Count annotations per type, document and annotator.
    Stats(stats::StatsArgs),
    /// Write a schema preset as brat configuration files or loupe JSON.
    Schema(schema::SchemaFilesArgs),
    /// Inter-annotator agreement of two or more annotators' files of one corpus.
    Agree(agree::AgreeArgs),
    /// A methods summary for a paper: documents, annotators, counts, agreement with units.
    Report(report::ReportArgs),
    /// Train the recommenders on annotated files and write their predictions for others.
    Suggest(suggest::SuggestArgs),
}

/// Run one parsed command.
fn dispatch(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), CliError> {
    match command {
        Command::Convert(a) => convert::convert(&a, out, err),
        Command::Validate(a) => validate::validate_files(&a, out),
        Command::Stats(a) => stats::stats(&a, out),
        Command::Schema(a) => schema::schema_files(&a, out),
        Command::Agree(a) => agree::agree(&a, out),
        Command::Report(a) => report::report(&a, out),
        Command::Suggest(a) => suggest::suggest(&a, out, err),
    }
}

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
            // Asking to read a format Loupe only writes is a wrong command line.
            CliError::Import(format::ImportError::NotImportable(_)) => USAGE_ERROR,
            CliError::Import(_) | CliError::Invalid => DATA_ERROR,
            _ => USAGE_ERROR,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}; see loupe --help"),
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
    let argv = std::iter::once("loupe".to_owned()).chain(args.iter().cloned());
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let text = e.render().to_string();
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = write!(out, "{text}");
                    OK
                }
                // `loupe` alone prints the help, to stderr, as a wrong command line.
                _ => {
                    let _ = write!(err, "loupe: {text}");
                    USAGE_ERROR
                }
            };
        }
    };
    match dispatch(cli.command, out, err) {
        Ok(()) => OK,
        Err(e) => {
            let _ = writeln!(err, "loupe: {e}");
            e.code()
        }
    }
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

    /// A fresh, empty folder for one test.
    pub(crate) fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("loupe-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A brat folder holding the shared fixture document.
    pub(crate) fn brat_folder(name: &str) -> PathBuf {
        let dir = temp(name);
        std::fs::write(dir.join("strike.txt"), format::fixtures::TEXT).unwrap();
        std::fs::copy("tests/fixtures/formats/strike.ann", dir.join("strike.ann")).unwrap();
        dir
    }

    #[test]
    fn help_is_printed_for_the_tool_and_for_every_command() {
        for args in [&["--help"][..], &["-h"], &["help"]] {
            let (code, out, _) = run_cli(args);
            assert_eq!(code, OK, "{args:?}");
            for command in ["convert", "validate", "stats", "schema", "agree", "report"] {
                assert!(out.contains(command), "{args:?}: {out}");
            }
            assert!(out.contains("Exit codes: 0 success"), "{out}");
        }
        for command in ["convert", "validate", "stats", "schema", "agree", "report"] {
            let (code, out, err) = run_cli(&[command, "--help"]);
            assert_eq!(code, OK, "{command}: {err}");
            assert!(out.contains(&format!("Usage: loupe {command}")), "{out}");
            let (code, out, _) = run_cli(&["help", command]);
            assert_eq!(code, OK);
            assert!(out.contains(&format!("Usage: loupe {command}")), "{out}");
        }
        let (_, out, _) = run_cli(&["convert", "--help"]);
        for option in [
            "--from",
            "--to",
            "--strict",
            "--preset",
            "--schema",
            "--max-problems",
        ] {
            assert!(out.contains(option), "{option}: {out}");
        }
        let (code, out, _) = run_cli(&["--version"]);
        assert_eq!(code, OK);
        assert!(out.starts_with("loupe "), "{out}");
    }

    #[test]
    fn usage_errors_exit_2_with_a_message() {
        for args in [
            &["frobnicate"][..],
            &[],
            &["convert", "--to", "nope", "a", "b"],
            &["convert", "--to"],
            &["schema", "--preset", "ace9", "x"],
            &["stats", "--bogus", "x"],
            &["validate", "--max-problems", "many", "x"],
            &[
                "convert", "--preset", "ace2005", "--schema", "s.json", "a", "b",
            ],
        ] {
            let (code, _, err) = run_cli(args);
            assert_eq!(code, USAGE_ERROR, "{args:?}: {err}");
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
    fn convert_from_a_format_loupe_only_writes_exits_2_as_the_readme_says() {
        let dir = temp("from-csv");
        let csv = dir.join("a.csv");
        std::fs::write(&csv, "document,id\n").unwrap();
        for from in ["csv", "conll", "oneie"] {
            let (code, _, err) = run_cli(&[
                "convert",
                "--from",
                from,
                "--to",
                "loupe",
                csv.to_str().unwrap(),
                "-",
            ]);
            assert_eq!(code, USAGE_ERROR, "{from}: {err}");
            assert!(err.contains("not read it back"), "{err}");
        }
    }
}
