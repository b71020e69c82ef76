//! OneIE / ACE05-E+ JSON lines: one sentence per line, with its tokens, entity mentions,
//! relation mentions and event mentions, every span as token indices (end exclusive).
//! Tokens and sentences follow [`crate::core::tokens::annotated`]. `doc_id` is the
//! document's name (its title made safe for a file name, as brat's and W3C's files are
//! named), and `sent_id` is `doc_id-n`.
//!
//! - `pieces` and `token_lens`, which OneIE's loader requires, are the WordPiece pieces of
//!   each token and how many each token has, from the vocabulary the user gives (see
//!   [`super::wordpiece`]); without one they are left out and the report says so.
//! - An entity mention's `mention_type` is its `MentionType` attribute (NAM, NOM or PRO).
//!   Without one it is inferred from the words (PRO for a pronoun, NAM for a capitalised
//!   word, NOM otherwise) and the report counts the inferred ones.
//! - A discontinuous mention or trigger cannot be written; an event keeps the arguments
//!   in its own sentence and the report counts the rest.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::core::model::{AttrValue, Document, Mention, Span};
use crate::core::tokens::annotated;

use super::wordpiece::WordPiece;
use super::{file_stem, ExportReport};

#[derive(Serialize)]
struct EntityMention<'a> {
    id: String,
    text: &'a str,
    entity_type: &'a str,
    mention_type: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct Arg<'a> {
    entity_id: String,
    text: &'a str,
    role: &'a str,
}

#[derive(Serialize)]
struct RelationMention<'a> {
    id: String,
    relation_type: &'a str,
    arguments: [Arg<'a>; 2],
}

#[derive(Serialize)]
struct Trigger<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct EventMention<'a> {
    id: String,
    event_type: &'a str,
    trigger: Trigger<'a>,
    arguments: Vec<Arg<'a>>,
}

#[derive(Serialize)]
struct SentenceLine<'a> {
    doc_id: &'a str,
    sent_id: String,
    tokens: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pieces: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_lens: Option<Vec<usize>>,
    sentence: &'a str,
    entity_mentions: Vec<EntityMention<'a>>,
    relation_mentions: Vec<RelationMention<'a>>,
    event_mentions: Vec<EventMention<'a>>,
}

/// Words that make a mention a pronoun (PRO) when it has no MentionType attribute.
const PRONOUNS: &[&str] = &[
    "i",
    "me",
    "my",
    "mine",
    "myself",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "who",
    "whom",
    "whose",
    "which",
    "that",
    "this",
    "these",
    "those",
];

/// The mention type: the MentionType attribute, or a guess from the words (and whether
/// it was guessed).
fn mention_type(m: &Mention) -> (&str, bool) {
    if let Some(AttrValue::Value(v)) = m.attributes.get("MentionType") {
        return (v.as_str(), false);
    }
    let text = m.text.trim();
    let guess = if PRONOUNS.contains(&text.to_lowercase().as_str()) {
        "PRO"
    } else if text.chars().next().is_some_and(char::is_uppercase) {
        "NAM"
    } else {
        "NOM"
    };
    (guess, true)
}

/// Export as OneIE JSON lines; `vocab` gives the WordPiece pieces.
pub fn export(
    documents: &[Document],
    vocab: Option<&WordPiece>,
    report: &mut ExportReport,
) -> String {
    let mut out = String::new();
    let mut used = BTreeSet::new();
    for doc in documents {
        let doc_id = file_stem(doc, &mut used);
        for line in document_lines(doc, &doc_id, vocab, report) {
            out.push_str(&serde_json::to_string(&line).expect("a OneIE line always serialises"));
            out.push('\n');
        }
    }
    out
}

fn document_lines<'a>(
    doc: &'a Document,
    doc_id: &'a str,
    vocab: Option<&WordPiece>,
    report: &mut ExportReport,
) -> Vec<SentenceLine<'a>> {
    let text = doc.text.as_str();
    let ann = &doc.annotations;
    let toks = annotated(text, ann);
    // Where each annotation sits: (sentence, first token, end token) within its sentence.
    let place = |frags: &[Span]| {
        let [f] = frags else { return None };
        toks.range(f.start, f.end).map(|r| toks.in_sentence(r))
    };
    let mut lines: Vec<SentenceLine> = toks
        .sentences
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let tokens: Vec<&str> = toks.tokens[s.first_token..s.end_token]
                .iter()
                .map(|t| t.text(text))
                .collect();
            let pieces = vocab.map(|v| tokens.iter().map(|t| v.pieces(t)).collect::<Vec<_>>());
            SentenceLine {
                doc_id,
                sent_id: format!("{doc_id}-{n}"),
                token_lens: pieces.as_ref().map(|p| p.iter().map(Vec::len).collect()),
                pieces: pieces.map(|p| p.into_iter().flatten().collect()),
                tokens,
                sentence: crate::core::offsets::slice_cp(text, s.start, s.end).unwrap_or(""),
                entity_mentions: vec![],
                relation_mentions: vec![],
                event_mentions: vec![],
            }
        })
        .collect();
    if vocab.is_none() {
        report.drop(
            "pieces and token_lens of sentences",
            "no WordPiece vocabulary was given (--wordpiece-vocab vocab.txt, or the vocabulary in the export dialog), and OneIE's loader needs them",
            lines.len(),
        );
    }
    let mut sentence_of_mention = HashMap::new();
    let mut inferred = 0;
    for m in &ann.mentions {
        let Some((s, a, b)) = place(&m.fragments) else {
            report.drop("discontinuous mentions", "OneIE spans are contiguous", 1);
            continue;
        };
        let (mention_type, guessed) = mention_type(m);
        inferred += usize::from(guessed);
        sentence_of_mention.insert(m.id.as_str(), s);
        let id = format!("{}-{}", lines[s].sent_id, m.id);
        lines[s].entity_mentions.push(EntityMention {
            id,
            text: &m.text,
            entity_type: &m.kind,
            mention_type,
            start: a,
            end: b,
        });
    }
    report.note(
        "mention types inferred (PRO for a pronoun, NAM for a capitalised word, NOM otherwise)",
        "those mentions have no MentionType attribute",
        inferred,
    );
    let arg = |lines: &Vec<SentenceLine>, s: usize, id: &str, role: &'a str| Arg {
        entity_id: format!("{}-{id}", lines[s].sent_id),
        text: ann.mention(id).map_or("", |m| m.text.as_str()),
        role,
    };
    for r in &ann.relations {
        let (s1, s2) = (
            sentence_of_mention.get(r.arg1.as_str()),
            sentence_of_mention.get(r.arg2.as_str()),
        );
        match (s1, s2) {
            (Some(&s), Some(&s2)) if s == s2 => {
                let arguments = [
                    arg(&lines, s, &r.arg1, "Arg-1"),
                    arg(&lines, s, &r.arg2, "Arg-2"),
                ];
                let id = format!("{}-{}", lines[s].sent_id, r.id);
                lines[s].relation_mentions.push(RelationMention {
                    id,
                    relation_type: &r.kind,
                    arguments,
                });
            }
            _ => report.drop(
                "relations",
                "their arguments are not written mentions of one sentence",
                1,
            ),
        }
    }
    for e in &ann.events {
        let Some((s, a, b)) = place(&e.trigger) else {
            report.drop("events", "their trigger is discontinuous", 1);
            continue;
        };
        let mut arguments = Vec::new();
        for a in &e.arguments {
            if sentence_of_mention.get(a.target.as_str()) == Some(&s) {
                arguments.push(arg(&lines, s, &a.target, &a.role));
            } else {
                report.drop(
                    "event arguments",
                    "they are not written mentions in the trigger's sentence",
                    1,
                );
            }
        }
        let id = format!("{}-{}", lines[s].sent_id, e.id);
        lines[s].event_mentions.push(EventMention {
            id,
            event_type: &e.kind,
            trigger: Trigger {
                text: &e.trigger_text,
                start: a,
                end: b,
            },
            arguments,
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use serde_json::Value;

    const GOLDEN: &str = include_str!("../../../tests/fixtures/formats/strike.oneie.json");

    #[test]
    fn golden_file_with_token_indices_and_the_report() {
        let mut report = ExportReport::default();
        assert_eq!(export(&[fixtures::document()], None, &mut report), GOLDEN);
        assert_eq!(
            report.lines(),
            [
                "1 discontinuous mentions dropped: OneIE spans are contiguous",
                "2 pieces and token_lens of sentences dropped: no WordPiece vocabulary was given (--wordpiece-vocab vocab.txt, or the vocabulary in the export dialog), and OneIE's loader needs them",
                "5 mention types inferred (PRO for a pronoun, NAM for a capitalised word, NOM otherwise): those mentions have no MentionType attribute",
            ]
        );
    }

    #[test]
    fn no_mention_of_news_text_is_dropped_and_pieces_come_from_the_vocabulary() {
        let doc = crate::core::format::conll::tests::news();
        let vocab = WordPiece::from_vocab(
            "[UNK]\nVladimir\nPut\n##in\n’\n'\ns\nUkraine\n-\nbased\nKy\n##iv\n##an\nn\n##t\ndid\n",
        )
        .unwrap();
        let mut report = ExportReport::default();
        let out = export(std::slice::from_ref(&doc), Some(&vocab), &mut report);
        assert!(
            report.lines().iter().all(|l| !l.contains("dropped")),
            "{:?}",
            report.lines()
        );
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let written: usize = lines
            .iter()
            .map(|l| l["entity_mentions"].as_array().unwrap().len())
            .sum();
        assert_eq!(written, doc.annotations.mentions.len());
        let first = &lines[0];
        assert_eq!(first["doc_id"], "news");
        assert_eq!(first["sent_id"], "news-0");
        let toks = first["tokens"].as_array().unwrap();
        let lens = first["token_lens"].as_array().unwrap();
        assert_eq!(toks.len(), lens.len());
        assert_eq!(toks[..3], ["Vladimir", "Putin", "’s"]);
        assert_eq!(lens[..3], [1, 2, 2]);
        let pieces = first["pieces"].as_array().unwrap();
        assert_eq!(pieces[..5], ["Vladimir", "Put", "##in", "’", "s"]);
        let total: u64 = lens.iter().map(|n| n.as_u64().unwrap()).sum();
        assert_eq!(total as usize, pieces.len());
    }

    #[test]
    fn mention_types_come_from_the_attribute_or_are_inferred_and_counted() {
        let text = "He said the army left Kyiv.";
        let mut doc = Document::new("x", text);
        let mut army = Mention::new("T2", "ORG", vec![Span::new(8, 16)], "the army");
        army.attributes
            .insert("MentionType".into(), AttrValue::Value("NOM".into()));
        doc.annotations.mentions = vec![
            Mention::new("T1", "PER", vec![Span::new(0, 2)], "He"),
            army,
            Mention::new("T3", "GPE", vec![Span::new(22, 26)], "Kyiv"),
        ];
        let mut report = ExportReport::default();
        let out = export(&[doc], None, &mut report);
        let v: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        let types: Vec<&str> = v["entity_mentions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["mention_type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["PRO", "NOM", "NAM"]);
        assert!(report
            .lines()
            .iter()
            .any(|l| l.starts_with("2 mention types inferred")));
    }

    #[test]
    fn token_indices_point_at_the_quoted_tokens() {
        for line in GOLDEN.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let toks: Vec<&str> = v["tokens"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            let spans = v["entity_mentions"].as_array().unwrap().iter().chain(
                v["event_mentions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| &e["trigger"]),
            );
            for m in spans {
                let (s, e) = (
                    m["start"].as_u64().unwrap() as usize,
                    m["end"].as_u64().unwrap() as usize,
                );
                let joined = toks[s..e].join(" ");
                let quoted = m["text"].as_str().unwrap();
                assert_eq!(joined.replace(' ', ""), quoted.replace(' ', ""));
            }
        }
    }

    #[test]
    fn arguments_in_another_sentence_are_dropped_and_reported() {
        let mut doc = Document::new("x", "Russia fired. Kyiv was hit.");
        doc.annotations.mentions = vec![
            fixtures::mention("T1", "GPE", &[(0, 6)]),
            fixtures::mention("T2", "GPE", &[(14, 18)]),
        ];
        for m in &mut doc.annotations.mentions {
            m.text = crate::core::model::fragments_text(&doc.text, &m.fragments).unwrap();
        }
        doc.annotations.events = vec![crate::core::model::Event::new(
            "E1",
            "Conflict:Attack",
            vec![crate::core::model::Span::new(7, 12)],
            "fired",
            vec![
                fixtures::arg("Attacker", "T1"),
                fixtures::arg("Target", "T2"),
            ],
        )];
        let mut report = ExportReport::default();
        let out = export(&[doc], None, &mut report);
        let first: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        assert_eq!(
            first["event_mentions"][0]["arguments"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(report.dropped("event arguments"), 1);
    }
}
