//! Label Studio JSON for text tasks: a list of tasks, each `{"id", "data": {"text", …},
//! "annotations": [{"result": [...]}], "predictions": [...]}`, plus the labeling config
//! (`label_config.xml`) that a Label Studio project needs to show them.
//!
//! - A mention is a `labels` region of the `label` control: `{"id", "from_name": "label",
//!   "to_name": "text", "type": "labels", "value": {"start", "end", "text", "labels"}}`.
//! - An event trigger is a `labels` region of the `event` control; each argument is a
//!   `relation` from the trigger to the argument's region, labelled with the role.
//! - A relation is a `relation` from Arg1's region to Arg2's, labelled with its type.
//! - Document labels are `choices` without a region, one control per label set.
//! - Offsets are JavaScript string indices (UTF-16 code units), as Label Studio counts.
//!
//! Import reads the same, and what Label Studio itself writes: the most recent annotation
//! that was not cancelled (the others are named in a note), any text key of `data`, a
//! region's `choices` as attributes and its `textarea` as its note, `direction: left` as a
//! reversed relation. A region's quoted `text` must match the text at its offsets.
//! `predictions` are not annotations: [`predictions`] reads them, for Loupe's suggestions.

use crate::core::sort;
use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use super::{
    check_fragments, parse_json, settle, ExportReport, Flaw, ImportError, ImportOptions,
    ImportReport, Imported, InputFile, OutFile, Problem,
};
use crate::core::model::{
    Annotations, Argument, AttrValue, Document, Event, Mention, Relation, Span,
};
use crate::core::offsets::{OffsetIndex, Unit, UnitTable};
use crate::core::schema::Schema;
use crate::core::validate::Rule;

/// The control names Loupe writes and reads.
pub const MENTIONS: &str = "label";
pub const EVENTS: &str = "event";
pub const RELATIONS: &str = "relations";
pub const TEXT: &str = "text";

fn region(id: &str, control: &str, table: &UnitTable, text: &str, f: &Span, label: &str) -> Value {
    json!({"id": id, "from_name": control, "to_name": TEXT, "type": "labels", "origin": "manual",
           "value": {"start": table.from_cp(f.start), "end": table.from_cp(f.end), "text": text, "labels": [label]}})
}

fn link(from: &str, to: &str, label: &str) -> Value {
    json!({"from_id": from, "to_id": to, "type": "relation", "direction": "right", "labels": [label]})
}

/// One task's `result`.
fn result(doc: &Document, report: &mut ExportReport) -> Vec<Value> {
    let ann = &doc.annotations;
    let table = UnitTable::new(&doc.text, Unit::Utf16);
    let index = OffsetIndex::new(&doc.text);
    let slice = |f: &Span| index.slice(&doc.text, f.start, f.end).unwrap_or("");
    let mut out = Vec::new();
    let mut written = std::collections::HashSet::new();
    for m in &ann.mentions {
        let [f] = m.fragments.as_slice() else {
            report.drop(
                "discontinuous mentions",
                "a Label Studio region is contiguous",
                1,
            );
            continue;
        };
        out.push(region(&m.id, MENTIONS, &table, slice(f), f, &m.kind));
        written.insert(m.id.as_str());
    }
    for e in &ann.events {
        let [f] = e.trigger.as_slice() else {
            report.drop("events", "a Label Studio region is contiguous", 1);
            continue;
        };
        out.push(region(&e.id, EVENTS, &table, slice(f), f, &e.kind));
        written.insert(e.id.as_str());
    }
    for e in ann
        .events
        .iter()
        .filter(|e| written.contains(e.id.as_str()))
    {
        for a in &e.arguments {
            if written.contains(a.target.as_str()) {
                out.push(link(&e.id, &a.target, &a.role));
            } else {
                report.drop(
                    "event arguments",
                    "their argument is not a written region",
                    1,
                );
            }
        }
    }
    for r in &ann.relations {
        if written.contains(r.arg1.as_str()) && written.contains(r.arg2.as_str()) {
            out.push(link(&r.arg1, &r.arg2, &r.kind));
        } else {
            report.drop("relations", "an argument is not a written region", 1);
        }
    }
    for (set, labels) in &ann.labels {
        out.push(
            json!({"id": format!("doc-{set}"), "from_name": set, "to_name": TEXT,
                        "type": "choices", "value": {"choices": labels}}),
        );
    }
    report.drop(
        "attributes, notes and links",
        "Loupe writes Label Studio's labels, relations and document choices only",
        super::attributes_notes_links(ann),
    );
    report.drop(
        "coreference clusters",
        "Label Studio has no coreference",
        ann.entities.len(),
    );
    out
}

fn xml(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The labeling config that shows these tasks: the schema's types and any the documents
/// use beyond it.
pub fn label_config(documents: &[Document], schema: &Schema) -> String {
    fn add<'a>(list: &mut Vec<&'a str>, name: &'a str) {
        if !list.contains(&name) {
            list.push(name);
        }
    }
    let (mut entities, mut events, mut links, mut sets) = (vec![], vec![], vec![], BTreeMap::new());
    schema
        .entity_types
        .iter()
        .for_each(|t| add(&mut entities, &t.name));
    schema
        .event_types
        .iter()
        .for_each(|t| add(&mut events, &t.name));
    for e in &schema.event_types {
        e.roles.iter().for_each(|r| add(&mut links, &r.name));
    }
    schema
        .relation_types
        .iter()
        .for_each(|t| add(&mut links, &t.name));
    for set in &schema.label_sets {
        sets.insert(
            set.name.as_str(),
            set.labels.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }
    for ann in documents.iter().map(|d| &d.annotations) {
        ann.mentions
            .iter()
            .for_each(|m| add(&mut entities, &m.kind));
        ann.events.iter().for_each(|e| add(&mut events, &e.kind));
        for e in &ann.events {
            e.arguments.iter().for_each(|a| add(&mut links, &a.role));
        }
        ann.relations.iter().for_each(|r| add(&mut links, &r.kind));
        for (set, labels) in &ann.labels {
            let list = sets.entry(set.as_str()).or_default();
            labels.iter().for_each(|l| add(list, l));
        }
    }
    let mut out = String::from("<View>\n");
    let labels = |out: &mut String, name: &str, values: &[&str]| {
        out.push_str(&format!("  <Labels name=\"{name}\" toName=\"{TEXT}\">\n"));
        for v in values {
            out.push_str(&format!("    <Label value=\"{}\"/>\n", xml(v)));
        }
        out.push_str("  </Labels>\n");
    };
    labels(&mut out, MENTIONS, &entities);
    if !events.is_empty() {
        labels(&mut out, EVENTS, &events);
    }
    out.push_str(&format!(
        "  <Relations name=\"{RELATIONS}\" toName=\"{TEXT}\">\n"
    ));
    for l in &links {
        out.push_str(&format!("    <Relation value=\"{}\"/>\n", xml(l)));
    }
    out.push_str("  </Relations>\n");
    for (set, values) in &sets {
        let choice = if schema.label_set(set).is_some_and(|s| s.multiple) {
            "multiple"
        } else {
            "single"
        };
        out.push_str(&format!(
            "  <Choices name=\"{}\" toName=\"{TEXT}\" choice=\"{choice}\" perRegion=\"false\">\n",
            xml(set)
        ));
        for v in values {
            out.push_str(&format!("    <Choice value=\"{}\"/>\n", xml(v)));
        }
        out.push_str("  </Choices>\n");
    }
    out.push_str(&format!(
        "  <Text name=\"{TEXT}\" value=\"$text\"/>\n</View>\n"
    ));
    out
}

/// Export: the tasks, and the labeling config.
pub fn export(documents: &[Document], schema: &Schema, report: &mut ExportReport) -> Vec<OutFile> {
    let tasks: Vec<Value> = documents
        .iter()
        .zip(1..)
        .map(|(doc, n)| {
            json!({"id": n,
                   "data": {TEXT: doc.text, "title": doc.meta.title, "loupe_id": doc.meta.id},
                   "annotations": [{"id": n, "was_cancelled": false, "result": result(doc, report)}],
                   "predictions": []})
        })
        .collect();
    let mut json = serde_json::to_string_pretty(&tasks).expect("tasks always serialise");
    json.push('\n');
    vec![
        OutFile::text("corpus.labelstudio.json", json),
        OutFile::text("label_config.xml", label_config(documents, schema)),
    ]
}

/// One task's predictions, for suggestions: the task's text and what the model proposed.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPredictions {
    pub document: Document,
    pub predictions: Vec<Prediction>,
}

/// One prediction of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub model_version: Option<String>,
    /// The prediction's overall `score`.
    pub score: Option<f64>,
    pub annotations: Annotations,
    /// The `score` of each region that has one, by span and label.
    pub region_scores: BTreeMap<(Span, String), f64>,
}

/// The tasks of the files.
fn tasks(files: &[InputFile]) -> Result<Vec<(String, Value)>, ImportError> {
    let mut out = Vec::new();
    for f in files.iter().filter(|f| !f.base_name().ends_with(".xml")) {
        let value: Value = parse_json(&f.name, |l, c| format!("line {l}, column {c}"), f.utf8()?)?;
        match value {
            Value::Array(list) => out.extend(list.into_iter().map(|t| (f.name.clone(), t))),
            task @ Value::Object(_) => out.push((f.name.clone(), task)),
            _ => {
                return Err(ImportError::Malformed {
                    file: f.name.clone(),
                    place: "the file".into(),
                    message: "it is neither a list of tasks nor one task".into(),
                })
            }
        }
    }
    Ok(out)
}

/// A task's text and title, or why it has none.
fn task_document(task: &Value, n: usize) -> Result<Document, String> {
    let data = task
        .get("data")
        .and_then(Value::as_object)
        .ok_or("it has no \"data\" object")?;
    let text = data
        .get(TEXT)
        .and_then(Value::as_str)
        .or_else(|| data.values().find_map(Value::as_str))
        .ok_or("its data has no text")?;
    let title = data.get("title").and_then(Value::as_str).map_or_else(
        || {
            format!(
                "task {}",
                task.get("id").map_or(n.to_string(), |v| v.to_string())
            )
        },
        str::to_owned,
    );
    Ok(Document::new(&title, text))
}

/// Read one `result` list into annotations, with a problem for each item that is wrong.
fn read_result(text: &str, items: &[Value], problem: &mut dyn FnMut(String, Flaw)) -> Annotations {
    let index = OffsetIndex::new(text);
    let table = UnitTable::new(text, Unit::Utf16);
    let mut ann = Annotations::default();
    let mut local: HashMap<&str, String> = HashMap::new();
    let (mut mentions, mut events) = (0, 0);
    let str_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    // Regions first, so relations can point at any of them.
    for (n, item) in items.iter().enumerate() {
        let place = format!("result {}", n + 1);
        let value = item.get("value").unwrap_or(&Value::Null);
        let labels: Vec<&str> = value
            .get("labels")
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if labels.is_empty() || item.get("type").and_then(Value::as_str) == Some("relation") {
            continue;
        }
        let num = |k: &str| value.get(k).and_then(Value::as_u64).map(|v| v as usize);
        let (Some(start), Some(end)) = (num("start"), num("end")) else {
            problem(
                place,
                Flaw::new(
                    Rule::NoFragments,
                    "its region has no whole-number start and end",
                ),
            );
            continue;
        };
        let (Some(s), Some(e)) = (table.to_cp(start), table.to_cp(end)) else {
            problem(place, Flaw::new(Rule::FragmentOutOfBounds, format!("its region {start}–{end} does not fall on UTF-16 offsets of the text (Label Studio counts JavaScript string indices)")));
            continue;
        };
        let fragments = vec![Span::new(s, e)];
        let quoted = value.get("text").and_then(Value::as_str);
        if let Err(message) = check_fragments(text, &index, &fragments, quoted) {
            problem(place, message);
            continue;
        }
        let control = str_of(item, "from_name").unwrap_or_default().to_lowercase();
        let is_event = control.contains("event") || control.contains("trigger");
        let quote = index.slice(text, s, e).unwrap_or("").to_owned();
        let region_id = item.get("id").and_then(Value::as_str).unwrap_or("");
        for (k, label) in labels.iter().enumerate() {
            let id = if is_event {
                events += 1;
                format!("E{events}")
            } else {
                mentions += 1;
                format!("T{mentions}")
            };
            if k == 0 && !region_id.is_empty() {
                local.insert(region_id, id.clone());
            }
            if is_event {
                ann.events.push(Event::new(
                    id,
                    *label,
                    fragments.clone(),
                    quote.clone(),
                    vec![],
                ));
            } else {
                ann.mentions
                    .push(Mention::new(id, *label, fragments.clone(), quote.clone()));
            }
        }
    }
    for (n, item) in items.iter().enumerate() {
        let place = format!("result {}", n + 1);
        let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
        let value = item.get("value").unwrap_or(&Value::Null);
        let region = item
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| local.get(id))
            .cloned();
        match kind {
            "relation" => read_relation(item, &local, &mut ann, &mut |m| {
                problem(place.clone(), Flaw::new(Rule::MissingTarget, m))
            }),
            "choices" => {
                let choices: Vec<String> = value
                    .get("choices")
                    .and_then(Value::as_array)
                    .map(|c| {
                        c.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                let name = str_of(item, "from_name").unwrap_or_else(|| "choices".into());
                match region {
                    Some(id) => set_attribute(&mut ann, &id, &name, choices.join("|")),
                    None => {
                        ann.labels.entry(name).or_default().extend(choices);
                    }
                }
            }
            "textarea" => {
                let note = value.get("text").and_then(Value::as_array).map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("\n")
                });
                match (region, note) {
                    (Some(id), Some(note)) => set_note(&mut ann, &id, note),
                    _ => problem(
                        place,
                        "a text area outside a region has no place in Loupe".into(),
                    ),
                }
            }
            "labels" => {}
            other => problem(
                place,
                format!("Loupe does not read Label Studio {other:?} results").into(),
            ),
        }
    }
    ann
}

fn read_relation(
    item: &Value,
    local: &HashMap<&str, String>,
    ann: &mut Annotations,
    problem: &mut dyn FnMut(String),
) {
    let end = |k: &str| {
        item.get(k)
            .and_then(Value::as_str)
            .and_then(|id| local.get(id))
            .cloned()
    };
    let (Some(mut from), Some(mut to)) = (end("from_id"), end("to_id")) else {
        problem("it links a region that is not in this result, or was skipped".into());
        return;
    };
    if item.get("direction").and_then(Value::as_str) == Some("left") {
        std::mem::swap(&mut from, &mut to);
    }
    let label = item
        .get("labels")
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .and_then(Value::as_str);
    if let Some(event) = ann.events.iter_mut().find(|e| e.id == from) {
        event.arguments.push(Argument {
            role: label.unwrap_or("Arg").to_owned(),
            target: to,
        });
    } else {
        let id = format!("R{}", ann.relations.len() + 1);
        ann.relations.push(Relation {
            id,
            kind: label.unwrap_or("Related").to_owned(),
            arg1: from,
            arg2: to,
            attributes: BTreeMap::new(),
        });
    }
}

fn set_attribute(ann: &mut Annotations, id: &str, name: &str, value: String) {
    let value = AttrValue::Value(value);
    if let Some(m) = ann.mentions.iter_mut().find(|m| m.id == id) {
        m.attributes.insert(name.to_owned(), value);
    } else if let Some(e) = ann.events.iter_mut().find(|e| e.id == id) {
        e.attributes.insert(name.to_owned(), value);
    }
}

fn set_note(ann: &mut Annotations, id: &str, note: String) {
    if let Some(m) = ann.mentions.iter_mut().find(|m| m.id == id) {
        m.note = Some(note);
    } else if let Some(e) = ann.events.iter_mut().find(|e| e.id == id) {
        e.note = Some(note);
    }
}

/// The annotation of a task to import: the most recent one not cancelled or skipped.
fn chosen(task: &Value) -> (Option<&Value>, usize) {
    let list = task
        .get("annotations")
        .or_else(|| task.get("completions"))
        .and_then(Value::as_array);
    let mut kept: Vec<&Value> = list
        .into_iter()
        .flatten()
        .filter(|a| {
            !a.get("was_cancelled")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                && !a.get("skipped").and_then(Value::as_bool).unwrap_or(false)
        })
        .collect();
    sort::sort_by(&mut kept, |a, b| {
        let at = |v: &Value| {
            v.get("created_at")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        at(b).cmp(&at(a))
    });
    let others = kept.len().saturating_sub(1);
    (kept.first().copied(), others)
}

pub fn import(files: &[InputFile], options: ImportOptions) -> Result<Imported, ImportError> {
    let mut report = ImportReport::default();
    let mut documents = Vec::new();
    let (mut others, mut predicted) = (0, 0);
    let mut problems: Vec<Problem> = Vec::new();
    for (n, (file, task)) in tasks(files)?.iter().enumerate() {
        let place = |what: String| {
            format!(
                "task {}{what}",
                task.get("id")
                    .map_or((n + 1).to_string(), |v| v.to_string())
            )
        };
        let mut doc = match task_document(task, n + 1) {
            Ok(doc) => doc,
            Err(message) => {
                problems.push(Problem::new(
                    file.clone(),
                    place(String::new()),
                    Flaw::new(Rule::Malformed, message),
                ));
                continue;
            }
        };
        let (annotation, more) = chosen(task);
        others += more;
        predicted += task
            .get("predictions")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let items = annotation
            .and_then(|a| a.get("result"))
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let text = doc.text.clone();
        doc.annotations = read_result(&text, items, &mut |at, flaw| {
            problems.push(Problem::new(file.clone(), place(format!(", {at}")), flaw))
        });
        documents.push(doc);
    }
    settle(problems, options, &mut report)?;
    if others > 0 {
        report.notes.push(format!(
            "{others} more annotations of the same tasks were left out: Loupe reads the most recent one of each task; export one annotator's work at a time to compare annotators"
        ));
    }
    if predicted > 0 {
        report.notes.push(format!(
            "{predicted} predictions were not imported as annotations; Loupe's suggestions read them"
        ));
    }
    Ok(Imported {
        documents,
        schema: None,
        report,
    })
}

/// Every task's predictions, as annotations of the task's text.
pub fn predictions(files: &[InputFile]) -> Result<Vec<TaskPredictions>, ImportError> {
    let mut out = Vec::new();
    for (n, (_, task)) in tasks(files)?.iter().enumerate() {
        let Ok(document) = task_document(task, n + 1) else {
            continue;
        };
        let list = task
            .get("predictions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let predictions = list
            .iter()
            .map(|p| {
                let items = p
                    .get("result")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                let mut region_scores = BTreeMap::new();
                for item in items {
                    let Some(score) = item.get("score").and_then(Value::as_f64) else {
                        continue;
                    };
                    // One region alone gives its own span and labels.
                    let one =
                        read_result(&document.text, std::slice::from_ref(item), &mut |_, _| {});
                    let spans = one.mentions.iter().map(|m| (&m.fragments, &m.kind));
                    for (frags, kind) in
                        spans.chain(one.events.iter().map(|e| (&e.trigger, &e.kind)))
                    {
                        if let [f] = frags[..] {
                            region_scores.insert((f, kind.clone()), score);
                        }
                    }
                }
                Prediction {
                    model_version: p
                        .get("model_version")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    score: p.get("score").and_then(Value::as_f64),
                    annotations: read_result(&document.text, items, &mut |_, _| {}),
                    region_scores,
                }
            })
            .collect();
        out.push(TaskPredictions {
            document,
            predictions,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::{fixtures, import as import_any, Format};
    use super::*;

    fn inputs(files: &[OutFile]) -> Vec<InputFile> {
        files
            .iter()
            .map(|f| InputFile::new(&f.name, f.bytes.clone()))
            .collect()
    }

    #[test]
    fn offsets_are_utf16_and_regions_quote_their_text() {
        let files = export(
            &[fixtures::document()],
            &Schema::ace2005(),
            &mut ExportReport::default(),
        );
        let tasks: Value = serde_json::from_slice(&files[0].bytes).unwrap();
        let result = tasks[0]["annotations"][0]["result"].as_array().unwrap();
        let kyiv = result
            .iter()
            .find(|r| r["value"]["text"] == "Kyiv")
            .unwrap();
        // The rocket before Kyiv is two UTF-16 units: code point 24 is unit 25.
        assert_eq!(
            (
                kyiv["value"]["start"].as_u64(),
                kyiv["value"]["end"].as_u64()
            ),
            (Some(25), Some(29))
        );
        assert_eq!(kyiv["from_name"], MENTIONS);
        let trigger = result.iter().find(|r| r["from_name"] == EVENTS).unwrap();
        assert_eq!(trigger["value"]["labels"][0], "Conflict:Attack");
        let config = String::from_utf8(files[1].bytes.clone()).unwrap();
        assert!(
            config.contains("<Label value=\"GPE\"/>")
                && config.contains("<Relation value=\"Target\"/>")
        );
    }

    #[test]
    fn loupe_to_label_studio_to_loupe_keeps_labels_events_and_relations() {
        let doc = fixtures::document();
        let mut report = ExportReport::default();
        let files = export(std::slice::from_ref(&doc), &Schema::ace2005(), &mut report);
        assert_eq!(report.dropped("discontinuous mentions"), 1);
        let back = import_any(
            Format::LabelStudio,
            &inputs(&files),
            ImportOptions { strict: true },
        )
        .unwrap();
        let got = &back.documents[0];
        assert_eq!(
            (got.text.as_str(), got.meta.title.as_str()),
            (doc.text.as_str(), "Strike report")
        );
        let spans = |a: &Annotations| -> Vec<(usize, usize, String)> {
            a.mentions
                .iter()
                .map(|m| (m.start(), m.end(), m.kind.clone()))
                .collect()
        };
        let mut want = doc.annotations.clone();
        want.mentions.retain(|m| m.fragments.len() == 1);
        assert_eq!(spans(&got.annotations), spans(&want));
        let e = &got.annotations.events[0];
        assert_eq!(
            (e.kind.as_str(), e.trigger_text.as_str(), e.arguments.len()),
            ("Conflict:Attack", "struck", 4)
        );
        let target = got.annotations.mention(&e.arguments[1].target).unwrap();
        assert_eq!(
            (e.arguments[1].role.as_str(), target.text.as_str()),
            ("Target", "Kyiv")
        );
        let r = &got.annotations.relations[0];
        assert_eq!(r.kind, "PART-WHOLE");
        assert_eq!(got.annotations.mention(&r.arg2).unwrap().text, "Russian");
        // The import infers the schema from what the file uses.
        let schema = back.schema.unwrap();
        assert!(schema.event_type("Conflict:Attack").is_some());
        let report = crate::core::validate::validate(&got.text, &got.annotations, Some(&schema));
        assert!(!report.has_errors(), "{:?}", report.issues);
    }

    #[test]
    fn label_studio_own_tasks_read_with_choices_notes_left_relations_and_predictions() {
        let task = json!([{
            "id": 7,
            "data": {"body": "🚀 Kyiv said “yes” to Paris."},
            "annotations": [
                {"id": 1, "created_at": "2024-01-01T00:00:00Z", "result": [
                    {"id": "a", "from_name": "ner", "to_name": "body", "type": "labels",
                     "value": {"start": 3, "end": 7, "text": "Kyiv", "labels": ["GPE"]}},
                    {"id": "b", "from_name": "ner", "to_name": "body", "type": "labels",
                     "value": {"start": 22, "end": 27, "text": "Paris", "labels": ["GPE"]}},
                    {"id": "a", "from_name": "kind", "to_name": "body", "type": "choices",
                     "value": {"start": 3, "end": 7, "choices": ["capital"]}},
                    {"id": "b", "from_name": "note", "to_name": "body", "type": "textarea",
                     "value": {"start": 22, "end": 27, "text": ["France"]}},
                    {"from_id": "a", "to_id": "b", "type": "relation", "direction": "left", "labels": ["talks"]},
                    {"id": "s", "from_name": "topic", "to_name": "body", "type": "choices",
                     "value": {"choices": ["politics"]}}]},
                {"id": 2, "created_at": "2023-01-01T00:00:00Z", "result": []},
                {"id": 3, "was_cancelled": true, "result": []}],
            "predictions": [{"model_version": "m1", "score": 0.9, "result": [
                {"id": "p", "from_name": "ner", "to_name": "body", "type": "labels",
                 "value": {"start": 3, "end": 7, "text": "Kyiv", "labels": ["LOC"]}}]}]
        }]);
        let files = [InputFile::new("project.json", task.to_string())];
        let back = import_any(Format::LabelStudio, &files, ImportOptions { strict: true }).unwrap();
        let ann = &back.documents[0].annotations;
        assert_eq!(back.documents[0].meta.title, "task 7");
        assert_eq!(ann.mentions.len(), 2);
        assert_eq!(
            ann.mentions[0].attributes["kind"],
            AttrValue::Value("capital".into())
        );
        assert_eq!(ann.mentions[1].note.as_deref(), Some("France"));
        let r = &ann.relations[0];
        assert_eq!(
            (r.kind.as_str(), r.arg1.as_str(), r.arg2.as_str()),
            ("talks", "T2", "T1")
        );
        assert_eq!(ann.labels["topic"], ["politics"]);
        assert!(
            back.report
                .notes
                .iter()
                .any(|n| n.starts_with("1 more annotations")),
            "{:?}",
            back.report.notes
        );
        assert!(back
            .report
            .notes
            .iter()
            .any(|n| n.starts_with("1 predictions")));
        let predicted = predictions(&files).unwrap();
        let Prediction {
            model_version: version,
            score,
            annotations: p,
            ..
        } = &predicted[0].predictions[0];
        assert_eq!((version.as_deref(), *score), (Some("m1"), Some(0.9)));
        assert_eq!(
            (p.mentions[0].kind.as_str(), p.mentions[0].text.as_str()),
            ("LOC", "Kyiv")
        );
    }

    #[test]
    fn a_region_in_code_points_instead_of_utf16_is_named() {
        // "Kyiv" after the rocket is code points 2–6 but UTF-16 units 3–7.
        let task = json!({"data": {"text": "🚀 Kyiv"}, "annotations": [{"result": [
            {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 2, "end": 6, "text": "Kyiv", "labels": ["GPE"]}}]}]});
        let err = import_any(
            Format::LabelStudio,
            &[InputFile::new("t.json", task.to_string())],
            ImportOptions { strict: true },
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("the file quotes \"Kyiv\""),
            "{err}"
        );
    }
}
