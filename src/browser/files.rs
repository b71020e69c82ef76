//! Reading files the user picked or dropped, one at a time, into documents.

use gloo::file::{futures::read_as_bytes, File};

use crate::browser::html::html_article;
use crate::core::import::{
    article, check_size, decode, documents_from_file, title_from_file_name, FileError, FileKind,
    ImportError,
};
use crate::core::model::Document;

/// Read one file into its documents; the error names the file and says why, for the
/// import summary. The size is checked before reading, so a huge file costs nothing.
pub async fn read_documents(file: web_sys::File) -> Result<Vec<Document>, FileError> {
    let file = File::from(file);
    let name = file.name();
    let fail = |error| FileError {
        file: name.clone(),
        error,
    };
    let Some(kind) = FileKind::of(&name) else {
        return Err(fail(ImportError::Unsupported));
    };
    check_size(file.size()).map_err(fail)?;
    let bytes = read_as_bytes(&file)
        .await
        .map_err(|e| fail(ImportError::Unreadable(e.to_string())))?;
    if kind != FileKind::Html {
        return documents_from_file(&name, &bytes).map_err(fail);
    }
    let html = decode(&bytes).map_err(fail)?;
    let (title, text) = html_article(&html).map_err(|why| fail(ImportError::Unreadable(why)))?;
    if text.trim().is_empty() {
        return Err(fail(ImportError::Empty));
    }
    let title = title.unwrap_or_else(|| title_from_file_name(&name));
    Ok(vec![article(Some(&title), &text, None, None)])
}

/// The files of a `FileList`, which is not iterable from Rust.
pub fn files_of(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}
