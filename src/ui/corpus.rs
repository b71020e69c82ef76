//! The corpus pane: the documents, their status and annotation counts.

use leptos::prelude::*;

use super::state::Workspace;
use crate::core::model::Status;

fn status_label(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "not started",
        Status::InProgress => "in progress",
        Status::Done => "done",
    }
}

#[component]
pub fn CorpusPane() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let count = move |id: &str| {
        ws.version.track();
        ws.corpus.with_value(|c| {
            c.iter()
                .find(|s| s.doc.meta.id == id)
                .map_or(0, |s| s.doc.annotations.count())
        })
    };
    view! {
        <nav class="corpus-pane" aria-label="Corpus">
            <h2>"Documents"</h2>
            <ul class="doc-list">
                <For each=move || ws.index.get() key=|m| (m.id.clone(), m.status, m.title.clone()) let:meta>
                    {
                        let id = meta.id.clone();
                        let id_for_count = meta.id.clone();
                        let id_for_current = meta.id.clone();
                        let is_current = move || ws.current.get().as_deref() == Some(id_for_current.as_str());
                        view! {
                            <li>
                                <button type="button" class="doc" class:current=is_current.clone()
                                    aria-current=move || is_current().then_some("page")
                                    on:click=move |_| ws.open(id.clone())>
                                    <span class="doc-title">{meta.title.clone()}</span>
                                    <span class="doc-meta">
                                        {status_label(meta.status)} " · "
                                        {move || count(&id_for_count)} " annotations"
                                    </span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </nav>
    }
}
