//! The arcs layer in the page: each paragraph on screen (plus a margin) gets its arcs
//! drawn inside it, from [`crate::core::arcs`] and [`crate::core::render::arcs`]. The arcs
//! of every paragraph are kept between frames ([`ArcIndex`]); after an edit only the
//! paragraphs whose arcs changed, or whose text was drawn again, are redrawn, and
//! off-screen ones wait until they are seen. A scroll frame that brings no paragraph into
//! the margin costs one box read.

use crate::core::sort;
use std::collections::HashMap;
use std::ops::Range;

use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::browser::paragraphs::Paragraphs;
use crate::core::arcs::{layout, ArcIndex, ArcLayout, EndBox, ParaArc};
use crate::core::model::{Annotations, Span};
use crate::core::render::arcs::arcs_html;
use crate::core::render::article::SECTION;

/// The painter's memory: every paragraph's arcs, which paragraphs show them, and the
/// emphasis.
#[derive(Default)]
pub struct ArcsState {
    index: ArcIndex,
    /// Whether each paragraph shows its current arcs.
    drawn: Vec<bool>,
    /// The article's width the drawings are for: another width redraws them all.
    width: Option<f64>,
    /// The annotation whose arcs are lit, and whether the others fade.
    pub hot: Option<String>,
    pub focused: bool,
    /// The emphasis the drawn layers show.
    shown: Option<(Option<String>, bool)>,
    /// Segments marked as the far ends of the lit arcs.
    linked: Vec<Element>,
    /// Where the article's top was on screen, and the viewport's height, when the
    /// paragraphs on screen were last looked for; and what they were.
    looked: Option<(f64, f64)>,
    range: Range<usize>,
    /// Paragraphs whose text was drawn again with their old arcs kept (see [`carry_over`]),
    /// with the frame after which they are measured and drawn again.
    later: Vec<(usize, u64)>,
    /// Frames painted so far.
    frames: u64,
}

impl ArcsState {
    pub fn new(paragraphs: usize) -> Self {
        Self {
            drawn: vec![false; paragraphs],
            ..Self::default()
        }
    }

    /// The paragraphs found on screen (with the margin) when the arcs last looked, if they
    /// have looked: reading it forces no layout.
    pub fn seen(&self) -> Option<Range<usize>> {
        self.looked.map(|_| self.range.clone())
    }

    /// Look for the paragraphs on screen again, once the article has moved by a quarter
    /// of the viewport (or the viewport changed) since the last look; `top` is the
    /// article's top on screen.
    fn look(&mut self, root: &Element, top: f64, height: f64) {
        let moved = self
            .looked
            .is_none_or(|(t, h)| h != height || (t - top).abs() >= height / 4.0);
        if moved {
            self.range = visible(root, height);
            self.looked = Some((top, height));
        }
    }

    /// [`Self::seen`] kept up to date while the arcs are off (the article's suggestions
    /// are drawn on-screen first by it).
    pub fn follow(&mut self, root: &Element) {
        let height = viewport_height();
        if let Some((_, top, _, _)) = bounding(root) {
            self.look(root, top, height);
        }
    }

    /// The paragraph's text was drawn again, and its arcs layer with it.
    pub fn forget(&mut self, paragraph: usize) {
        if let Some(d) = self.drawn.get_mut(paragraph) {
            *d = false;
        }
    }

    /// The paragraph's text was drawn again, but its old arcs were carried over
    /// ([`carry_over`]): they are measured again in the next frame, not in this one, so
    /// that the frame showing the edit does not wait for them. An edit that changed the
    /// paragraph's arcs has them drawn in this frame all the same ([`ArcIndex::update`]).
    pub fn forget_after_this_frame(&mut self, paragraph: usize) {
        self.later.retain(|(p, _)| *p != paragraph);
        self.later.push((paragraph, self.frames));
    }
}

/// The window's inner height, in CSS pixels.
fn viewport_height() -> f64 {
    web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0)
}

fn rect_of(r: &web_sys::DomRect) -> (f64, f64, f64, f64) {
    (r.left(), r.top(), r.right(), r.bottom())
}

/// (left, top, right, bottom) of `getBoundingClientRect`.
pub fn bounding(el: &Element) -> Option<(f64, f64, f64, f64)> {
    Some(rect_of(&el.get_bounding_client_rect()))
}

/// The line boxes of an inline element.
fn line_boxes(el: &Element) -> Vec<(f64, f64, f64, f64)> {
    let rects = el.get_client_rects();
    (0..rects.length())
        .filter_map(|i| rects.item(i).as_ref().map(rect_of))
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
/// binary search over the sections' boxes, then over the paragraphs of the sections found,
/// so a 3,000-paragraph article costs a few reads per frame. Reading a paragraph's box in
/// a section the browser skips would lay that section out: only the sections in the
/// window are looked into.
pub fn visible(root: &Element, height: f64) -> Range<usize> {
    let paragraphs = Paragraphs::of(root);
    let n = paragraphs.len();
    let (top, bottom) = (-height / 2.0, height * 1.5);
    let section = |k: usize| paragraphs.section(k).as_ref().and_then(bounding);
    let sections = paragraphs.sections();
    let first = partition(sections, |k| section(k).is_some_and(|r| r.3 < top));
    let end = partition(sections, |k| section(k).is_some_and(|r| r.1 <= bottom));
    let (lo, hi) = ((first * SECTION).min(n), (end * SECTION).min(n));
    let rect = |i: usize| paragraphs.item(lo + i).as_ref().and_then(bounding);
    let first = lo + partition(hi - lo, |i| rect(i).is_some_and(|r| r.3 < top));
    let end = lo + partition(hi - lo, |i| rect(i).is_some_and(|r| r.1 <= bottom));
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
    boxes: Vec<EndBox>,
    /// The first segment of each box: the line's strut goes there.
    elements: Vec<Element>,
    /// The annotation of each box.
    ids: Vec<String>,
}

fn measure(p: &Element, index: usize, arcs: &[ParaArc<String>]) -> Option<Measured> {
    let (left, top, right, _) = bounding(p)?;
    let mut ends: Vec<String> = Vec::new();
    for a in arcs {
        for (here, id) in [(a.from_here, &a.from), (a.to_here, &a.to)] {
            if here && !ends.iter().any(|e| e == id) {
                ends.push(id.to_owned());
            }
        }
    }
    let mut boxes = Vec::new();
    let mut elements = Vec::new();
    let mut ids = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for id in &ends {
        if let Some((b, el)) = end_box(p, id, (left, top)) {
            at.insert(id.as_str(), boxes.len());
            boxes.push(b);
            elements.push(el);
            ids.push(id.clone());
        }
    }
    let layout = layout(arcs, &at, &boxes, right - left);
    Some(Measured {
        index,
        layout,
        boxes,
        elements,
        ids,
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
                let _ = el.remove_attribute("data-up-of");
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
            put_strut(el, &m.ids[b], &up);
            changed = true;
        }
    }
    changed
}

fn put_strut(el: &Element, id: &str, up: &str) {
    let _ = el.set_attribute("data-up", up);
    let _ = el.set_attribute("data-up-of", id);
    if let Some(s) = style_of(el) {
        let _ = s.set_property("--up", up);
    }
}

/// A paragraph's arcs as drawn: its layer and its struts (annotation, height).
pub struct Drawn {
    layer: Element,
    struts: Vec<(String, String)>,
}

/// Take the drawn arcs out of paragraph `p`, whose text is about to be drawn again.
pub fn take_drawn(p: &Element) -> Option<Drawn> {
    let layer = p.query_selector(":scope > .arcs").ok()??;
    let mut struts = Vec::new();
    if let Ok(list) = p.query_selector_all("[data-up-of]") {
        for k in 0..list.length() {
            let Some(el) = list.item(k).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            if let (Some(id), Some(up)) =
                (el.get_attribute("data-up-of"), el.get_attribute("data-up"))
            {
                struts.push((id, up));
            }
        }
    }
    layer.remove();
    Some(Drawn { layer, struts })
}

/// Put the arcs taken by [`take_drawn`] back into the paragraph's new text: the layer,
/// and each strut on its annotation's first segment, which is where measuring puts it.
/// All writes: the frame lays the paragraph out once, with its lines still open.
pub fn carry_over(p: &Element, drawn: Drawn) {
    for (id, up) in &drawn.struts {
        if let Ok(Some(el)) = p.query_selector(&id_selector(id)) {
            put_strut(&el, id, up);
        }
    }
    let _ = p.append_child(&drawn.layer);
}

fn remove_layer(p: &Element) {
    if let Ok(Some(old)) = p.query_selector(":scope > .arcs") {
        old.remove();
    }
}

/// Bring the arcs' index to `version` of `ann`, with `entity` linked up, and mark the
/// paragraphs whose arcs changed as not drawn. It reads no layout, so it runs before the
/// frame, after the edit's effects; [`paint`] then finds it done and only measures and
/// writes.
pub fn reindex(
    paragraphs: &[Span],
    ann: &Annotations,
    entity: Option<&str>,
    version: u64,
    state: &mut ArcsState,
) {
    if state.drawn.len() != paragraphs.len() {
        *state = ArcsState {
            hot: state.hot.take(),
            focused: state.focused,
            ..ArcsState::new(paragraphs.len())
        };
    }
    for i in state.index.update(paragraphs, ann, entity, version) {
        state.drawn[i] = false;
    }
}

/// Draw the arcs of the paragraphs on screen that do not show their current arcs, as
/// sorted by the last [`reindex`] (once per revision or linked entity, so a scroll never
/// sorts them). Which paragraphs are on screen is looked
/// up again only once the article has moved by a quarter of the viewport since the last
/// look: the paragraphs within half a viewport were drawn then, so nothing new can be on
/// screen before. All reads come before all writes, in two rounds: two layouts per frame,
/// however many paragraphs are drawn. At most [`PER_FRAME`] paragraphs with arcs are drawn
/// a frame; returns whether some wait for the next one (the caller asks for it).
pub fn paint(root: &Element, state: &mut ArcsState) -> bool {
    state.frames += 1;
    let frames = state.frames;
    let mut waiting = false;
    let later = std::mem::take(&mut state.later);
    for (i, since) in later {
        // Arcs that changed are drawn in this frame anyway.
        if !state.drawn.get(i).copied().unwrap_or(true) {
            continue;
        }
        if frames > since + 1 {
            if let Some(d) = state.drawn.get_mut(i) {
                *d = false;
            }
        } else {
            state.later.push((i, since));
            waiting = true;
        }
    }
    let height = viewport_height();
    let Some((left, top, right, _)) = bounding(root) else {
        return false;
    };
    let width = right - left;
    if state.width != Some(width) {
        state.width = Some(width);
        state.drawn.iter_mut().for_each(|d| *d = false);
        state.looked = None;
    }
    state.look(root, top, height);
    let children = Paragraphs::of(root);
    let mut todo: Vec<(usize, Element)> = state
        .range
        .clone()
        // A paragraph the index does not know yet (no reindex since the article's
        // paragraphs changed) is left for the frame after the next reindex.
        .filter(|&i| !state.drawn.get(i).copied().unwrap_or(true))
        .filter_map(|i| Some((i, children.item(i)?)))
        .collect();
    if todo.is_empty() {
        return waiting;
    }
    let more = keep_frame_budget(&mut todo, &state.index, height) || waiting;
    // Reads: every paragraph to draw is measured.
    let first: Vec<Measured> = todo
        .iter()
        .filter(|(i, _)| !state.index.arcs(*i).is_empty())
        .filter_map(|(i, p)| measure(p, *i, state.index.arcs(*i)))
        .collect();
    // Writes: the struts open the lines up; paragraphs without arcs lose theirs.
    let mut moved_lines = Vec::new();
    for (i, p) in &todo {
        if state.index.arcs(*i).is_empty() {
            remove_layer(p);
            set_struts(p, None);
            state.drawn[*i] = true;
        }
    }
    for (m, p) in first
        .iter()
        .filter_map(|m| Some((m, element(&todo, m.index)?)))
    {
        if set_struts(p, Some(m)) {
            moved_lines.push(m.index);
        }
    }
    // Reads again, where a strut moved the text; then the layers are written.
    let measured: Vec<Measured> = first
        .into_iter()
        .map(|m| match element(&todo, m.index) {
            Some(p) if moved_lines.contains(&m.index) => {
                measure(p, m.index, state.index.arcs(m.index)).unwrap_or(m)
            }
            _ => m,
        })
        .collect();
    let mut fresh = Vec::with_capacity(measured.len());
    for m in measured {
        let Some(p) = element(&todo, m.index) else {
            continue;
        };
        let html = arcs_html(
            state.index.arcs(m.index),
            &m.layout,
            state.hot.as_deref(),
            state.focused,
        );
        remove_layer(p);
        let _ = p.insert_adjacent_html("beforeend", &html);
        state.drawn[m.index] = true;
        fresh.push(m.index);
    }
    // New layers are drawn with the emphasis of the moment; their far ends get marked.
    if state.shown == Some((state.hot.clone(), state.focused)) {
        mark_far_ends(root, state, &fresh);
    }
    more
}

/// At most this many paragraphs with arcs are measured and drawn in one frame.
const PER_FRAME: usize = 3;

/// Keep in `todo` what one frame draws: every paragraph without arcs (cheap), and the
/// [`PER_FRAME`] paragraphs with arcs nearest the middle of the screen. A fast scroll thus
/// spreads the margin's drawing over the next frames instead of making one frame long.
/// Returns whether some were left for a later frame.
fn keep_frame_budget(todo: &mut Vec<(usize, Element)>, index: &ArcIndex, height: f64) -> bool {
    let with_arcs = todo
        .iter()
        .filter(|(i, _)| !index.arcs(*i).is_empty())
        .count();
    if with_arcs <= PER_FRAME {
        return false;
    }
    let middle = height / 2.0;
    let distance = |p: &Element| {
        bounding(p).map_or(f64::MAX, |(_, t, _, b)| {
            if t <= middle && middle <= b {
                0.0
            } else {
                (t - middle).abs().min((b - middle).abs())
            }
        })
    };
    let mut ranked: Vec<(f64, usize)> = todo
        .iter()
        .filter(|(i, _)| !index.arcs(*i).is_empty())
        .map(|(i, p)| (distance(p), *i))
        .collect();
    sort::sort_by(&mut ranked, |a, b| a.0.total_cmp(&b.0));
    let chosen: Vec<usize> = ranked.iter().take(PER_FRAME).map(|&(_, i)| i).collect();
    todo.retain(|(i, _)| index.arcs(*i).is_empty() || chosen.contains(i));
    true
}

fn element(todo: &[(usize, Element)], index: usize) -> Option<&Element> {
    todo.iter().find(|(i, _)| *i == index).map(|(_, p)| p)
}

/// Light up the arcs of `state.hot` in the drawn paragraphs on screen, mark the
/// annotations at their other ends, and fade the rest when `state.focused`. Nothing to do
/// while the emphasis stays what the layers show (a scroll, or an edit that kept it).
pub fn emphasise(root: &Element, state: &mut ArcsState) {
    let now = (state.hot.clone(), state.focused);
    if state.shown.as_ref() == Some(&now) {
        return;
    }
    state.shown = Some(now);
    for el in state.linked.drain(..) {
        let _ = el.class_list().remove_1("linked");
    }
    let children = Paragraphs::of(root);
    let hot = state.hot.clone();
    for i in state.range.clone() {
        let Some(p) = children.item(i) else {
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
        for k in 0..parts.length() {
            let Some(el) = parts.item(k).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let ends = el.get_attribute("data-ends").unwrap_or_default();
            let lit = hot
                .as_deref()
                .is_some_and(|h| ends.split(' ').any(|e| e == h));
            let _ = el.class_list().toggle_with_force("hot", lit);
        }
    }
    let range: Vec<usize> = state.range.clone().collect();
    mark_far_ends(root, state, &range);
}

/// Mark, in `paragraphs`, the annotations at the far ends of the lit arcs drawn there.
fn mark_far_ends(root: &Element, state: &mut ArcsState, paragraphs: &[usize]) {
    let Some(hot) = state.hot.clone() else {
        return;
    };
    let children = Paragraphs::of(root);
    for &i in paragraphs {
        let Some(p) = children.item(i) else {
            continue;
        };
        let mut far: Vec<&str> = state
            .index
            .arcs(i)
            .iter()
            .filter(|a| a.from == hot || a.to == hot || a.owner == hot)
            .flat_map(|a| [a.from.as_str(), a.to.as_str()])
            .filter(|e| *e != hot)
            .collect();
        far.sort_unstable();
        far.dedup();
        for id in far {
            if let Ok(list) = p.query_selector_all(&id_selector(id)) {
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
