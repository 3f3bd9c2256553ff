//! The saved inputs of a target: the seed corpus (`fuzz/corpus/<target>/`,
//! small hand-picked or generated files checked into the repository) and
//! the regressions (`fuzz/regressions/<target>/`, every input that ever
//! failed). Both are replayed before a campaign explores; a new failing
//! input is written to the regressions under a name derived from its
//! contents, so saving twice keeps one file.

use std::io;
use std::path::{Path, PathBuf};

/// The repository's `fuzz/` folder (`FOX_FUZZ_DIR` overrides it).
pub fn root() -> PathBuf {
    match std::env::var_os("FOX_FUZZ_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz"),
    }
}

/// A saved input and where it came from.
#[derive(Clone, Debug)]
pub struct Saved {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The inputs of one target.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    pub seeds: Vec<Saved>,
    pub regressions: Vec<Saved>,
}

impl Corpus {
    /// Read both folders of `target` (a missing folder is empty).
    pub fn load(target: &str) -> io::Result<Corpus> {
        let root = root();
        Ok(Corpus {
            seeds: read_dir(&root.join("corpus").join(target))?,
            regressions: read_dir(&root.join("regressions").join(target))?,
        })
    }

    /// Every saved input's bytes, seeds first.
    pub fn all_bytes(&self) -> Vec<Vec<u8>> {
        self.seeds
            .iter()
            .chain(&self.regressions)
            .map(|s| s.bytes.clone())
            .collect()
    }
}

fn read_dir(dir: &Path) -> io::Result<Vec<Saved>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if path.is_file() && !hidden {
            let bytes = std::fs::read(&path)?;
            out.push(Saved { path, bytes });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// FNV-1a over the bytes: a stable name for a saved input.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Write a failing input to `fuzz/regressions/<target>/<hash>.<ext>`.
pub fn save_regression(target: &str, ext: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    save_into(&root().join("regressions").join(target), ext, bytes)
}

/// Write an input to `dir/<hash>.<ext>` (creating `dir`).
pub fn save_into(dir: &Path, ext: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{:016x}.{ext}", content_hash(bytes)));
    std::fs::write(&path, bytes)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_inputs_read_back_sorted_and_named_by_content() {
        let dir = std::env::temp_dir().join(format!("fox-fuzz-corpus-{}", std::process::id()));
        let a = save_into(&dir, "bin", b"satu").unwrap_or_default();
        let b = save_into(&dir, "bin", b"satu").unwrap_or_default();
        assert_eq!(a, b, "same content, same file");
        assert!(save_into(&dir, "bin", b"dua").is_ok());
        let read = read_dir(&dir).unwrap_or_default();
        assert_eq!(read.len(), 2);
        assert!(read[0].path < read[1].path);
        assert!(read_dir(&dir.join("tidak-ada")).is_ok_and(|v| v.is_empty()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
