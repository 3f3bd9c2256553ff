//! API errors: every failure is a JSON body `{"error": "…"}` (plus details
//! for some) with the status that says what went wrong — never a panic and
//! never a plain-text body.

use crate::queue::QueueError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// A failed request.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// More fields of the JSON body (e.g. `queued`/`max` of a full queue).
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            details: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// 401: no token, or a wrong one. Answered with `WWW-Authenticate`.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<QueueError> for ApiError {
    fn from(e: QueueError) -> ApiError {
        let message = e.to_string();
        match e {
            QueueError::Full { queued, max } => ApiError {
                status: StatusCode::TOO_MANY_REQUESTS,
                message,
                details: Some(json!({ "queued": queued, "max": max })),
            },
            QueueError::Invalid(_) => ApiError::bad_request(message),
            QueueError::BadSpec(_) | QueueError::Backend(_) => ApiError::internal(message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.message });
        if let (Some(Value::Object(extra)), Value::Object(map)) = (self.details, &mut body) {
            for (k, v) in extra {
                map.entry(k).or_insert(v);
            }
        }
        let mut resp = (self.status, Json(body)).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"FoxIPC\""),
            );
        }
        resp
    }
}
