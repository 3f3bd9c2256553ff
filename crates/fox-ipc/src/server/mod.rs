//! The FoxIPC HTTP server: a JSON API over a queue ([`api`]) and a
//! dashboard page ([`dashboard`]), served by axum on a small tokio runtime.
//!
//! Invariant: the HTTP layer holds no state. Every request is one queue
//! operation run on a blocking thread with a queue connection of its own
//! ([`pool`]); the pool only keeps idle connections for reuse, so any
//! number of servers, workers and `fox ipc` commands can share one queue.

mod api;
mod dashboard;
mod error;
mod pool;

pub use error::ApiError;

use crate::queue::{QueueError, QueueSpec};
use axum::routing::{get, post};
use axum::Router;
use pool::Pool;
use std::net::SocketAddr;
use std::sync::Arc;

/// Idle queue connections kept for reuse, and blocking threads (so at most
/// this many queue operations run at once; more requests wait their turn).
const CONNECTIONS: usize = 8;

/// A server bound to its address, not yet serving.
pub struct Server {
    listener: std::net::TcpListener,
    pool: Arc<Pool>,
}

impl Server {
    /// Open the queue (checking the spec and the store), apply `max_queued`
    /// to the queue's settings if given, and bind `addr` (port 0 picks a
    /// free port; see [`Server::local_addr`]).
    pub fn bind(
        spec: QueueSpec,
        addr: SocketAddr,
        max_queued: Option<u64>,
    ) -> Result<Server, QueueError> {
        let mut q = crate::queue::open(&spec)?;
        if let Some(max) = max_queued {
            let mut s = q.settings()?;
            s.max_queued = max;
            q.set_settings(&s)?;
        }
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|e| QueueError::Backend(format!("tidak bisa mendengarkan di {addr}: {e}")))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| QueueError::Backend(format!("{addr}: {e}")))?;
        let pool = Arc::new(Pool::new(spec, CONNECTIONS));
        pool.put(q);
        Ok(Server { listener, pool })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> Result<SocketAddr, QueueError> {
        self.listener
            .local_addr()
            .map_err(|e| QueueError::Backend(format!("alamat server: {e}")))
    }

    /// Serve until the process ends (or the listener fails).
    pub fn run(self) -> Result<(), QueueError> {
        let io = |e: std::io::Error| QueueError::Backend(format!("server: {e}"));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(CONNECTIONS)
            .enable_io()
            .build()
            .map_err(io)?;
        let app = router(self.pool);
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener).map_err(io)?;
            axum::serve(listener, app).await.map_err(io)
        })
    }
}

/// Serve the queue `spec` on `addr` until the process ends.
pub fn serve(spec: QueueSpec, addr: SocketAddr, max_queued: Option<u64>) -> Result<(), QueueError> {
    Server::bind(spec, addr, max_queued)?.run()
}

fn router(pool: Arc<Pool>) -> Router {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/api/tasks", post(api::submit).get(api::list))
        .route("/api/tasks/{id}", get(api::get_task))
        .route("/api/tasks/{id}/retry", post(api::retry))
        .route("/api/tasks/{id}/cancel", post(api::cancel))
        .route("/api/purge", post(api::purge))
        .route("/api/stats", get(api::stats))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(pool)
}
