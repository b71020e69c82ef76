//! Pre-annotations in: a model's output read as suggestions, never as annotations, and
//! matched to the corpus's documents by their text.
//!
//! The formats: loupe/1 (with `loupe suggest`'s `suggested` marks, or without), Label
//! Studio tasks (their `predictions`, with the prediction's `score` and each region's
//! own `score`; a file with no predictions gives its annotations), spaCy's
//! `Doc.to_json` (its `ents` and `spans` groups, the `triggers` group as event
//! triggers, with a `score` where a span has one), and every other format the importer
//! reads (brat, doccano, W3C), unscored. Each suggestion's source is the file it came
//! from: `import:model.json`, or `import:out.json (tagger)` when the file names the
//! recommender.

use crate::core::sort;
use std::collections::BTreeMap;

use serde_json::Value;

use super::predictions::{into_suggestions, PreAnnotated, ReadSuggestions};
use super::{Proposal, Source, Suggestion};
use crate::core::format::labelstudio;
use crate::core::format::{self, Format, ImportError, InputFile};
use crate::core::model::{Document, DocumentMeta, Id, Span};
use crate::core::offsets::cp_len;

/// The format of files given as pre-annotations: spaCy's `Doc.to_json` (`ents` or
/// `spans` beside a `text`, not a Label Studio task) or what [`format::detect`] says.
pub fn detect(files: &[InputFile]) -> Result<Option<Format>, ImportError> {
    let spacy = files.iter().any(|f| {
        let name = f.base_name().to_ascii_lowercase();
        (name.ends_with(".json") || name.ends_with(".jsonl"))
            && f.utf8().is_ok_and(|t| {
                t.contains("\"text\"")
                    && (t.contains("\"ents\"") || t.contains("\"spans\""))
                    && !t.contains("\"format_version\"")
                    && !t.contains("\"data\"")
            })
    });
    if spacy {
        return Ok(Some(Format::Spacy));
    }
    format::detect(files)
}

/// What the files are called in a source: the one file's name, or how many there are.
pub fn files_label(files: &[InputFile]) -> String {
    let named: Vec<&str> = files
        .iter()
        .map(InputFile::base_name)
        .filter(|n| !n.ends_with(".conf") && !n.ends_with(".xml"))
        .collect();
    match named[..] {
        [one] => one.to_owned(),
        _ => {
            // brat: the .ann files carry the annotations.
            let ann: Vec<&&str> = named.iter().filter(|n| n.ends_with(".ann")).collect();
            match ann[..] {
                [one] => (*one).to_owned(),
                _ => format!("{} files", named.len()),
            }
        }
    }
}

/// The source for a document of a multi-file import: the file named like its title
/// (brat's `a.ann` for the document "a"), else the files' label.
fn source_for(files: &[InputFile], title: &str, label: &str) -> Source {
    let own = files
        .iter()
        .find(|f| f.stem() == title && !f.base_name().ends_with(".txt"))
        .map(|f| f.base_name().to_owned());
    Source::Imported(own.unwrap_or_else(|| label.to_owned()))
}

/// Every format but loupe/1, Label Studio and spaCy: through the importer, unscored.
pub fn read_other(fmt: Format, files: &[InputFile]) -> Result<ReadSuggestions, ImportError> {
    let imported = format::import(fmt, files, Default::default())?;
    let label = files_label(files);
    let mut notes = BTreeMap::new();
    let mut out = ReadSuggestions::default();
    out.notes
        .extend(imported.report.skipped.iter().map(ToString::to_string));
    for doc in imported.documents {
        let source = source_for(files, &doc.meta.title, &label);
        let marks = Default::default();
        out.documents
            .push(into_suggestions(doc, &marks, &source, &mut notes));
    }
    out.notes.extend(super::predictions::note_lines(notes));
    Ok(out)
}

/// Label Studio: every prediction of every task, scored by its region's `score`, else
/// the prediction's. Files without predictions are read for their annotations.
pub fn read_label_studio(files: &[InputFile]) -> Result<ReadSuggestions, ImportError> {
    let tasks = labelstudio::predictions(files)?;
    if tasks.iter().all(|t| t.predictions.is_empty()) {
        return read_other(Format::LabelStudio, files);
    }
    let label = files_label(files);
    let mut notes = BTreeMap::new();
    let mut out = ReadSuggestions::default();
    let mut unpredicted = 0;
    for task in tasks {
        if task.predictions.is_empty() {
            unpredicted += 1;
            continue;
        }
        let mut suggestions = Vec::new();
        for p in task.predictions {
            let source = Source::Imported(match &p.model_version {
                Some(v) => format!("{label} ({v})"),
                None => label.clone(),
            });
            let mut doc = task.document.clone();
            doc.annotations = p.annotations;
            let read = into_suggestions(doc, &Default::default(), &source, &mut notes);
            for mut s in read.suggestions {
                let key = (s.span(), s.label().to_owned());
                s.score = p.region_scores.get(&key).copied().or(p.score);
                suggestions.push(s);
            }
        }
        out.documents.push(PreAnnotated {
            document: task.document,
            suggestions,
        });
    }
    if unpredicted > 0 {
        out.notes.push(format!(
            "{unpredicted} tasks have no predictions, so they gave no suggestions"
        ));
    }
    out.notes.extend(super::predictions::note_lines(notes));
    Ok(out)
}

/// spaCy `Doc.to_json` documents: a list, one object, or JSON Lines.
pub fn read_spacy(files: &[InputFile]) -> Result<ReadSuggestions, ImportError> {
    let mut out = ReadSuggestions::default();
    let mut outside = 0;
    for f in files {
        let text = f.utf8()?;
        format::check_json_depth(&f.name, text)?;
        let malformed = |place: String, message: String| ImportError::Malformed {
            file: f.name.clone(),
            place,
            message,
        };
        let docs: Vec<Value> = match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(list)) => list,
            Ok(one @ Value::Object(_)) => vec![one],
            Ok(_) => {
                return Err(malformed(
                    "the file".into(),
                    "it is neither a spaCy document nor a list of them".into(),
                ))
            }
            // JSON Lines: one document per line.
            Err(whole) => text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(n, l)| {
                    serde_json::from_str(l).map_err(|e| {
                        let why = if n == 0 {
                            whole.to_string()
                        } else {
                            e.to_string()
                        };
                        malformed(format!("line {}", n + 1), why)
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let source = Source::Imported(f.base_name().to_owned());
        let many = docs.len() > 1;
        for (n, d) in docs.iter().enumerate() {
            let place = format!("document {}", n + 1);
            let Some(body) = d.get("text").and_then(Value::as_str) else {
                return Err(malformed(place, "it has no \"text\"".into()));
            };
            let title = match d.get("title").and_then(Value::as_str) {
                Some(t) => t.to_owned(),
                None if many => format!("{} {}", f.stem(), n + 1),
                None => f.stem().to_owned(),
            };
            let document = Document::new(&title, body);
            let (suggestions, out_of_text) =
                spacy_spans(d, body, &source).map_err(|message| malformed(place, message))?;
            outside += out_of_text;
            out.documents.push(PreAnnotated {
                document,
                suggestions,
            });
        }
    }
    if outside > 0 {
        out.notes.push(format!(
            "{outside} spans outside their text or empty were not taken as suggestions"
        ));
    }
    Ok(out)
}

/// The suggestions of one spaCy document, and how many spans fell outside its text.
fn spacy_spans(d: &Value, text: &str, source: &Source) -> Result<(Vec<Suggestion>, usize), String> {
    let len = cp_len(text);
    let chars: Vec<char> = text.chars().collect();
    let mut groups: Vec<(bool, &Value)> = Vec::new();
    if let Some(ents) = d.get("ents") {
        groups.push((false, ents));
    }
    if let Some(spans) = d.get("spans") {
        let Some(map) = spans.as_object() else {
            return Err("its \"spans\" is not an object of span groups".into());
        };
        for (name, list) in map {
            groups.push((name == "triggers", list));
        }
    }
    let mut seen: BTreeMap<(bool, Span, String), usize> = BTreeMap::new();
    let mut out: Vec<Suggestion> = Vec::new();
    let mut outside = 0;
    for (trigger, list) in groups {
        let Some(list) = list.as_array() else {
            return Err("a span group is not a list".into());
        };
        for item in list {
            let num = |k: &str| item.get(k).and_then(Value::as_u64).map(|v| v as usize);
            let (Some(start), Some(end), Some(label)) = (
                num("start"),
                num("end"),
                item.get("label").and_then(Value::as_str),
            ) else {
                return Err(format!(
                    "a span needs a whole-number \"start\" and \"end\" and a \"label\": {item}"
                ));
            };
            if start >= end || end > len {
                outside += 1;
                continue;
            }
            let span = Span::new(start, end);
            let kind = label.to_owned();
            let score = item.get("score").and_then(Value::as_f64);
            let s = Suggestion {
                proposal: if trigger {
                    Proposal::Event {
                        span,
                        kind: kind.clone(),
                    }
                } else {
                    Proposal::Mention {
                        span,
                        kind: kind.clone(),
                    }
                },
                text: chars[start..end].iter().collect(),
                source: source.clone(),
                score,
            };
            // `ents` and `spans["sc"]` often hold the same span: keep it once, scored if
            // either has a score.
            match seen.get(&(trigger, span, kind.clone())) {
                Some(&i) => {
                    if out[i].score.is_none() {
                        out[i].score = score;
                    }
                }
                None => {
                    seen.insert((trigger, span, kind), out.len());
                    out.push(s);
                }
            }
        }
    }
    Ok((out, outside))
}

/// Pre-annotations matched to a corpus.
#[derive(Debug, Clone, Default)]
pub struct SuggestionImport {
    /// Corpus documents (by id) with the suggestions read for them.
    pub matched: Vec<(Id, Vec<Suggestion>)>,
    /// Documents of the files with a text the corpus lacks: added as new documents,
    /// without annotations, with these suggestions.
    pub new_documents: Vec<PreAnnotated>,
    pub notes: Vec<String>,
}

impl SuggestionImport {
    pub fn suggestions(&self) -> usize {
        self.matched.iter().map(|(_, s)| s.len()).sum::<usize>()
            + self
                .new_documents
                .iter()
                .map(|d| d.suggestions.len())
                .sum::<usize>()
    }
}

/// Match what was read to the corpus's documents by the checksum of their text (the same
/// text, whatever the title); documents of one text are merged.
pub fn plan(read: ReadSuggestions, corpus: &[DocumentMeta]) -> SuggestionImport {
    let by_sha: BTreeMap<&str, &Id> = corpus.iter().map(|m| (m.sha256.as_str(), &m.id)).collect();
    let mut matched: BTreeMap<Id, Vec<Suggestion>> = BTreeMap::new();
    let mut fresh: BTreeMap<String, PreAnnotated> = BTreeMap::new();
    for pre in read.documents {
        match by_sha.get(pre.document.meta.sha256.as_str()) {
            Some(id) => matched
                .entry((*id).clone())
                .or_default()
                .extend(pre.suggestions),
            None => match fresh.get_mut(&pre.document.meta.sha256) {
                Some(kept) => kept.suggestions.extend(pre.suggestions),
                None => {
                    fresh.insert(pre.document.meta.sha256.clone(), pre);
                }
            },
        }
    }
    // Corpus order, so the summary reads like the document list.
    let order: BTreeMap<&Id, usize> = corpus.iter().enumerate().map(|(i, m)| (&m.id, i)).collect();
    let mut matched: Vec<(Id, Vec<Suggestion>)> = matched.into_iter().collect();
    sort::sort_by_key(&mut matched, |(id, _)| order.get(id).copied());
    SuggestionImport {
        matched,
        new_documents: fresh.into_values().collect(),
        notes: read.notes,
    }
}

/// Read pre-annotations of any supported format (`None`: detect it).
pub fn read(fmt: Option<Format>, files: &[InputFile]) -> Result<ReadSuggestions, ImportError> {
    let fmt = match fmt {
        Some(f) => f,
        None => detect(files)?.ok_or_else(|| ImportError::Unsupported {
            file: files.first().map_or_else(String::new, |f| f.name.clone()),
        })?,
    };
    super::predictions::read_suggestions(fmt, files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::suggest::Layer;

    const TEXT: &str = "Rebels shelled Kyiv and Odesa on Monday.";

    fn span(word: &str) -> Span {
        let b = TEXT.find(word).unwrap();
        let s = TEXT[..b].chars().count();
        Span::new(s, s + word.chars().count())
    }

    /// (layer, text, type, source, score) of each suggestion of the first document.
    fn summary(read: &ReadSuggestions) -> Vec<(Layer, String, String, String, Option<f64>)> {
        let mut out: Vec<_> = read.documents[0]
            .suggestions
            .iter()
            .map(|s| {
                (
                    s.layer(),
                    s.text.clone(),
                    s.label().to_owned(),
                    s.source.to_string(),
                    s.score,
                )
            })
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)));
        out
    }

    #[test]
    fn label_studio_predictions_keep_the_region_score_else_the_prediction_score() {
        // Label Studio counts UTF-16 units; the text is ASCII, so they are code points.
        let k = span("Kyiv");
        let o = span("Odesa");
        let t = span("shelled");
        let task = serde_json::json!([{
            "id": 3,
            "data": {"text": TEXT},
            "annotations": [],
            "predictions": [{"model_version": "ner-v2", "score": 0.7, "result": [
                {"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "score": 0.91,
                 "value": {"start": k.start, "end": k.end, "text": "Kyiv", "labels": ["GPE"]}},
                {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": o.start, "end": o.end, "text": "Odesa", "labels": ["GPE"]}},
                {"id": "c", "from_name": "event", "to_name": "text", "type": "labels", "score": 0.55,
                 "value": {"start": t.start, "end": t.end, "text": "shelled", "labels": ["Conflict:Attack"]}}
            ]}]
        }]);
        let files = [InputFile::new("preds.json", task.to_string())];
        assert_eq!(detect(&files).unwrap(), Some(Format::LabelStudio));
        let got = super::read(None, &files).unwrap();
        let src = "import:preds.json (ner-v2)".to_owned();
        assert_eq!(
            summary(&got),
            [
                (
                    Layer::Mention,
                    "Kyiv".into(),
                    "GPE".into(),
                    src.clone(),
                    Some(0.91)
                ),
                (
                    Layer::Mention,
                    "Odesa".into(),
                    "GPE".into(),
                    src.clone(),
                    Some(0.7)
                ),
                (
                    Layer::Event,
                    "shelled".into(),
                    "Conflict:Attack".into(),
                    src,
                    Some(0.55)
                ),
            ]
        );
        assert!(got.documents[0].document.annotations.is_empty());
    }

    #[test]
    fn spacy_json_gives_entities_span_groups_and_triggers_with_scores_where_given() {
        let k = span("Kyiv");
        let o = span("Odesa");
        let t = span("shelled");
        let doc = serde_json::json!({
            "text": TEXT,
            "ents": [{"start": k.start, "end": k.end, "label": "GPE"}],
            "spans": {
                "sc": [{"start": k.start, "end": k.end, "label": "GPE", "score": 0.8},
                       {"start": o.start, "end": o.end, "label": "LOC", "kb_id": ""},
                       {"start": 3, "end": 999, "label": "LOC"}],
                "triggers": [{"start": t.start, "end": t.end, "label": "Conflict:Attack"}]
            },
            "tokens": [], "sents": []
        });
        // A list of documents, as Loupe's export and `[d.to_json() for d in docs]` write.
        let files = [InputFile::new(
            "ner.spacy.json",
            serde_json::json!([doc]).to_string(),
        )];
        assert_eq!(detect(&files).unwrap(), Some(Format::Spacy));
        let got = super::read(None, &files).unwrap();
        let src = "import:ner.spacy.json".to_owned();
        assert_eq!(
            summary(&got),
            [
                (
                    Layer::Mention,
                    "Kyiv".into(),
                    "GPE".into(),
                    src.clone(),
                    Some(0.8)
                ),
                (
                    Layer::Mention,
                    "Odesa".into(),
                    "LOC".into(),
                    src.clone(),
                    None
                ),
                (
                    Layer::Event,
                    "shelled".into(),
                    "Conflict:Attack".into(),
                    src,
                    None
                ),
            ]
        );
        assert_eq!(
            got.notes,
            ["1 spans outside their text or empty were not taken as suggestions"]
        );
        // JSON Lines, one document a line, reads the same.
        let lines = format!("{doc}\n{doc}\n");
        let got = read_spacy(&[InputFile::new("ner.jsonl", lines)]).unwrap();
        assert_eq!(got.documents.len(), 2);
        assert_eq!(got.documents[1].document.meta.title, "ner 2");
        // A broken file is named, with its place.
        let err = read_spacy(&[InputFile::new("bad.json", r#"[{"ents": []}]"#)]).unwrap_err();
        assert_eq!(err.to_string(), "bad.json, document 1: it has no \"text\"");
        let err = read_spacy(&[InputFile::new(
            "bad.json",
            r#"[{"text": "x", "ents": [{"start": 0}]}]"#,
        )])
        .unwrap_err();
        assert!(err.to_string().contains("needs a whole-number"), "{err}");
    }

    #[test]
    fn doccano_and_brat_give_unscored_suggestions_named_by_their_file() {
        let k = span("Kyiv");
        let line = serde_json::json!({"text": TEXT, "label": [[k.start, k.end, "GPE"]]});
        let files = [InputFile::new("model-out.jsonl", format!("{line}\n"))];
        assert_eq!(detect(&files).unwrap(), Some(Format::Doccano));
        let got = super::read(None, &files).unwrap();
        assert_eq!(
            summary(&got),
            [(
                Layer::Mention,
                "Kyiv".into(),
                "GPE".into(),
                "import:model-out.jsonl".into(),
                None
            )]
        );
        let files = [
            InputFile::new("a.txt", TEXT),
            InputFile::new(
                "a.ann",
                format!(
                    "T1\tGPE {} {}\tOdesa\n",
                    span("Odesa").start,
                    span("Odesa").end
                ),
            ),
            InputFile::new("b.txt", "Nothing here."),
            InputFile::new("b.ann", ""),
        ];
        let got = super::read(None, &files).unwrap();
        assert_eq!(summary(&got)[0].3, "import:a.ann");
    }

    #[test]
    fn suggestions_go_to_the_corpus_document_with_the_same_text() {
        let in_corpus = Document::new("Kept title", TEXT);
        let other = Document::new("Other", "Unrelated text.");
        let k = span("Kyiv");
        let line = |text: &str| {
            serde_json::json!({"text": text, "label": [[k.start, k.end, "GPE"]]}).to_string()
        };
        let files = [InputFile::new(
            "m.jsonl",
            format!(
                "{}\n{}\n{}\n",
                line(TEXT),
                line(TEXT),
                line("A new article, longer.")
            ),
        )];
        let got = super::read(Some(Format::Doccano), &files).unwrap();
        let p = plan(got, &[other.meta.clone(), in_corpus.meta.clone()]);
        assert_eq!(p.matched.len(), 1);
        assert_eq!(p.matched[0].0, in_corpus.meta.id);
        // The same text twice in the file: its suggestions merge into one document.
        assert_eq!(p.matched[0].1.len(), 2);
        assert_eq!(p.new_documents.len(), 1);
        assert_eq!(p.new_documents[0].document.text, "A new article, longer.");
        assert_eq!(p.suggestions(), 3);
    }
}
