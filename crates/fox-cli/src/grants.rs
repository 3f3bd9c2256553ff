//! Permission flags shared by `fox run`, `fox repl`, `fox resume` and the
//! FoxIPC commands: `--allow-read[=PATHS]`, `--allow-write[=PATHS]`,
//! `--allow-net[=HOST[:PORT],…]`, `--allow-env[=NAMES]`, `--allow-all`
//! (`-A`), the matching `--deny-*` and `--sandbox`. The rules themselves
//! live in `fox_vm::permissions`; this module only collects the flags.

use fox_vm::Permissions;
use std::path::Path;

/// What clap records for a flag given without `=LIST` (a value no command
/// line can hold), so `--allow-read=` — an empty list, say from an empty
/// shell variable — is refused instead of read as `--allow-read`.
const WHOLE: &str = "\0";

#[derive(clap::Args, Debug, Clone, Default)]
pub struct PermissionOpts {
    /// Allow reading files and directories: all, or only these paths
    /// (comma-separated; symlinks and `..` are resolved first).
    #[arg(long, value_name = "PATHS", num_args = 0..=1, require_equals = true,
          default_missing_value = WHOLE, action = clap::ArgAction::Append)]
    pub allow_read: Vec<String>,
    /// Allow writing, creating and deleting files: all, or under these paths.
    #[arg(long, value_name = "PATHS", num_args = 0..=1, require_equals = true,
          default_missing_value = WHOLE, action = clap::ArgAction::Append)]
    pub allow_write: Vec<String>,
    /// Allow network connections: all, or to these HOST[:PORT]s.
    #[arg(long, value_name = "HOSTS", num_args = 0..=1, require_equals = true,
          default_missing_value = WHOLE, action = clap::ArgAction::Append)]
    pub allow_net: Vec<String>,
    /// Allow reading environment variables: all, or these NAMES (`AWS_*`
    /// covers a prefix).
    #[arg(long, value_name = "NAMES", num_args = 0..=1, require_equals = true,
          default_missing_value = WHOLE, action = clap::ArgAction::Append)]
    pub allow_env: Vec<String>,
    /// Allow everything.
    #[arg(long, short = 'A')]
    pub allow_all: bool,
    /// Refuse reading these paths (all reads without a list), even if allowed.
    #[arg(long, value_name = "PATHS", num_args = 0..=1, require_equals = true,
          default_missing_value = WHOLE, action = clap::ArgAction::Append)]
    pub deny_read: Vec<String>,
    /// Refuse writing under these paths.
    #[arg(long, value_name = "PATHS", num_args = 0..=1, require_equals = true,
          default_missing_value = WHOLE, action = clap::ArgAction::Append)]
    pub deny_write: Vec<String>,
    /// Refuse connections to these hosts.
    #[arg(long, value_name = "HOSTS", num_args = 0..=1, require_equals = true,
          default_missing_value = WHOLE, action = clap::ArgAction::Append)]
    pub deny_net: Vec<String>,
    /// Refuse reading these environment variables.
    #[arg(long, value_name = "NAMES", num_args = 0..=1, require_equals = true,
          default_missing_value = WHOLE, action = clap::ArgAction::Append)]
    pub deny_env: Vec<String>,
    /// Start from no host access at all (then add `--allow-*`).
    #[arg(long)]
    pub sandbox: bool,
}

impl PermissionOpts {
    fn lists(&self) -> [(&'static str, &Vec<String>); 8] {
        [
            ("--allow-read", &self.allow_read),
            ("--allow-write", &self.allow_write),
            ("--allow-net", &self.allow_net),
            ("--allow-env", &self.allow_env),
            ("--deny-read", &self.deny_read),
            ("--deny-write", &self.deny_write),
            ("--deny-net", &self.deny_net),
            ("--deny-env", &self.deny_env),
        ]
    }

    /// The flags given, as `--allow-read=/a,/b` strings (`--allow-all`
    /// first), without `--sandbox`.
    pub fn flags(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.allow_all {
            out.push("--allow-all".to_string());
        }
        for (flag, values) in self.lists() {
            for v in values {
                out.push(if v == WHOLE {
                    flag.to_string()
                } else {
                    format!("{flag}={v}")
                });
            }
        }
        out
    }

    /// The flags a task asks for: relative paths resolved against this
    /// working directory (where the user typed them, as with `fox run`),
    /// normalised. A worker on another machine reads them as its own
    /// paths, so give absolute ones there.
    pub fn task_flags(&self) -> Result<Vec<String>, String> {
        let cwd = std::env::current_dir().map_err(|e| format!("fox: direktori kerja: {e}"))?;
        let p = Permissions::from_flags(&self.flags(), &cwd).map_err(|e| format!("fox: {e}"))?;
        Ok(p.to_flags())
    }

    /// Was any permission flag given at all?
    pub fn any(&self) -> bool {
        self.sandbox || !self.flags().is_empty()
    }

    /// Did the user narrow from nothing: `--sandbox` or any `--allow-*`?
    /// (Only `--deny-*` flags narrow whatever the default is.)
    fn starts_from_nothing(&self) -> bool {
        self.sandbox || self.allow_all || self.lists()[..4].iter().any(|(_, v)| !v.is_empty())
    }

    /// The permissions these flags give, starting from `default` unless
    /// `--sandbox` or an `--allow-*` flag says to start from nothing.
    /// Paths are resolved against the working directory.
    pub fn resolve(&self, default: &Permissions) -> Result<Permissions, String> {
        let mut p = if self.starts_from_nothing() {
            Permissions::none()
        } else {
            default.clone()
        };
        let cwd = std::env::current_dir().map_err(|e| format!("fox: direktori kerja: {e}"))?;
        p.apply_flags(&self.flags(), &cwd)
            .map_err(|e| format!("fox: {e}"))?;
        Ok(p)
    }
}

/// `fox run`'s permissions for `program`: everything unless narrowed, and
/// the program's own directory importable either way.
pub fn for_program(opts: &PermissionOpts, program: &str) -> Result<Permissions, String> {
    let mut p = opts.resolve(&Permissions::all())?;
    if let Ok(cwd) = std::env::current_dir() {
        let dir = Path::new(program)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        p.import_roots = vec![fox_vm::permissions::resolve_path(dir, &cwd)];
    }
    Ok(p)
}
