//! `loupe convert [--from FMT] [--to FMT] IN OUT`: read annotations in one format and
//! write them in another, printing what was skipped and what the output cannot carry.

use std::io::Write;

use clap::Args;

use super::io::{export_format, write_out, ProblemPrinter};
use super::{load, read, CliError, InputArgs, ProblemArgs, SchemaArgs};
use crate::core::format::{self, wordpiece::WordPiece, Format};
use crate::core::schema::Schema;

#[derive(Args, Debug)]
#[command(
    after_help = "Every note on stderr names what the output format could not carry, \
such as `note: 1 events dropped: doccano has no events`."
)]
pub(crate) struct ConvertArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The output format (loupe, brat, conll, doccano, w3c, oneie, csv); guessed from OUT's
    /// name when left out.
    #[arg(long, value_name = "FMT", value_parser = export_format)]
    pub to: Option<Format>,
    /// Refuse a whole file that has any bad annotation, instead of keeping the valid part.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub schema: SchemaArgs,
    #[command(flatten)]
    pub problems: ProblemArgs,
    /// A WordPiece vocab.txt (BERT's, one piece a line): OneIE's `pieces` and `token_lens`
    /// are made with it; without one they are left out.
    #[arg(long, value_name = "FILE")]
    pub wordpiece_vocab: Option<std::path::PathBuf>,
    /// The input: a file, a folder or a .zip.
    #[arg(value_name = "IN")]
    pub input_path: String,
    /// The output: a file, a folder, a .zip, or - for stdout.
    #[arg(value_name = "OUT")]
    pub output: String,
}

pub(crate) fn convert(
    args: &ConvertArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let to = args
        .to
        .or_else(|| Format::guess(&args.output))
        .ok_or_else(|| CliError::Usage("say the output format with --to".into()))?;
    let given = args.schema.schema()?;
    let mut options = args.input.format_options();
    if let Some(path) = &args.wordpiece_vocab {
        let text = String::from_utf8(read(path)?).map_err(|_| {
            CliError::Usage(format!(
                "{}: the vocabulary is not UTF-8 text",
                path.display()
            ))
        })?;
        let vocab = WordPiece::from_vocab(&text)
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        options.wordpiece = Some(vocab);
    }
    let (_, mut imported) = load(&args.input, &args.input_path, args.strict)?;
    let mut printer = ProblemPrinter::new(&args.problems);
    for p in &imported.report.skipped {
        printer.print(err, &format!("skipped: {p}"));
    }
    printer.finish(err);
    for note in &imported.report.notes {
        let _ = writeln!(err, "note: {note}");
    }
    if let Some(schema) = &given {
        format::brat::qualify_event_types(&mut imported.documents, schema);
    }
    let schema = given.or(imported.schema).unwrap_or_else(Schema::ace2005);
    let export = format::export_with(to, &imported.documents, &schema, &options);
    for line in export.report.lines() {
        let _ = writeln!(err, "note: {line}");
    }
    write_out(&export.files, &args.output, out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::tests::{brat_folder, run_cli, temp};
    use super::super::{DATA_ERROR, OK};
    use crate::core::format;

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
        assert!(
            err.contains("note: 1 discontinuous mentions dropped"),
            "{err}"
        );
        let written = std::fs::read_to_string(out).unwrap();
        assert_eq!(written.lines().count(), 2);
        assert!(written.contains("\"event_type\":\"Attack\""));
    }

    #[test]
    fn convert_to_stdout_and_brat_round_trip_through_a_folder() {
        let dir = brat_folder("stdout");
        let (code, csv, _) = run_cli(&["convert", "--to", "csv", dir.to_str().unwrap(), "-"]);
        assert_eq!(code, OK);
        assert!(csv.starts_with("document,title,id,kind"));
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
    fn brat_to_w3c_to_loupe_to_brat_works_and_validate_agrees_with_convert() {
        // A brat folder without annotation.conf: each step infers the schema the files
        // use (and says so) instead of assuming ACE 2005, so the chain never breaks.
        let dir = brat_folder("chain");
        let (w3c, json, back) = (dir.join("w3c"), dir.join("c.json"), dir.join("back"));
        let steps: [(&Path, &str, &Path); 3] = [
            (&dir, "w3c", &w3c),
            (&w3c, "loupe", &json),
            (&json, "brat", &back),
        ];
        for (input, to, output) in steps {
            let (code, _, err) = run_cli(&[
                "convert",
                "--to",
                to,
                input.to_str().unwrap(),
                output.to_str().unwrap(),
            ]);
            assert_eq!(code, OK, "to {to}: {err}");
            if to != "brat" {
                assert!(err.contains("note: the files carry no schema"), "{err}");
            }
            let (code, out, _) = run_cli(&["validate", output.to_str().unwrap()]);
            assert_eq!(code, OK, "validate after {to}: {out}");
        }
        let ann = std::fs::read_to_string(back.join("strike.ann")).unwrap();
        assert_eq!(
            ann,
            std::fs::read_to_string(dir.join("strike.ann")).unwrap()
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

    #[test]
    fn skipped_problems_are_capped_by_max_problems_and_all_lists_every_one() {
        let dir = temp("many-skipped");
        std::fs::write(dir.join("a.txt"), "Sony sold.").unwrap();
        let ann: String = (1..=30).map(|n| format!("T{n}\tORG 0 99\tx\n")).collect();
        std::fs::write(dir.join("a.ann"), ann).unwrap();
        let input = dir.to_str().unwrap();
        let skipped = |err: &str| err.lines().filter(|l| l.starts_with("skipped: ")).count();
        let (code, _, err) = run_cli(&["convert", "--to", "csv", input, "-"]);
        assert_eq!(code, OK, "{err}");
        assert_eq!(skipped(&err), 20);
        assert!(
            err.contains("... and 10 more problems (--max-problems all"),
            "{err}"
        );
        let (_, _, err) = run_cli(&["convert", "--max-problems", "3", "--to", "csv", input, "-"]);
        assert_eq!(skipped(&err), 3);
        let (_, _, err) = run_cli(&[
            "convert",
            "--max-problems",
            "all",
            "--to",
            "csv",
            input,
            "-",
        ]);
        assert_eq!(skipped(&err), 30);
        assert!(!err.contains("more problems"), "{err}");
    }
}
