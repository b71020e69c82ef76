//! W3C Web Annotation JSON-LD, read beside a fixed text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loupe::core::format::{import, Format, ImportOptions, InputFile};

const TEXT: &str = "🚀 Russian forces struck Kyiv and Odesa with 8,400 drones.\nMr Zelensky said North and South America help.";

fuzz_target!(|data: &[u8]| {
    let files = [
        InputFile::new("Strike-report.txt", TEXT),
        InputFile::new("Strike-report.jsonld", data),
    ];
    for strict in [false, true] {
        if let Ok(imported) = import(Format::W3c, &files, ImportOptions { strict }) {
            loupe_fuzz_check::documents(&imported.documents);
        }
    }
});

#[path = "check.rs"]
mod loupe_fuzz_check;
