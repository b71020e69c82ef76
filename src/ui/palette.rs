//! The type palette: every entity type with its colour and one-key shortcut.

use leptos::prelude::*;

use super::state::Workspace;

#[component]
pub fn Palette() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let types = ws.schema.with_value(|s| s.entity_types.clone());
    view! {
        <div class="palette" role="toolbar" aria-label="Entity types">
            {types.into_iter().map(|t| {
                let name = t.name.clone();
                let key = t.hotkey.map(|k| k.to_string()).unwrap_or_default();
                let label = format!("Tag as {} ({}), key {}", t.name, t.display, key.to_uppercase());
                view! {
                    <button type="button" class="type-button" style=format!("--type-color: {}", t.color)
                        aria-label=label title=t.display.clone() aria-keyshortcuts=key.clone()
                        data-type=t.name.clone()
                        disabled=move || ws.pending.get().is_none()
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| ws.tag(&name)>
                        <span class="swatch" aria-hidden="true"></span>
                        {t.name.clone()}
                        <kbd>{key.to_uppercase()}</kbd>
                    </button>
                }
            }).collect_view()}
            <span class="hint" aria-live="polite">
                {move || if ws.pending.get().is_some() {
                    "Pick a type, or press its key."
                } else {
                    "Select words in the article to tag them. Hold Alt to select without snapping."
                }}
            </span>
        </div>
    }
}
