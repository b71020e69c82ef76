//! Browser tests (wasm-bindgen-test in headless Chromium): the storage port against the
//! real localStorage.
#![cfg(target_arch = "wasm32")]

use loupe::browser::local_storage::LocalStorage;
use loupe::core::model::{Document, Mention, Span};
use loupe::core::storage::{ann_key, rescued_key, CorpusStore, KeyValueStore, StoreError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh() -> CorpusStore<LocalStorage> {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    CorpusStore::new(LocalStorage::open().unwrap())
}

fn tagged(text: &str, start: usize, end: usize) -> Document {
    let mut doc = Document::new("Test", text);
    doc.annotations.mentions.push(Mention {
        id: "T1".into(),
        kind: "GPE".into(),
        fragments: vec![Span::new(start, end)],
        text: text.chars().skip(start).take(end - start).collect(),
        attributes: Default::default(),
        normalization: None,
        note: None,
        entity: None,
    });
    doc
}

#[wasm_bindgen_test]
fn corpus_saved_to_local_storage_loads_back_identically() {
    let corpus = fresh();
    let docs = vec![
        tagged("🚀 Strikes on Kyiv — “again”.", 13, 17),
        tagged("東京 summit", 0, 2),
    ];
    let metas: Vec<_> = docs.iter().map(|d| d.meta.clone()).collect();
    corpus.add_documents(&metas, &docs).unwrap();

    let reopened = CorpusStore::new(LocalStorage::open().unwrap());
    let loaded = reopened.load().unwrap();
    assert!(loaded.problems.is_empty());
    assert_eq!(loaded.documents, docs);
    assert_eq!(loaded.documents[0].annotations.mentions[0].text, "Kyiv");
}

#[wasm_bindgen_test]
fn corrupted_annotations_in_local_storage_are_kept_and_reported() {
    let corpus = fresh();
    let docs = vec![tagged("Drones hit Odesa.", 11, 16)];
    let metas: Vec<_> = docs.iter().map(|d| d.meta.clone()).collect();
    corpus.add_documents(&metas, &docs).unwrap();
    corpus.store.set(&ann_key(docs[0].id()), "{broken").unwrap();

    let loaded = corpus.load().unwrap();
    assert_eq!(loaded.problems.len(), 1);
    let rescued = rescued_key(&ann_key(docs[0].id()));
    assert_eq!(
        corpus.store.get(&rescued).unwrap().as_deref(),
        Some("{broken")
    );
}

#[wasm_bindgen_test]
fn a_full_quota_is_reported_as_quota_exceeded() {
    let corpus = fresh();
    // localStorage holds about 5 MB in Chromium; 12 MB of UTF-16 cannot fit.
    let huge = "x".repeat(6 * 1024 * 1024);
    let err = corpus.store.set("loupe/test/huge", &huge).unwrap_err();
    assert!(matches!(err, StoreError::QuotaExceeded { .. }), "{err:?}");
    assert_eq!(corpus.store.get("loupe/test/huge").unwrap(), None);
}
