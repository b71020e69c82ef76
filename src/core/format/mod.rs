//! Every file format Loupe reads or writes goes through this module.

pub mod loupe;
