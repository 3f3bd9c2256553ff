//! Host resources a program holds open: TCP connections and open files
//! (what `_backend.fs_buka`, `_io_buka` and `open` return). They live
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
    File(FileHandle),
    /// A `hashlib` hash being fed (`update`) and read (`hexdigest`).
    Hash(HashState),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgo {
    Sha256,
    Md5,
}

/// What a hash has been fed so far (digests are computed when asked).
#[derive(Debug)]
pub struct HashState {
    pub algo: HashAlgo,
    pub data: Vec<u8>,
}

impl HashAlgo {
    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Md5 => "md5",
        }
    }

    /// Its number in a snapshot.
    pub fn tag(self) -> u8 {
        match self {
            HashAlgo::Sha256 => 0,
            HashAlgo::Md5 => 1,
        }
    }

    pub fn from_tag(tag: u8) -> Option<HashAlgo> {
        match tag {
            0 => Some(HashAlgo::Sha256),
            1 => Some(HashAlgo::Md5),
            _ => None,
        }
    }
}

/// An open file and how it was opened (Python's `open` modes).
#[derive(Debug)]
pub struct FileHandle {
    /// `None` once closed (or restored from a snapshot).
    pub file: Option<std::fs::File>,
    /// The path as the program gave it.
    pub path: String,
    /// Reads and writes bytes (`"rb"`, `"wb"`, …) rather than text.
    pub binary: bool,
    pub readable: bool,
    pub writable: bool,
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
            Resource::Tcp(c) if c.peer.is_empty() => "<koneksi (belum tersambung)>".to_string(),
            Resource::Tcp(c) if c.stream.is_some() => format!("<koneksi {}>", c.peer),
            Resource::Tcp(c) => format!("<koneksi {} (tertutup)>", c.peer),
            Resource::File(f) if f.file.is_some() => format!("<berkas {}>", f.path),
            Resource::File(f) => format!("<berkas {} (tertutup)>", f.path),
            Resource::Hash(h) => format!("<{} HASH object>", h.algo.name()),
        }
    }

    /// What the value is called in messages (`tipe` says `objek`).
    pub fn kind_label(&self) -> &'static str {
        match self {
            Resource::Tcp(_) => "koneksi",
            Resource::File(_) => "berkas",
            Resource::Hash(_) => "hash",
        }
    }

    /// The same resource, closed: what a snapshot restores.
    pub fn closed(peer: String) -> Resource {
        Resource::Tcp(TcpConn { stream: None, peer })
    }

    /// How a snapshot tells the kinds apart (0 is a connection, kept in
    /// the older `Resource` record; a hash is stored as its data instead).
    pub fn kind_tag(&self) -> u8 {
        match self {
            Resource::Tcp(_) => 0,
            Resource::File(_) => 1,
            Resource::Hash(_) => 2,
        }
    }

    /// A closed resource of kind `tag` naming `name`.
    pub fn closed_of(tag: u8, name: String) -> Resource {
        match tag {
            1 => Resource::File(FileHandle {
                file: None,
                path: name,
                binary: false,
                readable: false,
                writable: false,
            }),
            _ => Resource::closed(name),
        }
    }

    /// Its peer (what a snapshot keeps of it).
    /// Is the resource still open (a snapshot would close it)?
    pub fn is_open(&self) -> bool {
        match self {
            Resource::Tcp(c) => c.stream.is_some(),
            Resource::File(f) => f.file.is_some(),
            // A hash is plain data, which snapshots carry.
            Resource::Hash(_) => false,
        }
    }

    pub fn peer(&self) -> &str {
        match self {
            Resource::Tcp(c) => &c.peer,
            Resource::File(f) => &f.path,
            Resource::Hash(h) => h.algo.name(),
        }
    }
}
