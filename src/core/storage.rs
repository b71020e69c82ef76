//! Persistence of the corpus over a small key-value port.
//!
//! The browser implements [`KeyValueStore`] with localStorage; tests use [`MemoryStore`],
//! which can be told to fail like a full quota, an unusable storage or a corrupted value.
//! Key layout (documented in the README):
//!
//! | key | value |
//! |---|---|
//! | `loupe/v1/index` | `{"version":1,"documents":[…]}`: every document's metadata, in corpus order |
//! | `loupe/v1/doc/<id>/text` | the document text, raw (its version is the `v1` in the key) |
//! | `loupe/v1/doc/<id>/ann` | `{"version":1,"mentions":[…],…,"writes":[…]}`: the document's annotations, and the saves they incorporate (see [`crate::core::sync`]) |
//! | `loupe/v1/settings` | `{"version":1,"annotator":"…"}` |
//! | `loupe/v1/schema` | `{"version":1,"schema":{…}}`: the workspace schema (absent: ACE 2005) |
//! | `loupe/v1/doc/<id>/suggestions` | `{"version":1,"sources":[…],"suggestions":[…]}`: pre-annotations imported as suggestions (see [`crate::core::suggest::stored`]) |
//! | `loupe/v1/doc/<id>/rejections` | `{"version":1,"rejected":[…]}`: the suggestions rejected in the document |
//! | `loupe/v1/rescued/<key>` | a stored value that failed to parse, kept untouched |
//!
//! An edit rewrites only its document's `ann` key. Values are compact JSON: a corpus of
//! 500 articles of 5 KB with 30 annotations each takes about 3.6 million UTF-16 units, well
//! inside Chromium's 5.2 million.
//!
//! ```
//! use loupe::core::model::Document;
//! use loupe::core::storage::{CorpusStore, MemoryStore};
//! let corpus = CorpusStore::new(MemoryStore::default());
//! let doc = Document::new("A", "Some text.");
//! corpus.add_documents(&[doc.meta.clone()], &[doc.clone()]).unwrap();
//! assert_eq!(corpus.load().unwrap().documents, vec![doc]);
//! ```

use crate::core::sort;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::lineage::Lineage;
use crate::core::model::{Annotations, Document, DocumentMeta, Id, Span};
use crate::core::offsets::cp_len;
use crate::core::schema::Schema;

/// The version written into every stored JSON value. Older values are migrated on load;
/// newer ones open read-only and are never overwritten.
pub const STORAGE_VERSION: u64 = 1;

pub const INDEX_KEY: &str = "loupe/v1/index";
pub const SETTINGS_KEY: &str = "loupe/v1/settings";
pub const SCHEMA_KEY: &str = "loupe/v1/schema";

pub fn text_key(id: &str) -> String {
    format!("loupe/v1/doc/{id}/text")
}
pub fn ann_key(id: &str) -> String {
    format!("loupe/v1/doc/{id}/ann")
}
/// Imported pre-annotations: suggestions, never annotations (see core::suggest::stored).
pub fn suggestions_key(id: &str) -> String {
    format!("loupe/v1/doc/{id}/suggestions")
}
pub fn rejections_key(id: &str) -> String {
    format!("loupe/v1/doc/{id}/rejections")
}
pub fn rescued_key(key: &str) -> String {
    format!("loupe/v1/rescued/{key}")
}

/// The id a document key belongs to, and whether it is the annotations key.
pub fn document_of_key(key: &str) -> Option<(&str, DocKey)> {
    let rest = key.strip_prefix("loupe/v1/doc/")?;
    if let Some(id) = rest.strip_suffix("/ann") {
        Some((id, DocKey::Annotations))
    } else {
        rest.strip_suffix("/text").map(|id| (id, DocKey::Text))
    }
}

/// The id a document's suggestions or rejections key belongs to.
pub fn suggestions_of_key(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("loupe/v1/doc/")?;
    rest.strip_suffix("/suggestions")
        .or_else(|| rest.strip_suffix("/rejections"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKey {
    Text,
    Annotations,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The browser refused the write because its storage quota is full.
    QuotaExceeded { key: String },
    /// Storage cannot be used at all (disabled, private mode, blocked by policy).
    Unavailable(String),
    /// The stored corpus must not be written; the message says why.
    ReadOnly(String),
    /// A document needs more room than the whole storage has, so no deletion can make it
    /// fit. Sizes are UTF-16 units, what localStorage counts.
    TooLarge {
        title: String,
        units: usize,
        capacity: usize,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::QuotaExceeded { key } => write!(
                f,
                "the browser's storage is full, so {key} was not saved; export your work \
                 (Export JSON) and delete documents you no longer need"
            ),
            Self::Unavailable(why) => write!(
                f,
                "browser storage is unavailable ({why}); your work is not being saved, so export it before closing"
            ),
            Self::ReadOnly(why) => f.write_str(why),
            Self::TooLarge {
                title,
                units,
                capacity,
            } => write!(
                f,
                "“{title}” needs {} of browser storage, and the browser's storage holds at most \
                 {} for everything Loupe keeps, so it can never be stored, even in an empty \
                 corpus; split the text into smaller documents",
                units_size(*units),
                units_size(*capacity)
            ),
        }
    }
}

impl std::error::Error for StoreError {}

/// A size in UTF-16 units as a person reads it: about one unit per character.
fn units_size(units: usize) -> String {
    if units >= 1_000_000 {
        format!("{:.1} million characters", units as f64 / 1e6)
    } else {
        format!("{units} characters")
    }
}

/// The storage port: strings in, strings out.
pub trait KeyValueStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str) -> Result<(), StoreError>;
    /// Every key in the store, for the usage meter.
    fn keys(&self) -> Result<Vec<String>, StoreError>;
    /// The most the store can ever hold, in UTF-16 units, keys included: what is left
    /// when every other value is gone.
    fn capacity(&self) -> usize {
        TYPICAL_QUOTA_UNITS
    }
}

/// A shared store is still a store, so the UI can hand one port to several owners.
impl<S: KeyValueStore + ?Sized> KeyValueStore for Rc<S> {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        (**self).remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        (**self).keys()
    }
    fn capacity(&self) -> usize {
        (**self).capacity()
    }
}

/// An in-memory store for tests. It can fake the faults browsers produce: a quota in
/// UTF-16 units counted over keys and values as Chromium does, a storage that throws on
/// every call, and garbage returned for chosen keys.
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub values: RefCell<BTreeMap<String, String>>,
    pub quota: Option<usize>,
    /// When set, every call fails as if storage were disabled.
    pub unavailable: Cell<bool>,
    /// Keys whose reads return this garbage instead of the stored value.
    pub garbage: RefCell<BTreeMap<String, String>>,
}

/// The size localStorage charges for a string: its UTF-16 code units.
pub fn utf16_units(s: &str) -> usize {
    s.encode_utf16().count()
}

impl MemoryStore {
    pub fn with_quota(units: usize) -> Self {
        Self {
            quota: Some(units),
            ..Self::default()
        }
    }
    fn used_without(&self, key: &str) -> usize {
        self.values
            .borrow()
            .iter()
            .filter(|(k, _)| k.as_str() != key)
            .map(|(k, v)| utf16_units(k) + utf16_units(v))
            .sum()
    }
    /// UTF-16 units in use, keys included.
    pub fn used(&self) -> usize {
        self.used_without("")
    }
    fn check(&self) -> Result<(), StoreError> {
        if self.unavailable.get() {
            return Err(StoreError::Unavailable(
                "SecurityError: the operation is insecure".into(),
            ));
        }
        Ok(())
    }
}

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.check()?;
        if let Some(g) = self.garbage.borrow().get(key) {
            return Ok(Some(g.clone()));
        }
        Ok(self.values.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.check()?;
        if let Some(quota) = self.quota {
            if self.used_without(key) + utf16_units(key) + utf16_units(value) > quota {
                return Err(StoreError::QuotaExceeded {
                    key: key.to_owned(),
                });
            }
        }
        self.values
            .borrow_mut()
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.check()?;
        self.values.borrow_mut().remove(key);
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.check()?;
        Ok(self.values.borrow().keys().cloned().collect())
    }
    fn capacity(&self) -> usize {
        self.quota.unwrap_or(usize::MAX)
    }
}

/// Chromium's localStorage holds about this many UTF-16 units per origin, keys included;
/// other browsers hold about the same (5 MB of text).
pub const TYPICAL_QUOTA_UNITS: usize = 5_200_000;

/// How much of the store Loupe uses, for the usage meter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// UTF-16 units of every key and value in the store, Loupe's or not: they share one quota.
    pub total: usize,
    /// UTF-16 units of each document's keys and values, biggest first.
    pub documents: Vec<(Id, usize)>,
}

/// What loading found: the documents, and a message for each thing that was damaged.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub problems: Vec<String>,
    /// Why the corpus must not be written: data from a newer Loupe, or damage that could
    /// not be backed up first. `None` when saving is safe.
    pub read_only: Option<String>,
    /// The annotator name from the settings.
    pub annotator: String,
    /// Each document's stored lineage, for merging with other tabs (see core::sync).
    pub lineages: BTreeMap<Id, Lineage>,
    /// The stored workspace schema; `None` when none was chosen (or it was damaged).
    pub schema: Option<Schema>,
}

#[derive(Serialize)]
struct IndexOut<'a> {
    version: u64,
    documents: &'a [DocumentMeta],
}

#[derive(Serialize)]
struct AnnotationsOut<'a> {
    version: u64,
    #[serde(flatten)]
    annotations: &'a Annotations,
    /// The writes this value incorporates, so tabs can merge safely (see core::sync).
    #[serde(skip_serializing_if = "Lineage::is_empty")]
    writes: &'a Lineage,
}

/// Only the lineage of a stored annotations value; serde skips the rest unparsed.
#[derive(Deserialize)]
struct WritesOnly {
    version: Option<u64>,
    #[serde(default)]
    writes: Lineage,
}

#[derive(Serialize)]
struct SchemaOut<'a> {
    version: u64,
    schema: &'a Schema,
}

#[derive(Serialize, Deserialize, Default)]
struct Settings {
    version: u64,
    #[serde(default)]
    annotator: String,
}

/// A stored JSON value after its version was read: current (or migrated), or newer.
enum Versioned {
    Current(Value),
    Newer(u64, Value),
}

/// Read the version of a stored value. Values written before versioning (a bare index
/// list, annotations without a `version` field) are version 0 and migrate as they are.
fn versioned(raw: &str) -> Result<Versioned, serde_json::Error> {
    let mut value: Value = serde_json::from_str(raw)?;
    let version = match &value {
        Value::Array(_) => 0,
        Value::Object(map) => map.get("version").and_then(Value::as_u64).unwrap_or(0),
        _ => 0,
    };
    if let Value::Object(map) = &mut value {
        map.remove("version");
    }
    if version > STORAGE_VERSION {
        Ok(Versioned::Newer(version, value))
    } else {
        Ok(Versioned::Current(value))
    }
}

fn index_documents(value: Value) -> Result<Vec<DocumentMeta>, serde_json::Error> {
    match value {
        // Version 0: the index was the bare list.
        Value::Array(_) => serde_json::from_value(value),
        mut other => serde_json::from_value(
            other
                .get_mut("documents")
                .map(Value::take)
                .unwrap_or(Value::Null),
        ),
    }
}

/// Annotations must lie inside their text; anything else is damage, not data. Counts the
/// text once: slicing it per annotation would rescan a 1 MB article 10,000 times on open.
fn check_in_bounds(text: &str, annotations: &Annotations) -> Result<(), String> {
    let len = cp_len(text);
    let inside = |spans: &[Span]| spans.iter().all(|f| f.start <= f.end && f.end <= len);
    for m in &annotations.mentions {
        if !inside(&m.fragments) {
            return Err(format!("{} points outside the text", m.id));
        }
    }
    for e in &annotations.events {
        if !inside(&e.trigger) {
            return Err(format!("{} points outside the text", e.id));
        }
    }
    Ok(())
}

fn newer_message(version: u64) -> String {
    format!(
        "This corpus was saved by a newer version of Loupe (storage version {version}). \
         It is open read-only so that nothing it wrote is overwritten: update Loupe to edit it, \
         or export what you need."
    )
}

/// The corpus, laid out over a [`KeyValueStore`].
pub struct CorpusStore<S> {
    pub store: S,
    /// Set by [`CorpusStore::load`] when the stored corpus must not be written.
    read_only: RefCell<Option<String>>,
}

impl<S: KeyValueStore> CorpusStore<S> {
    pub fn new(store: S) -> Self {
        Self {
            store,
            read_only: RefCell::new(None),
        }
    }

    /// Every write goes through here, so read-only data is never overwritten.
    pub fn writable(&self) -> Result<(), StoreError> {
        match &*self.read_only.borrow() {
            Some(why) => Err(StoreError::ReadOnly(why.clone())),
            None => Ok(()),
        }
    }

    /// Why the stored corpus is read-only, if it is.
    pub fn read_only(&self) -> Option<String> {
        self.read_only.borrow().clone()
    }

    /// Load every document. Damaged values are copied aside before anything else, so a
    /// later save can never overwrite the only copy of someone's work; when even the copy
    /// cannot be written, the corpus opens read-only instead.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let loaded = self.load_unlocked()?;
        *self.read_only.borrow_mut() = loaded.read_only.clone();
        Ok(loaded)
    }

    fn load_unlocked(&self) -> Result<Loaded, StoreError> {
        let mut loaded = Loaded {
            annotator: self.load_settings(),
            ..Loaded::default()
        };
        loaded.schema = self.load_schema(&mut loaded)?;
        let Some(index) = self.store.get(INDEX_KEY)? else {
            return Ok(loaded);
        };
        let metas = match versioned(&index) {
            Ok(Versioned::Current(value)) => index_documents(value),
            Ok(Versioned::Newer(version, value)) => {
                loaded.read_only = Some(newer_message(version));
                // A newer index may still be readable; if not, show nothing and touch nothing.
                match index_documents(value) {
                    Ok(metas) => Ok(metas),
                    Err(_) => return Ok(loaded),
                }
            }
            Err(e) => Err(e),
        };
        let metas = match metas {
            Ok(metas) => metas,
            Err(e) => {
                let kept = self.rescue(INDEX_KEY, &index, &mut loaded);
                loaded.problems.push(format!(
                    "The document list in storage was damaged ({e}); {kept}. \
                     Documents added from now on start a new list."
                ));
                return Ok(loaded);
            }
        };
        for meta in metas {
            let Some(text) = self.store.get(&text_key(&meta.id))? else {
                loaded.problems.push(format!(
                    "The text of “{}” is missing from storage, so it was skipped.",
                    meta.title
                ));
                continue;
            };
            let annotations = self.load_annotations(&meta, &text, &mut loaded)?;
            loaded.documents.push(Document {
                meta,
                text,
                annotations,
            });
        }
        Ok(loaded)
    }

    fn load_annotations(
        &self,
        meta: &DocumentMeta,
        text: &str,
        loaded: &mut Loaded,
    ) -> Result<Annotations, StoreError> {
        let key = ann_key(&meta.id);
        let Some(raw) = self.store.get(&key)? else {
            return Ok(Annotations::default());
        };
        if let Some((annotations, lineage)) = current_annotations(&raw) {
            if check_in_bounds(text, &annotations).is_ok() {
                loaded.lineages.insert(meta.id.clone(), lineage);
                return Ok(annotations);
            }
        }
        let parsed = match versioned(&raw) {
            Ok(Versioned::Current(mut value)) => {
                let lineage = take_writes(&mut value);
                loaded.lineages.insert(meta.id.clone(), lineage);
                serde_json::from_value::<Annotations>(value)
                    .map_err(|e| e.to_string())
                    .and_then(|a| check_in_bounds(text, &a).map(|()| a))
            }
            Ok(Versioned::Newer(version, value)) => {
                loaded.read_only = Some(newer_message(version));
                return Ok(serde_json::from_value(value).unwrap_or_default());
            }
            Err(e) => Err(e.to_string()),
        };
        match parsed {
            Ok(annotations) => Ok(annotations),
            Err(why) => {
                let kept = self.rescue(&key, &raw, loaded);
                loaded.problems.push(format!(
                    "The annotations of “{}” were damaged ({why}); {kept}. \
                     The document opens without them; every other document loaded normally.",
                    meta.title
                ));
                Ok(Annotations::default())
            }
        }
    }

    fn load_settings(&self) -> String {
        // Settings are a convenience: damage there costs a retyped name, never a document.
        self.store
            .get(SETTINGS_KEY)
            .ok()
            .flatten()
            .and_then(|raw| serde_json::from_str::<Settings>(&raw).ok())
            .map(|s| s.annotator)
            .unwrap_or_default()
    }

    /// The stored schema. Unlike the settings it is rescued when damaged: an imported
    /// schema can be someone's work, and it is the only copy.
    fn load_schema(&self, loaded: &mut Loaded) -> Result<Option<Schema>, StoreError> {
        let Some(raw) = self.store.get(SCHEMA_KEY)? else {
            return Ok(None);
        };
        let schema_of = |mut value: Value| -> Result<Schema, String> {
            let schema: Schema = serde_json::from_value(
                value
                    .get_mut("schema")
                    .map(Value::take)
                    .ok_or("it has no schema field")?,
            )
            .map_err(|e| e.to_string())?;
            schema.validate().map_err(|e| e.to_string())?;
            Ok(schema)
        };
        let parsed = match versioned(&raw) {
            Ok(Versioned::Current(value)) => schema_of(value),
            Ok(Versioned::Newer(version, value)) => {
                loaded.read_only = Some(newer_message(version));
                return Ok(schema_of(value).ok());
            }
            Err(e) => Err(e.to_string()),
        };
        match parsed {
            Ok(schema) => Ok(Some(schema)),
            Err(why) => {
                let kept = self.rescue(SCHEMA_KEY, &raw, loaded);
                loaded.problems.push(format!(
                    "The annotation schema in storage was damaged ({why}); {kept}. \
                     Loupe uses ACE 2005 until you choose or import a schema; no annotation was changed."
                ));
                Ok(None)
            }
        }
    }

    /// Copy a damaged value under a backup key that holds nothing else, and say where.
    /// When storage refuses even that, lock the corpus read-only so the damaged value,
    /// still the only copy, is not overwritten by the next save.
    fn rescue(&self, key: &str, raw: &str, loaded: &mut Loaded) -> String {
        let base = rescued_key(key);
        for n in 1..100 {
            let candidate = if n == 1 {
                base.clone()
            } else {
                format!("{base}~{n}")
            };
            match self.store.get(&candidate) {
                Ok(Some(existing)) if existing == raw => {
                    return format!("a copy was kept under {candidate}")
                }
                Ok(Some(_)) => continue,
                Ok(None) => {
                    if self.store.set(&candidate, raw).is_ok() {
                        return format!("a copy was kept under {candidate}");
                    }
                    break;
                }
                Err(_) => break,
            }
        }
        loaded.read_only = Some(format!(
            "A damaged value ({key}) could not be backed up because storage is full or unavailable, \
             so Loupe opened read-only to keep it. Export your work, free some space, and reload."
        ));
        format!("it is still under {key}, untouched")
    }

    /// Save only a document's annotations: what every edit does.
    pub fn save_annotations(&self, id: &str, annotations: &Annotations) -> Result<(), StoreError> {
        self.save_annotations_with(id, annotations, &Lineage::default())
    }

    /// Save a document's annotations with the writes they incorporate (see core::sync).
    pub fn save_annotations_with(
        &self,
        id: &str,
        annotations: &Annotations,
        lineage: &Lineage,
    ) -> Result<(), StoreError> {
        self.writable()?;
        self.store
            .set(&ann_key(id), &stored_annotations_json(annotations, lineage))
    }

    /// The lineage of a document's stored annotations, read cheaply. `None` when the value
    /// is missing, damaged or newer.
    pub fn stored_lineage(&self, id: &str) -> Option<Lineage> {
        let raw = self.store.get(&ann_key(id)).ok()??;
        let w: WritesOnly = serde_json::from_str(&raw).ok()?;
        (w.version.unwrap_or(0) <= STORAGE_VERSION).then_some(w.writes)
    }

    pub fn save_index(&self, documents: &[DocumentMeta]) -> Result<(), StoreError> {
        self.writable()?;
        let json = serde_json::to_string(&IndexOut {
            version: STORAGE_VERSION,
            documents,
        })
        .expect("metadata always serialises");
        self.store.set(INDEX_KEY, &json)
    }

    pub fn save_annotator(&self, annotator: &str) -> Result<(), StoreError> {
        self.writable()?;
        let json = serde_json::to_string(&Settings {
            version: STORAGE_VERSION,
            annotator: annotator.to_owned(),
        })
        .expect("settings always serialise");
        self.store.set(SETTINGS_KEY, &json)
    }

    /// The stored schema as another tab wrote it; `None` when it is missing, damaged,
    /// invalid or newer (then the caller keeps what it has).
    pub fn read_schema(&self) -> Option<Schema> {
        let raw = self.store.get(SCHEMA_KEY).ok()??;
        match versioned(&raw).ok()? {
            Versioned::Current(mut value) => {
                let schema: Schema =
                    serde_json::from_value(value.get_mut("schema").map(Value::take)?).ok()?;
                schema.validate().ok().map(|()| schema)
            }
            Versioned::Newer(..) => None,
        }
    }

    /// Store the workspace schema, compact, with the storage version.
    pub fn save_schema(&self, schema: &Schema) -> Result<(), StoreError> {
        self.writable()?;
        let json = serde_json::to_string(&SchemaOut {
            version: STORAGE_VERSION,
            schema,
        })
        .expect("a schema always serialises");
        self.store.set(SCHEMA_KEY, &json)
    }

    /// What the store holds, by document, biggest first.
    pub fn usage(&self) -> Result<Usage, StoreError> {
        let mut usage = Usage::default();
        let mut by_doc: BTreeMap<Id, usize> = BTreeMap::new();
        for key in self.store.keys()? {
            let units = utf16_units(&key) + self.store.get(&key)?.as_deref().map_or(0, utf16_units);
            usage.total += units;
            if let Some(id) = document_of_key(&key)
                .map(|(id, _)| id)
                .or_else(|| suggestions_of_key(&key))
            {
                *by_doc.entry(id.to_owned()).or_default() += units;
            }
        }
        usage.documents = by_doc.into_iter().collect();
        sort::sort_by(&mut usage.documents, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        Ok(usage)
    }

    /// The stored document list as another tab wrote it, read without side effects: no
    /// rescue, no read-only lock. `None` when it is missing, damaged or newer.
    pub fn read_index(&self) -> Option<Vec<DocumentMeta>> {
        let raw = self.store.get(INDEX_KEY).ok()??;
        match versioned(&raw).ok()? {
            Versioned::Current(value) => index_documents(value).ok(),
            Versioned::Newer(..) => None,
        }
    }

    /// Read one document's annotations as another tab stored them. `None` when the value
    /// is missing, damaged or newer: then the caller keeps what it has.
    pub fn read_annotations(&self, id: &str, text: &str) -> Option<(Annotations, Lineage)> {
        let raw = self.store.get(&ann_key(id)).ok()??;
        if let Some((a, lineage)) = current_annotations(&raw) {
            return check_in_bounds(text, &a).ok().map(|()| (a, lineage));
        }
        match versioned(&raw).ok()? {
            Versioned::Current(mut value) => {
                let lineage = take_writes(&mut value);
                let a: Annotations = serde_json::from_value(value).ok()?;
                check_in_bounds(text, &a).ok().map(|()| (a, lineage))
            }
            Versioned::Newer(..) => None,
        }
    }

    /// Add documents: text and annotations first, then the index, so the index never names
    /// a document whose text is not stored. On failure the new keys are removed again.
    pub fn add_documents(&self, all: &[DocumentMeta], new: &[Document]) -> Result<(), StoreError> {
        self.writable()?;
        // A document larger than the whole storage would only fail as "full" below, and
        // deleting other documents could never make room for it.
        let capacity = self.store.capacity();
        for doc in new {
            let units = utf16_units(&text_key(doc.id()))
                + utf16_units(&doc.text)
                + utf16_units(&ann_key(doc.id()))
                + utf16_units(&annotations_json(&doc.annotations));
            if units > capacity {
                return Err(StoreError::TooLarge {
                    title: doc.meta.title.clone(),
                    units,
                    capacity,
                });
            }
        }
        let mut written = Vec::new();
        let result = (|| {
            for doc in new {
                self.store.set(&text_key(doc.id()), &doc.text)?;
                written.push(text_key(doc.id()));
                self.save_annotations(doc.id(), &doc.annotations)?;
                written.push(ann_key(doc.id()));
            }
            self.save_index(all)
        })();
        if result.is_err() {
            for key in written {
                let _ = self.store.remove(&key);
            }
        }
        result
    }

    /// Remove documents: the index first, so it never names a removed text. A failed key
    /// removal leaves only an unreferenced value behind, never a broken index.
    pub fn remove_documents(
        &self,
        remaining: &[DocumentMeta],
        removed: &[Id],
    ) -> Result<(), StoreError> {
        self.save_index(remaining)?;
        for id in removed {
            let _ = self.store.remove(&text_key(id));
            let _ = self.store.remove(&ann_key(id));
            let _ = self.store.remove(&suggestions_key(id));
            let _ = self.store.remove(&rejections_key(id));
        }
        Ok(())
    }
}

/// The stored form of annotations: compact JSON with the storage version.
pub fn annotations_json(annotations: &Annotations) -> String {
    stored_annotations_json(annotations, &Lineage::default())
}

fn stored_annotations_json(annotations: &Annotations, writes: &Lineage) -> String {
    serde_json::to_string(&AnnotationsOut {
        version: STORAGE_VERSION,
        annotations,
        writes,
    })
    .expect("annotations always serialise")
}

/// A current, well-formed stored annotations value, read straight into its types in two
/// passes (the lineage, then the annotations; each pass skips what it does not need).
/// Building a JSON tree first took about half of loading a 10,000-annotation article.
/// `None` for anything else (older, newer or damaged values, a damaged lineage): the
/// general path reads those, and words the damage.
fn current_annotations(raw: &str) -> Option<(Annotations, Lineage)> {
    let w: WritesOnly = serde_json::from_str(raw).ok()?;
    if w.version.unwrap_or(0) > STORAGE_VERSION {
        return None;
    }
    let annotations = serde_json::from_str(raw).ok()?;
    Some((annotations, w.writes))
}

/// Take the lineage out of a stored annotations value. A damaged lineage costs only merge
/// precision (see core::sync), never the annotations, so it reads as empty.
fn take_writes(value: &mut Value) -> Lineage {
    value
        .as_object_mut()
        .and_then(|m| m.remove("writes"))
        .and_then(|w| serde_json::from_value(w).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Mention, Span, Status};

    /// The one-pass reading of a stored value gives what the general path gives, and
    /// leaves every other kind of value to it.
    #[test]
    fn current_annotations_agrees_with_the_general_path_or_declines() {
        let general = |raw: &str| match versioned(raw).ok()? {
            Versioned::Current(mut value) => {
                let lineage = take_writes(&mut value);
                Some((serde_json::from_value::<Annotations>(value).ok()?, lineage))
            }
            Versioned::Newer(..) => None,
        };
        let mut ann = Annotations::default();
        ann.mentions
            .push(Mention::new("T1", "PER", vec![Span::new(0, 4)], "Sato"));
        ann.labels.insert("Topic".into(), vec!["War".into()]);
        let lineage: Lineage = serde_json::from_str(r#"["3.ab12cd","1.zz9"]"#).expect("a lineage");
        assert!(!lineage.is_empty());
        let current = [
            stored_annotations_json(&ann, &lineage),
            stored_annotations_json(&ann, &Lineage::default()),
            r#"{"mentions":[{"id":"T1","type":"PER","fragments":[[0,4]],"text":"Sato"}]}"#.into(),
            r#"{"version":1,"future_field":{"x":[1,2]},"mentions":[]}"#.into(),
        ];
        for raw in &current {
            let fast = current_annotations(raw);
            assert!(fast.is_some(), "{raw}");
            assert_eq!(fast, general(raw), "{raw}");
        }
        for raw in [
            r#"{"version":99,"mentions":[]}"#,
            r#"{"version":1,"writes":"garbage","mentions":[]}"#,
            r#"{"version":1,"mentions":[{"id":"T1"}]}"#,
            r#"[1,2]"#,
            r#"{"version":1,"mentions":["#,
        ] {
            assert_eq!(current_annotations(raw), None, "{raw}");
        }
    }

    fn mention(id: &str, text: &str, start: usize, end: usize) -> Mention {
        Mention::new(
            id,
            "PER",
            vec![Span::new(start, end)],
            text.chars()
                .skip(start)
                .take(end - start)
                .collect::<String>(),
        )
    }

    fn doc(title: &str, text: &str) -> Document {
        let mut d = Document::new(title, text);
        d.annotations.mentions.push(mention("T1", text, 0, 3));
        d
    }

    fn metas(docs: &[Document]) -> Vec<DocumentMeta> {
        docs.iter().map(|d| d.meta.clone()).collect()
    }

    fn stored(docs: &[Document]) -> CorpusStore<MemoryStore> {
        let corpus = CorpusStore::new(MemoryStore::default());
        corpus.add_documents(&metas(docs), docs).unwrap();
        corpus
    }

    #[test]
    fn saved_corpus_loads_back_identically() {
        let docs = vec![doc("One", "Ana met 🚀 Bo."), doc("Two", "中国 text")];
        let loaded = stored(&docs).load().unwrap();
        assert_eq!(loaded.documents, docs);
        assert!(loaded.problems.is_empty());
        assert!(loaded.read_only.is_none());
    }

    #[test]
    fn an_edit_rewrites_only_its_documents_annotations() {
        let docs = vec![doc("One", "Ana met Bo."), doc("Two", "Cy met Di.")];
        let corpus = stored(&docs);
        let before = corpus.store.values.borrow().clone();
        corpus
            .save_annotations(docs[0].id(), &Annotations::default())
            .unwrap();
        let after = corpus.store.values.borrow().clone();
        let changed: Vec<_> = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(changed, vec![ann_key(docs[0].id())]);
    }

    #[test]
    fn every_stored_json_value_carries_the_version_and_is_compact() {
        let docs = vec![doc("One", "Ana met Bo.")];
        let corpus = stored(&docs);
        corpus.save_annotator("Ana").unwrap();
        for key in [
            INDEX_KEY.to_owned(),
            ann_key(docs[0].id()),
            SETTINGS_KEY.to_owned(),
        ] {
            let raw = corpus.store.get(&key).unwrap().unwrap();
            assert!(raw.starts_with("{\"version\":1,"), "{key}: {raw}");
            assert!(
                !raw.contains('\n') && !raw.contains(": "),
                "{key} is not compact"
            );
        }
    }

    #[test]
    fn a_plain_list_index_from_before_versioning_is_migrated() {
        let docs = vec![doc("One", "Ana met Bo.")];
        let corpus = stored(&docs);
        let legacy = serde_json::to_string(&metas(&docs)).unwrap();
        let legacy_ann = serde_json::to_string(&docs[0].annotations).unwrap();
        corpus.store.set(INDEX_KEY, &legacy).unwrap();
        corpus
            .store
            .set(&ann_key(docs[0].id()), &legacy_ann)
            .unwrap();
        let loaded = corpus.load().unwrap();
        assert_eq!(loaded.documents, docs);
        assert!(loaded.problems.is_empty() && loaded.read_only.is_none());
    }

    #[test]
    fn a_newer_index_opens_read_only_and_is_never_overwritten() {
        let docs = vec![doc("One", "Ana met Bo.")];
        let corpus = stored(&docs);
        let newer = format!(
            "{{\"version\":2,\"documents\":{},\"shelves\":[]}}",
            serde_json::to_string(&metas(&docs)).unwrap()
        );
        corpus.store.set(INDEX_KEY, &newer).unwrap();
        let loaded = corpus.load().unwrap();
        assert!(loaded
            .read_only
            .as_deref()
            .unwrap()
            .contains("newer version"));
        assert_eq!(loaded.documents.len(), 1, "what can be read is shown");
        let err = corpus.save_index(&[]).unwrap_err();
        assert!(matches!(err, StoreError::ReadOnly(_)));
        assert!(corpus
            .save_annotations(docs[0].id(), &Annotations::default())
            .is_err());
        assert_eq!(corpus.store.get(INDEX_KEY).unwrap().unwrap(), newer);
    }

    #[test]
    fn newer_annotations_open_read_only() {
        let docs = vec![doc("One", "Ana met Bo.")];
        let corpus = stored(&docs);
        let key = ann_key(docs[0].id());
        corpus
            .store
            .set(&key, "{\"version\":7,\"mentions\":[]}")
            .unwrap();
        let loaded = corpus.load().unwrap();
        assert!(loaded.read_only.is_some());
        assert!(corpus
            .save_annotations(docs[0].id(), &docs[0].annotations)
            .is_err());
        assert_eq!(
            corpus.store.get(&key).unwrap().unwrap(),
            "{\"version\":7,\"mentions\":[]}"
        );
    }

    #[test]
    fn full_quota_reports_and_leaves_storage_as_it_was() {
        // The big text fits an empty store, but not beside the first one.
        let corpus = CorpusStore::new(MemoryStore::with_quota(1400));
        let first = vec![doc("One", &"Ana met Bo. ".repeat(40))];
        corpus.add_documents(&metas(&first), &first).unwrap();
        let before = corpus.store.values.borrow().clone();
        let big = doc("Big", &"long text ".repeat(100));
        let all = metas(&[first[0].clone(), big.clone()]);
        let err = corpus.add_documents(&all, &[big]).unwrap_err();
        assert!(matches!(err, StoreError::QuotaExceeded { .. }));
        assert!(err.to_string().contains("storage is full"));
        assert_eq!(*corpus.store.values.borrow(), before);
    }

    /// Bug 8: a 10 MB text was refused with "the browser's storage is full… delete
    /// documents", though no deletion could make room: it is larger than the storage.
    #[test]
    fn a_text_larger_than_the_storage_can_ever_hold_says_so_with_the_sizes() {
        let corpus = CorpusStore::new(MemoryStore::with_quota(TYPICAL_QUOTA_UNITS));
        let small = doc("Small", "Kyiv at dawn.");
        corpus
            .add_documents(
                &metas(std::slice::from_ref(&small)),
                std::slice::from_ref(&small),
            )
            .unwrap();
        let before = corpus.store.values.borrow().clone();
        let big = Document::new("Big report", &"Drones hit the port. ".repeat(500_000));
        let mut all = metas(std::slice::from_ref(&small));
        all.push(big.meta.clone());
        let err = corpus
            .add_documents(&all, std::slice::from_ref(&big))
            .unwrap_err();
        let StoreError::TooLarge {
            units, capacity, ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert!(*units > 10_000_000, "{units}");
        assert_eq!(*capacity, TYPICAL_QUOTA_UNITS);
        let message = err.to_string();
        assert!(message.contains("“Big report”"), "{message}");
        assert!(message.contains("10.5 million characters"), "{message}");
        assert!(message.contains("5.2 million characters"), "{message}");
        assert!(message.contains("can never be stored"), "{message}");
        assert!(!message.contains("full"), "{message}");
        assert_eq!(*corpus.store.values.borrow(), before, "nothing was written");
    }

    #[test]
    fn a_refused_annotation_save_keeps_the_last_good_copy() {
        let docs = vec![doc("One", "Ana met Bo.")];
        let corpus = stored(&docs);
        let used = corpus.store.used();
        let corpus = CorpusStore::new(MemoryStore {
            values: corpus.store.values.clone(),
            quota: Some(used),
            ..MemoryStore::default()
        });
        let mut bigger = docs[0].annotations.clone();
        bigger.mentions.push(mention("T2", "Ana met Bo.", 8, 10));
        assert!(corpus.save_annotations(docs[0].id(), &bigger).is_err());
        assert_eq!(corpus.load().unwrap().documents, docs);
    }

    #[test]
    fn corrupted_annotations_are_rescued_and_the_others_load() {
        let docs = vec![doc("One", "Ana met Bo."), doc("Two", "Cy met Di.")];
        let corpus = stored(&docs);
        let key = ann_key(docs[0].id());
        corpus.store.set(&key, "{\"mentions\": [oops").unwrap();
        let loaded = corpus.load().unwrap();
        assert_eq!(loaded.documents.len(), 2);
        assert_eq!(loaded.documents[1], docs[1]);
        assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
        assert!(loaded.problems[0].contains("“One”"));
        assert_eq!(
            corpus.store.get(&rescued_key(&key)).unwrap().as_deref(),
            Some("{\"mentions\": [oops")
        );
    }

    #[test]
    fn garbage_read_back_is_rescued_not_trusted() {
        let docs = vec![doc("One", "Ana met Bo.")];
        let corpus = stored(&docs);
        let key = ann_key(docs[0].id());
        corpus
            .store
            .garbage
            .borrow_mut()
            .insert(key.clone(), "\u{0}\u{fffd}garbage".into());
        let loaded = corpus.load().unwrap();
        assert!(loaded.documents[0].annotations.is_empty());
        assert_eq!(
            corpus.store.get(&rescued_key(&key)).unwrap().as_deref(),
            Some("\u{0}\u{fffd}garbage")
        );
    }

    #[test]
    fn annotations_outside_their_text_count_as_damage() {
        let mut d = doc("One", "Ana met Bo.");
        d.annotations
            .mentions
            .push(mention("T2", "Ana met Bo. and more", 12, 15));
        let corpus = stored(&[d]);
        let loaded = corpus.load().unwrap();
        assert!(loaded.problems[0].contains("T2 points outside the text"));
        assert!(loaded.documents[0].annotations.is_empty());
    }

    #[test]
    fn a_second_different_damage_gets_its_own_backup() {
        let docs = vec![doc("One", "Ana met Bo.")];
        let corpus = stored(&docs);
        let key = ann_key(docs[0].id());
        corpus.store.set(&key, "first garbage").unwrap();
        corpus.load().unwrap();
        corpus.store.set(&key, "second garbage").unwrap();
        corpus.load().unwrap();
        assert_eq!(
            corpus.store.get(&rescued_key(&key)).unwrap().as_deref(),
            Some("first garbage")
        );
        assert_eq!(
            corpus
                .store
                .get(&format!("{}~2", rescued_key(&key)))
                .unwrap()
                .as_deref(),
            Some("second garbage")
        );
    }

    #[test]
    fn damage_that_cannot_be_backed_up_locks_the_corpus() {
        let docs = vec![doc("One", "Ana met Bo.")];
        let corpus = stored(&docs);
        let key = ann_key(docs[0].id());
        corpus.store.set(&key, "garbage").unwrap();
        let corpus = CorpusStore::new(MemoryStore {
            values: corpus.store.values.clone(),
            quota: Some(corpus.store.used()),
            ..MemoryStore::default()
        });
        let loaded = corpus.load().unwrap();
        assert!(loaded.read_only.unwrap().contains("could not be backed up"));
        assert!(corpus
            .save_annotations(docs[0].id(), &Annotations::default())
            .is_err());
        assert_eq!(corpus.store.get(&key).unwrap().as_deref(), Some("garbage"));
    }

    #[test]
    fn corrupted_index_is_rescued_and_reported() {
        let corpus = CorpusStore::new(MemoryStore::default());
        corpus.store.set(INDEX_KEY, "not json").unwrap();
        let loaded = corpus.load().unwrap();
        assert!(loaded.documents.is_empty());
        assert!(loaded.problems[0].contains("damaged"));
        assert_eq!(
            corpus
                .store
                .get(&rescued_key(INDEX_KEY))
                .unwrap()
                .as_deref(),
            Some("not json")
        );
    }

    #[test]
    fn unavailable_storage_is_an_error_not_an_empty_corpus() {
        let corpus = CorpusStore::new(MemoryStore::default());
        corpus.store.unavailable.set(true);
        assert!(matches!(corpus.load(), Err(StoreError::Unavailable(_))));
    }

    #[test]
    fn usage_counts_utf16_units_by_document_biggest_first() {
        let docs = vec![doc("One", "Ana met Bo."), doc("Two", &"東京 ".repeat(50))];
        let corpus = stored(&docs);
        corpus.store.set("other-app", "xy").unwrap();
        let usage = corpus.usage().unwrap();
        assert_eq!(usage.total, corpus.store.used());
        assert_eq!(usage.documents[0].0, docs[1].meta.id);
        let second: usize = [text_key(docs[1].id()), ann_key(docs[1].id())]
            .iter()
            .map(|k| utf16_units(k) + utf16_units(&corpus.store.get(k).unwrap().unwrap()))
            .sum();
        assert_eq!(usage.documents[0].1, second);
        assert_eq!(usage.documents.len(), 2);
    }

    #[test]
    fn the_annotator_name_is_kept() {
        let corpus = CorpusStore::new(MemoryStore::default());
        corpus.save_annotator("Ana Ruiz").unwrap();
        assert_eq!(corpus.load().unwrap().annotator, "Ana Ruiz");
    }

    #[test]
    fn removing_documents_drops_their_keys_and_keeps_the_rest() {
        let docs = vec![doc("One", "Ana met Bo."), doc("Two", "Cy met Di.")];
        let corpus = stored(&docs);
        corpus
            .remove_documents(&metas(&docs[1..]), &[docs[0].meta.id.clone()])
            .unwrap();
        assert_eq!(corpus.load().unwrap().documents, docs[1..]);
        assert_eq!(corpus.store.get(&text_key(docs[0].id())).unwrap(), None);
    }

    /// A 500-article corpus (5 KB of text, 30 annotations each) must fit in Chromium's
    /// 5.2 million UTF-16 units, with room to spare for growth.
    #[test]
    fn a_500_article_corpus_fits_in_chromiums_quota() {
        let corpus = CorpusStore::new(MemoryStore::with_quota(5_200_000));
        let word = "Officials in Kyiv said — “again” — that 12 drones struck. ";
        let mut docs = Vec::new();
        for n in 0..500 {
            let mut text = format!("Article {n}. ");
            while text.len() < 5_000 {
                text.push_str(word);
            }
            let mut d = Document::new(&format!("Article number {n} from the wire"), &text);
            d.meta.status = Status::InProgress;
            d.meta.url = Some(format!("https://news.example.org/2024/05/article-{n}"));
            d.meta.date = Some("2024-05-01".into());
            for i in 0..30 {
                let start = 13 + i * 40;
                d.annotations.mentions.push(mention(
                    &format!("T{}", i + 1),
                    &text,
                    start,
                    start + 12,
                ));
            }
            docs.push(d);
        }
        corpus.add_documents(&metas(&docs), &docs).unwrap();
        // Each saved since by two tabs in turn, so every value carries a full lineage.
        let mut lineage = crate::core::lineage::Lineage::default();
        for i in 0..crate::core::lineage::LINEAGE_LEN {
            lineage = lineage.next(if i % 2 == 0 { "k3f9a0" } else { "x7q2mb" });
        }
        for d in &docs {
            corpus
                .save_annotations_with(d.id(), &d.annotations, &lineage)
                .unwrap();
        }
        let used = corpus.store.used();
        assert!(
            used < 4_200_000,
            "{used} UTF-16 units leaves too little headroom"
        );
        assert_eq!(corpus.load().unwrap().documents.len(), 500);
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use crate::core::edit::{Edit, History};
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        const TEXTS: [&str; 3] = [
            "Ana met 🚀 Bo in 東京 — “again”.\r\nCafé\u{301} 👩‍👩‍👧 news.",
            "Drones hit Odesa harbour at dawn.",
            "中国 and 日本 leaders met. Ω ≈ 3.",
        ];

        #[derive(Debug, Clone)]
        enum Step {
            Tag { doc: usize, a: usize, b: usize },
            Remove { doc: usize, pick: usize },
            Undo { doc: usize },
            Save,
        }

        fn step() -> impl Strategy<Value = Step> {
            prop_oneof![
                4 => (0..3usize, 0..60usize, 0..60usize).prop_map(|(doc, a, b)| Step::Tag { doc, a, b }),
                2 => (0..3usize, 0..40usize).prop_map(|(doc, pick)| Step::Remove { doc, pick }),
                1 => (0..3usize).prop_map(|doc| Step::Undo { doc }),
                2 => Just(Step::Save),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(
                std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000)
            ))]

            /// Whatever sequence of edits is made, what was saved loads back exactly.
            #[test]
            fn random_edits_saved_load_back_with_zero_differences(steps in proptest::collection::vec(step(), 1..40)) {
                let mut docs: Vec<Document> = TEXTS.iter().enumerate().map(|(i, t)| Document::new(&format!("D{i}"), t)).collect();
                let mut histories = [History::default(), History::default(), History::default()];
                let corpus = CorpusStore::new(MemoryStore::default());
                corpus.add_documents(&metas(&docs), &docs).unwrap();
                let mut dirty = BTreeSet::new();
                for step in steps {
                    match step {
                        Step::Tag { doc, a, b } => {
                            let d = &mut docs[doc];
                            let len = d.text.chars().count();
                            let (s, e) = (a.min(b) % len, (a.max(b) % len) + 1);
                            if s >= e { continue; }
                            let id = d.annotations.next_id("T");
                            let index = d.annotations.mentions.len();
                            let m = mention(&id, &d.text, s, e);
                            if histories[doc].apply(&mut d.annotations, &d.text, Edit::InsertMention { index, mention: m }).is_ok() {
                                dirty.insert(doc);
                            }
                        }
                        Step::Remove { doc, pick } => {
                            let d = &mut docs[doc];
                            if d.annotations.mentions.is_empty() { continue; }
                            let id = d.annotations.mentions[pick % d.annotations.mentions.len()].id.clone();
                            if histories[doc].apply(&mut d.annotations, &d.text, Edit::RemoveMention { id }).is_ok() {
                                dirty.insert(doc);
                            }
                        }
                        Step::Undo { doc } => {
                            let d = &mut docs[doc];
                            if histories[doc].undo(&mut d.annotations, &d.text) == Ok(true) {
                                dirty.insert(doc);
                            }
                        }
                        Step::Save => {
                            for doc in std::mem::take(&mut dirty) {
                                corpus.save_annotations(docs[doc].id(), &docs[doc].annotations).unwrap();
                            }
                        }
                    }
                }
                for doc in std::mem::take(&mut dirty) {
                    corpus.save_annotations(docs[doc].id(), &docs[doc].annotations).unwrap();
                }
                let loaded = corpus.load().unwrap();
                prop_assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
                prop_assert_eq!(loaded.documents, docs);
            }
        }
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    #[test]
    fn a_saved_schema_loads_back_and_its_absence_means_the_default() {
        let corpus = CorpusStore::new(MemoryStore::default());
        assert_eq!(corpus.load().unwrap().schema, None);
        corpus.save_schema(&Schema::conll2003()).unwrap();
        let raw = corpus.store.get(SCHEMA_KEY).unwrap().unwrap();
        assert!(raw.starts_with("{\"version\":1,\"schema\":{"), "{raw}");
        let loaded = corpus.load().unwrap();
        assert_eq!(loaded.schema, Some(Schema::conll2003()));
        assert!(loaded.problems.is_empty() && loaded.read_only.is_none());
    }

    #[test]
    fn a_damaged_or_invalid_schema_is_rescued_and_named() {
        for raw in [
            "{\"version\":1,\"schema\":{\"name\":",
            // Parses, but fails validation: a duplicate type.
            &format!("{{\"version\":1,\"schema\":{}}}", {
                let mut s = Schema::conll2003();
                s.entity_types.push(s.entity_types[0].clone());
                serde_json::to_string(&s).unwrap()
            }),
        ] {
            let corpus = CorpusStore::new(MemoryStore::default());
            corpus.store.set(SCHEMA_KEY, raw).unwrap();
            let loaded = corpus.load().unwrap();
            assert_eq!(loaded.schema, None);
            assert!(loaded.read_only.is_none());
            assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
            assert!(loaded.problems[0].contains("annotation schema"));
            assert!(loaded.problems[0].contains(&rescued_key(SCHEMA_KEY)));
            assert_eq!(
                corpus
                    .store
                    .get(&rescued_key(SCHEMA_KEY))
                    .unwrap()
                    .as_deref(),
                Some(raw)
            );
        }
    }

    #[test]
    fn another_tabs_schema_is_read_only_when_sound() {
        let corpus = CorpusStore::new(MemoryStore::default());
        assert_eq!(corpus.read_schema(), None);
        corpus.save_schema(&Schema::conll2003()).unwrap();
        assert_eq!(corpus.read_schema(), Some(Schema::conll2003()));
        corpus
            .store
            .set(SCHEMA_KEY, "{\"version\":1,\"schema\":")
            .unwrap();
        assert_eq!(corpus.read_schema(), None);
        let newer = format!(
            "{{\"version\":9,\"schema\":{}}}",
            serde_json::to_string(&Schema::empty()).unwrap()
        );
        corpus.store.set(SCHEMA_KEY, &newer).unwrap();
        assert_eq!(corpus.read_schema(), None);
    }

    #[test]
    fn a_newer_schema_opens_read_only_and_is_not_overwritten() {
        let corpus = CorpusStore::new(MemoryStore::default());
        let raw = format!(
            "{{\"version\":2,\"schema\":{}}}",
            serde_json::to_string(&Schema::conll2003()).unwrap()
        );
        corpus.store.set(SCHEMA_KEY, &raw).unwrap();
        let loaded = corpus.load().unwrap();
        assert!(loaded.read_only.is_some());
        assert_eq!(loaded.schema, Some(Schema::conll2003()));
        assert!(matches!(
            corpus.save_schema(&Schema::empty()),
            Err(StoreError::ReadOnly(_))
        ));
        assert_eq!(corpus.store.get(SCHEMA_KEY).unwrap(), Some(raw));
    }
}
