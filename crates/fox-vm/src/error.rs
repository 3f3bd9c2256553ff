//! Errors. `RtError` is what VM operations and builtins raise internally (a
//! Morph error still to be turned into an error value, an already-thrown
//! value, or `keluar`). `VmError` is what the embedding API returns: the VM
//! never prints or exits, the CLI renders these. Every error the VM
//! raises carries a code of the catalogue (`codes`), which gives its
//! `jenis`.

use crate::codes::ErrorCode;
use crate::value::Value;
use std::fmt;

pub use crate::codes::ERROR_MANUAL;

/// An error raised while executing an instruction or a builtin.
#[derive(Debug, Clone)]
pub enum RtError {
    /// A VM/builtin error: becomes `{pesan, jenis, kode, …}` with the
    /// code's `jenis`. Made with [`ErrorCode::err`].
    Coded {
        code: &'static ErrorCode,
        pesan: String,
    },
    /// Not a failure: the builtin that returns this asks to be replaced by
    /// a call of a Morph prelude function (see `prelude`), whose result
    /// becomes the builtin's result. How builtins call Morph code (a key
    /// function, a class's `teks()`) without recursing on the Rust stack.
    Redirect(Box<Redirect>),
    /// A Morph value being thrown (already an error dict).
    Thrown(Value),
    /// `keluar(n)`: not catchable.
    Exit(i32),
    /// The instruction budget ran out: not catchable.
    Budget,
    /// `Config::interrupt` was set (Ctrl-C in the REPL): not catchable,
    /// like `keluar`, so a `tangkap e` that catches everything cannot
    /// swallow it.
    Interrupted,
    /// A VM invariant broke (a bug): not catchable.
    Internal(String),
}

pub type RtResult<T> = Result<T, RtError>;

/// A call of prelude function `helper` with `args`, in place of a builtin.
#[derive(Debug, Clone)]
pub struct Redirect {
    pub helper: &'static str,
    pub args: Vec<Value>,
}

/// One frame of a Morph traceback.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TraceEntry {
    pub function: String,
    pub file: String,
    pub line: u32,
    pub col: u32,
}

/// An uncaught Morph error, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncaught {
    pub jenis: String,
    /// The catalogue code (`R0301`), when the error value has one.
    pub kode: Option<String>,
    pub pesan: String,
    /// Innermost frame last.
    pub traceback: Vec<TraceEntry>,
    /// The `.z` ticket written for this failure: its path, or why it could
    /// not be written.
    pub ticket: Option<Result<String, String>>,
}

#[derive(Debug, Clone)]
pub enum VmError {
    /// A Morph error nobody caught.
    Uncaught(Uncaught),
    /// The program asked to exit with this status.
    Exit(i32),
    /// The main program failed to parse or compile.
    Compile {
        file: String,
        source: String,
        diagnostics: Vec<morph_syntax::Diagnostic>,
    },
    /// A file could not be read.
    Io(String),
    /// The instruction budget ran out.
    Budget(u64),
    /// The run was interrupted from outside (`Config::interrupt`); its
    /// frames are gone. The traceback is where it was stopped, innermost
    /// frame last.
    Interrupted(Vec<TraceEntry>),
    /// A bug in the VM.
    Internal(String),
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmError::Uncaught(u) => match &u.kode {
                Some(k) => write!(f, "{}[{k}]: {}", u.jenis, u.pesan),
                None => write!(f, "{}: {}", u.jenis, u.pesan),
            },
            VmError::Exit(n) => write!(f, "exit {n}"),
            VmError::Compile {
                file, diagnostics, ..
            } => {
                write!(f, "{file}: {} diagnostic(s)", diagnostics.len())
            }
            VmError::Io(m) => write!(f, "{m}"),
            VmError::Budget(n) => write!(f, "batas instruksi ({n}) terlampaui"),
            VmError::Interrupted(_) => write!(f, "dihentikan (interupsi)"),
            VmError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for VmError {}
