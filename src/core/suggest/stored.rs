//! A document's imported pre-annotations and rejections in storage, each under its own
//! key beside (never inside) the annotations key:
//!
//! - `loupe/v1/doc/<id>/suggestions`:
//!   `{"version":1,"sources":["import:model.json"],"suggestions":[["mention",13,17,"GPE",0,0.93]]}`,
//!   each suggestion as layer, start, end, type, index into `sources`, and score (or null);
//!   the covered text is taken from the document again on load.
//! - `loupe/v1/doc/<id>/rejections`: `{"version":1,"rejected":[["mention",13,17,"GPE"]]}`.
//!
//! The compact rows keep 1,000 suggestions near 30,000 UTF-16 units. Learned suggestions
//! are never stored: they are recomputed from the model.
//!
//! A damaged value is reported with its key and left exactly as it was: loading fails with
//! [`StoredError::Damaged`], and so does saving over it, until the user discards it
//! ([`CorpusStore::discard_suggestions`] keeps a copy under the rescued key first).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Layer, Proposal, RejectKey, Rejections, Source, Suggestion};
use crate::core::model::Span;
use crate::core::offsets::OffsetIndex;
use crate::core::storage::{
    rejections_key, rescued_key, suggestions_key, utf16_units, CorpusStore, KeyValueStore,
    StoreError, STORAGE_VERSION,
};

#[derive(Debug, Clone, PartialEq)]
pub enum StoredError {
    /// The stored value does not parse, or does not fit the document's text.
    Damaged {
        key: String,
        why: String,
    },
    /// Written by a newer Loupe: read-only here.
    Newer {
        key: String,
        version: u64,
    },
    Store(StoreError),
}

impl fmt::Display for StoredError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoredError::Damaged { key, why } => write!(
                f,
                "the stored {} of this document ({key}) are damaged ({why}); they were left as \
                 they are and not used, and nothing else changed. Discard them to import or \
                 reject suggestions here again (a copy is kept)",
                what(key)
            ),
            StoredError::Newer { key, version } => write!(
                f,
                "the stored {} of this document ({key}) were written by a newer Loupe \
                 (storage version {version}); they are left as they are: update Loupe to use them",
                what(key)
            ),
            StoredError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StoredError {}

impl From<StoreError> for StoredError {
    fn from(e: StoreError) -> Self {
        StoredError::Store(e)
    }
}

fn what(key: &str) -> &'static str {
    if key.ends_with("/rejections") {
        "rejected suggestions"
    } else {
        "imported suggestions"
    }
}

/// One stored suggestion: layer, start, end, type, source index, score.
type Row = (Layer, usize, usize, String, usize, Option<f64>);

#[derive(Serialize, Deserialize)]
struct SuggestionsValue {
    version: u64,
    sources: Vec<Source>,
    suggestions: Vec<Row>,
}

#[derive(Serialize, Deserialize)]
struct RejectionsValue {
    version: u64,
    rejected: Vec<(Layer, usize, usize, String)>,
}

/// The stored form of imported suggestions (arguments are never imported, so skipped).
pub fn suggestions_json(imported: &[Suggestion]) -> String {
    let mut sources: Vec<Source> = Vec::new();
    let mut rows = Vec::with_capacity(imported.len());
    for s in imported {
        let kind = match &s.proposal {
            Proposal::Mention { kind, .. } | Proposal::Event { kind, .. } => kind,
            Proposal::Argument { .. } => continue,
        };
        let n = match sources.iter().position(|x| *x == s.source) {
            Some(n) => n,
            None => {
                sources.push(s.source.clone());
                sources.len() - 1
            }
        };
        let span = s.span();
        // Four decimals are all a score means to a reader, and keep the rows short.
        let score = s.score.map(|x| (x * 1e4).round() / 1e4);
        rows.push((s.layer(), span.start, span.end, kind.clone(), n, score));
    }
    serde_json::to_string(&SuggestionsValue {
        version: STORAGE_VERSION,
        sources,
        suggestions: rows,
    })
    .expect("suggestions always serialise")
}

pub fn rejections_json(rejections: &Rejections) -> String {
    serde_json::to_string(&RejectionsValue {
        version: STORAGE_VERSION,
        rejected: rejections
            .keys()
            .map(|k| (k.layer, k.span.start, k.span.end, k.kind.clone()))
            .collect(),
    })
    .expect("rejections always serialise")
}

fn version_of(key: &str, raw: &str) -> Result<Value, StoredError> {
    let value: Value = serde_json::from_str(raw).map_err(|e| StoredError::Damaged {
        key: key.to_owned(),
        why: e.to_string(),
    })?;
    let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version > STORAGE_VERSION {
        return Err(StoredError::Newer {
            key: key.to_owned(),
            version,
        });
    }
    Ok(value)
}

fn damaged(key: &str, why: impl fmt::Display) -> StoredError {
    StoredError::Damaged {
        key: key.to_owned(),
        why: why.to_string(),
    }
}

/// Read stored suggestions for `text`.
pub fn parse_suggestions(key: &str, raw: &str, text: &str) -> Result<Vec<Suggestion>, StoredError> {
    let value: SuggestionsValue =
        serde_json::from_value(version_of(key, raw)?).map_err(|e| damaged(key, e))?;
    let index = OffsetIndex::new(text);
    let mut out = Vec::with_capacity(value.suggestions.len());
    for (n, (layer, start, end, kind, source, score)) in value.suggestions.into_iter().enumerate() {
        let row = n + 1;
        let covered = (start < end)
            .then(|| index.slice(text, start, end))
            .flatten()
            .ok_or_else(|| {
                damaged(
                    key,
                    format!("suggestion {row}, {start}–{end}, is not inside the text"),
                )
            })?;
        let source = value
            .sources
            .get(source)
            .cloned()
            .ok_or_else(|| damaged(key, format!("suggestion {row} names no source")))?;
        if score.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
            return Err(damaged(
                key,
                format!("suggestion {row} has a score outside 0–1"),
            ));
        }
        let span = Span::new(start, end);
        let proposal = match layer {
            Layer::Mention => Proposal::Mention { span, kind },
            Layer::Event => Proposal::Event { span, kind },
            Layer::Argument => {
                return Err(damaged(key, format!("suggestion {row} is an argument")))
            }
        };
        out.push(Suggestion {
            proposal,
            text: covered.to_owned(),
            source,
            score,
        });
    }
    Ok(out)
}

pub fn parse_rejections(key: &str, raw: &str) -> Result<Rejections, StoredError> {
    let value: RejectionsValue =
        serde_json::from_value(version_of(key, raw)?).map_err(|e| damaged(key, e))?;
    Ok(value
        .rejected
        .into_iter()
        .map(|(layer, start, end, kind)| RejectKey {
            layer,
            span: Span::new(start, end),
            kind,
        })
        .collect())
}

impl<S: KeyValueStore> CorpusStore<S> {
    /// A document's imported suggestions and rejections; empty when none were stored.
    pub fn load_suggestions(
        &self,
        id: &str,
        text: &str,
    ) -> Result<(Vec<Suggestion>, Rejections), StoredError> {
        let key = suggestions_key(id);
        let imported = match self.store.get(&key)? {
            Some(raw) => parse_suggestions(&key, &raw, text)?,
            None => Vec::new(),
        };
        let key = rejections_key(id);
        let rejections = match self.store.get(&key)? {
            Some(raw) => parse_rejections(&key, &raw)?,
            None => Rejections::default(),
        };
        Ok((imported, rejections))
    }

    /// Refuse to write over a value that is damaged or newer: it may be the only copy.
    /// `text` is the document's, for a suggestions key.
    fn check_replaceable(&self, key: &str, text: Option<&str>) -> Result<(), StoredError> {
        self.writable()?;
        let Some(raw) = self.store.get(key)? else {
            return Ok(());
        };
        match text {
            Some(text) => parse_suggestions(key, &raw, text).map(drop),
            None => parse_rejections(key, &raw).map(drop),
        }
    }

    fn put(&self, key: &str, text: Option<&str>, json: Option<String>) -> Result<(), StoredError> {
        self.check_replaceable(key, text)?;
        match json {
            Some(json) => {
                let units = utf16_units(key) + utf16_units(&json);
                if units > self.store.capacity() {
                    return Err(StoredError::Store(StoreError::QuotaExceeded {
                        key: key.to_owned(),
                    }));
                }
                self.store.set(key, &json)?
            }
            None => self.store.remove(key)?,
        }
        Ok(())
    }

    /// Store a document's imported suggestions (none: the key is removed). A refused
    /// write leaves the stored value as it was.
    pub fn save_imported(
        &self,
        id: &str,
        text: &str,
        imported: &[Suggestion],
    ) -> Result<(), StoredError> {
        let json = (!imported.is_empty()).then(|| suggestions_json(imported));
        self.put(&suggestions_key(id), Some(text), json)
    }

    pub fn save_rejections(&self, id: &str, rejections: &Rejections) -> Result<(), StoredError> {
        let json = (!rejections.is_empty()).then(|| rejections_json(rejections));
        self.put(&rejections_key(id), None, json)
    }

    /// Put a damaged suggestions or rejections value aside (under its rescued key) and
    /// remove it, so the document's suggestions can be used again.
    pub fn discard_suggestions(&self, id: &str, text: &str) -> Result<(), StoredError> {
        self.writable()?;
        for (key, text) in [
            (suggestions_key(id), Some(text)),
            (rejections_key(id), None),
        ] {
            let Some(raw) = self.store.get(&key)? else {
                continue;
            };
            if self.check_replaceable(&key, text).is_err() {
                self.store.set(&rescued_key(&key), &raw)?;
                self.store.remove(&key)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::format::{self, Format};
    use crate::core::model::{Document, Mention};
    use crate::core::schema::Schema;
    use crate::core::storage::{ann_key, MemoryStore};
    use crate::core::suggest::layer::DocSuggestions;

    const TEXT: &str = "Officials in Kyiv met envoys from Odesa. Later Kyiv was quiet.";

    fn at(word: &str, nth: usize) -> Span {
        let (b, _) = TEXT.match_indices(word).nth(nth).unwrap();
        let s = TEXT[..b].chars().count();
        Span::new(s, s + word.chars().count())
    }

    fn suggestion(
        word: &str,
        nth: usize,
        kind: &str,
        layer: Layer,
        score: Option<f64>,
    ) -> Suggestion {
        let span = at(word, nth);
        let kind = kind.to_owned();
        Suggestion {
            proposal: match layer {
                Layer::Event => Proposal::Event { span, kind },
                _ => Proposal::Mention { span, kind },
            },
            text: word.into(),
            source: Source::Imported("model.json".into()),
            score,
        }
    }

    fn stored_corpus() -> (CorpusStore<MemoryStore>, Document) {
        let corpus = CorpusStore::new(MemoryStore::default());
        let mut doc = Document::new("A", TEXT);
        doc.annotations
            .mentions
            .push(Mention::new("T1", "GPE", vec![at("Odesa", 0)], "Odesa"));
        corpus
            .add_documents(&[doc.meta.clone()], &[doc.clone()])
            .unwrap();
        (corpus, doc)
    }

    fn some_layer(doc: &Document) -> DocSuggestions {
        let mut layer = DocSuggestions::default();
        layer.import(
            vec![
                suggestion("Kyiv", 0, "XSUGGESTED", Layer::Mention, Some(0.8)),
                suggestion("Kyiv", 1, "XSUGGESTED", Layer::Mention, None),
                suggestion("met", 0, "Contact:XMeet", Layer::Event, Some(0.5)),
            ],
            &doc.annotations,
        );
        layer
    }

    #[test]
    fn imported_suggestions_and_rejections_survive_a_reload_under_their_own_keys() {
        let (corpus, doc) = stored_corpus();
        let ann_before = corpus.store.get(&ann_key(doc.id())).unwrap();
        let mut layer = some_layer(&doc);
        let gone = layer.reject(0, &doc.annotations).unwrap();
        corpus
            .save_imported(doc.id(), TEXT, layer.imported())
            .unwrap();
        corpus
            .save_rejections(doc.id(), layer.rejections())
            .unwrap();
        // The annotations key is untouched.
        assert_eq!(corpus.store.get(&ann_key(doc.id())).unwrap(), ann_before);
        let raw = corpus
            .store
            .get(&suggestions_key(doc.id()))
            .unwrap()
            .unwrap();
        assert_eq!(
            raw,
            r#"{"version":1,"sources":["import:model.json"],"suggestions":[["mention",13,17,"XSUGGESTED",0,0.8],["mention",47,51,"XSUGGESTED",0,null],["event",18,21,"Contact:XMeet",0,0.5]]}"#
        );
        // Reload: a new store over the same values.
        let reloaded = CorpusStore::new(MemoryStore::default());
        *reloaded.store.values.borrow_mut() = corpus.store.values.borrow().clone();
        let loaded = reloaded.load().unwrap();
        assert_eq!(loaded.documents[0].annotations, doc.annotations);
        let (imported, rejections) = reloaded.load_suggestions(doc.id(), TEXT).unwrap();
        assert_eq!(imported, layer.imported());
        let mut again = DocSuggestions::new(imported, rejections);
        again.refresh(&doc.annotations);
        assert!(again.shown().eq(layer.shown()));
        assert!(!again.shown().any(|s| s == &gone));
        // The usage meter counts them with their document, and removing it removes them.
        let usage = reloaded.usage().unwrap();
        let total: usize = reloaded
            .store
            .values
            .borrow()
            .iter()
            .filter(|(k, _)| k.contains(doc.id()))
            .map(|(k, v)| utf16_units(k) + utf16_units(v))
            .sum();
        assert_eq!(usage.documents, [(doc.id().to_owned(), total)]);
        reloaded
            .remove_documents(&[], &[doc.id().to_owned()])
            .unwrap();
        assert!(reloaded
            .store
            .values
            .borrow()
            .keys()
            .all(|k| !k.contains(doc.id())));
    }

    #[test]
    fn suggestions_never_appear_in_any_export_of_the_stored_corpus() {
        let (corpus, doc) = stored_corpus();
        let layer = some_layer(&doc);
        assert_eq!(layer.len(), 3);
        corpus
            .save_imported(doc.id(), TEXT, layer.imported())
            .unwrap();
        corpus
            .save_rejections(doc.id(), layer.rejections())
            .unwrap();
        let docs = corpus.load().unwrap().documents;
        let schema = Schema::ace2005();
        for f in Format::ALL {
            let export = format::export(f, &docs, &schema);
            for file in &export.files {
                let body = String::from_utf8_lossy(&file.bytes);
                // The suggested types exist nowhere but in the suggestions.
                assert!(
                    !body.contains("XSUGGESTED") && !body.contains("XMeet"),
                    "{f}: {}: {body}",
                    file.name
                );
                assert!(!body.contains("suggested"), "{f}: {}", file.name);
            }
            // The annotation is there, so the check above could have seen a type.
            let all: String = export
                .files
                .iter()
                .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
                .collect();
            assert!(all.contains("GPE") || all.contains("Odesa"), "{f}");
        }
    }

    #[test]
    fn a_damaged_value_is_named_and_nothing_changes() {
        let (corpus, doc) = stored_corpus();
        let key = suggestions_key(doc.id());
        for garbage in [
            "{not json",
            r#"{"version":1,"sources":[],"suggestions":[["mention",13,17,"GPE",0,0.8]]}"#,
            r#"{"version":1,"sources":["x"],"suggestions":[["mention",13,999,"GPE",0,0.8]]}"#,
            r#"{"version":1,"sources":["x"],"suggestions":"no"}"#,
        ] {
            corpus.store.set(&key, garbage).unwrap();
            let before = corpus.store.values.borrow().clone();
            let err = corpus.load_suggestions(doc.id(), TEXT).unwrap_err();
            assert!(matches!(err, StoredError::Damaged { .. }), "{err:?}");
            let message = err.to_string();
            assert!(
                message.contains(&key) && message.contains("imported suggestions"),
                "{message}"
            );
            // Saving over it is refused too, and leaves every value as it was.
            let layer = some_layer(&doc);
            assert!(corpus
                .save_imported(doc.id(), TEXT, layer.imported())
                .is_err());
            assert_eq!(*corpus.store.values.borrow(), before);
            // The corpus itself still loads.
            assert_eq!(
                corpus.load().unwrap().documents[0].annotations,
                doc.annotations
            );
        }
        let rkey = rejections_key(doc.id());
        corpus.store.remove(&key).unwrap();
        corpus.store.set(&rkey, "[1,2").unwrap();
        let err = corpus.load_suggestions(doc.id(), TEXT).unwrap_err();
        assert!(err.to_string().contains("rejected suggestions"), "{err}");
        // Discarded, it is kept aside and the document's suggestions work again.
        corpus.discard_suggestions(doc.id(), TEXT).unwrap();
        assert_eq!(
            corpus.store.get(&rescued_key(&rkey)).unwrap().as_deref(),
            Some("[1,2")
        );
        assert!(corpus
            .load_suggestions(doc.id(), TEXT)
            .unwrap()
            .1
            .is_empty());
        // A newer value is left alone.
        corpus
            .store
            .set(&key, r#"{"version":9,"sources":[],"suggestions":[]}"#)
            .unwrap();
        assert!(matches!(
            corpus.load_suggestions(doc.id(), TEXT),
            Err(StoredError::Newer { version: 9, .. })
        ));
        assert!(corpus.save_imported(doc.id(), TEXT, &[]).is_err());
    }

    #[test]
    fn a_full_quota_refuses_the_import_and_keeps_the_stored_one() {
        let (corpus, doc) = stored_corpus();
        let used = corpus.store.used();
        let layer = some_layer(&doc);
        let small = &layer.imported()[..1];
        let json = suggestions_json(small);
        let quota = used + utf16_units(&suggestions_key(doc.id())) + utf16_units(&json);
        let corpus = CorpusStore::new(MemoryStore {
            values: corpus.store.values.clone(),
            quota: Some(quota),
            ..MemoryStore::default()
        });
        corpus.save_imported(doc.id(), TEXT, small).unwrap();
        let err = corpus
            .save_imported(doc.id(), TEXT, layer.imported())
            .unwrap_err();
        assert!(err.to_string().contains("storage is full"), "{err}");
        assert_eq!(corpus.load_suggestions(doc.id(), TEXT).unwrap().0, small);
        // 1,000 suggestions stay small.
        let many: Vec<Suggestion> = (0..1000)
            .map(|n| Suggestion {
                proposal: Proposal::Mention {
                    span: Span::new(n, n + 4),
                    kind: "GPE".into(),
                },
                text: String::new(),
                source: Source::Tagger,
                score: Some(0.123_456_789),
            })
            .collect();
        assert!(utf16_units(&suggestions_json(&many)) < 40_000);
    }
}
