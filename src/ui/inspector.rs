//! The inspector: the selected annotation with everything that can be edited on it
//! (event slots, entity, attributes, note), then an outline of all annotations.

use std::sync::OnceLock;

use leptos::prelude::*;

use super::annotate::{kind_of, Interaction, Kind, Mode};
use super::state::{CorpusView, Workspace};
use crate::core::keymap::help;
use crate::core::model::{Annotations, AttrValue, Event, Id, Lookup, Mention, Relation};
use crate::core::offsets::OffsetIndex;
use crate::core::plural::count;
use crate::core::schema::{AnnotationKind, Schema};
use crate::core::validate::validate_about;

/// The `?` help, generated from the keymap and the schema's type keys: it cannot drift
/// from the keys.
#[component]
pub fn ShortcutHelp() -> impl IntoView {
    let ia = expect_context::<Interaction>();
    let ws = expect_context::<Workspace>();
    let guidelines = expect_context::<super::guidelines::GuidelinesView>();
    view! {
        <Show when=move || ia.help().get()>
            <div class="help" role="dialog" aria-modal="false" aria-labelledby="help-title">
                <div class="help-head">
                    <h2 id="help-title">"Keyboard shortcuts"</h2>
                    <button type="button" aria-keyshortcuts="F1"
                        on:click=move |_| {
                            // The guidelines take the help's place, not a layer over it.
                            ia.close_help();
                            guidelines.toggle();
                        }>
                        "Annotation guidelines (F1)"
                    </button>
                    <button type="button" on:click=move |_| ia.close_help()>"Close (Esc)"</button>
                </div>
                <div class="help-body">
                    <table>
                        <tbody>
                            {move || ws.schema.current().with(|s| help(s)).into_iter().map(|row| view! {
                                <tr><th scope="row"><kbd>{row.keys}</kbd></th><td>{row.what}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
        </Show>
    }
}

fn fragments(m: &Mention) -> String {
    m.fragments
        .iter()
        .map(|f| format!("[{}, {})", f.start, f.end))
        .collect::<Vec<_>>()
        .join(" ")
}

fn label_of(ann: &Annotations, id: &str) -> String {
    label(ann.mention(id), || ann.event(id), id)
}

/// [`label_of`] through a lookup, for lists.
fn label_in(by_id: &Lookup, id: &str) -> String {
    label(by_id.mention(id), || by_id.event(id), id)
}

fn label<'a>(
    mention: Option<&Mention>,
    event: impl FnOnce() -> Option<&'a Event>,
    id: &str,
) -> String {
    if let Some(m) = mention {
        return format!("{} “{}”", m.kind, m.text);
    }
    if let Some(e) = event() {
        return format!("{} “{}”", e.kind, e.trigger_text);
    }
    id.to_owned()
}

/// The open document as the inspector reads it: borrowed from the workspace, never
/// copied (a copy of a 10,000-annotation document cost 2 ms a keypress).
struct Open<'a> {
    ann: &'a Annotations,
    text: &'a str,
    index: &'a OnceLock<OffsetIndex>,
}

/// A reactive handle on the open document: reading it subscribes to its edits.
#[derive(Clone, Copy)]
struct Current(Workspace);

impl Current {
    /// `f` must not reach the workspace's documents itself: they are borrowed for it.
    fn with<R>(self, f: impl FnOnce(&Open) -> R) -> R {
        self.0.corpus.open_rev().track();
        self.read(f)
    }

    /// [`Self::with`] for what shows only the spans ([`CorpusView::spans_rev`]) or the
    /// arcs ([`CorpusView::arcs_rev`]): `revs` are followed instead of every edit.
    fn with_revs<R>(
        self,
        revs: &[fn(&CorpusView) -> ReadSignal<u64>],
        f: impl FnOnce(&Open) -> R,
    ) -> R {
        for rev in revs {
            rev(&self.0.corpus).track();
        }
        self.read(f)
    }

    fn read<R>(self, f: impl FnOnce(&Open) -> R) -> R {
        let ws = self.0;
        ws.corpus.current().track();
        let mut f = Some(f);
        let found = ws.with_open(|slot| {
            let open = Open {
                ann: &slot.doc.annotations,
                text: &slot.doc.text,
                index: &slot.index,
            };
            f.take().map(|f| f(&open))
        });
        match (found.flatten(), f) {
            (Some(r), _) => r,
            (None, Some(f)) => f(&Open {
                ann: &Annotations::default(),
                text: "",
                index: &OnceLock::new(),
            }),
            (None, None) => unreachable!("f ran, so it returned"),
        }
    }
}

#[component]
pub fn Inspector() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    let ann = Current(ws);
    // While a slot is armed, the inspector keeps showing its event.
    let focus = move || {
        ia.armed()
            .get()
            .map(|(e, _)| e)
            .or_else(|| ws.selection.selected().get())
    };
    // Annotations whose types the schema lacks (after a switch of schema) are kept; the
    // validator flags each, and this line counts them for the document.
    let outside_schema = move || {
        let schema = ws.schema.current().get();
        let lacking = ann.with(|o| schema.unknown_uses([o.ann]));
        (!lacking.is_empty()).then(|| {
            let list: Vec<String> = lacking.iter().map(|(t, n)| format!("{t} ({n})")).collect();
            view! {
                <p class="warning schema-outside" role="status">
                    {format!("Not in the schema: {}. Those annotations are kept; change their type or the schema.", list.join(", "))}
                </p>
            }
        })
    };
    view! {
        <aside class="inspector" aria-label="Inspector">
            {outside_schema}
            <h2>"Selected"</h2>
            <div id="annotation-actions">
                {move || {
                    // Slots, attributes and warnings come from the schema.
                    ws.schema.current().track();
                    let Some(id) = focus() else {
                        return view! { <p class="muted">"Nothing selected. Click a highlight, or press ↓."</p> }.into_any();
                    };
                    // Borrowed: a 10,000-annotation document is not copied on every edit.
                    ann.with(|o| match kind_of(o.ann, &id) {
                        Some(Kind::Mention) => mention_panel(ws, ia, o, o.ann.mention(&id).cloned().expect("a mention")).into_any(),
                        Some(Kind::Event) => event_panel(ws, ia, o, o.ann.events.iter().find(|e| e.id == id).cloned().expect("an event")).into_any(),
                        Some(Kind::Relation) => relation_panel(ws, ia, o, o.ann.relations.iter().find(|r| r.id == id).cloned().expect("a relation")).into_any(),
                        _ => view! { <p class="muted">"Nothing selected."</p> }.into_any(),
                    })
                }}
            </div>
            <super::suggest::SuggestPanel/>
            <Outline ann/>
        </aside>
    }
}

/// What the next click means, when it is not a plain selection. Shown above the article,
/// so it stays in view with the inspector hidden.
#[component]
pub fn ModeBar() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    move || {
        let cancel = move |_| ia.cancel();
        if let Some((event, role)) = ia.armed().get() {
            return view! {
                <div class="modebar" role="status">
                    <span>{format!("Filling {role} of {event}: click a mention, or select text and pick an entity type.")}</span>
                    <button type="button" on:click=cancel>"Done (Esc)"</button>
                </div>
            }.into_any();
        }
        if let Some(preview) = ia.tag_all().get() {
            let n = preview.total();
            let (kind, needle) = (preview.kind.clone(), preview.needle.clone());
            let question = if preview.corpus {
                let docs = preview
                    .docs
                    .iter()
                    .filter(|(_, _, s)| !s.is_empty())
                    .count();
                format!(
                    "Tag {n} more occurrences as {kind}? (“{needle}” in {} of the corpus)",
                    count(docs, "document")
                )
            } else {
                format!("Tag {n} more occurrences as {kind}? (“{needle}” in this document)")
            };
            let per_doc = preview.corpus.then(|| {
                view! {
                    <ul class="tag-all-docs" aria-label="Occurrences per document">
                        {preview.docs.iter().map(|(_, title, spans)| view! {
                            <li>{format!("{title}: {}", spans.len())}</li>
                        }).collect_view()}
                    </ul>
                }
            });
            let scope = if preview.corpus {
                "This document only (A)"
            } else {
                "Whole corpus (A)"
            };
            return view! {
                <div class="modebar" role="status">
                    <span>{question}</span>
                    {per_doc}
                    <button type="button" class="primary" disabled=n == 0 on:click=move |_| ia.confirm_tag_all()>"Tag all (Enter)"</button>
                    <button type="button" aria-keyshortcuts="A" on:click=move |_| ia.toggle_tag_all_scope()>{scope}</button>
                    <button type="button" on:click=cancel>"Cancel (Esc)"</button>
                </div>
            }.into_any();
        }
        match ia.mode().get() {
            Mode::RelationTo(from) => view! {
                <div class="modebar" role="status">
                    <span>{format!("Link from {from}: click the second annotation, or move to it with ↓ ↑ and press Enter.")}</span>
                    <button type="button" on:click=cancel>"Cancel (Esc)"</button>
                </div>
            }
            .into_any(),
            Mode::SameEntityAs(from) => view! {
                <div class="modebar" role="status">
                    <span>{format!("Same entity as {from}: click the other mention.")}</span>
                    <button type="button" on:click=cancel>"Cancel (Esc)"</button>
                </div>
            }
            .into_any(),
            Mode::RelationType(from, to) => link_picker(ws, ia, from, to).into_any(),
            Mode::Normal => ().into_any(),
        }
    }
}

/// What a link between two annotations can be: an argument role of the first (an
/// event), or a relation type.
#[derive(Debug, Clone, PartialEq)]
enum LinkOption {
    Role(String),
    Relation(String),
}

/// The roles of `from`'s event type that accept `to`'s type, then the relation types the
/// schema allows from `from` to `to`.
fn link_options(ws: Workspace, from: &str, to: &str) -> Vec<LinkOption> {
    ws.with_core(|c| {
        c.link_roles(from, to)
            .into_iter()
            .map(LinkOption::Role)
            .chain(
                c.relation_types_for(from, to)
                    .into_iter()
                    .map(LinkOption::Relation),
            )
            .collect()
    })
    .unwrap_or_default()
}

/// Focus the first element matching `selector` without scrolling to it (a 1 MB article
/// must not jump to its top when the picker hands the keys back).
fn focus_first(selector: &str) {
    use js_sys::{Function, Object, Reflect};
    use wasm_bindgen::JsCast;
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
    else {
        return;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"preventScroll".into(), &true.into());
    if let Some(focus) = Reflect::get(&el, &"focus".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    {
        let _ = focus.call1(&el, &options);
    }
}

/// The picker of a link's type, after a drag or R: every option has a digit, the arrows
/// and Tab move between them, Enter picks the focused one. The first is focused.
fn link_picker(ws: Workspace, ia: Interaction, from: Id, to: Id) -> impl IntoView {
    let options = link_options(ws, &from, &to);
    let roles = options.iter().any(|o| matches!(o, LinkOption::Role(_)));
    let label = if roles {
        "Argument role or relation type"
    } else {
        "Relation type"
    };
    let none = options.is_empty();
    request_animation_frame(|| focus_first(".picker [data-option]"));
    let buttons = options
        .into_iter()
        .enumerate()
        .map(|(n, option)| {
            let key = if n < 9 { (n + 1).to_string() } else { String::new() };
            let (f, t) = (from.clone(), to.clone());
            let (name, what) = match &option {
                LinkOption::Role(r) => (r.clone(), "role"),
                LinkOption::Relation(r) => (r.clone(), "relation"),
            };
            let pick = move |_| {
                match &option {
                    LinkOption::Role(r) => ia.add_argument(&f, r, &t),
                    LinkOption::Relation(r) => ia.add_relation(&f, &t, r),
                }
                focus_first(".article");
            };
            view! {
                <button type="button" data-option=n aria-keyshortcuts=key.clone() on:click=pick>
                    {(!key.is_empty()).then(|| view! { <kbd aria-hidden="true">{key.clone()}</kbd> })}
                    {name}
                    <span class="what">{what}</span>
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="modebar picker" role="group" aria-label=label>
            <span>{format!("Link {from} → {to}:")}</span>
            {none.then(|| view! { <span class="warning">"The schema allows no argument role or relation between these types."</span> })}
            {buttons}
            <button type="button" on:click=move |_| ia.cancel()>"Cancel (Esc)"</button>
        </div>
    }
}

/// The link type picker's options, and which has the focus.
fn picker_options() -> (Vec<web_sys::HtmlElement>, Option<usize>) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return (Vec::new(), None);
    };
    let options: Vec<web_sys::HtmlElement> = doc
        .query_selector_all(".picker [data-option]")
        .map(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i)?.dyn_into().ok())
                .collect()
        })
        .unwrap_or_default();
    let active = doc.active_element();
    let at = options.iter().position(|o| {
        active
            .as_ref()
            .is_some_and(|a| a == o.as_ref() as &web_sys::Element)
    });
    (options, at)
}

/// The picker's digit: pick the option with number `n + 1`.
pub fn picker_pick(n: usize) {
    if let Some(o) = picker_options().0.get(n) {
        o.click();
    }
}

/// The picker's arrows: move the focus to the next or previous option, round the ends.
/// Returns whether there was an option to move to.
pub fn picker_step(forward: bool) -> bool {
    let (options, at) = picker_options();
    let n = options.len();
    if n == 0 {
        return false;
    }
    let next = match (at, forward) {
        (None, true) => 0,
        (None, false) => n - 1,
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
    };
    let _ = options[next].focus();
    true
}

/// The picker's Enter: pick the focused option (the first unless moved). On the picker's
/// other buttons (Cancel) it does what they say. With no option at all, it says so and
/// closes the picker.
pub fn picker_confirm(ws: Workspace, ia: Interaction) {
    use wasm_bindgen::JsCast;
    let (options, at) = picker_options();
    let other = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .filter(|a| at.is_none() && a.closest(".picker").ok().flatten().is_some())
        .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(button) = other {
        button.click();
        return;
    }
    match options.get(at.unwrap_or(0)) {
        Some(o) => o.click(),
        None => {
            if let Mode::RelationType(from, to) = ia.mode().get_untracked() {
                ws.alerts.info(format!(
                    "Nothing was linked: the schema has no argument role or relation from {from} to {to}."
                ));
            }
            ia.cancel();
        }
    }
}

fn warnings_for(ws: Workspace, open: &Open, id: &str) -> Vec<String> {
    // Only this annotation's rules, over the document's kept offset index: this runs
    // after every edit of the selected annotation.
    ws.schema.current().with_untracked(|schema| {
        validate_about(open.text, open.index, open.ann, Some(schema), id)
            .into_iter()
            .map(|i| i.message)
            .collect()
    })
}

fn attribute_editors(
    ia: Interaction,
    schema: &Schema,
    target: &Id,
    kind: AnnotationKind,
    current: &std::collections::BTreeMap<String, AttrValue>,
) -> impl IntoView {
    schema
        .attributes
        .iter()
        .filter(|a| a.applies_to.contains(&kind))
        .map(|a| {
            let name = a.name.clone();
            let target = target.clone();
            let field = format!("attr-{}", a.name);
            if a.values.is_empty() {
                let on = matches!(current.get(&a.name), Some(AttrValue::Flag(true)));
                view! {
                    <label class="attr"><input type="checkbox" prop:checked=on
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            ia.set_attribute(&target, &name, checked.then_some(AttrValue::Flag(true)));
                        }/>{a.name.clone()}</label>
                }.into_any()
            } else {
                let value = match current.get(&a.name) { Some(AttrValue::Value(v)) => v.clone(), _ => String::new() };
                view! {
                    <label class="attr" for=field.clone()>{a.name.clone()}</label>
                    <select id=field on:change=move |ev| {
                        let v = event_target_value(&ev);
                        ia.set_attribute(&target, &name, (!v.is_empty()).then_some(AttrValue::Value(v)));
                    }>
                        <option value="" selected=value.is_empty()>"—"</option>
                        {a.values.iter().map(|v| view! { <option value=v.clone() selected=*v == value>{v.clone()}</option> }).collect_view()}
                    </select>
                }.into_any()
            }
        })
        .collect_view()
}

fn note_editor(ia: Interaction, target: &Id, note: Option<String>) -> impl IntoView {
    let target = target.clone();
    view! {
        <label for="note">"Note"</label>
        <textarea id="note" rows="2" prop:value=note.unwrap_or_default()
            on:change=move |ev| ia.set_note(&target, event_target_value(&ev))></textarea>
    }
}

/// The schema's description and examples for the selected annotation's type.
fn type_guide(summary: String) -> impl IntoView {
    (!summary.is_empty()).then(|| view! { <p class="type-guide">{summary}</p> })
}

/// When the annotation was made and last changed, and by whom, when recorded.
fn stamp_rows(ann: &Annotations, id: &str) -> impl IntoView {
    use crate::core::timing::utc;
    let stamp = ann.stamps.get(id).cloned();
    stamp.map(|s| {
        let by = |name: &str| {
            if name.is_empty() {
                String::new()
            } else {
                format!(" by {name}")
            }
        };
        let created = s.created.map_or_else(
            || "not recorded".to_owned(),
            |c| format!("{}{}", utc(c), by(&s.created_by)),
        );
        let modified = format!("{}{}", utc(s.modified), by(&s.modified_by));
        view! {
            <dl class="details stamps">
                <dt>"Created"</dt><dd class="created">{created}</dd>
                <dt>"Modified"</dt><dd class="modified">{modified}</dd>
            </dl>
        }
    })
}

fn mention_panel(ws: Workspace, ia: Interaction, open: &Open, m: Mention) -> impl IntoView {
    let ann = open.ann;
    let guide = ws.schema.current().with_untracked(|s| {
        s.entity_type(&m.kind)
            .map(|t| t.guide.summary())
            .unwrap_or_default()
    });
    let stamps = stamp_rows(ann, &m.id);
    let entity = m
        .entity
        .as_ref()
        .and_then(|e| ann.entities.iter().find(|x| &x.id == e))
        .cloned();
    let members = entity
        .as_ref()
        .map(|e| {
            ann.mentions
                .iter()
                .filter(|x| x.entity.as_deref() == Some(e.id.as_str()))
                .count()
        })
        .unwrap_or(0);
    let types = ws.schema.current().with_untracked(|s| {
        s.entity_types
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
    });
    let (id, id2, id3, id4, id5) = (
        m.id.clone(),
        m.id.clone(),
        m.id.clone(),
        m.id.clone(),
        m.id.clone(),
    );
    let attrs = ws.schema.current().with_untracked(|s| {
        attribute_editors(ia, s, &m.id, AnnotationKind::Mention, &m.attributes).into_any()
    });
    let warnings = warnings_for(ws, open, &m.id);
    view! {
        <dl class="details">
            <dt>"Id"</dt><dd>{m.id.clone()}</dd>
            <dt>"Text"</dt><dd class="quote">{m.text.clone()}</dd>
            <dt>"Offsets"</dt><dd>{fragments(&m)}</dd>
        </dl>
        {type_guide(guide)}
        {stamps}
        <label for="mention-type">"Type"</label>
        <select id="mention-type" on:change=move |ev| {
            let kind = event_target_value(&ev);
            ws.edit(crate::core::edit::Edit::SetMentionType { id: id.clone(), kind });
        }>
            {types.into_iter().map(|t| { let sel = t == m.kind; view! { <option value=t.clone() selected=sel>{t.clone()}</option> } }).collect_view()}
        </select>
        <Warnings list=warnings/>
        {links_list(ia, ann, &m.id)}
        <div class="entity-box">
            {match entity {
                Some(e) => {
                    let (eid, eid2) = (e.id.clone(), e.id.clone());
                    let norm = e.normalization.as_ref().map(|n| format!("{}:{}", n.resource, n.id)).unwrap_or_default();
                    view! {
                        <p>{format!("Entity {} · {}", e.id, count(members, "mention"))}</p>
                        <label for="entity-name">"Canonical name"</label>
                        <input id="entity-name" type="text" prop:value=e.name.clone()
                            on:change=move |ev| ia.set_entity_name(&eid, &event_target_value(&ev))/>
                        <label for="entity-norm">"Normalisation (e.g. Wikidata:Q212)"</label>
                        <input id="entity-norm" type="text" prop:value=norm
                            on:change=move |ev| ia.set_normalization(&eid2, &event_target_value(&ev))/>
                        <button type="button" on:click=move |_| ia.split_from_entity(&id2)>"Split from entity"</button>
                    }.into_any()
                }
                None => view! { <p class="muted">"Not linked to an entity."</p> }.into_any(),
            }}
        </div>
        <div class="actions-row">
            <button type="button" aria-keyshortcuts="S" on:click=move |_| ia.start_same_entity(id3.clone())>"Same entity as… (S)"</button>
            <button type="button" aria-keyshortcuts="R" on:click=move |_| ia.start_relation(id4.clone())>"Relation… (R)"</button>
            <button type="button" aria-keyshortcuts="A" on:click=move |_| { ws.selection.select(id5.clone()); ia.preview_tag_all(false) }>"Tag all occurrences (A)"</button>
            <button type="button" aria-keyshortcuts="Delete" on:click=move |_| ia.delete_selected()>"Delete (Del)"</button>
        </div>
        {attrs}
        {note_editor(ia, &m.id, m.note.clone())}
    }
}

fn event_panel(ws: Workspace, ia: Interaction, open: &Open, e: Event) -> impl IntoView {
    let schema_type = ws
        .schema
        .current()
        .with_untracked(|s| s.event_type(&e.kind).cloned());
    let warnings = warnings_for(ws, open, &e.id);
    let attrs = ws.schema.current().with_untracked(|s| {
        attribute_editors(ia, s, &e.id, AnnotationKind::Event, &e.attributes).into_any()
    });
    let id_rel = e.id.clone();
    let guide = schema_type
        .as_ref()
        .map(|t| t.guide.summary())
        .unwrap_or_default();
    let stamps = stamp_rows(open.ann, &e.id);
    let slots = schema_type.map(|t| t.roles).unwrap_or_default();
    // Each argument's label, looked up now: the view must not hold the document.
    let labels: Vec<String> = e
        .arguments
        .iter()
        .map(|a| format!("{} {}", a.target, label_of(open.ann, &a.target)))
        .collect();
    view! {
        <dl class="details">
            <dt>"Event"</dt><dd>{format!("{} · {}", e.id, e.kind)}</dd>
            <dt>"Trigger"</dt><dd class="quote">{e.trigger_text.clone()}</dd>
        </dl>
        {type_guide(guide)}
        {stamps}
        <Warnings list=warnings/>
        <h3 class="slots-heading">"Arguments"</h3>
        <ol class="slots">
            {slots.into_iter().enumerate().map(|(n, role)| {
                let filled: Vec<(usize, String)> = e.arguments.iter().enumerate()
                    .filter(|(_, a)| a.role == role.name)
                    .map(|(i, _)| (i, labels[i].clone()))
                    .collect();
                let (event, rname) = (e.id.clone(), role.name.clone());
                let (event2, rname2) = (e.id.clone(), role.name.clone());
                let armed = move || ia.armed().get() == Some((event2.clone(), rname2.clone()));
                let key = if n < 9 { format!("{}", n + 1) } else { String::new() };
                let pressed = armed.clone();
                let need = slot_need(&role.cardinality, filled.len());
                let empty = filled.is_empty();
                let accepts = accepts_in_words(&role.types);
                let accepts_all = role.types.join(", ");
                let role_guide = role.guide.summary();
                view! {
                    <li class="slot" class:armed=armed.clone() class:empty=empty>
                        <div class="slot-head">
                            <span class="role">{role.name.clone()}</span>
                            <span class="need">{need}</span>
                        </div>
                        <div class="accepts" title=accepts_all>{accepts}</div>
                        {(!role_guide.is_empty()).then(|| view! { <div class="role-guide">{role_guide.clone()}</div> })}
                        <ul class="fillers">
                            {filled.into_iter().map(|(i, text)| {
                                let event = e.id.clone();
                                view! { <li>{text.clone()}
                                    <button type="button" class="small" aria-label=format!("Remove {} {}", role.name, text)
                                        on:click=move |_| ia.remove_argument(&event, i)>"×"</button></li> }
                            }).collect_view()}
                        </ul>
                        <button type="button" class="small" aria-keyshortcuts=key.clone() aria-pressed=move || pressed().to_string()
                            on:click=move |_| ia.arm(event.clone(), rname.clone())>
                            {format!("Fill {}{}", role.name, if key.is_empty() { String::new() } else { format!(" ({key})") })}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ol>
        {links_list(ia, open.ann, &e.id)}
        <div class="actions-row">
            <button type="button" aria-keyshortcuts="R" on:click=move |_| ia.start_relation(id_rel.clone())>"Link… (R)"</button>
            <button type="button" aria-keyshortcuts="Delete" on:click=move |_| ia.delete_selected()>"Delete (Del)"</button>
        </div>
        {attrs}
        {note_editor(ia, &e.id, e.note.clone())}
    }
}

/// A slot's need in words: "required", "optional", "one or more", and how many it holds.
fn slot_need(card: &crate::core::schema::Cardinality, filled: usize) -> String {
    use crate::core::schema::Cardinality as C;
    let what = match card {
        C::One => "required".to_owned(),
        C::Optional => "optional".to_owned(),
        C::Any => "optional, any number".to_owned(),
        C::OneOrMore => "required, one or more".to_owned(),
        C::Range { min, max } if min == max => format!("exactly {min}"),
        C::Range { min, max } => format!("{min} to {max}"),
    };
    match (filled, card.min() as usize) {
        (0, _) => what,
        (n, min) if n < min => format!("{what} · {n} of {min}"),
        (n, _) if card.max() == Some(n as u32) => format!("{what} · filled"),
        (n, _) => format!("{what} · {n} filled"),
    }
}

/// The types a slot accepts, in words: the first four, then "…" (the title lists all).
fn accepts_in_words(types: &[String]) -> String {
    let shown: Vec<&str> = types.iter().take(4).map(String::as_str).collect();
    let more = if types.len() > 4 { ", …" } else { "" };
    format!("takes {}{more}", shown.join(", "))
}

/// Where an annotation is linked: the events it is an argument of (with the role), its
/// relations, and for an event its own relations. Each row selects the other end. The
/// arcs layer is hidden from screen readers; this list carries the same facts.
fn links_list(ia: Interaction, ann: &Annotations, id: &str) -> impl IntoView {
    let mut rows: Vec<(Id, String)> = Vec::new();
    for e in &ann.events {
        for a in e.arguments.iter().filter(|a| a.target == id) {
            rows.push((
                e.id.clone(),
                format!("{} of {} {}", a.role, e.id, label_of(ann, &e.id)),
            ));
        }
    }
    for r in &ann.relations {
        if r.arg1 == id {
            rows.push((
                r.id.clone(),
                format!("{} → {} {}", r.kind, r.arg2, label_of(ann, &r.arg2)),
            ));
        } else if r.arg2 == id {
            rows.push((
                r.id.clone(),
                format!("{} ← {} {}", r.kind, r.arg1, label_of(ann, &r.arg1)),
            ));
        }
    }
    let empty = rows.is_empty();
    view! {
        <h3 class="slots-heading">"Links"</h3>
        {empty.then(|| view! { <p class="muted">"Not an argument of any event, and in no relation."</p> })}
        <ul class="links" aria-label="Arguments and relations">
            {rows.into_iter().map(|(target, text)| view! {
                <li><button type="button" class="link" on:click=move |_| ia.choose(target.clone())>{text}</button></li>
            }).collect_view()}
        </ul>
    }
}

fn relation_panel(ws: Workspace, ia: Interaction, open: &Open, r: Relation) -> impl IntoView {
    let ann = open.ann;
    let warnings = warnings_for(ws, open, &r.id);
    let guide = ws.schema.current().with_untracked(|s| {
        s.relation_type(&r.kind)
            .map(|t| t.guide.summary())
            .unwrap_or_default()
    });
    let stamps = stamp_rows(ann, &r.id);
    view! {
        <dl class="details">
            <dt>"Relation"</dt><dd>{format!("{} · {}", r.id, r.kind)}</dd>
            <dt>"From"</dt><dd>{format!("{} {}", r.arg1, label_of(ann, &r.arg1))}</dd>
            <dt>"To"</dt><dd>{format!("{} {}", r.arg2, label_of(ann, &r.arg2))}</dd>
        </dl>
        {type_guide(guide)}
        {stamps}
        <Warnings list=warnings/>
        <button type="button" aria-keyshortcuts="Delete" on:click=move |_| ia.delete_selected()>"Delete (Del)"</button>
    }
}

#[component]
fn Warnings(list: Vec<String>) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! {
            <ul class="warnings" aria-label="Warnings">
                {list.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
            </ul>
        }
    })
}

/// Every annotation of the document: entities once each with their mentions, unlinked
/// mentions, events and relations. Each row selects its annotation.
const OUTLINE_ROWS: usize = 50;

/// One outline row: id, type label, text.
type Row = (Id, String, String);

fn mention_row(m: &Mention) -> Row {
    (m.id.clone(), m.kind.clone(), m.text.clone())
}

#[component]
fn Outline(ann: Current) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    // One subscriber per row on the selection would make every selection change re-run
    // (and unsubscribe, one by one) all of them; a selector wakes only the two rows
    // whose state changed.
    let selected = ws.selection.selected();
    let is_selected = StoredValue::new(Selector::new(move || selected.get()));
    let row = move |(id, label, text): Row| {
        let (key, id2) = (Some(id.clone()), id.clone());
        view! {
            <li>
                <button type="button" class="outline-item"
                    class:selected=move || is_selected.with_value(|s| s.selected(&key))
                    aria-label=format!("{label} {id}: {text}")
                    on:click=move |_| ia.choose(id2.clone())>
                    <span class="tag-label">{label.clone()}</span>" "{text.clone()}
                </button>
            </li>
        }
    };
    // A long article can hold 10,000 annotations: the outline draws the first rows of
    // each list (a screenful or two; each row is three nodes built from wasm while the
    // article opens) and the rest on request. Each list is a memo of its rows, keyed by
    // content, so an edit redraws only the rows it changed (often none: most tags land
    // past the first rows), never the whole list.
    let shown_rows = RwSignal::new(OUTLINE_ROWS);
    // Each list follows only the revisions its rows read: a tag leaves the events' and the
    // relations' rows alone, an argument the mentions'.
    let rows = move |revs: &'static [fn(&CorpusView) -> ReadSignal<u64>],
                     pick: fn(&Annotations, usize) -> Vec<Row>| {
        Memo::new(move |_| {
            let limit = shown_rows.get();
            ann.with_revs(revs, |o| pick(o.ann, limit))
        })
    };
    let singles = rows(&[CorpusView::spans_rev], |a, limit| {
        a.mentions
            .iter()
            .filter(|m| m.entity.is_none())
            .take(limit)
            .map(mention_row)
            .collect()
    });
    let events = rows(
        &[CorpusView::spans_rev, CorpusView::arcs_rev],
        |a, limit| {
            a.events
                .iter()
                .take(limit)
                .map(|e| {
                    let text = format!("{} ({} arguments)", e.trigger_text, e.arguments.len());
                    (e.id.clone(), e.kind.clone(), text)
                })
                .collect()
        },
    );
    let relations = rows(
        &[CorpusView::spans_rev, CorpusView::arcs_rev],
        |a, limit| {
            // Two labels a row: looked up by id, not by scanning every mention twice a row.
            let by_id = a.lookup();
            a.relations
                .iter()
                .take(limit)
                .map(|r| {
                    let text = format!(
                        "{} → {}",
                        label_in(&by_id, &r.arg1),
                        label_in(&by_id, &r.arg2)
                    );
                    (r.id.clone(), r.kind.clone(), text)
                })
                .collect()
        },
    );
    // Each entity with its member mentions.
    let entities = Memo::new(move |_| {
        let limit = shown_rows.get();
        ann.with(|o| {
            let a = o.ann;
            // The members of every listed entity in one pass over the mentions: a pass
            // per entity was 50 passes over 10,000 mentions on each edit.
            let shown = &a.entities[..limit.min(a.entities.len())];
            let mut at: Vec<(&str, usize)> = shown
                .iter()
                .zip(0..)
                .map(|(e, i)| (e.id.as_str(), i))
                .collect();
            at.sort_unstable();
            let mut members: Vec<Vec<Row>> = vec![Vec::new(); shown.len()];
            for m in &a.mentions {
                let Some(entity) = m.entity.as_deref() else {
                    continue;
                };
                if let Ok(k) = at.binary_search_by(|(id, _)| (*id).cmp(entity)) {
                    members[at[k].1].push(mention_row(m));
                }
            }
            shown
                .iter()
                .zip(members)
                .map(|(e, members)| {
                    let name = format!("{} · {} ({})", e.name, e.kind, members.len());
                    (e.id.clone(), name, members)
                })
                .collect::<Vec<_>>()
        })
    });
    let total = Memo::new(move |_| {
        ann.with_revs(&[CorpusView::spans_rev, CorpusView::arcs_rev], |o| {
            o.ann.mentions.len() + o.ann.events.len() + o.ann.relations.len()
        })
    });
    let list = move |label: &'static str, rows: Memo<Vec<Row>>| {
        view! {
            <ol class="outline" aria-label=label>
                <For each=move || rows.get() key=|r| r.clone() let:r>{row(r)}</For>
            </ol>
        }
    };
    view! {
        <h2>"Outline"</h2>
        <ol class="outline" aria-label="Entities">
            <For each=move || entities.get() key=|e| e.clone() let:e>
                <li class="entity-group">
                    <span class="entity-name">{e.1.clone()}</span>
                    <ol class="outline">{e.2.into_iter().map(row).collect_view()}</ol>
                </li>
            </For>
        </ol>
        {list("Mentions", singles)}
        {list("Events", events)}
        {list("Relations", relations)}
        {move || {
            let total = total.get();
            (total > shown_rows.get()).then(|| view! {
                <button type="button" class="small" on:click=move |_| shown_rows.update(|l| *l += OUTLINE_ROWS * 4)>
                    {format!("Show more ({total} annotations in all)")}
                </button>
            })
        }}
    }
}
