//! The annotation schema, Loupe's equivalent of brat's `annotation.conf`: which entity,
//! event and relation types exist, their roles, attributes and document label sets.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityType {
    /// The short name stored in annotations, e.g. `PER`.
    pub name: String,
    /// The full name shown to people, e.g. `Person`.
    pub display: String,
    /// `#rrggbb`.
    pub color: String,
    /// A single key that picks this type, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
    /// The parent in the type hierarchy, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// How many arguments a role takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cardinality {
    /// Exactly one.
    One,
    /// `?`: zero or one.
    Optional,
    /// `*`: any number.
    Any,
    /// `+`: one or more.
    OneOrMore,
    /// `{n-m}`.
    Range { min: u32, max: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    /// Allowed argument types (entity or event type names).
    pub types: Vec<String>,
    pub cardinality: Cardinality,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventType {
    /// E.g. `Conflict:Attack`.
    pub name: String,
    pub display: String,
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationType {
    pub name: String,
    pub display: String,
    pub arg1: Vec<String>,
    pub arg2: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    Mention,
    Event,
    Relation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeDef {
    pub name: String,
    /// Empty for a binary attribute; otherwise the allowed values.
    #[serde(default)]
    pub values: Vec<String>,
    pub applies_to: Vec<AnnotationKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSet {
    pub name: String,
    pub labels: Vec<String>,
    /// Whether several labels of the set can be chosen at once.
    #[serde(default)]
    pub multiple: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    pub entity_types: Vec<EntityType>,
    #[serde(default)]
    pub event_types: Vec<EventType>,
    #[serde(default)]
    pub relation_types: Vec<RelationType>,
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
    #[serde(default)]
    pub label_sets: Vec<LabelSet>,
}

fn entity(name: &str, display: &str, color: &str, hotkey: char) -> EntityType {
    EntityType {
        name: name.into(),
        display: display.into(),
        color: color.into(),
        hotkey: Some(hotkey),
        parent: None,
    }
}

impl Schema {
    /// The default preset. Colours are far apart in hue and lightness so that nine types
    /// stay distinguishable; each highlight also carries its type label.
    pub fn ace2005() -> Self {
        Schema {
            name: "ACE 2005 (news)".into(),
            entity_types: vec![
                entity("PER", "Person", "#e6194b", 'p'),
                entity("ORG", "Organisation", "#4363d8", 'o'),
                entity("GPE", "Geo-political entity", "#3cb44b", 'g'),
                entity("LOC", "Location", "#9a6324", 'l'),
                entity("FAC", "Facility", "#f58231", 'f'),
                entity("WEA", "Weapon", "#911eb4", 'w'),
                entity("VEH", "Vehicle", "#42a5f5", 'v'),
                entity("TIME", "Time", "#808000", 't'),
                entity("VALUE", "Value", "#f032e6", 'n'),
            ],
            event_types: Vec::new(),
            relation_types: Vec::new(),
            attributes: Vec::new(),
            label_sets: Vec::new(),
        }
    }

    pub fn entity_type(&self, name: &str) -> Option<&EntityType> {
        self.entity_types.iter().find(|t| t.name == name)
    }

    pub fn entity_type_for_key(&self, key: char) -> Option<&EntityType> {
        let key = key.to_ascii_lowercase();
        self.entity_types.iter().find(|t| t.hotkey == Some(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ace_entity_hotkeys_are_unique() {
        let s = Schema::ace2005();
        let mut keys: Vec<char> = s.entity_types.iter().filter_map(|t| t.hotkey).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), s.entity_types.len());
        assert_eq!(s.entity_type_for_key('G').unwrap().name, "GPE");
    }
}
