//! The JSON API. Each handler checks its input, runs one queue operation
//! through the [`Pool`] and turns the answer into JSON: a [`TaskRecord`]'s
//! serde form for tasks, `{"error": …}` with a fitting status otherwise.

use super::body;
use super::error::ApiError;
use super::guard::Guard;
use super::pool::Pool;
use crate::queue::QueueError;
use crate::task::{now, Submitted, TaskRecord, TaskSpec, TaskState};
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode, Uri};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// Most tasks one list request returns.
const MAX_LIMIT: u32 = 10_000;
const DEFAULT_LIMIT: u32 = 50;

type Pooled = State<Arc<Pool>>;

fn state_param(s: Option<&str>) -> Result<Option<TaskState>, ApiError> {
    match s {
        None | Some("") => Ok(None),
        Some(s) => TaskState::parse(s).map(Some).ok_or_else(|| {
            ApiError::bad_request(format!(
                "keadaan '{s}' tidak dikenal (menunggu, berjalan, selesai, gagal-coba-lagi, mati, dibatalkan)"
            ))
        }),
    }
}

fn task_id(p: Result<Path<i64>, PathRejection>) -> Result<i64, ApiError> {
    p.map(|Path(id)| id)
        .map_err(|e| ApiError::bad_request(format!("id tugas tidak sah: {}", e.body_text())))
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::bad_request(format!("parameter tidak sah: {}", e.body_text())))
}

fn missing(id: i64) -> ApiError {
    ApiError::not_found(format!("tugas {id} tidak ada"))
}

/// The body of `POST /api/tasks`: a [`TaskSpec`] object. Unknown fields are
/// refused (a misspelt option would otherwise silently keep its default);
/// a program over `max_program` bytes is refused with 413. Public for the
/// fuzz target that feeds it arbitrary bodies.
pub fn parse_spec(body: &[u8], max_program: usize) -> Result<TaskSpec, ApiError> {
    let bad = |m: String| ApiError::bad_request(format!("badan permintaan tidak sah: {m}"));
    let value: Value = serde_json::from_slice(body).map_err(|e| bad(e.to_string()))?;
    let Value::Object(fields) = &value else {
        return Err(bad("harus objek JSON".into()));
    };
    let known = match serde_json::to_value(TaskSpec::default()) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Some(k) = fields.keys().find(|k| !known.contains_key(*k)) {
        return Err(bad(format!("kolom '{k}' tidak dikenal")));
    }
    let spec: TaskSpec = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
    if spec.program.len() > max_program {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "program terlalu besar: {} byte melebihi batas --max-program-bytes ({max_program} byte)",
                spec.program.len()
            ),
        ));
    }
    spec.validate()
        .map_err(|m| ApiError::from(QueueError::Invalid(m)))?;
    Ok(spec)
}

/// `POST /api/tasks` → 201 `{"id", "existing": false}`, or 200 with
/// `"existing": true` when the idempotency key matched a task.
pub async fn submit(
    State(pool): Pooled,
    State(guard): State<Arc<Guard>>,
    body: Body,
) -> Result<(StatusCode, Json<Submitted>), ApiError> {
    let body = body::read(body, guard.max_body_bytes, guard.idle_timeout).await?;
    let spec = parse_spec(&body, guard.max_program_bytes)?;
    let s = pool.run(move |q| q.submit(&spec)).await?;
    let status = if s.existing {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(s)))
}

#[derive(Deserialize)]
pub struct ListParams {
    state: Option<String>,
    limit: Option<u32>,
}

/// The query of `GET /api/tasks`: the state asked for (all when `None`)
/// and how many tasks at most.
pub fn parse_list_query(uri: &Uri) -> Result<(Option<TaskState>, u32), ApiError> {
    let p = query(Query::<ListParams>::try_from_uri(uri))?;
    let state = state_param(p.state.as_deref())?;
    Ok((state, p.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT)))
}

/// `GET /api/tasks?state=S&limit=N` → tasks, newest first.
pub async fn list(State(pool): Pooled, uri: Uri) -> Result<Json<Vec<TaskRecord>>, ApiError> {
    let (state, limit) = parse_list_query(&uri)?;
    Ok(Json(pool.run(move |q| q.list(state, limit)).await?))
}

/// `GET /api/tasks/{id}`.
pub async fn get_task(
    State(pool): Pooled,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<TaskRecord>, ApiError> {
    let id = task_id(id)?;
    match pool.run(move |q| q.get(id)).await? {
        Some(t) => Ok(Json(t)),
        None => Err(missing(id)),
    }
}

/// `POST /api/tasks/{id}/retry` → the task, now due; 409 unless it was
/// failed or dead.
pub async fn retry(
    State(pool): Pooled,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<TaskRecord>, ApiError> {
    let id = task_id(id)?;
    let (done, task) = pool
        .run(move |q| {
            let done = q.retry_now(id)?;
            Ok((done, q.get(id)?))
        })
        .await?;
    match (done, task) {
        (_, None) => Err(missing(id)),
        (true, Some(t)) => Ok(Json(t)),
        (false, Some(t)) => Err(ApiError::conflict(format!(
            "tugas {id} tidak gagal atau mati (keadaannya {})",
            t.state
        ))),
    }
}

/// `POST /api/tasks/{id}/cancel` → the cancelled task; 409 if it had
/// already finished.
pub async fn cancel(
    State(pool): Pooled,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<TaskRecord>, ApiError> {
    let id = task_id(id)?;
    let (done, task) = pool
        .run(move |q| {
            let done = q.cancel(id)?;
            Ok((done, q.get(id)?))
        })
        .await?;
    match (done, task) {
        (_, None) => Err(missing(id)),
        (true, Some(t)) => Ok(Json(t)),
        (false, Some(t)) => Err(ApiError::conflict(format!(
            "tugas {id} sudah berakhir (keadaannya {})",
            t.state
        ))),
    }
}

#[derive(Deserialize)]
pub struct PurgeParams {
    state: Option<String>,
}

/// The query of `POST /api/purge`: the final states whose tasks go.
pub fn parse_purge_query(uri: &Uri) -> Result<Vec<TaskState>, ApiError> {
    let p = query(Query::<PurgeParams>::try_from_uri(uri))?;
    Ok(match state_param(p.state.as_deref())? {
        Some(s) if !s.is_final() => {
            return Err(ApiError::bad_request(format!(
                "hanya tugas yang sudah berakhir yang bisa dihapus, bukan '{s}'"
            )))
        }
        Some(s) => vec![s],
        None => vec![TaskState::Selesai, TaskState::Mati, TaskState::Dibatalkan],
    })
}

/// `POST /api/purge[?state=S]` → `{"purged": n}`: deletes the tasks of one
/// final state, or of all three.
pub async fn purge(State(pool): Pooled, uri: Uri) -> Result<Json<Value>, ApiError> {
    let states = parse_purge_query(&uri)?;
    let n = pool.run(move |q| q.purge(&states)).await?;
    Ok(Json(json!({ "purged": n })))
}

/// `GET /api/stats` → counts per state, the queue's settings, which queue
/// it is, the server's clock (for "retry in …" without clock skew) and
/// whether it asks for a token (`auth`: the dashboard offers to log out).
pub async fn stats(
    State(pool): Pooled,
    State(guard): State<Arc<Guard>>,
) -> Result<Json<Value>, ApiError> {
    let (counts, settings, queue) = pool
        .run(|q| Ok((q.counts()?, q.settings()?, q.describe())))
        .await?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let counts: Map<String, Value> = counts
        .into_iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    Ok(Json(json!({
        "queue": queue,
        "now": now(),
        "auth": guard.token.is_some(),
        "total": total,
        "counts": counts,
        "settings": {
            "max_queued": settings.max_queued,
            "breaker_threshold": settings.breaker_threshold,
            "breaker_cooldown": settings.breaker_cooldown,
        },
    })))
}

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("tidak ada: {}", uri.path()))
}

pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("metode {method} tidak diizinkan untuk {}", uri.path()),
    )
}
