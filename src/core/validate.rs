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

use super::edit::{check_spans, EditError};
use super::model::{Annotations, AttrValue, Id, Span};
use super::offsets::OffsetIndex;
use super::schema::{AnnotationKind, Schema};
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
    let wanted = |id: &str| focus.is_none_or(|f| f == id);
    let index = || index.get_or_init(|| OffsetIndex::new(text));

    // With a focus, only it and the ids it refers to are ever looked up: the table holds
    // just those, not all 10,000 ids of a long article.
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

    let mut members: HashMap<&str, usize> = HashMap::new();
    for m in &ann.mentions {
        if !wanted(&m.id) {
            // Membership counts only for an entity that is checked.
            if let Some(entity) = m.entity.as_deref().filter(|e| wanted(e)) {
                *members.entry(entity).or_default() += 1;
            }
            continue;
        }
        check_text(&mut report, text, index(), &m.id, &m.fragments, &m.text);
        if let Some(schema) = schema {
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
                &mut report,
                schema,
                &m.id,
                AnnotationKind::Mention,
                &m.attributes,
            );
        }
        if let Some(entity) = &m.entity {
            if matches!(ids.get(entity.as_str()), Some(Target::Entity)) {
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

    for e in ann.entities.iter().filter(|e| wanted(&e.id)) {
        if let Some(schema) = schema {
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
            check_attributes(
                &mut report,
                schema,
                &e.id,
                AnnotationKind::Entity,
                &e.attributes,
            );
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

    for e in ann.events.iter().filter(|e| wanted(&e.id)) {
        check_text(
            &mut report,
            text,
            index(),
            &e.id,
            &e.trigger,
            &e.trigger_text,
        );
        let event_type = schema.and_then(|s| s.event_type(&e.kind));
        if let (Some(schema), None) = (schema, event_type) {
            report.push(
                Rule::UnknownType,
                &e.id,
                format!(
                    "{}: the event type {:?} is not in the schema \"{}\"; retype the event",
                    e.id, e.kind, schema.name
                ),
            );
        }
        if let Some(schema) = schema {
            check_attributes(
                &mut report,
                schema,
                &e.id,
                AnnotationKind::Event,
                &e.attributes,
            );
        }
        let label = event_type.map_or(e.kind.as_str(), |t| t.subtype());
        for arg in &e.arguments {
            let target = match ids.get(arg.target.as_str()) {
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
                continue;
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
                continue;
            };
            if let (Some(schema), Some((kind, is_event))) = (schema, target) {
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
        if let Some(event_type) = event_type {
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
                        "{} ({label}): {label} takes at most {} {} argument(s) and has {n}; remove the extra ones",
                        e.id,
                        max.unwrap_or_default(),
                        role.name
                    ))
                } else {
                    None
                };
                if let Some(message) = message {
                    report.push(Rule::CardinalityNotMet, &e.id, message);
                }
            }
        }
    }

    for r in ann.relations.iter().filter(|r| wanted(&r.id)) {
        let relation_type = schema.and_then(|s| s.relation_type(&r.kind));
        if let (Some(schema), None) = (schema, relation_type) {
            report.push(
                Rule::UnknownType,
                &r.id,
                format!(
                    "{}: the relation type {:?} is not in the schema \"{}\"; retype the relation",
                    r.id, r.kind, schema.name
                ),
            );
        }
        if let Some(schema) = schema {
            check_attributes(
                &mut report,
                schema,
                &r.id,
                AnnotationKind::Relation,
                &r.attributes,
            );
        }
        for (name, arg) in [("Arg1", &r.arg1), ("Arg2", &r.arg2)] {
            let target = match ids.get(arg.as_str()) {
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
            if let (Some(schema), Some(t)) = (schema, relation_type) {
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

    if let Some(schema) = schema {
        for (set, labels) in &ann.labels {
            let id = format!("labels:{set}");
            if !wanted(&id) {
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
    report
}

/// The span rules, shared by mentions and triggers.
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
        Err(err) => {
            let rule = match err {
                EditError::NoFragments { .. } => Rule::NoFragments,
                EditError::EmptyFragment { .. } => Rule::EmptyFragment,
                EditError::WhitespaceFragment { .. } => Rule::WhitespaceFragment,
                _ => Rule::FragmentOutOfBounds,
            };
            report.push(rule, id, err.to_string());
        }
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
        let ok = match value {
            AttrValue::Flag(_) => def.values.is_empty(),
            AttrValue::Value(v) => def.values.contains(v),
        };
        if !ok {
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
