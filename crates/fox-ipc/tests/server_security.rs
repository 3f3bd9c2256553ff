//! The server's defences over real HTTP on loopback and a real SQLite
//! queue: the token on every endpoint, the dashboard's cookie login,
//! cross-site and Host checks, size limits, idle connections and TLS.
//! Requests are written by hand on a `TcpStream`, so every header (Host,
//! Origin, Content-Type, a half-sent header) is exactly what the test says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_ipc::runner::RunEnv;
use fox_ipc::server::{Options, Server, TlsFiles, Token};
use fox_ipc::worker::{self, WorkerConfig};
use fox_ipc::QueueSpec;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const TOKEN: &str = "rahasia-uji-0123456789abcdef";
const HALO: &str = "tulis(\"halo\")\n";
const GAGAL: &str = "tulis(\"mulai\")\nbiar x = 1 / 0\n";

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fox-srv-sec-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An answer, parsed from the raw bytes.
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn parse(raw: &[u8]) -> Resp {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("no complete answer: {text:?}"));
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Resp {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The JSON body; every answer of the API must be JSON.
    fn json(&self) -> Value {
        let ctype = self.header("content-type").unwrap_or("");
        assert!(ctype.starts_with("application/json"), "{ctype}: {self:?}");
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }

    /// A JSON error with this status whose text contains `want`.
    fn error(&self, status: u16, want: &str) {
        assert_eq!(self.status, status, "{self:?}");
        let v = self.json();
        let e = v["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error: {v}"));
        assert!(e.contains(want), "{e:?} lacks {want:?}");
    }
}

struct Srv {
    addr: SocketAddr,
    dir: PathBuf,
}

impl Srv {
    fn start(name: &str, options: Options) -> Srv {
        let dir = temp(name);
        let spec = QueueSpec::Sqlite(dir.join("antrean.db"));
        let server = Server::bind(spec, "127.0.0.1:0".parse().unwrap(), options).unwrap();
        let addr = server.local_addr().unwrap();
        std::thread::spawn(move || server.run());
        Srv { addr, dir }
    }

    fn with_token(name: &str) -> Srv {
        Srv::start(
            name,
            Options {
                token: Some(Token::new(TOKEN).unwrap()),
                ..Options::default()
            },
        )
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// Send `method path` with `headers` (a `Host` of this address unless
    /// given, `Connection: close`) and `body`; read the whole answer.
    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
        let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            req.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        req.push_str(body);
        self.raw(req.as_bytes())
    }

    fn raw(&self, bytes: &[u8]) -> Resp {
        let mut s = self.connect();
        // The server may answer (413) and close before it read everything.
        let _ = s.write_all(bytes);
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        Resp::parse(&buf)
    }

    /// With the right token and JSON content type.
    fn call(&self, method: &str, path: &str, body: &str) -> Resp {
        let bearer = format!("Bearer {TOKEN}");
        self.send(
            method,
            path,
            &[
                ("Authorization", &bearer),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    }

    fn drain(&self) {
        let spec = QueueSpec::Sqlite(self.dir.join("antrean.db"));
        let cfg = WorkerConfig {
            queue: spec.clone(),
            env: RunEnv {
                store: fox_store::StoreSpec::Sqlite(self.dir.join("antrean.db")),
                queue: Some(spec),
                workdir: self.dir.clone(),
                slice: 200_000,
                limits: fox_ipc::runner::TaskLimits::default(),
                ticket_key: None,
            },
            concurrency: 1,
            lease: 30.0,
            idle_exit: Some(Duration::from_millis(100)),
            max_tasks: None,
            poll: Duration::from_millis(20),
            isolation: Default::default(),
        };
        worker::run(&cfg, &|_| {}).unwrap();
    }
}

fn submit_body(program: &str, extra: Value) -> String {
    let mut body = json!({ "name": "t.fox", "program": program });
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    body.to_string()
}

#[test]
fn every_endpoint_needs_the_token() {
    let srv = Srv::with_token("token");
    let dead = submit_body(GAGAL, json!({ "max_attempts": 1 }));
    // (method, path, body, status with the right token), in an order that
    // makes every one of them succeed: the retry needs a dead task.
    let steps: Vec<(&str, &str, &str, u16)> = vec![
        ("POST", "/api/tasks", dead.as_str(), 201),
        ("GET", "/api/tasks/1", "", 200),
        ("GET", "/api/tasks?state=menunggu", "", 200),
        ("GET", "/api/stats", "", 200),
        ("DRAIN", "", "", 0),
        ("POST", "/api/tasks/1/retry", "", 200),
        ("POST", "/api/tasks/1/cancel", "", 200),
        ("POST", "/api/purge?state=dibatalkan", "", 200),
    ];
    let wrong = "Bearer rahasia-yang-salah-0123456789";
    for (method, path, body, ok) in steps {
        if method == "DRAIN" {
            srv.drain();
            continue;
        }
        let json_ct = ("Content-Type", "application/json");
        let none = srv.send(method, path, &[json_ct], body);
        none.error(401, "--token-file");
        assert_eq!(
            none.header("www-authenticate"),
            Some("Bearer realm=\"FoxIPC\""),
            "{method} {path}"
        );
        let bad = srv.send(method, path, &[json_ct, ("Authorization", wrong)], body);
        bad.error(401, "token salah");
        assert!(bad
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer"));
        let malformed = srv.send(method, path, &[json_ct, ("Authorization", TOKEN)], body);
        malformed.error(401, "Bearer <token>");
        let good = srv.call(method, path, body);
        assert_eq!(good.status, ok, "{method} {path}: {good:?}");
        good.json();
    }
    let stats = srv.call("GET", "/api/stats", "").json();
    assert_eq!(stats["auth"], json!(true));
    assert_eq!(stats["total"], json!(0), "purged: {stats}");

    // The page itself holds no data: it loads without a token (and then
    // asks for one); unknown paths outside /api are plain 404s.
    let page = srv.send("GET", "/", &[], "");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"login-form\""));
    assert!(page.body.contains("id=\"login-token\""));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    srv.send("GET", "/tidak-ada", &[], "")
        .error(404, "/tidak-ada");
    // Unknown /api paths do not tell an anonymous client what exists.
    srv.send("GET", "/api/rahasia", &[], "").error(401, "token");
}

fn session_for(token: &str) -> String {
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(b"fox-ipc-sesi-v1");
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn dashboard_login_sets_an_http_only_strict_cookie() {
    let srv = Srv::with_token("login");
    let json_ct = ("Content-Type", "application/json");
    srv.send(
        "POST",
        "/api/login",
        &[json_ct],
        r#"{"token": "bukan-token-ini-12345"}"#,
    )
    .error(401, "token salah");
    srv.send("POST", "/api/login", &[json_ct], r#"{"kunci": 1}"#)
        .error(400, "token");
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    srv.send("POST", "/api/login", &[form], &format!("token={TOKEN}"))
        .error(415, "application/json");

    let ok = srv.send(
        "POST",
        "/api/login",
        &[json_ct],
        &json!({ "token": TOKEN }).to_string(),
    );
    assert_eq!(ok.status, 200, "{ok:?}");
    let cookie = ok.header("set-cookie").unwrap().to_string();
    let want = session_for(TOKEN);
    assert!(
        cookie.starts_with(&format!("fox_ipc_sesi={want};")),
        "{cookie}"
    );
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.split("; ").any(|a| a == attr), "{attr}: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    assert!(!ok.body.contains(TOKEN) && !ok.body.contains(&want));

    // The cookie alone opens the API, GET and POST alike.
    let session = format!("lain=1; fox_ipc_sesi={want}");
    let s = srv.send("GET", "/api/stats", &[("Cookie", &session)], "");
    assert_eq!(s.status, 200, "{s:?}");
    let body = submit_body(HALO, json!({}));
    let s = srv.send(
        "POST",
        "/api/tasks",
        &[("Cookie", &session), json_ct],
        &body,
    );
    assert_eq!(s.status, 201, "{s:?}");
    srv.send("GET", "/api/stats", &[("Cookie", "fox_ipc_sesi=00ff")], "")
        .error(401, "masuk lagi");
    let other = format!("fox_ipc_sesi={}", session_for("token-server-lain-123456"));
    srv.send("GET", "/api/stats", &[("Cookie", &other)], "")
        .error(401, "sesi");

    let out = srv.send("POST", "/api/logout", &[json_ct], "");
    assert_eq!(out.status, 200);
    let cleared = out.header("set-cookie").unwrap();
    assert!(cleared.starts_with("fox_ipc_sesi=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // Without a token there is nothing to log in to.
    let open = Srv::start("login-open", Options::default());
    open.send("POST", "/api/login", &[json_ct], r#"{"token": "x"}"#)
        .error(400, "tanpa token");
    let stats = open.send("GET", "/api/stats", &[], "").json();
    assert_eq!(stats["auth"], json!(false));
}

#[test]
fn cross_site_requests_are_refused() {
    let srv = Srv::with_token("lintas");
    let bearer = format!("Bearer {TOKEN}");
    let auth = ("Authorization", bearer.as_str());
    let body = submit_body(HALO, json!({}));
    for ctype in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        srv.send(
            "POST",
            "/api/tasks",
            &[auth, ("Content-Type", ctype)],
            &body,
        )
        .error(415, "Content-Type: application/json");
    }
    srv.send("POST", "/api/tasks/1/cancel", &[auth], "")
        .error(415, "tanpa Content-Type");
    srv.send(
        "POST",
        "/api/purge",
        &[auth, ("Content-Type", "text/plain")],
        "",
    )
    .error(415, "application/json");
    let json_ct = ("Content-Type", "application/json; charset=utf-8");
    assert_eq!(
        srv.send("POST", "/api/tasks", &[auth, json_ct], &body)
            .status,
        201
    );

    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        srv.send(
            "POST",
            "/api/tasks",
            &[auth, json_ct, ("Origin", origin)],
            &body,
        )
        .error(403, "Origin");
        srv.send("GET", "/api/stats", &[auth, ("Origin", origin)], "")
            .error(403, "lintas situs");
    }
    let same = format!("http://{}", srv.addr);
    let s = srv.send(
        "POST",
        "/api/tasks",
        &[auth, json_ct, ("Origin", &same)],
        &body,
    );
    assert_eq!(s.status, 201, "{s:?}");

    let cross = ("Sec-Fetch-Site", "cross-site");
    srv.send("GET", "/api/stats", &[auth, cross], "")
        .error(403, "cross-site");
    srv.send("GET", "/", &[cross], "").error(403, "cross-site");
    let s = srv.send(
        "GET",
        "/api/stats",
        &[auth, ("Sec-Fetch-Site", "same-origin")],
        "",
    );
    assert_eq!(s.status, 200);
}

#[test]
fn host_names_are_checked_against_dns_rebinding() {
    let srv = Srv::start(
        "host",
        Options {
            allow_hosts: vec!["Fox.Example".into()],
            ..Options::default()
        },
    );
    let port = srv.addr.port();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        for path in ["/", "/api/stats"] {
            srv.send("GET", path, &[("Host", &host)], "")
                .error(403, "--allow-host");
        }
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("10.0.0.7:{port}"),
        format!("fox.example:{port}"),
        "FOX.EXAMPLE".to_string(),
    ] {
        let s = srv.send("GET", "/api/stats", &[("Host", &host)], "");
        assert_eq!(s.status, 200, "{host}: {s:?}");
    }
    // Without --allow-host the same name is refused.
    let plain = Srv::start("host-plain", Options::default());
    plain
        .send("GET", "/", &[("Host", "fox.example")], "")
        .error(403, "--allow-host NAMA");
}

#[test]
fn oversized_bodies_and_programs_are_413_json() {
    // The default limit, 2 MiB: refused from the Content-Length alone.
    let srv = Srv::start("besar", Options::default());
    let r = srv.raw(
        format!(
            "POST /api/tasks HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: 3000000\r\n\r\n{{",
            srv.addr
        )
        .as_bytes(),
    );
    r.error(413, "--max-body-bytes (2097152 byte)");

    let small = Srv::start(
        "kecil",
        Options {
            max_body_bytes: 1000,
            max_program_bytes: 100,
            ..Options::default()
        },
    );
    let json_ct = ("Content-Type", "application/json");
    let big = submit_body(&"#".repeat(2000), json!({}));
    small
        .send("POST", "/api/tasks", &[json_ct], &big)
        .error(413, &format!("{} byte melebihi", big.len()));
    small
        .send("POST", "/api/tasks", &[json_ct], &big)
        .error(413, "--max-body-bytes (1000 byte)");
    // Without a Content-Length (chunked), cut off while reading.
    let chunk = "x".repeat(600);
    let chunked = format!(
        "POST /api/tasks HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         258\r\n{chunk}\r\n258\r\n{chunk}\r\n258\r\n{chunk}\r\n0\r\n\r\n",
        small.addr
    );
    small
        .raw(chunked.as_bytes())
        .error(413, "--max-body-bytes (1000 byte)");
    // A program over --max-program-bytes in a body under --max-body-bytes.
    let program = format!("{}tulis(1)\n", "# komentar\n".repeat(10));
    let r = small.send(
        "POST",
        "/api/tasks",
        &[json_ct],
        &submit_body(&program, json!({})),
    );
    r.error(413, "--max-program-bytes (100 byte)");
    let r = small.send(
        "POST",
        "/api/tasks",
        &[json_ct],
        &submit_body(HALO, json!({})),
    );
    assert_eq!(r.status, 201, "{r:?}");
}

/// Read until the server closes the connection; how long it took and what
/// it sent before.
fn until_closed(mut s: TcpStream) -> (Duration, String) {
    let start = Instant::now();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("still open after {:?}: {e}", start.elapsed()),
        }
    }
    (start.elapsed(), String::from_utf8_lossy(&buf).into_owned())
}

#[test]
fn idle_and_slow_connections_are_closed() {
    let idle = Duration::from_millis(700);
    let srv = Srv::start(
        "diam",
        Options {
            idle_timeout: idle,
            ..Options::default()
        },
    );
    let bound = |d: Duration, what: &str| {
        assert!(d >= idle / 2, "{what}: closed too early ({d:?})");
        assert!(d < Duration::from_secs(5), "{what}: closed late ({d:?})");
    };

    // Connects and sends nothing.
    let (d, _) = until_closed(srv.connect());
    bound(d, "silent");

    // Half a request header, then nothing.
    let mut s = srv.connect();
    s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Lambat: ")
        .unwrap();
    let (d, _) = until_closed(s);
    bound(d, "half a header");

    // A kept-alive connection after its answer.
    let mut s = srv.connect();
    let req = format!("GET /api/stats HTTP/1.1\r\nHost: {}\r\n\r\n", srv.addr);
    s.write_all(req.as_bytes()).unwrap();
    let (d, text) = until_closed(s);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    bound(d, "idle keep-alive");

    // A body that stops arriving: 408, as JSON.
    let mut s = srv.connect();
    let req = format!(
        "POST /api/tasks HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"program\": ",
        srv.addr
    );
    s.write_all(req.as_bytes()).unwrap();
    let (d, text) = until_closed(s);
    bound(d, "slow body");
    let r = Resp::parse(text.as_bytes());
    r.error(408, "--idle-timeout");
}

#[test]
fn tls_serves_https_with_secure_cookies() {
    let dir = temp("tls-files");
    let ck =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let cert_pem = ck.cert.pem();
    std::fs::write(dir.join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), ck.signing_key.serialize_pem()).unwrap();
    let idle = Duration::from_millis(700);
    let srv = Srv::start(
        "tls",
        Options {
            token: Some(Token::new(TOKEN).unwrap()),
            tls: Some(TlsFiles {
                cert: dir.join("cert.pem"),
                key: dir.join("key.pem"),
            }),
            idle_timeout: idle,
            ..Options::default()
        },
    );
    let ca = ureq::tls::Certificate::from_pem(cert_pem.as_bytes()).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[ca]))
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .tls_config(tls)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let base = format!("https://127.0.0.1:{}", srv.addr.port());
    let mut r = agent
        .post(format!("{base}/api/login"))
        .send_json(json!({ "token": TOKEN }))
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
    let _ = r.body_mut().read_to_string();
    let mut r = agent
        .get(format!("{base}/api/stats"))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.body_mut().read_json().unwrap();
    assert_eq!(v["auth"], json!(true));
    let r = agent.get(format!("{base}/api/stats")).call().unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // An https page may post to itself; an http origin is another site.
    let mut r = agent
        .get(format!("{base}/api/stats"))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("Origin", format!("http://127.0.0.1:{}", srv.addr.port()))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let _ = r.body_mut().read_to_string();

    // A connection that never starts the handshake is closed.
    let (d, text) = until_closed(srv.connect());
    assert!(text.is_empty(), "{text}");
    assert!(d >= idle / 2 && d < Duration::from_secs(5), "{d:?}");

    // Bad TLS files are refused before anything listens.
    let missing = Options {
        tls: Some(TlsFiles {
            cert: dir.join("tidak-ada.pem"),
            key: dir.join("key.pem"),
        }),
        ..Options::default()
    };
    let spec = QueueSpec::Sqlite(dir.join("q.db"));
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let e = Server::bind(spec.clone(), addr, missing).err().unwrap();
    assert!(e.to_string().contains("--tls-cert"), "{e}");
    let swapped = Options {
        tls: Some(TlsFiles {
            cert: dir.join("key.pem"),
            key: dir.join("cert.pem"),
        }),
        ..Options::default()
    };
    let e = Server::bind(spec, addr, swapped).err().unwrap();
    assert!(e.to_string().contains("--tls-cert"), "{e}");
}

#[test]
fn public_addresses_need_a_token() {
    let dir = temp("publik");
    let spec = QueueSpec::Sqlite(dir.join("q.db"));
    let e = Server::bind(
        spec.clone(),
        "0.0.0.0:0".parse().unwrap(),
        Options::default(),
    )
    .err()
    .unwrap();
    assert!(matches!(e, fox_ipc::server::ServeError::Config(_)), "{e}");
    assert!(e.to_string().contains("tanpa token"), "{e}");
    assert!(
        !dir.join("q.db").exists(),
        "refused before opening the queue"
    );
    let with = Options {
        token: Some(Token::new(TOKEN).unwrap()),
        ..Options::default()
    };
    let srv = Server::bind(spec, "0.0.0.0:0".parse().unwrap(), with).unwrap();
    assert!(srv.local_addr().unwrap().ip().is_unspecified());
}
