//! `loupe validate FILE...`: check files against their schema (the one given, or the
//! file's own) and list every problem, up to `--max-problems`.

use std::io::Write;

use clap::Args;

use super::io::ProblemPrinter;
use super::{load, CliError, InputArgs, ProblemArgs, SchemaArgs};
use crate::core::format::{self, loupe::LoupeError, ImportError};
use crate::core::validate::{validate, Severity};

#[derive(Args, Debug)]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub schema: SchemaArgs,
    #[command(flatten)]
    pub problems: ProblemArgs,
    /// Files, folders or .zip archives to check.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
}

/// The problems a refused import names: every one a loupe/1 file lists, else the error.
fn import_problems(e: &ImportError) -> Vec<String> {
    match e {
        ImportError::Loupe {
            file,
            error:
                LoupeError::Annotation {
                    document,
                    message,
                    more,
                },
        } => std::iter::once(message)
            .chain(more)
            .map(|m| format!("{file}: document {document}: {m}"))
            .collect(),
        ImportError::Rejected { problems } => problems.iter().map(|p| p.to_string()).collect(),
        other => vec![other.to_string()],
    }
}

pub(crate) fn validate_files(args: &ValidateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let given = args.schema.schema()?;
    let mut errors = 0;
    let mut printer = ProblemPrinter::new(&args.problems);
    for path in &args.files {
        let (_, mut imported) = match load(&args.input, path, false) {
            Ok(loaded) => loaded,
            Err(CliError::Import(e)) if !matches!(e, ImportError::NotImportable(_)) => {
                for p in import_problems(&e) {
                    printer.print(out, &format!("{path}: error: {p}"));
                    errors += 1;
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        for p in &imported.report.skipped {
            printer.print(out, &format!("{path}: error: {p}"));
            errors += 1;
        }
        for note in &imported.report.notes {
            let _ = writeln!(out, "{path}: note: {note}");
        }
        let schema = given.as_ref().or(imported.schema.as_ref());
        if let Some(schema) = schema {
            format::brat::qualify_event_types(&mut imported.documents, schema);
        }
        for doc in &imported.documents {
            let report = validate(&doc.text, &doc.annotations, schema);
            for issue in &report.issues {
                let level = match issue.severity {
                    Severity::Error => {
                        errors += 1;
                        "error"
                    }
                    Severity::Warning => "warning",
                };
                printer.print(
                    out,
                    &format!(
                        "{path}: {} ({}): {level}: {issue}",
                        doc.meta.title, doc.meta.id
                    ),
                );
            }
        }
    }
    printer.finish(out);
    if errors > 0 {
        let _ = writeln!(out, "{errors} error{}", if errors == 1 { "" } else { "s" });
        return Err(CliError::Invalid);
    }
    let _ = writeln!(out, "ok: no errors");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{brat_folder, run_cli, temp};
    use super::super::{DATA_ERROR, OK};
    use crate::core::format;
    use crate::core::model::{Document, Mention, Span};

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
    fn every_problem_of_a_loupe_file_is_listed_with_max_problems_all() {
        // A loupe/1 file with 25 mentions of a type its schema lacks: the import names the
        // first "(and 24 more problems)"; validate lists them.
        let mut doc = Document::new("t", "Sony sold Kyiv.");
        doc.annotations.mentions = (1..=25)
            .map(|n| Mention::new(format!("T{n}"), "NOPE", vec![Span::new(0, 4)], "Sony"))
            .collect();
        let dir = temp("loupe-problems");
        let file = dir.join("c.json");
        std::fs::write(&file, format::loupe::to_json(&[doc], "a")).unwrap();
        let path = file.to_str().unwrap();
        let listed = |out: &str| out.lines().filter(|l| l.contains(": error: ")).count();
        let (code, out, _) = run_cli(&["validate", path]);
        assert_eq!(code, DATA_ERROR, "{out}");
        assert_eq!(listed(&out), 20, "{out}");
        assert!(out.contains("... and 5 more problems"), "{out}");
        assert!(out.contains("25 errors"), "{out}");
        let (code, out, _) = run_cli(&["validate", "--max-problems", "all", path]);
        assert_eq!(code, DATA_ERROR);
        assert_eq!(listed(&out), 25, "{out}");
        assert!(out.contains("T25"), "{out}");
    }
}
