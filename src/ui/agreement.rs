//! The agreement panel: load two or more annotators' loupe/1 files, see their agreement as
//! tables (the same figures as `loupe agree`), and download the report as JSON or CSV.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::annotate::Interaction;
use super::state::{AlertKind, Workspace};
use crate::browser::download::download_text;
use crate::core::adjudication::{curate, diff, Choice, DiffItem, DiffKind};
use crate::core::agreement::{agreement, AgreementReport, AnnotatorCorpus, Score};
use crate::core::format::loupe;
use crate::core::model::{Annotations, Document};

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
                Err(e) => ws.alert(AlertKind::Error, format!("No agreement computed: {e}")),
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
                ws.alert(AlertKind::Error, format!("The download failed: {e:?}"));
            }
        }
    };
    view! {
        <Show when=move || ia.agreement.get()>
            <section class="agreement" role="dialog" aria-modal="false" aria-label="Annotator agreement">
                <h2>"Annotator agreement"</h2>
                <p class="muted">"Load the loupe/1 exports of two or more annotators. Documents are matched by their text checksum."</p>
                <label class="button primary" for="agreement-files">"Load annotator files…"</label>
                <input id="agreement-files" class="visually-hidden" type="file" multiple accept=".json,application/json"
                    on:change=on_files/>
                <button type="button" on:click=move |_| ia.agreement.set(false)>"Close"</button>
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
                        <Adjudication corpora/>
                        {(!unmatched.is_empty()).then(|| view! {
                            <h3>"Unmatched documents"</h3>
                            <ul>{unmatched.into_iter().map(|u| view! {
                                <li>{format!("{}: in {}, missing from {}", u.title, u.present_in.join(", "), u.missing_from.join(", "))}</li>
                            }).collect_view()}</ul>
                        })}
                    }
                })}
            </section>
        </Show>
    }
}

fn kind_label(kind: DiffKind) -> &'static str {
    match kind {
        DiffKind::Match => "match",
        DiffKind::TypeDisagreement => "type differs",
        DiffKind::SpanDisagreement => "span differs",
        DiffKind::ArgumentDisagreement => "arguments differ",
        DiffKind::OnlyA => "only A",
        DiffKind::OnlyB => "only B",
    }
}

fn describe(ann: &Annotations, id: &Option<String>) -> String {
    let Some(id) = id else {
        return "—".to_owned();
    };
    if let Some(m) = ann.mention(id) {
        return format!("{} “{}” [{}, {})", m.kind, m.text, m.start(), m.end());
    }
    if let Some(e) = ann.events.iter().find(|e| &e.id == id) {
        let args: Vec<String> = e
            .arguments
            .iter()
            .map(|a| format!("{}={}", a.role, a.target))
            .collect();
        return format!("{} “{}” {}", e.kind, e.trigger_text, args.join(" "));
    }
    if let Some(r) = ann.relations.iter().find(|r| &r.id == id) {
        return format!("{} {} → {}", r.kind, r.arg1, r.arg2);
    }
    id.clone()
}

/// The first two annotators' disagreements on one document, each with a choice (take A,
/// B, both or neither), and the curated file they build. The choices are radio groups, so
/// Tab steps from one disagreement to the next and the arrow keys choose.
#[component]
fn Adjudication(corpora: RwSignal<Vec<AnnotatorCorpus>>) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let doc_index = RwSignal::new(0usize);
    // (A's document, B's annotations) for each document both of the first two have.
    let pairs = Memo::new(move |_| {
        corpora.with(|c| {
            let (Some(a), Some(b)) = (c.first(), c.get(1)) else {
                return Vec::new();
            };
            a.documents
                .iter()
                .filter_map(|da| {
                    let db = b
                        .documents
                        .iter()
                        .find(|d| d.meta.sha256 == da.meta.sha256)?;
                    Some((da.clone(), db.annotations.clone()))
                })
                .collect::<Vec<(Document, Annotations)>>()
        })
    });
    let names = move || {
        corpora.with(|c| {
            (
                c.first().map(|a| a.annotator.clone()).unwrap_or_default(),
                c.get(1).map(|b| b.annotator.clone()).unwrap_or_default(),
            )
        })
    };
    let items = Memo::new(move |_| {
        pairs.with(|p| {
            p.get(doc_index.get())
                .map(|(a, b)| diff(&a.annotations, b))
                .unwrap_or_default()
        })
    });
    let choices = RwSignal::new(Vec::<Choice>::new());
    Effect::new(move |_| {
        let n = items.with(|it| it.iter().filter(|i| i.is_disagreement()).count());
        choices.set(vec![Choice::TakeA; n]);
    });
    let build = move |_| {
        let Some((doc, b)) = pairs.with_untracked(|p| p.get(doc_index.get_untracked()).cloned())
        else {
            return;
        };
        let list = items.get_untracked();
        match curate(
            &doc.text,
            &doc.annotations,
            &b,
            &list,
            &choices.get_untracked(),
        ) {
            Ok(curated) => {
                let mut out = doc.clone();
                out.annotations = curated.annotations;
                let json = loupe::to_json(std::slice::from_ref(&out), "curated");
                if let Err(e) = download_text(
                    &format!("{}.curated.loupe.json", out.meta.title),
                    "application/json",
                    &json,
                ) {
                    ws.alert(AlertKind::Error, format!("The download failed: {e:?}"));
                }
                if curated.dropped_arguments + curated.dropped_relations > 0 {
                    ws.alert(AlertKind::Info, format!(
                        "Curated file written; {} arguments and {} relations were dropped because their targets were not kept.",
                        curated.dropped_arguments, curated.dropped_relations));
                }
            }
            Err(e) => ws.alert(AlertKind::Error, e.to_string()),
        }
    };
    view! {
        <p class="muted">{move || format!("{} documents to adjudicate between the first two annotators; {} loaded.", pairs.with(Vec::len), corpora.with(Vec::len))}</p>
        <Show when=move || !pairs.with(Vec::is_empty)>
            <h3>{move || { let (a, b) = names(); format!("Adjudicate: {a} (A) and {b} (B)") }}</h3>
            <label for="adjudicate-doc">"Document"</label>
            <select id="adjudicate-doc" on:change=move |ev| doc_index.set(event_target_value(&ev).parse().unwrap_or(0))>
                {move || pairs.get().iter().enumerate().map(|(i, (d, _))| view! { <option value=i.to_string()>{d.meta.title.clone()}</option> }).collect_view()}
            </select>
            <ol class="diff-list" aria-label="Disagreements">
                {move || {
                    let Some((doc, b)) = pairs.with(|p| p.get(doc_index.get()).cloned()) else { return Vec::new() };
                    let mut n = 0usize;
                    items.get().into_iter().filter(DiffItem::is_disagreement).map(|it| {
                        let i = n;
                        n += 1;
                        let name = format!("choice-{i}");
                        let label = format!("{}: A {} · B {}", kind_label(it.kind), describe(&doc.annotations, &it.a), describe(&b, &it.b));
                        let class = format!("diff {}", kind_label(it.kind).replace(' ', "-"));
                        view! {
                            <li class=class>
                                <span class="diff-kind">{kind_label(it.kind)}</span>
                                <span class="diff-a">{format!("A: {}", describe(&doc.annotations, &it.a))}</span>
                                <span class="diff-b">{format!("B: {}", describe(&b, &it.b))}</span>
                                <span role="radiogroup" aria-label=label>
                                    {[(Choice::TakeA, "Take A"), (Choice::TakeB, "Take B"), (Choice::TakeBoth, "Both"), (Choice::TakeNeither, "Neither")]
                                        .into_iter().map(|(c, text)| { let name = name.clone(); let c2 = c.clone(); view! {
                                        <label class="choice"><input type="radio" name=name
                                            prop:checked=move || choices.with(|cs| cs.get(i) == Some(&c))
                                            on:change=move |_| choices.update(|cs| if let Some(x) = cs.get_mut(i) { *x = c2.clone() })/>{text}</label>
                                    }}).collect_view()}
                                </span>
                            </li>
                        }
                    }).collect::<Vec<_>>()
                }}
            </ol>
            <button type="button" class="primary" on:click=build>"Download curated file"</button>
        </Show>
    }
}
