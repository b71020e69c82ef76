//! Valid files of every import format, damaged at random: bits flipped, cut short, spliced
//! with a piece of themselves, lines duplicated, digits in offsets changed. Every parser
//! must return an error value or a valid result, and never panic. A valid result is one
//! whose every annotation lies in its text and whose every reference resolves: what the
//! importers promise, checked by `validate` independently of them.
//!
//! Cases: `PROPTEST_CASES` (10,000 by default) divided by 20 per property.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use loupe::core::format::{
    self, archive, detect, export, loupe as loupe_format, Format, ImportOptions, InputFile,
};
use loupe::core::import::{documents_from_file, documents_from_zip};
use loupe::core::model::{
    fragments_text, Argument, AttrValue, Document, Event, Mention, Relation, Span,
};
use loupe::core::schema::Schema;
use loupe::core::validate::validate;
use proptest::prelude::*;

const TEXT: &str = "🚀 Russian forces struck Kyiv and Odesa with 8,400 drones.\nMr Zelensky said North and South America help.";

fn mention(id: &str, kind: &str, frags: &[(usize, usize)]) -> Mention {
    let fragments: Vec<Span> = frags.iter().map(|&(s, e)| Span::new(s, e)).collect();
    Mention {
        id: id.into(),
        kind: kind.into(),
        text: fragments_text(TEXT, &fragments).unwrap(),
        fragments,
        attributes: BTreeMap::new(),
        normalization: None,
        note: None,
        entity: None,
    }
}

/// A document with an emoji, a nested span, a discontinuous span, an event with
/// arguments, a relation, a note and attributes: every construct the formats carry.
fn document() -> Document {
    let mut doc = Document::new("Strike report", TEXT);
    let mut forces = mention("T1", "ORG", &[(2, 16)]);
    forces
        .attributes
        .insert("MentionType".into(), AttrValue::Value("NOM".into()));
    let mut zelensky = mention("T6", "PER", &[(58, 69)]);
    zelensky.note = Some("President of Ukraine".into());
    doc.annotations.mentions = vec![
        forces,
        mention("T2", "GPE", &[(2, 9)]),
        mention("T3", "GPE", &[(24, 28)]),
        mention("T4", "GPE", &[(33, 38)]),
        mention("T5", "WEA", &[(44, 56)]),
        zelensky,
        mention("T7", "LOC", &[(75, 80), (91, 98)]),
    ];
    let arg = |role: &str, target: &str| Argument {
        role: role.into(),
        target: target.into(),
    };
    doc.annotations.events = vec![Event::new(
        "E1",
        "Conflict:Attack",
        vec![Span::new(17, 23)],
        "struck",
        vec![
            arg("Attacker", "T1"),
            arg("Target", "T3"),
            arg("Target", "T4"),
            arg("Instrument", "T5"),
        ],
    )];
    doc.annotations.relations = vec![Relation {
        id: "R1".into(),
        kind: "PART-WHOLE".into(),
        arg1: "T1".into(),
        arg2: "T2".into(),
        attributes: BTreeMap::new(),
    }];
    doc
}

/// What a seed is read by.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reader {
    /// `format::import` of the files in this format (`.zip` inputs are expanded there).
    Import(Format),
    /// The welcome screen's article reader.
    Articles,
    /// The welcome screen's `.zip` reader.
    ArticleZip,
    /// A loupe schema `.json`.
    SchemaJson,
    /// brat's `annotation.conf` and `visual.conf`.
    SchemaBrat,
}

/// Valid inputs for every reader; the mutation hits one file of a seed.
fn seeds() -> Vec<(Reader, Vec<InputFile>)> {
    let doc = document();
    let schema = Schema::ace2005();
    let files_of = |format| -> Vec<InputFile> {
        export(format, std::slice::from_ref(&doc), &schema)
            .files
            .iter()
            .map(|f| InputFile::new(&f.name, f.bytes.clone()))
            .collect()
    };
    let mut seeds = Vec::new();
    for format in [Format::Brat, Format::Doccano, Format::W3c, Format::Loupe] {
        let files = files_of(format);
        let out: Vec<format::OutFile> = files
            .iter()
            .map(|f| format::OutFile {
                name: f.name.clone(),
                bytes: f.bytes.clone(),
            })
            .collect();
        let zip = archive::write_zip(&out).unwrap();
        seeds.push((Reader::Import(format), files));
        seeds.push((
            Reader::Import(format),
            vec![InputFile::new("corpus.zip", zip)],
        ));
    }
    // The hand-written golden files, whose layout differs from what the exporters write.
    let golden =
        |name: &str| std::fs::read(format!("tests/fixtures/formats/{name}")).expect("golden file");
    seeds.push((
        Reader::Import(Format::Brat),
        vec![
            InputFile::new("strike.txt", TEXT),
            InputFile::new("strike.ann", golden("strike.ann")),
        ],
    ));
    seeds.push((
        Reader::Import(Format::Doccano),
        vec![InputFile::new("strike.jsonl", golden("strike.jsonl"))],
    ));
    seeds.push((
        Reader::Import(Format::W3c),
        vec![
            InputFile::new("strike.txt", TEXT),
            InputFile::new("strike.jsonld", golden("strike.jsonld")),
        ],
    ));
    let articles = [
        ("story.txt", TEXT.to_owned()),
        (
            "feed.jsonl",
            "{\"text\":\"Ships left Odesa.\",\"title\":\"Port\",\"url\":\"https://example.org/1\"}\n\n{\"text\":\"Drones hit Kyiv 🚀.\",\"date\":\"2024-05-01\"}\n".to_owned(),
        ),
        (
            "list.json",
            "[{\"text\":\"A.\"},{\"text\":\"B.\",\"title\":\"Bee\"}]".to_owned(),
        ),
        (
            "export.loupe.json",
            loupe_format::to_json(std::slice::from_ref(&doc), "me"),
        ),
    ];
    for (name, text) in &articles {
        seeds.push((Reader::Articles, vec![InputFile::new(name, text.as_str())]));
    }
    let article_zip = archive::write_zip(
        &articles
            .iter()
            .map(|(n, t)| format::OutFile {
                name: (*n).into(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    seeds.push((
        Reader::ArticleZip,
        vec![InputFile::new("articles.zip", article_zip)],
    ));
    let brat_zip =
        archive::write_zip(&export(Format::Brat, std::slice::from_ref(&doc), &schema).files)
            .unwrap();
    seeds.push((
        Reader::ArticleZip,
        vec![InputFile::new("brat.zip", brat_zip)],
    ));
    seeds.push((
        Reader::SchemaJson,
        vec![InputFile::new("ace.schema.json", schema.to_json())],
    ));
    let conf = schema.to_brat();
    seeds.push((
        Reader::SchemaBrat,
        vec![
            InputFile::new("annotation.conf", conf.annotation.clone()),
            InputFile::new("visual.conf", conf.visual.clone()),
        ],
    ));
    seeds
}

/// The seeds, built once per test binary: exports and zips cost more than a parse.
fn cached_seeds() -> &'static [(Reader, Vec<InputFile>)] {
    static SEEDS: std::sync::OnceLock<Vec<(Reader, Vec<InputFile>)>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(seeds)
}

/// One way of damaging a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Flip one bit.
    FlipBit(prop::sample::Index, u8),
    /// Keep only the first part.
    Truncate(prop::sample::Index),
    /// Copy a piece of the file over another place in it.
    Splice(prop::sample::Index, prop::sample::Index, usize),
    /// Repeat a line.
    DuplicateLine(prop::sample::Index),
    /// Drop a line.
    DeleteLine(prop::sample::Index),
    /// Change one digit (an offset, most often) to another, or to a huge number.
    Digit(prop::sample::Index, u8, bool),
    /// Swap two lines, so references may come before what they name.
    SwapLines(prop::sample::Index, prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    use prop::sample::Index;
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<Index>(), 1usize..64)
            .prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        any::<Index>().prop_map(Mutation::DeleteLine),
        (any::<Index>(), 0u8..10, any::<bool>()).prop_map(|(i, d, h)| Mutation::Digit(i, d, h)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

/// Byte ranges of the lines of `bytes`, each with its `\n`.
fn lines(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match m {
        Mutation::FlipBit(at, bit) => {
            let i = at.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        Mutation::Truncate(at) => bytes.truncate(at.index(bytes.len())),
        Mutation::Splice(from, to, len) => {
            let from = from.index(bytes.len());
            let piece: Vec<u8> = bytes[from..(from + len).min(bytes.len())].to_vec();
            let to = to.index(bytes.len());
            let end = (to + piece.len()).min(bytes.len());
            bytes.splice(to..end, piece);
        }
        Mutation::DuplicateLine(at) => {
            let ls = lines(bytes);
            let line = ls[at.index(ls.len())].clone();
            let copy = bytes[line.clone()].to_vec();
            bytes.splice(line.end..line.end, copy);
        }
        Mutation::DeleteLine(at) => {
            let ls = lines(bytes);
            bytes.drain(ls[at.index(ls.len())].clone());
        }
        Mutation::Digit(at, digit, huge) => {
            let digits: Vec<usize> = (0..bytes.len())
                .filter(|&i| bytes[i].is_ascii_digit())
                .collect();
            if digits.is_empty() {
                return;
            }
            let i = digits[at.index(digits.len())];
            if *huge {
                bytes.splice(i..i + 1, b"18446744073709551616".iter().copied());
            } else {
                bytes[i] = b'0' + digit;
            }
        }
        Mutation::SwapLines(a, b) => {
            let ls = lines(bytes);
            let (a, b) = (ls[a.index(ls.len())].clone(), ls[b.index(ls.len())].clone());
            let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
            if first == second || first.end > second.start {
                return;
            }
            let mut out = bytes[..first.start].to_vec();
            out.extend_from_slice(&bytes[second.clone()]);
            out.extend_from_slice(&bytes[first.end..second.start]);
            out.extend_from_slice(&bytes[first.clone()]);
            out.extend_from_slice(&bytes[second.end..]);
            *bytes = out;
        }
    }
}

/// Every document's annotations lie in its text and every reference resolves.
fn assert_valid(documents: &[Document], what: &str) {
    for doc in documents {
        let report = validate(&doc.text, &doc.annotations, None);
        let errors: Vec<String> = report.errors().map(|i| i.message.clone()).collect();
        assert!(
            errors.is_empty(),
            "{what}: an import returned invalid annotations: {errors:?}"
        );
    }
}

/// Read `files` as `reader` says. A panic fails the property; an error value passes.
fn read(reader: Reader, files: &[InputFile], strict: bool) {
    match reader {
        Reader::Import(format) => {
            let _ = detect(files);
            if let Ok(imported) = format::import(format, files, ImportOptions { strict }) {
                assert_valid(&imported.documents, format.name());
                if let Some(schema) = imported.schema {
                    // A schema that came in must be one the app can use as it is.
                    let _ = schema.validate();
                }
            }
        }
        Reader::Articles => {
            for f in files {
                if let Ok(docs) = documents_from_file(&f.name, &f.bytes) {
                    assert_valid(&docs, &f.name);
                }
            }
        }
        Reader::ArticleZip => {
            for f in files {
                let html = |_: &str| Ok((None, "Page.".to_owned()));
                if let Ok(contents) = documents_from_zip(&f.name, &f.bytes, html) {
                    assert_valid(&contents.documents, &f.name);
                }
            }
        }
        Reader::SchemaJson => {
            for f in files {
                if let Ok(text) = std::str::from_utf8(&f.bytes) {
                    if let Ok(schema) = Schema::from_json(text) {
                        assert!(
                            schema.validate().is_ok(),
                            "from_json let an invalid schema through"
                        );
                    }
                }
            }
        }
        Reader::SchemaBrat => {
            let text = |i: usize| {
                files
                    .get(i)
                    .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
                    .unwrap_or_default()
            };
            let _ = Schema::from_brat(&text(0), &text(1), "");
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(10_000)
        / 20
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn damaged_valid_files_give_an_error_or_a_valid_result(
        seed in any::<prop::sample::Index>(),
        file in any::<prop::sample::Index>(),
        damage in prop::collection::vec(mutation(), 1..4),
        strict: bool,
    ) {
        let all = cached_seeds();
        let (reader, mut files) = all[seed.index(all.len())].clone();
        let n = file.index(files.len());
        for m in &damage {
            mutate(&mut files[n].bytes, m);
        }
        read(reader, &files, strict);
    }

    /// Inside an archive: the damage hits one member, then the archive is packed again,
    /// so the zip reader's checks pass and the member's parser sees the damage.
    #[test]
    fn damaged_files_inside_a_valid_zip_give_an_error_or_a_valid_result(
        seed in any::<prop::sample::Index>(),
        member in any::<prop::sample::Index>(),
        damage in prop::collection::vec(mutation(), 1..4),
    ) {
        let doc = document();
        let formats = [Format::Brat, Format::W3c, Format::Doccano, Format::Loupe];
        let format = formats[seed.index(formats.len())];
        let mut files = export(format, std::slice::from_ref(&doc), &Schema::ace2005()).files;
        let n = member.index(files.len());
        for m in &damage {
            mutate(&mut files[n].bytes, m);
        }
        let zip = archive::write_zip(&files).unwrap();
        let input = [InputFile::new("corpus.zip", zip)];
        read(Reader::Import(format), &input, false);
        read(Reader::ArticleZip, &input, false);
    }
}

#[test]
fn every_seed_is_valid_before_it_is_damaged() {
    // Without this, a seed that is already broken would only ever test error paths.
    for (reader, files) in seeds() {
        match reader {
            Reader::Import(format) => {
                let imported = format::import(format, &files, ImportOptions { strict: true })
                    .unwrap_or_else(|e| panic!("{format}: {e}"));
                assert!(!imported.documents.is_empty());
                assert!(
                    imported.documents.iter().any(|d| !d.annotations.is_empty())
                        || format == Format::Doccano
                );
            }
            Reader::Articles => {
                for f in &files {
                    documents_from_file(&f.name, &f.bytes).unwrap();
                }
            }
            Reader::ArticleZip => {
                let contents = documents_from_zip(&files[0].name, &files[0].bytes, |_| {
                    Ok((None, "Page.".into()))
                })
                .unwrap();
                assert!(contents.errors.is_empty(), "{:?}", contents.errors);
            }
            Reader::SchemaJson => {
                Schema::from_json(std::str::from_utf8(&files[0].bytes).unwrap()).unwrap();
            }
            Reader::SchemaBrat => {
                let t = |i: usize| String::from_utf8(files[i].bytes.clone()).unwrap();
                Schema::from_brat(&t(0), &t(1), "").unwrap();
            }
        }
    }
}

#[test]
fn each_mutation_changes_a_file_as_it_says() {
    use prop::sample::Index;
    use proptest::strategy::ValueTree;
    // Index values come from proptest; build them through a runner for fixed checks.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let idx = |runner: &mut proptest::test_runner::TestRunner| {
        any::<Index>().new_tree(runner).unwrap().current()
    };
    let base = b"T1\tGPE 24 28\tKyiv\nT2\tGPE 33 38\tOdesa\n".to_vec();
    let mut b = base.clone();
    mutate(&mut b, &Mutation::DuplicateLine(idx(&mut runner)));
    assert_eq!(lines(&b).len(), 3);
    let mut b = base.clone();
    mutate(&mut b, &Mutation::Digit(idx(&mut runner), 0, true));
    assert!(b.windows(20).any(|w| w == b"18446744073709551616"));
    let mut b = base.clone();
    mutate(&mut b, &Mutation::Truncate(idx(&mut runner)));
    assert!(b.len() < base.len());
    let mut b = base.clone();
    mutate(&mut b, &Mutation::FlipBit(idx(&mut runner), 3));
    assert_eq!(b.len(), base.len());
    assert_ne!(b, base);
}
