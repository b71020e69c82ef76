//! Retraining after edits, without blocking the page: the rules the browser's trainer
//! follows, kept here so they are tested natively.
//!
//! - [`Debounce`]: retrain once edits pause (`quiet` ms), and at the latest `max_wait` ms
//!   after the first edit of a burst, so a long stream of edits still retrains.
//! - The messages between the page and the training worker ([`ToWorker`], [`FromWorker`]):
//!   bytes, so the page can transfer them instead of copying.
//! - [`Job`]: the worker side. A newer snapshot supersedes the one in training, which
//!   is dropped; only the newest snapshot's model is sent back.
//! - [`Latest`]: the page side. A model that arrives for a superseded snapshot is ignored.

use super::snapshot::{read_snapshot, write_snapshot};
use super::training::Training;
use super::wire::{encode_model, Reader, WireError, Writer};
use super::{Config, Gazetteer, Recommenders, Sample};

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
const FROM_READY: u8 = 10;
const FROM_PROGRESS: u8 = 11;
const FROM_TRAINED: u8 = 12;
const FROM_FAILED: u8 = 13;

/// A message to the worker, decoded.
pub enum ToWorker {
    /// Train on this snapshot, dropping any older one.
    Train { seq: u32, training: Box<Training> },
    /// Stop training snapshot `seq` (if it is the one in training).
    Cancel { seq: u32 },
}

/// The message asking the worker to train on `samples`: numbered `seq`.
pub fn train_message(
    seq: u32,
    samples: &[Sample],
    gazetteer: &Gazetteer,
    config: &Config,
) -> Vec<u8> {
    let size: usize = samples
        .iter()
        .map(|s| s.text.len() + 64 * s.annotations.count())
        .sum();
    let mut w = Writer::with_capacity(size + 1024);
    w.raw(&[TO_TRAIN]);
    w.uint(u64::from(seq));
    write_snapshot(&mut w, samples, gazetteer, config);
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
            TO_TRAIN => {
                let seq = seq_of(&mut r)?;
                let snapshot = read_snapshot(&mut r)?;
                Ok(ToWorker::Train {
                    seq,
                    training: Box::new(snapshot.training()),
                })
            }
            TO_CANCEL => Ok(ToWorker::Cancel {
                seq: seq_of(&mut r)?,
            }),
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
    /// Snapshot `seq` is trained, in `ms` of the worker's time: the model, as
    /// [`super::wire::encode_model`] writes it.
    Trained { seq: u32, ms: f64, model: &'a [u8] },
    /// The snapshot could not be read (a bug: the page wrote it).
    Failed { seq: u32, message: String },
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
            FromWorker::Trained { seq, ms, model } => {
                w.bytes.reserve(model.len() + 16);
                w.raw(&[FROM_TRAINED]);
                w.uint(u64::from(*seq));
                w.f64(*ms);
                w.raw(model);
            }
            FromWorker::Failed { seq, message } => {
                w.raw(&[FROM_FAILED]);
                w.uint(u64::from(*seq));
                w.str(message);
            }
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
                return Ok(FromWorker::Trained {
                    seq,
                    ms,
                    model: &bytes[consumed(&r, bytes)..],
                });
            }
            FROM_FAILED => FromWorker::Failed {
                seq: seq_of(&mut r)?,
                message: r.string()?,
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

/// The worker's training job: the newest snapshot and its training.
#[derive(Default)]
pub struct Job {
    current: Option<(u32, Box<Training>, f64)>,
    /// The newest snapshot number seen: a message about an older one changes nothing.
    newest: Option<u32>,
}

impl Job {
    /// Take a message received at `now` (ms). A bad message gives the `Failed` reply.
    pub fn receive(&mut self, bytes: &[u8], now: f64) -> Option<Vec<u8>> {
        match ToWorker::decode(bytes) {
            Ok(ToWorker::Train { seq, training }) => {
                if self.newest.is_some_and(|n| seq < n) {
                    return None;
                }
                self.newest = Some(seq);
                // The older snapshot's training is dropped here, half done.
                self.current = Some((seq, training, now));
                None
            }
            Ok(ToWorker::Cancel { seq }) => {
                if self.current.as_ref().is_some_and(|c| c.0 == seq) {
                    self.current = None;
                }
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

    /// The snapshot in training, if any.
    pub fn training(&self) -> Option<u32> {
        self.current.as_ref().map(|c| c.0)
    }

    pub fn progress(&self) -> Option<FromWorker<'static>> {
        let (seq, t, _) = self.current.as_ref()?;
        Some(FromWorker::Progress {
            seq: *seq,
            fraction: t.progress().min(1.0),
        })
    }

    /// One slice of about `budget` words of work, at `now` (ms): the `Trained` message
    /// when this slice finished the training.
    pub fn work(&mut self, budget: usize, now: f64) -> Option<Vec<u8>> {
        let (seq, ms, model) = self.work_model(budget, now)?;
        let model = encode_model(&model);
        Some(
            FromWorker::Trained {
                seq,
                ms,
                model: &model,
            }
            .encode(),
        )
    }

    /// Like [`Job::work`], but the model itself with its snapshot number and training
    /// time (for training where the model is used: nothing to encode).
    pub fn work_model(&mut self, budget: usize, now: f64) -> Option<(u32, f64, Recommenders)> {
        let (_, training, _) = self.current.as_mut()?;
        if !training.step(budget) {
            return None;
        }
        let (seq, training, started) = self.current.take().expect("in training");
        Some((seq, now - started, training.finish()))
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
