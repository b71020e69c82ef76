//! Loupe: an article annotator that runs entirely in the browser.
//!
//! - [`core`] is pure Rust: the model, offsets, edits, storage layout and formats.
//! - `browser` (wasm only) is the thin port to localStorage, files and downloads.
//! - `ui` (wasm only) is the Leptos app on top of both.

pub mod core;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod ui;
