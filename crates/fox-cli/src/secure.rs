//! The security options of `fox ipc`: the API token (`--token-file PATH`
//! or `FOX_IPC_TOKEN`, for the server and for `--server` clients), the
//! server's Host names, limits and TLS files, and the client's trusted CA
//! (`--tls-ca PEM` or `FOX_IPC_CA`). Everything is read and checked here,
//! before anything listens or connects; a bad value is a usage error.

use crate::ipc::Failure;
use fox_ipc::server::{
    Options, TlsFiles, Token, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_PROGRAM_BYTES,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The token, when no `--token-file` is given.
pub const TOKEN_ENV: &str = "FOX_IPC_TOKEN";
/// The CA certificate(s) a client trusts, when no `--tls-ca` is given.
pub const CA_ENV: &str = "FOX_IPC_CA";

/// `fox ipc serve`'s security options.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeOpts {
    /// File holding the API token (its content, trimmed; at least 16
    /// bytes). Default: the environment variable FOX_IPC_TOKEN. Required to
    /// listen on anything but a loopback address.
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Also answer requests whose Host is this name (besides IP addresses
    /// and localhost); repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Largest request body, in bytes.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Largest program source a submission may carry, in bytes.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PROGRAM_BYTES)]
    pub max_program_bytes: usize,
    /// Seconds a connection may take to send a request header (or a body,
    /// or the TLS handshake), and may stay idle between requests.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub idle_timeout: f64,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, value_name = "PEM")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "PEM")]
    pub tls_key: Option<PathBuf>,
}

/// A `--server` client's security options.
#[derive(clap::Args, Debug, Clone)]
pub struct ClientOpts {
    /// File holding the server's API token (default: the environment
    /// variable FOX_IPC_TOKEN).
    #[arg(long, value_name = "PATH", requires = "server")]
    pub token_file: Option<PathBuf>,
    /// PEM certificate(s) to trust for an https:// server, e.g. its
    /// self-signed certificate (default: FOX_IPC_CA, else the usual public
    /// certificate authorities).
    #[arg(long, value_name = "PEM", requires = "server")]
    pub tls_ca: Option<PathBuf>,
}

/// A token and where it came from (for messages; the token is never shown).
pub struct Secret {
    pub value: String,
    pub from: String,
}

/// The token of `--token-file`, else of `FOX_IPC_TOKEN` (unset or empty:
/// none). Checked like the server checks it.
pub fn load_token(file: Option<&Path>) -> Result<Option<Secret>, Failure> {
    let (raw, from) = match file {
        Some(path) => {
            let raw = std::fs::read_to_string(path).map_err(|e| {
                Failure::usage(format!(
                    "fox: --token-file: tidak bisa membaca '{}': {e}",
                    path.display()
                ))
            })?;
            warn_if_readable_by_others(path);
            (raw, format!("--token-file {}", path.display()))
        }
        None => match std::env::var(TOKEN_ENV) {
            Ok(v) if !v.trim().is_empty() => (v, TOKEN_ENV.to_string()),
            Ok(_) | Err(std::env::VarError::NotPresent) => return Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::usage(format!("fox: {TOKEN_ENV} bukan teks UTF-8")))
            }
        },
    };
    Token::new(&raw).map_err(|m| Failure::usage(format!("fox: {from}: {m}")))?;
    Ok(Some(Secret {
        value: raw.trim().to_string(),
        from,
    }))
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(m) = std::fs::metadata(path) {
        if m.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "fox: peringatan: berkas token '{}' bisa dibaca pengguna lain; \
                 batasi dengan: chmod 600 {}",
                path.display(),
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

impl ServeOpts {
    /// The server's options (`max_queued` is the caller's).
    pub fn options(&self, max_queued: Option<u64>) -> Result<Options, Failure> {
        let token = match load_token(self.token_file.as_deref())? {
            Some(s) => Some(Token::new(&s.value).map_err(Failure::usage)?),
            None => None,
        };
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            }),
            (None, None) => None,
            _ => {
                return Err(Failure::usage(
                    "fox: --tls-cert dan --tls-key harus diberikan bersama \
                     (sertifikat PEM dan kunci privatnya)",
                ))
            }
        };
        let idle_timeout = Duration::try_from_secs_f64(self.idle_timeout)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                Failure::usage(format!(
                    "fox: --idle-timeout: '{}' bukan jumlah detik yang sah (lebih dari 0)",
                    self.idle_timeout
                ))
            })?;
        Ok(Options {
            max_queued,
            token,
            allow_hosts: self.allow_host.clone(),
            max_body_bytes: self.max_body_bytes,
            max_program_bytes: self.max_program_bytes,
            idle_timeout,
            tls,
        })
    }
}

/// What a `--server` client authenticates and verifies with.
pub struct ClientAuth {
    pub token: Option<Secret>,
    /// PEM file of the certificates to trust (instead of the public ones).
    pub ca: Option<PathBuf>,
}

impl ClientOpts {
    pub fn load(&self) -> Result<ClientAuth, Failure> {
        let token = load_token(self.token_file.as_deref())?;
        let ca = match &self.tls_ca {
            Some(p) => Some(p.clone()),
            None => std::env::var_os(CA_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        };
        Ok(ClientAuth { token, ca })
    }
}
