//! Counts in words, singular or plural: “1 document”, “2 documents”, never “document(s)”.

/// `n` and `word`, with an `s` unless `n` is 1.
pub fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `one` when `n` is 1, else `many`: for the verb or pronoun that goes with a count.
pub fn agree<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "stored value"), "1 stored value");
        assert_eq!(count(0, "document"), "0 documents");
        assert_eq!(count(2, "annotation"), "2 annotations");
        assert_eq!(agree(1, "is", "are"), "is");
        assert_eq!(agree(3, "it", "them"), "them");
    }
}
