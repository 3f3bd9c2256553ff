//! Queue connections for requests. The queue API is synchronous, so each
//! request's operation runs on a tokio blocking thread with a connection
//! taken from a small pool of idle ones (or opened for it). A connection
//! whose operation failed in the database is dropped, not reused. The pool
//! caches connections only; it never caches answers.

use super::error::ApiError;
use crate::queue::{self, Queue, QueueError, QueueSpec};
use std::sync::{Arc, Mutex};

pub struct Pool {
    spec: QueueSpec,
    idle: Mutex<Vec<Box<dyn Queue>>>,
    max_idle: usize,
}

impl Pool {
    pub fn new(spec: QueueSpec, max_idle: usize) -> Pool {
        Pool {
            spec,
            idle: Mutex::new(Vec::new()),
            max_idle,
        }
    }

    fn take(&self) -> Option<Box<dyn Queue>> {
        // A poisoned lock only means another thread panicked while holding
        // it; the Vec inside is still a valid list of connections.
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    pub fn put(&self, q: Box<dyn Queue>) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.max_idle {
            idle.push(q);
        }
    }

    /// Run `op` with a connection on a blocking thread.
    pub async fn run<T, F>(self: &Arc<Self>, op: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Queue) -> Result<T, QueueError> + Send + 'static,
    {
        let pool = Arc::clone(self);
        let joined = tokio::task::spawn_blocking(move || {
            let mut q = match pool.take() {
                Some(q) => q,
                None => queue::open(&pool.spec)?,
            };
            let result = op(q.as_mut());
            if !matches!(result, Err(QueueError::Backend(_))) {
                pool.put(q);
            }
            result
        })
        .await;
        match joined {
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => Err(ApiError::internal(format!("operasi antrean gagal: {e}"))),
        }
    }
}
