//! The one table of keyboard commands: key, modifiers and the context they apply in. The
//! UI dispatches every global key through [`crate::core::keymap::resolve`], and the `?`
//! help is generated from this table, so the help cannot drift from the keys. It depends
//! on nothing, so the schema can ask which keys are taken ([`is_command_key`]).

/// A key as the browser names it (`KeyboardEvent.key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A letter, either case.
    Letter(char),
    /// A symbol typed as it is (`?`, `/`, `[`), whatever Shift it takes.
    Symbol(char),
    /// Any of the digits 1 to 9; the command gets which (0-based).
    Digit,
    /// A named key: `Enter`, `Escape`, `ArrowRight`...
    Named(&'static str),
}

impl Key {
    /// How the help writes it.
    pub fn label(self) -> String {
        match self {
            Key::Letter(c) => c.to_ascii_uppercase().to_string(),
            Key::Symbol(c) => c.to_string(),
            Key::Digit => "1–9".into(),
            Key::Named(name) => match name {
                "ArrowRight" => "→",
                "ArrowLeft" => "←",
                "ArrowDown" => "↓",
                "ArrowUp" => "↑",
                "Escape" => "Esc",
                other => other,
            }
            .into(),
        }
    }
}

/// The modifiers a binding needs. Ctrl stands for Cmd on a Mac as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mods {
    pub ctrl: bool,
    pub alt: bool,
    /// `None`: with or without Shift.
    pub shift: Option<bool>,
}

const PLAIN: Mods = Mods {
    ctrl: false,
    alt: false,
    shift: None,
};
const SHIFT: Mods = Mods {
    ctrl: false,
    alt: false,
    shift: Some(true),
};
const NO_SHIFT: Mods = Mods {
    ctrl: false,
    alt: false,
    shift: Some(false),
};
const CTRL: Mods = Mods {
    ctrl: true,
    alt: false,
    shift: Some(false),
};
const CTRL_SHIFT: Mods = Mods {
    ctrl: true,
    alt: false,
    shift: Some(true),
};
const ALT: Mods = Mods {
    ctrl: false,
    alt: true,
    shift: None,
};

/// What must hold for a binding to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// The focus is in the article text.
    InArticle,
    /// An annotation is selected.
    Selected,
    /// A text selection waits for a type.
    Pending,
    NoPending,
    /// An argument slot is armed.
    Armed,
    /// A slot is armed or a relation or same-entity link is half made.
    Picking,
    /// The tag-all preview is open.
    TagAllOpen,
    /// Something is in progress that Esc cancels (picking, a preview, the help).
    Busy,
    /// The welcome screen is shown while the corpus has documents.
    WelcomeOverDocuments,
    /// The picker of a link's type (an argument role or a relation type) is open.
    TypePicker,
    /// The focus is in the Backups panel.
    InBackups,
    /// Autosave to a file waits for the user to grant it again (after a reload or an error).
    AutosaveResumable,
    /// A suggestion is focused (stepped to): its keys accept or reject it.
    Suggestion,
}

/// The state a key is pressed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// The key went to a form field: it belongs to the field.
    pub typing: bool,
    pub in_article: bool,
    pub selected: bool,
    pub pending: bool,
    pub armed: bool,
    /// A relation or same-entity link is half made.
    pub linking: bool,
    pub tag_all: bool,
    /// The picker of a link's type is open.
    pub type_picker: bool,
    pub help: bool,
    pub welcome: bool,
    pub has_documents: bool,
    /// The focus is in the Backups panel.
    pub in_backups: bool,
    pub autosave_resumable: bool,
    /// A suggestion is focused.
    pub suggestion: bool,
}

impl Context {
    pub fn holds(&self, when: When) -> bool {
        match when {
            When::Always => true,
            When::InArticle => self.in_article,
            When::Selected => self.selected,
            When::Pending => self.pending,
            When::NoPending => !self.pending,
            When::Armed => self.armed,
            When::Picking => self.armed || self.linking,
            When::TagAllOpen => self.tag_all,
            When::Busy => self.armed || self.linking || self.tag_all || self.help,
            When::WelcomeOverDocuments => self.welcome && self.has_documents,
            When::TypePicker => self.type_picker,
            When::InBackups => self.in_backups,
            When::AutosaveResumable => self.autosave_resumable,
            When::Suggestion => self.suggestion,
        }
    }
}

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Undo,
    Redo,
    FocusCorpusSearch,
    /// Tab's step through the annotations: no wrapping, so the focus can leave.
    StepWithin {
        forward: bool,
    },
    DeleteAnnotation,
    Cancel,
    ClearSelection,
    BackToDocuments,
    ToggleHelp,
    ExtendSelection {
        forward: bool,
    },
    MoveSelection {
        forward: bool,
    },
    StepAnnotation {
        forward: bool,
    },
    ConfirmTagAll,
    Choose,
    FocusTypeFilter,
    FocusDocSearch,
    ToggleCorpus,
    ToggleInspector,
    StartRelation,
    StartSameEntity,
    ToggleTagAllScope,
    PreviewTagAll,
    FocusInspector,
    /// Fill the armed slot with the candidate showing this number (0-based).
    FillCandidate(usize),
    /// Arm the selected event's slot of this position (0-based).
    ArmSlot(usize),
    NextDocument,
    PreviousDocument,
    /// Show or hide the arcs above the text.
    ToggleArcs,
    /// In the link type picker: pick the option showing this number (0-based).
    PickLinkType(usize),
    /// In the link type picker: move the focus to the next or previous option.
    PickerStep {
        forward: bool,
    },
    /// In the link type picker: pick the focused option (the first unless moved).
    PickerConfirm,
    /// Open or close the Backups panel.
    ToggleBackups,
    /// Grant autosave to the remembered file again and go on writing to it.
    ResumeAutosave,
    /// In the Backups panel: move the focus to the next (older) or previous snapshot.
    PickBackup {
        forward: bool,
    },
    /// In the Backups panel: ask to restore the focused snapshot (the newest if none is).
    RestoreBackup,
    /// In the Backups panel: take a snapshot now.
    BackUpNow,
    /// In the Backups panel: choose a file (or a folder) to autosave to.
    AutosaveTo {
        folder: bool,
    },
    /// In the Backups panel: turn autosave off and forget the file.
    AutosaveOff,
    /// Focus the next or previous suggestion, in text order.
    StepSuggestion {
        forward: bool,
    },
    /// Accept the focused suggestion: it becomes an annotation (one undo step).
    AcceptSuggestion,
    /// Reject the focused suggestion: it is not proposed again for that span and type.
    RejectSuggestion,
    /// Open the suggestions menu: accept all of a type, or all above a score.
    SuggestionsMenu,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub key: Key,
    pub mods: Mods,
    pub when: &'static [When],
    pub command: Command,
    /// The help's description; bindings with the same description share a help row.
    pub help: &'static str,
}

const fn bind(
    key: Key,
    mods: Mods,
    when: &'static [When],
    command: Command,
    help: &'static str,
) -> Binding {
    Binding {
        key,
        mods,
        when,
        command,
        help,
    }
}

use Command as C;
use Key::{Digit, Letter, Named, Symbol};
use When as W;

const UNDO: &str = "undo (a tag-all across the corpus as one step, until your next edit)";
const REDO: &str = "redo";
const STEP: &str = "next / previous annotation, in text order";
const STEP_WITHIN: &str =
    "with focus in the article: next / previous annotation (past the last one, Tab leaves the article)";
const EXTEND: &str = "select by keyboard: start a text selection at the word after the selected annotation (or the first word), then grow or shrink it by a word";
const MOVE: &str = "with an annotation selected (or nothing): next / previous annotation. With text selected but not yet tagged: move that selection to the next / previous word";
const DIGITS: &str = "with an event selected: arm its 1st–9th argument slot; with a slot armed: fill it with the mention showing that number. A filled slot disarms, so the next digit arms the next slot";
const ENTER: &str = "confirm tag-all, or fill the armed slot / finish a relation or same-entity link with the annotation the arrows chose";
const TAG_ALL: &str = "annotate all other occurrences of the selected mention: preview in this document; A again switches to the whole corpus (count per document); Enter tags, as one undo step";
const ESC: &str = "cancel whatever is in progress (a slot, a link, a preview, the help, a menu or a panel), then the selection; on the welcome screen, back to the documents";
const PICKER: &str = "in the picker of a link's type (after a drag, or R): 1–9 pick a role or relation type; the arrows (and Tab) move between them; Enter picks the focused one; Esc cancels";
const PICK_BACKUP: &str =
    "in the Backups panel: pick the next (older) / previous backup in the list";
const AUTOSAVE_TO: &str =
    "in the Backups panel: autosave to a file (A) or a folder (Shift+A) that you choose (Chromium)";
const SUGGEST_STEP: &str = "focus the next / previous suggestion (dashed outline), in text order; its source and score show in the inspector";
const ACCEPT: &str = "with a suggestion focused: accept it (it becomes an annotation; Ctrl+Z takes it back); a click on a suggestion accepts it too";
const REJECT: &str = "with a suggestion focused: reject it, so it is not proposed again for that span and type; a double click rejects too";
const DOCS: &str = "open the next / previous document in the list (also from the welcome screen)";

/// Every global key, in order of precedence: the first row that matches wins.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind(Letter('z'), CTRL, &[], C::Undo, UNDO),
    bind(Letter('z'), CTRL_SHIFT, &[], C::Redo, REDO),
    bind(Letter('y'), CTRL, &[], C::Redo, REDO),
    bind(Letter('f'), CTRL_SHIFT, &[], C::FocusCorpusSearch, "search every document; ↓/↑ pick a hit, Enter opens the document at it"),
    bind(Named("ArrowDown"), PLAIN, &[W::InBackups], C::PickBackup { forward: true }, PICK_BACKUP),
    bind(Named("ArrowUp"), PLAIN, &[W::InBackups], C::PickBackup { forward: false }, PICK_BACKUP),
    bind(Letter('r'), PLAIN, &[W::InBackups], C::RestoreBackup, "in the Backups panel: restore the picked backup (asks first; the newest when none is picked)"),
    bind(Letter('s'), PLAIN, &[W::InBackups], C::BackUpNow, "in the Backups panel: back up now"),
    bind(Letter('a'), SHIFT, &[W::InBackups], C::AutosaveTo { folder: true }, AUTOSAVE_TO),
    bind(Letter('a'), PLAIN, &[W::InBackups], C::AutosaveTo { folder: false }, AUTOSAVE_TO),
    bind(Letter('d'), PLAIN, &[W::InBackups], C::AutosaveOff, "in the Backups panel: turn autosave off"),
    bind(Letter('b'), SHIFT, &[W::AutosaveResumable], C::ResumeAutosave, "resume autosave to the file chosen before (the browser asks again after a reload)"),
    bind(Letter('b'), PLAIN, &[], C::ToggleBackups, "open or close the Backups panel (backups, restore, autosave to a file, persistent storage)"),
    bind(Digit, PLAIN, &[W::TypePicker], C::PickLinkType(0), PICKER),
    bind(Named("ArrowDown"), PLAIN, &[W::TypePicker], C::PickerStep { forward: true }, PICKER),
    bind(Named("ArrowRight"), PLAIN, &[W::TypePicker], C::PickerStep { forward: true }, PICKER),
    bind(Named("ArrowUp"), PLAIN, &[W::TypePicker], C::PickerStep { forward: false }, PICKER),
    bind(Named("ArrowLeft"), PLAIN, &[W::TypePicker], C::PickerStep { forward: false }, PICKER),
    bind(Named("Enter"), PLAIN, &[W::TypePicker], C::PickerConfirm, PICKER),
    bind(Named("Enter"), PLAIN, &[W::Suggestion], C::AcceptSuggestion, ACCEPT),
    bind(Letter('y'), PLAIN, &[W::Suggestion], C::AcceptSuggestion, ACCEPT),
    bind(Named("Backspace"), PLAIN, &[W::Suggestion], C::RejectSuggestion, REJECT),
    bind(Letter('n'), PLAIN, &[W::Suggestion], C::RejectSuggestion, REJECT),
    bind(Symbol('.'), PLAIN, &[], C::StepSuggestion { forward: true }, SUGGEST_STEP),
    bind(Symbol(','), PLAIN, &[], C::StepSuggestion { forward: false }, SUGGEST_STEP),
    bind(Symbol('!'), PLAIN, &[], C::SuggestionsMenu, "open the suggestions menu: accept all of one type, or all scored above a threshold, as one undo step; show or hide suggestions; retrain"),
    bind(Named("ArrowDown"), ALT, &[], C::NextDocument, DOCS),
    bind(Named("ArrowUp"), ALT, &[], C::PreviousDocument, DOCS),
    bind(Named("Escape"), PLAIN, &[W::WelcomeOverDocuments], C::BackToDocuments, ESC),
    bind(Named("Tab"), NO_SHIFT, &[W::InArticle], C::StepWithin { forward: true }, STEP_WITHIN),
    bind(Named("Tab"), SHIFT, &[W::InArticle], C::StepWithin { forward: false }, STEP_WITHIN),
    bind(Named("Delete"), PLAIN, &[W::Selected], C::DeleteAnnotation, "delete the selected annotation; Ctrl+Z brings it back"),
    bind(Named("Backspace"), PLAIN, &[W::Selected], C::DeleteAnnotation, "delete the selected annotation; Ctrl+Z brings it back"),
    bind(Named("Escape"), PLAIN, &[W::Busy], C::Cancel, ESC),
    bind(Named("Escape"), PLAIN, &[], C::ClearSelection, ESC),
    bind(Symbol('?'), PLAIN, &[], C::ToggleHelp, "show or hide this list"),
    bind(Named("ArrowRight"), SHIFT, &[], C::ExtendSelection { forward: true }, EXTEND),
    bind(Named("ArrowLeft"), SHIFT, &[], C::ExtendSelection { forward: false }, EXTEND),
    bind(Named("ArrowRight"), PLAIN, &[W::Pending], C::MoveSelection { forward: true }, MOVE),
    bind(Named("ArrowLeft"), PLAIN, &[W::Pending], C::MoveSelection { forward: false }, MOVE),
    bind(Named("ArrowRight"), PLAIN, &[], C::StepAnnotation { forward: true }, MOVE),
    bind(Named("ArrowLeft"), PLAIN, &[], C::StepAnnotation { forward: false }, MOVE),
    bind(Named("ArrowDown"), PLAIN, &[W::NoPending], C::StepAnnotation { forward: true }, STEP),
    bind(Named("ArrowUp"), PLAIN, &[W::NoPending], C::StepAnnotation { forward: false }, STEP),
    bind(Named("Enter"), PLAIN, &[W::TagAllOpen], C::ConfirmTagAll, ENTER),
    bind(Named("Enter"), PLAIN, &[W::Selected, W::Picking], C::Choose, ENTER),
    bind(Letter('e'), PLAIN, &[], C::FocusTypeFilter, "filter the type palette (event types too); Enter applies the first match"),
    bind(Symbol('/'), PLAIN, &[], C::FocusDocSearch, "search this document; Enter jumps to the next match, Shift+Enter to the previous one"),
    bind(Symbol('['), PLAIN, &[], C::ToggleCorpus, "show or hide the document list"),
    bind(Symbol(']'), PLAIN, &[], C::ToggleInspector, "show or hide the inspector"),
    bind(Letter('r'), PLAIN, &[W::Selected], C::StartRelation, "link the selected annotation: choose the second one (arrows and Enter, or a click), then its role or relation type"),
    bind(Letter('s'), PLAIN, &[W::Selected], C::StartSameEntity, "same entity as…: choose the mention that refers to the same entity"),
    bind(Letter('a'), PLAIN, &[W::TagAllOpen], C::ToggleTagAllScope, TAG_ALL),
    bind(Letter('a'), PLAIN, &[W::Selected], C::PreviewTagAll, TAG_ALL),
    bind(Letter('h'), PLAIN, &[], C::ToggleArcs, "show or hide the arcs (event arguments, relations, coreference) above the text"),
    bind(Letter('d'), PLAIN, &[], C::FocusInspector, "jump to the selected annotation's controls in the inspector"),
    bind(Digit, PLAIN, &[W::Armed], C::FillCandidate(0), DIGITS),
    bind(Digit, PLAIN, &[W::Selected], C::ArmSlot(0), DIGITS),
];

/// Gestures that are not keys, for the help.
pub const POINTER_HELP: &[(&str, &str)] = &[
    (
        "Mouse drag",
        "select words (snaps to whole words); Alt+drag selects exact characters. A drag that starts on plain text (or inside one highlight) selects text",
    ),
    (
        "Drag highlight → highlight",
        "link two annotations, as in brat: from an event's trigger, pick the argument role (only the roles that take that type are offered) or a relation type; from a mention, pick the relation type",
    ),
    (
        "Shift+drag",
        "add the dragged text as another fragment of the selected mention (a discontinuous span)",
    ),
    (
        "Click",
        "select the innermost annotation there; click again for the one around it",
    ),
];

/// A key as pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPress {
    /// `KeyboardEvent.key`.
    pub key: String,
    /// Ctrl, or Cmd on a Mac.
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

impl KeyPress {
    pub fn plain(key: &str) -> Self {
        Self {
            key: key.into(),
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    /// The single character typed, if the key is one.
    pub fn char(&self) -> Option<char> {
        let mut chars = self.key.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }
}

impl Binding {
    /// Whether this binding takes `press` (its context aside). Digits give their index.
    pub fn takes(&self, press: &KeyPress) -> Option<Option<usize>> {
        let m = self.mods;
        if m.ctrl != press.ctrl || m.alt != press.alt {
            return None;
        }
        let c = press.char();
        let digit = match self.key {
            Key::Letter(l) => (c.map(|c| c.to_ascii_lowercase()) == Some(l)).then_some(None),
            // A symbol may need Shift to type, so Shift is not asked about.
            Key::Symbol(s) => return (c == Some(s)).then_some(None),
            Key::Digit => c
                .and_then(|c| c.to_digit(10))
                .filter(|d| (1..=9).contains(d))
                .map(|d| Some(d as usize - 1)),
            Key::Named(name) => (press.key == name).then_some(None),
        }?;
        if m.shift.is_some_and(|s| s != press.shift) {
            return None;
        }
        Some(digit)
    }

    /// How the help writes the key with its modifiers.
    pub fn label(&self) -> String {
        let mut s = String::new();
        if self.mods.ctrl {
            s.push_str("Ctrl+");
        }
        if self.mods.alt {
            s.push_str("Alt+");
        }
        if self.mods.shift == Some(true) {
            s.push_str("Shift+");
        }
        s.push_str(&self.key.label());
        s
    }
}

/// Resolve a key press against the table alone (the schema's type keys are not in it).
pub fn command_for(press: &KeyPress, ctx: &Context) -> Option<Command> {
    if ctx.typing {
        return None;
    }
    BINDINGS.iter().find_map(|b| {
        let digit = b.takes(press)?;
        if !b.when.iter().all(|w| ctx.holds(*w)) {
            return None;
        }
        Some(match (b.command, digit) {
            (Command::FillCandidate(_), Some(n)) => Command::FillCandidate(n),
            (Command::ArmSlot(_), Some(n)) => Command::ArmSlot(n),
            (Command::PickLinkType(_), Some(n)) => Command::PickLinkType(n),
            (c, _) => c,
        })
    })
}

/// Whether a plain key (no Ctrl or Alt) is a command key, in any context: a schema may not
/// give it to a type, or the type could never be tagged by key.
pub fn is_command_key(c: char) -> bool {
    let lower = c.to_ascii_lowercase();
    BINDINGS.iter().any(|b| {
        !b.mods.ctrl
            && !b.mods.alt
            // Y and N act only on a focused suggestion, when no type key could tag anything:
            // a schema may still give them to types (ACE 2005's VALUE is N).
            && !b.when.contains(&When::Suggestion)
            && match b.key {
                Key::Letter(l) => l == lower,
                Key::Symbol(s) => s == c,
                Key::Digit => ('1'..='9').contains(&c),
                Key::Named(_) => false,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctrl(key: &str, shift: bool) -> KeyPress {
        KeyPress {
            ctrl: true,
            shift,
            ..KeyPress::plain(key)
        }
    }

    #[test]
    fn b_opens_the_backups_whose_keys_apply_only_inside_the_panel() {
        let mut ctx = Context {
            selected: true,
            ..Context::default()
        };
        let shift_b = KeyPress {
            shift: true,
            ..KeyPress::plain("B")
        };
        assert_eq!(
            command_for(&KeyPress::plain("b"), &ctx),
            Some(Command::ToggleBackups)
        );
        assert_eq!(command_for(&shift_b, &ctx), Some(Command::ToggleBackups));
        ctx.autosave_resumable = true;
        assert_eq!(command_for(&shift_b, &ctx), Some(Command::ResumeAutosave));
        // Outside the panel, R, S and the arrows keep their meaning.
        assert_eq!(
            command_for(&KeyPress::plain("r"), &ctx),
            Some(Command::StartRelation)
        );
        assert_eq!(
            command_for(&KeyPress::plain("ArrowDown"), &ctx),
            Some(Command::StepAnnotation { forward: true })
        );
        ctx.in_backups = true;
        assert_eq!(
            command_for(&KeyPress::plain("r"), &ctx),
            Some(Command::RestoreBackup)
        );
        assert_eq!(
            command_for(&KeyPress::plain("s"), &ctx),
            Some(Command::BackUpNow)
        );
        assert_eq!(
            command_for(&KeyPress::plain("ArrowUp"), &ctx),
            Some(Command::PickBackup { forward: false })
        );
        let shift_a = KeyPress {
            shift: true,
            ..KeyPress::plain("A")
        };
        assert_eq!(
            command_for(&shift_a, &ctx),
            Some(Command::AutosaveTo { folder: true })
        );
        assert_eq!(
            command_for(&KeyPress::plain("a"), &ctx),
            Some(Command::AutosaveTo { folder: false })
        );
        assert_eq!(
            command_for(&KeyPress::plain("d"), &ctx),
            Some(Command::AutosaveOff)
        );
        assert!(is_command_key('b'), "no schema type may take B");
    }

    #[test]
    fn undo_and_redo_keys() {
        let ctx = Context::default();
        assert_eq!(command_for(&ctrl("z", false), &ctx), Some(Command::Undo));
        assert_eq!(command_for(&ctrl("Z", true), &ctx), Some(Command::Redo));
        assert_eq!(command_for(&ctrl("y", false), &ctx), Some(Command::Redo));
    }

    #[test]
    fn keys_in_a_form_field_belong_to_the_field() {
        let ctx = Context {
            typing: true,
            selected: true,
            ..Context::default()
        };
        assert_eq!(command_for(&KeyPress::plain("r"), &ctx), None);
        assert_eq!(command_for(&ctrl("z", false), &ctx), None);
    }

    #[test]
    fn the_context_picks_among_bindings_of_one_key() {
        let esc = KeyPress::plain("Escape");
        let mut ctx = Context::default();
        assert_eq!(command_for(&esc, &ctx), Some(Command::ClearSelection));
        ctx.armed = true;
        assert_eq!(command_for(&esc, &ctx), Some(Command::Cancel));
        let three = KeyPress::plain("3");
        assert_eq!(command_for(&three, &ctx), Some(Command::FillCandidate(2)));
        ctx.armed = false;
        assert_eq!(command_for(&three, &ctx), None);
        ctx.selected = true;
        assert_eq!(command_for(&three, &ctx), Some(Command::ArmSlot(2)));
        assert_eq!(command_for(&KeyPress::plain("0"), &ctx), None);
    }

    #[test]
    fn bug_2_escape_and_alt_arrows_lead_back_from_the_welcome_screen() {
        // Bug 2: with documents, Add articles showed the welcome screen and nothing led back.
        let ctx = Context {
            welcome: true,
            has_documents: true,
            ..Context::default()
        };
        assert_eq!(
            command_for(&KeyPress::plain("Escape"), &ctx),
            Some(Command::BackToDocuments)
        );
        let alt_down = KeyPress {
            alt: true,
            ..KeyPress::plain("ArrowDown")
        };
        assert_eq!(command_for(&alt_down, &ctx), Some(Command::NextDocument));
    }

    #[test]
    fn shift_arrows_extend_and_plain_arrows_move_or_step() {
        let mut ctx = Context::default();
        let right = KeyPress::plain("ArrowRight");
        let shift_right = KeyPress {
            shift: true,
            ..right.clone()
        };
        assert_eq!(
            command_for(&shift_right, &ctx),
            Some(Command::ExtendSelection { forward: true })
        );
        assert_eq!(
            command_for(&right, &ctx),
            Some(Command::StepAnnotation { forward: true })
        );
        ctx.pending = true;
        assert_eq!(
            command_for(&right, &ctx),
            Some(Command::MoveSelection { forward: true })
        );
        assert_eq!(command_for(&KeyPress::plain("ArrowDown"), &ctx), None);
    }

    #[test]
    fn h_toggles_the_arcs_and_the_link_type_picker_takes_digits_arrows_and_enter() {
        let mut ctx = Context {
            selected: true,
            linking: true,
            ..Context::default()
        };
        assert_eq!(
            command_for(&KeyPress::plain("H"), &ctx),
            Some(Command::ToggleArcs)
        );
        // Before the picker opens, Enter chooses the second annotation of the link.
        assert_eq!(
            command_for(&KeyPress::plain("Enter"), &ctx),
            Some(Command::Choose)
        );
        ctx.type_picker = true;
        assert_eq!(
            command_for(&KeyPress::plain("2"), &ctx),
            Some(Command::PickLinkType(1))
        );
        for (key, forward) in [
            ("ArrowDown", true),
            ("ArrowRight", true),
            ("ArrowUp", false),
            ("ArrowLeft", false),
        ] {
            assert_eq!(
                command_for(&KeyPress::plain(key), &ctx),
                Some(Command::PickerStep { forward }),
                "{key}"
            );
        }
        assert_eq!(
            command_for(&KeyPress::plain("Enter"), &ctx),
            Some(Command::PickerConfirm)
        );
        // Esc still cancels the link.
        assert_eq!(
            command_for(&KeyPress::plain("Escape"), &ctx),
            Some(Command::Cancel)
        );
    }

    #[test]
    fn a_focused_suggestion_takes_enter_y_n_and_backspace_before_the_selection() {
        let mut ctx = Context {
            selected: true,
            ..Context::default()
        };
        let press = |k: &str| command_for(&KeyPress::plain(k), &ctx);
        assert_eq!(press("n"), None);
        assert_eq!(press("Backspace"), Some(Command::DeleteAnnotation));
        assert_eq!(press("."), Some(Command::StepSuggestion { forward: true }));
        assert_eq!(press(","), Some(Command::StepSuggestion { forward: false }));
        assert_eq!(press("!"), Some(Command::SuggestionsMenu));
        ctx.suggestion = true;
        let press = |k: &str| command_for(&KeyPress::plain(k), &ctx);
        for (key, command) in [
            ("Enter", Command::AcceptSuggestion),
            ("y", Command::AcceptSuggestion),
            ("n", Command::RejectSuggestion),
            ("Backspace", Command::RejectSuggestion),
        ] {
            assert_eq!(press(key), Some(command), "{key}");
        }
        // N stays free for a schema's type key.
        assert!(!is_command_key('n') && !is_command_key('y'));
        assert!(is_command_key('.') && is_command_key(','));
    }

    #[test]
    fn symbols_ignore_shift_and_command_keys_are_known() {
        let question = KeyPress {
            shift: true,
            ..KeyPress::plain("?")
        };
        assert_eq!(
            command_for(&question, &Context::default()),
            Some(Command::ToggleHelp)
        );
        for c in [
            'r', 'R', 's', 'a', 'e', 'd', 'h', 'H', '?', '/', '[', ']', '1', '9',
        ] {
            assert!(is_command_key(c), "{c}");
        }
        for c in ['p', 'o', 'g', 'l', 'f', 'w', 'v', 't', 'n', '0', 'z'] {
            assert!(!is_command_key(c), "{c}");
        }
    }
}
