//! Byte-level mutation in the manner of AFL's "havoc" stage: a stack of
//! 1–8 random edits (bit flips, random and interesting bytes, little-endian
//! interesting integers, inserted, deleted, duplicated and overwritten
//! runs, a splice with another input, truncation), the result cut to the
//! target's size limit.

use crate::rng::Rng;

/// Bytes that often sit on a boundary: zero, sign bits, all ones, ASCII
/// delimiters that parsers of text branch on.
const INTERESTING: &[u8] = &[
    0, 1, 0x7f, 0x80, 0xff, b'"', b'\\', b'\n', b'{', b'}', b'[', b']', b'(', b')', b':', b',',
    b'-', b'0', b'9', b'e', b'.', b' ',
];

/// Integers that often sit on a boundary of a length or an index field.
const INTERESTING_INTS: &[u64] = &[
    0,
    1,
    0x7f,
    0x80,
    0xff,
    0x100,
    0x7fff,
    0xffff,
    0x7fff_ffff,
    0xffff_ffff,
    u64::MAX,
    1 << 47,
];

/// `input` with a stack of random edits; `others` may donate a splice.
pub fn havoc(rng: &mut Rng, input: &[u8], others: &[Vec<u8>], max_len: usize) -> Vec<u8> {
    let mut b = input.to_vec();
    let edits = 1 + rng.below(8);
    for _ in 0..edits {
        edit(rng, &mut b, others);
    }
    b.truncate(max_len);
    b
}

fn edit(rng: &mut Rng, b: &mut Vec<u8>, others: &[Vec<u8>]) {
    if b.is_empty() {
        let n = 1 + rng.below(16);
        b.extend(rng.bytes(n));
        return;
    }
    let len = b.len();
    let at = rng.below(len);
    match rng.below(11) {
        0 => b[at] ^= 1 << rng.below(8),
        1 => b[at] = rng.next_u64() as u8,
        2 => b[at] = INTERESTING[rng.below(INTERESTING.len())],
        3 => {
            let v = INTERESTING_INTS[rng.below(INTERESTING_INTS.len())];
            let width = [1usize, 2, 4, 8][rng.below(4)];
            for (i, byte) in v.to_le_bytes().iter().take(width).enumerate() {
                if let Some(slot) = b.get_mut(at + i) {
                    *slot = *byte;
                }
            }
        }
        4 => {
            let n = 1 + rng.below(8);
            let bytes = rng.bytes(n);
            b.splice(at..at, bytes);
        }
        5 => {
            let n = 1 + rng.below((len - at).min(32));
            b.drain(at..at + n);
        }
        6 => {
            // Duplicate a run (repetition grows nesting and lists).
            let n = 1 + rng.below((len - at).min(64));
            let run: Vec<u8> = b[at..at + n].to_vec();
            let times = 1 + rng.below(4);
            let to = rng.below(len + 1);
            for _ in 0..times {
                b.splice(to..to, run.iter().copied());
            }
        }
        7 => {
            // Overwrite a run with another run of the same input.
            let n = 1 + rng.below((len - at).min(32));
            let from = rng.below(len - n + 1);
            let run: Vec<u8> = b[from..from + n].to_vec();
            b[at..at + n].copy_from_slice(&run);
        }
        8 => {
            if let Some(other) = rng.pick(others) {
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = 1 + rng.below(other.len() - from);
                    let cut = rng.below(len + 1);
                    b.truncate(cut);
                    b.extend_from_slice(&other[from..from + n]);
                }
            }
        }
        9 => b.truncate(at),
        _ => {
            let n = 1 + rng.below((len - at).min(4));
            b.splice(
                at..at,
                INTERESTING.iter().copied().skip(rng.below(8)).take(n),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn havoc_respects_the_limit_and_changes_something() {
        let mut rng = Rng::new(42);
        let input = b"biar x = [1, 2, 3]\ntulis(x)\n".to_vec();
        let others = vec![b"{\"a\": 1}".to_vec(), Vec::new()];
        let mut changed = 0;
        for _ in 0..2000 {
            let m = havoc(&mut rng, &input, &others, 40);
            assert!(m.len() <= 40);
            if m != input {
                changed += 1;
            }
        }
        assert!(changed > 1900, "only {changed} of 2000 changed");
        assert!(!havoc(&mut rng, &[], &[], 10).is_empty());
    }
}
