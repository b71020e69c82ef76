//! The inspector: the selected annotation, then an outline of all annotations.

use leptos::prelude::*;

use super::state::Workspace;
use crate::core::model::Mention;

#[component]
pub fn Inspector() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let mentions = move || {
        ws.version.track();
        ws.current.track();
        ws.with_current(|slot| slot.doc.annotations.mentions.clone())
            .unwrap_or_default()
    };
    let selected = move || {
        let id = ws.selected.get()?;
        mentions().into_iter().find(|m| m.id == id)
    };
    let describe = |m: &Mention| {
        let spans: Vec<String> = m
            .fragments
            .iter()
            .map(|f| format!("[{}, {})", f.start, f.end))
            .collect();
        spans.join(" ")
    };
    view! {
        <aside class="inspector" aria-label="Inspector">
            <h2>"Selected"</h2>
            {move || match selected() {
                None => view! { <p class="muted">"Nothing selected. Click a highlight."</p> }.into_any(),
                Some(m) => view! {
                    <dl class="details">
                        <dt>"Id"</dt><dd>{m.id.clone()}</dd>
                        <dt>"Type"</dt><dd>{m.kind.clone()}</dd>
                        <dt>"Text"</dt><dd class="quote">{m.text.clone()}</dd>
                        <dt>"Offsets"</dt><dd>{describe(&m)}</dd>
                    </dl>
                    <button type="button" aria-keyshortcuts="Delete" on:click=move |_| ws.delete_selected()>
                        "Delete (Del)"
                    </button>
                }.into_any(),
            }}
            <h2>"Outline"</h2>
            <ol class="outline">
                <For each=mentions key=|m| (m.id.clone(), m.kind.clone()) let:m>
                    {
                        let id = m.id.clone();
                        let id_sel = m.id.clone();
                        view! {
                            <li>
                                <button type="button" class="outline-item"
                                    class:selected=move || ws.selected.get().as_deref() == Some(id_sel.as_str())
                                    aria-label=format!("{} {}: {}", m.kind, m.id, m.text)
                                    on:click=move |_| ws.selected.set(Some(id.clone()))>
                                    <span class="tag-label">{m.kind.clone()}</span>" "{m.text.clone()}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ol>
        </aside>
    }
}
