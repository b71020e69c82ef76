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
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}
