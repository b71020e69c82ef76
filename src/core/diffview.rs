//! The diff of two annotators laid over the text, for the side-by-side and interleaved
//! views: each annotation becomes a [`Mark`] styled by its [`DiffKind`], and the text is
//! cut into [`Piece`]s at every mark boundary so that each piece is covered by a fixed set
//! of marks. Offsets are code points throughout; the UI renders the pieces' text itself,
//! so no UTF-16 offset is needed.
//!
//! **Loupe:** relations and coreference clusters have no span of their own, so they get no
//! mark in the text; they are still disagreements to step through, shown beside the text
//! by the UI in the words of [`describe`].

use super::adjudication::{DiffItem, DiffKind, Layer, Side};
use super::model::{Annotations, Span};
use super::offsets::{cp_len, slice_cp, utf16_to_cp};
use crate::core::sort;

impl DiffKind {
    /// Words for the kind, shown beside each mark and in the legend, so that the styles
    /// never rely on colour alone.
    pub fn label(self) -> &'static str {
        match self {
            DiffKind::Match => "match",
            DiffKind::TypeDisagreement => "type differs",
            DiffKind::SpanDisagreement => "span differs",
            DiffKind::ArgumentDisagreement => "arguments differ",
            DiffKind::MembersDisagreement => "members differ",
            DiffKind::OnlyA => "only A",
            DiffKind::OnlyB => "only B",
        }
    }

    /// The CSS class suffix of the kind's style.
    pub fn class(self) -> &'static str {
        match self {
            DiffKind::Match => "match",
            DiffKind::TypeDisagreement => "type",
            DiffKind::SpanDisagreement => "span",
            DiffKind::ArgumentDisagreement => "args",
            DiffKind::MembersDisagreement => "members",
            DiffKind::OnlyA | DiffKind::OnlyB => "only",
        }
    }
}

impl Side {
    pub fn letter(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }
}

/// One side's annotation of one diff item, over the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The index of its item in the diff.
    pub item: usize,
    pub side: Side,
    pub kind: DiffKind,
    pub layer: Layer,
    /// The annotation's type.
    pub label: String,
    /// Sorted, non-empty and inside the text.
    pub spans: Vec<Span>,
}

impl Mark {
    pub fn end(&self) -> usize {
        self.spans.iter().map(|s| s.end).max().unwrap_or(0)
    }

    /// The tag shown after the mark: side, type and kind, such as `B: LOC · type differs`.
    pub fn tag(&self) -> String {
        format!(
            "{}: {} · {}",
            self.side.letter(),
            self.label,
            self.kind.label()
        )
    }
}

/// A stretch of text covered by the same marks everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Indices into the marks, in mark order.
    pub marks: Vec<usize>,
}

/// The marks of the given sides (both for the interleaved view, one for a column), in
/// item order. Spans outside `text_len` are left out, so damaged input cannot break the
/// layout.
pub fn marks(
    a: &Annotations,
    b: &Annotations,
    items: &[DiffItem],
    sides: &[Side],
    text_len: usize,
) -> Vec<Mark> {
    let mut out = Vec::new();
    for (n, it) in items.iter().enumerate() {
        for &side in sides {
            let (ann, id) = match side {
                Side::A => (a, &it.a),
                Side::B => (b, &it.b),
            };
            let Some(id) = id else { continue };
            let (label, spans) = match it.layer {
                Layer::Mention => match ann.mention(id) {
                    Some(m) => (m.kind.clone(), m.fragments.clone()),
                    None => continue,
                },
                Layer::Event => match ann.event(id) {
                    Some(e) => (e.kind.clone(), e.trigger.clone()),
                    None => continue,
                },
                Layer::Relation | Layer::Cluster => continue,
            };
            let mut spans: Vec<Span> = spans
                .into_iter()
                .filter(|s| s.start < s.end && s.end <= text_len)
                .collect();
            sort::sort(&mut spans);
            if spans.is_empty() {
                continue;
            }
            out.push(Mark {
                item: n,
                side,
                kind: it.kind,
                layer: it.layer,
                label,
                spans,
            });
        }
    }
    out
}

/// Cut the whole text into pieces at every mark boundary; the pieces cover the text in
/// order, and each lists the marks over it.
pub fn pieces(text: &str, marks: &[Mark]) -> Vec<Piece> {
    let len = cp_len(text);
    let mut cuts: Vec<usize> = vec![0, len];
    for m in marks {
        for s in &m.spans {
            cuts.push(s.start.min(len));
            cuts.push(s.end.min(len));
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let (start, end) = (w[0], w[1]);
            let over = marks
                .iter()
                .enumerate()
                .filter(|(_, m)| m.spans.iter().any(|s| s.start <= start && end <= s.end))
                .map(|(i, _)| i)
                .collect();
            Piece {
                start,
                end,
                text: slice_cp(text, start, end).unwrap_or_default().to_owned(),
                marks: over,
            }
        })
        .collect()
}

/// The CSS classes of a piece: one `side-kind` class per distinct style over it (A's
/// marks underline the text, B's overline it), and `current` when the current item's mark
/// is among them.
pub fn piece_classes(piece: &Piece, marks: &[Mark], current: Option<usize>) -> String {
    let mut classes: Vec<String> = Vec::new();
    for &i in &piece.marks {
        let m = &marks[i];
        let c = format!(
            "d-{}-{}",
            m.side.letter().to_ascii_lowercase(),
            m.kind.class()
        );
        if !classes.contains(&c) {
            classes.push(c);
        }
    }
    if current.is_some_and(|c| piece.marks.iter().any(|&i| marks[i].item == c)) {
        classes.push("current".into());
    }
    classes.join(" ")
}

/// The code point in the whole text of a DOM selection point inside a piece: the piece
/// starts at `piece_start`, its text node holds `piece_text`, and the browser counts
/// `utf16` units into it. The only UTF-16 offset the diff ever meets is converted here.
/// A point between the halves of a surrogate pair rounds down to the character's start;
/// `None` past the end of the piece.
pub fn selection_point(piece_start: usize, piece_text: &str, utf16: usize) -> Option<usize> {
    utf16_to_cp(piece_text, utf16).map(|cp| piece_start + cp)
}

/// One side's annotation of a diff item in words, by its text and never by ids: a mention's
/// type, text and span; an event's type, trigger and each argument's role and target text;
/// a relation's type and its ends' texts; a cluster's type, name and members. "—" when the
/// side has nothing here.
pub fn describe(ann: &Annotations, layer: Layer, id: Option<&str>) -> String {
    let Some(id) = id else {
        return "—".to_owned();
    };
    let text = |target: &str| {
        ann.mention(target)
            .map(|m| format!("“{}”", m.text))
            .or_else(|| {
                ann.event(target)
                    .map(|e| format!("the event “{}”", e.trigger_text))
            })
            .unwrap_or_else(|| format!("a missing annotation ({target})"))
    };
    let found = match layer {
        Layer::Mention => ann
            .mention(id)
            .map(|m| format!("{} “{}” [{}, {})", m.kind, m.text, m.start(), m.end())),
        Layer::Event => ann.event(id).map(|e| {
            let args: Vec<String> = e
                .arguments
                .iter()
                .map(|a| format!("{} {}", a.role, text(&a.target)))
                .collect();
            if args.is_empty() {
                format!("{} “{}”, no arguments", e.kind, e.trigger_text)
            } else {
                format!("{} “{}”: {}", e.kind, e.trigger_text, args.join(", "))
            }
        }),
        Layer::Relation => ann
            .relation(id)
            .map(|r| format!("{} {} → {}", r.kind, text(&r.arg1), text(&r.arg2))),
        Layer::Cluster => ann.entity(id).map(|e| {
            let members: Vec<String> = ann.members(id).map(|m| format!("“{}”", m.text)).collect();
            format!(
                "{} cluster “{}” of {}: {}",
                e.kind,
                e.name,
                members.len(),
                if members.is_empty() {
                    "no members".to_owned()
                } else {
                    members.join(", ")
                }
            )
        }),
    };
    found.unwrap_or_else(|| format!("a missing annotation ({id})"))
}

/// The indices of the items that are disagreements, in order: what the user steps through.
pub fn disagreements(items: &[DiffItem]) -> Vec<usize> {
    items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.is_disagreement())
        .map(|(i, _)| i)
        .collect()
}

/// The next (or previous) position among `count` disagreements, wrapping around; the first
/// (or last) when none is current. `None` when there are none.
pub fn step(current: Option<usize>, count: usize, forward: bool) -> Option<usize> {
    if count == 0 {
        return None;
    }
    Some(match (current.filter(|&c| c < count), forward) {
        (None, true) => 0,
        (None, false) => count - 1,
        (Some(c), true) => (c + 1) % count,
        (Some(c), false) => (c + count - 1) % count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::adjudication::diff;
    use crate::core::format::loupe::from_json;
    use crate::core::model::Document;

    fn load(json: &str) -> Document {
        from_json(json).unwrap().documents.remove(0)
    }

    fn fixture() -> (Document, Document) {
        (
            load(include_str!("../../tests/fixtures/agreement/a.json")),
            load(include_str!("../../tests/fixtures/agreement/b.json")),
        )
    }

    /// The fixture's diff, and its marks with both sides shown.
    fn both_sides_marked() -> (Document, Vec<DiffItem>, Vec<Mark>) {
        let (a, b) = fixture();
        let items = diff(&a.annotations, &b.annotations);
        let len = cp_len(&a.text);
        let ms = marks(
            &a.annotations,
            &b.annotations,
            &items,
            &[Side::A, Side::B],
            len,
        );
        (a, items, ms)
    }

    #[test]
    fn each_side_marks_its_mentions_and_triggers_but_no_relation() {
        let (a, b) = fixture();
        let items = diff(&a.annotations, &b.annotations);
        let len = cp_len(&a.text);
        let only_a = marks(&a.annotations, &b.annotations, &items, &[Side::A], len);
        // 8 mentions and 2 event triggers; the relation has no span of its own.
        assert_eq!(only_a.len(), 10);
        assert!(only_a.iter().all(|m| m.side == Side::A));
        let both = marks(
            &a.annotations,
            &b.annotations,
            &items,
            &[Side::A, Side::B],
            len,
        );
        assert_eq!(both.len(), 20);
        // Harbourtown: GPE for A, LOC for B, a type disagreement on both sides.
        let harbour: Vec<String> = both
            .iter()
            .filter(|m| m.spans == [Span::new(42, 53)])
            .map(Mark::tag)
            .collect();
        assert_eq!(harbour, ["A: GPE · type differs", "B: LOC · type differs"]);
        // The event with different arguments is marked on its trigger, "shelled".
        let shelled = both
            .iter()
            .find(|m| m.layer == Layer::Event && m.side == Side::B)
            .unwrap();
        assert_eq!(shelled.spans, [Span::new(34, 41)]);
        assert_eq!(shelled.kind, DiffKind::ArgumentDisagreement);
    }

    #[test]
    fn pieces_cover_the_text_and_cut_at_every_boundary_in_code_points() {
        let (a, _, ms) = both_sides_marked();
        let len = cp_len(&a.text);
        let ps = pieces(&a.text, &ms);
        assert_eq!(
            ps.iter().map(|p| p.text.as_str()).collect::<String>(),
            a.text
        );
        assert_eq!(ps.first().unwrap().start, 0);
        assert_eq!(ps.last().unwrap().end, len);
        assert!(ps.windows(2).all(|w| w[0].end == w[1].start));
        // "120 mortar rounds" (A, 59–76) against "mortar rounds" (B, 63–76) and B's lone
        // "120" (59–62): three pieces, "120", " ", "mortar rounds".
        let at = |start: usize| ps.iter().find(|p| p.start == start).unwrap();
        let p120 = at(59);
        assert_eq!((p120.text.as_str(), p120.end), ("120", 62));
        let tags: Vec<String> = p120.marks.iter().map(|&i| ms[i].tag()).collect();
        assert_eq!(tags, ["A: WEA · span differs", "B: VALUE · only B"]);
        assert_eq!(at(62).text, " ");
        assert_eq!(at(62).marks.len(), 1);
        assert_eq!(at(63).text, "mortar rounds");
        assert_eq!(at(63).marks.len(), 2);
        // The ship emoji is one code point (two UTF-16 units): the text is 142 long, and
        // the unmarked tail after "the old port" runs from 139.
        assert_eq!(len, 142);
        let last = ps.last().unwrap();
        assert_eq!((last.start, last.text.as_str()), (139, " 🚢."));
        assert!(last.marks.is_empty());
    }

    #[test]
    fn classes_name_side_and_kind_and_the_current_item() {
        let (a, items, ms) = both_sides_marked();
        let ps = pieces(&a.text, &ms);
        let p120 = ps.iter().find(|p| p.start == 59).unwrap();
        assert_eq!(piece_classes(p120, &ms, None), "d-a-span d-b-only");
        // Item 6 is B's lone "120" (see the adjudication fixture's diff).
        assert_eq!(items[6].kind, DiffKind::OnlyB);
        assert_eq!(
            piece_classes(p120, &ms, Some(6)),
            "d-a-span d-b-only current"
        );
        let first = ps.first().unwrap();
        assert_eq!(piece_classes(first, &ms, Some(6)), "d-a-match d-b-match");
        let plain = ps.iter().find(|p| p.marks.is_empty()).unwrap();
        assert_eq!(piece_classes(plain, &ms, Some(6)), "");
    }

    #[test]
    fn damaged_spans_are_left_out_of_the_marks() {
        let (mut a, b) = fixture();
        a.annotations.mentions[0].fragments = vec![Span::new(0, 10_000)];
        let items = diff(&a.annotations, &b.annotations);
        let ms = marks(
            &a.annotations,
            &b.annotations,
            &items,
            &[Side::A],
            cp_len(&a.text),
        );
        assert_eq!(ms.len(), 9);
        let ps = pieces(&a.text, &ms);
        assert_eq!(
            ps.iter().map(|p| p.text.as_str()).collect::<String>(),
            a.text
        );
    }

    #[test]
    fn a_selection_point_counts_code_points_from_the_piece_start() {
        // " 🚢." from 139: the emoji is two UTF-16 units and one code point.
        assert_eq!(selection_point(139, " 🚢.", 0), Some(139));
        assert_eq!(selection_point(139, " 🚢.", 1), Some(140));
        assert_eq!(selection_point(139, " 🚢.", 3), Some(141));
        assert_eq!(selection_point(139, " 🚢.", 4), Some(142));
        // Between the two halves of the emoji: the emoji's start. Past the end: none.
        assert_eq!(selection_point(139, " 🚢.", 2), Some(140));
        assert_eq!(selection_point(139, " 🚢.", 5), None);
    }

    #[test]
    fn descriptions_name_arguments_and_relation_ends_by_their_text() {
        let (a, b) = fixture();
        let items = diff(&a.annotations, &b.annotations);
        let event = items.iter().find(|it| it.layer == Layer::Event).unwrap();
        let said = describe(&a.annotations, Layer::Event, event.a.as_deref());
        assert!(
            said.contains("“shelled”: ") && said.contains("Time “Tuesday”"),
            "{said}"
        );
        assert!(!said.contains("=T"), "no ids: {said}");
        let rel = items.iter().find(|it| it.layer == Layer::Relation).unwrap();
        let said = describe(&b.annotations, Layer::Relation, rel.b.as_deref());
        assert!(
            said.contains("ORG-AFF “brigade” → “Northern Command”"),
            "{said}"
        );
        assert_eq!(describe(&a.annotations, Layer::Mention, None), "—");
        assert_eq!(
            describe(&a.annotations, Layer::Cluster, Some("C9")),
            "a missing annotation (C9)"
        );
    }

    #[test]
    fn stepping_wraps_both_ways() {
        let (a, b) = fixture();
        let items = diff(&a.annotations, &b.annotations);
        let ds = disagreements(&items);
        assert_eq!(ds, [1, 3, 4, 5, 6, 7, 8, 9, 11]);
        assert_eq!(step(None, 9, true), Some(0));
        assert_eq!(step(None, 9, false), Some(8));
        assert_eq!(step(Some(8), 9, true), Some(0));
        assert_eq!(step(Some(0), 9, false), Some(8));
        assert_eq!(step(Some(3), 9, true), Some(4));
        assert_eq!(step(Some(20), 9, true), Some(0));
        assert_eq!(step(None, 0, true), None);
    }
}
