//! The schema's guidelines document, opened from the help (or with F1): rendered by
//! [`crate::core::render::guidelines`], which escapes every character of it.

use leptos::prelude::*;

use super::state::Workspace;
use crate::core::render::guidelines::render;

/// Whether the guidelines are shown.
#[derive(Clone, Copy)]
pub struct GuidelinesView {
    open: RwSignal<bool>,
}

impl GuidelinesView {
    pub fn new() -> Self {
        Self {
            open: RwSignal::new(false),
        }
    }

    pub fn toggle(&self) {
        self.open.update(|o| *o = !*o);
        if self.open.get_untracked() {
            // Into the dialog, so the keyboard can scroll it and Esc closes it.
            request_animation_frame(|| {
                if let Some(el) = document().get_element_by_id("guidelines-body") {
                    let _ =
                        wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
                }
            });
        }
    }

    pub fn close(&self) {
        self.open.set(false);
    }
}

#[component]
pub fn Guidelines() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let view_state = expect_context::<GuidelinesView>();
    let html = move || {
        ws.schema.current().with(|s| {
            if s.guidelines.trim().is_empty() {
                format!(
                    "<p>The schema “{}” has no guidelines document. Import a loupe schema JSON \
                     whose <code>guidelines</code> field holds them, in Markdown.</p>",
                    escape(&s.name)
                )
            } else {
                render(&s.guidelines)
            }
        })
    };
    let title = move || {
        ws.schema.current().with(|s| {
            if s.version.is_empty() {
                format!("Guidelines: {}", s.name)
            } else {
                format!("Guidelines: {} (version {})", s.name, s.version)
            }
        })
    };
    view! {
        <Show when=move || view_state.open.get()>
            <div class="help guidelines-dialog" role="dialog" aria-modal="false" aria-labelledby="guidelines-title"
                on:keydown=move |ev| if ev.key() == "Escape" {
                    ev.stop_propagation();
                    view_state.close();
                }>
                <div class="help-head">
                    <h2 id="guidelines-title">{title}</h2>
                    <button type="button" on:click=move |_| view_state.close()>"Close (Esc)"</button>
                </div>
                <div id="guidelines-body" class="help-body guidelines" tabindex="0" inner_html=html></div>
            </div>
        </Show>
    }
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    crate::core::render::escape_html_into(&mut out, text);
    out
}
