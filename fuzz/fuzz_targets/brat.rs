//! brat standoff: the fuzzed bytes are the `.ann` file of a fixed text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loupe::core::format::{import, Format, ImportOptions, InputFile};

const TEXT: &str = "🚀 Russian forces struck Kyiv and Odesa with 8,400 drones.\nMr Zelensky said North and South America help.";

fuzz_target!(|data: &[u8]| {
    let files = [
        InputFile::new("doc.txt", TEXT),
        InputFile::new("doc.ann", data),
    ];
    for strict in [false, true] {
        if let Ok(imported) = import(Format::Brat, &files, ImportOptions { strict }) {
            loupe_fuzz_check::documents(&imported.documents);
        }
    }
});

#[path = "check.rs"]
mod loupe_fuzz_check;
