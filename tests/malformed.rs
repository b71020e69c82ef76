//! At least 100 malformed inputs, generated from small valid ones, each refused by the
//! strict import with its specific error and never a panic. Categories: truncated files,
//! bad UTF-8, end before start, offsets past the end, quotes that do not match, duplicate
//! ids, dangling references, deep nesting, and a zip bomb.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;

use loupe::core::format::{import, Format, ImportError, ImportOptions, InputFile};

const TEXT: &str = "Drones hit Kyiv 🚀 at dawn, Ukraine said.";
const STRICT: ImportOptions = ImportOptions { strict: true };

fn brat(ann: &str) -> Vec<InputFile> {
    vec![
        InputFile::new("doc.txt", TEXT),
        InputFile::new("doc.ann", ann),
    ]
}

/// What a case must produce: the error's kind, and words its message must contain.
struct Case {
    name: String,
    format: Format,
    files: Vec<InputFile>,
    expect: fn(&ImportError) -> bool,
    words: Vec<&'static str>,
}

fn refused(e: &ImportError) -> bool {
    matches!(
        e,
        ImportError::Rejected { .. } | ImportError::Malformed { .. }
    )
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut add = |name: String,
                   format,
                   files,
                   expect: fn(&ImportError) -> bool,
                   words: Vec<&'static str>| {
        out.push(Case {
            name,
            format,
            files,
            expect,
            words,
        })
    };
    let good_ann = "T1\tGPE 11 15\tKyiv\nT2\tGPE 28 35\tUkraine\n";

    // Truncated brat lines: every cut inside the first line's offsets or quote.
    let line = "T1\tGPE 11 15\tKyiv";
    for cut in 3..line.len() - 1 {
        add(
            format!("brat truncated at {cut}"),
            Format::Brat,
            brat(&line[..cut]),
            refused,
            vec![],
        );
    }
    // Bad UTF-8 in the .ann and in the text, at several places.
    for at in [0, 1, 5, 9, 12, 16] {
        let mut bytes = good_ann.as_bytes().to_vec();
        bytes.insert(at, 0xff);
        add(
            format!("brat .ann bad UTF-8 at {at}"),
            Format::Brat,
            vec![
                InputFile::new("doc.txt", TEXT),
                InputFile::new("doc.ann", bytes),
            ],
            |e| matches!(e, ImportError::NotUtf8 { .. }),
            vec!["UTF-8"],
        );
        let mut text = TEXT.as_bytes().to_vec();
        text.insert(at, 0xc3);
        text.insert(at + 1, 0x28);
        add(
            format!("brat .txt bad UTF-8 at {at}"),
            Format::Brat,
            vec![
                InputFile::new("doc.txt", text),
                InputFile::new("doc.ann", good_ann),
            ],
            |e| matches!(e, ImportError::NotUtf8 { .. }),
            vec!["UTF-8"],
        );
    }
    // End before start, and offsets past the end of the text.
    for (s, e) in [(15, 11), (20, 3), (1, 0), (35, 28), (40, 39)] {
        add(
            format!("brat end {e} before start {s}"),
            Format::Brat,
            brat(&format!("T1\tGPE {s} {e}\tx\n")),
            refused,
            vec!["T1"],
        );
    }
    for (s, e) in [(11, 99), (45, 50), (0, 1000), (38, 42), (100, 101)] {
        add(
            format!("brat [{s}, {e}) past the end"),
            Format::Brat,
            brat(&format!("T1\tGPE {s} {e}\tx\n")),
            refused,
            vec!["T1"],
        );
    }
    // A quote that does not match the text at its offsets (the emoji shifts UTF-16 by one).
    for quote in ["Kyi", "kyiv", "Kyiv ", "yiv 🚀", "Lviv", "KYIV"] {
        add(
            format!("brat quote {quote:?}"),
            Format::Brat,
            brat(&format!("T1\tGPE 11 15\t{quote}\n")),
            refused,
            vec!["T1"],
        );
    }
    // Duplicate ids, of each kind.
    for dup in [
        "T1\tGPE 11 15\tKyiv\nT1\tGPE 28 35\tUkraine\n",
        "T1\tGPE 11 15\tKyiv\nT2\tAttack 7 10\thit\nE1\tAttack:T2 Target:T1\nE1\tAttack:T2\n",
        "T1\tGPE 11 15\tKyiv\nT2\tGPE 28 35\tUkraine\nR1\tPHYS Arg1:T1 Arg2:T2\nR1\tPHYS Arg1:T2 Arg2:T1\n",
        "T2\tGPE 28 35\tUkraine\nT2\tGPE 11 15\tKyiv\n",
    ] {
        add("brat duplicate id".into(), Format::Brat, brat(dup), refused, vec![]);
    }
    // Dangling references.
    for dangling in [
        "T1\tGPE 11 15\tKyiv\nT2\tAttack 7 10\thit\nE1\tAttack:T2 Target:T9\n",
        "T1\tGPE 11 15\tKyiv\nE1\tAttack:T7 Target:T1\n",
        "T1\tGPE 11 15\tKyiv\nR1\tPHYS Arg1:T1 Arg2:T9\n",
        "T1\tGPE 11 15\tKyiv\nR1\tPHYS Arg1:T8 Arg2:T1\n",
        "T1\tGPE 11 15\tKyiv\n*\tEquiv T1 T9\n",
        "T1\tGPE 11 15\tKyiv\nA1\tNegated T9\n",
        "T1\tGPE 11 15\tKyiv\nN1\tReference T9 Wikidata:Q1899\tKyiv\n",
        "T1\tGPE 11 15\tKyiv\n#1\tAnnotatorNotes T9\tnote\n",
    ] {
        add(
            "brat dangling reference".into(),
            Format::Brat,
            brat(dangling),
            refused,
            vec![],
        );
    }
    // doccano: truncated lines, spans out of bounds or reversed, deep nesting.
    let doccano = format!(r#"{{"text": "{TEXT}", "label": [[11, 15, "GPE"]]}}"#);
    for cut in (5..doccano.len() - 1)
        .step_by(4)
        .filter(|&c| doccano.is_char_boundary(c))
    {
        add(
            format!("doccano truncated at {cut}"),
            Format::Doccano,
            vec![InputFile::new("d.jsonl", &doccano[..cut])],
            refused,
            vec![],
        );
    }
    for (s, e) in [(15, 11), (11, 99), (50, 60)] {
        let line = format!(r#"{{"text": "{TEXT}", "label": [[{s}, {e}, "GPE"]]}}"#);
        add(
            format!("doccano [{s}, {e})"),
            Format::Doccano,
            vec![InputFile::new("d.jsonl", line)],
            refused,
            vec![],
        );
    }
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    for (format, name) in [
        (Format::Doccano, "d.jsonl"),
        (Format::W3c, "a.jsonld"),
        (Format::Loupe, "c.json"),
    ] {
        add(
            format!("deep nesting in {name}"),
            format,
            vec![
                InputFile::new(name, deep.clone()),
                InputFile::new("doc.txt", TEXT),
            ],
            |e| matches!(e, ImportError::TooDeep { .. }),
            vec!["deep"],
        );
    }
    // loupe/1: truncated at many points.
    let doc = loupe::core::model::Document::new("T", TEXT);
    let loupe_json = loupe::core::format::loupe::to_json(&[doc], "a");
    for cut in (10..loupe_json.len() - 2)
        .step_by(loupe_json.len() / 20)
        .filter(|&c| loupe_json.is_char_boundary(c))
    {
        add(
            format!("loupe truncated at {cut}"),
            Format::Loupe,
            vec![InputFile::new("c.json", &loupe_json[..cut])],
            |e| matches!(e, ImportError::Loupe { .. }),
            vec!["line"],
        );
    }
    // A zip bomb: 20 MB of zeros squeezed far past a compression ratio of 100.
    let mut bomb = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bomb));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("doc.txt", options).unwrap();
        zip.write_all(&vec![0u8; 20 * 1024 * 1024]).unwrap();
        zip.finish().unwrap();
    }
    add(
        "zip bomb".into(),
        Format::Brat,
        vec![InputFile::new("bomb.zip", bomb)],
        |e| matches!(e, ImportError::Zip { .. } | ImportError::TooLarge { .. }),
        vec![],
    );
    out
}

#[test]
fn at_least_a_hundred_malformed_inputs_each_get_their_specific_error() {
    let cases = cases();
    assert!(cases.len() >= 100, "only {} malformed cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        match import(case.format, &case.files, STRICT) {
            Ok(imported) => wrong.push(format!(
                "{}: accepted ({} documents)",
                case.name,
                imported.documents.len()
            )),
            Err(e) => {
                let message = e.to_string();
                let words_ok = case
                    .words
                    .iter()
                    .all(|w| message.to_lowercase().contains(&w.to_lowercase()));
                if !(case.expect)(&e) || !words_ok || message.trim().is_empty() {
                    wrong.push(format!("{}: {e:?}", case.name));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases went wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
