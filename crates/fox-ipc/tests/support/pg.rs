//! A throwaway PostgreSQL server for tests, on loopback only.
//!
//! [`server()`] starts one server per test binary (shared by its tests;
//! each test takes its own database with [`fresh_db`]). Starting it: find
//! `initdb`/`pg_ctl` (PATH, then `/usr/lib/postgresql/*/bin`), `initdb` a
//! fresh temporary directory, pick a free port, `pg_ctl start` with
//! `listen_addresses=127.0.0.1` and the socket in that directory, wait
//! until it accepts connections. PostgreSQL refuses to run as root, so a
//! root test run creates (if missing) and uses the system user `foxpg`,
//! running `initdb`/`pg_ctl` through `runuser -u foxpg --`.
//!
//! Stopping it: a [`PgServer`] stops the server (immediate shutdown) and
//! deletes its directory when dropped. The shared server lives in a static,
//! which is never dropped, so a small watchdog shell started with it does
//! the same as soon as the test process has exited — normally, after a
//! failed test, or killed.
//!
//! Missing PostgreSQL binaries fail the test with a message saying to run
//! `scripts/test-deps.sh`: these tests never skip.
//!
//! Shared by fox-ipc's and fox-store's tests (`#[path]` include).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The superuser `initdb` creates (trust authentication on loopback).
pub const SUPERUSER: &str = "fox";
/// The unprivileged system user that runs the server when tests run as root.
pub const RUN_AS: &str = "foxpg";

const INSTALL_HINT: &str = "run scripts/test-deps.sh (installs the `postgresql` package) \
     and run the tests again";

pub struct PgServer {
    /// The temporary directory: `data/` (the cluster), the socket, logs.
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// `Some(user)` when the server runs as another user (tests as root).
    user: Option<String>,
}

/// The shared server of this test binary (started on first use). Panics,
/// failing the test, when it cannot be started.
pub fn server() -> &'static PgServer {
    static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();
    let started = SERVER.get_or_init(|| {
        let s = PgServer::start()?;
        s.watch_process();
        Ok(s)
    });
    match started {
        Ok(s) => s,
        Err(e) => panic!("PostgreSQL test server: {e}"),
    }
}

/// A new, empty database on the shared server; returns its URL.
pub fn fresh_db(tag: &str) -> String {
    server().create_db(tag)
}

impl PgServer {
    /// Start a new server in a new temporary directory.
    pub fn start() -> Result<PgServer, String> {
        let bin = find_bin_dir()?;
        let user = if is_root()? {
            ensure_user(RUN_AS)?;
            Some(RUN_AS.to_string())
        } else {
            None
        };
        let dir = unique_dir();
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut server = PgServer {
            dir,
            bin,
            port: 0,
            user,
        };
        // From here on a failure drops `server`, which removes the directory.
        if let Some(u) = &server.user {
            run(Command::new("chown").arg(format!("{u}:")).arg(&server.dir))?;
        }
        let data = server.dir.join("data");
        let initdb = server.bin.join("initdb");
        server.as_user(
            Command::new(&initdb)
                .arg("-D")
                .arg(&data)
                .args(["-U", SUPERUSER, "--auth=trust", "--encoding=UTF8"])
                .args(["--locale=C", "--no-sync"]),
        )?;
        // Another process may take the port between probing and binding:
        // try a few.
        let mut last = String::new();
        for _ in 0..5 {
            server.port = free_port()?;
            match server.pg_ctl_start() {
                Ok(()) => {
                    server.wait_ready()?;
                    return Ok(server);
                }
                Err(e) => last = e,
            }
        }
        Err(format!("the server did not start: {last}"))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// URL of database `db` (no password: trust authentication).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{db}", self.port)
    }

    /// Create a fresh database (name from `tag` and a counter); its URL.
    pub fn create_db(&self, tag: &str) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let clean: String = tag
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        let db = format!("t_{clean}_{}", N.fetch_add(1, Ordering::Relaxed));
        let mut c = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to the test server: {e}"));
        c.batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {db}: {e}"));
        self.url(&db)
    }

    /// Stop the server now (immediate shutdown).
    pub fn stop(&self) {
        let _ = self.as_user(
            Command::new(self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "immediate", "-w", "-t", "30", "stop"]),
        );
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=60",
            self.port,
            self.dir.display()
        );
        self.as_user(
            Command::new(self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(self.dir.join("data"))
                .arg("-l")
                .arg(self.dir.join("server.log"))
                .args(["-w", "-t", "60", "-o", &opts, "start"]),
        )
        .map_err(|e| format!("{e}\nserver log:\n{}", self.log_tail()))
    }

    /// Wait until a client can connect (pg_ctl -w already waited; this
    /// checks the TCP listener the tests use).
    fn wait_ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match postgres::Client::connect(&self.url("postgres"), postgres::NoTls) {
                Ok(_) => return Ok(()),
                Err(e) if Instant::now() > deadline => {
                    return Err(format!(
                        "not accepting connections on 127.0.0.1:{}: {e}\nserver log:\n{}",
                        self.port,
                        self.log_tail()
                    ))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    fn log_tail(&self) -> String {
        let log = fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Run `cmd` as the server's user, in the server's directory (a user
    /// switched to may not be able to enter the current one).
    fn as_user(&self, cmd: &mut Command) -> Result<(), String> {
        cmd.current_dir(&self.dir).env("LC_ALL", "C");
        match &self.user {
            None => run(cmd),
            Some(u) => {
                let mut wrapped = Command::new("runuser");
                wrapped
                    .args(["-u", u, "--"])
                    .arg(cmd.get_program())
                    .args(cmd.get_args())
                    .current_dir(&self.dir)
                    .env("LC_ALL", "C");
                run(&mut wrapped)
            }
        }
    }

    /// Start a watchdog that stops the server and deletes its directory
    /// once this process has exited.
    fn watch_process(&self) {
        let script = r#"
            while kill -0 "$1" 2>/dev/null; do sleep 0.2; done
            pid=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null)
            if [ -n "$pid" ]; then
                kill -QUIT "$pid" 2>/dev/null
                i=0
                while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
            fi
            rm -rf "$2"
        "#;
        let spawned = {
            use std::os::unix::process::CommandExt;
            Command::new("sh")
                .arg("-c")
                .arg(script)
                .arg("fox-pg-watchdog")
                .arg(std::process::id().to_string())
                .arg(&self.dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Its own process group: a Ctrl-C to the tests does not
                // stop the cleanup.
                .process_group(0)
                .spawn()
        };
        if let Err(e) = spawned {
            eprintln!(
                "PostgreSQL test server: no watchdog ({e}); stop it by hand: {}",
                self.dir.display()
            );
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if self.port != 0 {
            self.stop();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Run a command, capturing its output into an error message on failure.
fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    // Output goes to a file, not a pipe: a server started by the command
    // must not hold our pipe open.
    let log = std::env::temp_dir().join(format!(
        "fox-pg-cmd-{}-{}.log",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let file = fs::File::create(&log).map_err(|e| format!("{shown}: {e}"))?;
    let err_file = file.try_clone().map_err(|e| format!("{shown}: {e}"))?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err_file)
        .status();
    let output = fs::read_to_string(&log).unwrap_or_default();
    let _ = fs::remove_file(&log);
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{shown}` failed ({s}):\n{output}")),
        Err(e) => Err(format!("cannot run `{shown}`: {e}")),
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A directory with `initdb` and `pg_ctl`: PATH first, then the newest
/// `/usr/lib/postgresql/*/bin`.
fn find_bin_dir() -> Result<PathBuf, String> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if has(&d) {
                // Resolve symlinks (e.g. /usr/local/bin/initdb) so pg_ctl
                // finds the matching `postgres` beside the real binaries.
                let real = fs::canonicalize(d.join("initdb"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .filter(|p| has(p))
                    .unwrap_or(d);
                return Ok(real);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            has(&bin).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b).ok_or_else(|| {
        format!(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in PATH or \
             /usr/lib/postgresql/*/bin: {INSTALL_HINT}"
        )
    })
}

fn is_root() -> Result<bool, String> {
    let out = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("cannot run `id -u`: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Create system user `user` if it does not exist (tolerating another test
/// process creating it at the same moment).
fn ensure_user(user: &str) -> Result<(), String> {
    let exists = || {
        Command::new("id")
            .arg("-u")
            .arg(user)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if exists() {
        return Ok(());
    }
    let made = run(Command::new("useradd").args([
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        user,
    ]));
    match made {
        Ok(()) => Ok(()),
        Err(_) if exists() => Ok(()),
        Err(e) => Err(format!(
            "tests run as root and PostgreSQL refuses to; creating the user `{user}` \
             to run it failed: {e}"
        )),
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

fn unique_dir() -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "fox-pg-{}-{nanos:08x}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}
