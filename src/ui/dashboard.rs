//! The statistics dashboard: the core's charts of the workspace corpus, the loaded
//! annotators' files or the curated set, each downloadable as SVG and as PNG.
//!
//! The PNG is drawn in the browser: the SVG is loaded into an image from a `data:` URL
//! (which the page's CSP already allows for images, so no policy is widened) and painted
//! on a canvas at twice its size. Canvas and image calls go through `Reflect`, so no web-sys
//! feature needs adding for them.

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::state::Workspace;
use crate::browser::download::{download_bytes, download_text};
use crate::core::agreement::AnnotatorCorpus;
use crate::core::dashboard::{charts, corpus_stats, stats_over, Chart};
use crate::core::model::Document;
use crate::core::render::charts::{bar_chart_svg, chart_size};

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &method.into())?.dyn_into()?;
    f.apply(target, &args.iter().collect::<Array>())
}

/// Paint `svg` (of `width` × `height` pixels) at twice its size and encode it as PNG.
async fn svg_to_png(svg: &str, width: usize, height: usize) -> Result<Vec<u8>, JsValue> {
    const SCALE: usize = 2;
    let doc = document();
    let img: JsValue = doc.create_element("img")?.into();
    let loaded = Promise::new(&mut |resolve, reject| {
        let _ = Reflect::set(&img, &"onload".into(), &resolve);
        let _ = Reflect::set(&img, &"onerror".into(), &reject);
    });
    let url = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(svg))
    );
    Reflect::set(&img, &"src".into(), &url.into())?;
    JsFuture::from(loaded)
        .await
        .map_err(|_| JsValue::from_str("the chart could not be drawn as an image"))?;
    let canvas: JsValue = doc.create_element("canvas")?.into();
    Reflect::set(&canvas, &"width".into(), &((width * SCALE) as u32).into())?;
    Reflect::set(&canvas, &"height".into(), &((height * SCALE) as u32).into())?;
    let ctx = call(&canvas, "getContext", &["2d".into()])?;
    call(
        &ctx,
        "scale",
        &[(SCALE as f64).into(), (SCALE as f64).into()],
    )?;
    call(
        &ctx,
        "drawImage",
        &[
            img,
            0.into(),
            0.into(),
            (width as u32).into(),
            (height as u32).into(),
        ],
    )?;
    let blob = Promise::new(&mut |resolve, reject| {
        if let Err(e) = call(&canvas, "toBlob", &[resolve.into(), "image/png".into()]) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob: web_sys::Blob = JsFuture::from(blob)
        .await?
        .dyn_into()
        .map_err(|_| JsValue::from_str("the browser made no PNG of the chart"))?;
    let buffer = JsFuture::from(blob.array_buffer()).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Workspace,
    Files,
    Curated,
}

#[component]
pub fn Dashboard(
    corpora: RwSignal<Vec<AnnotatorCorpus>>,
    curated: RwSignal<Vec<Document>>,
) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let source = RwSignal::new(Source::Workspace);
    let all = Memo::new(move |_| {
        let schema = ws.schema.current().get();
        let stats = match source.get() {
            // The workspace's documents are counted where they are: an edit costs a
            // recount while the dashboard is shown, never a copy of the corpus.
            Source::Workspace => {
                ws.corpus.corpus_rev().track();
                ws.corpus.index().track();
                let name = ws.annotator().get();
                let name = if name.trim().is_empty() {
                    "you".to_owned()
                } else {
                    name
                };
                ws.with_core(|c| {
                    stats_over(c.documents().map(|d| (name.as_str(), d)), Some(&schema))
                })
                .unwrap_or_else(|| corpus_stats(&[], Some(&schema)))
            }
            Source::Files => corpora.with(|c| corpus_stats(c, Some(&schema))),
            Source::Curated => curated.with(|documents| {
                stats_over(
                    documents
                        .iter()
                        .map(|d| (crate::core::adjudication::CURATED, d)),
                    Some(&schema),
                )
            }),
        };
        charts(&stats)
    });
    let download_svg = move |chart: &Chart| {
        let name = format!("{}.svg", chart.file_stem());
        if let Err(e) = download_text(&name, "image/svg+xml", &bar_chart_svg(chart)) {
            ws.alerts.error(format!("The download failed: {e:?}"));
        }
    };
    let download_png = move |chart: Chart| {
        spawn_local(async move {
            let (w, h) = chart_size(&chart);
            let name = format!("{}.png", chart.file_stem());
            let result = match svg_to_png(&bar_chart_svg(&chart), w, h).await {
                Ok(bytes) => download_bytes(&name, "image/png", &bytes),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                let why = e.as_string().unwrap_or_else(|| format!("{e:?}"));
                ws.alerts
                    .error(format!("No PNG of “{}”: {why}", chart.title));
            }
        });
    };
    view! {
        <div class="actions-row">
            <label for="dashboard-source">"Statistics of"</label>
            <select id="dashboard-source" on:change=move |ev| source.set(match event_target_value(&ev).as_str() {
                "files" => Source::Files,
                "curated" => Source::Curated,
                _ => Source::Workspace,
            })>
                <option value="workspace">"the documents in this workspace"</option>
                <option value="files">"the loaded annotators' files"</option>
                <option value="curated">"the curated set"</option>
            </select>
        </div>
        <div class="charts">
            {move || all.get().into_iter().map(|chart| {
                let svg = bar_chart_svg(&chart);
                let title = chart.title.clone();
                let for_svg = chart.clone();
                view! {
                    <figure class="chart">
                        // The SVG is built by the core with every label escaped.
                        <div class="chart-svg" inner_html=svg></div>
                        <figcaption class="actions-row">
                            <button type="button" aria-label=format!("Download “{title}” as SVG")
                                on:click=move |_| download_svg(&for_svg)>"SVG"</button>
                            <button type="button" aria-label=format!("Download “{title}” as PNG")
                                on:click=move |_| download_png(chart.clone())>"PNG"</button>
                        </figcaption>
                    </figure>
                }
            }).collect_view()}
        </div>
    }
}
