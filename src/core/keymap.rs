//! The keymap: the command table of [`crate::core::commands`] plus the schema's type keys.
//! Key + modifiers + context + schema give at most one [`Resolved`] action, and the `?`
//! help is generated here from the same table and schema.

use crate::core::commands::{command_for, Command, Context, KeyPress, BINDINGS, POINTER_HELP};
use crate::core::schema::Schema;

/// What a key press does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Command(Command),
    /// Tag the pending selection with this type (entity or event) of the schema.
    Tag(String),
}

/// The type whose hotkey is `c`: entity types first, then event types.
pub fn type_for_key(schema: &Schema, c: char) -> Option<&str> {
    let c = c.to_ascii_lowercase();
    schema
        .entity_types
        .iter()
        .find(|t| t.hotkey.map(|k| k.to_ascii_lowercase()) == Some(c))
        .map(|t| t.name.as_str())
        .or_else(|| {
            schema
                .event_types
                .iter()
                .find(|t| t.hotkey.map(|k| k.to_ascii_lowercase()) == Some(c))
                .map(|t| t.name.as_str())
        })
}

/// What `press` does in `ctx` under `schema`. The table comes first; a type key tags only
/// while a text selection is pending.
pub fn resolve(press: &KeyPress, ctx: &Context, schema: &Schema) -> Option<Resolved> {
    if let Some(command) = command_for(press, ctx) {
        return Some(Resolved::Command(command));
    }
    if ctx.typing || press.ctrl || press.alt || !ctx.pending {
        return None;
    }
    let kind = type_for_key(schema, press.char()?)?;
    Some(Resolved::Tag(kind.to_owned()))
}

/// One row of the help: the keys, and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub what: String,
}

/// The `?` help: the pointer gestures, the schema's type keys, then every binding of the
/// table, bindings that share a description on one row.
pub fn help(schema: &Schema) -> Vec<HelpRow> {
    let mut rows: Vec<HelpRow> = POINTER_HELP
        .iter()
        .map(|(keys, what)| HelpRow {
            keys: (*keys).into(),
            what: (*what).into(),
        })
        .collect();
    let typed: Vec<(char, &str)> = schema
        .entity_types
        .iter()
        .filter_map(|t| Some((t.hotkey?, t.name.as_str())))
        .chain(
            schema
                .event_types
                .iter()
                .filter_map(|t| Some((t.hotkey?, t.name.as_str()))),
        )
        .collect();
    if !typed.is_empty() {
        let keys: Vec<String> = typed
            .iter()
            .map(|(k, _)| k.to_ascii_uppercase().to_string())
            .collect();
        let names: Vec<&str> = typed.iter().map(|(_, n)| *n).collect();
        rows.push(HelpRow {
            keys: keys.join(" "),
            what: format!("tag the selection as {}", names.join(" ")),
        });
    }
    let mut described: Vec<(&str, Vec<String>)> = Vec::new();
    for b in BINDINGS {
        let label = b.label();
        match described.iter_mut().find(|(what, _)| *what == b.help) {
            Some((_, labels)) if !labels.contains(&label) => labels.push(label),
            Some(_) => {}
            None => described.push((b.help, vec![label])),
        }
    }
    rows.extend(described.into_iter().map(|(what, labels)| HelpRow {
        keys: labels.join(" / "),
        what: what.into(),
    }));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::commands::{is_command_key, Key};

    fn pending() -> Context {
        Context {
            pending: true,
            ..Context::default()
        }
    }

    #[test]
    fn entity_type_keys_tag_a_pending_selection_only() {
        let ace = Schema::ace2005();
        assert_eq!(
            resolve(&KeyPress::plain("p"), &pending(), &ace),
            Some(Resolved::Tag("PER".into()))
        );
        assert_eq!(
            resolve(&KeyPress::plain("P"), &pending(), &ace),
            Some(Resolved::Tag("PER".into()))
        );
        assert_eq!(
            resolve(&KeyPress::plain("p"), &Context::default(), &ace),
            None
        );
    }

    #[test]
    fn event_type_hotkeys_work() {
        let mut schema = Schema::ace2005();
        let attack = schema
            .event_types
            .iter_mut()
            .find(|e| e.name == "Conflict:Attack")
            .unwrap();
        attack.hotkey = Some('k');
        assert!(schema.problems().is_empty(), "{:?}", schema.problems());
        assert_eq!(
            resolve(&KeyPress::plain("k"), &pending(), &schema),
            Some(Resolved::Tag("Conflict:Attack".into()))
        );
        assert!(help(&schema)
            .iter()
            .any(|r| r.keys.contains('K') && r.what.contains("Conflict:Attack")));
    }

    #[test]
    fn commands_win_over_nothing_and_the_table_keys_are_reserved() {
        let ace = Schema::ace2005();
        let r = resolve(&KeyPress::plain("r"), &pending(), &ace);
        assert_eq!(
            r, None,
            "r starts a relation only with an annotation selected"
        );
        for t in &ace.entity_types {
            assert!(!is_command_key(t.hotkey.unwrap()));
        }
    }

    #[test]
    fn the_help_lists_every_binding_of_the_table() {
        let rows = help(&Schema::ace2005());
        for b in BINDINGS {
            let label = b.label();
            assert!(
                rows.iter()
                    .any(|r| r.what == b.help && r.keys.split(" / ").any(|k| k == label)),
                "{label} is missing from the help"
            );
        }
        assert!(rows.iter().any(|r| r.keys == "P O G L F W V T N"));
        let undo = rows.iter().find(|r| r.keys == "Ctrl+Z").unwrap();
        assert!(undo.what.starts_with("undo"));
        let redo = rows.iter().find(|r| r.what == "redo").unwrap();
        assert_eq!(redo.keys, "Ctrl+Shift+Z / Ctrl+Y");
        assert_eq!(Key::Named("ArrowDown").label(), "↓");
    }
}
