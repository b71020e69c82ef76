//! The one pure rendering module: HTML, SVG and CSS class names built from the domain's
//! values and the core's pure layouts, one file per view. Domain modules never import it.

pub mod arcs;
pub mod article;
pub mod charts;
pub mod guidelines;
pub mod suggested;

/// Escape text for HTML (and SVG) content and attribute values: every piece of it is user
/// data.
pub fn escape_html_into(out: &mut String, text: &str) {
    // Bytes, and the runs between special characters copied whole: a search by char or a
    // push per character was a tenth of opening a 1 MB article. The five are ASCII, so
    // each is a char boundary.
    let mut from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..at]);
        out.push_str(entity);
        from = at + 1;
    }
    out.push_str(&text[from..]);
}

#[cfg(test)]
mod tests {
    use super::escape_html_into;

    #[test]
    fn escaping_replaces_each_special_character_and_keeps_the_rest() {
        let mut out = String::from("kept ");
        escape_html_into(&mut out, "Kyiv’s <b a=\"x\" c='y'> & 🚀&&");
        assert_eq!(
            out,
            "kept Kyiv’s &lt;b a=&quot;x&quot; c=&#39;y&#39;&gt; &amp; 🚀&amp;&amp;"
        );
        let mut plain = String::new();
        escape_html_into(&mut plain, "北京 — no specials");
        assert_eq!(plain, "北京 — no specials");
    }
}
