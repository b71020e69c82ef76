//! brat standoff: a `.txt` and an `.ann` per document, plus `annotation.conf`,
//! `visual.conf` and `kb_shortcuts.conf` for the schema.
//!
//! Export renumbers every id in one fixed order, so a file Loupe wrote comes back byte
//! for byte through import and export: T lines for the mentions (in document order) and
//! then for the event triggers (events with the same type and trigger share one T, as in
//! brat), then E, R, `*` (one per coreference cluster), A, N and `#` lines. A repeated
//! role is numbered (`Target`, `Target2`). Offsets are code points, like brat's server
//! (brat's own client counts UTF-16 units, which Loupe does not copy).
//!
//! Import reads `.txt`/`.ann` pairs by file stem and an optional `annotation.conf` (with
//! `visual.conf` and `kb_shortcuts.conf`) as the schema. Every T line's offsets must lie in
//! its text and its quoted text must match; every reference must resolve.
//!
//! ```
//! use loupe::core::format::brat;
//! use loupe::core::format::ExportReport;
//! use loupe::core::model::Document;
//! let mut doc = Document::new("d", "Sony sold");
//! let ann = "T1\tORG 0 4\tSony\n";
//! brat::read_ann("d.ann", &doc.text, ann, None, &mut Vec::new()).map(|a| doc.annotations = a).unwrap();
//! assert_eq!(brat::write_ann(&doc, &mut ExportReport::default()), ann);
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use super::{
    check_fragments, file_stem, indexed_text, settle, ExportReport, Flaw, ImportError,
    ImportOptions, ImportReport, Imported, InputFile, OutFile, Problem,
};
use crate::core::model::{
    title_from_file_stem, Annotations, Argument, AttrValue, Document, Entity, Event, Mention,
    Normalization, Relation, Span,
};
use crate::core::offsets::OffsetIndex;
use crate::core::schema::{Schema, SchemaError};
use crate::core::validate::Rule;

/// The corpus as brat files: the three configuration files, then `.txt` and `.ann` pairs.
pub fn export(documents: &[Document], schema: &Schema, report: &mut ExportReport) -> Vec<OutFile> {
    let conf = schema.to_brat();
    report_schema_losses(schema, report);
    let mut files = vec![
        OutFile::text("annotation.conf", conf.annotation),
        OutFile::text("visual.conf", conf.visual),
        OutFile::text("kb_shortcuts.conf", conf.kb_shortcuts),
    ];
    let mut used = BTreeSet::new();
    for doc in documents {
        let stem = file_stem(doc, &mut used);
        files.push(OutFile::text(format!("{stem}.txt"), doc.text.clone()));
        files.push(OutFile::text(format!("{stem}.ann"), write_ann(doc, report)));
    }
    files
}

/// What of the schema `annotation.conf` cannot hold: descriptions, examples, the
/// guidelines document and the version live only in loupe schema JSON.
fn report_schema_losses(schema: &Schema, report: &mut ExportReport) {
    const WHY: &str = "brat's annotation.conf has no place for them; export the schema as \
                       loupe schema JSON to keep them";
    let (descriptions, examples, guidelines) = schema.guide_counts();
    report.drop("schema descriptions", WHY, descriptions);
    report.drop("schema examples", WHY, examples);
    report.drop("schema guidelines documents", WHY, usize::from(guidelines));
    report.drop(
        "schema versions",
        WHY,
        usize::from(!schema.version.is_empty()),
    );
}

/// brat's span syntax: `0 4;10 15`.
fn offsets(fragments: &[Span]) -> String {
    fragments
        .iter()
        .map(|f| format!("{} {}", f.start, f.end))
        .collect::<Vec<_>>()
        .join(";")
}

/// A field of a tab-separated line cannot hold a tab or a line break.
fn one_line(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// brat names an event type by its subtype (`Attack`); the category (`Conflict`) is a `!`
/// group in `annotation.conf`, and a colon would break the `TYPE:TRIGGER` syntax.
fn brat_event_type(kind: &str) -> &str {
    kind.rsplit(':').next().unwrap_or(kind)
}

/// The schema's full name for a brat event type: `Attack` → `Conflict:Attack`.
fn full_event_type(kind: &str, schema: Option<&Schema>) -> String {
    schema
        .and_then(|s| {
            s.event_types
                .iter()
                .find(|t| t.name == kind || t.subtype() == kind)
        })
        .map_or_else(|| kind.to_owned(), |t| t.name.clone())
}

/// Give brat's bare event types (`Attack`) their schema names (`Conflict:Attack`), for
/// `.ann` files read without their `annotation.conf`.
pub fn qualify_event_types(documents: &mut [Document], schema: &Schema) {
    for e in documents
        .iter_mut()
        .flat_map(|d| d.annotations.events.iter_mut())
    {
        e.kind = full_event_type(&e.kind, Some(schema));
    }
}

/// One document's `.ann` file.
pub fn write_ann(doc: &Document, report: &mut ExportReport) -> String {
    let ann = &doc.annotations;
    let mut out = String::new();
    let mut ids: HashMap<&str, String> = HashMap::new();
    let mut t = 0;
    for m in &ann.mentions {
        t += 1;
        ids.insert(&m.id, format!("T{t}"));
        let _ = writeln!(
            out,
            "T{t}\t{} {}\t{}",
            m.kind,
            offsets(&m.fragments),
            one_line(&m.text)
        );
    }
    // Triggers: one T per (type, span), shared by the events on it.
    let mut triggers: HashMap<(&str, &[Span]), String> = HashMap::new();
    let mut trigger_of = Vec::with_capacity(ann.events.len());
    for (n, e) in ann.events.iter().enumerate() {
        ids.insert(&e.id, format!("E{}", n + 1));
        let key = (e.kind.as_str(), e.trigger.as_slice());
        let tid = match triggers.get(&key) {
            Some(tid) => tid.clone(),
            None => {
                t += 1;
                let tid = format!("T{t}");
                let _ = writeln!(
                    out,
                    "{tid}\t{} {}\t{}",
                    brat_event_type(&e.kind),
                    offsets(&e.trigger),
                    one_line(&e.trigger_text)
                );
                triggers.insert(key, tid.clone());
                tid
            }
        };
        trigger_of.push(tid);
    }
    for (n, r) in ann.relations.iter().enumerate() {
        ids.insert(&r.id, format!("R{}", n + 1));
    }
    for (n, e) in ann.events.iter().enumerate() {
        let _ = write!(
            out,
            "E{}\t{}:{}",
            n + 1,
            brat_event_type(&e.kind),
            trigger_of[n]
        );
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for a in &e.arguments {
            let target = ids.get(a.target.as_str()).filter(|id| !id.starts_with('R'));
            let Some(target) = target else {
                report.drop(
                    "event arguments",
                    "brat arguments must be mentions or events",
                    1,
                );
                continue;
            };
            let k = seen.entry(&a.role).or_default();
            *k += 1;
            let suffix = if *k == 1 {
                String::new()
            } else {
                k.to_string()
            };
            let _ = write!(out, " {}{suffix}:{target}", a.role);
        }
        out.push('\n');
    }
    for (n, r) in ann.relations.iter().enumerate() {
        match (ids.get(r.arg1.as_str()), ids.get(r.arg2.as_str())) {
            (Some(a1), Some(a2)) => {
                let _ = writeln!(out, "R{}\t{} Arg1:{a1} Arg2:{a2}", n + 1, r.kind);
            }
            _ => report.drop(
                "relations",
                "an argument is neither a mention nor an event",
                1,
            ),
        }
    }
    write_clusters(ann, &ids, &mut out, report);
    write_attached(ann, &ids, &mut out, report);
    report.drop(
        "event coreference links",
        "brat has no event coreference",
        ann.events.iter().filter(|e| e.coref.is_some()).count(),
    );
    report.drop(
        "document labels",
        "brat has no document labels",
        ann.labels.values().map(Vec::len).sum(),
    );
    out
}

/// The entities as `*` Equiv lines (`ids` gives each annotation's brat id).
fn write_clusters(
    ann: &Annotations,
    ids: &HashMap<&str, String>,
    out: &mut String,
    report: &mut ExportReport,
) {
    for entity in &ann.entities {
        let members: Vec<&str> = ann
            .members(&entity.id)
            .filter_map(|m| ids.get(m.id.as_str()).map(String::as_str))
            .collect();
        if members.len() < 2 {
            report.drop(
                "coreference clusters",
                "brat's Equiv needs at least two mentions",
                1,
            );
            continue;
        }
        let _ = writeln!(out, "*\tEquiv {}", members.join(" "));
        if entity.note.is_some() || entity.normalization.is_some() || !entity.attributes.is_empty()
        {
            report.drop(
                "cluster notes, links and attributes",
                "brat's Equiv lines carry none",
                1,
            );
        }
    }
}

/// The attributes (`A`), normalisations (`N`) and notes (`#`) of the annotations.
fn write_attached(
    ann: &Annotations,
    ids: &HashMap<&str, String>,
    out: &mut String,
    report: &mut ExportReport,
) {
    // Attributes of mentions, events and relations, in that order.
    let mut a = 0;
    let attributed = ann
        .mentions
        .iter()
        .map(|m| (&m.id, &m.attributes))
        .chain(ann.events.iter().map(|e| (&e.id, &e.attributes)))
        .chain(ann.relations.iter().map(|r| (&r.id, &r.attributes)));
    for (id, attributes) in attributed {
        for (name, value) in attributes {
            match value {
                AttrValue::Flag(true) => {
                    a += 1;
                    let _ = writeln!(out, "A{a}\t{name} {}", ids[id.as_str()]);
                }
                // An absent binary attribute is false: nothing to write.
                AttrValue::Flag(false) => {}
                AttrValue::Value(v) => {
                    a += 1;
                    let _ = writeln!(out, "A{a}\t{name} {} {v}", ids[id.as_str()]);
                }
            }
        }
    }
    let mut n = 0;
    for m in &ann.mentions {
        if let Some(norm) = &m.normalization {
            n += 1;
            let _ = writeln!(
                out,
                "N{n}\tReference {} {}:{}\t{}",
                ids[m.id.as_str()],
                norm.resource,
                norm.id,
                one_line(&norm.label)
            );
        }
    }
    let notes = ann
        .mentions
        .iter()
        .map(|m| (&m.id, &m.note))
        .chain(ann.events.iter().map(|e| (&e.id, &e.note)));
    let mut k = 0;
    for (id, note) in notes {
        if let Some(note) = note {
            k += 1;
            if note.contains(['\n', '\r', '\t']) {
                report.drop(
                    "line breaks in notes",
                    "a brat note is one line (written as spaces)",
                    1,
                );
            }
            let _ = writeln!(
                out,
                "#{k}\tAnnotatorNotes {}\t{}",
                ids[id.as_str()],
                one_line(note)
            );
        }
    }
}

/// Import brat files: `.txt`/`.ann` pairs and an optional `annotation.conf` (with
/// `visual.conf` and `kb_shortcuts.conf`).
pub fn import(files: &[InputFile], options: ImportOptions) -> Result<Imported, ImportError> {
    let conf = |name: &str| -> Result<Option<&str>, ImportError> {
        files
            .iter()
            .find(|f| f.base_name() == name)
            .map(InputFile::utf8)
            .transpose()
    };
    let schema = match conf("annotation.conf")? {
        Some(annotation) => Some(
            Schema::from_brat(
                annotation,
                conf("visual.conf")?.unwrap_or(""),
                conf("kb_shortcuts.conf")?.unwrap_or(""),
            )
            .map_err(|e: SchemaError| ImportError::Malformed {
                file: "annotation.conf".into(),
                place: "schema".into(),
                message: e.to_string(),
            })?,
        ),
        None => None,
    };
    let mut texts: BTreeMap<&str, &InputFile> = BTreeMap::new();
    let mut anns: BTreeMap<&str, &InputFile> = BTreeMap::new();
    let mut report = ImportReport::default();
    for f in files {
        let base = f.base_name();
        if base.ends_with(".txt") {
            texts.insert(f.stem(), f);
        } else if base.ends_with(".ann") {
            anns.insert(f.stem(), f);
        } else if !base.ends_with(".conf") {
            report.skipped.push(Problem::new(
                &f.name,
                "file",
                Flaw::new(
                    Rule::NotInFormat,
                    "not a brat file (.txt, .ann or .conf); it was left out",
                ),
            ));
        }
    }
    if let Some((stem, ann)) = anns.iter().find(|(stem, _)| !texts.contains_key(*stem)) {
        return Err(ImportError::Missing {
            file: ann.name.clone(),
            message: format!("its text {stem}.txt is missing; add it beside the .ann file"),
        });
    }
    let mut documents = Vec::with_capacity(texts.len());
    for (stem, txt) in texts {
        let text = txt.utf8()?;
        let mut doc = Document::new(&title_from_file_stem(stem), text);
        if let Some(ann_file) = anns.get(stem) {
            let mut problems = Vec::new();
            doc.annotations = read_ann(
                &ann_file.name,
                text,
                ann_file.utf8()?,
                schema.as_ref(),
                &mut problems,
            )?;
            settle(problems, options, &mut report)?;
        }
        documents.push(doc);
    }
    Ok(Imported {
        documents,
        schema,
        report,
    })
}

/// One parsed line, before references are resolved.
enum Line<'a> {
    Text {
        id: &'a str,
        kind: &'a str,
        fragments: Vec<Span>,
    },
    Event {
        id: &'a str,
        kind: &'a str,
        trigger: &'a str,
        args: Vec<(&'a str, &'a str)>,
    },
    Relation {
        id: &'a str,
        kind: &'a str,
        arg1: &'a str,
        arg2: &'a str,
    },
    Equiv(Vec<&'a str>),
    Attribute {
        name: &'a str,
        target: &'a str,
        value: Option<&'a str>,
    },
    Norm {
        target: &'a str,
        resource: &'a str,
        id: &'a str,
        label: &'a str,
    },
    Note {
        target: &'a str,
        note: &'a str,
    },
}

fn parse_fragments(spec: &[&str]) -> Result<Vec<Span>, String> {
    spec.join(" ")
        .split(';')
        .map(|pair| {
            let nums: Vec<&str> = pair.split_whitespace().collect();
            match nums.as_slice() {
                [s, e] => match (s.parse::<usize>(), e.parse::<usize>()) {
                    (Ok(s), Ok(e)) => Ok(Span::new(s, e)),
                    _ => Err(format!("{pair:?} is not two whole-number offsets")),
                },
                _ => Err(format!("{pair:?} is not a \"start end\" pair")),
            }
        })
        .collect()
}

fn parse_line<'a>(
    line: &'a str,
    text: &str,
    index: &OffsetIndex,
) -> Result<(Option<&'a str>, Line<'a>), Flaw> {
    let fields: Vec<&str> = line.splitn(3, '\t').collect();
    if fields.len() < 2 {
        return Err(Flaw::from(
            "it has no tab after the id; brat lines are ID<TAB>annotation",
        ));
    }
    let id = fields[0];
    let words: Vec<&str> = fields[1].split(' ').filter(|w| !w.is_empty()).collect();
    let third = fields.get(2).copied();
    let need = |n: usize, what: &str| {
        if words.len() < n {
            Err(format!("it is incomplete: expected {what}"))
        } else {
            Ok(())
        }
    };
    let line = match id.chars().next() {
        Some('T') => {
            need(3, "TYPE START END")?;
            let fragments = parse_fragments(&words[1..])?;
            let quoted = third.ok_or("it has no quoted text after the offsets")?;
            check_fragments(text, index, &fragments, Some(quoted))?;
            Line::Text {
                id,
                kind: words[0],
                fragments,
            }
        }
        Some('E') => {
            need(1, "TYPE:TRIGGER")?;
            let pair = |w: &'a str| {
                w.rsplit_once(':')
                    .ok_or_else(|| format!("{w:?} is not ROLE:ID"))
            };
            let (kind, trigger) = pair(words[0])?;
            let args = words[1..]
                .iter()
                .map(|w| pair(w))
                .collect::<Result<_, _>>()?;
            Line::Event {
                id,
                kind,
                trigger,
                args,
            }
        }
        Some('R') => {
            need(3, "TYPE Arg1:ID Arg2:ID")?;
            let arg = |w: &'a str| {
                w.split_once(':')
                    .map(|(_, id)| id)
                    .ok_or_else(|| format!("{w:?} is not ROLE:ID"))
            };
            Line::Relation {
                id,
                kind: words[0],
                arg1: arg(words[1])?,
                arg2: arg(words[2])?,
            }
        }
        Some('*') => {
            need(3, "Equiv ID ID")?;
            Line::Equiv(words[1..].to_vec())
        }
        Some('A') | Some('M') => {
            need(2, "NAME ID")?;
            Line::Attribute {
                name: words[0],
                target: words[1],
                value: words.get(2).copied(),
            }
        }
        Some('N') => {
            need(3, "Reference ID RESOURCE:ID")?;
            let (resource, nid) = words[2]
                .split_once(':')
                .ok_or_else(|| format!("{:?} is not RESOURCE:ID", words[2]))?;
            Line::Norm {
                target: words[1],
                resource,
                id: nid,
                label: third.unwrap_or(""),
            }
        }
        Some('#') => {
            need(2, "AnnotatorNotes ID")?;
            Line::Note {
                target: words[1],
                note: third.unwrap_or(""),
            }
        }
        _ => {
            return Err(Flaw::from(format!(
                "{id:?} is not a brat id (T, E, R, *, A, M, N or #)"
            )))
        }
    };
    let id = (!id.starts_with('*')).then_some(id);
    Ok((id, line))
}

/// A role as written, without brat's repeat number: `Target2` → `Target`.
fn base_role<'a>(role: &'a str, kind: &str, schema: Option<&Schema>) -> &'a str {
    let known = schema
        .and_then(|s| s.event_type(kind))
        .is_some_and(|t| t.role(role).is_some());
    let base = role.trim_end_matches(|c: char| c.is_ascii_digit());
    if known || base.is_empty() {
        role
    } else {
        base
    }
}

/// A `.ann` file being read: its text, the schema it is read with, and where its
/// problems go, each with its line number.
struct Reader<'p> {
    file: &'p str,
    text: &'p str,
    index: OffsetIndex,
    schema: Option<&'p Schema>,
    problems: &'p mut Vec<Problem>,
}

impl Reader<'_> {
    fn report(&mut self, line: usize, rule: Rule, message: String) {
        self.problems.push(Problem::new(
            self.file,
            format!("line {line}"),
            Flaw::new(rule, message),
        ));
    }

    fn missing(&mut self, line: usize, what: &str, id: &str) {
        self.report(
            line,
            Rule::MissingTarget,
            format!("{what}: it refers to {id}, which is not in the file or was skipped; add {id} or remove the reference"),
        );
    }
}

/// The lines of a `.ann` file that parse, with their numbers; a line that does not, or
/// that reuses an id, is a problem.
fn parse_lines<'a>(ann: &'a str, report: &mut Reader) -> Vec<(usize, Line<'a>)> {
    let mut lines = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, raw) in ann.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() {
            continue;
        }
        match parse_line(raw, report.text, &report.index) {
            Ok((Some(id), _)) if !seen.insert(id) => report.report(
                n + 1,
                Rule::DuplicateId,
                format!("the id {id} is used twice; give each annotation its own id"),
            ),
            Ok((_, line)) => lines.push((n + 1, line)),
            Err(flaw) => {
                let id = raw.split('\t').next().unwrap_or("");
                report.report(n + 1, flaw.rule, format!("{id}: {}", flaw.message));
            }
        }
    }
    lines
}

/// What an id in a `.ann` file refers to: a mention, an event, or (for a trigger's T) the
/// event on that trigger.
struct Resolver<'a> {
    mentions: BTreeSet<String>,
    events: BTreeSet<&'a str>,
    event_on: HashMap<&'a str, &'a str>,
}

impl Resolver<'_> {
    fn resolve(&self, id: &str) -> Option<String> {
        if self.mentions.contains(id) || self.events.contains(id) {
            Some(id.to_owned())
        } else {
            self.event_on.get(id).map(|e| (*e).to_owned())
        }
    }
}

/// Read one `.ann` file over its text. Lines that cannot be applied go to `problems`
/// (with their line number); the caller decides whether the rest is kept.
pub fn read_ann(
    file: &str,
    text: &str,
    ann: &str,
    schema: Option<&Schema>,
    problems: &mut Vec<Problem>,
) -> Result<Annotations, ImportError> {
    let mut report = Reader {
        file,
        text,
        index: OffsetIndex::new(text),
        schema,
        problems,
    };
    let lines = parse_lines(ann, &mut report);
    // Which T ids are triggers: they become events, not mentions.
    let triggers: BTreeSet<&str> = lines
        .iter()
        .filter_map(|(_, l)| match l {
            Line::Event { trigger, .. } => Some(*trigger),
            _ => None,
        })
        .collect();
    let mut out = Annotations::default();
    let mut spans: HashMap<&str, &[Span]> = HashMap::new();
    for (_, line) in &lines {
        if let Line::Text {
            id,
            kind,
            fragments,
        } = line
        {
            spans.insert(id, fragments);
            if !triggers.contains(id) {
                out.mentions.push(Mention {
                    id: (*id).to_owned(),
                    kind: (*kind).to_owned(),
                    text: indexed_text(text, &report.index, fragments).unwrap_or_default(),
                    fragments: fragments.clone(),
                    attributes: BTreeMap::new(),
                    normalization: None,
                    note: None,
                    entity: None,
                });
            }
        }
    }
    // A reference to a trigger's T means the event on it. An event whose trigger is
    // missing is skipped below, so nothing may resolve to it.
    let mut event_on: HashMap<&str, &str> = HashMap::new();
    let events: BTreeSet<&str> = lines
        .iter()
        .filter_map(|(_, l)| match l {
            Line::Event { id, trigger, .. } if spans.contains_key(trigger) => {
                event_on.entry(trigger).or_insert(id);
                Some(*id)
            }
            _ => None,
        })
        .collect();
    let ids = Resolver {
        mentions: out.mentions.iter().map(|m| m.id.clone()).collect(),
        events,
        event_on,
    };
    let fragments_of = |id: &str| spans.get(id).copied();
    for (n, line) in &lines {
        match line {
            Line::Event { .. } => {
                if let Some(event) = read_event(*n, line, &fragments_of, &ids, &mut report) {
                    out.events.push(event);
                }
            }
            Line::Relation { .. } => {
                if let Some(relation) = read_relation(*n, line, &ids, &mut report) {
                    out.relations.push(relation);
                }
            }
            _ => {}
        }
    }
    // Everything below attaches to what now exists.
    for (n, line) in &lines {
        attach(*n, line, &ids, &mut out, &mut report);
    }
    Ok(out)
}

/// An `E` line as an event; a missing trigger drops it, a missing argument is left out.
fn read_event<'a>(
    n: usize,
    line: &Line,
    fragments_of: &impl Fn(&str) -> Option<&'a [Span]>,
    ids: &Resolver,
    report: &mut Reader,
) -> Option<Event> {
    let schema = report.schema;
    let Line::Event {
        id,
        kind,
        trigger,
        args,
    } = line
    else {
        return None;
    };
    let Some(fragments) = fragments_of(trigger) else {
        report.missing(n, id, trigger);
        return None;
    };
    let kind = full_event_type(kind, schema);
    let mut arguments = Vec::new();
    for (role, target) in args {
        match ids.resolve(target) {
            Some(target) => arguments.push(Argument {
                role: base_role(role, &kind, schema).to_owned(),
                target,
            }),
            None => report.missing(n, id, target),
        }
    }
    Some(Event {
        id: (*id).to_owned(),
        kind,
        trigger: fragments.to_vec(),
        trigger_text: indexed_text(report.text, &report.index, fragments).unwrap_or_default(),
        arguments,
        attributes: BTreeMap::new(),
        note: None,
        coref: None,
    })
}

/// An `R` line as a relation; one with a missing argument is dropped.
fn read_relation(n: usize, line: &Line, ids: &Resolver, report: &mut Reader) -> Option<Relation> {
    let Line::Relation {
        id,
        kind,
        arg1,
        arg2,
    } = line
    else {
        return None;
    };
    match (ids.resolve(arg1), ids.resolve(arg2)) {
        (Some(arg1), Some(arg2)) => Some(Relation {
            id: (*id).to_owned(),
            kind: (*kind).to_owned(),
            arg1,
            arg2,
            attributes: BTreeMap::new(),
        }),
        (a1, _) => {
            let bad = if a1.is_none() { arg1 } else { arg2 };
            report.missing(n, id, bad);
            None
        }
    }
}

/// Attach an `*` (Equiv), `A`, `N` or `#` line to the annotations it is about.
fn attach(n: usize, line: &Line, ids: &Resolver, out: &mut Annotations, report: &mut Reader) {
    match line {
        Line::Equiv(members) => {
            let bad = members
                .iter()
                .find(|m| out.mention(m).is_none_or(|m| m.entity.is_some()));
            if let Some(bad) = bad {
                report.report(
                    n,
                    Rule::MissingTarget,
                    format!("*: {bad} is not a mention, or is already in another Equiv set; each mention can be in one set"),
                );
                return;
            }
            let cid = out.next_id("C");
            let first = out.mention(members[0]).expect("checked above").clone();
            for m in out
                .mentions
                .iter_mut()
                .filter(|m| members.contains(&m.id.as_str()))
            {
                m.entity = Some(cid.clone());
            }
            out.entities.push(Entity {
                id: cid,
                name: first.text,
                kind: first.kind,
                normalization: None,
                attributes: BTreeMap::new(),
                note: None,
            });
        }
        Line::Attribute {
            name,
            target,
            value,
        } => {
            let value = value.map_or(AttrValue::Flag(true), |v| AttrValue::Value(v.to_string()));
            let target = ids.resolve(target).unwrap_or_else(|| (*target).to_owned());
            let attrs = if let Some(m) = out.mentions.iter_mut().find(|m| m.id == target) {
                &mut m.attributes
            } else if let Some(e) = out.events.iter_mut().find(|e| e.id == target) {
                &mut e.attributes
            } else if let Some(r) = out.relations.iter_mut().find(|r| r.id == target) {
                &mut r.attributes
            } else {
                report.missing(n, name, &target);
                return;
            };
            attrs.insert((*name).to_owned(), value);
        }
        Line::Norm {
            target,
            resource,
            id,
            label,
        } => match out.mentions.iter_mut().find(|m| m.id == *target) {
            Some(m) => {
                m.normalization = Some(Normalization {
                    resource: (*resource).to_owned(),
                    id: (*id).to_owned(),
                    label: (*label).to_owned(),
                })
            }
            None => report.missing(n, "normalisation", target),
        },
        Line::Note { target, note } => {
            let target = ids.resolve(target).unwrap_or_else(|| (*target).to_owned());
            let slot = if let Some(m) = out.mentions.iter_mut().find(|m| m.id == target) {
                &mut m.note
            } else if let Some(e) = out.events.iter_mut().find(|e| e.id == target) {
                &mut e.note
            } else {
                report.missing(n, "note", &target);
                return;
            };
            *slot = Some((*note).to_owned());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fixtures, import as import_any, Format};
    use super::*;

    const GOLDEN: &str = include_str!("../../../tests/fixtures/formats/strike.ann");

    fn files(out: &[OutFile]) -> Vec<InputFile> {
        out.iter()
            .map(|f| InputFile::new(&f.name, f.bytes.clone()))
            .collect()
    }

    #[test]
    fn exporting_a_guided_schema_names_what_annotation_conf_leaves_out() {
        let guided = crate::core::schema::guided_fixture();
        let mut report = ExportReport::default();
        let out = export(&[fixtures::document()], &guided, &mut report);
        let lines = report.lines();
        for expected in [
            "4 schema descriptions dropped: brat's annotation.conf has no place for them",
            "4 schema examples dropped",
            "1 schema guidelines documents dropped",
            "1 schema versions dropped",
        ] {
            assert!(
                lines.iter().any(|l| l.starts_with(expected)),
                "{expected}: {lines:?}"
            );
        }
        // Everything else of the schema comes back.
        let back = import_any(Format::Brat, &files(&out), ImportOptions { strict: true }).unwrap();
        let mut plain = guided.clone();
        plain.version.clear();
        plain.guidelines.clear();
        for t in &mut plain.entity_types {
            t.guide = Default::default();
        }
        for e in &mut plain.event_types {
            e.guide = Default::default();
            e.roles
                .iter_mut()
                .for_each(|r| r.guide = Default::default());
        }
        plain
            .relation_types
            .iter_mut()
            .for_each(|r| r.guide = Default::default());
        plain
            .attributes
            .iter_mut()
            .for_each(|a| a.guide = Default::default());
        assert_eq!(back.schema, Some(plain));
        // A schema without guides loses nothing of itself.
        let mut report = ExportReport::default();
        export(&[], &Schema::ace2005(), &mut report);
        assert!(report.is_lossless(), "{:?}", report.lines());
    }

    #[test]
    fn nothing_resolves_to_an_event_whose_trigger_is_missing() {
        // Found by tests/mutations.rs: E1's trigger T9 is not in the file, so E1 is left
        // out; R1's Arg1 named E1 through the trigger and pointed at nothing.
        let text = "Sony sells in Kyiv.";
        let ann = "T1\tORG 0 4\tSony\nT2\tGPE 14 18\tKyiv\nE1\tAttack:T9 Target:T2\nR1\tPART-WHOLE Arg1:T9 Arg2:T2\nR2\tPART-WHOLE Arg1:E1 Arg2:T2\n";
        let files = [InputFile::new("a.txt", text), InputFile::new("a.ann", ann)];
        let out = import(&files, ImportOptions::default()).unwrap();
        let doc = &out.documents[0];
        assert!(doc.annotations.events.is_empty());
        assert!(doc.annotations.relations.is_empty());
        assert_eq!(out.report.skipped.len(), 3, "{:?}", out.report.skipped);
        let report = crate::core::validate::validate(&doc.text, &doc.annotations, None);
        assert!(!report.has_errors(), "{:?}", report.issues);
    }

    #[test]
    fn the_exported_conf_allows_nesting_and_declares_equiv_and_reads_back_the_same() {
        // brat's checker refuses nested spans ("PER cannot be contained in ORG") unless
        // annotation.conf allows them, and `*` Equiv lines need Equiv declared.
        let schema = Schema::ace2005();
        let out = export(
            &[fixtures::document()],
            &schema,
            &mut ExportReport::default(),
        );
        let conf = String::from_utf8(out[0].bytes.clone()).unwrap();
        assert_eq!(out[0].name, "annotation.conf");
        let relations = conf.split("[relations]").nth(1).unwrap();
        let relations = relations.split("[events]").next().unwrap();
        assert!(
            relations
                .lines()
                .any(|l| l == crate::core::schema::BRAT_OVERLAP),
            "{conf}"
        );
        assert!(
            relations
                .lines()
                .any(|l| l == crate::core::schema::BRAT_EQUIV),
            "{conf}"
        );
        for section in ["[entities]", "[relations]", "[events]", "[attributes]"] {
            assert!(conf.contains(section), "{section}");
        }
        let back = import_any(Format::Brat, &files(&out), ImportOptions { strict: true }).unwrap();
        assert_eq!(back.schema, Some(schema));
    }

    #[test]
    fn a_brat_folder_without_a_conf_gets_a_schema_inferred_that_its_annotations_fit() {
        let text = "Russia struck Kyiv.";
        let ann = "T1\tGPE 0 6\tRussia\nT2\tAttack 7 13\tstruck\nT3\tGPE 14 18\tKyiv\nE1\tAttack:T2 Attacker:T1 Target:T3\n";
        let files = [InputFile::new("a.txt", text), InputFile::new("a.ann", ann)];
        let out = import_any(Format::Brat, &files, ImportOptions { strict: true }).unwrap();
        let schema = out.schema.expect("an inferred schema");
        assert!(
            out.report.notes[0].contains("inferred"),
            "{:?}",
            out.report.notes
        );
        assert!(schema.event_type("Attack").is_some());
        let doc = &out.documents[0];
        let report = crate::core::validate::validate(&doc.text, &doc.annotations, Some(&schema));
        assert!(!report.has_errors(), "{:?}", report.issues);
    }

    #[test]
    fn golden_ann_carries_every_line_kind() {
        let mut report = ExportReport::default();
        let ann = write_ann(&fixtures::document(), &mut report);
        assert_eq!(ann, GOLDEN);
        assert!(report.is_lossless(), "{:?}", report.lines());
    }

    #[test]
    fn brat_to_loupe_to_brat_reproduces_the_ann_exactly() {
        let doc = fixtures::document();
        let mut problems = Vec::new();
        let ace = Schema::ace2005();
        let ann = read_ann("strike.ann", &doc.text, GOLDEN, Some(&ace), &mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let back = Document {
            annotations: ann,
            ..doc.clone()
        };
        assert_eq!(write_ann(&back, &mut ExportReport::default()), GOLDEN);
        // What brat carries survives: roles lose their repeat number, triggers are events.
        assert_eq!(back.annotations.events, doc.annotations.events);
        assert_eq!(back.annotations.mentions, doc.annotations.mentions);
        assert_eq!(back.annotations.relations, doc.annotations.relations);
    }

    #[test]
    fn ids_are_renumbered_consistently_from_a_foreign_file() {
        let text = "Sony struck Kyiv.";
        let ann = "T9\tAttack 5 11\tstruck\nT4\tORG 0 4\tSony\nT2\tGPE 12 16\tKyiv\nE7\tAttack:T9 Attacker:T4 Target:T2\nA3\tNegated E7\n";
        let mut problems = Vec::new();
        let mut doc = Document::new("x", text);
        doc.annotations = read_ann("x.ann", text, ann, None, &mut problems).unwrap();
        assert!(problems.is_empty());
        assert_eq!(
            write_ann(&doc, &mut ExportReport::default()),
            "T1\tORG 0 4\tSony\nT2\tGPE 12 16\tKyiv\nT3\tAttack 5 11\tstruck\nE1\tAttack:T3 Attacker:T1 Target:T2\nA1\tNegated E1\n"
        );
    }

    #[test]
    fn equiv_sets_become_clusters_and_come_back() {
        let text = "Trump said Mr Trump and he left.";
        let ann =
            "T1\tPER 0 5\tTrump\nT2\tPER 11 19\tMr Trump\nT3\tPER 24 26\the\n*\tEquiv T1 T2 T3\n";
        let mut problems = Vec::new();
        let mut doc = Document::new("x", text);
        doc.annotations = read_ann("x.ann", text, ann, None, &mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(doc.annotations.entities.len(), 1);
        assert_eq!(doc.annotations.members("C1").count(), 3);
        assert_eq!(write_ann(&doc, &mut ExportReport::default()), ann);
    }

    #[test]
    fn export_writes_conf_files_and_a_pair_per_document() {
        let out = export(
            &[fixtures::document()],
            &Schema::ace2005(),
            &mut ExportReport::default(),
        );
        let names: Vec<&str> = out.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "annotation.conf",
                "visual.conf",
                "kb_shortcuts.conf",
                "Strike-report.txt",
                "Strike-report.ann"
            ]
        );
        let back = import_any(Format::Brat, &files(&out), ImportOptions { strict: true }).unwrap();
        assert_eq!(back.schema.unwrap().event_types.len(), 33);
        assert_eq!(back.documents[0].text, fixtures::TEXT);
        assert_eq!(
            back.documents[0].annotations.events,
            fixtures::document().annotations.events
        );
    }

    #[test]
    fn a_quote_that_does_not_match_names_the_annotation_both_strings_and_the_place() {
        let text = "Sony sold.";
        let mut problems = Vec::new();
        read_ann("a.ann", text, "T1\tORG 0 4\tSong\n", None, &mut problems).unwrap();
        let msg = problems[0].to_string();
        assert!(msg.starts_with("a.ann, line 1: T1:"), "{msg}");
        assert!(msg.contains("\"Song\"") && msg.contains("\"Sony\"") && msg.contains("0–4"));
    }

    #[test]
    fn emoji_before_a_span_counts_as_one_code_point_not_two_utf16_units() {
        let text = "🚀 Kyiv";
        let mut problems = Vec::new();
        // brat's client would write 3 7 here; Loupe, like brat's server, writes 2 6.
        read_ann("a.ann", text, "T1\tGPE 3 7\tKyiv\n", None, &mut problems).unwrap();
        assert_eq!(problems.len(), 1);
        let ok = read_ann("a.ann", text, "T1\tGPE 2 6\tKyiv\n", None, &mut problems).unwrap();
        assert_eq!(ok.mentions[0].text, "Kyiv");
    }

    #[test]
    fn strict_mode_applies_nothing_and_lenient_mode_reports_each_skipped_line() {
        let inputs = [
            InputFile::new("a.txt", "Sony sold Kyiv."),
            InputFile::new(
                "a.ann",
                "T1\tORG 0 4\tSony\nT2\tGPE 10 20\tKyiv\nR1\tPART Arg1:T1 Arg2:T2\nT1\tORG 0 4\tSony\nE1\tSell:T8\n",
            ),
        ];
        let err = import_any(Format::Brat, &inputs, ImportOptions { strict: true }).unwrap_err();
        let ImportError::Rejected { problems } = &err else {
            panic!("{err}")
        };
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].message.contains("past the end"));
        assert!(problems[1].message.contains("used twice"));
        assert!(err.to_string().contains("nothing was imported"));
        let lenient = import_any(Format::Brat, &inputs, ImportOptions::default()).unwrap();
        let ann = &lenient.documents[0].annotations;
        assert_eq!(ann.mentions.len(), 1);
        assert!(ann.relations.is_empty() && ann.events.is_empty());
        assert_eq!(lenient.report.skipped.len(), 4);
    }

    #[test]
    fn an_ann_without_its_text_is_refused() {
        let err = import_any(
            Format::Brat,
            &[InputFile::new("lost.ann", "")],
            ImportOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("lost.txt is missing"));
    }

    #[test]
    fn malformed_lines_each_give_their_own_error() {
        let text = "Sony sold Kyiv.";
        let cases = [
            ("T1 ORG 0 4 Sony", "no tab"),
            ("T1\tORG 4 0\tSony", "before it starts"),
            ("T1\tORG a b\tSony", "whole-number"),
            ("T1\tORG 0\tSony", "incomplete"),
            ("T1\tORG 0 4", "no quoted text"),
            ("E1\tSell", "not ROLE:ID"),
            ("R1\tPART Arg1:T1", "incomplete"),
            ("X1\tfoo", "not a brat id"),
            ("N1\tReference T1 Q1\tSony", "RESOURCE:ID"),
            ("A1\tNegated T5", "refers to T5"),
            ("*\tEquiv T1 T7", "not a mention"),
            ("#1\tAnnotatorNotes E4\tx", "refers to E4"),
        ];
        for (line, expected) in cases {
            let mut problems = Vec::new();
            let ann = format!("T1\tORG 0 4\tSony\n{line}\n");
            let ann = if line.starts_with("T1") {
                format!("{line}\n")
            } else {
                ann
            };
            read_ann("a.ann", text, &ann, None, &mut problems).unwrap();
            assert!(
                problems.iter().any(|p| p.message.contains(expected)),
                "{line}: {problems:?}"
            );
        }
    }
}
