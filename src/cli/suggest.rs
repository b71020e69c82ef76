//! `loupe suggest --train TRAIN --on DOCS --out OUT [--from FMT] [--gazetteer FILE]
//! [--min-score S] [--seed N] [--epochs N]`: train the recommenders on the annotated files
//! TRAIN and write their predictions for DOCS (plain texts, or annotated files) to OUT.
//!
//! OUT is a **prediction file**, not an export: loupe/1 in which every predicted
//! annotation carries `"suggested": {"source": …, "score": …}`, beside DOCS' own
//! annotations (which carry none). Loupe imports it only as suggestions. The training and
//! prediction are the core's ([`crate::core::suggest`]), the same as the app's.
//!
//! When DOCS are annotated, the recommenders' quality on them (held out from training) is
//! printed to stderr as P/R/F1 per type.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use crate::core::format::Format;
use crate::core::model::Document;
use crate::core::schema::Schema;
use crate::core::suggest::eval::evaluate;
use crate::core::suggest::predictions::{predict, to_prediction_json, Predicted};
use crate::core::suggest::{Config, Gazetteer, Layer, Recommenders, Sample};

use clap::Args;

use super::{load, read, write_out, CliError, InputArgs};

/// The default threshold: below it a suggestion is more often wrong than right.
pub const DEFAULT_MIN_SCORE: f64 = 0.5;

#[derive(Args, Debug)]
pub(crate) struct SuggestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Annotated files to train on (file, folder or .zip).
    #[arg(long, value_name = "TRAIN")]
    pub train: String,
    /// The documents to predict for: plain texts, or annotated files (then the quality on
    /// them is printed to stderr).
    #[arg(long, value_name = "DOCS")]
    pub on: String,
    /// The prediction file to write (loupe/1 with "suggested"; `-` for stdout).
    #[arg(long, value_name = "OUT")]
    pub out: String,
    /// A gazetteer: a TSV file of phrase, entity type.
    #[arg(long, value_name = "FILE")]
    pub gazetteer: Option<String>,
    /// Suggestions scored below this (0 to 1) are left out.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_MIN_SCORE, value_parser = unit_interval)]
    pub min_score: f64,
    /// The training's random seed.
    #[arg(long, value_name = "N", default_value_t = Config::default().seed)]
    pub seed: u64,
    /// Training passes over the corpus.
    #[arg(long, value_name = "N", default_value_t = Config::default().epochs)]
    pub epochs: usize,
}

fn unit_interval(v: &str) -> Result<f64, String> {
    let x: f64 = v
        .parse()
        .map_err(|_| format!("takes a number, not {v:?}"))?;
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("is between 0 and 1, not {x}"))
    }
}

/// DOCS given as plain text: a `.txt` file, or a folder of `.txt` files only.
fn is_plain_text(path: &Path) -> bool {
    let txt = |p: &Path| p.extension().is_some_and(|e| e == "txt");
    if path.is_dir() {
        std::fs::read_dir(path).is_ok_and(|entries| {
            let files: Vec<_> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            !files.is_empty() && files.iter().all(|p| txt(p))
        })
    } else {
        txt(path)
    }
}

fn input_as(input: &InputArgs, from: Option<Format>) -> InputArgs {
    InputArgs {
        from,
        ..input.clone()
    }
}

fn gazetteer(path: Option<&str>, schema: Option<&Schema>) -> Result<Gazetteer, CliError> {
    let Some(path) = path else {
        return Ok(Gazetteer::default());
    };
    let bytes = read(Path::new(path))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::Schema(format!("{path}: the gazetteer is not UTF-8 text")))?;
    let gaz = Gazetteer::from_tsv(&text).map_err(|e| CliError::Schema(format!("{path}: {e}")))?;
    if let Some(schema) = schema {
        if let Some((phrase, kind)) = gaz
            .entries
            .iter()
            .find(|(_, k)| schema.entity_type(k).is_none())
        {
            return Err(CliError::Schema(format!(
                "{path}: the type {kind:?} (of {phrase:?}) is not an entity type of the training files' schema"
            )));
        }
    }
    Ok(gaz)
}

pub(super) fn suggest(
    args: &SuggestArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let min_score = args.min_score;
    let config = Config {
        seed: args.seed,
        epochs: args.epochs,
    };
    let (_, train) = load(&args.input, &args.train, false)?;
    for p in &train.report.skipped {
        let _ = writeln!(err, "skipped in TRAIN: {p}");
    }
    let docs_path = args.on.as_str();
    let docs_input = if is_plain_text(Path::new(docs_path)) {
        input_as(&args.input, Some(Format::Brat))
    } else {
        args.input.clone()
    };
    let (_, on) = load(&docs_input, docs_path, false)?;
    for p in &on.report.skipped {
        let _ = writeln!(err, "skipped in DOCS: {p}");
    }
    let schema = train.schema.as_ref();
    let gaz = gazetteer(args.gazetteer.as_deref(), schema)?;
    let samples: Vec<Sample> = train.documents.iter().map(Sample::from).collect();
    let annotations: usize = train.documents.iter().map(|d| d.annotations.count()).sum();
    if annotations == 0 {
        return Err(CliError::Usage(format!(
            "{}: the training files have no annotations to learn from",
            args.train
        )));
    }
    let clock = Instant::now();
    let model = Recommenders::train(&samples, &gaz, &config);
    let trained = clock.elapsed();
    let _ = writeln!(
        err,
        "trained on {} documents ({annotations} annotations) in {:.0} ms",
        samples.len(),
        trained.as_secs_f64() * 1e3
    );
    report_quality(&model, &on.documents, min_score, err);
    let clock = Instant::now();
    let predicted: Vec<Predicted> = on
        .documents
        .into_iter()
        .map(|d: Document| predict(&model, d, min_score, schema))
        .collect();
    let mut per_layer: BTreeMap<Layer, usize> = BTreeMap::new();
    for p in &predicted {
        for s in &p.suggestions {
            *per_layer.entry(s.layer()).or_default() += 1;
        }
    }
    let _ = writeln!(
        err,
        "predicted {} mentions, {} events and {} arguments for {} documents in {:.0} ms (min score {min_score})",
        per_layer.get(&Layer::Mention).unwrap_or(&0),
        per_layer.get(&Layer::Event).unwrap_or(&0),
        per_layer.get(&Layer::Argument).unwrap_or(&0),
        predicted.len(),
        clock.elapsed().as_secs_f64() * 1e3
    );
    let json = to_prediction_json(&predicted, "loupe suggest", schema);
    let file = crate::core::format::OutFile {
        name: "predictions.json".into(),
        bytes: json.into_bytes(),
    };
    write_out(std::slice::from_ref(&file), &args.out, out)
}

/// When DOCS carry annotations, how well the recommenders find them.
fn report_quality(model: &Recommenders, docs: &[Document], min_score: f64, err: &mut dyn Write) {
    let annotated: Vec<Sample> = docs
        .iter()
        .filter(|d| !d.annotations.is_empty())
        .map(Sample::from)
        .collect();
    if annotated.is_empty() {
        return;
    }
    let q = evaluate(model, &annotated, min_score);
    let _ = writeln!(
        err,
        "quality on the {} annotated documents of DOCS (not trained on):\n{}",
        annotated.len(),
        q.table()
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_cli;
    use super::super::{DATA_ERROR, OK, USAGE_ERROR};
    use crate::core::format::{self, Format, InputFile};
    use crate::core::suggest::predictions::read_suggestions;
    use crate::core::suggest::synthetic::Generator;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("loupe-suggest-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn suggest_trains_on_a_corpus_and_writes_a_prediction_file() {
        let dir = temp("cli");
        let mut g = Generator::new(5, 60);
        let train = g.corpus(30, 2_000, 12);
        let held = g.document("held", 2_000, 12);
        std::fs::write(
            dir.join("train.json"),
            format::loupe::to_json(&train, "gold"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        std::fs::write(dir.join("docs/held.txt"), &held.text).unwrap();
        std::fs::write(dir.join("gaz.tsv"), "Zzyzx\tGPE\n").unwrap();
        let out = dir.join("out.json");
        let (code, _, err) = run_cli(&[
            "suggest",
            "--train",
            dir.join("train.json").to_str().unwrap(),
            "--on",
            dir.join("docs").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--gazetteer",
            dir.join("gaz.tsv").to_str().unwrap(),
            "--min-score",
            "0.4",
        ]);
        assert_eq!(code, OK, "{err}");
        assert!(err.contains("trained on 30 documents"), "{err}");
        let json = std::fs::read_to_string(&out).unwrap();
        let read =
            read_suggestions(Format::Loupe, &[InputFile::new("out.json", json.clone())]).unwrap();
        let s = &read.documents[0].suggestions;
        assert!(s.len() >= 5, "{s:?}");
        assert!(s.iter().all(|s| s.score.is_some_and(|x| x >= 0.4)));
        // Most of the held-out document's gold spans are predicted.
        let gold = held.annotations.mentions.len() + held.annotations.events.len();
        let hits = s
            .iter()
            .filter(|s| {
                held.annotations
                    .mentions
                    .iter()
                    .any(|m| m.fragments == [s.span()] && m.kind == s.label())
                    || held
                        .annotations
                        .events
                        .iter()
                        .any(|e| e.trigger == [s.span()] && e.kind == s.label())
            })
            .count();
        assert!(hits * 2 >= gold, "{hits} of {gold}");
        // The same run gives the same file.
        let (code, again, _) = run_cli(&[
            "suggest",
            "--train",
            dir.join("train.json").to_str().unwrap(),
            "--on",
            dir.join("docs").to_str().unwrap(),
            "--out",
            "-",
            "--gazetteer",
            dir.join("gaz.tsv").to_str().unwrap(),
            "--min-score",
            "0.4",
        ]);
        assert_eq!(code, OK);
        assert_eq!(again, json);
        // Annotated DOCS: the quality table.
        std::fs::write(
            dir.join("held.json"),
            format::loupe::to_json(&[held], "gold"),
        )
        .unwrap();
        let (code, _, err) = run_cli(&[
            "suggest",
            "--train",
            dir.join("train.json").to_str().unwrap(),
            "--on",
            dir.join("held.json").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, OK, "{err}");
        assert!(
            err.contains("quality on the 1 annotated documents"),
            "{err}"
        );
        assert!(err.contains("argument-ranker  argument"), "{err}");
    }

    #[test]
    fn suggest_refuses_bad_options_and_files_clearly() {
        let dir = temp("bad");
        let train = dir.join("t.json");
        std::fs::write(
            &train,
            format::loupe::to_json(&Generator::new(1, 20).corpus(2, 500, 5), "x"),
        )
        .unwrap();
        let t = train.to_str().unwrap();
        for (args, code, says) in [
            (
                vec!["suggest", "--train", t, "--on", t],
                USAGE_ERROR,
                "required arguments were not provided:\n  --out <OUT>",
            ),
            (
                vec![
                    "suggest",
                    "--train",
                    t,
                    "--on",
                    t,
                    "--out",
                    "-",
                    "--min-score",
                    "2",
                ],
                USAGE_ERROR,
                "between 0 and 1",
            ),
            (
                vec![
                    "suggest", "--train", t, "--on", t, "--out", "-", "--bogus", "1",
                ],
                USAGE_ERROR,
                "unexpected argument '--bogus'",
            ),
            (
                vec!["suggest", "--train", "/no/such", "--on", t, "--out", "-"],
                USAGE_ERROR,
                "/no/such",
            ),
        ] {
            let (c, _, err) = run_cli(&args);
            assert_eq!(c, code, "{args:?}: {err}");
            assert!(err.contains(says), "{err}");
        }
        std::fs::write(dir.join("g.tsv"), "Kyiv\tCITY\n").unwrap();
        let (c, _, err) = run_cli(&[
            "suggest",
            "--train",
            t,
            "--on",
            t,
            "--out",
            "-",
            "--gazetteer",
            dir.join("g.tsv").to_str().unwrap(),
        ]);
        assert_eq!(c, USAGE_ERROR, "{err}");
        assert!(
            err.contains("\"CITY\"") && err.contains("not an entity type"),
            "{err}"
        );
        // A prediction file is not training data, nor can it be converted as annotations.
        let pred = dir.join("p.json");
        let plain = dir.join("plain.txt");
        std::fs::write(&plain, Generator::new(2, 20).document("p", 500, 5).text).unwrap();
        let (c, _, err) = run_cli(&[
            "suggest",
            "--train",
            t,
            "--on",
            plain.to_str().unwrap(),
            "--out",
            pred.to_str().unwrap(),
            "--min-score",
            "0",
        ]);
        assert_eq!(c, OK, "{err}");
        let (c, _, err) = run_cli(&[
            "convert",
            "--to",
            "brat",
            pred.to_str().unwrap(),
            dir.join("b").to_str().unwrap(),
        ]);
        assert_eq!(c, DATA_ERROR, "{err}");
        assert!(err.contains("prediction file"), "{err}");
    }
}
