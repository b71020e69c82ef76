//! Figures for the model at news-archive scale, printed rather than asserted: a generated
//! 1 MB text with 10,000 mentions and 2,000 events, parsed (with checksum and full
//! validation), validated on its own, and serialised as loupe/1. The baseline is plain
//! `serde_json` parsing and pretty-printing the same file as an untyped `Value`, measured
//! in the same run so the ratio holds across machines.
//!
//! Run with `cargo bench --bench model`. The target: parse + validate +
//! serialise under 50 ms.

use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use loupe::core::arcs::{arcs_by_paragraph, ArcIndex};
use loupe::core::format::loupe as native;
use loupe::core::layout::{bucket_refs, bucket_spans, drawn_spans, paragraphs};
use loupe::core::model::{Annotations, Argument, Document, Event, Mention, Relation, Span};
use loupe::core::offsets::OffsetIndex;
use loupe::core::ports::Clock;
use loupe::core::render::article::article_html;
use loupe::core::schema::Schema;
use loupe::core::storage::MemoryStore;
use loupe::core::validate::validate;
use loupe::core::workspace::Workspace;

/// A sentence with an astral emoji, an em dash and curly quotes, so code point and byte
/// offsets differ throughout.
const SENTENCE: &str =
    "🚀 On Monday, Russian forces struck Kyiv with 12 drones — “again”, officials said.\n";
const TARGET_BYTES: usize = 1_000_000;
const MENTIONS: usize = 10_000;
const EVENTS: usize = 2_000;
const RUNS: usize = 9;

fn cp_of(word: &str) -> (usize, usize) {
    let byte = SENTENCE.find(word).expect("the word is in the sentence");
    let start = SENTENCE[..byte].chars().count();
    (start, start + word.chars().count())
}

fn mention(id: usize, kind: &str, at: (usize, usize), text: &str) -> Mention {
    Mention {
        id: format!("T{id}"),
        kind: kind.into(),
        fragments: vec![Span::new(at.0, at.1)],
        text: text.into(),
        attributes: Default::default(),
        normalization: None,
        note: None,
        entity: None,
    }
}

fn corpus() -> Document {
    let sentences = TARGET_BYTES / SENTENCE.len() + 1;
    let text = SENTENCE.repeat(sentences);
    let len = SENTENCE.chars().count();
    let (kyiv, drones, struck) = (cp_of("Kyiv"), cp_of("drones"), cp_of("struck"));
    let shift = |(s, e): (usize, usize), i: usize| (s + i * len, e + i * len);
    let mut ann = Annotations::default();
    // Two mentions per sentence, an attack in every fifth sentence of those.
    for i in 0..MENTIONS / 2 {
        ann.mentions
            .push(mention(2 * i + 1, "GPE", shift(kyiv, i), "Kyiv"));
        ann.mentions
            .push(mention(2 * i + 2, "WEA", shift(drones, i), "drones"));
    }
    for (n, i) in (0..MENTIONS / 2)
        .step_by(MENTIONS / 2 / EVENTS)
        .take(EVENTS)
        .enumerate()
    {
        let (s, e) = shift(struck, i);
        ann.events.push(Event {
            id: format!("E{}", n + 1),
            kind: "Conflict:Attack".into(),
            trigger: vec![Span::new(s, e)],
            trigger_text: "struck".into(),
            arguments: vec![
                Argument {
                    role: "Target".into(),
                    target: format!("T{}", 2 * i + 1),
                },
                Argument {
                    role: "Instrument".into(),
                    target: format!("T{}", 2 * i + 2),
                },
            ],
            attributes: Default::default(),
            note: None,
            coref: None,
        });
    }
    let mut doc = Document::new("Generated archive", &text);
    doc.annotations = ann;
    doc
}

/// Median and minimum of `RUNS` timed calls, after one warm-up.
fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration) {
    black_box(f());
    let mut runs: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    runs.sort();
    (runs[RUNS / 2], runs[0])
}

/// A clock that stands still: the workspace stamps edits only when it has one.
struct Fixed;

impl Clock for Fixed {
    fn now_ms(&self) -> f64 {
        1.0
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let schema = Schema::ace2005();
    let doc = corpus();
    assert_eq!(doc.annotations.mentions.len(), MENTIONS);
    assert_eq!(doc.annotations.events.len(), EVENTS);
    let report = validate(&doc.text, &doc.annotations, Some(&schema));
    assert!(
        !report.has_errors(),
        "the generated corpus must be valid: {:?}",
        report.errors().next()
    );
    let json = native::to_json_with_schema(std::slice::from_ref(&doc), "bench", &schema);
    let parsed = native::from_json(&json).expect("the generated file parses");
    assert_eq!(native::serialize(&parsed), json, "round trip");

    let parse = time(|| native::from_json(&json).unwrap());
    let check = time(|| validate(&doc.text, &doc.annotations, Some(&schema)));
    let write = time(|| native::serialize(&parsed));
    let full = time(|| native::serialize(&native::from_json(&json).unwrap()));
    // Issue 14: the arcs of every paragraph, sorted from scratch, and the index's update
    // after one edit (an argument role changed), which keeps the unchanged paragraphs.
    let paras = paragraphs(&doc.text);
    let mut linked = doc.annotations.clone();
    for i in 0..700 {
        linked.relations.push(Relation {
            id: format!("R{}", i + 1),
            kind: "PART-WHOLE".into(),
            arg1: format!("T{}", 2 * i + 1),
            arg2: format!("T{}", 2 * i + 2),
            attributes: Default::default(),
        });
    }
    let sort = time(|| arcs_by_paragraph(&paras, &linked, None).len());
    let mut index = ArcIndex::default();
    index.update(&paras, &linked, None, 0);
    let mut version = 0;
    let mut edited = linked.clone();
    let update = time(|| {
        version += 1;
        edited.events[0].arguments[0].role = format!("Target{version}");
        index.update(&paras, &edited, None, version).len()
    });
    // Opening the article: its paragraphs and offset index, then its markup, as the
    // article pane builds them before the browser parses the HTML.
    let split = time(|| (paragraphs(&doc.text), OffsetIndex::new(&doc.text)));
    let offsets = OffsetIndex::new(&doc.text);
    let colors: Vec<(String, String)> = schema
        .entity_types
        .iter()
        .map(|t| (t.name.clone(), t.color.clone()))
        .chain(
            schema
                .event_types
                .iter()
                .map(|t| (t.name.clone(), t.color.clone())),
        )
        .collect();
    let color = |k: &str| {
        colors
            .iter()
            .find(|(n, _)| n == k)
            .map_or("#777777", |(_, c)| c.as_str())
    };
    let markup = time(|| {
        let drawn = bucket_spans(&paras, drawn_spans(&linked));
        article_html(&doc.text, &offsets, &paras, &drawn, color).len()
    });
    let unknown = time(|| schema.unknown_uses([&linked]).len());
    // A keypress's work in the core: tag a free word ("officials") as the app does, with
    // the edit stamped, then undo it so every run sees the same document.
    let mut ws = Workspace::new(Ok(Rc::new(MemoryStore::default())), Arc::from("bench"));
    ws.load();
    ws.set_clock(Rc::new(Fixed));
    ws.set_schema(schema.clone()).expect("the schema is taken");
    let mut open = doc.clone();
    open.annotations = linked.clone();
    ws.add_and_open(vec![open]);
    let (o, _) = cp_of("officials");
    let word = Span::new(
        o + 600 * SENTENCE.chars().count(),
        o + 600 * SENTENCE.chars().count() + 9,
    );
    let tag = time(|| {
        ws.tag("PER", word, None).expect("tagged");
        ws.undo()
    });
    let rebucket = time(|| {
        let ann = ws.open_annotations().expect("open");
        bucket_refs(&paras, drawn_spans(ann)).len()
    });
    let baseline = time(|| {
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        serde_json::to_string_pretty(&value).unwrap()
    });

    println!(
        "loupe/1 model benchmark: text {:.2} MB ({} code points), {} mentions, {} events, file {:.2} MB; {} runs",
        doc.text.len() as f64 / 1e6,
        doc.text.chars().count(),
        MENTIONS,
        EVENTS,
        json.len() as f64 / 1e6,
        RUNS
    );
    println!();
    println!("| step                                        | median ms |   min ms |");
    println!("|---------------------------------------------|-----------|----------|");
    let rows = [
        ("parse (typed, checksum, validate)", parse),
        ("  validate alone (ACE 2005 schema)", check),
        ("serialise (pretty, stable key order)", write),
        ("parse + validate + serialise, one pass", full),
        ("arcs of every paragraph, sorted afresh", sort),
        ("  arc index update after one edit", update),
        ("open: paragraphs and offset index", split),
        ("open: article markup (buckets and HTML)", markup),
        ("per edit: types outside the schema", unknown),
        ("per keypress: tag a word and undo it", tag),
        ("per keypress: every drawn span bucketed", rebucket),
        ("baseline: serde_json Value parse + pretty", baseline),
    ];
    for (name, (median, min)) in rows {
        println!("| {name:<43} | {:>9.2} | {:>8.2} |", ms(median), ms(min));
    }
    println!();
    let total = ms(full.0);
    println!(
        "total {total:.2} ms (target < 50 ms: {}); {:.2}x the untyped serde_json baseline",
        if total < 50.0 { "met" } else { "NOT met" },
        total / ms(baseline.0)
    );
}
