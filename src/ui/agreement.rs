//! The agreement panel: load two or more annotators' loupe/1 files, see their agreement as
//! tables (the same figures as `loupe agree`), and download the report as JSON or CSV.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::adjudicate::{load_curated, Adjudication, CuratedSet};
use super::annotate::Interaction;
use super::dashboard::Dashboard;
use super::state::Workspace;
use crate::browser::download::download_text;
use crate::core::adjudication::CURATED;
use crate::core::agreement::{agreement, AgreementReport, AnnotatorCorpus, Score};
use crate::core::format::loupe;

/// The panel's views.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Scores,
    Adjudicate,
    Statistics,
}

fn pct(x: f64) -> String {
    format!("{:.1}", x * 100.0)
}

fn score_row(name: &'static str, s: Score) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td>{s.a}</td><td>{s.b}</td><td>{s.matched}</td>
            <td>{pct(s.precision)}</td><td>{pct(s.recall)}</td><td>{pct(s.f1)}</td>
        </tr>
    }
}

/// Read each file as one annotator's corpus; the name comes from the file, or its name.
async fn read_corpora(files: Vec<web_sys::File>) -> Result<Vec<AnnotatorCorpus>, String> {
    let mut corpora = Vec::new();
    for file in files {
        let name = file.name();
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| format!("{name}: could not be read as text"))?;
        let parsed = loupe::from_json(&text).map_err(|e| format!("{name}: {e}"))?;
        let annotator = if parsed.annotator.trim().is_empty() {
            name.trim_end_matches(".json")
                .trim_end_matches(".loupe")
                .to_owned()
        } else {
            parsed.annotator.clone()
        };
        corpora.push(AnnotatorCorpus {
            annotator,
            documents: parsed.documents,
        });
    }
    Ok(corpora)
}

#[component]
pub fn AgreementPanel() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    let report = RwSignal::new(None::<AgreementReport>);
    let corpora = RwSignal::new(Vec::<AnnotatorCorpus>::new());
    let view_shown = RwSignal::new(View::Scores);
    // The curated set is read once, at start, so it is there after a reload.
    let (kept, problem) = load_curated();
    let curated = RwSignal::new(kept);
    if let Some(problem) = problem {
        ws.alerts.error(problem);
    }
    // The curated set takes part in the comparison like any annotator's file: its scores
    // against each annotator, and it can be A or B in the diff. A loaded file that is
    // already named "curated" is replaced by it.
    let compare_curated = move |_| {
        let mut all = corpora.get_untracked();
        all.retain(|c| c.annotator != CURATED);
        all.push(AnnotatorCorpus {
            annotator: CURATED.into(),
            documents: curated.get_untracked(),
        });
        match agreement(&all) {
            Ok(r) => {
                corpora.set(all);
                report.set(Some(r));
                view_shown.set(View::Scores);
            }
            Err(e) => ws.alerts.error(format!("No agreement computed: {e}")),
        }
    };
    let tab = move |v: View, label: &'static str| {
        view! {
            <button type="button" aria-pressed=move || (view_shown.get() == v).to_string()
                on:click=move |_| view_shown.set(v)>{label}</button>
        }
    };
    let on_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files: Vec<web_sys::File> = input
            .files()
            .map(|l| (0..l.length()).filter_map(|i| l.item(i)).collect())
            .unwrap_or_default();
        input.set_value("");
        spawn_local(async move {
            let loaded = read_corpora(files).await;
            match loaded.and_then(|c| agreement(&c).map(|r| (c, r)).map_err(|e| e.to_string())) {
                Ok((c, r)) => {
                    corpora.set(c);
                    report.set(Some(r));
                }
                Err(e) => ws.alerts.error(format!("No agreement computed: {e}")),
            }
        });
    };
    let download = move |csv: bool| {
        if let Some(r) = report.get_untracked() {
            let (name, mime, body) = if csv {
                ("agreement.csv", "text/csv", r.to_csv())
            } else {
                ("agreement.json", "application/json", r.to_json())
            };
            if let Err(e) = download_text(name, mime, &body) {
                ws.alerts.error(format!("The download failed: {e:?}"));
            }
        }
    };
    view! {
        <Show when=move || ia.agreement().get()>
            <section class="agreement" role="dialog" aria-modal="false" aria-label="Annotator agreement">
                <h2>"Annotator agreement"</h2>
                <p class="muted">"Load the loupe/1 exports of two or more annotators. Documents are matched by their text checksum."</p>
                <label class="button primary" for="agreement-files">"Load annotator files…"</label>
                <input id="agreement-files" class="visually-hidden" type="file" multiple accept=".json,application/json"
                    on:change=on_files/>
                <button type="button" on:click=move |_| ia.close_agreement()>"Close"</button>
                <div class="actions-row" role="group" aria-label="Agreement views">
                    {tab(View::Scores, "Scores")}
                    {tab(View::Adjudicate, "Diff and adjudication")}
                    {tab(View::Statistics, "Statistics")}
                </div>
                <Show when=move || view_shown.get() == View::Scores>
                {move || report.get().map(|r| {
                    let unmatched = r.unmatched.clone();
                    view! {
                        <p>{format!("{} annotators, {} matched documents; Fleiss' κ over IOB tokens: {:.3}",
                            r.annotators.len(), r.documents.len(), r.fleiss_kappa.kappa)}</p>
                        <div class="actions-row">
                            <button type="button" on:click=move |_| download(false)>"Download JSON"</button>
                            <button type="button" on:click=move |_| download(true)>"Download CSV"</button>
                        </div>
                        {r.pairs.into_iter().map(|p| {
                            let t = p.total;
                            let per_type: Vec<(String, Score)> = t.mentions_exact.per_type.clone().into_iter().collect();
                            view! {
                                <table class="scores">
                                    <caption>{format!("{} against {} (κ {:.3} over {} tokens)", p.a, p.b, t.token_kappa.kappa, t.token_kappa.items)}</caption>
                                    <thead><tr><th scope="col">"Measure"</th><th scope="col">{p.a.clone()}</th><th scope="col">{p.b.clone()}</th>
                                        <th scope="col">"Matched"</th><th scope="col">"P %"</th><th scope="col">"R %"</th><th scope="col">"F1 %"</th></tr></thead>
                                    <tbody>
                                        {score_row("Mentions, exact", t.mentions_exact.micro)}
                                        {score_row("Mentions, overlap", t.mentions_overlap.micro)}
                                        {score_row("Trigger identification", t.events.trigger_identification)}
                                        {score_row("Trigger classification", t.events.trigger_classification.micro)}
                                        {score_row("Argument identification", t.events.argument_identification.micro)}
                                        {score_row("Argument classification", t.events.argument_classification.micro)}
                                        {score_row("Relations", t.relations.micro)}
                                        {per_type.into_iter().map(|(kind, s)| view! {
                                            <tr class="per-type"><th scope="row">{format!("  {kind} (exact)")}</th>
                                                <td>{s.a}</td><td>{s.b}</td><td>{s.matched}</td>
                                                <td>{pct(s.precision)}</td><td>{pct(s.recall)}</td><td>{pct(s.f1)}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }
                        }).collect_view()}
                        {(!unmatched.is_empty()).then(|| view! {
                            <h3>"Unmatched documents"</h3>
                            <ul>{unmatched.into_iter().map(|u| view! {
                                <li>{format!("{}: in {}, missing from {}", u.title, u.present_in.join(", "), u.missing_from.join(", "))}</li>
                            }).collect_view()}</ul>
                        })}
                    }
                })}
                </Show>
                <Show when=move || view_shown.get() == View::Adjudicate>
                    <Adjudication corpora curated/>
                    <CuratedSet curated/>
                    <Show when=move || curated.with(|c| !c.is_empty()) && corpora.with(|c| !c.is_empty())>
                        <button type="button" on:click=compare_curated>"Compare the curated set with the annotators"</button>
                    </Show>
                </Show>
                <Show when=move || view_shown.get() == View::Statistics>
                    <Dashboard corpora curated/>
                </Show>
            </section>
        </Show>
    }
}
