//! Persistent storage (`navigator.storage.persist()`): asked for so that the browser does
//! not evict Loupe's data under storage pressure.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// What the browser said about persistent storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// The data stays until the user clears it.
    Granted,
    /// The browser may clear the data to free space (or, in Safari, after weeks unused).
    Denied,
    /// This browser or page has no storage manager (older browsers, some `file://` pages).
    Unsupported,
}

fn manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let storage = js_sys::Reflect::get(&navigator, &JsValue::from_str("storage")).ok()?;
    if storage.is_undefined() || storage.is_null() {
        return None;
    }
    Some(navigator.storage())
}

async fn answer(promise: Result<js_sys::Promise, JsValue>) -> Persistence {
    let Ok(promise) = promise else {
        return Persistence::Unsupported;
    };
    match JsFuture::from(promise).await {
        Ok(v) if v.as_bool() == Some(true) => Persistence::Granted,
        Ok(_) => Persistence::Denied,
        Err(_) => Persistence::Unsupported,
    }
}

/// Whether the storage is already persistent, without asking the user anything.
pub async fn persisted() -> Persistence {
    match manager() {
        Some(m) => answer(m.persisted()).await,
        None => Persistence::Unsupported,
    }
}

/// Ask for persistent storage. Chromium decides by itself (site engagement, bookmarks,
/// an installed app); Firefox asks the user; Safari decides by itself.
pub async fn persist() -> Persistence {
    match manager() {
        Some(m) => answer(m.persist()).await,
        None => Persistence::Unsupported,
    }
}
