//! A compact binary form of a trained model and of a training snapshot, for the trip
//! between the page and the training worker: varint lengths, feature keys as 8 bytes,
//! weights as `f32`. JSON would be several times larger and slower to read, and reading
//! happens on the page's main thread, where no task may take long.
//!
//! [`encode_model`] and [`decode_model`] round-trip [`Recommenders`] exactly: the decoded
//! model suggests what the encoded one did.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use super::arguments::Roles;
use super::eval::{Counts as EvalCounts, Measured, Quality};
use super::matcher::{Counts, PhraseIndex};
use super::perceptron::{FnvMap, Sharded, Weights, SHARDS};
use super::{
    ArgumentRanker, Layer, Proposal, Recommenders, Source, StringMatcher, Suggestion, Tagger,
};
use crate::core::model::Span;

/// The first bytes of an encoded model, with its version.
const MODEL_MAGIC: &[u8; 4] = b"LPM1";

/// Why bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub what: &'static str,
    pub at: usize,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed training data: {} at byte {}",
            self.what, self.at
        )
    }
}

impl std::error::Error for WireError {}

/// Appends values to a byte buffer.
#[derive(Debug, Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn with_capacity(n: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(n),
        }
    }

    pub fn raw(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b);
    }

    /// LEB128.
    pub fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    pub fn len(&mut self, n: usize) {
        self.uint(n as u64);
    }

    pub fn u64(&mut self, n: u64) {
        self.raw(&n.to_le_bytes());
    }

    pub fn f32(&mut self, x: f32) {
        self.raw(&x.to_le_bytes());
    }

    pub fn f64(&mut self, x: f64) {
        self.raw(&x.to_le_bytes());
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.raw(s.as_bytes());
    }

    pub fn layer(&mut self, l: Layer) {
        self.bytes.push(match l {
            Layer::Mention => 0,
            Layer::Event => 1,
            Layer::Argument => 2,
        });
    }
}

/// Reads what a [`Writer`] wrote; every read checks the bounds.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    pub fn error(&self, what: &'static str) -> WireError {
        WireError { what, at: self.at }
    }

    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// How many bytes are left to read.
    pub fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    pub fn raw(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| self.error("unexpected end"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    pub fn uint(&mut self) -> Result<u64, WireError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.raw(1)?[0];
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(n);
            }
        }
        Err(self.error("a number too long"))
    }

    /// A count of items each at least `min_bytes` long: bounded by what is left, so a
    /// corrupt length cannot make a reader allocate gigabytes.
    pub fn len(&mut self, min_bytes: usize) -> Result<usize, WireError> {
        let n = self.uint()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min_bytes.max(1) as u64) > left {
            return Err(self.error("a length past the end"));
        }
        Ok(n as usize)
    }

    pub fn u64(&mut self) -> Result<u64, WireError> {
        let b = self.raw(8)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub fn f32(&mut self) -> Result<f32, WireError> {
        let b = self.raw(4)?;
        Ok(f32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    pub fn f64(&mut self) -> Result<f64, WireError> {
        let b = self.raw(8)?;
        Ok(f64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub fn str(&mut self) -> Result<&'a str, WireError> {
        let n = self.len(1)?;
        let b = self.raw(n)?;
        std::str::from_utf8(b).map_err(|_| self.error("text that is not UTF-8"))
    }

    pub fn string(&mut self) -> Result<String, WireError> {
        self.str().map(str::to_owned)
    }

    pub fn layer(&mut self) -> Result<Layer, WireError> {
        match self.raw(1)?[0] {
            0 => Ok(Layer::Mention),
            1 => Ok(Layer::Event),
            2 => Ok(Layer::Argument),
            _ => Err(self.error("an unknown layer")),
        }
    }
}

fn put_weights(w: &mut Writer, weights: &Weights) {
    for shard in &weights.map.shards {
        w.len(shard.len());
        // Sorted, so one model always encodes to the same bytes.
        let mut keys: Vec<&u64> = shard.keys().collect();
        keys.sort_unstable();
        for key in keys {
            let cells = &shard[key];
            w.u64(*key);
            w.len(cells.len());
            for (class, weight) in cells {
                w.uint(u64::from(*class));
                w.f32(*weight);
            }
        }
    }
}

fn get_weights(r: &mut Reader) -> Result<Weights, WireError> {
    let mut shards = Vec::with_capacity(SHARDS);
    for _ in 0..SHARDS {
        let n = r.len(9)?;
        let mut shard = FnvMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let key = r.u64()?;
            let m = r.len(5)?;
            let mut cells = Vec::with_capacity(m);
            for _ in 0..m {
                let class = u16::try_from(r.uint()?).map_err(|_| r.error("a class past 65535"))?;
                cells.push((class, r.f32()?));
            }
            shard.insert(key, cells);
        }
        shards.push(shard);
    }
    Ok(Weights {
        map: Sharded { shards },
    })
}

fn put_index<V>(w: &mut Writer, index: &PhraseIndex<V>, mut value: impl FnMut(&mut Writer, &V)) {
    w.len(index.max_words);
    let mut firsts: Vec<&String> = index.first_words.iter().collect();
    firsts.sort_unstable();
    w.len(firsts.len());
    for f in firsts {
        w.str(f);
    }
    let mut phrases: Vec<(&String, &V)> = index.phrases.iter().collect();
    phrases.sort_unstable_by(|a, b| a.0.cmp(b.0));
    w.len(phrases.len());
    for (phrase, v) in phrases {
        w.str(phrase);
        value(w, v);
    }
}

fn get_index<V>(
    r: &mut Reader,
    mut value: impl FnMut(&mut Reader) -> Result<V, WireError>,
) -> Result<PhraseIndex<V>, WireError> {
    let max_words = r.uint()? as usize;
    let n = r.len(1)?;
    let mut first_words = HashSet::with_capacity(n);
    for _ in 0..n {
        first_words.insert(r.string()?);
    }
    let n = r.len(1)?;
    let mut phrases = FnvMap::with_capacity_and_hasher(n, Default::default());
    for _ in 0..n {
        let phrase = r.string()?;
        phrases.insert(phrase, value(r)?);
    }
    Ok(PhraseIndex {
        phrases,
        first_words,
        max_words,
    })
}

fn put_roles(w: &mut Writer, roles: &Roles) {
    w.len(roles.len());
    for (kind, of) in roles {
        w.str(kind);
        w.len(of.len());
        for (role, most) in of {
            w.str(role);
            w.len(*most);
        }
    }
}

fn get_roles(r: &mut Reader) -> Result<Roles, WireError> {
    let mut roles = Roles::new();
    for _ in 0..r.len(2)? {
        let kind = r.string()?;
        let mut of = BTreeMap::new();
        for _ in 0..r.len(2)? {
            let role = r.string()?;
            of.insert(role, r.uint()? as usize);
        }
        roles.insert(kind, of);
    }
    Ok(roles)
}

/// The model as bytes (the same model always gives the same bytes).
pub fn encode_model(model: &Recommenders) -> Vec<u8> {
    let mut w = Writer::with_capacity(1 << 16);
    w.raw(MODEL_MAGIC);
    put_index(&mut w, &model.matcher.index, |w, counts: &Counts| {
        w.len(counts.len());
        for ((layer, kind), n) in counts {
            w.layer(*layer);
            w.str(kind);
            w.uint(u64::from(*n));
        }
    });
    let t = &model.tagger;
    w.len(t.labels.len());
    for (layer, kind) in &t.labels {
        w.layer(*layer);
        w.str(kind);
    }
    put_weights(&mut w, &t.weights);
    put_index(&mut w, &t.gazetteer, |w, kinds: &Vec<String>| {
        w.len(kinds.len());
        for k in kinds {
            w.str(k);
        }
    });
    put_weights(&mut w, &model.arguments.weights);
    put_roles(&mut w, &model.arguments.roles);
    w.bytes
}

/// Read a model written by [`encode_model`].
pub fn decode_model(bytes: &[u8]) -> Result<Recommenders, WireError> {
    let mut r = Reader::new(bytes);
    if r.raw(4)? != MODEL_MAGIC {
        return Err(r.error("not a Loupe model (or one of another version)"));
    }
    let index = get_index(&mut r, |r| {
        let mut counts = Counts::new();
        for _ in 0..r.len(3)? {
            let layer = r.layer()?;
            let kind = r.string()?;
            let n = u32::try_from(r.uint()?).map_err(|_| r.error("a count too large"))?;
            counts.insert((layer, kind), n);
        }
        Ok(counts)
    })?;
    let mut labels = Vec::new();
    for _ in 0..r.len(2)? {
        labels.push((r.layer()?, r.string()?));
    }
    let weights = get_weights(&mut r)?;
    let gazetteer = get_index(&mut r, |r| {
        (0..r.len(1)?)
            .map(|_| r.string())
            .collect::<Result<Vec<_>, _>>()
    })?;
    let arguments = ArgumentRanker {
        weights: get_weights(&mut r)?,
        roles: get_roles(&mut r)?,
    };
    if !r.is_done() {
        return Err(r.error("bytes after the model"));
    }
    Ok(Recommenders {
        matcher: StringMatcher { index },
        tagger: Tagger {
            labels,
            weights,
            gazetteer,
        },
        arguments,
    })
}

fn put_span(w: &mut Writer, span: Span) {
    w.len(span.start);
    w.len(span.end.saturating_sub(span.start));
}

fn get_span(r: &mut Reader) -> Result<Span, WireError> {
    let start = r.uint()? as usize;
    let len = r.uint()? as usize;
    Ok(Span::new(start, start.saturating_add(len)))
}

/// Suggestions as bytes (a worker's prediction for a document).
pub fn put_suggestions(w: &mut Writer, suggestions: &[Suggestion]) {
    w.len(suggestions.len());
    for s in suggestions {
        w.layer(s.layer());
        put_span(w, s.span());
        match &s.proposal {
            Proposal::Mention { kind, .. } | Proposal::Event { kind, .. } => w.str(kind),
            Proposal::Argument {
                event,
                role,
                target,
                ..
            } => {
                w.str(event);
                w.str(role);
                w.str(target);
            }
        }
        w.str(&s.text);
        match &s.source {
            Source::StringMatcher => w.raw(&[0]),
            Source::Tagger => w.raw(&[1]),
            Source::ArgumentRanker => w.raw(&[2]),
            Source::Imported(from) => {
                w.raw(&[3]);
                w.str(from);
            }
        }
        match s.score {
            Some(x) => {
                w.raw(&[1]);
                w.f64(x);
            }
            None => w.raw(&[0]),
        }
    }
}

/// Read what [`put_suggestions`] wrote.
pub fn get_suggestions(r: &mut Reader) -> Result<Vec<Suggestion>, WireError> {
    let n = r.len(6)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let layer = r.layer()?;
        let span = get_span(r)?;
        let proposal = match layer {
            Layer::Mention => Proposal::Mention {
                span,
                kind: r.string()?,
            },
            Layer::Event => Proposal::Event {
                span,
                kind: r.string()?,
            },
            Layer::Argument => Proposal::Argument {
                event: r.string()?,
                role: r.string()?,
                target: r.string()?,
                span,
            },
        };
        let text = r.string()?;
        let source = match r.raw(1)?[0] {
            0 => Source::StringMatcher,
            1 => Source::Tagger,
            2 => Source::ArgumentRanker,
            3 => Source::Imported(r.string()?),
            _ => return Err(r.error("an unknown source")),
        };
        let score = match r.raw(1)?[0] {
            0 => None,
            1 => Some(r.f64()?),
            _ => return Err(r.error("a bad score flag")),
        };
        out.push(Suggestion {
            proposal,
            text,
            source,
            score,
        });
    }
    Ok(out)
}

/// A measured quality as bytes.
pub fn put_quality(w: &mut Writer, q: &Quality) {
    w.len(q.documents);
    w.len(q.rows.len());
    for ((who, layer, kind), c) in &q.rows {
        w.raw(&[match who {
            Measured::All => 0,
            Measured::StringMatcher => 1,
            Measured::Tagger => 2,
            Measured::ArgumentRanker => 3,
        }]);
        w.layer(*layer);
        w.str(kind);
        w.len(c.tp);
        w.len(c.fp);
        w.len(c.fn_);
    }
}

/// Read what [`put_quality`] wrote.
pub fn get_quality(r: &mut Reader) -> Result<Quality, WireError> {
    let documents = r.uint()? as usize;
    let mut q = Quality {
        documents,
        ..Quality::default()
    };
    for _ in 0..r.len(6)? {
        let who = match r.raw(1)?[0] {
            0 => Measured::All,
            1 => Measured::StringMatcher,
            2 => Measured::Tagger,
            3 => Measured::ArgumentRanker,
            _ => return Err(r.error("an unknown recommender")),
        };
        let layer = r.layer()?;
        let kind = r.string()?;
        let c = EvalCounts {
            tp: r.uint()? as usize,
            fp: r.uint()? as usize,
            fn_: r.uint()? as usize,
        };
        q.rows.insert((who, layer, kind), c);
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::suggest::synthetic::Generator;
    use crate::core::suggest::{Config, Gazetteer, Sample};

    fn model() -> Recommenders {
        let docs = Generator::new(4, 60).corpus(20, 2_000, 15);
        let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
        let gaz = Gazetteer::from_tsv("Port Aurel\tGPE\n").expect("a gazetteer");
        Recommenders::train(&samples, &gaz, &Config::default())
    }

    #[test]
    fn a_decoded_model_suggests_what_the_trained_one_does() {
        let m = model();
        let bytes = encode_model(&m);
        let back = decode_model(&bytes).expect("decodes");
        let held = Generator::new(9, 60).document("held", 3_000, 15);
        let want = m.suggest(&held.text, &held.annotations);
        assert!(want.len() > 20, "{} suggestions", want.len());
        assert_eq!(back.suggest(&held.text, &held.annotations), want);
        // Deterministic: encoding the decoded model gives the same bytes.
        assert_eq!(encode_model(&back), bytes);
    }

    #[test]
    fn truncated_or_foreign_bytes_are_refused_with_a_position() {
        let bytes = encode_model(&model());
        for cut in [0, 3, 4, 5, bytes.len() / 2, bytes.len() - 1] {
            let err = decode_model(&bytes[..cut]).expect_err("truncated");
            assert!(err.at <= cut, "{err} for a cut at {cut}");
        }
        let mut other = bytes.clone();
        other[3] = b'9';
        assert_eq!(
            decode_model(&other).unwrap_err().what,
            "not a Loupe model (or one of another version)"
        );
        let mut longer = bytes;
        longer.push(0);
        assert_eq!(
            decode_model(&longer).unwrap_err().what,
            "bytes after the model"
        );
    }

    #[test]
    fn a_huge_length_is_refused_before_allocating() {
        let mut w = Writer::default();
        w.raw(MODEL_MAGIC);
        w.uint(1);
        w.uint(u64::MAX >> 1);
        let err = decode_model(&w.bytes).expect_err("huge");
        assert_eq!(err.what, "a length past the end");
    }

    #[test]
    fn suggestions_and_quality_round_trip() {
        let m = model();
        let held = Generator::new(9, 60).document("held", 3_000, 15);
        let mut all = m.suggest(&held.text, &held.annotations);
        all.push(Suggestion {
            proposal: Proposal::Argument {
                event: "E1".into(),
                role: "Target".into(),
                target: "T2".into(),
                span: Span::new(3, 9),
            },
            text: "Kyiv’s".into(),
            source: Source::Imported("model.json".into()),
            score: None,
        });
        assert!(all.len() > 20);
        let mut w = Writer::default();
        put_suggestions(&mut w, &all);
        let q = crate::core::suggest::eval::evaluate(&m, &[(&held).into()], 0.3);
        assert!(!q.rows.is_empty());
        put_quality(&mut w, &q);
        let mut r = Reader::new(&w.bytes);
        assert_eq!(get_suggestions(&mut r).unwrap(), all);
        assert_eq!(get_quality(&mut r).unwrap(), q);
        assert!(r.is_done());
        // Cut short anywhere: an error, never a panic.
        for cut in [1, 7, w.bytes.len() / 3, w.bytes.len() - 1] {
            let mut r = Reader::new(&w.bytes[..cut]);
            assert!(get_suggestions(&mut r).is_err() || get_quality(&mut r).is_err());
        }
    }

    #[test]
    fn numbers_round_trip() {
        let mut w = Writer::default();
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            w.uint(n);
        }
        w.f32(-1.5);
        w.str("Kyiv — 東京");
        let mut r = Reader::new(&w.bytes);
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(r.uint().unwrap(), n);
        }
        assert_eq!(r.f32().unwrap(), -1.5);
        assert_eq!(r.str().unwrap(), "Kyiv — 東京");
        assert!(r.is_done());
    }
}
