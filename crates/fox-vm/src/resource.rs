//! Host resources a program holds open: today, TCP connections. They live
//! in a heap object ([`Object::Resource`](crate::object::Object)) so the
//! collector closes what a program drops. A resource is never frozen: a
//! snapshot records it as closed, and a resumed run that uses it gets a
//! clear error instead of someone else's socket.

use std::net::TcpStream;

/// Longest a connection attempt, a send or a receive may block.
pub const NET_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// Most bytes one `_net_terima` returns.
pub const NET_MAX_READ: usize = 1 << 20;

#[derive(Debug)]
pub enum Resource {
    Tcp(TcpConn),
}

#[derive(Debug)]
pub struct TcpConn {
    /// `None` once closed (or restored from a snapshot).
    pub stream: Option<TcpStream>,
    /// `host:port` as the program asked for it.
    pub peer: String,
}

impl Resource {
    /// How the value prints: `<koneksi host:port>`.
    pub fn describe(&self) -> String {
        match self {
            Resource::Tcp(c) if c.stream.is_some() => format!("<koneksi {}>", c.peer),
            Resource::Tcp(c) => format!("<koneksi {} (tertutup)>", c.peer),
        }
    }

    /// The same resource, closed: what a snapshot restores.
    pub fn closed(peer: String) -> Resource {
        Resource::Tcp(TcpConn { stream: None, peer })
    }

    /// Its peer (what a snapshot keeps of it).
    /// Is the resource still open (a snapshot would close it)?
    pub fn is_open(&self) -> bool {
        match self {
            Resource::Tcp(c) => c.stream.is_some(),
        }
    }

    pub fn peer(&self) -> &str {
        match self {
            Resource::Tcp(c) => &c.peer,
        }
    }
}
