//! OneIE / ACE05-E+ JSON lines: one sentence per line, with its tokens, entity mentions,
//! relation mentions and event mentions, every span as token indices (end exclusive).
//! Tokens and sentences follow [`crate::core::tokens`].
//!
//! An entity mention's `mention_type` is its `MentionType` attribute (NAM, NOM or PRO);
//! a mention without one is written as NAM and counted in the report. A mention, trigger
//! or relation that does not align to tokens or lies across sentences is dropped; an
//! event keeps the arguments in its own sentence and the report counts the rest.

use serde::Serialize;

use crate::core::model::Document;
use crate::core::tokens::{sentences_with, token_range, tokens};

use super::ExportReport;

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
    sentence: &'a str,
    entity_mentions: Vec<EntityMention<'a>>,
    relation_mentions: Vec<RelationMention<'a>>,
    event_mentions: Vec<EventMention<'a>>,
}

pub fn export(documents: &[Document], report: &mut ExportReport) -> String {
    let mut out = String::new();
    for doc in documents {
        let text = doc.text.as_str();
        let ann = &doc.annotations;
        let toks = tokens(text);
        let sents = sentences_with(text, &toks);
        let mut sentence_of = vec![0; toks.len()];
        for (n, s) in sents.iter().enumerate() {
            sentence_of[s.first_token..s.end_token].fill(n);
        }
        // Where each annotation sits: (sentence, first token, end token), or None.
        let place = |frags: &[crate::core::model::Span]| {
            let [f] = frags else { return None };
            let (a, b) = token_range(&toks, f.start, f.end)?;
            (sentence_of[a] == sentence_of[b - 1]).then(|| (sentence_of[a], a, b))
        };
        let mut lines: Vec<SentenceLine> = sents
            .iter()
            .enumerate()
            .map(|(n, s)| SentenceLine {
                doc_id: &doc.meta.id,
                sent_id: format!("{}-{n}", doc.meta.id),
                tokens: toks[s.first_token..s.end_token]
                    .iter()
                    .map(|t| t.text(text))
                    .collect(),
                sentence: crate::core::offsets::slice_cp(text, s.start, s.end).unwrap_or(""),
                entity_mentions: vec![],
                relation_mentions: vec![],
                event_mentions: vec![],
            })
            .collect();
        let mut sentence_of_mention = std::collections::HashMap::new();
        for m in &ann.mentions {
            let Some((s, a, b)) = place(&m.fragments) else {
                report.drop(
                    "mentions",
                    "they are discontinuous or do not align to the tokens of one sentence",
                    1,
                );
                continue;
            };
            let mention_type = match m.attributes.get("MentionType") {
                Some(crate::core::model::AttrValue::Value(v)) => v.as_str(),
                _ => {
                    report.drop(
                        "mention types",
                        "mentions without a MentionType attribute are written as NAM",
                        1,
                    );
                    "NAM"
                }
            };
            sentence_of_mention.insert(m.id.as_str(), s);
            let first = sents[s].first_token;
            let id = format!("{}-{}", lines[s].sent_id, m.id);
            lines[s].entity_mentions.push(EntityMention {
                id,
                text: &m.text,
                entity_type: &m.kind,
                mention_type,
                start: a - first,
                end: b - first,
            });
        }
        let arg = |lines: &Vec<SentenceLine>, s: usize, id: &str, role: &'static str| Arg {
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
                report.drop(
                    "events",
                    "their trigger is discontinuous or does not align to tokens",
                    1,
                );
                continue;
            };
            let mut arguments = Vec::new();
            for a in &e.arguments {
                if sentence_of_mention.get(a.target.as_str()) == Some(&s) {
                    arguments.push(Arg {
                        entity_id: format!("{}-{}", lines[s].sent_id, a.target),
                        text: ann.mention(&a.target).map_or("", |m| m.text.as_str()),
                        role: &a.role,
                    });
                } else {
                    report.drop(
                        "event arguments",
                        "they are not written mentions in the trigger's sentence",
                        1,
                    );
                }
            }
            let first = sents[s].first_token;
            let id = format!("{}-{}", lines[s].sent_id, e.id);
            lines[s].event_mentions.push(EventMention {
                id,
                event_type: &e.kind,
                trigger: Trigger {
                    text: &e.trigger_text,
                    start: a - first,
                    end: b - first,
                },
                arguments,
            });
        }
        for line in lines {
            out.push_str(&serde_json::to_string(&line).expect("a OneIE line always serialises"));
            out.push('\n');
        }
    }
    out
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
        assert_eq!(export(&[fixtures::document()], &mut report), GOLDEN);
        assert_eq!(
            report.lines(),
            [
                "5 mention types dropped: mentions without a MentionType attribute are written as NAM",
                "1 mentions dropped: they are discontinuous or do not align to the tokens of one sentence",
            ]
        );
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
        let out = export(&[doc], &mut report);
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
