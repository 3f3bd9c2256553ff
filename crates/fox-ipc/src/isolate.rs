//! Attempts in child processes, so that one task cannot take down its
//! worker: a panic, an abort, running out of memory or a native operation
//! that never returns ends only the child. Each worker thread keeps one
//! child (`fox ipc runner`) and hands it attempts over a pipe; a child that
//! dies is replaced before the next attempt.
//!
//! The parent also enforces what the child cannot: a hard deadline (the
//! attempt's timeout plus a grace period — the child normally freezes the
//! run into a ticket at the timeout itself), and cancellation or a lost
//! lease, checked while the attempt runs; either kills the child.
//!
//! Wire format, both ways: frames of `u32` little-endian length + bytes.
//! A request is a JSON [`Request`] frame then the ticket (empty frame: no
//! ticket); a reply is a JSON [`ReplyHead`] frame, the output frame, then
//! the ticket frame.

use crate::queue::QueueSpec;
use crate::runner::{run_attempt, Outcome, RunEnv, TaskLimits};
use crate::task::{Failure, TaskRecord, TaskSpec};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Largest frame either side accepts.
const MAX_FRAME: u32 = u32::MAX >> 1;
/// How often the parent checks for a cancel, a lost lease or a child
/// grown too big.
const CHECK_EVERY: Duration = Duration::from_millis(250);
/// Resident memory a child may use beyond its task's heap limit (the
/// binary, the allocator, what the heap does not count) before the parent
/// kills it: the backstop behind the VM's own accounting.
const RSS_SLACK: u64 = 256 << 20;

/// A process's resident set in bytes (Linux; `None` elsewhere or when it
/// is gone).
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// How a worker runs attempts.
#[derive(Clone, Debug, Default)]
pub enum Isolation {
    /// On the worker thread itself, a panic caught (embedders and tests;
    /// an abort or a runaway native operation still takes the process).
    #[default]
    InProcess,
    /// In a child process started with this command, which must run
    /// [`serve`] (the `fox` binary: `fox ipc runner`).
    Process(ChildCommand),
}

/// How to start a child runner.
#[derive(Clone, Debug)]
pub struct ChildCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
}

/// What the parent sends for one attempt.
#[derive(Serialize, Deserialize)]
struct Request {
    id: i64,
    spec: TaskSpec,
    printed: u64,
    store: String,
    queue: Option<String>,
    workdir: PathBuf,
    slice: u64,
    limits: TaskLimits,
}

/// The reply's JSON frame.
#[derive(Serialize, Deserialize)]
struct ReplyHead {
    outcome: OutcomeHead,
    /// The child exits after this reply (it panicked): start a new one.
    closing: bool,
}

/// How an attempt ended, less its output and ticket (own frames).
#[derive(Serialize, Deserialize)]
enum OutcomeHead {
    Done {
        exit_code: i32,
        granted: Vec<String>,
    },
    Failed {
        jenis: String,
        pesan: String,
        retryable: bool,
        granted: Option<Vec<String>>,
        ticket_summary: Option<serde_json::Value>,
    },
}

fn write_frame(w: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(bytes.len())
        .ok()
        .filter(|n| *n <= MAX_FRAME)
        .ok_or_else(|| std::io::Error::other("bingkai terlalu besar"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(bytes)
}

/// The next frame; `None` at a clean end of stream.
fn read_frame(r: &mut impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_FRAME {
        return Err(std::io::Error::other("bingkai terlalu besar"));
    }
    let mut buf = Vec::new();
    r.by_ref().take(u64::from(len)).read_to_end(&mut buf)?;
    if buf.len() != len as usize {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(Some(buf))
}

fn frame_or_eof(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    read_frame(r)?.ok_or_else(|| std::io::ErrorKind::UnexpectedEof.into())
}

fn queue_string(q: &QueueSpec) -> String {
    match q {
        QueueSpec::Sqlite(p) => format!("sqlite:{}", p.display()),
        QueueSpec::Postgres(url) => url.clone(),
    }
}

/// Fault injection for the worker's own tests: `FOX_IPC_FAULT` holds
/// `panic:ID`, `abort:ID` or `hog:ID` items (comma-separated), making the
/// child panic, abort, or take memory the VM does not account for until it
/// is stopped, when it runs task ID — the failures a task must not be able
/// to spread, produced on demand.
fn inject_fault(id: i64) {
    let Ok(spec) = std::env::var("FOX_IPC_FAULT") else {
        return;
    };
    for item in spec.split(',') {
        match item.split_once(':') {
            Some(("panic", t)) if t.trim().parse() == Ok(id) => {
                #[allow(clippy::panic)]
                {
                    panic!("FOX_IPC_FAULT: panik disengaja untuk tugas {id}")
                }
            }
            Some(("abort", t)) if t.trim().parse() == Ok(id) => std::process::abort(),
            Some(("hog", t)) if t.trim().parse() == Ok(id) => {
                let mut held: Vec<Vec<u8>> = Vec::new();
                loop {
                    // Touched, so it is resident.
                    held.push(vec![1u8; 16 << 20]);
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
            _ => {}
        }
    }
}

/// The child side: run attempts from standard input until it closes,
/// replying on standard output. A panicking attempt is reported as a
/// failure of that attempt, after which the child exits (its state can no
/// longer be trusted) and the worker starts a new one.
pub fn serve(ticket_key: Option<fox_vm::snapshot::TicketKey>) -> Result<(), String> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut input = stdin.lock();
    let mut output = std::io::BufWriter::new(stdout.lock());
    let io = |e: std::io::Error| format!("fox ipc runner: {e}");
    loop {
        let Some(head) = read_frame(&mut input).map_err(io)? else {
            return Ok(());
        };
        let ticket = frame_or_eof(&mut input).map_err(io)?;
        let req: Request = serde_json::from_slice(&head)
            .map_err(|e| format!("fox ipc runner: permintaan: {e}"))?;
        let env = RunEnv {
            store: fox_store::StoreSpec::parse(&req.store)
                .map_err(|e| format!("fox ipc runner: store: {e}"))?,
            queue: match &req.queue {
                Some(q) => Some(QueueSpec::parse(q).map_err(|e| format!("fox ipc runner: {e}"))?),
                None => None,
            },
            workdir: req.workdir.clone(),
            slice: req.slice,
            limits: req.limits.clone(),
            ticket_key: ticket_key.clone(),
        };
        let ticket = (!ticket.is_empty()).then_some(ticket);
        let (outcome, panicked) = guarded(|| {
            inject_fault(req.id);
            run_attempt(req.id, &req.spec, ticket.as_deref(), req.printed, &env)
        });
        write_outcome(&mut output, &outcome, panicked).map_err(io)?;
        output.flush().map_err(io)?;
        if panicked {
            return Ok(());
        }
    }
}

/// Run `f`, turning a panic into a failed attempt. `true`: it panicked.
pub fn guarded(f: impl FnOnce() -> Outcome) -> (Outcome, bool) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(o) => (o, false),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panik".into());
            let f = Failure {
                jenis: "ErrorInternal".into(),
                pesan: format!(
                    "kesalahan internal Fox VM (bug, mohon laporkan): {what}; percobaan ini gagal"
                ),
                retryable: false,
                ..Failure::default()
            };
            (Outcome::Failed(f), true)
        }
    }
}

fn write_outcome(w: &mut impl Write, o: &Outcome, closing: bool) -> std::io::Result<()> {
    let (outcome, stdout, ticket): (OutcomeHead, &[u8], &[u8]) = match o {
        Outcome::Done {
            stdout,
            exit_code,
            granted,
        } => (
            OutcomeHead::Done {
                exit_code: *exit_code,
                granted: granted.clone(),
            },
            stdout,
            &[],
        ),
        Outcome::Failed(f) => (
            OutcomeHead::Failed {
                jenis: f.jenis.clone(),
                pesan: f.pesan.clone(),
                retryable: f.retryable,
                granted: f.granted.clone(),
                ticket_summary: f.ticket_summary.clone(),
            },
            &f.stdout,
            f.ticket.as_deref().unwrap_or(&[]),
        ),
        Outcome::Abandoned(_) => return Err(std::io::Error::other("percobaan ditinggalkan")),
    };
    let head =
        serde_json::to_vec(&ReplyHead { outcome, closing }).map_err(std::io::Error::other)?;
    write_frame(w, &head)?;
    write_frame(w, stdout)?;
    write_frame(w, ticket)
}

/// An outcome, and whether the child exits after it.
type Reply = (Outcome, bool);

fn read_outcome(r: &mut impl Read) -> std::io::Result<Option<Reply>> {
    let Some(head) = read_frame(r)? else {
        return Ok(None);
    };
    let stdout = frame_or_eof(r)?;
    let ticket = frame_or_eof(r)?;
    let head: ReplyHead = serde_json::from_slice(&head).map_err(std::io::Error::other)?;
    let outcome = match head.outcome {
        OutcomeHead::Done { exit_code, granted } => Outcome::Done {
            stdout,
            exit_code,
            granted,
        },
        OutcomeHead::Failed {
            jenis,
            pesan,
            retryable,
            granted,
            ticket_summary,
        } => Outcome::Failed(Failure {
            stdout,
            jenis,
            pesan,
            ticket: (!ticket.is_empty()).then_some(ticket),
            ticket_summary,
            retryable,
            granted,
        }),
    };
    Ok(Some((outcome, head.closing)))
}

/// Environment variable through which a worker tells its child runner its
/// pid, so that the child can end when the worker dies (see `fox ipc
/// runner`).
pub const PARENT_ENV: &str = "FOX_IPC_PARENT";

/// A running child runner, from the parent's side.
struct Runner {
    child: Child,
    stdin: ChildStdin,
    replies: mpsc::Receiver<std::io::Result<Option<Reply>>>,
}

impl Runner {
    fn start(cmd: &ChildCommand) -> Result<Runner, String> {
        let mut child = Command::new(&cmd.program)
            .args(&cmd.args)
            .env(PARENT_ENV, std::process::id().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!(
                    "proses percobaan tidak bisa dimulai ({}): {e}",
                    cmd.program.display()
                )
            })?;
        let (Some(stdin), Some(mut stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("proses percobaan tanpa pipa".into());
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || loop {
            let r = read_outcome(&mut stdout);
            let end = !matches!(r, Ok(Some(_)));
            if tx.send(r).is_err() || end {
                return;
            }
        });
        Ok(Runner {
            child,
            stdin,
            replies: rx,
        })
    }

    fn kill(mut self) -> Option<std::process::ExitStatus> {
        let _ = self.child.kill();
        self.child.wait().ok()
    }
}

/// Attempts of one worker thread, in its own child process.
pub struct Isolated {
    cmd: ChildCommand,
    runner: Option<Runner>,
}

impl Isolated {
    pub fn new(cmd: ChildCommand) -> Isolated {
        Isolated { cmd, runner: None }
    }

    /// Run one attempt of `task` in the child. `abandon` is asked every
    /// quarter second whether to give up (the task was cancelled or its
    /// lease lost: the child is killed and nothing is reported).
    pub fn run(
        &mut self,
        task: &TaskRecord,
        env: &RunEnv,
        abandon: &mut dyn FnMut() -> Option<String>,
    ) -> Outcome {
        let eff = match crate::runner::Effective::of(&task.spec, task.stdout.len() as u64, env) {
            Ok(e) => e,
            // The runner reports this itself, in process: nothing to isolate.
            Err(_) => return crate::runner::run_task(task, env),
        };
        let req = Request {
            id: task.id,
            spec: task.spec.clone(),
            printed: task.stdout.len() as u64,
            store: env.store.to_string(),
            queue: env.queue.as_ref().map(queue_string),
            workdir: env.workdir.clone(),
            slice: env.slice,
            limits: env.limits.clone(),
        };
        let head = match serde_json::to_vec(&req) {
            Ok(h) => h,
            Err(e) => return worker_failure(format!("permintaan percobaan: {e}")),
        };
        let send = |runner: &mut Runner| -> std::io::Result<()> {
            write_frame(&mut runner.stdin, &head)?;
            write_frame(&mut runner.stdin, task.ticket.as_deref().unwrap_or(&[]))?;
            runner.stdin.flush()
        };
        // A kept child may have died while idle: one fresh start is fine.
        let runner = match self.runner.take() {
            Some(mut r) => match send(&mut r) {
                Ok(()) => r,
                Err(_) => {
                    r.kill();
                    match self.fresh(&send) {
                        Ok(r) => r,
                        Err(m) => return worker_failure(m),
                    }
                }
            },
            None => match self.fresh(&send) {
                Ok(r) => r,
                Err(m) => return worker_failure(m),
            },
        };
        // The child stops the run itself at the timeout (freezing it into
        // a ticket); this is for a child stuck inside one operation.
        let grace = (eff.timeout / 10).max(Duration::from_secs(2));
        let hard = Instant::now() + eff.timeout + grace;
        let heap =
            crate::runner::task_heap_limit(env.limits.max_heap_bytes, task.spec.max_heap_bytes);
        let rss_cap = (heap != 0).then(|| heap as u64 + RSS_SLACK);
        loop {
            match runner.replies.recv_timeout(CHECK_EVERY) {
                Ok(Ok(Some((outcome, closing)))) => {
                    if closing {
                        runner.kill();
                    } else {
                        self.runner = Some(runner);
                    }
                    return outcome;
                }
                Ok(Ok(None)) | Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                    // The child died mid-attempt: abort, OOM kill, signal.
                    let status = runner.kill();
                    return worker_failure(format!(
                        "proses percobaan berhenti tanpa hasil{}",
                        describe_exit(status)
                    ));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(why) = abandon() {
                        runner.kill();
                        return Outcome::Abandoned(why);
                    }
                    let rss = rss_cap
                        .and_then(|cap| resident_bytes(runner.child.id()).filter(|r| *r > cap));
                    if let Some(rss) = rss {
                        runner.kill();
                        return Outcome::Failed(Failure {
                            jenis: "ErrorMemori".into(),
                            pesan: format!(
                                "proses percobaan memakai {} MiB, jauh di atas batas heap {} MiB; dihentikan paksa",
                                rss >> 20,
                                heap >> 20
                            ),
                            retryable: true,
                            granted: Some(eff.permissions.to_flags()),
                            ..Failure::default()
                        });
                    }
                    if Instant::now() >= hard {
                        runner.kill();
                        return Outcome::Failed(Failure {
                            jenis: "BatasWaktu".into(),
                            pesan: format!(
                                "batas waktu {} ms terlampaui; percobaan dihentikan paksa",
                                eff.timeout.as_millis()
                            ),
                            retryable: true,
                            granted: Some(eff.permissions.to_flags()),
                            ..Failure::default()
                        });
                    }
                }
            }
        }
    }
}

impl Isolated {
    /// Start a new child and send it the request.
    fn fresh(&self, send: &dyn Fn(&mut Runner) -> std::io::Result<()>) -> Result<Runner, String> {
        let mut r = Runner::start(&self.cmd)?;
        match send(&mut r) {
            Ok(()) => Ok(r),
            Err(e) => {
                let status = r.kill();
                Err(format!(
                    "proses percobaan tidak menerima tugas: {e}{}",
                    describe_exit(status)
                ))
            }
        }
    }
}

impl Drop for Isolated {
    fn drop(&mut self) {
        if let Some(r) = self.runner.take() {
            // Closing stdin ends the child's loop; do not wait on it.
            drop(r.stdin);
            let mut child = r.child;
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The child could not run the attempt (it died, or could not start):
/// retryable — the previous ticket, if any, is kept for the retry.
fn worker_failure(pesan: String) -> Outcome {
    Outcome::Failed(Failure {
        jenis: "ErrorPekerja".into(),
        pesan,
        retryable: true,
        ..Failure::default()
    })
}

fn describe_exit(status: Option<std::process::ExitStatus>) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.and_then(|s| s.signal()) {
            let name = match sig {
                6 => " (SIGABRT: kehabisan memori atau abort)",
                9 => " (SIGKILL: dibunuh, mungkin oleh OOM killer)",
                11 => " (SIGSEGV)",
                _ => "",
            };
            return format!(": sinyal {sig}{name}");
        }
    }
    match status.and_then(|s| s.code()) {
        Some(c) => format!(": status {c}"),
        None => String::new(),
    }
}
