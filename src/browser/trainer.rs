//! Training the recommenders off the main thread: the page submits a snapshot of the
//! corpus, a Web Worker trains on it, and the model comes back, with no main-thread task
//! longer than a few milliseconds while it trains.
//!
//! Design: the app's own wasm is started a second time, in a worker created from a Blob
//! URL. The worker gets the page's already compiled `WebAssembly.Module` by
//! `postMessage`, so nothing is downloaded or compiled twice, and the bundle grows only by
//! the worker's entry points ([`trainer_worker_start`], [`TrainerWorker`]) and a few lines
//! of JS. `main` does not mount the UI where there is no `window`. Served over HTTP, the
//! worker is a module worker that imports the glue JS by URL (trunk's `modulepreload`
//! link names it; the CSP allows `worker-src 'self' blob:`). From `file://`
//! (dist/loupe.html, where the glue is inline) it is a classic worker holding the glue's
//! own text, cut from the page's script at [`GLUE_END`]: Chromium refuses module workers
//! from the Blob URLs of an opaque origin. A second trunk binary (`data-type="worker"`)
//! would have been a second wasm of its own (the core, serde and the recommenders
//! again), downloaded and compiled apart, and base64-inlined a second time into
//! loupe.html.
//!
//! If no worker can start (a policy forbids it, the module cannot be sent, or it dies),
//! training falls back to the main thread, in slices of about [`MAIN_SLICE_MS`] ms between
//! which the page paints and handles input; [`Trainer::mode`] says which is in use. Both
//! run the same [`Job`], so the model is the same.
//!
//! The worker keeps the model it trained. With [`Trainer::train_measured`] it measures it
//! on held-out documents before sending it back (the quality comes with the model), and
//! [`Trainer::predict`] has it predict a document's learned suggestions: the page sends
//! the text, the worker predicts a chunk of paragraphs per step (a newer request drops the
//! one in progress; predictions go before a training in progress) and sends the
//! suggestions back in reading order. On the main thread the same job does the same in
//! slices, with the newest model the page has.
//!
//! The rules (message format, supersede, debounce, stale replies) are in
//! `core::suggest::retrain` and `core::suggest::predict`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, Url, Worker,
    WorkerOptions, WorkerType,
};

use std::sync::Arc;

use crate::core::model::Annotations;
use crate::core::suggest::eval::Quality;
use crate::core::suggest::retrain::{
    cancel_message, predict_message, predicted_message, train_measured_message, train_message,
    Debounce, Done, FromWorker, Job, Latest,
};
use crate::core::suggest::wire::{decode_model, encode_model};
use crate::core::suggest::{
    visible, Config, Gazetteer, Recommenders, Rejections, Sample, Suggestion,
};

#[wasm_bindgen]
extern "C" {
    /// `performance.now()` of the global object: the window's or the worker's.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// In dist/loupe.html, the end of the inline glue JS (scripts/single-file.mjs writes it).
pub const GLUE_END: &str = "//# loupe-glue-end";

/// The worker's script after the glue: take the wasm module from the first message, start
/// the Rust side, and hand it every message (those that came early too).
const WORKER_BODY: &str = r#"
const early = [];
let trainer = null;
self.onmessage = async ({ data }) => {
  if (data && data.loupeModule) {
    try {
      await init({ module_or_path: data.loupeModule });
      trainer = trainer_worker_start();
    } catch (e) {
      self.postMessage({ loupeError: String((e && e.stack) || e) });
      return;
    }
    for (const m of early.splice(0)) trainer.receive(m);
  } else if (trainer) trainer.receive(data);
  else early.push(data);
};
"#;

/// Work per slice in the worker: long slices (it blocks nothing), short enough that a newer
/// snapshot supersedes within a few tens of ms.
const WORKER_SLICE_MS: f64 = 40.0;
/// Work per slice on the main thread, when no worker could start.
pub const MAIN_SLICE_MS: f64 = 8.0;
/// Words of work per `Training::step`: small, so a slice ends close to its time.
const STEP_WORDS: usize = 400;
/// Progress is reported at most this often.
const PROGRESS_MS: f64 = 100.0;
/// A worker that has not answered by then is taken for dead.
const READY_TIMEOUT_MS: u32 = 15_000;

/// Yield to the event loop: a message-channel task, which (unlike a nested `setTimeout`)
/// is not clamped to 4 ms.
async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Ok(channel) = MessageChannel::new() {
            channel.port1().set_onmessage(Some(&resolve));
            if channel.port2().post_message(&JsValue::NULL).is_ok() {
                return;
            }
        }
        let _ = resolve.call0(&JsValue::NULL);
    });
    let _ = JsFuture::from(promise).await;
}

/// Do whatever `job` holds (predictions first, then training), in slices of `slice_ms`,
/// until it holds nothing; each reply (progress, a model, a prediction) goes to `post`.
/// Between slices the event loop runs: on the page it paints and takes input, in the
/// worker a newer request supersedes the one in progress.
async fn drive(job: Rc<RefCell<Job>>, slice_ms: f64, post: Rc<dyn Fn(Reply)>) {
    let mut reported = performance_now();
    loop {
        let start = performance_now();
        loop {
            let done = job.borrow_mut().step(STEP_WORDS, performance_now());
            if let Some(done) = done {
                post(Reply::Done(done));
                break;
            }
            if !job.borrow().is_busy() || performance_now() - start >= slice_ms {
                break;
            }
        }
        if !job.borrow().is_busy() {
            return;
        }
        let progress = job.borrow().progress();
        if let Some(p) = progress {
            if performance_now() - reported >= PROGRESS_MS {
                reported = performance_now();
                post(Reply::Message(p.encode()));
            }
        }
        yield_now().await;
    }
}

/// What [`drive`] hands on: a message for the page, or what a step finished.
enum Reply {
    Message(Vec<u8>),
    Done(Done),
}

// ---- the worker side ----

fn worker_scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post_to_page(bytes: Vec<u8>) {
    let array = Uint8Array::from(&bytes[..]);
    let _ = worker_scope().post_message_with_transfer(&array, &Array::of1(&array.buffer()));
}

/// The trainer inside the worker: takes the page's messages, trains, posts the model.
#[wasm_bindgen]
pub struct TrainerWorker {
    job: Rc<RefCell<Job>>,
    running: Rc<Cell<bool>>,
}

/// The worker's entry point (its script calls it once the wasm is instantiated).
#[wasm_bindgen]
pub fn trainer_worker_start() -> TrainerWorker {
    post_to_page(FromWorker::Ready.encode());
    TrainerWorker {
        job: Rc::default(),
        running: Rc::default(),
    }
}

#[wasm_bindgen]
impl TrainerWorker {
    /// One message from the page (a `Uint8Array`, see `core::suggest::retrain`).
    pub fn receive(&self, message: Uint8Array) {
        let reply = self
            .job
            .borrow_mut()
            .receive(&message.to_vec(), performance_now());
        if let Some(reply) = reply {
            post_to_page(reply);
        }
        if self.running.get() || !self.job.borrow().is_busy() {
            return;
        }
        self.running.set(true);
        let (job, running) = (self.job.clone(), self.running.clone());
        spawn_local(async move {
            let post: Rc<dyn Fn(Reply)> = Rc::new(|r| match r {
                Reply::Message(m) => post_to_page(m),
                Reply::Done(Done::Trained(f)) => post_to_page(
                    FromWorker::Trained {
                        seq: f.seq,
                        ms: f.ms,
                        quality: f.quality,
                        model: &encode_model(&f.model),
                    }
                    .encode(),
                ),
                Reply::Done(Done::Predicted(p)) => {
                    post_to_page(predicted_message(p.request, p.model, p.ms, &p.suggestions))
                }
            });
            drive(job, WORKER_SLICE_MS, post).await;
            running.set(false);
        });
    }
}

// ---- the page side ----

/// Where training runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Worker,
    /// No worker could start: sliced training on the main thread.
    MainThread,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Worker => "worker",
            Mode::MainThread => "main-thread",
        }
    }

    /// For the UI: "Training in a background worker".
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Worker => "Training in a background worker",
            Mode::MainThread => "Training on the main thread, in slices (no worker could start)",
        }
    }

    /// Where it ran, for a sentence: "in a background worker".
    pub fn place(self) -> &'static str {
        match self {
            Mode::Worker => "in a background worker",
            Mode::MainThread => "on the main thread, in slices (no worker could start)",
        }
    }
}

/// A model that came back, with what it cost.
#[derive(Clone)]
pub struct Trained {
    /// The snapshot's number, as [`Trainer::submit`] returned it.
    pub seq: u32,
    pub model: Arc<Recommenders>,
    /// Its quality on the held-out documents, when [`Trainer::train_measured`] asked.
    pub quality: Option<Quality>,
    pub mode: Mode,
    /// Training time where it ran (the worker's clock).
    pub train_ms: f64,
    /// From submit to the model ready on the page.
    pub round_trip_ms: f64,
    /// Building the snapshot message, on the page.
    pub encode_ms: f64,
    /// Reading the model, on the page (0 on the main thread: nothing to read).
    pub decode_ms: f64,
    /// The model's size as sent (0 on the main thread).
    pub model_bytes: usize,
}

/// A document's learned suggestions, predicted where the model is.
pub struct Predicted {
    /// The request's number, as [`Trainer::predict`] returned it.
    pub request: u32,
    /// The number of the model that predicted (its snapshot's): 0 if there was none.
    pub model: u32,
    pub suggestions: Vec<Suggestion>,
    pub mode: Mode,
    /// Prediction time where it ran.
    pub predict_ms: f64,
    /// From the request to the suggestions on the page.
    pub round_trip_ms: f64,
    /// Reading the suggestions, on the page (0 on the main thread).
    pub decode_ms: f64,
}

/// What the trainer tells its owner.
#[derive(Clone)]
pub enum TrainerEvent {
    /// Snapshot `seq` is `fraction` (0 to 1) trained.
    Progress { seq: u32, fraction: f64 },
    /// The newest snapshot's model: older ones never arrive.
    Trained(Trained),
    /// The worker could not start or died: training goes on on the main thread.
    FellBack { reason: String },
    /// The worker could not read a snapshot, or its model could not be read.
    Failed { message: String },
}

struct Sent {
    seq: u32,
    message: Vec<u8>,
    at: f64,
    encode_ms: f64,
    posted: bool,
}

/// What [`Trainer::edited`] calls when a retrain is due.
type Rebuild = Rc<dyn Fn(&Trainer)>;
/// What [`Trainer::train`] calls with the model.
type OnTrained = Box<dyn FnOnce(Trained)>;
/// What [`Trainer::predict`] calls with the suggestions.
type OnPredicted = Box<dyn FnOnce(Predicted)>;

/// The newest prediction asked for, until its reply.
struct Asked {
    request: u32,
    message: Vec<u8>,
    at: f64,
    posted: bool,
    done: OnPredicted,
}

struct State {
    mode: Mode,
    worker: Option<Worker>,
    /// The worker script's Blob URL, until the worker answers.
    worker_url: Option<String>,
    ready: bool,
    latest: Latest,
    /// The newest snapshot until its model arrives: resent on the main thread if the
    /// worker dies.
    sent: Option<Sent>,
    local: Rc<RefCell<Job>>,
    local_running: bool,
    debounce: Debounce,
    timer: Option<Timeout>,
    rebuild: Option<Rebuild>,
    /// What [`Trainer::train`] was asked to call with the newest snapshot's model.
    done: Option<(u32, OnTrained)>,
    /// The newest model delivered: a main-thread job predicts with it after a fallback.
    model: Option<(u32, Arc<Recommenders>)>,
    requests: u32,
    asked: Option<Asked>,
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

struct Shared {
    state: RefCell<State>,
    on_event: Box<dyn Fn(TrainerEvent)>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(w) = self.state.get_mut().worker.take() {
            w.terminate();
        }
    }
}

/// The page's trainer. Cheap to clone; every clone is the same trainer. Keep one for as
/// long as models are wanted (or use [`shared`]): its timers and its worker hold it only
/// weakly, so when the last clone goes, the worker stops and no model comes.
#[derive(Clone)]
pub struct Trainer(Rc<Shared>);

thread_local! {
    static SHARED: Trainer = Trainer::new(|_| {});
}

/// The page's one trainer (its worker is started on first use), for callers that take
/// their model through [`Trainer::train`]'s `done`.
pub fn shared() -> Trainer {
    SHARED.with(Trainer::clone)
}

impl Trainer {
    /// A trainer that trains in a worker, or on the main thread if none can start.
    /// `on_event` is called with progress and with each model.
    pub fn new(on_event: impl Fn(TrainerEvent) + 'static) -> Self {
        let t = Self::main_thread(on_event);
        match t.start_worker() {
            Ok(()) => t.0.state.borrow_mut().mode = Mode::Worker,
            Err(reason) => {
                // Told after `new` returns: an owner's handler may use what holds the trainer.
                warn_fallback(&reason);
                let me = t.clone();
                spawn_local(async move { me.emit(TrainerEvent::FellBack { reason }) });
            }
        }
        t
    }

    /// A trainer that trains on the main thread in slices (what a page without workers
    /// gets; for comparison in tests and benchmarks).
    pub fn main_thread(on_event: impl Fn(TrainerEvent) + 'static) -> Self {
        Self(Rc::new(Shared {
            state: RefCell::new(State {
                mode: Mode::MainThread,
                worker: None,
                worker_url: None,
                ready: false,
                latest: Latest::default(),
                sent: None,
                local: Rc::default(),
                local_running: false,
                debounce: Debounce::default(),
                timer: None,
                rebuild: None,
                done: None,
                model: None,
                requests: 0,
                asked: None,
                handlers: Vec::new(),
            }),
            on_event: Box::new(on_event),
        }))
    }

    pub fn mode(&self) -> Mode {
        self.0.state.borrow().mode
    }

    /// Like [`Trainer::submit`], and call `done` with the model, unless a newer snapshot
    /// supersedes this one first (then `done` is dropped, never called).
    pub fn train(
        &self,
        samples: &[Sample],
        gazetteer: &Gazetteer,
        config: &Config,
        done: impl FnOnce(Trained) + 'static,
    ) -> u32 {
        let seq = self.submit(samples, gazetteer, config);
        self.0.state.borrow_mut().done = Some((seq, Box::new(done)));
        seq
    }

    /// Like [`Trainer::train`], and measure the model on `held_out` (showing suggestions
    /// scored at least `min_score`) where it trained, before it comes back with its
    /// quality: no held-out document is predicted on the main thread.
    pub fn train_measured(
        &self,
        samples: &[Sample],
        held_out: &[Sample],
        min_score: f64,
        gazetteer: &Gazetteer,
        config: &Config,
        done: impl FnOnce(Trained) + 'static,
    ) -> u32 {
        let seq = self.submit_message(|seq| {
            train_measured_message(seq, samples, held_out, min_score, gazetteer, config)
        });
        self.0.state.borrow_mut().done = Some((seq, Box::new(done)));
        seq
    }

    /// Train on `samples`, superseding any snapshot not yet trained. Returns the
    /// snapshot's number; the model arrives as [`TrainerEvent::Trained`].
    pub fn submit(&self, samples: &[Sample], gazetteer: &Gazetteer, config: &Config) -> u32 {
        self.submit_message(|seq| train_message(seq, samples, gazetteer, config))
    }

    fn submit_message(&self, message: impl FnOnce(u32) -> Vec<u8>) -> u32 {
        let start = performance_now();
        let seq = self.0.state.borrow_mut().latest.next_seq();
        let message = message(seq);
        let sent = Sent {
            seq,
            message,
            at: start,
            encode_ms: performance_now() - start,
            posted: false,
        };
        self.0.state.borrow_mut().sent = Some(sent);
        self.dispatch();
        seq
    }

    /// Predict the learned suggestions of `text` with the newest model, where the models
    /// are (the worker, or main-thread slices), superseding any request not answered yet.
    /// `done` gets them, unless a newer request comes first (then it is dropped). Returns
    /// the request's number.
    pub fn predict(&self, text: &str, done: impl FnOnce(Predicted) + 'static) -> u32 {
        let at = performance_now();
        let request = {
            let mut s = self.0.state.borrow_mut();
            s.requests += 1;
            s.requests
        };
        let asked = Asked {
            request,
            message: predict_message(request, text),
            at,
            posted: false,
            done: Box::new(done),
        };
        self.0.state.borrow_mut().asked = Some(asked);
        self.dispatch();
        request
    }

    /// The corpus changed: call `rebuild` (which should [`Trainer::submit`]) once the edits
    /// pause, by the rules of [`Debounce`]. Only the newest `rebuild` is kept.
    pub fn edited(&self, rebuild: impl Fn(&Trainer) + 'static) {
        let now = performance_now();
        let mut s = self.0.state.borrow_mut();
        s.rebuild = Some(Rc::new(rebuild));
        let at = s.debounce.edit(now);
        drop(s);
        self.arm(at - now);
    }

    /// Change the retrain rules of [`Trainer::edited`] (by default 1.5 s after the last
    /// edit, at the latest 10 s after the first).
    pub fn set_debounce(&self, quiet_ms: f64, max_wait_ms: f64) {
        self.0.state.borrow_mut().debounce = Debounce::new(quiet_ms, max_wait_ms);
    }

    /// Drop the snapshot in training (and any pending retrain): no model will come.
    pub fn cancel(&self) {
        let mut s = self.0.state.borrow_mut();
        s.latest.next_seq();
        s.debounce = Debounce::new(s.debounce.quiet, s.debounce.max_wait);
        s.timer = None;
        s.rebuild = None;
        s.done = None;
        if let Some(sent) = s.sent.take() {
            let cancel = cancel_message(sent.seq);
            match (&s.worker, s.mode) {
                (Some(w), Mode::Worker) => post_to_worker(w, &cancel),
                _ => {
                    s.local.borrow_mut().receive(&cancel, performance_now());
                }
            }
        }
    }

    fn arm(&self, in_ms: f64) {
        let me = Rc::downgrade(&self.0);
        let timer = Timeout::new(in_ms.max(0.0).ceil() as u32, move || {
            let Some(shared) = me.upgrade() else { return };
            let t = Trainer(shared);
            let now = performance_now();
            let (due, next, rebuild) = {
                let mut s = t.0.state.borrow_mut();
                s.timer = None;
                let due = s.debounce.due(now);
                (due, s.debounce.deadline(), s.rebuild.clone())
            };
            match (due, rebuild, next) {
                (true, Some(rebuild), _) => rebuild(&t),
                (false, _, Some(at)) => t.arm(at - now),
                _ => {}
            }
        });
        self.0.state.borrow_mut().timer = Some(timer);
    }

    fn emit(&self, e: TrainerEvent) {
        (self.0.on_event)(e);
    }

    /// Send the newest snapshot, and the newest prediction asked for, where they are
    /// done: to the worker once it is ready, or to the main thread's job.
    fn dispatch(&self) {
        let mut failed = None;
        let mut to_drive = None;
        {
            let mut guard = self.0.state.borrow_mut();
            let s = &mut *guard;
            match (s.mode, s.worker.clone()) {
                (Mode::Worker, Some(w)) => {
                    if s.ready {
                        if let Some(sent) = s.sent.as_mut().filter(|x| !x.posted) {
                            post_to_worker(&w, &sent.message);
                            sent.posted = true;
                        }
                        if let Some(asked) = s.asked.as_mut().filter(|x| !x.posted) {
                            post_to_worker(&w, &asked.message);
                            asked.posted = true;
                        }
                    }
                }
                _ => {
                    let now = performance_now();
                    let mut job = s.local.borrow_mut();
                    // A model from a worker that died since is the one to predict with.
                    if let Some((seq, model)) = s.model.clone() {
                        job.keep(seq, model);
                    }
                    if let Some(sent) = s.sent.as_mut().filter(|x| !x.posted) {
                        sent.posted = true;
                        if let Some(reply) = job.receive(&sent.message, now) {
                            s.sent = None;
                            failed = Some(match FromWorker::decode(&reply) {
                                Ok(FromWorker::Failed { message, .. }) => message,
                                _ => "the snapshot could not be read".to_owned(),
                            });
                        }
                    }
                    if let Some(asked) = s.asked.as_mut().filter(|x| !x.posted) {
                        asked.posted = true;
                        job.receive(&asked.message, now);
                    }
                    if job.is_busy() && !s.local_running {
                        s.local_running = true;
                        to_drive = Some(s.local.clone());
                    }
                }
            }
        }
        if let Some(message) = failed {
            self.emit(TrainerEvent::Failed { message });
        }
        if let Some(job) = to_drive {
            let me = self.clone();
            spawn_local(async move {
                let page = me.clone();
                let post: Rc<dyn Fn(Reply)> = Rc::new(move |r| page.on_local(r));
                drive(job, MAIN_SLICE_MS, post).await;
                me.0.state.borrow_mut().local_running = false;
            });
        }
    }

    fn on_local(&self, reply: Reply) {
        match reply {
            Reply::Message(bytes) => self.on_message(&bytes),
            Reply::Done(Done::Trained(f)) => self.deliver(f.seq, f.ms, f.model, f.quality, 0.0, 0),
            Reply::Done(Done::Predicted(p)) => {
                self.answer(p.request, p.model, p.ms, p.suggestions, 0.0)
            }
        }
    }

    fn deliver(
        &self,
        seq: u32,
        train_ms: f64,
        model: Arc<Recommenders>,
        quality: Option<Quality>,
        decode_ms: f64,
        bytes: usize,
    ) {
        let (mode, sent, done) = {
            let mut s = self.0.state.borrow_mut();
            if !s.latest.is_current(seq) {
                return;
            }
            s.model = Some((seq, model.clone()));
            let done = s.done.take().filter(|(n, _)| *n == seq).map(|(_, d)| d);
            (s.mode, s.sent.take(), done)
        };
        let (at, encode_ms) = sent.map_or((performance_now(), 0.0), |s| (s.at, s.encode_ms));
        let trained = Trained {
            seq,
            model,
            quality,
            mode,
            train_ms,
            round_trip_ms: performance_now() - at,
            encode_ms,
            decode_ms,
            model_bytes: bytes,
        };
        match done {
            Some(done) => {
                self.emit(TrainerEvent::Trained(trained.clone()));
                done(trained);
            }
            None => self.emit(TrainerEvent::Trained(trained)),
        }
    }

    /// A prediction came back: to its asker, if it answers the newest request.
    fn answer(
        &self,
        request: u32,
        model: u32,
        predict_ms: f64,
        suggestions: Vec<Suggestion>,
        decode_ms: f64,
    ) {
        let (asked, mode) = {
            let mut s = self.0.state.borrow_mut();
            if s.asked.as_ref().is_none_or(|a| a.request != request) {
                return;
            }
            (s.asked.take().expect("checked"), s.mode)
        };
        (asked.done)(Predicted {
            request,
            model,
            suggestions,
            mode,
            predict_ms,
            round_trip_ms: performance_now() - asked.at,
            decode_ms,
        });
    }

    /// A message from the worker (or the main thread's job).
    fn on_message(&self, bytes: &[u8]) {
        let arrived = performance_now();
        match FromWorker::decode(bytes) {
            Ok(FromWorker::Ready) => {
                let mut s = self.0.state.borrow_mut();
                s.ready = true;
                if let Some(url) = s.worker_url.take() {
                    let _ = Url::revoke_object_url(&url);
                }
                drop(s);
                self.dispatch();
            }
            Ok(FromWorker::Progress { seq, fraction }) => {
                if self.0.state.borrow().latest.is_current(seq) {
                    self.emit(TrainerEvent::Progress { seq, fraction });
                }
            }
            Ok(FromWorker::Trained {
                seq,
                ms,
                quality,
                model,
            }) => {
                if !self.0.state.borrow().latest.is_current(seq) {
                    return;
                }
                let start = performance_now();
                match decode_model(model) {
                    Ok(m) => {
                        let decode_ms = performance_now() - start;
                        self.deliver(seq, ms, Arc::new(m), quality, decode_ms, model.len());
                    }
                    Err(e) => self.emit(TrainerEvent::Failed {
                        message: e.to_string(),
                    }),
                }
            }
            Ok(FromWorker::Predicted {
                request,
                model,
                ms,
                suggestions,
            }) => {
                // Decoded by `FromWorker::decode`: timed from the message's arrival.
                let decode_ms = performance_now() - arrived;
                self.answer(request, model, ms, suggestions, decode_ms);
            }
            Ok(FromWorker::Failed { message, .. }) => self.emit(TrainerEvent::Failed { message }),
            Err(e) => self.emit(TrainerEvent::Failed {
                message: e.to_string(),
            }),
        }
    }

    /// Leave the worker for the main thread, and train the newest snapshot there.
    fn fall_back(&self, reason: String) {
        {
            let mut s = self.0.state.borrow_mut();
            if let Some(w) = s.worker.take() {
                w.terminate();
            }
            if let Some(url) = s.worker_url.take() {
                let _ = Url::revoke_object_url(&url);
            }
            s.handlers.clear();
            s.mode = Mode::MainThread;
            if let Some(sent) = s.sent.as_mut() {
                sent.posted = false;
            }
            if let Some(asked) = s.asked.as_mut() {
                asked.posted = false;
            }
        }
        warn_fallback(&reason);
        self.emit(TrainerEvent::FellBack { reason });
        self.dispatch();
    }

    fn start_worker(&self) -> Result<(), String> {
        let (source, kind) = worker_source()?;
        let options = BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = Blob::new_with_str_sequence_and_options(&source, &options)
            .map_err(|e| format!("no Blob: {e:?}"))?;
        let url = Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
        let options = WorkerOptions::new();
        options.set_type(kind);
        // The URL is revoked once the worker has answered (or failed): it loads its
        // script after this returns.
        let worker = Worker::new_with_options(&url, &options).map_err(|e| {
            let _ = Url::revoke_object_url(&url);
            format!("the worker was refused: {}", js_text(&e))
        })?;
        let me = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let Some(t) = me.upgrade().map(Trainer) else {
                return;
            };
            let data = e.unchecked_into::<MessageEvent>().data();
            if let Some(error) = Reflect::get(&data, &"loupeError".into())
                .ok()
                .and_then(|v| v.as_string())
            {
                t.fall_back(format!("the worker could not start: {error}"));
            } else if let Some(bytes) = data.dyn_ref::<Uint8Array>() {
                t.on_message(&bytes.to_vec());
            }
        });
        let me = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            if let Some(t) = me.upgrade().map(Trainer) {
                let what = Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_else(|| "it failed to load".to_owned());
                t.fall_back(format!("the worker stopped: {what}"));
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        let start = Object::new();
        let _ = Reflect::set(&start, &"loupeModule".into(), &wasm_bindgen::module());
        worker
            .post_message(&start)
            .map_err(|e| format!("the wasm module could not be sent: {}", js_text(&e)))?;
        let me = Rc::downgrade(&self.0);
        Timeout::new(READY_TIMEOUT_MS, move || {
            if let Some(t) = me.upgrade().map(Trainer) {
                let late = {
                    let s = t.0.state.borrow();
                    s.mode == Mode::Worker && !s.ready
                };
                if late {
                    t.fall_back("the worker did not start in time".to_owned());
                }
            }
        })
        .forget();
        let mut s = self.0.state.borrow_mut();
        s.worker = Some(worker);
        s.worker_url = Some(url);
        s.handlers = vec![on_message, on_error];
        Ok(())
    }
}

fn warn_fallback(reason: &str) {
    web_sys::console::warn_1(&format!("Loupe trains on the main thread: {reason}").into());
}

fn js_text(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| Reflect::get(v, &"message".into()).ok()?.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

fn post_to_worker(w: &Worker, bytes: &[u8]) {
    let array = Uint8Array::from(bytes);
    let _ = w.post_message_with_transfer(&array, &Array::of1(&array.buffer()));
}

/// The worker's script, as the parts of a Blob, and its kind: served, a module worker
/// that imports the glue; from file://, a classic worker holding the glue's text (Chromium
/// refuses module workers from Blob URLs of an opaque origin).
fn worker_source() -> Result<(Array, WorkerType), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let parts = Array::new();
    // Served over HTTP: trunk preloads the glue module, so its URL is in the page.
    let link = document
        .query_selector("link[rel=modulepreload][href$='.js']")
        .ok()
        .flatten();
    if let Some(href) = link.and_then(|l| l.get_attribute("href")) {
        let base = document.base_uri().ok().flatten().unwrap_or_default();
        let url = Url::new_with_base(&href, &base)
            .map_err(|e| js_text(&e))?
            .href();
        let url = serde_json::to_string(&url).map_err(|e| e.to_string())?;
        parts.push(&format!("import init, {{ trainer_worker_start }} from {url};\n").into());
        parts.push(&WORKER_BODY.into());
        return Ok((parts, WorkerType::Module));
    }
    // From file:// (dist/loupe.html): the glue is the start of the page's own script.
    let scripts = document
        .query_selector_all("script[type=module]")
        .map_err(|e| js_text(&e))?;
    for i in 0..scripts.length() {
        let Some(script) = scripts.item(i) else {
            continue;
        };
        let text: js_sys::JsString = Reflect::get(&script, &"textContent".into())
            .map_err(|e| js_text(&e))?
            .unchecked_into();
        let end = text.index_of(GLUE_END, 0);
        if end > 0 {
            // The glue's exports are already local there; `import.meta` is not allowed in
            // a classic script (the glue uses it only for a default it is never asked).
            let meta = js_sys::RegExp::new(r"import\.meta\.url", "g");
            let glue = text
                .slice(0, end as u32)
                .replace_by_pattern(&meta, "self.location.href");
            parts.push(&glue);
            parts.push(&"\nconst init = __wbg_init;\n".into());
            parts.push(&WORKER_BODY.into());
            return Ok((parts, WorkerType::Classic));
        }
    }
    Err("the page names no glue script for a worker".to_owned())
}

// ---- diagnostics: the e2e test and the browser benchmark drive the trainer by these ----

#[derive(serde::Deserialize)]
struct ProbeDoc {
    text: String,
    annotations: Annotations,
}

#[derive(Default)]
struct Probe {
    docs: Vec<ProbeDoc>,
    trainers: Vec<(bool, Trainer)>,
    model: Option<Arc<Recommenders>>,
    resolve: Option<js_sys::Function>,
    events: Vec<String>,
    kept: Option<Trainer>,
}

thread_local! {
    static PROBE: RefCell<Probe> = RefCell::default();
}

/// Diagnostics: keep `corpus` (a JSON array of `{text, annotations}`) for
/// [`trainer_probe_train`]. Returns the number of documents.
#[wasm_bindgen]
pub fn trainer_probe_load(corpus: &str) -> Result<usize, JsError> {
    let docs: Vec<ProbeDoc> = serde_json::from_str(corpus)?;
    let n = docs.len();
    PROBE.with(|p| p.borrow_mut().docs = docs);
    Ok(n)
}

fn probe_event(e: TrainerEvent) {
    let done = PROBE.with(|p| {
        let mut p = p.borrow_mut();
        match e {
            TrainerEvent::Progress { .. } => {
                p.events.push("progress".into());
                None
            }
            TrainerEvent::FellBack { reason } => {
                p.events.push(format!("fell back: {reason}"));
                None
            }
            TrainerEvent::Failed { message } => {
                p.events.push(format!("failed: {message}"));
                p.resolve.take().map(|r| (r, Err(message)))
            }
            TrainerEvent::Trained(t) => {
                p.events.push(format!("trained {}", t.seq));
                p.model = Some(t.model.clone());
                p.resolve.take().map(|r| (r, Ok(t)))
            }
        }
    });
    let Some((resolve, outcome)) = done else {
        return;
    };
    let out = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&out, &k.into(), &v);
    };
    match outcome {
        Ok(t) => {
            set("mode", t.mode.name().into());
            set("seq", t.seq.into());
            set("trainMs", t.train_ms.into());
            set("roundTripMs", t.round_trip_ms.into());
            set("encodeMs", t.encode_ms.into());
            set("decodeMs", t.decode_ms.into());
            set("modelBytes", (t.model_bytes as f64).into());
            set(
                "taggerLabels",
                (t.model.tagger.labels().len() as f64).into(),
            );
        }
        Err(message) => set("error", message.into()),
    }
    let events = PROBE.with(|p| std::mem::take(&mut p.borrow_mut().events));
    set(
        "events",
        events
            .into_iter()
            .map(JsValue::from)
            .collect::<Array>()
            .into(),
    );
    let _ = resolve.call1(&JsValue::NULL, &out);
}

/// Diagnostics: train on the loaded corpus (submitted `times` times in a row, each
/// superseding the one before), in a worker or (`main_thread`) in main-thread slices.
/// Resolves with the mode, the snapshot number, the timings and the events seen.
#[wasm_bindgen]
pub fn trainer_probe_train(main_thread: bool, times: u32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        let trainer = PROBE.with(|p| {
            let mut p = p.borrow_mut();
            p.resolve = Some(resolve);
            p.events.clear();
            let found = p.trainers.iter().find(|(m, _)| *m == main_thread);
            match found {
                Some((_, t)) => t.clone(),
                None => {
                    let t = if main_thread {
                        Trainer::main_thread(probe_event)
                    } else {
                        Trainer::new(probe_event)
                    };
                    p.trainers.push((main_thread, t.clone()));
                    t
                }
            }
        });
        submit_loaded(&trainer, times.max(1));
    })
}

/// Submit the probe's loaded corpus to `trainer`, `times` times in a row. The samples
/// borrow the loaded documents, so they are built inside the probe's borrow.
fn submit_loaded(trainer: &Trainer, times: u32) {
    PROBE.with(|p| {
        let p = p.borrow();
        let samples: Vec<Sample> = p
            .docs
            .iter()
            .map(|d| Sample::new(&d.text, &d.annotations))
            .collect();
        for _ in 0..times {
            trainer.submit(&samples, &Gazetteer::default(), &Config::default());
        }
    });
}

/// Diagnostics: `edits` edits `gap_ms` apart, each calling [`Trainer::edited`] on the
/// worker trainer with a `quiet_ms` pause rule. Resolves like [`trainer_probe_train`],
/// with `sinceLastEdit`: the ms from the last edit to the submit.
#[wasm_bindgen]
pub fn trainer_probe_edits(edits: u32, gap_ms: u32, quiet_ms: f64) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        let trainer = Trainer::new(probe_event);
        trainer.set_debounce(quiet_ms, 60_000.0);
        PROBE.with(|p| {
            let mut p = p.borrow_mut();
            p.resolve = Some(resolve);
            p.events.clear();
            // Kept, as an owner keeps its trainer: timers and the worker hold it weakly.
            p.kept = Some(trainer.clone());
        });
        let last_edit = Rc::new(Cell::new(0.0));
        for i in 0..edits.max(1) {
            let (t, last_edit) = (trainer.clone(), last_edit.clone());
            Timeout::new(i * gap_ms, move || {
                last_edit.set(performance_now());
                let last = last_edit.clone();
                t.edited(move |t| {
                    let since = performance_now() - last.get();
                    PROBE.with(|p| {
                        p.borrow_mut()
                            .events
                            .push(format!("submitted {since:.0} ms after the last edit"))
                    });
                    submit_loaded(t, 1);
                });
            })
            .forget();
        }
    })
}

/// Diagnostics: predict for one document (JSON `{text, annotations}`) with the last model
/// trained. Returns `{ms, raw, shown}`: the time of the prediction and of the filter to
/// the visible suggestions, and the counts.
#[wasm_bindgen]
pub fn trainer_probe_predict(document: &str) -> Result<JsValue, JsError> {
    let doc: ProbeDoc = serde_json::from_str(document)?;
    let model = PROBE
        .with(|p| p.borrow().model.clone())
        .ok_or_else(|| JsError::new("no model trained yet"))?;
    let start = performance_now();
    let raw = model.suggest(&doc.text, &doc.annotations);
    let n = raw.len();
    let shown = visible(raw, &doc.annotations, &Rejections::default(), 0.5);
    let ms = performance_now() - start;
    let out = Object::new();
    let _ = Reflect::set(&out, &"ms".into(), &ms.into());
    let _ = Reflect::set(&out, &"raw".into(), &(n as f64).into());
    let _ = Reflect::set(&out, &"shown".into(), &(shown.len() as f64).into());
    Ok(out.into())
}

/// Diagnostics: predict the learned suggestions of `text` where the probe's trainer of
/// that mode keeps its model (trained by [`trainer_probe_train`] first): in the worker, or
/// in main-thread slices. Resolves with `{mode, model, count, predictMs, roundTripMs,
/// decodeMs}`.
#[wasm_bindgen]
pub fn trainer_probe_predict_in(text: &str, main_thread: bool) -> js_sys::Promise {
    let trainer = PROBE.with(|p| {
        p.borrow()
            .trainers
            .iter()
            .find(|(m, _)| *m == main_thread)
            .map(|(_, t)| t.clone())
    });
    let text = text.to_owned();
    js_sys::Promise::new(&mut move |resolve, reject| {
        let Some(trainer) = trainer.clone() else {
            let _ = reject.call1(&JsValue::NULL, &"train first".into());
            return;
        };
        trainer.predict(&text, move |p| {
            let out = Object::new();
            let set = |k: &str, v: JsValue| {
                let _ = Reflect::set(&out, &k.into(), &v);
            };
            set("mode", p.mode.name().into());
            set("model", p.model.into());
            set("count", (p.suggestions.len() as f64).into());
            set("predictMs", p.predict_ms.into());
            set("roundTripMs", p.round_trip_ms.into());
            set("decodeMs", p.decode_ms.into());
            let _ = resolve.call1(&JsValue::NULL, &out);
        });
    })
}
