//! Browser tests (wasm-bindgen-test in headless Chromium): the storage port against the
//! real localStorage, every browser's form of the quota error, and the workspace over a
//! store that injects faults (fails past N units, returns garbage, is unavailable).
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use loupe::browser::local_storage::{is_quota_error, store_error, LocalStorage};
use loupe::core::edit::Edit;
use loupe::core::model::{Annotations, Document, Mention, Span};
use loupe::core::storage::{
    ann_key, rescued_key, utf16_units, CorpusStore, KeyValueStore, MemoryStore, StoreError,
};
use loupe::core::sync::Lineage;
use loupe::ui::state::{SaveStatus, StorageTrouble, Workspace, SAVE_DELAY_MS};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn clear_local_storage() {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
}

fn fresh() -> CorpusStore<LocalStorage> {
    clear_local_storage();
    CorpusStore::new(LocalStorage::open().unwrap())
}

fn mention(id: &str, text: &str, start: usize, end: usize) -> Mention {
    Mention::new(
        id,
        "GPE",
        vec![Span::new(start, end)],
        text.chars()
            .skip(start)
            .take(end - start)
            .collect::<String>(),
    )
}

fn tagged(text: &str, start: usize, end: usize) -> Document {
    let mut doc = Document::new("Test", text);
    doc.annotations
        .mentions
        .push(mention("T1", text, start, end));
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

/// A JS object with the given `name` and `code`, like the non-DOMException errors old
/// Firefox threw.
fn thrown(name: Option<&str>, code: Option<f64>) -> JsValue {
    let o = js_sys::Object::new();
    if let Some(name) = name {
        js_sys::Reflect::set(&o, &"name".into(), &name.into()).unwrap();
    }
    if let Some(code) = code {
        js_sys::Reflect::set(&o, &"code".into(), &code.into()).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
fn every_browsers_quota_error_is_recognised_by_name_and_by_code() {
    let chrome =
        web_sys::DomException::new_with_message_and_name("full", "QuotaExceededError").unwrap();
    assert_eq!(chrome.code(), 22);
    assert!(is_quota_error(&chrome.into()));
    let firefox = web_sys::DomException::new_with_message_and_name(
        "Persistent storage maximum size reached",
        "NS_ERROR_DOM_QUOTA_REACHED",
    )
    .unwrap();
    assert!(is_quota_error(&firefox.into()));
    assert!(is_quota_error(&thrown(
        Some("NS_ERROR_DOM_QUOTA_REACHED"),
        None
    )));
    assert!(is_quota_error(&thrown(None, Some(1014.0))));
    assert!(is_quota_error(&thrown(Some("Error"), Some(22.0))));
    let error = js_sys::Error::new("quota");
    error.set_name("QuotaExceededError");
    assert!(is_quota_error(&error.into()));

    let security =
        web_sys::DomException::new_with_message_and_name("denied", "SecurityError").unwrap();
    assert!(!is_quota_error(&security.clone().into()));
    assert!(!is_quota_error(&JsValue::from_str("QuotaExceededError")));
    assert!(matches!(
        store_error("k", &security.into()),
        StoreError::Unavailable(why) if why.contains("SecurityError")
    ));
    assert_eq!(
        store_error("k", &thrown(None, Some(1014.0))),
        StoreError::QuotaExceeded { key: "k".into() }
    );
}

/// A store that injects faults: writes past `limit` UTF-16 units throw `error` (any
/// browser's quota error), reads of `garbage` keys return garbage, and `down` makes it
/// unusable.
struct FaultyStore {
    values: RefCell<BTreeMap<String, String>>,
    limit: Cell<usize>,
    error: JsValue,
    garbage: RefCell<BTreeMap<String, String>>,
}

impl FaultyStore {
    fn new(limit: usize, error: JsValue) -> Self {
        Self {
            values: RefCell::default(),
            limit: Cell::new(limit),
            error,
            garbage: RefCell::default(),
        }
    }
    fn used_without(&self, key: &str) -> usize {
        self.values
            .borrow()
            .iter()
            .filter(|(k, _)| *k != key)
            .map(|(k, v)| utf16_units(k) + utf16_units(v))
            .sum()
    }
}

impl KeyValueStore for FaultyStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        if let Some(g) = self.garbage.borrow().get(key) {
            return Ok(Some(g.clone()));
        }
        Ok(self.values.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        if self.used_without(key) + utf16_units(key) + utf16_units(value) > self.limit.get() {
            // The port maps what the browser threw, exactly as LocalStorage does.
            return Err(store_error(key, &self.error));
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
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.values.borrow().keys().cloned().collect())
    }
}

const STORY: &str = "Drones hit Odesa harbour 🚀 at dawn; Kyiv said the port reopened.";

/// A workspace over `store` with one article open.
fn workspace_with_story(store: Rc<dyn KeyValueStore>) -> Workspace {
    let ws = Workspace::over(Ok(store));
    ws.load();
    ws.add_articles(vec![("Odesa".into(), STORY.into())]);
    assert!(ws.corpus.current().get_untracked().is_some());
    ws
}

fn tag(ws: &Workspace, start: usize, end: usize) -> bool {
    let id = ws.with_open(|s| s.doc.annotations.next_id("T")).unwrap();
    let index = ws.with_open(|s| s.doc.annotations.mentions.len()).unwrap();
    ws.edit(Edit::InsertMention {
        index,
        mention: mention(&id, STORY, start, end),
    })
}

fn in_memory(ws: &Workspace) -> Vec<String> {
    ws.with_open(|s| {
        s.doc
            .annotations
            .mentions
            .iter()
            .map(|m| m.text.clone())
            .collect()
    })
    .unwrap()
}

#[wasm_bindgen_test]
fn a_full_quota_in_every_browsers_form_raises_the_banner_keeps_edits_and_retries() {
    let errors = [
        web_sys::DomException::new_with_message_and_name("full", "QuotaExceededError")
            .unwrap()
            .into(),
        thrown(Some("NS_ERROR_DOM_QUOTA_REACHED"), Some(1014.0)),
        thrown(None, Some(22.0)),
        thrown(None, Some(1014.0)),
    ];
    for error in errors {
        let owner = Owner::new();
        owner.with(|| {
            let store = Rc::new(FaultyStore::new(100_000, error));
            let ws = workspace_with_story(store.clone());
            assert!(tag(&ws, 11, 16));
            assert!(ws.flush());
            let id = ws.corpus.current().get_untracked().unwrap();
            let good = store.values.borrow().get(&ann_key(&id)).cloned().unwrap();

            // Storage fills up: the next save is refused.
            store.limit.set(store.used_without(""));
            assert!(tag(&ws, 36, 40));
            assert!(!ws.flush());
            assert!(matches!(
                ws.trouble().get_untracked(),
                Some(StorageTrouble::Full)
            ));
            assert_eq!(ws.save_status().get_untracked(), SaveStatus::NotSaved);
            assert_eq!(in_memory(&ws), ["Odesa", "Kyiv"], "edits stay in memory");
            assert_eq!(
                store.values.borrow().get(&ann_key(&id)),
                Some(&good),
                "the last good stored copy is untouched"
            );

            // Space is freed: retrying saves everything and lowers the banner.
            store.limit.set(1_000_000);
            ws.retry_save();
            assert_eq!(ws.trouble().get_untracked(), None);
            assert_eq!(ws.save_status().get_untracked(), SaveStatus::Saved);
            let reloaded = CorpusStore::new(store.clone()).load().unwrap();
            let texts: Vec<_> = reloaded.documents[0]
                .annotations
                .mentions
                .iter()
                .map(|m| m.text.clone())
                .collect();
            assert_eq!(texts, ["Odesa", "Kyiv"]);
        });
        owner.unset();
    }
}

#[wasm_bindgen_test]
async fn an_edit_is_saved_within_the_save_delay_not_before() {
    let owner = Owner::new();
    let (ws, store) = owner.with(|| {
        let store = Rc::new(FaultyStore::new(1_000_000, JsValue::NULL));
        (workspace_with_story(store.clone()), store)
    });
    let id = ws.corpus.current().get_untracked().unwrap();
    let before = store.values.borrow().get(&ann_key(&id)).cloned();
    owner.with(|| assert!(tag(&ws, 11, 16)));
    assert_eq!(store.values.borrow().get(&ann_key(&id)).cloned(), before);
    assert_eq!(ws.save_status().get_untracked(), SaveStatus::Saving);
    gloo::timers::future::TimeoutFuture::new(SAVE_DELAY_MS + 100).await;
    assert_ne!(store.values.borrow().get(&ann_key(&id)).cloned(), before);
    assert_eq!(ws.save_status().get_untracked(), SaveStatus::Saved);
    assert!(!ws.has_unsaved());
}

#[wasm_bindgen_test]
fn garbage_in_one_document_leaves_the_others_loading() {
    let owner = Owner::new();
    owner.with(|| {
        let store = Rc::new(FaultyStore::new(1_000_000, JsValue::NULL));
        let docs = vec![
            tagged("Drones hit Odesa.", 11, 16),
            tagged("東京 summit", 0, 2),
        ];
        let metas: Vec<_> = docs.iter().map(|d| d.meta.clone()).collect();
        CorpusStore::new(store.clone())
            .add_documents(&metas, &docs)
            .unwrap();
        let key = ann_key(docs[0].id());
        store
            .garbage
            .borrow_mut()
            .insert(key.clone(), "\u{1}\u{fffd}{{[".into());
        let ws = Workspace::over(Ok(store.clone()));
        ws.load();
        assert_eq!(ws.corpus.index().get_untracked().len(), 2);
        let alerts = ws.alerts.list().get_untracked();
        assert_eq!(alerts.len(), 1);
        assert!(
            alerts[0].message.contains("damaged"),
            "{}",
            alerts[0].message
        );
        assert_eq!(
            store
                .values
                .borrow()
                .get(&rescued_key(&key))
                .map(String::as_str),
            Some("\u{1}\u{fffd}{{[")
        );
        ws.open(docs[1].meta.id.clone());
        assert_eq!(in_memory_texts(&ws), ["東京"]);
    });
}

fn in_memory_texts(ws: &Workspace) -> Vec<String> {
    ws.with_open(|s| {
        s.doc
            .annotations
            .mentions
            .iter()
            .map(|m| m.text.clone())
            .collect()
    })
    .unwrap()
}

#[wasm_bindgen_test]
fn without_storage_the_app_works_in_memory_and_says_so() {
    let owner = Owner::new();
    owner.with(|| {
        let ws = Workspace::over(Err(StoreError::Unavailable(
            "SecurityError: the operation is insecure".into(),
        )));
        ws.load();
        ws.add_articles(vec![("Odesa".into(), STORY.into())]);
        assert!(tag(&ws, 11, 16));
        assert_eq!(in_memory(&ws), ["Odesa"]);
        match ws.trouble().get_untracked() {
            Some(t @ StorageTrouble::Unavailable(_)) => {
                assert!(t.to_string().contains("nothing will be kept"), "{t}")
            }
            other => panic!("{other:?}"),
        }
    });
}

#[wasm_bindgen_test]
fn data_from_a_newer_version_opens_read_only_and_is_not_overwritten() {
    let owner = Owner::new();
    owner.with(|| {
        let store = Rc::new(MemoryStore::default());
        let doc = tagged(STORY, 11, 16);
        CorpusStore::new(store.clone())
            .add_documents(std::slice::from_ref(&doc.meta), std::slice::from_ref(&doc))
            .unwrap();
        let key = ann_key(doc.id());
        let newer = "{\"version\":2,\"mentions\":[],\"future\":true}";
        store.set(&key, newer).unwrap();
        let ws = Workspace::over(Ok(store.clone()));
        ws.load();
        assert!(matches!(
            ws.trouble().get_untracked(),
            Some(StorageTrouble::ReadOnly(_))
        ));
        assert!(!tag(&ws, 36, 40), "edits are refused");
        ws.add_articles(vec![("Other".into(), "Another story.".into())]);
        ws.flush();
        assert_eq!(store.get(&key).unwrap().as_deref(), Some(newer));
        assert_eq!(ws.corpus.index().get_untracked().len(), 1);
    });
}

#[wasm_bindgen_test]
fn deleting_documents_can_be_undone_with_their_annotations() {
    let owner = Owner::new();
    owner.with(|| {
        let store = Rc::new(MemoryStore::default());
        let ws = workspace_with_story(store.clone());
        assert!(tag(&ws, 11, 16));
        let id = ws.corpus.current().get_untracked().unwrap();
        ws.delete(std::slice::from_ref(&id));
        assert!(ws.corpus.index().get_untracked().is_empty());
        assert_eq!(store.get(&ann_key(&id)).unwrap(), None);
        ws.undo_delete();
        let loaded = CorpusStore::new(store.clone()).load().unwrap();
        assert_eq!(loaded.documents.len(), 1);
        assert_eq!(loaded.documents[0].annotations.mentions[0].text, "Odesa");
    });
}

/// Another tab, as it loads the stored corpus: its store, its copy of the story's
/// annotations, and the lineage its next write builds on.
fn other_tab(
    store: &Rc<MemoryStore>,
    id: &str,
) -> (CorpusStore<Rc<MemoryStore>>, Annotations, Lineage) {
    let other = CorpusStore::new(store.clone());
    let loaded = other.load().unwrap();
    let theirs = loaded.documents[0].annotations.clone();
    let lineage = loaded.lineages.get(id).cloned().unwrap_or_default();
    (other, theirs, lineage)
}

fn sorted(mut texts: Vec<String>) -> Vec<String> {
    texts.sort();
    texts
}

/// The texts of the story's stored mentions, sorted.
fn stored_texts(store: &Rc<MemoryStore>) -> Vec<String> {
    let loaded = CorpusStore::new(store.clone()).load().unwrap();
    sorted(
        loaded.documents[0]
            .annotations
            .mentions
            .iter()
            .map(|m| m.text.clone())
            .collect(),
    )
}

#[wasm_bindgen_test]
fn another_tabs_edit_merges_with_unsaved_edits_by_id() {
    let owner = Owner::new();
    owner.with(|| {
        let store = Rc::new(MemoryStore::default());
        let ws = workspace_with_story(store.clone());
        let id = ws.corpus.current().get_untracked().unwrap();
        // Another tab tags "Kyiv" and saves.
        let (other, mut theirs, lineage) = other_tab(&store, &id);
        theirs.mentions.push(mention("T1", STORY, 36, 40));
        other
            .save_annotations_with(&id, &theirs, &lineage.next("other"))
            .unwrap();
        // This tab tagged "Odesa" before hearing of it.
        assert!(tag(&ws, 11, 16));
        ws.on_storage_changed(&ann_key(&id));
        assert_eq!(sorted(in_memory(&ws)), ["Kyiv", "Odesa"]);
        assert!(ws.flush());
        assert_eq!(stored_texts(&store), ["Kyiv", "Odesa"]);
    });
}

/// The race behind the flaky two-tab story: another tab writes before it has heard of
/// this tab's saved edit, so storage loses it. This tab must notice and write it back.
#[wasm_bindgen_test]
fn an_edit_overwritten_by_a_tab_that_had_not_seen_it_is_written_back() {
    let owner = Owner::new();
    owner.with(|| {
        let store = Rc::new(MemoryStore::default());
        let ws = workspace_with_story(store.clone());
        let id = ws.corpus.current().get_untracked().unwrap();
        // The other tab loads before this tab's edit reaches storage.
        let (other, mut theirs, lineage) = other_tab(&store, &id);
        assert!(tag(&ws, 11, 16));
        assert!(ws.flush());
        // It tags "Kyiv" on its stale copy and writes: "Odesa" is gone from storage.
        theirs.mentions.push(mention("T1", STORY, 36, 40));
        other
            .save_annotations_with(&id, &theirs, &lineage.next("other"))
            .unwrap();
        assert_eq!(stored_texts(&store), ["Kyiv"]);
        ws.on_storage_changed(&ann_key(&id));
        assert_eq!(sorted(in_memory(&ws)), ["Kyiv", "Odesa"]);
        assert!(ws.flush());
        assert_eq!(stored_texts(&store), ["Kyiv", "Odesa"]);
    });
}

#[wasm_bindgen_test]
fn html_keeps_only_text_with_blocks_as_paragraphs() {
    let html = r#"<!doctype html><html><head><title> Port
        reopens </title><style>p { color: red }</style><script>window.hacked = 1</script></head>
        <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
        <div role="navigation">Menu</div>
        <h1>Port reopens</h1>
        <p>The port <b>reopened</b>
           on   Monday — “at last” 🚢.</p>
        <ul><li>Trade resumed.</li><li>東京 noticed.</li></ul>
        <script>document.body.innerHTML = ''</script><noscript>Enable JS</noscript>
        </body></html>"#;
    let (title, text) = loupe::browser::html::html_article(html).unwrap();
    assert_eq!(title.as_deref(), Some("Port reopens"));
    assert_eq!(
        text,
        "Port reopens\n\nThe port reopened on Monday — “at last” 🚢.\n\nTrade resumed.\n\n東京 noticed."
    );
    assert!(
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"hacked".into())
            .unwrap()
            .is_undefined()
    );
}

/// The private file system's root (OPFS): real file handles without a picker.
async fn opfs_root() -> JsValue {
    let storage =
        js_sys::Reflect::get(&web_sys::window().unwrap().navigator(), &"storage".into()).unwrap();
    let get: js_sys::Function = js_sys::Reflect::get(&storage, &"getDirectory".into())
        .unwrap()
        .into();
    let promise: js_sys::Promise = get.call0(&storage).unwrap().into();
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap()
}

/// Call `obj.name(args…)` and await it.
async fn js_call(obj: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(obj, &name.into()).unwrap().into();
    let args: js_sys::Array = args.iter().collect();
    let out = f.apply(obj, &args)?;
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&out)).await
}

async fn opfs_text(dir: &JsValue, name: &str) -> String {
    let handle = js_call(dir, "getFileHandle", &[name.into()]).await.unwrap();
    let file = js_call(&handle, "getFile", &[]).await.unwrap();
    js_call(&file, "text", &[])
        .await
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn autosave_writes_whole_files_and_a_failed_write_keeps_the_last_copy() {
    use loupe::browser::autosave::{remember, remembered, Handle, Permission};
    use loupe::core::autosave::{Failure, TargetKind, FOLDER_FILE};

    let root = opfs_root().await;
    let create = js_sys::Object::new();
    js_sys::Reflect::set(&create, &"create".into(), &JsValue::TRUE).unwrap();
    let js = js_call(
        &root,
        "getFileHandle",
        &["port-test.json".into(), create.clone().into()],
    )
    .await
    .unwrap();
    let file = Handle::new(js.clone(), TargetKind::File);
    assert_eq!(file.target.name, "port-test.json");
    assert_eq!(file.permission().await, Permission::Granted);
    file.write("{\"first\": true}\n").await.unwrap();
    file.write("{\"second\": true}\n").await.unwrap();
    assert_eq!(
        opfs_text(&root, "port-test.json").await,
        "{\"second\": true}\n"
    );

    // A write that fails halfway is discarded whole.
    let proto = js_sys::Reflect::get(
        &js_sys::Reflect::get(
            &web_sys::window().unwrap(),
            &"FileSystemWritableFileStream".into(),
        )
        .unwrap(),
        &"prototype".into(),
    )
    .unwrap();
    let write = js_sys::Reflect::get(&proto, &"write".into()).unwrap();
    let failing = js_sys::Function::new_no_args(
        "return Promise.reject(new DOMException('no room', 'QuotaExceededError'));",
    );
    js_sys::Reflect::set(&proto, &"write".into(), &failing).unwrap();
    let failed = file.write("{\"third\"").await;
    js_sys::Reflect::set(&proto, &"write".into(), &write).unwrap();
    assert_eq!(failed, Err(Failure::DiskFull));
    assert_eq!(
        opfs_text(&root, "port-test.json").await,
        "{\"second\": true}\n"
    );

    // A folder gets Loupe's file inside it.
    let dir = js_call(
        &root,
        "getDirectoryHandle",
        &["port-folder".into(), create.into()],
    )
    .await
    .unwrap();
    let folder = Handle::new(dir.clone(), TargetKind::Folder);
    folder.write("{}\n").await.unwrap();
    assert_eq!(opfs_text(&dir, FOLDER_FILE).await, "{}\n");

    // The handle survives in IndexedDB, as a reload would find it.
    remember(&folder).await.unwrap();
    let back = remembered().await.expect("a remembered handle");
    assert_eq!(back.target, folder.target);
    back.write("{\"again\": 1}\n").await.unwrap();
    assert_eq!(opfs_text(&dir, FOLDER_FILE).await, "{\"again\": 1}\n");
    loupe::browser::autosave::forget().await.unwrap();
    assert!(remembered().await.is_none());
}
