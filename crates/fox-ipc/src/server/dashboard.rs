//! The dashboard: one self-contained page (HTML, CSS and JavaScript inline,
//! no external assets) embedded in the binary. It reads and changes the
//! queue only through the JSON API, polling it every second. With a token
//! it first shows a login form; the session then lives in an `HttpOnly`
//! cookie the page's script cannot read.

use axum::http::header;
use axum::response::IntoResponse;

const PAGE: &str = include_str!("dashboard.html");

/// What the page may load and who may frame it: nothing from elsewhere,
/// requests only to this server, never inside another site's frame.
const CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                   connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/// `GET /`.
pub async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        PAGE,
    )
}
