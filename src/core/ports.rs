//! The ports through which the application layer reaches what the browser provides, with
//! the in-memory fakes the native tests use. The key-value store port is
//! [`crate::core::storage::KeyValueStore`]; `src/browser` implements every port.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::Arc;

/// Milliseconds since some fixed moment: only differences are used.
pub trait Clock {
    fn now_ms(&self) -> f64;
}

/// Uniform randomness in [0, 1), for ids that must differ between tabs.
pub trait Entropy {
    fn random(&self) -> f64;
}

/// A file to hand to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

impl Download {
    pub fn json(name: impl Into<String>, json: String) -> Self {
        Self {
            name: name.into(),
            mime: "application/json",
            bytes: json.into_bytes(),
        }
    }
}

/// Why a port could not do its job, in the browser's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortError(pub String);

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Saving a file where the user keeps downloads.
pub trait Downloads {
    fn download(&self, file: &Download) -> Result<(), PortError>;
}

/// A six-character base-36 id for this tab, so its writes are told apart from other
/// tabs' (see [`crate::core::sync`]).
pub fn tab_id(entropy: &dyn Entropy) -> Arc<str> {
    let mut rest = (entropy.random() * 36f64.powi(6)) as u64;
    let mut id = String::new();
    for _ in 0..6 {
        id.push(char::from_digit((rest % 36) as u32, 36).unwrap_or('0'));
        rest /= 36;
    }
    id.into()
}

/// A clock the test moves by hand.
#[derive(Debug, Default)]
pub struct FakeClock(pub Cell<f64>);

impl FakeClock {
    pub fn advance(&self, ms: f64) {
        self.0.set(self.0.get() + ms);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> f64 {
        self.0.get()
    }
}

/// Randomness that repeats a fixed sequence.
#[derive(Debug, Default)]
pub struct FakeEntropy {
    pub values: Vec<f64>,
    pub at: Cell<usize>,
}

impl Entropy for FakeEntropy {
    fn random(&self) -> f64 {
        let i = self.at.get();
        self.at.set(i + 1);
        if self.values.is_empty() {
            0.5
        } else {
            self.values[i % self.values.len()]
        }
    }
}

/// Downloads kept in memory; `refuse` makes every download fail.
#[derive(Debug, Default)]
pub struct FakeDownloads {
    pub files: RefCell<Vec<Download>>,
    pub refuse: Cell<bool>,
}

impl Downloads for FakeDownloads {
    fn download(&self, file: &Download) -> Result<(), PortError> {
        if self.refuse.get() {
            return Err(PortError("the browser blocked the download".into()));
        }
        self.files.borrow_mut().push(file.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_ids_are_six_base36_characters_and_follow_the_entropy() {
        let a = tab_id(&FakeEntropy {
            values: vec![0.1],
            ..Default::default()
        });
        let b = tab_id(&FakeEntropy {
            values: vec![0.9],
            ..Default::default()
        });
        assert_eq!(a.chars().count(), 6);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn fake_downloads_record_and_refuse() {
        let d = FakeDownloads::default();
        d.download(&Download::json("a.json", "{}".into())).unwrap();
        assert_eq!(d.files.borrow().len(), 1);
        d.refuse.set(true);
        assert!(d.download(&Download::json("b.json", "{}".into())).is_err());
    }
}
