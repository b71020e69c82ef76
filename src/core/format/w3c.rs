//! W3C Web Annotation (JSON-LD): for each document, its text (`name.txt`) and an
//! `AnnotationPage` of annotations (`name.jsonld`) whose targets name the text by the
//! URN `urn:sha256:<hex of the text>`, so a text is found by content, not by file name.
//!
//! The mapping, read back exactly as written:
//! - a **mention** is an annotation with the motivation `tagging`, a `tagging` body for its
//!   type and a target with a `TextQuoteSelector` (exact, 32 code points of prefix and of
//!   suffix) and a `TextPositionSelector` (code points, end exclusive, as the specification
//!   says). A discontinuous mention has one target per fragment. Attributes are
//!   `classifying` bodies (`Realis=Actual`, or `Negated` for a flag), a note a `commenting`
//!   body, a link to an external resource an `identifying` body;
//! - an **event** (the model has none) is an annotation with the motivation `linking` whose
//!   target is the trigger, with a `tagging` body for the event type and one
//!   `SpecificResource` body per argument, with the purpose `linking`, the argument's
//!   annotation id as `source`, and a `role`;
//! - a **relation** is an annotation with the motivation `linking` whose target is the
//!   first argument's annotation id, with a `tagging` body for the type and one `linking`
//!   body with the role `Arg2`.
//!
//! Annotation ids are `urn:loupe:<document id>:<annotation id>`.
//!
//! `@context` is the W3C context followed by [`extra_context`], which defines the one key
//! Loupe writes that the W3C context lacks (`role`), so that a JSON-LD processor's
//! expansion keeps event roles and relation labels instead of dropping them.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use super::{
    check_fragments, file_stem, indexed_text, parse_json, settle, ExportReport, Flaw, ImportError,
    ImportOptions, ImportReport, Imported, InputFile, OutFile, Problem,
};
use crate::core::model::{
    sha256_hex, title_from_file_stem, Annotations, Argument, AttrValue, Document, Event, Mention,
    Normalization, Relation, Span,
};
use crate::core::offsets::OffsetIndex;
use crate::core::validate::Rule;

pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The IRI of `role`, Loupe's term for an argument's role on a linking body.
pub const ROLE_IRI: &str = "urn:loupe:vocab:role";

/// The `@context` entry after the W3C one: a term for every key Loupe writes that the
/// W3C context does not define.
pub fn extra_context() -> Value {
    json!({ "role": ROLE_IRI })
}
/// How much text a quote selector carries on each side, in code points.
const CONTEXT_CHARS: usize = 32;

fn source_of(text: &str) -> String {
    format!("urn:sha256:{}", sha256_hex(text))
}

fn targets(doc: &Document, index: &OffsetIndex, source: &str, fragments: &[Span]) -> Value {
    let text = &doc.text;
    let one = |f: &Span| {
        let prefix = index.slice(text, f.start.saturating_sub(CONTEXT_CHARS), f.start);
        let suffix = index.slice(text, f.end, (f.end + CONTEXT_CHARS).min(index.len_cp()));
        json!({
            "source": source,
            "selector": [
                {"type": "TextQuoteSelector", "exact": index.slice(text, f.start, f.end).unwrap_or(""),
                 "prefix": prefix.unwrap_or(""), "suffix": suffix.unwrap_or("")},
                {"type": "TextPositionSelector", "start": f.start, "end": f.end},
            ]
        })
    };
    match fragments {
        [f] => one(f),
        many => Value::Array(many.iter().map(one).collect()),
    }
}

fn attribute_bodies(attributes: &BTreeMap<String, AttrValue>, body: &mut Vec<Value>) {
    for (name, value) in attributes {
        let value = match value {
            AttrValue::Flag(true) => name.clone(),
            AttrValue::Flag(false) => continue,
            AttrValue::Value(v) => format!("{name}={v}"),
        };
        body.push(json!({"type": "TextualBody", "purpose": "classifying", "value": value}));
    }
}

fn tag(kind: &str) -> Value {
    json!({"type": "TextualBody", "purpose": "tagging", "value": kind})
}

/// One document's annotation page.
pub fn page(doc: &Document, report: &mut ExportReport) -> Value {
    let index = OffsetIndex::new(&doc.text);
    let source = source_of(&doc.text);
    let iri = |id: &str| format!("urn:loupe:{}:{id}", doc.meta.id);
    let ann = &doc.annotations;
    let mut items = Vec::new();
    for m in &ann.mentions {
        let mut body = vec![tag(&m.kind)];
        attribute_bodies(&m.attributes, &mut body);
        if let Some(note) = &m.note {
            body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": note}));
        }
        if let Some(n) = &m.normalization {
            body.push(json!({"type": "TextualBody", "purpose": "identifying",
                             "value": format!("{}:{}", n.resource, n.id), "label": n.label}));
        }
        items.push(
            json!({"id": iri(&m.id), "type": "Annotation", "motivation": "tagging",
                          "body": body, "target": targets(doc, &index, &source, &m.fragments)}),
        );
    }
    for e in &ann.events {
        let mut body = vec![tag(&e.kind)];
        for a in &e.arguments {
            body.push(json!({"type": "SpecificResource", "purpose": "linking",
                             "role": a.role, "source": iri(&a.target)}));
        }
        attribute_bodies(&e.attributes, &mut body);
        if let Some(note) = &e.note {
            body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": note}));
        }
        items.push(
            json!({"id": iri(&e.id), "type": "Annotation", "motivation": "linking",
                          "body": body, "target": targets(doc, &index, &source, &e.trigger)}),
        );
    }
    for r in &ann.relations {
        let mut body = vec![
            tag(&r.kind),
            json!({"type": "SpecificResource", "purpose": "linking", "role": "Arg2", "source": iri(&r.arg2)}),
        ];
        attribute_bodies(&r.attributes, &mut body);
        items.push(
            json!({"id": iri(&r.id), "type": "Annotation", "motivation": "linking",
                          "body": body, "target": iri(&r.arg1)}),
        );
    }
    report.drop(
        "coreference clusters",
        "Web Annotation has no clusters",
        ann.entities.len(),
    );
    report.drop(
        "event coreference links",
        "Web Annotation has no event coreference",
        ann.events.iter().filter(|e| e.coref.is_some()).count(),
    );
    report.drop(
        "document labels",
        "Loupe writes no document-level annotations",
        ann.labels.values().map(Vec::len).sum(),
    );
    json!({"@context": [CONTEXT, extra_context()], "id": format!("urn:loupe:{}", doc.meta.id),
           "type": "AnnotationPage", "label": doc.meta.title, "items": items})
}

pub fn export(documents: &[Document], report: &mut ExportReport) -> Vec<OutFile> {
    let mut used = Default::default();
    let mut files = Vec::new();
    for doc in documents {
        let stem = file_stem(doc, &mut used);
        files.push(OutFile::text(format!("{stem}.txt"), doc.text.clone()));
        let mut json = serde_json::to_string_pretty(&page(doc, report))
            .expect("an annotation page always serialises");
        json.push('\n');
        files.push(OutFile::text(format!("{stem}.jsonld"), json));
    }
    files
}

/// An annotation's own id: the part after the last `:`, `/` or `#` of its IRI.
fn local_id(iri: &str) -> &str {
    iri.rsplit([':', '/', '#']).next().unwrap_or(iri)
}

/// The annotations in a file: a page, a collection's first page, a list or one annotation.
fn items(value: &Value) -> Vec<&Value> {
    if let Some(list) = value.as_array() {
        return list.iter().collect();
    }
    if let Some(items) = value.get("items").and_then(Value::as_array) {
        return items.iter().collect();
    }
    if let Some(first) = value.get("first") {
        return items(first);
    }
    vec![value]
}

fn as_list(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(v) => vec![v],
        None => vec![],
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The fragment one target selects, checked against the text.
fn fragment(text: &str, index: &OffsetIndex, target: &Value) -> Result<Span, Flaw> {
    let selectors = as_list(target.get("selector"));
    let find = |kind: &str| selectors.iter().find(|s| str_of(s, "type") == Some(kind));
    let quote = find("TextQuoteSelector");
    let exact = quote.and_then(|q| str_of(q, "exact"));
    if let Some(pos) = find("TextPositionSelector") {
        let num = |k: &str| {
            pos.get(k)
                .and_then(Value::as_u64)
                .map(|n| n as usize)
                .ok_or_else(|| format!("its TextPositionSelector has no whole-number {k:?}"))
        };
        let span = Span::new(num("start")?, num("end")?);
        check_fragments(text, index, &[span], exact)?;
        return Ok(span);
    }
    let exact = exact.ok_or(
        "its target has neither a TextPositionSelector nor a TextQuoteSelector with \"exact\"",
    )?;
    let prefix = quote.and_then(|q| str_of(q, "prefix")).unwrap_or("");
    let suffix = quote.and_then(|q| str_of(q, "suffix")).unwrap_or("");
    // The quote alone: the occurrence whose context matches, else the only occurrence.
    let hits: Vec<usize> = text.match_indices(exact).map(|(b, _)| b).collect();
    let chosen = hits
        .iter()
        .find(|&&b| text[..b].ends_with(prefix) && text[b + exact.len()..].starts_with(suffix))
        .or_else(|| (hits.len() == 1).then(|| &hits[0]))
        .ok_or_else(|| {
            Flaw::new(
                Rule::TextMismatch,
                format!("its quote {exact:?} is not in the text, or is there more than once with no matching prefix and suffix"),
            )
        })?;
    let start = crate::core::offsets::byte_to_cp(text, *chosen).unwrap_or(0);
    Ok(Span::new(
        start,
        start + crate::core::offsets::cp_len(exact),
    ))
}

struct Item<'a> {
    place: String,
    id: String,
    kind: String,
    /// Text fragments (mentions, events) or the first argument's IRI (relations).
    fragments: Vec<Span>,
    arg1: Option<&'a str>,
    value: &'a Value,
    is_event: bool,
}

/// The document an annotation's `source` names (by its IRI or its file name); with one
/// text only, that one.
fn document_of(
    source: Option<&str>,
    by_source: &HashMap<String, usize>,
    documents: usize,
) -> Option<usize> {
    source
        .and_then(|src| {
            by_source
                .get(src)
                .or_else(|| by_source.get(local_id(src)))
                .copied()
        })
        .or((documents == 1).then_some(0))
}

/// The text an annotation's targets select.
fn fragments_of(text: &str, targets: &[&Value]) -> Result<Vec<Span>, Flaw> {
    let index = OffsetIndex::new(text);
    let fragments = targets
        .iter()
        .map(|t| fragment(text, &index, t))
        .collect::<Result<Vec<_>, _>>()?;
    // An empty target list (`"target": []`) selects nothing.
    if fragments.is_empty() {
        return Err(Flaw::new(
            Rule::NoFragments,
            "its target selects no text; give it a TextPositionSelector or a TextQuoteSelector",
        ));
    }
    Ok(fragments)
}

/// What an annotation's bodies say besides its type: attributes (classifying), a note
/// (commenting), a normalisation (identifying) and its links (role, source IRI).
#[derive(Default)]
struct Bodies<'a> {
    attributes: BTreeMap<String, AttrValue>,
    note: Option<String>,
    normalization: Option<Normalization>,
    links: Vec<(&'a str, &'a str)>,
}

impl<'a> Bodies<'a> {
    fn of(value: &'a Value) -> Self {
        let mut out = Self::default();
        for b in as_list(value.get("body")) {
            match str_of(b, "purpose") {
                Some("classifying") => {
                    let v = str_of(b, "value").unwrap_or("");
                    match v.split_once('=') {
                        Some((k, v)) => out
                            .attributes
                            .insert(k.to_owned(), AttrValue::Value(v.to_owned())),
                        None => out.attributes.insert(v.to_owned(), AttrValue::Flag(true)),
                    };
                }
                Some("commenting") => out.note = str_of(b, "value").map(str::to_owned),
                Some("identifying") => {
                    if let Some((resource, id)) = str_of(b, "value").and_then(|v| v.split_once(':'))
                    {
                        out.normalization = Some(Normalization {
                            resource: resource.into(),
                            id: id.into(),
                            label: str_of(b, "label").unwrap_or("").into(),
                        });
                    }
                }
                Some("linking") => out.links.push((
                    str_of(b, "role").unwrap_or("Arg"),
                    str_of(b, "source").unwrap_or(""),
                )),
                _ => {}
            }
        }
        out
    }
}

/// Add `item` to `ann` as a relation, an event or a mention; `resolve` turns the IRIs it
/// links to into local ids (or says why not, and gives `None`).
fn place(
    item: &Item,
    text: &str,
    bodies: Bodies,
    resolve: &mut impl FnMut(&str) -> Option<String>,
    ann: &mut Annotations,
) {
    let Bodies {
        attributes,
        note,
        normalization,
        links,
    } = bodies;
    let index = OffsetIndex::new(text);
    if let Some(arg1) = item.arg1 {
        let arg2 = links.first().map(|(_, s)| *s).unwrap_or("");
        if let (Some(arg1), Some(arg2)) = (resolve(arg1), resolve(arg2)) {
            ann.relations.push(Relation {
                id: item.id.clone(),
                kind: item.kind.clone(),
                arg1,
                arg2,
                attributes,
            });
        }
    } else if item.is_event {
        let arguments = links
            .iter()
            .filter_map(|(role, src)| {
                Some(Argument {
                    role: (*role).to_owned(),
                    target: resolve(src)?,
                })
            })
            .collect();
        ann.events.push(Event {
            id: item.id.clone(),
            kind: item.kind.clone(),
            trigger_text: indexed_text(text, &index, &item.fragments).unwrap_or_default(),
            trigger: item.fragments.clone(),
            arguments,
            attributes,
            note,
            coref: None,
        });
    } else {
        ann.mentions.push(Mention {
            id: item.id.clone(),
            kind: item.kind.clone(),
            text: indexed_text(text, &index, &item.fragments).unwrap_or_default(),
            fragments: item.fragments.clone(),
            attributes,
            normalization,
            note,
            entity: None,
        });
    }
}

/// The local id of the annotation `iri` names in document `doc`, which a relation or an
/// argument may point at: a mention or an event of that document.
fn local_target(
    iri: &str,
    doc: usize,
    iri_to_local: &HashMap<&str, (usize, String)>,
    relations: &std::collections::BTreeSet<(usize, &str)>,
) -> Result<String, Flaw> {
    match iri_to_local.get(iri) {
        Some((d, local)) if *d == doc && relations.contains(&(*d, local.as_str())) => Err(Flaw::new(Rule::MissingTarget, format!("it links to {iri:?}, which is a relation; a relation or an argument points at a mention or an event"))),
        Some((d, local)) if *d == doc => Ok(local.clone()),
        _ => Err(Flaw::new(Rule::MissingTarget, format!("it links to {iri:?}, which is not an annotation of this document in the file; add it or remove the link"))),
    }
}

pub fn import(files: &[InputFile], options: ImportOptions) -> Result<Imported, ImportError> {
    let mut report = ImportReport::default();
    let mut documents: Vec<Document> = Vec::new();
    let mut by_source: HashMap<String, usize> = HashMap::new();
    for f in files.iter().filter(|f| f.base_name().ends_with(".txt")) {
        let text = f.utf8()?;
        by_source.insert(source_of(text), documents.len());
        by_source.insert(f.base_name().to_owned(), documents.len());
        documents.push(Document::new(&title_from_file_stem(f.stem()), text));
    }
    for f in files.iter().filter(|f| !f.base_name().ends_with(".txt")) {
        let value: Value = parse_json(&f.name, |l, c| format!("line {l}, column {c}"), f.utf8()?)?;
        let mut problems = Vec::new();
        let mut per_doc: BTreeMap<usize, Annotations> = BTreeMap::new();
        let mut pending: Vec<(usize, Item)> = Vec::new();
        let mut iri_to_local: HashMap<&str, (usize, String)> = HashMap::new();
        for (n, item) in items(&value).into_iter().enumerate() {
            let iri = str_of(item, "id").unwrap_or("");
            let place = if iri.is_empty() {
                format!("annotation {}", n + 1)
            } else {
                format!("annotation {iri}")
            };
            let mut problem = |flaw: Flaw| problems.push(Problem::new(&f.name, &place, flaw));
            let bodies = as_list(item.get("body"));
            let Some(kind) = bodies
                .iter()
                .find(|b| str_of(b, "purpose") == Some("tagging"))
                .and_then(|b| str_of(b, "value"))
            else {
                problem(Flaw::from("it has no tagging body, so its type is unknown; add {\"purpose\": \"tagging\", \"value\": TYPE}"));
                continue;
            };
            let motivation = str_of(item, "motivation").unwrap_or("tagging");
            let target = item.get("target");
            let relation_arg1 = target.and_then(Value::as_str);
            let targets = as_list(target);
            let source = targets
                .first()
                .and_then(|t| str_of(t, "source"))
                .or(relation_arg1);
            let doc = match relation_arg1 {
                Some(arg1) => iri_to_local.get(arg1).map(|(d, _)| *d),
                None => document_of(source, &by_source, documents.len()),
            };
            let Some(doc) = doc else {
                problem(Flaw::new(
                    Rule::MissingText,
                    format!(
                        "no text was given for its source {:?}; add that document's .txt file",
                        source.unwrap_or("")
                    ),
                ));
                continue;
            };
            let fragments = match relation_arg1 {
                Some(_) => Vec::new(),
                None => match fragments_of(&documents[doc].text, &targets) {
                    Ok(f) => f,
                    Err(flaw) => {
                        problem(flaw);
                        continue;
                    }
                },
            };
            let is_event = relation_arg1.is_none() && motivation == "linking";
            let prefix = if relation_arg1.is_some() {
                "R"
            } else if is_event {
                "E"
            } else {
                "T"
            };
            let ann = per_doc.entry(doc).or_default();
            let wanted = local_id(iri);
            // Ids given to annotations without an IRI are in `pending` only.
            let taken = |id: &str| {
                iri_to_local.values().any(|(d, l)| *d == doc && l == id)
                    || pending.iter().any(|(d, item)| *d == doc && item.id == id)
            };
            let id = if !wanted.is_empty() && wanted.starts_with(prefix) && !taken(wanted) {
                wanted.to_owned()
            } else if !iri.is_empty() && iri_to_local.contains_key(iri) {
                problem(Flaw::new(
                    Rule::DuplicateId,
                    "its id is used twice; give each annotation its own id",
                ));
                continue;
            } else {
                let mut n = ann.count() + pending.len() + 1;
                while taken(&format!("{prefix}{n}")) {
                    n += 1;
                }
                format!("{prefix}{n}")
            };
            if !iri.is_empty() {
                iri_to_local.insert(iri, (doc, id.clone()));
            }
            pending.push((
                doc,
                Item {
                    place,
                    id,
                    kind: kind.to_owned(),
                    fragments,
                    arg1: relation_arg1,
                    value: item,
                    is_event,
                },
            ));
        }
        // Second pass: now every id is known, resolve links.
        let relations: std::collections::BTreeSet<(usize, &str)> = pending
            .iter()
            .filter(|(_, item)| item.arg1.is_some())
            .map(|(d, item)| (*d, item.id.as_str()))
            .collect();
        for (doc, item) in &pending {
            let text = &documents[*doc].text;
            let bodies = Bodies::of(item.value);
            let mut resolve = |iri: &str| {
                local_target(iri, *doc, &iri_to_local, &relations)
                    .map_err(|flaw| problems.push(Problem::new(&f.name, &item.place, flaw)))
                    .ok()
            };
            place(
                item,
                text,
                bodies,
                &mut resolve,
                per_doc.entry(*doc).or_default(),
            );
        }
        settle(problems, options, &mut report)?;
        let label = str_of(&value, "label");
        for (doc, ann) in per_doc {
            let d = &mut documents[doc];
            d.annotations.mentions.extend(ann.mentions);
            d.annotations.events.extend(ann.events);
            d.annotations.relations.extend(ann.relations);
            if let Some(label) = label {
                d.meta.title = label.to_owned();
            }
        }
    }
    Ok(Imported {
        documents,
        schema: None,
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{fixtures, import as import_any, Format};
    use super::*;

    const GOLDEN: &str = include_str!("../../../tests/fixtures/formats/strike.jsonld");

    fn round_trip(doc: &Document, strict: bool) -> Result<Imported, ImportError> {
        let out = export(std::slice::from_ref(doc), &mut ExportReport::default());
        let inputs: Vec<InputFile> = out
            .iter()
            .map(|f| InputFile::new(&f.name, f.bytes.clone()))
            .collect();
        import_any(Format::W3c, &inputs, ImportOptions { strict })
    }

    #[test]
    fn swapping_any_two_lines_of_an_export_never_gives_two_annotations_one_id() {
        // Found by tests/mutations.rs: an annotation whose IRI did not fit its kind got a
        // generated id that a later annotation's IRI then claimed too.
        let doc = crate::core::format::fixtures::document();
        let mut report = ExportReport::default();
        let out = export(std::slice::from_ref(&doc), &mut report);
        let file = out.iter().find(|f| f.name.ends_with(".jsonld")).unwrap();
        let text = String::from_utf8(file.bytes.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // Lines naming an annotation or a link target: the ones whose order matters to ids.
        let iri: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains("urn:loupe:"))
            .collect();
        assert!(iri.len() > 10, "{text}");
        for (n, &a) in iri.iter().enumerate() {
            for &b in &iri[n + 1..] {
                let mut swapped = lines.clone();
                swapped.swap(a, b);
                let files = [
                    InputFile::new(
                        &format!("{}.txt", file.name.trim_end_matches(".jsonld")),
                        doc.text.as_str(),
                    ),
                    InputFile::new(&file.name, swapped.join("\n")),
                ];
                if let Ok(back) = import(&files, ImportOptions::default()) {
                    for d in &back.documents {
                        let r = crate::core::validate::validate(&d.text, &d.annotations, None);
                        assert!(!r.has_errors(), "lines {a} and {b}: {:?}", r.issues);
                    }
                }
            }
        }
    }

    #[test]
    fn an_annotation_with_an_empty_target_list_is_named_and_left_out() {
        // Found by tests/mutations.rs: `"target": []` gave a mention with no fragment.
        let json = serde_json::json!({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
            "id": "#T1", "body": {"type": "TextualBody", "purpose": "tagging", "value": "GPE"},
            "target": []});
        let files = [
            InputFile::new("x.txt", "Kyiv"),
            InputFile::new("x.jsonld", json.to_string()),
        ];
        let out = import(&files, ImportOptions::default()).unwrap();
        assert!(out.documents[0].annotations.mentions.is_empty());
        assert!(
            out.report.skipped[0].message.contains("selects no text"),
            "{:?}",
            out.report
        );
        assert!(import(&files, ImportOptions { strict: true }).is_err());
    }

    /// Every object key under `value`, except `@context` itself.
    fn keys<'v>(value: &'v Value, out: &mut std::collections::BTreeSet<&'v str>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter().filter(|(k, _)| *k != "@context") {
                    out.insert(k);
                    keys(v, out);
                }
            }
            Value::Array(list) => list.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_key_written_has_a_term_in_the_context_so_json_ld_keeps_it() {
        // The W3C context as published (http://www.w3.org/ns/anno.jsonld).
        let w3c: Value =
            serde_json::from_str(include_str!("../../../tests/interop/anno.jsonld")).unwrap();
        let page = page(&fixtures::document(), &mut ExportReport::default());
        assert_eq!(page["@context"][0], CONTEXT);
        let extra = &page["@context"][1];
        let mut written = std::collections::BTreeSet::new();
        keys(&page, &mut written);
        assert!(written.contains("role"));
        for key in written {
            assert!(
                w3c["@context"].get(key).is_some() || extra.get(key).is_some(),
                "{key:?} has no term: a JSON-LD expansion drops it"
            );
        }
    }

    #[test]
    fn golden_page_with_quote_and_code_point_position_selectors() {
        let mut report = ExportReport::default();
        let out = export(&[fixtures::document()], &mut report);
        assert_eq!(out[1].name, "Strike-report.jsonld");
        assert_eq!(String::from_utf8(out[1].bytes.clone()).unwrap(), GOLDEN);
        assert!(report.is_lossless());
    }

    #[test]
    fn loupe_to_w3c_to_loupe_is_identical() {
        let doc = fixtures::document();
        let back = round_trip(&doc, true).unwrap();
        assert!(back.report.skipped.is_empty());
        assert_eq!(back.documents, vec![doc]);
    }

    #[test]
    fn a_quote_that_disagrees_with_the_position_names_both_strings() {
        let bad = GOLDEN.replacen(
            "\"exact\": \"Russian forces\"",
            "\"exact\": \"Russian troops\"",
            1,
        );
        let inputs = [
            InputFile::new("s.txt", fixtures::TEXT),
            InputFile::new("s.jsonld", bad),
        ];
        let err = import_any(Format::W3c, &inputs, ImportOptions { strict: true }).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("annotation urn:loupe:") && msg.contains(":T1:"),
            "{msg}"
        );
        assert!(
            msg.contains("\"Russian troops\"")
                && msg.contains("\"Russian forces\"")
                && msg.contains("2–16"),
            "{msg}"
        );
        // Lenient: the mention is skipped, and so are the links that needed it.
        let lenient = import_any(Format::W3c, &inputs, ImportOptions::default()).unwrap();
        assert!(lenient.documents[0].annotations.mention("T1").is_none());
        assert_eq!(
            lenient.report.skipped.len(),
            3,
            "{:?}",
            lenient.report.skipped
        );
    }

    #[test]
    fn a_quote_selector_alone_finds_its_occurrence_by_context() {
        let text = "Kyiv said Kyiv.";
        let page = json!({"type": "Annotation", "body": {"type": "TextualBody", "purpose": "tagging", "value": "GPE"},
            "target": {"source": "x", "selector": {"type": "TextQuoteSelector", "exact": "Kyiv", "prefix": "said ", "suffix": "."}}});
        let back = import_any(
            Format::W3c,
            &[
                InputFile::new("k.txt", text),
                InputFile::new("k.json", page.to_string()),
            ],
            ImportOptions { strict: true },
        )
        .unwrap();
        assert_eq!(
            back.documents[0].annotations.mentions[0].fragments,
            vec![Span::new(10, 14)]
        );
    }

    #[test]
    fn a_source_without_its_text_is_reported() {
        let inputs = [
            InputFile::new("a.txt", "one"),
            InputFile::new("b.txt", "two"),
            InputFile::new("s.jsonld", GOLDEN),
        ];
        let err = import_any(Format::W3c, &inputs, ImportOptions { strict: true }).unwrap_err();
        assert!(
            err.to_string().contains("no text was given for its source"),
            "{err}"
        );
    }
}
