//! The type palette: the schema's entity and event types with their colours and hotkeys.
//! Typing in its filter narrows the list (ACE has 33 event types). The order is the
//! schema's and never changes; recently used types have a short row of their own.

use leptos::prelude::*;

use super::annotate::Interaction;
use super::keys::blur;
use super::state::Workspace;

/// How many recent types get a button of their own.
const RECENT: usize = 5;

/// One row of the palette. The whole entry keys its button: a schema switch that gives a
/// type another colour or key redraws that button.
#[derive(Clone, PartialEq, Eq, Hash)]
struct PaletteEntry {
    name: String,
    display: String,
    color: String,
    hotkey: Option<char>,
    is_event: bool,
    /// The schema's description and examples, as one line; empty when it gives none.
    guide: String,
}

/// A type name as an id fragment: letters and digits kept, anything else as its code.
fn tip_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("_{:x}", c as u32)
            }
        })
        .collect()
}

#[component]
pub fn Palette() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    // The palette follows the schema: a switch in the top bar rebuilds the list.
    let all = Memo::new(move |_| {
        ws.schema.current().with(|s| {
            let entities = s.entity_types.iter().map(|t| PaletteEntry {
                name: t.name.clone(),
                display: t.display.clone(),
                color: t.color.clone(),
                hotkey: t.hotkey,
                is_event: false,
                guide: t.guide.summary(),
            });
            let events = s.event_types.iter().map(|t| PaletteEntry {
                name: t.name.clone(),
                display: t.display.clone(),
                color: t.color.clone(),
                hotkey: t.hotkey,
                is_event: true,
                guide: t.guide.summary(),
            });
            entities.chain(events).collect::<Vec<PaletteEntry>>()
        })
    });
    // The palette keeps the schema's order, so a type's button never moves under the
    // mouse. Without a filter it lists the entity types (the event types are many: the
    // filter, or the recent row, reaches them).
    let shown = Memo::new(move |_| {
        let filter = ia.filter().get().to_lowercase();
        all.get()
            .into_iter()
            .filter(|e| {
                if filter.is_empty() {
                    !e.is_event
                } else {
                    e.name.to_lowercase().contains(&filter)
                        || e.display.to_lowercase().contains(&filter)
                }
            })
            .collect::<Vec<PaletteEntry>>()
    });
    // The last few types used, most recent first, in a short row of their own.
    let recent = Memo::new(move |_| {
        let recent = ia.recent().get();
        let all = all.get();
        recent
            .iter()
            .take(RECENT)
            .filter_map(|r| all.iter().find(|e| e.name == *r).cloned())
            .collect::<Vec<PaletteEntry>>()
    });
    let first_match = move || shown.with_untracked(|s| s.first().map(|e| e.name.clone()));

    view! {
        <div class="palette" role="toolbar" aria-label="Annotation types">
            <input type="search" id="type-filter" class="type-filter" placeholder="Filter types (E)"
                aria-label="Filter annotation types, Enter applies the first" aria-keyshortcuts="E"
                prop:value=move || ia.filter().get()
                on:input=move |ev| ia.set_filter(event_target_value(&ev))
                on:keydown=move |ev| {
                    match ev.key().as_str() {
                        "Enter" => {
                            ev.prevent_default();
                            if let Some(kind) = first_match() {
                                ia.apply_type(&kind);
                                ia.set_filter(String::new());
                                // Hand the keyboard back to the article's shortcuts.
                                blur(&ev);
                            }
                        }
                        "Escape" => {
                            ia.set_filter(String::new());
                            blur(&ev);
                        }
                        _ => {}
                    }
                }/>
            <For each=move || shown.get() key=|e| e.clone() let:e>
                {
                    let name = e.name.clone();
                    let key = e.hotkey.map(|k| k.to_uppercase().to_string()).unwrap_or_default();
                    let what = if e.is_event { "event" } else { "entity" };
                    let label = if key.is_empty() {
                        format!("Tag as {} ({} {what})", e.name, e.display)
                    } else {
                        format!("Tag as {} ({} {what}), key {key}", e.name, e.display)
                    };
                    // The description shows on hover and on keyboard focus, and is the
                    // button's accessible description.
                    let has_guide = !e.guide.is_empty();
                    let tip_id = format!("type-tip-{}", tip_key(&e.name));
                    let title = (!has_guide).then(|| e.display.clone());
                    view! {
                        <span class="type-item">
                            <button type="button" class="type-button" class:event=e.is_event
                                style=format!("--type-color: {}", e.color)
                                aria-label=label title=title aria-keyshortcuts=key.clone()
                                aria-describedby=has_guide.then(|| tip_id.clone())
                                data-type=e.name.clone()
                                disabled=move || ws.selection.pending().get().is_none()
                                on:mousedown=|ev| ev.prevent_default()
                                on:click=move |_| ia.apply_type(&name)>
                                <span class="swatch" aria-hidden="true"></span>
                                {e.name.clone()}
                                {(!key.is_empty()).then(|| view! { <kbd>{key.clone()}</kbd> })}
                            </button>
                            {has_guide.then(|| view! {
                                <span class="type-tip" role="tooltip" id=tip_id.clone()>
                                    <strong>{e.display.clone()}</strong>" "{e.guide.clone()}
                                </span>
                            })}
                        </span>
                    }
                }
            </For>
            {move || (!recent.with(Vec::is_empty)).then(|| view! {
                <span class="recent" role="group" aria-label="Recent types">
                    <span class="recent-label" aria-hidden="true">"Recent"</span>
                    <For each=move || recent.get() key=|e| e.clone() let:e>
                        {
                            let name = e.name.clone();
                            view! {
                                <button type="button" class="recent-type" class:event=e.is_event
                                    style=format!("--type-color: {}", e.color)
                                    aria-label=format!("Recent type {}", e.name) title=e.display.clone()
                                    disabled=move || ws.selection.pending().get().is_none()
                                    on:mousedown=|ev| ev.prevent_default()
                                    on:click=move |_| ia.apply_type(&name)>
                                    <span class="swatch" aria-hidden="true"></span>
                                    {e.name.rsplit(':').next().unwrap_or_default().to_owned()}
                                </button>
                            }
                        }
                    </For>
                </span>
            })}
            <span class="hint" aria-live="polite">
                {move || if ia.armed().get().is_some() {
                    "Filling a slot: click a mention, or select text and pick an entity type."
                } else if ws.selection.pending().get().is_some() {
                    "Pick a type, or press its key. Type in the filter for event types."
                } else {
                    "Select words to tag them (Alt: no snapping; Shift+→ by keyboard). ? lists the keys."
                }}
            </span>
        </div>
    }
}
