//! The checks every request passes before a handler sees it, in this
//! order (each failure is a JSON error):
//!
//! 1. `Host` is an IP literal (v4 or `[v6]`), `localhost`, or a name given
//!    with `--allow-host` — else 403 (DNS rebinding: a hostile name that
//!    resolves to this server would otherwise be "same origin").
//! 2. `Sec-Fetch-Site: cross-site` → 403; an `Origin` header must name the
//!    host and port of `Host` (and `https` when TLS is on) → else 403.
//! 3. With a token, every `/api/…` path but login/logout needs the token or
//!    the session cookie → else 401 ([`auth::authorize`]).
//! 4. Anything but GET/HEAD/OPTIONS must be `Content-Type:
//!    application/json` → else 415 (an HTML form cannot send that, and a
//!    cross-site `fetch` that does needs a CORS preflight we never grant).
//! 5. A `Content-Length` over `--max-body-bytes` → 413 at once; bodies
//!    without one are cut off while read ([`super::body`]).
//!
//! The [`Guard`] is configuration fixed at start; it holds no state.

use super::auth::{self, Token};
use super::body;
use super::error::ApiError;
use super::AppState;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// How the HTTP layer checks requests (from [`super::Options`]).
pub struct Guard {
    pub token: Option<Token>,
    /// `--allow-host` names, lower case.
    pub allow_hosts: Vec<String>,
    pub max_body_bytes: usize,
    pub max_program_bytes: usize,
    pub idle_timeout: Duration,
    /// Served over TLS: cookies are `Secure`, an `Origin` must be https.
    pub tls: bool,
}

/// The middleware: run the checks, then the handler.
pub async fn check(State(st): State<AppState>, req: Request, next: Next) -> Response {
    match admit(&st.guard, &req) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

fn admit(g: &Guard, req: &Request) -> Result<(), ApiError> {
    let headers = req.headers();
    let host = request_host(req)?;
    g.check_host(&host)?;
    check_cross_site(headers, &host, g.tls)?;
    let path = req.uri().path();
    if let Some(token) = &g.token {
        if path.starts_with("/api/") && path != "/api/login" && path != "/api/logout" {
            auth::authorize(token, headers)?;
        }
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        check_json(req.method(), headers)?;
    }
    let length = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = length.filter(|n| *n > g.max_body_bytes as u64) {
        return Err(body::too_large(Some(n), g.max_body_bytes));
    }
    Ok(())
}

/// The request's `Host` (or the authority of an absolute-form target).
fn request_host(req: &Request) -> Result<String, ApiError> {
    if let Some(v) = req.headers().get(HOST) {
        return v
            .to_str()
            .map(|s| s.trim().to_string())
            .map_err(|_| forbidden("header Host tidak sah".into()));
    }
    req.uri()
        .authority()
        .map(|a| a.as_str().to_string())
        .ok_or_else(|| ApiError::bad_request("permintaan tanpa header Host"))
}

fn forbidden(message: String) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, message)
}

/// Split `host[:port]` / `[v6][:port]` into the name (lower case, v6
/// without brackets, `is_v6`) and the port text, if any.
fn split_host(host: &str) -> Option<(String, bool, Option<&str>)> {
    let (name, v6, port) = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (inside, true, port)
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, false, Some(p)),
            None => (host, false, None),
        }
    };
    if name.is_empty()
        || port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some((name.to_ascii_lowercase(), v6, port))
}

impl Guard {
    fn check_host(&self, host: &str) -> Result<(), ApiError> {
        let allowed = match split_host(host) {
            Some((name, true, _)) => name.parse::<Ipv6Addr>().is_ok(),
            Some((name, false, _)) => {
                name.parse::<Ipv4Addr>().is_ok()
                    || name == "localhost"
                    || self.allow_hosts.contains(&name)
            }
            None => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(forbidden(format!(
                "host '{host}' tidak diizinkan: server ini hanya menjawab alamat IP, \
                 localhost, dan nama yang diberikan dengan --allow-host NAMA \
                 (perlindungan DNS rebinding)"
            )))
        }
    }
}

/// `Sec-Fetch-Site: cross-site` and an `Origin` that is not this server.
fn check_cross_site(headers: &HeaderMap, host: &str, tls: bool) -> Result<(), ApiError> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|s| s.trim().eq_ignore_ascii_case("cross-site")) {
        return Err(forbidden(
            "permintaan lintas situs ditolak (Sec-Fetch-Site: cross-site)".into(),
        ));
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("").trim();
    if same_origin(origin, host, tls) {
        Ok(())
    } else {
        let scheme = if tls { "https" } else { "http" };
        Err(forbidden(format!(
            "Origin '{origin}' bukan asal yang sama dengan server ini ({scheme}://{host}): \
             permintaan lintas situs ditolak"
        )))
    }
}

/// Does `origin` (`scheme://host[:port]`) name the host and port of the
/// `Host` header? Default ports count as given. Over plain HTTP an https
/// origin is accepted too, for a TLS-terminating proxy in front.
fn same_origin(origin: &str, host: &str, tls: bool) -> bool {
    let (authority, default_port) = if let Some(a) = origin.strip_prefix("https://") {
        (a, "443")
    } else if let Some(a) = origin.strip_prefix("http://") {
        if tls {
            return false;
        }
        (a, "80")
    } else {
        return false; // "null", other schemes
    };
    let norm = |h: &str| {
        split_host(h).map(|(name, _, port)| (name, port.unwrap_or(default_port).to_string()))
    };
    match (norm(authority), norm(host)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn check_json(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    let ctype = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = ctype.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case("application/json") {
        return Ok(());
    }
    let got = if ctype.is_empty() {
        "tanpa Content-Type".to_string()
    } else {
        format!("Content-Type '{ctype}'")
    };
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!(
            "permintaan {method} harus memakai Content-Type: application/json (ini {got}), \
             juga bila badannya kosong"
        ),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn guard(hosts: &[&str]) -> Guard {
        Guard {
            token: None,
            allow_hosts: hosts.iter().map(|h| h.to_string()).collect(),
            max_body_bytes: 10,
            max_program_bytes: 10,
            idle_timeout: Duration::from_secs(1),
            tls: false,
        }
    }

    #[test]
    fn hosts() {
        let g = guard(&["fox.example"]);
        for ok in [
            "127.0.0.1:8765",
            "10.1.2.3",
            "[::1]:80",
            "[fe80::1]",
            "localhost:1",
            "LOCALHOST",
            "fox.example:8765",
            "Fox.Example",
        ] {
            assert!(g.check_host(ok).is_ok(), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8765",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "::1",
            "[nope]",
            "127.0.0.1:",
            "127.0.0.1:x",
            "",
        ] {
            let e = g.check_host(bad).unwrap_err();
            assert_eq!(e.status, StatusCode::FORBIDDEN, "{bad}");
            assert!(e.message.contains("--allow-host"), "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert!(same_origin(
            "http://127.0.0.1:8765",
            "127.0.0.1:8765",
            false
        ));
        assert!(same_origin(
            "http://LOCALHOST:8765",
            "localhost:8765",
            false
        ));
        assert!(same_origin("http://fox.example", "fox.example:80", false));
        assert!(same_origin("https://fox.example", "fox.example", false));
        assert!(same_origin("https://[::1]:9", "[::1]:9", true));
        assert!(!same_origin(
            "http://127.0.0.1:8765",
            "127.0.0.1:8765",
            true
        ));
        assert!(!same_origin("http://evil.example", "127.0.0.1:8765", false));
        assert!(!same_origin(
            "http://127.0.0.1:9999",
            "127.0.0.1:8765",
            false
        ));
        assert!(!same_origin("null", "127.0.0.1:8765", false));
    }
}
