//! What the application layer tells the user: storage trouble, refusals and notices, each
//! a typed value whose `Display` is the sentence the UI shows.

use std::fmt;

use crate::core::edit::EditError;
use crate::core::model::Id;
use crate::core::plural::{self, count};
use crate::core::schema::SchemaError;
use crate::core::storage::StoreError;

/// Why work is not reaching storage; shown as a banner until it is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// The quota is full: edits stay in memory, saving retries.
    Full,
    /// No storage at all, for this reason (the browser's words): the app works in memory.
    Unavailable(String),
    /// The stored corpus must not be written (newer version, or unbacked damage): why.
    ReadOnly(String),
}

impl Trouble {
    pub(super) fn unavailable(e: &StoreError) -> Self {
        match e {
            StoreError::Unavailable(why) => Self::Unavailable(why.clone()),
            other => Self::Unavailable(other.to_string()),
        }
    }

    pub(super) fn of(e: StoreError) -> Self {
        match e {
            StoreError::QuotaExceeded { .. } => Self::Full,
            StoreError::ReadOnly(why) => Self::ReadOnly(why),
            StoreError::Unavailable(_) => Self::unavailable(&e),
            // Only adding a document can meet this, and that is refused before it is
            // added; should a save meet it, the edits stay in memory as with a full quota.
            StoreError::TooLarge { .. } => Self::Full,
        }
    }

    /// The banner's heading.
    pub fn heading(&self) -> &'static str {
        match self {
            Self::Full => "Storage is full",
            Self::Unavailable(_) => "Nothing is being saved",
            Self::ReadOnly(_) => "Read-only",
        }
    }
}

impl fmt::Display for Trouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full => f.write_str(
                "The browser's storage for Loupe is full, so your latest edits are not saved. \
                 They are safe in this tab for now, and the last saved copy is untouched. \
                 Export now to keep them, then delete documents you no longer need; \
                 Loupe retries on your next edit, or press Retry saving.",
            ),
            Self::Unavailable(why) => write!(
                f,
                "Browser storage is unavailable ({why}), so Loupe is working in memory only: \
                 nothing will be kept when this tab closes. Export your work before you leave."
            ),
            Self::ReadOnly(why) => f.write_str(why),
        }
    }
}

/// Why an action did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The corpus is read-only, for this reason.
    ReadOnly(String),
    Store(StoreError),
    NotDeleted(StoreError),
    NotRestored(StoreError),
    Edit(EditError),
    Schema(SchemaError),
    NothingOpen,
    NoSuchDocument,
    BlankTitle,
    CleanupLeavesNothing,
    CleanupAfterAnnotation,
    CleanupDuplicate,
    /// Strict import, and these annotations cannot be merged.
    StrictImport {
        problems: Vec<String>,
    },
    NothingDone,
    NoSelection,
    SelfArgument(Id),
    NotMentions,
    /// Tag-all needs a mention of one continuous span.
    NotASpan,
    FragmentOverlaps(Id),
    /// Not of the form RESOURCE:ID.
    BadNormalization(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadOnly(why) => write!(f, "Read-only: {why}"),
            Self::Store(e) => write!(f, "{e}"),
            Self::NotDeleted(e) => write!(f, "Nothing was deleted: {e}"),
            Self::NotRestored(e) => write!(f, "The documents were not restored: {e}"),
            Self::Edit(e) => write!(f, "{e}"),
            Self::Schema(e) => write!(f, "The schema was not changed: {e}"),
            Self::NothingOpen => f.write_str("Open a document first."),
            Self::NoSuchDocument => f.write_str("That document is no longer in the corpus."),
            Self::BlankTitle => {
                f.write_str("A title cannot be empty: type at least one character.")
            }
            Self::CleanupLeavesNothing => {
                f.write_str("The clean-up would leave no text; keep at least one line.")
            }
            Self::CleanupAfterAnnotation => f.write_str(
                "Clean-up is allowed only before the first annotation, because annotations \
                 anchor on the text. Remove the annotations first.",
            ),
            Self::CleanupDuplicate => {
                f.write_str("The cleaned text is already in the corpus as another document.")
            }
            Self::StrictImport { problems } => write!(
                f,
                "strict mode, and {} cannot be merged into documents already in the corpus",
                count(problems.len(), "annotation")
            ),
            Self::NothingDone => f.write_str("No document is marked done yet."),
            Self::NoSelection => {
                f.write_str("Select some text in the article first, then pick a type.")
            }
            Self::SelfArgument(id) => write!(f, "{id} cannot be its own argument."),
            Self::NotMentions => f.write_str("Only mentions can be the same entity."),
            Self::NotASpan => {
                f.write_str("Select a mention (one continuous span) to tag its other occurrences.")
            }
            Self::FragmentOverlaps(id) => {
                write!(f, "The new fragment overlaps {id}; select text outside it.")
            }
            Self::BadNormalization(text) => write!(
                f,
                "“{text}” is not a normalisation: write RESOURCE:ID, for example Wikidata:Q212."
            ),
        }
    }
}

/// Something to tell the user after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Refused(Refusal),
    /// Articles were not added, for this reason.
    NotAdded(Refusal),
    /// Texts already in the corpus, skipped, by title.
    Skipped(Vec<String>),
    /// Damage found while loading (the store's words).
    Damage(String),
    SchemaSet(String),
    /// Another tab chose this schema.
    SchemaFollowed(String),
    /// Another tab's edits to this document were merged with this tab's.
    MergedWithOtherTab {
        title: String,
        conflicts: usize,
    },
    /// Another tab added these documents (by title) and deleted this many.
    OtherTab {
        added: Vec<String>,
        deleted: usize,
    },
    /// A document another tab added could not be read (its title), so it is not shown.
    OtherTabUnreadable(String),
    /// Saving works again after the quota was full.
    SavedAgain,
    StillNotSaved,
    /// Deleted an annotation that filled these argument roles ("Target of E1").
    DeletedArgument {
        id: Id,
        roles: Vec<String>,
    },
    TaggedHere {
        count: usize,
        kind: String,
    },
    TaggedCorpus {
        count: usize,
        needle: String,
        kind: String,
        documents: usize,
    },
    NotTagged(Vec<String>),
    CorpusStep {
        undo: bool,
        what: String,
        documents: usize,
    },
    CorpusStepFailed {
        undo: bool,
        documents: usize,
    },
}

impl Notice {
    /// Whether the user must act (shown as an error rather than a passing note).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Self::Refused(_)
                | Self::NotAdded(_)
                | Self::Damage(_)
                | Self::OtherTabUnreadable(_)
                | Self::StillNotSaved
                | Self::NotTagged(_)
                | Self::CorpusStepFailed { .. }
        )
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(why) => write!(f, "{why}"),
            Self::NotAdded(why) => write!(f, "The articles were not added: {why}"),
            Self::Skipped(titles) => {
                write!(f, "Already in the corpus, skipped: {}", titles.join(", "))
            }
            Self::Damage(what) => f.write_str(what),
            Self::SchemaSet(name) => write!(f, "The schema is now {name}."),
            Self::SchemaFollowed(name) => write!(f, "Another tab switched the schema to {name}."),
            Self::MergedWithOtherTab { title, conflicts } => {
                write!(
                    f,
                    "“{title}” was also edited in another tab; both sets of edits were merged."
                )?;
                if *conflicts > 0 {
                    write!(
                        f,
                        " {} changed in both; this tab's version was kept.",
                        count(*conflicts, "annotation")
                    )?;
                }
                Ok(())
            }
            Self::OtherTab { added, deleted } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("added {}", added.join(", ")));
                }
                if *deleted > 0 {
                    parts.push(format!("deleted {}", count(*deleted, "document")));
                }
                write!(f, "Another tab {}.", parts.join("; "))
            }
            Self::OtherTabUnreadable(title) => write!(
                f,
                "Another tab added “{title}”, but its stored value cannot be read here; reload to see it."
            ),
            Self::SavedAgain => {
                f.write_str("Saved: storage has room again, and every edit is stored.")
            }
            Self::StillNotSaved => f.write_str(
                "Still not saved: storage is still full. Export, then delete documents you no longer need.",
            ),
            Self::DeletedArgument { id, roles } => write!(
                f,
                "Deleted {id}, which was the {}. Press Ctrl+Z to restore it.",
                roles.join(" and the ")
            ),
            Self::TaggedHere { count, kind } => {
                write!(f, "Tagged {count} more occurrences as {kind}.")
            }
            Self::TaggedCorpus {
                count,
                needle,
                kind,
                documents,
            } => write!(
                f,
                "Tagged {count} more occurrences of “{needle}” as {kind} in {}. \
                 Ctrl+Z undoes all of them at once until your next edit; after that, \
                 each document undoes its own.",
                plural::count(*documents, "document")
            ),
            Self::NotTagged(failures) => write!(f, "Not tagged in: {}", failures.join("; ")),
            Self::CorpusStep {
                undo,
                what,
                documents,
            } => {
                let verb = if *undo { "Undid" } else { "Redid" };
                write!(f, "{verb} tagging {what} in {}.", count(*documents, "document"))
            }
            Self::CorpusStepFailed { undo, documents } => write!(
                f,
                "Could not {} the tagging in {}.",
                if *undo { "undo" } else { "redo" },
                count(*documents, "document")
            ),
        }
    }
}
