//! The browser's side of the core's ports ([`crate::core::ports`]): its clock, its
//! randomness and its downloads.

use crate::core::ports::{Clock, Download, Downloads, Entropy, PortError};

pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}

pub struct BrowserEntropy;

impl Entropy for BrowserEntropy {
    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}

pub struct BrowserDownloads;

impl Downloads for BrowserDownloads {
    fn download(&self, file: &Download) -> Result<(), PortError> {
        super::download::download_bytes(&file.name, file.mime, &file.bytes)
            .map_err(|e| PortError(e.as_string().unwrap_or_else(|| format!("{e:?}"))))
    }
}
