//! The inspector: the selected annotation with everything that can be edited on it
//! (event slots, entity, attributes, note), then an outline of all annotations.

use std::sync::OnceLock;

use leptos::prelude::*;

use super::annotate::{kind_of, Interaction, Kind, Mode};
use super::state::Workspace;
use crate::core::keymap::help;
use crate::core::model::{Annotations, AttrValue, Event, Id, Mention, Relation};
use crate::core::offsets::OffsetIndex;
use crate::core::schema::{AnnotationKind, Schema};
use crate::core::validate::validate_about;

/// The `?` help, generated from the keymap and the schema's type keys: it cannot drift
/// from the keys.
#[component]
pub fn ShortcutHelp() -> impl IntoView {
    let ia = expect_context::<Interaction>();
    let ws = expect_context::<Workspace>();
    view! {
        <Show when=move || ia.help().get()>
            <div class="help" role="dialog" aria-modal="false" aria-label="Keyboard shortcuts">
                <h2>"Keyboard shortcuts"</h2>
                <table>
                    <tbody>
                        {move || ws.schema.current().with(|s| help(s)).into_iter().map(|row| view! {
                            <tr><th scope="row"><kbd>{row.keys}</kbd></th><td>{row.what}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <button type="button" on:click=move |_| ia.close_help()>"Close (Esc)"</button>
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
    if let Some(m) = ann.mention(id) {
        return format!("{} “{}”", m.kind, m.text);
    }
    if let Some(e) = ann.events.iter().find(|e| e.id == id) {
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
        let ws = self.0;
        ws.corpus.open_rev().track();
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
            <ModeBar/>
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
            <Outline ann/>
        </aside>
    }
}

/// What the next click means, when it is not a plain selection.
#[component]
fn ModeBar() -> impl IntoView {
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
                format!("Tag {n} more occurrences as {kind}? (“{needle}” in {docs} document(s) of the corpus)")
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
                    <span>{format!("Relation from {from}: click the second annotation.")}</span>
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
            Mode::RelationType(from, to) => {
                let types = ws
                    .with_core(|c| c.relation_types_for(&from, &to))
                    .unwrap_or_default();
                let none = types.is_empty();
                view! {
                    <div class="modebar" role="group" aria-label="Relation type">
                        <span>{format!("Relation {from} → {to}:")}</span>
                        {none.then(|| view! { <span class="warning">"The schema allows no relation between these types."</span> })}
                        {types.into_iter().map(|t| {
                            let (f, to2, t2) = (from.clone(), to.clone(), t.clone());
                            view! { <button type="button" on:click=move |_| ia.add_relation(&f, &to2, &t2)>{t}</button> }
                        }).collect_view()}
                        <button type="button" on:click=cancel>"Cancel (Esc)"</button>
                    </div>
                }.into_any()
            }
            Mode::Normal => ().into_any(),
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

fn mention_panel(ws: Workspace, ia: Interaction, open: &Open, m: Mention) -> impl IntoView {
    let ann = open.ann;
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
        <label for="mention-type">"Type"</label>
        <select id="mention-type" on:change=move |ev| {
            let kind = event_target_value(&ev);
            ws.edit(crate::core::edit::Edit::SetMentionType { id: id.clone(), kind });
        }>
            {types.into_iter().map(|t| { let sel = t == m.kind; view! { <option value=t.clone() selected=sel>{t.clone()}</option> } }).collect_view()}
        </select>
        <Warnings list=warnings/>
        <div class="entity-box">
            {match entity {
                Some(e) => {
                    let (eid, eid2) = (e.id.clone(), e.id.clone());
                    let norm = e.normalization.as_ref().map(|n| format!("{}:{}", n.resource, n.id)).unwrap_or_default();
                    view! {
                        <p>{format!("Entity {} · {} mentions", e.id, members)}</p>
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
                view! {
                    <li class="slot" class:armed=armed.clone()>
                        <div class="slot-head">
                            <span class="role">{role.name.clone()}<span class="card">{role.cardinality.brat_suffix()}</span></span>
                            <span class="accepts">{role.types.join(" | ")}</span>
                        </div>
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
        <div class="actions-row">
            <button type="button" aria-keyshortcuts="R" on:click=move |_| ia.start_relation(id_rel.clone())>"Relation… (R)"</button>
            <button type="button" aria-keyshortcuts="Delete" on:click=move |_| ia.delete_selected()>"Delete (Del)"</button>
        </div>
        {attrs}
        {note_editor(ia, &e.id, e.note.clone())}
    }
}

fn relation_panel(ws: Workspace, ia: Interaction, open: &Open, r: Relation) -> impl IntoView {
    let ann = open.ann;
    let warnings = warnings_for(ws, open, &r.id);
    view! {
        <dl class="details">
            <dt>"Relation"</dt><dd>{format!("{} · {}", r.id, r.kind)}</dd>
            <dt>"From"</dt><dd>{format!("{} {}", r.arg1, label_of(ann, &r.arg1))}</dd>
            <dt>"To"</dt><dd>{format!("{} {}", r.arg2, label_of(ann, &r.arg2))}</dd>
        </dl>
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
const OUTLINE_ROWS: usize = 200;

/// One outline row: id, type label, text.
type Row = (Id, String, String);

fn mention_row(m: &Mention) -> Row {
    (m.id.clone(), m.kind.clone(), m.text.clone())
}

#[component]
fn Outline(ann: Current) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    let row = move |(id, label, text): Row| {
        let (id1, id2) = (id.clone(), id.clone());
        view! {
            <li>
                <button type="button" class="outline-item"
                    class:selected=move || ws.selection.selected().get().as_deref() == Some(id1.as_str())
                    aria-label=format!("{label} {id}: {text}")
                    on:click=move |_| ia.choose(id2.clone())>
                    <span class="tag-label">{label.clone()}</span>" "{text.clone()}
                </button>
            </li>
        }
    };
    // A long article can hold 10,000 annotations: the outline draws the first few
    // hundred rows and the rest on request. Each list is a memo of its rows, keyed by
    // content, so an edit redraws only the rows it changed (often none: most tags land
    // past the first rows), never the whole list.
    let shown_rows = RwSignal::new(OUTLINE_ROWS);
    let rows = move |pick: fn(&Annotations, usize) -> Vec<Row>| {
        Memo::new(move |_| {
            let limit = shown_rows.get();
            ann.with(|o| pick(o.ann, limit))
        })
    };
    let singles = rows(|a, limit| {
        a.mentions
            .iter()
            .filter(|m| m.entity.is_none())
            .take(limit)
            .map(mention_row)
            .collect()
    });
    let events = rows(|a, limit| {
        a.events
            .iter()
            .take(limit)
            .map(|e| {
                let text = format!("{} ({} arguments)", e.trigger_text, e.arguments.len());
                (e.id.clone(), e.kind.clone(), text)
            })
            .collect()
    });
    let relations = rows(|a, limit| {
        a.relations
            .iter()
            .take(limit)
            .map(|r| {
                let text = format!("{} → {}", label_of(a, &r.arg1), label_of(a, &r.arg2));
                (r.id.clone(), r.kind.clone(), text)
            })
            .collect()
    });
    // Each entity with its member mentions.
    let entities = Memo::new(move |_| {
        let limit = shown_rows.get();
        ann.with(|o| {
            let a = o.ann;
            a.entities
                .iter()
                .take(limit)
                .map(|e| {
                    let members: Vec<Row> = a.members(&e.id).map(mention_row).collect();
                    let name = format!("{} · {} ({})", e.name, e.kind, members.len());
                    (e.id.clone(), name, members)
                })
                .collect::<Vec<_>>()
        })
    });
    let total = Memo::new(move |_| {
        ann.with(|o| o.ann.mentions.len() + o.ann.events.len() + o.ann.relations.len())
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
