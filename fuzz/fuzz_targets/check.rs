//! What every target asserts of a result: the importers promise that each annotation lies
//! in its text and each reference resolves, and `validate` checks that independently.
use loupe::core::model::Document;
use loupe::core::validate::validate;

#[allow(dead_code)]
pub fn documents(documents: &[Document]) {
    for doc in documents {
        let report = validate(&doc.text, &doc.annotations, None);
        let errors: Vec<&str> = report.errors().map(|i| i.message.as_str()).collect();
        assert!(
            errors.is_empty(),
            "an import returned invalid annotations: {errors:?}"
        );
    }
}
