//! The HTTP API end to end: a real server on a loopback port over a real
//! SQLite queue, real HTTP requests, and real workers running the tasks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_ipc::runner::RunEnv;
use fox_ipc::server::Server;
use fox_ipc::worker::{self, WorkerConfig};
use fox_ipc::QueueSpec;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

const HALO: &str = "tulis(\"halo\", argumen_sistem[1])\n";
/// Fails on line 2, column 11 (`1 / 0`), after printing.
const GAGAL: &str = "tulis(\"mulai\")\nbiar x = 1 / 0\ntulis(\"tidak sampai\")\n";

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-srv-api-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Api {
    base: String,
    dir: PathBuf,
    agent: ureq::Agent,
}

impl Api {
    /// A server on a free loopback port over a fresh queue. It serves on a
    /// thread until the test process ends.
    fn start(name: &str, max_queued: Option<u64>) -> Api {
        let dir = temp(name);
        let spec = QueueSpec::Sqlite(dir.join("antrean.db"));
        let server = Server::bind(spec, "127.0.0.1:0".parse().unwrap(), max_queued).unwrap();
        let addr = server.local_addr().unwrap();
        std::thread::spawn(move || server.run());
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Api {
            base: format!("http://{addr}"),
            dir,
            agent,
        }
    }

    fn spec(&self) -> QueueSpec {
        QueueSpec::Sqlite(self.dir.join("antrean.db"))
    }

    fn finish(
        &self,
        what: &str,
        r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> (u16, String, Value) {
        let mut r = r.unwrap_or_else(|e| panic!("{what}: {e}"));
        let status = r.status().as_u16();
        let ctype = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let text = r.body_mut().read_to_string().unwrap();
        let value = if ctype.starts_with("application/json") {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: {e}: {text}"))
        } else {
            Value::String(text)
        };
        (status, ctype, value)
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let r = self.agent.get(format!("{}{path}", self.base)).call();
        let (s, _, v) = self.finish(path, r);
        (s, v)
    }

    fn post(&self, path: &str) -> (u16, Value) {
        let r = self.agent.post(format!("{}{path}", self.base)).send_empty();
        let (s, _, v) = self.finish(path, r);
        (s, v)
    }

    fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .agent
            .post(format!("{}{path}", self.base))
            .send_json(body);
        let (s, _, v) = self.finish(path, r);
        (s, v)
    }

    fn post_raw(&self, path: &str, body: &str) -> (u16, String, Value) {
        let r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .send(body);
        self.finish(path, r)
    }

    fn submit(&self, name: &str, program: &str, extra: Value) -> i64 {
        let mut body = json!({ "name": name, "program": program });
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        let (status, v) = self.post_json("/api/tasks", &body);
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["existing"], json!(false), "{v}");
        v["id"].as_i64().unwrap()
    }

    fn task(&self, id: i64) -> Value {
        let (status, v) = self.get(&format!("/api/tasks/{id}"));
        assert_eq!(status, 200, "{v}");
        v
    }

    /// Run every due task with a real worker (threads of this process).
    fn drain(&self) {
        let cfg = WorkerConfig {
            queue: self.spec(),
            env: RunEnv {
                store: fox_store::StoreSpec::Sqlite(self.dir.join("antrean.db")),
                queue: Some(self.spec()),
                workdir: self.dir.clone(),
                slice: 200_000,
                max_heap_bytes: fox_ipc::runner::DEFAULT_TASK_HEAP_BYTES,
            },
            concurrency: 1,
            lease: 30.0,
            idle_exit: Some(Duration::from_millis(100)),
            max_tasks: None,
            poll: Duration::from_millis(20),
        };
        worker::run(&cfg, &|_| {}).unwrap();
    }
}

fn assert_error(status: u16, v: &Value, want_status: u16, want_text: &str) {
    assert_eq!(status, want_status, "{v}");
    let e = v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error text: {v}"));
    assert!(e.contains(want_text), "{e:?} lacks {want_text:?}");
}

#[test]
fn submit_get_list_stats_and_the_task_json() {
    let api = Api::start("shape", None);
    let halo = api.submit(
        "halo.fox",
        HALO,
        json!({ "args": ["dunia"], "priority": 3 }),
    );
    let gagal = api.submit(
        "gagal.fox",
        GAGAL,
        json!({ "max_attempts": 1, "backoff_ms": 10, "backoff_max_ms": 20 }),
    );
    let lagi = api.submit(
        "gagal.fox",
        GAGAL,
        json!({ "max_attempts": 3, "backoff_ms": 600_000, "backoff_max_ms": 600_000 }),
    );
    // Idempotency: the same key gives the same task, 200 instead of 201.
    let body =
        json!({ "name": "k.fox", "program": HALO, "args": ["k"], "idempotency_key": "kunci-1" });
    let (s1, first) = api.post_json("/api/tasks", &body);
    let (s2, again) = api.post_json("/api/tasks", &body);
    assert_eq!((s1, s2), (201, 200));
    assert_eq!(first["id"], again["id"]);
    assert_eq!(again["existing"], json!(true));

    let t = api.task(halo);
    assert_eq!(t["id"], json!(halo));
    assert_eq!(t["state"], json!("menunggu"));
    assert_eq!(t["attempts"], json!(0));
    assert_eq!(t["spec"]["name"], json!("halo.fox"));
    assert_eq!(t["spec"]["args"], json!(["dunia"]));
    assert_eq!(t["spec"]["priority"], json!(3));
    assert_eq!(t["stdout"], json!(""));
    assert_eq!(t["exit_code"], Value::Null);
    assert_eq!(t["ticket_summary"], Value::Null);
    assert!(
        t.get("ticket").is_none(),
        "ticket bytes stay out of the JSON"
    );

    let (_, all) = api.get("/api/tasks");
    let ids: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let (_, one) = api.get("/api/tasks?limit=1");
    assert_eq!(one.as_array().unwrap().len(), 1);
    let (_, waiting) = api.get("/api/tasks?state=menunggu&limit=10");
    assert_eq!(waiting.as_array().unwrap().len(), 4);
    let (_, none) = api.get("/api/tasks?state=selesai");
    assert_eq!(none, json!([]));

    api.drain();

    let t = api.task(halo);
    assert_eq!(t["state"], json!("selesai"));
    assert_eq!(t["attempts"], json!(1));
    assert_eq!(t["completions"], json!(1));
    assert_eq!(t["stdout"], json!("halo dunia\n"));
    assert_eq!(t["exit_code"], json!(0));
    assert_eq!(t["ticket_summary"], Value::Null);

    let t = api.task(gagal);
    assert_eq!(t["state"], json!("mati"), "{t}");
    assert_eq!(t["attempts"], json!(1));
    assert_eq!(t["stdout"], json!("mulai\n"));
    assert_eq!(t["exit_code"], Value::Null);
    assert!(
        t["error_jenis"].as_str().is_some_and(|j| !j.is_empty()),
        "{t}"
    );
    let summary = &t["ticket_summary"];
    assert_eq!(summary["jenis"], t["error_jenis"], "{summary}");
    let top = summary["traceback"].as_array().unwrap().last().unwrap();
    assert_eq!(top["file"], json!("gagal.fox"), "{top}");
    assert_eq!(top["line"], json!(2), "{top}");
    assert!(top["col"].as_u64().unwrap() >= 1, "{top}");

    let t = api.task(lagi);
    assert_eq!(t["state"], json!("gagal-coba-lagi"), "{t}");
    assert!(t["run_at"].as_f64().unwrap() > fox_ipc::task::now() + 100.0);

    let (status, stats) = api.get("/api/stats");
    assert_eq!(status, 200);
    assert_eq!(stats["counts"]["selesai"], json!(2), "{stats}");
    assert_eq!(stats["counts"]["mati"], json!(1));
    assert_eq!(stats["counts"]["gagal-coba-lagi"], json!(1));
    assert_eq!(stats["counts"]["menunggu"], json!(0));
    assert_eq!(stats["counts"]["berjalan"], json!(0));
    assert_eq!(stats["counts"]["dibatalkan"], json!(0));
    assert_eq!(stats["total"], json!(4));
    assert_eq!(stats["settings"]["max_queued"], json!(100_000));
    assert!(stats["queue"].as_str().unwrap().starts_with("sqlite:"));
    assert!(stats["now"].as_f64().unwrap() > 1.0e9);
}

#[test]
fn retry_cancel_purge_and_their_conflicts() {
    let api = Api::start("transitions", None);
    let waiting = api.submit("halo.fox", HALO, json!({}));
    let dead = api.submit("gagal.fox", GAGAL, json!({ "max_attempts": 1 }));

    // Nothing to retry yet; a queued task can be cancelled, once.
    let (s, v) = api.post(&format!("/api/tasks/{waiting}/retry"));
    assert_error(s, &v, 409, "tidak gagal atau mati");
    let (s, v) = api.post(&format!("/api/tasks/{waiting}/cancel"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], json!("dibatalkan"));
    let (s, v) = api.post(&format!("/api/tasks/{waiting}/cancel"));
    assert_error(s, &v, 409, "sudah berakhir");
    let (s, v) = api.post("/api/tasks/9999/retry");
    assert_error(s, &v, 404, "tugas 9999 tidak ada");
    let (s, v) = api.post("/api/tasks/9999/cancel");
    assert_error(s, &v, 404, "tugas 9999 tidak ada");

    api.drain();
    assert_eq!(api.task(dead)["state"], json!("mati"));

    // A dead letter is retried now, with one more attempt.
    let before = fox_ipc::task::now();
    let (s, v) = api.post(&format!("/api/tasks/{dead}/retry"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], json!("gagal-coba-lagi"));
    assert_eq!(v["spec"]["max_attempts"], json!(2));
    let run_at = v["run_at"].as_f64().unwrap();
    assert!(
        run_at >= before - 1.0 && run_at <= fox_ipc::task::now(),
        "due now: {v}"
    );
    assert_eq!(api.task(dead)["state"], json!("gagal-coba-lagi"));
    // Still failed: cancelling it is allowed.
    let (s, v) = api.post(&format!("/api/tasks/{dead}/cancel"));
    assert_eq!((s, v["state"].clone()), (200, json!("dibatalkan")));

    let (s, v) = api.post("/api/purge?state=menunggu");
    assert_error(s, &v, 400, "berakhir");
    let (s, v) = api.post("/api/purge?state=bukan");
    assert_error(s, &v, 400, "tidak dikenal");
    let kept = api.submit("halo.fox", HALO, json!({}));
    let (s, v) = api.post("/api/purge?state=dibatalkan");
    assert_eq!((s, v), (200, json!({ "purged": 2 })));
    let (s, v) = api.get(&format!("/api/tasks/{waiting}"));
    assert_error(s, &v, 404, "tidak ada");
    let (s, v) = api.post("/api/purge");
    assert_eq!((s, v), (200, json!({ "purged": 0 })));
    assert_eq!(api.task(kept)["state"], json!("menunggu"));
}

#[test]
fn bad_requests_are_json_errors() {
    let api = Api::start("errors", None);
    let (s, v) = api.get("/api/tasks/abc");
    assert_error(s, &v, 400, "id tugas tidak sah");
    let (s, v) = api.get("/api/tasks/424242");
    assert_error(s, &v, 404, "tugas 424242 tidak ada");
    let (s, v) = api.get("/api/nope");
    assert_error(s, &v, 404, "/api/nope");
    let (s, v) = api.get("/api/tasks?state=bukan");
    assert_error(s, &v, 400, "keadaan 'bukan' tidak dikenal");
    let (s, v) = api.get("/api/tasks?limit=banyak");
    assert_error(s, &v, 400, "parameter tidak sah");
    let r = api.agent.delete(format!("{}/api/tasks", api.base)).call();
    let (s, ctype, v) = api.finish("delete", r);
    assert!(ctype.starts_with("application/json"), "{ctype}");
    assert_error(s, &v, 405, "DELETE");

    for (body, want) in [
        ("bukan json", "tidak sah"),
        ("[1, 2]", "objek JSON"),
        ("{\"program\": \"\"}", "program kosong"),
        ("{\"program\": 5}", "tidak sah"),
        (
            "{\"program\": \"tulis(1)\", \"max_attempts\": 0}",
            "max_attempts",
        ),
        (
            "{\"program\": \"tulis(1)\", \"backoff_ms\": 10, \"backoff_max_ms\": 1}",
            "backoff_max_ms",
        ),
        (
            "{\"program\": \"tulis(1)\", \"max_attemps\": 2}",
            "'max_attemps'",
        ),
    ] {
        let (s, ctype, v) = api.post_raw("/api/tasks", body);
        assert!(ctype.starts_with("application/json"), "{body}: {ctype}");
        assert_error(s, &v, 400, want);
    }
    let (_, stats) = api.get("/api/stats");
    assert_eq!(stats["total"], json!(0), "nothing was queued");

    // The dashboard.
    let r = api.agent.get(format!("{}/", api.base)).call();
    let (s, ctype, page) = api.finish("/", r);
    assert_eq!(s, 200);
    assert!(ctype.starts_with("text/html"), "{ctype}");
    let page = page.as_str().unwrap();
    for needle in [
        "<title>FoxIPC</title>",
        "id=\"tasks-mati\"",
        "id=\"tasks-gagal-coba-lagi\"",
        "id=\"submit-form\"",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no external assets"
    );
}

#[test]
fn a_full_queue_answers_429() {
    let api = Api::start("full", Some(2));
    let (_, stats) = api.get("/api/stats");
    assert_eq!(stats["settings"]["max_queued"], json!(2));
    let a = api.submit("a.fox", HALO, json!({}));
    api.submit("b.fox", HALO, json!({}));
    let r = api
        .agent
        .post(format!("{}/api/tasks", api.base))
        .send_json(json!({ "name": "c.fox", "program": HALO }));
    let r = r.unwrap();
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let (s, _, v) = api.finish("full", Ok(r));
    assert_error(s, &v, 429, "antrean penuh");
    assert_eq!(
        (v["queued"].clone(), v["max"].clone()),
        (json!(2), json!(2))
    );
    // A cancelled task no longer counts.
    assert_eq!(api.post(&format!("/api/tasks/{a}/cancel")).0, 200);
    api.submit("c.fox", HALO, json!({}));
}

#[test]
fn concurrent_submissions_get_distinct_ids() {
    let api = Api::start("concurrent", None);
    let ids: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let api = &api;
                s.spawn(move || {
                    (0..15)
                        .map(|i| api.submit(&format!("t{t}-{i}.fox"), HALO, json!({})))
                        .collect::<Vec<i64>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let distinct: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), 120);
    let (_, stats) = api.get("/api/stats");
    assert_eq!(stats["counts"]["menunggu"], json!(120));
}
