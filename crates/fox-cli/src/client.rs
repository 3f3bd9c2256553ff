//! A small synchronous client of the FoxIPC HTTP API (`fox ipc serve`),
//! for `--server URL`: `http://` or `https://` (rustls; a private or
//! self-signed certificate is trusted with `--tls-ca`), sending the token
//! as `Authorization: Bearer` and `Content-Type: application/json` on every
//! POST, as the server requires.

use crate::secure::{ClientAuth, Secret, CA_ENV, TOKEN_ENV};
use fox_ipc::{Submitted, TaskRecord, TaskSpec, TaskState};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

/// What a call answered: success, or the API's status and error message.
pub enum Reply<T> {
    Ok(T),
    Refused { status: u16, error: String },
}

pub struct Client {
    base: String,
    agent: ureq::Agent,
    token: Option<Secret>,
}

/// The certificates of the PEM file `path`.
fn trusted(path: &std::path::Path) -> Result<Vec<Certificate<'static>>, String> {
    let bad = |m: String| format!("fox: --tls-ca / {CA_ENV} '{}': {m}", path.display());
    let pem = std::fs::read(path).map_err(|e| bad(format!("tidak bisa dibaca: {e}")))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => return Err(bad(format!("PEM tidak sah: {e}"))),
        }
    }
    if certs.is_empty() {
        return Err(bad(
            "tidak ada sertifikat (-----BEGIN CERTIFICATE-----)".into()
        ));
    }
    Ok(certs)
}

/// Is the URL's host this machine (so a token over plain HTTP stays on it)?
fn is_local(rest: &str) -> bool {
    let authority = rest.split('/').next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Client {
    /// A client of the server at `url` (`http://HOST:PORT` or
    /// `https://HOST:PORT`, with or without a trailing slash).
    pub fn new(url: &str, auth: ClientAuth) -> Result<Client, String> {
        let base = url.trim_end_matches('/').to_string();
        let (rest, tls) = if let Some(r) = base.strip_prefix("https://") {
            (r, true)
        } else if let Some(r) = base.strip_prefix("http://") {
            (r, false)
        } else {
            return Err(format!(
                "fox: --server: '{url}' bukan alamat http://HOST:PORT atau https://HOST:PORT"
            ));
        };
        if rest.is_empty() {
            return Err(format!("fox: --server: '{url}' tanpa host"));
        }
        if !tls && auth.token.is_some() && !is_local(rest) {
            eprintln!(
                "fox: peringatan: token dikirim tanpa enkripsi ke {base}; \
                 jalankan server dengan --tls-cert/--tls-key dan pakai https://"
            );
        }
        let mut tls_config = TlsConfig::builder().provider(TlsProvider::Rustls);
        if let (true, Some(ca)) = (tls, &auth.ca) {
            tls_config = tls_config.root_certs(RootCerts::Specific(Arc::new(trusted(ca)?)));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .tls_config(tls_config.build())
            .build()
            .into();
        Ok(Client {
            base,
            agent,
            token: auth.token,
        })
    }

    fn fail(&self, e: ureq::Error) -> String {
        // rustls' verdict on the certificate arrives as a TLS error or
        // inside an I/O error, depending on where the handshake failed.
        let text = e.to_string();
        let tls = matches!(e, ureq::Error::Tls(_) | ureq::Error::Rustls(_))
            || (self.base.starts_with("https://") && text.contains("certificate"));
        let hint = if tls {
            format!(
                " (sertifikat server tidak dipercaya? beri sertifikatnya, atau CA yang \
                 menandatanganinya, dengan --tls-ca PEM atau {CA_ENV})"
            )
        } else {
            String::new()
        };
        format!("fox: server {}: {text}{hint}", self.base)
    }

    /// The message of a 401: how to pass the token.
    fn unauthorized(&self, error: &str) -> String {
        let hint = match &self.token {
            None => format!(
                "server meminta token (HTTP 401); beri dengan --token-file BERKAS atau \
                 variabel lingkungan {TOKEN_ENV}"
            ),
            Some(t) => format!(
                "server menolak token dari {} (HTTP 401: {error}); pastikan sama dengan \
                 token server (fox ipc serve --token-file …)",
                t.from
            ),
        };
        format!("fox: server {}: {hint}", self.base)
    }

    fn finish<T: DeserializeOwned>(
        &self,
        resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Reply<T>, String> {
        let mut resp = resp.map_err(|e| self.fail(e))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().map_err(|e| self.fail(e))?;
        if (200..300).contains(&status) {
            return serde_json::from_str(&text)
                .map(Reply::Ok)
                .map_err(|e| format!("fox: server {}: jawaban tidak sah: {e}", self.base));
        }
        let error = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(String::from))
            .unwrap_or_else(|| format!("HTTP {status}: {}", text.trim()));
        if status == 401 {
            return Err(self.unauthorized(&error));
        }
        Ok(Reply::Refused { status, error })
    }

    fn authorized<B>(&self, req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.token {
            Some(t) => req.header("Authorization", format!("Bearer {}", t.value)),
            None => req,
        }
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<Reply<T>, String> {
        let r = self
            .authorized(self.agent.get(format!("{}{path}", self.base)))
            .call();
        self.finish(r)
    }

    /// A POST without a body, still `Content-Type: application/json`.
    fn post<T: DeserializeOwned>(&self, path: &str) -> Result<Reply<T>, String> {
        let r = self
            .authorized(self.agent.post(format!("{}{path}", self.base)))
            .header("Content-Type", "application/json")
            .send_empty();
        self.finish(r)
    }

    pub fn submit(&self, spec: &TaskSpec) -> Result<Reply<Submitted>, String> {
        let r = self
            .authorized(self.agent.post(format!("{}/api/tasks", self.base)))
            .send_json(spec);
        self.finish(r)
    }

    pub fn task(&self, id: i64) -> Result<Reply<TaskRecord>, String> {
        self.get(&format!("/api/tasks/{id}"))
    }

    pub fn list(
        &self,
        state: Option<TaskState>,
        limit: u32,
    ) -> Result<Reply<Vec<TaskRecord>>, String> {
        match state {
            Some(s) => self.get(&format!("/api/tasks?state={s}&limit={limit}")),
            None => self.get(&format!("/api/tasks?limit={limit}")),
        }
    }

    pub fn retry(&self, id: i64) -> Result<Reply<TaskRecord>, String> {
        self.post(&format!("/api/tasks/{id}/retry"))
    }

    pub fn cancel(&self, id: i64) -> Result<Reply<TaskRecord>, String> {
        self.post(&format!("/api/tasks/{id}/cancel"))
    }

    /// Delete the finished tasks of `state` (or of all three final states).
    pub fn purge(&self, state: Option<TaskState>) -> Result<Reply<serde_json::Value>, String> {
        match state {
            Some(s) => self.post(&format!("/api/purge?state={s}")),
            None => self.post("/api/purge"),
        }
    }
}
