//! Plain text from an HTML page, read with the browser's own DOMParser, so scripts never
//! run and malformed markup is parsed as a browser would.

use wasm_bindgen::JsCast;
use web_sys::{DomParser, Element, Node, SupportedType};

use crate::core::import::collapse_whitespace;

/// Elements whose text is never article text.
const DROPPED: &str =
    "script, style, noscript, template, nav, [role=navigation], iframe, svg, head";

/// Elements that start a new paragraph.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "P" | "DIV"
            | "SECTION"
            | "ARTICLE"
            | "MAIN"
            | "HEADER"
            | "FOOTER"
            | "ASIDE"
            | "BLOCKQUOTE"
            | "PRE"
            | "UL"
            | "OL"
            | "LI"
            | "DL"
            | "DT"
            | "DD"
            | "TABLE"
            | "TR"
            | "FIGURE"
            | "FIGCAPTION"
            | "H1"
            | "H2"
            | "H3"
            | "H4"
            | "H5"
            | "H6"
            | "HR"
            | "BR"
            | "ADDRESS"
            | "BODY"
            | "FORM"
    )
}

struct Paragraphs {
    done: Vec<String>,
    current: String,
}

impl Paragraphs {
    fn flush(&mut self) {
        let p = collapse_whitespace(&self.current);
        if !p.is_empty() {
            self.done.push(p);
        }
        self.current.clear();
    }

    fn walk(&mut self, node: &Node) {
        if let Some(el) = node.dyn_ref::<Element>() {
            let block = is_block(&el.tag_name());
            if block {
                self.flush();
            }
            let children = node.child_nodes();
            for i in 0..children.length() {
                if let Some(child) = children.item(i) {
                    self.walk(&child);
                }
            }
            if block {
                self.flush();
            }
        } else if node.node_type() == Node::TEXT_NODE {
            if let Some(t) = node.text_content() {
                self.current.push_str(&t);
            }
        }
    }
}

/// The page's title (or first heading) and its text: block elements become paragraphs
/// separated by a blank line, and scripts, styles and navigation are dropped.
pub fn html_article(html: &str) -> Result<(Option<String>, String), String> {
    let parser = DomParser::new().map_err(|e| format!("{e:?}"))?;
    let doc = parser
        .parse_from_string(html, SupportedType::TextHtml)
        .map_err(|e| format!("{e:?}"))?;
    let title = Some(collapse_whitespace(&doc.title()))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            doc.query_selector("h1")
                .ok()
                .flatten()
                .and_then(|h| h.text_content())
                .map(|t| collapse_whitespace(&t))
                .filter(|t| !t.is_empty())
        });
    let dropped = doc
        .query_selector_all(DROPPED)
        .map_err(|e| format!("{e:?}"))?;
    for i in 0..dropped.length() {
        if let Some(node) = dropped.item(i) {
            if let Some(parent) = node.parent_node() {
                let _ = parent.remove_child(&node);
            }
        }
    }
    let mut paragraphs = Paragraphs {
        done: Vec::new(),
        current: String::new(),
    };
    if let Some(body) = doc.body() {
        paragraphs.walk(&body);
    }
    paragraphs.flush();
    Ok((title, paragraphs.done.join("\n\n")))
}
