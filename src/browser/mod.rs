//! The thin port between the pure core and the browser: storage, files, downloads and
//! the DOM selection. Nothing here knows about annotations beyond what the core hands it.

pub mod autosave;
pub mod backups;
pub mod download;
pub mod files;
pub mod html;
pub mod local_storage;
pub mod paint;
pub mod paragraphs;
pub mod persist;
pub mod ports;
pub mod selection;
pub mod trainer;
