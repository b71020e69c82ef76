//! Checks every annotation of a document against its text and a schema.
//!
//! Hard errors ([`Severity::Error`]) refuse an edit or an import: a fragment out of
//! bounds, empty or only whitespace; quoted text that disagrees with the offsets; an
//! unknown type, role, attribute or label; an argument pointing at a missing annotation;
//! a duplicate id. Warnings ([`Severity::Warning`]) are shown but do not block: a role
//! cardinality not met yet ("Attack has no Target"), an argument whose type the role
//! does not allow. Every message starts with the id of the annotation it is about.
//!
//! ```
//! use loupe::core::model::Annotations;
//! use loupe::core::schema::Schema;
//! use loupe::core::validate::validate;
//! let report = validate("Some text.", &Annotations::default(), Some(&Schema::ace2005()));
//! assert!(report.is_clean());
//! ```

use std::collections::HashMap;
use std::fmt;

use super::model::{Annotations, Argument, AttrValue, Event, Id, Relation, Span};
use super::offsets::OffsetIndex;
use super::schema::{AnnotationKind, EventType, Schema};
use crate::core::plural::count;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// The rule an issue breaks; tests and the UI can match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    NoFragments,
    FragmentOutOfBounds,
    EmptyFragment,
    WhitespaceFragment,
    TextMismatch,
    UnknownType,
    UnknownRole,
    UnknownAttribute,
    BadAttributeValue,
    UnknownLabel,
    MissingTarget,
    DuplicateId,
    CardinalityNotMet,
    ArgumentTypeNotAllowed,
    TooManyLabels,
    EmptyEntity,
    /// Input that cannot be read as the format says: a broken line, a missing field.
    Malformed,
    /// A file the format does not read, given with the ones it does.
    NotInFormat,
    /// The text an annotation file points at is not there.
    MissingText,
    /// A document's checksum does not match its text.
    ChecksumMismatch,
}

impl Rule {
    pub fn severity(self) -> Severity {
        match self {
            Rule::CardinalityNotMet
            | Rule::ArgumentTypeNotAllowed
            | Rule::TooManyLabels
            | Rule::EmptyEntity => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub severity: Severity,
    pub rule: Rule,
    /// The annotation (or `labels:<set>` for a document label set) the issue is about.
    pub id: Id,
    /// A sentence that starts with the id and says what to do.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub issues: Vec<Issue>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
    }
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
    pub fn is_clean(&self) -> bool {
        self.issues.is_empty()
    }
    /// The issues about one annotation, for the inspector.
    pub fn about<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Issue> + 'a {
        self.issues.iter().filter(move |i| i.id == id)
    }
    fn push(&mut self, rule: Rule, id: &str, message: String) {
        self.issues.push(Issue {
            severity: rule.severity(),
            rule,
            id: id.to_owned(),
            message,
        });
    }
}

/// Why fragments do not fit their text: the span rules every annotation obeys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanError {
    NoFragments { id: Id },
    FragmentOutOfBounds { id: Id, span: Span, len: usize },
    EmptyFragment { id: Id },
    WhitespaceFragment { id: Id },
}

impl SpanError {
    /// The rule the fragments break.
    pub fn rule(&self) -> Rule {
        match self {
            Self::NoFragments { .. } => Rule::NoFragments,
            Self::FragmentOutOfBounds { .. } => Rule::FragmentOutOfBounds,
            Self::EmptyFragment { .. } => Rule::EmptyFragment,
            Self::WhitespaceFragment { .. } => Rule::WhitespaceFragment,
        }
    }
}

impl fmt::Display for SpanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FragmentOutOfBounds { id, span, len } => write!(
                f,
                "{id}: fragment [{}, {}) lies outside the text, which has {len} characters; \
                 check that the offsets are code points",
                span.start, span.end
            ),
            Self::EmptyFragment { id } => write!(f, "{id}: a fragment is empty; select some text"),
            Self::WhitespaceFragment { id } => {
                write!(f, "{id}: a fragment covers only whitespace; select a word")
            }
            Self::NoFragments { id } => write!(f, "{id}: a mention needs at least one fragment"),
        }
    }
}

impl std::error::Error for SpanError {}

/// Check fragments against the text and return the text they cover, joined by one space.
/// An index makes this cheap on long texts; without one the text is scanned.
pub fn check_spans(
    text: &str,
    index: Option<&OffsetIndex>,
    id: &str,
    fragments: &[Span],
) -> Result<String, SpanError> {
    let id = || id.to_owned();
    if fragments.is_empty() {
        return Err(SpanError::NoFragments { id: id() });
    }
    let built;
    let index = match index {
        Some(index) => index,
        None => {
            built = OffsetIndex::new(text);
            &built
        }
    };
    let len = index.len_cp();
    let mut parts = Vec::with_capacity(fragments.len());
    for span in fragments {
        if span.end > len || span.start > span.end {
            return Err(SpanError::FragmentOutOfBounds {
                id: id(),
                span: *span,
                len,
            });
        }
        if span.is_empty() {
            return Err(SpanError::EmptyFragment { id: id() });
        }
        let part = index.slice(text, span.start, span.end).unwrap_or_default();
        if part.trim().is_empty() {
            return Err(SpanError::WhitespaceFragment { id: id() });
        }
        parts.push(part);
    }
    Ok(parts.join(" "))
}

#[derive(Clone, Copy)]
enum Target<'a> {
    Mention(&'a str),
    Event(&'a str),
    Relation,
    Entity,
}

/// Validate `ann` over `text`. Without a schema only the schema-free rules run (offsets,
/// quoted text, ids and references), which is what an import without a schema can check.
pub fn validate(text: &str, ann: &Annotations, schema: Option<&Schema>) -> Report {
    // One index for the whole pass: slicing a 1 MB text 10,000 times stays linear.
    validate_in(text, &OnceLock::new(), ann, schema, None)
}

/// The issues about annotation `id` alone: what `validate(..).about(id)` gives, but the
/// other annotations' own rules are skipped. The inspector runs this after every edit of
/// the selected annotation, and a 10,000-annotation article must not be checked whole
/// for it. `index` is the caller's offset index of `text`, built once per open document.
pub fn validate_about(
    text: &str,
    index: &OnceLock<OffsetIndex>,
    ann: &Annotations,
    schema: Option<&Schema>,
    id: &str,
) -> Vec<Issue> {
    // Whole-document rules (duplicate ids) still report every id; keep this one's.
    let mut issues = validate_in(text, index, ann, schema, Some(id)).issues;
    issues.retain(|i| i.id == id);
    issues
}

/// The whole pass, or (with `focus`) only the rules about one id. The id table and the
/// entity membership count are always complete: duplicate ids and empty entities are
/// facts about the whole document.
fn validate_in(
    text: &str,
    index: &OnceLock<OffsetIndex>,
    ann: &Annotations,
    schema: Option<&Schema>,
    focus: Option<&str>,
) -> Report {
    let mut report = Report::default();
    let ids = id_table(ann, focus, &mut report);
    let pass = Pass {
        text,
        index,
        ann,
        schema,
        focus,
        ids,
    };
    let members = pass.mentions(&mut report);
    pass.entities(&members, &mut report);
    for e in ann.events.iter().filter(|e| pass.wanted(&e.id)) {
        pass.event(e, &mut report);
    }
    for r in ann.relations.iter().filter(|r| pass.wanted(&r.id)) {
        pass.relation(r, &mut report);
    }
    if let Some(schema) = schema {
        pass.labels(schema, &mut report);
    }
    report
}

/// Every id, with what it names; a second annotation under an id is reported. With a
/// focus, only it and the ids it refers to are ever looked up: the table holds just
/// those, not all 10,000 ids of a long article.
fn id_table<'a>(
    ann: &'a Annotations,
    focus: Option<&'a str>,
    report: &mut Report,
) -> HashMap<&'a str, Target<'a>> {
    let needed: Option<Vec<&str>> = focus.map(|f| referenced_by(ann, f));
    let needed_id = |id: &str| needed.as_ref().is_none_or(|n| n.contains(&id));
    let mut ids: HashMap<&str, Target> = HashMap::with_capacity(match &needed {
        Some(n) => n.len(),
        None => ann.count() + ann.entities.len(),
    });
    let all = ann
        .mentions
        .iter()
        .map(|m| (m.id.as_str(), Target::Mention(&m.kind)))
        .chain(
            ann.events
                .iter()
                .map(|e| (e.id.as_str(), Target::Event(&e.kind))),
        )
        .chain(
            ann.relations
                .iter()
                .map(|r| (r.id.as_str(), Target::Relation)),
        )
        .chain(ann.entities.iter().map(|e| (e.id.as_str(), Target::Entity)))
        .filter(|(id, _)| needed_id(id));
    for (id, target) in all {
        // The first annotation keeps the id; the later one is the duplicate.
        if let std::collections::hash_map::Entry::Vacant(slot) = ids.entry(id) {
            slot.insert(target);
        } else {
            report.push(
                Rule::DuplicateId,
                id,
                format!("{id}: two annotations share this id; give one of them a fresh id"),
            );
        }
    }
    ids
}

/// One validation pass over a document.
struct Pass<'a> {
    text: &'a str,
    index: &'a OnceLock<OffsetIndex>,
    ann: &'a Annotations,
    schema: Option<&'a Schema>,
    focus: Option<&'a str>,
    ids: HashMap<&'a str, Target<'a>>,
}

impl<'a> Pass<'a> {
    fn wanted(&self, id: &str) -> bool {
        self.focus.is_none_or(|f| f == id)
    }

    fn index(&self) -> &OffsetIndex {
        self.index.get_or_init(|| OffsetIndex::new(self.text))
    }

    /// Check every mention; returns how many members each checked entity has.
    fn mentions(&self, report: &mut Report) -> HashMap<&'a str, usize> {
        let mut members: HashMap<&str, usize> = HashMap::new();
        for m in &self.ann.mentions {
            if !self.wanted(&m.id) {
                // Membership counts only for an entity that is checked.
                if let Some(entity) = m.entity.as_deref().filter(|e| self.wanted(e)) {
                    *members.entry(entity).or_default() += 1;
                }
                continue;
            }
            check_text(
                report,
                self.text,
                self.index(),
                &m.id,
                &m.fragments,
                &m.text,
            );
            if let Some(schema) = self.schema {
                if schema.entity_type(&m.kind).is_none() {
                    report.push(
                        Rule::UnknownType,
                        &m.id,
                        format!(
                            "{}: the type {:?} is not in the schema \"{}\"; retype the mention or add the type",
                            m.id, m.kind, schema.name
                        ),
                    );
                }
                check_attributes(
                    report,
                    schema,
                    &m.id,
                    AnnotationKind::Mention,
                    &m.attributes,
                );
            }
            if let Some(entity) = &m.entity {
                if matches!(self.ids.get(entity.as_str()), Some(Target::Entity)) {
                    *members.entry(entity.as_str()).or_default() += 1;
                } else {
                    report.push(
                        Rule::MissingTarget,
                        &m.id,
                        format!("{}: it belongs to entity {entity}, which does not exist; unlink it or merge it into another entity", m.id),
                    );
                }
            }
        }
        members
    }

    fn entities(&self, members: &HashMap<&str, usize>, report: &mut Report) {
        for e in self.ann.entities.iter().filter(|e| self.wanted(&e.id)) {
            if let Some(schema) = self.schema {
                if schema.entity_type(&e.kind).is_none() {
                    report.push(
                        Rule::UnknownType,
                        &e.id,
                        format!(
                            "{}: the entity type {:?} is not in the schema; retype the entity",
                            e.id, e.kind
                        ),
                    );
                }
                check_attributes(report, schema, &e.id, AnnotationKind::Entity, &e.attributes);
            }
            if !members.contains_key(e.id.as_str()) {
                report.push(
                    Rule::EmptyEntity,
                    &e.id,
                    format!(
                        "{} ({}): this entity has no mentions; add one or delete it",
                        e.id, e.name
                    ),
                );
            }
        }
    }

    fn event(&self, e: &Event, report: &mut Report) {
        check_text(
            report,
            self.text,
            self.index(),
            &e.id,
            &e.trigger,
            &e.trigger_text,
        );
        let event_type = self.schema.and_then(|s| s.event_type(&e.kind));
        if let Some(schema) = self.schema {
            if event_type.is_none() {
                report.push(
                    Rule::UnknownType,
                    &e.id,
                    format!(
                        "{}: the event type {:?} is not in the schema \"{}\"; retype the event",
                        e.id, e.kind, schema.name
                    ),
                );
            }
            check_attributes(report, schema, &e.id, AnnotationKind::Event, &e.attributes);
        }
        let label = event_type.map_or(e.kind.as_str(), |t| t.subtype());
        for arg in &e.arguments {
            self.argument(e, arg, event_type, label, report);
        }
        if let Some(event_type) = event_type {
            cardinality(e, event_type, label, report);
        }
    }

    /// An argument's target exists, its role belongs to the event type, and the role
    /// allows the target's type.
    fn argument(
        &self,
        e: &Event,
        arg: &Argument,
        event_type: Option<&EventType>,
        label: &str,
        report: &mut Report,
    ) {
        let target = match self.ids.get(arg.target.as_str()) {
            Some(Target::Mention(kind)) => Some((*kind, false)),
            Some(Target::Event(kind)) => Some((*kind, true)),
            _ => {
                report.push(
                    Rule::MissingTarget,
                    &e.id,
                    format!(
                        "{} ({label}): the {} argument points at {}, which is not a mention or event here; remove the argument",
                        e.id, arg.role, arg.target
                    ),
                );
                None
            }
        };
        let Some(event_type) = event_type else {
            return;
        };
        let Some(role) = event_type.role(&arg.role) else {
            report.push(
                Rule::UnknownRole,
                &e.id,
                format!(
                    "{} ({label}): {} is not a role of {}; use one of {}",
                    e.id,
                    arg.role,
                    e.kind,
                    event_type
                        .roles
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            return;
        };
        if let (Some(schema), Some((kind, is_event))) = (self.schema, target) {
            if !schema.type_allowed(&role.types, kind, is_event) {
                report.push(
                    Rule::ArgumentTypeNotAllowed,
                    &e.id,
                    format!(
                        "{} ({label}): {} fills {} but is a {kind}; {} expects {}",
                        e.id,
                        arg.target,
                        role.name,
                        role.name,
                        role.types.join(" or ")
                    ),
                );
            }
        }
    }

    fn relation(&self, r: &Relation, report: &mut Report) {
        let relation_type = self.schema.and_then(|s| s.relation_type(&r.kind));
        if let Some(schema) = self.schema {
            if relation_type.is_none() {
                report.push(
                    Rule::UnknownType,
                    &r.id,
                    format!(
                        "{}: the relation type {:?} is not in the schema \"{}\"; retype the relation",
                        r.id, r.kind, schema.name
                    ),
                );
            }
            check_attributes(
                report,
                schema,
                &r.id,
                AnnotationKind::Relation,
                &r.attributes,
            );
        }
        for (name, arg) in [("Arg1", &r.arg1), ("Arg2", &r.arg2)] {
            let target = match self.ids.get(arg.as_str()) {
                Some(Target::Mention(kind)) => (*kind, false),
                Some(Target::Event(kind)) => (*kind, true),
                _ => {
                    report.push(
                        Rule::MissingTarget,
                        &r.id,
                        format!("{} ({}): {name} points at {arg}, which is not a mention or event here; delete the relation", r.id, r.kind),
                    );
                    continue;
                }
            };
            if let (Some(schema), Some(t)) = (self.schema, relation_type) {
                let allowed = if name == "Arg1" { &t.arg1 } else { &t.arg2 };
                if !schema.type_allowed(allowed, target.0, target.1) {
                    report.push(
                        Rule::ArgumentTypeNotAllowed,
                        &r.id,
                        format!(
                            "{} ({}): {name} is {arg}, a {}; {} expects {}",
                            r.id,
                            r.kind,
                            target.0,
                            name,
                            allowed.join(" or ")
                        ),
                    );
                }
            }
        }
    }

    fn labels(&self, schema: &Schema, report: &mut Report) {
        for (set, labels) in &self.ann.labels {
            let id = format!("labels:{set}");
            if !self.wanted(&id) {
                continue;
            }
            let Some(def) = schema.label_set(set) else {
                report.push(
                    Rule::UnknownLabel,
                    &id,
                    format!("{id}: the schema has no label set {set:?}; clear these labels or add the set"),
                );
                continue;
            };
            for label in labels.iter().filter(|l| !def.labels.contains(l)) {
                report.push(
                    Rule::UnknownLabel,
                    &id,
                    format!(
                        "{id}: {label:?} is not a label of {set}; choose one of {}",
                        def.labels.join(", ")
                    ),
                );
            }
            if labels.len() > 1 && !def.multiple {
                report.push(
                    Rule::TooManyLabels,
                    &id,
                    format!(
                        "{id}: {set} takes one label, and {} are chosen; keep one",
                        labels.len()
                    ),
                );
            }
        }
    }
}

/// Each role of the event type has as many arguments as its cardinality allows.
fn cardinality(e: &Event, event_type: &EventType, label: &str, report: &mut Report) {
    for role in &event_type.roles {
        let n = e.arguments.iter().filter(|a| a.role == role.name).count() as u32;
        let (min, max) = (role.cardinality.min(), role.cardinality.max());
        let message = if n == 0 && min > 0 {
            Some(format!(
                "{} ({label}): {label} has no {}; add one if the text names it",
                e.id, role.name
            ))
        } else if n < min {
            Some(format!(
                "{} ({label}): {label} needs at least {min} {} arguments and has {n}",
                e.id, role.name
            ))
        } else if max.is_some_and(|max| n > max) {
            Some(format!(
                "{} ({label}): {label} takes at most {} and has {n}; remove the extra ones",
                e.id,
                count(
                    max.unwrap_or_default() as usize,
                    &format!("{} argument", role.name)
                )
            ))
        } else {
            None
        };
        if let Some(message) = message {
            report.push(Rule::CardinalityNotMet, &e.id, message);
        }
    }
}

/// Annotation `id` and every id it refers to: its entity, its arguments, its relation's
/// ends.
fn referenced_by<'a>(ann: &'a Annotations, id: &'a str) -> Vec<&'a str> {
    let mut found = vec![id];
    for m in ann.mentions.iter().filter(|m| m.id == id) {
        found.extend(m.entity.as_deref());
    }
    for e in ann.events.iter().filter(|e| e.id == id) {
        found.extend(e.arguments.iter().map(|a| a.target.as_str()));
    }
    for r in ann.relations.iter().filter(|r| r.id == id) {
        found.extend([r.arg1.as_str(), r.arg2.as_str()]);
    }
    found
}

/// The span rules, shared by mentions and triggers.
fn check_text(
    report: &mut Report,
    text: &str,
    index: &OffsetIndex,
    id: &str,
    spans: &[Span],
    quoted: &str,
) {
    match check_spans(text, Some(index), id, spans) {
        Ok(covered) if covered != quoted => report.push(
            Rule::TextMismatch,
            id,
            format!("{id}: the annotation quotes {quoted:?} but the text at its offsets is {covered:?}; the offsets may count UTF-16 units instead of code points"),
        ),
        Ok(_) => {}
        Err(err) => report.push(err.rule(), id, err.to_string()),
    }
}

fn check_attributes(
    report: &mut Report,
    schema: &Schema,
    id: &str,
    kind: AnnotationKind,
    attributes: &std::collections::BTreeMap<String, AttrValue>,
) {
    for (name, value) in attributes {
        let Some(def) = schema
            .attribute(name)
            .filter(|d| d.applies_to.contains(&kind))
        else {
            report.push(
                Rule::UnknownAttribute,
                id,
                format!("{id}: the schema defines no attribute {name:?} for this kind of annotation; remove it"),
            );
            continue;
        };
        if !attribute_fits(schema, kind, name, value) {
            let expected = if def.values.is_empty() {
                "yes or no".to_owned()
            } else {
                def.values.join(", ")
            };
            report.push(
                Rule::BadAttributeValue,
                id,
                format!("{id}: {name} cannot be {value:?}; choose {expected}"),
            );
        }
    }
}

/// Whether the schema has attribute `name` for this kind of annotation, and `value` is
/// one it allows.
pub fn attribute_fits(
    schema: &Schema,
    kind: AnnotationKind,
    name: &str,
    value: &AttrValue,
) -> bool {
    schema
        .attribute(name)
        .filter(|d| d.applies_to.contains(&kind))
        .is_some_and(|def| match value {
            AttrValue::Flag(_) => def.values.is_empty(),
            AttrValue::Value(v) => def.values.contains(v),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Argument, Entity, Event, Mention, Relation};

    const TEXT: &str = "🚀 Russia attacked Kyiv with drones on Monday.";
    //                  0 2      9        18   23   28     35 38

    fn mention(id: &str, kind: &str, s: usize, e: usize) -> Mention {
        let text = TEXT.chars().skip(s).take(e.saturating_sub(s)).collect();
        Mention {
            id: id.into(),
            kind: kind.into(),
            fragments: vec![Span::new(s, e)],
            text,
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        }
    }

    fn attack(args: &[(&str, &str)]) -> Event {
        Event::new(
            "E1",
            "Conflict:Attack",
            vec![Span::new(9, 17)],
            "attacked",
            args.iter()
                .map(|(r, t)| Argument {
                    role: (*r).into(),
                    target: (*t).into(),
                })
                .collect(),
        )
    }

    /// A clean document: every argument filled, every type known.
    fn clean() -> Annotations {
        Annotations {
            mentions: vec![
                mention("T1", "GPE", 2, 8),
                mention("T2", "GPE", 18, 22),
                mention("T3", "WEA", 28, 34),
                mention("T4", "TIME", 38, 44),
            ],
            events: vec![attack(&[
                ("Attacker", "T1"),
                ("Target", "T2"),
                ("Instrument", "T3"),
                ("Time", "T4"),
            ])],
            ..Default::default()
        }
    }

    fn rules(ann: &Annotations) -> Vec<(Rule, String)> {
        validate(TEXT, ann, Some(&Schema::ace2005()))
            .issues
            .into_iter()
            .map(|i| (i.rule, i.message))
            .collect()
    }

    fn only(ann: &Annotations, rule: Rule, id: &str) -> String {
        let report = validate(TEXT, ann, Some(&Schema::ace2005()));
        assert_eq!(report.issues.len(), 1, "{:?}", report.issues);
        let issue = &report.issues[0];
        assert_eq!((issue.rule, issue.id.as_str()), (rule, id));
        assert_eq!(issue.severity, rule.severity());
        assert!(
            issue.message.starts_with(id),
            "the message names the annotation: {}",
            issue.message
        );
        issue.message.clone()
    }

    #[test]
    fn clean_document_has_no_issues() {
        assert_eq!(rules(&clean()), vec![]);
    }

    #[test]
    fn fragment_out_of_bounds_is_an_error() {
        let mut ann = clean();
        ann.mentions[3].fragments = vec![Span::new(38, 99)];
        assert!(only(&ann, Rule::FragmentOutOfBounds, "T4").contains("code points"));
    }

    #[test]
    fn empty_fragment_is_an_error() {
        let mut ann = clean();
        ann.mentions[0].fragments = vec![Span::new(2, 2)];
        only(&ann, Rule::EmptyFragment, "T1");
        ann.mentions[0].fragments.clear();
        only(&ann, Rule::NoFragments, "T1");
    }

    #[test]
    fn whitespace_fragment_is_an_error() {
        let mut ann = clean();
        ann.mentions[0].fragments.push(Span::new(8, 9));
        only(&ann, Rule::WhitespaceFragment, "T1");
    }

    #[test]
    fn quoted_text_that_disagrees_with_offsets_is_an_error() {
        let mut ann = clean();
        ann.events[0].trigger = vec![Span::new(10, 18)];
        assert!(only(&ann, Rule::TextMismatch, "E1").contains("ttacked "));
    }

    #[test]
    fn unknown_type_is_an_error() {
        let mut ann = clean();
        ann.mentions[2].kind = "DRONE".into();
        // Also warns that Instrument now holds a type it does not allow.
        let found = rules(&ann);
        assert_eq!(found[0].0, Rule::UnknownType);
        assert!(found[0].1.starts_with("T3") && found[0].1.contains("DRONE"));
        let mut ann = clean();
        ann.events[0].kind = "Conflict:Skirmish".into();
        only(&ann, Rule::UnknownType, "E1");
    }

    #[test]
    fn unknown_role_is_an_error() {
        let mut ann = clean();
        ann.events[0].arguments.push(Argument {
            role: "Weather".into(),
            target: "T4".into(),
        });
        assert!(only(&ann, Rule::UnknownRole, "E1").contains("Attacker, Target"));
    }

    #[test]
    fn argument_pointing_at_a_missing_annotation_is_an_error() {
        let mut ann = clean();
        ann.events[0].arguments[0].target = "T9".into();
        let found = rules(&ann);
        assert!(
            found
                .iter()
                .any(|(r, m)| *r == Rule::MissingTarget && m.contains("T9")),
            "{found:?}"
        );
        let mut ann = clean();
        ann.relations.push(Relation {
            id: "R1".into(),
            kind: "PHYS".into(),
            arg1: "T1".into(),
            arg2: "T7".into(),
            attributes: Default::default(),
        });
        only(&ann, Rule::MissingTarget, "R1");
        let mut ann = clean();
        ann.mentions[0].entity = Some("C9".into());
        only(&ann, Rule::MissingTarget, "T1");
    }

    #[test]
    fn duplicate_id_is_an_error() {
        let mut ann = clean();
        ann.mentions[3].id = "T1".into();
        ann.events[0].arguments.pop();
        only(&ann, Rule::DuplicateId, "T1");
    }

    #[test]
    fn unknown_attribute_or_value_is_an_error() {
        let mut ann = clean();
        ann.events[0]
            .attributes
            .insert("Mood".into(), AttrValue::Flag(true));
        only(&ann, Rule::UnknownAttribute, "E1");
        let mut ann = clean();
        ann.events[0]
            .attributes
            .insert("Realis".into(), AttrValue::Value("Maybe".into()));
        assert!(only(&ann, Rule::BadAttributeValue, "E1").contains("Actual, Generic, Other"));
        let mut ann = clean();
        ann.mentions[0]
            .attributes
            .insert("Realis".into(), AttrValue::Value("Actual".into()));
        only(&ann, Rule::UnknownAttribute, "T1");
    }

    #[test]
    fn unknown_label_is_an_error_and_too_many_is_a_warning() {
        let mut schema = Schema::ace2005();
        schema.label_sets.push(crate::core::schema::LabelSet {
            name: "Topic".into(),
            labels: vec!["War".into(), "Politics".into()],
            multiple: false,
        });
        let mut ann = clean();
        ann.labels
            .insert("Topic".into(), vec!["War".into(), "Sport".into()]);
        let found: Vec<Rule> = validate(TEXT, &ann, Some(&schema))
            .issues
            .iter()
            .map(|i| i.rule)
            .collect();
        assert_eq!(found, [Rule::UnknownLabel, Rule::TooManyLabels]);
    }

    #[test]
    fn cardinality_not_met_is_a_warning() {
        let mut ann = clean();
        ann.events[0].arguments.retain(|a| a.role != "Target");
        assert!(only(&ann, Rule::CardinalityNotMet, "E1").contains("Attack has no Target"));
        let mut ann = clean();
        ann.events[0].arguments.push(Argument {
            role: "Place".into(),
            target: "T1".into(),
        });
        ann.events[0].arguments.push(Argument {
            role: "Place".into(),
            target: "T2".into(),
        });
        assert!(only(&ann, Rule::CardinalityNotMet, "E1").contains("at most 1 Place"));
    }

    #[test]
    fn argument_type_not_allowed_is_a_warning() {
        let mut ann = clean();
        ann.events[0].arguments[3].target = "T3".into(); // a weapon as the Time
        assert!(only(&ann, Rule::ArgumentTypeNotAllowed, "E1").contains("expects TIME"));
        let report = validate(TEXT, &ann, Some(&Schema::ace2005()));
        assert!(!report.has_errors());
    }

    #[test]
    fn entity_without_mentions_is_a_warning() {
        let mut ann = clean();
        ann.entities.push(Entity {
            id: "C1".into(),
            name: "Kyiv".into(),
            kind: "GPE".into(),
            normalization: None,
            attributes: Default::default(),
            note: None,
        });
        only(&ann, Rule::EmptyEntity, "C1");
        ann.mentions[1].entity = Some("C1".into());
        assert_eq!(rules(&ann), vec![]);
    }

    #[test]
    fn without_a_schema_only_structure_is_checked() {
        let mut ann = clean();
        ann.mentions[0].kind = "ANYTHING".into();
        assert!(validate(TEXT, &ann, None).is_clean());
        ann.events[0].arguments[0].target = "T9".into();
        assert!(validate(TEXT, &ann, None).has_errors());
    }

    /// The inspector's focused check must say exactly what the whole pass says about each
    /// annotation, on a document that breaks every rule somewhere.
    #[test]
    fn validate_about_agrees_with_the_whole_pass_for_every_id() {
        let mut schema = Schema::ace2005();
        schema.label_sets.push(crate::core::schema::LabelSet {
            name: "Topic".into(),
            labels: vec!["War".into()],
            multiple: false,
        });
        let mut ann = clean();
        ann.mentions.push(mention("T5", "NOPE", 0, 1)); // unknown type
        ann.mentions.push(mention("T6", "GPE", 40, 99)); // out of bounds
        let mut wrong = mention("T7", "GPE", 18, 22);
        wrong.text = "Kiev".into(); // quotes other text
        wrong.entity = Some("C1".into());
        ann.mentions.push(wrong);
        let mut dangling = mention("T8", "PER", 2, 8);
        dangling.entity = Some("C9".into()); // no such entity
        ann.mentions.push(dangling);
        ann.mentions.push(mention("T1", "GPE", 2, 8)); // duplicate id
        ann.mentions[0]
            .attributes
            .insert("Realis".into(), AttrValue::Value("Actual".into()));
        let entity = |id: &str| Entity {
            id: id.into(),
            name: id.into(),
            kind: "GPE".into(),
            normalization: None,
            attributes: Default::default(),
            note: None,
        };
        ann.entities = vec![entity("C1"), entity("C2")]; // C2 has no mentions
        let mut second = attack(&[("Attacker", "T9"), ("Mood", "T1"), ("Time", "T3")]);
        second.id = "E2".into();
        ann.events.push(second);
        ann.relations.push(Relation {
            id: "R1".into(),
            kind: "PART-WHOLE".into(),
            arg1: "T1".into(),
            arg2: "T404".into(),
            attributes: Default::default(),
        });
        ann.labels
            .insert("Topic".into(), vec!["War".into(), "Sport".into()]);

        let whole = validate(TEXT, &ann, Some(&schema));
        assert!(whole.issues.len() >= 12, "{:?}", whole.issues);
        let index = OnceLock::new();
        let ids = [
            "T1", "T2", "T5", "T6", "T7", "T8", "C1", "C2", "E1", "E2", "R1",
        ];
        for id in ids.into_iter().chain(["labels:Topic", "T404"]) {
            let expected: Vec<Issue> = whole.about(id).cloned().collect();
            assert_eq!(
                validate_about(TEXT, &index, &ann, Some(&schema), id),
                expected,
                "{id}"
            );
        }
        let covered: usize = ids
            .iter()
            .chain(&["labels:Topic"])
            .map(|id| whole.about(id).count())
            .sum();
        assert_eq!(
            covered,
            whole.issues.len(),
            "every issue is about a listed id"
        );
    }
}
