//! The lineage of a stored value: the writes it incorporates. Storage writes it beside
//! each document's annotations; [`crate::core::sync`] reads it to find the common
//! ancestor of a three-way merge. It sits below both, so neither depends on the other
//! for it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many write ids a stored value carries: enough to find an ancestor after a burst of
/// writes from several tabs, small enough to cost nothing (about 150 UTF-16 units).
pub const LINEAGE_LEN: usize = 16;
/// One write: a Lamport clock and the tab that wrote it. Stored as `"clock.tab"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WriteId {
    pub clock: u64,
    pub tab: String,
}

impl fmt::Display for WriteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.clock, self.tab)
    }
}

impl Serialize for WriteId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WriteId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let (clock, tab) = raw
            .split_once('.')
            .ok_or_else(|| serde::de::Error::custom(format!("write id {raw:?} has no '.'")))?;
        let clock = clock
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("write id {raw:?}: bad clock")))?;
        Ok(Self {
            clock,
            tab: tab.to_owned(),
        })
    }
}

/// The newest writes a value incorporates, newest first. The first is the write that
/// produced the value: its clock is one more than any other in the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lineage(Vec<WriteId>);

impl Lineage {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many writes it names (at most [`LINEAGE_LEN`]).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn head(&self) -> Option<&WriteId> {
        self.0.first()
    }

    pub fn contains(&self, id: &WriteId) -> bool {
        self.0.contains(id)
    }

    /// Everything either side incorporates, newest first, cut to [`LINEAGE_LEN`].
    pub fn union(&self, other: &Lineage) -> Lineage {
        let mut all: Vec<WriteId> = self.0.iter().chain(&other.0).cloned().collect();
        all.sort_by(|a, b| b.cmp(a));
        all.dedup();
        all.truncate(LINEAGE_LEN);
        Lineage(all)
    }

    /// The lineage of a new write by `tab` on top of this one.
    pub fn next(&self, tab: &str) -> Lineage {
        let clock = self.0.iter().map(|w| w.clock).max().unwrap_or(0) + 1;
        let mut ids = vec![WriteId {
            clock,
            tab: tab.to_owned(),
        }];
        ids.extend(self.0.iter().take(LINEAGE_LEN - 1).cloned());
        Lineage(ids)
    }
}
