//! Which arcs the article draws, and where, as brat draws them: an arc from each event's
//! trigger to each argument, labelled with the role, and one for each relation, labelled
//! with its type, above the text, on stacked levels. Pure: the UI measures the boxes of
//! the annotations in one paragraph and this module decides every level, the room each
//! paragraph needs between its lines, and every line of every arc.
//!
//! Arcs are kept per paragraph, so the UI draws only the paragraphs on screen and, after
//! an edit, compares each paragraph's arcs with what it drew and redraws only those that
//! changed. An arc whose ends lie in two paragraphs is drawn in both, as two halves that
//! run to the edge of the text, the way brat routes an arc across lines.

use crate::core::sort;
use std::collections::HashMap;

use super::model::{Annotations, Span};

/// What an arc stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArcKind {
    /// From an event's trigger to one of its arguments.
    Argument,
    /// From a relation's first argument to its second.
    Relation,
    /// Between two mentions of the selected entity, in text order.
    Coref,
}

/// One arc as one paragraph draws it, borrowing its strings (`S = &str`) while the
/// article compares, or owning them (`S = String`) once drawn.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParaArc<S> {
    pub kind: ArcKind,
    /// The annotation the arc belongs to: the event, the relation, or the entity.
    pub owner: S,
    pub from: S,
    pub to: S,
    pub label: S,
    /// Which ends lie in this paragraph (at least one does).
    pub from_here: bool,
    pub to_here: bool,
    /// Whether `from` comes before `to` in the text: where a half arc runs to.
    pub forward: bool,
}

impl ParaArc<&str> {
    pub fn to_owned_arc(&self) -> ParaArc<String> {
        ParaArc {
            kind: self.kind,
            owner: self.owner.to_owned(),
            from: self.from.to_owned(),
            to: self.to.to_owned(),
            label: self.label.to_owned(),
            from_here: self.from_here,
            to_here: self.to_here,
            forward: self.forward,
        }
    }

    pub fn is(&self, drawn: &ParaArc<String>) -> bool {
        self.kind == drawn.kind
            && self.owner == drawn.owner
            && self.from == drawn.from
            && self.to == drawn.to
            && self.label == drawn.label
            && (self.from_here, self.to_here, self.forward)
                == (drawn.from_here, drawn.to_here, drawn.forward)
    }
}

/// Whether a paragraph's drawn arcs are exactly `new`.
pub fn same_arcs(drawn: &[ParaArc<String>], new: &[ParaArc<&str>]) -> bool {
    drawn.len() == new.len() && new.iter().zip(drawn).all(|(n, d)| n.is(d))
}

/// Where each annotation an arc can end at starts: its first fragment (a mention) or its
/// trigger (an event).
fn starts(ann: &Annotations) -> HashMap<&str, usize> {
    let first = |spans: &[Span]| spans.iter().map(|s| s.start).min();
    // Sized up front: growing a 12,000-entry map rehashed it a dozen times per call.
    let mut at = HashMap::with_capacity(ann.mentions.len() + ann.events.len());
    at.extend(
        ann.mentions
            .iter()
            .filter_map(|m| Some((m.id.as_str(), first(&m.fragments)?))),
    );
    at.extend(
        ann.events
            .iter()
            .filter_map(|e| Some((e.id.as_str(), first(&e.trigger)?))),
    );
    at
}

/// Every arc of the document, sorted into the paragraphs it is drawn in. `entity` is the
/// selected entity, whose mentions are linked in text order. An arc to an annotation that
/// does not exist (a dangling import) is not drawn; the validator reports it.
pub fn arcs_by_paragraph<'a>(
    paragraphs: &[Span],
    ann: &'a Annotations,
    entity: Option<&str>,
) -> Vec<Vec<ParaArc<&'a str>>> {
    let at = starts(ann);
    let mut out = vec![Vec::new(); paragraphs.len()];
    let para_of = |cp: usize| {
        let i = paragraphs.partition_point(|p| p.end <= cp);
        (i < paragraphs.len() && paragraphs[i].start <= cp).then_some(i)
    };
    let mut place = |kind: ArcKind, owner: &'a str, from: &'a str, to: &'a str, label: &'a str| {
        let (Some(&a), Some(&b)) = (at.get(from), at.get(to)) else {
            return;
        };
        let arc = |from_here, to_here| ParaArc {
            kind,
            owner,
            from,
            to,
            label,
            from_here,
            to_here,
            forward: a <= b,
        };
        match (para_of(a), para_of(b)) {
            (Some(pa), Some(pb)) if pa == pb => out[pa].push(arc(true, true)),
            (pa, pb) => {
                if let Some(pa) = pa {
                    out[pa].push(arc(true, false));
                }
                if let Some(pb) = pb {
                    out[pb].push(arc(false, true));
                }
            }
        }
    };
    for e in &ann.events {
        for a in &e.arguments {
            place(ArcKind::Argument, &e.id, &e.id, &a.target, &a.role);
        }
    }
    for r in &ann.relations {
        place(ArcKind::Relation, &r.id, &r.arg1, &r.arg2, &r.kind);
    }
    if let Some(entity) = entity.and_then(|id| ann.entity(id)) {
        let mut members: Vec<(usize, &'a str)> = ann
            .members(&entity.id)
            .map(|m| (m.start(), m.id.as_str()))
            .collect();
        members.sort_unstable();
        for pair in members.windows(2) {
            place(ArcKind::Coref, &entity.id, pair[0].1, pair[1].1, "");
        }
    }
    out
}

/// Every paragraph's arcs, kept between frames and edits. A scroll only reads them; a new
/// version of the annotations (an edit) or another selected entity sorts the arcs into
/// paragraphs once and replaces the lists of the paragraphs whose arcs changed, which it
/// names, so the article redraws those and no others.
#[derive(Debug, Default)]
pub struct ArcIndex {
    /// The annotations' version and the selected entity the lists are of.
    key: Option<(u64, Option<String>)>,
    by: Vec<Vec<ParaArc<String>>>,
}

impl ArcIndex {
    /// Bring the lists to `version` of `ann`, with `entity` selected. Returns the
    /// paragraphs whose arcs changed: every paragraph the first time (or when the
    /// paragraphs changed), none when neither the version nor the entity did.
    pub fn update(
        &mut self,
        paragraphs: &[Span],
        ann: &Annotations,
        entity: Option<&str>,
        version: u64,
    ) -> Vec<usize> {
        let key = (version, entity.map(str::to_owned));
        if self.key.as_ref() == Some(&key) && self.by.len() == paragraphs.len() {
            return Vec::new();
        }
        self.key = Some(key);
        let new = arcs_by_paragraph(paragraphs, ann, entity);
        let owned = |arcs: &[ParaArc<&str>]| arcs.iter().map(ParaArc::to_owned_arc).collect();
        if self.by.len() != new.len() {
            self.by = new.iter().map(|p| owned(p)).collect();
            return (0..new.len()).collect();
        }
        let mut changed = Vec::new();
        for (i, (old, new)) in self.by.iter_mut().zip(&new).enumerate() {
            if !same_arcs(old, new) {
                *old = owned(new);
                changed.push(i);
            }
        }
        changed
    }

    /// The arcs drawn in `paragraph`, as of the last [`ArcIndex::update`].
    pub fn arcs(&self, paragraph: usize) -> &[ParaArc<String>] {
        self.by.get(paragraph).map_or(&[], Vec::as_slice)
    }

    /// Forget everything: the next update names every paragraph.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

/// Whether annotation `id` has an arc: an event with arguments, an argument, a relation's
/// end, or a mention of an entity.
pub fn has_arcs(ann: &Annotations, id: &str) -> bool {
    ann.events.iter().any(|e| {
        (e.id == id && !e.arguments.is_empty()) || e.arguments.iter().any(|a| a.target == id)
    }) || ann
        .relations
        .iter()
        .any(|r| r.arg1 == id || r.arg2 == id || r.id == id)
        || ann.mention(id).is_some_and(|m| m.entity.is_some())
        || ann.entity(id).is_some()
}

/// The box of one arc end inside its paragraph, in pixels from the paragraph's corner:
/// the first line box of the annotation's first fragment there.
#[derive(Debug, Clone, PartialEq)]
pub struct EndBox {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl EndBox {
    fn centre(&self) -> f64 {
        (self.left + self.right) / 2.0
    }
}

/// The sizes the drawing is made of, in CSS pixels.
pub mod metrics {
    /// The band right above the text that holds the span type labels.
    pub const SPAN_LABEL: f64 = 12.0;
    /// One level of arcs: its label's height and some air.
    pub const LEVEL: f64 = 15.0;
    /// An arc label's width per character (10 px system-ui), plus its padding.
    pub const LABEL_CHAR: f64 = 6.0;
    pub const LABEL_PAD: f64 = 8.0;
    /// Room kept free between two arcs on one level.
    pub const GAP: f64 = 4.0;
    /// Levels beyond this share the top one: a line with twenty arcs stays readable
    /// enough and does not push its paragraph a page apart.
    pub const MAX_LEVELS: usize = 10;
    /// Each level of nested-span brackets under the text.
    pub const BRACKET: f64 = 4.0;
}

/// The width an arc label takes on screen.
pub fn label_width(label: &str) -> f64 {
    if label.is_empty() {
        0.0
    } else {
        label.chars().count() as f64 * metrics::LABEL_CHAR + metrics::LABEL_PAD
    }
}

/// A vertical stroke from an arc's level down to the annotation it joins.
#[derive(Debug, Clone, PartialEq)]
pub struct Drop {
    pub x: f64,
    /// Where the stroke ends: just above the span's type label.
    pub bottom: f64,
    /// Whether the arc points here (the arc's `to` end).
    pub arrow: bool,
}

/// One drawn piece of an arc: a horizontal run at its level, with the drops at the ends
/// that lie on this line. A half that runs to the edge of the text has one drop.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnArc {
    /// Index into the paragraph's arcs.
    pub arc: usize,
    pub level: usize,
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub drops: Vec<Drop>,
    /// The label's centre.
    pub label_x: f64,
}

/// A paragraph's arcs laid out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArcLayout {
    pub arcs: Vec<DrawnArc>,
    /// The most levels any line of the paragraph uses.
    pub levels: usize,
    /// Each measured box's line, lines numbered from the top.
    pub box_line: Vec<usize>,
    /// The levels each line uses: brat's rows, each as tall as its own arcs need.
    pub line_levels: Vec<usize>,
}

/// The room above a line of text with this many levels of arcs: the span labels' band
/// and the levels.
pub fn room(levels: usize) -> f64 {
    metrics::SPAN_LABEL + levels as f64 * metrics::LEVEL
}

impl ArcLayout {
    /// The room the most crowded line needs.
    pub fn room(&self) -> f64 {
        room(self.levels)
    }

    /// The room above the line box `b` is on.
    pub fn room_at(&self, b: usize) -> f64 {
        let line = self.box_line.get(b).copied().unwrap_or(0);
        room(self.line_levels.get(line).copied().unwrap_or(0))
    }
}

/// The lines of a paragraph, from its arc ends' boxes: boxes whose tops lie within half
/// a box height of each other are on one line. Returns each box's line, lines numbered
/// from the top, and each line's text top.
pub fn lines_of(boxes: &[EndBox]) -> (Vec<usize>, Vec<f64>) {
    let mut order: Vec<usize> = (0..boxes.len()).collect();
    sort::sort_by(&mut order, |&a, &b| boxes[a].top.total_cmp(&boxes[b].top));
    let mut line_of = vec![0; boxes.len()];
    let mut tops: Vec<f64> = Vec::new();
    for i in order {
        let b = &boxes[i];
        let tolerance = ((b.bottom - b.top) / 2.0).max(2.0);
        match tops.last_mut() {
            Some(top) if b.top - *top < tolerance => *top = top.min(b.top),
            _ => tops.push(b.top),
        }
        line_of[i] = tops.len() - 1;
    }
    (line_of, tops)
}

/// One run to place on one line, before levels are known.
struct Run {
    arc: usize,
    line: usize,
    x0: f64,
    x1: f64,
    /// The ends on this line: (box, whether the arc points at it).
    ends: Vec<(usize, bool)>,
}

/// Lay out a paragraph's arcs. `ends` maps an annotation id to its box, measured in the
/// paragraph; an arc whose end in this paragraph was not measured (its highlight is not
/// drawn) is left out. `width` is the paragraph's width: half arcs run to its edges.
///
/// Levels are brat's: on each line, shorter runs are placed first, each one level above
/// every run it overlaps (label included), so arcs that enclose others stack over them
/// and no label covers another.
pub fn layout<S: AsRef<str>>(
    arcs: &[ParaArc<S>],
    ends: &HashMap<&str, usize>,
    boxes: &[EndBox],
    width: f64,
) -> ArcLayout {
    let (line_of, tops) = lines_of(boxes);
    let mut runs = Vec::new();
    for (i, arc) in arcs.iter().enumerate() {
        let from = arc.from_here.then(|| ends.get(arc.from.as_ref()).copied());
        let to = arc.to_here.then(|| ends.get(arc.to.as_ref()).copied());
        let (from, to) = match (from, to) {
            (Some(None), _) | (_, Some(None)) => continue,
            (f, t) => (f.flatten(), t.flatten()),
        };
        runs.extend(runs_of(i, arc.forward, from, to, boxes, &line_of, width));
    }
    // Short runs first, so the enclosing ones go above them; ties in reading order.
    sort::sort_by(&mut runs, |a, b| {
        (a.x1 - a.x0)
            .total_cmp(&(b.x1 - b.x0))
            .then(a.line.cmp(&b.line))
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut placed: Vec<(usize, usize, f64, f64)> = Vec::new(); // line, level, from, to
    let mut out = Vec::with_capacity(runs.len());
    let mut levels = 0;
    let mut line_levels = vec![0; tops.len()];
    for run in runs {
        let label = label_width(arcs[run.arc].label.as_ref());
        let mid = (run.x0 + run.x1) / 2.0;
        let (a, b) = (
            run.x0.min(mid - label / 2.0) - metrics::GAP,
            run.x1.max(mid + label / 2.0) + metrics::GAP,
        );
        let level = placed
            .iter()
            .filter(|p| p.0 == run.line && p.2 < b && a < p.3)
            .map(|p| p.1 + 1)
            .max()
            .unwrap_or(0)
            .min(metrics::MAX_LEVELS - 1);
        placed.push((run.line, level, a, b));
        levels = levels.max(level + 1);
        line_levels[run.line] = line_levels[run.line].max(level + 1);
        let top = tops[run.line];
        let base = top - metrics::SPAN_LABEL;
        let y = base - (level as f64 + 0.5) * metrics::LEVEL;
        let drops = run
            .ends
            .iter()
            .map(|&(bx, arrow)| Drop {
                x: boxes[bx].centre(),
                bottom: boxes[bx].top - metrics::SPAN_LABEL,
                arrow,
            })
            .collect();
        out.push(DrawnArc {
            arc: run.arc,
            level,
            x0: run.x0,
            x1: run.x1,
            y,
            drops,
            label_x: mid,
        });
    }
    sort::sort_by_key(&mut out, |d| (d.arc, d.level));
    ArcLayout {
        arcs: out,
        levels,
        box_line: line_of,
        line_levels,
    }
}

/// The runs of one arc: one when both ends share a line, otherwise one on each end's
/// line, the earlier running to the right edge and the later from the left edge.
fn runs_of(
    arc: usize,
    forward: bool,
    from: Option<usize>,
    to: Option<usize>,
    boxes: &[EndBox],
    line_of: &[usize],
    width: f64,
) -> Vec<Run> {
    let x = |b: usize| boxes[b].centre();
    let run = |line, x0: f64, x1: f64, ends| Run {
        arc,
        line,
        x0: x0.min(x1),
        x1: x0.max(x1),
        ends,
    };
    match (from, to) {
        (Some(f), Some(t)) if line_of[f] == line_of[t] => {
            vec![run(line_of[f], x(f), x(t), vec![(f, false), (t, true)])]
        }
        (Some(f), Some(t)) => {
            // The end on the earlier line runs right, the later one comes in from the left.
            let (early, late) = if line_of[f] < line_of[t] {
                (f, t)
            } else {
                (t, f)
            };
            vec![
                run(line_of[early], x(early), width, vec![(early, early == t)]),
                run(line_of[late], 0.0, x(late), vec![(late, late == t)]),
            ]
        }
        // Half arcs: the other end is in another paragraph, before or after this one.
        (Some(f), None) => {
            let edge = if forward { width } else { 0.0 };
            vec![run(line_of[f], x(f), edge, vec![(f, false)])]
        }
        (None, Some(t)) => {
            let edge = if forward { 0.0 } else { width };
            vec![run(line_of[t], edge, x(t), vec![(t, true)])]
        }
        (None, None) => Vec::new(),
    }
}

/// How deep the brackets under a paragraph's text go: 1 + the deepest nesting of its
/// spans (a span inside another is drawn closer to the text).
pub fn bracket_levels(depths: impl IntoIterator<Item = usize>) -> usize {
    depths.into_iter().max().map_or(0, |d| d + 1)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::model::{Argument, Entity, Event, Mention, Relation};
    use std::collections::BTreeMap;

    fn ann() -> Annotations {
        // "Russian forces attacked the port of Odesa.\nKyiv said Moscow lied."
        let m = |id: &str, s, e| Mention::new(id, "X", vec![Span::new(s, e)], "");
        let mut a = Annotations {
            mentions: vec![
                m("T1", 0, 14),
                m("T2", 24, 41),
                m("T3", 36, 41),
                m("T4", 43, 47),
                m("T5", 53, 59),
            ],
            ..Default::default()
        };
        a.events.push(Event::new(
            "E1",
            "Attack",
            vec![Span::new(15, 23)],
            "attacked",
            vec![
                Argument {
                    role: "Attacker".into(),
                    target: "T1".into(),
                },
                Argument {
                    role: "Target".into(),
                    target: "T2".into(),
                },
                Argument {
                    role: "Place".into(),
                    target: "T5".into(),
                },
            ],
        ));
        a.relations.push(Relation {
            id: "R1".into(),
            kind: "PART-WHOLE".into(),
            arg1: "T3".into(),
            arg2: "T4".into(),
            attributes: BTreeMap::new(),
        });
        a
    }

    fn paras() -> Vec<Span> {
        vec![Span::new(0, 42), Span::new(43, 65)]
    }

    #[test]
    fn arcs_go_to_the_paragraphs_of_their_ends_and_cross_paragraphs_as_two_halves() {
        let a = ann();
        let by = arcs_by_paragraph(&paras(), &a, None);
        let labels = |p: usize| by[p].iter().map(|x| x.label).collect::<Vec<_>>();
        assert_eq!(labels(0), ["Attacker", "Target", "Place", "PART-WHOLE"]);
        assert_eq!(labels(1), ["Place", "PART-WHOLE"]);
        let place0 = &by[0][2];
        assert!(place0.from_here && !place0.to_here && place0.forward);
        let place1 = &by[1][0];
        assert!(!place1.from_here && place1.to_here && place1.forward);
        // Backward: Attacker runs from the trigger to an earlier mention.
        assert!(!by[0][0].forward);
    }

    #[test]
    fn a_dangling_argument_is_not_drawn_and_the_selected_entity_is_chained_in_text_order() {
        let mut a = ann();
        a.events[0].arguments.push(Argument {
            role: "Instrument".into(),
            target: "T99".into(),
        });
        a.entities.push(Entity {
            id: "C1".into(),
            name: "Odesa".into(),
            kind: "GPE".into(),
            normalization: None,
            attributes: BTreeMap::new(),
            note: None,
        });
        for id in ["T5", "T3", "T4"] {
            a.mentions.iter_mut().find(|m| m.id == id).unwrap().entity = Some("C1".into());
        }
        let by = arcs_by_paragraph(&paras(), &a, Some("C1"));
        assert!(by.iter().flatten().all(|x| x.label != "Instrument"));
        let chain: Vec<(&str, &str)> = by
            .iter()
            .flatten()
            .filter(|x| x.kind == ArcKind::Coref && x.from_here)
            .map(|x| (x.from, x.to))
            .collect();
        assert_eq!(chain, [("T3", "T4"), ("T4", "T5")]);
        assert!(arcs_by_paragraph(&paras(), &a, None)
            .iter()
            .flatten()
            .all(|x| x.kind != ArcKind::Coref));
    }

    #[test]
    fn has_arcs_knows_events_arguments_relations_and_entities() {
        let a = ann();
        for id in ["E1", "T1", "T2", "T5", "T3", "T4", "R1"] {
            assert!(has_arcs(&a, id), "{id}");
        }
        let mut b = a.clone();
        b.relations.clear();
        assert!(!has_arcs(&b, "T3") && !has_arcs(&b, "nothing"));
    }

    #[test]
    fn same_arcs_tells_any_change_apart() {
        let a = ann();
        let by = arcs_by_paragraph(&paras(), &a, None);
        let drawn: Vec<ParaArc<String>> = by[0].iter().map(ParaArc::to_owned_arc).collect();
        assert!(same_arcs(&drawn, &by[0]));
        let mut b = a.clone();
        b.events[0].arguments[0].role = "Agent".into();
        assert!(!same_arcs(
            &drawn,
            &arcs_by_paragraph(&paras(), &b, None)[0]
        ));
        let mut b = a.clone();
        b.relations.clear();
        assert!(!same_arcs(
            &drawn,
            &arcs_by_paragraph(&paras(), &b, None)[0]
        ));
        // An edit in the second paragraph's own arcs leaves the first one's alone.
        let mut b = a.clone();
        b.mentions[3].fragments = vec![Span::new(44, 47)];
        assert!(same_arcs(&drawn, &arcs_by_paragraph(&paras(), &b, None)[0]));
    }

    #[test]
    fn the_index_names_only_the_paragraphs_an_edit_changed_and_nothing_for_a_scroll() {
        let mut a = ann();
        let mut index = ArcIndex::default();
        assert_eq!(index.update(&paras(), &a, None, 1), [0, 1]);
        assert_eq!(index.arcs(1).len(), 2);
        // Same version and entity (a scroll frame): nothing to redraw.
        assert!(index.update(&paras(), &a, None, 1).is_empty());
        // A relation inside the first paragraph changes that paragraph only.
        a.relations.push(Relation {
            id: "R2".into(),
            kind: "PHYS".into(),
            arg1: "T1".into(),
            arg2: "T2".into(),
            attributes: BTreeMap::new(),
        });
        assert_eq!(index.update(&paras(), &a, None, 2), [0]);
        assert_eq!(index.arcs(0).last().unwrap().label, "PHYS");
        // An edit that moves no arc (a new version, same arcs) redraws nothing.
        a.mentions[0].kind = "PER".into();
        assert!(index.update(&paras(), &a, None, 3).is_empty());
        // The place arc crosses into the second paragraph: both of its halves change.
        a.events[0].arguments[2].role = "Destination".into();
        assert_eq!(index.update(&paras(), &a, None, 4), [0, 1]);
        // Whatever the updates, the lists are what a fresh sort gives.
        let fresh = arcs_by_paragraph(&paras(), &a, None);
        for (p, arcs) in fresh.iter().enumerate() {
            assert!(same_arcs(index.arcs(p), arcs), "paragraph {p}");
        }
        assert!(index.arcs(7).is_empty());
        index.clear();
        assert_eq!(index.update(&paras(), &a, None, 4), [0, 1]);
    }

    /// An end box 20 px high: the fixture of the arc layout and render tests.
    pub(crate) fn bx(left: f64, right: f64, top: f64) -> EndBox {
        EndBox {
            left,
            right,
            top,
            bottom: top + 20.0,
        }
    }

    /// An argument arc of E1 whose both ends are in the paragraph.
    pub(crate) fn arc<'a>(from: &'a str, to: &'a str, label: &'a str) -> ParaArc<&'a str> {
        ParaArc {
            kind: ArcKind::Argument,
            owner: "E1",
            from,
            to,
            label,
            from_here: true,
            to_here: true,
            forward: true,
        }
    }

    #[test]
    fn an_enclosing_arc_stacks_above_the_ones_inside_it_and_disjoint_ones_share_a_level() {
        // a b c d on one line; a→b and c→d are disjoint, a→d encloses both.
        let boxes = vec![
            bx(0.0, 40.0, 50.0),
            bx(100.0, 140.0, 50.0),
            bx(200.0, 240.0, 50.0),
            bx(300.0, 340.0, 50.0),
        ];
        let ends: HashMap<&str, usize> = [("a", 0), ("b", 1), ("c", 2), ("d", 3)].into();
        let arcs = [
            arc("a", "d", "Wide"),
            arc("a", "b", "Ab"),
            arc("c", "d", "Cd"),
        ];
        let l = layout(&arcs, &ends, &boxes, 600.0);
        let level = |i: usize| l.arcs.iter().find(|d| d.arc == i).unwrap().level;
        assert_eq!((level(0), level(1), level(2)), (1, 0, 0));
        assert_eq!(l.levels, 2);
        // Higher levels are higher on screen, all above the span label band.
        let y = |i: usize| l.arcs.iter().find(|d| d.arc == i).unwrap().y;
        assert!(y(0) < y(1));
        assert!(y(1) < 50.0 - metrics::SPAN_LABEL);
        assert_eq!(l.room(), metrics::SPAN_LABEL + 2.0 * metrics::LEVEL);
        // The arrow points at the `to` end, and each drop ends above its span's label.
        let ad = l.arcs.iter().find(|d| d.arc == 0).unwrap();
        assert_eq!(ad.drops.len(), 2);
        assert!(!ad.drops[0].arrow && ad.drops[1].arrow);
        assert_eq!(ad.drops[1].x, 320.0);
        assert_eq!(ad.drops[1].bottom, 50.0 - metrics::SPAN_LABEL);
    }

    #[test]
    fn labels_never_overlap_on_one_level() {
        // Two short arcs whose ends are close: their labels would collide side by side.
        let boxes = vec![bx(0.0, 10.0, 0.0), bx(12.0, 22.0, 0.0), bx(24.0, 34.0, 0.0)];
        let ends: HashMap<&str, usize> = [("a", 0), ("b", 1), ("c", 2)].into();
        let arcs = [arc("a", "b", "Attacker"), arc("b", "c", "Target")];
        let l = layout(&arcs, &ends, &boxes, 600.0);
        let spans: Vec<(usize, f64, f64)> = l
            .arcs
            .iter()
            .map(|d| {
                let w = label_width(arcs[d.arc].label);
                (d.level, d.label_x - w / 2.0, d.label_x + w / 2.0)
            })
            .collect();
        for (i, a) in spans.iter().enumerate() {
            for b in &spans[i + 1..] {
                assert!(a.0 != b.0 || a.2 <= b.1 || b.2 <= a.1, "{spans:?}");
            }
        }
    }

    #[test]
    fn an_arc_across_lines_runs_to_the_right_edge_and_comes_back_from_the_left() {
        let boxes = vec![bx(400.0, 440.0, 10.0), bx(20.0, 60.0, 60.0)];
        let ends: HashMap<&str, usize> = [("a", 0), ("b", 1)].into();
        let l = layout(&[arc("a", "b", "Place")], &ends, &boxes, 500.0);
        assert_eq!(l.arcs.len(), 2);
        let (first, second) = (&l.arcs[0], &l.arcs[1]);
        let (upper, lower) = if first.y < second.y {
            (first, second)
        } else {
            (second, first)
        };
        assert_eq!((upper.x0, upper.x1), (420.0, 500.0));
        assert!(!upper.drops[0].arrow);
        assert_eq!((lower.x0, lower.x1), (0.0, 40.0));
        assert!(lower.drops[0].arrow);
        // The two halves are drawn on their own lines' levels.
        assert!(upper.y < 10.0 && lower.y < 60.0 && lower.y > 10.0);
    }

    #[test]
    fn each_line_needs_only_the_room_of_its_own_arcs() {
        // Line one: a→b under a→c (two levels); line two: d→e (one level).
        let boxes = vec![
            bx(0.0, 10.0, 0.0),
            bx(50.0, 60.0, 0.0),
            bx(100.0, 110.0, 0.0),
            bx(0.0, 10.0, 80.0),
            bx(50.0, 60.0, 80.0),
        ];
        let ends: HashMap<&str, usize> = [("a", 0), ("b", 1), ("c", 2), ("d", 3), ("e", 4)].into();
        let arcs = [arc("a", "b", "X"), arc("a", "c", "Y"), arc("d", "e", "Z")];
        let l = layout(&arcs, &ends, &boxes, 500.0);
        assert_eq!(l.line_levels, [2, 1]);
        assert_eq!(l.box_line, [0, 0, 0, 1, 1]);
        assert_eq!(l.room_at(0), room(2));
        assert_eq!(l.room_at(4), room(1));
        assert_eq!(l.room(), room(2));
    }

    #[test]
    fn half_arcs_run_towards_the_paragraph_of_their_other_end() {
        let boxes = vec![bx(100.0, 140.0, 10.0)];
        let ends: HashMap<&str, usize> = [("a", 0)].into();
        let mut out = arc("a", "z", "Place");
        out.to_here = false;
        let l = layout(&[out.clone()], &ends, &boxes, 500.0);
        assert_eq!((l.arcs[0].x0, l.arcs[0].x1), (120.0, 500.0));
        out.forward = false;
        let l = layout(&[out], &ends, &boxes, 500.0);
        assert_eq!((l.arcs[0].x0, l.arcs[0].x1), (0.0, 120.0));
        // The arriving half of a forward arc comes in from the left, with the arrow.
        let mut incoming = arc("z", "a", "Place");
        incoming.from_here = false;
        let l = layout(&[incoming], &ends, &boxes, 500.0);
        assert_eq!((l.arcs[0].x0, l.arcs[0].x1), (0.0, 120.0));
        assert!(l.arcs[0].drops[0].arrow);
    }

    #[test]
    fn an_arc_whose_end_was_not_measured_is_left_out() {
        let boxes = vec![bx(0.0, 10.0, 0.0)];
        let ends: HashMap<&str, usize> = [("a", 0)].into();
        let l = layout(&[arc("a", "gone", "X")], &ends, &boxes, 100.0);
        assert!(l.arcs.is_empty());
        assert_eq!(l.levels, 0);
    }

    #[test]
    fn levels_are_capped_so_a_crowded_line_stays_on_screen() {
        let boxes: Vec<EndBox> = (0..30).map(|i| bx(i as f64, i as f64 + 1.0, 0.0)).collect();
        let names: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
        let ends: HashMap<&str, usize> = names.iter().map(String::as_str).zip(0..).collect();
        let arcs: Vec<ParaArc<&str>> = (1..30).map(|i| arc("m0", &names[i], "R")).collect();
        let l = layout(&arcs, &ends, &boxes, 100.0);
        assert_eq!(l.levels, metrics::MAX_LEVELS);
    }

    #[test]
    fn lines_are_told_apart_by_the_tops_of_their_boxes() {
        let boxes = vec![bx(0.0, 1.0, 40.0), bx(0.0, 1.0, 2.0), bx(5.0, 6.0, 41.0)];
        let (line_of, tops) = lines_of(&boxes);
        assert_eq!(line_of, [1, 0, 1]);
        assert_eq!(tops, [2.0, 40.0]);
    }

    // proptest is a native dev-dependency: the wasm32 test build leaves this out.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use crate::core::edit::properties::{op, to_edit, Op, TEXT};
        use crate::core::edit::{Edit, History};
        use proptest::prelude::*;

        /// The lines of the edits' text, as code point spans: its paragraphs.
        fn lines() -> Vec<Span> {
            let mut out = Vec::new();
            let mut start = 0;
            for line in TEXT.split('\n') {
                let len = line.chars().count();
                let body = line.strip_suffix('\r').unwrap_or(line).chars().count();
                if body > 0 {
                    out.push(Span::new(start, start + body));
                }
                start += len + 1;
            }
            out
        }

        proptest! {
            /// An edit that says it keeps the arcs ([`Edit::keeps_arcs`]) leaves every
            /// paragraph's arcs, whichever entity is selected, applied or undone.
            #[test]
            fn edits_that_keep_the_arcs_leave_every_arc(ops in prop::collection::vec(op(), 0..60)) {
                let paras = lines();
                let arcs = |ann: &Annotations| {
                    let entities = std::iter::once(None).chain(ann.entities.iter().map(|e| Some(e.id.clone())));
                    entities
                        .map(|e| format!("{:?}", arcs_by_paragraph(&paras, ann, e.as_deref())))
                        .collect::<Vec<_>>()
                };
                let (mut ann, mut history) = (Annotations::default(), History::default());
                for op in ops {
                    let Op::Edit(k, a, b, c) = op else { continue };
                    let edit: Edit = to_edit(&ann, k, a, b, c);
                    let keeps = edit.keeps_arcs();
                    let before = arcs(&ann);
                    if history.apply(&mut ann, TEXT, edit).is_ok() && keeps {
                        prop_assert_eq!(&arcs(&ann), &before);
                        prop_assert!(history.undo(&mut ann, TEXT).unwrap());
                        prop_assert_eq!(&arcs(&ann), &before);
                        prop_assert!(history.redo(&mut ann, TEXT).unwrap());
                    }
                }
            }
        }
    }
}
