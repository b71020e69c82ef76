//! Global keyboard shortcuts. Every action has a key; `?` lists them (see
//! [`super::inspector::SHORTCUTS`]).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::annotate::{Interaction, Mode};
use super::state::Workspace;
use crate::browser::selection::clear_selection;

/// Keys typed into a form field belong to the field, not to Loupe.
fn typing_in_a_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.closest("[contenteditable]").ok().flatten().is_some()
        })
}

/// Whether the key went to the article text (the article element has the focus).
fn in_article(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.closest(".article").ok().flatten().is_some())
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

pub fn install_hotkeys(ws: Workspace, ia: Interaction) {
    let display = expect_context::<super::display::Display>();
    let handle = window_event_listener(ev::keydown, move |e| {
        // A control that handled the key itself (the corpus hit list's arrows) keeps it.
        if e.default_prevented() || typing_in_a_field(&e) {
            return;
        }
        // The link type picker, while open, takes digits, arrows and Enter.
        if super::inspector::picker_key(ws, ia, &e) {
            e.prevent_default();
            return;
        }
        let key = e.key();
        let ctrl = e.ctrl_key() || e.meta_key();
        if ctrl && key.eq_ignore_ascii_case("z") {
            e.prevent_default();
            if e.shift_key() {
                ws.redo_any(ia)
            } else {
                ws.undo_any(ia)
            }
            return;
        }
        if ctrl && key.eq_ignore_ascii_case("y") {
            e.prevent_default();
            ws.redo_any(ia);
            return;
        }
        if ctrl && e.shift_key() && key.eq_ignore_ascii_case("f") {
            e.prevent_default();
            focus("#all-search");
            return;
        }
        // Tab walks the annotations only while the focus is in the article; everywhere
        // else it moves between controls as usual, and past the last annotation it leaves
        // the article, so the keyboard is never trapped.
        if key == "Tab"
            && !ctrl
            && !e.alt_key()
            && in_article(&e)
            && ws.step_annotation_within(!e.shift_key())
        {
            e.prevent_default();
            return;
        }
        if ctrl || e.alt_key() {
            return;
        }
        let handled = match key.as_str() {
            "Delete" | "Backspace" if ws.selected.get_untracked().is_some() => {
                ws.delete_annotation();
                true
            }
            "Escape" => {
                // Esc first cancels what is in progress (a slot, a relation, a preview,
                // the help), and only then the selection.
                let busy = ia.armed.get_untracked().is_some()
                    || ia.mode.get_untracked() != Mode::Normal
                    || ia.tag_all.get_untracked().is_some()
                    || ia.help.get_untracked();
                if busy {
                    ia.cancel();
                } else {
                    ws.pending.set(None);
                    ws.selected.set(None);
                    clear_selection();
                }
                true
            }
            "?" => {
                ia.help.update(|h| *h = !*h);
                true
            }
            "ArrowRight" | "ArrowLeft" => {
                let forward = key == "ArrowRight";
                if e.shift_key() || ws.pending.get_untracked().is_some() {
                    ws.move_pending(forward, e.shift_key());
                } else {
                    ws.step_annotation(forward);
                }
                true
            }
            "ArrowDown" | "ArrowUp" if ws.pending.get_untracked().is_none() => {
                ws.step_annotation(key == "ArrowDown");
                true
            }
            "Enter" => match (ia.tag_all.get_untracked(), ws.selected.get_untracked()) {
                (Some(_), _) => {
                    ws.confirm_tag_all(ia);
                    true
                }
                // With a slot armed or a relation half made, Enter picks the annotation
                // the arrow keys moved to.
                (None, Some(id))
                    if ia.armed.get_untracked().is_some()
                        || ia.mode.get_untracked() != Mode::Normal =>
                {
                    ws.choose(ia, id);
                    true
                }
                _ => false,
            },
            "e" | "E" => {
                focus("#type-filter");
                true
            }
            "/" => {
                focus("#doc-search");
                true
            }
            "h" | "H" => {
                display.toggle_arcs();
                true
            }
            "[" => {
                ia.hide_corpus.update(|h| *h = !*h);
                true
            }
            "]" => {
                ia.hide_inspector.update(|h| *h = !*h);
                true
            }
            "r" | "R" => match ws.selected.get_untracked() {
                Some(id) => {
                    ia.mode.set(Mode::RelationTo(id));
                    true
                }
                None => false,
            },
            "s" | "S" => match ws.selected.get_untracked() {
                Some(id) => {
                    ia.mode.set(Mode::SameEntityAs(id));
                    true
                }
                None => false,
            },
            "a" | "A" if ia.tag_all.get_untracked().is_some() => {
                ws.toggle_tag_all_scope(ia);
                true
            }
            "a" | "A" if ws.selected.get_untracked().is_some() => {
                ws.preview_tag_all(ia, false);
                true
            }
            "d" | "D" => {
                focus("#annotation-actions button, #annotation-actions select");
                true
            }
            k if k.len() == 1 && k.chars().all(|c| c.is_ascii_digit() && c != '0') => {
                // With a slot armed, a digit picks the mention showing that number;
                // otherwise digits arm the selected event's slots, in schema order.
                let n = k.parse::<usize>().unwrap_or(1) - 1;
                match ia.armed.get_untracked() {
                    Some((event, _)) => match ws.candidates(&event).get(n) {
                        Some(id) => {
                            ws.fill_armed(ia, id);
                            true
                        }
                        None => false,
                    },
                    None => arm_slot(ws, ia, n),
                }
            }
            _ => {
                let mut chars = key.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        let kind = ws
                            .schema
                            .with_value(|s| s.entity_type_for_key(c).map(|t| t.name.clone()));
                        match (kind, ws.pending.get_untracked().is_some()) {
                            (Some(kind), true) => {
                                ws.apply_type(ia, &kind);
                                true
                            }
                            _ => false,
                        }
                    }
                    _ => false,
                }
            }
        };
        if handled {
            e.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

fn arm_slot(ws: Workspace, ia: Interaction, index: usize) -> bool {
    let Some(event) = ws.selected.get_untracked() else {
        return false;
    };
    let kind = ws
        .annotations()
        .events
        .iter()
        .find(|e| e.id == event)
        .map(|e| e.kind.clone());
    let role = kind.and_then(|k| {
        ws.schema.with_value(|s| {
            s.event_type(&k)
                .and_then(|t| t.roles.get(index))
                .map(|r| r.name.clone())
        })
    });
    match role {
        Some(role) => {
            ia.armed.set(Some((event, role)));
            true
        }
        None => false,
    }
}
