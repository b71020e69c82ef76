//! Suggestions: Loupe learns from a corpus's annotations and proposes more, with no server.
//!
//! A [`Suggestion`] is a layer of its own, never an annotation: it lives beside a document's
//! [`Annotations`], is never counted or exported as one, and becomes one only through
//! [`accept_edit`], an ordinary [`Edit`] that one undo takes back. Three recommenders
//! propose them, trained by [`Recommenders::train`]:
//!
//! - [`matcher::StringMatcher`]: text annotated once is suggested wherever it recurs, scored
//!   by the relative frequency of its types across the corpus, optionally preloaded with a
//!   [`matcher::Gazetteer`]; the longest whole-word match wins.
//! - [`tagger::Tagger`]: an averaged perceptron over BIO tags of words, for entity types
//!   and event triggers with their types.
//! - [`arguments::ArgumentRanker`]: for each empty role of an annotated event, the best
//!   candidate mention, ranked by role given trigger type, mention type, distance and the
//!   words between.
//!
//! A fourth source is a model's output imported from a file ([`predictions`]). Rejected
//! suggestions go into [`Rejections`] and are not proposed again for that span and type.
//! The CLI (`loupe suggest`) and the app call the same functions.
//!
//! ```
//! use loupe::core::model::{Annotations, Mention, Span};
//! use loupe::core::suggest::{visible, Config, Recommenders, Rejections, Sample, Gazetteer};
//! let text = "Officials in Kyiv said so. Later Kyiv was quiet.";
//! let mut ann = Annotations::default();
//! ann.mentions.push(Mention::new("T1", "GPE", vec![Span::new(13, 17)], "Kyiv"));
//! let model = Recommenders::train(&[Sample::new(text, &ann)], &Gazetteer::default(), &Config::default());
//! let shown = visible(model.suggest(text, &ann), &ann, &Rejections::default(), 0.5);
//! assert!(shown.iter().any(|s| s.span() == Span::new(33, 37) && s.label() == "GPE"));
//! ```

pub mod arguments;
pub mod assist;
pub mod eval;
pub mod imports;
pub mod layer;
pub mod matcher;
pub mod perceptron;
pub mod predict;
pub mod predictions;
pub mod retrain;
pub mod snapshot;
pub mod split;
pub mod stored;
pub mod synthetic;
pub mod tagger;
pub mod text;
pub mod training;
pub mod wire;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::core::edit::Edit;
use crate::core::model::{Annotations, Argument, Document, Event, Id, Mention, Span};

pub use arguments::ArgumentRanker;
pub use matcher::{Gazetteer, StringMatcher};
pub use tagger::Tagger;

/// Which annotation layer a suggestion would add to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Mention,
    Event,
    Argument,
}

impl Layer {
    pub fn name(self) -> &'static str {
        match self {
            Layer::Mention => "mention",
            Layer::Event => "event",
            Layer::Argument => "argument",
        }
    }
}

/// What accepting a suggestion would add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "layer", rename_all = "snake_case")]
pub enum Proposal {
    Mention {
        span: Span,
        #[serde(rename = "type")]
        kind: String,
    },
    /// An event trigger with its type, without arguments.
    Event {
        span: Span,
        #[serde(rename = "type")]
        kind: String,
    },
    /// An argument of an annotated event: `target` (whose span is `span`) in `role`.
    Argument {
        event: Id,
        role: String,
        target: Id,
        span: Span,
    },
}

/// Who proposed a suggestion. Written as `string-matcher`, `tagger`, `argument-ranker` or
/// `import:FORMAT`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Source {
    StringMatcher,
    Tagger,
    ArgumentRanker,
    /// A model's output read from a file, with the file's format or model name.
    Imported(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::StringMatcher => write!(f, "string-matcher"),
            Source::Tagger => write!(f, "tagger"),
            Source::ArgumentRanker => write!(f, "argument-ranker"),
            Source::Imported(from) => write!(f, "import:{from}"),
        }
    }
}

impl From<Source> for String {
    fn from(s: Source) -> String {
        s.to_string()
    }
}

impl From<String> for Source {
    fn from(s: String) -> Source {
        match s.as_str() {
            "string-matcher" => Source::StringMatcher,
            "tagger" => Source::Tagger,
            "argument-ranker" => Source::ArgumentRanker,
            other => Source::Imported(other.strip_prefix("import:").unwrap_or(other).to_owned()),
        }
    }
}

/// A proposed annotation, kept apart from the annotations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    #[serde(flatten)]
    pub proposal: Proposal,
    /// The covered text, for display.
    pub text: String,
    pub source: Source,
    /// In `[0, 1]`; `None` when an imported file gave no score.
    pub score: Option<f64>,
}

impl Suggestion {
    pub fn layer(&self) -> Layer {
        match self.proposal {
            Proposal::Mention { .. } => Layer::Mention,
            Proposal::Event { .. } => Layer::Event,
            Proposal::Argument { .. } => Layer::Argument,
        }
    }

    /// The span shown: the mention, the trigger, or the argument's target.
    pub fn span(&self) -> Span {
        match &self.proposal {
            Proposal::Mention { span, .. }
            | Proposal::Event { span, .. }
            | Proposal::Argument { span, .. } => *span,
        }
    }

    /// The type proposed: the entity or event type, or the argument's role.
    pub fn label(&self) -> &str {
        match &self.proposal {
            Proposal::Mention { kind, .. } | Proposal::Event { kind, .. } => kind,
            Proposal::Argument { role, .. } => role,
        }
    }

    /// The score for sorting and thresholds: an unscored import counts as certain.
    pub fn rank(&self) -> f64 {
        self.score.unwrap_or(1.0)
    }

    /// What it proposes, its source and score, for a tooltip or a screen reader:
    /// "Suggested GPE: Kyiv (tagger, score 0.87)".
    pub fn summary(&self) -> String {
        let what = match &self.proposal {
            Proposal::Mention { kind, .. } => kind.clone(),
            Proposal::Event { kind, .. } => format!("event {kind}"),
            Proposal::Argument { role, event, .. } => format!("{role} of {event}"),
        };
        format!("Suggested {what}: {} ({})", self.text, self.describe())
    }

    /// Source and score as a line for a tooltip: "tagger, 0.87".
    pub fn describe(&self) -> String {
        match self.score {
            Some(s) => format!("{}, score {s:.2}", self.source),
            None => format!("{}, no score", self.source),
        }
    }
}

/// What a rejection remembers: the layer, the span and the type. An argument's type is its
/// role at its event's trigger, so a rejected role stays rejected when ids are renumbered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RejectKey {
    pub layer: Layer,
    pub span: Span,
    #[serde(rename = "type")]
    pub kind: String,
}

/// The suggestions a user rejected in one document: never proposed again there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejections {
    rejected: BTreeSet<RejectKey>,
}

impl Rejections {
    pub fn key(s: &Suggestion, ann: &Annotations) -> RejectKey {
        let kind = match &s.proposal {
            Proposal::Argument { event, role, .. } => {
                let at = ann
                    .event(event)
                    .and_then(|e| e.trigger.first().copied())
                    .map_or_else(String::new, |t| format!("{}-{}", t.start, t.end));
                format!("{role}@{at}")
            }
            _ => s.label().to_owned(),
        };
        RejectKey {
            layer: s.layer(),
            span: s.span(),
            kind,
        }
    }

    pub fn reject(&mut self, s: &Suggestion, ann: &Annotations) {
        self.rejected.insert(Self::key(s, ann));
    }

    /// Take a rejection back (the undo of a reject).
    pub fn forgive(&mut self, s: &Suggestion, ann: &Annotations) {
        self.rejected.remove(&Self::key(s, ann));
    }

    pub fn is_rejected(&self, s: &Suggestion, ann: &Annotations) -> bool {
        self.rejected.contains(&Self::key(s, ann))
    }

    pub fn len(&self) -> usize {
        self.rejected.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rejected.is_empty()
    }

    /// Every rejection, in order.
    pub fn keys(&self) -> impl Iterator<Item = &RejectKey> + '_ {
        self.rejected.iter()
    }
}

impl FromIterator<RejectKey> for Rejections {
    fn from_iter<I: IntoIterator<Item = RejectKey>>(keys: I) -> Self {
        Self {
            rejected: keys.into_iter().collect(),
        }
    }
}

/// One training document: its text and its annotations.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    pub text: &'a str,
    pub annotations: &'a Annotations,
}

impl<'a> Sample<'a> {
    pub fn new(text: &'a str, annotations: &'a Annotations) -> Self {
        Self { text, annotations }
    }
}

impl<'a> From<&'a Document> for Sample<'a> {
    fn from(d: &'a Document) -> Self {
        Self::new(&d.text, &d.annotations)
    }
}

/// Training settings. The same seed and corpus always give the same model.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub seed: u64,
    /// Passes over the training data.
    pub epochs: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self { seed: 1, epochs: 5 }
    }
}

/// The three learned recommenders, trained together on one corpus.
#[derive(Debug, Clone, Default)]
pub struct Recommenders {
    pub matcher: StringMatcher,
    pub tagger: Tagger,
    pub arguments: ArgumentRanker,
}

impl Recommenders {
    pub fn train(samples: &[Sample], gazetteer: &Gazetteer, config: &Config) -> Self {
        Self {
            matcher: StringMatcher::train(samples, gazetteer),
            tagger: Tagger::train(samples, gazetteer, config),
            arguments: ArgumentRanker::train(samples, config),
        }
    }

    /// Every recommender's raw proposals for one document, before [`visible`] filters them.
    pub fn suggest(&self, text: &str, ann: &Annotations) -> Vec<Suggestion> {
        let mut out = self.learned(text);
        out.extend(self.arguments.suggest(text, ann));
        out
    }
}

/// A set of spans, sorted once for binary search: built after every edit from 10,000
/// annotations, a vector sorts far faster than a tree set inserts.
pub(crate) struct SpanSet(Vec<Span>);

impl SpanSet {
    /// Ordered as a document orders its mentions (by start, the longer first), so the
    /// spans of a document's mentions come already sorted: sorting 10,000 of them again
    /// after each edit was most of the suggestions' refresh.
    fn of(spans: impl Iterator<Item = Span>) -> Self {
        let mut v: Vec<Span> = spans.collect();
        if !v.is_sorted_by_key(Self::key) {
            v.sort_unstable_by_key(Self::key);
        }
        Self(v)
    }

    fn key(span: &Span) -> (usize, std::cmp::Reverse<usize>) {
        (span.start, std::cmp::Reverse(span.end))
    }

    pub(crate) fn contains(&self, span: &Span) -> bool {
        let key = Self::key(span);
        self.0.binary_search_by_key(&key, Self::key).is_ok()
    }
}

/// The spans already annotated as a one-fragment mention, and as a one-fragment trigger:
/// a suggestion on one of them is not shown.
pub(crate) fn annotated_spans(ann: &Annotations) -> (SpanSet, SpanSet) {
    let mentions = SpanSet::of(
        ann.mentions
            .iter()
            .filter(|m| m.fragments.len() == 1)
            .map(|m| m.fragments[0]),
    );
    let triggers = SpanSet::of(
        ann.events
            .iter()
            .filter(|e| e.trigger.len() == 1)
            .map(|e| e.trigger[0]),
    );
    (mentions, triggers)
}

/// The suggestions to show: not rejected, at least `min_score`, not already annotated
/// (a mention or trigger with that exact span, or that argument in its event), and
/// one per span and type (the best-scored). Sorted by position.
pub fn visible(
    suggestions: Vec<Suggestion>,
    ann: &Annotations,
    rejections: &Rejections,
    min_score: f64,
) -> Vec<Suggestion> {
    // Argument suggestions (the selected event's, after every edit) need no spans.
    let spans = suggestions
        .iter()
        .any(|s| !matches!(s.proposal, Proposal::Argument { .. }))
        .then(|| annotated_spans(ann));
    let mut best: BTreeMap<(usize, usize, Layer, String, String), Suggestion> = BTreeMap::new();
    for s in suggestions {
        if s.rank() < min_score || rejections.is_rejected(&s, ann) {
            continue;
        }
        let open = match &s.proposal {
            Proposal::Mention { span, .. } => {
                !spans.as_ref().is_some_and(|(m, _)| m.contains(span))
            }
            Proposal::Event { span, .. } => !spans.as_ref().is_some_and(|(_, t)| t.contains(span)),
            Proposal::Argument {
                event,
                role,
                target,
                ..
            } => {
                ann.mention(target).is_some()
                    && ann.event(event).is_some_and(|e| {
                        !e.arguments
                            .iter()
                            .any(|a| &a.role == role && &a.target == target)
                    })
            }
        };
        if !open {
            continue;
        }
        let span = s.span();
        let extra = match &s.proposal {
            Proposal::Argument { event, .. } => event.clone(),
            _ => String::new(),
        };
        let key = (span.start, span.end, s.layer(), s.label().to_owned(), extra);
        match best.get(&key) {
            Some(kept) if kept.rank() >= s.rank() => {}
            _ => {
                best.insert(key, s);
            }
        }
    }
    best.into_values().collect()
}

/// Why a suggestion could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptError {
    /// The argument's event or target is no longer annotated.
    Missing { id: Id },
}

impl fmt::Display for AcceptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AcceptError::Missing { id } => write!(
                f,
                "{id} is no longer annotated, so this argument suggestion cannot be accepted"
            ),
        }
    }
}

impl std::error::Error for AcceptError {}

/// The one edit that turns `accepted` into annotations: mentions and events inserted where
/// they sort, with fresh ids, and arguments appended to their events. Applied through
/// [`crate::core::edit::History`], one undo takes the whole lot back.
pub fn accept_edit(ann: &Annotations, accepted: &[&Suggestion]) -> Result<Edit, AcceptError> {
    let mut starts: Vec<(usize, std::cmp::Reverse<usize>)> = ann
        .mentions
        .iter()
        .map(|m| (m.start(), std::cmp::Reverse(m.end())))
        .collect();
    let mut triggers: Vec<usize> = ann
        .events
        .iter()
        .map(|e| e.trigger.first().map_or(0, |t| t.start))
        .collect();
    let mut next_t: u64 = ann.next_id("T")[1..].parse().unwrap_or(1);
    let mut next_e: u64 = ann.next_id("E")[1..].parse().unwrap_or(1);
    let mut added_args: BTreeMap<&str, usize> = BTreeMap::new();
    let mut edits = Vec::with_capacity(accepted.len());
    for s in accepted {
        match &s.proposal {
            Proposal::Mention { span, kind } => {
                let key = (span.start, std::cmp::Reverse(span.end));
                let index = starts.partition_point(|k| *k <= key);
                starts.insert(index, key);
                let mention = Mention::new(format!("T{next_t}"), kind, vec![*span], &s.text);
                next_t += 1;
                edits.push(Edit::InsertMention { index, mention });
            }
            Proposal::Event { span, kind } => {
                let index = triggers.partition_point(|t| *t <= span.start);
                triggers.insert(index, span.start);
                let event = Event::new(format!("E{next_e}"), kind, vec![*span], &s.text, vec![]);
                next_e += 1;
                edits.push(Edit::InsertEvent { index, event });
            }
            Proposal::Argument {
                event,
                role,
                target,
                ..
            } => {
                let ev = ann
                    .event(event)
                    .ok_or_else(|| AcceptError::Missing { id: event.clone() })?;
                if !ann.contains_id(target) {
                    return Err(AcceptError::Missing { id: target.clone() });
                }
                let added = added_args.entry(event.as_str()).or_default();
                edits.push(Edit::InsertArgument {
                    event: event.clone(),
                    index: ev.arguments.len() + *added,
                    argument: Argument {
                        role: role.clone(),
                        target: target.clone(),
                    },
                });
                *added += 1;
            }
        }
    }
    Ok(if edits.len() == 1 {
        edits.pop().expect("one edit")
    } else {
        Edit::Batch(edits)
    })
}

/// The suggestions of one type (layer and label), for "accept all of this type".
pub fn of_type<'a>(
    suggestions: &'a [Suggestion],
    layer: Layer,
    label: &'a str,
) -> impl Iterator<Item = &'a Suggestion> + 'a {
    suggestions
        .iter()
        .filter(move |s| s.layer() == layer && s.label() == label)
}

/// The suggestions scored at least `min`, for "accept all above a score". An unscored
/// import counts as certain.
pub fn above(suggestions: &[Suggestion], min: f64) -> impl Iterator<Item = &Suggestion> + '_ {
    suggestions.iter().filter(move |s| s.rank() >= min)
}

#[cfg(test)]
mod tests;
