//! The recommenders' quality: precision, recall and F1 per type, on held-out documents
//! (ones the model was not trained on). A mention or trigger counts as right when its
//! span and type are exactly the gold ones; an argument when its event, role and target
//! are. Arguments are measured with the gold mentions and events given and their
//! arguments removed, as a user would meet them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{visible, Layer, Proposal, Recommenders, Rejections, Sample, Suggestion};
use crate::core::model::{Annotations, Span};

/// True and false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Which recommender a row measures: one of them, or all together as the user sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measured {
    All,
    StringMatcher,
    Tagger,
    ArgumentRanker,
}

impl Measured {
    pub fn name(self) -> &'static str {
        match self {
            Measured::All => "all",
            Measured::StringMatcher => "string-matcher",
            Measured::Tagger => "tagger",
            Measured::ArgumentRanker => "argument-ranker",
        }
    }
}

/// Counts per recommender, layer and type (an argument's type is its role).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quality {
    pub documents: usize,
    pub rows: BTreeMap<(Measured, Layer, String), Counts>,
}

impl Quality {
    /// Micro-averaged counts over every type of a layer, for one recommender.
    pub fn total(&self, who: Measured, layer: Layer) -> Counts {
        let mut c = Counts::default();
        for ((w, l, _), n) in &self.rows {
            if *w == who && *l == layer {
                c.add(*n);
            }
        }
        c
    }

    /// Micro-averaged counts of mentions and triggers together, for one recommender.
    pub fn spans(&self, who: Measured) -> Counts {
        let mut c = self.total(who, Layer::Mention);
        c.add(self.total(who, Layer::Event));
        c
    }

    /// A plain-text table: recommender, layer, type, P, R, F1 and the counts.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "recommender      layer     type                  P      R      F1     tp   fp   fn\n",
        );
        for ((who, layer, kind), c) in &self.rows {
            out.push_str(&format!(
                "{:<16} {:<9} {:<20} {:>6.3} {:>6.3} {:>6.3} {:>4} {:>4} {:>4}\n",
                who.name(),
                layer.name(),
                kind,
                c.precision(),
                c.recall(),
                c.f1(),
                c.tp,
                c.fp,
                c.fn_
            ));
        }
        out
    }
}

type Key = (Layer, Span, String);

fn score_into(
    quality: &mut Quality,
    who: Measured,
    gold: &BTreeSet<Key>,
    predicted: &BTreeSet<Key>,
) {
    for k in predicted {
        let row = quality.rows.entry((who, k.0, k.2.clone())).or_default();
        if gold.contains(k) {
            row.tp += 1;
        } else {
            row.fp += 1;
        }
    }
    for k in gold.difference(predicted) {
        quality.rows.entry((who, k.0, k.2.clone())).or_default().fn_ += 1;
    }
}

fn keys<'a>(suggestions: impl Iterator<Item = &'a Suggestion>) -> BTreeSet<Key> {
    suggestions
        .map(|s| match &s.proposal {
            Proposal::Argument {
                event,
                target,
                role,
                ..
            } => (
                Layer::Argument,
                s.span(),
                format!("{role}\u{1f}{event}\u{1f}{target}"),
            ),
            _ => (s.layer(), s.span(), s.label().to_owned()),
        })
        .collect()
}

/// Strip the event/target ids that make an argument key unique, leaving the role.
fn role_rows(quality: &mut Quality) {
    let rows = std::mem::take(&mut quality.rows);
    for ((who, layer, kind), c) in rows {
        let kind = match layer {
            Layer::Argument => kind.split('\u{1f}').next().unwrap_or("").to_owned(),
            _ => kind,
        };
        quality.rows.entry((who, layer, kind)).or_default().add(c);
    }
}

/// Measure `model` on `held_out`, showing suggestions scored at least `min_score`.
pub fn evaluate(model: &Recommenders, held_out: &[Sample], min_score: f64) -> Quality {
    let mut e = Evaluation::new(min_score);
    for s in held_out {
        let (matched, tagged) = model.learned_apart(s.text);
        e.add(model, s, &matched, &tagged);
    }
    e.finish()
}

/// A measurement in progress, one held-out document at a time (a worker measures a
/// model this way, between other requests).
#[derive(Debug, Clone)]
pub struct Evaluation {
    quality: Quality,
    min_score: f64,
}

impl Evaluation {
    pub fn new(min_score: f64) -> Self {
        Self {
            quality: Quality::default(),
            min_score,
        }
    }

    /// Score one held-out document, given the matcher's and the tagger's proposals for
    /// it (see [`Recommenders::learned_apart`]).
    pub fn add(
        &mut self,
        model: &Recommenders,
        s: &Sample,
        matched: &[Suggestion],
        tagged: &[Suggestion],
    ) {
        self.quality.documents += 1;
        let none = Rejections::default();
        let gold_ann = s.annotations;
        let mut gold: BTreeSet<Key> = BTreeSet::new();
        for m in &gold_ann.mentions {
            if let [f] = m.fragments[..] {
                gold.insert((Layer::Mention, f, m.kind.clone()));
            }
        }
        for e in &gold_ann.events {
            if let [f] = e.trigger[..] {
                gold.insert((Layer::Event, f, e.kind.clone()));
            }
        }
        let empty = Annotations::default();
        let shown = |v: &[Suggestion]| visible(v.to_vec(), &empty, &none, self.min_score);
        let all: Vec<Suggestion> = matched.iter().chain(tagged).cloned().collect();
        for (who, list) in [
            (Measured::StringMatcher, matched),
            (Measured::Tagger, tagged),
            (Measured::All, &all[..]),
        ] {
            score_into(&mut self.quality, who, &gold, &keys(shown(list).iter()));
        }
        // Arguments: the gold mentions and events, with every argument taken away.
        let mut bare = gold_ann.clone();
        let mut gold_args: BTreeSet<Key> = BTreeSet::new();
        for e in &mut bare.events {
            for a in e.arguments.drain(..) {
                if let Some(m) = gold_ann.mention(&a.target) {
                    if let [f] = m.fragments[..] {
                        gold_args.insert((
                            Layer::Argument,
                            f,
                            format!("{}\u{1f}{}\u{1f}{}", a.role, e.id, a.target),
                        ));
                    }
                }
            }
        }
        let args = visible(
            model.arguments.suggest(s.text, &bare),
            &bare,
            &none,
            self.min_score,
        );
        let predicted = keys(args.iter());
        score_into(
            &mut self.quality,
            Measured::ArgumentRanker,
            &gold_args,
            &predicted,
        );
        score_into(&mut self.quality, Measured::All, &gold_args, &predicted);
    }

    pub fn finish(mut self) -> Quality {
        role_rows(&mut self.quality);
        self.quality
    }
}
