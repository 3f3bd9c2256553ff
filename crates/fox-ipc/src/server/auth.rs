//! Who may use the API: the server's [`Token`], the check of a request's
//! credentials (`Authorization: Bearer <token>` or the dashboard's session
//! cookie) and the dashboard's `POST /api/login` / `POST /api/logout`.
//!
//! Nothing here is remembered between requests: the session cookie is
//! HMAC-SHA256(token, "fox-ipc-sesi-v1") in hex, derived again from the
//! token to check it, so it is valid exactly as long as the token is.
//! Every comparison of a secret is constant-time (`subtle`), over values of
//! a fixed length (SHA-256 digests, the 64-character cookie).

use super::body;
use super::error::ApiError;
use super::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "fox_ipc_sesi";
/// What the session cookie's HMAC signs.
const SESSION_LABEL: &[u8] = b"fox-ipc-sesi-v1";

/// The server's shared secret. Only its SHA-256 digest and the session
/// cookie derived from it are kept; `Debug` shows neither.
#[derive(Clone)]
pub struct Token {
    digest: [u8; 32],
    session: String,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

impl Token {
    /// Shortest token accepted, in bytes.
    pub const MIN_LEN: usize = 16;

    /// A token from its text (surrounding whitespace, such as a file's
    /// final newline, is trimmed). It must be at least [`Token::MIN_LEN`]
    /// bytes of visible ASCII, so that it fits an HTTP header as is.
    pub fn new(raw: &str) -> Result<Token, String> {
        let t = raw.trim();
        if t.is_empty() {
            return Err("token kosong".into());
        }
        if !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "token hanya boleh berisi karakter ASCII yang terlihat (tanpa spasi); \
                 buat dengan mis. `openssl rand -hex 32`"
                    .into(),
            );
        }
        if t.len() < Token::MIN_LEN {
            return Err(format!(
                "token terlalu pendek: {} byte, minimal {}; buat yang panjang dengan mis. \
                 `openssl rand -hex 32`",
                t.len(),
                Token::MIN_LEN
            ));
        }
        let session = match <Hmac<Sha256> as KeyInit>::new_from_slice(t.as_bytes()) {
            Ok(mut mac) => {
                mac.update(SESSION_LABEL);
                hex(&mac.finalize().into_bytes())
            }
            Err(e) => return Err(format!("token tidak bisa dipakai: {e}")),
        };
        Ok(Token {
            digest: sha256(t.as_bytes()),
            session,
        })
    }

    /// Is `presented` the token? Constant-time over the digests.
    pub fn matches(&self, presented: &str) -> bool {
        bool::from(sha256(presented.as_bytes()).ct_eq(&self.digest))
    }

    /// Is `cookie` the session cookie's value? Constant-time.
    pub fn session_matches(&self, cookie: &str) -> bool {
        bool::from(cookie.as_bytes().ct_eq(self.session.as_bytes()))
    }

    /// The session cookie's value for this token.
    pub fn session_value(&self) -> &str {
        &self.session
    }
}

/// The token of an `Authorization: Bearer <token>` header, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

/// Every value of the session cookie the request carries.
fn session_cookies(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name.trim() == COOKIE_NAME).then(|| value.trim())
        })
}

/// Does the request carry the token (header) or a valid session cookie?
pub fn authorize(token: &Token, headers: &HeaderMap) -> Result<(), ApiError> {
    let presented = bearer(headers);
    if presented.is_some_and(|t| token.matches(t)) {
        return Ok(());
    }
    let mut cookies = session_cookies(headers).peekable();
    let had_cookie = cookies.peek().is_some();
    // Check every cookie value (no early exit on the secret comparison).
    let cookie_ok = cookies.fold(false, |ok, c| token.session_matches(c) | ok);
    if cookie_ok {
        return Ok(());
    }
    let message = if presented.is_some() {
        "token salah: server menolak token di header Authorization".to_string()
    } else if had_cookie {
        "sesi dasbor tidak berlaku lagi (token server berganti?); masuk lagi dengan token"
            .to_string()
    } else if headers.contains_key(AUTHORIZATION) {
        "header Authorization harus berbentuk 'Bearer <token>'".to_string()
    } else {
        "server ini meminta token: kirim header 'Authorization: Bearer <token>' \
         (fox ipc … --token-file BERKAS atau FOX_IPC_TOKEN), atau masuk lewat dasbor"
            .to_string()
    };
    Err(ApiError::unauthorized(message))
}

fn cookie_header(value: &str, secure: bool, clear: bool) -> Result<HeaderValue, ApiError> {
    let mut c = format!("{COOKIE_NAME}={value}; HttpOnly; SameSite=Strict; Path=/");
    if clear {
        c.push_str("; Max-Age=0");
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).map_err(|e| ApiError::internal(format!("cookie: {e}")))
}

/// The body of `POST /api/login`: `{"token": "…"}` → the token, trimmed.
pub fn parse_login(body: &[u8]) -> Result<String, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => match m.get("token") {
            Some(Value::String(t)) => Ok(t.trim().to_string()),
            _ => Err(ApiError::bad_request("badan harus {\"token\": \"…\"}")),
        },
        _ => Err(ApiError::bad_request("badan harus {\"token\": \"…\"}")),
    }
}

/// `POST /api/login` with `{"token": "…"}` → 200 and the session cookie;
/// 401 for a wrong token. The token is checked, never stored.
pub async fn login(State(st): State<AppState>, body: Body) -> Result<Response, ApiError> {
    let g = &st.guard;
    let Some(token) = &g.token else {
        return Err(ApiError::bad_request(
            "server ini berjalan tanpa token; tidak perlu masuk",
        ));
    };
    let bytes = body::read(body, g.max_body_bytes, g.idle_timeout).await?;
    let presented = parse_login(&bytes)?;
    if !token.matches(&presented) {
        return Err(ApiError::unauthorized("token salah"));
    }
    let cookie = cookie_header(token.session_value(), g.tls, false)?;
    Ok(([(SET_COOKIE, cookie)], Json(json!({ "ok": true }))).into_response())
}

/// `POST /api/logout` → 200 and an expired session cookie.
pub async fn logout(State(st): State<AppState>) -> Result<Response, ApiError> {
    let cookie = cookie_header("", st.guard.tls, true)?;
    Ok(([(SET_COOKIE, cookie)], Json(json!({ "ok": true }))).into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_trimmed_and_checked() {
        let t = Token::new("  0123456789abcdef\n").unwrap();
        assert!(t.matches("0123456789abcdef"));
        assert!(!t.matches("0123456789abcdeF"));
        assert!(!t.matches(""));
        assert!(Token::new("kurang").unwrap_err().contains("terlalu pendek"));
        assert!(Token::new("\n").unwrap_err().contains("kosong"));
        assert!(Token::new("ada spasi di dalam token ini").is_err());
        assert!(format!("{t:?}") == "Token(…)");
    }

    #[test]
    fn the_session_cookie_is_the_hmac_of_the_label() {
        // HMAC-SHA256(key = token, message = "fox-ipc-sesi-v1"), hex.
        let t = Token::new("0123456789abcdef").unwrap();
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"0123456789abcdef").unwrap();
        mac.update(b"fox-ipc-sesi-v1");
        assert_eq!(t.session_value(), hex(&mac.finalize().into_bytes()));
        assert_eq!(t.session_value().len(), 64);
        assert!(t.session_matches(t.session_value()));
        assert!(!t.session_matches("00"));
        let other = Token::new("fedcba9876543210").unwrap();
        assert_ne!(t.session_value(), other.session_value());
    }

    #[test]
    fn credentials_from_headers() {
        let t = Token::new("0123456789abcdef").unwrap();
        let mut h = HeaderMap::new();
        assert!(authorize(&t, &h).is_err());
        h.insert(
            AUTHORIZATION,
            HeaderValue::from_static("bearer 0123456789abcdef"),
        );
        assert!(authorize(&t, &h).is_ok());
        h.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer salah-salah-salah"),
        );
        assert_eq!(authorize(&t, &h).unwrap_err().status.as_u16(), 401);
        h.remove(AUTHORIZATION);
        let c = format!("a=b; {COOKIE_NAME}={}; c=d", t.session_value());
        h.insert(COOKIE, HeaderValue::from_str(&c).unwrap());
        assert!(authorize(&t, &h).is_ok());
        h.insert(COOKIE, HeaderValue::from_static("fox_ipc_sesi=abc"));
        assert!(authorize(&t, &h).unwrap_err().message.contains("sesi"));
    }
}
