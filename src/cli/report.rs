//! `loupe report A [B…] [--markdown OUT] [--latex OUT] [--json OUT] [--include-untouched]`:
//! the methods report of one or more annotators' files (see [`crate::core::report`]).
//! With no output named, the Markdown goes to stdout; `-` names stdout for one of them.

use std::io::Write;
use std::path::Path;

use crate::core::agreement::AnnotatorCorpus;
use crate::core::report::methods_report;
use crate::core::schema::Schema;

use super::agree::{agreement_options, load_corpora, stdout_error};
use super::{write_file, CliError, InputArgs, SchemaArgs};

use clap::Args;

#[derive(Args, Debug)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub schema: SchemaArgs,
    /// Write the report as Markdown (`-` for stdout; the default when no output is named).
    #[arg(long, value_name = "OUT")]
    pub markdown: Option<String>,
    /// Write the figures as a LaTeX table (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    pub latex: Option<String>,
    /// Write every figure as JSON (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    pub json: Option<String>,
    /// Count the tokens of documents that no annotator touched too (left out by default).
    #[arg(long)]
    pub include_untouched: bool,
    /// The annotators' files: one or more, one per annotator.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
}

pub(super) fn report(args: &ReportArgs, out: &mut dyn Write) -> Result<(), CliError> {
    if args.files.is_empty() {
        return Err(CliError::Usage(
            "report needs one annotator's file or more: loupe report A [B…]".into(),
        ));
    }
    let loaded = load_corpora(&args.input, &args.files)?;
    // The schema named on the command line wins; else the ones the files carry.
    let given: Option<Schema> = args.schema.schema()?;
    let schemas: Vec<&Schema> = match &given {
        Some(s) => vec![s],
        None => loaded
            .iter()
            .filter_map(|(_, i)| i.schema.as_ref())
            .collect(),
    };
    let corpora: Vec<AnnotatorCorpus> = loaded.iter().map(|(c, _)| c.clone()).collect();
    let r = methods_report(
        &corpora,
        &schemas,
        agreement_options(args.include_untouched),
    );
    let outputs = [
        (&args.markdown, r.markdown()),
        (&args.latex, r.latex()),
        (&args.json, r.to_json()),
    ];
    let mut wrote = false;
    for (target, body) in &outputs {
        match target.as_deref() {
            Some("-") => out.write_all(body.as_bytes()).map_err(stdout_error)?,
            Some(path) => write_file(Path::new(path), body.as_bytes())?,
            None => continue,
        }
        wrote = true;
    }
    if !wrote {
        out.write_all(outputs[0].1.as_bytes())
            .map_err(stdout_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_cli;
    use super::super::{OK, USAGE_ERROR};

    const A: &str = "tests/fixtures/agreement/a.json";
    const B: &str = "tests/fixtures/agreement/b.json";

    #[test]
    fn report_prints_markdown_and_writes_latex_and_json() {
        let dir = std::env::temp_dir().join(format!("loupe-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (tex, json) = (dir.join("r.tex"), dir.join("r.json"));
        let (code, out, err) = run_cli(&["report", A, B, "--preset", "ace2005"]);
        assert_eq!(code, OK, "{err}");
        assert!(out.starts_with("# Annotation: methods summary"), "{out}");
        assert!(
            out.contains("Krippendorff's α") && out.contains("“ACE 2005 (news)”"),
            "{out}"
        );
        let (code, out, err) = run_cli(&[
            "report",
            A,
            B,
            "--latex",
            tex.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]);
        assert_eq!(code, OK, "{err}");
        assert!(out.is_empty(), "{out}");
        let tex = std::fs::read_to_string(tex).unwrap();
        assert!(tex.contains("\\begin{tabular}"), "{tex}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
        assert_eq!(json["annotators"][1]["annotator"], "bob");
        // The fixtures record no active time: the figures say so rather than invent one.
        assert_eq!(json["timing"]["timed_documents"], 0);
        assert_eq!(
            json["timing"]["median_per_document_ms"],
            serde_json::Value::Null
        );
        let (code, _, err) = run_cli(&["report"]);
        assert_eq!(code, USAGE_ERROR);
        assert!(err.contains("report needs"), "{err}");
    }
}
