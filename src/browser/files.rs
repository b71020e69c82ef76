//! Reading files the user picked or dropped, one at a time, into documents.

use gloo::file::{futures::read_as_bytes, File};

use crate::browser::html::html_article;
use crate::core::import::{
    article, check_size, decode, documents_from_file, title_from_file_name, FileKind, ImportError,
};
use crate::core::model::Document;

/// Read one file into its documents; the error names the file and says why, for the
/// import summary. The size is checked before reading, so a huge file costs nothing.
pub async fn read_documents(file: web_sys::File) -> Result<Vec<Document>, ImportError> {
    let file = File::from(file);
    let name = file.name();
    let Some(kind) = FileKind::of(&name) else {
        return Err(ImportError::Unsupported { file: name });
    };
    check_size(&name, file.size())?;
    let unreadable = |why: String| ImportError::Unreadable {
        file: name.clone(),
        why,
    };
    let bytes = read_as_bytes(&file)
        .await
        .map_err(|e| unreadable(e.to_string()))?;
    if kind != FileKind::Html {
        return documents_from_file(&name, &bytes);
    }
    let html = decode(&name, &bytes)?;
    let (title, text) = html_article(&html).map_err(unreadable)?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty { file: name });
    }
    let title = title.unwrap_or_else(|| title_from_file_name(&name));
    Ok(vec![article(Some(&title), &text, None, None)])
}

/// The files of a `FileList`, which is not iterable from Rust.
pub fn files_of(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}
