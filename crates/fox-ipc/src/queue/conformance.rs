//! The queue conformance suite: the behaviour every backend must have,
//! written once against the trait. Backends' tests call [`run_all`] with a
//! fresh, empty queue.

use super::{Queue, Settings};
use crate::task::{Failure, TaskSpec, TaskState};
use std::time::Duration;

fn spec(name: &str) -> TaskSpec {
    TaskSpec {
        name: format!("{name}.fox"),
        program: format!("tulis(\"{name}\")\n"),
        backoff_ms: 10,
        backoff_max_ms: 20,
        ..TaskSpec::default()
    }
}

fn check(cond: bool, what: &str) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(what.to_string())
    }
}

fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

/// Run every check; `Err` names the first that failed.
pub fn run_all(q: &mut dyn Queue) -> Result<(), String> {
    submit_claim_complete(q)?;
    priority_and_order(q)?;
    idempotency(q)?;
    failure_retry_and_dead_letter(q)?;
    leases(q)?;
    cancel_retry_purge(q)?;
    back_pressure_and_breaker(q)?;
    Ok(())
}

/// Finish or cancel everything, then delete it: the next check starts
/// from an empty queue.
fn drain(q: &mut dyn Queue) -> Result<(), String> {
    for t in q.list(None, 10_000).map_err(e)? {
        match (t.state, &t.lease_owner) {
            (TaskState::Berjalan, Some(owner)) => {
                q.complete(t.id, owner, b"", 0, &[]).map_err(e)?;
            }
            (s, _) if !s.is_final() => {
                q.cancel(t.id).map_err(e)?;
            }
            _ => {}
        }
    }
    q.purge(&TaskState::ALL).map_err(e)?;
    check(q.list(None, 10).map_err(e)?.is_empty(), "drained")
}

fn submit_claim_complete(q: &mut dyn Queue) -> Result<(), String> {
    let asked = vec![
        "--allow-read=/data".to_string(),
        "--allow-env=HOME".to_string(),
    ];
    let s = q
        .submit(&TaskSpec {
            permissions: asked.clone(),
            ..spec("a")
        })
        .map_err(e)?;
    check(!s.existing, "a fresh task is new")?;
    let rec = q.get(s.id).map_err(e)?.ok_or("submitted task exists")?;
    check(
        rec.state == TaskState::Menunggu,
        "submitted task is menunggu",
    )?;
    check(rec.spec.program == "tulis(\"a\")\n", "program kept")?;
    check(rec.spec.permissions == asked, "requested grants kept")?;
    check(rec.granted.is_none(), "nothing granted before an attempt")?;
    check(
        q.submit(&TaskSpec {
            permissions: vec!["--allow-bogus".into()],
            ..spec("b")
        })
        .is_err(),
        "malformed grants refused at submission",
    )?;
    check(rec.spec.max_heap_bytes.is_none(), "no heap limit asked")?;
    let limited = TaskSpec {
        max_heap_bytes: Some(64 << 20),
        ..spec("terbatas")
    };
    let l = q.submit(&limited).map_err(e)?;
    let rec = q.get(l.id).map_err(e)?.ok_or("limited task exists")?;
    check(rec.spec.max_heap_bytes == Some(64 << 20), "heap limit kept")?;
    q.cancel(l.id).map_err(e)?;
    let t = q.claim("w1", 30.0).map_err(e)?.ok_or("claimable")?;
    check(
        t.id == s.id && t.state == TaskState::Berjalan,
        "claimed berjalan",
    )?;
    check(t.attempts == 1, "one attempt")?;
    check(t.lease_owner.as_deref() == Some("w1"), "lease owner")?;
    check(q.claim("w2", 30.0).map_err(e)?.is_none(), "no double claim")?;
    check(
        !q.complete(t.id, "w2", b"x", 0, &[]).map_err(e)?,
        "only the owner completes",
    )?;
    check(
        q.complete(t.id, "w1", b"a\n", 0, &asked[..1]).map_err(e)?,
        "owner completes",
    )?;
    check(
        !q.complete(t.id, "w1", b"a\n", 0, &[]).map_err(e)?,
        "completes once",
    )?;
    let done = q.get(s.id).map_err(e)?.ok_or("still there")?;
    check(done.state == TaskState::Selesai, "selesai")?;
    check(
        done.stdout == b"a\n" && done.exit_code == Some(0),
        "output kept",
    )?;
    check(done.completions == 1, "one completion")?;
    check(
        done.granted.as_deref() == Some(&asked[..1]),
        "the effective grant is recorded",
    )?;
    drain(q)
}

fn priority_and_order(q: &mut dyn Queue) -> Result<(), String> {
    let low = q.submit(&spec("low")).map_err(e)?.id;
    let high = q
        .submit(&TaskSpec {
            priority: 5,
            ..spec("high")
        })
        .map_err(e)?
        .id;
    let low2 = q.submit(&spec("low2")).map_err(e)?.id;
    let order: Vec<i64> = (0..3)
        .filter_map(|_| q.claim("w", 30.0).ok().flatten().map(|t| t.id))
        .collect();
    check(order == vec![high, low, low2], "priority, then age")?;
    drain(q)
}

fn idempotency(q: &mut dyn Queue) -> Result<(), String> {
    let k = TaskSpec {
        idempotency_key: Some("kunci-1".into()),
        ..spec("idem")
    };
    let a = q.submit(&k).map_err(e)?;
    let b = q.submit(&k).map_err(e)?;
    check(
        a.id == b.id && !a.existing && b.existing,
        "same key, same task",
    )?;
    check(
        q.list(None, 100).map_err(e)?.len() == 1,
        "no duplicate task",
    )?;
    drain(q)
}

fn failure_retry_and_dead_letter(q: &mut dyn Queue) -> Result<(), String> {
    let id = q
        .submit(&TaskSpec {
            max_attempts: 2,
            ..spec("flaky")
        })
        .map_err(e)?
        .id;
    let t = q.claim("w", 30.0).map_err(e)?.ok_or("claim 1")?;
    let f = Failure {
        stdout: b"part1\n".to_vec(),
        jenis: "ErrorSistem".into(),
        pesan: "boom".into(),
        ticket: Some(vec![1, 2, 3]),
        ticket_summary: Some(serde_json::json!({"attempts": 1})),
        retryable: true,
        granted: Some(vec!["--allow-net=x:1".into()]),
    };
    check(
        q.fail(t.id, "other", &f).map_err(e)?.is_none(),
        "only the owner fails it",
    )?;
    let st = q.fail(t.id, "w", &f).map_err(e)?;
    check(
        st == Some(TaskState::GagalCobaLagi),
        "first failure retries",
    )?;
    let rec = q.get(id).map_err(e)?.ok_or("exists")?;
    check(rec.ticket.as_deref() == Some(&[1, 2, 3][..]), "ticket kept")?;
    check(rec.run_at > rec.updated_at - 1.0, "retry scheduled")?;
    check(rec.error_pesan.as_deref() == Some("boom"), "error kept")?;
    check(
        rec.granted == Some(vec!["--allow-net=x:1".to_string()]),
        "a failed attempt's grant is recorded",
    )?;
    // Not due before its backoff.
    std::thread::sleep(Duration::from_millis(40));
    let t2 = q.claim("w", 30.0).map_err(e)?.ok_or("retry due")?;
    check(t2.id == id && t2.attempts == 2, "second attempt")?;
    check(
        t2.ticket.is_some() && t2.resumed == 1,
        "retry resumes the ticket",
    )?;
    let st = q.fail(t2.id, "w", &f).map_err(e)?;
    check(st == Some(TaskState::Mati), "last attempt dead-letters")?;
    let rec = q.get(id).map_err(e)?.ok_or("exists")?;
    check(
        rec.stdout == b"part1\npart1\n",
        "output of attempts appended",
    )?;
    check(
        q.claim("w", 30.0).map_err(e)?.is_none(),
        "dead is not claimed",
    )?;
    // Non-retryable failures die at once.
    let id2 = q.submit(&spec("syntax")).map_err(e)?.id;
    let t = q.claim("w", 30.0).map_err(e)?.ok_or("claim")?;
    let st = q
        .fail(
            t.id,
            "w",
            &Failure {
                retryable: false,
                ..Failure::default()
            },
        )
        .map_err(e)?;
    check(
        st == Some(TaskState::Mati) && t.id == id2,
        "non-retryable dies",
    )?;
    drain(q)
}

fn leases(q: &mut dyn Queue) -> Result<(), String> {
    let id = q
        .submit(&TaskSpec {
            max_attempts: 3,
            ..spec("lease")
        })
        .map_err(e)?
        .id;
    let t = q.claim("dies", 0.2).map_err(e)?.ok_or("claim")?;
    check(t.id == id, "claimed")?;
    check(
        q.heartbeat("dies", 0.2).map_err(e)? == 1,
        "heartbeat renews",
    )?;
    check(q.claim("other", 30.0).map_err(e)?.is_none(), "leased")?;
    std::thread::sleep(Duration::from_millis(300));
    let t2 = q.claim("other", 30.0).map_err(e)?.ok_or("reclaimed")?;
    check(t2.id == id && t2.attempts == 2, "expired lease reclaimed")?;
    check(
        !q.complete(id, "dies", b"", 0, &[]).map_err(e)?,
        "the dead worker cannot complete",
    )?;
    check(
        q.complete(id, "other", b"", 0, &[]).map_err(e)?,
        "new owner completes",
    )?;
    // Dying on the last attempt dead-letters.
    let id = q
        .submit(&TaskSpec {
            max_attempts: 1,
            ..spec("lease2")
        })
        .map_err(e)?
        .id;
    q.claim("dies", 0.1).map_err(e)?.ok_or("claim")?;
    std::thread::sleep(Duration::from_millis(200));
    check(
        q.claim("other", 30.0).map_err(e)?.is_none(),
        "not reclaimed",
    )?;
    let rec = q.get(id).map_err(e)?.ok_or("exists")?;
    check(rec.state == TaskState::Mati, "died on the last attempt")?;
    drain(q)
}

fn cancel_retry_purge(q: &mut dyn Queue) -> Result<(), String> {
    let a = q.submit(&spec("c1")).map_err(e)?.id;
    check(q.cancel(a).map_err(e)?, "cancel queued")?;
    check(!q.cancel(a).map_err(e)?, "cancel once")?;
    check(
        q.claim("w", 30.0).map_err(e)?.is_none(),
        "cancelled not claimed",
    )?;
    let b = q
        .submit(&TaskSpec {
            max_attempts: 1,
            ..spec("c2")
        })
        .map_err(e)?
        .id;
    let t = q.claim("w", 30.0).map_err(e)?.ok_or("claim")?;
    q.fail(
        t.id,
        "w",
        &Failure {
            retryable: true,
            ..Failure::default()
        },
    )
    .map_err(e)?;
    check(
        q.get(b).map_err(e)?.map(|r| r.state) == Some(TaskState::Mati),
        "dead",
    )?;
    check(q.retry_now(b).map_err(e)?, "retry a dead task")?;
    let t = q
        .claim("w", 30.0)
        .map_err(e)?
        .ok_or("retried task claimable")?;
    check(t.id == b && t.attempts == 2, "one more attempt")?;
    q.complete(b, "w", b"ok", 0, &[]).map_err(e)?;
    check(
        !q.retry_now(b).map_err(e)?,
        "finished tasks are not retried",
    )?;
    let counts = q.counts().map_err(e)?;
    let n = |s| counts.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n);
    check(
        n(TaskState::Selesai) == 1 && n(TaskState::Dibatalkan) == 1,
        "counts",
    )?;
    check(
        q.list(Some(TaskState::Dibatalkan), 10).map_err(e)?.len() == 1,
        "list by state",
    )?;
    check(
        q.purge(&[TaskState::Selesai, TaskState::Dibatalkan])
            .map_err(e)?
            == 2,
        "purge",
    )?;
    check(q.list(None, 10).map_err(e)?.is_empty(), "purged")?;
    drain(q)
}

fn back_pressure_and_breaker(q: &mut dyn Queue) -> Result<(), String> {
    let saved = q.settings().map_err(e)?;
    q.set_settings(&Settings {
        max_queued: 2,
        breaker_threshold: 2,
        breaker_cooldown: 0.3,
    })
    .map_err(e)?;
    q.submit(&spec("bp1")).map_err(e)?;
    q.submit(&spec("bp2")).map_err(e)?;
    check(
        matches!(
            q.submit(&spec("bp3")),
            Err(super::QueueError::Full { queued: 2, max: 2 })
        ),
        "third submission refused",
    )?;
    drain(q)?;
    // Two consecutive failures of one program pause it.
    let bad = TaskSpec {
        max_attempts: 10,
        ..spec("bad")
    };
    let id = q.submit(&bad).map_err(e)?.id;
    let other = q.submit(&spec("good")).map_err(e)?.id;
    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(30));
        let t = loop {
            let t = q.claim("w", 30.0).map_err(e)?.ok_or("claim")?;
            if t.id == id {
                break t;
            }
            q.complete(t.id, "w", b"", 0, &[]).map_err(e)?;
        };
        q.fail(
            t.id,
            "w",
            &Failure {
                retryable: true,
                ..Failure::default()
            },
        )
        .map_err(e)?;
    }
    std::thread::sleep(Duration::from_millis(40));
    check(
        q.claim("w", 30.0).map_err(e)?.is_none(),
        "breaker open: program paused",
    )?;
    let _ = other;
    std::thread::sleep(Duration::from_millis(350));
    let t = q.claim("w", 30.0).map_err(e)?.ok_or("breaker closes")?;
    check(t.id == id, "paused program runs again")?;
    q.complete(t.id, "w", b"", 0, &[]).map_err(e)?;
    q.set_settings(&saved).map_err(e)?;
    drain(q)
}
