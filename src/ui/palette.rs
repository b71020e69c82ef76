//! The type palette: the schema's entity and event types with their colours and hotkeys.
//! Typing in its filter narrows the list (ACE has 33 event types); recently used types
//! come first.

use leptos::prelude::*;

use super::annotate::Interaction;
use super::state::Workspace;

/// One row of the palette. The whole entry keys its button: a schema switch that gives a
/// type another colour or key redraws that button.
#[derive(Clone, PartialEq, Eq, Hash)]
struct PaletteEntry {
    name: String,
    display: String,
    color: String,
    hotkey: Option<char>,
    is_event: bool,
}

fn blur(ev: &web_sys::KeyboardEvent) {
    if let Some(el) = ev
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
    {
        let _ = el.blur();
    }
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
            });
            let events = s.event_types.iter().map(|t| PaletteEntry {
                name: t.name.clone(),
                display: t.display.clone(),
                color: t.color.clone(),
                hotkey: t.hotkey,
                is_event: true,
            });
            entities.chain(events).collect::<Vec<PaletteEntry>>()
        })
    });
    let shown = Memo::new(move |_| {
        let filter = ia.filter().get().to_lowercase();
        let recent = ia.recent().get();
        let mut list: Vec<PaletteEntry> = all
            .get()
            .into_iter()
            .filter(|e| {
                filter.is_empty()
                    || e.name.to_lowercase().contains(&filter)
                    || e.display.to_lowercase().contains(&filter)
            })
            .collect();
        // Without a filter, event types stay behind the entity types unless used lately,
        // so the palette is short; a filter searches them all.
        if filter.is_empty() {
            list.retain(|e| !e.is_event || recent.contains(&e.name));
        }
        list.sort_by_key(|e| {
            recent
                .iter()
                .position(|r| *r == e.name)
                .unwrap_or(usize::MAX)
        });
        list
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
                    view! {
                        <button type="button" class="type-button" class:event=e.is_event
                            style=format!("--type-color: {}", e.color)
                            aria-label=label title=e.display.clone() aria-keyshortcuts=key.clone()
                            data-type=e.name.clone()
                            disabled=move || ws.selection.pending().get().is_none()
                            on:mousedown=|ev| ev.prevent_default()
                            on:click=move |_| ia.apply_type(&name)>
                            <span class="swatch" aria-hidden="true"></span>
                            {e.name.clone()}
                            {(!key.is_empty()).then(|| view! { <kbd>{key.clone()}</kbd> })}
                        </button>
                    }
                }
            </For>
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
