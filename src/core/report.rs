//! The methods report: what a paper's methods section says about an annotated corpus, in
//! Markdown and as a LaTeX table. It gives the documents and the annotators, the
//! annotations per type, the schema, the annotation time, and (with two annotators or
//! more) the agreement figures with their units.
//!
//! Nothing is estimated: active annotation time (see [`crate::core::timing`]) comes from
//! the files, and where a file records none, or a schema no version, the report says
//! "not recorded" rather than inventing a figure.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::agreement::{
    agreement_with, chains, AgreementOptions, AgreementReport, AnnotatorCorpus, PairReport,
};
use super::model::sha256_hex;
use super::schema::Schema;
use super::timing::{duration, summarize, TimingSummary, IDLE_GAP_MS};
use super::tokens::tokens;

/// One annotator's share of the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnotatorRow {
    pub annotator: String,
    pub documents: usize,
    pub mentions: usize,
    pub events: usize,
    pub relations: usize,
    /// Coreference chains (entities with at least one member).
    pub chains: usize,
    /// Active annotation time over this annotator's documents, in milliseconds.
    pub active_ms: u64,
}

/// How many annotations of one type each annotator made, in the order of the annotators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeRow {
    /// `entity`, `event` or `relation`.
    pub layer: &'static str,
    pub kind: String,
    pub counts: Vec<usize>,
    pub total: usize,
}

/// The whole report, also written as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodsReport {
    /// Distinct texts over every file, matched by checksum.
    pub documents: usize,
    /// Tokens of those texts.
    pub tokens: usize,
    pub annotators: Vec<AnnotatorRow>,
    pub per_type: Vec<TypeRow>,
    /// The schema names the files carry (several when the files disagree).
    pub schemas: Vec<String>,
    /// The version the schema gives, when the files' schemas agree on one.
    pub schema_version: Option<String>,
    /// Active annotation time over every annotator's documents.
    pub timing: TimingSummary,
    /// With two annotators or more.
    pub agreement: Option<AgreementReport>,
}

fn type_rows(corpora: &[AnnotatorCorpus]) -> Vec<TypeRow> {
    let mut counts: BTreeMap<(&'static str, String), Vec<usize>> = BTreeMap::new();
    for (k, c) in corpora.iter().enumerate() {
        let mut add = |layer: &'static str, kind: &str| {
            counts
                .entry((layer, kind.to_owned()))
                .or_insert_with(|| vec![0; corpora.len()])[k] += 1;
        };
        for d in &c.documents {
            let a = &d.annotations;
            a.mentions.iter().for_each(|m| add("entity", &m.kind));
            a.events.iter().for_each(|e| add("event", &e.kind));
            a.relations.iter().for_each(|r| add("relation", &r.kind));
        }
    }
    counts
        .into_iter()
        .map(|((layer, kind), counts)| TypeRow {
            layer,
            kind,
            total: counts.iter().sum(),
            counts,
        })
        .collect()
}

/// Build the report of one or more annotators' corpora; `schemas` are the schemas their
/// files carry (or the workspace's).
pub fn methods_report(
    corpora: &[AnnotatorCorpus],
    schemas: &[&Schema],
    opts: AgreementOptions,
) -> MethodsReport {
    let mut texts: BTreeMap<String, &str> = BTreeMap::new();
    for d in corpora.iter().flat_map(|c| &c.documents) {
        texts.entry(sha256_hex(&d.text)).or_insert(&d.text);
    }
    let annotators = corpora
        .iter()
        .map(|c| {
            let docs = &c.documents;
            AnnotatorRow {
                annotator: c.annotator.clone(),
                documents: docs.len(),
                mentions: docs.iter().map(|d| d.annotations.mentions.len()).sum(),
                events: docs.iter().map(|d| d.annotations.events.len()).sum(),
                relations: docs.iter().map(|d| d.annotations.relations.len()).sum(),
                chains: docs.iter().map(|d| chains(&d.annotations).len()).sum(),
                active_ms: docs.iter().map(|d| d.annotations.active_ms).sum(),
            }
        })
        .collect();
    let names: BTreeSet<&str> = schemas.iter().map(|s| s.name.as_str()).collect();
    let versions: BTreeSet<&str> = schemas.iter().map(|s| s.version.as_str()).collect();
    let schema_version = match versions.into_iter().collect::<Vec<_>>().as_slice() {
        [one] if !one.is_empty() => Some((*one).to_owned()),
        _ => None,
    };
    let timing = summarize(
        corpora
            .iter()
            .flat_map(|c| &c.documents)
            .map(|d| &d.annotations),
    );
    MethodsReport {
        documents: texts.len(),
        tokens: texts.values().map(|t| tokens(t).len()).sum(),
        annotators,
        per_type: type_rows(corpora),
        schemas: names.into_iter().map(str::to_owned).collect(),
        schema_version,
        timing,
        agreement: agreement_with(corpora, opts).ok(),
    }
}

fn f3(x: f64) -> String {
    format!("{x:.3}")
}

pub use crate::core::plural::count;

fn token_units(tokens: usize, documents: usize) -> String {
    format!(
        "{} of {}",
        count(tokens, "token"),
        count(documents, "document")
    )
}

/// The agreement figures of one pair as (measure, unit, value) rows.
fn pair_rows(p: &PairReport) -> Vec<(String, String, String)> {
    let t = &p.total;
    let units = token_units(p.token_units.tokens, p.token_units.documents);
    let f1 = |name: &str, unit: &str, s: &super::agreement::Score| {
        (
            name.to_owned(),
            format!("{unit}, {} vs {}", s.a, s.b),
            f3(s.f1),
        )
    };
    let rows = vec![
        (
            "Cohen's κ (IOB tags)".to_owned(),
            units.clone(),
            f3(t.token_kappa.kappa),
        ),
        (
            "Krippendorff's α (nominal, IOB tags)".to_owned(),
            units,
            f3(t.token_alpha.alpha),
        ),
        f1(
            "Mentions F1, exact span and type",
            "mentions",
            &t.mentions_exact.micro,
        ),
        f1(
            "Mentions F1, overlap and type",
            "mentions",
            &t.mentions_overlap.micro,
        ),
        f1(
            "Trigger classification F1",
            "event triggers",
            &t.events.trigger_classification.micro,
        ),
        f1(
            "Argument classification F1",
            "event arguments",
            &t.events.argument_classification.micro,
        ),
        f1("Relations F1", "relations", &t.relations.micro),
    ];
    // A layer nobody annotated has nothing to agree on: no row, rather than a perfect 1.
    let empty = |s: &super::agreement::Score| s.a + s.b == 0;
    let skip = [
        false,
        false,
        empty(&t.mentions_exact.micro),
        empty(&t.mentions_overlap.micro),
        empty(&t.events.trigger_classification.micro),
        empty(&t.events.argument_classification.micro),
        empty(&t.relations.micro),
    ];
    let mut rows: Vec<_> = rows
        .into_iter()
        .zip(skip)
        .filter_map(|(row, skip)| (!skip).then_some(row))
        .collect();
    let c = &t.coreference;
    if !c.is_empty() {
        let unit = format!(
            "chains, {} vs {} ({} vs {} mentions)",
            c.response_chains, c.key_chains, c.response_mentions, c.key_mentions
        );
        for (name, m) in [("MUC", &c.muc), ("B³", &c.b_cubed), ("CEAFe", &c.ceafe)] {
            rows.push((format!("Coreference {name} F1"), unit.clone(), f3(m.f1)));
        }
        rows.push((
            "Coreference CoNLL-2012 (mean F1)".to_owned(),
            unit,
            f3(c.conll),
        ));
    }
    rows
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

impl MethodsReport {
    fn schema_text(&self) -> String {
        let version = self.schema_version.as_deref().map_or_else(
            || "version not recorded".to_owned(),
            |v| format!("version {v}"),
        );
        match self.schemas.as_slice() {
            [] => "not recorded".to_owned(),
            [one] => format!("“{one}” ({version})"),
            many => format!(
                "the files carry different schemas: {}",
                many.iter()
                    .map(|s| format!("“{s}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn timing_text(&self) -> String {
        let t = &self.timing;
        if t.timed_documents == 0 {
            return "not recorded (the files carry no active time)".to_owned();
        }
        let mut s = format!(
            "{} of active time over {} of {} (idle gaps over {} s left out)",
            duration(t.total_ms),
            t.timed_documents,
            count(t.documents, "document"),
            IDLE_GAP_MS / 1000
        );
        if let Some(m) = t.median_per_document_ms {
            let _ = write!(s, ", a median of {} per document", duration(m));
        }
        match (t.median_per_annotation_ms, t.mean_per_annotation_ms) {
            (Some(median), Some(mean)) => {
                let _ = write!(
                    s,
                    " and {} per annotation (mean {})",
                    duration(median),
                    duration(mean)
                );
            }
            _ => s.push_str("; no annotation in the timed documents"),
        }
        s
    }

    fn ms_cell(ms: Option<u64>) -> String {
        ms.map_or_else(|| "not recorded".to_owned(), duration)
    }

    /// The timing table in Markdown: totals and medians per document and per annotation.
    fn timing_markdown(&self, m: &mut String) {
        let t = &self.timing;
        let recorded = t.timed_documents > 0;
        m.push_str("\n## Annotation time\n\n");
        let _ = writeln!(
            m,
            "Active time: interactions at most {} s apart; longer gaps are idle and left out. \
             Created and modified times are recorded for {} of {} annotations.\n",
            IDLE_GAP_MS / 1000,
            t.stamped_annotations,
            t.annotations
        );
        m.push_str("| Active time | Over | Total | Median |\n|---|---|---:|---:|\n");
        let _ = writeln!(
            m,
            "| Per document | {} of {} | {} | {} |",
            t.timed_documents,
            count(t.documents, "document"),
            Self::ms_cell(recorded.then_some(t.total_ms)),
            Self::ms_cell(t.median_per_document_ms)
        );
        let _ = writeln!(
            m,
            "| Per annotation | {} | {} | {} |",
            count(t.timed_annotations, "annotation"),
            t.mean_per_annotation_ms.map_or_else(
                || "not recorded".to_owned(),
                |x| format!("{} (mean)", duration(x))
            ),
            Self::ms_cell(t.median_per_annotation_ms)
        );
    }

    /// A methods paragraph in prose.
    pub fn paragraph(&self) -> String {
        let names: Vec<&str> = self
            .annotators
            .iter()
            .map(|a| a.annotator.as_str())
            .collect();
        let sum = |f: fn(&AnnotatorRow) -> usize| self.annotators.iter().map(f).sum::<usize>();
        let schema = match self.schemas.len() {
            0 => "no schema recorded".to_owned(),
            1 => format!("the schema {}", self.schema_text()),
            _ => self.schema_text(),
        };
        let mut p = format!(
            "{} ({}) were annotated by {} ({}) with {schema}. They made {}, {}, {} and {} in all.",
            count(self.documents, "document"),
            count(self.tokens, "token"),
            count(names.len(), "annotator"),
            names.join(", "),
            count(sum(|a| a.mentions), "mention"),
            count(sum(|a| a.events), "event"),
            count(sum(|a| a.relations), "relation"),
            count(sum(|a| a.chains), "coreference chain"),
        );
        if let Some(r) = &self.agreement {
            let u = &r.token_units;
            let _ = write!(
                p,
                " Agreement over {}: {} ({}), Fleiss' κ = {} and Krippendorff's α = {}.",
                u.unit,
                token_units(u.tokens, u.documents),
                if u.left_out.is_empty() {
                    "none left out".to_owned()
                } else {
                    format!("{} untouched left out", u.left_out.len())
                },
                f3(r.fleiss_kappa.kappa),
                f3(r.krippendorff_alpha.alpha)
            );
        }
        let _ = write!(p, " Annotation time: {}.", self.timing_text());
        p
    }

    /// The report in Markdown: the paragraph, then tables.
    pub fn markdown(&self) -> String {
        let mut m = String::from("# Annotation: methods summary\n\n");
        let _ = writeln!(m, "{}\n", self.paragraph());
        let _ = writeln!(
            m,
            "- Documents: {} ({})",
            self.documents,
            count(self.tokens, "token")
        );
        let _ = writeln!(m, "- Schema: {}", self.schema_text());
        let _ = writeln!(m, "- Annotation time: {}\n", self.timing_text());
        m.push_str("## Annotators\n\n| Annotator | Documents | Mentions | Events | Relations | Chains | Active time |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for a in &self.annotators {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md_cell(&a.annotator),
                a.documents,
                a.mentions,
                a.events,
                a.relations,
                a.chains,
                Self::ms_cell((a.active_ms > 0).then_some(a.active_ms))
            );
        }
        self.timing_markdown(&mut m);
        m.push_str("\n## Annotations per type\n\n| Layer | Type |");
        for a in &self.annotators {
            let _ = write!(m, " {} |", md_cell(&a.annotator));
        }
        m.push_str(" Total |\n|---|---|");
        m.push_str(&"---:|".repeat(self.annotators.len() + 1));
        m.push('\n');
        for t in &self.per_type {
            let _ = write!(m, "| {} | {} |", t.layer, md_cell(&t.kind));
            for c in &t.counts {
                let _ = write!(m, " {c} |");
            }
            let _ = writeln!(m, " {} |", t.total);
        }
        m.push_str("\n## Agreement\n\n");
        let Some(r) = &self.agreement else {
            m.push_str("Agreement needs the files of two annotators or more.\n");
            return m;
        };
        let _ = writeln!(
            m,
            "Documents are matched by the SHA-256 of their text: {} matched, {} unmatched (left out of every figure). \
             In each pair, B is the reference: precision is A's share matched, recall B's.\n",
            r.documents.len(),
            r.unmatched.len()
        );
        m.push_str("| Pair (A vs B) | Measure | Unit | Value |\n|---|---|---|---:|\n");
        for p in &r.pairs {
            let pair = md_cell(&format!("{} vs {}", p.a, p.b));
            for (measure, unit, value) in pair_rows(p) {
                let _ = writeln!(m, "| {pair} | {measure} | {} | {value} |", md_cell(&unit));
            }
        }
        let all = md_cell(&r.annotators.join(", "));
        let units = token_units(r.token_units.tokens, r.token_units.documents);
        let _ = writeln!(
            m,
            "| {all} | Fleiss' κ (IOB tags) | {units} | {} |",
            f3(r.fleiss_kappa.kappa)
        );
        let _ = writeln!(
            m,
            "| {all} | Krippendorff's α (nominal, IOB tags) | {units} | {} |",
            f3(r.krippendorff_alpha.alpha)
        );
        let _ = writeln!(m, "\nToken unit: {}.", r.token_units.unit);
        if !r.token_units.left_out.is_empty() {
            let titles: Vec<String> = r
                .token_units
                .left_out
                .iter()
                .map(|d| md_cell(&d.title))
                .collect();
            let _ = writeln!(
                m,
                "Left out as touched by no annotator: {}.",
                titles.join(", ")
            );
        }
        m
    }

    /// The agreement figures (or, with one annotator, the counts) as a LaTeX table.
    pub fn latex(&self) -> String {
        let mut t = String::from(
            "% Loupe methods report. Needs \\usepackage{booktabs}.\n\\begin{table}[ht]\n\\centering\n",
        );
        let Some(r) = &self.agreement else {
            t.push_str("\\begin{tabular}{lrrrrr}\n\\toprule\nAnnotator & Documents & Mentions & Events & Relations & Chains \\\\\n\\midrule\n");
            for a in &self.annotators {
                let _ = writeln!(
                    t,
                    "{} & {} & {} & {} & {} & {} \\\\",
                    latex_escape(&a.annotator),
                    a.documents,
                    a.mentions,
                    a.events,
                    a.relations,
                    a.chains
                );
            }
            t.push_str("\\bottomrule\n\\end{tabular}\n");
            let _ = writeln!(
                t,
                "\\caption{{Annotations of {} documents. Annotation time: {}.}}",
                self.documents,
                latex_escape(&self.timing_text())
            );
            t.push_str("\\end{table}\n");
            return t;
        };
        t.push_str(
            "\\begin{tabular}{llll}\n\\toprule\nPair & Measure & Unit & Value \\\\\n\\midrule\n",
        );
        for p in &r.pairs {
            let pair = latex_escape(&format!("{} vs {}", p.a, p.b));
            for (measure, unit, value) in pair_rows(p) {
                let _ = writeln!(
                    t,
                    "{pair} & {} & {} & {value} \\\\",
                    latex_escape(&measure),
                    latex_escape(&unit)
                );
            }
            t.push_str("\\midrule\n");
        }
        let all = latex_escape(&r.annotators.join(", "));
        let units = token_units(r.token_units.tokens, r.token_units.documents);
        let _ = writeln!(
            t,
            "{all} & Fleiss' $\\kappa$ (IOB tags) & {units} & {} \\\\",
            f3(r.fleiss_kappa.kappa)
        );
        let _ = writeln!(
            t,
            "{all} & Krippendorff's $\\alpha$ (nominal, IOB tags) & {units} & {} \\\\",
            f3(r.krippendorff_alpha.alpha)
        );
        t.push_str("\\bottomrule\n\\end{tabular}\n");
        let _ = writeln!(
            t,
            "\\caption{{Inter-annotator agreement on {} documents matched by text checksum ({} annotators; schema {}). \
             In each pair B is the reference. Token unit: {}. Annotation time: {}.}}",
            r.documents.len(),
            r.annotators.len(),
            latex_escape(&self.schema_text()),
            latex_escape(&r.token_units.unit),
            latex_escape(&self.timing_text())
        );
        t.push_str("\\label{tab:agreement}\n\\end{table}\n");
        t
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report always serialises")
    }
}

/// Text as LaTeX source: the ten special characters escaped, Greek and curly quotes as
/// commands, so the table compiles with plain pdflatex.
pub fn latex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            'κ' => out.push_str("$\\kappa$"),
            'α' => out.push_str("$\\alpha$"),
            '³' => out.push_str("\\textsuperscript{3}"),
            '“' => out.push_str("``"),
            '”' => out.push_str("''"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::format::loupe::from_json;

    const A: &str = include_str!("../../tests/fixtures/agreement/a.json");
    const B: &str = include_str!("../../tests/fixtures/agreement/b.json");

    fn corpus(json: &str) -> AnnotatorCorpus {
        let f = from_json(json).unwrap();
        AnnotatorCorpus {
            annotator: f.annotator,
            documents: f.documents,
        }
    }

    #[test]
    fn the_report_names_documents_annotators_types_schema_and_every_figure() {
        let schema = Schema::ace2005();
        let r = methods_report(
            &[corpus(A), corpus(B)],
            &[&schema],
            AgreementOptions::default(),
        );
        assert_eq!(r.documents, 1);
        assert_eq!(r.annotators.len(), 2);
        assert_eq!(r.annotators[0].mentions, 8);
        let md = r.markdown();
        for needle in [
            "1 document (",
            "2 annotators (ann, bob)",
            "| ann | 1 | 8 |",
            "| entity | GPE |",
            "Cohen's κ (IOB tags)",
            "Krippendorff's α (nominal, IOB tags)",
            "Fleiss' κ",
            "Mentions F1, exact span and type | mentions, 8 vs 8 | 0.375 |",
            "Annotation time: not recorded",
            "version not recorded",
            "B is the reference",
            "Token unit: the IOB2 tag of each token",
        ] {
            assert!(md.contains(needle), "{needle:?} missing from\n{md}");
        }
        assert!(md.contains(&format!("“{}”", schema.name)));
        let tex = r.latex();
        assert!(tex.contains("\\begin{tabular}{llll}") && tex.contains("\\end{table}"));
        assert!(tex.contains("Cohen's $\\kappa$ (IOB tags)"), "{tex}");
        assert!(tex.contains("Krippendorff's $\\alpha$ (nominal, IOB tags)"));
        // Every row of the table has four cells.
        for line in tex.lines().filter(|l| l.ends_with("\\\\")) {
            assert_eq!(line.matches(" & ").count(), 3, "{line}");
        }
    }

    #[test]
    fn the_report_gives_active_time_per_document_and_per_annotation_and_the_schema_version() {
        let (mut a, mut b) = (corpus(A), corpus(B));
        a.documents[0].annotations.active_ms = 90_000;
        b.documents[0].annotations.active_ms = 150_000;
        let before = crate::core::model::Annotations::default();
        crate::core::timing::stamp(&before, &mut a.documents[0].annotations, 1_000, "ann");
        let mut schema = Schema::ace2005();
        schema.version = "2.1".into();
        let r = methods_report(&[a, b], &[&schema], AgreementOptions::default());
        // Hand-computed: 11 annotations each; 90 s and 150 s → total 240 s, median 120 s;
        // per annotation 8.18 s and 13.64 s → median 10.9 s, mean 240 s ÷ 22 = 10.9 s.
        assert_eq!(r.timing.total_ms, 240_000);
        assert_eq!(r.timing.median_per_document_ms, Some(120_000));
        assert_eq!(r.timing.median_per_annotation_ms, Some(10_908));
        assert_eq!(r.timing.mean_per_annotation_ms, Some(10_909));
        assert_eq!(r.timing.stamped_annotations, 11);
        assert_eq!(r.schema_version.as_deref(), Some("2.1"));
        let md = r.markdown();
        for needle in [
            "Annotation time: 4 min 00 s of active time over 2 of 2 documents (idle gaps over 120 s left out), \
             a median of 2 min 00 s per document and 10 s per annotation (mean 10 s)",
            "| ann | 1 | 8 | 2 | 1 | 0 | 1 min 30 s |",
            "| Per document | 2 of 2 documents | 4 min 00 s | 2 min 00 s |",
            "| Per annotation | 22 annotations | 10 s (mean) | 10 s |",
            "recorded for 11 of 22 annotations",
            "“ACE 2005 (news)” (version 2.1)",
        ] {
            assert!(md.contains(needle), "{needle:?} missing from\n{md}");
        }
        assert!(!md.contains("not recorded"), "{md}");
        assert!(r
            .latex()
            .contains("Annotation time: 4 min 00 s of active time"));
        // One file timed and one not: the figures cover the timed one and say so.
        let mut a = corpus(A);
        a.documents[0].annotations.active_ms = 90_000;
        let r = methods_report(&[a, corpus(B)], &[], AgreementOptions::default());
        let md = r.markdown();
        assert!(
            md.contains("| Per document | 1 of 2 documents | 1 min 30 s | 1 min 30 s |"),
            "{md}"
        );
        assert!(
            md.contains("| bob | 1 | 8 | 2 | 1 | 0 | not recorded |"),
            "{md}"
        );
    }

    #[test]
    fn one_annotator_gets_counts_and_no_invented_agreement() {
        let r = methods_report(&[corpus(A)], &[], AgreementOptions::default());
        assert!(r.agreement.is_none());
        let md = r.markdown();
        assert!(md.contains("Agreement needs the files of two annotators or more."));
        assert!(md.contains("with no schema recorded") && md.contains("- Schema: not recorded"));
        let tex = r.latex();
        assert!(tex.contains("Annotator & Documents & Mentions"));
        assert!(tex.contains("ann & 1 & 8 &"), "{tex}");
    }

    #[test]
    fn latex_and_markdown_escape_what_would_break_them() {
        assert_eq!(
            latex_escape("R&D 50% #1 a_b {x} ~^\\"),
            "R\\&D 50\\% \\#1 a\\_b \\{x\\} \\textasciitilde{}\\textasciicircum{}\\textbackslash{}"
        );
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
    }
}
