//! The rules of one annotating session that are not about the corpus: what the next click
//! means, stepping through annotations, matches and words, the recently used types, and
//! holding back another tab's writes while a selection is being dragged. Pure; the UI
//! keeps these values in signals and calls these functions.

use crate::core::model::{Id, Span};
use crate::core::search::{word_after, word_before};

/// What the next click on an annotation means.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// Pick the second argument of a relation from this annotation.
    RelationTo(Id),
    /// Both arguments chosen: pick the relation type.
    RelationType(Id, Id),
    /// Pick a mention that refers to the same entity as this one.
    SameEntityAs(Id),
}

/// What choosing annotation `id` (a click, or Enter) does in `mode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// The relation's second argument was picked: ask for its type.
    AskRelationType(Id, Id),
    /// Link the two mentions as one entity.
    SameEntity(Id, Id),
    /// Select it.
    Select(Id),
}

pub fn choose(mode: &Mode, id: Id) -> Choice {
    match mode {
        Mode::RelationTo(from) if *from != id => Choice::AskRelationType(from.clone(), id),
        Mode::SameEntityAs(from) if *from != id => Choice::SameEntity(from.clone(), id),
        _ => Choice::Select(id),
    }
}

/// The position after `current` in a list of `len` items, going `forward` or back; with
/// `wrap` it goes round at the ends, without it `None` past them. With nothing current it
/// starts at the first (forward) or last item. `None` for an empty list.
pub fn step(len: usize, current: Option<usize>, forward: bool, wrap: bool) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    match (current.map(|c| c.min(last)), forward) {
        (None, true) => Some(0),
        (None, false) => Some(last),
        (Some(i), true) if i < last => Some(i + 1),
        (Some(i), false) if i > 0 => Some(i - 1),
        (Some(_), true) => wrap.then_some(0),
        (Some(_), false) => wrap.then_some(last),
    }
}

/// The next annotation to select in text `order` from the `selected` one.
pub fn step_annotation(
    order: &[Id],
    selected: Option<&str>,
    forward: bool,
    wrap: bool,
) -> Option<Id> {
    let current = selected.and_then(|s| order.iter().position(|a| a == s));
    step(order.len(), current, forward, wrap).map(|i| order[i].clone())
}

/// Document search: `shown` is the 1-based number of the match shown (0: none yet) out of
/// `n`; returns the 0-based match to show next, wrapping round both ways.
pub fn search_step(shown: usize, n: usize, forward: bool) -> Option<usize> {
    let current = shown.checked_sub(1);
    step(n, current, forward, true)
}

/// Keyboard selection: the span after moving `anchor` to the next or previous word of
/// `words`, or (with `extend`) growing or shrinking it by a word. With no anchor the
/// first word.
pub fn move_span(
    words: &[Span],
    anchor: Option<Span>,
    forward: bool,
    extend: bool,
) -> Option<Span> {
    match (anchor, forward, extend) {
        (None, _, _) => words.first().copied(),
        (Some(a), true, false) => word_after(words, a.end),
        (Some(a), false, false) => word_before(words, a.start),
        (Some(a), true, true) => word_after(words, a.end).map(|n| Span::new(a.start, n.end)),
        (Some(a), false, true) => word_before(words, a.end.saturating_sub(1))
            .filter(|p| p.end > a.start)
            .map(|p| Span::new(a.start, p.end)),
    }
}

/// How many recently used types the palette remembers.
pub const RECENT_TYPES: usize = 8;

/// Put `kind` first in the recently used types.
pub fn used(recent: &mut Vec<String>, kind: &str) {
    recent.retain(|k| k != kind);
    recent.insert(0, kind.to_owned());
    recent.truncate(RECENT_TYPES);
}

/// A release outside the window is never heard of, so a drag holds writes back this long
/// at most.
pub const DRAG_LIMIT_MS: f64 = 10_000.0;

/// Whether a button pressed at `down_at` and not yet released still holds things back.
fn still_pressed(down_at: Option<f64>, now: f64) -> bool {
    down_at.is_some_and(|at| now - at < DRAG_LIMIT_MS)
}

/// Another tab's writes held back while a mouse button is down, so a repaint never pulls
/// the text out from under a selection being dragged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deferral {
    down_at: Option<f64>,
    keys: Vec<String>,
}

impl Deferral {
    pub fn press(&mut self, now: f64) {
        self.down_at = Some(now);
    }

    /// The button was released: the keys written meanwhile, to follow now.
    pub fn release(&mut self) -> Vec<String> {
        self.down_at = None;
        std::mem::take(&mut self.keys)
    }

    /// Whether `key` must wait for the release (it is then kept, once).
    pub fn hold(&mut self, key: &str, now: f64) -> bool {
        let dragging = still_pressed(self.down_at, now);
        if dragging && !self.keys.iter().any(|k| k == key) {
            self.keys.push(key.to_owned());
        }
        dragging
    }
}

/// The article's repaint held back while a mouse button pressed in it is down: rewriting
/// a paragraph mid-drag (suggestions arriving, say) would move the selection's anchor
/// to the paragraph's start, and the release would select from there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepaintHold {
    down_at: Option<f64>,
    held: bool,
}

/// What to do with a repaint that is due (see [`RepaintHold::hold`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hold {
    /// Nothing is pressed: repaint now.
    Now,
    /// Wait for the release, as an earlier repaint of this press already does.
    Wait,
    /// Wait for the release, or this many milliseconds should it never be heard of.
    AtMost(f64),
}

impl RepaintHold {
    pub fn press(&mut self, now: f64) {
        self.down_at = Some(now);
    }

    /// Whether a repaint due now must wait for the release (it is then remembered).
    pub fn hold(&mut self, now: f64) -> Hold {
        let Some(at) = self.down_at.filter(|_| still_pressed(self.down_at, now)) else {
            return Hold::Now;
        };
        if std::mem::replace(&mut self.held, true) {
            Hold::Wait
        } else {
            Hold::AtMost(at + DRAG_LIMIT_MS - now)
        }
    }

    /// The button was released: whether a repaint was held and is due now.
    pub fn release(&mut self) -> bool {
        self.down_at = None;
        std::mem::take(&mut self.held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::search::words;

    #[test]
    fn bug_11_shift_enter_in_document_search_with_one_match_stays_on_it() {
        // Bug 11: `(at + n - 2) % n` underflowed for at = 0, n = 1.
        assert_eq!(search_step(0, 1, false), Some(0));
        assert_eq!(search_step(1, 1, false), Some(0));
        assert_eq!(search_step(1, 1, true), Some(0));
        assert_eq!(search_step(0, 0, false), None);
    }

    #[test]
    fn search_steps_wrap_both_ways() {
        assert_eq!(search_step(0, 3, true), Some(0));
        assert_eq!(search_step(3, 3, true), Some(0));
        assert_eq!(search_step(1, 3, false), Some(2));
        assert_eq!(search_step(0, 3, false), Some(2));
        assert_eq!(search_step(2, 3, false), Some(0));
    }

    #[test]
    fn stepping_without_wrap_stops_at_the_ends() {
        assert_eq!(step(2, Some(1), true, false), None);
        assert_eq!(step(2, Some(0), false, false), None);
        assert_eq!(step(2, None, false, false), Some(1));
        assert_eq!(step(0, None, true, true), None);
    }

    #[test]
    fn annotation_steps_follow_text_order() {
        let order: Vec<Id> = ["T1", "E1", "T2"].map(String::from).to_vec();
        assert_eq!(
            step_annotation(&order, Some("E1"), true, true).as_deref(),
            Some("T2")
        );
        assert_eq!(
            step_annotation(&order, Some("T2"), true, true).as_deref(),
            Some("T1")
        );
        assert_eq!(step_annotation(&order, Some("T2"), true, false), None);
        assert_eq!(step_annotation(&[], None, true, true), None);
    }

    #[test]
    fn choosing_in_a_mode() {
        let from = "T1".to_owned();
        assert_eq!(
            choose(&Mode::RelationTo(from.clone()), "T2".into()),
            Choice::AskRelationType("T1".into(), "T2".into())
        );
        assert_eq!(
            choose(&Mode::SameEntityAs(from.clone()), "T2".into()),
            Choice::SameEntity("T1".into(), "T2".into())
        );
        assert_eq!(
            choose(&Mode::RelationTo(from), "T1".into()),
            Choice::Select("T1".into())
        );
    }

    #[test]
    fn keyboard_selection_moves_grows_and_shrinks_by_words() {
        let w = words("one two three");
        let one = move_span(&w, None, true, false).unwrap();
        assert_eq!(one, Span::new(0, 3));
        let two = move_span(&w, Some(one), true, false).unwrap();
        assert_eq!(two, Span::new(4, 7));
        let grown = move_span(&w, Some(one), true, true).unwrap();
        assert_eq!(grown, Span::new(0, 7));
        assert_eq!(move_span(&w, Some(grown), false, true), Some(one));
        assert_eq!(move_span(&w, Some(one), false, true), None);
    }

    #[test]
    fn recent_types_are_unique_most_recent_first_and_bounded() {
        let mut recent = Vec::new();
        for k in ["PER", "ORG", "PER"] {
            used(&mut recent, k);
        }
        assert_eq!(recent, ["PER", "ORG"]);
        for i in 0..20 {
            used(&mut recent, &format!("X{i}"));
        }
        assert_eq!(recent.len(), RECENT_TYPES);
    }

    #[test]
    fn writes_wait_for_the_release_of_a_drag_but_not_forever() {
        let mut d = Deferral::default();
        assert!(!d.hold("k", 0.0));
        d.press(100.0);
        assert!(d.hold("k", 200.0));
        assert!(d.hold("k", 300.0));
        assert_eq!(d.release(), ["k"]);
        d.press(0.0);
        assert!(!d.hold("k", DRAG_LIMIT_MS + 1.0));
    }

    #[test]
    fn a_repaint_waits_for_the_release_of_a_press_but_not_forever() {
        let mut h = RepaintHold::default();
        assert_eq!(h.hold(0.0), Hold::Now, "nothing pressed: repaint now");
        assert!(!h.release(), "nothing was held");
        h.press(100.0);
        assert_eq!(h.hold(200.0), Hold::AtMost(DRAG_LIMIT_MS - 100.0));
        assert_eq!(h.hold(300.0), Hold::Wait, "one timer per press");
        assert!(h.release(), "the held repaint is due at the release");
        assert!(!h.release(), "and only once");
        assert_eq!(h.hold(400.0), Hold::Now, "released: repaint now");
        h.press(0.0);
        assert_eq!(
            h.hold(DRAG_LIMIT_MS + 1.0),
            Hold::Now,
            "a release never heard of"
        );
        assert!(!h.release());
    }
}
