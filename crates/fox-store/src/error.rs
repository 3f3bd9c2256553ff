//! `StoreError`: every failure of a store, saying which store (or spec) it
//! concerns, what was being done, and what went wrong.

use std::error::Error;
use std::fmt;

/// What kind of failure a [`StoreError`] is, for callers that react to it
/// (for example to tell a user to delete or move a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The store spec string is not one of the accepted forms.
    BadSpec,
    /// The file exists but is not a SQLite database.
    NotADatabase,
    /// The file is a SQLite database, but not a Fox store.
    NotAStore,
    /// The store was written by a newer Fox with a schema this one does not know.
    NewerSchema,
    /// The database reports corruption.
    Corrupt,
    /// Another process held the store locked for longer than the busy timeout.
    Busy,
    /// The file system refused (missing permission, disk full, cannot create a directory…).
    Io,
    /// Any other failure reported by the backend.
    Backend,
}

/// A failed store operation. `Display` reads like
/// `penyimpanan sqlite:/p/.fox/store.db: tidak bisa dibuka: berkas bukan basis data SQLite (…)`.
#[derive(Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    store: String,
    action: String,
    detail: String,
    source: Option<Box<dyn Error + Send + Sync + 'static>>,
}

impl StoreError {
    /// A new error about `store` (its `describe()` text or the spec string),
    /// raised while doing `action` (e.g. `"tidak bisa dibuka"`, `"tidak bisa membaca kunci \"x\""`).
    pub fn new(
        kind: StoreErrorKind,
        store: impl Into<String>,
        action: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        StoreError {
            kind,
            store: store.into(),
            action: action.into(),
            detail: detail.into(),
            source: None,
        }
    }

    /// Attach the underlying error, returned by [`Error::source`].
    pub fn with_source(mut self, source: impl Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// The store (its `describe()` text) or spec string the error concerns.
    pub fn store(&self) -> &str {
        &self.store
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "penyimpanan {}: {}", self.store, self.action)?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl Error for StoreError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}
