//! The diff of two annotators over one document's text, side by side or interleaved, with
//! a choice for each disagreement (take A, B, both, neither, or edit), and the curated set
//! those choices build, kept in this browser and exported in every format.
//!
//! Keys inside the diff: **n**/**j** next disagreement, **p**/**k** previous, **a** take A,
//! **b** take B, **h** both, **x** neither, **e** edit. The current disagreement's mark is
//! scrolled into view and focused.

use std::sync::Arc;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::Workspace;
use crate::browser::download::{download_bytes, download_text};
use crate::core::adjudication::{
    self, check_edit, curate, diff, put_curated, unreviewed, with_default, Choice, Curated,
    DiffItem, DiffKind, Edit, Layer, Side, StoredCurated, CURATED,
};
use crate::core::agreement::AnnotatorCorpus;
use crate::core::diffview::{
    describe, disagreements, marks, piece_classes, pieces, selection_point, step, Mark,
};
use crate::core::format::{self, archive, loupe, Format, OutFile};
use crate::core::model::{Annotations, Document, Span, Status};
use crate::core::offsets::{cp_len, slice_cp};
use crate::core::plural::count;

/// Read the curated set through the workspace's corpus store (see
/// [`adjudication::load_curated`]); nothing when the browser has no storage.
pub fn load_curated(ws: &Workspace) -> StoredCurated {
    ws.storing(|s| Ok(adjudication::load_curated(s)))
        .unwrap_or_default()
}

fn mime(name: &str) -> &'static str {
    if name.ends_with(".zip") {
        "application/zip"
    } else if name.ends_with(".csv") {
        "text/csv"
    } else if name.ends_with(".json") || name.ends_with(".jsonld") {
        "application/json"
    } else {
        "text/plain"
    }
}

/// The type and span an annotation of a diff item has, to start an edit from.
fn kind_and_span(ann: &Annotations, layer: Layer, id: &str) -> Option<(String, Option<Span>)> {
    let hull = |spans: &[Span]| {
        let start = spans.iter().map(|s| s.start).min()?;
        let end = spans.iter().map(|s| s.end).max()?;
        Some(Span::new(start, end))
    };
    match layer {
        Layer::Mention => ann
            .mention(id)
            .map(|m| (m.kind.clone(), hull(&m.fragments))),
        Layer::Event => ann.event(id).map(|e| (e.kind.clone(), hull(&e.trigger))),
        Layer::Relation => ann.relation(id).map(|r| (r.kind.clone(), None)),
        Layer::Cluster => ann.entity(id).map(|e| (e.kind.clone(), None)),
    }
}

fn choice_label(c: Option<&Choice>) -> String {
    let Some(c) = c else {
        return "not reviewed".into();
    };
    match c {
        Choice::TakeA => "take A".into(),
        Choice::TakeB => "take B".into(),
        Choice::TakeBoth => "take both".into(),
        Choice::TakeNeither => "take neither".into(),
        Choice::Edit(e) => match e.span {
            Some(s) => format!(
                "edited from {}: {} [{}, {})",
                e.from.letter(),
                e.kind,
                s.start,
                s.end
            ),
            None => format!("edited from {}: {}", e.from.letter(), e.kind),
        },
    }
}

/// The span of the text selected inside the diff, in code points. Each piece carries its
/// start in `data-start`, and both ends of the selection must lie in a piece's text.
fn selected_span() -> Option<Span> {
    let sel = window().get_selection().ok()??;
    if sel.is_collapsed() {
        return None;
    }
    let point = |node: Option<web_sys::Node>, offset: u32| -> Option<usize> {
        let node = node?;
        if node.node_type() != web_sys::Node::TEXT_NODE {
            return None;
        }
        let piece = node.parent_element()?;
        let start = piece.get_attribute("data-start")?.parse().ok()?;
        selection_point(start, &node.text_content()?, offset as usize)
    };
    let a = point(sel.anchor_node(), sel.anchor_offset())?;
    let b = point(sel.focus_node(), sel.focus_offset())?;
    Some(Span::new(a.min(b), a.max(b)))
}

/// Scroll the current disagreement's mark into view and focus it, once the text has been
/// drawn again.
fn focus_current() {
    request_animation_frame(move || {
        let Some(el) = document()
            .query_selector(".diff-text .current")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            // A relation has no mark in the text: the status line says which it is.
            if let Some(s) = document()
                .query_selector(".diff-status")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = s.focus();
            }
            return;
        };
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&options);
        let _ = el.focus();
    });
}

/// What waits for the reviewer's answer about unreviewed disagreements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Save,
    Download,
}

/// Focus the element with `id` once it is drawn.
fn focus_id(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// The edit form of the current disagreement.
#[derive(Clone, Copy)]
struct EditForm {
    from: RwSignal<Side>,
    kind: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    orig: RwSignal<Option<Span>>,
    error: RwSignal<Option<String>>,
}

impl EditForm {
    fn new() -> Self {
        Self {
            from: RwSignal::new(Side::A),
            kind: RwSignal::new(String::new()),
            start: RwSignal::new(String::new()),
            end: RwSignal::new(String::new()),
            orig: RwSignal::new(None),
            error: RwSignal::new(None),
        }
    }

    fn set_span(&self, span: Span) {
        self.start.set(span.start.to_string());
        self.end.set(span.end.to_string());
    }
}

/// The review of two annotators' documents: which two, which document, its
/// disagreements, the choice made for each, and what waits for the reviewer.
#[derive(Clone, Copy)]
struct Review {
    ws: Workspace,
    corpora: RwSignal<Vec<AnnotatorCorpus>>,
    curated: RwSignal<Vec<Document>>,
    a_idx: RwSignal<usize>,
    b_idx: RwSignal<usize>,
    doc_index: RwSignal<usize>,
    /// (A's document, B's annotations) for each document both annotators have.
    pairs: Memo<Vec<(Document, Annotations)>>,
    current_doc: Memo<Option<(Document, Annotations)>>,
    items: Memo<Vec<DiffItem>>,
    dis: Memo<Vec<usize>>,
    /// One choice per disagreement; `None` until the reviewer makes it.
    choices: RwSignal<Vec<Option<Choice>>>,
    /// Saving or downloading waits here while unreviewed disagreements are confirmed.
    asking: RwSignal<Option<Action>>,
    /// The position of the current disagreement among `dis`.
    current: RwSignal<Option<usize>>,
    /// The item index of the current disagreement.
    cur_idx: Memo<Option<usize>>,
    editing: RwSignal<bool>,
    interleaved: RwSignal<bool>,
    form: EditForm,
}

/// (A's document, B's annotations) for each document annotators `ai` and `bi` both have.
fn shared_documents(
    corpora: &[AnnotatorCorpus],
    ai: usize,
    bi: usize,
) -> Vec<(Document, Annotations)> {
    let (Some(a), Some(b)) = (corpora.get(ai), corpora.get(bi)) else {
        return Vec::new();
    };
    if ai == bi {
        return Vec::new();
    }
    a.documents
        .iter()
        .filter_map(|da| {
            let db = b
                .documents
                .iter()
                .find(|d| d.meta.sha256 == da.meta.sha256)?;
            Some((da.clone(), db.annotations.clone()))
        })
        .collect()
}

impl Review {
    fn new(corpora: RwSignal<Vec<AnnotatorCorpus>>, curated: RwSignal<Vec<Document>>) -> Self {
        let a_idx = RwSignal::new(0usize);
        let b_idx = RwSignal::new(1usize);
        Effect::new(move |_| {
            corpora.track();
            a_idx.set(0);
            b_idx.set(1);
        });
        let doc_index = RwSignal::new(0usize);
        let pairs =
            Memo::new(move |_| corpora.with(|c| shared_documents(c, a_idx.get(), b_idx.get())));
        Effect::new(move |_| {
            pairs.track();
            doc_index.set(0);
        });
        let current_doc = Memo::new(move |_| pairs.with(|p| p.get(doc_index.get()).cloned()));
        let items = Memo::new(move |_| {
            current_doc.with(|d| {
                d.as_ref()
                    .map(|(a, b)| diff(&a.annotations, b))
                    .unwrap_or_default()
            })
        });
        let dis = Memo::new(move |_| items.with(|it| disagreements(it)));
        let choices = RwSignal::new(Vec::<Option<Choice>>::new());
        let asking = RwSignal::new(None::<Action>);
        let current = RwSignal::new(None::<usize>);
        let editing = RwSignal::new(false);
        Effect::new(move |_| {
            let n = dis.with(Vec::len);
            choices.set(vec![None; n]);
            asking.set(None);
            current.set(None);
            editing.set(false);
        });
        let cur_idx =
            Memo::new(move |_| current.get().and_then(|c| dis.with(|d| d.get(c).copied())));
        Self {
            ws: expect_context::<Workspace>(),
            corpora,
            curated,
            a_idx,
            b_idx,
            doc_index,
            pairs,
            current_doc,
            items,
            dis,
            choices,
            asking,
            current,
            cur_idx,
            editing,
            interleaved: RwSignal::new(false),
            form: EditForm::new(),
        }
    }

    fn name(&self, s: Side) -> String {
        let i = match s {
            Side::A => self.a_idx.get(),
            Side::B => self.b_idx.get(),
        };
        self.corpora
            .with(|c| c.get(i).map(|x| x.annotator.clone()).unwrap_or_default())
    }

    fn cur_item(&self) -> Option<(usize, DiffItem)> {
        let i = self.cur_idx.get()?;
        self.items.with(|its| its.get(i).cloned().map(|it| (i, it)))
    }

    fn has_side(&self, s: Side) -> bool {
        self.cur_item().is_some_and(|(_, it)| match s {
            Side::A => it.a.is_some(),
            Side::B => it.b.is_some(),
        })
    }

    /// Whether the current choice is one `want` accepts, for `aria-pressed`.
    fn pressed(self, want: fn(&Choice) -> bool) -> impl Fn() -> String + Copy {
        move || {
            self.current
                .get()
                .and_then(|pos| {
                    self.choices
                        .with(|c| c.get(pos).and_then(Option::as_ref).map(want))
                })
                .unwrap_or(false)
                .to_string()
        }
    }

    fn go(&self, forward: bool) {
        let n = self.dis.with_untracked(Vec::len);
        self.current
            .set(step(self.current.get_untracked(), n, forward));
        self.editing.set(false);
        focus_current();
    }

    /// The next disagreement not reviewed yet, after the current one, wrapping around.
    fn go_unreviewed(&self) {
        let open = self.choices.with_untracked(|c| unreviewed(c));
        let Some(&first) = open.first() else { return };
        let here = self.current.get_untracked();
        let next = open
            .iter()
            .copied()
            .find(|&p| here.is_none_or(|h| p > h))
            .unwrap_or(first);
        self.current.set(Some(next));
        self.asking.set(None);
        self.editing.set(false);
        focus_current();
    }

    fn choose(&self, c: Choice) {
        let Some(pos) = self.current.get_untracked() else {
            return;
        };
        self.choices.update(|cs| {
            if let Some(x) = cs.get_mut(pos) {
                *x = Some(c);
            }
        });
        self.editing.set(false);
        focus_current();
    }

    /// Fill the edit form from side `from` of the current disagreement.
    fn fill_edit(&self, from: Side) {
        let Some((_, it)) = self.cur_item() else {
            return;
        };
        let found = self.current_doc.with_untracked(|d| {
            let (doc, b) = d.as_ref()?;
            let (ann, id) = match from {
                Side::A => (&doc.annotations, it.a.as_ref()?),
                Side::B => (b, it.b.as_ref()?),
            };
            kind_and_span(ann, it.layer, id)
        });
        let Some((kind, span)) = found else { return };
        let f = self.form;
        f.from.set(from);
        f.kind.set(kind);
        f.orig.set(span);
        f.start
            .set(span.map(|s| s.start.to_string()).unwrap_or_default());
        f.end
            .set(span.map(|s| s.end.to_string()).unwrap_or_default());
        f.error.set(None);
    }

    fn open_edit(&self) {
        let Some((_, it)) = self.cur_item() else {
            return;
        };
        let pos = self.current.get_untracked().unwrap_or(0);
        match self
            .choices
            .with_untracked(|c| c.get(pos).cloned().flatten())
        {
            Some(Choice::Edit(e)) => {
                self.fill_edit(e.from);
                self.form.kind.set(e.kind.clone());
                if let Some(s) = e.span {
                    self.form.set_span(s);
                }
            }
            _ => self.fill_edit(if it.a.is_some() { Side::A } else { Side::B }),
        }
        self.editing.set(true);
        focus_id("diff-edit-type");
    }

    /// The span the form asks for: `None` for a relation, or for the original span
    /// unchanged (which keeps its fragments, discontinuous or not).
    fn form_span(&self, layer: Layer) -> Result<Option<Span>, ()> {
        if layer == Layer::Relation {
            return Ok(None);
        }
        let parse = |s: String| s.trim().parse::<usize>();
        match (
            parse(self.form.start.get_untracked()),
            parse(self.form.end.get_untracked()),
        ) {
            (Ok(start), Ok(end)) => {
                let span = Span::new(start, end);
                Ok((self.form.orig.get_untracked() != Some(span)).then_some(span))
            }
            _ => Err(()),
        }
    }

    fn apply_edit(&self) {
        let (Some(pos), Some((_, it))) = (self.current.get_untracked(), self.cur_item()) else {
            return;
        };
        let Some(text) = self
            .current_doc
            .with_untracked(|d| d.as_ref().map(|(doc, _)| doc.text.clone()))
        else {
            return;
        };
        let Ok(span) = self.form_span(it.layer) else {
            self.form.error.set(Some(
                "Start and end must be whole numbers of characters.".into(),
            ));
            return;
        };
        let edit = Edit {
            from: self.form.from.get_untracked(),
            kind: self.form.kind.get_untracked().trim().to_owned(),
            span,
        };
        match check_edit(&text, &it, pos, &edit) {
            Ok(_) => {
                self.choices.update(|c| {
                    if let Some(x) = c.get_mut(pos) {
                        *x = Some(Choice::Edit(edit));
                    }
                });
                self.form.error.set(None);
                self.editing.set(false);
                focus_current();
            }
            Err(e) => self.form.error.set(Some(format!("Not applied: {e}."))),
        }
    }

    fn edit_preview(&self) -> Option<String> {
        let start = self.form.start.get().trim().parse::<usize>().ok()?;
        let end = self.form.end.get().trim().parse::<usize>().ok()?;
        self.current_doc.with(|d| {
            let (doc, _) = d.as_ref()?;
            slice_cp(&doc.text, start, end).map(str::to_owned)
        })
    }

    fn on_key(&self, e: KeyboardEvent) {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let in_field = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if in_field {
            return;
        }
        let key = e.key();
        match key.to_ascii_lowercase().as_str() {
            "n" | "j" => self.go(true),
            "p" | "k" => self.go(false),
            "a" => self.choose(Choice::TakeA),
            "b" => self.choose(Choice::TakeB),
            "h" => self.choose(Choice::TakeBoth),
            "x" => self.choose(Choice::TakeNeither),
            "e" => self.open_edit(),
            "u" => self.go_unreviewed(),
            // Other letters would reach the annotation shortcuts behind the panel.
            k if k.chars().count() == 1 && k.chars().all(char::is_alphanumeric) => {}
            _ => return,
        }
        e.prevent_default();
        e.stop_propagation();
    }

    /// The curated result of the choices, unreviewed ones taken as `default`.
    fn curated_with(&self, default: &Choice) -> Option<Result<(Document, Curated), String>> {
        self.current_doc.with(|d| {
            let (doc, b) = d.as_ref()?;
            let cs = self.choices.with(|c| with_default(c, default));
            Some(
                self.items
                    .with(|list| curate(&doc.text, &doc.annotations, b, list, &cs))
                    .map(|c| (doc.clone(), c))
                    .map_err(|e| e.to_string()),
            )
        })
    }

    /// The curated document, or an alert saying why not.
    fn build(&self, default: &Choice) -> Option<Document> {
        let ws = self.ws;
        match untrack(|| self.curated_with(default))? {
            Ok((doc, c)) => {
                if !c.lost.is_empty() {
                    let lost: Vec<String> = c.lost.iter().map(ToString::to_string).collect();
                    ws.alerts.info(format!(
                        "The curated document was built without what its choices left out: {}.",
                        lost.join("; ")
                    ));
                }
                let mut out = doc;
                out.annotations = c.annotations;
                out.meta.status = Status::Done;
                Some(out)
            }
            Err(e) => {
                ws.alerts.error(format!("No curated document: {e}."));
                None
            }
        }
    }

    fn save_now(&self, default: &Choice) {
        let ws = self.ws;
        let Some(doc) = self.build(default) else {
            return;
        };
        let title = doc.meta.title.clone();
        // Start from what is stored now, so a document another tab saved is kept.
        let stored = load_curated(&ws);
        if let Some(problem) = stored.problem {
            ws.alerts.error(problem);
        }
        let mut set = stored.documents;
        if set.is_empty() {
            set = self.curated.get_untracked();
        }
        put_curated(&mut set, doc);
        match ws.storing(|s| adjudication::save_curated(s, &set)) {
            Ok(()) => {
                let n = set.len();
                self.curated.set(set);
                ws.alerts.info(format!(
                    "Saved “{title}” to the curated set ({}), kept in this browser.",
                    count(n, "document")
                ));
            }
            Err(e) => ws.alerts.error(format!(
                "The curated set was not saved: {e}. What is stored did not change."
            )),
        }
    }

    fn download_now(&self, default: &Choice) {
        let Some(doc) = self.build(default) else {
            return;
        };
        let json = loupe::to_json(std::slice::from_ref(&doc), CURATED);
        if let Err(e) = download_text(
            &format!("{}.curated.loupe.json", doc.meta.title),
            "application/json",
            &json,
        ) {
            self.ws.alerts.error(format!("The download failed: {e:?}"));
        }
    }

    fn run(&self, action: Action, default: &Choice) {
        self.asking.set(None);
        match action {
            Action::Save => self.save_now(default),
            Action::Download => self.download_now(default),
        }
    }

    /// Save or download at once when every disagreement is reviewed; else ask first.
    fn request(&self, action: Action) {
        if self.choices.with_untracked(|c| unreviewed(c).is_empty()) {
            self.run(action, &Choice::TakeA);
        } else {
            self.asking.set(Some(action));
            focus_id("diff-ask");
        }
    }

    /// The text of one side (or both, interleaved). It is drawn once per document and
    /// layout; stepping only moves the `current` class, so the focused mark is never
    /// replaced under the keyboard.
    fn text_view(&self, sides: &'static [Side]) -> Vec<AnyView> {
        let its = self.items.get();
        let cur_idx = self.cur_idx;
        self.current_doc.with(|d| {
            let Some((doc, b)) = d else {
                return Vec::new();
            };
            let ms = Arc::new(marks(&doc.annotations, b, &its, sides, cp_len(&doc.text)));
            let both = sides.len() == 2;
            pieces(&doc.text, &ms)
                .into_iter()
                .map(|p| {
                    // In one text a match needs one tag, not two.
                    let tags: Vec<String> = p
                        .marks
                        .iter()
                        .map(|&i| &ms[i])
                        .filter(|m| m.end() == p.end)
                        .filter(|m| !(both && m.side == Side::B && m.kind == DiffKind::Match))
                        .map(Mark::tag)
                        .collect();
                    let text = p.text.clone();
                    let start = p.start;
                    let ms = ms.clone();
                    // Every mark stays focusable: taking tabindex off the focused one would
                    // drop the focus (and the next key) before the new one gets it.
                    let focusable = (!p.marks.is_empty()).then_some("-1");
                    view! {
                        <span data-start=start class=move || piece_classes(&p, &ms, cur_idx.get())
                            tabindex=focusable>{text}</span>
                        {tags.into_iter().map(|t| view! { <span class="diff-tag">{t}</span> }).collect_view()}
                    }
                    .into_any()
                })
                .collect::<Vec<_>>()
        })
    }

    fn status(&self) -> String {
        let total = self.dis.with(Vec::len);
        match (self.current.get(), self.cur_item()) {
            (Some(pos), Some((_, it))) => self.current_doc.with(|d| {
                let Some((doc, b)) = d else {
                    return String::new();
                };
                let chosen = self
                    .choices
                    .with(|c| choice_label(c.get(pos).and_then(Option::as_ref)));
                format!(
                    "{} of {total}: {} — A: {} · B: {} — choice: {chosen}",
                    pos + 1,
                    it.kind.label(),
                    describe(&doc.annotations, it.layer, it.a.as_deref()),
                    describe(b, it.layer, it.b.as_deref()),
                )
            }),
            _ if total == 0 => "No disagreements in this document.".to_owned(),
            _ => format!("{total} disagreements. Press n for the first, p for the last."),
        }
    }
}

#[component]
pub fn Adjudication(
    corpora: RwSignal<Vec<AnnotatorCorpus>>,
    curated: RwSignal<Vec<Document>>,
) -> impl IntoView {
    let r = Review::new(corpora, curated);
    view! {
        <Show when=move || { corpora.with(|c| c.len() >= 2) }>
            <ReviewPickers r/>
        </Show>
        <Show when=move || r.current_doc.with(Option::is_some)>
            <div class="diff-view" on:keydown=move |e| r.on_key(e)>
                <div class="actions-row" role="group" aria-label="Diff layout">
                    <button type="button" aria-pressed=move || (!r.interleaved.get()).to_string()
                        on:click=move |_| r.interleaved.set(false)>"Side by side"</button>
                    <button type="button" aria-pressed=move || r.interleaved.get().to_string()
                        on:click=move |_| r.interleaved.set(true)>"Interleaved"</button>
                </div>
                <ul class="diff-legend" aria-label="Legend">
                    <li><span class="d-a-match">"solid"</span>" match"</li>
                    <li><span class="d-a-type">"double"</span>" type differs"</li>
                    <li><span class="d-a-span">"dashed"</span>" span differs"</li>
                    <li><span class="d-a-args">"wavy"</span>" arguments differ"</li>
                    <li><span class="d-a-only">"dotted"</span>" only one annotator"</li>
                    <li>"A's marks are underlined, B's overlined; each is tagged with side, type and kind. Coreference clusters and relations have no mark of their own: they are in the list below, where clusters can also differ in members."</li>
                </ul>
                <p class="muted">"Keys in the diff: n or j next disagreement, p or k previous, u next not reviewed; a take A, b take B, h take both, x take neither, e edit."</p>
                <DiffToolbar r/>
                <Show when=move || r.editing.get()>
                    <EditPanel r/>
                </Show>
                <DiffText r/>
            </div>
            <DisagreementList current_doc=r.current_doc items=r.items dis=r.dis choices=r.choices current=r.current
                on_edit=Callback::new(move |pos: usize| { r.current.set(Some(pos)); r.open_edit(); })/>
            <SaveBar losses=Memo::new(move |_| match r.curated_with(&Choice::TakeA) {
                    // What the curated document loses, live, so nothing is lost unseen.
                    Some(Ok((_, c))) => c.lost.iter().map(ToString::to_string).collect(),
                    _ => Vec::<String>::new(),
                })
                choices=r.choices asking=r.asking
                on_review=Callback::new(move |()| r.go_unreviewed())
                on_run=Callback::new(move |(action, default): (Action, Choice)| r.run(action, &default))
                on_request=Callback::new(move |action| r.request(action))/>
        </Show>
    }
}

/// The two annotators to compare, and the document they share.
#[component]
fn ReviewPickers(r: Review) -> impl IntoView {
    let picker = move |side: Side, sig: RwSignal<usize>| {
        let id = format!("diff-pick-{}", side.letter().to_ascii_lowercase());
        view! {
            <label for=id.clone()>{format!("Annotator {}", side.letter())}</label>
            <select id=id prop:value=move || sig.get().to_string()
                on:change=move |ev| sig.set(event_target_value(&ev).parse().unwrap_or(0))>
                {move || r.corpora.with(|c| c.iter().enumerate().map(|(i, x)| view! {
                    <option value=i.to_string() selected=move || sig.get() == i>{x.annotator.clone()}</option>
                }).collect_view())}
            </select>
        }
    };
    view! {
        <div class="actions-row diff-pickers">
            {picker(Side::A, r.a_idx)}
            {picker(Side::B, r.b_idx)}
            <label for="adjudicate-doc">"Document"</label>
            <select id="adjudicate-doc" prop:value=move || r.doc_index.get().to_string()
                on:change=move |ev| r.doc_index.set(event_target_value(&ev).parse().unwrap_or(0))>
                {move || r.pairs.get().iter().enumerate().map(|(i, (d, _))| view! { <option value=i.to_string()>{d.meta.title.clone()}</option> }).collect_view()}
            </select>
        </div>
        <p class="muted">{move || if r.a_idx.get() == r.b_idx.get() {
            "Pick two different annotators to compare.".to_owned()
        } else {
            format!("{} (A) and {} (B) share {}.", r.name(Side::A), r.name(Side::B), count(r.pairs.with(Vec::len), "document"))
        }}</p>
    }
}

/// Stepping through the disagreements, and the choice for the current one.
#[component]
fn DiffToolbar(r: Review) -> impl IntoView {
    view! {
        <div class="diff-toolbar" role="group" aria-label="Current disagreement">
            <button type="button" aria-keyshortcuts="p k" on:click=move |_| r.go(false)>"Previous"</button>
            <button type="button" aria-keyshortcuts="n j" on:click=move |_| r.go(true)>"Next"</button>
            <button type="button" aria-keyshortcuts="u" on:click=move |_| r.go_unreviewed()>"Next unreviewed"</button>
            <p class="diff-status" tabindex="-1" aria-live="polite">{move || r.status()}</p>
            <Show when=move || r.current.get().is_some()>
                <div class="diff-choices" role="group" aria-label="Choice for this disagreement">
                    <button type="button" aria-keyshortcuts="a" disabled=move || !r.has_side(Side::A)
                        aria-pressed=r.pressed(|c| *c == Choice::TakeA) on:click=move |_| r.choose(Choice::TakeA)>"Take A"</button>
                    <button type="button" aria-keyshortcuts="b" disabled=move || !r.has_side(Side::B)
                        aria-pressed=r.pressed(|c| *c == Choice::TakeB) on:click=move |_| r.choose(Choice::TakeB)>"Take B"</button>
                    <button type="button" aria-keyshortcuts="h"
                        aria-pressed=r.pressed(|c| *c == Choice::TakeBoth) on:click=move |_| r.choose(Choice::TakeBoth)>"Take both"</button>
                    <button type="button" aria-keyshortcuts="x"
                        aria-pressed=r.pressed(|c| *c == Choice::TakeNeither) on:click=move |_| r.choose(Choice::TakeNeither)>"Take neither"</button>
                    <button type="button" aria-keyshortcuts="e"
                        aria-pressed=r.pressed(|c| matches!(c, Choice::Edit(_))) on:click=move |_| r.open_edit()>"Edit…"</button>
                </div>
            </Show>
        </div>
    }
}

/// The form that edits the current disagreement's annotation: its type and span.
#[component]
fn EditPanel(r: Review) -> impl IntoView {
    let f = r.form;
    let on_enter = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" {
            r.apply_edit();
        }
    };
    view! {
        <div class="diff-edit" role="group" aria-label="Edit the annotation">
            <span role="radiogroup" aria-label="Start from">
                {[Side::A, Side::B].into_iter().map(|s| view! {
                    <label class="choice"><input type="radio" name="diff-edit-from"
                        disabled=move || !r.has_side(s)
                        prop:checked=move || f.from.get() == s
                        on:change=move |_| r.fill_edit(s)/>{format!("Start from {}", s.letter())}</label>
                }).collect_view()}
            </span>
            <label for="diff-edit-type">"Type"</label>
            <input id="diff-edit-type" type="text" prop:value=move || f.kind.get()
                on:input=move |ev| f.kind.set(event_target_value(&ev))
                on:keydown=on_enter/>
            <Show when=move || r.cur_item().is_some_and(|(_, it)| it.layer != Layer::Relation)>
                <label for="diff-edit-start">"Start"</label>
                <input id="diff-edit-start" type="number" min="0" prop:value=move || f.start.get()
                    on:input=move |ev| f.start.set(event_target_value(&ev))
                    on:keydown=on_enter/>
                <label for="diff-edit-end">"End"</label>
                <input id="diff-edit-end" type="number" min="0" prop:value=move || f.end.get()
                    on:input=move |ev| f.end.set(event_target_value(&ev))
                    on:keydown=on_enter/>
                <button type="button" on:click=move |_| match selected_span() {
                    Some(s) => {
                        f.set_span(s);
                        f.error.set(None);
                    }
                    None => f.error.set(Some("Select the new span in the diff's text first, then press Use selected text.".into())),
                }>"Use selected text"</button>
                <span class="muted">{move || match r.edit_preview() {
                    Some(t) => format!("covers “{t}”"),
                    None => "outside the text".to_owned(),
                }}</span>
            </Show>
            <button type="button" class="primary" on:click=move |_| r.apply_edit()>"Apply edit"</button>
            <button type="button" on:click=move |_| { r.editing.set(false); focus_current(); }>"Cancel edit"</button>
            {move || f.error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </div>
    }
}

/// The document's text with both annotators' marks: side by side, or interleaved.
#[component]
fn DiffText(r: Review) -> impl IntoView {
    view! {
        <div class="diff-text" class:interleaved=move || r.interleaved.get()>
            {move || if r.interleaved.get() {
                view! {
                    <section class="diff-col" aria-label=move || format!("A ({}) and B ({}) interleaved", r.name(Side::A), r.name(Side::B))>
                        <h4>{move || format!("A: {} · B: {}", r.name(Side::A), r.name(Side::B))}</h4>
                        <p>{move || r.text_view(&[Side::A, Side::B])}</p>
                    </section>
                }.into_any()
            } else {
                view! {
                    <section class="diff-col" aria-label=move || format!("A: {}", r.name(Side::A))>
                        <h4>{move || format!("A: {}", r.name(Side::A))}</h4>
                        <p>{move || r.text_view(&[Side::A])}</p>
                    </section>
                    <section class="diff-col" aria-label=move || format!("B: {}", r.name(Side::B))>
                        <h4>{move || format!("B: {}", r.name(Side::B))}</h4>
                        <p>{move || r.text_view(&[Side::B])}</p>
                    </section>
                }.into_any()
            }}
        </div>
    }
}

/// The disagreements of the document, each described by its text on both sides, marked
/// "not reviewed" until a choice is made, with its choice and an edit button.
#[component]
fn DisagreementList(
    current_doc: Memo<Option<(Document, Annotations)>>,
    items: Memo<Vec<DiffItem>>,
    dis: Memo<Vec<usize>>,
    choices: RwSignal<Vec<Option<Choice>>>,
    current: RwSignal<Option<usize>>,
    on_edit: Callback<usize>,
) -> impl IntoView {
    view! {
            <ol class="diff-list" aria-label="Disagreements">
                {move || {
                    let Some((doc, b)) = current_doc.get() else { return Vec::new() };
                    let its = items.get();
                    dis.get().into_iter().enumerate().map(|(pos, i)| {
                        let it: DiffItem = its[i].clone();
                        let name = format!("choice-{pos}");
                        let said_a = describe(&doc.annotations, it.layer, it.a.as_deref());
                        let said_b = describe(&b, it.layer, it.b.as_deref());
                        let label = format!("{}: A {said_a} · B {said_b}", it.kind.label());
                        let class = format!("diff {}", it.kind.label().replace(' ', "-"));
                        let open = move || choices.with(|cs| cs.get(pos).is_some_and(Option::is_none));
                        view! {
                            <li class=class class:current=move || current.get() == Some(pos) class:unreviewed=open>
                                <span class="diff-kind">{it.kind.label()}</span>
                                <span class="diff-review">{move || if open() { "not reviewed" } else { "reviewed" }}</span>
                                <span class="diff-a">{format!("A: {said_a}")}</span>
                                <span class="diff-b">{format!("B: {said_b}")}</span>
                                <span role="radiogroup" aria-label=label>
                                    {[(Choice::TakeA, "Take A"), (Choice::TakeB, "Take B"), (Choice::TakeBoth, "Both"), (Choice::TakeNeither, "Neither")]
                                        .into_iter().map(|(c, text)| { let name = name.clone(); let set = c.clone(); view! {
                                        <label class="choice"><input type="radio" name=name
                                            prop:checked=move || choices.with(|cs| cs.get(pos).and_then(Option::as_ref) == Some(&c))
                                            on:change=move |_| choices.update(|cs| if let Some(x) = cs.get_mut(pos) { *x = Some(set.clone()) })/>{text}</label>
                                    }}).collect_view()}
                                    <button type="button" class="link" on:click=move |_| on_edit.run(pos)>
                                        {move || choices.with(|cs| match cs.get(pos).and_then(Option::as_ref) {
                                            Some(c @ Choice::Edit(_)) => choice_label(Some(c)),
                                            _ => "Edit…".to_owned(),
                                        })}
                                    </button>
                                </span>
                            </li>
                        }
                    }).collect::<Vec<_>>()
                }}
            </ol>
    }
}

/// What the choices lose, how many are reviewed, the question asked before defaulting the
/// unreviewed ones, and the save and download buttons.
#[component]
fn SaveBar(
    losses: Memo<Vec<String>>,
    choices: RwSignal<Vec<Option<Choice>>>,
    asking: RwSignal<Option<Action>>,
    on_review: Callback<()>,
    on_run: Callback<(Action, Choice)>,
    on_request: Callback<Action>,
) -> impl IntoView {
    let reviewed_line = move || {
        let (open, total) = choices.with(|c| (unreviewed(c).len(), c.len()));
        format!(
            "{} of {total} disagreements reviewed; {open} not yet (u goes to the next).",
            total - open
        )
    };
    view! {
            <Show when=move || losses.with(|l| !l.is_empty())>
                <section class="diff-losses" aria-labelledby="diff-losses-heading">
                    <h4 id="diff-losses-heading">"What the curated document loses with these choices"</h4>
                    <ul>{move || losses.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </section>
            </Show>
            <p class="muted diff-reviewed">{reviewed_line}</p>
            {move || asking.get().map(|action| {
                let open = choices.with(|c| unreviewed(c).len());
                let total = choices.with(Vec::len);
                let verb = match action { Action::Save => "save", Action::Download => "download" };
                view! {
                    <div id="diff-ask" class="diff-ask" role="alertdialog" tabindex="-1" aria-labelledby="diff-ask-text">
                        <p id="diff-ask-text">{format!(
                            "{open} of {total} disagreements {} not reviewed yet. Review {}, or {verb} with a choice for {}:",
                            if open == 1 { "is" } else { "are" },
                            if open == 1 { "it" } else { "them" },
                            if open == 1 { "it" } else { "them" },
                        )}</p>
                        <div class="actions-row">
                            <button type="button" class="primary" on:click=move |_| on_review.run(())>"Review the next unreviewed"</button>
                            <button type="button" on:click=move |_| on_run.run((action, Choice::TakeA))>{format!("Take A for them and {verb}")}</button>
                            <button type="button" on:click=move |_| on_run.run((action, Choice::TakeNeither))>{format!("Take neither for them and {verb}")}</button>
                            <button type="button" on:click=move |_| asking.set(None)>"Cancel"</button>
                        </div>
                    </div>
                }
            })}
            <div class="actions-row">
                <button type="button" class="primary" on:click=move |_| on_request.run(Action::Save)>"Save to curated set"</button>
                <button type="button" on:click=move |_| on_request.run(Action::Download)>"Download curated file"</button>
            </div>
    }
}

/// The curated set kept in this browser: its documents, and its export in every format.
#[component]
pub fn CuratedSet(curated: RwSignal<Vec<Document>>) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let format = RwSignal::new(Format::Loupe);
    let export = move |_| {
        let set = curated.get_untracked();
        let f = format.get_untracked();
        let schema = ws.schema_now();
        let mut out = format::export(f, &set, &schema);
        if f == Format::Loupe {
            // The generic loupe/1 export names no annotator; the curated set is one.
            out.files = vec![OutFile {
                name: "curated.json".into(),
                bytes: loupe::to_json_with_schema(&set, CURATED, &schema).into_bytes(),
            }];
        }
        let file = match archive::single_or_zip(&out.files, &format!("curated.{}.zip", f.name())) {
            Ok(file) => file,
            Err(e) => {
                ws.alerts
                    .error(format!("The curated set could not be exported: {e}"));
                return;
            }
        };
        let name = file.name.replacen("corpus", "curated", 1);
        if let Err(e) = download_bytes(&name, mime(&name), &file.bytes) {
            ws.alerts.error(format!("The download failed: {e:?}"));
            return;
        }
        let lost = out.report.lines();
        if !lost.is_empty() {
            ws.alerts
                .info(format!("Exported {name}; {}.", lost.join("; ")));
        }
    };
    view! {
        <section class="curated" aria-labelledby="curated-heading">
            <h3 id="curated-heading">"Curated set"</h3>
            <p class="muted">{move || match curated.with(Vec::len) {
                0 => "Nothing adjudicated yet. Saved documents are kept in this browser as the work of annotator “curated”.".to_owned(),
                n => format!("{n} adjudicated documents, kept in this browser as the work of annotator “curated”."),
            }}</p>
            <ul aria-label="Curated documents">
                {move || curated.get().into_iter().map(|d| view! {
                    <li>{format!("{} — {}", d.meta.title, count(d.annotations.count(), "annotation"))}</li>
                }).collect_view()}
            </ul>
            <Show when=move || curated.with(|c| !c.is_empty())>
                <div class="actions-row">
                    <label for="curated-format">"Format"</label>
                    <select id="curated-format" on:change=move |ev| {
                        if let Some(f) = Format::from_name(&event_target_value(&ev)) { format.set(f) }
                    }>
                        {Format::ALL.into_iter().map(|f| view! { <option value=f.name()>{f.name()}</option> }).collect_view()}
                    </select>
                    <button type="button" on:click=export>"Export curated set"</button>
                </div>
            </Show>
        </section>
    }
}
