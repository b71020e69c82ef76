//! Global keyboard shortcuts: type hotkeys, delete, undo and redo, escape.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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

pub fn install_hotkeys(ws: Workspace) {
    let handle = window_event_listener(ev::keydown, move |e| {
        if typing_in_a_field(&e) {
            return;
        }
        let key = e.key();
        let ctrl = e.ctrl_key() || e.meta_key();
        if ctrl && key.eq_ignore_ascii_case("z") {
            e.prevent_default();
            if e.shift_key() {
                ws.redo()
            } else {
                ws.undo()
            }
            return;
        }
        if ctrl && key.eq_ignore_ascii_case("y") {
            e.prevent_default();
            ws.redo();
            return;
        }
        if ctrl || e.alt_key() {
            return;
        }
        match key.as_str() {
            "Delete" | "Backspace" => {
                if ws.selected.get_untracked().is_some() {
                    e.prevent_default();
                    ws.delete_selected();
                }
            }
            "Escape" => {
                ws.pending.set(None);
                ws.selected.set(None);
                clear_selection();
            }
            _ => {
                let mut chars = key.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    let kind = ws
                        .schema
                        .with_value(|s| s.entity_type_for_key(c).map(|t| t.name.clone()));
                    if let (Some(kind), true) = (kind, ws.pending.get_untracked().is_some()) {
                        e.prevent_default();
                        ws.tag(&kind);
                    }
                }
            }
        }
    });
    on_cleanup(move || handle.remove());
}
