//! The world the permission tests run in: a fixture directory `$D` (data,
//! a secret directory outside it, symlinks out of and within it, modules
//! and task programs), TCP echo servers on 127.0.0.1 (`$P`, `$Q`), `fox`
//! with a clean environment holding only the test variables, and output
//! normalised so `$D` and the ports read as those names.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fox() -> &'static str {
    env!("CARGO_BIN_EXE_fox")
}

/// The environment every `fox` of these tests runs with (and nothing else).
pub const ENV: &[(&str, &str)] = &[
    ("FOX_UJI_A", "alfa"),
    ("FOX_UJI_B", "beta"),
    ("FOX_UJI_C", "gamma"),
    ("BUKAN_UJI", "delta"),
];

/// `fox` in `dir` with exactly [`ENV`] as its environment.
pub fn fox_command(dir: &Path) -> Command {
    let mut c = Command::new(fox());
    c.current_dir(dir)
        .env_clear()
        .envs(ENV.iter().copied())
        .stdin(std::process::Stdio::null());
    c
}

/// A fresh fixture directory (canonical, so messages name it exactly):
///
/// ```text
/// data/a.txt "isi a"   data/b.txt "isi b"   data/sub/c.txt "isi c"
/// data/modul_data.fox               data/tugas.fox
/// data/tautan -> ../rahasia         data/tautan_berkas -> ../rahasia/kunci.txt
/// data/tautan_dalam -> a.txt        data/tautan_sub -> sub
/// data/tautan_modul.fox -> ../rahasia/modul_rahasia.fox
/// data/putus -> ../rahasia/baru.txt (dangling)
/// rahasia/kunci.txt "kunci rahasia" rahasia/modul_rahasia.fox  rahasia/tugas.fox
/// keluar/ (empty)
/// ```
pub fn fixture(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-izin-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let dir = std::fs::canonicalize(&dir).unwrap();
    let files = [
        ("data/a.txt", "isi a"),
        ("data/b.txt", "isi b"),
        ("data/sub/c.txt", "isi c"),
        ("data/modul_data.fox", "biar asal = \"modul data\"\n"),
        ("data/tugas.fox", "tulis(\"tugas data\")\n"),
        ("rahasia/kunci.txt", "kunci rahasia"),
        (
            "rahasia/modul_rahasia.fox",
            "biar asal = \"modul rahasia\"\n",
        ),
        ("rahasia/tugas.fox", "tulis(\"tugas rahasia\")\n"),
    ];
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    std::fs::create_dir_all(dir.join("keluar")).unwrap();
    let links = [
        ("data/tautan", "../rahasia"),
        ("data/tautan_berkas", "../rahasia/kunci.txt"),
        ("data/tautan_dalam", "a.txt"),
        ("data/tautan_sub", "sub"),
        ("data/tautan_modul.fox", "../rahasia/modul_rahasia.fox"),
        ("data/putus", "../rahasia/baru.txt"),
    ];
    for (link, target) in links {
        std::os::unix::fs::symlink(target, dir.join(link)).unwrap();
    }
    dir
}

/// Files the runs make beside the fixture that are not part of it.
fn bookkeeping(name: &str) -> bool {
    name.starts_with("store.db") || name.starts_with("antrean.db") || name == "ticket.key"
}

/// Every entry of the fixture, sorted: `path/` for directories,
/// `path -> target` for symlinks, `path: content` for files.
pub fn tree(dir: &Path) -> String {
    fn walk(root: &Path, rel: &Path, out: &mut Vec<String>) {
        let mut names: Vec<_> = std::fs::read_dir(root.join(rel))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        for n in names {
            let r = rel.join(&n);
            if rel.as_os_str().is_empty() && bookkeeping(&n.to_string_lossy()) {
                continue;
            }
            let p = root.join(&r);
            let m = std::fs::symlink_metadata(&p).unwrap();
            let shown = r.to_string_lossy();
            if m.file_type().is_symlink() {
                let t = std::fs::read_link(&p).unwrap();
                out.push(format!("{shown} -> {}", t.display()));
            } else if m.is_dir() {
                out.push(format!("{shown}/"));
                walk(root, &r, out);
            } else {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                out.push(format!("{shown}: {text:?}"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, Path::new(""), &mut out);
    out.iter().map(|l| format!("{l}\n")).collect()
}

/// A TCP echo server on 127.0.0.1 (a thread per connection, for the life
/// of the test process); its port.
pub fn echo_server() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 1024];
                while let Ok(n) = s.read(&mut buf) {
                    if n == 0 || s.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

/// Replace `from` by `to` where it stands as a whole number (no digit on
/// either side).
fn replace_number(text: &str, from: u16, to: &str) -> String {
    let needle = from.to_string();
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(&needle) {
        out.push_str(&rest[..i]);
        let prev = out.chars().last();
        let next = rest[i + needle.len()..].chars().next();
        if prev.is_some_and(|c| c.is_ascii_digit()) || next.is_some_and(|c| c.is_ascii_digit()) {
            out.push_str(&needle);
        } else {
            out.push_str(to);
        }
        rest = &rest[i + needle.len()..];
    }
    out.push_str(rest);
    out
}

/// The places and ports of one run, and how to write them in expected
/// output.
pub struct Names {
    /// (text, name) pairs, longest text first.
    pub paths: Vec<(String, String)>,
    pub ports: Vec<(u16, String)>,
}

impl Names {
    pub fn normalize(&self, text: &str) -> String {
        let mut t = text.to_string();
        for (from, to) in &self.paths {
            t = t.replace(from.as_str(), to);
        }
        for (port, to) in &self.ports {
            t = replace_number(&t, *port, to);
        }
        t
    }

    /// `$D`, `$P`, … in a flag or argument replaced by their values.
    pub fn expand(&self, text: &str) -> String {
        let mut t = text.to_string();
        for (value, name) in &self.paths {
            t = t.replace(name.as_str(), value);
        }
        for (port, name) in &self.ports {
            t = t.replace(name.as_str(), &port.to_string());
        }
        t
    }
}

/// Compare `actual` with the expected file; with `FOX_BLESS=1` write it
/// instead when it is missing or differs. `Err` describes a mismatch.
pub fn check_expected(path: &Path, actual: &str) -> Result<(), String> {
    let expected = std::fs::read_to_string(path).ok();
    if expected.as_deref() == Some(actual) {
        return Ok(());
    }
    if std::env::var_os("FOX_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(path, actual).unwrap();
        eprintln!("blessed {}", path.display());
        return Ok(());
    }
    match expected {
        None => Err(format!(
            "{}: missing (FOX_BLESS=1 writes it); actual:\n{actual}",
            path.display()
        )),
        Some(exp) => Err(format!(
            "{}: differs\n{}",
            path.display(),
            line_diff(&exp, actual)
        )),
    }
}

/// The lines that differ, marked `-` (expected) and `+` (actual).
fn line_diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            if let Some(x) = x {
                out.push_str(&format!("  {:>3} - {x}\n", i + 1));
            }
            if let Some(y) = y {
                out.push_str(&format!("  {:>3} + {y}\n", i + 1));
            }
        }
    }
    out
}
