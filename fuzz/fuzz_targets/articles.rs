//! The welcome screen's article files: the first byte picks the kind.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loupe::core::import::documents_from_file;

fuzz_target!(|data: &[u8]| {
    let Some((kind, body)) = data.split_first() else {
        return;
    };
    let name = ["a.txt", "a.md", "a.json", "a.jsonl"][usize::from(*kind) % 4];
    if let Ok(docs) = documents_from_file(name, body) {
        loupe_fuzz_check::documents(&docs);
    }
});

#[path = "check.rs"]
mod loupe_fuzz_check;
