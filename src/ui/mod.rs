//! The Leptos UI. Components read the [`state::Workspace`] from context and call its
//! actions; none of them holds domain rules.

mod adjudicate;
mod agreement;
mod annotate;
mod app;
mod arcs;
mod article;
mod autosave;
mod backups;
mod corpus;
mod dashboard;
mod display;
mod exchange;
mod guidelines;
mod inspector;
mod keys;
mod palette;
mod search;
mod signal;
pub mod state;
mod suggest;
mod welcome;

pub use app::App;
