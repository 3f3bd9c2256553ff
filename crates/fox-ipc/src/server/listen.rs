//! Connections: the accept loop, the optional TLS handshake (rustls with
//! the `ring` provider) and HTTP/1.1 over hyper with time limits, so that a
//! client that connects and then sends nothing — no handshake, no complete
//! request header, no next request on a kept-alive connection — is cut off
//! after `--idle-timeout`.

use super::options::{ServeError, TlsFiles};
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// Load `--tls-cert` (a PEM chain, leaf first) and `--tls-key` (a PEM
/// private key) into a TLS acceptor; every problem names the file.
pub fn acceptor(files: &TlsFiles) -> Result<TlsAcceptor, ServeError> {
    let bad = |m: String| ServeError::Config(m);
    let read = |flag: &str, path: &std::path::Path| {
        std::fs::read(path).map_err(|e| {
            bad(format!(
                "{flag}: tidak bisa membaca '{}': {e}",
                path.display()
            ))
        })
    };
    let cert_pem = read("--tls-cert", &files.cert)?;
    let certs = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            bad(format!(
                "--tls-cert '{}': PEM tidak sah: {e}",
                files.cert.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(bad(format!(
            "--tls-cert '{}': tidak ada sertifikat (-----BEGIN CERTIFICATE-----) di dalamnya",
            files.cert.display()
        )));
    }
    let key_pem = read("--tls-key", &files.key)?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
        bad(format!(
            "--tls-key '{}': tidak ada kunci privat PEM yang sah: {e}",
            files.key.display()
        ))
    })?;
    // rustls 0.23.48 deprecates the ring provider only because it lacks
    // post-quantum key exchange; the alternative (aws-lc-rs) needs cmake and
    // a C toolchain to build, which this project avoids (ureq uses ring too).
    #[allow(deprecated)]
    let provider = Arc::new(ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            bad(format!(
                "--tls-cert/--tls-key: sertifikat dan kunci tidak bisa dipakai bersama: {e}"
            ))
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Accept connections until the listener fails for good; each connection
/// is served on its own task.
pub async fn accept_loop(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    idle: Duration,
) {
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _peer)) => tcp,
            // A connection reset before it was accepted, or out of file
            // descriptors: keep serving, after a pause for the latter.
            Err(e) => {
                if !is_connection_error(&e) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(TokioIo::new(tcp), app, idle).await,
                Some(acceptor) => {
                    // A failed or too slow handshake just drops the socket.
                    if let Ok(Ok(stream)) = tokio::time::timeout(idle, acceptor.accept(tcp)).await {
                        serve_connection(TokioIo::new(stream), app, idle).await;
                    }
                }
            }
        });
    }
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// HTTP/1.1 on one connection. `header_read_timeout` bounds the wait for
/// every request header, the first and each one after a kept-alive
/// response, so idle connections close too.
async fn serve_connection<I>(io: I, app: Router, idle: Duration)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = TowerToHyperService::new(app);
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(idle)
        .keep_alive(true)
        .serve_connection(io, service)
        .await;
}
