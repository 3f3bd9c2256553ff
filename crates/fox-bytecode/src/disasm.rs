//! Human-readable listings of compiled code (`fox disasm`), also used as golden
//! snapshots in tests. The format is stable: one instruction per line with its
//! index, source line and a comment naming constants, names and globals.

use crate::interner::Interner;
use crate::op::{Op, Operand};
use crate::proto::{Const, Module, Proto};
use std::fmt::Write;

/// Disassemble a whole module (body and every nested prototype).
pub fn disassemble(module: &Module, interner: &Interner) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "; module {}", module.file);
    let _ = writeln!(out, "; globals: {}", module.globals.len());
    dis_proto(&mut out, &module.body, module, interner, "");
    out
}

fn const_text(c: &Const) -> String {
    match c {
        Const::Int(i) => i.to_string(),
        Const::BigInt(s) => s.to_string(),
        Const::Float(f) => format!("{f:?}"),
        Const::Str(s) => format!("{s:?}"),
    }
}

fn dis_proto(out: &mut String, p: &Proto, m: &Module, interner: &Interner, path: &str) {
    let qual = if path.is_empty() {
        p.name.to_string()
    } else {
        format!("{path}/{}", p.name)
    };
    let _ = writeln!(
        out,
        "\nfungsi {qual}: params={} regs={} consts={} captures={}{}{}",
        p.params,
        p.regs,
        p.consts.len(),
        p.captures.len(),
        if p.is_generator { " generator" } else { "" },
        if p.is_method { " method" } else { "" },
    );
    for (pc, op) in p.code.iter().enumerate() {
        let pos = p.pos_at(pc);
        let comment = comment_for(op, p, m, interner);
        let text = format!("{op:?}");
        if comment.is_empty() {
            let _ = writeln!(out, "  {pc:04} {:>4}:{:<3} {text}", pos.line, pos.col);
        } else {
            let _ = writeln!(
                out,
                "  {pc:04} {:>4}:{:<3} {text:<48} ; {comment}",
                pos.line, pos.col
            );
        }
    }
    for child in &p.protos {
        dis_proto(out, child, m, interner, &qual);
    }
}

/// The comment after an instruction: what its constant, name, global and
/// prototype operands refer to (read from the instruction table).
fn comment_for(op: &Op, p: &Proto, m: &Module, interner: &Interner) -> String {
    let konst = |k: u32| p.consts.get(k as usize).map(const_text).unwrap_or_default();
    let mut parts = Vec::new();
    for operand in op.operands().iter() {
        let part = match *operand {
            Operand::Const(k) | Operand::TextConst(k) => konst(k),
            Operand::Name(n) => p
                .names
                .get(n as usize)
                .map(|s| interner.name(*s).to_string())
                .unwrap_or_default(),
            Operand::Global(s) => m
                .globals
                .get(s as usize)
                .map(|g| g.to_string())
                .unwrap_or_default(),
            Operand::Proto(i) => p
                .protos
                .get(i as usize)
                .map(|c| format!("fungsi {}", c.name))
                .unwrap_or_default(),
            _ => continue,
        };
        parts.push(part);
    }
    parts.join(" ")
}
