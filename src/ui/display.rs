//! How the article is shown: the arcs mode (on by default, key H) and the wide text
//! setting. A narrow context of its own, apart from the workspace (read-only signals and
//! actions); kept in localStorage, so a reload keeps the choice.

use leptos::prelude::*;

use super::signal::Owned;

const KEY: &str = "loupe/v1/display";

#[derive(Clone, Copy)]
pub struct Display {
    /// Arcs for event arguments and relations, drawn above the text.
    arcs: Owned<bool>,
    /// The article uses the width of the pane instead of a reading column.
    wide: Owned<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl Display {
    pub fn new() -> Self {
        let saved = storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .unwrap_or_default();
        let display = Self {
            arcs: Owned::new(!saved.contains("arcs=off")),
            wide: Owned::new(saved.contains("wide=on")),
        };
        // Written on a change only: opening the app stores nothing.
        Effect::new(move |first: Option<()>| {
            let value = format!(
                "arcs={};wide={}",
                if display.arcs.get() { "on" } else { "off" },
                if display.wide.get() { "on" } else { "off" }
            );
            if let Some(s) = storage().filter(|_| first.is_some()) {
                // A full or read-only storage only loses this preference.
                let _ = s.set_item(KEY, &value);
            }
        });
        display
    }

    pub fn arcs(&self) -> ReadSignal<bool> {
        self.arcs.read_only()
    }

    pub fn wide(&self) -> ReadSignal<bool> {
        self.wide.read_only()
    }

    pub fn toggle_arcs(&self) {
        self.arcs.update(|a| *a = !*a);
    }

    pub fn toggle_wide(&self) {
        self.wide.update(|w| *w = !*w);
    }
}

impl Default for Display {
    fn default() -> Self {
        Self::new()
    }
}
