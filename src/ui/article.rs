//! The article text with its highlights. Each paragraph re-renders only when the pieces
//! that fall in it change, so an edit repaints one paragraph, not the article.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::annotate::Interaction;
use super::arcs::{bounding, carry_over, emphasise, paint, reindex, take_drawn, ArcsState};
use super::display::Display;
use super::state::Workspace;
use super::suggest::Suggestions;
use crate::browser::paragraphs::Paragraphs;
use crate::browser::selection::{clear_selection, select_span, selection_span};
use crate::core::arcs::has_arcs;
use crate::core::layout::{
    bucket_range, bucket_refs, bucket_spans, drawn_spans, paragraphs, paragraphs_of, same_pieces,
    Piece, PieceRef,
};
use crate::core::model::{Annotations, Id, Span};
use crate::core::render::article::{article_html, paragraph_html_suggested};
use crate::core::render::suggested::Suggested;
use crate::core::session::{Hold, RepaintHold};
use crate::core::snap::{snap_to_words, trim_span};

#[component]
pub fn Article() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    // A new schema brings new colours: the article is drawn again (a rare, whole switch).
    move || {
        ws.schema.current().track();
        ws.corpus
            .current()
            .get()
            .map(|id| view! { <ArticleText id/> })
    }
}

/// The colours of the schema's types, by type name.
type Colors = Arc<Vec<(String, String)>>;

fn schema_colors(ws: Workspace) -> Colors {
    Arc::new(ws.schema.current().with_untracked(|s| {
        s.entity_types
            .iter()
            .map(|t| (t.name.clone(), t.color.clone()))
            .chain(
                s.event_types
                    .iter()
                    .map(|t| (t.name.clone(), t.color.clone())),
            )
            .collect::<Vec<_>>()
    }))
}

/// A drag that started on a highlight: (the innermost id, every id there, x, y).
type DragStart = (String, Vec<String>, f64, f64);

/// The selection and argument marks to set, and whether to bring the selection into view.
struct Marks {
    chosen: Option<Id>,
    roles: Vec<(Id, String)>,
    numbered: Vec<Id>,
    scroll: bool,
}

/// The work waiting to be done. An edit changes the text's pieces, the marks and the
/// arcs at once, through several effects (and the suggestions' own, a tick later). The
/// writes are gathered and done once, after the effects have settled (`settle`): each
/// paragraph is written once. The reads (the scroll to the selection, the arcs'
/// measuring) wait for the frame and come before its writes, so that they share the
/// layout the frame does anyway.
#[derive(Default)]
struct Due {
    settling: bool,
    repaint: bool,
    marks: Option<Marks>,
    framed: bool,
    scroll: Option<Id>,
    arcs: bool,
}

/// The entity whose mentions are linked up: the selected mention's, or the selected entity.
fn linked_entity(ann: &Annotations, selected: Option<&str>) -> Option<String> {
    let id = selected?;
    ann.mention(id)
        .and_then(|m| m.entity.clone())
        .or_else(|| ann.entity(id).map(|e| e.id.clone()))
}

/// The open article's handles, shared by its effects and event handlers. Frames and
/// listeners can fire after the article is gone (a switch of document): every handle is
/// read with its `try_` form, so a late call does nothing.
#[derive(Clone, Copy)]
struct Painter {
    ws: Workspace,
    ia: Interaction,
    display: Display,
    article_ref: NodeRef<leptos::html::Div>,
    wrap_ref: NodeRef<leptos::html::Div>,
    paras: StoredValue<Vec<Span>>,
    drawn: StoredValue<Vec<Vec<Piece>>>,
    /// The spans revision `drawn` was bucketed at: a repaint for suggestions alone (their
    /// retraining, their focus) compares no annotation piece.
    drawn_rev: StoredValue<u64>,
    /// Each paragraph's suggestions as last drawn, and the suggestion focused then.
    suggested: StoredValue<Vec<Arc<Vec<Piece>>>>,
    sug_focus: StoredValue<Option<usize>>,
    sug: Suggestions,
    arcs: StoredValue<ArcsState, LocalStorage>,
    /// The elements marked last time, to unmark without searching the article for them.
    marked: StoredValue<Vec<web_sys::Element>, LocalStorage>,
    hover: StoredValue<Option<Id>, LocalStorage>,
    /// The writes and reads waiting (see [`Painter::settle`] and [`Painter::frame`]).
    due: StoredValue<Due, LocalStorage>,
    colors: StoredValue<Colors>,
    drag: StoredValue<Option<DragStart>, LocalStorage>,
    /// The repaint waiting for the release of a press in the article.
    press: StoredValue<RepaintHold>,
    /// The line of a drag in progress, relative to the article's wrapper.
    band: RwSignal<Option<(f64, f64, f64, f64)>>,
}

impl Painter {
    /// Where an annotation is drawn: its highlights are looked for in those paragraphs only.
    fn locate(&self, root: &web_sys::Element, id: &str) -> Vec<web_sys::Element> {
        let places = self
            .ws
            .with_open(|slot| {
                let ann = &slot.doc.annotations;
                let spans = ann
                    .mention(id)
                    .map(|m| m.fragments.as_slice())
                    .or_else(|| ann.event(id).map(|e| e.trigger.as_slice()))
                    .unwrap_or_default();
                self.paras
                    .try_with_value(|paras| paragraphs_of(paras, spans))
            })
            .flatten()
            .unwrap_or_default();
        highlights(root, &places, id)
    }

    /// After an edit, bucket the spans again, borrowed, and rewrite only the paragraphs
    /// whose pieces changed. Only an edit of this document that may have moved its spans
    /// (or a change of its suggestions) repaints it: other documents' edits bump their own
    /// revisions, and an argument or a relation changes arcs alone. A paragraph is drawn
    /// again only when its annotations, its suggestions or the focus in it changed.
    fn repaint_on_edits(self) {
        let sug = self.sug;
        Effect::new(move |_| {
            self.ws.corpus.spans_rev().track();
            sug.rev().track();
            sug.focused().track();
            sug.hidden().track();
            self.due.try_update_value(|d| d.repaint = true);
            self.ask_settle();
        });
    }

    /// Rewrite the paragraphs whose pieces changed (see `repaint_on_edits`).
    fn repaint(self) {
        let sug = self.sug;
        let Some(colors) = self.colors.try_get_value() else {
            return;
        };
        let hidden = sug.hidden().try_get_untracked().unwrap_or(false);
        let Some(root) = self.article_ref.try_get_untracked().flatten() else {
            return;
        };
        let elements = Paragraphs::of(&root);
        let focus = sug.focused_index();
        let old_focus = self.sug_focus.try_get_value().flatten();
        self.sug_focus.try_set_value(focus);
        self.ws.with_open(|slot| {
            let (doc, index) = slot.indexed();
            self.paras.try_with_value(|paras| {
                // The spans are bucketed again only when an edit may have moved them, and
                // only in the paragraphs where it did when that is known (a tag's own).
                let rev = self.ws.corpus.spans_rev().get_untracked();
                let drawn_at = self.drawn_rev.try_get_value();
                let new = (drawn_at != Some(rev)).then(|| {
                    let places = drawn_at.and_then(|at| self.ws.corpus.redrawn_since(at));
                    match places.map(|p| paragraphs_of(paras, &p)) {
                        Some(touched) => {
                            let (lo, hi) = match (touched.first(), touched.last()) {
                                (Some(&lo), Some(&hi)) => (lo, hi + 1),
                                _ => (0, 0),
                            };
                            (lo, bucket_range(paras, &doc.annotations, lo..hi))
                        }
                        None => (0, bucket_refs(paras, drawn_spans(&doc.annotations))),
                    }
                });
                // Paragraph `i`'s new pieces, where they were cut again.
                let cut = |i: usize| {
                    let (lo, buckets) = new.as_ref()?;
                    let j = i.checked_sub(*lo).filter(|j| *j < buckets.len())?;
                    Some(buckets.get(j))
                };
                // Each paragraph's suggestion pieces, `None` where they are to be built
                // (by `paragraph_pieces`, when the paragraph is drawn).
                let none: Arc<Vec<Piece>> = Arc::default();
                let new_sug: Vec<Option<Arc<Vec<Piece>>>> = if hidden {
                    vec![Some(none); paras.len()]
                } else {
                    sug.with_layer(|l| l.pieces_shared(paras))
                        .unwrap_or_else(|| vec![Some(none); paras.len()])
                };
                let focus_para = |f: Option<usize>| {
                    let span = sug.with_layer(|l| l.get(f?).map(|s| s.span())).flatten()?;
                    paragraphs_of(paras, &[span]).first().copied()
                };
                let touched = [focus_para(focus), focus_para(old_focus)];
                let title = |i: usize| {
                    sug.with_layer(|l| l.get(i).map(|s| s.summary()))
                        .flatten()
                        .unwrap_or_default()
                };
                // Suggestions alone (a prediction arriving, thousands of them) are
                // drawn a slice at a time, on-screen paragraphs first: the rest
                // follows in the next frames.
                let started = js_sys::Date::now();
                let mut deferred = false;
                let mut redrawn = false;
                self.drawn.try_update_value(|all_drawn| {
                    self.suggested.try_update_value(|suggested| {
                        let over = || js_sys::Date::now() - started > SUGGESTION_SLICE_MS;
                        // Before the first frame has looked (an article just
                        // opened), nothing is known to be on screen: finding out
                        // here would lay the whole article out once more.
                        let seen = self
                            .arcs
                            .try_with_value(ArcsState::seen)
                            .flatten()
                            .unwrap_or_default();
                        for i in suggestion_order(seen, paras.len()) {
                            let (new, drawn) = (cut(i), &mut all_drawn[i]);
                            let same = new.is_none_or(|new| same_pieces(drawn, new))
                                && !touched.contains(&Some(i));
                            let pieces = match &new_sug[i] {
                                Some(p) => p.clone(),
                                None if same && over() => {
                                    deferred = true;
                                    continue;
                                }
                                None => sug
                                    .with_layer(|l| l.paragraph_pieces(paras, i))
                                    .unwrap_or_default(),
                            };
                            if same && suggested[i] == pieces {
                                continue;
                            }
                            if same && over() {
                                deferred = true;
                                continue;
                            }
                            if let Some(new) = new {
                                *drawn = new.iter().map(PieceRef::to_piece).collect();
                            }
                            suggested[i] = pieces;
                            if let Some(el) = elements.item(i) {
                                let s = Suggested {
                                    pieces: &suggested[i][..],
                                    title: &title,
                                    focused: focus,
                                };
                                redrawn = true;
                                let html = paragraph_html_suggested(
                                    &doc.text,
                                    index,
                                    paras[i],
                                    drawn,
                                    &s,
                                    |k| color_of(&colors, k),
                                );
                                self.rewrite(&el, i, &html);
                            }
                        }
                    });
                });
                self.drawn_rev.try_set_value(rev);
                // Redrawn paragraphs are measured for their arcs again, whatever
                // redrew them (a suggestion arriving, too).
                if redrawn {
                    self.schedule_arcs();
                }
                if deferred {
                    request_animation_frame(move || {
                        self.due.try_update_value(|d| d.repaint = true);
                        self.settle();
                    });
                }
            });
        });
    }

    /// Write paragraph `i`'s new markup. Its old arcs stay until the new text is measured
    /// (see [`ArcsState::forget_after_this_frame`]).
    fn rewrite(self, el: &web_sys::Element, i: usize, html: &str) {
        let arcs = take_drawn(el);
        el.set_inner_html(html);
        match arcs {
            Some(arcs) => {
                carry_over(el, arcs);
                self.arcs.try_update_value(|a| a.forget_after_this_frame(i));
            }
            None => {
                self.arcs.try_update_value(|a| a.forget(i));
            }
        }
    }

    /// Draw the arcs of the paragraphs on screen (see super::arcs), lit for the hovered or
    /// selected annotation.
    fn arcs_frame(&self) {
        let Some(Some(root)) = self.article_ref.try_get_untracked() else {
            return;
        };
        if !self.display.arcs().try_get_untracked().unwrap_or(false) {
            self.arcs.try_update_value(|a| a.follow(&root));
            return;
        }
        let Some(selected) = self.ws.selection.selected().try_get_untracked() else {
            return;
        };
        let hot = self
            .hover
            .try_get_value()
            .flatten()
            .or_else(|| selected.clone());
        // Usually done already, in the task of the edit that changed the arcs.
        self.reindex_arcs();
        let focused = hot == selected
            && selected.as_deref().is_some_and(|id| {
                self.ws
                    .with_open(|slot| has_arcs(&slot.doc.annotations, id))
                    .unwrap_or(false)
            });
        self.arcs.try_update_value(|state| {
            state.hot = hot;
            state.focused = focused;
            let more = paint(&root, state);
            emphasise(&root, state);
            if more {
                self.schedule_arcs();
            }
        });
    }

    /// Arcs are drawn a frame after what changed them, at most once a frame.
    fn schedule_arcs(self) {
        self.due.try_update_value(|d| d.arcs = true);
        self.ask_frame();
    }

    /// Sort the arcs into paragraphs (see [`reindex`]): after an edit, in its task, so that
    /// the frame that draws them only measures and writes. The arcs are sorted again only
    /// when the arcs' revision or the linked entity changed.
    fn reindex_arcs(self) {
        if !self.display.arcs().try_get_untracked().unwrap_or(false) {
            return;
        }
        let Some(selected) = self.ws.selection.selected().try_get_untracked() else {
            return;
        };
        let version = self.ws.corpus.arcs_rev().try_get_untracked().unwrap_or(0);
        self.ws.with_open(|slot| {
            let ann = &slot.doc.annotations;
            let entity = linked_entity(ann, selected.as_deref());
            self.arcs.try_update_value(|state| {
                self.paras
                    .try_with_value(|paras| reindex(paras, ann, entity.as_deref(), version, state))
            });
        });
    }

    /// Ask for the frame that does the reads that are due, once.
    fn ask_frame(self) {
        let ask = self
            .due
            .try_update_value(|d| !std::mem::replace(&mut d.framed, true));
        if ask == Some(true) {
            request_animation_frame(move || self.frame());
        }
    }

    /// Ask, once, for the writes that are due, after the effects running now (and those
    /// they wake) have run.
    fn ask_settle(self) {
        let ask = self
            .due
            .try_update_value(|d| !std::mem::replace(&mut d.settling, true));
        if ask == Some(true) {
            leptos::task::spawn_local(async move { self.settle() });
        }
    }

    /// The writes: the paragraphs' text, then the marks on it; and the arcs' index, when
    /// a frame will draw them.
    fn settle(self) {
        let Some((repaint, marks)) = self.due.try_update_value(|d| {
            d.settling = false;
            (std::mem::take(&mut d.repaint), d.marks.take())
        }) else {
            return;
        };
        if repaint && !self.hold_repaint() {
            self.repaint();
        }
        if let Some(marks) = marks {
            self.mark(marks);
        }
        if self.due.try_with_value(|d| d.arcs) == Some(true) {
            self.reindex_arcs();
        }
    }

    /// Whether the repaint due now waits for the release of the button pressed in the
    /// article (see [`RepaintHold`]). It is then due again, and a timer stands in for a
    /// release that is never heard of.
    fn hold_repaint(self) -> bool {
        let now = js_sys::Date::now();
        let hold = self.press.try_update_value(|h| h.hold(now));
        if let Some(Hold::AtMost(ms)) = hold {
            gloo::timers::callback::Timeout::new(ms as u32 + 1, move || self.ask_settle()).forget();
        }
        let held = matches!(hold, Some(Hold::Wait | Hold::AtMost(_)));
        if held {
            self.due.try_update_value(|d| d.repaint = true);
        }
        held
    }

    /// The button pressed in the article was released (anywhere): the held repaint is
    /// done after this event's own handlers have taken the selection.
    fn released(self) {
        if self.press.try_update_value(RepaintHold::release) == Some(true) {
            gloo::timers::callback::Timeout::new(0, move || self.ask_settle()).forget();
        }
    }

    /// The frame: the scroll to the selection, then the arcs (reads, then writes).
    fn frame(self) {
        let Some((scroll, arcs)) = self.due.try_update_value(|d| {
            d.framed = false;
            (d.scroll.take(), std::mem::take(&mut d.arcs))
        }) else {
            return;
        };
        if let Some(id) = scroll {
            self.scroll_to(&id);
        }
        if arcs {
            self.arcs_frame();
        }
    }

    fn scroll_to(self, id: &str) {
        let Some(root) = self.article_ref.try_get_untracked().flatten() else {
            return;
        };
        if let Some(first) = self.locate(&root, id).into_iter().next() {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            first.scroll_into_view_with_scroll_into_view_options(&options);
        }
    }

    fn on_mousedown(&self, ev: &leptos::ev::MouseEvent) {
        // The second press of a double click on a suggestion rejects it here, before the
        // browser selects the word: that selection repaints the paragraph, and the click
        // that follows would no longer land on the suggestion.
        if ev.detail() >= 2 {
            if let Some(i) = suggestion_at(ev) {
                ev.prevent_default();
                clear_selection();
                self.ws.selection.set_pending(None);
                self.sug.click(i, true);
                return;
            }
        }
        if ev.button() == 0 {
            let now = js_sys::Date::now();
            self.press.try_update_value(|h| h.press(now));
        }
        let hit = ids_at(ev);
        self.drag.try_set_value(hit.and_then(|ids| {
            let from = ids.last()?.clone();
            Some((from, ids, ev.client_x() as f64, ev.client_y() as f64))
        }));
    }

    /// Follow the pointer: the hovered annotation's arcs light up, and a drag from a
    /// highlight draws its line.
    fn on_mousemove(&self, ev: &leptos::ev::MouseEvent) {
        let over = ids_at(ev).and_then(|ids| ids.last().cloned());
        if Some(&over) != self.hover.try_get_value().as_ref() {
            self.hover.try_set_value(over);
            self.schedule_arcs();
        }
        let Some(Some((_, _, x, y))) = self.drag.try_get_value() else {
            return;
        };
        if ev.buttons() & 1 == 0 {
            self.drag.try_set_value(None);
            self.band.try_set(None);
            return;
        }
        let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
        if (cx - x).hypot(cy - y) < 6.0 {
            return;
        }
        if let Some((l, t, _, _)) = self
            .wrap_ref
            .try_get_untracked()
            .flatten()
            .and_then(|w| bounding(&w))
        {
            self.band.try_set(Some((x - l, y - t, cx - l, cy - t)));
        }
    }

    fn on_mouseleave(&self) {
        if self.hover.try_get_value().flatten().is_some() {
            self.hover.try_set_value(None);
            self.schedule_arcs();
        }
    }

    /// The end of a drag: onto another annotation it links them, as in brat (from a
    /// trigger, an argument: a role picker follows; otherwise a relation); else it
    /// selects text. A drag that stays in one annotation, or runs into one nested in it,
    /// selects text as usual.
    fn on_mouseup(&self, ev: &leptos::ev::MouseEvent) {
        let dragged = self.drag.try_get_value().flatten();
        self.drag.try_set_value(None);
        let banded = self.band.try_get_untracked().flatten().is_some();
        self.band.try_set(None);
        if let (Some((from, from_ids, _, _)), Some(to_ids), true) = (dragged, ids_at(ev), banded) {
            let to = to_ids.last().cloned().unwrap_or_default();
            // Not into a span nested in the start, nor out to one around it.
            if !from_ids.contains(&to) && !to_ids.contains(&from) {
                clear_selection();
                self.ia.pick_link_type(from, to);
                return;
            }
        }
        self.select_text(ev);
    }

    /// Take the browser's text selection as the text waiting for a type. Alt turns
    /// snapping off; the span is still trimmed of spaces. The text is borrowed: a copy of
    /// a 1 MB article per mouseup is a waste.
    fn select_text(&self, ev: &leptos::ev::MouseEvent) {
        let Some(raw) = selection_span() else {
            return;
        };
        let ws = self.ws;
        let snapped = ws
            .with_open(|slot| {
                let text = &slot.doc.text;
                if ev.alt_key() {
                    trim_span(text, raw.start, raw.end)
                } else {
                    snap_to_words(text, raw.start, raw.end)
                }
            })
            .flatten();
        match snapped {
            // Shift+drag adds a fragment to the selected mention: a discontinuous span.
            Some((s, e)) if ev.shift_key() && self.ia.add_fragment(Span::new(s, e)) => {}
            Some((s, e)) => {
                let span = Span::new(s, e);
                ws.selection.set_pending(Some(span));
                if let Some(root) = self.article_ref.try_get_untracked().flatten() {
                    select_span(&root, span);
                }
            }
            None => ws.selection.set_pending(None),
        }
    }

    /// A click on a highlight selects its innermost mention; clicking again walks outward,
    /// so every nested span stays reachable.
    fn on_click(&self, ev: &leptos::ev::MouseEvent) {
        // A click on a suggestion (outside any annotation) accepts it; a double click
        // rejects it instead, and the word the browser selected is let go.
        if let Some(i) = suggestion_at(ev) {
            // The double click was taken at its second press (see on_mousedown).
            if ev.detail() >= 2 {
                return;
            }
            if selection_span().is_none() {
                self.sug.click(i, false);
                return;
            }
        }
        if selection_span().is_some() {
            return;
        }
        let Some(ids) = ids_at(ev) else {
            return;
        };
        let current = self.ws.selection.selected().get_untracked();
        let next = match current.and_then(|c| ids.iter().position(|i| *i == c)) {
            _ if self.ia.picking() => ids.last().cloned(),
            Some(0) => ids.last().cloned(),
            Some(pos) => ids.get(pos - 1).cloned(),
            None => ids.last().cloned(),
        };
        if let Some(next) = next {
            self.ia.choose(next);
        }
    }

    /// Selection and argument marks are set on the DOM directly, from one effect: a
    /// reactive closure per highlight would put thousands of subscribers on one signal,
    /// and Leptos unsubscribes them one by one (quadratic on a 10,000-annotation article).
    fn mark_on_changes(self, roles: Memo<Vec<(Id, String)>>) {
        let (ws, ia) = (self.ws, self.ia);
        Effect::new(move |previous: Option<Option<Id>>| {
            let selected = ws.selection.selected().get();
            let marks = roles.get();
            ws.corpus.open_rev().track();
            // While a slot is armed, the nearest mentions carry the digit that fills it.
            let numbered = ia
                .armed()
                .get()
                .and_then(|(event, _)| ws.with_core(|c| c.candidates(&event)))
                .unwrap_or_default();
            // Bring a newly selected annotation into view (Tab and the arrows select ones
            // that may be off screen); a repaint of the same selection never scrolls.
            let scroll = selected.is_some() && previous.as_ref() != Some(&selected);
            self.due.try_update_value(|d| {
                // A scroll still waiting is kept: it has not been done.
                let scroll = scroll || d.marks.as_ref().is_some_and(|m| m.scroll);
                d.marks = Some(Marks {
                    chosen: selected.clone(),
                    roles: marks,
                    numbered,
                    scroll,
                });
            });
            self.ask_settle();
            selected
        });
    }

    fn mark(self, marks: Marks) {
        // The article may be gone by the time the frame comes.
        let (Some(root), Some(old)) = (
            self.article_ref.try_get_untracked().flatten(),
            self.marked.try_get_value(),
        ) else {
            return;
        };
        let locate = |root: &web_sys::Element, id: &str| self.locate(root, id);
        let Marks {
            chosen,
            roles,
            numbered,
            scroll,
        } = marks;
        let now = mark_annotations(&root, &locate, old, chosen.as_deref(), &roles, &numbered);
        self.marked.try_set_value(now);
        // Scrolling reads the layout: it waits for the frame.
        if let (true, Some(id)) = (scroll, chosen) {
            self.due.try_update_value(|d| d.scroll = Some(id));
            self.ask_frame();
        }
    }
}

/// The roles of the selected (or armed) event's arguments, to mark them in the text.
fn argument_roles(ws: Workspace, ia: Interaction) -> Memo<Vec<(Id, String)>> {
    Memo::new(move |_| {
        ws.corpus.open_rev().track();
        let event = ia
            .armed()
            .get()
            .map(|(e, _)| e)
            .or_else(|| ws.selection.selected().get());
        let Some(event) = event else {
            return Vec::new();
        };
        ws.with_open(|slot| {
            slot.doc
                .annotations
                .event(&event)
                .map(|e| {
                    e.arguments
                        .iter()
                        .map(|a| (a.target.clone(), a.role.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default()
    })
}

#[component]
fn ArticleText(id: Id) -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let ia = expect_context::<Interaction>();
    let display = expect_context::<Display>();
    let colors = schema_colors(ws);
    // The whole article is one HTML string, parsed once: the parser builds a 1 MB article's
    // 30,000 nodes far faster than wasm creating them, or than one parse per paragraph
    // (see core::render::article::article_html). Both this and the repaint read the text
    // and its offset index where the document keeps them: neither is copied or rebuilt.
    let drawn_rev = ws.corpus.spans_rev().get_untracked();
    let (paras, drawn, initial_html) = ws
        .with_open(|slot| {
            let (doc, index) = slot.indexed();
            let paras = paragraphs(&doc.text);
            let drawn = bucket_spans(&paras, drawn_spans(&doc.annotations));
            let html = article_html(&doc.text, index, &paras, &drawn, |k| color_of(&colors, k));
            (paras, drawn, html)
        })
        .unwrap_or_default();
    let paras_len = paras.len();
    let p = Painter {
        ws,
        ia,
        display,
        article_ref: NodeRef::new(),
        wrap_ref: NodeRef::new(),
        arcs: StoredValue::new_local(ArcsState::new(paras.len())),
        paras: StoredValue::new(paras),
        suggested: StoredValue::new(vec![Arc::default(); paras_len]),
        sug_focus: StoredValue::new(None),
        sug: expect_context::<Suggestions>(),
        drawn: StoredValue::new(drawn),
        drawn_rev: StoredValue::new(drawn_rev),
        marked: StoredValue::new_local(Vec::new()),
        hover: StoredValue::new_local(None),
        due: StoredValue::new_local(Due::default()),
        colors: StoredValue::new(colors),
        drag: StoredValue::new_local(None),
        press: StoredValue::new(RepaintHold::default()),
        band: RwSignal::new(None),
    };
    p.repaint_on_edits();
    Effect::new(move |_| {
        ws.corpus.open_rev().track();
        ws.selection.selected().track();
        display.arcs().track();
        p.schedule_arcs();
        // An edit or a new selection sorts the arcs in its own task, once its effects
        // have settled (see `reindex_arcs`); a scroll or a hover has nothing to sort.
        p.ask_settle();
    });
    // Dropped with the component, which removes the listeners.
    let _follow = StoredValue::new_local(window_follow(move || p.schedule_arcs()));
    let release = window_event_listener(leptos::ev::mouseup, move |_| p.released());
    on_cleanup(move || release.remove());
    p.mark_on_changes(argument_roles(ws, ia));

    // Each paragraph's arcs are drawn inside it (see super::arcs); only the line of a
    // drag in progress is a layer of its own, a sibling of the article, whose children
    // are exactly its paragraphs.
    view! {
        <div class="article-wrap" node_ref=p.wrap_ref>
            <div class="article" node_ref=p.article_ref data-doc=id tabindex="0" role="document"
                class:arcs-on=move || display.arcs().get()
                class:wide=move || display.wide().get()
                aria-label="Article text: Tab and Shift+Tab move between annotations"
                on:mousedown=move |ev| p.on_mousedown(&ev)
                on:mousemove=move |ev| p.on_mousemove(&ev)
                on:mouseleave=move |_| p.on_mouseleave()
                on:mouseup=move |ev| p.on_mouseup(&ev)
                on:click=move |ev| p.on_click(&ev)
                inner_html=initial_html>
            </div>
            {move || p.band.get().map(|(x1, y1, x2, y2)| view! {
                <svg class="drag-arc" aria-hidden="true" focusable="false">
                    <line x1=x1 y1=y1 x2=x2 y2=y2></line>
                </svg>
            })}
        </div>
    }
}

/// Paragraphs whose suggestions alone changed are redrawn for this long per task.
const SUGGESTION_SLICE_MS: f64 = 8.0;

/// The order paragraphs are looked at for redrawing: those `seen` on screen (when the
/// arcs last looked, so that no layout is forced here) first.
fn suggestion_order(seen: std::ops::Range<usize>, n: usize) -> impl Iterator<Item = usize> {
    let seen = seen.start.min(n)..seen.end.min(n);
    seen.clone()
        .chain((0..n).filter(move |i| !seen.contains(i)))
}

/// The innermost suggestion under the pointer, where no annotation is.
fn suggestion_at(ev: &leptos::ev::MouseEvent) -> Option<usize> {
    let seg = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-sg]").ok().flatten())?;
    if seg.has_attribute("data-m") {
        return None;
    }
    seg.get_attribute("data-sg")?
        .split(' ')
        .next_back()
        .and_then(|i| i.parse().ok())
}

/// The ids covering the highlight under the pointer, outermost first.
fn ids_at(ev: &leptos::ev::MouseEvent) -> Option<Vec<String>> {
    let seg = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-m]").ok().flatten())?;
    let ids: Vec<String> = seg
        .get_attribute("data-m")?
        .split(' ')
        .map(str::to_owned)
        .collect();
    (!ids.is_empty()).then_some(ids)
}

/// Calls `schedule` on every scroll (of any pane: captured) and resize, until dropped.
fn window_follow(schedule: impl Fn() + 'static) -> Option<WindowFollow> {
    let window = web_sys::window()?;
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(schedule);
    let f = closure.as_ref().unchecked_ref();
    let _ = window.add_event_listener_with_callback_and_bool("scroll", f, true);
    let _ = window.add_event_listener_with_callback("resize", f);
    Some(WindowFollow(closure))
}

struct WindowFollow(wasm_bindgen::closure::Closure<dyn FnMut()>);

impl Drop for WindowFollow {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let f = self.0.as_ref().unchecked_ref();
            let _ = window.remove_event_listener_with_callback_and_bool("scroll", f, true);
            let _ = window.remove_event_listener_with_callback("resize", f);
        }
    }
}

/// Elements of the highlights of annotation `id` in the article's paragraphs `places`.
fn highlights(root: &web_sys::Element, places: &[usize], id: &str) -> Vec<web_sys::Element> {
    let id = id.replace('\\', "\\\\").replace('"', "\\\"");
    let selector = format!("[data-m~=\"{id}\"]");
    let paragraphs = Paragraphs::of(root);
    places
        .iter()
        .filter_map(|&i| paragraphs.item(i))
        .filter_map(|p| p.query_selector_all(&selector).ok())
        .flat_map(|list| {
            (0..list.length())
                .filter_map(move |i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        })
        .collect()
}

/// Mark the selected annotation (`.sel`) and the selected event's arguments (`.arg`, with
/// their roles in `data-role`), clearing the `old` marks first. Returns the marked elements.
/// (A repainted paragraph comes back unmarked, so `old` covers every mark there is.)
fn mark_annotations(
    root: &web_sys::Element,
    locate: &impl Fn(&web_sys::Element, &str) -> Vec<web_sys::Element>,
    old: Vec<web_sys::Element>,
    selected: Option<&str>,
    roles: &[(Id, String)],
    numbered: &[Id],
) -> Vec<web_sys::Element> {
    for el in old {
        let _ = el.class_list().remove_2("sel", "arg");
        let _ = el.remove_attribute("data-role");
        let _ = el.remove_attribute("data-num");
    }
    let mut marked = Vec::new();
    for (n, id) in numbered.iter().enumerate() {
        // On the segment with the type label, where the number joins the label.
        if let Some(last) = locate(root, id).into_iter().last() {
            let _ = last.set_attribute("data-num", &(n + 1).to_string());
            marked.push(last);
        }
    }
    if let Some(id) = selected {
        for el in locate(root, id) {
            let _ = el.class_list().add_1("sel");
            marked.push(el);
        }
    }
    for (target, role) in roles {
        for el in locate(root, target) {
            let _ = el.class_list().add_1("arg");
            let label = match el.get_attribute("data-role") {
                Some(old) if !old.split(' ').any(|r| r == role) => format!("{old} {role}"),
                Some(old) => old,
                None => role.clone(),
            };
            let _ = el.set_attribute("data-role", &label);
            marked.push(el);
        }
    }
    marked
}

/// Mentions, plus each event trigger drawn like a mention of its event type.
fn color_of<'c>(colors: &'c [(String, String)], kind: &str) -> &'c str {
    colors
        .iter()
        .find(|(n, _)| n == kind)
        .map_or("#777777", |(_, c)| c.as_str())
}
