//! Limits a single operation must respect, whatever its data: work charged
//! to the instruction budget, the nesting depth recursive operations walk,
//! and Python's digit limit for integer↔decimal text conversion.
//!
//! **Work.** The interpreter charges the budget (`Vm::budget`) one unit per
//! loop back-edge and call. A native operation whose work grows with its
//! data charges it too, as it goes: one unit per container element it
//! visits, compares, copies or prints; one unit per [`BYTES_PER_UNIT`] bytes
//! of text it scans or produces; big-integer arithmetic by the size of its
//! operands. Operations charge through `&self` into `Vm::op_spent`, which
//! the next safe point takes off the budget, so the interpreter's own
//! counting is unchanged. When the budget cannot pay, it drops to zero and
//! the operation
//! fails with the uncatchable [`RtError::Budget`] **before changing anything
//! visible** (operations build fresh values and commit at the end; a list
//! sort sorts a copy), so the VM stays paused and resumable: `handle_error`
//! points the frame back at the failing instruction, which runs again from
//! its start when the run continues (the work done before the stop is not
//! refunded). With an unlimited budget (`u64::MAX`) a charge is one
//! compare-and-branch.
//!
//! **Interrupts.** A VM with `Config::interrupt` (the REPL's Ctrl-C) hands
//! the interpreter its budget in slices of [`INTERRUPT_SLICE`] safe points
//! (an unlimited budget becomes endless slices), keeping the rest in
//! `Vm::budget_rest`. The interpreter counts a slice down exactly as it
//! counts a budget, and its end — the path that otherwise reports the
//! budget spent — looks at the flag before taking the next slice
//! (`slice_end`); charging native operations look at it too. So the flag
//! costs the hot loop nothing beyond what a budget costs, and a VM without
//! one runs the very same loop as before. A set flag stops the run with
//! [`RtError::Interrupted`], which no `tangkap` catches.
//!
//! **Depth.** repr/str, `==` and ordering recurse on the Rust stack over
//! nested lists, dicts and variants; deeper than `Config::max_data_depth`
//! they raise a catchable `ErrorBatas` (`R1002`), like Python's `RecursionError`.
//! The limit is clamped to [`HARD_MAX_DATA_DEPTH`] so that no configuration
//! can overflow the native stack. Everything else that walks data (the
//! collector, snapshots and deep copies) is iterative.
//!
//! **Digits.** Decimal conversions of integers with more than
//! `Config::max_int_digits` digits (default 4300, as CPython ≥ 3.11) raise
//! `ErrorBatas` (`R1003`). Powers of two bases are not limited (their
//! conversion is linear), as in Python.

use crate::codes;
use crate::error::{RtError, RtResult};
use crate::vm::Vm;
use num_bigint::BigInt;

/// Safe points (loop back-edges and calls) between two looks at
/// `Config::interrupt`: well under a millisecond of interpretation.
pub const INTERRUPT_SLICE: u64 = 1 << 16;

/// Split a budget of `total` instructions (`u64::MAX` = unlimited) into the
/// slice the interpreter counts down and the rest held back: all of it at
/// once without an interrupt flag, one slice at a time with one.
pub(crate) fn budget_parts(config: &crate::Config, total: u64) -> (u64, u64) {
    if config.interrupt.is_none() {
        (total, 0)
    } else if total == u64::MAX {
        (INTERRUPT_SLICE, u64::MAX)
    } else {
        let slice = total.min(INTERRUPT_SLICE);
        (slice, total - slice)
    }
}

/// Where a run paused because its budget ran out, which decides what the
/// resumed run does first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetStop {
    /// At a loop back-edge: the run resumes at the loop head, past the
    /// safe point, which it does not pay for again.
    LoopHead,
    /// At the safe point before a call: the call instruction runs again,
    /// and so does its safe point.
    BeforeCall,
    /// Inside a native operation that charges as it goes: the operation's
    /// instruction runs again from its start.
    InOperation,
}

/// Bytes of text scanned or produced per budget unit.
pub const BYTES_PER_UNIT: usize = 64;

/// The largest usable data depth: each level of repr or comparison takes a
/// few hundred bytes of native stack, and VMs run on threads with 2 MiB.
pub const HARD_MAX_DATA_DEPTH: usize = 2000;

/// CPython's smallest accepted non-zero digit limit.
const MIN_INT_DIGITS: usize = 640;

impl Vm {
    /// Charge `units` of work to the instruction budget. (Charges gather
    /// in `op_spent`, which the next safe point takes off `budget`: the
    /// interpreter's own counting stays a plain field.)
    #[inline]
    pub fn charge(&self, units: u64) -> RtResult<()> {
        if self.budget == u64::MAX {
            return Ok(());
        }
        self.charge_slow(units)
    }

    /// Debit `units` of work already done that cannot be undone (an
    /// error's traceback, one unit per frame): nothing stops here, the next
    /// safe point pays it and pauses there when the budget is spent. So a
    /// program raising errors deep in recursion cannot do work quadratic in
    /// its depth within a linear budget.
    pub(crate) fn debit(&self, units: u64) {
        if self.budget == u64::MAX {
            return;
        }
        let total = self.budget.saturating_add(self.budget_rest);
        let spent = self.op_spent.get().saturating_add(units).min(total);
        self.op_spent.set(spent);
    }

    /// Entering a `tangkap` handler is a safe point for the budget (one
    /// unit, like a call): a chain of errors caught and raised again on
    /// the way up a deep stack passes no call and no loop back-edge, and
    /// each error's traceback is debited, so the budget must be able to
    /// stop it here. The frame already points at the handler with the
    /// error in its register, so a paused run continues in the handler.
    /// (No collection here: the interpreter's safe points do that.)
    pub(crate) fn handler_point(&mut self) -> RtResult<()> {
        self.pay_budget_point()?;
        Ok(())
    }

    #[inline(never)]
    fn charge_slow(&self, units: u64) -> RtResult<()> {
        if self.take_interrupt() {
            return Err(RtError::Interrupted);
        }
        let spent = self.op_spent.get().saturating_add(units);
        // Unlimited when the rest is (`u64::MAX` saturates).
        let total = self.budget.saturating_add(self.budget_rest);
        if spent > total {
            self.op_spent.set(total);
            self.budget_stop.set(BudgetStop::InOperation);
            return Err(RtError::Budget);
        }
        self.op_spent.set(spent);
        Ok(())
    }

    /// Pay one unit at a budget point (a safe point or a handler entry),
    /// with what native operations charged since the last one; at the end
    /// of a slice, `slice_end` decides.
    #[inline]
    pub(crate) fn pay_budget_point(&mut self) -> RtResult<()> {
        if self.budget != u64::MAX {
            let spent = self.op_spent.replace(0);
            let left = self.budget - spent.min(self.budget);
            if left == 0 {
                // Out of budget, or the end of a slice.
                self.slice_end(spent)?;
            } else {
                self.budget = left - 1;
            }
        }
        Ok(())
    }

    /// The interpreter's slice of the budget is used up: `spent` is what
    /// native operations charged since the last safe point (at least the
    /// slice's remainder). Stop if the interrupt flag is set; otherwise pay
    /// for the overrun and this safe point from the rest and take the next
    /// slice. With nothing left — always, without an interrupt flag — the
    /// budget has run out.
    #[cold]
    #[inline(never)]
    pub(crate) fn slice_end(&mut self, spent: u64) -> RtResult<()> {
        let need = spent.saturating_sub(self.budget).saturating_add(1);
        self.budget = 0;
        if self.take_interrupt() {
            return Err(RtError::Interrupted);
        }
        if self.budget_rest != u64::MAX {
            if self.budget_rest < need {
                self.budget_rest = 0;
                return Err(RtError::Budget);
            }
            self.budget_rest -= need;
        }
        let next = self.budget_rest.min(INTERRUPT_SLICE);
        if self.budget_rest != u64::MAX {
            self.budget_rest -= next;
        }
        self.budget = next;
        Ok(())
    }

    /// Was the interrupt flag set? Clears it: one Ctrl-C stops one run.
    #[inline]
    pub fn take_interrupt(&self) -> bool {
        self.config
            .interrupt
            .as_ref()
            .is_some_and(|f| f.swap(false, std::sync::atomic::Ordering::Relaxed))
    }

    /// Why a host operation that must stop the run (a sleep cut short)
    /// stops it: an interrupt, or else a pause (the deadline of a task).
    pub fn stop_reason(&self) -> RtError {
        if self.take_interrupt() {
            RtError::Interrupted
        } else {
            RtError::Budget
        }
    }

    /// Charge for `n` container elements.
    #[inline]
    pub fn charge_items(&self, n: usize) -> RtResult<()> {
        self.charge(n as u64)
    }

    /// Charge for `n` bytes of text.
    #[inline]
    pub fn charge_bytes(&self, n: usize) -> RtResult<()> {
        if n < BYTES_PER_UNIT {
            return Ok(());
        }
        self.charge((n / BYTES_PER_UNIT) as u64)
    }

    /// Charge for an operation on big integers of `a` and `b` bits whose
    /// cost grows with the product of their sizes (multiplication,
    /// division, decimal conversion).
    pub fn charge_big_product(&self, a_bits: u64, b_bits: u64) -> RtResult<()> {
        let (la, lb) = (a_bits / 64 + 1, b_bits / 64 + 1);
        if la.saturating_mul(lb) < 256 {
            return Ok(());
        }
        self.charge(la.saturating_mul(lb) / 64)
    }

    /// Instructions left in the budget (`u64::MAX` = unlimited).
    pub fn budget_left(&self) -> u64 {
        if self.budget == u64::MAX || self.budget_rest == u64::MAX {
            return u64::MAX;
        }
        let total = self.budget + self.budget_rest;
        total - self.op_spent.get().min(total)
    }

    /// Give the run a new budget (`u64::MAX` = unlimited).
    pub fn set_budget(&mut self, n: u64) {
        (self.budget, self.budget_rest) = budget_parts(&self.config, n);
        self.op_spent.set(0);
    }

    /// Where did the budget last run out? Resets it to
    /// [`BudgetStop::LoopHead`]. A driver that hands out budget in slices
    /// uses it to count: a stop inside an operation means the operation
    /// runs again (grow the next slice so a costly one finishes), a stop
    /// before a call means that safe point is charged again.
    pub fn take_budget_stop(&mut self) -> BudgetStop {
        self.budget_stop.replace(BudgetStop::LoopHead)
    }

    /// The data depth recursive operations may reach.
    #[inline]
    pub fn data_depth_limit(&self) -> usize {
        self.config.max_data_depth.min(HARD_MAX_DATA_DEPTH)
    }

    /// The error for data nested deeper than the limit, `doing` what.
    pub fn depth_error(&self, doing: &str) -> RtError {
        codes::DATA_DEPTH.err(format!(
            "Kedalaman data melebihi batas ({} tingkat) saat {doing}",
            self.data_depth_limit()
        ))
    }

    /// The digit limit in force (0 = none).
    fn int_digit_limit(&self) -> usize {
        match self.config.max_int_digits {
            0 => 0,
            n => n.max(MIN_INT_DIGITS),
        }
    }

    /// Does `b` have at most as many decimal digits as the limit allows?
    pub fn int_within_digit_limit(&self, b: &BigInt) -> bool {
        let limit = self.int_digit_limit();
        limit == 0 || b.magnitude().to_string().len() <= limit
    }

    /// Append the decimal text of `b`, within the digit limit.
    pub fn write_big_decimal(&self, b: &BigInt, out: &mut String) -> RtResult<()> {
        let limit = self.int_digit_limit();
        let bits = b.bits();
        // |b| >= 2^(bits-1) has at least floor((bits-1) * log10(2)) + 1
        // digits; 0.301029 < log10(2) keeps this a lower bound. Too many
        // digits are refused before the (quadratic) conversion.
        if limit > 0 && bits > 0 {
            let at_least = (bits - 1).saturating_mul(301_029) / 1_000_000 + 1;
            if at_least > limit as u64 {
                return Err(to_text_error(limit));
            }
        }
        self.charge_big_product(bits, bits)?;
        let text = b.to_string();
        let digits = text.len() - usize::from(text.starts_with('-'));
        if limit > 0 && digits > limit {
            return Err(to_text_error(limit));
        }
        self.charge_bytes(text.len())?;
        out.push_str(&text);
        Ok(())
    }

    /// Check a text of `digits` digits may be converted to an integer in
    /// `base` (Python limits every base that is not a power of two).
    pub fn check_int_parse_digits(&self, digits: usize, base: u32) -> RtResult<()> {
        let limit = self.int_digit_limit();
        if limit > 0 && !base.is_power_of_two() && digits > limit {
            return Err(codes::INT_DIGITS.err(format!(
                "Teks angka itu punya {digits} digit, melebihi batas konversi ({limit} digit; \
                 ubah dengan --max-int-digits)"
            )));
        }
        // Unlimited: the conversion is quadratic in the number of digits.
        let bits = (digits as u64).saturating_mul(10) / 3;
        self.charge_big_product(bits, bits)
    }
}

fn to_text_error(limit: usize) -> RtError {
    codes::INT_DIGITS.err(format!(
        "Angka bulat itu melebihi batas konversi ke teks ({limit} digit; ubah dengan \
         --max-int-digits)"
    ))
}
