//! Saving what is dirty, and following what another tab wrote to the shared store.

use std::collections::BTreeSet;

use super::{DocSlot, Notice, Outcome, Trouble, Workspace};
use crate::core::model::{Annotations, Document, Id};
use crate::core::storage::{
    ann_key, document_of_key, text_key, DocKey, KeyValueStore, StoreError, INDEX_KEY, SCHEMA_KEY,
};
use crate::core::sync::{receive_stored, save_document, Lineage, Received};

impl<S: KeyValueStore> Workspace<S> {
    /// Write everything dirty now. Returns whether all of it reached storage. A refused
    /// write leaves that key's stored copy as it was and the edits in memory.
    pub fn flush(&mut self) -> (bool, Outcome) {
        let mut out = Outcome::default();
        if self.store.is_none() || self.is_read_only() {
            return (false, out);
        }
        match self.write_dirty(&mut out) {
            Ok(()) => {
                if matches!(self.trouble, Some(Trouble::Full)) {
                    self.trouble = None;
                    out.trouble = true;
                    out.notices.push(Notice::SavedAgain);
                }
                (true, out)
            }
            Err(e) => {
                self.trouble = Some(Trouble::of(e));
                out.trouble = true;
                (false, out)
            }
        }
    }

    /// The banner's Retry: save now, and say so if storage is still full.
    pub fn retry_save(&mut self) -> Outcome {
        let (saved, mut out) = self.flush();
        if !saved {
            out.notices.push(Notice::StillNotSaved);
        }
        out
    }

    fn write_dirty(&mut self, out: &mut Outcome) -> Result<(), StoreError> {
        for id in self.dirty.clone() {
            let Some(store) = &self.store else {
                return Err(StoreError::Unavailable("no storage".into()));
            };
            let Some(slot) = self.corpus.iter_mut().find(|s| s.doc.meta.id == id) else {
                self.dirty.remove(&id);
                continue;
            };
            let DocSlot {
                doc, history, sync, ..
            } = slot;
            let received = save_document(store, &id, &doc.text, &mut doc.annotations, sync)?;
            if let Some(r) = received {
                if r.changed {
                    // The undo steps were recorded against annotations that have changed.
                    history.clear();
                }
                self.folded_in(&id, &r, out);
            }
            self.dirty.remove(&id);
        }
        let Some(store) = &self.store else {
            return Ok(());
        };
        if self.index_dirty {
            store.save_index(&self.metas())?;
            self.index_dirty = false;
        }
        if self.settings_dirty {
            store.save_annotator(&self.annotator)?;
            self.settings_dirty = false;
        }
        Ok(())
    }

    /// After another tab's stored value was folded into document `id`: repaint it, and say
    /// so when this tab's own edits were merged with it.
    fn folded_in(&mut self, id: &str, r: &Received, out: &mut Outcome) {
        if r.changed {
            self.rev += 1;
            out.changed.insert(id.to_owned());
        }
        if r.merged {
            let title = self
                .slot(id)
                .map(|s| s.doc.meta.title.clone())
                .unwrap_or_default();
            out.notices.push(Notice::MergedWithOtherTab {
                title,
                conflicts: r.conflicts,
            });
        }
    }

    /// Another tab wrote `key`. A document this tab has not edited takes the stored
    /// annotations; one edited in both is merged by annotation id, so no edit is lost.
    pub fn on_storage_changed(&mut self, key: &str) -> Outcome {
        if key == INDEX_KEY {
            return self.follow_index();
        }
        if key == SCHEMA_KEY {
            return self.follow_schema();
        }
        match document_of_key(key) {
            Some((id, DocKey::Annotations)) => self.follow_document(&id.to_owned()),
            // A text key comes and goes with its document: another tab's import or
            // deletion, which the list may have announced before the text changed.
            Some((_, DocKey::Text)) => self.follow_index(),
            None => Outcome::default(),
        }
    }

    fn follow_document(&mut self, id: &Id) -> Outcome {
        let mut out = Outcome::default();
        let Some(store) = &self.store else {
            return out;
        };
        let Some(slot) = self.corpus.iter_mut().find(|s| &s.doc.meta.id == id) else {
            return out;
        };
        let DocSlot {
            doc, history, sync, ..
        } = slot;
        let Some(r) = receive_stored(store, id, &doc.text, &doc.annotations, sync) else {
            return out;
        };
        if r.changed {
            doc.annotations = r.annotations.clone();
            // The undo steps were recorded against annotations that have now changed.
            history.clear();
        }
        if r.needs_save {
            self.dirty.insert(id.clone());
            out.save = true;
        }
        self.folded_in(id, &r, &mut out);
        out
    }

    /// Take the schema another tab chose. A value this tab cannot read leaves its own.
    fn follow_schema(&mut self) -> Outcome {
        let Some(schema) = self.store.as_ref().and_then(|s| s.read_schema()) else {
            return Outcome::default();
        };
        if schema == self.schema {
            return Outcome::default();
        }
        let name = schema.name.clone();
        self.schema = schema;
        Outcome {
            schema: true,
            notices: vec![Notice::SchemaFollowed(name)],
            ..Outcome::default()
        }
    }

    /// Follow another tab's changes to the document list: its additions appear here, and
    /// when this tab has no unsaved list changes of its own, its renames, status changes
    /// and deletions too. A deleted document this tab has unsaved edits to is kept.
    ///
    /// Only the list is read, plus the texts of documents new to this tab: the corpus is
    /// not loaded again, nothing is written, and the store is never locked read-only.
    fn follow_index(&mut self) -> Outcome {
        let mut out = Outcome::default();
        let Some(theirs) = self.store.as_ref().and_then(|s| s.read_index()) else {
            return out;
        };
        let added = self.take_new_documents(&theirs, &mut out);
        if self.index_dirty {
            if !added.is_empty() {
                out.notices.push(Notice::OtherTab { added, deleted: 0 });
            }
            return out;
        }
        let deleted = self.drop_deleted(&theirs);
        for meta in &theirs {
            if let Some(slot) = self.slot_mut(&meta.id) {
                if slot.doc.meta != *meta {
                    slot.doc.meta = meta.clone();
                    out.list = true;
                }
            }
        }
        if deleted > 0 {
            out.list = true;
            out.opened |= self.reopen_after_removal();
        }
        if !added.is_empty() || deleted > 0 {
            out.notices.push(Notice::OtherTab { added, deleted });
        }
        out
    }

    /// Add the documents of `theirs` this tab does not have; returns their titles. One
    /// whose text is not stored yet comes with its own later event.
    fn take_new_documents(
        &mut self,
        theirs: &[crate::core::model::DocumentMeta],
        out: &mut Outcome,
    ) -> Vec<String> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        let known: BTreeSet<&Id> = self.corpus.iter().map(|s| &s.doc.meta.id).collect();
        let mut fresh = Vec::new();
        for meta in theirs.iter().filter(|m| !known.contains(&m.id)) {
            let Ok(Some(text)) = store.store.get(&text_key(&meta.id)) else {
                continue;
            };
            let (annotations, lineage) = match store.store.get(&ann_key(&meta.id)) {
                Ok(None) => (Annotations::default(), Lineage::default()),
                Ok(Some(_)) => match store.read_annotations(&meta.id, &text) {
                    Some(found) => found,
                    None => {
                        out.notices
                            .push(Notice::OtherTabUnreadable(meta.title.clone()));
                        continue;
                    }
                },
                Err(_) => continue,
            };
            let doc = Document {
                meta: meta.clone(),
                text,
                annotations,
            };
            fresh.push((doc, lineage));
        }
        let titles: Vec<String> = fresh.iter().map(|(d, _)| d.meta.title.clone()).collect();
        if !fresh.is_empty() {
            out.list = true;
        }
        let tab = self.tab.clone();
        self.corpus.extend(
            fresh
                .into_iter()
                .map(|(doc, lineage)| DocSlot::new(doc, &tab, lineage)),
        );
        titles
    }

    /// Drop the documents another tab deleted; returns how many. Only a document whose
    /// text is gone was deleted (otherwise the list was rewritten before this tab's own
    /// addition reached it), and one with unsaved edits here is kept.
    fn drop_deleted(&mut self, theirs: &[crate::core::model::DocumentMeta]) -> usize {
        let Some(store) = &self.store else {
            return 0;
        };
        let listed: BTreeSet<&Id> = theirs.iter().map(|m| &m.id).collect();
        let gone: Vec<Id> = self
            .corpus
            .iter()
            .map(|s| &s.doc.meta.id)
            .filter(|id| !listed.contains(id) && !self.dirty.contains(*id))
            .filter(|id| matches!(store.store.get(&text_key(id)), Ok(None)))
            .cloned()
            .collect();
        self.corpus.retain(|s| !gone.contains(&s.doc.meta.id));
        gone.len()
    }
}
