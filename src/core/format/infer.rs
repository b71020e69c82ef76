//! The schema of files that carry none (W3C, doccano, Label Studio, brat without an
//! `annotation.conf`): every entity, event and relation type, role and attribute the
//! annotations use, with the argument types seen. The result validates, so the next step
//! (an export that embeds the schema, `loupe validate`) agrees with the import.

use std::collections::{BTreeMap, BTreeSet};

use crate::core::model::{AttrValue, Document};
use crate::core::schema::{
    AnnotationKind, AttributeDef, Cardinality, EntityType, EventType, Guide, RelationType, Role,
    Schema,
};

/// Colours for inferred types, in turn: readable behind black text.
const PALETTE: [&str; 8] = [
    "#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#ffff99", "#8dd3c7", "#bebada",
];

/// A schema that every annotation of `documents` fits.
pub fn infer_schema(documents: &[Document], name: &str) -> Schema {
    let mut entity_types: BTreeSet<&str> = BTreeSet::new();
    // event type → role → argument types.
    let mut events: BTreeMap<&str, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
    let mut relations: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    let mut attributes: BTreeMap<&str, (BTreeSet<&str>, Vec<AnnotationKind>)> = BTreeMap::new();
    for doc in documents {
        let ann = &doc.annotations;
        let kind_of = |id: &str| {
            ann.mention(id)
                .map(|m| m.kind.as_str())
                .or_else(|| ann.event(id).map(|e| e.kind.as_str()))
        };
        for m in &ann.mentions {
            entity_types.insert(&m.kind);
        }
        for e in &ann.events {
            let roles = events.entry(&e.kind).or_default();
            for a in &e.arguments {
                roles.entry(&a.role).or_default().extend(kind_of(&a.target));
            }
        }
        for r in &ann.relations {
            let (a1, a2) = relations.entry(&r.kind).or_default();
            a1.extend(kind_of(&r.arg1));
            a2.extend(kind_of(&r.arg2));
        }
        let attributed = ann
            .mentions
            .iter()
            .map(|m| (&m.attributes, AnnotationKind::Mention))
            .chain(
                ann.events
                    .iter()
                    .map(|e| (&e.attributes, AnnotationKind::Event)),
            )
            .chain(
                ann.relations
                    .iter()
                    .map(|r| (&r.attributes, AnnotationKind::Relation)),
            )
            .chain(
                ann.entities
                    .iter()
                    .map(|e| (&e.attributes, AnnotationKind::Entity)),
            );
        for (attrs, kind) in attributed {
            for (name, value) in attrs {
                let (values, kinds) = attributes.entry(name).or_default();
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
                if let AttrValue::Value(v) = value {
                    values.insert(v);
                }
            }
        }
    }
    let mut schema = Schema::empty();
    schema.name = name.to_owned();
    let mut colours = PALETTE.iter().cycle();
    // Types share one namespace: an event type wins over an entity type of the same name.
    for t in entity_types.iter().filter(|t| !events.contains_key(*t)) {
        schema.entity_types.push(EntityType {
            name: (*t).to_owned(),
            display: (*t).to_owned(),
            color: (*colours.next().unwrap()).to_owned(),
            hotkey: None,
            parent: None,
            guide: Guide::default(),
        });
    }
    for (kind, roles) in &events {
        schema.event_types.push(EventType {
            name: (*kind).to_owned(),
            display: kind.rsplit(':').next().unwrap_or(kind).to_owned(),
            color: (*colours.next().unwrap()).to_owned(),
            hotkey: None,
            roles: roles
                .iter()
                .map(|(role, types)| Role {
                    name: (*role).to_owned(),
                    types: types.iter().map(|t| (*t).to_owned()).collect(),
                    cardinality: Cardinality::Any,
                    guide: Guide::default(),
                })
                .collect(),
            guide: Guide::default(),
        });
    }
    let known: BTreeSet<&str> = entity_types
        .iter()
        .copied()
        .chain(events.keys().copied())
        .collect();
    for (kind, (a1, a2)) in relations.iter().filter(|(k, _)| !known.contains(*k)) {
        let list = |s: &BTreeSet<&str>| s.iter().map(|t| (*t).to_owned()).collect();
        schema.relation_types.push(RelationType {
            name: (*kind).to_owned(),
            display: (*kind).to_owned(),
            arg1: list(a1),
            arg2: list(a2),
            guide: Guide::default(),
        });
    }
    // An attribute seen with values is valued; one seen only as a flag is binary.
    for (name, (values, applies_to)) in attributes {
        schema.attributes.push(AttributeDef {
            name: name.to_owned(),
            values: values.into_iter().map(str::to_owned).collect(),
            applies_to,
            guide: Guide::default(),
        });
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::format::fixtures;
    use crate::core::validate::validate;

    #[test]
    fn the_inferred_schema_validates_and_fits_every_annotation() {
        let doc = fixtures::document();
        let schema = infer_schema(std::slice::from_ref(&doc), "Inferred");
        schema.validate().unwrap();
        let report = validate(&doc.text, &doc.annotations, Some(&schema));
        assert!(!report.has_errors(), "{:?}", report.issues);
        let attack = schema.event_type("Conflict:Attack").unwrap();
        assert_eq!(attack.role("Target").unwrap().types, ["GPE"]);
        assert_eq!(attack.role("Attacker").unwrap().types, ["ORG"]);
        assert!(schema.relation_type("PART-WHOLE").is_some());
        let realis = schema.attribute("Realis").unwrap();
        assert_eq!(realis.values, ["Actual"]);
        assert_eq!(realis.applies_to, [AnnotationKind::Event]);
    }
}
