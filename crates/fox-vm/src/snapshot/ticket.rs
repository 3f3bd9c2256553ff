//! `.z` retry tickets: a whole-VM image captured at the failing instruction
//! (before any unwinding), plus a summary of what failed, where, how many
//! attempts were made and when. The ticket carries the program's bytecode,
//! so it resumes without the source.

use super::image::{self, VmImage};
use super::{open_bytes, open_within, seal, Kind, OpenRules, SnapshotError, MAX_RAW};
use crate::config::Config;
use crate::error::TraceEntry;
use crate::host::Host;
use crate::vm::Vm;
use serde::{Deserialize, Serialize};

/// Why the ticket was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketReason {
    /// An uncaught error (or one that escaped a pipeline step).
    Error,
    /// The instruction budget ran out.
    Budget,
}

/// The pipeline step a ticket belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineInfo {
    pub name: String,
    /// 1-based step number.
    pub step: u32,
    pub steps: u32,
}

/// The readable part of a ticket (`fox tiket show`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketInfo {
    /// Ticket name: the program's stem or the pipeline's name.
    pub name: String,
    /// The main program file as it was run.
    pub program: String,
    /// Its absolute path (where its store and tickets live by default).
    pub program_path: String,
    /// The store the run used (empty if the embedder did not say).
    pub store: String,
    pub reason: TicketReason,
    pub jenis: String,
    pub pesan: String,
    /// Where the failing instruction is (innermost frame last).
    pub traceback: Vec<TraceEntry>,
    /// How many times this work has been attempted, this failure included.
    pub attempts: u32,
    /// Unix time (seconds) the ticket was written.
    pub created: f64,
    pub pipeline: Option<PipelineInfo>,
    /// Lines of standard input the run had consumed.
    pub input_lines: u64,
    /// The last clock reading the program saw (`waktu()`), so a resumed
    /// run never sees time go backwards.
    pub clock: f64,
    pub fox_version: String,
    /// The host access the run had: a resume keeps it unless told
    /// otherwise, and never widens it silently.
    pub permissions: crate::permissions::Permissions,
}

#[derive(Serialize, Deserialize)]
struct TicketPayload {
    info: TicketInfo,
    image: VmImage,
}

/// Read only a ticket's summary, running nothing: the envelope is checked
/// but not the signature, and only the start of the payload (where the
/// summary is) is decompressed, so a ticket that claims a huge payload
/// costs no more than its summary.
pub fn read_ticket_info(bytes: &[u8]) -> Result<TicketInfo, SnapshotError> {
    let rules = OpenRules {
        key: None,
        unverified: true,
        max_raw: MAX_RAW,
    };
    // Summaries are small; a long traceback may need a second, bigger look.
    for prefix in [1u64 << 16, 1 << 24] {
        let (_, raw) = open_bytes(Kind::Ticket, bytes, rules, Some(prefix))?;
        match postcard::take_from_bytes::<TicketInfo>(&raw) {
            Ok((info, _)) => return Ok(info),
            Err(postcard::Error::DeserializeUnexpectedEnd) if raw.len() as u64 == prefix => {}
            Err(e) => return Err(SnapshotError::Payload(format!("postcard: {e}"))),
        }
    }
    Err(SnapshotError::Payload(
        "ringkasan tiket terlalu besar".into(),
    ))
}

/// Whether a ticket is signed, and with which key (its id): for `fox tiket
/// show`, which reads any ticket.
pub fn ticket_signer(bytes: &[u8]) -> Option<String> {
    let signed = bytes.len() >= 8 && u16::from_le_bytes([bytes[6], bytes[7]]) & 1 == 1;
    let trailer = bytes.len().checked_sub(super::mac::TRAILER)?;
    signed.then(|| super::mac::hex(&bytes[trailer..trailer + 8]))
}

impl Vm {
    /// Write a ticket of the current state, signed with `key` when given.
    /// The frames must be as they were at the failure, with the top
    /// frame's pc at the instruction to run again.
    pub fn ticket_bytes(&self, info: &TicketInfo, key: Option<&super::TicketKey>) -> Vec<u8> {
        let payload = TicketPayload {
            info: info.clone(),
            image: image::capture(self),
        };
        seal(Kind::Ticket, self.program_hash(), &payload, key)
    }

    /// Rebuild the VM a ticket froze. Continue it with [`Vm::drive`]; the
    /// failing instruction runs again first.
    pub fn from_ticket(
        bytes: &[u8],
        config: Config,
        host: Box<dyn Host>,
    ) -> Result<(Vm, TicketInfo), SnapshotError> {
        let rules = OpenRules {
            key: config.ticket_key.as_ref(),
            unverified: false,
            max_raw: MAX_RAW,
        };
        let (program, p) =
            open_within::<TicketPayload>(Kind::Ticket, bytes, rules, config.max_heap_bytes)?;
        let mut vm = image::restore(&p.image, config, host)?;
        if vm.program_hash() != program {
            return Err(SnapshotError::Program(
                "bytecode tiket tidak cocok dengan hash di kepalanya".into(),
            ));
        }
        vm.attempt = p.info.attempts.saturating_add(1);
        vm.clock_floor = p.info.clock;
        vm.input_lines = p.info.input_lines;
        vm.program_file = p.info.program.clone();
        vm.program_path = p.info.program_path.clone();
        vm.store_spec = p.info.store.clone();
        Ok((vm, p.info))
    }
}
