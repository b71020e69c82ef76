//! A document's learned suggestions (the string matcher's and the tagger's), predicted in
//! pieces: the text is cut into chunks of whole paragraphs, and each chunk is tokenised
//! and predicted on its own. A caller that must not block (the page's main thread, or a
//! worker that must notice a newer request) does one chunk per [`Prediction::step`].
//!
//! Chunks end at a blank line (a paragraph break), or, in a run of text with no blank
//! line, at a line break. A line break ends a sentence (see `core::tokens`) and the tagger
//! sees one sentence at a time, so the tagger is the same however the text is cut; a
//! phrase of the string matcher never spans a chunk's edge. [`Recommenders::learned`]
//! cuts the same way, so the app (sliced or not) and the CLI give the same suggestions.

use super::text::Words;
use super::{Proposal, Recommenders, Suggestion};
use crate::core::model::Span;

/// A chunk ends at the first paragraph break after this many code points.
pub const CHUNK_CHARS: usize = 4_000;
/// With no paragraph break, a chunk ends at the first line break after this many.
const LINE_CHUNK_CHARS: usize = 4 * CHUNK_CHARS;

/// A piece of a text: its byte range and the code point where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub bytes: (usize, usize),
    pub start: usize,
}

/// The chunks of `text`, in order, covering it all.
pub fn chunks(text: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let (mut from_byte, mut from_cp) = (0, 0);
    let (mut byte, mut cp) = (0, 0);
    for line in text.split_inclusive('\n') {
        byte += line.len();
        cp += line.chars().count();
        let size = cp - from_cp;
        let blank = line.trim().is_empty();
        if (blank && size >= CHUNK_CHARS) || (line.ends_with('\n') && size >= LINE_CHUNK_CHARS) {
            out.push(Chunk {
                bytes: (from_byte, byte),
                start: from_cp,
            });
            (from_byte, from_cp) = (byte, cp);
        }
    }
    if byte > from_byte || out.is_empty() {
        out.push(Chunk {
            bytes: (from_byte, byte),
            start: from_cp,
        });
    }
    out
}

fn shifted(mut s: Suggestion, by: usize) -> Suggestion {
    let at = |span: &mut Span| *span = Span::new(span.start + by, span.end + by);
    match &mut s.proposal {
        Proposal::Mention { span, .. }
        | Proposal::Event { span, .. }
        | Proposal::Argument { span, .. } => at(span),
    }
    s
}

impl Recommenders {
    /// The string matcher's and the tagger's proposals for one chunk of `text`, with
    /// offsets in the whole text.
    pub fn learned_in(&self, text: &str, chunk: Chunk) -> (Vec<Suggestion>, Vec<Suggestion>) {
        let piece = &text[chunk.bytes.0..chunk.bytes.1];
        let words = Words::new(piece, &[]);
        let shift = |v: Vec<Suggestion>| -> Vec<Suggestion> {
            v.into_iter().map(|s| shifted(s, chunk.start)).collect()
        };
        (
            shift(self.matcher.suggest_in(piece, &words)),
            shift(self.tagger.suggest_in(piece, &words)),
        )
    }

    /// The string matcher's and the tagger's proposals for `text`, in one go: what a
    /// [`Prediction`] gives in steps.
    pub fn learned(&self, text: &str) -> Vec<Suggestion> {
        let mut p = Prediction::new(text.to_owned());
        while !p.step(self) {}
        p.finish()
    }

    /// The matcher's and the tagger's proposals apart (for measuring each).
    pub fn learned_apart(&self, text: &str) -> (Vec<Suggestion>, Vec<Suggestion>) {
        let mut p = Prediction::new(text.to_owned());
        while !p.step(self) {}
        p.apart()
    }
}

/// A prediction in progress: one chunk per step.
#[derive(Debug, Clone)]
pub struct Prediction {
    text: String,
    chunks: Vec<Chunk>,
    next: usize,
    matched: Vec<Suggestion>,
    tagged: Vec<Suggestion>,
}

impl Prediction {
    pub fn new(text: String) -> Self {
        Self {
            chunks: chunks(&text),
            text,
            next: 0,
            matched: Vec::new(),
            tagged: Vec::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Predict the next chunk with `model`; true when every chunk is done.
    pub fn step(&mut self, model: &Recommenders) -> bool {
        if let Some(&chunk) = self.chunks.get(self.next) {
            let (m, t) = model.learned_in(&self.text, chunk);
            self.matched.extend(m);
            self.tagged.extend(t);
            self.next += 1;
        }
        self.is_done()
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.chunks.len()
    }

    /// How much is done, 0 to 1.
    pub fn progress(&self) -> f64 {
        self.next as f64 / self.chunks.len().max(1) as f64
    }

    /// The matcher's suggestions and the tagger's, apart.
    pub fn apart(self) -> (Vec<Suggestion>, Vec<Suggestion>) {
        (self.matched, self.tagged)
    }

    /// The suggestions: the matcher's, then the tagger's (the order [`super::visible`]
    /// breaks ties by).
    pub fn finish(self) -> Vec<Suggestion> {
        let mut out = self.matched;
        out.extend(self.tagged);
        out
    }
}

/// The page's side of predictions made elsewhere (a worker): each request is numbered,
/// and a reply is taken only if it answers the newest request, for the document still
/// open, made with the model the page has now. Anything else is stale and dropped.
#[derive(Debug, Clone, Default)]
pub struct Requests {
    sent: u32,
    /// The newest request: its number, the document and the model it was for.
    pending: Option<(u32, String, u32)>,
}

impl Requests {
    /// A request for document `doc` with model `model`: its number, superseding any
    /// request before it.
    pub fn ask(&mut self, doc: &str, model: u32) -> u32 {
        self.sent += 1;
        self.pending = Some((self.sent, doc.to_owned(), model));
        self.sent
    }

    /// Whether a request is waiting for its reply.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// The document waited for, if any.
    pub fn waiting_for(&self) -> Option<&str> {
        self.pending.as_ref().map(|p| p.1.as_str())
    }

    /// A reply to `request`, made with model `model`, while `open` is the open document
    /// and `current` the page's model. Returns true (and the request is answered) if the
    /// reply is to be used.
    pub fn answer(
        &mut self,
        request: u32,
        model: u32,
        open: Option<&str>,
        current: Option<u32>,
    ) -> bool {
        let fresh = self.pending.as_ref().is_some_and(|(n, doc, asked)| {
            *n == request && *asked == model && Some(doc.as_str()) == open && Some(model) == current
        });
        if fresh || self.pending.as_ref().is_some_and(|p| p.0 == request) {
            self.pending = None;
        }
        fresh
    }

    /// Forget the pending request (its document closed, or the model is gone).
    pub fn drop_pending(&mut self) {
        self.pending = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Annotations;
    use crate::core::suggest::synthetic::Generator;
    use crate::core::suggest::text::Words;
    use crate::core::suggest::{Config, Gazetteer, Sample};

    fn model() -> Recommenders {
        let docs = Generator::new(4, 60).corpus(20, 2_000, 15);
        let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
        Recommenders::train(&samples, &Gazetteer::default(), &Config::default())
    }

    #[test]
    fn chunks_cover_the_text_and_end_at_paragraph_breaks() {
        let para = "Forces attacked Kyiv overnight. ".repeat(150);
        let text = format!("{para}\n\n{para}\n\n{para}\n\n🚀 {para}");
        let cs = chunks(&text);
        assert!(cs.len() >= 2, "{cs:?}");
        assert_eq!(cs[0].bytes.0, 0);
        assert_eq!(cs.last().unwrap().bytes.1, text.len());
        for w in cs.windows(2) {
            assert_eq!(w[0].bytes.1, w[1].bytes.0);
            assert!(text[..w[0].bytes.1].ends_with("\n\n"));
            assert_eq!(w[1].start, text[..w[1].bytes.0].chars().count());
        }
        assert_eq!(
            chunks(""),
            [Chunk {
                bytes: (0, 0),
                start: 0
            }]
        );
        // No blank line at all: cut at line breaks, far apart.
        let lines = "Officials in Kyiv said so.\n".repeat(2_000);
        let cs = chunks(&lines);
        assert!(cs.len() > 1 && cs.len() < 10, "{}", cs.len());
    }

    #[test]
    fn a_prediction_in_steps_is_the_prediction_in_one_go_and_the_tagger_sees_no_edge() {
        let m = model();
        let held = Generator::new(9, 60).document("held", 30_000, 15);
        let mut p = Prediction::new(held.text.clone());
        let mut steps = 0;
        while !p.step(&m) {
            steps += 1;
            assert!(p.progress() < 1.0);
        }
        assert!(steps > 2, "{steps} steps");
        let got = p.finish();
        assert!(got.len() > 50, "{}", got.len());
        assert_eq!(got, m.learned(&held.text));
        // The tagger predicts sentence by sentence: cut or not, the same.
        let whole = m
            .tagger
            .suggest_in(&held.text, &Words::new(&held.text, &[]));
        let (_, tagged) = m.learned_apart(&held.text);
        assert_eq!(tagged, whole);
        // Spans are offsets in the whole text.
        for s in &got {
            let span = s.span();
            let covered: String = held
                .text
                .chars()
                .skip(span.start)
                .take(span.end - span.start)
                .collect();
            assert_eq!(covered, s.text);
        }
        let _ = Annotations::default();
    }

    #[test]
    fn a_reply_counts_only_for_the_newest_request_the_open_document_and_the_model() {
        let mut r = Requests::default();
        let a = r.ask("doc-a", 3);
        let b = r.ask("doc-b", 3);
        // An older request's reply: stale, and the newer one still waits.
        assert!(!r.answer(a, 3, Some("doc-b"), Some(3)));
        assert!(r.is_pending());
        // The newest, but the model changed meanwhile: stale, and answered.
        assert!(!r.answer(b, 3, Some("doc-b"), Some(4)));
        assert!(!r.is_pending());
        let c = r.ask("doc-b", 4);
        // The document was closed (another opened) before the reply.
        assert!(!r.answer(c, 4, Some("doc-a"), Some(4)));
        let d = r.ask("doc-a", 4);
        // Made with another model than asked (the worker had an older one).
        assert!(!r.answer(d, 3, Some("doc-a"), Some(4)));
        let e = r.ask("doc-a", 4);
        assert_eq!(r.waiting_for(), Some("doc-a"));
        assert!(r.answer(e, 4, Some("doc-a"), Some(4)));
        // Once only.
        assert!(!r.answer(e, 4, Some("doc-a"), Some(4)));
    }
}
