//! The agreement panel: load two or more annotators' loupe/1 files, see their agreement as
//! tables (the same figures as `loupe agree`: per pair with its reference annotator, and
//! per document), and download every figure as JSON or CSV, and the methods report as
//! Markdown or LaTeX.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::adjudicate::{load_curated, Adjudication, CuratedSet};
use super::annotate::Interaction;
use super::dashboard::Dashboard;
use super::state::Workspace;
use crate::browser::download::download_text;
use crate::core::adjudication::CURATED;
use crate::core::agreement::{
    agreement_with, AgreementOptions, AgreementReport, AnnotatorCorpus, CorefMetric, PairReport,
    Score, TokenUnits,
};
use crate::core::format::loupe;
use crate::core::report::{count, methods_report};
use crate::core::schema::Schema;

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

fn coref_row(name: &'static str, m: CorefMetric) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td>{pct(m.precision)}</td><td>{pct(m.recall)}</td><td>{pct(m.f1)}</td>
        </tr>
    }
}

fn units_text(u: &TokenUnits) -> String {
    let left = if u.left_out.is_empty() {
        String::new()
    } else {
        let titles: Vec<&str> = u.left_out.iter().map(|d| d.title.as_str()).collect();
        format!(
            " Left out, touched by no one compared: {}.",
            titles.join(", ")
        )
    };
    format!(
        "Unit: {} ({} of {}).{left}",
        u.unit,
        count(u.tokens, "token"),
        count(u.documents, "document")
    )
}

/// One pair's tables: the scores with the reference named, the token coefficients with
/// their unit, coreference, and the per-document table.
fn pair_view(p: PairReport) -> impl IntoView {
    let t = p.total.clone();
    let per_type: Vec<(String, Score)> = t.mentions_exact.per_type.clone().into_iter().collect();
    let (a, b) = (p.a.clone(), p.b.clone());
    let caption = format!(
        "{a} against {b} — reference: {b} (precision is the share of {a}'s annotations matched, recall the share of {b}'s)"
    );
    let c = t.coreference;
    let units = units_text(&p.token_units);
    view! {
        <section class="pair" aria-label=format!("{a} against {b}")>
        <table class="scores">
            <caption>{caption}</caption>
            <thead><tr><th scope="col">"Measure"</th><th scope="col">{a.clone()}</th><th scope="col">{format!("{b} (reference)")}</th>
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
        <table class="scores coefficients">
            <caption>{format!("{a} and {b}: token agreement")}</caption>
            <thead><tr><th scope="col">"Coefficient"</th><th scope="col">"Value"</th><th scope="col">"Tokens"</th></tr></thead>
            <tbody>
                <tr><th scope="row">"Cohen's κ"</th><td>{format!("{:.3}", t.token_kappa.kappa)}</td><td>{t.token_kappa.items}</td></tr>
                <tr><th scope="row">"Krippendorff's α (nominal)"</th><td>{format!("{:.3}", t.token_alpha.alpha)}</td><td>{t.token_alpha.units}</td></tr>
            </tbody>
        </table>
        <p class="muted units">{units}</p>
        {if c.is_empty() {
            view! { <p class="muted">"Coreference: neither annotator made a cluster in these documents."</p> }.into_any()
        } else {
            view! {
                <table class="scores coref">
                    <caption>{format!("{a} against {b}: coreference ({} in {a}, {} in {b}; mentions matched by exact span)", count(c.response_chains, "chain"), c.key_chains)}</caption>
                    <thead><tr><th scope="col">"Metric"</th><th scope="col">"P %"</th><th scope="col">"R %"</th><th scope="col">"F1 %"</th></tr></thead>
                    <tbody>
                        {coref_row("MUC", c.muc)}
                        {coref_row("B³", c.b_cubed)}
                        {coref_row("CEAFe", c.ceafe)}
                        <tr><th scope="row">"CoNLL-2012 (mean F1)"</th><td></td><td></td><td>{pct(c.conll)}</td></tr>
                    </tbody>
                </table>
            }.into_any()
        }}
        <table class="scores per-document">
            <caption>{format!("{a} against {b}, per document (F1 % and coefficients)")}</caption>
            <thead><tr><th scope="col">"Document"</th><th scope="col">"Exact"</th><th scope="col">"Overlap"</th>
                <th scope="col">"κ"</th><th scope="col">"α"</th><th scope="col">"Triggers"</th><th scope="col">"Arguments"</th>
                <th scope="col">"Relations"</th><th scope="col">"CoNLL"</th></tr></thead>
            <tbody>
                {p.per_document.into_iter().map(|d| {
                    let s = d.scores;
                    let title = if d.touched { d.document.title.clone() } else { format!("{} (untouched)", d.document.title) };
                    let conll = if s.coreference.is_empty() { "—".to_owned() } else { pct(s.coreference.conll) };
                    view! {
                        <tr class:untouched=!d.touched>
                            <th scope="row">{title}</th>
                            <td>{pct(s.mentions_exact.micro.f1)}</td><td>{pct(s.mentions_overlap.micro.f1)}</td>
                            <td>{format!("{:.3}", s.token_kappa.kappa)}</td><td>{format!("{:.3}", s.token_alpha.alpha)}</td>
                            <td>{pct(s.events.trigger_classification.micro.f1)}</td><td>{pct(s.events.argument_classification.micro.f1)}</td>
                            <td>{pct(s.relations.micro.f1)}</td><td>{conll}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </section>
    }
}

/// Read each file as one annotator's corpus (the name comes from the file, or its name),
/// with the schema the file carries.
async fn read_corpora(
    files: Vec<web_sys::File>,
) -> Result<Vec<(AnnotatorCorpus, Option<Schema>)>, String> {
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
        corpora.push((
            AnnotatorCorpus {
                annotator,
                documents: parsed.documents,
            },
            parsed.schema,
        ));
    }
    Ok(corpora)
}

/// What the downloads of the scores view write.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Export {
    Json,
    Csv,
    Markdown,
    Latex,
}

#[component]
pub fn AgreementPanel() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    let report = RwSignal::new(None::<AgreementReport>);
    let corpora = RwSignal::new(Vec::<AnnotatorCorpus>::new());
    let schemas = RwSignal::new(Vec::<Schema>::new());
    let include_untouched = RwSignal::new(false);
    let opts = move || AgreementOptions {
        include_untouched: include_untouched.get_untracked(),
    };
    let view_shown = RwSignal::new(View::Scores);
    // The curated set is read once, at start, so it is there after a reload.
    let stored = load_curated(&ws);
    let curated = RwSignal::new(stored.documents);
    if let Some(problem) = stored.problem {
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
        match agreement_with(&all, opts()) {
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
            let scored = loaded.and_then(|loaded| {
                let (c, s): (Vec<AnnotatorCorpus>, Vec<Option<Schema>>) =
                    loaded.into_iter().unzip();
                agreement_with(&c, opts())
                    .map(|r| (c, s, r))
                    .map_err(|e| e.to_string())
            });
            match scored {
                Ok((c, s, r)) => {
                    corpora.set(c);
                    schemas.set(s.into_iter().flatten().collect());
                    report.set(Some(r));
                }
                Err(e) => ws.alerts.error(format!("No agreement computed: {e}")),
            }
        });
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
                    <Scores report corpora schemas include_untouched/>
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

/// The scores of the loaded files: every pair of annotators, the unmatched documents,
/// and the downloads of the report.
#[component]
fn Scores(
    report: RwSignal<Option<AgreementReport>>,
    corpora: RwSignal<Vec<AnnotatorCorpus>>,
    schemas: RwSignal<Vec<Schema>>,
    include_untouched: RwSignal<bool>,
) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let opts = move || AgreementOptions {
        include_untouched: include_untouched.get_untracked(),
    };
    let recompute = move || {
        let all = corpora.get_untracked();
        if all.len() >= 2 {
            if let Ok(r) = agreement_with(&all, opts()) {
                report.set(Some(r));
            }
        }
    };
    let download = move |what: Export| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let (name, mime, body) = match what {
            Export::Csv => ("agreement.csv", "text/csv", r.to_csv()),
            Export::Json => ("agreement.json", "application/json", r.to_json()),
            Export::Markdown | Export::Latex => {
                // The files' schemas, or the workspace's when the files carry none.
                let mut given = schemas.get_untracked();
                if given.is_empty() {
                    given.push((*ws.schema_now()).clone());
                }
                let refs: Vec<&Schema> = given.iter().collect();
                let m = corpora.with_untracked(|c| methods_report(c, &refs, opts()));
                if what == Export::Markdown {
                    ("methods-report.md", "text/markdown", m.markdown())
                } else {
                    ("methods-report.tex", "application/x-tex", m.latex())
                }
            }
        };
        if let Err(e) = download_text(name, mime, &body) {
            ws.alerts.error(format!("The download failed: {e:?}"));
        }
    };
    view! {
            {move || report.get().map(|r| {
                let unmatched = r.unmatched.clone();
                let units = units_text(&r.token_units);
                view! {
                    <p>{format!("{}, {} matched. All annotators: Fleiss' κ {:.3}, Krippendorff's α {:.3} over IOB tags.",
                        count(r.annotators.len(), "annotator"), count(r.documents.len(), "document"), r.fleiss_kappa.kappa, r.krippendorff_alpha.alpha)}</p>
                    <p class="muted units">{units}</p>
                    <label class="choice"><input type="checkbox" prop:checked=move || include_untouched.get()
                        on:change=move |ev| { include_untouched.set(event_target_checked(&ev)); recompute(); }/>
                        "Count the tokens of documents no one compared touched"</label>
                    <div class="actions-row" role="group" aria-label="Downloads">
                        <button type="button" on:click=move |_| download(Export::Json)>"Download JSON"</button>
                        <button type="button" on:click=move |_| download(Export::Csv)>"Download CSV"</button>
                        <button type="button" on:click=move |_| download(Export::Markdown)>"Methods report (Markdown)"</button>
                        <button type="button" on:click=move |_| download(Export::Latex)>"Methods report (LaTeX)"</button>
                    </div>
                    {r.pairs.into_iter().map(pair_view).collect_view()}
                    {(!unmatched.is_empty()).then(|| view! {
                        <h3>"Unmatched documents"</h3>
                        <ul>{unmatched.into_iter().map(|u| view! {
                            <li>{format!("{}: in {}, missing from {}", u.title, u.present_in.join(", "), u.missing_from.join(", "))}</li>
                        }).collect_view()}</ul>
                    })}
                }
            })}
    }
}
