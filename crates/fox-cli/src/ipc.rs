//! `fox ipc …`: the FoxIPC commands — a worker, the HTTP server and its
//! dashboard, and submitting, inspecting, retrying, cancelling and purging
//! tasks directly against a queue (`--store sqlite:PATH | postgres://…`) or
//! through a server (`--server http(s)://HOST:PORT`; same output either
//! way). The security options of both sides are in [`crate::secure`].

use crate::client::{Client, Reply};
use crate::secure::{ClientOpts, ServeOpts};
use fox_ipc::isolate::{ChildCommand, Isolation};
use fox_ipc::queue::Settings;
use fox_ipc::runner::{spec_from_file, RunEnv};
use fox_ipc::worker::{self, WorkerConfig};
use fox_ipc::{Queue, QueueSpec, Submitted, TaskRecord, TaskSpec, TaskState};
use std::time::Duration;

/// Default queue: the project database `.fox/store.db` in the working
/// directory (the same file `fox run` keeps `ingat` values in, so
/// `kirim_tugas` from a program there reaches these workers).
const DEFAULT_STORE: &str = "sqlite:.fox/store.db";

#[derive(clap::Args, Debug, Clone)]
pub struct StoreOpt {
    /// The queue: `sqlite:PATH` (default sqlite:.fox/store.db) or
    /// `postgres://USER@HOST:PORT/DB`.
    #[arg(long, value_name = "SPEC", default_value = DEFAULT_STORE)]
    pub store: String,
}

/// Where a command finds the queue: the store itself, or a server.
#[derive(clap::Args, Debug, Clone)]
pub struct TargetOpt {
    #[command(flatten)]
    pub store: StoreOpt,
    /// Talk to a FoxIPC server (`fox ipc serve`) instead of opening the
    /// store: `http://HOST:PORT` or `https://HOST:PORT`.
    #[arg(long, value_name = "URL", conflicts_with = "store")]
    pub server: Option<String>,
    #[command(flatten)]
    pub client: ClientOpts,
}

#[derive(clap::Args, Debug, Clone)]
pub struct SubmitOpts {
    /// Higher runs first.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    pub priority: i32,
    /// Attempts before the task is dead-lettered.
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
    /// First retry delay in milliseconds (doubles per attempt, with jitter).
    #[arg(long, default_value_t = 1000)]
    pub backoff_ms: u64,
    /// Longest retry delay in milliseconds.
    #[arg(long, default_value_t = 300_000)]
    pub backoff_max_ms: u64,
    /// Wall-clock limit of one attempt (ms); running out freezes the run
    /// into a ticket that the retry resumes.
    #[arg(long)]
    pub timeout_ms: Option<u64>,
    /// Instruction budget of one attempt.
    #[arg(long)]
    pub max_instructions: Option<u64>,
    /// Heap limit of one attempt (512M, 1G, …); the worker's own limit
    /// applies when it is smaller.
    #[arg(long, value_name = "N", value_parser = crate::heapsize::parse)]
    pub max_heap_bytes: Option<usize>,
    /// Submitting again with the same key returns the same task.
    #[arg(long)]
    pub idempotency_key: Option<String>,
    /// Host access the task asks for (it starts from nothing; a worker
    /// grants the request only within its own `--allow-*`). Paths are the
    /// worker's.
    #[command(flatten)]
    pub permissions: crate::grants::PermissionOpts,
}

#[derive(clap::Subcommand, Debug)]
pub enum IpcCommand {
    /// Run tasks from the queue.
    Worker {
        #[command(flatten)]
        store: StoreOpt,
        /// Tasks run at once.
        #[arg(long, default_value_t = 1)]
        concurrency: usize,
        /// Lease length in seconds (a dead worker's tasks are reclaimed
        /// after it).
        #[arg(long, default_value_t = 30.0)]
        lease: f64,
        /// Exit after this many milliseconds without work (default: never).
        #[arg(long)]
        idle_exit_ms: Option<u64>,
        /// Exit after this many tasks.
        #[arg(long)]
        max_tasks: Option<u64>,
        /// Key-value store for the tasks' ingat/kenang/alur (default: the
        /// queue's own SQLite file or PostgreSQL database).
        #[arg(long, value_name = "SPEC")]
        kv_store: Option<String>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
        #[command(flatten)]
        limits: crate::worker_opts::WorkerLimitOpts,
    },
    /// Serve the queue over HTTP: a JSON API and a dashboard page.
    Serve {
        #[command(flatten)]
        store: StoreOpt,
        /// Address to listen on (port 0 picks a free port; the URL is
        /// printed to standard error).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8765")]
        listen: String,
        /// Refuse submissions while this many tasks wait (stored in the
        /// queue's settings).
        #[arg(long)]
        max_queued: Option<u64>,
        /// Also run a worker with this many threads in this process.
        #[arg(long, default_value_t = 0)]
        workers: usize,
        /// What the in-process workers allow their tasks.
        #[command(flatten)]
        limits: crate::worker_opts::WorkerLimitOpts,
        #[command(flatten)]
        security: ServeOpts,
    },
    /// Queue a program; prints the task id.
    Submit {
        #[command(flatten)]
        target: TargetOpt,
        #[command(flatten)]
        opts: SubmitOpts,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Submit N copies (benchmarks, load tests); ids are printed one per line.
        #[arg(long, default_value_t = 1)]
        repeat: u32,
        /// The program (.fox).
        file: String,
        /// Its arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Show one task: state, attempts, output, exit status, ticket summary.
    Status {
        #[command(flatten)]
        target: TargetOpt,
        #[arg(long)]
        json: bool,
        id: i64,
    },
    /// List tasks, newest first.
    List {
        #[command(flatten)]
        target: TargetOpt,
        /// Only tasks in this state (menunggu, berjalan, selesai,
        /// gagal-coba-lagi, mati, dibatalkan).
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Make a failed or dead task due now.
    Retry {
        #[command(flatten)]
        target: TargetOpt,
        id: i64,
    },
    /// Cancel a task that has not finished.
    Cancel {
        #[command(flatten)]
        target: TargetOpt,
        id: i64,
    },
    /// Delete finished tasks (selesai, mati, dibatalkan) or those of one state.
    Purge {
        #[command(flatten)]
        target: TargetOpt,
        #[arg(long)]
        state: Option<String>,
    },
    /// Run attempts sent by a worker on standard input (internal: each
    /// worker thread starts one of these, so a task cannot take the worker
    /// down).
    #[command(hide = true)]
    Runner {
        /// The ticket key file (default: $FOX_TICKET_KEY).
        #[arg(long, value_name = "FILE")]
        ticket_key: Option<std::path::PathBuf>,
    },
    /// Show or change the queue's settings.
    Config {
        #[command(flatten)]
        store: StoreOpt,
        /// Refuse submissions while this many tasks wait.
        #[arg(long)]
        max_queued: Option<u64>,
        /// Consecutive failures of one program that pause it…
        #[arg(long)]
        breaker_threshold: Option<u32>,
        /// …for this many seconds.
        #[arg(long)]
        breaker_cooldown: Option<f64>,
    },
}

fn open(store: &StoreOpt) -> Result<Box<dyn fox_ipc::Queue>, String> {
    let spec = QueueSpec::parse(&store.store).map_err(|e| format!("fox: --store: {e}"))?;
    fox_ipc::open(&spec).map_err(|e| format!("fox: {e}"))
}

/// A queue reached directly or through a server. Both give the same
/// answers and the same messages.
enum Conn {
    Store(Box<dyn Queue>),
    Server(Client),
}

fn connect(t: &TargetOpt) -> Result<Conn, Failure> {
    match &t.server {
        Some(url) => Ok(Conn::Server(Client::new(url, t.client.load()?)?)),
        None => Ok(Conn::Store(open(&t.store)?)),
    }
}

fn queue_err(e: fox_ipc::QueueError) -> String {
    format!("fox: {e}")
}

impl Conn {
    fn submit(&mut self, spec: &TaskSpec) -> Result<Submitted, String> {
        match self {
            Conn::Store(q) => q.submit(spec).map_err(queue_err),
            Conn::Server(c) => match c.submit(spec)? {
                Reply::Ok(s) => Ok(s),
                Reply::Refused { error, .. } => Err(format!("fox: {error}")),
            },
        }
    }

    fn get(&mut self, id: i64) -> Result<Option<TaskRecord>, String> {
        match self {
            Conn::Store(q) => q.get(id).map_err(queue_err),
            Conn::Server(c) => match c.task(id)? {
                Reply::Ok(t) => Ok(Some(t)),
                Reply::Refused { status: 404, .. } => Ok(None),
                Reply::Refused { error, .. } => Err(format!("fox: {error}")),
            },
        }
    }

    fn list(&mut self, state: Option<TaskState>, limit: u32) -> Result<Vec<TaskRecord>, String> {
        match self {
            Conn::Store(q) => q.list(state, limit).map_err(queue_err),
            Conn::Server(c) => match c.list(state, limit)? {
                Reply::Ok(t) => Ok(t),
                Reply::Refused { error, .. } => Err(format!("fox: {error}")),
            },
        }
    }

    /// `false`: the task is not failed or dead (or does not exist).
    fn retry(&mut self, id: i64) -> Result<bool, String> {
        match self {
            Conn::Store(q) => q.retry_now(id).map_err(queue_err),
            Conn::Server(c) => match c.retry(id)? {
                Reply::Ok(_) => Ok(true),
                Reply::Refused {
                    status: 404 | 409, ..
                } => Ok(false),
                Reply::Refused { error, .. } => Err(format!("fox: {error}")),
            },
        }
    }

    /// How many tasks of `states` were deleted.
    fn purge(&mut self, states: &[TaskState]) -> Result<u64, String> {
        match self {
            Conn::Store(q) => q.purge(states).map_err(queue_err),
            Conn::Server(c) => {
                // The server purges one final state, or all three.
                let one = match states {
                    [s] => Some(*s),
                    _ => None,
                };
                match c.purge(one)? {
                    Reply::Ok(v) => v
                        .get("purged")
                        .and_then(|n| n.as_u64())
                        .ok_or_else(|| format!("fox: jawaban server tidak sah: {v}")),
                    Reply::Refused { error, .. } => Err(format!("fox: {error}")),
                }
            }
        }
    }

    /// `false`: the task had finished (or does not exist).
    fn cancel(&mut self, id: i64) -> Result<bool, String> {
        match self {
            Conn::Store(q) => q.cancel(id).map_err(queue_err),
            Conn::Server(c) => match c.cancel(id)? {
                Reply::Ok(_) => Ok(true),
                Reply::Refused {
                    status: 404 | 409, ..
                } => Ok(false),
                Reply::Refused { error, .. } => Err(format!("fox: {error}")),
            },
        }
    }
}

fn state_arg(s: &Option<String>) -> Result<Option<TaskState>, String> {
    match s {
        None => Ok(None),
        Some(s) => TaskState::parse(s).map(Some).ok_or_else(|| {
            format!(
                "fox: keadaan '{s}' tidak dikenal (menunggu, berjalan, selesai, gagal-coba-lagi, mati, dibatalkan)"
            )
        }),
    }
}

fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn show(t: &TaskRecord) -> String {
    let mut out = format!(
        "tugas      {}\nprogram    {}\nkeadaan    {}\npercobaan  {} dari {} ({} dilanjutkan dari tiket)\n",
        t.id,
        std::iter::once(t.spec.name.as_str())
            .chain(t.spec.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        t.state,
        t.attempts,
        t.spec.max_attempts,
        t.resumed
    );
    if let Some(c) = t.exit_code {
        out.push_str(&format!("status     {c}\n"));
    }
    out.push_str(&format!("izin minta {}\n", flags_text(&t.spec.permissions)));
    if let Some(g) = &t.granted {
        out.push_str(&format!("izin aktif {}\n", flags_text(g)));
    }
    if let (Some(j), Some(p)) = (&t.error_jenis, &t.error_pesan) {
        let label = if t.state == TaskState::Selesai {
            "galat lalu"
        } else {
            "galat     "
        };
        out.push_str(&format!("{label} {j}: {p}\n"));
    }
    if t.state == TaskState::GagalCobaLagi {
        out.push_str(&format!(
            "coba lagi  dalam {:.1} s\n",
            (t.run_at - fox_ipc::task::now()).max(0.0)
        ));
    }
    if let Some(s) = &t.ticket_summary {
        if let Some(tb) = s
            .get("traceback")
            .and_then(|v| v.as_array())
            .and_then(|a| a.last())
        {
            out.push_str(&format!(
                "tiket      {}:{}:{} di {}\n",
                tb.get("file").and_then(|v| v.as_str()).unwrap_or("?"),
                tb.get("line").and_then(|v| v.as_u64()).unwrap_or(0),
                tb.get("col").and_then(|v| v.as_u64()).unwrap_or(0),
                tb.get("function").and_then(|v| v.as_str()).unwrap_or("?"),
            ));
        }
    }
    out.push_str("keluaran:\n");
    out.push_str(&String::from_utf8_lossy(&t.stdout));
    out
}

/// Permission flags for people: the flags, or "tanpa izin".
fn flags_text(flags: &[String]) -> String {
    if flags.is_empty() {
        "tanpa izin".into()
    } else {
        flags.join(" ")
    }
}

/// Build a task spec from a file and the options.
pub fn submit_spec(file: &str, args: &[String], o: &SubmitOpts) -> Result<TaskSpec, String> {
    let base = spec_from_file(std::path::Path::new(file), args).map_err(|e| format!("fox: {e}"))?;
    Ok(TaskSpec {
        priority: o.priority,
        max_attempts: o.max_attempts,
        backoff_ms: o.backoff_ms,
        backoff_max_ms: o.backoff_max_ms,
        timeout_ms: o.timeout_ms,
        max_instructions: o.max_instructions,
        max_heap_bytes: o.max_heap_bytes.map(|b| b as u64),
        idempotency_key: o.idempotency_key.clone(),
        permissions: o.permissions.task_flags()?,
        ..base
    })
}

/// A worker for the queue `store` (`kv`: the key-value store for its tasks,
/// default the queue's own database), with the default lease and no exit.
fn worker_config(
    store: &str,
    kv: Option<&str>,
    concurrency: usize,
    limits: &crate::worker_opts::WorkerLimitOpts,
) -> Result<WorkerConfig, String> {
    let queue = QueueSpec::parse(store).map_err(|e| format!("fox: --store: {e}"))?;
    let kv = match (kv, &queue) {
        (Some(s), _) => {
            fox_store::StoreSpec::parse(s).map_err(|e| format!("fox: --kv-store: {e}"))?
        }
        (None, QueueSpec::Sqlite(p)) => fox_store::StoreSpec::Sqlite(p.clone()),
        (None, QueueSpec::Postgres(url)) => fox_store::StoreSpec::Postgres(url.clone()),
    };
    let keys = crate::ticket_key::KeySource {
        explicit: limits.ticket_key.clone(),
        default: crate::ticket_key::default_path(&kv, std::path::Path::new("")),
    };
    // Each attempt runs in a child `fox ipc runner` with the same key.
    let exe = std::env::current_exe().map_err(|e| format!("fox: program fox: {e}"))?;
    let mut args = vec!["ipc".to_string(), "runner".to_string()];
    if let Some(f) = keys.file() {
        args.push("--ticket-key".into());
        args.push(f.to_string_lossy().into_owned());
    }
    let isolation = Isolation::Process(ChildCommand { program: exe, args });
    // PostgreSQL wakes idle workers with NOTIFY; SQLite has to be polled.
    let poll = match queue {
        QueueSpec::Postgres(_) => Duration::from_secs(1),
        QueueSpec::Sqlite(_) => Duration::from_millis(50),
    };
    Ok(WorkerConfig {
        queue: queue.clone(),
        env: RunEnv {
            store: kv.clone(),
            queue: Some(queue),
            workdir: std::env::current_dir().map_err(|e| format!("fox: direktori kerja: {e}"))?,
            slice: 200_000,
            limits: limits.limits()?,
            ticket_key: Some(keys.load()?),
        },
        concurrency: concurrency.max(1),
        lease: 30.0,
        idle_exit: None,
        max_tasks: None,
        poll,
        isolation,
    })
}

/// A failed command: its message and exit status (1, or 2 for a usage
/// error such as a bad option or an unreadable token file).
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure { message, code: 1 }
    }
}

pub fn run(cmd: &IpcCommand) -> u8 {
    match exec(cmd) {
        Ok(code) => code,
        Err(f) => {
            eprintln!("{}", f.message);
            f.code
        }
    }
}

fn exec(cmd: &IpcCommand) -> Result<u8, Failure> {
    match cmd {
        IpcCommand::Runner { ticket_key } => {
            crate::orphan::die_with_parent();
            let key = match ticket_key {
                Some(p) => Some(
                    crate::ticket_key::KeySource {
                        explicit: Some(p.clone()),
                        default: p.clone(),
                    }
                    .load()?,
                ),
                None => match std::env::var(crate::ticket_key::ENV) {
                    Ok(s) => Some(
                        fox_vm::snapshot::TicketKey::new(s.trim().as_bytes())
                            .map_err(|e| format!("fox: {e}"))?,
                    ),
                    Err(_) => None,
                },
            };
            fox_ipc::isolate::serve(key)?;
            Ok(0)
        }
        IpcCommand::Worker {
            store,
            concurrency,
            lease,
            idle_exit_ms,
            max_tasks,
            kv_store,
            quiet,
            limits,
        } => {
            let mut cfg = worker_config(&store.store, kv_store.as_deref(), *concurrency, limits)?;
            cfg.lease = lease.max(0.1);
            cfg.idle_exit = idle_exit_ms.map(Duration::from_millis);
            cfg.max_tasks = *max_tasks;
            let quiet = *quiet;
            let log = move |m: &str| {
                if !quiet {
                    eprintln!("{m}");
                }
            };
            let stats = worker::run(&cfg, &log).map_err(|e| format!("fox: {e}"))?;
            log(&format!(
                "pekerja selesai: {} tugas selesai, {} percobaan gagal, {} hilang (sewa habis)",
                stats.completed, stats.failed, stats.lost
            ));
            Ok(0)
        }
        IpcCommand::Serve {
            store,
            listen,
            max_queued,
            workers,
            limits,
            security,
        } => {
            let queue = QueueSpec::parse(&store.store).map_err(|e| format!("fox: --store: {e}"))?;
            let addr = std::net::ToSocketAddrs::to_socket_addrs(listen.as_str())
                .ok()
                .and_then(|mut a| a.next())
                .ok_or_else(|| {
                    Failure::usage(format!("fox: --listen: '{listen}' bukan alamat HOST:PORT"))
                })?;
            let options = security.options(*max_queued)?;
            let server = fox_ipc::server::Server::bind(queue, addr, options).map_err(|e| {
                let message = format!("fox ipc serve: {e}");
                match e {
                    fox_ipc::server::ServeError::Config(_) => Failure::usage(message),
                    _ => Failure::from(message),
                }
            })?;
            if *workers > 0 {
                // Workers in this process, beside the server (one-command
                // setups and demos); they stop when the process does.
                let cfg = worker_config(&store.store, None, *workers, limits)?;
                std::thread::spawn(move || {
                    let log = |m: &str| eprintln!("{m}");
                    if let Err(e) = worker::run(&cfg, &log) {
                        eprintln!("fox: pekerja: {e}");
                    }
                });
            }
            let bound = server.local_addr().map_err(|e| format!("fox: {e}"))?;
            eprintln!(
                "fox ipc serve: {} di {}://{bound}/",
                store.store,
                server.scheme()
            );
            server.run().map_err(|e| format!("fox: {e}"))?;
            Ok(0)
        }
        IpcCommand::Submit {
            target,
            opts,
            json: as_json,
            repeat,
            file,
            args,
        } => {
            let spec = submit_spec(file, args, opts)?;
            let mut q = connect(target)?;
            let mut out = String::new();
            for _ in 0..(*repeat).max(1) {
                let s = q.submit(&spec)?;
                if *as_json {
                    out.push_str(&json(&s));
                    out.push('\n');
                } else {
                    out.push_str(&format!("{}\n", s.id));
                }
            }
            print!("{out}");
            Ok(0)
        }
        IpcCommand::Status {
            target,
            json: as_json,
            id,
        } => {
            let mut q = connect(target)?;
            let Some(t) = q.get(*id)? else {
                return Err(format!("fox: tugas {id} tidak ada").into());
            };
            if *as_json {
                println!("{}", json(&t));
            } else {
                print!("{}", show(&t));
            }
            Ok(0)
        }
        IpcCommand::List {
            target,
            state,
            limit,
            json: as_json,
        } => {
            let state = state_arg(state)?;
            let mut q = connect(target)?;
            let tasks = q.list(state, *limit)?;
            if *as_json {
                println!("{}", json(&tasks));
            } else {
                print!("{}", crate::ipc_table::table(&tasks));
            }
            Ok(0)
        }
        IpcCommand::Retry { target, id } => {
            let mut q = connect(target)?;
            if q.retry(*id)? {
                println!("tugas {id} dijadwalkan ulang");
                Ok(0)
            } else {
                Err(format!("fox: tugas {id} tidak gagal atau mati").into())
            }
        }
        IpcCommand::Cancel { target, id } => {
            let mut q = connect(target)?;
            if q.cancel(*id)? {
                println!("tugas {id} dibatalkan");
                Ok(0)
            } else {
                Err(format!("fox: tugas {id} sudah berakhir atau tidak ada").into())
            }
        }
        IpcCommand::Purge { target, state } => {
            let states = match state_arg(state)? {
                Some(s) => vec![s],
                None => vec![TaskState::Selesai, TaskState::Mati, TaskState::Dibatalkan],
            };
            let mut q = connect(target)?;
            let n = q.purge(&states)?;
            println!("{n} tugas dihapus");
            Ok(0)
        }
        IpcCommand::Config {
            store,
            max_queued,
            breaker_threshold,
            breaker_cooldown,
        } => {
            let mut q = open(store)?;
            let mut s: Settings = q.settings().map_err(|e| format!("fox: {e}"))?;
            if let Some(v) = max_queued {
                s.max_queued = *v;
            }
            if let Some(v) = breaker_threshold {
                s.breaker_threshold = *v;
            }
            if let Some(v) = breaker_cooldown {
                s.breaker_cooldown = *v;
            }
            q.set_settings(&s).map_err(|e| format!("fox: {e}"))?;
            println!(
                "max_queued {}\nbreaker_threshold {}\nbreaker_cooldown {}",
                s.max_queued, s.breaker_threshold, s.breaker_cooldown
            );
            Ok(0)
        }
    }
}
