//! The arcs layer in the page: each paragraph on screen (plus a margin) gets its arcs
//! drawn inside it, from [`crate::core::arcs`] and [`crate::core::render::arcs`]. A drawn
//! paragraph keeps its drawing; after an edit only the paragraphs whose arcs changed, or
//! whose text was drawn again, are redrawn, and off-screen ones wait until they are seen.

use std::collections::HashMap;

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::core::arcs::{arcs_by_paragraph, layout, same_arcs, ArcLayout, EndBox, ParaArc};
use crate::core::model::{Annotations, Span};
use crate::core::render::arcs::arcs_html;

/// What one paragraph shows.
struct Drawn {
    arcs: Vec<ParaArc<String>>,
    width: f64,
}

/// The painter's memory: what each paragraph shows, and the emphasis.
#[derive(Default)]
pub struct ArcsState {
    drawn: Vec<Option<Drawn>>,
    /// The annotation whose arcs are lit, and whether the others fade.
    pub hot: Option<String>,
    pub focused: bool,
    /// Segments marked as the far ends of the lit arcs.
    linked: Vec<Element>,
    /// The document version and selected entity the drawings are of.
    seen: Option<(u64, Option<String>)>,
}

impl ArcsState {
    pub fn new(paragraphs: usize) -> Self {
        Self {
            drawn: (0..paragraphs).map(|_| None).collect(),
            ..Self::default()
        }
    }

    /// The paragraph's text was drawn again, and its arcs layer with it.
    pub fn forget(&mut self, paragraph: usize) {
        if let Some(d) = self.drawn.get_mut(paragraph) {
            *d = None;
        }
    }
}

/// (left, top, right, bottom) of `getBoundingClientRect`, read by name: the web-sys
/// `DomRect` binding is not built in.
fn rect_of(value: &wasm_bindgen::JsValue) -> Option<(f64, f64, f64, f64)> {
    let n = |k: &str| Reflect::get(value, &k.into()).ok()?.as_f64();
    Some((n("left")?, n("top")?, n("right")?, n("bottom")?))
}

fn call0(el: &Element, name: &str) -> Option<wasm_bindgen::JsValue> {
    Reflect::get(el, &name.into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call0(el)
        .ok()
}

pub fn bounding(el: &Element) -> Option<(f64, f64, f64, f64)> {
    rect_of(&call0(el, "getBoundingClientRect")?)
}

/// The line boxes of an inline element.
fn line_boxes(el: &Element) -> Vec<(f64, f64, f64, f64)> {
    let Some(rects) = call0(el, "getClientRects") else {
        return Vec::new();
    };
    let n = Reflect::get(&rects, &"length".into())
        .ok()
        .and_then(|l| l.as_f64())
        .unwrap_or(0.0) as u32;
    (0..n)
        .filter_map(|i| rect_of(&Reflect::get_u32(&rects, i).ok()?))
        .collect()
}

/// A CSS attribute selector for an id: ids are user data.
pub fn id_selector(id: &str) -> String {
    let id = id.replace('\\', "\\\\").replace('"', "\\\"");
    format!("[data-m~=\"{id}\"]")
}

/// The box of annotation `id` in paragraph `p`: its first line there, across all of its
/// segments on that line, relative to the paragraph's corner.
fn end_box(p: &Element, id: &str, origin: (f64, f64)) -> Option<(EndBox, Element)> {
    let list = p.query_selector_all(&id_selector(id)).ok()?;
    let mut found: Option<(EndBox, Element)> = None;
    for i in 0..list.length() {
        let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        for (l, t, r, b) in line_boxes(&el) {
            let (l, t, r, b) = (l - origin.0, t - origin.1, r - origin.0, b - origin.1);
            match &mut found {
                None => {
                    found = Some((
                        EndBox {
                            left: l,
                            right: r,
                            top: t,
                            bottom: b,
                        },
                        el.clone(),
                    ))
                }
                Some((f, _)) if (t - f.top).abs() < (b - t) / 2.0 => {
                    f.left = f.left.min(l);
                    f.right = f.right.max(r);
                }
                Some(_) => return found,
            }
        }
    }
    found
}

/// The paragraphs within the viewport, grown by half its height on each side: found by
/// binary search over the paragraphs' boxes, so a 3,000-paragraph article costs a few
/// reads per frame.
fn visible(root: &Element) -> std::ops::Range<usize> {
    let children = root.children();
    let n = children.length() as usize;
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0);
    let (top, bottom) = (-height / 2.0, height * 1.5);
    let rect = |i: usize| children.item(i as u32).as_ref().and_then(bounding);
    let first = partition(n, |i| rect(i).is_some_and(|r| r.3 < top));
    let end = partition(n, |i| rect(i).is_some_and(|r| r.1 <= bottom));
    first..end.max(first)
}

/// The first index in `0..n` where `before` turns false (it must be true, then false).
fn partition(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// One paragraph measured: its boxes and the layout they give.
struct Measured {
    index: usize,
    layout: ArcLayout,
    width: f64,
    boxes: Vec<EndBox>,
    /// The first segment of each box: the line's strut goes there.
    elements: Vec<Element>,
}

fn measure(p: &Element, index: usize, arcs: &[ParaArc<&str>]) -> Option<Measured> {
    let (left, top, right, _) = bounding(p)?;
    let mut ends: Vec<String> = Vec::new();
    for a in arcs {
        for (here, id) in [(a.from_here, a.from), (a.to_here, a.to)] {
            if here && !ends.iter().any(|e| e == id) {
                ends.push(id.to_owned());
            }
        }
    }
    let mut boxes = Vec::new();
    let mut elements = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for id in &ends {
        if let Some((b, el)) = end_box(p, id, (left, top)) {
            at.insert(id.as_str(), boxes.len());
            boxes.push(b);
            elements.push(el);
        }
    }
    let width = right - left;
    let layout = layout(arcs, &at, &boxes, width);
    Some(Measured {
        index,
        layout,
        width,
        boxes,
        elements,
    })
}

fn style_of(el: &Element) -> Option<web_sys::CssStyleDeclaration> {
    el.dyn_ref::<web_sys::HtmlElement>().map(|h| h.style())
}

/// Give each line with arcs the room its levels need, brat's way: every arc end carries
/// an invisible strut (CSS `::before`, `--up` tall) that makes its line box taller above
/// the text, so only the lines with arcs open up. Returns whether any strut changed.
fn set_struts(p: &Element, m: Option<&Measured>) -> bool {
    let mut changed = false;
    let keep: Vec<&Element> = m.map(|m| m.elements.iter().collect()).unwrap_or_default();
    if let Ok(old) = p.query_selector_all("[data-up]") {
        for k in 0..old.length() {
            let Some(el) = old.item(k).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            if !keep.contains(&&el) {
                let _ = el.remove_attribute("data-up");
                if let Some(s) = style_of(&el) {
                    let _ = s.remove_property("--up");
                }
                changed = true;
            }
        }
    }
    let Some(m) = m else {
        return changed;
    };
    for (b, el) in m.elements.iter().enumerate() {
        let height = m.boxes[b].bottom - m.boxes[b].top + m.layout.room_at(b);
        let up = format!("{height:.0}px");
        if el.get_attribute("data-up").as_deref() != Some(up.as_str()) {
            let _ = el.set_attribute("data-up", &up);
            if let Some(s) = style_of(el) {
                let _ = s.set_property("--up", &up);
            }
            changed = true;
        }
    }
    changed
}

fn remove_layer(p: &Element) {
    if let Ok(Some(old)) = p.query_selector(":scope > .arcs") {
        old.remove();
    }
}

/// Draw the arcs of the paragraphs on screen that do not show their current arcs.
/// `entity` is the selected entity, whose mentions are linked; `version` tells an edit
/// from a scroll: while it and the entity stay, only paragraphs not yet drawn (or drawn
/// at another width) are looked at, and a scroll frame that shows none costs a few reads.
pub fn paint(
    root: &Element,
    paragraphs: &[Span],
    ann: &Annotations,
    entity: Option<&str>,
    version: u64,
    state: &mut ArcsState,
) {
    let range = visible(root);
    if state.drawn.len() != paragraphs.len() {
        *state = ArcsState::new(paragraphs.len());
    }
    let children = root.children();
    let key = (version, entity.map(str::to_owned));
    if state.seen.as_ref() == Some(&key) {
        let stale = range.clone().any(|i| {
            let width = children.item(i as u32).map(|p| p.client_width() as f64);
            state.drawn[i].as_ref().map(|d| d.width) != width
        });
        if !stale {
            return;
        }
    }
    state.seen = Some(key);
    let by = arcs_by_paragraph(paragraphs, ann, entity);
    // Reads first, then writes, then reads again: two layouts, whatever the count.
    let mut todo = Vec::new();
    for i in range {
        let Some(p) = children.item(i as u32) else {
            continue;
        };
        let width = p.client_width() as f64;
        let current = state.drawn[i]
            .as_ref()
            .is_some_and(|d| d.width == width && same_arcs(&d.arcs, &by[i]));
        if !current {
            todo.push((i, p, width));
        }
    }
    // Paragraphs off screen whose arcs changed are drawn again once seen.
    for (i, d) in state.drawn.iter_mut().enumerate() {
        if d.as_ref().is_some_and(|d| !same_arcs(&d.arcs, &by[i])) {
            *d = None;
        }
    }
    let mut first = Vec::new();
    for (i, p, _) in &todo {
        if by[*i].is_empty() {
            continue;
        }
        if let Some(m) = measure(p, *i, &by[*i]) {
            first.push(m);
        }
    }
    for (i, p, width) in &todo {
        if by[*i].is_empty() {
            remove_layer(p);
            set_struts(p, None);
            state.drawn[*i] = Some(Drawn {
                arcs: Vec::new(),
                width: *width,
            });
        }
    }
    let mut moved = Vec::new();
    for m in &first {
        let Some(p) = children.item(m.index as u32) else {
            continue;
        };
        if set_struts(&p, Some(m)) {
            moved.push(m.index);
        }
    }
    for m in first {
        let i = m.index;
        let Some(p) = children.item(i as u32) else {
            continue;
        };
        let m = if moved.contains(&i) {
            measure(&p, i, &by[i]).unwrap_or(m)
        } else {
            m
        };
        let html = arcs_html(&by[i], &m.layout, state.hot.as_deref(), state.focused);
        remove_layer(&p);
        let _ = p.insert_adjacent_html("beforeend", &html);
        state.drawn[i] = Some(Drawn {
            arcs: by[i].iter().map(ParaArc::to_owned_arc).collect(),
            width: m.width,
        });
    }
}

/// Light up the arcs of `state.hot` in the drawn paragraphs on screen, mark the
/// annotations at their other ends, and fade the rest when `state.focused`.
pub fn emphasise(root: &Element, state: &mut ArcsState) {
    for el in state.linked.drain(..) {
        let _ = el.class_list().remove_1("linked");
    }
    let children = root.children();
    let hot = state.hot.clone();
    for i in visible(root) {
        let Some(p) = children.item(i as u32) else {
            continue;
        };
        let Ok(Some(layer)) = p.query_selector(":scope > .arcs") else {
            continue;
        };
        let _ = layer
            .class_list()
            .toggle_with_force("focused", state.focused);
        let Ok(parts) = layer.query_selector_all("[data-ends]") else {
            continue;
        };
        let mut far: Vec<String> = Vec::new();
        for k in 0..parts.length() {
            let Some(el) = parts.item(k).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let ends = el.get_attribute("data-ends").unwrap_or_default();
            let lit = hot
                .as_deref()
                .is_some_and(|h| ends.split(' ').any(|e| e == h));
            let _ = el.class_list().toggle_with_force("hot", lit);
            if lit {
                let h = hot.as_deref().unwrap_or_default();
                far.extend(
                    ends.split(' ')
                        .take(2)
                        .filter(|e| *e != h)
                        .map(str::to_owned),
                );
            }
        }
        far.sort();
        far.dedup();
        for id in far {
            if let Ok(list) = p.query_selector_all(&id_selector(&id)) {
                for k in 0..list.length() {
                    if let Some(el) = list.item(k).and_then(|n| n.dyn_into::<Element>().ok()) {
                        let _ = el.class_list().add_1("linked");
                        state.linked.push(el);
                    }
                }
            }
        }
    }
}
