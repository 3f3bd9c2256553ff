//! What `fox ipc serve` is told before it listens: the token, the Host
//! names it answers to, the size and time limits and the TLS files — with
//! their defaults and the checks that refuse a setup which would expose the
//! queue (a public address without a token) before anything is bound.

use super::auth::Token;
use crate::queue::QueueError;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Default `--max-body-bytes`: 2 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Default `--max-program-bytes`: 1 MiB.
pub const DEFAULT_MAX_PROGRAM_BYTES: usize = 1024 * 1024;
/// Default `--idle-timeout`: a connection that sends no complete request
/// header (or no body, or no TLS handshake) for this long is closed.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A PEM certificate chain and its private key: serve HTTPS.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How a server is exposed. [`Options::default`] is the loopback setup of
/// old: no token, no TLS, the default limits.
#[derive(Clone, Debug)]
pub struct Options {
    /// Written into the queue's settings before serving.
    pub max_queued: Option<u64>,
    /// With a token every `/api/…` request needs `Authorization: Bearer
    /// <token>` or the dashboard's session cookie. Required for any
    /// address that is not loopback.
    pub token: Option<Token>,
    /// Host names accepted besides IP literals and `localhost`
    /// (`--allow-host`); compared without case, without the port.
    pub allow_hosts: Vec<String>,
    pub max_body_bytes: usize,
    pub max_program_bytes: usize,
    pub idle_timeout: Duration,
    pub tls: Option<TlsFiles>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_queued: None,
            token: None,
            allow_hosts: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_program_bytes: DEFAULT_MAX_PROGRAM_BYTES,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            tls: None,
        }
    }
}

/// Why a server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The options are wrong or unsafe (a usage error: fix the command).
    Config(String),
    /// The queue could not be opened or its settings written.
    Queue(QueueError),
    /// The address could not be bound, or serving failed.
    Io(String),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Config(m) | ServeError::Io(m) => f.write_str(m),
            ServeError::Queue(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ServeError {}

impl From<QueueError> for ServeError {
    fn from(e: QueueError) -> ServeError {
        ServeError::Queue(e)
    }
}

impl Options {
    /// Refuse options that cannot work or would expose the queue on `addr`.
    pub fn check(&self, addr: SocketAddr) -> Result<(), ServeError> {
        let bad = |m: String| Err(ServeError::Config(m));
        if self.token.is_none() && !addr.ip().is_loopback() {
            return bad(format!(
                "menolak mendengarkan di {addr} tanpa token: alamat itu terbuka bagi mesin \
                 lain, dan setiap tugas adalah program Morph yang akan dijalankan. Beri token \
                 (minimal {} byte) dengan --token-file BERKAS atau variabel lingkungan \
                 FOX_IPC_TOKEN (buat dengan mis. `openssl rand -hex 32 > token`), atau \
                 dengarkan hanya di 127.0.0.1",
                Token::MIN_LEN
            ));
        }
        if self.max_body_bytes == 0 {
            return bad("--max-body-bytes harus lebih dari 0".into());
        }
        if self.max_program_bytes == 0 {
            return bad("--max-program-bytes harus lebih dari 0".into());
        }
        if self.idle_timeout.is_zero() {
            return bad("--idle-timeout harus lebih dari 0 detik".into());
        }
        for name in &self.allow_hosts {
            check_host_name(name).map_err(ServeError::Config)?;
        }
        Ok(())
    }
}

/// A `--allow-host` value: a DNS name without port, brackets or scheme.
fn check_host_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && !name.starts_with(['.', '-'])
        && !name.ends_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--allow-host '{name}' bukan nama host: beri nama saja, tanpa skema dan port \
             (mis. --allow-host fox.example)"
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses_need_a_token() {
        let o = Options::default();
        for a in ["127.0.0.1:0", "[::1]:0", "127.8.9.1:80"] {
            assert!(o.check(a.parse().unwrap()).is_ok());
        }
        for a in ["0.0.0.0:0", "[::]:0", "192.168.1.5:8765"] {
            let addr = a.parse().unwrap();
            match o.check(addr) {
                Err(ServeError::Config(m)) => assert!(m.contains("FOX_IPC_TOKEN"), "{m}"),
                other => panic!("{a}: {other:?}"),
            }
        }
        let with = Options {
            token: Token::new("0123456789abcdef").ok(),
            ..Options::default()
        };
        assert!(with.check("0.0.0.0:0".parse().unwrap()).is_ok());
    }

    #[test]
    fn allow_host_names_are_checked() {
        assert!(check_host_name("fox.example").is_ok());
        assert!(check_host_name("mesin-1").is_ok());
        for bad in ["", "fox.example:8765", "http://fox.example", "[::1]", "-a"] {
            assert!(check_host_name(bad).is_err(), "{bad}");
        }
    }
}
