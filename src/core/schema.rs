//! The annotation schema, Loupe's equivalent of brat's `annotation.conf`: which entity,
//! event and relation types exist, their roles, attributes and document label sets.
//!
//! Three presets ship ([`Schema::ace2005`], [`Schema::conll2003`], [`Schema::empty`]). A
//! schema is checked with [`Schema::validate`], and travels as JSON ([`Schema::to_json`],
//! [`Schema::from_json`]) or as brat's `annotation.conf` + `visual.conf` (+
//! `kb_shortcuts.conf` for hotkeys) through [`Schema::to_brat`] and [`Schema::from_brat`].
//!
//! ```
//! use loupe::core::schema::Schema;
//! let ace = Schema::ace2005();
//! assert_eq!(ace.event_types.len(), 33);
//! let attack = ace.event_type("Conflict:Attack").unwrap();
//! assert!(attack.role("Target").is_some() && attack.role("Place").is_some());
//! let conf = ace.to_brat();
//! assert_eq!(Schema::from_brat(&conf.annotation, &conf.visual, &conf.kb_shortcuts).unwrap(), ace);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

/// What a type, role or attribute means, for the people who annotate with it: the
/// palette and the inspector show it. brat's configuration has no place for it, so it
/// travels in loupe schema JSON only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guide {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Short phrases that are (or, when they say so, are not) of this type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

impl Guide {
    pub fn is_empty(&self) -> bool {
        self.description.trim().is_empty() && self.examples.is_empty()
    }
}

/// The most characters a description may have: a paragraph or two. Longer explanations
/// belong in the guidelines document.
pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
/// The most examples one type, role or attribute may list.
pub const MAX_EXAMPLES: usize = 30;
/// The most characters one example may have.
pub const MAX_EXAMPLE_CHARS: usize = 300;
/// The most characters the guidelines document may have: about 100 printed pages, and
/// under 4% of a browser's localStorage, where the schema is kept.
pub const MAX_GUIDELINES_CHARS: usize = 200_000;
/// The most characters the schema's version may have.
pub const MAX_VERSION_CHARS: usize = 100;

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
    #[serde(flatten)]
    pub guide: Guide,
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
    #[serde(flatten)]
    pub guide: Guide,
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
    #[serde(flatten)]
    pub guide: Guide,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationType {
    pub name: String,
    pub display: String,
    pub arg1: Vec<String>,
    pub arg2: Vec<String>,
    #[serde(flatten)]
    pub guide: Guide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    Mention,
    Event,
    Relation,
    /// A coreference cluster.
    Entity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeDef {
    pub name: String,
    /// Empty for a binary attribute; otherwise the allowed values.
    #[serde(default)]
    pub values: Vec<String>,
    pub applies_to: Vec<AnnotationKind>,
    #[serde(flatten)]
    pub guide: Guide,
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
    /// The guidelines' version, such as `2.1`, as the methods report cites it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The annotation guidelines, in Markdown; rendered as text with simple formatting by
    /// `core::render::guidelines`, never as HTML.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guidelines: String,
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

/// The `[relations]` lines of an exported `annotation.conf` that let spans nest or overlap
/// and declare the Equiv relation of `*` lines (Loupe's coreference clusters).
pub const BRAT_OVERLAP: &str = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVERLAP-TYPE>:<ANY>";
pub const BRAT_EQUIV: &str = "Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive";

/// Role and argument type wildcards, as in brat.
pub const ANY: &str = "<ANY>";
pub const ANY_ENTITY: &str = "<ENTITY>";
pub const ANY_EVENT: &str = "<EVENT>";

impl Cardinality {
    pub fn min(&self) -> u32 {
        match self {
            Self::One | Self::OneOrMore => 1,
            Self::Optional | Self::Any => 0,
            Self::Range { min, .. } => *min,
        }
    }

    /// `None` means unbounded.
    pub fn max(&self) -> Option<u32> {
        match self {
            Self::One | Self::Optional => Some(1),
            Self::Any | Self::OneOrMore => None,
            Self::Range { max, .. } => Some(*max),
        }
    }

    /// brat's suffix: ``, `?`, `*`, `+`, `{n}` or `{n-m}`.
    pub fn brat_suffix(&self) -> String {
        match self {
            Self::One => String::new(),
            Self::Optional => "?".into(),
            Self::Any => "*".into(),
            Self::OneOrMore => "+".into(),
            Self::Range { min, max } if min == max => format!("{{{min}}}"),
            Self::Range { min, max } => format!("{{{min}-{max}}}"),
        }
    }

    /// Split `Target*` into (`Target`, `Any`). `None` for a malformed `{...}` suffix.
    fn split_brat(spec: &str) -> Option<(&str, Cardinality)> {
        if let Some(open) = spec.find('{') {
            let inner = spec[open..].strip_prefix('{')?.strip_suffix('}')?;
            let (min, max) = match inner.split_once('-') {
                Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
                None => {
                    let n = inner.trim().parse().ok()?;
                    (n, n)
                }
            };
            return Some((&spec[..open], Cardinality::Range { min, max }));
        }
        let card = match spec.chars().last() {
            Some('?') => Cardinality::Optional,
            Some('*') => Cardinality::Any,
            Some('+') => Cardinality::OneOrMore,
            _ => return Some((spec, Cardinality::One)),
        };
        Some((&spec[..spec.len() - 1], card))
    }
}

impl EventType {
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// The part after the category: `Attack` for `Conflict:Attack`.
    pub fn subtype(&self) -> &str {
        self.name.rsplit_once(':').map_or(&self.name, |(_, s)| s)
    }
}

/// Everything that can be wrong with a schema, or with a file that should hold one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    /// Two types (or two roles of one event, two attributes, two label sets) share a name.
    DuplicateName {
        what: &'static str,
        name: String,
    },
    DuplicateHotkey {
        key: char,
        first: String,
        second: String,
    },
    /// A type's hotkey is a key of one of Loupe's commands (see [`crate::core::commands`]).
    ReservedHotkey {
        key: char,
        name: String,
    },
    BadColour {
        name: String,
        colour: String,
    },
    /// A role (or a relation argument) allows a type that the schema does not define.
    UnknownType {
        owner: String,
        role: String,
        type_name: String,
    },
    UnknownParent {
        name: String,
        parent: String,
    },
    BadCardinality {
        event: String,
        role: String,
    },
    EmptyName {
        what: &'static str,
    },
    /// A valued attribute or a label set has no values.
    NoValues {
        name: String,
    },
    /// A description, an example, the version or the guidelines is longer than a schema
    /// may hold.
    TooLong {
        what: String,
        chars: usize,
        max: usize,
    },
    TooManyExamples {
        what: String,
        count: usize,
    },
    Json {
        message: String,
    },
    Conf {
        file: &'static str,
        line: usize,
        message: String,
    },
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateName { what, name } => {
                write!(f, "the {what} name {name:?} is used twice; rename or remove one of them")
            }
            Self::DuplicateHotkey { key, first, second } => write!(
                f,
                "the hotkey {key:?} is given to both {first} and {second}; choose another key for one of them"
            ),
            Self::ReservedHotkey { key, name } => write!(
                f,
                "{name}: the hotkey {key:?} is one of Loupe's command keys (press ? for the list); choose another key"
            ),
            Self::BadColour { name, colour } => write!(
                f,
                "{name}: the colour {colour:?} is not of the form #rrggbb (for example #4363d8)"
            ),
            Self::UnknownType { owner, role, type_name } => write!(
                f,
                "{owner}: the role {role} allows the type {type_name:?}, which the schema does not \
                 define; add that type or remove it from the role"
            ),
            Self::UnknownParent { name, parent } => write!(
                f,
                "{name}: its parent type {parent:?} is not defined; add it or clear the parent"
            ),
            Self::BadCardinality { event, role } => write!(
                f,
                "{event}: the role {role} has a range whose minimum exceeds its maximum; swap them"
            ),
            Self::EmptyName { what } => write!(f, "a {what} has an empty name; give it one"),
            Self::NoValues { name } => write!(
                f,
                "{name} lists no values; add at least one, or make it a yes/no attribute"
            ),
            Self::TooLong { what, chars, max } => write!(
                f,
                "{what} has {chars} characters, more than the {max} a schema may hold; shorten it \
                 (a long explanation belongs in the guidelines document)"
            ),
            Self::TooManyExamples { what, count } => write!(
                f,
                "{what} lists {count} examples, more than the {MAX_EXAMPLES} a schema may hold; \
                 keep the most telling ones"
            ),
            Self::Json { message } => {
                write!(f, "the schema file is not a valid Loupe schema ({message}); export a schema from Loupe to see the expected shape")
            }
            Self::Conf { file, line, message } => {
                write!(f, "{file}, line {line}: {message}; see brat's configuration documentation")
            }
        }
    }
}

impl std::error::Error for SchemaError {}

/// The brat configuration files that carry a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BratConf {
    pub annotation: String,
    pub visual: String,
    /// brat keeps hotkeys in `kb_shortcuts.conf`.
    pub kb_shortcuts: String,
}

fn entity(name: &str, display: &str, color: &str, hotkey: char) -> EntityType {
    EntityType {
        name: name.into(),
        display: display.into(),
        color: color.into(),
        hotkey: Some(hotkey),
        parent: None,
        guide: Guide::default(),
    }
}

/// Parse `Attacker*:PER|ORG, Target+:<ANY>` into roles. Repeated role names merge, as brat
/// allows `Target:PER, Target:ORG`.
fn parse_roles(spec: &str) -> Result<Vec<Role>, String> {
    let mut roles: Vec<Role> = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        // brat options such as `<REL-TYPE>:symmetric` are not roles.
        if part.starts_with('<') {
            continue;
        }
        let (head, types) = part
            .split_once(':')
            .ok_or_else(|| format!("{part:?} should read ROLE:TYPE|TYPE"))?;
        let (name, cardinality) = Cardinality::split_brat(head.trim())
            .ok_or_else(|| format!("{head:?} has a malformed {{n-m}} cardinality"))?;
        let types: Vec<String> = types.split('|').map(|t| t.trim().to_owned()).collect();
        if name.is_empty() || types.iter().any(String::is_empty) {
            return Err(format!("{part:?} has an empty role or type name"));
        }
        match roles.iter_mut().find(|r| r.name == name) {
            Some(role) => role.types.extend(types),
            None => roles.push(Role {
                name: name.to_owned(),
                types,
                cardinality,
                guide: Guide::default(),
            }),
        }
    }
    Ok(roles)
}

fn write_roles(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| {
            format!(
                "{}{}:{}",
                r.name,
                r.cardinality.brat_suffix(),
                r.types.join("|")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// ACE 2005 event subtypes and their roles, in brat's role syntax. The central role of a
/// type is `+` (so "Attack has no Target" is a warning); the others may be left empty.
/// Argument types follow the ACE 2005 English annotation guidelines.
const ACE_EVENTS: &[(&str, &str)] = &[
    ("Life:Be-Born", "Person:PER"),
    ("Life:Marry", "Person+:PER"),
    ("Life:Divorce", "Person+:PER"),
    (
        "Life:Injure",
        "Agent*:PER|ORG|GPE, Victim+:PER, Instrument*:WEA|VEH",
    ),
    (
        "Life:Die",
        "Agent*:PER|ORG|GPE, Victim+:PER, Instrument*:WEA|VEH",
    ),
    (
        "Movement:Transport",
        "Agent*:PER|ORG|GPE, Artifact+:PER|WEA|VEH, Vehicle*:VEH, Origin*:GPE|LOC|FAC, \
         Destination*:GPE|LOC|FAC",
    ),
    (
        "Transaction:Transfer-Ownership",
        "Buyer*:PER|ORG|GPE, Seller*:PER|ORG|GPE, Beneficiary*:PER|ORG|GPE, \
         Artifact+:VEH|WEA|FAC|ORG",
    ),
    (
        "Transaction:Transfer-Money",
        "Giver+:PER|ORG|GPE, Recipient*:PER|ORG|GPE, Beneficiary*:PER|ORG|GPE",
    ),
    ("Business:Start-Org", "Agent*:PER|ORG|GPE, Org+:ORG"),
    ("Business:Merge-Org", "Org+:ORG"),
    ("Business:Declare-Bankruptcy", "Org+:PER|ORG|GPE"),
    ("Business:End-Org", "Org+:ORG"),
    (
        "Conflict:Attack",
        "Attacker*:PER|ORG|GPE, Target+:PER|ORG|VEH|FAC|WEA|GPE|LOC, Instrument*:WEA|VEH",
    ),
    ("Conflict:Demonstrate", "Entity+:PER|ORG"),
    ("Contact:Meet", "Entity+:PER|ORG|GPE"),
    ("Contact:Phone-Write", "Entity+:PER|ORG|GPE"),
    ("Personnel:Start-Position", "Person+:PER, Entity*:ORG|GPE"),
    ("Personnel:End-Position", "Person+:PER, Entity*:ORG|GPE"),
    ("Personnel:Nominate", "Person+:PER, Agent*:PER|ORG|GPE|FAC"),
    ("Personnel:Elect", "Person+:PER, Entity*:PER|ORG|GPE"),
    ("Justice:Arrest-Jail", "Person+:PER, Agent*:PER|ORG|GPE"),
    ("Justice:Release-Parole", "Person+:PER, Entity*:PER|ORG|GPE"),
    (
        "Justice:Trial-Hearing",
        "Defendant+:PER|ORG|GPE, Prosecutor*:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
    (
        "Justice:Charge-Indict",
        "Defendant+:PER|ORG|GPE, Prosecutor*:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
    (
        "Justice:Sue",
        "Plaintiff*:PER|ORG|GPE, Defendant+:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
    (
        "Justice:Convict",
        "Defendant+:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
    (
        "Justice:Sentence",
        "Defendant+:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
    (
        "Justice:Fine",
        "Entity+:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
    ("Justice:Execute", "Person+:PER, Agent*:PER|ORG|GPE"),
    (
        "Justice:Extradite",
        "Person+:PER, Agent*:PER|ORG|GPE, Origin*:GPE|LOC|FAC, Destination*:GPE|LOC|FAC",
    ),
    (
        "Justice:Acquit",
        "Defendant+:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
    (
        "Justice:Pardon",
        "Defendant+:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
    (
        "Justice:Appeal",
        "Plaintiff+:PER|ORG|GPE, Adjudicator*:PER|ORG|GPE",
    ),
];

/// Every ACE event type also takes these.
const ACE_TIME_PLACE: &str = "Time*:TIME, Place?:GPE|LOC|FAC";

/// One colour per ACE event category: events of a category look related.
const ACE_CATEGORY_COLOURS: &[(&str, &str)] = &[
    ("Life", "#b03060"),
    ("Movement", "#2e8b57"),
    ("Transaction", "#daa520"),
    ("Business", "#4682b4"),
    ("Conflict", "#d2691e"),
    ("Contact", "#6a5acd"),
    ("Personnel", "#008b8b"),
    ("Justice", "#8b4513"),
];

/// (name, display, arg1, arg2) of the six ACE relation types.
const ACE_RELATIONS: &[(&str, &str, &str, &str)] = &[
    ("PHYS", "Physical", "PER|FAC|LOC|GPE", "FAC|LOC|GPE"),
    (
        "PART-WHOLE",
        "Part-whole",
        "FAC|LOC|GPE|ORG|VEH|WEA",
        "FAC|LOC|GPE|ORG|VEH|WEA",
    ),
    ("PER-SOC", "Personal-social", "PER", "PER"),
    (
        "ORG-AFF",
        "Organisation affiliation",
        "PER|ORG|GPE",
        "ORG|GPE",
    ),
    ("ART", "Agent-artifact", "PER|ORG|GPE", "VEH|WEA|FAC"),
    (
        "GEN-AFF",
        "General affiliation",
        "PER|ORG",
        "PER|ORG|GPE|LOC",
    ),
];

fn split_types(types: &str) -> Vec<String> {
    types.split('|').map(str::to_owned).collect()
}

fn attribute(name: &str, values: &[&str], applies_to: AnnotationKind) -> AttributeDef {
    AttributeDef {
        name: name.into(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        applies_to: vec![applies_to],
        guide: Guide::default(),
    }
}

pub fn is_hex_colour(colour: &str) -> bool {
    colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// A visual.conf colour that is not `#rrggbb`: brat also accepts CSS colour names
/// (`lightgreen`), which Loupe shows as grey; anything else is refused with the reason, so
/// text that is not a colour never reaches a style.
fn check_brat_colour_name(colour: &str) -> Result<(), String> {
    if !colour.is_empty() && colour.len() <= 30 && colour.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok(());
    }
    Err(format!(
        "the colour {colour:?} is neither of the form #rrggbb (for example #4363d8) nor a colour name"
    ))
}

impl Schema {
    /// The default preset. Colours are far apart in hue and lightness so that nine types
    /// stay distinguishable; each highlight also carries its type label.
    pub fn ace2005() -> Self {
        let event_types = ACE_EVENTS
            .iter()
            .map(|(name, roles)| {
                let category = name.split(':').next().unwrap_or_default();
                let color = ACE_CATEGORY_COLOURS
                    .iter()
                    .find(|(c, _)| *c == category)
                    .map_or("#888888", |(_, colour)| colour);
                let spec = format!("{roles}, {ACE_TIME_PLACE}");
                let mut event = EventType {
                    name: (*name).into(),
                    display: String::new(),
                    color: color.into(),
                    hotkey: None,
                    roles: parse_roles(&spec).expect("the ACE role table is well formed"),
                    guide: Guide::default(),
                };
                event.display = event.subtype().to_owned();
                event
            })
            .collect();
        let relation_types = ACE_RELATIONS
            .iter()
            .map(|(name, display, a1, a2)| RelationType {
                name: (*name).into(),
                display: (*display).into(),
                arg1: split_types(a1),
                arg2: split_types(a2),
                guide: Guide::default(),
            })
            .collect();
        use AnnotationKind::{Event, Mention};
        Schema {
            name: "ACE 2005 (news)".into(),
            version: String::new(),
            guidelines: String::new(),
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
            event_types,
            relation_types,
            attributes: vec![
                attribute("MentionType", &["NAM", "NOM", "PRO"], Mention),
                attribute("Polarity", &["Positive", "Negative"], Event),
                attribute(
                    "Tense",
                    &["Past", "Present", "Future", "Unspecified"],
                    Event,
                ),
                attribute("Genericity", &["Specific", "Generic"], Event),
                attribute("Modality", &["Asserted", "Other"], Event),
                attribute("Realis", &["Actual", "Generic", "Other"], Event),
            ],
            label_sets: Vec::new(),
        }
    }

    /// Named-entity recognition as in the CoNLL-2003 shared task.
    pub fn conll2003() -> Self {
        Schema {
            name: "CoNLL-2003 NER".into(),
            version: String::new(),
            guidelines: String::new(),
            entity_types: vec![
                entity("PER", "Person", "#e6194b", 'p'),
                entity("ORG", "Organisation", "#4363d8", 'o'),
                entity("LOC", "Location", "#9a6324", 'l'),
                entity("MISC", "Miscellaneous", "#808080", 'm'),
            ],
            event_types: Vec::new(),
            relation_types: Vec::new(),
            attributes: Vec::new(),
            label_sets: Vec::new(),
        }
    }

    /// A schema to fill in from scratch.
    pub fn empty() -> Self {
        Schema {
            name: "Empty".into(),
            version: String::new(),
            guidelines: String::new(),
            entity_types: Vec::new(),
            event_types: Vec::new(),
            relation_types: Vec::new(),
            attributes: Vec::new(),
            label_sets: Vec::new(),
        }
    }

    /// Every preset, the default first.
    pub fn presets() -> Vec<Schema> {
        vec![Self::ace2005(), Self::conll2003(), Self::empty()]
    }

    pub fn entity_type(&self, name: &str) -> Option<&EntityType> {
        self.entity_types.iter().find(|t| t.name == name)
    }

    pub fn entity_type_for_key(&self, key: char) -> Option<&EntityType> {
        let key = key.to_ascii_lowercase();
        self.entity_types.iter().find(|t| t.hotkey == Some(key))
    }

    pub fn event_type(&self, name: &str) -> Option<&EventType> {
        self.event_types.iter().find(|t| t.name == name)
    }

    pub fn relation_type(&self, name: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.name == name)
    }

    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn label_set(&self, name: &str) -> Option<&LabelSet> {
        self.label_sets.iter().find(|l| l.name == name)
    }

    /// Whether an annotation of type `kind` may fill a slot that allows `allowed`. An
    /// entity type matches its ancestors, and an event type `Conflict:Attack` matches
    /// its category `Conflict`.
    pub fn type_allowed(&self, allowed: &[String], kind: &str, is_event: bool) -> bool {
        let wildcard = if is_event { ANY_EVENT } else { ANY_ENTITY };
        if allowed
            .iter()
            .any(|a| a == ANY || a == wildcard || a == kind)
        {
            return true;
        }
        if is_event {
            return kind
                .split_once(':')
                .is_some_and(|(category, _)| allowed.iter().any(|a| a == category));
        }
        // Walk up the hierarchy; the step bound guards against a parent cycle.
        let mut current = self.entity_type(kind);
        for _ in 0..self.entity_types.len() {
            let Some(parent) = current.and_then(|t| t.parent.as_deref()) else {
                break;
            };
            if allowed.iter().any(|a| a == parent) {
                return true;
            }
            current = self.entity_type(parent);
        }
        false
    }

    /// Whether `name` may appear in a role or relation argument's type list.
    fn is_known_arg_type(&self, name: &str) -> bool {
        name == ANY
            || name == ANY_ENTITY
            || name == ANY_EVENT
            || self.entity_type(name).is_some()
            || self.event_type(name).is_some()
            || self
                .event_types
                .iter()
                .any(|e| e.name.split_once(':').is_some_and(|(c, _)| c == name))
    }

    /// Every problem with the schema, in a stable order. Empty when it is sound.
    pub fn problems(&self) -> Vec<SchemaError> {
        let mut out = Vec::new();
        // Entity, event and relation types share one namespace: an argument names a
        // type without saying which kind it is.
        let mut names = BTreeSet::new();
        let type_names = self
            .entity_types
            .iter()
            .map(|t| ("type", &t.name))
            .chain(self.event_types.iter().map(|t| ("type", &t.name)))
            .chain(self.relation_types.iter().map(|t| ("type", &t.name)));
        for (what, name) in type_names {
            if name.trim().is_empty() {
                out.push(SchemaError::EmptyName { what });
            } else if !names.insert(name.as_str()) {
                out.push(SchemaError::DuplicateName {
                    what,
                    name: name.clone(),
                });
            }
        }
        let mut attribute_names = BTreeSet::new();
        for a in &self.attributes {
            if !attribute_names.insert(a.name.as_str()) {
                out.push(SchemaError::DuplicateName {
                    what: "attribute",
                    name: a.name.clone(),
                });
            }
        }
        let mut set_names = BTreeSet::new();
        for set in &self.label_sets {
            if !set_names.insert(set.name.as_str()) {
                out.push(SchemaError::DuplicateName {
                    what: "label set",
                    name: set.name.clone(),
                });
            }
            if set.labels.is_empty() {
                out.push(SchemaError::NoValues {
                    name: set.name.clone(),
                });
            }
            let mut labels = BTreeSet::new();
            for label in &set.labels {
                if !labels.insert(label) {
                    out.push(SchemaError::DuplicateName {
                        what: "label",
                        name: label.clone(),
                    });
                }
            }
        }
        let mut keys: BTreeMap<char, &str> = BTreeMap::new();
        let keyed = self
            .entity_types
            .iter()
            .map(|t| (&t.name, t.hotkey, &t.color))
            .chain(
                self.event_types
                    .iter()
                    .map(|t| (&t.name, t.hotkey, &t.color)),
            );
        for (name, hotkey, colour) in keyed {
            if !is_hex_colour(colour) {
                out.push(SchemaError::BadColour {
                    name: name.clone(),
                    colour: colour.clone(),
                });
            }
            if let Some(key) = hotkey.filter(|k| crate::core::commands::is_command_key(*k)) {
                out.push(SchemaError::ReservedHotkey {
                    key,
                    name: name.clone(),
                });
            }
            if let Some(key) = hotkey.map(|k| k.to_ascii_lowercase()) {
                if let Some(first) = keys.insert(key, name) {
                    out.push(SchemaError::DuplicateHotkey {
                        key,
                        first: first.to_owned(),
                        second: name.clone(),
                    });
                }
            }
        }
        for t in &self.entity_types {
            if let Some(parent) = &t.parent {
                if self.entity_type(parent).is_none() {
                    out.push(SchemaError::UnknownParent {
                        name: t.name.clone(),
                        parent: parent.clone(),
                    });
                }
            }
        }
        for event in &self.event_types {
            let mut roles = BTreeSet::new();
            for role in &event.roles {
                if !roles.insert(role.name.as_str()) {
                    out.push(SchemaError::DuplicateName {
                        what: "role",
                        name: format!("{}.{}", event.name, role.name),
                    });
                }
                if let Cardinality::Range { min, max } = role.cardinality {
                    if min > max {
                        out.push(SchemaError::BadCardinality {
                            event: event.name.clone(),
                            role: role.name.clone(),
                        });
                    }
                }
                for t in role.types.iter().filter(|t| !self.is_known_arg_type(t)) {
                    out.push(SchemaError::UnknownType {
                        owner: event.name.clone(),
                        role: role.name.clone(),
                        type_name: t.clone(),
                    });
                }
            }
        }
        self.guide_problems(&mut out);
        for rel in &self.relation_types {
            for (role, types) in [("Arg1", &rel.arg1), ("Arg2", &rel.arg2)] {
                for t in types.iter().filter(|t| !self.is_known_arg_type(t)) {
                    out.push(SchemaError::UnknownType {
                        owner: rel.name.clone(),
                        role: role.into(),
                        type_name: t.clone(),
                    });
                }
            }
        }
        out
    }

    /// Every description and list of examples, with what it belongs to: `entity type PER`,
    /// `role Conflict:Attack.Attacker`, and so on.
    pub fn guides(&self) -> Vec<(String, &Guide)> {
        let mut out = Vec::new();
        for t in &self.entity_types {
            out.push((format!("entity type {}", t.name), &t.guide));
        }
        for e in &self.event_types {
            out.push((format!("event type {}", e.name), &e.guide));
            for r in &e.roles {
                out.push((format!("role {}.{}", e.name, r.name), &r.guide));
            }
        }
        for r in &self.relation_types {
            out.push((format!("relation type {}", r.name), &r.guide));
        }
        for a in &self.attributes {
            out.push((format!("attribute {}", a.name), &a.guide));
        }
        out
    }

    /// Sizes that bad input could blow up: each description, each example, the version
    /// and the guidelines document.
    fn guide_problems(&self, out: &mut Vec<SchemaError>) {
        let mut check = |what: String, text: &str, max: usize| {
            let chars = text.chars().count();
            if chars > max {
                out.push(SchemaError::TooLong { what, chars, max });
            }
        };
        check("the version".into(), &self.version, MAX_VERSION_CHARS);
        check(
            "the guidelines document".into(),
            &self.guidelines,
            MAX_GUIDELINES_CHARS,
        );
        let mut too_many = Vec::new();
        for (what, guide) in self.guides() {
            check(
                format!("the description of {what}"),
                &guide.description,
                MAX_DESCRIPTION_CHARS,
            );
            for (n, example) in guide.examples.iter().enumerate() {
                check(
                    format!("example {} of {what}", n + 1),
                    example,
                    MAX_EXAMPLE_CHARS,
                );
            }
            if guide.examples.len() > MAX_EXAMPLES {
                too_many.push(SchemaError::TooManyExamples {
                    what,
                    count: guide.examples.len(),
                });
            }
        }
        out.extend(too_many);
    }

    /// How many descriptions and how many examples the schema holds, and whether it has
    /// guidelines: what an export to brat's configuration leaves out.
    pub fn guide_counts(&self) -> (usize, usize, bool) {
        let guides = self.guides();
        let descriptions = guides
            .iter()
            .filter(|(_, g)| !g.description.trim().is_empty())
            .count();
        let examples = guides.iter().map(|(_, g)| g.examples.len()).sum();
        (descriptions, examples, !self.guidelines.trim().is_empty())
    }

    /// The first problem, if any; see [`Schema::problems`] for all of them.
    pub fn validate(&self) -> Result<(), SchemaError> {
        match self.problems().into_iter().next() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    /// The schema as pretty JSON, in field order.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a schema always serialises");
        json.push('\n');
        json
    }

    /// Parse and validate a schema exported by [`Schema::to_json`].
    pub fn from_json(json: &str) -> Result<Schema, SchemaError> {
        let schema: Schema = serde_json::from_str(json).map_err(|e| SchemaError::Json {
            message: e.to_string(),
        })?;
        schema.validate()?;
        Ok(schema)
    }

    /// The schema as brat configuration. Entity type hierarchy becomes tab indentation;
    /// event categories (`Conflict` in `Conflict:Attack`) become `!` grouping types, as in
    /// brat's own ACE configuration. Document label sets have no brat form and are left out.
    pub fn to_brat(&self) -> BratConf {
        let mut ann = format!("# Loupe schema: {}\n[entities]\n", self.name);
        let mut written = BTreeSet::new();
        for root in self.entity_types.iter().filter(|t| {
            t.parent
                .as_deref()
                .is_none_or(|p| self.entity_type(p).is_none())
        }) {
            self.write_entity_tree(&mut ann, root, 0, &mut written);
        }
        // A parent cycle leaves types unwritten; keep them, flat, rather than drop them.
        for t in self
            .entity_types
            .iter()
            .filter(|t| !written.contains(&t.name))
        {
            ann.push_str(&t.name);
            ann.push('\n');
        }
        ann.push_str("\n[relations]\n");
        // Loupe allows nested and overlapping spans, and writes coreference as `*` Equiv
        // lines: brat's checker needs both declared.
        ann.push_str(BRAT_OVERLAP);
        ann.push('\n');
        ann.push_str(BRAT_EQUIV);
        ann.push('\n');
        for r in &self.relation_types {
            ann.push_str(&format!(
                "{}\tArg1:{}, Arg2:{}\n",
                r.name,
                r.arg1.join("|"),
                r.arg2.join("|")
            ));
        }
        ann.push_str("\n[events]\n");
        let mut open_category: Option<&str> = None;
        for e in &self.event_types {
            let category = e.name.rsplit_once(':').map(|(c, _)| c);
            if category != open_category {
                if let Some(c) = category {
                    ann.push_str(&format!("!{c}\n"));
                }
                open_category = category;
            }
            let indent = if category.is_some() { "\t" } else { "" };
            let roles = write_roles(&e.roles);
            let sep = if roles.is_empty() { "" } else { "\t" };
            ann.push_str(&format!("{indent}{}{sep}{roles}\n", e.subtype()));
        }
        ann.push_str("\n[attributes]\n");
        for a in &self.attributes {
            let mut args: Vec<&str> = Vec::new();
            for kind in &a.applies_to {
                let arg = match kind {
                    AnnotationKind::Mention | AnnotationKind::Entity => ANY_ENTITY,
                    AnnotationKind::Event => ANY_EVENT,
                    AnnotationKind::Relation => "<RELATION>",
                };
                if !args.contains(&arg) {
                    args.push(arg);
                }
            }
            ann.push_str(&format!("{}\tArg:{}", a.name, args.join("|")));
            if !a.values.is_empty() {
                ann.push_str(&format!(", Value:{}", a.values.join("|")));
            }
            ann.push('\n');
        }

        let mut visual = String::from("[labels]\n");
        let mut drawing = String::from("\n[drawing]\n");
        let mut keys = String::new();
        let labelled = self
            .entity_types
            .iter()
            .map(|t| {
                (
                    t.name.as_str(),
                    t.display.as_str(),
                    Some(t.color.as_str()),
                    t.hotkey,
                )
            })
            .chain(
                self.relation_types
                    .iter()
                    .map(|r| (r.name.as_str(), r.display.as_str(), None, None)),
            )
            .chain(self.event_types.iter().map(|e| {
                (
                    e.subtype(),
                    e.display.as_str(),
                    Some(e.color.as_str()),
                    e.hotkey,
                )
            }));
        for (name, display, colour, hotkey) in labelled {
            visual.push_str(&format!("{name} | {display}\n"));
            if let Some(colour) = colour {
                drawing.push_str(&format!("{name}\tbgColor:{colour}\n"));
            }
            if let Some(key) = hotkey {
                keys.push_str(&format!("{} {name}\n", key.to_ascii_uppercase()));
            }
        }
        visual.push_str(&drawing);
        BratConf {
            annotation: ann,
            visual,
            kb_shortcuts: keys,
        }
    }

    fn write_entity_tree<'s>(
        &'s self,
        out: &mut String,
        t: &'s EntityType,
        depth: usize,
        written: &mut BTreeSet<&'s String>,
    ) {
        if !written.insert(&t.name) {
            return;
        }
        out.push_str(&"\t".repeat(depth));
        out.push_str(&t.name);
        out.push('\n');
        for child in self
            .entity_types
            .iter()
            .filter(|c| c.parent.as_deref() == Some(t.name.as_str()))
        {
            self.write_entity_tree(out, child, depth + 1, written);
        }
    }

    /// Read brat's `annotation.conf`, with `visual.conf` for display names and colours and
    /// `kb_shortcuts.conf` for hotkeys (either may be empty). The result is validated.
    ///
    /// A `!` line in `[events]` is a category: its children become `Category:Child`. A `!`
    /// entity type is kept as an ordinary type, since Loupe has no grouping-only types.
    /// Colours that are not `#rrggbb` but names (brat accepts CSS names) fall back to grey;
    /// anything else is refused with its line.
    pub fn from_brat(
        annotation: &str,
        visual: &str,
        kb_shortcuts: &str,
    ) -> Result<Schema, SchemaError> {
        let mut schema = Schema::empty();
        schema.name = "Imported from brat".into();
        schema.read_brat_types(annotation)?;
        schema.read_brat_visual(visual)?;
        schema.read_brat_shortcuts(kb_shortcuts)?;
        for t in schema
            .entity_types
            .iter_mut()
            .filter(|t| t.color.is_empty())
        {
            t.color = "#cccccc".into();
        }
        for e in schema.event_types.iter_mut().filter(|e| e.color.is_empty()) {
            e.color = "#cccccc".into();
        }
        schema.validate()?;
        Ok(schema)
    }

    /// The types of brat's `annotation.conf`, added to this schema.
    fn read_brat_types(&mut self, annotation: &str) -> Result<(), SchemaError> {
        let conf = |line: usize, message: String| SchemaError::Conf {
            file: "annotation.conf",
            line,
            message,
        };
        let mut section = "";
        // (depth, name, is a `!` group) of the lines above, for hierarchy.
        let mut stack: Vec<(usize, String, bool)> = Vec::new();
        for (n, raw) in annotation.lines().enumerate() {
            let line_no = n + 1;
            let trimmed = raw.trim();
            if let Some(name) = trimmed.strip_prefix("# Loupe schema:") {
                self.name = name.trim().to_owned();
                continue;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if trimmed.starts_with('[') && trimmed.ends_with(']') {
                section = match trimmed {
                    "[entities]" => "entities",
                    "[relations]" => "relations",
                    "[events]" => "events",
                    "[attributes]" => "attributes",
                    other => return Err(conf(line_no, format!("unknown section {other}"))),
                };
                stack.clear();
                continue;
            }
            let depth = raw.chars().take_while(|c| *c == '\t').count();
            let (head, rest) = match trimmed.split_once(char::is_whitespace) {
                Some((h, r)) => (h, r.trim()),
                None => (trimmed, ""),
            };
            // Macros (`<OVERLAP>`, `<ENTITY>=...`) configure brat's checks and display, and a
            // symmetric-transitive relation (Equiv) is coreference, which Loupe keeps as
            // clusters: skip them (the export writes them back).
            if head.starts_with('<') || rest.contains("<REL-TYPE>:symmetric-transitive") {
                continue;
            }
            let group = head.starts_with('!');
            let name = head.trim_start_matches('!').to_owned();
            while stack.last().is_some_and(|(d, _, _)| *d >= depth) {
                stack.pop();
            }
            match section {
                "entities" => {
                    self.entity_types.push(EntityType {
                        display: name.clone(),
                        color: String::new(),
                        hotkey: None,
                        parent: stack.last().map(|(_, p, _)| p.clone()),
                        name: name.clone(),
                        guide: Guide::default(),
                    });
                }
                "relations" => {
                    let roles = parse_roles(rest).map_err(|m| conf(line_no, m))?;
                    let arg = |n: &str| roles.iter().find(|r| r.name == n).map(|r| r.types.clone());
                    let (Some(arg1), Some(arg2)) = (arg("Arg1"), arg("Arg2")) else {
                        return Err(conf(
                            line_no,
                            format!("relation {name} needs Arg1: and Arg2:"),
                        ));
                    };
                    self.relation_types.push(RelationType {
                        display: name.clone(),
                        name: name.clone(),
                        arg1,
                        arg2,
                        guide: Guide::default(),
                    });
                }
                "events" if group => {}
                "events" => {
                    let mut full = stack
                        .iter()
                        .filter(|(_, _, g)| *g)
                        .map(|(_, n, _)| n.as_str())
                        .collect::<Vec<_>>();
                    full.push(&name);
                    self.event_types.push(EventType {
                        name: full.join(":"),
                        display: name.clone(),
                        color: String::new(),
                        hotkey: None,
                        roles: parse_roles(rest).map_err(|m| conf(line_no, m))?,
                        guide: Guide::default(),
                    });
                }
                "attributes" => {
                    let roles = parse_roles(rest).map_err(|m| conf(line_no, m))?;
                    let mut applies_to = Vec::new();
                    for t in roles
                        .iter()
                        .filter(|r| r.name == "Arg")
                        .flat_map(|r| &r.types)
                    {
                        let kind = match t.as_str() {
                            ANY_EVENT => AnnotationKind::Event,
                            "<RELATION>" => AnnotationKind::Relation,
                            _ => AnnotationKind::Mention,
                        };
                        if !applies_to.contains(&kind) {
                            applies_to.push(kind);
                        }
                    }
                    let values = roles
                        .iter()
                        .find(|r| r.name == "Value")
                        .map(|r| r.types.clone())
                        .unwrap_or_default();
                    self.attributes.push(AttributeDef {
                        name: name.clone(),
                        values,
                        applies_to,
                        guide: Guide::default(),
                    });
                }
                _ => return Err(conf(line_no, "a type appears before any [section]".into())),
            }
            stack.push((depth, name, group));
        }
        Ok(())
    }

    /// Display names and colours from brat's `visual.conf`.
    fn read_brat_visual(&mut self, visual: &str) -> Result<(), SchemaError> {
        // visual.conf names brat types: event subtypes, not their full names.
        let mut section = "";
        for (n, raw) in visual.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with('[') {
                section = if line == "[labels]" {
                    "labels"
                } else if line == "[drawing]" {
                    "drawing"
                } else {
                    ""
                };
                continue;
            }
            match section {
                "labels" => {
                    let mut parts = line.split('|').map(str::trim);
                    let name = parts.next().unwrap_or_default();
                    if let Some(display) = parts.next() {
                        self.set_display(name, display);
                    }
                }
                "drawing" => {
                    let Some((name, options)) = line.split_once(char::is_whitespace) else {
                        continue;
                    };
                    let colour = options
                        .split(',')
                        .filter_map(|o| o.trim().strip_prefix("bgColor:"))
                        .next()
                        .map(str::trim);
                    if let Some(colour) = colour {
                        if !is_hex_colour(colour) {
                            check_brat_colour_name(colour).map_err(|message| {
                                SchemaError::Conf {
                                    file: "visual.conf",
                                    line: n + 1,
                                    message,
                                }
                            })?;
                            continue;
                        }
                        self.set_colour(name, colour);
                    }
                }
                _ => {
                    return Err(SchemaError::Conf {
                        file: "visual.conf",
                        line: n + 1,
                        message: "a line appears outside [labels] and [drawing]".into(),
                    })
                }
            }
        }
        Ok(())
    }

    /// Hotkeys from brat's `kb_shortcuts.conf`.
    fn read_brat_shortcuts(&mut self, kb_shortcuts: &str) -> Result<(), SchemaError> {
        for (n, raw) in kb_shortcuts.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parsed = line
                .split_once(char::is_whitespace)
                .and_then(|(key, name)| {
                    let mut chars = key.chars();
                    let key = chars.next().filter(|_| chars.next().is_none())?;
                    Some((key.to_ascii_lowercase(), name.trim()))
                });
            let Some((key, name)) = parsed else {
                return Err(SchemaError::Conf {
                    file: "kb_shortcuts.conf",
                    line: n + 1,
                    message: format!("{line:?} should read KEY TYPE, for example P PER"),
                });
            };
            if let Some(t) = self.entity_types.iter_mut().find(|t| t.name == name) {
                t.hotkey = Some(key);
            } else if let Some(e) = self.event_types.iter_mut().find(|e| e.subtype() == name) {
                e.hotkey = Some(key);
            }
        }
        Ok(())
    }

    fn set_display(&mut self, brat_name: &str, display: &str) {
        if let Some(t) = self.entity_types.iter_mut().find(|t| t.name == brat_name) {
            t.display = display.into();
        } else if let Some(r) = self.relation_types.iter_mut().find(|r| r.name == brat_name) {
            r.display = display.into();
        } else if let Some(e) = self
            .event_types
            .iter_mut()
            .find(|e| e.subtype() == brat_name)
        {
            e.display = display.into();
        }
    }

    fn set_colour(&mut self, brat_name: &str, colour: &str) {
        if let Some(t) = self.entity_types.iter_mut().find(|t| t.name == brat_name) {
            t.color = colour.into();
        } else if let Some(e) = self
            .event_types
            .iter_mut()
            .find(|e| e.subtype() == brat_name)
        {
            e.color = colour.into();
        }
    }
}

impl Default for Schema {
    fn default() -> Self {
        Self::ace2005()
    }
}

impl Schema {
    /// What annotations use that this schema lacks, with how many annotations use each:
    /// type names as they are, attributes as `attribute Name`. Switching to a schema that
    /// lacks something keeps those annotations; this is what the user is told first.
    pub fn unknown_uses<'a>(
        &self,
        documents: impl IntoIterator<Item = &'a crate::core::model::Annotations>,
    ) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        let mut count = |name: String| *out.entry(name).or_insert(0) += 1;
        for ann in documents {
            let attributes = ann
                .mentions
                .iter()
                .flat_map(|m| m.attributes.keys())
                .chain(ann.events.iter().flat_map(|e| e.attributes.keys()))
                .chain(ann.relations.iter().flat_map(|r| r.attributes.keys()))
                .chain(ann.entities.iter().flat_map(|e| e.attributes.keys()));
            for name in attributes {
                if self.attribute(name).is_none() {
                    count(format!("attribute {name}"));
                }
            }
            for m in &ann.mentions {
                if self.entity_type(&m.kind).is_none() {
                    count(m.kind.clone());
                }
            }
            for e in &ann.entities {
                if self.entity_type(&e.kind).is_none() {
                    count(e.kind.clone());
                }
            }
            for e in &ann.events {
                if self.event_type(&e.kind).is_none() {
                    count(e.kind.clone());
                }
            }
            for r in &ann.relations {
                if self.relation_type(&r.kind).is_none() {
                    count(r.kind.clone());
                }
            }
        }
        out
    }
}

/// A schema that uses every guide field: descriptions and examples on an entity type, an
/// event type and its role, a relation type and an attribute, a version and guidelines.
#[cfg(test)]
pub(crate) fn guided_fixture() -> Schema {
    let mut s = Schema::ace2005();
    s.version = "2.1".into();
    s.guidelines = "# Guidelines\n\nTag *people* by name.\n\n- one\n- two\n".into();
    let guide = |d: &str, ex: &[&str]| Guide {
        description: d.into(),
        examples: ex.iter().map(|e| (*e).to_owned()).collect(),
    };
    s.entity_types[0].guide = guide("A person, alive or dead.", &["Ana Ruiz", "the minister"]);
    s.event_types[0].guide = guide("Someone is born.", &[]);
    s.event_types[0].roles[0].guide = guide("The one born.", &["the baby"]);
    s.relation_types[0].guide = guide("", &["his office"]);
    s.attributes[0].guide = guide("How the mention names its entity.", &[]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_uses_counts_what_the_new_schema_lacks_per_type() {
        use crate::core::model::{Annotations, AttrValue, Event, Mention, Span};
        let mention = |id: &str, kind: &str| Mention::new(id, kind, vec![Span::new(0, 1)], "a");
        let mut one = Annotations {
            mentions: vec![
                mention("T1", "GPE"),
                mention("T2", "PER"),
                mention("T3", "GPE"),
            ],
            ..Annotations::default()
        };
        one.mentions[1]
            .attributes
            .insert("MentionType".into(), AttrValue::Value("NAM".into()));
        one.events.push(Event::new(
            "E1",
            "Conflict:Attack",
            vec![Span::new(0, 1)],
            "a",
            Vec::new(),
        ));
        let two = Annotations {
            mentions: vec![mention("T1", "GPE")],
            ..Annotations::default()
        };
        let lacking = Schema::conll2003().unknown_uses([&one, &two]);
        let expected: BTreeMap<String, usize> = [
            ("GPE".to_owned(), 3),
            ("Conflict:Attack".to_owned(), 1),
            ("attribute MentionType".to_owned(), 1),
        ]
        .into_iter()
        .collect();
        assert_eq!(lacking, expected);
        // ACE knows all of it; an empty schema lacks every type.
        assert!(Schema::ace2005().unknown_uses([&one, &two]).is_empty());
        assert_eq!(Schema::empty().unknown_uses([&one])["PER"], 1);
    }

    #[test]
    fn ace_entity_hotkeys_are_unique() {
        let s = Schema::ace2005();
        let mut keys: Vec<char> = s.entity_types.iter().filter_map(|t| t.hotkey).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), s.entity_types.len());
        assert_eq!(s.entity_type_for_key('G').unwrap().name, "GPE");
    }

    #[test]
    fn presets_are_valid() {
        for preset in Schema::presets() {
            assert_eq!(preset.problems(), vec![], "{}", preset.name);
        }
        let names: Vec<String> = Schema::presets().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["ACE 2005 (news)", "CoNLL-2003 NER", "Empty"]);
    }

    #[test]
    fn ace_has_33_subtypes_6_relations_and_the_event_attributes() {
        let s = Schema::ace2005();
        assert_eq!(s.event_types.len(), 33);
        assert_eq!(s.relation_types.len(), 6);
        for a in ["Polarity", "Tense", "Genericity", "Modality", "Realis"] {
            assert_eq!(
                s.attribute(a).unwrap().applies_to,
                vec![AnnotationKind::Event],
                "{a}"
            );
        }
        assert_eq!(s.attribute("Tense").unwrap().values.len(), 4);
    }

    #[test]
    fn every_ace_event_takes_time_and_place() {
        let s = Schema::ace2005();
        for e in &s.event_types {
            assert_eq!(e.role("Time").unwrap().types, ["TIME"], "{}", e.name);
            assert_eq!(
                e.role("Place").unwrap().types,
                ["GPE", "LOC", "FAC"],
                "{}",
                e.name
            );
            assert!(e.hotkey.is_none());
        }
        let attack = s.event_type("Conflict:Attack").unwrap();
        let names: Vec<&str> = attack.roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Attacker", "Target", "Instrument", "Time", "Place"]);
        assert_eq!(
            attack.role("Attacker").unwrap().types,
            ["PER", "ORG", "GPE"]
        );
        let extradite = s.event_type("Justice:Extradite").unwrap();
        assert!(extradite.role("Origin").is_some() && extradite.role("Destination").is_some());
    }

    #[test]
    fn conll_has_the_four_types() {
        let names: Vec<String> = Schema::conll2003()
            .entity_types
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["PER", "ORG", "LOC", "MISC"]);
        assert!(Schema::empty().entity_types.is_empty());
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let mut s = Schema::conll2003();
        s.entity_types.push(entity("ORG", "Again", "#000000", 'x'));
        let err = s.validate().unwrap_err();
        assert_eq!(
            err,
            SchemaError::DuplicateName {
                what: "type",
                name: "ORG".into()
            }
        );
        assert!(err.to_string().contains("\"ORG\" is used twice"));
    }

    #[test]
    fn hotkey_used_twice_is_rejected() {
        let mut s = Schema::conll2003();
        s.entity_types.push(entity("DATE", "Date", "#000000", 'P'));
        let err = s.validate().unwrap_err();
        assert_eq!(
            err,
            SchemaError::DuplicateHotkey {
                key: 'p',
                first: "PER".into(),
                second: "DATE".into()
            }
        );
        assert!(err.to_string().contains("choose another key"));
    }

    #[test]
    fn a_hotkey_may_not_take_a_command_key() {
        let mut s = Schema::conll2003();
        s.entity_types.push(entity("DATE", "Date", "#000000", 'r'));
        assert_eq!(
            s.problems(),
            [SchemaError::ReservedHotkey {
                key: 'r',
                name: "DATE".into()
            }]
        );
        for preset in Schema::presets() {
            assert!(preset.problems().is_empty(), "{}", preset.name);
        }
    }

    #[test]
    fn a_hotkey_may_not_take_the_arcs_key() {
        // H shows and hides the arcs: a type keyed H could never be tagged by key.
        let mut s = Schema::conll2003();
        s.entity_types.push(entity("DATE", "Date", "#000000", 'H'));
        assert_eq!(
            s.problems(),
            [SchemaError::ReservedHotkey {
                key: 'H',
                name: "DATE".into()
            }]
        );
    }

    #[test]
    fn bad_colour_is_rejected() {
        for bad in ["red", "#12345", "#12345g", "1234567", "#ff00ff0"] {
            let mut s = Schema::conll2003();
            s.entity_types[0].color = bad.into();
            let err = s.validate().unwrap_err();
            assert!(matches!(err, SchemaError::BadColour { .. }), "{bad}");
            assert!(err.to_string().contains("#rrggbb"));
        }
    }

    #[test]
    fn visual_conf_colours_are_hex_or_a_name_else_refused_with_the_line() {
        let annotation = "[entities]\nPerson\nCity\n";
        for bad in [
            "red;background:url(x)",
            "#12345",
            "#ff00ff0",
            "expression(alert(1))",
            "\"><script>",
            "rgb(1,2,3)",
        ] {
            let visual = format!("[drawing]\nPerson\tbgColor:#ffccaa\nCity\tbgColor:{bad}\n");
            let err = Schema::from_brat(annotation, &visual, "").unwrap_err();
            assert!(
                matches!(
                    err,
                    SchemaError::Conf {
                        file: "visual.conf",
                        line: 3,
                        ..
                    }
                ),
                "{bad}: {err:?}"
            );
            assert!(err.to_string().contains("#rrggbb"), "{err}");
        }
        let named =
            Schema::from_brat(annotation, "[drawing]\nCity\tbgColor:LightGreen\n", "").unwrap();
        assert_eq!(named.entity_type("City").unwrap().color, "#cccccc");
    }

    #[test]
    fn role_naming_an_unknown_type_is_rejected() {
        let mut s = Schema::ace2005();
        s.event_types[0].roles[0].types.push("ALIEN".into());
        let err = s.validate().unwrap_err();
        assert_eq!(
            err,
            SchemaError::UnknownType {
                owner: "Life:Be-Born".into(),
                role: "Person".into(),
                type_name: "ALIEN".into()
            }
        );
        let mut s = Schema::ace2005();
        s.relation_types[0].arg2 = vec!["NOPE".into()];
        assert!(matches!(s.validate(), Err(SchemaError::UnknownType { .. })));
    }

    #[test]
    fn unknown_parent_and_reversed_range_are_rejected() {
        let mut s = Schema::conll2003();
        s.entity_types[0].parent = Some("HUMAN".into());
        assert!(matches!(
            s.validate(),
            Err(SchemaError::UnknownParent { .. })
        ));
        let mut s = Schema::ace2005();
        s.event_types[0].roles[0].cardinality = Cardinality::Range { min: 3, max: 1 };
        assert!(matches!(
            s.validate(),
            Err(SchemaError::BadCardinality { .. })
        ));
    }

    #[test]
    fn type_hierarchy_and_categories_match_in_roles() {
        let mut s = Schema::conll2003();
        s.entity_types[0].parent = Some("MISC".into());
        assert!(s.type_allowed(&["MISC".into()], "PER", false));
        assert!(!s.type_allowed(&["ORG".into()], "PER", false));
        assert!(s.type_allowed(&[ANY_ENTITY.into()], "PER", false));
        assert!(!s.type_allowed(&[ANY_EVENT.into()], "PER", false));
        assert!(s.type_allowed(&["Conflict".into()], "Conflict:Attack", true));
    }

    #[test]
    fn descriptions_examples_version_and_guidelines_round_trip_through_json() {
        let guided = guided_fixture();
        let json = guided.to_json();
        for key in [
            "\"description\"",
            "\"examples\"",
            "\"guidelines\"",
            "\"version\"",
        ] {
            assert!(json.contains(key), "{key}");
        }
        assert_eq!(Schema::from_json(&json).unwrap(), guided);
        assert_eq!(guided.guide_counts(), (4, 4, true));
        // A schema without them writes none of the keys, so older readers are unaffected.
        let plain = Schema::ace2005().to_json();
        for key in [
            "\"description\"",
            "\"examples\"",
            "\"guidelines\"",
            "\"version\"",
        ] {
            assert!(!plain.contains(key), "{key}");
        }
        // A file written before guides existed still reads.
        let old = "{\"name\":\"Old\",\"entity_types\":[{\"name\":\"PER\",\"display\":\"Person\",\"color\":\"#e6194b\"}]}";
        let old = Schema::from_json(old).unwrap();
        assert!(old.entity_types[0].guide.is_empty() && old.guidelines.is_empty());
    }

    #[test]
    fn oversized_guides_are_refused_with_what_and_how_long() {
        let mut s = guided_fixture();
        s.entity_types[0].guide.description = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        let err = Schema::from_json(&s.to_json()).unwrap_err();
        assert_eq!(
            err,
            SchemaError::TooLong {
                what: "the description of entity type PER".into(),
                chars: MAX_DESCRIPTION_CHARS + 1,
                max: MAX_DESCRIPTION_CHARS,
            }
        );
        assert!(
            err.to_string()
                .contains("4001 characters, more than the 4000"),
            "{err}"
        );

        // Exactly at the limits is fine; characters are counted, not bytes.
        let mut s = guided_fixture();
        s.entity_types[0].guide.description = "é".repeat(MAX_DESCRIPTION_CHARS);
        s.guidelines = "ü".repeat(MAX_GUIDELINES_CHARS);
        s.event_types[0].roles[0].guide.examples =
            vec!["e".repeat(MAX_EXAMPLE_CHARS); MAX_EXAMPLES];
        assert_eq!(s.validate(), Ok(()));

        s.event_types[0].roles[0]
            .guide
            .examples
            .push("one too many".into());
        s.attributes[0].guide.examples = vec!["e".repeat(MAX_EXAMPLE_CHARS + 1)];
        s.guidelines.push('!');
        s.version = "v".repeat(MAX_VERSION_CHARS + 1);
        let problems = s.problems();
        let whats: Vec<String> = problems
            .iter()
            .map(|p| match p {
                SchemaError::TooLong { what, .. } | SchemaError::TooManyExamples { what, .. } => {
                    what.clone()
                }
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            whats,
            [
                "the version",
                "the guidelines document",
                "example 1 of attribute MentionType",
                "role Life:Be-Born.Person",
            ]
        );
        assert!(problems[3]
            .to_string()
            .contains("31 examples, more than the 30"));
    }

    #[test]
    fn json_round_trip() {
        for preset in Schema::presets() {
            let json = preset.to_json();
            assert_eq!(Schema::from_json(&json).unwrap(), preset);
        }
        let err = Schema::from_json("{\"name\": 3}").unwrap_err();
        assert!(matches!(err, SchemaError::Json { .. }));
    }

    #[test]
    fn brat_conf_round_trip() {
        let mut custom = Schema::conll2003();
        custom.name = "Custom".into();
        custom.entity_types.push(EntityType {
            name: "CITY".into(),
            display: "City".into(),
            color: "#00aa00".into(),
            hotkey: Some('c'),
            parent: Some("LOC".into()),
            guide: Guide::default(),
        });
        custom.event_types.push(EventType {
            name: "Protest".into(),
            display: "Protest".into(),
            color: "#abcdef".into(),
            // Not R: that key starts a relation.
            hotkey: Some('x'),
            roles: parse_roles("Who+:PER|ORG, Where{1-2}:LOC, Count{2}:<ANY>").unwrap(),
            guide: Guide::default(),
        });
        custom.attributes.push(AttributeDef {
            name: "Negated".into(),
            values: Vec::new(),
            applies_to: vec![AnnotationKind::Event, AnnotationKind::Relation],
            guide: Guide::default(),
        });
        // The tree order puts CITY right after its parent.
        let mut expected = custom.clone();
        let city = expected.entity_types.pop().unwrap();
        expected.entity_types.insert(3, city);
        for (schema, expected) in [
            (Schema::ace2005(), Schema::ace2005()),
            (Schema::conll2003(), Schema::conll2003()),
            (custom, expected),
        ] {
            let conf = schema.to_brat();
            let back =
                Schema::from_brat(&conf.annotation, &conf.visual, &conf.kb_shortcuts).unwrap();
            assert_eq!(back, expected);
            assert_eq!(back.to_brat(), expected.to_brat());
        }
    }

    #[test]
    fn brat_conf_from_brat_itself() {
        let annotation = "[entities]\nPerson\n!Place\n\tCity\n\n[relations]\nLocated\tArg1:Person, Arg2:City\n\
            <OVERLAP>\tArg1:Person, Arg2:City, <OVL-TYPE>:<ANY>\n\n[events]\n!Conflict\n\tAttack\tAttacker?:Person, Target*:<ANY>\n\
            Meeting\n\n[attributes]\nRealis\tArg:<EVENT>, Value:Actual|Generic|Other\n";
        let visual = "[labels]\nPerson | Person | Per\n[drawing]\nPerson\tbgColor:#ffccaa\nCity\tbgColor:lightgreen\n";
        let s = Schema::from_brat(annotation, visual, "P Person\n").unwrap();
        assert_eq!(
            s.entity_type("City").unwrap().parent.as_deref(),
            Some("Place")
        );
        assert_eq!(s.entity_type("City").unwrap().color, "#cccccc");
        assert_eq!(s.entity_type("Person").unwrap().color, "#ffccaa");
        assert_eq!(s.entity_type_for_key('p').unwrap().name, "Person");
        let attack = s.event_type("Conflict:Attack").unwrap();
        assert_eq!(attack.role("Target").unwrap().cardinality, Cardinality::Any);
        assert!(s.event_type("Meeting").unwrap().roles.is_empty());
        assert_eq!(s.relation_type("Located").unwrap().arg2, ["City"]);
        assert_eq!(
            s.attribute("Realis").unwrap().values,
            ["Actual", "Generic", "Other"]
        );
    }

    #[test]
    fn brat_conf_errors_name_the_line() {
        let err =
            Schema::from_brat("[entities]\nPER\n[events]\nAttack\tAttacker\n", "", "").unwrap_err();
        assert!(matches!(err, SchemaError::Conf { line: 4, .. }), "{err:?}");
        let err = Schema::from_brat("[events]\nAttack\tAttacker:ALIEN\n", "", "").unwrap_err();
        assert!(matches!(err, SchemaError::UnknownType { .. }), "{err:?}");
    }
}
