//! Every file format Loupe reads or writes goes through this module.

#[cfg(test)]
mod json_schema;
pub mod loupe;
