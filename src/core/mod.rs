//! The pure core: the document model, offsets, edits and formats. It imports neither
//! leptos nor web-sys, so it is tested natively with `cargo test`.

pub mod adjudication;
pub mod agreement;
pub mod arcs;
pub mod autosave;
pub mod backup;
pub mod commands;
pub mod dashboard;
pub mod diffview;
pub mod edit;
pub mod file_name;
pub mod format;
pub mod import;
pub mod keymap;
pub mod layout;
pub mod lineage;
pub mod model;
pub mod offsets;
pub mod plural;
pub mod ports;
pub mod render;
pub mod report;
pub mod samples;
pub mod schema;
pub mod search;
pub mod session;
pub mod snap;
pub mod sort;
pub mod storage;
pub mod suggest;
pub mod sync;
pub mod timing;
pub mod tokens;
pub mod validate;
pub mod workspace;
