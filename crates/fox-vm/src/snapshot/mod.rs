//! Serializable VM state: whole-VM images (for `.z` tickets and pausing at
//! any safe point), portable values (for `ingat`/`kenang` and pipeline
//! results) and in-heap deep copies (for pipeline isolation).
//!
//! Every byte string this module writes is an *envelope*:
//!
//! ```text
//! 0   magic        4 bytes  "FOXZ" ticket | "FOXV" value | "FOXS" VM state
//! 4   version      u16 LE   FORMAT_VERSION
//! 6   flags        u16 LE   bit 0: signed (tickets only); others 0
//! 8   program      u64 LE   hash of the program's bytecode
//! 16  raw length   u64 LE   payload size before compression
//! 24  length       u64 LE   compressed payload size
//! 32  checksum     u32 LE   CRC-32 of the compressed payload
//! 36  payload      zstd-compressed postcard
//! 36+length        signed tickets: key id (8 bytes) + HMAC-SHA256 (32
//!                  bytes) of everything before the MAC (see `mac`)
//! ```
//!
//! Opening one checks all of it — the signature and the declared size
//! included — before anything is decompressed; decoding then validates
//! every index (see `graph` and `image`). Invariant: loading a snapshot is
//! never unsafe — bad bytes give a [`SnapshotError`] — and a loader with a
//! ticket key runs no ticket that key did not sign.

mod graph;
pub(crate) mod hash;
mod image;
mod mac;
mod ticket;

pub use mac::TicketKey;
pub use ticket::{read_ticket_info, ticket_signer, PipelineInfo, TicketInfo, TicketReason};

use crate::config::Config;
use crate::host::Host;
use crate::value::Value;
use crate::vm::Vm;
use graph::{decode, Encoder, Graph, Mode, SVal};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Version of the envelope and payload layout.
pub const FORMAT_VERSION: u16 = 2;
const HEADER: usize = 36;
/// Flag bit: a signature trailer follows the payload.
const SIGNED: u16 = 1;
/// Largest payload a snapshot may decompress to unless the loader says
/// otherwise (a VM loads at most its heap limit's worth).
pub const MAX_RAW: u64 = 1 << 30;

/// What an envelope holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ticket,
    Value,
    State,
}

impl Kind {
    fn magic(self) -> &'static [u8; 4] {
        match self {
            Kind::Ticket => b"FOXZ",
            Kind::Value => b"FOXV",
            Kind::State => b"FOXS",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Ticket => "tiket .z",
            Kind::Value => "nilai tersimpan",
            Kind::State => "snapshot VM",
        }
    }
}

/// Why bytes could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Fewer bytes than the header or the declared payload needs.
    Truncated { need: u64, got: u64 },
    /// Not an envelope of the expected kind.
    Magic { expected: &'static str },
    /// Written by an incompatible format version.
    Version(u16),
    /// The payload does not match its checksum.
    Checksum,
    /// The payload failed to decompress or deserialize.
    Payload(String),
    /// The payload decoded but describes an impossible state.
    Invalid(String),
    /// The state belongs to a different program (or changed code).
    Program(String),
    /// The header claims a payload bigger than the loader accepts.
    TooLarge { claimed: u64, max: u64 },
    /// A ticket without a signature, for a loader that requires one.
    Unsigned,
    /// A ticket signed with another key (or tampered with): `signed_by`
    /// is the id of the key it names, `have` the loader's key id (`None`:
    /// the loader has no key).
    Signature {
        signed_by: String,
        have: Option<String>,
    },
    /// The decoded objects would not fit below the heap limit.
    Memory(crate::memory::MemError),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Truncated { need, got } => write!(
                f,
                "data terpotong: butuh {need} byte, hanya ada {got} (offset {got})"
            ),
            SnapshotError::Magic { expected } => {
                write!(f, "bukan {expected} Fox (tanda pengenal di offset 0 salah)")
            }
            SnapshotError::Version(v) => write!(
                f,
                "versi format {v} tidak didukung (offset 4; versi ini membaca {FORMAT_VERSION})"
            ),
            SnapshotError::Checksum => {
                write!(f, "checksum tidak cocok (offset 32): data rusak")
            }
            SnapshotError::Payload(m) => write!(f, "isi rusak (offset {HEADER}): {m}"),
            SnapshotError::Invalid(m) => write!(f, "isi tidak sah: {m}"),
            SnapshotError::Program(m) => write!(f, "program tidak cocok: {m}"),
            SnapshotError::TooLarge { claimed, max } => write!(
                f,
                "isi mengaku {claimed} byte setelah dibuka, melebihi batas {max} byte (offset 16); tidak dibuka"
            ),
            SnapshotError::Unsigned => write!(
                f,
                "tiket tidak bertanda tangan (flag offset 6): tiket tanpa tanda tangan tidak dijalankan"
            ),
            SnapshotError::Signature { signed_by, have: Some(have) } if signed_by != have => write!(
                f,
                "tiket ditandatangani dengan kunci {signed_by}, bukan kunci ini ({have}); \
                 pakai kunci yang sama (--ticket-key FILE atau FOX_TICKET_KEY)"
            ),
            SnapshotError::Signature { signed_by, have: Some(_) } => write!(
                f,
                "tanda tangan tiket tidak cocok (kunci {signed_by}): tiket diubah setelah ditandatangani"
            ),
            SnapshotError::Signature { signed_by, have: None } => write!(
                f,
                "tiket ditandatangani dengan kunci {signed_by}, tetapi tidak ada kunci tiket; \
                 pakai kunci itu (--ticket-key FILE atau FOX_TICKET_KEY)"
            ),
            SnapshotError::Memory(e) => write!(f, "{}", e.message()),
        }
    }
}

impl std::error::Error for SnapshotError {}

fn read_u64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Serialize, compress and wrap a payload; tickets are signed with `key`
/// when one is given.
pub(crate) fn seal(
    kind: Kind,
    program: u64,
    payload: &impl Serialize,
    key: Option<&TicketKey>,
) -> Vec<u8> {
    // Serializing plain data into a Vec cannot fail; an empty payload would
    // be rejected on open rather than silently accepted.
    let raw = postcard::to_allocvec(payload).unwrap_or_default();
    seal_raw(kind, program, &raw, key)
}

fn envelope(
    kind: Kind,
    program: u64,
    raw_len: usize,
    packed: &[u8],
    key: Option<&TicketKey>,
) -> Vec<u8> {
    let key = key.filter(|_| kind == Kind::Ticket);
    let mut out = Vec::with_capacity(HEADER + packed.len() + mac::TRAILER);
    out.extend_from_slice(kind.magic());
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(if key.is_some() { SIGNED } else { 0 }).to_le_bytes());
    out.extend_from_slice(&program.to_le_bytes());
    out.extend_from_slice(&(raw_len as u64).to_le_bytes());
    out.extend_from_slice(&(packed.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(packed).to_le_bytes());
    out.extend_from_slice(packed);
    if let Some(k) = key {
        let trailer = k.sign(&out);
        out.extend_from_slice(&trailer);
    }
    out
}

/// What a loader checks before it decompresses anything.
#[derive(Clone, Copy, Debug)]
pub struct OpenRules<'a> {
    /// Tickets: `Some(key)` — only tickets signed with it; `None` — only
    /// unsigned ones (an embedder without keys). Ignored for other kinds.
    pub key: Option<&'a TicketKey>,
    /// Skip the signature check (reading a ticket's summary, which runs
    /// nothing).
    pub unverified: bool,
    /// Refuse payloads that claim more bytes than this.
    pub max_raw: u64,
}

impl OpenRules<'_> {
    /// Accept unsigned envelopes only, up to [`MAX_RAW`].
    pub const UNSIGNED: OpenRules<'static> = OpenRules {
        key: None,
        unverified: false,
        max_raw: MAX_RAW,
    };
}

/// Check an envelope and decode its payload, for loading into a heap
/// limited to `max_heap` bytes (0 = unlimited): a payload that alone is
/// larger is refused before it is decompressed. Returns the program hash.
pub(crate) fn open_within<T: DeserializeOwned>(
    kind: Kind,
    b: &[u8],
    rules: OpenRules<'_>,
    max_heap: usize,
) -> Result<(u64, T), SnapshotError> {
    if max_heap != 0 && b.len() >= HEADER && read_u64(b, 16) > max_heap as u64 {
        return Err(SnapshotError::Memory(crate::memory::MemError::Heap {
            limit: max_heap,
        }));
    }
    let (program, raw) = open_bytes(kind, b, rules, None)?;
    let (value, rest) = postcard::take_from_bytes::<T>(&raw)
        .map_err(|e| SnapshotError::Payload(format!("postcard: {e}")))?;
    if !rest.is_empty() {
        return Err(SnapshotError::Payload("sisa byte setelah isi".into()));
    }
    Ok((program, value))
}

/// Check an envelope and decompress its payload (only the first `prefix`
/// bytes of it when given: enough for a summary written first).
fn open_bytes(
    kind: Kind,
    b: &[u8],
    rules: OpenRules<'_>,
    prefix: Option<u64>,
) -> Result<(u64, Vec<u8>), SnapshotError> {
    if b.len() < 4 || &b[..4] != kind.magic() {
        if b.len() < 4 && kind.magic().starts_with(b) {
            return Err(SnapshotError::Truncated {
                need: HEADER as u64,
                got: b.len() as u64,
            });
        }
        return Err(SnapshotError::Magic {
            expected: kind.describe(),
        });
    }
    if b.len() < HEADER {
        return Err(SnapshotError::Truncated {
            need: HEADER as u64,
            got: b.len() as u64,
        });
    }
    let version = u16::from_le_bytes([b[4], b[5]]);
    if version != FORMAT_VERSION {
        return Err(SnapshotError::Version(version));
    }
    let flags = u16::from_le_bytes([b[6], b[7]]);
    let known = if kind == Kind::Ticket { SIGNED } else { 0 };
    if flags & !known != 0 {
        return Err(SnapshotError::Payload(format!(
            "flag tidak dikenal {flags:#x} (offset 6)"
        )));
    }
    let signed = flags & SIGNED != 0;
    let trailer = if signed { mac::TRAILER as u64 } else { 0 };
    let program = read_u64(b, 8);
    let raw_len = read_u64(b, 16);
    let len = read_u64(b, 24);
    let have = (b.len() - HEADER) as u64;
    let need = len.saturating_add(trailer);
    if need > have {
        return Err(SnapshotError::Truncated {
            need: (HEADER as u64).saturating_add(need),
            got: b.len() as u64,
        });
    }
    if need < have {
        return Err(SnapshotError::Payload(format!(
            "{} byte berlebih setelah isi",
            have - need
        )));
    }
    let end = HEADER + len as usize;
    if kind == Kind::Ticket && !rules.unverified {
        match (rules.key, signed) {
            (Some(key), true) => {
                if !key.verify(&b[..end], &b[end..]) {
                    return Err(SnapshotError::Signature {
                        signed_by: mac::hex(&b[end..end + 8]),
                        have: Some(key.id_hex()),
                    });
                }
            }
            (Some(_), false) => return Err(SnapshotError::Unsigned),
            (None, true) => {
                return Err(SnapshotError::Signature {
                    signed_by: mac::hex(&b[end..end + 8]),
                    have: None,
                })
            }
            (None, false) => {}
        }
    }
    let packed = &b[HEADER..end];
    let crc = u32::from_le_bytes([b[32], b[33], b[34], b[35]]);
    if crc32fast::hash(packed) != crc {
        return Err(SnapshotError::Checksum);
    }
    let want = prefix.map_or(raw_len, |p| p.min(raw_len));
    if want > rules.max_raw {
        return Err(SnapshotError::TooLarge {
            claimed: raw_len,
            max: rules.max_raw,
        });
    }
    // Streamed, so memory grows with the data actually decompressed, not
    // with the length a (possibly crafted) header claims.
    let mut raw = Vec::new();
    let decoder = zstd::stream::read::Decoder::new(packed)
        .map_err(|e| SnapshotError::Payload(format!("zstd: {e}")))?;
    let limit = if prefix.is_some() { want } else { raw_len + 1 };
    std::io::Read::read_to_end(&mut std::io::Read::take(decoder, limit), &mut raw)
        .map_err(|e| SnapshotError::Payload(format!("zstd: {e}")))?;
    if raw.len() as u64 != want {
        return Err(SnapshotError::Payload("panjang isi tidak cocok".into()));
    }
    Ok((program, raw))
}

/// Check an envelope of kind `kind` and return its program hash and raw
/// (decompressed, still postcard-encoded) payload. For tools and for
/// structure-aware fuzzing; loading goes through the typed constructors.
pub fn open_raw(
    kind: Kind,
    bytes: &[u8],
    rules: OpenRules<'_>,
) -> Result<(u64, Vec<u8>), SnapshotError> {
    open_bytes(kind, bytes, rules, None)
}

/// Wrap a raw payload in an envelope (the inverse of [`open_raw`]),
/// signing tickets with `key` when given.
pub fn seal_raw(kind: Kind, program: u64, raw: &[u8], key: Option<&TicketKey>) -> Vec<u8> {
    let packed = zstd::bulk::compress(raw, 3).unwrap_or_default();
    envelope(kind, program, raw.len(), &packed, key)
}

/// A portable value: its graph and root.
#[derive(Serialize, Deserialize)]
struct ValuePayload {
    graph: Graph,
    root: SVal,
}

impl Vm {
    /// A hash of every function loaded so far (the program's bytecode).
    pub fn program_hash(&self) -> u64 {
        let mut h = hash::Fnv::new();
        for f in self.funcs.iter() {
            h.u64(u64::from(f.module));
            h.u64(hash::func_hash(f, &self.interner));
        }
        h.finish()
    }

    /// The whole VM state as bytes (a `FOXS` envelope).
    pub fn snapshot(&self) -> Vec<u8> {
        seal(
            Kind::State,
            self.program_hash(),
            &image::capture(self),
            None,
        )
    }

    /// Rebuild a VM from [`Vm::snapshot`] bytes; it continues with
    /// [`Vm::drive`].
    pub fn from_snapshot(
        bytes: &[u8],
        config: Config,
        host: Box<dyn Host>,
    ) -> Result<Vm, SnapshotError> {
        let (program, img) = open_within::<image::VmImage>(
            Kind::State,
            bytes,
            OpenRules::UNSIGNED,
            config.max_heap_bytes,
        )?;
        let vm = image::restore(&img, config, host)?;
        if vm.program_hash() != program {
            return Err(SnapshotError::Program(
                "bytecode tidak cocok dengan hash di kepala snapshot".into(),
            ));
        }
        Ok(vm)
    }

    /// Freeze the whole VM into the image a snapshot or ticket holds and
    /// rebuild a fresh VM from it, without the envelope (no compression,
    /// no checksum: the bytes never leave the process). The testing mode
    /// of [`crate::roundtrip`] uses it; the image is the very same.
    pub(crate) fn image_round_trip(
        &self,
        config: Config,
        host: Box<dyn Host>,
    ) -> Result<Vm, SnapshotError> {
        let program = self.program_hash();
        let raw = postcard::to_allocvec(&image::capture(self))
            .map_err(|e| SnapshotError::Payload(format!("postcard: {e}")))?;
        let (img, rest) = postcard::take_from_bytes::<image::VmImage>(&raw)
            .map_err(|e| SnapshotError::Payload(format!("postcard: {e}")))?;
        if !rest.is_empty() {
            return Err(SnapshotError::Payload("sisa byte setelah isi".into()));
        }
        let vm = image::restore(&img, config, host)?;
        if vm.program_hash() != program {
            return Err(SnapshotError::Program(
                "bytecode tidak cocok setelah round trip".into(),
            ));
        }
        Ok(vm)
    }

    /// A value (and everything it reaches) as bytes another run of the
    /// same program can load (a `FOXV` envelope).
    pub fn encode_value(&self, v: Value) -> Vec<u8> {
        let mut enc = Encoder::new(self, Mode::Portable);
        let root = enc.value(v);
        let payload = ValuePayload {
            graph: enc.finish(),
            root,
        };
        seal(Kind::Value, self.program_hash(), &payload, None)
    }

    /// Load a value written by [`Vm::encode_value`] (in this or another
    /// run). Functions and classes bind to this run's, by module and name,
    /// and only if their code is unchanged.
    pub fn decode_value(&mut self, bytes: &[u8]) -> Result<Value, SnapshotError> {
        // What is left below the heap limit (0 = unlimited).
        let room = match self.heap.max_bytes() {
            0 => 0,
            max => max.saturating_sub(self.heap.bytes()).max(1),
        };
        let (_, payload) =
            open_within::<ValuePayload>(Kind::Value, bytes, OpenRules::UNSIGNED, room)?;
        let d = decode(self, &payload.graph, Mode::Portable)?;
        d.value(&payload.root)
    }

    /// Deep-copy values inside this VM: mutable objects are duplicated
    /// (sharing and cycles preserved), so mutating a copy never touches
    /// the originals.
    pub fn copy_values(&mut self, vals: &[Value]) -> Result<Vec<Value>, SnapshotError> {
        let mut enc = Encoder::new(self, Mode::Copy);
        let roots: Vec<SVal> = vals.iter().map(|v| enc.value(*v)).collect();
        let graph = enc.finish();
        let d = decode(self, &graph, Mode::Copy)?;
        roots.iter().map(|r| d.value(r)).collect()
    }
}
