//! Search in the open document: every match is counted, and Enter jumps to the next one,
//! selecting it so a type key can tag it at once. Search across the corpus lists hits with
//! their context; choosing one opens its document at the hit, selected the same way.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::Workspace;
use crate::browser::selection::{cp_to_point, select_span};
use crate::core::model::{Id, Span};
use crate::core::plural::count;
use crate::core::search::{find_all, search_corpus, Hit};
use crate::core::session::search_step;

/// The corpus search lists this many hits; the count above the list is the full one.
const CORPUS_HITS: usize = 200;

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
        ws.corpus.current().track();
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        ws.with_open(|s| find_all(&s.doc.text, &q))
            .unwrap_or_default()
    });
    let jump = move |forward: bool| {
        let list = hits.get_untracked();
        let Some(i) = search_step(at.get_untracked(), list.len(), forward) else {
            return;
        };
        at.set(i + 1);
        ws.selection.pend(list[i]);
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

/// Open document `id` (if it is not open) and select `span` in it, scrolled into view.
/// The article of a newly opened document is drawn on a later frame, so this waits for it.
pub fn jump_to(ws: Workspace, id: Id, span: Span) {
    if ws.corpus.current().get_untracked().as_deref() != Some(id.as_str()) {
        ws.open(id.clone());
    }
    leptos::task::spawn_local(async move {
        let selector = format!(".article[data-doc=\"{}\"]", id.replace('"', ""));
        for _ in 0..100 {
            let drawn = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(&selector).ok().flatten())
                .is_some();
            if drawn {
                break;
            }
            gloo::timers::future::TimeoutFuture::new(16).await;
        }
        if ws.corpus.current().try_get_untracked().flatten().as_deref() != Some(id.as_str()) {
            return; // the user went elsewhere meanwhile, or the app is gone
        }
        ws.selection.pend(span);
        reveal(span);
    });
}

/// Search every document's text. Enter in the box opens the next hit; ↓ moves into the
/// list, where each hit is a button (click or Enter opens it).
#[component]
pub fn CorpusSearch() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let query = RwSignal::new(String::new());
    let at = RwSignal::new(0usize);
    let list_ref = NodeRef::<leptos::html::Ol>::new();
    let found = Memo::new(move |_| {
        ws.corpus.index().track();
        let q = query.get();
        if q.trim().is_empty() {
            return (Vec::<(Id, String, Hit)>::new(), 0);
        }
        ws.with_core(|core| {
            let c = core.slots();
            let (hits, total) =
                search_corpus(c.iter().map(|s| s.doc.text.as_str()), &q, CORPUS_HITS);
            let hits = hits
                .into_iter()
                .map(|h| {
                    (
                        c[h.doc].doc.meta.id.clone(),
                        c[h.doc].doc.meta.title.clone(),
                        h,
                    )
                })
                .collect();
            (hits, total)
        })
        .unwrap_or_default()
    });
    let open = move |i: usize| {
        let Some((id, _, hit)) = found.with_untracked(|(h, _)| h.get(i).cloned()) else {
            return;
        };
        at.set(i);
        jump_to(ws, id, hit.span);
    };
    let focus_hit = move |i: usize| {
        if let Some(button) = list_ref
            .get_untracked()
            .and_then(|l| l.query_selector_all("button").ok())
            .and_then(|b| b.item(i as u32))
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = button.focus();
        }
    };
    let status = move || {
        let (hits, total) = found.get();
        if query.with(|q| q.trim().is_empty()) {
            String::new()
        } else if total == 0 {
            "no matches in the corpus".to_owned()
        } else {
            let docs = hits
                .iter()
                .map(|(id, _, _)| id)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let shown = if hits.len() < total {
                format!(", first {} shown", hits.len())
            } else {
                String::new()
            };
            format!("{total} in {}{shown}", count(docs, "document"))
        }
    };
    view! {
        <div class="all-search" role="search" aria-label="Search all documents">
            <input type="search" id="all-search" placeholder="Search all documents (Ctrl+Shift+F)"
                aria-label="Search all documents; Enter opens the next hit, ↓ goes to the list"
                aria-keyshortcuts="Control+Shift+F"
                aria-controls=move || found.with(|(h, _)| !h.is_empty()).then_some("all-hits")
                prop:value=move || query.get()
                on:input=move |ev| { query.set(event_target_value(&ev)); at.set(0); }
                on:keydown=move |ev| match ev.key().as_str() {
                    "Enter" => {
                        ev.prevent_default();
                        let n = found.with_untracked(|(h, _)| h.len());
                        if n > 0 {
                            // The first Enter opens the first hit; back in the box, each
                            // next Enter the next one.
                            let shown = found.with_untracked(|(h, _)| h.get(at.get_untracked()).map(|x| x.2.span))
                                == ws.selection.pending().get_untracked();
                            let i = if shown { (at.get_untracked() + 1) % n } else { at.get_untracked() % n };
                            open(i);
                            // Give the keyboard back, so a type key tags the hit.
                            if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                                let _ = el.blur();
                            }
                        }
                    }
                    "ArrowDown" => {
                        ev.prevent_default();
                        focus_hit(0);
                    }
                    "Escape" => {
                        query.set(String::new());
                        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                            let _ = el.blur();
                        }
                    }
                    _ => {}
                }/>
            <span class="muted" aria-live="polite">{status}</span>
            <Show when=move || found.with(|(h, _)| !h.is_empty())>
                <ol class="corpus-hits" id="all-hits" aria-label="Hits in all documents" node_ref=list_ref>
                    {move || found.get().0.into_iter().enumerate().map(|(i, (_, title, hit))| {
                        let label = format!("{title}: {}{}{}", hit.before, hit.matched, hit.after);
                        view! {
                            <li>
                                <button type="button" class="corpus-hit" aria-label=label
                                    aria-current=move || (at.get() == i).then_some("true")
                                    on:click=move |_| open(i)
                                    on:keydown=move |ev| match ev.key().as_str() {
                                        "ArrowDown" => { ev.prevent_default(); focus_hit(i + 1); }
                                        "ArrowUp" => {
                                            ev.prevent_default();
                                            if i == 0 { focus("#all-search") } else { focus_hit(i - 1) }
                                        }
                                        _ => {}
                                    }>
                                    <span class="hit-doc">{title}</span>
                                    <span class="hit-context">{hit.before}<mark>{hit.matched}</mark>{hit.after}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </Show>
        </div>
    }
}

fn focus(selector: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
