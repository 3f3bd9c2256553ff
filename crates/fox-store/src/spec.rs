//! `StoreSpec`: which store to open, parsed from a string such as
//! `sqlite:.fox/store.db`, `memory:` or `postgres://fox@db:5432/fox`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::{StoreError, StoreErrorKind};

/// The accepted spec forms, quoted in every parse error.
pub const ACCEPTED_FORMS: &str = "`sqlite:PATH`, `memory:` atau `postgres://USER@HOST:PORT/DB`";

/// Where a store lives. New backends (e.g. PostgreSQL) become new variants.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreSpec {
    /// A SQLite database file (`sqlite:PATH`); missing parent directories are created on open.
    Sqlite(PathBuf),
    /// An in-memory store (`memory:`), empty on open and gone when dropped.
    Memory,
    /// A PostgreSQL database, by its URL (`postgres://…` or
    /// `postgresql://…`, kept as given so it round-trips; the store
    /// describes itself without the password).
    Postgres(String),
}

impl StoreSpec {
    /// Parse `sqlite:PATH`, `memory:` or a `postgres://`/`postgresql://`
    /// URL (its syntax is checked here, the server when the store is
    /// opened). Anything else is a
    /// [`StoreErrorKind::BadSpec`] error naming the accepted forms.
    pub fn parse(spec: &str) -> Result<StoreSpec, StoreError> {
        let bad = |why: &str| {
            StoreError::new(
                StoreErrorKind::BadSpec,
                format!("{spec:?}"),
                "spesifikasi penyimpanan tidak sah",
                format!("{why}; yang diterima: {ACCEPTED_FORMS}"),
            )
        };
        let Some((scheme, rest)) = spec.split_once(':') else {
            return Err(bad("tidak ada `jenis:` di depan"));
        };
        match scheme {
            "sqlite" if rest.is_empty() => Err(bad("`sqlite:` butuh jalur berkas")),
            "sqlite" => Ok(StoreSpec::Sqlite(PathBuf::from(rest))),
            "memory" if rest.is_empty() => Ok(StoreSpec::Memory),
            "memory" => Err(bad("`memory:` tidak menerima apa pun setelah titik dua")),
            "postgres" | "postgresql" => match crate::pg_config(spec) {
                Ok(_) => Ok(StoreSpec::Postgres(spec.to_owned())),
                // Named without its password.
                Err(why) => Err(StoreError::new(
                    StoreErrorKind::BadSpec,
                    format!("{:?}", crate::pg_describe(spec)),
                    "spesifikasi penyimpanan tidak sah",
                    format!("{why}; yang diterima: {ACCEPTED_FORMS}"),
                )),
            },
            _ => Err(bad(&format!("jenis penyimpanan tidak dikenal {scheme:?}"))),
        }
    }
}

impl FromStr for StoreSpec {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StoreSpec::parse(s)
    }
}

impl fmt::Display for StoreSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreSpec::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreSpec::Memory => f.write_str("memory:"),
            StoreSpec::Postgres(url) => f.write_str(url),
        }
    }
}
