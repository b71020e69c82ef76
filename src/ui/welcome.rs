//! The welcome screen: paste an article, open files, or try the samples.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::state::{AlertKind, Workspace};
use crate::browser::files::read_text;
use crate::core::samples::samples;

/// A title from a file name: the name without its extension.
fn title_from_file_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    stem.replace(['_', '-'], " ").trim().to_owned()
}

#[component]
pub fn Welcome() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());

    let add_pasted = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if body.trim().is_empty() {
            ws.alert(
                AlertKind::Error,
                "Paste the article text first: the text area is empty.",
            );
            return;
        }
        let mut name = title.get_untracked().trim().to_owned();
        if name.is_empty() {
            name = body
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("Untitled")
                .trim()
                .chars()
                .take(80)
                .collect();
        }
        ws.add_articles(vec![(name, body)]);
    };

    let open_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.item(i)).collect();
        input.set_value("");
        spawn_local(async move {
            let mut articles = Vec::new();
            let mut rejected = Vec::new();
            for file in files {
                match read_text(file).await {
                    Ok(picked) => articles.push((title_from_file_name(&picked.name), picked.text)),
                    Err(why) => rejected.push(why),
                }
            }
            if !rejected.is_empty() {
                ws.alert(
                    AlertKind::Error,
                    format!("Not imported: {}", rejected.join("; ")),
                );
            }
            if !articles.is_empty() {
                ws.add_articles(articles);
            }
        });
    };

    let try_samples = move |_| {
        ws.add_articles(
            samples()
                .into_iter()
                .map(|(t, b)| (t.to_owned(), b.to_owned()))
                .collect(),
        );
    };

    view! {
        <div class="welcome">
            <h2>"Annotate news articles, right in your browser"</h2>
            <p class="lede">
                "Tag people, organisations, places and weapons. Everything stays in this browser: nothing is uploaded."
            </p>
            <div class="cards">
                <form class="card" on:submit=add_pasted aria-labelledby="paste-heading">
                    <h3 id="paste-heading">"Paste an article"</h3>
                    <label for="paste-title">"Title"</label>
                    <input id="paste-title" type="text" placeholder="Optional: taken from the first line"
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                    <label for="paste-text">"Text"</label>
                    <textarea id="paste-text" rows="8" placeholder="Paste the article text here"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="primary">"Add this article"</button>
                </form>
                <div class="card">
                    <h3>"Open files"</h3>
                    <p>"One or more plain-text (.txt) files, in UTF-8."</p>
                    <label class="button primary" for="open-files">"Choose .txt files…"</label>
                    <input id="open-files" class="visually-hidden" type="file" multiple accept=".txt,text/plain"
                        on:change=open_files/>
                </div>
                <div class="card">
                    <h3>"Try the sample articles"</h3>
                    <p>"Three short news stories written for Loupe, with emoji and CJK text."</p>
                    <button type="button" class="primary" on:click=try_samples>"Load sample articles"</button>
                </div>
            </div>
        </div>
    }
}
