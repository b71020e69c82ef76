//! The DOM boundary for offsets. The article renders every run of text as
//! `<span class="seg" data-s=S data-e=E>` holding one text node, inside paragraphs that
//! carry the same attributes. DOM points count UTF-16 units; this module turns them into
//! code points (and back) with the core's one conversion module.

use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

use crate::core::model::Span;
use crate::core::offsets::{cp_to_utf16, utf16_to_cp};

fn attr(el: &Element, name: &str) -> Option<usize> {
    el.get_attribute(name)?.parse().ok()
}

/// The first `data-s` at or inside `node`.
fn first_start(node: &Node) -> Option<usize> {
    let el = node.dyn_ref::<Element>()?;
    attr(el, "data-s").or_else(|| {
        el.query_selector("[data-s]")
            .ok()??
            .get_attribute("data-s")?
            .parse()
            .ok()
    })
}

/// The code point offset of the DOM boundary point `(node, offset)`, if it lies inside
/// rendered article text.
pub fn point_to_cp(node: &Node, offset: u32) -> Option<usize> {
    if node.node_type() == Node::TEXT_NODE {
        let seg = node.parent_element()?.closest("[data-s]").ok()??;
        let start = attr(&seg, "data-s")?;
        let text = node.text_content()?;
        return Some(start + utf16_to_cp(&text, offset as usize)?);
    }
    let el = node.dyn_ref::<Element>()?;
    let children = node.child_nodes();
    if offset < children.length() {
        let child = children.item(offset)?;
        if let Some(start) = first_start(&child) {
            return Some(start);
        }
    }
    // The point is after the last child: the end of this element's text.
    let owner = el.closest("[data-e]").ok()??;
    attr(&owner, "data-e")
}

/// The user's current selection as a code point range, or `None` when it is collapsed or
/// outside the article.
pub fn selection_span() -> Option<Span> {
    let selection = web_sys::window()?.get_selection().ok()??;
    if selection.is_collapsed() || selection.range_count() == 0 {
        return None;
    }
    let range = selection.get_range_at(0).ok()?;
    let start = point_to_cp(&range.start_container().ok()?, range.start_offset().ok()?)?;
    let end = point_to_cp(&range.end_container().ok()?, range.end_offset().ok()?)?;
    (start < end).then(|| Span::new(start, end))
}

/// The DOM point of code point `cp` inside `root` (the article element). Paragraphs are
/// found by binary search, so this stays fast on a 1 MB article.
pub fn cp_to_point(root: &Element, cp: usize) -> Option<(Node, u32)> {
    let paragraphs = super::paragraphs::Paragraphs::of(root);
    let (mut lo, mut hi) = (0, paragraphs.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let p = paragraphs.item(mid)?;
        if attr(&p, "data-e").unwrap_or(0) < cp {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let p = paragraphs.item(lo)?;
    let segs = p.query_selector_all(".seg").ok()?;
    for i in 0..segs.length() {
        let seg: Element = segs.item(i)?.dyn_into().ok()?;
        let (s, e) = (attr(&seg, "data-s")?, attr(&seg, "data-e")?);
        if s <= cp && cp <= e {
            let text_node = seg.first_child()?;
            let text = text_node.text_content()?;
            return Some((text_node, cp_to_utf16(&text, cp - s)? as u32));
        }
    }
    None
}

/// Show `span` as the browser's selection, so the user sees what snapping chose.
pub fn select_span(root: &Element, span: Span) -> Option<()> {
    let (start_node, start_offset) = cp_to_point(root, span.start)?;
    let (end_node, end_offset) = cp_to_point(root, span.end)?;
    let document = web_sys::window()?.document()?;
    let range = document.create_range().ok()?;
    range.set_start(&start_node, start_offset).ok()?;
    range.set_end(&end_node, end_offset).ok()?;
    let selection = web_sys::window()?.get_selection().ok()??;
    selection.remove_all_ranges().ok()?;
    selection.add_range(&range).ok()
}

pub fn clear_selection() {
    if let Some(Ok(Some(selection))) = web_sys::window().map(|w| w.get_selection()) {
        let _ = selection.remove_all_ranges();
    }
}
