//! The app shell: top bar, alerts, and either the welcome screen or the three panes.

use leptos::prelude::*;

use super::article::Article;
use super::corpus::CorpusPane;
use super::inspector::Inspector;
use super::keys::install_hotkeys;
use super::palette::Palette;
use super::state::{AlertKind, Screen, Workspace};
use super::welcome::Welcome;

#[component]
pub fn App() -> impl IntoView {
    let ws = Workspace::new();
    provide_context(ws);
    ws.load();
    install_hotkeys(ws);

    view! {
        <header class="topbar">
            <h1 class="brand">"Loupe"</h1>
            <span class="schema-name" title="Annotation schema">
                {move || ws.schema.with_value(|s| s.name.clone())}
            </span>
            <nav class="actions" aria-label="Document actions">
                <button type="button" on:click=move |_| ws.screen.set(Screen::Welcome)>
                    "Add articles"
                </button>
                <button type="button" aria-keyshortcuts="Control+Z" title="Undo (Ctrl+Z)"
                    on:click=move |_| ws.undo()>"Undo"</button>
                <button type="button" aria-keyshortcuts="Control+Shift+Z" title="Redo (Ctrl+Shift+Z)"
                    on:click=move |_| ws.redo()>"Redo"</button>
                <button type="button" class="primary" on:click=move |_| ws.export_current()>
                    "Export JSON"
                </button>
            </nav>
        </header>
        <Alerts/>
        <main>
            {move || match ws.screen.get() {
                Screen::Welcome => view! { <Welcome/> }.into_any(),
                Screen::Annotate => view! {
                    <div class="panes">
                        <CorpusPane/>
                        <section class="article-pane" aria-label="Article">
                            <Palette/>
                            <Article/>
                        </section>
                        <Inspector/>
                    </div>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
fn Alerts() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    view! {
        <div class="alerts" role="status" aria-live="polite">
            <For each=move || ws.alerts.get() key=|a| a.id let:alert>
                <div class=match alert.kind { AlertKind::Error => "alert error", AlertKind::Info => "alert info" }
                    role=match alert.kind { AlertKind::Error => "alert", AlertKind::Info => "note" }>
                    <span>{alert.message.clone()}</span>
                    <button type="button" aria-label="Dismiss message" on:click=move |_| ws.dismiss(alert.id)>
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
