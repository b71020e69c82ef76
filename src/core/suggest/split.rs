//! Which documents the recommenders learn from, and which measure them.
//!
//! The quality shown in the inspector is measured on documents marked done that the model
//! was not trained on: a fifth of the done documents (at least one, once two are done) is
//! held out, the ones whose id hashes lowest, so the choice is stable as the corpus grows.
//! Every other document with an annotation is trained on.

use crate::core::sort;
use std::borrow::Borrow;

use super::eval::evaluate;
use super::perceptron::feature;
use super::Sample;
use crate::core::model::{Document, Status};

/// Indices into the corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub held_out: Vec<usize>,
}

fn hash(id: &str) -> u64 {
    feature(0, &[id])
}

fn annotated(d: &Document) -> bool {
    !d.annotations.mentions.is_empty() || !d.annotations.events.is_empty()
}

/// The split of `documents` (owned or borrowed).
pub fn split<D: Borrow<Document>>(documents: &[D]) -> Split {
    let documents: Vec<&Document> = documents.iter().map(Borrow::borrow).collect();
    let mut done: Vec<usize> = (0..documents.len())
        .filter(|i| documents[*i].meta.status == Status::Done && annotated(documents[*i]))
        .collect();
    sort::sort_by_key(&mut done, |i| (hash(&documents[*i].meta.id), *i));
    let keep = match done.len() {
        0 | 1 => 0,
        n => n.div_ceil(5),
    };
    let mut held_out: Vec<usize> = done.into_iter().take(keep).collect();
    held_out.sort_unstable();
    let train = (0..documents.len())
        .filter(|i| annotated(documents[*i]) && held_out.binary_search(i).is_err())
        .collect();
    Split { train, held_out }
}

impl Split {
    pub fn train_samples<'a, D: Borrow<Document>>(&self, documents: &'a [D]) -> Vec<Sample<'a>> {
        self.train
            .iter()
            .map(|i| Sample::from(documents[*i].borrow()))
            .collect()
    }

    pub fn held_out_samples<'a, D: Borrow<Document>>(&self, documents: &'a [D]) -> Vec<Sample<'a>> {
        self.held_out
            .iter()
            .map(|i| Sample::from(documents[*i].borrow()))
            .collect()
    }
}

/// The quality of `model` on the held-out documents of `split`, as the inspector shows it;
/// `None` when no document is held out.
pub fn held_out_quality(
    model: &super::Recommenders,
    documents: &[Document],
    split: &Split,
    min_score: f64,
) -> Option<super::eval::Quality> {
    if split.held_out.is_empty() {
        return None;
    }
    Some(evaluate(
        model,
        &split.held_out_samples(documents),
        min_score,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Mention, Span};

    fn doc(n: usize, status: Status, tagged: bool) -> Document {
        let mut d = Document::new(&format!("d{n}"), &format!("Text number {n} in Kyiv."));
        d.meta.status = status;
        if tagged {
            d.annotations
                .mentions
                .push(Mention::new("T1", "GPE", vec![Span::new(15, 19)], "Kyiv"));
        }
        d
    }

    #[test]
    fn a_fifth_of_the_done_documents_is_held_out_and_never_trained_on() {
        let mut docs: Vec<Document> = (0..12)
            .map(|n| {
                doc(
                    n,
                    if n < 10 {
                        Status::Done
                    } else {
                        Status::InProgress
                    },
                    true,
                )
            })
            .collect();
        docs.push(doc(12, Status::NotStarted, false));
        let s = split(&docs);
        assert_eq!(s.held_out.len(), 2);
        assert!(s.held_out.iter().all(|i| *i < 10));
        assert_eq!(s.train.len(), 10);
        assert!(s.train.iter().all(|i| !s.held_out.contains(i) && *i != 12));
        // Stable: one more done document does not reshuffle the held-out ones.
        docs.push(doc(13, Status::Done, true));
        let again = split(&docs);
        assert!(s.held_out.iter().all(|i| again.held_out.contains(i)));
        // One done document alone is trained on, not held out.
        let one = split(&[doc(0, Status::Done, true), doc(1, Status::InProgress, true)]);
        assert_eq!(
            one,
            Split {
                train: vec![0, 1],
                held_out: vec![]
            }
        );
    }
}
