//! `.zip` archives: as an import (any format may come zipped) and as dropped articles.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loupe::core::format::{archive, detect, import, Format, ImportOptions, InputFile};
use loupe::core::import::documents_from_zip;

fuzz_target!(|data: &[u8]| {
    let input = [InputFile::new("corpus.zip", data)];
    let _ = archive::read_zip(&input[0]);
    let _ = detect(&input);
    if let Ok(imported) = import(Format::Brat, &input, ImportOptions::default()) {
        loupe_fuzz_check::documents(&imported.documents);
    }
    if let Ok(contents) = documents_from_zip("corpus.zip", data, |_| Ok((None, "Page.".into()))) {
        loupe_fuzz_check::documents(&contents.documents);
    }
});

#[path = "check.rs"]
mod loupe_fuzz_check;
