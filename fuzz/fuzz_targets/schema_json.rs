//! A loupe schema `.json`: what it lets through must pass the schema's own validation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loupe::core::schema::Schema;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(schema) = Schema::from_json(text) {
            assert!(
                schema.validate().is_ok(),
                "from_json let an invalid schema through"
            );
        }
    }
});
