//! The VM side of host permissions: every native that touches the host
//! (files, directories, the environment, the network, module files, task
//! submission) calls one of these first. A refusal raises a catchable
//! `ErrorIzin` (`codes::PERMISSION`) naming the operation and the flag that would allow
//! it; nothing reaches the host.

use crate::codes;
use crate::error::{RtError, RtResult};
use crate::permissions::{net_target, resolve_entry, resolve_path, Access, Denied};
use crate::vm::Vm;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

fn refused(d: Denied, what: String) -> RtError {
    codes::PERMISSION.err(d.message(&what))
}

/// The working directory relative paths are resolved against.
fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"))
}

impl Vm {
    /// May this run `access` (read or write) the file at `path`? Returns
    /// the resolved path, which the operation then uses, so the path that
    /// was checked is the path that is touched. `verb` describes the
    /// operation (`membaca`, `menulis`, …).
    pub(crate) fn permit_path(&self, access: Access, path: &str, verb: &str) -> RtResult<PathBuf> {
        let resolved = resolve_path(Path::new(path), &cwd());
        self.config
            .permissions
            .check(access, &resolved)
            .map_err(|d| refused(d, format!("{verb} '{path}'")))?;
        Ok(PathBuf::from(resolved))
    }

    /// Like [`Vm::permit_path`] for operations on the directory entry
    /// itself (delete, rename): a symlink named last is not followed.
    pub(crate) fn permit_entry(&self, access: Access, path: &str, verb: &str) -> RtResult<PathBuf> {
        let resolved = resolve_entry(Path::new(path), &cwd());
        self.config
            .permissions
            .check(access, &resolved)
            .map_err(|d| refused(d, format!("{verb} '{path}'")))?;
        Ok(PathBuf::from(resolved))
    }

    /// For deleting or moving `real` (a resolved entry, maybe a directory):
    /// is nothing below it denied `access`?
    pub(crate) fn permit_below(
        &self,
        access: Access,
        real: &Path,
        path: &str,
        verb: &str,
    ) -> RtResult<()> {
        self.config
            .permissions
            .check_below(access, &real.to_string_lossy())
            .map_err(|d| refused(d, format!("{verb} '{path}'")))
    }

    /// May this run import the module file at `path`?
    pub(crate) fn permit_import(&self, path: &Path) -> RtResult<()> {
        let resolved = resolve_path(path, &cwd());
        self.config
            .permissions
            .check_import(&resolved)
            .map_err(|d| refused(d, format!("memuat modul '{}'", path.display())))
    }

    /// May this run read the environment variable `name`?
    pub(crate) fn permit_env(&self, name: &str) -> RtResult<()> {
        self.config
            .permissions
            .check(Access::Env, name)
            .map_err(|d| refused(d, format!("membaca variabel lingkungan '{name}'")))
    }

    /// May this run connect to `host` on `port`?
    pub(crate) fn permit_net(&self, host: &str, port: u16) -> RtResult<()> {
        let target = net_target(host, port);
        self.config
            .permissions
            .check(Access::Net, &target)
            .map_err(|d| refused(d, format!("menyambung ke '{target}'")))
    }

    /// Is the address `addr`, which `host` on `port` resolved to, denied?
    /// (`--deny-net=127.0.0.1` also refuses `localhost`.)
    pub(crate) fn permit_net_addr(&self, host: &str, port: u16, addr: &SocketAddr) -> RtResult<()> {
        let target = net_target(&addr.ip().to_string(), addr.port());
        self.config
            .permissions
            .check_deny(Access::Net, &target)
            .map_err(|d| {
                refused(
                    d,
                    format!("menyambung ke '{}' lewat {target}", net_target(host, port)),
                )
            })
    }
}
