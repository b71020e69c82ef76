//! One document's suggestion layer: the learned suggestions and the imported
//! pre-annotations merged, less what is annotated or rejected, in reading order.
//!
//! What is shown is always derived from the inputs and the document's annotations, so an
//! edit, an undo, a retraining or an import never leaves a stale suggestion behind. Of the
//! inputs, the imported pre-annotations and the rejections are stored per document (see
//! [`super::stored`]); the learned ones are recomputed from the model.
//!
//! Each suggestion has an id that an edit does not change: the merged candidates (one per
//! span and type, the best scored) are numbered in reading order when the learned or
//! imported ones change, and an edit only turns some of them off or on. So an edit of one
//! paragraph redraws that paragraph only: [`DocSuggestions::pieces_shared`] keeps each
//! paragraph's pieces and rebuilds those an edit touched.
//!
//! Accepting gives an ordinary [`Edit`] (one undo step, however many suggestions it
//! takes); rejecting is remembered for that span and type, whatever proposed it.

use crate::core::sort;
use std::cell::RefCell;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::Suggestion;
use super::{
    accept_edit, annotated_spans, visible, AcceptError, Layer, Proposal, Recommenders, Rejections,
};
use crate::core::edit::Edit;
use crate::core::layout::Piece;
use crate::core::model::{Annotations, Id, Span};

/// Where a suggestion sorts, for stepping: position first, then the longer span, then
/// layer and type. It identifies a suggestion even after the list is recomputed.
pub type Place = (usize, std::cmp::Reverse<usize>, Layer, String, Id);

pub fn place_of(s: &Suggestion) -> Place {
    let span = s.span();
    let event = match &s.proposal {
        Proposal::Argument { event, .. } => event.clone(),
        _ => Id::new(),
    };
    (
        span.start,
        std::cmp::Reverse(span.end),
        s.layer(),
        s.label().to_owned(),
        event,
    )
}

fn event_of(s: &Suggestion) -> &str {
    match &s.proposal {
        Proposal::Argument { event, .. } => event,
        _ => "",
    }
}

/// [`place_of`]'s order, without building the places.
pub fn place_cmp(a: &Suggestion, b: &Suggestion) -> Ordering {
    let (x, y) = (a.span(), b.span());
    (x.start, Reverse(x.end), a.layer(), a.label(), event_of(a)).cmp(&(
        y.start,
        Reverse(y.end),
        b.layer(),
        b.label(),
        event_of(b),
    ))
}

/// Sort `all` into reading order and keep one per span, layer, type (and event): the
/// best scored, the first proposed on a tie, as [`visible`] keeps.
pub fn merged(mut all: Vec<Suggestion>) -> Vec<Suggestion> {
    sort::sort_by(&mut all, place_cmp);
    let mut out: Vec<Suggestion> = Vec::with_capacity(all.len());
    for s in all {
        match out.last_mut() {
            Some(kept) if place_cmp(kept, &s) == Ordering::Equal => {
                if s.rank() > kept.rank() {
                    *kept = s;
                }
            }
            _ => out.push(s),
        }
    }
    out
}

/// Each paragraph's suggestion pieces as last built (`None`: to build), and what changed
/// since.
#[derive(Debug, Clone, Default)]
struct Drawn {
    paragraphs: Vec<Span>,
    pieces: Vec<Option<Arc<Vec<Piece>>>>,
    /// Spans whose paragraphs are to be rebuilt; `None`: every paragraph.
    dirty: Option<Vec<Span>>,
}

/// The suggestion layer of one document.
#[derive(Debug, Clone, Default)]
pub struct DocSuggestions {
    /// Pre-annotations read from files (stored).
    imported: Vec<Suggestion>,
    /// What the user rejected here (stored).
    rejections: Rejections,
    /// The matcher's and tagger's proposals for the whole text (recomputed per training).
    learned: Vec<Suggestion>,
    /// The number of the model `learned` came from, when it was set from a prediction.
    learned_by: Option<u32>,
    /// The argument ranker's proposals for the selected event (recomputed per edit).
    arguments: Vec<Suggestion>,
    /// Those shown, in reading order: ids `candidates.len()..`.
    args_shown: Vec<Suggestion>,
    /// The event whose empty roles are offered, if one is selected.
    selected: Option<Id>,
    min_score: f64,
    /// Imported and learned merged ([`merged`]), scored at least `min_score`: ids
    /// `0..candidates.len()`, in reading order.
    candidates: Vec<Suggestion>,
    /// Per candidate: neither annotated nor rejected.
    on: Vec<bool>,
    /// The ids shown, in reading order.
    shown: Vec<usize>,
    /// The longest span shown, in code points.
    longest: usize,
    drawn: RefCell<Drawn>,
}

impl DocSuggestions {
    pub fn new(imported: Vec<Suggestion>, rejections: Rejections) -> Self {
        Self {
            imported,
            rejections,
            ..Self::default()
        }
    }

    /// Learned suggestions below this score are not shown (imported unscored ones always are).
    pub fn set_min_score(&mut self, min: f64) {
        if self.min_score != min {
            self.min_score = min;
            self.candidates.clear();
            self.on.clear();
            self.drawn.get_mut().dirty = None;
        }
    }

    pub fn min_score(&self) -> f64 {
        self.min_score
    }

    /// Take the model's span and trigger proposals for the text, predicted here and now,
    /// and the arguments for the selected event.
    pub fn learn(&mut self, model: &Recommenders, text: &str, ann: &Annotations) {
        self.learned = model.learned(text);
        self.learned_by = None;
        self.arguments = self.arguments_of(Some(model), text, ann);
        self.remerge(ann);
    }

    /// Take the learned suggestions predicted (elsewhere, see `core::suggest::predict`) by
    /// model number `by`.
    pub fn set_learned(&mut self, by: u32, learned: Vec<Suggestion>, ann: &Annotations) {
        self.learned_by = Some(by);
        // A retraining that proposes the same keeps the ids, so nothing is drawn again.
        if learned != self.learned {
            self.learned = learned;
            self.remerge(ann);
        }
    }

    /// The number of the model the learned suggestions came from, if set by
    /// [`DocSuggestions::set_learned`].
    pub fn learned_by(&self) -> Option<u32> {
        self.learned_by
    }

    /// Drop every learned suggestion (no model yet, or it was discarded).
    pub fn unlearn(&mut self, ann: &Annotations) {
        self.learned.clear();
        self.learned_by = None;
        self.arguments.clear();
        self.remerge(ann);
    }

    /// Offer the empty roles of `event` (or of no event).
    pub fn select_event(
        &mut self,
        model: Option<&Recommenders>,
        text: &str,
        ann: &Annotations,
        event: Option<&str>,
    ) {
        self.selected = event.map(str::to_owned);
        self.edited(model, text, ann);
    }

    pub fn selected_event(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// After the annotations changed (an edit, an undo, another tab's write): the argument
    /// candidates are the annotated mentions, so they are ranked again; the rest is filtered.
    pub fn edited(&mut self, model: Option<&Recommenders>, text: &str, ann: &Annotations) {
        self.arguments = self.arguments_of(model, text, ann);
        self.refresh(ann);
    }

    fn arguments_of(
        &self,
        model: Option<&Recommenders>,
        text: &str,
        ann: &Annotations,
    ) -> Vec<Suggestion> {
        match (model, &self.selected) {
            (Some(m), Some(e)) => m.arguments.suggest_for(text, ann, e),
            _ => Vec::new(),
        }
    }

    /// Merge the imported and learned suggestions again (they changed), then refresh.
    fn remerge(&mut self, ann: &Annotations) {
        self.candidates.clear();
        self.on.clear();
        self.drawn.get_mut().dirty = None;
        self.refresh(ann);
    }

    /// Recompute what is shown from the inputs and `ann`. The candidates are merged only
    /// when they changed; an edit turns some off or on.
    pub fn refresh(&mut self, ann: &Annotations) {
        if self.candidates.is_empty() && !(self.imported.is_empty() && self.learned.is_empty()) {
            let min = self.min_score;
            let all: Vec<Suggestion> = self
                .imported
                .iter()
                .chain(&self.learned)
                .filter(|s| s.rank() >= min)
                .cloned()
                .collect();
            self.candidates = merged(all);
            self.on.clear();
            self.drawn.get_mut().dirty = None;
        }
        let (mentions, triggers) = annotated_spans(ann);
        // A rejection key is built only where a rejection's span is.
        let rejected: BTreeSet<(Layer, Span)> =
            self.rejections.keys().map(|k| (k.layer, k.span)).collect();
        let fresh = self.on.len() != self.candidates.len();
        if fresh {
            self.on = vec![false; self.candidates.len()];
        }
        let drawn = self.drawn.get_mut();
        for (i, s) in self.candidates.iter().enumerate() {
            let annotated = match &s.proposal {
                Proposal::Mention { span, .. } => mentions.contains(span),
                Proposal::Event { span, .. } => triggers.contains(span),
                Proposal::Argument { .. } => true,
            };
            let refused =
                rejected.contains(&(s.layer(), s.span())) && self.rejections.is_rejected(s, ann);
            let on = !(annotated || refused);
            if on != self.on[i] {
                self.on[i] = on;
                if !fresh {
                    if let Some(d) = drawn.dirty.as_mut() {
                        d.push(s.span());
                    }
                }
            }
        }
        // Arguments filtered against the annotations as they are now.
        let mut args = visible(
            self.arguments.clone(),
            ann,
            &self.rejections,
            self.min_score,
        );
        sort::sort_by(&mut args, place_cmp);
        if args != self.args_shown {
            if let Some(d) = drawn.dirty.as_mut() {
                d.extend(self.args_shown.iter().chain(&args).map(Suggestion::span));
            }
            self.args_shown = args;
        }
        let n = self.candidates.len();
        let mut shown: Vec<usize> = Vec::with_capacity(n + self.args_shown.len());
        let mut args = (0..self.args_shown.len()).peekable();
        for i in (0..n).filter(|i| self.on[*i]) {
            while let Some(&a) = args.peek() {
                if place_cmp(&self.args_shown[a], &self.candidates[i]) == Ordering::Less {
                    shown.push(n + a);
                    args.next();
                } else {
                    break;
                }
            }
            shown.push(i);
        }
        shown.extend(args.map(|a| n + a));
        self.longest = shown
            .iter()
            .filter_map(|id| self.item(*id))
            .map(|s| s.span().len())
            .max()
            .unwrap_or(0);
        self.shown = shown;
    }

    fn item(&self, id: usize) -> Option<&Suggestion> {
        let n = self.candidates.len();
        if id < n {
            self.on[id].then(|| &self.candidates[id])
        } else {
            self.args_shown.get(id - n)
        }
    }

    /// The suggestions shown, in reading order.
    pub fn shown(&self) -> impl Iterator<Item = &Suggestion> + '_ {
        self.shown.iter().filter_map(|id| self.item(*id))
    }

    /// The ids shown, in reading order.
    pub fn ids(&self) -> &[usize] {
        &self.shown
    }

    /// The shown suggestion with id `id`.
    pub fn get(&self, id: usize) -> Option<&Suggestion> {
        self.item(id)
    }

    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    pub fn imported(&self) -> &[Suggestion] {
        &self.imported
    }

    pub fn rejections(&self) -> &Rejections {
        &self.rejections
    }

    /// Add pre-annotations read from a file. One for the same layer, span and type as an
    /// earlier import replaces it (the newer file wins). Returns how many were new.
    pub fn import(&mut self, more: Vec<Suggestion>, ann: &Annotations) -> usize {
        let mut by_key: BTreeMap<(Layer, Span, String), Suggestion> = self
            .imported
            .drain(..)
            .map(|s| ((s.layer(), s.span(), s.label().to_owned()), s))
            .collect();
        let before = by_key.len();
        for s in more.into_iter().filter(|s| s.layer() != Layer::Argument) {
            by_key.insert((s.layer(), s.span(), s.label().to_owned()), s);
        }
        let added = by_key.len() - before;
        self.imported = by_key.into_values().collect();
        self.remerge(ann);
        added
    }

    /// Forget every imported pre-annotation of this document.
    pub fn clear_imported(&mut self, ann: &Annotations) {
        self.imported.clear();
        self.remerge(ann);
    }

    /// The id of the suggestion after (or before) `from` in reading order, wrapping
    /// around; from nothing, the first (or last). `from` need not be shown any more: after
    /// an accept or a reject, the next one is the one that followed it.
    pub fn step(&self, from: Option<&Place>, forward: bool) -> Option<usize> {
        let last = *self.shown.last()?;
        let Some(at) = from else {
            return Some(if forward { self.shown[0] } else { last });
        };
        let place = |id: &usize| self.item(*id).map(place_of);
        let after = self
            .shown
            .partition_point(|id| place(id).is_some_and(|p| &p <= at));
        if forward {
            Some(self.shown.get(after).copied().unwrap_or(self.shown[0]))
        } else {
            let before = self
                .shown
                .partition_point(|id| place(id).is_some_and(|p| &p < at));
            Some(before.checked_sub(1).map_or(last, |b| self.shown[b]))
        }
    }

    /// The id of the shown suggestion at `place`, if it is still shown.
    pub fn find(&self, place: &Place) -> Option<usize> {
        let i = self
            .shown
            .binary_search_by(|id| self.item(*id).map(place_of).as_ref().cmp(&Some(place)))
            .ok()?;
        Some(self.shown[i])
    }

    /// The first shown suggestion covering code point `at`, for a click.
    pub fn at(&self, at: usize) -> Option<usize> {
        self.shown.iter().copied().find(|id| {
            self.item(*id).is_some_and(|s| {
                let span = s.span();
                span.start <= at && at < span.end
            })
        })
    }

    /// The edit that accepts the suggestions with ids `ids`: one undoable step.
    pub fn accept(&self, ann: &Annotations, ids: &[usize]) -> Result<Edit, AcceptError> {
        let chosen: Vec<&Suggestion> = ids.iter().filter_map(|i| self.item(*i)).collect();
        accept_edit(ann, &chosen)
    }

    /// The shown suggestions of one layer and type, for "accept all of this type".
    pub fn of_type(&self, layer: Layer, label: &str) -> Vec<usize> {
        self.shown
            .iter()
            .copied()
            .filter(|i| {
                self.item(*i)
                    .is_some_and(|s| s.layer() == layer && s.label() == label)
            })
            .collect()
    }

    /// The shown suggestions scored at least `min`, for "accept all above a score".
    pub fn above(&self, min: f64) -> Vec<usize> {
        self.shown
            .iter()
            .copied()
            .filter(|i| self.item(*i).is_some_and(|s| s.rank() >= min))
            .collect()
    }

    /// Each layer and type shown, with its count, for the accept-all menu.
    pub fn types(&self) -> Vec<(Layer, String, usize)> {
        let mut n: BTreeMap<(Layer, &str), usize> = BTreeMap::new();
        for s in self.shown() {
            *n.entry((s.layer(), s.label())).or_default() += 1;
        }
        n.into_iter()
            .map(|((l, t), c)| (l, t.to_owned(), c))
            .collect()
    }

    /// Reject the suggestion with id `id`: remembered for its span and type, and no longer
    /// shown. Returns it, or `None` when none with that id is shown.
    pub fn reject(&mut self, id: usize, ann: &Annotations) -> Option<Suggestion> {
        let s = self.item(id)?.clone();
        self.rejections.reject(&s, ann);
        self.refresh(ann);
        Some(s)
    }

    /// The shown suggestions as layout pieces per paragraph, for drawing: each piece's id
    /// is its layer's initial and its id (`m3`, `e4`, `a5`), its kind the type or role.
    pub fn pieces(&self, paragraphs: &[Span]) -> Vec<Vec<Piece>> {
        let known = self.pieces_shared(paragraphs);
        (0..paragraphs.len())
            .map(|i| match &known[i] {
                Some(p) => (**p).clone(),
                None => (*self.paragraph_pieces(paragraphs, i)).clone(),
            })
            .collect()
    }

    /// Each paragraph's pieces as far as they are built: the paragraphs no change touched
    /// since the last call are the very same `Arc`s (a caller compares by pointer), and
    /// the others are `None`, to be built by [`DocSuggestions::paragraph_pieces`] when
    /// drawn. So thousands of suggestions arriving cost nothing here; the drawing, in
    /// slices, builds them.
    pub fn pieces_shared(&self, paragraphs: &[Span]) -> Vec<Option<Arc<Vec<Piece>>>> {
        let mut drawn = self.drawn.borrow_mut();
        let stale = drawn.paragraphs != paragraphs || drawn.pieces.len() != paragraphs.len();
        match drawn.dirty.take() {
            Some(spans) if !stale => {
                for s in spans {
                    for p in touching(paragraphs, s) {
                        drawn.pieces[p] = None;
                    }
                }
            }
            _ => {
                drawn.paragraphs = paragraphs.to_vec();
                drawn.pieces = vec![None; paragraphs.len()];
            }
        }
        drawn.dirty = Some(Vec::new());
        drawn.pieces.clone()
    }

    /// The pieces of paragraph `i` of `paragraphs` (the ones [`DocSuggestions::pieces_shared`]
    /// was last given), built now if they are not yet.
    pub fn paragraph_pieces(&self, paragraphs: &[Span], i: usize) -> Arc<Vec<Piece>> {
        let mut drawn = self.drawn.borrow_mut();
        if let Some(Some(p)) = drawn.pieces.get(i) {
            return p.clone();
        }
        let built = Arc::new(self.bucket(&paragraphs[i..=i]).remove(0));
        // (The paragraphs themselves were compared by `pieces_shared`.)
        if drawn.pieces.len() == paragraphs.len() {
            drawn.pieces[i] = Some(built.clone());
        }
        built
    }

    /// The pieces of the shown suggestions in `paragraphs` (consecutive ones), as
    /// [`crate::core::layout::bucket_spans`] cuts them, each id written once.
    fn bucket(&self, paragraphs: &[Span]) -> Vec<Vec<Piece>> {
        let mut buckets = vec![Vec::new(); paragraphs.len()];
        let (Some(first), Some(last)) = (paragraphs.first(), paragraphs.last()) else {
            return buckets;
        };
        // The shown ids are in reading order: only those starting from the longest span's
        // length before the first paragraph, up to the end of the last, can be in them.
        let start_of = |id: &usize| self.item(*id).map_or(0, |s| s.span().start);
        let from = self
            .shown
            .partition_point(|id| start_of(id) + self.longest < first.start);
        let to = self.shown.partition_point(|id| start_of(id) < last.end);
        for &id in &self.shown[from..to.max(from)] {
            let Some(s) = self.item(id) else { continue };
            let f = s.span();
            let mut name: Option<String> = None;
            for i in touching(paragraphs, f) {
                let p = paragraphs[i];
                let span = Span::new(f.start.max(p.start), f.end.min(p.end));
                if span.is_empty() {
                    continue;
                }
                let id = name
                    .get_or_insert_with(|| format!("{}{id}", &s.layer().name()[..1]))
                    .clone();
                buckets[i].push(Piece {
                    id,
                    kind: s.label().to_owned(),
                    span,
                    ends_mention: span.end == f.end,
                    chain: None,
                });
            }
        }
        buckets
    }

    /// Take back a rejection (the undo of a reject).
    pub fn forgive(&mut self, s: &Suggestion, ann: &Annotations) {
        self.rejections.forgive(s, ann);
        self.refresh(ann);
    }
}

/// The paragraphs a span overlaps (an empty span: the one it is in).
fn touching(paragraphs: &[Span], s: Span) -> std::ops::Range<usize> {
    let first = paragraphs.partition_point(|p| p.end <= s.start);
    let end = paragraphs.partition_point(|p| p.start < s.end.max(s.start + 1));
    first..end.max(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::edit::History;
    use crate::core::model::{Document, Event, Mention};
    use crate::core::suggest::{Config, Gazetteer, Sample, Source};

    const OTHER: &str = "Officials in Kyiv met envoys from Odesa. Later Kyiv was quiet.";

    fn tagged(text: &str, word: &str, kind: &str) -> Document {
        let mut d = Document::new("a", text);
        let s = span(text, word);
        d.annotations
            .mentions
            .push(Mention::new("T1", kind, vec![s], word));
        d
    }

    fn span(text: &str, word: &str) -> Span {
        let b = text.find(word).expect("the word is in the text");
        let s = text[..b].chars().count();
        Span::new(s, s + word.chars().count())
    }

    fn model(docs: &[Document]) -> Recommenders {
        let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
        Recommenders::train(&samples, &Gazetteer::default(), &Config::default())
    }

    fn imported(text: &str, word: &str, kind: &str, score: Option<f64>) -> Suggestion {
        Suggestion {
            proposal: Proposal::Mention {
                span: span(text, word),
                kind: kind.into(),
            },
            text: word.into(),
            source: Source::Imported("model.json".into()),
            score,
        }
    }

    fn corpus() -> Vec<Document> {
        vec![
            tagged("Officials in Kyiv said so.", "Kyiv", "GPE"),
            tagged("Envoys from Odesa came.", "Odesa", "GPE"),
        ]
    }

    #[test]
    fn learned_and_imported_merge_in_reading_order_without_what_is_annotated() {
        let m = model(&corpus());
        let mut ann = Annotations::default();
        ann.mentions.push(Mention::new(
            "T1",
            "GPE",
            vec![span(OTHER, "Odesa")],
            "Odesa",
        ));
        let mut layer = DocSuggestions::new(
            vec![
                imported(OTHER, "envoys", "PER", Some(0.4)),
                // The same span and type as an annotation: never shown.
                imported(OTHER, "Odesa", "GPE", None),
            ],
            Rejections::default(),
        );
        layer.learn(&m, OTHER, &ann);
        let shown: Vec<(&str, &str, String)> = layer
            .shown()
            .map(|s| (s.text.as_str(), s.label(), s.source.to_string()))
            .collect();
        assert_eq!(
            shown,
            [
                ("Kyiv", "GPE", "string-matcher".to_owned()),
                ("envoys", "PER", "import:model.json".to_owned()),
                ("Kyiv", "GPE", "string-matcher".to_owned()),
            ]
        );
        // The same span and type from two sources: the better score is kept, once.
        layer.import(vec![imported(OTHER, "Kyiv", "GPE", Some(0.25))], &ann);
        let kyiv: Vec<&Suggestion> = layer.shown().filter(|s| s.text == "Kyiv").collect();
        assert_eq!(kyiv.len(), 2);
        assert_eq!(kyiv[0].source, Source::StringMatcher);
        assert_eq!(kyiv[0].score, Some(1.0));
        // An unscored import counts as certain, and the first one proposed wins a tie.
        layer.import(vec![imported(OTHER, "Kyiv", "GPE", None)], &ann);
        let kyiv = layer.shown().find(|s| s.text == "Kyiv").unwrap();
        assert_eq!(kyiv.source, Source::Imported("model.json".into()));
    }

    #[test]
    fn rejected_suggestions_stay_rejected_across_recompute_retraining_and_reimport() {
        let mut ann = Annotations::default();
        let mut layer = DocSuggestions::default();
        layer.learn(&model(&corpus()), OTHER, &ann);
        let first = layer.step(None, true).unwrap();
        assert_eq!(layer.get(first).unwrap().text, "Kyiv");
        let rejected = layer.reject(first, &ann).unwrap();
        assert!(!layer.shown().any(|s| s == &rejected));
        // Retrained on more (the same Kyiv tagged again), an edit, and the same span and
        // type imported from a file: still not shown.
        let mut more = corpus();
        more.push(tagged("Kyiv again.", "Kyiv", "GPE"));
        layer.learn(&model(&more), OTHER, &ann);
        ann.mentions.push(Mention::new(
            "T1",
            "GPE",
            vec![span(OTHER, "Odesa")],
            "Odesa",
        ));
        layer.edited(None, OTHER, &ann);
        layer.import(vec![rejected.clone()], &ann);
        assert!(
            !layer
                .shown()
                .any(|s| s.span() == rejected.span() && s.label() == "GPE"),
            "{:?}",
            layer.shown().collect::<Vec<_>>()
        );
        // A rejection is per span and type: the other Kyiv, and Kyiv as another type, are
        // still offered.
        layer.import(
            vec![Suggestion {
                proposal: Proposal::Mention {
                    span: rejected.span(),
                    kind: "LOC".into(),
                },
                ..rejected.clone()
            }],
            &ann,
        );
        let kyivs: Vec<(Span, &str)> = layer
            .shown()
            .filter(|s| s.text == "Kyiv")
            .map(|s| (s.span(), s.label()))
            .collect();
        assert_eq!(kyivs.len(), 2, "{kyivs:?}");
        assert!(kyivs.contains(&(rejected.span(), "LOC")));
        // Forgiven, it comes back.
        layer.forgive(&rejected, &ann);
        assert!(layer.shown().any(|s| s == &rejected));
    }

    #[test]
    fn accepting_is_one_undoable_step_for_one_a_type_or_a_score() {
        let text = "Kyiv, Odesa and Lviv met Sony and Tesla.";
        let mut ann = Annotations::default();
        let mut layer = DocSuggestions::new(
            vec![
                imported(text, "Kyiv", "GPE", Some(0.9)),
                imported(text, "Odesa", "GPE", Some(0.6)),
                imported(text, "Lviv", "GPE", Some(0.3)),
                imported(text, "Sony", "ORG", Some(0.95)),
                imported(text, "Tesla", "ORG", None),
            ],
            Rejections::default(),
        );
        layer.refresh(&ann);
        let mut history = History::default();
        // One: the focused suggestion becomes an annotation, and the next one follows it.
        let odesa = layer
            .step(Some(&place_of(layer.get(0).unwrap())), true)
            .unwrap();
        let focused = layer.get(odesa).unwrap().clone();
        let edit = layer.accept(&ann, &[odesa]).unwrap();
        history.apply(&mut ann, text, edit).unwrap();
        layer.refresh(&ann);
        assert_eq!(ann.mentions.len(), 1);
        assert_eq!(
            (ann.mentions[0].kind.as_str(), ann.mentions[0].text.as_str()),
            ("GPE", "Odesa")
        );
        assert_eq!(layer.len(), 4);
        assert_eq!(
            layer
                .get(layer.step(Some(&place_of(&focused)), true).unwrap())
                .unwrap()
                .text,
            "Lviv"
        );
        assert_eq!(
            layer
                .get(layer.step(Some(&place_of(&focused)), false).unwrap())
                .unwrap()
                .text,
            "Kyiv"
        );
        history.undo(&mut ann, text).unwrap();
        layer.refresh(&ann);
        assert!(ann.is_empty());
        assert_eq!(layer.len(), 5);
        // All of a type.
        assert_eq!(
            layer.types(),
            [
                (Layer::Mention, "GPE".to_owned(), 3),
                (Layer::Mention, "ORG".to_owned(), 2)
            ]
        );
        let orgs = layer.of_type(Layer::Mention, "ORG");
        let edit = layer.accept(&ann, &orgs).unwrap();
        history.apply(&mut ann, text, edit).unwrap();
        layer.refresh(&ann);
        assert_eq!(ann.mentions.len(), 2);
        // All above a score (unscored imports count as certain).
        let high = layer.above(0.5);
        assert_eq!(high.len(), 2);
        let edit = layer.accept(&ann, &high).unwrap();
        history.apply(&mut ann, text, edit).unwrap();
        layer.refresh(&ann);
        let kinds: Vec<&str> = ann.mentions.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(kinds, ["Kyiv", "Odesa", "Sony", "Tesla"]);
        assert_eq!(layer.len(), 1);
        // Each accept-all was one step.
        history.undo(&mut ann, text).unwrap();
        assert_eq!(ann.mentions.len(), 2);
        history.undo(&mut ann, text).unwrap();
        assert!(ann.is_empty());
        assert!(!history.can_undo());
        layer.refresh(&ann);
        assert_eq!(layer.len(), 5);
    }

    #[test]
    fn argument_suggestions_are_for_the_selected_event_only() {
        let mut docs = Vec::new();
        for city in ["Kyiv", "Odesa", "Lviv", "Sumy"] {
            let text = format!("Rebels attacked {city} at night.");
            let mut d = Document::new(city, &text);
            d.annotations
                .mentions
                .push(Mention::new("T1", "GPE", vec![span(&text, city)], city));
            let mut e = Event::new(
                "E1",
                "Conflict:Attack",
                vec![span(&text, "attacked")],
                "attacked",
                vec![],
            );
            e.arguments.push(crate::core::model::Argument {
                role: "Target".into(),
                target: "T1".into(),
            });
            d.annotations.events.push(e);
            docs.push(d);
        }
        let m = model(&docs);
        let text = "Rebels attacked Rivne at night.";
        let mut ann = Annotations::default();
        ann.mentions.push(Mention::new(
            "T1",
            "GPE",
            vec![span(text, "Rivne")],
            "Rivne",
        ));
        ann.events.push(Event::new(
            "E1",
            "Conflict:Attack",
            vec![span(text, "attacked")],
            "attacked",
            vec![],
        ));
        let mut layer = DocSuggestions::default();
        layer.learn(&m, text, &ann);
        assert!(!layer.shown().any(|s| s.layer() == Layer::Argument));
        layer.select_event(Some(&m), text, &ann, Some("E1"));
        let arg = layer.ids()[layer
            .shown()
            .position(|s| s.layer() == Layer::Argument)
            .expect("the empty Target role is offered")];
        let s = layer.get(arg).unwrap();
        assert_eq!((s.label(), s.text.as_str()), ("Target", "Rivne"));
        assert_eq!(s.source, Source::ArgumentRanker);
        let edit = layer.accept(&ann, &[arg]).unwrap();
        edit.apply(&mut ann, text).unwrap();
        layer.edited(Some(&m), text, &ann);
        assert_eq!(ann.events[0].arguments.len(), 1);
        assert!(!layer.shown().any(|s| s.layer() == Layer::Argument));
        layer.select_event(Some(&m), text, &ann, None);
        assert!(layer.selected_event().is_none());
    }

    #[test]
    fn pieces_put_each_shown_suggestion_in_its_paragraph() {
        let text = "Kyiv said.\n\nLater Odesa.";
        let mut layer = DocSuggestions::new(
            vec![
                imported(text, "Kyiv", "GPE", Some(0.9)),
                imported(text, "Odesa", "GPE", None),
            ],
            Rejections::default(),
        );
        layer.refresh(&Annotations::default());
        let paras = crate::core::layout::paragraphs(text);
        let pieces = layer.pieces(&paras);
        assert_eq!(pieces.len(), 2);
        assert_eq!(
            (pieces[0][0].id.as_str(), pieces[0][0].kind.as_str()),
            ("m0", "GPE")
        );
        assert_eq!(pieces[1][0].id, "m1");
        assert_eq!(pieces[1][0].span, span(text, "Odesa"));
        // Cut as the annotations' pieces are.
        let spans: Vec<(String, String, [Span; 1])> = layer
            .ids()
            .iter()
            .map(|&i| {
                let s = layer.get(i).unwrap();
                (format!("m{i}"), s.label().to_owned(), [s.span()])
            })
            .collect();
        let want = crate::core::layout::bucket_spans(
            &paras,
            spans
                .iter()
                .map(|(id, kind, span)| (id.as_str(), kind.as_str(), &span[..], None)),
        );
        assert_eq!(pieces, want);
        assert_eq!(
            layer.get(0).unwrap().summary(),
            "Suggested GPE: Kyiv (import:model.json, score 0.90)"
        );
    }

    #[test]
    fn an_edit_keeps_the_ids_and_rebuilds_only_the_paragraph_it_touched() {
        let text = "Kyiv said.\n\nLater Odesa.\n\nThen Lviv.";
        let mut ann = Annotations::default();
        let mut layer = DocSuggestions::new(
            vec![
                imported(text, "Kyiv", "GPE", Some(0.9)),
                imported(text, "Odesa", "GPE", Some(0.8)),
                imported(text, "Lviv", "GPE", Some(0.7)),
            ],
            Rejections::default(),
        );
        layer.refresh(&ann);
        let paras = crate::core::layout::paragraphs(text);
        let built = |l: &DocSuggestions| -> Vec<Arc<Vec<Piece>>> {
            l.pieces_shared(&paras);
            (0..paras.len())
                .map(|i| l.paragraph_pieces(&paras, i))
                .collect()
        };
        assert!(layer.pieces_shared(&paras).iter().all(Option::is_none));
        let before = built(&layer);
        assert_eq!(layer.ids(), [0, 1, 2]);
        // Odesa annotated (as a user accepting it would): hidden, Lviv keeps its id, and
        // only the second paragraph's pieces are new.
        ann.mentions.push(Mention::new(
            "T1",
            "GPE",
            vec![span(text, "Odesa")],
            "Odesa",
        ));
        layer.edited(None, text, &ann);
        assert_eq!(layer.ids(), [0, 2]);
        assert_eq!(layer.get(2).unwrap().text, "Lviv");
        assert!(layer.get(1).is_none());
        let known = layer.pieces_shared(&paras);
        assert!(known[0].is_some() && known[1].is_none() && known[2].is_some());
        let after = built(&layer);
        assert!(Arc::ptr_eq(&before[0], &after[0]));
        assert!(!Arc::ptr_eq(&before[1], &after[1]));
        assert!(after[1].is_empty());
        assert!(Arc::ptr_eq(&before[2], &after[2]));
        assert_eq!(after[2][0].id, "m2");
        // No change at all: every paragraph is the same.
        layer.edited(None, text, &ann);
        let again = built(&layer);
        assert!((0..3).all(|i| Arc::ptr_eq(&after[i], &again[i])));
        // A rejection redraws its own paragraph only, too.
        layer.reject(0, &ann).unwrap();
        let rejected = built(&layer);
        assert!(rejected[0].is_empty() && Arc::ptr_eq(&again[2], &rejected[2]));
        // New learned suggestions renumber: everything is drawn again.
        layer.set_learned(1, vec![imported(text, "Later", "PER", Some(0.9))], &ann);
        let learned = built(&layer);
        assert!((0..3).all(|i| !Arc::ptr_eq(&rejected[i], &learned[i])));
        assert_eq!(layer.pieces(&paras), layer.pieces(&paras));
    }

    #[test]
    fn merged_keeps_the_best_per_span_and_type_as_visible_does() {
        let text = "Kyiv, Odesa and Kyiv.";
        let all = vec![
            imported(text, "Odesa", "GPE", Some(0.4)),
            imported(text, "Kyiv", "GPE", Some(0.5)),
            imported(text, "Odesa", "GPE", Some(0.6)),
            imported(text, "Kyiv", "LOC", Some(0.5)),
            imported(text, "Kyiv", "GPE", Some(0.5)),
        ];
        let mut want = visible(
            all.clone(),
            &Annotations::default(),
            &Rejections::default(),
            0.0,
        );
        want.sort_by_cached_key(place_of);
        assert_eq!(merged(all), want);
    }
}
