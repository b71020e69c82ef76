//! How an article is cut up for display: paragraphs, the mention pieces that fall in each,
//! and the flat text segments between piece boundaries. Pure, so the UI only renders.

use crate::core::sort;
use std::collections::BTreeSet;
use std::ops::Range;

use super::edit::Edit;
use super::model::{Annotations, Id, Mention, Span};

/// A paragraph is one line of the text, without its line break (or trailing `\r`).
/// Blank lines produce no paragraph; the gap between paragraphs shows the break.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line_len = 0;
    let mut blank = true;
    let mut trailing_cr = 0;
    let close = |start: usize, len: usize, cr: usize, blank: bool, out: &mut Vec<Span>| {
        if !blank {
            out.push(Span::new(start, start + len - cr));
        }
    };
    // Bytes, decoding only what is not ASCII: this runs while an article opens, before
    // the wasm's optimised code is ready, where the char decoder is slow.
    let bytes = text.as_bytes();
    for (at, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            close(start, line_len, trailing_cr, blank, &mut out);
            start += line_len + 1;
            line_len = 0;
            blank = true;
            trailing_cr = 0;
            continue;
        }
        if b & 0xC0 == 0x80 {
            continue;
        }
        line_len += 1;
        trailing_cr = usize::from(b == b'\r');
        if blank {
            blank = if b.is_ascii() {
                (b as char).is_whitespace()
            } else {
                text[at..].chars().next().is_some_and(char::is_whitespace)
            };
        }
    }
    close(start, line_len, trailing_cr, blank, &mut out);
    out
}

/// The part of one mention fragment that falls inside one paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub id: Id,
    pub kind: String,
    pub span: Span,
    /// Whether the mention's last fragment ends here, where its label is drawn.
    pub ends_mention: bool,
    /// The number of the mention's entity (coreference chain), 1-based.
    pub chain: Option<u32>,
}

/// Sort every mention fragment into the paragraphs it overlaps. O(fragments × log
/// paragraphs), so it can be rerun on each edit of a long article.
pub fn bucket(paragraphs: &[Span], mentions: &[Mention]) -> Vec<Vec<Piece>> {
    bucket_spans(
        paragraphs,
        mentions
            .iter()
            .map(|m| (m.id.as_str(), m.kind.as_str(), m.fragments.as_slice(), None)),
    )
}

/// The number shown on every mention of the entity at `position` in the entity list:
/// entities are numbered in their order, from 1.
fn chain_number(position: usize) -> u32 {
    position as u32 + 1
}

/// One drawn span: (id, type, fragments, entity number).
pub type DrawnSpan<'a> = (&'a str, &'a str, &'a [Span], Option<u32>);

/// What the article draws: every mention, and every event's trigger, as (id, type,
/// fragments, entity number), borrowed so a repaint after each keypress copies no
/// annotation. Entities are numbered in their order, from 1, so every mention of one
/// entity shows the same small number.
pub fn drawn_spans(ann: &Annotations) -> impl Iterator<Item = DrawnSpan<'_>> {
    // Sorted for binary search: hashing 10,000 ids per repaint cost more than the search.
    let mut numbers: Vec<(&str, u32)> = ann
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), chain_number(i)))
        .collect();
    numbers.sort_unstable();
    ann.mentions
        .iter()
        .map(move |m| {
            let chain = m.entity.as_deref().and_then(|e| {
                let at = numbers.binary_search_by(|(id, _)| (*id).cmp(e)).ok()?;
                Some(numbers[at].1)
            });
            (
                m.id.as_str(),
                m.kind.as_str(),
                m.fragments.as_slice(),
                chain,
            )
        })
        .chain(
            ann.events
                .iter()
                .map(|e| (e.id.as_str(), e.kind.as_str(), e.trigger.as_slice(), None)),
        )
}

/// [`bucket`] over borrowed [`DrawnSpan`]s.
pub fn bucket_spans<'a>(
    paragraphs: &[Span],
    spans: impl IntoIterator<Item = DrawnSpan<'a>>,
) -> Vec<Vec<Piece>> {
    let buckets = bucket_refs(paragraphs, spans);
    (0..buckets.len())
        .map(|i| buckets.get(i).iter().map(PieceRef::to_piece).collect())
        .collect()
}

/// Every paragraph's pieces, borrowed, in one vector (see [`bucket_refs`]).
pub struct Buckets<'a> {
    /// Where each paragraph's pieces start in `pieces`, and one more for the end.
    starts: Vec<usize>,
    pieces: Vec<PieceRef<'a>>,
}

impl<'a> Buckets<'a> {
    /// Paragraph `i`'s pieces (none past the last paragraph).
    pub fn get(&self, i: usize) -> &[PieceRef<'a>] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.pieces[a..b],
            _ => &[],
        }
    }

    /// The number of paragraphs.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// [`bucket_spans`], borrowing: the pieces are cut in the spans' order and then sorted
/// by paragraph, stably, into one vector. One vector per paragraph, grown piece by piece,
/// spent most of a repaint's time in allocating.
pub fn bucket_refs<'a>(
    paragraphs: &[Span],
    spans: impl IntoIterator<Item = DrawnSpan<'a>>,
) -> Buckets<'a> {
    let mut cut: Vec<(usize, PieceRef<'a>)> = Vec::new();
    for (id, kind, fragments, chain) in spans {
        let last_end = fragments.iter().map(|f| f.end).max().unwrap_or(0);
        for f in fragments {
            for i in touching(paragraphs, *f) {
                let p = paragraphs[i];
                let span = Span::new(f.start.max(p.start), f.end.min(p.end));
                if !span.is_empty() {
                    cut.push((
                        i,
                        PieceRef {
                            id,
                            kind,
                            span,
                            ends_mention: f.end == last_end && span.end == f.end,
                            chain,
                        },
                    ));
                }
            }
        }
    }
    // A counting sort by paragraph, stable: within a paragraph the pieces keep the spans'
    // order. One pass to count, one to place; a comparison sort was two fifths of this.
    let mut starts = vec![0; paragraphs.len() + 1];
    for (i, _) in &cut {
        starts[i + 1] += 1;
    }
    for i in 0..paragraphs.len() {
        starts[i + 1] += starts[i];
    }
    let Some(&(_, first)) = cut.first() else {
        return Buckets {
            starts,
            pieces: Vec::new(),
        };
    };
    let mut next = starts.clone();
    let mut pieces = vec![first; cut.len()];
    for (i, piece) in cut {
        pieces[next[i]] = piece;
        next[i] += 1;
    }
    Buckets { starts, pieces }
}

/// What an edit may change of the drawn spans, read before it is applied
/// ([`DrawnBefore::read`]) and compared after ([`DrawnBefore::within`]): a tag then
/// redraws its own paragraph, without cutting up the whole article again.
#[derive(Debug, Clone)]
pub struct DrawnBefore {
    ids: BTreeSet<Id>,
    seen: Seen,
}

/// Where the drawn annotations among some ids are, and where their entities stand in
/// the entity list (whose order gives every mention of an entity its number).
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    spans: Vec<Span>,
    /// (id, position in the entity list) of the ids that are entities, by id.
    entities: Vec<(Id, usize)>,
    entity_count: usize,
}

impl Seen {
    /// One pass over each list: an edit that touches a large entity names many ids, and
    /// a lookup per id would scan the lists that many times.
    fn of(ann: &Annotations, ids: &BTreeSet<Id>) -> Self {
        let mut spans = Vec::new();
        for m in ann.mentions.iter().filter(|m| ids.contains(&m.id)) {
            spans.extend_from_slice(&m.fragments);
        }
        for e in ann.events.iter().filter(|e| ids.contains(&e.id)) {
            spans.extend_from_slice(&e.trigger);
        }
        let mut entities: Vec<(Id, usize)> = ann
            .entities
            .iter()
            .enumerate()
            .filter(|(_, e)| ids.contains(&e.id))
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        entities.sort_unstable();
        Self {
            spans,
            entities,
            entity_count: ann.entities.len(),
        }
    }
}

impl DrawnBefore {
    /// Read `ann` before `edit` is applied to it.
    pub fn read(ann: &Annotations, edit: &Edit) -> Self {
        let mut ids = BTreeSet::new();
        edit.affected(ann, &mut ids);
        let seen = Seen::of(ann, &ids);
        Self { ids, seen }
    }

    /// For a step that changes nothing in `ann`: it redraws nowhere.
    pub fn nothing(ann: &Annotations) -> Self {
        Self {
            ids: BTreeSet::new(),
            seen: Seen {
                spans: Vec::new(),
                entities: Vec::new(),
                entity_count: ann.entities.len(),
            },
        }
    }

    /// What the edit may add, change or remove ([`Edit::affected`]).
    pub fn ids(&self) -> &BTreeSet<Id> {
        &self.ids
    }

    /// The text spans outside which every drawn piece is as it was, now that the edit is
    /// applied to `ann`: where the annotations it touched were, and where they are.
    /// `None` when entities were added, removed or moved: their numbers, shown on every
    /// mention of them, may have changed anywhere.
    pub fn within(self, ann: &Annotations) -> Option<Vec<Span>> {
        let now = Seen::of(ann, &self.ids);
        let moved =
            now.entity_count != self.seen.entity_count || now.entities != self.seen.entities;
        (!moved).then(|| {
            let mut spans = self.seen.spans;
            spans.extend(now.spans);
            spans
        })
    }
}

/// Where each of the last revisions of a document's drawn spans redrew (`None`:
/// anywhere), so that a view drawn at an older revision redraws only those places.
#[derive(Debug, Clone, Default)]
pub struct RedrawLog {
    entries: std::collections::VecDeque<(u64, Option<Vec<Span>>)>,
}

impl RedrawLog {
    /// How far back it looks: a view catches up within a frame of an edit.
    const KEPT: usize = 32;

    /// Revision `rev` redrew `places`.
    pub fn push(&mut self, rev: u64, places: Option<Vec<Span>>) {
        self.entries.push_back((rev, places));
        if self.entries.len() > Self::KEPT {
            self.entries.pop_front();
        }
    }

    /// Everything revisions after `rev` up to `now` redrew: `None` when one of them may
    /// have redrawn anywhere, or is no longer (or never was) logged.
    pub fn since(&self, rev: u64, now: u64) -> Option<Vec<Span>> {
        let mut spans = Vec::new();
        let mut next = rev + 1;
        for (r, places) in self.entries.iter().filter(|(r, _)| *r > rev && *r <= now) {
            if *r != next {
                return None;
            }
            spans.extend_from_slice(places.as_deref()?);
            next += 1;
        }
        (next == now + 1 || rev >= now).then_some(spans)
    }
}

/// [`bucket_refs`] for the paragraphs `range` alone: what an edit that touched only them
/// redraws. Piece `j` of the result is paragraph `range.start + j`'s.
pub fn bucket_range<'a>(
    paragraphs: &[Span],
    ann: &'a Annotations,
    range: Range<usize>,
) -> Buckets<'a> {
    let range = range.start.min(paragraphs.len())..range.end.min(paragraphs.len());
    let these = &paragraphs[range];
    let (Some(first), Some(last)) = (these.first(), these.last()) else {
        return bucket_refs(these, std::iter::empty());
    };
    let near = Span::new(first.start, last.end);
    let overlaps = |fragments: &[Span]| {
        fragments
            .iter()
            .any(|f| f.start < near.end && near.start < f.end)
    };
    // The few entity numbers needed are looked up one by one, not sorted all at once.
    let number = |entity: &str| {
        ann.entities
            .iter()
            .position(|e| e.id == entity)
            .map(chain_number)
    };
    let mentions = ann
        .mentions
        .iter()
        .filter(|m| overlaps(&m.fragments))
        .map(|m| {
            let chain = m.entity.as_deref().and_then(number);
            (
                m.id.as_str(),
                m.kind.as_str(),
                m.fragments.as_slice(),
                chain,
            )
        });
    let events = ann
        .events
        .iter()
        .filter(|e| overlaps(&e.trigger))
        .map(|e| (e.id.as_str(), e.kind.as_str(), e.trigger.as_slice(), None));
    bucket_refs(these, mentions.chain(events))
}

/// A [`Piece`] that borrows its id and type from the annotations: after an edit, the
/// article compares these with what each paragraph draws and copies only the paragraphs
/// that changed (copying all 10,000 pieces of a 1 MB article took 2 ms a keypress).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PieceRef<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub span: Span,
    pub ends_mention: bool,
    pub chain: Option<u32>,
}

impl PieceRef<'_> {
    pub fn to_piece(&self) -> Piece {
        Piece {
            id: self.id.to_owned(),
            kind: self.kind.to_owned(),
            span: self.span,
            ends_mention: self.ends_mention,
            chain: self.chain,
        }
    }

    pub fn is(&self, piece: &Piece) -> bool {
        self.id == piece.id
            && self.kind == piece.kind
            && self.span == piece.span
            && self.ends_mention == piece.ends_mention
            && self.chain == piece.chain
    }
}

/// Whether a paragraph's drawn pieces are exactly `new`.
pub fn same_pieces(drawn: &[Piece], new: &[PieceRef]) -> bool {
    drawn.len() == new.len() && new.iter().zip(drawn).all(|(n, d)| n.is(d))
}

/// Indices of the (sorted, disjoint) paragraphs that fragment `f` overlaps.
fn touching(paragraphs: &[Span], f: Span) -> std::ops::Range<usize> {
    let first = paragraphs.partition_point(|p| p.end <= f.start);
    let last = paragraphs.partition_point(|p| p.start < f.end);
    first..last.max(first)
}

/// The paragraphs an annotation with these fragments is drawn in, ascending: the UI looks
/// for its highlights there, not in the whole article (a selector over a 1 MB article's
/// 30,000 elements took 3 ms a keypress).
pub fn paragraphs_of(paragraphs: &[Span], fragments: &[Span]) -> Vec<usize> {
    let mut found: Vec<usize> = fragments
        .iter()
        .flat_map(|f| touching(paragraphs, *f))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// A run of text covered by the same pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub span: Span,
    /// Indices into the paragraph's pieces, outermost (longest) first.
    pub covering: Vec<usize>,
    /// Indices of pieces whose mention ends at this segment's end.
    pub ending: Vec<usize>,
}

/// Cut a paragraph at every piece boundary. Nested and overlapping pieces both work: each
/// segment lists everything that covers it.
pub fn segments(paragraph: Span, pieces: &[Piece]) -> Vec<Segment> {
    let mut cuts = vec![paragraph.start, paragraph.end];
    for p in pieces {
        cuts.push(p.span.start);
        cuts.push(p.span.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let span = Span::new(w[0], w[1]);
            let mut covering: Vec<usize> = (0..pieces.len())
                .filter(|&i| pieces[i].span.contains(&span))
                .collect();
            sort::sort_by_key(&mut covering, |&i| {
                (
                    std::cmp::Reverse(pieces[i].span.len()),
                    pieces[i].span.start,
                )
            });
            let ending = covering
                .iter()
                .copied()
                .filter(|&i| pieces[i].ends_mention && pieces[i].span.end == span.end)
                .collect();
            Segment {
                span,
                covering,
                ending,
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A GPE mention over the given fragments: the fixture of the layout and render tests.
    pub(crate) fn mention(id: &str, fragments: &[(usize, usize)]) -> Mention {
        Mention::new(
            id,
            "GPE",
            fragments.iter().map(|&f| f.into()).collect(),
            String::new(),
        )
    }

    #[test]
    fn a_tag_redraws_where_it_lands_and_removing_an_entity_redraws_everywhere() {
        use crate::core::edit::History;
        use crate::core::model::Entity;
        let text = "Ada met Bob.\nBob met Ada.";
        let (mut ann, mut history) = (Annotations::default(), History::default());
        let mut apply = |ann: &mut Annotations, edit: Edit| {
            let before = DrawnBefore::read(ann, &edit);
            history.apply(ann, text, edit).expect("applied");
            before.within(ann)
        };
        let tag = |id: &str, at: (usize, usize)| Edit::InsertMention {
            index: 0,
            mention: mention(id, &[at]),
        };
        assert_eq!(
            apply(&mut ann, tag("T1", (8, 11))),
            Some(vec![Span::new(8, 11)])
        );
        assert_eq!(
            apply(&mut ann, tag("T2", (13, 16))),
            Some(vec![Span::new(13, 16)])
        );
        let entity = |id: &str| Entity {
            id: id.into(),
            name: "Bob".into(),
            kind: "PER".into(),
            normalization: None,
            attributes: Default::default(),
            note: None,
        };
        let join = |id: &str, entity: &str| Edit::SetMentionEntity {
            id: id.into(),
            entity: Some(entity.into()),
        };
        let insert = |index: usize, id: &str| Edit::InsertEntity {
            index,
            entity: entity(id),
        };
        assert_eq!(
            apply(&mut ann, insert(0, "C1")),
            None,
            "a new entity counts as moved"
        );
        assert_eq!(
            apply(&mut ann, join("T1", "C1")),
            Some(vec![Span::new(8, 11); 2])
        );
        assert_eq!(apply(&mut ann, insert(0, "C2")), None);
        assert_eq!(
            apply(&mut ann, Edit::RemoveEntity { id: "C2".into() }),
            None,
            "C1's number changes on every mention of it"
        );
        assert_eq!(
            DrawnBefore::nothing(&ann).within(&ann),
            Some(vec![]),
            "a step with nothing to undo redraws nowhere, entities and all"
        );
    }

    #[test]
    fn the_redraw_log_joins_what_was_redrawn_since_and_knows_when_it_cannot() {
        let mut log = RedrawLog::default();
        let at = |s: usize| Some(vec![Span::new(s, s + 1)]);
        log.push(1, at(10));
        log.push(2, at(20));
        assert_eq!(
            log.since(0, 2),
            Some(vec![Span::new(10, 11), Span::new(20, 21)])
        );
        assert_eq!(log.since(1, 2), at(20));
        assert_eq!(log.since(2, 2), Some(vec![]), "nothing since");
        assert_eq!(log.since(1, 3), None, "revision 3 was not logged");
        log.push(3, None);
        assert_eq!(log.since(1, 3), None, "revision 3 redrew anywhere");
        for rev in 4..40 {
            log.push(rev, at(rev as usize));
        }
        assert_eq!(log.since(38, 39), at(39));
        assert_eq!(log.since(2, 39), None, "too long ago");
    }

    #[test]
    fn paragraphs_skip_blank_lines_and_drop_carriage_returns() {
        let t = "Title\r\n\r\nFirst 🚀.\n  \nSecond";
        assert_eq!(
            paragraphs(t),
            vec![Span::new(0, 5), Span::new(9, 17), Span::new(21, 27)]
        );
    }

    #[test]
    fn paragraphs_of_finds_exactly_the_paragraphs_a_highlight_is_drawn_in() {
        let t = "ab\n\ncd ef\ngh\n\nij";
        let paras = paragraphs(t);
        for fragments in [
            vec![Span::new(0, 2)],
            vec![Span::new(1, 7)],
            vec![Span::new(5, 6), Span::new(14, 16)],
            vec![Span::new(10, 12), Span::new(4, 5)],
            vec![Span::new(2, 4)], // only the line breaks between two paragraphs
            vec![Span::new(0, 16)],
        ] {
            let drawn: Vec<usize> = bucket(
                &paras,
                &[mention(
                    "T1",
                    &fragments
                        .iter()
                        .map(|f| (f.start, f.end))
                        .collect::<Vec<_>>(),
                )],
            )
            .iter()
            .enumerate()
            .filter(|(_, pieces)| !pieces.is_empty())
            .map(|(i, _)| i)
            .collect();
            assert_eq!(paragraphs_of(&paras, &fragments), drawn, "{fragments:?}");
        }
        assert_eq!(paragraphs_of(&paras, &[Span::new(0, 16)]), [0, 1, 2, 3]);
    }

    #[test]
    fn same_pieces_tells_any_change_of_id_type_span_or_label_end() {
        let paras = paragraphs("Kyiv and Lviv");
        let ann = [mention("T1", &[(0, 4)]), mention("T2", &[(9, 13)])];
        let drawn = &bucket(&paras, &ann)[0];
        let spans = |ms: &[Mention]| -> Vec<(String, String, Vec<Span>)> {
            ms.iter()
                .map(|m| (m.id.clone(), m.kind.clone(), m.fragments.clone()))
                .collect()
        };
        let check = |ms: &[Mention]| {
            let owned = spans(ms);
            let refs = bucket_refs(
                &paras,
                owned
                    .iter()
                    .map(|(i, k, f)| (i.as_str(), k.as_str(), f.as_slice(), None)),
            );
            same_pieces(drawn, refs.get(0))
        };
        assert!(check(&ann));
        let mut other = ann.clone();
        other[1].id = "T3".into();
        assert!(!check(&other));
        let mut other = ann.clone();
        other[1].kind = "PER".into();
        assert!(!check(&other));
        let mut other = ann.clone();
        other[1].fragments = vec![Span::new(9, 12)];
        assert!(!check(&other));
        let mut other = ann.clone();
        other[0].fragments = vec![Span::new(0, 4), Span::new(20, 21)]; // label moves off
        assert!(!check(&other));
        assert!(!check(&ann[..1]));
    }

    #[test]
    fn mention_across_a_paragraph_break_lands_in_both() {
        let paras = paragraphs("ab\ncd");
        let b = bucket(&paras, &[mention("T1", &[(1, 4)])]);
        assert_eq!(b[0][0].span, Span::new(1, 2));
        assert!(!b[0][0].ends_mention);
        assert_eq!(b[1][0].span, Span::new(3, 4));
        assert!(b[1][0].ends_mention);
    }

    #[test]
    fn nested_pieces_cover_inner_segments_outermost_first() {
        let paras = paragraphs("Kyiv's central district");
        let pieces = &bucket(
            &paras,
            &[mention("T1", &[(0, 23)]), mention("T2", &[(0, 4)])],
        )[0];
        let segs = segments(paras[0], pieces);
        assert_eq!(segs.len(), 2);
        let ids: Vec<&str> = segs[0]
            .covering
            .iter()
            .map(|&i| pieces[i].id.as_str())
            .collect();
        assert_eq!(ids, ["T1", "T2"]);
        assert_eq!(segs[0].ending.len(), 1);
        assert_eq!(segs[1].span, Span::new(4, 23));
    }

    #[test]
    fn segments_tile_the_paragraph_exactly() {
        let p = Span::new(10, 30);
        let pieces = bucket(
            &[p],
            &[mention("T1", &[(12, 20)]), mention("T2", &[(15, 25)])],
        );
        let segs = segments(p, &pieces[0]);
        assert_eq!(segs.first().unwrap().span.start, 10);
        assert_eq!(segs.last().unwrap().span.end, 30);
        assert!(segs.windows(2).all(|w| w[0].span.end == w[1].span.start));
    }

    // proptest is a native dev-dependency: the wasm32 test build leaves this out.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// An edit that says it keeps the drawn spans ([`crate::core::edit::Edit::keeps_spans`])
        /// leaves exactly the spans the article draws, applied or undone.
        #[test]
        fn edits_that_keep_the_spans_leave_every_drawn_span(
            ops in proptest::collection::vec(crate::core::edit::properties::op(), 0..60),
        ) {
            use crate::core::edit::properties::{to_edit, Op, TEXT};
            use crate::core::edit::History;
            let drawn = |ann: &Annotations| -> Vec<(String, String, Vec<Span>, Option<u32>)> {
                drawn_spans(ann).map(|(i, k, f, c)| (i.to_owned(), k.to_owned(), f.to_vec(), c)).collect()
            };
            let (mut ann, mut history) = (Annotations::default(), History::default());
            for op in ops {
                let Op::Edit(k, a, b, c) = op else { continue };
                let edit = to_edit(&ann, k, a, b, c);
                let keeps = edit.keeps_spans();
                let before = drawn(&ann);
                if history.apply(&mut ann, TEXT, edit).is_ok() && keeps {
                    proptest::prop_assert_eq!(&drawn(&ann), &before);
                    proptest::prop_assert!(history.undo(&mut ann, TEXT).unwrap());
                    proptest::prop_assert_eq!(&drawn(&ann), &before);
                    proptest::prop_assert!(history.redo(&mut ann, TEXT).unwrap());
                }
            }
        }

        /// An edit changes no drawn piece outside the spans [`DrawnBefore::within`] names,
        /// applied, undone or redone, and [`bucket_range`] cuts the paragraphs inside them
        /// exactly as bucketing the whole article does.
        #[test]
        fn edits_redraw_only_where_they_touched(
            ops in proptest::collection::vec(crate::core::edit::properties::op(), 0..60),
        ) {
            use crate::core::edit::properties::{to_edit, Op, TEXT};
            use crate::core::edit::History;
            // Paragraphs of four code points: a piece that changed where the edit said
            // nothing would is found in a paragraph of its own.
            let len = TEXT.chars().count();
            let paras: Vec<Span> = (0..len).step_by(4).map(|s| Span::new(s, (s + 4).min(len))).collect();
            let all = |ann: &Annotations| bucket_spans(&paras, drawn_spans(ann));
            let (mut ann, mut history) = (Annotations::default(), History::default());
            for op in ops {
                let edit = match &op {
                    // Short spans, so that most edits touch a paragraph or two and the
                    // rest are compared, and low positions, so that new entities often
                    // go before others and renumber them. (The numbers also pick ids
                    // and types.)
                    Op::Edit(k, a, b, c) => to_edit(&ann, *k, *a, *a + 1 + b % 4, *c % 8),
                    Op::Undo | Op::Redo => match history.next(matches!(op, Op::Undo)) {
                        Some(edit) => edit.clone(),
                        None => continue,
                    },
                };
                let (pieces, before) = (all(&ann), DrawnBefore::read(&ann, &edit));
                let applied = match op {
                    Op::Edit(..) => history.apply(&mut ann, TEXT, edit).is_ok(),
                    Op::Undo => history.undo(&mut ann, TEXT).unwrap(),
                    Op::Redo => history.redo(&mut ann, TEXT).unwrap(),
                };
                let Some(spans) = before.within(&ann).filter(|_| applied) else { continue };
                let now = all(&ann);
                let touched = paragraphs_of(&paras, &spans);
                for i in (0..paras.len()).filter(|i| !touched.contains(i)) {
                    proptest::prop_assert_eq!(&now[i], &pieces[i], "paragraph {} changed outside {:?}", i, spans);
                }
                if let (Some(&lo), Some(&hi)) = (touched.first(), touched.last()) {
                    let part = bucket_range(&paras, &ann, lo..hi + 1);
                    for (i, whole) in now.iter().enumerate().take(hi + 1).skip(lo) {
                        let cut: Vec<Piece> = part.get(i - lo).iter().map(PieceRef::to_piece).collect();
                        proptest::prop_assert_eq!(&cut, whole);
                    }
                }
            }
        }

        /// The paragraphs are the lines that are not blank, in code points, without a
        /// trailing carriage return, whatever mix of ASCII, wide characters and Unicode
        /// spaces the text holds.
        #[test]
        fn paragraphs_are_the_lines_that_are_not_blank(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Kyiv", " ", "\t", "\n", "\r\n", "\r", "\u{a0}", "\u{2003}", "🚀", "’", "東", "\u{85}",
            ]), 0..40),
        ) {
            let text = pieces.concat();
            let mut want = Vec::new();
            let mut start = 0;
            for line in text.split('\n') {
                let len = line.chars().count();
                let body = line.strip_suffix('\r').unwrap_or(line);
                if !line.chars().all(char::is_whitespace) {
                    want.push(Span::new(start, start + body.chars().count()));
                }
                start += len + 1;
            }
            proptest::prop_assert_eq!(paragraphs(&text), want);
        }

        /// Each paragraph gets exactly the clipped fragments that fall in it, in the
        /// spans' order, whatever order the spans come in and however they cross
        /// paragraph breaks.
        #[test]
        fn buckets_hold_each_paragraphs_pieces_in_span_order(
            breaks in proptest::collection::vec(1usize..15, 0..8),
            spans in proptest::collection::vec(
                proptest::collection::vec((0usize..120, 1usize..40), 1..3), 0..20),
        ) {
            let mut text = String::new();
            for (i, b) in breaks.iter().enumerate() {
                text.push_str(&"w".repeat(*b));
                text.push_str(if i % 2 == 0 { "\n\n" } else { "\n \n" });
            }
            text.push_str("end");
            let len = text.chars().count();
            let paras = paragraphs(&text);
            let mentions: Vec<Mention> = spans
                .iter()
                .enumerate()
                .map(|(k, frags)| {
                    let frags: Vec<(usize, usize)> = frags
                        .iter()
                        .map(|&(s, l)| (s.min(len - 1), (s + l).min(len)))
                        .collect();
                    mention(&format!("T{k}"), &frags)
                })
                .collect();
            let got = bucket(&paras, &mentions);
            proptest::prop_assert_eq!(got.len(), paras.len());
            for (i, p) in paras.iter().enumerate() {
                let want: Vec<(String, Span)> = mentions
                    .iter()
                    .flat_map(|m| m.fragments.iter().map(move |f| (m.id.clone(), *f)))
                    .map(|(id, f)| (id, Span::new(f.start.max(p.start), f.end.min(p.end))))
                    .filter(|(_, s)| s.start < s.end)
                    .collect();
                let have: Vec<(String, Span)> =
                    got[i].iter().map(|x| (x.id.clone(), x.span)).collect();
                proptest::prop_assert_eq!(have, want);
            }
        }
    }
}
