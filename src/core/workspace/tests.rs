//! Every action of the application layer, over the in-memory store; two workspaces over
//! one store stand for two tabs.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use super::*;
use crate::core::model::{Mention, Span};
use crate::core::storage::{ann_key, rescued_key, text_key, MemoryStore, INDEX_KEY};

type Ws = Workspace<Rc<MemoryStore>>;

const TEXT: &str = "Ada met Bob in Paris. Bob flew to Rome with Ada.";
const OTHER: &str = "Bob stayed in Paris, and Ada wrote to Bob.";

/// The `n`th occurrence of `word` in `text`, as a code-point span (ASCII text).
fn word(text: &str, word: &str, n: usize) -> Span {
    let start = text
        .match_indices(word)
        .nth(n)
        .expect("the word is there")
        .0;
    Span::new(start, start + word.len())
}

fn tab(store: &Rc<MemoryStore>, name: &str) -> Ws {
    let mut ws = Workspace::new(Ok(store.clone()), Arc::from(name));
    ws.load();
    ws
}

/// A workspace with TEXT (open) and OTHER, stored.
fn two_docs() -> (Rc<MemoryStore>, Ws) {
    let store = Rc::new(MemoryStore::default());
    let mut ws = tab(&store, "a");
    let out = ws.add_and_open(vec![
        Document::new("One", TEXT),
        Document::new("Two", OTHER),
    ]);
    assert!(out.list && out.opened);
    (store, ws)
}

fn tag(ws: &mut Ws, kind: &str, span: Span) -> Id {
    ws.tag(kind, span, None).expect("tagged").id
}

fn mention_texts(ws: &Ws) -> Vec<String> {
    ws.open_annotations()
        .unwrap()
        .mentions
        .iter()
        .map(|m| m.text.clone())
        .collect()
}

fn stored(store: &Rc<MemoryStore>) -> crate::core::storage::Loaded {
    CorpusStore::new(store.clone()).load().unwrap()
}

#[test]
fn adding_skips_texts_already_in_the_corpus_and_opens_the_first_new_one() {
    let (_, mut ws) = two_docs();
    let first = ws.open_id().cloned().unwrap();
    assert_eq!(ws.slot(&first).unwrap().doc.meta.title, "One");
    let out = ws.add_and_open(vec![Document::new("Again", TEXT)]);
    assert_eq!(out.notices, [Notice::Skipped(vec!["Again".into()])]);
    assert!(!out.list);
    assert_eq!(ws.metas().len(), 2);
}

#[test]
fn loading_reports_damage_and_opens_the_first_document() {
    let (store, _) = two_docs();
    let id = Document::new("Two", OTHER).meta.id;
    store.set(&ann_key(&id), "{not json").unwrap();
    let mut ws = Workspace::new(Ok(store.clone()), Arc::from("b"));
    let out = ws.load();
    assert!(out.list && out.opened);
    assert!(matches!(&out.notices[..], [Notice::Damage(m)] if m.contains("Two")));
    assert_eq!(ws.metas().len(), 2);
    assert!(store.get(&rescued_key(&ann_key(&id))).unwrap().is_some());
}

#[test]
fn a_mention_goes_where_it_sorts_and_starts_the_document() {
    let (store, mut ws) = two_docs();
    tag(&mut ws, "GPE", word(TEXT, "Paris", 0));
    let id = ws.open_id().cloned().unwrap();
    assert_eq!(
        ws.slot(&id).unwrap().doc.meta.status,
        Status::NotStarted.next_after_edit()
    );
    let out = ws.tag("PER", word(TEXT, "Ada", 0), None).unwrap().outcome;
    assert!(out.changed.contains(&id) && out.save);
    assert!(
        !out.list,
        "already in progress: the list does not change again"
    );
    assert_eq!(mention_texts(&ws), ["Ada", "Paris"]);
    assert_eq!(ws.save_status(), SaveStatus::Saving);
    assert!(ws.flush().0);
    assert_eq!(ws.save_status(), SaveStatus::Saved);
    let loaded = stored(&store);
    assert_eq!(loaded.documents[0].meta.status, Status::InProgress);
    assert_eq!(loaded.documents[0].annotations.mentions.len(), 2);
}

trait AfterEdit {
    fn next_after_edit(self) -> Status;
}
impl AfterEdit for Status {
    fn next_after_edit(self) -> Status {
        match self {
            Status::NotStarted => Status::InProgress,
            other => other,
        }
    }
}

#[test]
fn an_event_type_tags_a_trigger_and_a_slot_fills_in_the_same_step() {
    let (_, mut ws) = two_docs();
    let event = tag(&mut ws, "Movement:Transport", word(TEXT, "flew", 0));
    assert!(event.starts_with('E'));
    let created = ws
        .tag("PER", word(TEXT, "Bob", 1), Some((&event, "Artifact")))
        .unwrap();
    let ann = ws.open_annotations().unwrap();
    assert_eq!(ann.event(&event).unwrap().arguments[0].target, created.id);
    ws.undo();
    let ann = ws.open_annotations().unwrap();
    assert!(ann.mentions.is_empty() && ann.event(&event).unwrap().arguments.is_empty());
}

#[test]
fn a_tag_and_its_undo_redraw_where_it_is_and_outcomes_join_their_places() {
    let (_, mut ws) = two_docs();
    let id = ws.open_id().unwrap().to_owned();
    let (ada, bob) = (word(TEXT, "Ada", 0), word(TEXT, "Bob", 0));
    let first = ws.tag("PER", ada, None).unwrap().outcome;
    assert_eq!(first.redraw.get(&id), Some(&vec![ada]));
    let second = ws.tag("PER", bob, None).unwrap().outcome;
    assert_eq!(
        first.clone().and(second.clone()).redraw.get(&id),
        Some(&vec![ada, bob])
    );
    let undone = ws.undo();
    assert_eq!(undone.redraw.get(&id), Some(&vec![bob]));
    assert_eq!(ws.redo().redraw.get(&id), Some(&vec![bob]));
    // An outcome that may have redrawn anywhere (an import, say) makes the pair do so.
    let mut anywhere = second.clone();
    anywhere.redraw.clear();
    assert_eq!(first.and(anywhere).redraw.get(&id), None);
    let mut kept = second.clone();
    kept.kept_spans.insert(id.clone());
    kept.redraw.clear();
    assert_eq!(kept.and(second).redraw.get(&id), Some(&vec![bob]));
}

#[test]
fn arguments_and_relations_keep_the_spans_and_tags_keep_the_arcs() {
    let (_, mut ws) = two_docs();
    let id = ws.open_id().unwrap().to_owned();
    let event = ws
        .tag("Movement:Transport", word(TEXT, "flew", 0), None)
        .unwrap();
    assert!(event.outcome.changed.contains(&id) && event.outcome.kept_spans.is_empty());
    assert!(
        event.outcome.kept_arcs.contains(&id),
        "a new event has no arcs yet"
    );
    let bob = tag(&mut ws, "PER", word(TEXT, "Bob", 1));
    let rome = tag(&mut ws, "GPE", word(TEXT, "Rome", 0));
    let filled = ws.fill(&event.id, "Artifact", &bob).unwrap();
    assert!(
        filled.kept_spans.contains(&id),
        "an argument draws an arc, not a span"
    );
    assert!(filled.kept_arcs.is_empty());
    let related = ws.add_relation(&bob, &rome, "PHYS").unwrap().outcome;
    assert!(related.kept_spans.contains(&id));
    assert!(ws.set_note(&bob, "pilot").unwrap().kept_spans.contains(&id));
    // A tag after an argument, in one outcome: the spans moved.
    let tagged = ws.tag("PER", word(TEXT, "Ada", 0), None).unwrap().outcome;
    assert!(tagged.kept_arcs.contains(&id) && tagged.kept_spans.is_empty());
    let both = filled.and(tagged.clone());
    assert!(both.changed.contains(&id) && both.kept_spans.is_empty());
    assert!(both.kept_arcs.is_empty(), "the argument changed the arcs");
    assert!(tagged.and(related.clone()).kept_spans.is_empty());
    assert!(related.clone().and(related).kept_spans.contains(&id));
}

#[test]
fn filling_a_slot_refuses_the_event_itself() {
    let (_, mut ws) = two_docs();
    let event = tag(&mut ws, "Movement:Transport", word(TEXT, "flew", 0));
    let rome = tag(&mut ws, "GPE", word(TEXT, "Rome", 0));
    let bob = tag(&mut ws, "PER", word(TEXT, "Bob", 1));
    assert_eq!(
        ws.fill(&event, "Destination", &event).unwrap_err(),
        Refusal::SelfArgument(event.clone())
    );
    assert_eq!(ws.slot_role(&event, 0).as_deref(), Some("Agent"));
    assert_eq!(ws.candidates(&event), [bob.clone(), rome.clone()]);
    ws.fill(&event, "Artifact", &bob).unwrap();
    assert_eq!(ws.candidates(&event), [rome]);
    ws.remove_argument(&event, 0).unwrap();
    assert!(ws
        .open_annotations()
        .unwrap()
        .event(&event)
        .unwrap()
        .arguments
        .is_empty());
}

#[test]
fn relations_coreference_attributes_notes_and_normalisations() {
    let (_, mut ws) = two_docs();
    let ada = tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    let paris = tag(&mut ws, "GPE", word(TEXT, "Paris", 0));
    let ada2 = tag(&mut ws, "PER", word(TEXT, "Ada", 1));
    assert!(ws
        .relation_types_for(&ada, &paris)
        .contains(&"PHYS".to_owned()));
    let rel = ws.add_relation(&ada, &paris, "PHYS").unwrap().id;
    assert_eq!(ws.open_annotations().unwrap().relations[0].id, rel);
    ws.same_entity(&ada, &ada2).unwrap();
    let ann = ws.open_annotations().unwrap();
    assert_eq!(ann.entities.len(), 1);
    assert_eq!(
        ann.mention(&ada2).unwrap().entity,
        ann.mention(&ada).unwrap().entity
    );
    assert_eq!(
        ws.same_entity(&ada, &rel).unwrap_err(),
        Refusal::NotMentions
    );
    ws.split_from_entity(&ada2).unwrap();
    assert_eq!(
        ws.open_annotations()
            .unwrap()
            .mention(&ada2)
            .unwrap()
            .entity,
        None
    );
    ws.set_note(&ada, "  ").unwrap();
    ws.set_note(&ada, "the chemist").unwrap();
    assert_eq!(
        ws.open_annotations()
            .unwrap()
            .mention(&ada)
            .unwrap()
            .note
            .as_deref(),
        Some("the chemist")
    );
    assert_eq!(
        ws.set_normalization(&ada, "Q7259").unwrap_err(),
        Refusal::BadNormalization("Q7259".into())
    );
    let entity = ws.open_annotations().unwrap().entities[0].id.clone();
    ws.set_normalization(&entity, "Wikidata:Q7259").unwrap();
    ws.set_entity_name(&entity, "  ").unwrap();
    ws.set_entity_name(&entity, "Ada Lovelace").unwrap();
    let e = &ws.open_annotations().unwrap().entities[0];
    assert_eq!(e.name, "Ada Lovelace");
    assert_eq!(e.normalization.as_ref().unwrap().id, "Q7259");
}

#[test]
fn deleting_an_argument_says_which_roles_it_filled() {
    let (_, mut ws) = two_docs();
    let event = tag(&mut ws, "Movement:Transport", word(TEXT, "flew", 0));
    let bob = ws
        .tag("PER", word(TEXT, "Bob", 1), Some((&event, "Artifact")))
        .unwrap()
        .id;
    let out = ws.delete_annotation(&bob).unwrap();
    assert_eq!(
        out.notices,
        [Notice::DeletedArgument {
            id: bob,
            roles: vec![format!("Artifact of {event}")]
        }]
    );
    ws.delete_annotation(&event).unwrap();
    assert!(ws.open_annotations().unwrap().is_empty());
}

#[test]
fn a_fragment_must_not_overlap_its_mention() {
    let (_, mut ws) = two_docs();
    let ada = tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    assert_eq!(
        ws.add_fragment(&ada, Span::new(1, 5)).unwrap_err(),
        Refusal::FragmentOverlaps(ada.clone())
    );
    ws.add_fragment(&ada, word(TEXT, "Ada", 1)).unwrap();
    assert_eq!(
        ws.open_annotations().unwrap().mentions[0].fragments.len(),
        2
    );
}

#[test]
fn annotation_order_is_text_order_over_mentions_and_triggers() {
    let (_, mut ws) = two_docs();
    let rome = tag(&mut ws, "GPE", word(TEXT, "Rome", 0));
    let flew = tag(&mut ws, "Movement:Transport", word(TEXT, "flew", 0));
    let ada = tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    assert_eq!(ws.annotation_order(), [ada, flew, rome]);
}

#[test]
fn undo_and_redo_walk_the_open_documents_history() {
    let (_, mut ws) = two_docs();
    tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    tag(&mut ws, "PER", word(TEXT, "Bob", 0));
    assert!(ws.undo().changed.len() == 1);
    assert_eq!(mention_texts(&ws), ["Ada"]);
    ws.redo();
    assert_eq!(mention_texts(&ws), ["Ada", "Bob"]);
    ws.undo();
    ws.undo();
    assert_eq!(ws.undo(), Outcome::default(), "nothing left to undo");
}

#[test]
fn a_corpus_newer_than_this_loupe_refuses_every_change() {
    let (store, _) = two_docs();
    store
        .set(
            INDEX_KEY,
            &store
                .get(INDEX_KEY)
                .unwrap()
                .unwrap()
                .replace("\"version\":1", "\"version\":9"),
        )
        .unwrap();
    let mut ws = tab(&store, "b");
    assert!(ws.is_read_only());
    assert_eq!(ws.save_status(), SaveStatus::NotSaved);
    assert!(matches!(
        ws.tag("PER", word(TEXT, "Ada", 0), None),
        Err(Refusal::ReadOnly(_))
    ));
    assert!(matches!(
        ws.add_documents(vec![Document::new("X", "x")]),
        Err(Refusal::ReadOnly(_))
    ));
    assert!(matches!(
        ws.rename(&ws.metas()[0].id.clone(), "New"),
        Err(Refusal::ReadOnly(_))
    ));
    assert!(matches!(
        ws.set_schema(Schema::conll2003()),
        Err(Refusal::ReadOnly(_))
    ));
    assert!(matches!(
        ws.delete(&[ws.metas()[0].id.clone()]).notices[..],
        [Notice::Refused(Refusal::ReadOnly(_))]
    ));
    assert!(!ws.flush().0);
}

#[test]
fn clean_up_replaces_the_text_only_before_the_first_annotation() {
    let (store, mut ws) = two_docs();
    let id = ws.open_id().cloned().unwrap();
    assert_eq!(
        ws.replace_text(&id, "  \n").unwrap_err(),
        Refusal::CleanupLeavesNothing
    );
    assert_eq!(
        ws.replace_text(&id, OTHER).unwrap_err(),
        Refusal::CleanupDuplicate
    );
    ws.set_status(&id, Status::Done);
    let out = ws.replace_text(&id, "Ada met Bob in Paris.").unwrap();
    assert!(out.list && out.opened);
    let new_id = ws.open_id().cloned().unwrap();
    assert_ne!(new_id, id);
    let slot = ws.slot(&new_id).unwrap();
    assert_eq!(
        (slot.doc.meta.title.as_str(), slot.doc.meta.status),
        ("One", Status::Done)
    );
    assert_eq!(store.get(&text_key(&id)).unwrap(), None);
    assert_eq!(stored(&store).documents[0].text, "Ada met Bob in Paris.");
    tag(&mut ws, "PER", Span::new(0, 3));
    assert_eq!(
        ws.replace_text(&new_id, "Ada.").unwrap_err(),
        Refusal::CleanupAfterAnnotation
    );
}

#[test]
fn renaming_refuses_a_blank_title_and_done_toggles_back_by_content() {
    let (store, mut ws) = two_docs();
    let id = ws.open_id().cloned().unwrap();
    assert_eq!(ws.rename(&id, "   ").unwrap_err(), Refusal::BlankTitle);
    assert!(ws.rename(&id, " Renamed ").unwrap().list);
    ws.toggle_done(&id);
    assert_eq!(ws.slot(&id).unwrap().doc.meta.status, Status::Done);
    ws.toggle_done(&id);
    assert_eq!(ws.slot(&id).unwrap().doc.meta.status, Status::NotStarted);
    tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    ws.toggle_done(&id);
    ws.toggle_done(&id);
    assert_eq!(ws.slot(&id).unwrap().doc.meta.status, Status::InProgress);
    ws.set_annotator("  Grace ");
    assert!(ws.flush().0);
    let loaded = stored(&store);
    assert_eq!(loaded.documents[0].meta.title, "Renamed");
    assert_eq!(loaded.annotator, "Grace");
}

#[test]
fn deleting_documents_can_be_undone_in_place_with_their_annotations() {
    let (store, mut ws) = two_docs();
    let one = ws.open_id().cloned().unwrap();
    tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    let out = ws.delete(std::slice::from_ref(&one));
    assert!(out.list && out.opened);
    assert_eq!(ws.deleted(), 1);
    assert_ne!(ws.open_id(), Some(&one));
    assert_eq!(store.get(&text_key(&one)).unwrap(), None);
    ws.undo_delete();
    assert_eq!(ws.deleted(), 0);
    assert_eq!(ws.metas()[0].id, one);
    let loaded = stored(&store);
    assert_eq!(loaded.documents[0].annotations.mentions.len(), 1);
    // Deleting everything leaves nothing open.
    let all: Vec<Id> = ws.metas().into_iter().map(|m| m.id).collect();
    ws.delete(&all);
    assert_eq!(ws.open_id(), None);
    ws.undo_delete();
    assert!(ws.open_id().is_some());
}

#[test]
fn tag_all_in_the_corpus_is_one_undo_step_until_the_next_edit() {
    let (_, mut ws) = two_docs();
    let one = ws.open_id().cloned().unwrap();
    let bob = tag(&mut ws, "PER", word(TEXT, "Bob", 0));
    let here = ws.preview_tag_all(&bob, false).unwrap();
    assert_eq!(here.total(), 1);
    let corpus = ws.preview_tag_all(&bob, true).unwrap();
    assert_eq!(corpus.total(), 3);
    assert_eq!(corpus.docs[0].0, one, "the open document first");
    let out = ws.confirm_tag_all(&corpus);
    assert_eq!(out.changed.len(), 2);
    assert!(matches!(
        &out.notices[..],
        [Notice::TaggedCorpus {
            count: 3,
            documents: 2,
            ..
        }]
    ));
    let undo = ws.undo();
    assert!(matches!(
        &undo.notices[..],
        [Notice::CorpusStep {
            undo: true,
            documents: 2,
            ..
        }]
    ));
    assert_eq!(mention_texts(&ws), ["Bob"]);
    let two = ws.metas()[1].id.clone();
    assert!(ws.slot(&two).unwrap().doc.annotations.is_empty());
    ws.redo();
    assert_eq!(ws.slot(&two).unwrap().doc.annotations.mentions.len(), 2);
    // Another edit retires the step: undo now takes back that edit only.
    tag(&mut ws, "GPE", word(TEXT, "Paris", 0));
    let undo = ws.undo();
    assert!(undo.notices.is_empty());
    assert_eq!(ws.slot(&two).unwrap().doc.annotations.mentions.len(), 2);
    assert_eq!(
        ws.preview_tag_all("nope", false).unwrap_err(),
        Refusal::NotASpan
    );
}

#[test]
fn tag_all_in_one_document_counts_again_when_confirmed() {
    let (_, mut ws) = two_docs();
    let ada = tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    let preview = ws.preview_tag_all(&ada, false).unwrap();
    tag(&mut ws, "PER", word(TEXT, "Ada", 1));
    let out = ws.confirm_tag_all(&preview);
    assert!(out.changed.is_empty(), "nothing left to tag");
}

fn imported(text: &str, mentions: &[(&str, Span)]) -> Document {
    let mut doc = Document::new("Imported", text);
    for (i, (kind, span)) in mentions.iter().enumerate() {
        let t: String = text
            .chars()
            .skip(span.start)
            .take(span.end - span.start)
            .collect();
        doc.annotations
            .mentions
            .push(Mention::new(format!("T{}", i + 1), *kind, vec![*span], t));
    }
    doc
}

#[test]
fn an_import_adds_new_texts_and_merges_into_known_ones_as_one_undo_step() {
    let (_, mut ws) = two_docs();
    let docs = vec![
        imported(TEXT, &[("PER", word(TEXT, "Ada", 0))]),
        imported("A third text.", &[]),
    ];
    let (applied, out) = ws.apply_import(docs, false).unwrap();
    assert_eq!(applied.added.len(), 1);
    assert_eq!(applied.merged.len(), 1);
    assert!(out.list);
    assert_eq!(mention_texts(&ws), ["Ada"]);
    ws.undo();
    assert!(ws.open_annotations().unwrap().is_empty());
}

#[test]
fn a_strict_import_applies_nothing_when_an_annotation_cannot_be_merged() {
    let (_, mut ws) = two_docs();
    tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    // The same span with another type clashes with the mention already there.
    let docs = vec![
        imported(TEXT, &[("ORG", word(TEXT, "Ada", 0))]),
        imported("A third text.", &[]),
    ];
    let refused = ws.apply_import(docs.clone(), true);
    match refused {
        Err(Refusal::StrictImport { problems }) => assert!(!problems.is_empty()),
        Err(other) => panic!("refused for another reason: {other}"),
        Ok((applied, _)) => {
            // No clash in this merge policy: then strict imports as lenient does.
            assert!(applied.problems.is_empty());
            return;
        }
    }
    assert_eq!(ws.metas().len(), 2, "nothing was added");
    let (applied, _) = ws.apply_import(docs, false).unwrap();
    assert_eq!(applied.added.len(), 1);
    assert!(!applied.problems.is_empty());
}

#[test]
fn a_full_quota_keeps_edits_in_memory_and_deleting_frees_room() {
    let store = Rc::new(MemoryStore::with_quota(2_000));
    let mut ws = tab(&store, "a");
    ws.add_and_open(vec![
        Document::new("One", TEXT),
        Document::new("Two", OTHER),
    ]);
    let before = stored(&store);
    for _ in 0..40 {
        let at = mention_texts(&ws).len();
        let ann = ws.open_annotations().unwrap().clone();
        let span = word(TEXT, "Ada", 0);
        let mention = Mention::new(ann.next_id("T"), "PER", vec![span], String::new());
        ws.edit(Edit::InsertMention { index: at, mention }).unwrap();
    }
    let (saved, out) = ws.flush();
    assert!(!saved && out.trouble);
    assert_eq!(ws.trouble(), Some(&Trouble::Full));
    assert_eq!(ws.save_status(), SaveStatus::NotSaved);
    assert!(ws.has_unsaved());
    assert_eq!(
        stored(&store).documents,
        before.documents,
        "the stored copy is untouched"
    );
    assert!(ws.retry_save().notices.contains(&Notice::StillNotSaved));
    // Undo most of it, delete the other document: now it fits.
    for _ in 0..38 {
        ws.undo();
    }
    let two = ws.metas()[1].id.clone();
    let out = ws.delete(&[two]);
    assert!(
        out.notices.contains(&Notice::SavedAgain),
        "{:?}",
        out.notices
    );
    assert_eq!(ws.trouble(), None);
    assert_eq!(stored(&store).documents[0].annotations.mentions.len(), 2);
}

#[test]
fn without_storage_the_workspace_works_in_memory_and_says_so() {
    let mut ws: Ws = Workspace::new(
        Err(StoreError::Unavailable("SecurityError".into())),
        Arc::from("a"),
    );
    assert_eq!(ws.load(), Outcome::default());
    assert!(ws
        .trouble()
        .unwrap()
        .to_string()
        .contains("nothing will be kept"));
    ws.add_and_open(vec![Document::new("One", TEXT)]);
    tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    assert_eq!(mention_texts(&ws), ["Ada"]);
    assert!(!ws.flush().0);
    assert_eq!(ws.usage(), None);
}

#[test]
fn the_schema_is_validated_stored_and_followed_by_another_tab() {
    let (store, mut a) = two_docs();
    let mut b = tab(&store, "b");
    let mut bad = Schema::conll2003();
    bad.entity_types[0].color = "red-ish".into();
    assert!(matches!(a.set_schema(bad), Err(Refusal::Schema(_))));
    let out = a.set_schema(Schema::conll2003()).unwrap();
    assert!(out.schema);
    let out = b.on_storage_changed(crate::core::storage::SCHEMA_KEY);
    assert!(out.schema);
    assert_eq!(
        out.notices,
        [Notice::SchemaFollowed(Schema::conll2003().name)]
    );
    assert_eq!(b.schema(), &Schema::conll2003());
    assert_eq!(
        b.on_storage_changed(crate::core::storage::SCHEMA_KEY),
        Outcome::default()
    );
}

#[test]
fn another_tabs_edit_to_a_document_not_edited_here_is_taken() {
    let (store, mut a) = two_docs();
    let mut b = tab(&store, "b");
    let id = a.open_id().cloned().unwrap();
    tag(&mut a, "PER", word(TEXT, "Ada", 0));
    assert!(a.flush().0);
    let out = b.on_storage_changed(&ann_key(&id));
    assert!(out.changed.contains(&id));
    assert!(out.notices.is_empty());
    assert_eq!(mention_texts(&b), ["Ada"]);
    assert!(!b.has_unsaved());
}

#[test]
fn edits_made_in_both_tabs_are_merged_and_the_merge_is_saved() {
    let (store, mut a) = two_docs();
    let mut b = tab(&store, "b");
    let id = a.open_id().cloned().unwrap();
    tag(&mut a, "PER", word(TEXT, "Ada", 0));
    tag(&mut b, "GPE", word(TEXT, "Paris", 0));
    assert!(a.flush().0);
    let out = b.on_storage_changed(&ann_key(&id));
    assert!(out.save);
    assert!(matches!(
        &out.notices[..],
        [Notice::MergedWithOtherTab { conflicts: 0, .. }]
    ));
    assert!(b.flush().0);
    a.on_storage_changed(&ann_key(&id));
    assert_eq!(mention_texts(&a).len(), 2);
    assert_eq!(mention_texts(&b).len(), 2);
    assert_eq!(stored(&store).documents[0].annotations.mentions.len(), 2);
}

#[test]
fn another_tabs_additions_renames_and_deletions_are_followed() {
    let (store, mut a) = two_docs();
    let mut b = tab(&store, "b");
    a.add_and_open(vec![Document::new("Three", "A third text.")]);
    let out = b.on_storage_changed(INDEX_KEY);
    assert!(out.list);
    assert_eq!(
        out.notices,
        [Notice::OtherTab {
            added: vec!["Three".into()],
            deleted: 0
        }]
    );
    assert_eq!(b.metas().len(), 3);
    let one = a.metas()[0].id.clone();
    a.rename(&one, "First").unwrap();
    assert!(a.flush().0);
    assert!(b.on_storage_changed(INDEX_KEY).list);
    assert_eq!(b.metas()[0].title, "First");
    b.open(one.clone());
    a.delete(std::slice::from_ref(&one));
    let out = b.on_storage_changed(INDEX_KEY);
    assert!(out.opened, "the open document went: another one opens");
    assert_eq!(
        out.notices,
        [Notice::OtherTab {
            added: vec![],
            deleted: 1
        }]
    );
    assert_eq!(b.metas().len(), 2);
}

#[test]
fn a_document_deleted_elsewhere_but_edited_here_is_kept() {
    let (store, mut a) = two_docs();
    let mut b = tab(&store, "b");
    let one = a.open_id().cloned().unwrap();
    tag(&mut b, "PER", word(TEXT, "Ada", 0));
    a.delete(std::slice::from_ref(&one));
    b.on_storage_changed(INDEX_KEY);
    assert!(b.slot(&one).is_some());
}

/// A store that records every key read.
#[derive(Default)]
struct Counting {
    inner: Rc<MemoryStore>,
    reads: RefCell<Vec<String>>,
}

impl KeyValueStore for Counting {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.reads.borrow_mut().push(key.to_owned());
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.inner.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.inner.remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.inner.keys()
    }
}

#[test]
fn bug_18_follow_index_reads_only_the_list_and_new_documents_and_never_locks_or_writes() {
    // Bug 18: following another tab's list used to reload and parse the whole corpus,
    // write rescued copies, lock the store read-only, and drop the problems it found.
    let store = Rc::new(Counting::default());
    let mut a = Workspace::new(Ok(store.clone()), Arc::from("a"));
    a.load();
    a.add_and_open(vec![
        Document::new("One", TEXT),
        Document::new("Two", OTHER),
    ]);
    let mut b = Workspace::new(Ok(store.clone()), Arc::from("b"));
    b.load();
    let two = b.metas()[1].id.clone();
    // Damage a document b already has: following the list must not touch it.
    store.inner.set(&ann_key(&two), "{damaged").unwrap();
    // Another tab adds two documents, one of them with an unreadable value.
    let three = Document::new("Three", "A third text.");
    let four = Document::new("Four", "A fourth text.");
    let mut all = a.metas();
    all.extend([three.meta.clone(), four.meta.clone()]);
    CorpusStore::new(store.inner.clone())
        .add_documents(&all, &[three.clone(), four.clone()])
        .unwrap();
    store.inner.set(&ann_key(four.id()), "{damaged").unwrap();
    let keys_before = store.inner.keys().unwrap();
    store.reads.borrow_mut().clear();
    let out = b.on_storage_changed(INDEX_KEY);
    let reads = store.reads.borrow().clone();
    assert!(
        reads
            .iter()
            .all(|k| k == INDEX_KEY || k.contains(three.id()) || k.contains(four.id())),
        "{reads:?}"
    );
    assert!(!b.is_read_only());
    assert_eq!(
        store.inner.keys().unwrap(),
        keys_before,
        "nothing was written"
    );
    assert_eq!(b.metas().len(), 3, "the readable new document is added");
    assert!(out
        .notices
        .contains(&Notice::OtherTabUnreadable("Four".into())));
}

#[test]
fn exports_name_their_files_and_done_documents_go_together() {
    let (_, mut ws) = two_docs();
    let one = ws.open_id().cloned().unwrap();
    assert_eq!(ws.export_open().unwrap().name, "One.loupe.json");
    assert_eq!(ws.export_all().name, "loupe-corpus.loupe.json");
    assert_eq!(ws.export_done().unwrap_err(), Refusal::NothingDone);
    ws.set_status(&one, Status::Done);
    let (file, ids) = ws.export_done().unwrap();
    assert_eq!(ids, [one]);
    let docs =
        crate::core::format::loupe::from_json(std::str::from_utf8(&file.bytes).unwrap()).unwrap();
    assert_eq!(docs.documents.len(), 1);
}

#[test]
fn the_neighbour_of_the_open_document_stops_at_the_ends() {
    let (_, ws) = two_docs();
    let order: Vec<Id> = ws.metas().into_iter().map(|m| m.id).collect();
    assert_eq!(ws.neighbour(&order, 1), Some(order[1].clone()));
    assert_eq!(ws.neighbour(&order, -1), Some(order[0].clone()));
    assert_eq!(ws.neighbour(&order[1..], 1), Some(order[1].clone()));
    assert_eq!(ws.neighbour(&[], 1), None);
}

// Native only: proptest is not built for wasm.
#[cfg(not(target_arch = "wasm32"))]
mod two_tabs {
    //! Random actions in two tabs over one store, with storage events delivered late: no
    //! edit is lost, and both converge.
    use super::*;
    use proptest::prelude::*;

    const WORDS: usize = 12;

    fn text() -> String {
        (0..WORDS)
            .map(|i| format!("w{i:02}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn span_of(i: usize) -> Span {
        Span::new(i * 4, i * 4 + 3)
    }

    #[derive(Debug, Clone)]
    enum Action {
        Tag {
            tab: usize,
            word: usize,
        },
        Untag {
            tab: usize,
            word: usize,
        },
        Flush {
            tab: usize,
        },
        /// Deliver the oldest pending storage events to a tab.
        Deliver {
            tab: usize,
            n: usize,
        },
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            4 => (0..2usize, 0..WORDS).prop_map(|(tab, word)| Action::Tag { tab, word }),
            1 => (0..2usize, 0..WORDS).prop_map(|(tab, word)| Action::Untag { tab, word }),
            2 => (0..2usize).prop_map(|tab| Action::Flush { tab }),
            2 => (0..2usize, 1..4usize).prop_map(|(tab, n)| Action::Deliver { tab, n }),
        ]
    }

    /// A store that queues a storage event for the other tab on every write, as the
    /// browser does.
    #[derive(Default)]
    struct Shared {
        inner: MemoryStore,
        writer: std::cell::Cell<usize>,
        queues: RefCell<[Vec<String>; 2]>,
    }

    impl KeyValueStore for Shared {
        fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
            self.inner.get(key)
        }
        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            self.inner.set(key, value)?;
            self.queues.borrow_mut()[1 - self.writer.get()].push(key.to_owned());
            Ok(())
        }
        fn remove(&self, key: &str) -> Result<(), StoreError> {
            self.inner.remove(key)?;
            self.queues.borrow_mut()[1 - self.writer.get()].push(key.to_owned());
            Ok(())
        }
        fn keys(&self) -> Result<Vec<String>, StoreError> {
            self.inner.keys()
        }
    }

    fn words_tagged(ws: &Workspace<Rc<Shared>>) -> BTreeSet<usize> {
        ws.open_annotations()
            .unwrap()
            .mentions
            .iter()
            .map(|m| m.start() / 4)
            .collect()
    }

    fn deliver(store: &Shared, tabs: &mut [Workspace<Rc<Shared>>; 2], tab: usize, n: usize) {
        let keys: Vec<String> = {
            let mut q = store.queues.borrow_mut();
            let n = n.min(q[tab].len());
            q[tab].drain(..n).collect()
        };
        store.writer.set(tab);
        for key in keys {
            tabs[tab].on_storage_changed(&key);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn two_tabs_lose_no_edit_and_converge(actions in prop::collection::vec(action(), 1..40)) {
            let store = Rc::new(Shared::default());
            let mut a = Workspace::new(Ok(store.clone()), Arc::from("a"));
            a.load();
            a.add_and_open(vec![Document::new("Doc", &text())]);
            store.queues.borrow_mut()[1].clear();
            let mut b = Workspace::new(Ok(store.clone()), Arc::from("b"));
            b.load();
            let mut tabs = [a, b];
            // Each word is tagged at most once, anywhere, so every tag and every untag is
            // an edit that must survive.
            let mut tagged = BTreeSet::new();
            let mut untagged = BTreeSet::new();
            for action in actions {
                match action {
                    Action::Tag { tab, word } => {
                        store.writer.set(tab);
                        let ws = &mut tabs[tab];
                        if tagged.insert(word) {
                            ws.tag("PER", span_of(word), None).unwrap();
                        }
                    }
                    Action::Untag { tab, word } => {
                        store.writer.set(tab);
                        let ws = &mut tabs[tab];
                        let id = ws.open_annotations().unwrap().mentions.iter()
                            .find(|m| m.start() / 4 == word).map(|m| m.id.clone());
                        if let Some(id) = id {
                            ws.delete_annotation(&id).unwrap();
                            untagged.insert(word);
                        }
                    }
                    Action::Flush { tab } => {
                        store.writer.set(tab);
                        prop_assert!(tabs[tab].flush().0);
                    }
                    Action::Deliver { tab, n } => deliver(&store, &mut tabs, tab, n),
                }
            }
            // Settle: flush both and deliver everything until quiet.
            for _ in 0..6 {
                for tab in 0..2 {
                    store.writer.set(tab);
                    prop_assert!(tabs[tab].flush().0);
                    deliver(&store, &mut tabs, 1 - tab, usize::MAX);
                }
            }
            let (wa, wb) = (words_tagged(&tabs[0]), words_tagged(&tabs[1]));
            prop_assert_eq!(&wa, &wb, "the tabs converge");
            let stored: BTreeSet<usize> = CorpusStore::new(store.clone()).load().unwrap()
                .documents[0].annotations.mentions.iter().map(|m| m.start() / 4).collect();
            prop_assert_eq!(&stored, &wa, "what is stored is what both show");
            // No edit lost: exactly the words tagged and not untagged are tagged.
            let expected: BTreeSet<usize> = tagged.difference(&untagged).copied().collect();
            prop_assert_eq!(&wa, &expected, "an edit was lost");
        }
    }
}

#[test]
fn edits_are_stamped_with_the_clock_and_the_annotator_and_active_time_is_counted() {
    use crate::core::ports::FakeClock;
    let (store, mut ws) = two_docs();
    let clock = Rc::new(FakeClock::default());
    clock.0.set(1_764_585_600_000.0);
    ws.set_clock(clock.clone());
    ws.set_annotator("Ana");
    let first = ws.open_id().cloned().unwrap();
    let ada = tag(&mut ws, "PER", word(TEXT, "Ada", 0));
    clock.advance(4_000.0);
    let bob = tag(&mut ws, "PER", word(TEXT, "Bob", 0));
    let stamps = &ws.open_annotations().unwrap().stamps;
    assert_eq!(stamps[&ada].created, Some(1_764_585_600_000));
    assert_eq!(stamps[&bob].created, Some(1_764_585_604_000));
    assert_eq!(stamps[&bob].created_by, "Ana");
    // Undo takes Bob's mention and its stamp away.
    ws.undo();
    assert!(!ws.open_annotations().unwrap().stamps.contains_key(&bob));

    // Active time: 10 s and 20 s of work, a 5-minute pause (idle), 1 s more.
    for step in [0.0, 10_000.0, 20_000.0, 300_000.0, 1_000.0] {
        clock.advance(step);
        ws.interact();
    }
    assert_eq!(ws.open_annotations().unwrap().active_ms, 31_000);
    // Opening another document starts a new stretch there and asks for a save.
    let other = ws.metas()[1].id.clone();
    assert!(ws.open(other.clone()).save);
    clock.advance(1_000.0);
    ws.interact();
    clock.advance(2_000.0);
    ws.interact();
    assert_eq!(ws.slot(&other).unwrap().doc.annotations.active_ms, 2_000);
    assert_eq!(ws.slot(&first).unwrap().doc.annotations.active_ms, 31_000);
    ws.flush();
    let loaded = stored(&store);
    let saved = |id: &str| {
        loaded
            .documents
            .iter()
            .find(|d| d.meta.id == id)
            .unwrap()
            .annotations
            .clone()
    };
    assert_eq!(saved(&first).active_ms, 31_000);
    assert_eq!(saved(&first).stamps[&ada].created_by, "Ana");
    assert_eq!(saved(&other).active_ms, 2_000);
    // The export carries it all.
    let json = String::from_utf8(ws.export_all().bytes).unwrap();
    assert!(json.contains("\"created\": 1764585600000") && json.contains("\"active_ms\": 31000"));
}

#[test]
fn exports_carry_the_workspace_schema_with_its_guides() {
    let (_, mut ws) = two_docs();
    let guided = crate::core::schema::guided_fixture();
    ws.set_schema(guided.clone()).unwrap();
    for json in [
        String::from_utf8(ws.export_all().bytes).unwrap(),
        String::from_utf8(ws.export_open().unwrap().bytes).unwrap(),
    ] {
        let file = loupe::from_json(&json).unwrap();
        assert_eq!(file.schema, Some(guided.clone()));
    }
}
