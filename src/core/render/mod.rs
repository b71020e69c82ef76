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
    // The runs between special characters are copied whole: pushing a 1 MB article
    // character by character was a tenth of opening it.
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
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
