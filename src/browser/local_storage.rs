//! [`KeyValueStore`] over the browser's localStorage.

use wasm_bindgen::JsValue;
use web_sys::Storage;

use crate::core::storage::{KeyValueStore, StoreError};

pub struct LocalStorage {
    storage: Storage,
}

impl LocalStorage {
    /// Open localStorage. Some private modes hand out a storage object that throws on
    /// first use, so a probe write tells "usable" from "unavailable" up front.
    pub fn open() -> Result<Self, StoreError> {
        let window =
            web_sys::window().ok_or_else(|| StoreError::Unavailable("no window".into()))?;
        let storage = match window.local_storage() {
            Ok(Some(storage)) => storage,
            Ok(None) => return Err(StoreError::Unavailable("localStorage is disabled".into())),
            Err(e) => return Err(StoreError::Unavailable(describe(&e))),
        };
        const PROBE: &str = "loupe/v1/probe";
        match storage.set_item(PROBE, "1") {
            Ok(()) => {
                let _ = storage.remove_item(PROBE);
            }
            // Old Safari's private mode gives a storage with no room at all: a quota error
            // on an empty storage means nothing can ever be kept.
            Err(e) if is_quota_error(&e) && storage.length().unwrap_or(0) == 0 => {
                return Err(StoreError::Unavailable(
                    "the browser allows no storage here, as in private browsing".into(),
                ));
            }
            // A full storage is still readable, and saving retries once space is freed.
            Err(e) if is_quota_error(&e) => {}
            Err(e) => return Err(StoreError::Unavailable(describe(&e))),
        }
        Ok(Self { storage })
    }
}

impl LocalStorage {
    /// Open localStorage only to read it: no probe write, so a reader (the backups) never
    /// changes what is stored.
    pub fn reader() -> Result<Self, StoreError> {
        let window =
            web_sys::window().ok_or_else(|| StoreError::Unavailable("no window".into()))?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(Self { storage }),
            Ok(None) => Err(StoreError::Unavailable("localStorage is disabled".into())),
            Err(e) => Err(StoreError::Unavailable(describe(&e))),
        }
    }
}

fn property(e: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(e, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A thrown value as "Name: message".
pub fn describe(e: &JsValue) -> String {
    let name = property(e, "name").as_string();
    let message = property(e, "message").as_string();
    match (name, message) {
        (Some(n), Some(m)) => format!("{n}: {m}"),
        (Some(n), None) => n,
        _ => format!("{e:?}"),
    }
}

/// Browsers disagree on how a full quota is reported: Chrome and Safari throw
/// `QuotaExceededError` (code 22), old Firefox `NS_ERROR_DOM_QUOTA_REACHED` (code 1014),
/// and not always as a `DOMException`, so the name and code are read off any object.
/// Knowing only one of them is how other local-first apps silently lost saves.
pub fn is_quota_error(e: &JsValue) -> bool {
    if !e.is_object() {
        return false;
    }
    let name = property(e, "name").as_string().unwrap_or_default();
    let code = property(e, "code").as_f64();
    matches!(
        name.as_str(),
        "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED"
    ) || matches!(code, Some(c) if c == 22.0 || c == 1014.0)
}

/// What a thrown write error means for Loupe.
pub fn store_error(key: &str, e: &JsValue) -> StoreError {
    if is_quota_error(e) {
        StoreError::QuotaExceeded {
            key: key.to_owned(),
        }
    } else {
        StoreError::Unavailable(describe(e))
    }
}

impl KeyValueStore for LocalStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.storage
            .get_item(key)
            .map_err(|e| StoreError::Unavailable(describe(&e)))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.storage
            .set_item(key, value)
            .map_err(|e| store_error(key, &e))
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.storage
            .remove_item(key)
            .map_err(|e| StoreError::Unavailable(describe(&e)))
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let n = self
            .storage
            .length()
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        Ok((0..n)
            .filter_map(|i| self.storage.key(i).ok().flatten())
            .collect())
    }
}

/// Keys read per task: a 500-document corpus (4 MB) is read in about ten short tasks, so
/// a backup or an autosave never blocks input for long.
const KEYS_PER_TASK: usize = 100;

/// Every live key that [`crate::core::backup::is_backed_up`] and its value, read a batch
/// per task.
pub async fn live_entries() -> Result<std::collections::BTreeMap<String, String>, String> {
    let ls = LocalStorage::reader().map_err(|e| e.to_string())?;
    let keys: Vec<String> = ls
        .keys()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|k| crate::core::backup::is_backed_up(k))
        .collect();
    let mut out = std::collections::BTreeMap::new();
    for batch in keys.chunks(KEYS_PER_TASK) {
        for key in batch {
            if let Some(v) = ls.get(key).map_err(|e| e.to_string())? {
                out.insert(key.clone(), v);
            }
        }
        if keys.len() > KEYS_PER_TASK {
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
    }
    Ok(out)
}
