//! The backup snapshots' store: IndexedDB, apart from localStorage and its quota. Each
//! snapshot is one record in `meta` (small, for the list) and one in `data` (its
//! entries), written in one transaction. Records are only ever added, never put, so an
//! existing snapshot cannot be overwritten; which to add and delete is
//! [`crate::core::backup`]'s rule.

use std::collections::BTreeMap;
use std::fmt;

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

use super::local_storage::{describe, is_quota_error};
use crate::core::backup::{Snapshot, SnapshotMeta};

const DB: &str = "loupe-backups";
const META: &str = "meta";
const DATA: &str = "data";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    /// The browser's quota for IndexedDB is full.
    Full,
    /// IndexedDB cannot be used here (private mode, some `file://` pages, blocked).
    Unavailable(String),
    /// A stored snapshot cannot be read.
    Damaged(String),
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full => f.write_str("the browser's storage for backups is full"),
            Self::Unavailable(why) => write!(f, "backups cannot be kept here ({why})"),
            Self::Damaged(why) => write!(f, "the backup cannot be read ({why})"),
        }
    }
}

fn classify(e: &JsValue) -> BackupError {
    if is_quota_error(e) {
        BackupError::Full
    } else {
        BackupError::Unavailable(describe(e))
    }
}

/// Resolve with the request's result, or reject with its error.
pub(crate) async fn request(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok_req = req.clone();
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &ok_req.result().unwrap_or(JsValue::NULL));
        });
        let err_req = req.clone();
        let err = Closure::once_into_js(move || {
            let error = err_req.error().ok().flatten().map(JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error.unwrap_or(JsValue::NULL));
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Resolve when the transaction has committed; reject with its error when it aborts.
pub(crate) async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed_tx = tx.clone();
        let failed = Closure::once_into_js(move || {
            let error = failed_tx.error().map(JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error.unwrap_or(JsValue::NULL));
        });
        tx.set_oncomplete(Some(done.unchecked_ref()));
        // An error on a request aborts the transaction; abort fires once, after it.
        tx.set_onabort(Some(failed.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ())
}

/// The backup database, created on first use.
pub struct Backups {
    db: IdbDatabase,
}

impl Backups {
    pub async fn open() -> Result<Self, BackupError> {
        let window =
            web_sys::window().ok_or_else(|| BackupError::Unavailable("no window".into()))?;
        let factory = window
            .indexed_db()
            .map_err(|e| classify(&e))?
            .ok_or_else(|| BackupError::Unavailable("IndexedDB is disabled".into()))?;
        let open: IdbOpenDbRequest = factory.open_with_u32(DB, 1).map_err(|e| classify(&e))?;
        let upgrading = open.clone();
        let upgrade = Closure::once_into_js(move || {
            let Ok(db) = upgrading.result() else {
                return;
            };
            let db: IdbDatabase = db.unchecked_into();
            let names = db.object_store_names();
            for store in [META, DATA] {
                if !names.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        });
        open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        let db = request(&open).await.map_err(|e| classify(&e))?;
        Ok(Self {
            db: db.unchecked_into(),
        })
    }

    fn transaction(&self, mode: IdbTransactionMode) -> Result<IdbTransaction, BackupError> {
        let stores = Array::of2(&META.into(), &DATA.into());
        self.db
            .transaction_with_str_sequence_and_mode(&stores, mode)
            .map_err(|e| classify(&e))
    }

    /// Every snapshot's summary, in no particular order.
    pub async fn list(&self) -> Result<Vec<SnapshotMeta>, BackupError> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let store = tx.object_store(META).map_err(|e| classify(&e))?;
        let req = store.get_all().map_err(|e| classify(&e))?;
        let all: Array = request(&req)
            .await
            .map_err(|e| classify(&e))?
            .unchecked_into();
        Ok(all
            .iter()
            .filter_map(|v| v.as_string())
            .filter_map(|s| serde_json::from_str(&s).ok())
            .collect())
    }

    /// One snapshot with its entries.
    pub async fn get(&self, meta: &SnapshotMeta) -> Result<Snapshot, BackupError> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let store = tx.object_store(DATA).map_err(|e| classify(&e))?;
        let req = store
            .get(&JsValue::from_str(&meta.id))
            .map_err(|e| classify(&e))?;
        let raw = request(&req).await.map_err(|e| classify(&e))?;
        let raw = raw
            .as_string()
            .ok_or_else(|| BackupError::Damaged(format!("{} has no entries", meta.id)))?;
        let entries: BTreeMap<String, String> =
            serde_json::from_str(&raw).map_err(|e| BackupError::Damaged(e.to_string()))?;
        Ok(Snapshot {
            meta: meta.clone(),
            entries,
        })
    }

    /// Every snapshot with its entries.
    pub async fn all(&self) -> Result<Vec<Snapshot>, BackupError> {
        let mut out = Vec::new();
        for meta in self.list().await? {
            // One unreadable snapshot leaves the others usable.
            if let Ok(s) = self.get(&meta).await {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Add `snapshot` and delete `prune`, all or nothing. A snapshot with the same id
    /// makes the whole transaction fail rather than be overwritten.
    pub async fn add(&self, snapshot: &Snapshot, prune: &[String]) -> Result<(), BackupError> {
        let tx = self.transaction(IdbTransactionMode::Readwrite)?;
        let meta = tx.object_store(META).map_err(|e| classify(&e))?;
        let data = tx.object_store(DATA).map_err(|e| classify(&e))?;
        let id = JsValue::from_str(&snapshot.meta.id);
        let meta_json = serde_json::to_string(&snapshot.meta).expect("metadata serialises");
        let entries_json = serde_json::to_string(&snapshot.entries).expect("strings serialise");
        let queued = (|| -> Result<(), JsValue> {
            meta.add_with_key(&JsValue::from_str(&meta_json), &id)?;
            data.add_with_key(&JsValue::from_str(&entries_json), &id)?;
            for old in prune {
                let old = JsValue::from_str(old);
                meta.delete(&old)?;
                data.delete(&old)?;
            }
            Ok(())
        })();
        if let Err(e) = queued {
            let _ = tx.abort();
            return Err(classify(&e));
        }
        committed(&tx).await.map_err(|e| classify(&e))
    }
}
