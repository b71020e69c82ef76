//! Regression tests for imports that lost or refused data: each is named after the bug
//! it pins down, and asserts on the rule a problem names, not on its words.
#![cfg(not(target_arch = "wasm32"))]

use loupe::core::format::merge::plan_import;
use loupe::core::format::{export, import, loupe as native, Format, ImportOptions, InputFile};
use loupe::core::model::{Document, Event, Mention, Span, Status};
use loupe::core::schema::Schema;
use loupe::core::validate::Rule;

const TEXT: &str = "Drones hit Kyiv 🚀 at dawn, Ukraine said.";

fn mention(id: &str, kind: &str, start: usize, end: usize) -> Mention {
    let text: String = TEXT.chars().skip(start).take(end - start).collect();
    Mention::new(id, kind, vec![Span::new(start, end)], text)
}

/// A document titled as "Add articles" titles a file "000-6e00 strike.txt", with a few
/// annotations and some work done on it.
fn annotated() -> Document {
    let mut doc = Document::new("000 6e00 strike", TEXT);
    doc.annotations.mentions = vec![
        mention("T1", "WEA", 0, 6),
        mention("T2", "GPE", 11, 15),
        mention("T3", "GPE", 27, 34),
    ];
    doc.annotations.events.push(Event::new(
        "E1",
        "Conflict:Attack",
        vec![Span::new(7, 10)],
        "hit".to_owned(),
        vec![loupe::core::model::Argument {
            role: "Target".into(),
            target: "T2".into(),
        }],
    ));
    doc.meta.status = Status::InProgress;
    doc
}

fn inputs(format: Format, docs: &[Document]) -> Vec<InputFile> {
    export(format, docs, &Schema::ace2005())
        .files
        .iter()
        .map(|f| InputFile::new(&f.name, f.bytes.clone()))
        .collect()
}

/// Bug 7: a loupe/1 file with one annotation past the end of its text was refused
/// whole, even with Strict unticked. Lenient mode keeps the valid part, as for brat.
#[test]
fn a_loupe_file_with_one_annotation_past_the_end_keeps_the_rest_when_not_strict() {
    let mut doc = annotated();
    doc.annotations.mentions.push(Mention {
        id: "T9".into(),
        kind: "GPE".into(),
        fragments: vec![Span::new(36, 90)],
        text: "said.".into(),
        attributes: Default::default(),
        normalization: None,
        note: None,
        entity: None,
    });
    let other = Document::new("Other", "Nothing wrong here.");
    let json = native::to_json(&[doc.clone(), other.clone()], "ana");
    let files = [InputFile::new("corpus.json", json.into_bytes())];

    let strict = import(Format::Loupe, &files, ImportOptions { strict: true });
    assert!(strict.is_err(), "strict mode still refuses the file");

    let lenient = import(Format::Loupe, &files, ImportOptions::default()).unwrap();
    assert_eq!(lenient.documents.len(), 2);
    let kept = &lenient.documents[0];
    assert_eq!(
        kept.annotations.mentions.len(),
        3,
        "the valid mentions stay"
    );
    assert_eq!(kept.annotations.events.len(), 1);
    assert_eq!(kept.meta.title, doc.meta.title);
    let rules: Vec<(Rule, &str)> = lenient
        .report
        .skipped
        .iter()
        .map(|p| (p.rule, p.place.as_str()))
        .collect();
    let place = format!("document {}, annotation T9", doc.meta.id);
    assert_eq!(rules, vec![(Rule::FragmentOutOfBounds, place.as_str())]);
    assert_eq!(lenient.documents[1], other);
}

/// What a lenient loupe/1 import takes out with a bad annotation is named too: the
/// argument that pointed at it.
#[test]
fn a_lenient_loupe_import_names_the_argument_that_went_with_a_bad_mention() {
    let mut doc = annotated();
    doc.annotations.mentions[1].fragments = vec![Span::new(11, 80)];
    let json = native::to_json(&[doc], "ana");
    let files = [InputFile::new("corpus.json", json.into_bytes())];
    let imported = import(Format::Loupe, &files, ImportOptions::default()).unwrap();
    let rules: Vec<Rule> = imported.report.skipped.iter().map(|p| p.rule).collect();
    assert_eq!(rules, vec![Rule::FragmentOutOfBounds, Rule::MissingTarget]);
    let event = &imported.documents[0].annotations.events[0];
    assert!(event.arguments.is_empty(), "{event:?}");
}

#[test]
fn a_loupe_document_whose_checksum_is_wrong_is_left_out_and_named_when_not_strict() {
    let mut bad = annotated();
    bad.meta.sha256 = "0".repeat(64);
    let good = Document::new("Other", "Nothing wrong here.");
    let json = native::to_json(&[bad, good.clone()], "ana");
    let files = [InputFile::new("corpus.json", json.into_bytes())];
    let imported = import(Format::Loupe, &files, ImportOptions::default()).unwrap();
    assert_eq!(imported.documents, vec![good]);
    let rules: Vec<Rule> = imported.report.skipped.iter().map(|p| p.rule).collect();
    assert_eq!(rules, vec![Rule::ChecksumMismatch]);
}

/// Bug 10: re-importing brat or W3C files renamed titles ("000 6e00…" became
/// "000-6e00…") and reset the status to "not started" while the document had
/// annotations.
#[test]
fn reimporting_brat_or_w3c_keeps_the_title_and_an_annotated_document_is_in_progress() {
    let doc = annotated();
    for format in [Format::Brat, Format::W3c] {
        let files = inputs(format, std::slice::from_ref(&doc));
        let imported = import(format, &files, ImportOptions::default()).unwrap();
        assert!(imported.report.skipped.is_empty(), "{:?}", imported.report);
        let plan = plan_import(std::iter::empty(), imported.documents);
        let [back] = plan.new_documents.as_slice() else {
            panic!("{format}: {plan:?}");
        };
        assert_eq!(back.meta.title, "000 6e00 strike", "{format}");
        assert_eq!(back.meta.status, Status::InProgress, "{format}");
        assert_eq!(back.annotations.mentions.len(), 3, "{format}");
    }
}

#[test]
fn a_reimport_into_the_corpus_keeps_the_documents_title_and_status() {
    let mut doc = annotated();
    doc.meta.status = Status::Done;
    for format in [Format::Brat, Format::W3c] {
        let files = inputs(format, std::slice::from_ref(&doc));
        let imported = import(format, &files, ImportOptions::default()).unwrap();
        let plan = plan_import([&doc], imported.documents);
        assert!(plan.new_documents.is_empty(), "{format}");
        assert_eq!(plan.merges.len(), 1, "{format}");
        assert_eq!(plan.merges[0].title, "000 6e00 strike");
        assert_eq!(
            plan.merges[0].added, 0,
            "{format}: everything is already there"
        );
    }
}

/// Problems name the rule they broke: a brat line past the end of its text.
#[test]
fn brat_problems_carry_the_rule_they_broke() {
    let files = [
        InputFile::new("doc.txt", TEXT),
        InputFile::new(
            "doc.ann",
            "T1\tGPE 11 15\tKyiv\nT2\tGPE 11 99\tKyiv\nT1\tGPE 27 34\tUkraine\nT4\tGPE 0 6\tKyiv\nR1\tPHYS Arg1:T1 Arg2:T7\nX1\tfoo\n",
        ),
        InputFile::new("notes.md", "not brat"),
    ];
    let imported = import(Format::Brat, &files, ImportOptions::default()).unwrap();
    let mut rules: Vec<Rule> = imported.report.skipped.iter().map(|p| p.rule).collect();
    rules.sort();
    let mut want = vec![
        Rule::FragmentOutOfBounds,
        Rule::DuplicateId,
        Rule::TextMismatch,
        Rule::MissingTarget,
        Rule::Malformed,
        Rule::NotInFormat,
    ];
    want.sort();
    assert_eq!(rules, want, "{:#?}", imported.report.skipped);
}
