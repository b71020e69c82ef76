//! One document's suggestion layer: the learned suggestions and the imported
//! pre-annotations merged, less what is annotated or rejected, in reading order.
//!
//! What is shown is always derived: [`DocSuggestions::refresh`] recomputes it from the
//! three inputs and the document's annotations, so an edit, an undo, a retraining or an
//! import never leaves a stale suggestion behind. Of the inputs, the imported
//! pre-annotations and the rejections are stored per document (see [`super::stored`]);
//! the learned ones are recomputed from the model.
//!
//! Accepting gives an ordinary [`Edit`] (one undo step, however many suggestions it
//! takes); rejecting is remembered for that span and type, whatever proposed it.

use std::collections::BTreeMap;

use super::Suggestion;
use super::{accept_edit, visible, AcceptError, Layer, Proposal, Recommenders, Rejections};
use crate::core::edit::Edit;
use crate::core::layout::{bucket_spans, Piece};
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
    /// The event whose empty roles are offered, if one is selected.
    selected: Option<Id>,
    min_score: f64,
    shown: Vec<Suggestion>,
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
        self.min_score = min;
    }

    pub fn min_score(&self) -> f64 {
        self.min_score
    }

    /// Take the model's span and trigger proposals for the text (after each training,
    /// or when the document opens), and the arguments for the selected event.
    pub fn learn(&mut self, model: &Recommenders, text: &str, ann: &Annotations) {
        self.learned = model.learned(text);
        self.learned_by = None;
        self.arguments = self.arguments_of(Some(model), text, ann);
        self.refresh(ann);
    }

    /// Take the learned suggestions predicted (elsewhere, see `core::suggest::predict`) by
    /// model number `by`.
    pub fn set_learned(&mut self, by: u32, learned: Vec<Suggestion>, ann: &Annotations) {
        self.learned = learned;
        self.learned_by = Some(by);
        self.refresh(ann);
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
        self.refresh(ann);
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

    /// Recompute what is shown from the inputs and `ann`.
    pub fn refresh(&mut self, ann: &Annotations) {
        let all = self
            .imported
            .iter()
            .chain(&self.learned)
            .chain(&self.arguments)
            .cloned()
            .collect();
        let mut shown = visible(all, ann, &self.rejections, self.min_score);
        shown.sort_by_cached_key(place_of);
        self.shown = shown;
    }

    /// The suggestions to draw, in reading order.
    pub fn shown(&self) -> &[Suggestion] {
        &self.shown
    }

    pub fn get(&self, i: usize) -> Option<&Suggestion> {
        self.shown.get(i)
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
        self.refresh(ann);
        added
    }

    /// Forget every imported pre-annotation of this document.
    pub fn clear_imported(&mut self, ann: &Annotations) {
        self.imported.clear();
        self.refresh(ann);
    }

    /// The index of the suggestion after (or before) `from` in reading order, wrapping
    /// around; from nothing, the first (or last). `from` need not be shown any more: after
    /// an accept or a reject, the next one is the one that followed it.
    pub fn step(&self, from: Option<&Place>, forward: bool) -> Option<usize> {
        if self.shown.is_empty() {
            return None;
        }
        let last = self.shown.len() - 1;
        let Some(at) = from else {
            return Some(if forward { 0 } else { last });
        };
        let at = at.clone();
        let after = self.shown.partition_point(|s| place_of(s) <= at);
        if forward {
            Some(if after > last { 0 } else { after })
        } else {
            let before = self.shown.partition_point(|s| place_of(s) < at);
            Some(before.checked_sub(1).unwrap_or(last))
        }
    }

    /// The index of the shown suggestion at `place`, if it is still shown.
    pub fn find(&self, place: &Place) -> Option<usize> {
        self.shown.binary_search_by(|s| place_of(s).cmp(place)).ok()
    }

    /// The first shown suggestion covering code point `at`, for a click.
    pub fn at(&self, at: usize) -> Option<usize> {
        self.shown.iter().position(|s| {
            let span = s.span();
            span.start <= at && at < span.end
        })
    }

    /// The edit that accepts the suggestions at `indices`: one undoable step.
    pub fn accept(&self, ann: &Annotations, indices: &[usize]) -> Result<Edit, AcceptError> {
        let chosen: Vec<&Suggestion> = indices.iter().filter_map(|i| self.shown.get(*i)).collect();
        accept_edit(ann, &chosen)
    }

    /// The shown suggestions of one layer and type, for "accept all of this type".
    pub fn of_type(&self, layer: Layer, label: &str) -> Vec<usize> {
        (0..self.shown.len())
            .filter(|i| self.shown[*i].layer() == layer && self.shown[*i].label() == label)
            .collect()
    }

    /// The shown suggestions scored at least `min`, for "accept all above a score".
    pub fn above(&self, min: f64) -> Vec<usize> {
        (0..self.shown.len())
            .filter(|i| self.shown[*i].rank() >= min)
            .collect()
    }

    /// Each layer and type shown, with its count, for the accept-all menu.
    pub fn types(&self) -> Vec<(Layer, String, usize)> {
        let mut n: BTreeMap<(Layer, &str), usize> = BTreeMap::new();
        for s in &self.shown {
            *n.entry((s.layer(), s.label())).or_default() += 1;
        }
        n.into_iter()
            .map(|((l, t), c)| (l, t.to_owned(), c))
            .collect()
    }

    /// Reject the suggestion at `index`: remembered for its span and type, and no longer
    /// shown. Returns it, or `None` when there is none at `index`.
    pub fn reject(&mut self, index: usize, ann: &Annotations) -> Option<Suggestion> {
        if index >= self.shown.len() {
            return None;
        }
        let s = self.shown.remove(index);
        self.rejections.reject(&s, ann);
        Some(s)
    }

    /// The shown suggestions as layout pieces per paragraph, for drawing: each piece's id
    /// is its layer's initial and its index (`m3`, `e4`, `a5`), its kind the type or role.
    pub fn pieces(&self, paragraphs: &[Span]) -> Vec<Vec<Piece>> {
        let ids: Vec<String> = self
            .shown
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}{i}", &s.layer().name()[..1]))
            .collect();
        let spans: Vec<[Span; 1]> = self.shown.iter().map(|s| [s.span()]).collect();
        bucket_spans(
            paragraphs,
            self.shown
                .iter()
                .zip(&ids)
                .zip(&spans)
                .map(|((s, id), span)| (id.as_str(), s.label(), &span[..], None)),
        )
    }

    /// Take back a rejection (the undo of a reject).
    pub fn forgive(&mut self, s: &Suggestion, ann: &Annotations) {
        self.rejections.forgive(s, ann);
        self.refresh(ann);
    }
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
            .iter()
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
        let kyiv: Vec<&Suggestion> = layer.shown().iter().filter(|s| s.text == "Kyiv").collect();
        assert_eq!(kyiv.len(), 2);
        assert_eq!(kyiv[0].source, Source::StringMatcher);
        assert_eq!(kyiv[0].score, Some(1.0));
        // An unscored import counts as certain, and the first one proposed wins a tie.
        layer.import(vec![imported(OTHER, "Kyiv", "GPE", None)], &ann);
        let kyiv = layer.shown().iter().find(|s| s.text == "Kyiv").unwrap();
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
        assert!(!layer.shown().contains(&rejected));
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
                .iter()
                .any(|s| s.span() == rejected.span() && s.label() == "GPE"),
            "{:?}",
            layer.shown()
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
            .iter()
            .filter(|s| s.text == "Kyiv")
            .map(|s| (s.span(), s.label()))
            .collect();
        assert_eq!(kyivs.len(), 2, "{kyivs:?}");
        assert!(kyivs.contains(&(rejected.span(), "LOC")));
        // Forgiven, it comes back.
        layer.forgive(&rejected, &ann);
        assert!(layer.shown().contains(&rejected));
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
        assert!(!layer.shown().iter().any(|s| s.layer() == Layer::Argument));
        layer.select_event(Some(&m), text, &ann, Some("E1"));
        let arg = layer
            .shown()
            .iter()
            .position(|s| s.layer() == Layer::Argument)
            .expect("the empty Target role is offered");
        let s = layer.get(arg).unwrap();
        assert_eq!((s.label(), s.text.as_str()), ("Target", "Rivne"));
        assert_eq!(s.source, Source::ArgumentRanker);
        let edit = layer.accept(&ann, &[arg]).unwrap();
        edit.apply(&mut ann, text).unwrap();
        layer.edited(Some(&m), text, &ann);
        assert_eq!(ann.events[0].arguments.len(), 1);
        assert!(!layer.shown().iter().any(|s| s.layer() == Layer::Argument));
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
        assert_eq!(
            layer.get(0).unwrap().summary(),
            "Suggested GPE: Kyiv (import:model.json, score 0.90)"
        );
    }
}
