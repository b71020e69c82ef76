//! Persistence of the corpus over a small key-value port.
//!
//! The browser implements [`KeyValueStore`] with localStorage; tests use [`MemoryStore`],
//! which can be told to fail like a full quota. Key layout (documented in the README):
//!
//! | key | value |
//! |---|---|
//! | `loupe/v1/index` | JSON list of every document's metadata, in corpus order |
//! | `loupe/v1/doc/<id>/text` | the document text, raw |
//! | `loupe/v1/doc/<id>/ann` | the document's annotations, JSON |
//! | `loupe/v1/rescued/<key>` | a stored value that failed to parse, kept untouched |
//!
//! An edit rewrites only its document's `ann` key.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use crate::core::model::{Annotations, Document, DocumentMeta};

pub const INDEX_KEY: &str = "loupe/v1/index";

pub fn text_key(id: &str) -> String {
    format!("loupe/v1/doc/{id}/text")
}
pub fn ann_key(id: &str) -> String {
    format!("loupe/v1/doc/{id}/ann")
}
pub fn rescued_key(key: &str) -> String {
    format!("loupe/v1/rescued/{key}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The browser refused the write because its storage quota is full.
    QuotaExceeded { key: String },
    /// Storage cannot be used at all (disabled, private mode, blocked by policy).
    Unavailable(String),
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
        }
    }
}

impl std::error::Error for StoreError {}

/// The storage port: strings in, strings out.
pub trait KeyValueStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str) -> Result<(), StoreError>;
}

/// An in-memory store with an optional byte quota, for tests.
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub values: RefCell<BTreeMap<String, String>>,
    pub quota: Option<usize>,
}

impl MemoryStore {
    pub fn with_quota(bytes: usize) -> Self {
        Self {
            values: RefCell::default(),
            quota: Some(bytes),
        }
    }
    fn used_without(&self, key: &str) -> usize {
        self.values
            .borrow()
            .iter()
            .filter(|(k, _)| k.as_str() != key)
            .map(|(k, v)| k.len() + v.len())
            .sum()
    }
}

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.values.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        if let Some(quota) = self.quota {
            if self.used_without(key) + key.len() + value.len() > quota {
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
        self.values.borrow_mut().remove(key);
        Ok(())
    }
}

/// What loading found: the documents, and a message for each thing that was damaged.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub problems: Vec<String>,
}

/// The corpus, laid out over a [`KeyValueStore`].
pub struct CorpusStore<S> {
    pub store: S,
}

impl<S: KeyValueStore> CorpusStore<S> {
    pub fn new(store: S) -> Self {
        Self { store }
    }

    /// Load every document. Damaged values are copied aside before anything else, so a
    /// later save can never overwrite the only copy of someone's work.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let mut loaded = Loaded::default();
        let Some(index) = self.store.get(INDEX_KEY)? else {
            return Ok(loaded);
        };
        let metas: Vec<DocumentMeta> = match serde_json::from_str(&index) {
            Ok(metas) => metas,
            Err(e) => {
                self.rescue(INDEX_KEY, &index)?;
                loaded.problems.push(format!(
                    "The document list in storage was damaged ({e}); a copy was kept under {}.",
                    rescued_key(INDEX_KEY)
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
            let key = ann_key(&meta.id);
            let annotations = match self.store.get(&key)? {
                None => Annotations::default(),
                Some(raw) => match serde_json::from_str(&raw) {
                    Ok(a) => a,
                    Err(e) => {
                        self.rescue(&key, &raw)?;
                        loaded.problems.push(format!(
                            "The annotations of “{}” were damaged ({e}); a copy was kept under {}.",
                            meta.title,
                            rescued_key(&key)
                        ));
                        Annotations::default()
                    }
                },
            };
            loaded.documents.push(Document {
                meta,
                text,
                annotations,
            });
        }
        Ok(loaded)
    }

    fn rescue(&self, key: &str, raw: &str) -> Result<(), StoreError> {
        let rescued = rescued_key(key);
        if self.store.get(&rescued)?.is_none() {
            self.store.set(&rescued, raw)?;
        }
        Ok(())
    }

    /// Save only a document's annotations: what every edit does.
    pub fn save_annotations(&self, id: &str, annotations: &Annotations) -> Result<(), StoreError> {
        let json = serde_json::to_string(annotations).expect("annotations always serialise");
        self.store.set(&ann_key(id), &json)
    }

    pub fn save_index(&self, documents: &[DocumentMeta]) -> Result<(), StoreError> {
        let json = serde_json::to_string(documents).expect("metadata always serialises");
        self.store.set(INDEX_KEY, &json)
    }

    /// Add documents: text and annotations first, then the index, so the index never names
    /// a document whose text is not stored. On failure the new keys are removed again.
    pub fn add_documents(&self, all: &[DocumentMeta], new: &[Document]) -> Result<(), StoreError> {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Mention, Span};

    fn doc(title: &str, text: &str) -> Document {
        let mut d = Document::new(title, text);
        d.annotations.mentions.push(Mention {
            id: "T1".into(),
            kind: "PER".into(),
            fragments: vec![Span::new(0, 3)],
            text: text.chars().take(3).collect(),
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        });
        d
    }

    fn metas(docs: &[Document]) -> Vec<DocumentMeta> {
        docs.iter().map(|d| d.meta.clone()).collect()
    }

    #[test]
    fn saved_corpus_loads_back_identically() {
        let corpus = CorpusStore::new(MemoryStore::default());
        let docs = vec![doc("One", "Ana met 🚀 Bo."), doc("Two", "中国 text")];
        corpus.add_documents(&metas(&docs), &docs).unwrap();
        let loaded = corpus.load().unwrap();
        assert_eq!(loaded.documents, docs);
        assert!(loaded.problems.is_empty());
    }

    #[test]
    fn an_edit_rewrites_only_its_documents_annotations() {
        let corpus = CorpusStore::new(MemoryStore::default());
        let docs = vec![doc("One", "Ana met Bo."), doc("Two", "Cy met Di.")];
        corpus.add_documents(&metas(&docs), &docs).unwrap();
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
    fn full_quota_reports_and_leaves_storage_as_it_was() {
        let corpus = CorpusStore::new(MemoryStore::with_quota(600));
        let first = vec![doc("One", "Ana met Bo.")];
        corpus.add_documents(&metas(&first), &first).unwrap();
        let before = corpus.store.values.borrow().clone();
        let big = doc("Big", &"long text ".repeat(100));
        let all = metas(&[first[0].clone(), big.clone()]);
        let err = corpus.add_documents(&all, &[big]).unwrap_err();
        assert!(matches!(err, StoreError::QuotaExceeded { .. }));
        assert!(err.to_string().contains("storage is full"));
        assert_eq!(*corpus.store.values.borrow(), before);
    }

    #[test]
    fn corrupted_annotations_are_rescued_not_lost() {
        let corpus = CorpusStore::new(MemoryStore::default());
        let docs = vec![doc("One", "Ana met Bo.")];
        corpus.add_documents(&metas(&docs), &docs).unwrap();
        let key = ann_key(docs[0].id());
        corpus.store.set(&key, "{\"mentions\": [oops").unwrap();
        let loaded = corpus.load().unwrap();
        assert_eq!(loaded.documents.len(), 1);
        assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
        assert_eq!(
            corpus.store.get(&rescued_key(&key)).unwrap().as_deref(),
            Some("{\"mentions\": [oops")
        );
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
}
