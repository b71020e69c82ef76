//! Names for the files Loupe downloads: safe on every OS, never empty, and never so long
//! that a file system refuses them. A long name is cut in its stem, so its extension
//! (`.loupe.json`, `.brat.zip`) survives and the file still opens in the right program.
//!
//! ```
//! use loupe::core::file_name::sanitize_file_name;
//! assert_eq!(sanitize_file_name("Strike: day 3?.conll"), "Strike_ day 3_.conll");
//! let long = format!("{}.loupe.json", "word ".repeat(40));
//! assert!(sanitize_file_name(&long).ends_with(".loupe.json"));
//! ```

/// Longest name, in characters, that Loupe gives a download.
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// Longest dot-separated part that counts as an extension (`json`, `loupe`, `jsonld`).
const MAX_EXTENSION_PART: usize = 10;

/// A file name safe on every OS: no path separators, control characters or characters
/// Windows forbids, no leading or trailing dots or spaces, at most
/// [`MAX_FILE_NAME_CHARS`] characters with its extension kept whole, and never empty.
pub fn sanitize_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('.');
    let (stem, extension) = split_extension(cleaned);
    let room = MAX_FILE_NAME_CHARS.saturating_sub(extension.chars().count());
    let stem: String = stem.chars().take(room).collect();
    let stem = stem.trim_end().trim_end_matches('.');
    if stem.trim().is_empty() {
        format!("loupe{extension}")
    } else {
        format!("{stem}{extension}")
    }
}

/// The name's extension, with its dot: up to two short alphanumeric parts at the end
/// (`.json`, `.loupe.json`), so a title with dots in it keeps them in the stem.
fn split_extension(name: &str) -> (&str, &str) {
    let is_part = |p: &str| {
        (1..=MAX_EXTENSION_PART).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())
    };
    let mut at = name.len();
    for _ in 0..2 {
        match name[..at].rfind('.') {
            Some(dot) if dot > 0 && is_part(&name[dot + 1..at]) => at = dot,
            _ => break,
        }
    }
    name.split_at(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bug 13: a long title made the download name lose its extension, because the name
    /// was cut to 120 characters after `.loupe.json` had been appended.
    #[test]
    fn a_long_title_keeps_its_extension_in_the_download_name() {
        let title = "Russia launches the largest drone attack of the war on Kyiv overnight, \
                     officials say, as air defences work for six hours";
        for ext in ["loupe.json", "brat.zip", "conll", "jsonld"] {
            let name = sanitize_file_name(&format!("{title}.{ext}"));
            assert!(name.ends_with(&format!(".{ext}")), "{name}");
            assert!(name.chars().count() <= MAX_FILE_NAME_CHARS, "{name}");
            assert!(name.starts_with("Russia launches"), "{name}");
        }
    }

    #[test]
    fn forbidden_characters_and_edges_are_cleaned() {
        assert_eq!(sanitize_file_name("a/b\\c:d.txt"), "a_b_c_d.txt");
        assert_eq!(sanitize_file_name("  ..report..  "), "report");
        assert_eq!(sanitize_file_name(""), "loupe");
        assert_eq!(sanitize_file_name(".loupe.json"), "loupe.json");
        assert_eq!(sanitize_file_name("???.json"), "___.json");
    }

    #[test]
    fn dots_in_a_title_stay_in_the_stem() {
        let name = sanitize_file_name(&format!("{} U.S. talks.loupe.json", "x".repeat(150)));
        assert!(name.ends_with(".loupe.json"), "{name}");
        assert_eq!(name.chars().count(), MAX_FILE_NAME_CHARS);
        assert_eq!(
            sanitize_file_name("Talks in the U.S. end.csv"),
            "Talks in the U.S. end.csv"
        );
    }

    #[test]
    fn a_name_that_is_only_an_extension_still_gets_a_stem() {
        assert_eq!(sanitize_file_name("  .csv"), "csv");
        assert_eq!(sanitize_file_name("*.csv"), "_.csv");
    }
}
