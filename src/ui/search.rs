//! Search in the open document: every match is counted, and Enter jumps to the next one,
//! selecting it so a type key can tag it at once.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::Workspace;
use crate::browser::selection::{cp_to_point, select_span};
use crate::core::model::Span;
use crate::core::search::find_all;

/// Select `span` in the article and scroll it into view.
pub fn reveal(span: Span) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".article").ok().flatten())
    else {
        return;
    };
    select_span(&root, span);
    if let Some(el) = cp_to_point(&root, span.start).and_then(|(node, _)| node.parent_element()) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

#[component]
pub fn DocSearch() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let query = RwSignal::new(String::new());
    let at = RwSignal::new(0usize);
    let hits = Memo::new(move |_| {
        ws.current.track();
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        ws.with_current(|s| find_all(&s.doc.text, &q))
            .unwrap_or_default()
    });
    let jump = move |forward: bool| {
        let list = hits.get_untracked();
        if list.is_empty() {
            return;
        }
        let n = list.len();
        let i = if forward {
            at.get_untracked() % n
        } else {
            (at.get_untracked() + n - 2) % n
        };
        at.set(i + 1);
        ws.selected.set(None);
        ws.pending.set(Some(list[i]));
        reveal(list[i]);
    };
    view! {
        <div class="doc-search" role="search" aria-label="Search this document">
            <input type="search" id="doc-search" placeholder="Search this document (/)"
                aria-label="Search this document; Enter jumps to the next match" aria-keyshortcuts="/"
                prop:value=move || query.get()
                on:input=move |ev| { query.set(event_target_value(&ev)); at.set(0); }
                on:keydown=move |ev| match ev.key().as_str() {
                    "Enter" => {
                        ev.prevent_default();
                        jump(!ev.shift_key());
                        // Give the keyboard back, so a type key tags the match.
                        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                            let _ = el.blur();
                        }
                    }
                    "Escape" => {
                        query.set(String::new());
                        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                            let _ = el.blur();
                        }
                    }
                    _ => {}
                }/>
            <span class="muted" aria-live="polite">
                {move || {
                    let n = hits.with(Vec::len);
                    if query.with(|q| q.trim().is_empty()) {
                        String::new()
                    } else if n == 0 {
                        "no matches".to_owned()
                    } else {
                        format!("{} of {n}", at.get().clamp(1, n))
                    }
                }}
            </span>
        </div>
    }
}
