//! The dashboard: one self-contained page (HTML, CSS and JavaScript inline,
//! no external assets) embedded in the binary. It reads and changes the
//! queue only through the JSON API, polling it every second.

use axum::http::header;
use axum::response::IntoResponse;

const PAGE: &str = include_str!("dashboard.html");

/// `GET /`.
pub async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PAGE,
    )
}
