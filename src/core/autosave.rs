//! Autosave to a file on disk that the user chose (the File System Access API, in
//! Chromium): when a write is due, what is written, and what the panel says. Pure: the
//! browser port (`crate::browser::autosave`) picks the file, keeps its handle and writes;
//! the UI feeds this machine the clock and the saves, so the rules are tested natively.
//!
//! The rules:
//! - a write is due once a save has reached storage and the edits have paused for
//!   [`Policy::quiet_ms`], or [`Policy::max_wait_ms`] after the first unwritten save even
//!   while editing goes on; never sooner than [`Policy::min_gap_ms`] after the previous
//!   write began, and never while one is under way;
//! - choosing a file or resuming writes at once; so does a page being hidden or closed;
//! - the file is the whole stored corpus as one loupe/1 file, built from the live keys;
//!   a corpus that loads with damaged or missing values is not written, so the file is
//!   never replaced by a copy missing someone's work;
//! - a failed write turns autosave off and says why in plain words; the live keys are
//!   never touched by autosave, and the file keeps its last complete copy (the browser
//!   replaces it only when a write is closed whole).

use std::collections::BTreeMap;

use crate::core::format::loupe;
use crate::core::model::sha256_hex;
use crate::core::plural::{agree, count};
use crate::core::schema::Schema;
use crate::core::storage::{CorpusStore, KeyValueStore, MemoryStore};

/// How often autosave writes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// A pause in the saves this long makes a write due.
    pub quiet_ms: f64,
    /// Never two writes begun closer than this.
    pub min_gap_ms: f64,
    /// Unwritten saves wait no longer than this, however steadily editing goes on.
    pub max_wait_ms: f64,
}

/// Loupe's policy: after a pause of 1.5 s, at most every 5 s, and within 10 s of a save.
pub const POLICY: Policy = Policy {
    quiet_ms: 1_500.0,
    min_gap_ms: 5_000.0,
    max_wait_ms: 10_000.0,
};

/// The name of the file Loupe writes in a folder the user chose.
pub const FOLDER_FILE: &str = "loupe-corpus.loupe.json";

/// The name the save dialog suggests.
pub const SUGGESTED_NAME: &str = "loupe-corpus.loupe.json";

/// What the user chose to autosave to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    File,
    /// A folder: Loupe writes [`FOLDER_FILE`] in it.
    Folder,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Folder => "folder",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "file" => Some(Self::File),
            "folder" => Some(Self::Folder),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The file's or folder's name, as the browser gives it (never a full path).
    pub name: String,
    pub kind: TargetKind,
}

impl Target {
    /// How the panel names it: “notes.loupe.json”, or the file inside the folder.
    pub fn label(&self) -> String {
        match self.kind {
            TargetKind::File => format!("“{}”", self.name),
            TargetKind::Folder => format!("“{}/{FOLDER_FILE}”", self.name),
        }
    }
}

/// Why a write failed, from the `DOMException` the browser threw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// `NotAllowedError` or `SecurityError`: permission was revoked or refused.
    PermissionRevoked,
    /// `QuotaExceededError`: the disk (or the browser's share of it) is full.
    DiskFull,
    /// `NotFoundError`: the file or its folder was moved or deleted.
    Missing,
    /// `NoModificationAllowedError` or `InvalidStateError`: something else holds the file.
    Locked,
    /// Anything else, with the browser's words.
    Other(String),
}

impl Failure {
    /// The failure a `DOMException` named `name` stands for.
    pub fn from_dom(name: &str, message: &str) -> Self {
        match name {
            "NotAllowedError" | "SecurityError" => Self::PermissionRevoked,
            "QuotaExceededError" => Self::DiskFull,
            "NotFoundError" => Self::Missing,
            "NoModificationAllowedError" | "InvalidStateError" => Self::Locked,
            _ if message.is_empty() => Self::Other(name.to_owned()),
            _ if name.is_empty() => Self::Other(message.to_owned()),
            _ => Self::Other(format!("{name}: {message}")),
        }
    }

    /// What happened, in plain words.
    pub fn explain(&self) -> String {
        match self {
            Self::PermissionRevoked => {
                "the browser no longer lets Loupe write to it (the permission was revoked or \
                 refused)"
                    .into()
            }
            Self::DiskFull => "the disk is full".into(),
            Self::Missing => "the file or its folder was moved, renamed or deleted".into(),
            Self::Locked => "another program or tab is holding the file".into(),
            Self::Other(why) => format!("the write failed ({why})"),
        }
    }

    /// What the user can do about it.
    pub fn advice(&self) -> &'static str {
        match self {
            Self::PermissionRevoked => {
                "Resume to grant the permission again, or choose another file."
            }
            Self::DiskFull => "Free some space and resume, or choose a file on another disk.",
            Self::Missing => "Choose the file again, or another one.",
            Self::Locked => "Close it elsewhere and resume, or choose another file.",
            Self::Other(_) => "Resume to try again, or choose another file.",
        }
    }
}

/// Whether this page can autosave to disk, from feature detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// `showSaveFilePicker` exists; `folder` when `showDirectoryPicker` does too.
    Available { folder: bool },
    /// The API exists only on secure pages (https, localhost, file://), and this is not one.
    Insecure,
    /// This browser has no File System Access API: Firefox and Safari.
    Absent,
}

impl Support {
    pub fn detect(save_picker: bool, folder_picker: bool, secure: bool) -> Self {
        match (save_picker, secure) {
            (true, _) => Self::Available {
                folder: folder_picker,
            },
            (false, false) => Self::Insecure,
            (false, true) => Self::Absent,
        }
    }

    /// Why autosave to disk is not offered, for the panel; `None` when it is.
    pub fn why_not(self) -> Option<&'static str> {
        match self {
            Self::Available { .. } => None,
            Self::Insecure => Some(
                "Autosave to a file is not offered on this page: browsers allow it only on \
                 https, localhost or file:// pages. Backups and Export keep copies instead.",
            ),
            Self::Absent => Some(
                "Autosave to a file is not offered in this browser: it needs the File System \
                 Access API, which only Chromium-based browsers (Chrome, Edge, Opera) have; \
                 Firefox and Safari do not. The backups below and Export keep copies instead.",
            ),
        }
    }
}

/// Whether autosave writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Nothing chosen, or turned off.
    Off,
    /// A file was chosen before the reload; the browser needs a click to grant it again.
    Paused,
    On,
    /// The last write failed, at this time; autosave is off until resumed or re-chosen.
    Failed(Failure, f64),
}

/// Why a corpus was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold(pub String);

/// The file to write: the whole stored corpus as loupe/1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub json: String,
    /// SHA-256 of `json`: an unchanged corpus is not written again.
    pub digest: String,
    pub documents: usize,
}

/// The loupe/1 file of the corpus in `live` (the stored keys), with its schema and
/// annotator. A corpus that loads with problems, or read-only, is held back.
pub fn content(live: &BTreeMap<String, String>) -> Result<Content, Hold> {
    let store = MemoryStore::default();
    for (k, v) in live {
        // A memory store without quota never refuses a write.
        let _ = store.set(k, v);
    }
    let corpus = CorpusStore::new(store);
    let loaded = corpus
        .load()
        .map_err(|e| Hold(format!("storage cannot be read ({e})")))?;
    if let Some(why) = loaded.read_only {
        return Err(Hold(why));
    }
    if !loaded.problems.is_empty() {
        let n = loaded.problems.len();
        return Err(Hold(format!(
            "{} in storage {} damaged or missing, and writing now would leave {} out of the file",
            count(n, "value"),
            agree(n, "is", "are"),
            agree(n, "it", "them"),
        )));
    }
    let schema = loaded.schema.unwrap_or_else(Schema::default);
    let json = loupe::to_json_with_schema(&loaded.documents, &loaded.annotator, &schema);
    Ok(Content {
        digest: sha256_hex(&json),
        documents: loaded.documents.len(),
        json,
    })
}

/// How the panel shows the state: a sentence, and whether it is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// Autosave's state in one tab. Times are milliseconds on any clock that only goes up.
#[derive(Debug, Clone, PartialEq)]
pub struct Autosave {
    target: Option<Target>,
    mode: Mode,
    /// When the oldest save not yet written reached storage.
    dirty_since: Option<f64>,
    last_edit: Option<f64>,
    /// Write without waiting: just chosen, resumed, or the page is going away.
    urgent: bool,
    writing: bool,
    last_start: Option<f64>,
    last_written: Option<f64>,
    last_digest: Option<String>,
    held: Option<Hold>,
}

impl Default for Autosave {
    fn default() -> Self {
        Self {
            target: None,
            mode: Mode::Off,
            dirty_since: None,
            last_edit: None,
            urgent: false,
            writing: false,
            last_start: None,
            last_written: None,
            last_digest: None,
            held: None,
        }
    }
}

impl Autosave {
    pub fn target(&self) -> Option<&Target> {
        self.target.as_ref()
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn is_on(&self) -> bool {
        self.mode == Mode::On
    }

    /// Whether “Resume autosave” applies: a target is known and autosave is not on.
    pub fn can_resume(&self) -> bool {
        self.target.is_some() && matches!(self.mode, Mode::Paused | Mode::Failed(..))
    }

    pub fn last_written(&self) -> Option<f64> {
        self.last_written
    }

    /// A target remembered from before the reload: paused until the user grants it again.
    pub fn remembered(&mut self, target: Target) {
        self.target = Some(target);
        self.mode = Mode::Paused;
    }

    /// The user chose `target` (or granted it again): write at once, then as they work.
    pub fn start(&mut self, target: Target, now: f64) {
        if self.target.as_ref() != Some(&target) {
            self.last_written = None;
            self.last_digest = None;
        }
        self.target = Some(target);
        self.mode = Mode::On;
        self.held = None;
        self.dirty_since = Some(self.dirty_since.unwrap_or(now));
        self.urgent = true;
    }

    /// The user turned autosave off: the target is forgotten.
    pub fn stop(&mut self) {
        *self = Self::default();
    }

    /// A save reached storage at `now`.
    pub fn edited(&mut self, now: f64) {
        self.last_edit = Some(now);
        self.dirty_since.get_or_insert(now);
    }

    /// The page is being hidden or closed: write what is unwritten now, debounce or not.
    pub fn leaving(&mut self) {
        if self.dirty_since.is_some() {
            self.urgent = true;
        }
    }

    /// Whether a write should begin at `now`.
    pub fn due(&self, now: f64, policy: &Policy) -> bool {
        let Some(since) = self.dirty_since else {
            return false;
        };
        if !self.is_on() || self.writing {
            return false;
        }
        if self.urgent {
            return true;
        }
        let gap = self.last_start.is_none_or(|s| now - s >= policy.min_gap_ms);
        let quiet = self.last_edit.is_none_or(|e| now - e >= policy.quiet_ms);
        gap && (quiet || now - since >= policy.max_wait_ms)
    }

    /// A write of the corpus as stored now begins: saves from here on wait for the next.
    pub fn begin(&mut self, now: f64) {
        self.writing = true;
        self.urgent = false;
        self.dirty_since = None;
        self.last_start = Some(now);
    }

    /// Whether `content` needs writing, or the file already holds it.
    pub fn needs(&self, content: &Content) -> bool {
        self.last_digest.as_deref() != Some(content.digest.as_str())
    }

    /// The write begun last ended at `now`: `Ok` with what it wrote (or `None` when the
    /// file already held it), or the failure, which turns autosave off.
    pub fn finished(&mut self, now: f64, result: Result<Option<String>, Failure>) {
        self.writing = false;
        match result {
            Ok(written) => {
                self.held = None;
                if let Some(digest) = written {
                    self.last_digest = Some(digest);
                    self.last_written = Some(now);
                }
            }
            Err(failure) => {
                self.mode = Mode::Failed(failure, now);
                self.urgent = false;
                // What was not written is written by the next start.
                self.dirty_since.get_or_insert(now);
                self.last_digest = None;
            }
        }
    }

    /// The corpus could not be written as it is; autosave stays on and tries again after
    /// the next save.
    pub fn held(&mut self, hold: Hold) {
        self.writing = false;
        self.held = Some(hold);
    }

    /// What the panel says. `time` writes a time of the clock for people.
    pub fn status(&self, time: impl Fn(f64) -> String) -> Status {
        let info = |text: String| Status { text, error: false };
        let Some(target) = &self.target else {
            return info(
                "Autosave is off. Choose a file or a folder, and Loupe writes the whole corpus \
                 there as loupe/1 a few seconds after each change."
                    .into(),
            );
        };
        let label = target.label();
        match &self.mode {
            Mode::Off => info(format!("Autosave to {label} is off.")),
            Mode::Paused => info(format!(
                "Autosave to {label} is paused: after a reload the browser needs your \
                 permission again. Resume to go on.{}",
                self.last_written
                    .map(|t| format!(" Last written at {}.", time(t)))
                    .unwrap_or_default()
            )),
            Mode::Failed(failure, at) => Status {
                text: format!(
                    "Autosave to {label} stopped at {}: {}. It is off now. Your work is still \
                     saved in this browser, and the file keeps its last complete copy{}. {}",
                    time(*at),
                    failure.explain(),
                    self.last_written
                        .map(|t| format!(" (written at {})", time(t)))
                        .unwrap_or_default(),
                    failure.advice()
                ),
                error: true,
            },
            Mode::On => {
                if let Some(Hold(why)) = &self.held {
                    return Status {
                        text: format!(
                            "Autosave to {label} is waiting: {why}. Restore them from a backup \
                             below; the file keeps its last complete copy."
                        ),
                        error: true,
                    };
                }
                let text = match (
                    self.last_written,
                    self.writing || self.dirty_since.is_some(),
                ) {
                    (None, _) => format!("Autosaving to {label}: writing the first copy…"),
                    (Some(t), false) => {
                        format!("Autosaving to {label}: last written at {}.", time(t))
                    }
                    (Some(t), true) => format!(
                        "Autosaving to {label}: last written at {}; newer changes are being \
                         written.",
                        time(t)
                    ),
                };
                info(text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Document;
    use crate::core::storage::{ann_key, text_key, INDEX_KEY};

    const P: Policy = POLICY;

    fn file(name: &str) -> Target {
        Target {
            name: name.into(),
            kind: TargetKind::File,
        }
    }

    fn on_and_written(now: f64) -> Autosave {
        let mut a = Autosave::default();
        a.start(file("c.json"), now);
        a.begin(now);
        a.finished(now + 10.0, Ok(Some("d0".into())));
        a
    }

    fn clock(t: f64) -> String {
        format!("t={t}")
    }

    #[test]
    fn choosing_a_file_writes_at_once_then_nothing_until_a_save() {
        let mut a = Autosave::default();
        assert!(!a.due(0.0, &P), "off");
        a.edited(0.0);
        assert!(!a.due(100_000.0, &P), "off, whatever was saved");
        a.start(file("c.json"), 1_000.0);
        assert!(a.due(1_000.0, &P), "the first copy is written at once");
        a.begin(1_000.0);
        assert!(!a.due(1_001.0, &P), "not while writing");
        a.finished(1_050.0, Ok(Some("d1".into())));
        assert!(!a.due(60_000.0, &P), "nothing unwritten");
        assert_eq!(a.last_written(), Some(1_050.0));
    }

    #[test]
    fn a_write_waits_for_a_pause_and_the_gap_but_never_longer_than_max_wait() {
        let mut a = on_and_written(0.0);
        a.edited(6_000.0);
        assert!(!a.due(6_000.0 + P.quiet_ms - 1.0, &P), "still typing");
        assert!(a.due(6_000.0 + P.quiet_ms, &P), "a pause after the gap");

        // Right after a write, a pause is not enough: the gap holds it back.
        let mut a = on_and_written(0.0);
        a.edited(100.0);
        assert!(!a.due(100.0 + P.quiet_ms, &P));
        assert!(a.due(P.min_gap_ms, &P));

        // Steady editing, a save every second: written within max_wait all the same.
        let mut a = on_and_written(0.0);
        let mut t = 20_000.0;
        a.edited(t);
        let first = t;
        let mut wrote_at = None;
        while t < first + 30_000.0 {
            t += 250.0;
            if (t - first) % 1_000.0 == 0.0 {
                a.edited(t);
            }
            if a.due(t, &P) {
                wrote_at = Some(t);
                break;
            }
        }
        assert_eq!(wrote_at, Some(first + P.max_wait_ms));
    }

    #[test]
    fn saves_during_a_write_are_written_by_the_next_one() {
        let mut a = on_and_written(0.0);
        a.edited(10_000.0);
        assert!(a.due(12_000.0, &P));
        a.begin(12_000.0);
        a.edited(12_100.0);
        assert!(!a.due(20_000.0, &P), "the write is under way");
        a.finished(12_200.0, Ok(Some("d2".into())));
        assert!(!a.due(12_000.0 + P.min_gap_ms - 1.0, &P), "the gap");
        assert!(a.due(12_000.0 + P.min_gap_ms, &P));
    }

    #[test]
    fn leaving_the_page_writes_at_once_when_something_is_unwritten() {
        let mut a = on_and_written(0.0);
        a.leaving();
        assert!(!a.due(20.0, &P), "nothing unwritten, nothing to do");
        a.edited(30.0);
        assert!(!a.due(40.0, &P));
        a.leaving();
        assert!(a.due(40.0, &P), "debounce and gap skipped");
    }

    #[test]
    fn a_failed_write_turns_autosave_off_until_resumed_and_says_why() {
        let mut a = on_and_written(0.0);
        a.edited(10_000.0);
        a.begin(12_000.0);
        a.finished(12_005.0, Err(Failure::from_dom("NotAllowedError", "")));
        assert_eq!(
            a.mode(),
            &Mode::Failed(Failure::PermissionRevoked, 12_005.0)
        );
        assert!(!a.is_on());
        assert!(a.can_resume());
        a.edited(13_000.0);
        assert!(!a.due(60_000.0, &P), "off after a failure");
        let s = a.status(clock);
        assert!(s.error);
        assert!(s.text.contains("stopped at t=12005"), "{}", s.text);
        assert!(s.text.contains("permission was revoked"), "{}", s.text);
        assert!(s.text.contains("written at t=10"), "{}", s.text);
        assert!(s.text.contains("still saved in this browser"), "{}", s.text);

        // Resumed: what the failed write missed is written at once.
        a.start(file("c.json"), 70_000.0);
        assert!(a.due(70_000.0, &P));
        assert_eq!(a.last_written(), Some(10.0), "the same file");
    }

    #[test]
    fn the_browsers_errors_read_as_plain_words() {
        assert_eq!(
            Failure::from_dom("QuotaExceededError", "x"),
            Failure::DiskFull
        );
        assert_eq!(Failure::from_dom("NotFoundError", ""), Failure::Missing);
        assert_eq!(
            Failure::from_dom("NoModificationAllowedError", ""),
            Failure::Locked
        );
        assert_eq!(
            Failure::from_dom("SecurityError", ""),
            Failure::PermissionRevoked
        );
        assert_eq!(
            Failure::from_dom("TypeError", "bad"),
            Failure::Other("TypeError: bad".into())
        );
        assert_eq!(Failure::DiskFull.explain(), "the disk is full");
        for f in [
            Failure::PermissionRevoked,
            Failure::DiskFull,
            Failure::Missing,
            Failure::Locked,
            Failure::Other("x".into()),
        ] {
            assert!(!f.advice().is_empty());
        }
    }

    #[test]
    fn a_remembered_file_is_paused_until_granted_again() {
        let mut a = Autosave::default();
        a.remembered(file("notes.json"));
        assert_eq!(a.mode(), &Mode::Paused);
        assert!(a.can_resume());
        a.edited(5.0);
        assert!(!a.due(100_000.0, &P));
        let s = a.status(clock);
        assert!(!s.error);
        assert!(
            s.text.starts_with("Autosave to “notes.json” is paused"),
            "{}",
            s.text
        );
        a.start(file("notes.json"), 200_000.0);
        assert!(a.due(200_000.0, &P));
        a.stop();
        assert_eq!(a, Autosave::default(), "turning off forgets the file");
    }

    #[test]
    fn the_status_names_the_target_and_the_last_write() {
        let mut a = Autosave::default();
        assert!(a.status(clock).text.starts_with("Autosave is off."));
        a.start(
            Target {
                name: "Corpus".into(),
                kind: TargetKind::Folder,
            },
            0.0,
        );
        assert_eq!(
            a.status(clock).text,
            format!("Autosaving to “Corpus/{FOLDER_FILE}”: writing the first copy…")
        );
        a.begin(0.0);
        a.finished(20.0, Ok(Some("d".into())));
        assert_eq!(
            a.status(clock).text,
            format!("Autosaving to “Corpus/{FOLDER_FILE}”: last written at t=20.")
        );
        a.edited(30.0);
        assert!(a
            .status(clock)
            .text
            .contains("newer changes are being written"));
        a.held(Hold("1 value in storage is damaged".into()));
        let s = a.status(clock);
        assert!(
            s.error && s.text.contains("is waiting: 1 value"),
            "{}",
            s.text
        );
    }

    #[test]
    fn an_unchanged_corpus_is_not_written_again() {
        let mut a = on_and_written(0.0);
        let same = Content {
            json: "{}".into(),
            digest: "d0".into(),
            documents: 0,
        };
        assert!(!a.needs(&same));
        a.edited(10_000.0);
        a.begin(20_000.0);
        a.finished(20_001.0, Ok(None));
        assert_eq!(a.last_written(), Some(10.0), "nothing written");
        assert!(a.needs(&Content {
            digest: "d9".into(),
            ..same
        }));
    }

    #[test]
    fn support_is_detected_and_its_absence_explained() {
        assert_eq!(
            Support::detect(true, true, true),
            Support::Available { folder: true }
        );
        assert_eq!(Support::detect(false, false, true), Support::Absent);
        assert_eq!(Support::detect(false, false, false), Support::Insecure);
        assert!(Support::Available { folder: false }.why_not().is_none());
        assert!(Support::Absent
            .why_not()
            .unwrap()
            .contains("Firefox and Safari"));
        assert!(Support::Insecure.why_not().unwrap().contains("https"));
    }

    fn live_with(docs: &[Document]) -> BTreeMap<String, String> {
        let metas: Vec<_> = docs.iter().map(|d| &d.meta).collect();
        let mut live = BTreeMap::new();
        live.insert(
            INDEX_KEY.to_owned(),
            serde_json::json!({"version": 1, "documents": metas}).to_string(),
        );
        for d in docs {
            live.insert(text_key(d.id()), d.text.clone());
        }
        live
    }

    #[test]
    fn the_file_is_the_stored_corpus_as_loupe_1_and_damage_holds_it_back() {
        let docs = [
            Document::new("A", "Alpha met Beta."),
            Document::new("B", "Gamma left."),
        ];
        let mut live = live_with(&docs);
        live.insert(
            ann_key(docs[0].id()),
            r#"{"version":1,"mentions":[{"id":"T1","type":"PER","fragments":[[0,5]],"text":"Alpha"}]}"#
                .into(),
        );
        let c = content(&live).expect("a sound corpus");
        assert_eq!(c.documents, 2);
        assert_eq!(c.digest, sha256_hex(&c.json));
        let file = loupe::from_json(&c.json).expect("valid loupe/1");
        assert_eq!(file.documents.len(), 2);
        assert_eq!(file.documents[0].annotations.mentions.len(), 1);
        assert_eq!(
            content(&live).unwrap(),
            c,
            "the same corpus, the same bytes"
        );

        let mut damaged = live.clone();
        damaged.insert(ann_key(docs[1].id()), "{\"mentions\":[{".into());
        let Hold(why) = content(&damaged).unwrap_err();
        assert!(why.starts_with("1 value in storage is damaged"), "{why}");
        let mut missing = live.clone();
        missing.remove(&text_key(docs[0].id()));
        missing.remove(&text_key(docs[1].id()));
        let Hold(why) = content(&missing).unwrap_err();
        assert!(why.starts_with("2 values in storage are"), "{why}");

        assert_eq!(content(&BTreeMap::new()).unwrap().documents, 0, "empty");
    }
}
