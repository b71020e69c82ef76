//! [`KeyValueStore`] over the browser's localStorage.

use wasm_bindgen::JsCast;
use web_sys::{DomException, Storage};

use crate::core::storage::{KeyValueStore, StoreError};

pub struct LocalStorage {
    storage: Storage,
}

impl LocalStorage {
    pub fn open() -> Result<Self, StoreError> {
        let window =
            web_sys::window().ok_or_else(|| StoreError::Unavailable("no window".into()))?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(Self { storage }),
            Ok(None) => Err(StoreError::Unavailable("localStorage is disabled".into())),
            Err(e) => Err(StoreError::Unavailable(describe(&e))),
        }
    }
}

fn describe(e: &wasm_bindgen::JsValue) -> String {
    match e.dyn_ref::<DomException>() {
        Some(d) => format!("{}: {}", d.name(), d.message()),
        None => format!("{e:?}"),
    }
}

/// Browsers disagree on how a full quota is reported: Chrome and Safari throw
/// `QuotaExceededError` (code 22), old Firefox `NS_ERROR_DOM_QUOTA_REACHED` (code 1014).
/// Knowing only one of them is how other local-first apps silently lost saves.
pub fn is_quota_error(e: &wasm_bindgen::JsValue) -> bool {
    e.dyn_ref::<DomException>().is_some_and(|d| {
        matches!(
            d.name().as_str(),
            "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED"
        ) || matches!(d.code(), 22 | 1014)
    })
}

impl KeyValueStore for LocalStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.storage
            .get_item(key)
            .map_err(|e| StoreError::Unavailable(describe(&e)))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.storage.set_item(key, value).map_err(|e| {
            if is_quota_error(&e) {
                StoreError::QuotaExceeded {
                    key: key.to_owned(),
                }
            } else {
                StoreError::Unavailable(describe(&e))
            }
        })
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.storage
            .remove_item(key)
            .map_err(|e| StoreError::Unavailable(describe(&e)))
    }
}
