//! The FoxIPC HTTP server: a JSON API over a queue ([`api`]) and a
//! dashboard page ([`dashboard`]), served by axum/hyper on a small tokio
//! runtime, behind the request checks of [`guard`] (Host, cross-site,
//! token, content type, size), with connection time limits and optional
//! TLS ([`listen`]).
//!
//! Invariant: the HTTP layer holds no state. Every request is one queue
//! operation run on a blocking thread with a queue connection of its own
//! ([`pool`]); the pool only keeps idle connections for reuse, so any
//! number of servers, workers and `fox ipc` commands can share one queue.
//! The token and the limits are configuration fixed at start, and the
//! dashboard's session cookie is derived from the token ([`auth`]), so no
//! session is ever stored.

mod api;
mod auth;
mod body;
mod dashboard;
mod error;
mod guard;
mod listen;
mod options;
mod pool;

pub use api::{parse_list_query, parse_purge_query, parse_spec};
pub use auth::{parse_login, Token, COOKIE_NAME};
pub use error::ApiError;
pub use options::{
    Options, ServeError, TlsFiles, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_PROGRAM_BYTES,
};

use crate::queue::QueueSpec;
use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;
use guard::Guard;
use pool::Pool;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::TlsAcceptor;

/// Idle queue connections kept for reuse, and blocking threads (so at most
/// this many queue operations run at once; more requests wait their turn).
const CONNECTIONS: usize = 8;

/// What handlers share: the queue connections and the fixed configuration.
#[derive(Clone)]
pub(crate) struct AppState {
    pool: Arc<Pool>,
    guard: Arc<Guard>,
}

impl FromRef<AppState> for Arc<Pool> {
    fn from_ref(s: &AppState) -> Arc<Pool> {
        Arc::clone(&s.pool)
    }
}

impl FromRef<AppState> for Arc<Guard> {
    fn from_ref(s: &AppState) -> Arc<Guard> {
        Arc::clone(&s.guard)
    }
}

/// A server bound to its address, not yet serving.
pub struct Server {
    listener: std::net::TcpListener,
    state: AppState,
    tls: Option<TlsAcceptor>,
    idle: Duration,
}

impl Server {
    /// Check `options` against `addr` (no public address without a token;
    /// the TLS files load), open the queue (checking the spec and the
    /// store), apply `max_queued` to the queue's settings if given, and
    /// bind `addr` (port 0 picks a free port; see [`Server::local_addr`]).
    pub fn bind(spec: QueueSpec, addr: SocketAddr, options: Options) -> Result<Server, ServeError> {
        options.check(addr)?;
        let tls = options.tls.as_ref().map(listen::acceptor).transpose()?;
        let mut q = crate::queue::open(&spec)?;
        if let Some(max) = options.max_queued {
            let mut s = q.settings()?;
            s.max_queued = max;
            q.set_settings(&s)?;
        }
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|e| ServeError::Io(format!("tidak bisa mendengarkan di {addr}: {e}")))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| ServeError::Io(format!("{addr}: {e}")))?;
        let pool = Arc::new(Pool::new(spec, CONNECTIONS));
        pool.put(q);
        let guard = Guard {
            token: options.token,
            allow_hosts: options
                .allow_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            max_body_bytes: options.max_body_bytes,
            max_program_bytes: options.max_program_bytes,
            idle_timeout: options.idle_timeout,
            tls: tls.is_some(),
        };
        Ok(Server {
            listener,
            state: AppState {
                pool,
                guard: Arc::new(guard),
            },
            tls,
            idle: options.idle_timeout,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        self.listener
            .local_addr()
            .map_err(|e| ServeError::Io(format!("alamat server: {e}")))
    }

    /// `https` when serving TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// Serve until the process ends (or the runtime cannot start).
    pub fn run(self) -> Result<(), ServeError> {
        let io = |e: std::io::Error| ServeError::Io(format!("server: {e}"));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(CONNECTIONS)
            .enable_io()
            .enable_time()
            .build()
            .map_err(io)?;
        let app = router(self.state);
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener).map_err(io)?;
            listen::accept_loop(listener, app, self.tls, self.idle).await;
            Ok(())
        })
    }
}

/// Serve the queue `spec` on `addr` until the process ends.
pub fn serve(spec: QueueSpec, addr: SocketAddr, options: Options) -> Result<(), ServeError> {
    Server::bind(spec, addr, options)?.run()
}

fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/api/login", post(auth::login))
        .route("/api/logout", post(auth::logout))
        .route("/api/tasks", post(api::submit).get(api::list))
        .route("/api/tasks/{id}", get(api::get_task))
        .route("/api/tasks/{id}/retry", post(api::retry))
        .route("/api/tasks/{id}/cancel", post(api::cancel))
        .route("/api/purge", post(api::purge))
        .route("/api/stats", get(api::stats))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::check,
        ))
        .with_state(state)
}
