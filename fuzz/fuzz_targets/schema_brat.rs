//! brat's `annotation.conf`, `visual.conf` and `kb_shortcuts.conf`, split at NUL bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loupe::core::schema::Schema;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\0');
    let (annotation, visual, keys) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let _ = Schema::from_brat(annotation, visual, keys);
});
