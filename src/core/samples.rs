//! The three sample articles on the welcome screen. Written for Loupe (not scraped), each
//! with the characters that trip up offset code: emoji, CJK, curly quotes, em dashes.

/// (title, text) of each sample. The text starts after the title line.
pub fn samples() -> Vec<(&'static str, &'static str)> {
    [
        include_str!("samples/harbour-drone-strike.txt"),
        include_str!("samples/tokyo-summit.txt"),
        include_str!("samples/court-ruling.txt"),
    ]
    .into_iter()
    .map(|raw| {
        let (title, body) = raw.split_once("\n\n").expect("a sample has a title line");
        (title, body.trim_end())
    })
    .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn three_samples_each_with_title_and_paragraphs() {
        let samples = super::samples();
        assert_eq!(samples.len(), 3);
        for (title, text) in samples {
            assert!(!title.is_empty());
            assert!(
                text.matches("\n\n").count() >= 2,
                "{title} needs a few paragraphs"
            );
        }
    }
}
