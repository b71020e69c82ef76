//! doccano JSONL.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loupe::core::format::{import, Format, ImportOptions, InputFile};

fuzz_target!(|data: &[u8]| {
    let files = [InputFile::new("corpus.jsonl", data)];
    for strict in [false, true] {
        if let Ok(imported) = import(Format::Doccano, &files, ImportOptions { strict }) {
            loupe_fuzz_check::documents(&imported.documents);
        }
    }
});

#[path = "check.rs"]
mod loupe_fuzz_check;
