//! `loupe agree A B [C…] [--json OUT] [--csv OUT] [--include-untouched]`: inter-annotator
//! agreement of two or more annotators' files of one corpus, printed as tables (see
//! [`crate::core::agreement`]).
//!
//! Each file's annotator is the name a loupe/1 file carries, or else the file's name;
//! `--json -` writes the JSON report to stdout instead of the tables. The token measures
//! leave out documents that no annotator compared touched, unless `--include-untouched`.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use crate::core::agreement::{
    agreement_with, AgreementOptions, AgreementReport, AnnotatorCorpus, CorefScores, Score,
    TokenUnits, TypedScores,
};
use crate::core::format::{self, Format, Imported};
use crate::core::report::count;

use clap::Args;

use super::{load, read, write_file, CliError, InputArgs};

#[derive(Args, Debug)]
pub(crate) struct AgreeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the full report as JSON (`-` for stdout, instead of the tables).
    #[arg(long, value_name = "OUT")]
    pub json: Option<String>,
    /// Write the scores as CSV.
    #[arg(long, value_name = "OUT")]
    pub csv: Option<String>,
    /// Count the tokens of documents that no annotator touched too (left out by default).
    #[arg(long)]
    pub include_untouched: bool,
    /// The annotators' files: two or more, one per annotator.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
}

/// The annotator a loupe/1 file names (empty when it names none: only loupe/1 does).
pub(super) fn named_annotator(path: &str, fmt: Format) -> Result<String, CliError> {
    Ok(if fmt == Format::Loupe {
        let bytes = read(Path::new(path))?;
        format::loupe::from_json(&String::from_utf8_lossy(&bytes))
            .map(|f| f.annotator)
            .unwrap_or_default()
    } else {
        String::new()
    })
}

/// The annotator named in a loupe/1 file, or the file's name when there is none.
fn annotator_name(path: &str, fmt: Format) -> Result<String, CliError> {
    let named = named_annotator(path, fmt)?;
    Ok(if named.trim().is_empty() {
        Path::new(path)
            .file_stem()
            .map_or_else(|| path.to_owned(), |s| s.to_string_lossy().into_owned())
    } else {
        named
    })
}

/// Each file as one annotator's corpus, with what it imported (for its schema).
pub(super) fn load_corpora(
    input: &InputArgs,
    files: &[String],
) -> Result<Vec<(AnnotatorCorpus, Imported)>, CliError> {
    let mut corpora: Vec<(AnnotatorCorpus, Imported)> = Vec::new();
    for path in files {
        let (fmt, mut imported) = load(input, path, false)?;
        let mut name = annotator_name(path, fmt)?;
        // Two files by the same name (two exports by "ann") stay apart by their path.
        if corpora.iter().any(|(c, _)| c.annotator == name) {
            name = format!("{name} ({path})");
        }
        let documents = std::mem::take(&mut imported.documents);
        corpora.push((
            AnnotatorCorpus {
                annotator: name,
                documents,
            },
            imported,
        ));
    }
    Ok(corpora)
}

pub(super) fn agreement_options(include_untouched: bool) -> AgreementOptions {
    AgreementOptions { include_untouched }
}

pub(super) fn agree(args: &AgreeArgs, out: &mut dyn Write) -> Result<(), CliError> {
    if args.files.len() < 2 {
        return Err(CliError::Usage(
            "agree needs the files of two annotators or more: loupe agree A B [C…]".into(),
        ));
    }
    let corpora: Vec<AnnotatorCorpus> = load_corpora(&args.input, &args.files)?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let report = agreement_with(&corpora, agreement_options(args.include_untouched))
        .map_err(|e| CliError::Usage(e.to_string()))?;
    if let Some(path) = &args.csv {
        write_file(Path::new(path), report.to_csv().as_bytes())?;
    }
    match args.json.as_deref() {
        Some("-") => {
            return writeln!(out, "{}", report.to_json()).map_err(stdout_error);
        }
        Some(path) => write_file(Path::new(path), report.to_json().as_bytes())?,
        None => {}
    }
    out.write_all(tables(&report).as_bytes())
        .map_err(stdout_error)
}

pub(super) fn stdout_error(error: std::io::Error) -> CliError {
    CliError::Io {
        path: "stdout".into(),
        error,
    }
}

fn score_cells(s: &Score) -> String {
    format!(
        "{:>5} {:>5} {:>7} {:>6.3} {:>6.3} {:>6.3}",
        s.a, s.b, s.matched, s.precision, s.recall, s.f1
    )
}

const SCORE_HEAD: &str = "    A     B matched      P      R     F1";

fn typed_table(t: &mut String, title: &str, scores: &TypedScores) {
    let _ = writeln!(t, "  {title:<26}{SCORE_HEAD}");
    for (kind, s) in &scores.per_type {
        let _ = writeln!(t, "    {kind:<24}{}", score_cells(s));
    }
    let _ = writeln!(t, "    {:<24}{}", "micro", score_cells(&scores.micro));
}

fn units_line(t: &mut String, u: &TokenUnits) {
    let _ = writeln!(
        t,
        "  units: {} of {}; {}",
        count(u.tokens, "token"),
        count(u.documents, "document"),
        u.unit
    );
    if !u.left_out.is_empty() {
        let titles: Vec<&str> = u.left_out.iter().map(|d| d.title.as_str()).collect();
        let _ = writeln!(
            t,
            "  left out, touched by no one compared: {}",
            titles.join(", ")
        );
    }
}

fn coref_table(t: &mut String, c: &CorefScores) {
    if c.is_empty() {
        let _ = writeln!(t, "  coreference: no chains on either side");
        return;
    }
    let _ = writeln!(
        t,
        "  coreference ({} of {} in A, {} of {} in B)      R      P     F1",
        count(c.response_chains, "chain"),
        count(c.response_mentions, "mention"),
        count(c.key_chains, "chain"),
        count(c.key_mentions, "mention")
    );
    for (name, m) in [
        ("MUC", &c.muc),
        ("B-cubed", &c.b_cubed),
        ("CEAFe", &c.ceafe),
    ] {
        let _ = writeln!(
            t,
            "    {name:<24}{:>6.3} {:>6.3} {:>6.3}",
            m.recall, m.precision, m.f1
        );
    }
    let _ = writeln!(t, "    {:<24}{:>20.3}", "CoNLL-2012 (mean F1)", c.conll);
}

/// The report as readable tables.
pub fn tables(r: &AgreementReport) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "annotators: {}", r.annotators.join(", "));
    let _ = writeln!(
        t,
        "documents: {} matched by text checksum, {} unmatched",
        r.documents.len(),
        r.unmatched.len()
    );
    for p in &r.pairs {
        let (a, b) = (&p.a, &p.b);
        let s = &p.total;
        let _ = writeln!(
            t,
            "\n{a} vs {b} (A = {a}, B = {b} is the reference: precision is A's share matched, recall B's)"
        );
        typed_table(&mut t, "mentions, exact", &s.mentions_exact);
        typed_table(&mut t, "mentions, overlap", &s.mentions_overlap);
        let _ = writeln!(
            t,
            "  token kappa (Cohen, IOB): {:.3} over {} tokens (observed {:.3}, chance {:.3})",
            s.token_kappa.kappa,
            s.token_kappa.items,
            s.token_kappa.observed,
            s.token_kappa.expected
        );
        let _ = writeln!(
            t,
            "  token alpha (Krippendorff, nominal, IOB): {:.3} over {} tokens",
            s.token_alpha.alpha, s.token_alpha.units
        );
        units_line(&mut t, &p.token_units);
        let e = &s.events;
        let _ = writeln!(t, "  {:<26}{SCORE_HEAD}", "events (ACE)");
        for (name, score) in [
            ("trigger identification", &e.trigger_identification),
            ("trigger classification", &e.trigger_classification.micro),
            ("argument identification", &e.argument_identification.micro),
            ("argument classification", &e.argument_classification.micro),
        ] {
            let _ = writeln!(t, "    {name:<24}{}", score_cells(score));
        }
        typed_table(&mut t, "event types (triggers)", &e.trigger_classification);
        typed_table(&mut t, "argument roles", &e.argument_classification);
        typed_table(&mut t, "relations", &s.relations);
        coref_table(&mut t, &s.coreference);
        let _ = writeln!(
            t,
            "  per document (F1; kappa)      exact  overlap  kappa  alpha  trigger  argument  relation  CoNLL"
        );
        for d in &p.per_document {
            let s = &d.scores;
            let conll = if s.coreference.is_empty() {
                "     -".to_owned()
            } else {
                format!("{:>6.3}", s.coreference.conll)
            };
            let _ = writeln!(
                t,
                "    {:<26} {:>6.3} {:>8.3} {:>6.3} {:>6.3} {:>8.3} {:>9.3} {:>9.3} {conll}{}",
                d.document.title,
                s.mentions_exact.micro.f1,
                s.mentions_overlap.micro.f1,
                s.token_kappa.kappa,
                s.token_alpha.alpha,
                s.events.trigger_classification.micro.f1,
                s.events.argument_classification.micro.f1,
                s.relations.micro.f1,
                if d.touched { "" } else { "  (untouched)" }
            );
        }
    }
    let k = &r.fleiss_kappa;
    let _ = writeln!(
        t,
        "\nFleiss' kappa, all {} annotators (IOB): {:.3} over {} tokens",
        r.annotators.len(),
        k.kappa,
        k.items
    );
    let _ = writeln!(
        t,
        "Krippendorff's alpha, all {} annotators (nominal, IOB): {:.3} over {} tokens",
        r.annotators.len(),
        r.krippendorff_alpha.alpha,
        r.krippendorff_alpha.units
    );
    units_line(&mut t, &r.token_units);
    if !r.unmatched.is_empty() {
        let _ = writeln!(t, "\nunmatched documents (left out of every score):");
        for u in &r.unmatched {
            let _ = writeln!(
                t,
                "  {} (sha256 {}…): in {}; missing from {}",
                u.title,
                &u.sha256[..12],
                u.present_in.join(", "),
                u.missing_from.join(", ")
            );
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_cli;
    use super::super::{DATA_ERROR, OK, USAGE_ERROR};
    use crate::core::model::Document;

    const A: &str = "tests/fixtures/agreement/a.json";
    const B: &str = "tests/fixtures/agreement/b.json";

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("loupe-agree-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn agree_prints_tables_and_writes_json_and_csv() {
        let dir = temp("tables");
        let (json, csv) = (dir.join("r.json"), dir.join("r.csv"));
        let (code, out, err) = run_cli(&[
            "agree",
            A,
            B,
            "--json",
            json.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ]);
        assert_eq!(code, OK, "{err}");
        assert!(out.starts_with("annotators: ann, bob\n"), "{out}");
        assert!(out.contains("documents: 1 matched by text checksum, 0 unmatched"));
        // 3 of 8 mentions match exactly; 6 of 8 overlap with the same type.
        let micro: Vec<&str> = out
            .lines()
            .filter(|l| l.trim_start().starts_with("micro"))
            .collect();
        assert!(
            micro[0].ends_with("8     8       3  0.375  0.375  0.375"),
            "{out}"
        );
        assert!(
            micro[1].ends_with("8     8       6  0.750  0.750  0.750"),
            "{out}"
        );
        assert!(
            out.contains("trigger identification      2     2       2  1.000"),
            "{out}"
        );
        assert!(
            out.contains("Fleiss' kappa, all 2 annotators (IOB):"),
            "{out}"
        );
        assert!(out.contains("    Harbourtown shelling"), "{out}");
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
        assert_eq!(
            report["pairs"][0]["total"]["mentions_exact"]["micro"]["matched"],
            3
        );
        let csv = std::fs::read_to_string(csv).unwrap();
        assert!(
            csv.contains("ann,bob,*,mentions_overlap,*,8,8,6,0.7500"),
            "{csv}"
        );
    }

    #[test]
    fn unmatched_documents_are_listed_and_json_can_go_to_stdout() {
        let dir = temp("unmatched");
        let extra = dir.join("cy.json");
        let mut docs = crate::core::format::loupe::from_json(&std::fs::read_to_string(A).unwrap())
            .unwrap()
            .documents;
        docs.push(Document::new("Only Cy has this", "A short note."));
        std::fs::write(&extra, crate::core::format::loupe::to_json(&docs, "")).unwrap();
        let (code, out, err) = run_cli(&["agree", A, B, extra.to_str().unwrap()]);
        assert_eq!(code, OK, "{err}");
        // The third file names no annotator, so its file name stands in.
        assert!(out.starts_with("annotators: ann, bob, cy\n"), "{out}");
        assert!(out.contains("ann vs cy") && out.contains("bob vs cy"));
        assert!(
            out.contains("Only Cy has this (sha256 ")
                && out.contains("in cy; missing from ann, bob"),
            "{out}"
        );
        let (code, out, _) = run_cli(&["agree", A, A, "--json", "-"]);
        assert_eq!(code, OK);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        // The same file twice: the second copy is told apart by its path.
        assert_eq!(report["annotators"][1], format!("ann ({A})"));
        assert_eq!(report["pairs"][0]["total"]["token_kappa"]["kappa"], 1.0);
    }

    #[test]
    fn agree_refuses_one_file_and_bad_files() {
        let (code, _, err) = run_cli(&["agree", A]);
        assert_eq!(code, USAGE_ERROR);
        assert!(err.contains("two annotators or more"), "{err}");
        let dir = temp("bad");
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{\"format\": \"loupe\", \"format_version\": 1}").unwrap();
        let (code, _, err) = run_cli(&["agree", A, bad.to_str().unwrap()]);
        assert_eq!(code, DATA_ERROR, "{err}");
        assert!(err.contains("bad.json"), "{err}");
    }
}
