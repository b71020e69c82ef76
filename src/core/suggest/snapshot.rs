//! A training snapshot: what the trainer needs of a corpus, as bytes to send to a worker.
//! Only what training reads is kept: each document's text, its mentions and its events
//! (ids, types, spans, covered texts, arguments); not entities, relations, attributes or
//! notes. Types and roles are written once, in a table, and referred to by number.

use std::collections::BTreeMap;

use super::training::Training;
use super::wire::{Reader, WireError, Writer};
use super::{Config, Gazetteer, Sample};
use crate::core::model::{Annotations, Argument, Event, Mention, Span};

const SNAPSHOT_MAGIC: &[u8; 4] = b"LPS1";

/// A decoded snapshot: the documents, the gazetteer and the settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub documents: Vec<(String, Annotations)>,
    pub gazetteer: Gazetteer,
    pub config: Config,
}

/// Names (types, roles) by number, numbered in order of first use.
#[derive(Default)]
struct Names<'a> {
    numbers: BTreeMap<&'a str, usize>,
    order: Vec<&'a str>,
}

impl<'a> Names<'a> {
    fn number(&mut self, name: &'a str) -> usize {
        let next = self.order.len();
        *self.numbers.entry(name).or_insert_with(|| {
            self.order.push(name);
            next
        })
    }
}

fn put_spans(w: &mut Writer, spans: &[Span]) {
    w.len(spans.len());
    for s in spans {
        w.len(s.start);
        w.len(s.end.saturating_sub(s.start));
    }
}

fn get_spans(r: &mut Reader) -> Result<Vec<Span>, WireError> {
    (0..r.len(2)?)
        .map(|_| {
            let start = r.uint()? as usize;
            let len = r.uint()? as usize;
            Ok(Span::new(start, start.saturating_add(len)))
        })
        .collect()
}

/// A document's mention types, and its events' types with their roles, by number.
type Numbered = (Vec<usize>, Vec<(usize, Vec<usize>)>);

/// Write the snapshot of `samples` into `w` (after whatever `w` holds already).
pub fn write_snapshot(w: &mut Writer, samples: &[Sample], gazetteer: &Gazetteer, config: &Config) {
    let mut names = Names::default();
    let mut numbered: Vec<Numbered> = Vec::new();
    for s in samples {
        let m: Vec<usize> = s
            .annotations
            .mentions
            .iter()
            .map(|m| names.number(&m.kind))
            .collect();
        let mut e = Vec::with_capacity(s.annotations.events.len());
        for ev in &s.annotations.events {
            let kind = names.number(&ev.kind);
            let roles = ev.arguments.iter().map(|a| names.number(&a.role)).collect();
            e.push((kind, roles));
        }
        numbered.push((m, e));
    }
    w.raw(SNAPSHOT_MAGIC);
    w.uint(config.seed);
    w.len(config.epochs);
    w.len(gazetteer.entries.len());
    for (phrase, kind) in &gazetteer.entries {
        w.str(phrase);
        w.str(kind);
    }
    w.len(names.order.len());
    for n in &names.order {
        w.str(n);
    }
    w.len(samples.len());
    for (s, (mention_kinds, event_kinds)) in samples.iter().zip(&numbered) {
        w.str(s.text);
        w.len(s.annotations.mentions.len());
        for (m, kind) in s.annotations.mentions.iter().zip(mention_kinds) {
            w.str(&m.id);
            w.len(*kind);
            put_spans(w, &m.fragments);
            w.str(&m.text);
        }
        w.len(s.annotations.events.len());
        for (e, (kind, roles)) in s.annotations.events.iter().zip(event_kinds) {
            w.str(&e.id);
            w.len(*kind);
            put_spans(w, &e.trigger);
            w.str(&e.trigger_text);
            w.len(e.arguments.len());
            for (a, role) in e.arguments.iter().zip(roles) {
                w.len(*role);
                w.str(&a.target);
            }
        }
    }
}

/// The snapshot of `samples` as bytes.
pub fn encode_snapshot(samples: &[Sample], gazetteer: &Gazetteer, config: &Config) -> Vec<u8> {
    let size: usize = samples
        .iter()
        .map(|s| s.text.len() + 64 * s.annotations.count())
        .sum();
    let mut w = Writer::with_capacity(size + 1024);
    write_snapshot(&mut w, samples, gazetteer, config);
    w.bytes
}

fn name(names: &[String], r: &mut Reader) -> Result<String, WireError> {
    let n = r.uint()? as usize;
    names
        .get(n)
        .cloned()
        .ok_or_else(|| r.error("a type or role number past the table"))
}

fn read_document(r: &mut Reader, names: &[String]) -> Result<(String, Annotations), WireError> {
    let text = r.string()?;
    let mut ann = Annotations::default();
    for _ in 0..r.len(4)? {
        let id = r.string()?;
        let kind = name(names, r)?;
        let fragments = get_spans(r)?;
        let covered = r.string()?;
        ann.mentions
            .push(Mention::new(id, kind, fragments, covered));
    }
    for _ in 0..r.len(5)? {
        let id = r.string()?;
        let kind = name(names, r)?;
        let trigger = get_spans(r)?;
        let covered = r.string()?;
        let mut arguments = Vec::new();
        for _ in 0..r.len(2)? {
            let role = name(names, r)?;
            arguments.push(Argument {
                role,
                target: r.string()?,
            });
        }
        ann.events
            .push(Event::new(id, kind, trigger, covered, arguments));
    }
    Ok((text, ann))
}

/// Read a snapshot from `r`, which must then be at its end.
pub fn read_snapshot(r: &mut Reader) -> Result<Snapshot, WireError> {
    if r.raw(4)? != SNAPSHOT_MAGIC {
        return Err(r.error("not a training snapshot (or one of another version)"));
    }
    let config = Config {
        seed: r.uint()?,
        epochs: usize::try_from(r.uint()?).map_err(|_| r.error("too many epochs"))?,
    };
    let mut gazetteer = Gazetteer::default();
    for _ in 0..r.len(2)? {
        gazetteer.entries.push((r.string()?, r.string()?));
    }
    let names = (0..r.len(1)?)
        .map(|_| r.string())
        .collect::<Result<Vec<_>, _>>()?;
    let documents = (0..r.len(3)?)
        .map(|_| read_document(r, &names))
        .collect::<Result<Vec<_>, _>>()?;
    if !r.is_done() {
        return Err(r.error("bytes after the snapshot"));
    }
    Ok(Snapshot {
        documents,
        gazetteer,
        config,
    })
}

impl Snapshot {
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        read_snapshot(&mut Reader::new(bytes))
    }

    pub fn samples(&self) -> Vec<Sample<'_>> {
        self.documents
            .iter()
            .map(|(t, a)| Sample::new(t, a))
            .collect()
    }

    /// Sliced training on this snapshot.
    pub fn training(&self) -> Training {
        Training::new(&self.samples(), &self.gazetteer, &self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Relation;
    use crate::core::suggest::synthetic::Generator;
    use crate::core::suggest::Recommenders;

    #[test]
    fn training_on_a_snapshot_gives_the_model_the_corpus_gives() {
        let mut docs = Generator::new(5, 60).corpus(15, 2_000, 15);
        // What training does not read is left out, and changes nothing.
        let (arg1, arg2) = (
            docs[0].annotations.mentions[0].id.clone(),
            docs[0].annotations.mentions[1].id.clone(),
        );
        docs[0].annotations.relations.push(Relation {
            id: "R1".into(),
            kind: "PART-WHOLE".into(),
            arg1,
            arg2,
            attributes: Default::default(),
        });
        docs[1].annotations.mentions[0].note = Some("unsure".into());
        let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
        let gaz = Gazetteer::from_tsv("Port Aurel\tGPE\n").unwrap();
        let config = Config { seed: 7, epochs: 3 };
        let bytes = encode_snapshot(&samples, &gaz, &config);
        let snap = Snapshot::decode(&bytes).expect("decodes");
        assert_eq!(snap.config, config);
        assert_eq!(snap.gazetteer, gaz);
        assert_eq!(snap.documents.len(), 15);
        let (text, ann) = &snap.documents[3];
        assert_eq!(text, &docs[3].text);
        assert_eq!(ann.mentions, docs[3].annotations.mentions);
        assert_eq!(ann.events, docs[3].annotations.events);
        assert!(snap.documents[0].1.relations.is_empty());
        let direct = Recommenders::train(&samples, &gaz, &config);
        let via = snap.training().finish();
        let held = Generator::new(8, 60).document("held", 3_000, 15);
        let want = direct.suggest(&held.text, &held.annotations);
        assert!(!want.is_empty());
        assert_eq!(via.suggest(&held.text, &held.annotations), want);
    }

    #[test]
    fn a_snapshot_is_smaller_than_the_corpus_as_json() {
        let docs = Generator::new(5, 60).corpus(20, 5_000, 30);
        let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
        let bytes = encode_snapshot(&samples, &Gazetteer::default(), &Config::default());
        let json: usize = docs
            .iter()
            .map(|d| d.text.len() + serde_json::to_string(&d.annotations).unwrap().len())
            .sum();
        let text: usize = docs.iter().map(|d| d.text.len()).sum();
        assert!(
            bytes.len() < text + (json - text) / 2,
            "{} vs {json}",
            bytes.len()
        );
    }

    #[test]
    fn a_bad_snapshot_is_an_error_not_a_panic() {
        let docs = Generator::new(5, 60).corpus(3, 1_000, 8);
        let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
        let bytes = encode_snapshot(&samples, &Gazetteer::default(), &Config::default());
        for cut in (0..bytes.len()).step_by(97) {
            assert!(Snapshot::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(
            Snapshot::decode(b"LPM1....").unwrap_err().what,
            "not a training snapshot (or one of another version)"
        );
    }
}
