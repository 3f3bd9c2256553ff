//! The worker: `concurrency` threads that claim tasks, run them
//! ([`runner`](crate::runner), each attempt in a child process of its
//! thread with [`Isolation::Process`](crate::isolate::Isolation)) and report
//! the outcome, plus one heartbeat thread that keeps this process's leases
//! alive. Each thread has its own
//! queue connection and its own VMs. A worker that dies (kill -9, power
//! loss) simply stops heartbeating: its leases expire and other workers
//! reclaim the tasks.

use crate::isolate::{guarded, Isolated, Isolation};
use crate::queue::{self, QueueError, QueueSpec};
use crate::runner::{run_task, Outcome, RunEnv};
use crate::task::TaskState;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub queue: QueueSpec,
    pub env: RunEnv,
    /// Tasks run at once (threads).
    pub concurrency: usize,
    /// Lease length in seconds; renewed every third of it.
    pub lease: f64,
    /// Stop after this long without claimable work (None: run forever).
    pub idle_exit: Option<Duration>,
    /// Stop after this many tasks (None: no limit).
    pub max_tasks: Option<u64>,
    /// How long to wait for new work between polls.
    pub poll: Duration,
    /// Where attempts run: in child processes (what `fox ipc worker` does),
    /// or on the worker's threads.
    pub isolation: Isolation,
}

/// What a worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkerStats {
    pub completed: u64,
    pub failed: u64,
    pub lost: u64,
}

/// Report an outcome, retrying a few times: the database may be busy or the
/// connection may have dropped (the queue reconnects). If it keeps failing
/// the worker stops — its heartbeats stop with it, so the task's lease
/// expires and another worker takes it over.
fn retry<T>(
    log: &(dyn Fn(&str) + Sync),
    mut op: impl FnMut() -> Result<T, QueueError>,
) -> Result<T, QueueError> {
    let mut tries = 0u64;
    loop {
        match op() {
            Ok(v) => return Ok(v),
            Err(e) if tries < 5 => {
                tries += 1;
                log(&format!("laporan tugas gagal ({tries}×), dicoba lagi: {e}"));
                std::thread::sleep(Duration::from_millis(200 * tries));
            }
            Err(e) => return Err(e),
        }
    }
}

/// This process's worker name (the lease owner).
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "host".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{host}-{}-{nanos:08x}", std::process::id())
}

/// Run a worker until it is told to stop (or, with `idle_exit`/`max_tasks`,
/// until it runs out of work).
pub fn run(cfg: &WorkerConfig, log: &(dyn Fn(&str) + Sync)) -> Result<WorkerStats, QueueError> {
    let name = worker_name();
    let stop = Arc::new(AtomicBool::new(false));
    let completed = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let lost = Arc::new(AtomicU64::new(0));
    let taken = Arc::new(AtomicU64::new(0));
    // Open every connection up front so a bad store fails the command.
    let mut heart = queue::open(&cfg.queue)?;
    let mut conns = Vec::with_capacity(cfg.concurrency.max(1));
    for _ in 0..cfg.concurrency.max(1) {
        conns.push(queue::open(&cfg.queue)?);
    }
    log(&format!(
        "pekerja {name}: {} ({} utas, sewa {} s)",
        heart.describe(),
        conns.len(),
        cfg.lease
    ));
    std::thread::scope(|s| {
        let hb_stop = stop.clone();
        let lease = cfg.lease;
        // Each thread holds its leases under its own name: a lease that
        // expired under one thread and was reclaimed by another thread of
        // this process must not let the first one report the task.
        let thread_names: Vec<String> = (0..conns.len()).map(|i| format!("{name}-{i}")).collect();
        let hb_names = thread_names.clone();
        s.spawn(move || {
            let every = Duration::from_secs_f64((lease / 3.0).max(0.05));
            while !hb_stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                while t.elapsed() < every && !hb_stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                for n in &hb_names {
                    if let Err(e) = heart.heartbeat(n, lease) {
                        log(&format!("detak gagal: {e}"));
                    }
                }
            }
        });
        let mut handles = Vec::new();
        for (mut q, name) in conns.into_iter().zip(thread_names) {
            let (stop, completed, failed, lost, taken) = (
                stop.clone(),
                completed.clone(),
                failed.clone(),
                lost.clone(),
                taken.clone(),
            );
            handles.push(s.spawn(move || -> Result<(), QueueError> {
                let mut isolated = match &cfg.isolation {
                    Isolation::Process(cmd) => Some(Isolated::new(cmd.clone())),
                    Isolation::InProcess => None,
                };
                let mut idle_since = Instant::now();
                // The next task, already claimed in the same transaction
                // that completed the previous one.
                let mut next = None;
                let mut claim_errors: u64 = 0;
                while !stop.load(Ordering::Relaxed) {
                    let limit_reached = || {
                        cfg.max_tasks
                            .is_some_and(|max| taken.load(Ordering::Relaxed) >= max)
                    };
                    let task = match next.take() {
                        Some(t) => t,
                        None => {
                            if limit_reached() {
                                break;
                            }
                            match q.claim(&name, cfg.lease) {
                                Ok(Some(t)) => {
                                    claim_errors = 0;
                                    t
                                }
                                // A dropped connection or a busy database:
                                // wait and try again (the queue reconnects);
                                // give up only if it keeps failing.
                                Err(e) => {
                                    claim_errors += 1;
                                    log(&format!("ambil tugas gagal ({claim_errors}×): {e}"));
                                    if claim_errors >= 20 {
                                        return Err(e);
                                    }
                                    std::thread::sleep(Duration::from_millis(
                                        250 * claim_errors.min(8),
                                    ));
                                    continue;
                                }
                                Ok(None) => {
                                    if cfg.idle_exit.is_some_and(|d| idle_since.elapsed() >= d) {
                                        break;
                                    }
                                    if let Err(e) = q.wait(cfg.poll) {
                                        log(&format!("menunggu tugas gagal: {e}"));
                                        std::thread::sleep(cfg.poll);
                                    }
                                    continue;
                                }
                            }
                        }
                    };
                    taken.fetch_add(1, Ordering::Relaxed);
                    let outcome = match &mut isolated {
                        Some(iso) => {
                            let mut last = Instant::now();
                            let mut abandon = || -> Option<String> {
                                if last.elapsed() < Duration::from_secs(1) {
                                    return None;
                                }
                                last = Instant::now();
                                match q.lease_of(task.id) {
                                    Ok(Some((TaskState::Berjalan, Some(o)))) if o == name => None,
                                    Ok(Some((TaskState::Dibatalkan, _))) => {
                                        Some("dibatalkan".into())
                                    }
                                    Ok(Some(_)) => Some("sewa hilang".into()),
                                    Ok(None) => Some("tugas dihapus".into()),
                                    // The queue is unreachable: keep running;
                                    // the report will find out.
                                    Err(_) => None,
                                }
                            };
                            iso.run(&task, &cfg.env, &mut abandon)
                        }
                        None => guarded(|| run_task(&task, &cfg.env)).0,
                    };
                    match outcome {
                        Outcome::Abandoned(why) => {
                            lost.fetch_add(1, Ordering::Relaxed);
                            log(&format!("tugas {} ditinggalkan: {why}", task.id));
                        }
                        Outcome::Done {
                            stdout,
                            exit_code,
                            granted,
                        } => {
                            let done = if limit_reached() || stop.load(Ordering::Relaxed) {
                                retry(log, || {
                                    q.complete(task.id, &name, &stdout, exit_code, &granted)
                                })?
                            } else {
                                let (done, claimed) = retry(log, || {
                                    q.complete_and_claim(
                                        task.id, &name, &stdout, exit_code, &granted, cfg.lease,
                                    )
                                })?;
                                next = claimed;
                                done
                            };
                            if done {
                                completed.fetch_add(1, Ordering::Relaxed);
                            } else {
                                lost.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Outcome::Failed(f) => match retry(log, || q.fail(task.id, &name, &f))? {
                            Some(state) => {
                                failed.fetch_add(1, Ordering::Relaxed);
                                log(&format!(
                                    "tugas {} gagal (percobaan {}): {}: {} → {state}",
                                    task.id, task.attempts, f.jenis, f.pesan
                                ));
                            }
                            None => {
                                lost.fetch_add(1, Ordering::Relaxed);
                            }
                        },
                    }
                    idle_since = Instant::now();
                }
                // A task claimed but not started (the loop ended on an
                // error) goes back to the queue when its lease expires.
                Ok(())
            }));
        }
        let mut first_err = None;
        for h in handles {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    first_err.get_or_insert(e);
                }
                Err(_) => {
                    first_err.get_or_insert(QueueError::Backend("utas pekerja panik".into()));
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        match first_err {
            Some(e) => Err(e),
            None => Ok(WorkerStats {
                completed: completed.load(Ordering::Relaxed),
                failed: failed.load(Ordering::Relaxed),
                lost: lost.load(Ordering::Relaxed),
            }),
        }
    })
}
