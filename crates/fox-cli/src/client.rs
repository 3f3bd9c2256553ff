//! A small synchronous client of the FoxIPC HTTP API (`fox ipc serve`),
//! for `--server URL`. Plain HTTP only: the server is meant for a local
//! network or a TLS-terminating proxy in front of it.

use fox_ipc::{Submitted, TaskRecord, TaskSpec, TaskState};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// What a call answered: success, or the API's status and error message.
pub enum Reply<T> {
    Ok(T),
    Refused { status: u16, error: String },
}

pub struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client of the server at `url` (`http://HOST:PORT`, with or without
    /// a trailing slash).
    pub fn new(url: &str) -> Result<Client, String> {
        let base = url.trim_end_matches('/').to_string();
        let Some(rest) = base.strip_prefix("http://") else {
            return Err(format!(
                "fox: --server: '{url}' bukan alamat http://HOST:PORT (https tidak didukung)"
            ));
        };
        if rest.is_empty() {
            return Err(format!("fox: --server: '{url}' tanpa host"));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Ok(Client { base, agent })
    }

    fn fail(&self, e: ureq::Error) -> String {
        format!("fox: server {}: {e}", self.base)
    }

    fn finish<T: DeserializeOwned>(
        &self,
        resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Reply<T>, String> {
        let mut resp = resp.map_err(|e| self.fail(e))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().map_err(|e| self.fail(e))?;
        if (200..300).contains(&status) {
            serde_json::from_str(&text)
                .map(Reply::Ok)
                .map_err(|e| format!("fox: server {}: jawaban tidak sah: {e}", self.base))
        } else {
            let error = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(String::from))
                .unwrap_or_else(|| format!("HTTP {status}: {}", text.trim()));
            Ok(Reply::Refused { status, error })
        }
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<Reply<T>, String> {
        let r = self.agent.get(format!("{}{path}", self.base)).call();
        self.finish(r)
    }

    fn post<T: DeserializeOwned>(&self, path: &str) -> Result<Reply<T>, String> {
        let r = self.agent.post(format!("{}{path}", self.base)).send_empty();
        self.finish(r)
    }

    pub fn submit(&self, spec: &TaskSpec) -> Result<Reply<Submitted>, String> {
        let r = self
            .agent
            .post(format!("{}/api/tasks", self.base))
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
}
