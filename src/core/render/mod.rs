//! The one place that writes presentation: HTML, SVG and CSS class names, from the core's
//! pure layouts. Each view has its own file; the domain modules know nothing of markup.

pub mod arcs;
pub mod article;

/// Escape text for HTML content and attribute values: every piece of it is user data.
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
