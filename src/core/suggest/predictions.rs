//! Prediction files: suggestions written out, and a model's output read in as suggestions.
//!
//! **A prediction file is not an export.** `loupe suggest` writes one: loupe/1 in which
//! every predicted annotation carries `"suggested": {"source": …, "score": …}` (the
//! document's own annotations, if it had any, carry none). No export of the app or of
//! `loupe convert` ever writes `suggested`, and importing a prediction file as annotations
//! is refused with a message; it is read only through [`read_suggestions`], which turns
//! every annotation in it into a suggestion.
//!
//! Other formats (brat, doccano, W3C, Label Studio predictions, spaCy JSON) come in the
//! same way, each suggestion with the source `import:FILE` (see [`super::imports`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{accept_edit, Proposal, Recommenders, Source, Suggestion};
use crate::core::edit::Edit;
use crate::core::format::loupe::{suggested_marks, DocumentMarks, SuggestedMark, FORMAT};
use crate::core::format::{self, Format, ImportError, InputFile};
use crate::core::model::{
    Annotations, Argument, AttrValue, Document, DocumentMeta, Entity, Id, Mention, Relation, Span,
};
use crate::core::schema::Schema;

/// A document and the suggestions to write beside its annotations.
#[derive(Debug, Clone)]
pub struct Predicted {
    pub document: Document,
    pub suggestions: Vec<Suggestion>,
}

fn mark(s: &Suggestion) -> SuggestedMark {
    SuggestedMark {
        source: s.source.to_string(),
        score: s.score,
    }
}

/// The document with its suggestions made annotations (as accepting all of them would),
/// and the mark of each annotation that came from a suggestion.
pub fn materialize(p: &Predicted) -> (Annotations, DocumentMarks) {
    let mut ann = p.document.annotations.clone();
    let mut marks = DocumentMarks::default();
    // One suggestion at a time, so a bad one (an argument whose event is gone) is skipped
    // rather than failing the rest.
    for s in &p.suggestions {
        let Ok(edit) = accept_edit(&ann, &[s]) else {
            continue;
        };
        let id = match &edit {
            Edit::InsertMention { mention, .. } => (Some(mention.id.clone()), None),
            Edit::InsertEvent { event, .. } => (None, Some(event.id.clone())),
            _ => (None, None),
        };
        let arg = match (&edit, &s.proposal) {
            (Edit::InsertArgument { event, index, .. }, Proposal::Argument { .. }) => {
                Some((event.clone(), *index))
            }
            _ => None,
        };
        if edit.apply(&mut ann, &p.document.text).is_err() {
            continue;
        }
        match (id, arg) {
            ((Some(m), _), _) => {
                marks.mentions.insert(m, mark(s));
            }
            ((_, Some(e)), _) => {
                marks.events.insert(e, mark(s));
            }
            (_, Some(key)) => {
                marks.arguments.insert(key, mark(s));
            }
            _ => {}
        }
    }
    (ann, marks)
}

/// Predict for `document`: spans and triggers from the matcher and the tagger, then the
/// arguments of every event (its own and the predicted ones) among every mention. Only
/// suggestions scored at least `min_score`, and with a `schema` only those it allows,
/// are kept.
pub fn predict(
    model: &Recommenders,
    document: Document,
    min_score: f64,
    schema: Option<&Schema>,
) -> Predicted {
    let none = super::Rejections::default();
    let spans = super::visible(
        model.suggest(&document.text, &Annotations::default()),
        &document.annotations,
        &none,
        min_score,
    )
    .into_iter()
    .filter(|s| s.layer() != super::Layer::Argument && fits(schema, &document.annotations, s))
    .collect();
    let mut p = Predicted {
        document,
        suggestions: spans,
    };
    let (with_spans, _) = materialize(&p);
    let args = super::visible(
        model.arguments.suggest(&p.document.text, &with_spans),
        &with_spans,
        &none,
        min_score,
    );
    p.suggestions
        .extend(args.into_iter().filter(|s| fits(schema, &with_spans, s)));
    p
}

/// Whether `schema` (if any) allows the suggestion: a known type, or a role the event type
/// has with a target type it accepts.
pub fn fits(schema: Option<&Schema>, ann: &Annotations, s: &Suggestion) -> bool {
    let Some(schema) = schema else {
        return true;
    };
    match &s.proposal {
        Proposal::Mention { kind, .. } => schema.entity_type(kind).is_some(),
        Proposal::Event { kind, .. } => schema.event_type(kind).is_some(),
        Proposal::Argument {
            event,
            role,
            target,
            ..
        } => {
            let (Some(e), Some(m)) = (ann.event(event), ann.mention(target)) else {
                return false;
            };
            schema
                .event_type(&e.kind)
                .and_then(|t| t.role(role))
                .is_some_and(|r| schema.type_allowed(&r.types, &m.kind, false))
        }
    }
}

#[derive(Serialize)]
struct MentionOut<'a> {
    #[serde(flatten)]
    mention: &'a Mention,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested: Option<&'a SuggestedMark>,
}

#[derive(Serialize)]
struct ArgumentOut<'a> {
    #[serde(flatten)]
    argument: &'a Argument,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested: Option<&'a SuggestedMark>,
}

/// An event as [`Event`] serialises, plus its mark and its arguments' marks.
#[derive(Serialize)]
struct EventOut<'a> {
    id: &'a Id,
    #[serde(rename = "type")]
    kind: &'a str,
    trigger: &'a [Span],
    trigger_text: &'a str,
    arguments: Vec<ArgumentOut<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attributes: &'a BTreeMap<String, AttrValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coref: &'a Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested: Option<&'a SuggestedMark>,
}

#[derive(Serialize)]
struct DocOut<'a> {
    #[serde(flatten)]
    meta: &'a DocumentMeta,
    text: &'a str,
    mentions: Vec<MentionOut<'a>>,
    entities: &'a [Entity],
    events: Vec<EventOut<'a>>,
    relations: &'a [Relation],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: &'a BTreeMap<String, Vec<String>>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'a str,
    format_version: u32,
    annotator: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<&'a Schema>,
    documents: Vec<DocOut<'a>>,
}

/// The prediction file for `predicted`, as loupe/1 with `suggested` marks.
pub fn to_prediction_json(
    predicted: &[Predicted],
    annotator: &str,
    schema: Option<&Schema>,
) -> String {
    let built: Vec<(Annotations, DocumentMarks)> = predicted.iter().map(materialize).collect();
    let documents = predicted
        .iter()
        .zip(&built)
        .map(|(p, (ann, marks))| DocOut {
            meta: &p.document.meta,
            text: &p.document.text,
            mentions: ann
                .mentions
                .iter()
                .map(|m| MentionOut {
                    mention: m,
                    suggested: marks.mentions.get(&m.id),
                })
                .collect(),
            entities: &ann.entities,
            events: ann
                .events
                .iter()
                .map(|e| EventOut {
                    id: &e.id,
                    kind: &e.kind,
                    trigger: &e.trigger,
                    trigger_text: &e.trigger_text,
                    arguments: e
                        .arguments
                        .iter()
                        .enumerate()
                        .map(|(i, a)| ArgumentOut {
                            argument: a,
                            suggested: marks.arguments.get(&(e.id.clone(), i)),
                        })
                        .collect(),
                    attributes: &e.attributes,
                    note: &e.note,
                    coref: &e.coref,
                    suggested: marks.events.get(&e.id),
                })
                .collect(),
            relations: &ann.relations,
            labels: &ann.labels,
        })
        .collect();
    let file = FileOut {
        format: FORMAT,
        format_version: 1,
        annotator,
        schema,
        documents,
    };
    let mut json = serde_json::to_string_pretty(&file).expect("the model always serialises");
    json.push('\n');
    json
}

/// A document of a file read as suggestions: its metadata and text (to find the corpus
/// document it belongs to, by checksum) and the suggestions, its annotations left empty.
#[derive(Debug, Clone)]
pub struct PreAnnotated {
    pub document: Document,
    pub suggestions: Vec<Suggestion>,
}

/// What reading suggestions from files gave, and what it could not carry.
#[derive(Debug, Clone, Default)]
pub struct ReadSuggestions {
    pub documents: Vec<PreAnnotated>,
    /// What was left out, with counts ("3 arguments: …").
    pub notes: Vec<String>,
}

/// Every annotation of `doc` as a suggestion: those with a mark keep its source and score,
/// the rest get `default` and no score. Discontinuous spans, relations, clusters and
/// arguments cannot be suggestions here; they are counted in `notes`.
pub fn into_suggestions(
    mut doc: Document,
    marks: &DocumentMarks,
    default: &Source,
    notes: &mut BTreeMap<&'static str, usize>,
) -> PreAnnotated {
    let ann = std::mem::take(&mut doc.annotations);
    let from = |m: Option<&SuggestedMark>| match m {
        Some(m) => (Source::from(m.source.clone()), m.score),
        None => (default.clone(), None),
    };
    let mut suggestions = Vec::new();
    for m in &ann.mentions {
        let [span] = m.fragments[..] else {
            *notes.entry("discontinuous mentions").or_default() += 1;
            continue;
        };
        let (source, score) = from(marks.mentions.get(&m.id));
        suggestions.push(Suggestion {
            proposal: Proposal::Mention {
                span,
                kind: m.kind.clone(),
            },
            text: m.text.clone(),
            source,
            score,
        });
    }
    for e in &ann.events {
        *notes.entry("event arguments").or_default() += e.arguments.len();
        let [span] = e.trigger[..] else {
            *notes.entry("discontinuous triggers").or_default() += 1;
            continue;
        };
        let (source, score) = from(marks.events.get(&e.id));
        suggestions.push(Suggestion {
            proposal: Proposal::Event {
                span,
                kind: e.kind.clone(),
            },
            text: e.trigger_text.clone(),
            source,
            score,
        });
    }
    *notes.entry("relations").or_default() += ann.relations.len();
    *notes.entry("coreference clusters").or_default() += ann.entities.len();
    PreAnnotated {
        document: doc,
        suggestions,
    }
}

pub(super) fn note_lines(notes: BTreeMap<&'static str, usize>) -> Vec<String> {
    notes
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| {
            let why = match what {
                "event arguments" => "an imported event is a suggestion, and its arguments are proposed again by the argument ranker once it is accepted",
                "relations" | "coreference clusters" => "suggestions cover mentions and events only",
                _ => "a suggestion is one contiguous span",
            };
            format!("{n} {what} not taken as suggestions: {why}")
        })
        .collect()
}

/// Read a model's output as suggestions: loupe/1 (with or without `suggested` marks),
/// Label Studio predictions, spaCy JSON, or any format the importer reads (see
/// [`super::imports`]). Nothing becomes an annotation.
pub fn read_suggestions(fmt: Format, files: &[InputFile]) -> Result<ReadSuggestions, ImportError> {
    match fmt {
        Format::Loupe => read_loupe(files),
        Format::LabelStudio => super::imports::read_label_studio(files),
        Format::Spacy => super::imports::read_spacy(files),
        other => super::imports::read_other(other, files),
    }
}

/// loupe/1: a mark's recommender is kept beside the file's name.
fn read_loupe(files: &[InputFile]) -> Result<ReadSuggestions, ImportError> {
    let mut notes = BTreeMap::new();
    let mut out = ReadSuggestions::default();
    for f in files {
        let text = f.utf8()?;
        format::check_json_depth(&f.name, text)?;
        let file = format::loupe::from_json(text).map_err(|error| ImportError::Loupe {
            file: f.name.clone(),
            error,
        })?;
        let name = f.base_name();
        let mut marks = suggested_marks(text);
        for m in &mut marks {
            for mark in m
                .mentions
                .values_mut()
                .chain(m.events.values_mut())
                .chain(m.arguments.values_mut())
            {
                mark.source = format!("import:{name} ({})", mark.source);
            }
        }
        let source = Source::Imported(name.to_owned());
        for (i, doc) in file.documents.into_iter().enumerate() {
            let m = marks.get(i).cloned().unwrap_or_default();
            out.documents
                .push(into_suggestions(doc, &m, &source, &mut notes));
        }
    }
    out.notes.extend(note_lines(notes));
    Ok(out)
}
