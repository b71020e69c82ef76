//! The corpus's suggestions as the app keeps them: the trained model, its quality on the
//! held-out documents, and the suggestion layer of each document opened, with what is
//! stored of it. The UI holds one [`Assistant`] and calls it on open, edit, accept, reject,
//! import and when a training finishes; it decides nothing itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::eval::Quality;
use super::imports::SuggestionImport;
use super::layer::DocSuggestions;
use super::split::{held_out_quality, Split};
use super::stored::StoredError;
use super::{AcceptError, Recommenders, Rejections, Suggestion};
use crate::core::edit::Edit;
use crate::core::model::{Document, Id};
use crate::core::storage::{CorpusStore, KeyValueStore};

/// Learned suggestions below this score are not shown, unless the user lowers it.
pub const DEFAULT_MIN_SCORE: f64 = 0.3;

/// A trained model and what it was trained and measured on.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Arc<Recommenders>,
    /// How many documents it learned from.
    pub documents: usize,
    /// Its precision, recall and F1 on the held-out done documents (`None`: none held out).
    pub quality: Option<Quality>,
    /// How many documents were held out to measure it.
    pub held_out: usize,
    /// Its number, as the trainer gave it: a prediction is used only with the model it
    /// was made with.
    pub seq: u32,
}

impl Trained {
    /// Measure `model`, trained on `split.train` of `documents`, on the rest of the split.
    pub fn measure(model: Recommenders, documents: &[Document], split: &Split, min: f64) -> Self {
        let quality = held_out_quality(&model, documents, split, min);
        Self {
            model: Arc::new(model),
            documents: split.train.len(),
            quality,
            held_out: split.held_out.len(),
            seq: 0,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Assistant {
    trained: Option<Trained>,
    layers: BTreeMap<Id, DocSuggestions>,
    /// Why a document's stored suggestions could not be used, shown in its place.
    damaged: BTreeMap<Id, String>,
    min_score: f64,
}

/// What an import as suggestions did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Suggestions new to their documents.
    pub added: usize,
    pub documents: usize,
    /// Why some were not kept (a full storage, a damaged value), by document title.
    pub problems: Vec<String>,
}

impl Assistant {
    pub fn new() -> Self {
        Self {
            min_score: DEFAULT_MIN_SCORE,
            ..Self::default()
        }
    }

    pub fn trained(&self) -> Option<&Trained> {
        self.trained.as_ref()
    }

    pub fn model(&self) -> Option<&Recommenders> {
        self.trained.as_ref().map(|t| &*t.model)
    }

    pub fn min_score(&self) -> f64 {
        self.min_score
    }

    /// Show learned suggestions scored at least `min` (0 to 1).
    pub fn set_min_score(&mut self, min: f64, documents: &[&Document]) {
        self.min_score = min.clamp(0.0, 1.0);
        for d in documents {
            if let Some(layer) = self.layers.get_mut(d.id()) {
                layer.set_min_score(self.min_score);
                layer.refresh(&d.annotations);
            }
        }
    }

    pub fn layer(&self, id: &str) -> Option<&DocSuggestions> {
        self.layers.get(id)
    }

    /// Why the stored suggestions of a document are not used, if they are damaged.
    pub fn damaged(&self, id: &str) -> Option<&str> {
        self.damaged.get(id).map(String::as_str)
    }

    /// A document was opened: read what is stored of its layer (once) and show it. Its
    /// learned suggestions are predicted elsewhere (see [`Assistant::wants_prediction`]),
    /// or here by [`Assistant::predict_here`].
    pub fn open<S: KeyValueStore>(&mut self, store: &CorpusStore<S>, doc: &Document) {
        if !self.layers.contains_key(doc.id()) {
            let (imported, rejections) = match store.load_suggestions(doc.id(), &doc.text) {
                Ok(v) => v,
                Err(e) => {
                    self.damaged.insert(doc.id().to_owned(), e.to_string());
                    (Vec::new(), Rejections::default())
                }
            };
            let mut layer = DocSuggestions::new(imported, rejections);
            layer.set_min_score(self.min_score);
            self.layers.insert(doc.id().to_owned(), layer);
        }
        let model = self.trained.as_ref().map(|t| t.model.clone());
        let layer = self.layers.get_mut(doc.id()).expect("inserted above");
        layer.edited(model.as_deref(), &doc.text, &doc.annotations);
    }

    /// The model number a document's learned suggestions are wanted from: the current
    /// model's, unless they are from it already (or there is no model, or no layer).
    pub fn wants_prediction(&self, id: &str) -> Option<u32> {
        let t = self.trained.as_ref()?;
        let layer = self.layers.get(id)?;
        (layer.learned_by() != Some(t.seq)).then_some(t.seq)
    }

    /// The learned suggestions of `doc`, predicted (elsewhere) by model `seq`: taken if
    /// that is still the current model. Returns whether they were.
    pub fn set_learned(&mut self, doc: &Document, seq: u32, learned: Vec<Suggestion>) -> bool {
        if self.trained.as_ref().map(|t| t.seq) != Some(seq) {
            return false;
        }
        match self.layers.get_mut(doc.id()) {
            Some(layer) => {
                layer.set_learned(seq, learned, &doc.annotations);
                true
            }
            None => false,
        }
    }

    /// Predict the learned suggestions of `doc` here and now (the CLI, tests, and a
    /// small document): [`Assistant::set_learned`] with the current model's prediction.
    pub fn predict_here(&mut self, doc: &Document) {
        let Some(t) = self.trained.as_ref() else {
            return;
        };
        let (seq, model) = (t.seq, t.model.clone());
        self.set_learned(doc, seq, model.learned(&doc.text));
    }

    /// A document's annotations changed (an edit, an undo, another tab).
    pub fn edited(&mut self, doc: &Document) {
        let model = self.trained.as_ref().map(|t| t.model.clone());
        if let Some(layer) = self.layers.get_mut(doc.id()) {
            layer.edited(model.as_deref(), &doc.text, &doc.annotations);
        }
    }

    /// The event selected in `doc` (or none): its empty roles are offered.
    pub fn select_event(&mut self, doc: &Document, event: Option<&str>) {
        let model = self.trained.as_ref().map(|t| t.model.clone());
        if let Some(layer) = self.layers.get_mut(doc.id()) {
            if layer.selected_event() != event {
                layer.select_event(model.as_deref(), &doc.text, &doc.annotations, event);
            }
        }
    }

    /// A training finished: its model suggests from now on. The documents' learned
    /// suggestions stay those of the model before until their new ones are set
    /// ([`Assistant::wants_prediction`] names the ones to predict again); the arguments
    /// of the selected event are ranked by the new model at once, in `open`.
    pub fn set_trained(&mut self, trained: Trained, open: &[&Document]) {
        self.trained = Some(trained);
        let model = self.trained.as_ref().map(|t| t.model.clone());
        for d in open {
            if let Some(layer) = self.layers.get_mut(d.id()) {
                layer.edited(model.as_deref(), &d.text, &d.annotations);
            }
        }
    }

    /// The edit accepting the shown suggestions at `indices` of `doc`.
    pub fn accept(&self, doc: &Document, indices: &[usize]) -> Result<Edit, AcceptError> {
        match self.layers.get(doc.id()) {
            Some(layer) => layer.accept(&doc.annotations, indices),
            None => Err(AcceptError::Missing {
                id: doc.id().to_owned(),
            }),
        }
    }

    /// Reject the shown suggestion at `index` of `doc` and store the rejection. When it
    /// cannot be stored, nothing changes and the error says why.
    pub fn reject<S: KeyValueStore>(
        &mut self,
        store: &CorpusStore<S>,
        doc: &Document,
        index: usize,
    ) -> Result<Option<Suggestion>, StoredError> {
        let Some(layer) = self.layers.get_mut(doc.id()) else {
            return Ok(None);
        };
        let Some(s) = layer.reject(index, &doc.annotations) else {
            return Ok(None);
        };
        if let Err(e) = store.save_rejections(doc.id(), layer.rejections()) {
            layer.forgive(&s, &doc.annotations);
            return Err(e);
        }
        Ok(Some(s))
    }

    /// Take back a rejection (its undo), stored.
    pub fn forgive<S: KeyValueStore>(
        &mut self,
        store: &CorpusStore<S>,
        doc: &Document,
        s: &Suggestion,
    ) -> Result<(), StoredError> {
        let Some(layer) = self.layers.get_mut(doc.id()) else {
            return Ok(());
        };
        let mut after = layer.rejections().clone();
        after.forgive(s, &doc.annotations);
        store.save_rejections(doc.id(), &after)?;
        layer.forgive(s, &doc.annotations);
        Ok(())
    }

    /// Store imported suggestions in their documents (which must be in `documents`, the
    /// new ones already added). A document whose suggestions cannot be stored keeps what
    /// it had, and is named in the summary.
    pub fn import<S: KeyValueStore>(
        &mut self,
        store: &CorpusStore<S>,
        plan: &SuggestionImport,
        documents: &[&Document],
    ) -> ImportSummary {
        let mut summary = ImportSummary::default();
        let by_sha: BTreeMap<&str, &Document> = documents
            .iter()
            .map(|d| (d.meta.sha256.as_str(), *d))
            .collect();
        let by_id: BTreeMap<&str, &Document> = documents.iter().map(|d| (d.id(), *d)).collect();
        let fresh = plan.new_documents.iter().filter_map(|p| {
            by_sha
                .get(p.document.meta.sha256.as_str())
                .map(|d| (*d, &p.suggestions))
        });
        let matched = plan
            .matched
            .iter()
            .filter_map(|(id, s)| by_id.get(id.as_str()).map(|d| (*d, s)));
        for (doc, suggestions) in matched.chain(fresh) {
            self.open(store, doc);
            if let Some(why) = self.damaged.get(doc.id()) {
                summary
                    .problems
                    .push(format!("“{}”: {why}", doc.meta.title));
                continue;
            }
            let layer = self.layers.get_mut(doc.id()).expect("opened above");
            let before = layer.clone();
            let added = layer.import(suggestions.clone(), &doc.annotations);
            if let Err(e) = store.save_imported(doc.id(), &doc.text, layer.imported()) {
                *layer = before;
                summary.problems.push(format!("“{}”: {e}", doc.meta.title));
                continue;
            }
            summary.added += added;
            summary.documents += 1;
        }
        summary
    }

    /// Put a document's damaged stored suggestions aside, so it can have suggestions again.
    pub fn discard_damaged<S: KeyValueStore>(
        &mut self,
        store: &CorpusStore<S>,
        doc: &Document,
    ) -> Result<(), StoredError> {
        store.discard_suggestions(doc.id(), &doc.text)?;
        self.damaged.remove(doc.id());
        self.layers.remove(doc.id());
        self.open(store, doc);
        Ok(())
    }

    /// Forget documents that were removed from the corpus.
    pub fn forget(&mut self, ids: &[Id]) {
        for id in ids {
            self.layers.remove(id);
            self.damaged.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::edit::History;
    use crate::core::format::{self, Format, InputFile};
    use crate::core::model::{Mention, Span, Status};
    use crate::core::storage::{rejections_key, MemoryStore};
    use crate::core::suggest::split::split;
    use crate::core::suggest::{imports, training::Training, Config, Gazetteer};

    fn tagged(title: &str, text: &str, word: &str, kind: &str) -> Document {
        let mut d = Document::new(title, text);
        let b = text.find(word).unwrap();
        let s = text[..b].chars().count();
        d.annotations.mentions.push(Mention::new(
            "T1",
            kind,
            vec![Span::new(s, s + word.chars().count())],
            word,
        ));
        d
    }

    fn train(docs: &[Document]) -> Trained {
        let s = split(docs);
        // Sliced, as the browser trains.
        let mut t = Training::new(
            &s.train_samples(docs),
            &Gazetteer::default(),
            &Config::default(),
        );
        while !t.step(300) {}
        Trained::measure(t.finish(), docs, &s, DEFAULT_MIN_SCORE)
    }

    fn store_of(docs: &[Document]) -> CorpusStore<MemoryStore> {
        let store = CorpusStore::new(MemoryStore::default());
        let metas: Vec<_> = docs.iter().map(|d| d.meta.clone()).collect();
        store.add_documents(&metas, docs).unwrap();
        store
    }

    fn reload(store: &CorpusStore<MemoryStore>) -> (CorpusStore<MemoryStore>, Vec<Document>) {
        let again = CorpusStore::new(MemoryStore::default());
        *again.store.values.borrow_mut() = store.store.values.borrow().clone();
        let docs = again.load().unwrap().documents;
        (again, docs)
    }

    #[test]
    fn the_kyiv_story_accept_one_reject_one_reload_and_export() {
        let first = tagged("one", "Shelling hit Kyiv overnight.", "Kyiv", "GPE");
        let second = Document::new("two", "Officials in Kyiv and Kyiv Oblast met in Kyiv.");
        let docs = vec![first, second];
        let store = store_of(&docs);
        let mut a = Assistant::new();
        a.set_trained(train(&docs), &[]);
        let mut doc = docs[1].clone();
        a.open(&store, &doc);
        assert_eq!(a.wants_prediction(doc.id()), Some(0));
        a.predict_here(&doc);
        assert_eq!(a.wants_prediction(doc.id()), None);
        let kyivs: Vec<Span> = a
            .layer(doc.id())
            .unwrap()
            .shown()
            .map(Suggestion::span)
            .collect();
        assert_eq!(kyivs.len(), 3, "{kyivs:?}");
        // Accept the first, reject the last.
        let mut history = History::default();
        let edit = a.accept(&doc, &[0]).unwrap();
        history
            .apply(&mut doc.annotations, &doc.text, edit)
            .unwrap();
        store.save_annotations(doc.id(), &doc.annotations).unwrap();
        a.edited(&doc);
        let last = *a.layer(doc.id()).unwrap().ids().last().unwrap();
        let rejected = a.reject(&store, &doc, last).unwrap().unwrap();
        assert_eq!(rejected.span(), kyivs[2]);
        assert_eq!(a.layer(doc.id()).unwrap().len(), 1);
        // Reload: the rejection is remembered, the accepted one is an annotation.
        let (store, docs) = reload(&store);
        let mut a = Assistant::new();
        a.set_trained(train(&docs), &[]);
        a.open(&store, &docs[1]);
        a.predict_here(&docs[1]);
        let shown: Vec<Span> = a
            .layer(docs[1].id())
            .unwrap()
            .shown()
            .map(Suggestion::span)
            .collect();
        assert_eq!(shown, [kyivs[1]]);
        assert_eq!(docs[1].annotations.mentions.len(), 1);
        assert_eq!(docs[1].annotations.mentions[0].fragments, [kyivs[0]]);
        // Export: only the accepted one is an annotation.
        let out = format::export(
            Format::Loupe,
            &docs[1..],
            &crate::core::schema::Schema::ace2005(),
        );
        let body = String::from_utf8(out.files[0].bytes.clone()).unwrap();
        let back = format::import(
            Format::Loupe,
            &[InputFile::new("x.json", body)],
            Default::default(),
        )
        .unwrap();
        assert_eq!(back.documents[0].annotations.mentions.len(), 1);
    }

    #[test]
    fn quality_is_measured_on_held_out_done_documents() {
        let mut docs: Vec<Document> = ["Kyiv", "Odesa", "Lviv", "Sumy", "Rivne", "Kharkiv"]
            .iter()
            .map(|c| {
                let mut d = tagged(c, &format!("Rockets hit {c} again."), c, "GPE");
                d.meta.status = Status::Done;
                d
            })
            .collect();
        docs.push(tagged("x", "Rockets hit Kyiv today.", "Kyiv", "GPE"));
        let t = train(&docs);
        assert_eq!((t.documents, t.held_out), (5, 2));
        let q = t.quality.expect("measured");
        assert_eq!(q.documents, 2);
        assert!(!q.rows.is_empty());
    }

    #[test]
    fn a_rejection_that_cannot_be_stored_changes_nothing() {
        let docs = vec![Document::new("a", "Kyiv and Odesa.")];
        let store = store_of(&docs);
        let mut a = Assistant::new();
        let plan = imports::plan(
            imports::read(
                Some(Format::Doccano),
                &[InputFile::new(
                    "m.jsonl",
                    r#"{"text": "Kyiv and Odesa.", "label": [[0, 4, "GPE"], [9, 14, "GPE"]]}"#,
                )],
            )
            .unwrap(),
            &[docs[0].meta.clone()],
        );
        let summary = a.import(&store, &plan, &[&docs[0]]);
        assert_eq!((summary.added, summary.documents), (2, 1));
        assert!(summary.problems.is_empty());
        // The stored rejections are damaged: rejecting is refused, and both stay shown.
        store
            .store
            .set(&rejections_key(docs[0].id()), "{oops")
            .unwrap();
        let err = a.reject(&store, &docs[0], 0).unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
        assert_eq!(a.layer(docs[0].id()).unwrap().len(), 2);
        assert_eq!(
            store
                .store
                .get(&rejections_key(docs[0].id()))
                .unwrap()
                .as_deref(),
            Some("{oops")
        );
        // On the next load the damage is named, and discarding it recovers the imports.
        let (store, docs) = reload(&store);
        let mut a = Assistant::new();
        a.open(&store, &docs[0]);
        assert!(a
            .damaged(docs[0].id())
            .unwrap()
            .contains("rejected suggestions"));
        a.discard_damaged(&store, &docs[0]).unwrap();
        assert_eq!(a.layer(docs[0].id()).unwrap().len(), 2);
        assert!(a.damaged(docs[0].id()).is_none());
    }
}
