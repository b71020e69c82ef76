//! Reading files the user picked.

use gloo::file::{futures::read_as_bytes, File};

/// A file the user picked, read as UTF-8 text.
pub struct PickedText {
    pub name: String,
    pub text: String,
}

/// Larger files would make the browser struggle before Loupe could help.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Read one file; the error says which file and why, for the import summary.
pub async fn read_text(file: web_sys::File) -> Result<PickedText, String> {
    let file = File::from(file);
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        return Err(format!(
            "{name}: over 20 MB, too large to annotate in the browser"
        ));
    }
    let bytes = read_as_bytes(&file)
        .await
        .map_err(|e| format!("{name}: could not be read ({e})"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name}: not UTF-8 text (invalid byte at position {}); save it as UTF-8 and try again",
            e.utf8_error().valid_up_to()
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
    if text.trim().is_empty() {
        return Err(format!("{name}: the file is empty"));
    }
    Ok(PickedText { name, text })
}
