//! Host access permissions, Deno-style: what a run may read, write, connect
//! to and see of the environment. Every host operation of the VM asks
//! [`Permissions::check`] first; a refusal is a catchable Morph error of jenis
//! `ErrorIzin` (`codes::PERMISSION`) naming the operation and the flag that would allow it.
//!
//! A grant is written as the command-line flags that give it
//! (`--allow-read=/data`, `--deny-net`, …), which is also how tasks carry
//! their requested grants and how tickets and `status` show them. Paths are
//! resolved (symlinks, `..`, relative to the working directory) both when a
//! grant is made and when an operation is checked, so `/data/../etc` or a
//! symlink out of `/data` is not under `/data`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// A kind of host access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    Read,
    Write,
    Net,
    Env,
}

impl Access {
    pub const ALL: [Access; 4] = [Access::Read, Access::Write, Access::Net, Access::Env];

    /// The flag word: `read` in `--allow-read`.
    pub fn word(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Net => "net",
            Access::Env => "env",
        }
    }
}

/// Which targets a rule covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Scope {
    /// No target.
    #[default]
    Nothing,
    /// Every target.
    Everything,
    /// These targets (normalised: sorted, no entry covered by another).
    Only(Vec<String>),
}

/// One kind's rule: allowed targets minus denied ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Rule {
    pub allow: Scope,
    pub deny: Scope,
}

/// The grants of one run. `Default` grants nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Permissions {
    pub read: Rule,
    pub write: Rule,
    pub net: Rule,
    pub env: Rule,
    /// Directories whose `.fox` files may be imported even without read
    /// access (the main program's own directory under `fox run`, as Deno
    /// lets a program load its own modules). Not part of a task's grant.
    pub import_roots: Vec<String>,
    /// For a grant made by [`Permissions::intersect`]: what was asked for,
    /// so a refusal can say that the cap (a worker's), not the request,
    /// stood in the way.
    #[serde(default)]
    pub requested: Option<Box<Permissions>>,
}

/// Why a flag could not be understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagError(pub String);

impl fmt::Display for FlagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FlagError {}

impl Permissions {
    /// Everything allowed (`fox run`'s default, `--allow-all`).
    pub fn all() -> Permissions {
        let open = Rule {
            allow: Scope::Everything,
            deny: Scope::Nothing,
        };
        Permissions {
            read: open.clone(),
            write: open.clone(),
            net: open.clone(),
            env: open,
            import_roots: Vec::new(),
            requested: None,
        }
    }

    /// Nothing allowed (`--sandbox`, a task's starting point).
    pub fn none() -> Permissions {
        Permissions::default()
    }

    pub fn rule(&self, a: Access) -> &Rule {
        match a {
            Access::Read => &self.read,
            Access::Write => &self.write,
            Access::Net => &self.net,
            Access::Env => &self.env,
        }
    }

    fn rule_mut(&mut self, a: Access) -> &mut Rule {
        match a {
            Access::Read => &mut self.read,
            Access::Write => &mut self.write,
            Access::Net => &mut self.net,
            Access::Env => &mut self.env,
        }
    }

    /// Apply flags to `self`: `--allow-KIND[=A,B]`, `--deny-KIND[=A,B]`,
    /// `--allow-all`/`-A`. Paths are resolved against `cwd`.
    pub fn apply_flags<S: AsRef<str>>(&mut self, flags: &[S], cwd: &Path) -> Result<(), FlagError> {
        for flag in flags {
            self.apply_flag(flag.as_ref(), cwd)?;
        }
        Ok(())
    }

    /// Permissions from nothing plus `flags`.
    pub fn from_flags<S: AsRef<str>>(flags: &[S], cwd: &Path) -> Result<Permissions, FlagError> {
        let mut p = Permissions::none();
        p.apply_flags(flags, cwd)?;
        Ok(p)
    }

    fn apply_flag(&mut self, flag: &str, cwd: &Path) -> Result<(), FlagError> {
        if flag == "--allow-all" || flag == "-A" {
            for a in Access::ALL {
                self.rule_mut(a).allow = Scope::Everything;
            }
            return Ok(());
        }
        let (head, list) = match flag.split_once('=') {
            Some((h, l)) => (h, Some(l)),
            None => (flag, None),
        };
        let (deny, word) = if let Some(w) = head.strip_prefix("--allow-") {
            (false, w)
        } else if let Some(w) = head.strip_prefix("--deny-") {
            (true, w)
        } else {
            return Err(FlagError(format!("'{flag}' bukan flag izin")));
        };
        let access = Access::ALL
            .into_iter()
            .find(|a| a.word() == word)
            .ok_or_else(|| {
                FlagError(format!(
                    "'{flag}': jenis izin tidak dikenal '{word}' (read, write, net, env, all)"
                ))
            })?;
        let scope = match list {
            None => Scope::Everything,
            Some(list) => {
                let mut items = Vec::new();
                for raw in list.split(',').map(str::trim) {
                    if raw.is_empty() {
                        return Err(FlagError(format!("'{flag}': daftar berisi nilai kosong")));
                    }
                    items.push(
                        normalize_target(access, raw, cwd)
                            .map_err(|m| FlagError(format!("'{flag}': {m}")))?,
                    );
                }
                if items.is_empty() {
                    return Err(FlagError(format!("'{flag}': daftar kosong")));
                }
                Scope::Only(items)
            }
        };
        let rule = self.rule_mut(access);
        let slot = if deny {
            &mut rule.deny
        } else {
            &mut rule.allow
        };
        *slot = union(access, slot, &scope);
        Ok(())
    }

    /// The flags that give exactly these grants (import roots aside), in a
    /// fixed order; empty when nothing is granted.
    pub fn to_flags(&self) -> Vec<String> {
        let mut out = Vec::new();
        if Access::ALL.iter().all(|a| {
            let r = self.rule(*a);
            r.allow == Scope::Everything && r.deny == Scope::Nothing
        }) {
            out.push("--allow-all".to_string());
            return out;
        }
        for a in Access::ALL {
            let r = self.rule(a);
            for (word, scope) in [("allow", &r.allow), ("deny", &r.deny)] {
                match scope {
                    Scope::Nothing => {}
                    Scope::Everything => out.push(format!("--{word}-{}", a.word())),
                    Scope::Only(items) => {
                        out.push(format!("--{word}-{}={}", a.word(), items.join(",")))
                    }
                }
            }
        }
        out
    }

    /// What a holder of both `self` and `cap` may do: a task's request
    /// limited by what its worker allows.
    pub fn intersect(&self, cap: &Permissions) -> Permissions {
        let mut out = Permissions {
            import_roots: self.import_roots.clone(),
            requested: Some(Box::new(Permissions {
                requested: None,
                ..self.clone()
            })),
            ..Permissions::none()
        };
        for a in Access::ALL {
            let (x, y) = (self.rule(a), cap.rule(a));
            let r = out.rule_mut(a);
            r.allow = intersect(a, &x.allow, &y.allow);
            r.deny = union(a, &x.deny, &y.deny);
        }
        out
    }

    /// Does `self` allow anything `narrower` does not? (`fox resume` with
    /// flags wider than the ticket's must say so.)
    pub fn widens(&self, narrower: &Permissions) -> Vec<String> {
        let mut wider = Vec::new();
        for a in Access::ALL {
            let (new, old) = (self.rule(a), narrower.rule(a));
            let allow_grew = intersect(a, &new.allow, &old.allow) != new.allow;
            let deny_shrank = union(a, &new.deny, &old.deny) != new.deny;
            if allow_grew || deny_shrank {
                wider.push(a.word().to_string());
            }
        }
        wider
    }

    /// Is every kind fully allowed?
    pub fn is_all(&self) -> bool {
        Access::ALL.iter().all(|a| {
            let r = self.rule(*a);
            r.allow == Scope::Everything && r.deny == Scope::Nothing
        })
    }

    /// Check one access to `target` (a path, `host:port` or variable name,
    /// already normalised with [`resolve_path`] / [`net_target`]).
    pub fn check(&self, access: Access, target: &str) -> Result<(), Denied> {
        self.check_deny(access, target)?;
        if covered_by(access, &self.rule(access).allow, target).is_some() {
            return Ok(());
        }
        let flag = format!("--allow-{}={}", access.word(), target);
        match &self.requested {
            Some(asked) if asked.check(access, target).is_ok() => Err(Denied::Capped(flag)),
            _ => Err(Denied::NotGranted(flag)),
        }
    }

    /// Is `target` refused by a `--deny-*` rule? (A connection checks the
    /// addresses its host name resolves to with this too: a denied address
    /// is not reachable under another name.)
    pub fn check_deny(&self, access: Access, target: &str) -> Result<(), Denied> {
        match covered_by(access, &self.rule(access).deny, target) {
            None => Ok(()),
            Some(by) => Err(Denied::ByDeny(match by {
                Some(item) => format!("--deny-{}={item}", access.word()),
                None => format!("--deny-{}", access.word()),
            })),
        }
    }

    /// Is a path below `path` (resolved) refused by a `--deny-*` rule of
    /// `access`? Deleting or moving a directory deletes or moves what is
    /// in it, so a denied path inside must refuse the whole operation.
    pub fn check_below(&self, access: Access, path: &str) -> Result<(), Denied> {
        match &self.rule(access).deny {
            Scope::Only(items) => match items.iter().find(|i| path_covers(path, i)) {
                Some(item) => Err(Denied::ByDeny(format!("--deny-{}={item}", access.word()))),
                None => Ok(()),
            },
            Scope::Everything => Err(Denied::ByDeny(format!("--deny-{}", access.word()))),
            Scope::Nothing => Ok(()),
        }
    }

    /// May the module file at `path` (resolved) be imported?
    pub fn check_import(&self, path: &str) -> Result<(), Denied> {
        if self.import_roots.iter().any(|root| path_covers(root, path)) {
            return Ok(());
        }
        self.check(Access::Read, path)
    }
}

impl fmt::Display for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flags = self.to_flags();
        if flags.is_empty() {
            f.write_str("tanpa izin")
        } else {
            f.write_str(&flags.join(" "))
        }
    }
}

/// Why an access was refused: the flag that would allow it, or the deny
/// flag that forbids it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denied {
    NotGranted(String),
    ByDeny(String),
    /// Asked for, but beyond the cap the grant was limited by (a task's
    /// worker): the flag the cap would need.
    Capped(String),
}

impl Denied {
    /// The message of the Morph error: `what` is the operation, e.g.
    /// `membaca '/etc/passwd'`.
    pub fn message(&self, what: &str) -> String {
        match self {
            Denied::NotGranted(flag) => format!("Izin ditolak: {what} (butuh {flag})"),
            Denied::ByDeny(flag) => format!("Izin ditolak: {what} (dilarang oleh {flag})"),
            Denied::Capped(flag) => format!(
                "Izin ditolak: {what} (diminta tugas, tetapi pekerja tidak mengizinkan; pekerja butuh {flag})"
            ),
        }
    }
}

/// Normalise one flag entry of `access`.
fn normalize_target(access: Access, raw: &str, cwd: &Path) -> Result<String, String> {
    match access {
        Access::Read | Access::Write => {
            let path = resolve_path(Path::new(raw), cwd);
            // Grants travel as comma-separated flags (to tasks, in
            // tickets): a comma inside a path would split it into others.
            if path.contains(',') {
                return Err(format!(
                    "path '{path}' mengandung koma (tidak bisa menjadi flag izin)"
                ));
            }
            Ok(path)
        }
        Access::Net => net_flag_target(raw),
        Access::Env => {
            let name = raw.strip_suffix('*').unwrap_or(raw);
            if name.contains('=') || name.contains('\0') || name.contains('*') {
                return Err(format!("nama variabel lingkungan tidak sah '{raw}'"));
            }
            Ok(raw.to_string())
        }
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`, lower-cased.
fn net_flag_target(raw: &str) -> Result<String, String> {
    let lower = raw.to_ascii_lowercase();
    let (host, port) = split_host_port(&lower);
    let whole = match port {
        None => host.len() == lower.len(),
        Some(p) => host.len() + 1 + p.len() == lower.len(),
    };
    if !whole
        || host.is_empty()
        || host
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_')))
    {
        return Err(format!("host tidak sah '{raw}'"));
    }
    // A bare IPv6 address is written in brackets, as connections name it.
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    match port {
        None => Ok(host),
        Some(p) => p
            .parse::<u16>()
            .map(|p| format!("{host}:{p}"))
            .map_err(|_| format!("port tidak sah di '{raw}'")),
    }
}

/// Split `host:port` (IPv6 in brackets). A bare IPv6 address has no port.
fn split_host_port(s: &str) -> (&str, Option<&str>) {
    if s.starts_with('[') {
        if let Some(end) = s.find(']') {
            let rest = &s[end + 1..];
            return (&s[..=end], rest.strip_prefix(':'));
        }
        return (s, None);
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (s, None),
    }
}

/// The normalised target of a connection to `host` on `port`.
pub fn net_target(host: &str, port: u16) -> String {
    let host = host.to_ascii_lowercase();
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Resolve `path` against `cwd` as the kernel would when the operation
/// runs: component by component, every symlink met followed (dangling ones
/// too: writing through a link creates its target), `..` applied to what
/// the path has become by then, and names that do not exist kept as they
/// are. The result contains no symlink, so the path that is checked is the
/// path that is touched.
pub fn resolve_path(path: &Path, cwd: &Path) -> String {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut hops = 0;
    let mut done = resolve_from(PathBuf::new(), &joined, &mut hops);
    if done.as_os_str().is_empty() {
        done.push("/");
    }
    done.to_string_lossy().into_owned()
}

/// Symlinks followed in one resolution at most (the kernel's limit too:
/// a longer chain fails with ELOOP when the operation runs).
const MAX_SYMLINK_HOPS: u32 = 40;

/// `path` resolved on top of `done` (a path without symlinks).
fn resolve_from(mut done: PathBuf, path: &Path, hops: &mut u32) -> PathBuf {
    for c in path.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => done = PathBuf::from(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                done.pop();
            }
            Component::Normal(name) => {
                let next = done.join(name);
                match std::fs::read_link(&next) {
                    Ok(_) if *hops >= MAX_SYMLINK_HOPS => {
                        // Too many links: the kernel would fail with ELOOP.
                        // A name with a NUL byte is no file, so the checked
                        // path can be touched by nothing (and contains no
                        // link the kernel would follow unchecked).
                        done = done.join("\0symlink-loop");
                    }
                    Ok(target) => {
                        *hops += 1;
                        // Relative targets start in the link's directory;
                        // absolute ones start over at the root.
                        done = resolve_from(done, &target, hops);
                    }
                    // Not a link, or not there.
                    Err(_) => done = next,
                }
            }
        }
    }
    done
}

/// Resolve the directory entry `path` names without following it if it is
/// a symlink itself: deleting or renaming a link touches the link, not
/// its target.
pub fn resolve_entry(path: &Path, cwd: &Path) -> String {
    match (path.parent(), path.components().next_back()) {
        (Some(parent), Some(Component::Normal(name))) => {
            let dir = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            let mut out = PathBuf::from(resolve_path(dir, cwd));
            out.push(name);
            out.to_string_lossy().into_owned()
        }
        _ => resolve_path(path, cwd),
    }
}

/// Does the grant path `root` cover `path` (itself or below it)?
fn path_covers(root: &str, path: &str) -> bool {
    Path::new(path).starts_with(Path::new(root))
}

/// Does `item` (a grant entry of `access`) cover `target`?
fn covers(access: Access, item: &str, target: &str) -> bool {
    match access {
        Access::Read | Access::Write => path_covers(item, target),
        Access::Net => {
            if item == target {
                return true;
            }
            // A host without a port covers every port of that host.
            let (th, _) = split_host_port(target);
            let (ih, ip) = split_host_port(item);
            ip.is_none() && ih == th
        }
        Access::Env => match item.strip_suffix('*') {
            Some(prefix) => target.starts_with(prefix),
            None => item == target,
        },
    }
}

/// `Some(None)` when `scope` covers everything, `Some(Some(item))` when an
/// entry covers `target`, `None` when nothing does.
fn covered_by<'a>(access: Access, scope: &'a Scope, target: &str) -> Option<Option<&'a str>> {
    match scope {
        Scope::Nothing => None,
        Scope::Everything => Some(None),
        Scope::Only(items) => items
            .iter()
            .find(|i| covers(access, i, target))
            .map(|i| Some(i.as_str())),
    }
}

/// Sorted, deduplicated, without entries another entry covers.
fn normalize(access: Access, mut items: Vec<String>) -> Scope {
    items.sort();
    items.dedup();
    let kept: Vec<String> = items
        .iter()
        .filter(|i| !items.iter().any(|o| o != *i && covers(access, o, i)))
        .cloned()
        .collect();
    if kept.is_empty() {
        Scope::Nothing
    } else {
        Scope::Only(kept)
    }
}

fn union(access: Access, a: &Scope, b: &Scope) -> Scope {
    match (a, b) {
        (Scope::Everything, _) | (_, Scope::Everything) => Scope::Everything,
        (Scope::Nothing, x) | (x, Scope::Nothing) => x.clone(),
        (Scope::Only(x), Scope::Only(y)) => {
            normalize(access, x.iter().chain(y.iter()).cloned().collect())
        }
    }
}

fn intersect(access: Access, a: &Scope, b: &Scope) -> Scope {
    match (a, b) {
        (Scope::Nothing, _) | (_, Scope::Nothing) => Scope::Nothing,
        (Scope::Everything, x) | (x, Scope::Everything) => x.clone(),
        (Scope::Only(x), Scope::Only(y)) => {
            let mut out = Vec::new();
            for i in x {
                for j in y {
                    if covers(access, j, i) {
                        out.push(i.clone());
                    } else if covers(access, i, j) {
                        out.push(j.clone());
                    }
                }
            }
            normalize(access, out)
        }
    }
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    fn p(flags: &[&str]) -> Permissions {
        match Permissions::from_flags(flags, Path::new("/w")) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn paths_resolve_lexically_beyond_what_exists() {
        let cwd = Path::new("/nonexistent-fox-dir");
        assert_eq!(
            resolve_path(Path::new("a/../b/./c"), cwd),
            "/nonexistent-fox-dir/b/c"
        );
        assert_eq!(resolve_path(Path::new("/../.."), cwd), "/");
    }

    #[test]
    fn symlinks_resolve_as_the_kernel_follows_them() {
        let base = std::env::temp_dir().join(format!("fox-izin-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let mk = |r: std::io::Result<()>| r.unwrap_or_else(|e| panic!("{e}"));
        mk(std::fs::create_dir_all(base.join("data")));
        mk(std::fs::create_dir_all(base.join("rahasia")));
        for (link, target) in [
            ("data/tautan", "../rahasia"),
            ("data/putus", "../rahasia/baru.txt"),
            ("data/lingkar", "lingkar"),
        ] {
            mk(std::os::unix::fs::symlink(target, base.join(link)));
        }
        let d = std::fs::canonicalize(&base).unwrap_or_else(|e| panic!("{e}"));
        let r = |p: &str| resolve_path(Path::new(p), &d);
        let at = |p: &str| d.join(p).to_string_lossy().into_owned();
        assert_eq!(r("data/tautan/kunci.txt"), at("rahasia/kunci.txt"));
        assert_eq!(r("data/tautan/../data/a.txt"), at("data/a.txt"));
        // A dangling link is followed: writing through it creates its target.
        assert_eq!(r("data/putus"), at("rahasia/baru.txt"));
        // Links after a missing directory and `..` are still followed.
        assert_eq!(r("data/tidak_ada/../tautan/x"), at("rahasia/x"));
        // A deleted or renamed link is the link itself.
        assert_eq!(resolve_entry(Path::new("data/putus"), &d), at("data/putus"));
        // A loop resolves to no file at all.
        assert!(r("data/lingkar/x").contains('\0'));
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn denials_below_a_moved_or_deleted_directory() {
        let g = p(&["--allow-write=/d", "--deny-write=/d/data/tetap"]);
        assert!(g.check_below(Access::Write, "/d/keluar").is_ok());
        assert_eq!(
            g.check_below(Access::Write, "/d/data"),
            Err(Denied::ByDeny("--deny-write=/d/data/tetap".into()))
        );
        assert!(g.check_below(Access::Read, "/d/data").is_ok());
    }

    #[test]
    fn flags_that_cannot_mean_what_they_say_are_refused() {
        let bad = |f: &str, cwd: &str| Permissions::from_flags(&[f], Path::new(cwd)).is_err();
        assert!(bad("--allow-read=", "/"));
        assert!(bad("--allow-read=a,,b", "/"));
        // A comma from the working directory would split the path later.
        assert!(bad("--allow-read=data", "/nonexistent-fox-dir/a,b"));
        assert!(bad("--allow-net=[::1]x", "/"));
        assert!(bad("--allow-net=host:", "/"));
        let v6 = p(&["--allow-net=::1"]);
        assert!(v6.check(Access::Net, &net_target("::1", 80)).is_ok());
        assert_eq!(v6.to_flags(), vec!["--allow-net=[::1]"]);
    }

    #[test]
    fn read_grants_cover_subtrees_only() {
        let g = p(&["--allow-read=/data"]);
        assert!(g.check(Access::Read, "/data").is_ok());
        assert!(g.check(Access::Read, "/data/x/y").is_ok());
        assert!(g.check(Access::Read, "/database").is_err());
        assert!(g.check(Access::Write, "/data/x").is_err());
        let d = p(&["--allow-read", "--deny-read=/data/secret"]);
        assert!(d.check(Access::Read, "/etc").is_ok());
        assert_eq!(
            d.check(Access::Read, "/data/secret/k"),
            Err(Denied::ByDeny("--deny-read=/data/secret".into()))
        );
    }

    #[test]
    fn net_and_env_targets() {
        let g = p(&[
            "--allow-net=Example.com,10.0.0.1:80",
            "--allow-env=HOME,AWS_*",
        ]);
        assert!(g
            .check(Access::Net, &net_target("example.com", 443))
            .is_ok());
        assert!(g.check(Access::Net, &net_target("10.0.0.1", 80)).is_ok());
        assert!(g.check(Access::Net, &net_target("10.0.0.1", 81)).is_err());
        assert!(g.check(Access::Env, "AWS_KEY").is_ok());
        assert!(g.check(Access::Env, "PATH").is_err());
        assert!(Permissions::from_flags(&["--allow-net=a:99999"], Path::new("/")).is_err());
        assert!(Permissions::from_flags(&["--allow-foo"], Path::new("/")).is_err());
    }

    #[test]
    fn intersection_never_exceeds_either_side() {
        let task = p(&["--allow-read=/", "--allow-net=api.x:443", "--allow-env"]);
        let worker = p(&[
            "--allow-read=/data",
            "--allow-net=api.x",
            "--deny-read=/data/k",
        ]);
        let eff = task.intersect(&worker);
        assert_eq!(
            eff.to_flags(),
            vec![
                "--allow-read=/data",
                "--deny-read=/data/k",
                "--allow-net=api.x:443"
            ]
        );
        assert!(eff.check(Access::Env, "HOME").is_err());
        assert!(eff.widens(&task).is_empty());
        assert_eq!(task.widens(&eff), vec!["read", "env"]);
    }

    #[test]
    fn flags_round_trip() {
        for flags in [
            vec!["--allow-all"],
            vec!["--allow-read=/a,/b", "--deny-write"],
            vec![],
        ] {
            let g = p(&flags);
            assert_eq!(
                p(&g.to_flags().iter().map(String::as_str).collect::<Vec<_>>()),
                g
            );
        }
        assert_eq!(Permissions::none().to_string(), "tanpa izin");
        assert!(Permissions::all().is_all());
    }
}
