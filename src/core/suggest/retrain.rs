//! Retraining after edits, without blocking the page: the rules the browser's trainer
//! follows, kept here so they are tested natively.
//!
//! - [`Debounce`]: retrain once edits pause (`quiet` ms), and at the latest `max_wait` ms
//!   after the first edit of a burst, so a long stream of edits still retrains.
//! - The messages between the page and the training worker ([`ToWorker`], [`FromWorker`]):
//!   bytes, so the page can transfer them instead of copying.
//! - [`Job`]: the worker side. A newer snapshot supersedes the one in training, which
//!   is dropped; only the newest snapshot's model is sent back. The job keeps the model
//!   it trained, measures it on the held-out documents sent with the snapshot, and
//!   predicts a document's learned suggestions on request, the newest request first
//!   (see `core::suggest::predict::Requests` for the page's side of it).
//! - [`Latest`]: the page side. A model that arrives for a superseded snapshot is ignored.

use crate::core::sort;
use std::sync::Arc;

use super::eval::{Evaluation, Quality};
use super::layer::place_cmp;
use super::predict::Prediction;
use super::snapshot::{encode_snapshot, read_snapshot, write_snapshot};
use super::training::Training;
use super::wire::{
    encode_model, get_quality, get_suggestions, put_quality, put_suggestions, Reader, WireError,
    Writer,
};
use super::{Config, Gazetteer, Recommenders, Sample, Suggestion};
use crate::core::model::Annotations;

/// When to retrain after edits. Times are milliseconds on any one clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Debounce {
    pub quiet: f64,
    pub max_wait: f64,
    first: Option<f64>,
    last: Option<f64>,
}

impl Default for Debounce {
    /// Retrain 1.5 s after the last edit, and at least every 10 s while editing.
    fn default() -> Self {
        Self::new(1_500.0, 10_000.0)
    }
}

impl Debounce {
    pub fn new(quiet: f64, max_wait: f64) -> Self {
        Self {
            quiet,
            max_wait,
            first: None,
            last: None,
        }
    }

    /// An edit at `now`: returns when to check again ([`Debounce::due`]).
    pub fn edit(&mut self, now: f64) -> f64 {
        self.first.get_or_insert(now);
        self.last = Some(now);
        self.deadline().expect("an edit is pending")
    }

    /// When the pending edits are due for a retrain, if any are pending.
    pub fn deadline(&self) -> Option<f64> {
        let (first, last) = (self.first?, self.last?);
        Some((last + self.quiet).min(first + self.max_wait))
    }

    /// True (once) when a retrain is due at `now`; the burst of edits is then done.
    pub fn due(&mut self, now: f64) -> bool {
        match self.deadline() {
            Some(d) if now >= d => {
                self.first = None;
                self.last = None;
                true
            }
            _ => false,
        }
    }

    pub fn is_pending(&self) -> bool {
        self.first.is_some()
    }
}

const TO_TRAIN: u8 = 1;
const TO_CANCEL: u8 = 2;
const TO_PREDICT: u8 = 3;
const TO_TRAIN_MEASURED: u8 = 4;
const FROM_READY: u8 = 10;
const FROM_PROGRESS: u8 = 11;
const FROM_TRAINED: u8 = 12;
const FROM_FAILED: u8 = 13;
const FROM_PREDICTED: u8 = 14;

/// Held-out documents to measure a model on, once trained, at a minimum score.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub documents: Vec<(String, Annotations)>,
    pub min_score: f64,
}

/// A message to the worker, decoded.
pub enum ToWorker {
    /// Train on this snapshot, dropping any older one; then measure the model, if asked.
    Train {
        seq: u32,
        training: Box<Training>,
        measure: Option<Measure>,
    },
    /// Stop training snapshot `seq` (if it is the one in training).
    Cancel { seq: u32 },
    /// Predict the learned suggestions of `text` with the newest model, dropping any
    /// older request's prediction.
    Predict { request: u32, text: String },
}

/// The message asking the worker to train on `samples`: numbered `seq`.
pub fn train_message(
    seq: u32,
    samples: &[Sample],
    gazetteer: &Gazetteer,
    config: &Config,
) -> Vec<u8> {
    let mut w = Writer::with_capacity(snapshot_size(samples) + 1024);
    w.raw(&[TO_TRAIN]);
    w.uint(u64::from(seq));
    write_snapshot(&mut w, samples, gazetteer, config);
    w.bytes
}

fn snapshot_size(samples: &[Sample]) -> usize {
    samples
        .iter()
        .map(|s| s.text.len() + 64 * s.annotations.count())
        .sum()
}

/// Like [`train_message`], and then measure the model on `held_out` (the quality the
/// inspector shows), showing suggestions scored at least `min_score`.
pub fn train_measured_message(
    seq: u32,
    samples: &[Sample],
    held_out: &[Sample],
    min_score: f64,
    gazetteer: &Gazetteer,
    config: &Config,
) -> Vec<u8> {
    let held = encode_snapshot(held_out, &Gazetteer::default(), config);
    let mut w = Writer::with_capacity(snapshot_size(samples) + held.len() + 1024);
    w.raw(&[TO_TRAIN_MEASURED]);
    w.uint(u64::from(seq));
    w.f64(min_score);
    w.len(held.len());
    w.raw(&held);
    write_snapshot(&mut w, samples, gazetteer, config);
    w.bytes
}

/// The message asking for the learned suggestions of `text`: request number `request`.
pub fn predict_message(request: u32, text: &str) -> Vec<u8> {
    let mut w = Writer::with_capacity(text.len() + 16);
    w.raw(&[TO_PREDICT]);
    w.uint(u64::from(request));
    w.str(text);
    w.bytes
}

pub fn cancel_message(seq: u32) -> Vec<u8> {
    let mut w = Writer::default();
    w.raw(&[TO_CANCEL]);
    w.uint(u64::from(seq));
    w.bytes
}

fn seq_of(r: &mut Reader) -> Result<u32, WireError> {
    u32::try_from(r.uint()?).map_err(|_| r.error("a snapshot number past 2^32"))
}

impl ToWorker {
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        match r.raw(1)?[0] {
            kind @ (TO_TRAIN | TO_TRAIN_MEASURED) => {
                let seq = seq_of(&mut r)?;
                let measure = if kind == TO_TRAIN_MEASURED {
                    let min_score = r.f64()?;
                    let n = r.len(1)?;
                    let held = read_snapshot(&mut Reader::new(r.raw(n)?))?;
                    Some(Measure {
                        documents: held.documents,
                        min_score,
                    })
                } else {
                    None
                };
                let snapshot = read_snapshot(&mut r)?;
                Ok(ToWorker::Train {
                    seq,
                    training: Box::new(snapshot.training()),
                    measure,
                })
            }
            TO_CANCEL => Ok(ToWorker::Cancel {
                seq: seq_of(&mut r)?,
            }),
            TO_PREDICT => {
                let request = seq_of(&mut r)?;
                let text = r.string()?;
                if !r.is_done() {
                    return Err(r.error("bytes after the message"));
                }
                Ok(ToWorker::Predict { request, text })
            }
            _ => Err(r.error("an unknown message to the trainer")),
        }
    }
}

/// A message from the worker, decoded; `model` borrows the message's bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum FromWorker<'a> {
    /// The worker has started and takes snapshots.
    Ready,
    /// Snapshot `seq` is `fraction` (0 to 1) trained.
    Progress { seq: u32, fraction: f64 },
    /// Snapshot `seq` is trained, in `ms` of the worker's time (measuring included): its
    /// quality on the held-out documents, if asked, and the model, as
    /// [`super::wire::encode_model`] writes it.
    Trained {
        seq: u32,
        ms: f64,
        quality: Option<Quality>,
        model: &'a [u8],
    },
    /// The snapshot could not be read (a bug: the page wrote it).
    Failed { seq: u32, message: String },
    /// The learned suggestions asked for by `request`, predicted in `ms` with the model
    /// of snapshot `model` (0: the worker had no model yet, and `suggestions` is empty).
    Predicted {
        request: u32,
        model: u32,
        ms: f64,
        suggestions: Vec<Suggestion>,
    },
}

/// The `Predicted` message, written from borrowed suggestions.
pub fn predicted_message(request: u32, model: u32, ms: f64, suggestions: &[Suggestion]) -> Vec<u8> {
    let mut w = Writer::with_capacity(32 + 40 * suggestions.len());
    w.raw(&[FROM_PREDICTED]);
    w.uint(u64::from(request));
    w.uint(u64::from(model));
    w.f64(ms);
    put_suggestions(&mut w, suggestions);
    w.bytes
}

fn trained_message(seq: u32, ms: f64, quality: Option<&Quality>, model: &[u8]) -> Vec<u8> {
    let mut w = Writer::with_capacity(model.len() + 64);
    w.raw(&[FROM_TRAINED]);
    w.uint(u64::from(seq));
    w.f64(ms);
    match quality {
        Some(q) => {
            w.raw(&[1]);
            put_quality(&mut w, q);
        }
        None => w.raw(&[0]),
    }
    w.raw(model);
    w.bytes
}

impl<'a> FromWorker<'a> {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        match self {
            FromWorker::Ready => w.raw(&[FROM_READY]),
            FromWorker::Progress { seq, fraction } => {
                w.raw(&[FROM_PROGRESS]);
                w.uint(u64::from(*seq));
                w.f64(*fraction);
            }
            FromWorker::Trained {
                seq,
                ms,
                quality,
                model,
            } => return trained_message(*seq, *ms, quality.as_ref(), model),
            FromWorker::Failed { seq, message } => {
                w.raw(&[FROM_FAILED]);
                w.uint(u64::from(*seq));
                w.str(message);
            }
            FromWorker::Predicted {
                request,
                model,
                ms,
                suggestions,
            } => return predicted_message(*request, *model, *ms, suggestions),
        }
        w.bytes
    }

    pub fn decode(bytes: &'a [u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let out = match r.raw(1)?[0] {
            FROM_READY => FromWorker::Ready,
            FROM_PROGRESS => FromWorker::Progress {
                seq: seq_of(&mut r)?,
                fraction: r.f64()?,
            },
            FROM_TRAINED => {
                let seq = seq_of(&mut r)?;
                let ms = r.f64()?;
                let quality = match r.raw(1)?[0] {
                    0 => None,
                    1 => Some(get_quality(&mut r)?),
                    _ => return Err(r.error("a bad quality flag")),
                };
                return Ok(FromWorker::Trained {
                    seq,
                    ms,
                    quality,
                    model: &bytes[consumed(&r, bytes)..],
                });
            }
            FROM_FAILED => FromWorker::Failed {
                seq: seq_of(&mut r)?,
                message: r.string()?,
            },
            FROM_PREDICTED => FromWorker::Predicted {
                request: seq_of(&mut r)?,
                model: seq_of(&mut r)?,
                ms: r.f64()?,
                suggestions: get_suggestions(&mut r)?,
            },
            _ => return Err(r.error("an unknown message from the trainer")),
        };
        if !r.is_done() {
            return Err(r.error("bytes after the message"));
        }
        Ok(out)
    }
}

/// How many bytes `r` has read of `bytes`.
fn consumed(r: &Reader, bytes: &[u8]) -> usize {
    bytes.len() - r.left()
}

/// A model trained (and measured, if asked).
#[derive(Debug, Clone)]
pub struct Finished {
    pub seq: u32,
    /// Training and measuring time, on the job's clock.
    pub ms: f64,
    pub model: Arc<Recommenders>,
    pub quality: Option<Quality>,
}

/// A document's learned suggestions, as asked by `request`.
#[derive(Debug, Clone)]
pub struct Predicted {
    pub request: u32,
    /// The snapshot number of the model that predicted (0: no model yet).
    pub model: u32,
    pub ms: f64,
    pub suggestions: Vec<Suggestion>,
}

/// What one step of a [`Job`] finished.
#[derive(Debug, Clone)]
pub enum Done {
    Trained(Finished),
    Predicted(Predicted),
}

/// Measuring a trained model, one chunk of one held-out document at a time.
struct Measuring {
    model: Arc<Recommenders>,
    measure: Measure,
    next: usize,
    prediction: Option<Prediction>,
    evaluation: Evaluation,
}

enum Phase {
    Training(Box<Training>, Option<Measure>),
    Measuring(Box<Measuring>),
}

struct Current {
    seq: u32,
    phase: Phase,
    started: f64,
}

struct Predicting {
    request: u32,
    prediction: Prediction,
    started: f64,
}

/// The worker's job: the newest snapshot in training, the newest model trained (kept, to
/// predict with), and the newest prediction asked for. Predictions go first: a user is
/// waiting for the open document, while a retraining is in the background.
#[derive(Default)]
pub struct Job {
    current: Option<Current>,
    /// The newest snapshot number seen: a message about an older one changes nothing.
    newest: Option<u32>,
    model: Option<(u32, Arc<Recommenders>)>,
    predicting: Option<Predicting>,
    newest_request: Option<u32>,
}

impl Job {
    /// Take a message received at `now` (ms). A bad message gives the `Failed` reply.
    pub fn receive(&mut self, bytes: &[u8], now: f64) -> Option<Vec<u8>> {
        match ToWorker::decode(bytes) {
            Ok(ToWorker::Train {
                seq,
                training,
                measure,
            }) => {
                if self.newest.is_some_and(|n| seq < n) {
                    return None;
                }
                self.newest = Some(seq);
                // The older snapshot's training is dropped here, half done.
                self.current = Some(Current {
                    seq,
                    phase: Phase::Training(training, measure),
                    started: now,
                });
                None
            }
            Ok(ToWorker::Cancel { seq }) => {
                if self.current.as_ref().is_some_and(|c| c.seq == seq) {
                    self.current = None;
                }
                None
            }
            Ok(ToWorker::Predict { request, text }) => {
                if self.newest_request.is_some_and(|n| request < n) {
                    return None;
                }
                self.newest_request = Some(request);
                // An older request's prediction is dropped here, half done.
                self.predicting = Some(Predicting {
                    request,
                    prediction: Prediction::new(text),
                    started: now,
                });
                None
            }
            Err(e) => Some(
                FromWorker::Failed {
                    seq: self.newest.unwrap_or(0),
                    message: e.to_string(),
                }
                .encode(),
            ),
        }
    }

    /// The snapshot in training (or being measured), if any.
    pub fn training(&self) -> Option<u32> {
        self.current.as_ref().map(|c| c.seq)
    }

    /// The request being predicted, if any.
    pub fn predicting(&self) -> Option<u32> {
        self.predicting.as_ref().map(|p| p.request)
    }

    /// Whether there is work to do.
    pub fn is_busy(&self) -> bool {
        self.current.is_some() || self.predicting.is_some()
    }

    /// The snapshot number of the model it predicts with.
    pub fn model_seq(&self) -> Option<u32> {
        self.model.as_ref().map(|m| m.0)
    }

    /// Predict with `model` (snapshot `seq`) from now on: what the page gives a job on
    /// its own thread when the model came from elsewhere (a worker that then died).
    pub fn keep(&mut self, seq: u32, model: Arc<Recommenders>) {
        if self.model_seq().is_none_or(|s| s < seq) {
            self.model = Some((seq, model));
        }
    }

    pub fn progress(&self) -> Option<FromWorker<'static>> {
        let c = self.current.as_ref()?;
        let fraction = match &c.phase {
            Phase::Training(t, _) => t.progress().min(1.0),
            Phase::Measuring(_) => 1.0,
        };
        Some(FromWorker::Progress {
            seq: c.seq,
            fraction,
        })
    }

    /// One slice of work at `now` (ms): a chunk of the prediction asked for, if any, or
    /// else about `budget` words of training (or a chunk of the measuring). Returns what
    /// the slice finished, as the message for the page.
    pub fn work(&mut self, budget: usize, now: f64) -> Option<Vec<u8>> {
        Some(match self.step(budget, now)? {
            Done::Trained(f) => {
                trained_message(f.seq, f.ms, f.quality.as_ref(), &encode_model(&f.model))
            }
            Done::Predicted(p) => predicted_message(p.request, p.model, p.ms, &p.suggestions),
        })
    }

    /// Like [`Job::work`], but what finished itself (for a job on the page's own thread:
    /// nothing to encode).
    pub fn step(&mut self, budget: usize, now: f64) -> Option<Done> {
        if self.predicting.is_some() {
            return self.step_prediction(now).map(Done::Predicted);
        }
        self.step_training(budget, now).map(Done::Trained)
    }

    fn step_prediction(&mut self, now: f64) -> Option<Predicted> {
        let Some((seq, model)) = self.model.clone() else {
            let p = self.predicting.take()?;
            return Some(Predicted {
                request: p.request,
                model: 0,
                ms: now - p.started,
                suggestions: Vec::new(),
            });
        };
        let p = self.predicting.as_mut()?;
        if !p.prediction.step(&model) {
            return None;
        }
        let p = self.predicting.take()?;
        // In reading order (stably: the order ties are broken by stays), so the page
        // merges them with its imported ones in one pass.
        let mut suggestions = p.prediction.finish();
        sort::sort_by(&mut suggestions, place_cmp);
        Some(Predicted {
            request: p.request,
            model: seq,
            ms: now - p.started,
            suggestions,
        })
    }

    fn step_training(&mut self, budget: usize, now: f64) -> Option<Finished> {
        let c = self.current.as_mut()?;
        let finished = match &mut c.phase {
            Phase::Training(training, _) => training.step(budget),
            Phase::Measuring(m) => m.step(),
        };
        if !finished {
            return None;
        }
        // The phase is done: measure next, or hand the model over.
        let c = self.current.take()?;
        let (model, quality) = match c.phase {
            Phase::Training(training, measure) => {
                let model = Arc::new(training.finish());
                if let Some(measure) = measure.filter(|m| !m.documents.is_empty()) {
                    self.current = Some(Current {
                        phase: Phase::Measuring(Box::new(Measuring {
                            evaluation: Evaluation::new(measure.min_score),
                            model,
                            measure,
                            next: 0,
                            prediction: None,
                        })),
                        ..c
                    });
                    return None;
                }
                (model, None)
            }
            Phase::Measuring(m) => (m.model, Some(m.evaluation.finish())),
        };
        self.model = Some((c.seq, model.clone()));
        Some(Finished {
            seq: c.seq,
            ms: now - c.started,
            model,
            quality,
        })
    }
}

impl Measuring {
    /// One chunk of one held-out document; true when every document is measured.
    fn step(&mut self) -> bool {
        let Some((text, ann)) = self.measure.documents.get(self.next) else {
            return true;
        };
        let p = self
            .prediction
            .get_or_insert_with(|| Prediction::new(text.clone()));
        if p.step(&self.model) {
            let (matched, tagged) = self.prediction.take().expect("above").apart();
            self.evaluation
                .add(&self.model, &Sample::new(text, ann), &matched, &tagged);
            self.next += 1;
        }
        self.next >= self.measure.documents.len()
    }
}

/// The page's side: numbers the snapshots it sends and keeps only the newest's model.
#[derive(Debug, Default, Clone)]
pub struct Latest {
    sent: u32,
}

impl Latest {
    /// The number of a new snapshot, superseding every earlier one.
    pub fn next_seq(&mut self) -> u32 {
        self.sent += 1;
        self.sent
    }

    pub fn is_current(&self, seq: u32) -> bool {
        seq == self.sent
    }
}

#[cfg(test)]
mod tests;
