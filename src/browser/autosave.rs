//! The File System Access port of autosave (Chromium): feature detection, the pickers,
//! the handle kept in IndexedDB across reloads, permission, and one whole-file write.
//! When to write and what to say is [`crate::core::autosave`]'s rule.
//!
//! The API is called through `js_sys::Reflect`: web-sys binds the pickers and permissions
//! only behind `web_sys_unstable_apis`, which would rebuild every browser crate.
//!
//! A write goes through `createWritable()`: the browser writes to a swap file and puts it
//! in place only when the stream is closed whole, so a write that fails or is cut short
//! (a tab closed mid-write) leaves the previous copy as it was.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbTransactionMode};

use super::backups::{committed, request};
use super::local_storage::describe;
use crate::core::autosave::{Failure, Support, Target, TargetKind, FOLDER_FILE, SUGGESTED_NAME};

const DB: &str = "loupe-autosave";
const STORE: &str = "target";
const KEY: &str = "current";

fn get(obj: &JsValue, name: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn set(obj: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(name), value);
}

/// Call `obj.name(args…)` and await the promise it returns.
async fn call(obj: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = get(obj, name)
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{name} is not available")))?;
    let array: js_sys::Array = args.iter().collect();
    let returned = f.apply(obj, &array)?;
    match returned.dyn_into::<Promise>() {
        Ok(p) => JsFuture::from(p).await,
        Err(v) => Ok(v),
    }
}

fn failure(e: &JsValue) -> Failure {
    let name = get(e, "name").as_string().unwrap_or_default();
    let message = get(e, "message").as_string().unwrap_or_default();
    if name.is_empty() && message.is_empty() {
        Failure::Other(describe(e))
    } else {
        Failure::from_dom(&name, &message)
    }
}

fn is_abort(e: &JsValue) -> bool {
    get(e, "name").as_string().as_deref() == Some("AbortError")
}

/// Whether this page can autosave to disk.
pub fn support() -> Support {
    let Some(window) = web_sys::window() else {
        return Support::Absent;
    };
    let has = |name: &str| get(&window, name).is_function();
    let secure = get(&window, "isSecureContext").as_bool().unwrap_or(false);
    Support::detect(
        has("showSaveFilePicker"),
        has("showDirectoryPicker"),
        secure,
    )
}

/// A chosen file or folder.
#[derive(Clone)]
pub struct Handle {
    /// A `FileSystemFileHandle`, or a `FileSystemDirectoryHandle` for a folder.
    js: JsValue,
    pub target: Target,
}

fn readwrite() -> JsValue {
    let options = Object::new();
    set(&options, "mode", &"readwrite".into());
    options.into()
}

/// What the browser says about writing to a handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Granted,
    /// Asking needs a click (`requestPermission` in a user gesture).
    Prompt,
    Denied,
}

fn permission_of(v: Result<JsValue, JsValue>) -> Permission {
    match v.ok().and_then(|v| v.as_string()).as_deref() {
        Some("granted") => Permission::Granted,
        Some("prompt") => Permission::Prompt,
        _ => Permission::Denied,
    }
}

impl Handle {
    /// A handle from a `FileSystemFileHandle` (or, for a folder, a
    /// `FileSystemDirectoryHandle`) got any way, such as from the private file system.
    pub fn new(js: JsValue, kind: TargetKind) -> Self {
        let name = get(&js, "name").as_string().unwrap_or_default();
        Self {
            js,
            target: Target { name, kind },
        }
    }

    /// The permission as it stands, without asking.
    pub async fn permission(&self) -> Permission {
        if !get(&self.js, "queryPermission").is_function() {
            // Handles without the permission methods (older builds) work while the page lives.
            return Permission::Granted;
        }
        permission_of(call(&self.js, "queryPermission", &[readwrite()]).await)
    }

    /// Ask for permission to write. Must run in a click or key handler: the browser
    /// refuses it otherwise.
    pub async fn request(&self) -> Permission {
        if !get(&self.js, "requestPermission").is_function() {
            return Permission::Granted;
        }
        permission_of(call(&self.js, "requestPermission", &[readwrite()]).await)
    }

    async fn file(&self) -> Result<JsValue, JsValue> {
        match self.target.kind {
            TargetKind::File => Ok(self.js.clone()),
            TargetKind::Folder => {
                let options = Object::new();
                set(&options, "create", &JsValue::TRUE);
                call(
                    &self.js,
                    "getFileHandle",
                    &[FOLDER_FILE.into(), options.into()],
                )
                .await
            }
        }
    }

    /// Replace the file's content with `text`, whole or not at all.
    pub async fn write(&self, text: &str) -> Result<(), Failure> {
        let file = self.file().await.map_err(|e| failure(&e))?;
        let stream = call(&file, "createWritable", &[])
            .await
            .map_err(|e| failure(&e))?;
        let written = async {
            call(&stream, "write", &[text.into()]).await?;
            call(&stream, "close", &[]).await
        }
        .await;
        if let Err(e) = written {
            // Discard the swap file; the previous copy stays in place.
            let _ = call(&stream, "abort", &[]).await;
            return Err(failure(&e));
        }
        Ok(())
    }
}

fn picker_options(kind: TargetKind) -> JsValue {
    let options = Object::new();
    // The id makes the dialog reopen where the user chose last time.
    set(&options, "id", &"loupe-autosave".into());
    match kind {
        TargetKind::File => {
            set(&options, "suggestedName", &SUGGESTED_NAME.into());
            let accept = Object::new();
            set(
                &accept,
                "application/json",
                &js_sys::Array::of1(&".json".into()),
            );
            let json = Object::new();
            set(&json, "description", &"Loupe corpus (loupe/1 JSON)".into());
            set(&json, "accept", &accept);
            set(&options, "types", &js_sys::Array::of1(&json));
        }
        TargetKind::Folder => set(&options, "mode", &"readwrite".into()),
    }
    options.into()
}

/// Let the user choose a file (or a folder) to autosave to. `Ok(None)` when they cancel.
/// Must run in a click or key handler.
pub async fn pick(kind: TargetKind) -> Result<Option<Handle>, Failure> {
    let window: JsValue = web_sys::window()
        .ok_or_else(|| Failure::Other("no window".into()))?
        .into();
    let method = match kind {
        TargetKind::File => "showSaveFilePicker",
        TargetKind::Folder => "showDirectoryPicker",
    };
    match call(&window, method, &[picker_options(kind)]).await {
        Ok(js) => Ok(Some(Handle::new(js, kind))),
        Err(e) if is_abort(&e) => Ok(None),
        Err(e) => Err(failure(&e)),
    }
}

async fn database() -> Result<IdbDatabase, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let factory = window
        .indexed_db()?
        .ok_or_else(|| JsValue::from_str("IndexedDB is disabled"))?;
    let open: IdbOpenDbRequest = factory.open_with_u32(DB, 1)?;
    let upgrading = open.clone();
    let upgrade = wasm_bindgen::closure::Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result() {
            let db: IdbDatabase = db.unchecked_into();
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(request(&open).await?.unchecked_into())
}

/// Set while autosave is off. IndexedDB commits the handle's deletion some milliseconds
/// after "off" is shown; this mark is written at once (localStorage is synchronous), so a
/// reload in between cannot bring the forgotten file back. Outside `loupe/v1/`: it is no
/// part of the corpus, and never in a backup.
const OFF_KEY: &str = "loupe/autosave-off";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Mark autosave as turned off (or on again), synchronously.
pub fn mark_off(off: bool) {
    if let Some(s) = local_storage() {
        let _ = if off {
            s.set_item(OFF_KEY, "1")
        } else {
            s.remove_item(OFF_KEY)
        };
    }
}

fn marked_off() -> bool {
    local_storage().is_some_and(|s| s.get_item(OFF_KEY).ok().flatten().is_some())
}

/// Keep `handle` for the next visit (handles are structured-cloneable into IndexedDB).
pub async fn remember(handle: &Handle) -> Result<(), String> {
    let db = database().await.map_err(|e| describe(&e))?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(|e| describe(&e))?;
    let record = Object::new();
    set(&record, "handle", &handle.js);
    set(&record, "kind", &handle.target.kind.as_str().into());
    let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
    store
        .put_with_key(&record, &KEY.into())
        .map_err(|e| describe(&e))?;
    committed(&tx).await.map_err(|e| describe(&e))
}

/// Forget the kept handle: autosave was turned off.
pub async fn forget() -> Result<(), String> {
    let db = database().await.map_err(|e| describe(&e))?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(|e| describe(&e))?;
    let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
    store.delete(&KEY.into()).map_err(|e| describe(&e))?;
    committed(&tx).await.map_err(|e| describe(&e))
}

/// The handle kept by an earlier visit, if any (none once autosave was turned off).
pub async fn remembered() -> Option<Handle> {
    if marked_off() {
        return None;
    }
    let db = database().await.ok()?;
    let tx = db.transaction_with_str(STORE).ok()?;
    let req = tx.object_store(STORE).ok()?.get(&KEY.into()).ok()?;
    let record = request(&req).await.ok()?;
    if !record.is_object() {
        return None;
    }
    let kind = TargetKind::parse(&get(&record, "kind").as_string()?)?;
    let js = get(&record, "handle");
    js.is_object().then(|| Handle::new(js, kind))
}
