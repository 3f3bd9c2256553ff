//! Target `ipc`: the FoxIPC HTTP API's request parsing (fox-ipc server),
//! called directly, no server: the JSON body of `POST /api/tasks`
//! (`parse_spec`, which also validates the spec and its permission
//! flags), the body of `POST /api/login` (`parse_login`) and the queries
//! of `GET /api/tasks` and `POST /api/purge`. An input is one line naming
//! the parser (`submit`, `login`, `list`, `purge`) and then the body or
//! query. Every input must be accepted or refused with an `ApiError`
//! whose status is 400 or 413 and whose message is not empty.

use arbitrary::Unstructured;
use axum::http::{StatusCode, Uri};
use fox_fuzz::{Rng, Target};
use fox_ipc::server::{parse_list_query, parse_login, parse_purge_query, parse_spec, ApiError};
use serde_json::{json, Map, Value};

pub const TARGET: Target = Target {
    name: "ipc",
    ext: "txt",
    check,
    generate,
    max_len: 128 << 10,
};

/// The program size limit the parser is given (the server's default is
/// larger; a small one exercises the 413 path).
const MAX_PROGRAM: usize = 4096;

fn refusal(e: ApiError) -> Result<(), String> {
    let ok_status =
        e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::PAYLOAD_TOO_LARGE;
    if !ok_status || e.message.trim().is_empty() {
        return Err(format!("refused with {}: {:?}", e.status, e.message));
    }
    Ok(())
}

fn check(input: &[u8]) -> Result<(), String> {
    let (kind, rest) = match input.iter().position(|b| *b == b'\n') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => (&b"submit"[..], input),
    };
    match kind {
        b"login" => match parse_login(rest) {
            Ok(t) if t != t.trim() => Err(format!("token not trimmed: {t:?}")),
            Ok(_) => Ok(()),
            Err(e) => refusal(e),
        },
        b"list" | b"purge" => {
            let q = String::from_utf8_lossy(rest);
            let Ok(uri) = Uri::try_from(format!("/api/tasks?{q}")) else {
                return Ok(()); // hyper refuses such a request line itself
            };
            let r = if kind == b"list" {
                parse_list_query(&uri).map(|_| ())
            } else {
                parse_purge_query(&uri).and_then(|states| {
                    match states.iter().find(|s| !s.is_final()) {
                        Some(s) => Err(ApiError::internal(format!("purging live state {s}"))),
                        None => Ok(()),
                    }
                })
            };
            r.or_else(refusal)
        }
        _ => match parse_spec(rest, MAX_PROGRAM) {
            Ok(spec) if spec.program.is_empty() || spec.program.len() > MAX_PROGRAM => Err(
                format!("accepted a program of {} bytes", spec.program.len()),
            ),
            Ok(spec) => spec
                .validate()
                .map_err(|m| format!("accepted an invalid spec: {m}")),
            Err(e) => refusal(e),
        },
    }
}

const FIELDS: &[&str] = &[
    "name",
    "program",
    "args",
    "priority",
    "max_attempts",
    "backoff_ms",
    "backoff_max_ms",
    "timeout_ms",
    "max_instructions",
    "max_heap_bytes",
    "idempotency_key",
    "permissions",
    "programm",
    "",
];

const FLAGS: &[&str] = &[
    "--allow-read",
    "--allow-read=/tmp",
    "--allow-write=.",
    "--allow-net=127.0.0.1:80",
    "--allow-env=HOME",
    "--deny-read=/etc",
    "--allow-all",
    "--allow-read=",
    "--allow-net=[::1]:x",
    "-A",
    "--sandbox",
    "--allow-read=/proc/self/root/../..",
    "",
    "--allow-",
];

fn value(u: &mut Unstructured, depth: usize) -> Value {
    match u.int_in_range(0..=9).unwrap_or(0) {
        0 => Value::Null,
        1 => json!(u.arbitrary::<bool>().unwrap_or(false)),
        2 => json!(u.arbitrary::<i64>().unwrap_or(0)),
        3 => json!(u.arbitrary::<u64>().unwrap_or(0)),
        4 => json!(u
            .arbitrary::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .unwrap_or(1.5)),
        5 => {
            let n: usize = u.int_in_range(0..=MAX_PROGRAM + 8).unwrap_or(0);
            json!("x".repeat(n))
        }
        6 => json!(u.arbitrary::<String>().unwrap_or_default()),
        7 if depth < 3 => {
            let n: usize = u.int_in_range(0..=4).unwrap_or(0);
            Value::Array((0..n).map(|_| flag_or_value(u, depth + 1)).collect())
        }
        8 if depth < 3 => Value::Object(Map::new()),
        _ => json!("tulis(1)"),
    }
}

fn flag_or_value(u: &mut Unstructured, depth: usize) -> Value {
    if u.ratio(3, 4).unwrap_or(true) {
        json!(u.choose(FLAGS).copied().unwrap_or(""))
    } else {
        value(u, depth)
    }
}

fn generate(rng: &mut Rng, _known: &[Vec<u8>]) -> Vec<u8> {
    let bytes = crate::gen::entropy(rng);
    let mut u = Unstructured::new(&bytes);
    match u.int_in_range(0..=5).unwrap_or(0) {
        0 => {
            let t = u.arbitrary::<String>().unwrap_or_default();
            format!("login\n{}", json!({ "token": t })).into_bytes()
        }
        1 | 2 => {
            let key = *u
                .choose(&["state", "limit", "x", "state[]", ""])
                .unwrap_or(&"state");
            let val = *u
                .choose(&[
                    "menunggu",
                    "selesai",
                    "mati",
                    "dibatalkan",
                    "berjalan",
                    "-1",
                    "4294967296",
                    "%ff",
                    "%",
                    "a+b",
                    "",
                ])
                .unwrap_or(&"");
            let kind = if u.ratio(1, 2).unwrap_or(true) {
                "list"
            } else {
                "purge"
            };
            format!("{kind}\n{key}={val}&{key}={val}").into_bytes()
        }
        _ => {
            let mut m = Map::new();
            m.insert("program".into(), json!("tulis(1)\n"));
            let n: usize = u.int_in_range(0..=6).unwrap_or(0);
            for _ in 0..n {
                let f = *u.choose(FIELDS).unwrap_or(&"name");
                let v = if f == "permissions" || f == "args" {
                    let k: usize = u.int_in_range(0..=3).unwrap_or(0);
                    Value::Array((0..k).map(|_| flag_or_value(&mut u, 1)).collect())
                } else {
                    value(&mut u, 0)
                };
                m.insert(f.to_string(), v);
            }
            format!("submit\n{}", Value::Object(m)).into_bytes()
        }
    }
}
