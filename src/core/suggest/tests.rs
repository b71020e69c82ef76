use super::eval::{evaluate, Measured};
use super::predictions::{predict, read_suggestions, to_prediction_json};
use super::*;
use crate::core::edit::History;
use crate::core::format::{self, Format, ImportError, InputFile};
use crate::core::model::{Argument, Document, Event, Mention, Span};
use crate::core::schema::Schema;

/// A document with `tags` (text, type) annotated at their first whole-word occurrences.
fn doc(text: &str, tags: &[(&str, &str)]) -> Document {
    let mut d = Document::new("t", text);
    for (n, (word, kind)) in tags.iter().enumerate() {
        let byte = find_word(text, word, &d.annotations);
        let start = text[..byte].chars().count();
        let span = Span::new(start, start + word.chars().count());
        d.annotations.mentions.push(Mention::new(
            format!("T{}", n + 1),
            *kind,
            vec![span],
            *word,
        ));
    }
    d
}

/// The byte offset of the first occurrence of `word` not already annotated.
fn find_word(text: &str, word: &str, ann: &Annotations) -> usize {
    let taken: Vec<usize> = ann.mentions.iter().map(|m| m.start()).collect();
    text.match_indices(word)
        .map(|(b, _)| b)
        .find(|b| !taken.contains(&text[..*b].chars().count()))
        .expect("the word is in the text")
}

fn cp(text: &str, word: &str) -> Span {
    let b = text.find(word).unwrap();
    let s = text[..b].chars().count();
    Span::new(s, s + word.chars().count())
}

fn train(docs: &[Document]) -> Recommenders {
    let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
    Recommenders::train(&samples, &Gazetteer::default(), &Config::default())
}

#[test]
fn string_matcher_scores_are_the_relative_frequency_of_types() {
    let a = doc(
        "Washington said. Washington agreed. Washington left.",
        &[
            ("Washington", "GPE"),
            ("Washington", "GPE"),
            ("Washington", "PER"),
        ],
    );
    let b = doc("Washington again.", &[("Washington", "GPE")]);
    let samples = [Sample::from(&a), Sample::from(&b)];
    let m = StringMatcher::train(&samples, &Gazetteer::default());
    let scores = m.scores("Washington");
    assert_eq!(
        scores,
        [
            (Layer::Mention, "GPE".to_owned(), 0.75),
            (Layer::Mention, "PER".to_owned(), 0.25)
        ]
    );
    let text = "In Washington’s view, Washingtonian food is fine.";
    let found = m.suggest(text);
    // Whole words only: "Washington’s" matches, "Washingtonian" does not.
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|s| s.span() == cp(text, "Washington")));
    assert_eq!(found[0].score, Some(0.75));
    assert_eq!(found[0].source, Source::StringMatcher);
}

#[test]
fn a_gazetteer_preloads_the_matcher_and_the_longest_match_wins() {
    let gaz =
        Gazetteer::from_tsv("# places\nNew York\tGPE\nNew York Times\tORG\n\nKyiv\tGPE\n").unwrap();
    let m = StringMatcher::train(&[], &gaz);
    let text = "The New York Times reported from New York and Kyiv.";
    let found = m.suggest(text);
    let got: Vec<(Span, &str)> = found.iter().map(|s| (s.span(), s.label())).collect();
    assert_eq!(
        got,
        [
            (cp(text, "New York Times"), "ORG"),
            (cp(text, "New York and").start_with(8), "GPE"),
            (cp(text, "Kyiv"), "GPE"),
        ]
    );
    let bad = Gazetteer::from_tsv("Kyiv GPE\n").unwrap_err();
    assert_eq!(bad.line, 1);
    assert!(bad.to_string().contains("no tab"), "{bad}");
}

trait Within {
    fn start_with(self, len: usize) -> Span;
}
impl Within for Span {
    fn start_with(self, len: usize) -> Span {
        Span::new(self.start, self.start + len)
    }
}

/// Sentences where a place follows "in" and precedes "said", with names seen in training.
fn toy_corpus() -> Vec<Document> {
    let names = [
        "Kyiv", "Odesa", "Lviv", "Dnipro", "Kharkiv", "Poltava", "Sumy", "Rivne",
    ];
    names
        .chunks(2)
        .map(|pair| {
            let text = format!(
                "Officials in {} said the night was calm. Officials in {} said the same. The weather was cold and wet.",
                pair[0], pair[1]
            );
            doc(&text, &[(pair[0], "GPE"), (pair[1], "GPE")])
        })
        .collect()
}

#[test]
fn the_tagger_learns_a_toy_pattern_and_generalises_to_an_unseen_name() {
    let docs = toy_corpus();
    let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
    let tagger = Tagger::train(&samples, &Gazetteer::default(), &Config::default());
    let text = "Officials in Zhytomyr said the roads were open.";
    let found = tagger.suggest(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].span(), cp(text, "Zhytomyr"));
    assert_eq!(found[0].label(), "GPE");
    assert_eq!(found[0].source, Source::Tagger);
    assert!(found[0].score.unwrap() > 0.5, "{:?}", found[0].score);
    // Nothing in a sentence without the pattern.
    assert!(tagger.suggest("The weather was cold and wet.").is_empty());
}

#[test]
fn training_is_deterministic() {
    let docs = toy_corpus();
    let text = "Officials in Zhytomyr said so. Officials in Kyiv said more.";
    let a = train(&docs).suggest(text, &Annotations::default());
    let b = train(&docs).suggest(text, &Annotations::default());
    assert_eq!(a, b);
}

#[test]
fn the_tagger_learns_event_triggers_with_their_types() {
    let mut docs = Vec::new();
    for (who, verb) in [
        ("Ana", "struck"),
        ("Ben", "shelled"),
        ("Cy", "struck"),
        ("Di", "shelled"),
    ] {
        let text = format!("Forces of {who} {verb} the town at dawn. The town was quiet.");
        let mut d = doc(&text, &[(who, "PER")]);
        let t = cp(&text, verb);
        d.annotations
            .events
            .push(Event::new("E1", "Conflict:Attack", vec![t], verb, vec![]));
        docs.push(d);
    }
    let model = train(&docs);
    let text = "Forces of Ed shelled the town at dawn.";
    let found = model.tagger.suggest(text);
    assert!(
        found
            .iter()
            .any(|s| s.layer() == Layer::Event && s.span() == cp(text, "shelled")),
        "{found:?}"
    );
}

#[test]
fn rejected_suggestions_stay_rejected_after_retraining() {
    let docs = toy_corpus();
    let text = "Officials in Kyiv said so. Later Kyiv was quiet.";
    let mut target = doc(text, &[]);
    let model = train(&docs);
    let mut rejections = Rejections::default();
    let shown = visible(
        model.suggest(text, &target.annotations),
        &target.annotations,
        &rejections,
        0.0,
    );
    let kyiv = shown
        .iter()
        .find(|s| s.span() == cp(text, "Kyiv") && s.label() == "GPE")
        .expect("Kyiv is suggested")
        .clone();
    rejections.reject(&kyiv, &target.annotations);
    // Retrained on more data, the same span and type is still not shown again.
    let mut more = docs.clone();
    more.push(doc("Officials in Kyiv said it twice.", &[("Kyiv", "GPE")]));
    let model = train(&more);
    let again = visible(
        model.suggest(text, &target.annotations),
        &target.annotations,
        &rejections,
        0.0,
    );
    assert!(
        !again
            .iter()
            .any(|s| s.span() == kyiv.span() && s.label() == "GPE"),
        "{again:?}"
    );
    // The other Kyiv is still offered; a rejection is per span and type.
    assert!(again
        .iter()
        .any(|s| s.label() == "GPE" && s.span() != kyiv.span()));
    // Rejections survive storage.
    let stored = serde_json::to_string(&rejections).unwrap();
    let back: Rejections = serde_json::from_str(&stored).unwrap();
    assert!(back.is_rejected(&kyiv, &target.annotations));
    target.annotations = Annotations::default();
}

#[test]
fn an_accepted_suggestion_becomes_an_annotation_undone_in_one_step() {
    let docs = toy_corpus();
    let text = "Officials in Kyiv said so. Later Kyiv and Odesa were quiet.";
    let mut d = doc(text, &[("Odesa", "GPE")]);
    let model = train(&docs);
    let shown = visible(
        model.suggest(text, &d.annotations),
        &d.annotations,
        &Rejections::default(),
        0.5,
    );
    let before = d.annotations.clone();
    let mut history = History::default();
    // One suggestion.
    let first = shown.iter().find(|s| s.label() == "GPE").unwrap();
    let edit = accept_edit(&d.annotations, &[first]).unwrap();
    history.apply(&mut d.annotations, text, edit).unwrap();
    let m = d
        .annotations
        .mentions
        .iter()
        .find(|m| m.fragments == [first.span()])
        .unwrap();
    assert_eq!(
        (m.kind.as_str(), m.text.as_str(), m.id.as_str()),
        ("GPE", "Kyiv", "T2")
    );
    assert_eq!(d.annotations.mentions.len(), 2);
    assert!(history.undo(&mut d.annotations, text).unwrap());
    assert_eq!(d.annotations, before);
    // All of one type in one step, and one undo takes all of them back.
    let all: Vec<&Suggestion> = of_type(&shown, Layer::Mention, "GPE").collect();
    assert_eq!(all.len(), 2, "{shown:?}");
    let edit = accept_edit(&d.annotations, &all).unwrap();
    history.apply(&mut d.annotations, text, edit).unwrap();
    assert_eq!(d.annotations.mentions.len(), 3);
    let starts: Vec<usize> = d.annotations.mentions.iter().map(|m| m.start()).collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "sorted: {starts:?}"
    );
    // Once accepted, they are no longer suggested.
    let left = visible(
        model.suggest(text, &d.annotations),
        &d.annotations,
        &Rejections::default(),
        0.5,
    );
    assert!(!left.iter().any(|s| s.label() == "GPE"), "{left:?}");
    assert!(history.undo(&mut d.annotations, text).unwrap());
    assert_eq!(d.annotations, before);
    assert!(!history.can_undo());
}

/// Documents with an attack and its Target, so the ranker learns Target is the place after
/// the trigger.
fn attack_corpus() -> Vec<Document> {
    ["Kyiv", "Odesa", "Lviv", "Sumy", "Rivne"]
        .iter()
        .map(|place| {
            let text = format!("Rebels struck {place} with drones on Monday.");
            let mut d = doc(
                &text,
                &[("Rebels", "ORG"), (place, "GPE"), ("drones", "WEA")],
            );
            let t = cp(&text, "struck");
            d.annotations.events.push(Event::new(
                "E1",
                "Conflict:Attack",
                vec![t],
                "struck",
                vec![
                    Argument {
                        role: "Attacker".into(),
                        target: "T1".into(),
                    },
                    Argument {
                        role: "Target".into(),
                        target: "T2".into(),
                    },
                    Argument {
                        role: "Instrument".into(),
                        target: "T3".into(),
                    },
                ],
            ));
            d
        })
        .collect()
}

#[test]
fn the_argument_ranker_offers_the_best_candidate_for_each_empty_role() {
    let model = train(&attack_corpus());
    let text = "Rebels struck Dnipro with drones on Monday.";
    let mut d = doc(
        text,
        &[("Rebels", "ORG"), ("Dnipro", "GPE"), ("drones", "WEA")],
    );
    d.annotations.events.push(Event::new(
        "E1",
        "Conflict:Attack",
        vec![cp(text, "struck")],
        "struck",
        vec![Argument {
            role: "Attacker".into(),
            target: "T1".into(),
        }],
    ));
    let shown = visible(
        model.arguments.suggest(text, &d.annotations),
        &d.annotations,
        &Rejections::default(),
        0.0,
    );
    let roles: Vec<(&str, &str)> = shown
        .iter()
        .map(|s| match &s.proposal {
            Proposal::Argument { role, target, .. } => (role.as_str(), target.as_str()),
            _ => panic!("only arguments"),
        })
        .collect();
    assert_eq!(roles, [("Target", "T2"), ("Instrument", "T3")]);
    let mut history = History::default();
    let all: Vec<&Suggestion> = shown.iter().collect();
    let edit = accept_edit(&d.annotations, &all).unwrap();
    history.apply(&mut d.annotations, text, edit).unwrap();
    assert_eq!(d.annotations.events[0].arguments.len(), 3);
    history.undo(&mut d.annotations, text).unwrap();
    assert_eq!(d.annotations.events[0].arguments.len(), 1);
}

#[test]
fn evaluation_counts_exact_span_and_type_on_held_out_documents() {
    let model = train(&toy_corpus());
    let held = doc(
        "Officials in Zhytomyr said so. The weather in Kyiv was cold.",
        &[("Zhytomyr", "GPE"), ("weather", "MISC")],
    );
    let q = evaluate(&model, &[Sample::from(&held)], 0.0);
    let gpe = q.rows[&(Measured::All, Layer::Mention, "GPE".to_owned())];
    // Zhytomyr right; Kyiv (matched, not gold here) wrong; the MISC never proposed.
    assert_eq!((gpe.tp, gpe.fp, gpe.fn_), (1, 1, 0), "{}", q.table());
    assert_eq!(gpe.precision(), 0.5);
    assert_eq!(gpe.recall(), 1.0);
    assert!((gpe.f1() - 2.0 / 3.0).abs() < 1e-9);
    let misc = q.rows[&(Measured::All, Layer::Mention, "MISC".to_owned())];
    assert_eq!((misc.tp, misc.fn_), (0, 1));
}

#[test]
fn suggestions_never_appear_in_any_export() {
    let text = "Officials in Kyiv said so. Later Kyiv was quiet.";
    let mut d = doc(text, &[("Kyiv", "GPE")]);
    d.meta.title = "kyiv".into();
    let model = train(&[d.clone()]);
    let shown = visible(
        model.suggest(text, &d.annotations),
        &d.annotations,
        &Rejections::default(),
        0.0,
    );
    assert!(!shown.is_empty());
    let schema = Schema::ace2005();
    let exports = |doc: &Document| -> Vec<Vec<format::OutFile>> {
        Format::ALL
            .iter()
            .map(|f| format::export(*f, std::slice::from_ref(doc), &schema).files)
            .collect()
    };
    let plain = exports(&d);
    // Suggestions live beside the document: its exports do not change...
    assert_eq!(exports(&d), plain);
    for files in &plain {
        for f in files {
            let body = String::from_utf8_lossy(&f.bytes);
            assert!(!body.contains("suggested"), "{}: {body}", f.name);
        }
    }
    // ...until one is accepted, when every format shows the new annotation.
    let mut accepted = d.clone();
    let edit = accept_edit(&accepted.annotations, &[&shown[0]]).unwrap();
    edit.apply(&mut accepted.annotations, text).unwrap();
    for (before, after) in plain.iter().zip(exports(&accepted)) {
        assert_ne!(before, &after);
    }
}

#[test]
fn the_prediction_file_marks_every_prediction_and_is_read_back_only_as_suggestions() {
    let docs = attack_corpus();
    let model = train(&docs);
    let text = "Rebels struck Kyiv with drones on Monday.";
    let target = Document::new("new", text);
    let p = predict(&model, target, 0.0, Some(&Schema::ace2005()));
    let json = to_prediction_json(std::slice::from_ref(&p), "loupe suggest", None);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let doc0 = &value["documents"][0];
    let mentions = doc0["mentions"].as_array().unwrap();
    assert!(!mentions.is_empty());
    for m in mentions {
        let s = &m["suggested"];
        assert!(s["source"].is_string() && s["score"].is_number(), "{m}");
    }
    let events = doc0["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{json}");
    assert_eq!(events[0]["type"], "Conflict:Attack");
    let args = events[0]["arguments"].as_array().unwrap();
    assert!(
        args.iter()
            .all(|a| a["suggested"]["source"] == "argument-ranker"),
        "{args:?}"
    );
    assert_eq!(args.len(), 3, "{args:?}");
    // The same file is valid loupe/1 for the project's schema...
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../schemas/loupe-1.schema.json")).unwrap();
    let errors = crate::core::format::json_schema::check(&schema, &value);
    assert!(errors.is_empty(), "{errors:?}");
    // ...but an import of annotations refuses it, naming why.
    let input = [InputFile::new("pred.json", json.clone())];
    match format::import(Format::Loupe, &input, Default::default()) {
        Err(ImportError::Malformed { message, .. }) => {
            assert!(message.contains("prediction file"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Read as suggestions: nothing is an annotation, sources and scores are kept.
    let read = read_suggestions(Format::Loupe, &input).unwrap();
    let pre = &read.documents[0];
    assert!(pre.document.annotations.is_empty());
    let kyiv = pre
        .suggestions
        .iter()
        .find(|s| s.span() == cp(text, "Kyiv"))
        .unwrap();
    assert_eq!(kyiv.label(), "GPE");
    assert!(kyiv.score.is_some());
    // The file is the source, with the recommender it names.
    assert!(
        matches!(&kyiv.source, Source::Imported(s) if s == "pred.json (string-matcher)" || s == "pred.json (tagger)"),
        "{}",
        kyiv.source
    );
    assert!(
        read.notes
            .iter()
            .any(|n| n.starts_with("3 event arguments")),
        "{:?}",
        read.notes
    );
}

#[test]
fn other_formats_import_as_unscored_suggestions() {
    let text = "Sony sold Kyiv.";
    let files = [
        InputFile::new("a.txt", text),
        InputFile::new("a.ann", "T1\tORG 0 4\tSony\nT2\tGPE 10 14\tKyiv\n"),
    ];
    let read = read_suggestions(Format::Brat, &files).unwrap();
    let s = &read.documents[0].suggestions;
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].source, Source::Imported("a.ann".into()));
    assert_eq!(s[0].score, None);
    assert_eq!(s[0].describe(), "import:a.ann, no score");
    assert!(read.documents[0].document.annotations.is_empty());
}

#[test]
fn suggestions_serialise_for_storage() {
    let s = Suggestion {
        proposal: Proposal::Mention {
            span: Span::new(1, 5),
            kind: "GPE".into(),
        },
        text: "Kyiv".into(),
        source: Source::Imported("spacy".into()),
        score: Some(0.5),
    };
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(
        json,
        r#"{"layer":"mention","span":[1,5],"type":"GPE","text":"Kyiv","source":"import:spacy","score":0.5}"#
    );
    assert_eq!(serde_json::from_str::<Suggestion>(&json).unwrap(), s);
}

#[test]
fn a_role_the_corpus_fills_twice_is_offered_twice() {
    let docs: Vec<Document> = [("Ana", "Ben"), ("Cy", "Di"), ("Ed", "Flo"), ("Gus", "Hal")]
        .iter()
        .map(|(a, b)| {
            let text = format!("{a} met {b} in Kyiv on Monday.");
            let mut d = doc(&text, &[(a, "PER"), (b, "PER"), ("Kyiv", "GPE")]);
            d.annotations.events.push(Event::new(
                "E1",
                "Contact:Meet",
                vec![cp(&text, "met")],
                "met",
                vec![
                    Argument {
                        role: "Entity".into(),
                        target: "T1".into(),
                    },
                    Argument {
                        role: "Entity".into(),
                        target: "T2".into(),
                    },
                    Argument {
                        role: "Place".into(),
                        target: "T3".into(),
                    },
                ],
            ));
            d
        })
        .collect();
    let model = train(&docs);
    let text = "Ivo met Jan in Kyiv on Monday.";
    let mut d = doc(text, &[("Ivo", "PER"), ("Jan", "PER"), ("Kyiv", "GPE")]);
    d.annotations.events.push(Event::new(
        "E1",
        "Contact:Meet",
        vec![cp(text, "met")],
        "met",
        vec![],
    ));
    let shown = visible(
        model.arguments.suggest(text, &d.annotations),
        &d.annotations,
        &Rejections::default(),
        0.0,
    );
    let mut got: Vec<(String, String)> = shown
        .iter()
        .map(|s| match &s.proposal {
            Proposal::Argument { role, target, .. } => (role.clone(), target.clone()),
            _ => panic!("only arguments"),
        })
        .collect();
    got.sort();
    let want = [("Entity", "T1"), ("Entity", "T2"), ("Place", "T3")];
    assert_eq!(
        got,
        want.map(|(r, t)| (r.to_owned(), t.to_owned())),
        "{shown:?}"
    );
    // With one Entity accepted, the other is still offered.
    let first = shown.iter().find(|s| s.span() == cp(text, "Ivo")).unwrap();
    accept_edit(&d.annotations, &[first])
        .unwrap()
        .apply(&mut d.annotations, text)
        .unwrap();
    let left = visible(
        model.arguments.suggest(text, &d.annotations),
        &d.annotations,
        &Rejections::default(),
        0.0,
    );
    assert!(left.iter().any(|s| s.span() == cp(text, "Jan")), "{left:?}");
    assert!(
        !left.iter().any(|s| s.span() == cp(text, "Ivo")),
        "{left:?}"
    );
}

#[test]
fn the_arguments_of_one_event_are_ranked_from_its_lines_as_from_the_whole_document() {
    let corpus = synthetic::Generator::new(21, 80).corpus(40, 3_000, 20);
    let model = train(&corpus);
    let mut held = synthetic::Generator::new(22, 80).document("held", 30_000, 200);
    // Take the arguments away, so every role is empty and offered.
    for e in &mut held.annotations.events {
        e.arguments.clear();
    }
    assert!(held.text.matches('\n').count() > 10);
    let all = model.arguments.suggest(&held.text, &held.annotations);
    assert!(all.len() > 20, "{}", all.len());
    for e in &held.annotations.events {
        let want: Vec<&Suggestion> = all
            .iter()
            .filter(|s| matches!(&s.proposal, Proposal::Argument { event, .. } if event == &e.id))
            .collect();
        let got = model
            .arguments
            .suggest_for(&held.text, &held.annotations, &e.id);
        assert_eq!(got.iter().collect::<Vec<_>>(), want, "event {}", e.id);
    }
}
