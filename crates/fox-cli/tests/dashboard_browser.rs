//! The dashboard in a real browser: headless Chromium driven through
//! chromedriver's W3C WebDriver HTTP API, against a real `fox ipc serve`
//! process behind a token (the login form, an HttpOnly session cookie),
//! with a real worker process making a task dead-lettered.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/test-deps.sh`
//! installs them); without them this test fails, it never skips.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{ok, scratch, Serve};

/// The browser and its driver; `FOX_TEST_CHROMIUM` / `FOX_TEST_CHROMEDRIVER`
/// point elsewhere.
fn chromium() -> String {
    std::env::var("FOX_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn chromedriver() -> String {
    std::env::var("FOX_TEST_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}
/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const PATIENCE: Duration = Duration::from_secs(15);

fn require_browser() {
    let missing: Vec<String> = [chromium(), chromedriver()]
        .into_iter()
        .filter(|p| !Path::new(p).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "the dashboard browser test needs {missing:?} (Debian packages chromium and \
         chromium-driver): run scripts/test-deps.sh (or apt-get install chromium chromium-driver)"
    );
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Poll `f` until it gives a value (at most [`PATIENCE`]).
fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A WebDriver error: its `error` code and message.
struct WdError {
    error: String,
    message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

/// chromedriver and one browser session; both end on drop.
struct Browser {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Browser {
    fn start(profile: &Path, log: &Path) -> Browser {
        let port = free_port();
        let log_file = std::fs::File::create(log).unwrap();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e} (see scripts/test-deps.sh)", chromedriver()));
        let mut b = Browser {
            child,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent: agent(),
        };
        wait_for("chromedriver to be ready", || {
            let mut r = b.agent.get(format!("{}/status", b.base)).call().ok()?;
            let v: Value = r.body_mut().read_json().ok()?;
            v["value"]["ready"].as_bool().filter(|r| *r)
        });
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "goog:chromeOptions": {
                        "binary": chromium(),
                        "args": [
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            format!("--user-data-dir={}", profile.display()),
                        ],
                    }
                }
            }
        });
        let v = b
            .call("POST", "/session", Some(caps))
            .unwrap_or_else(|e| panic!("new session: {e}; chromedriver log: {}", log.display()));
        b.session = v["sessionId"].as_str().unwrap().to_string();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        let url = format!("{}{path}", self.base);
        let r = match method {
            "GET" => self.agent.get(url).call(),
            "DELETE" => self.agent.delete(url).call(),
            _ => self.agent.post(url).send_json(body.unwrap_or(json!({}))),
        };
        let mut r = r.map_err(|e| WdError {
            error: "transport".into(),
            message: e.to_string(),
        })?;
        let ok = r.status().is_success();
        let v: Value = r.body_mut().read_json().map_err(|e| WdError {
            error: "bad response".into(),
            message: e.to_string(),
        })?;
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if ok {
            Ok(value)
        } else {
            Err(WdError {
                error: value["error"].as_str().unwrap_or("?").to_string(),
                message: value["message"].as_str().unwrap_or("").to_string(),
            })
        }
    }

    fn session(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn goto(&self, url: &str) {
        if let Err(e) = self.session("POST", "/url", Some(json!({ "url": url }))) {
            panic!("open {url}: {e}");
        }
    }

    /// The element `css` selects, if there is one now.
    fn find(&self, css: &str) -> Option<String> {
        let body = json!({ "using": "css selector", "value": css });
        match self.session("POST", "/element", Some(body)) {
            Ok(v) => match v[ELEMENT].as_str() {
                Some(id) => Some(id.to_string()),
                None => panic!("find {css}: no element reference in {v}"),
            },
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("find {css}: {e}"),
        }
    }

    /// The text of the element `css` selects, if there is one now.
    fn text(&self, css: &str) -> Option<String> {
        let id = self.find(css)?;
        match self.session("GET", &format!("/element/{id}/text"), None) {
            Ok(v) => v.as_str().map(String::from),
            // Replaced between the two calls: try again.
            Err(e) if e.error == "stale element reference" => None,
            Err(e) => panic!("text of {css}: {e}"),
        }
    }

    /// Wait until the element `css` selects shows `want`; on timeout the
    /// failure says what it showed and what the page looked like.
    fn wait_text(&self, css: &str, want: &str) -> String {
        let start = Instant::now();
        loop {
            let seen = self.text(css);
            if let Some(t) = seen.as_ref().filter(|t| t.contains(want)) {
                return t.clone();
            }
            if start.elapsed() > PATIENCE {
                let page = self
                    .session("GET", "/source", None)
                    .map(|v| v.as_str().unwrap_or("").to_string())
                    .unwrap_or_else(|e| e.to_string());
                panic!("timed out waiting for {css} to show {want:?}; it shows {seen:?}\npage:\n{page}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Run `script` in the page; its return value.
    fn execute(&self, script: &str) -> Value {
        let body = json!({ "script": script, "args": [] });
        self.session("POST", "/execute/sync", Some(body))
            .unwrap_or_else(|e| panic!("execute {script}: {e}"))
    }

    fn wait_gone(&self, css: &str) {
        wait_for(&format!("{css} to disappear"), || {
            self.find(css).is_none().then_some(())
        });
    }

    /// Click what `css` selects, as a user would (waits for it to exist).
    fn click(&self, css: &str) {
        wait_for(&format!("a click on {css}"), || {
            let id = self.find(css)?;
            match self.session("POST", &format!("/element/{id}/click"), None) {
                Ok(_) => Some(()),
                Err(e) if e.error == "stale element reference" => None,
                Err(e) => panic!("click {css}: {e}"),
            }
        });
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).unwrap_or_else(|| panic!("no {css}"));
        let typed = self
            .session("POST", &format!("/element/{id}/clear"), None)
            .and_then(|_| {
                let body = json!({ "text": text });
                self.session("POST", &format!("/element/{id}/value"), Some(body))
            });
        if let Err(e) = typed {
            panic!("type into {css}: {e}");
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.session("DELETE", "", None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TOKEN: &str = "token-dasbor-0123456789abcdef";

/// The JSON API, as the test's own view of the queue.
struct Api {
    base: String,
    agent: ureq::Agent,
}

impl Api {
    fn submit(&self, body: Value) -> i64 {
        let mut r = self
            .agent
            .post(format!("{}/api/tasks", self.base))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .send_json(body)
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let v: Value = r.body_mut().read_json().unwrap();
        v["id"].as_i64().unwrap()
    }

    fn task(&self, id: i64) -> Value {
        let mut r = self
            .agent
            .get(format!("{}/api/tasks/{id}", self.base))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.body_mut().read_json().unwrap()
    }
}

fn row(table: &str, id: i64) -> String {
    format!("#tasks-{table} tr[data-id=\"{id}\"]")
}

#[test]
fn dashboard_logs_in_shows_tasks_and_retries_a_dead_letter_in_chromium() {
    require_browser();
    let dir = scratch("dasbor");
    let profile: PathBuf = dir.join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    std::fs::write(dir.join("token"), format!("{TOKEN}\n")).unwrap();
    let srv = Serve::start(&dir, &["--token-file", "token"]);
    let api = Api {
        base: srv.url.clone(),
        agent: agent(),
    };
    let browser = Browser::start(&profile, &dir.join("chromedriver.log"));

    // A queued task appears.
    let waiting = api.submit(json!({ "name": "halo.fox", "program": "tulis(\"halo\")\n" }));
    browser.goto(&format!("{}/", srv.url));

    // The server wants a token: the login form, and nothing of the queue.
    wait_for("the login form", || browser.find("#login:not([hidden])"));
    assert!(browser.find("#app[hidden]").is_some(), "tasks stay hidden");
    browser.wait_text("#conn", "belum masuk");
    browser.type_into("#login-token", "token-yang-salah-0123456789");
    browser.click("#login-button");
    browser.wait_text("#login-result", "token salah");
    assert!(browser.find("#app[hidden]").is_some());
    browser.type_into("#login-token", TOKEN);
    browser.click("#login-button");
    wait_for("the dashboard", || browser.find("#login[hidden]"));
    browser.wait_text(
        &format!("{} td.state", row("menunggu", waiting)),
        "menunggu",
    );
    browser.wait_text("#count-menunggu", "1");
    // The session is an HttpOnly cookie: the page's script cannot read
    // it, and the token is kept nowhere the script could reach.
    assert_eq!(browser.execute("return document.cookie;"), json!(""));
    assert_eq!(
        browser.execute("return localStorage.length + sessionStorage.length;"),
        json!(0)
    );
    assert_eq!(
        browser.execute("return document.getElementById('login-token').value;"),
        json!("")
    );
    wait_for("the logout button", || {
        browser.find("#logout:not([hidden])")
    });
    // A reload keeps the session (the cookie), without the form.
    browser.goto(&format!("{}/", srv.url));
    browser.wait_text("#count-menunggu", "1");
    assert!(browser.find("#login[hidden]").is_some());

    // A dead letter: one allowed attempt, run by a real worker process
    // (the higher priority makes it the one task the worker takes).
    let gagal = std::fs::read_to_string(dir.join("gagal.fox")).unwrap();
    let dead = api.submit(json!({
        "name": "gagal.fox", "program": gagal, "max_attempts": 1, "priority": 5,
    }));
    ok(
        &dir,
        &[
            "ipc",
            "worker",
            "--store",
            "sqlite:antrean.db",
            "--max-tasks",
            "1",
            "--quiet",
        ],
    );
    assert_eq!(api.task(dead)["state"], "mati");
    let dead_row = row("mati", dead);
    browser.wait_text(&format!("{dead_row} td.state"), "mati");
    let at = browser.wait_text(&format!("{dead_row} td.where"), "gagal.fox:2:");
    let jenis = api.task(dead)["error_jenis"].as_str().unwrap().to_string();
    browser.wait_text(&format!("{dead_row} td.error"), &format!("{jenis}: "));
    browser.wait_text(&format!("{dead_row} td.attempts"), "1/1");
    browser.wait_text("#count-mati", "1");
    assert!(
        browser.find(&format!("{dead_row} button.cancel")).is_none(),
        "a dead task cannot be cancelled"
    );

    // "Coba lagi" puts it back in the queue, due now, with one more attempt.
    let before = fox_ipc::task::now();
    browser.click(&format!("button.retry[data-id=\"{dead}\"]"));
    let t = wait_for("the retry to reach the queue", || {
        let t = api.task(dead);
        (t["state"] == "gagal-coba-lagi").then_some(t)
    });
    let run_at = t["run_at"].as_f64().unwrap();
    assert!(
        run_at >= before - 1.0 && run_at <= fox_ipc::task::now(),
        "due now: {t}"
    );
    assert_eq!(t["spec"]["max_attempts"], 2);
    let retried = row("gagal-coba-lagi", dead);
    browser.wait_text(&format!("{retried} td.state"), "gagal-coba-lagi");
    browser.wait_gone(&dead_row);
    browser.wait_text(&format!("{retried} td.where"), at.trim());
    browser.wait_text("#message", &format!("tugas {dead} dijadwalkan ulang"));
    browser.wait_text("#count-mati", "0");

    // "Batalkan" on the queued task.
    browser.click(&format!("button.cancel[data-id=\"{waiting}\"]"));
    wait_for("the cancel to reach the queue", || {
        (api.task(waiting)["state"] == "dibatalkan").then_some(())
    });
    browser.wait_text(
        &format!("{} td.state", row("dibatalkan", waiting)),
        "dibatalkan",
    );
    browser.wait_gone(&row("menunggu", waiting));

    // The submit form.
    browser.type_into("#submit-name", "formulir.fox");
    browser.type_into("#submit-program", "tulis(\"dari formulir\")\n");
    browser.type_into("#submit-args", "satu dua");
    browser.click("#submit-button");
    let said = browser.wait_text("#submit-result", "terkirim: tugas ");
    let id: i64 = said.trim().rsplit(' ').next().unwrap().parse().unwrap();
    let t = api.task(id);
    assert_eq!(t["spec"]["name"], "formulir.fox");
    assert_eq!(t["spec"]["args"], json!(["satu", "dua"]));
    assert_eq!(t["spec"]["program"], "tulis(\"dari formulir\")\n");
    browser.wait_text(
        &format!("{} td.name", row("menunggu", id)),
        "formulir.fox satu dua",
    );

    // "Keluar" clears the cookie: the form again, also after a reload.
    browser.click("#logout");
    wait_for("the login form after logout", || {
        browser.find("#login:not([hidden])")
    });
    browser.wait_text("#login-result", "sudah keluar");
    browser.goto(&format!("{}/", srv.url));
    wait_for("the login form after a reload", || {
        browser.find("#login:not([hidden])")
    });
    assert!(browser.find("#app[hidden]").is_some());
}
