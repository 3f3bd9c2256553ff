//! Request bodies: read with a size limit (`--max-body-bytes`, enforced
//! while reading, so an oversized body is refused before it is held whole)
//! and a time limit (a body that stops arriving is a slow-loris, not a
//! request). Failures are JSON errors: 413 naming the limit, 408, 400.

use super::error::ApiError;
use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::time::Duration;

/// The 413 of a body over `limit` bytes (`len` when it is known).
pub fn too_large(len: Option<u64>, limit: usize) -> ApiError {
    let size = match len {
        Some(n) => format!("{n} byte"),
        None => "badan permintaan".into(),
    };
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "badan permintaan terlalu besar: {size} melebihi batas --max-body-bytes \
             ({limit} byte)"
        ),
    )
}

/// Read all of `body`: at most `limit` bytes, within `timeout`.
pub async fn read(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, ApiError> {
    let collect = Limited::new(body, limit).collect();
    match tokio::time::timeout(timeout, collect).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(None, limit)),
        Ok(Err(e)) => Err(ApiError::bad_request(format!(
            "badan permintaan tidak terbaca: {e}"
        ))),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "badan permintaan tidak selesai dikirim dalam {} s (--idle-timeout)",
                timeout.as_secs_f64()
            ),
        )),
    }
}
