//! The key that signs `.z` tickets. It comes from `--ticket-key FILE`, else
//! the environment variable `FOX_TICKET_KEY` (the secret itself), else the
//! file `ticket.key` beside the store (`.fox/ticket.key` for the default
//! store), created with 32 random bytes on first use and readable only by
//! its owner. Machines that resume each other's tickets share the key
//! through one of the first two.

use fox_store::StoreSpec;
use fox_vm::snapshot::TicketKey;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The environment variable holding a ticket key.
pub const ENV: &str = "FOX_TICKET_KEY";

/// Where the key lives by default: beside a SQLite store's file, else in
/// `.fox/` of `dir` (the program's directory, or a worker's).
pub fn default_path(store: &StoreSpec, dir: &Path) -> PathBuf {
    match store {
        StoreSpec::Sqlite(p) => p
            .parent()
            .map(|d| d.join("ticket.key"))
            .unwrap_or_else(|| PathBuf::from("ticket.key")),
        _ => dir.join(".fox").join("ticket.key"),
    }
}

/// Where a key comes from, in order of precedence.
#[derive(Clone, Debug)]
pub struct KeySource {
    /// `--ticket-key FILE`: must exist.
    pub explicit: Option<PathBuf>,
    /// The default file, created if missing.
    pub default: PathBuf,
}

impl KeySource {
    /// The file the key is read from (`None`: it comes from the
    /// environment), for a child process that must use the same key.
    pub fn file(&self) -> Option<PathBuf> {
        match &self.explicit {
            Some(p) => Some(p.clone()),
            None if std::env::var_os(ENV).is_some() => None,
            None => Some(self.default.clone()),
        }
    }

    /// The key (creating the default file if needed).
    pub fn load(&self) -> Result<TicketKey, String> {
        if let Some(p) = &self.explicit {
            return read_key(p);
        }
        if let Ok(secret) = std::env::var(ENV) {
            return TicketKey::new(secret.trim().as_bytes())
                .map_err(|e| format!("fox: {ENV}: {e}"));
        }
        match read_key(&self.default) {
            Ok(k) => Ok(k),
            Err(_) if !self.default.exists() => create_key(&self.default),
            Err(e) => Err(e),
        }
    }
}

fn read_key(path: &Path) -> Result<TicketKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("fox: kunci tiket '{}': {e}", path.display()))?;
    TicketKey::new(text.trim().as_bytes())
        .map_err(|e| format!("fox: kunci tiket '{}': {e}", path.display()))
}

/// Write a new random key to `path`, atomically and only if no file is
/// there: two processes starting at once end up with the same key.
fn create_key(path: &Path) -> Result<TicketKey, String> {
    let fail = |e: std::io::Error| format!("fox: kunci tiket '{}': {e}", path.display());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut secret = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut secret))
        .map_err(fail)?;
    let text: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    // Written whole under a private name, then linked into place: the link
    // fails if the key appeared meanwhile, and nobody sees half a key.
    let tmp = path.with_extension(format!("key.{}.tmp", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let written = opts
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(format!("{text}\n").as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match written {
        Ok(()) => read_key(path),
        // Someone else created it first: theirs is the key.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_key(path),
        Err(e) => Err(fail(e)),
    }
}
