//! Saving a file to the user's disk: a Blob behind a temporary object URL.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

pub use crate::core::file_name::sanitize_file_name;

/// Save text (UTF-8) under `file_name`.
pub fn download_text(file_name: &str, mime: &str, content: &str) -> Result<(), JsValue> {
    download_bytes(file_name, mime, content.as_bytes())
}

/// Save binary content, such as a `.zip`, under `file_name`: a Blob behind a temporary
/// object URL, clicked through an anchor with a sanitised `download` name.
pub fn download_bytes(file_name: &str, mime: &str, content: &[u8]) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(content));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let anchor: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(&sanitize_file_name(file_name));
    anchor.click();
    Url::revoke_object_url(&url)?;
    Ok(())
}
