//! loupe/1 JSON, through the format reader and through the import.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loupe::core::format::{import, loupe as loupe_format, Format, ImportOptions, InputFile};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(file) = loupe_format::from_json(text) {
            loupe_fuzz_check::documents(&file.documents);
        }
    }
    if let Ok(imported) = import(
        Format::Loupe,
        &[InputFile::new("corpus.json", data)],
        ImportOptions::default(),
    ) {
        loupe_fuzz_check::documents(&imported.documents);
    }
});

#[path = "check.rs"]
mod loupe_fuzz_check;
