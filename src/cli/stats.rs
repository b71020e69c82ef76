//! `loupe stats FILE...`: annotations counted per type, per document and per annotator.

use std::collections::BTreeMap;
use std::io::Write;

use clap::Args;

use super::{load, CliError, InputArgs};

#[derive(Args, Debug)]
pub(crate) struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Files, folders or .zip archives to count.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
}

pub(crate) fn stats(args: &StatsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let mut per_type: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let mut per_annotator: BTreeMap<String, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    for path in &args.files {
        let (fmt, imported) = load(&args.input, path, false)?;
        let annotator = super::agree::named_annotator(path, fmt)?;
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

#[cfg(test)]
mod tests {
    use super::super::tests::{run_cli, temp};
    use super::super::OK;
    use crate::core::format;

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
}
