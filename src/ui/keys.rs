//! Global keyboard shortcuts, dispatched from the one command table
//! ([`crate::core::commands`], resolved with the schema by [`crate::core::keymap`]); `?`
//! shows the help generated from the same table.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::annotate::{Interaction, Mode};
use super::autosave::AutosaveState;
use super::backups::BackupState;
use super::display::Display;
use super::guidelines::GuidelinesView;
use super::state::{Screen, Workspace};
use super::suggest::Suggestions;
use crate::core::autosave::TargetKind;
use crate::core::commands::{Command, Context, KeyPress};
use crate::core::keymap::{resolve, Resolved};

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
    target_in(event, ".article")
}

/// Whether the key went to an element inside `selector`.
fn target_in(event: &web_sys::KeyboardEvent, selector: &str) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.closest(selector).ok().flatten().is_some())
}

/// Take the focus off the control an event went to: the keyboard goes back to Loupe's
/// keys (a type key then tags).
pub fn blur(event: &web_sys::Event) {
    if let Some(el) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.blur();
    }
}

pub fn focus(selector: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The state the key was pressed in, as the command table needs it.
fn context(ws: Workspace, ia: Interaction, panels: Panels, e: &web_sys::KeyboardEvent) -> Context {
    Context {
        typing: typing_in_a_field(e),
        in_article: in_article(e),
        selected: ws.selection.selected().with_untracked(Option::is_some),
        pending: ws.selection.pending().with_untracked(Option::is_some),
        armed: ia.armed().with_untracked(Option::is_some),
        linking: ia.mode().with_untracked(|m| *m != Mode::Normal),
        type_picker: ia
            .mode()
            .with_untracked(|m| matches!(m, Mode::RelationType(..))),
        tag_all: ia.tag_all().with_untracked(Option::is_some),
        help: ia.help().get_untracked(),
        welcome: ws.corpus.screen().get_untracked() == Screen::Welcome,
        has_documents: ws.corpus.index().with_untracked(|i| !i.is_empty()),
        in_backups: target_in(e, "#backups-panel"),
        autosave_resumable: panels.autosave.is_some_and(|a| a.can_resume()),
        suggestion: panels.suggestions.focused_index().is_some(),
    }
}

/// The panels whose actions have keys, taken from context when the keys are installed
/// (an event handler has no reactive owner to ask).
#[derive(Clone, Copy)]
struct Panels {
    backups: Option<BackupState>,
    autosave: Option<AutosaveState>,
    suggestions: Suggestions,
    guidelines: GuidelinesView,
}

pub fn install_hotkeys(ws: Workspace, ia: Interaction) {
    let display = expect_context::<Display>();
    let panels = Panels {
        backups: use_context::<BackupState>(),
        autosave: use_context::<AutosaveState>(),
        suggestions: expect_context::<Suggestions>(),
        guidelines: expect_context::<GuidelinesView>(),
    };
    let handle = window_event_listener(ev::keydown, move |e| {
        // A control that handled the key itself (the corpus hit list's arrows) keeps it.
        if e.default_prevented() {
            return;
        }
        let press = KeyPress {
            key: e.key(),
            ctrl: e.ctrl_key() || e.meta_key(),
            alt: e.alt_key(),
            shift: e.shift_key(),
        };
        ws.interact();
        let ctx = context(ws, ia, panels, &e);
        let handled = match resolve(&press, &ctx, &ws.schema_now()) {
            Some(Resolved::Tag(kind)) => {
                ia.apply_type(&kind);
                true
            }
            Some(Resolved::Command(command)) => run(ws, ia, display, panels, command),
            None => false,
        };
        if handled {
            e.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

/// Carry out a command. Returns whether it did something, so the key's default action
/// (Tab moving the focus on) is kept otherwise.
fn run(ws: Workspace, ia: Interaction, display: Display, panels: Panels, command: Command) -> bool {
    let sug = panels.suggestions;
    match command {
        Command::Undo => ws.undo(),
        Command::Redo => ws.redo(),
        Command::FocusCorpusSearch => focus("#all-search"),
        // Tab walks the annotations only while the focus is in the article, and past the
        // last annotation it leaves the article, so the keyboard is never trapped.
        Command::StepWithin { forward } => return ia.step_annotation(forward, false),
        Command::DeleteAnnotation => ia.delete_selected(),
        Command::Cancel | Command::ClearSelection => {
            if !sug.clear_focus() {
                ia.escape();
            }
        }
        Command::StepSuggestion { forward } => return sug.step(forward),
        Command::AcceptSuggestion => return sug.accept_focused(),
        Command::RejectSuggestion => return sug.reject_focused(),
        Command::SuggestionsMenu => {
            if ia.hide_inspector().get_untracked() {
                ia.toggle_inspector();
                request_animation_frame(|| {
                    super::suggest::open_menu();
                });
            } else {
                return super::suggest::open_menu();
            }
        }
        Command::BackToDocuments => ws.back_to_documents(),
        Command::ToggleHelp => ia.toggle_help(),
        Command::ToggleGuidelines => {
            ia.close_help();
            panels.guidelines.toggle();
        }
        Command::ExtendSelection { forward } => ia.move_pending(forward, true),
        Command::MoveSelection { forward } => ia.move_pending(forward, false),
        Command::StepAnnotation { forward } => {
            ia.step_annotation(forward, true);
        }
        Command::ConfirmTagAll => ia.confirm_tag_all(),
        Command::Choose => match ws.selection.selected().get_untracked() {
            Some(id) => ia.choose(id),
            None => return false,
        },
        Command::FocusTypeFilter => focus("#type-filter"),
        Command::FocusDocSearch => focus("#doc-search"),
        Command::ToggleCorpus => ia.toggle_corpus(),
        Command::ToggleInspector => ia.toggle_inspector(),
        Command::StartRelation | Command::StartSameEntity => {
            let Some(id) = ws.selection.selected().get_untracked() else {
                return false;
            };
            if command == Command::StartRelation {
                ia.start_relation(id);
            } else {
                ia.start_same_entity(id);
            }
        }
        Command::ToggleTagAllScope => ia.toggle_tag_all_scope(),
        Command::PreviewTagAll => ia.preview_tag_all(false),
        Command::FocusInspector => focus("#annotation-actions button, #annotation-actions select"),
        Command::ToggleArcs => display.toggle_arcs(),
        Command::PickLinkType(n) => super::inspector::picker_pick(n),
        Command::PickerStep { forward } => return super::inspector::picker_step(forward),
        Command::PickerConfirm => super::inspector::picker_confirm(ws, ia),
        Command::FillCandidate(n) => return ia.fill_candidate(n),
        Command::ArmSlot(n) => return ia.arm_slot(n),
        Command::ToggleBackups
        | Command::PickBackup { .. }
        | Command::RestoreBackup
        | Command::BackUpNow => {
            let Some(b) = panels.backups else {
                return false;
            };
            match command {
                Command::PickBackup { forward } => return b.pick(forward),
                Command::RestoreBackup => return b.restore_picked(),
                Command::BackUpNow => b.back_up_now(ws),
                _ => b.toggle(),
            }
        }
        Command::ResumeAutosave | Command::AutosaveTo { .. } | Command::AutosaveOff => {
            let Some(a) = panels.autosave else {
                return false;
            };
            match command {
                Command::AutosaveTo { folder: true } => return a.choose(ws, TargetKind::Folder),
                Command::AutosaveTo { folder: false } => return a.choose(ws, TargetKind::File),
                Command::AutosaveOff => return a.stop(),
                _ => a.resume(ws),
            }
        }
        Command::NextDocument | Command::PreviousDocument => {
            let delta = if command == Command::NextDocument {
                1
            } else {
                -1
            };
            // The list as the navigator shows it (filtered and sorted), else corpus order.
            let mut order = ia.shown().get_untracked();
            if order.is_empty() {
                order = ws
                    .corpus
                    .index()
                    .with_untracked(|i| i.iter().map(|m| m.id.clone()).collect());
            }
            ws.open_neighbour(&order, delta);
        }
    }
    true
}
