//! Round trips, a testing mode (`fox run --roundtrip-every N`): the run is
//! paused at every N-th safe point (the loop back-edges and calls where the
//! instruction budget is counted), the whole VM is frozen into the image a
//! `.z` ticket holds, the VM is dropped, and the run goes on in a fresh VM
//! decoded from those bytes. A program must not be able to tell: its
//! output, errors and exit status equal a plain run's byte for byte. That
//! is how the tier matrix proves snapshots complete.
//!
//! The pauses use the instruction budget: each piece of the run gets a
//! budget of N. A pause inside a native operation (which charges its work
//! as it goes) makes that operation run again from its start in the next
//! VM, as a resumed ticket does; the next piece then gets twice as much, so
//! an operation costlier than N still finishes. A user's own
//! `--max-instructions` stays in force across the pieces (the re-run parts
//! of interrupted operations count against it too).
//!
//! State that cannot be frozen without changing the run — an open network
//! connection, which a snapshot records as closed — skips that round trip;
//! [`RoundTrips`] counts both. The host (standard streams, store, ticket
//! folder) is the embedder's and passes from VM to VM, unflushed output
//! included.

use crate::error::VmError;
use crate::host::BufferHost;
use crate::limits::BudgetStop;
use crate::object::Object;
use crate::snapshot::SnapshotError;
use crate::vm::Vm;

/// What a run with round trips did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoundTrips {
    /// VMs frozen, dropped and decoded into a fresh VM.
    pub done: u64,
    /// Pauses where the VM held state a round trip would lose.
    pub skipped: u64,
}

impl Vm {
    /// Does the VM hold something a snapshot cannot carry (an open
    /// connection)?
    pub fn holds_unfreezable(&self) -> bool {
        self.heap.objects().any(|o| match o {
            Object::Resource(r) => r.is_open(),
            _ => false,
        })
    }

    /// Freeze this VM into the image a ticket holds (serialized to bytes;
    /// only the envelope's compression is left out) and decode it into a
    /// fresh VM with the same configuration, which then takes over the host
    /// and what the embedder set on this VM (not part of an image). On
    /// failure — a bug in snapshots — this VM is given back unchanged.
    pub fn round_trip(mut self) -> Result<Vm, (Vm, SnapshotError)> {
        let placeholder = Box::new(BufferHost::new());
        let mut fresh = match self.image_round_trip(self.config.clone(), placeholder) {
            Ok(v) => v,
            Err(e) => return Err((self, e)),
        };
        std::mem::swap(&mut fresh.host, &mut self.host);
        fresh.attempt = self.attempt;
        fresh.clock_floor = self.clock_floor;
        fresh.input_lines = self.input_lines;
        fresh.program_file = std::mem::take(&mut self.program_file);
        fresh.program_path = std::mem::take(&mut self.program_path);
        fresh.ticket_on_error = self.ticket_on_error;
        fresh.store_spec = std::mem::take(&mut self.store_spec);
        // Compiled code holds nothing of one VM: the JIT and its code cache
        // go on with the run.
        fresh.jit_backend = self.take_jit_backend();
        fresh.jit_stats = std::mem::take(&mut self.jit_stats);
        Ok(fresh)
    }
}

/// Run a program with a round trip every `every` safe points: `start`
/// begins the run (e.g. `run_main`), later pieces continue it with
/// [`Vm::drive`]. Returns the VM the run ended in, how it ended, and the
/// counts. `every` of 0 is taken as 1.
///
/// A budget of `b` lets a piece pass `b` safe points and pauses it at the
/// next one. A VM paused at a loop back-edge resumes past it, so the next
/// piece gets `every - 1`; one paused before a call passes that safe point
/// again, so it gets `every`. Either way the pauses fall on safe points
/// `every`, `2 × every`, … of the plain run.
pub fn run_with_round_trips(
    mut vm: Vm,
    every: u64,
    start: impl FnOnce(&mut Vm) -> Result<(), VmError>,
) -> (Vm, Result<(), VmError>, RoundTrips) {
    let every = every.max(1);
    let mut counts = RoundTrips::default();
    // Safe points the user's own budget still allows (u64::MAX: unlimited).
    let mut left = vm.config.max_instructions.unwrap_or(u64::MAX);
    let mut piece = every;
    let mut give = (every - 1).min(left);
    vm.set_budget(give);
    let mut result = start(&mut vm);
    loop {
        match result {
            Err(VmError::Budget(_)) => {}
            other => return (vm, other, counts),
        }
        let stop = vm.take_budget_stop();
        // A run paused at a loop back-edge resumes past that safe point
        // (thawed or not), so the pause passed it; one paused before a
        // call runs the call and its safe point again, and an operation
        // runs again from its start.
        let free = u64::from(stop == BudgetStop::LoopHead);
        if left != u64::MAX && left == give {
            // The user's budget, not ours, ran out, at the very point where
            // a plain run stops: report it as that run does.
            let limit = vm.config.max_instructions.unwrap_or(0);
            return (vm, Err(VmError::Budget(limit)), counts);
        }
        if left != u64::MAX {
            left -= give + free;
        }
        // A pause inside a native operation runs it again from its start:
        // give the next piece twice as much, so a costly operation finishes.
        piece = if stop == BudgetStop::InOperation {
            piece.saturating_mul(2)
        } else {
            every
        };
        if vm.holds_unfreezable() {
            counts.skipped += 1;
        } else {
            vm = match vm.round_trip() {
                Ok(v) => v,
                Err((old, e)) => {
                    let err = VmError::Internal(format!("round trip {}: {e}", counts.done + 1));
                    return (old, Err(err), counts);
                }
            };
            counts.done += 1;
        }
        give = (piece - free).min(left);
        vm.set_budget(give);
        result = vm.drive();
    }
}
