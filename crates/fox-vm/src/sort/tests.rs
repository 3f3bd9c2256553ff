//! Unit tests of the sort: ordering and stability against `slice::sort`,
//! structured inputs, arbitrary comparison answers and failures.

use super::*;

fn xorshift(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

#[test]
fn sorts_and_is_stable() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    for len in [0usize, 1, 2, 3, 10, 63, 64, 65, 100, 257, 1000, 5000] {
        for modulus in [2u64, 10, 1000, u64::MAX] {
            let mut v: Vec<(u64, usize)> = (0..len)
                .map(|i| (xorshift(&mut seed) % modulus, i))
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            let r: Result<(), ()> = sort(&mut v, false, |a, b| Ok(a.0 < b.0));
            assert!(r.is_ok());
            assert_eq!(v, want, "len {len} mod {modulus}");
            let mut rev = v.clone();
            let mut want_rev = v.clone();
            want_rev.sort_by_key(|p| std::cmp::Reverse(p.0));
            let r: Result<(), ()> = sort(&mut rev, true, |a, b| Ok(a.0 < b.0));
            assert!(r.is_ok());
            assert_eq!(rev, want_rev, "reverse, len {len} mod {modulus}");
        }
    }
}

#[test]
fn structured_inputs() {
    let mut seed = 7u64;
    for len in [100usize, 1000, 4096, 10_000] {
        let asc: Vec<i64> = (0..len as i64).collect();
        let desc: Vec<i64> = asc.iter().rev().copied().collect();
        let saw: Vec<i64> = (0..len as i64).map(|i| i % 37).collect();
        let mut runs: Vec<i64> = asc.clone();
        for chunk in runs.chunks_mut(200) {
            chunk.reverse();
        }
        let mut nearly = asc.clone();
        for _ in 0..10 {
            let i = (xorshift(&mut seed) % len as u64) as usize;
            let j = (xorshift(&mut seed) % len as u64) as usize;
            nearly.swap(i, j);
        }
        for input in [asc, desc, saw, runs, nearly] {
            let mut v = input.clone();
            let r: Result<(), ()> = sort(&mut v, false, |a, b| Ok(a < b));
            assert!(r.is_ok());
            let mut want = input;
            want.sort();
            assert_eq!(v, want);
        }
    }
}

/// Random answers and random failures: never a panic, always a
/// permutation.
#[test]
fn inconsistent_comparisons_never_panic() {
    let mut seed = 99u64;
    for round in 0..3000 {
        let len = (xorshift(&mut seed) % 600) as usize;
        let mut v: Vec<usize> = (0..len).collect();
        let fail_after = if round % 3 == 0 {
            xorshift(&mut seed) % 5000
        } else {
            u64::MAX
        };
        let mut calls = 0u64;
        let mut s = seed;
        let bias = xorshift(&mut seed) % 5;
        let r = sort(&mut v, round % 2 == 1, |_, _| {
            calls += 1;
            if calls > fail_after {
                return Err(());
            }
            Ok(xorshift(&mut s) % 5 < bias)
        });
        let _ = r;
        let mut check = v.clone();
        check.sort_unstable();
        assert_eq!(check, (0..len).collect::<Vec<_>>(), "round {round}");
    }
}

#[test]
fn keys_move_values() {
    let mut v = vec!['a', 'b', 'c', 'd'];
    let keys = [3, 1, 3, 0];
    let r: Result<(), ()> = sort_by_key(&mut v, &keys, false, |a, b| Ok(a < b));
    assert!(r.is_ok());
    assert_eq!(v, vec!['d', 'b', 'a', 'c']);
    let mut v = vec!['a', 'b', 'c', 'd'];
    let r: Result<(), ()> = sort_by_key(&mut v, &keys, true, |a, b| Ok(a < b));
    assert!(r.is_ok());
    assert_eq!(v, vec!['a', 'c', 'b', 'd']);
}

#[test]
fn minrun_like_cpython() {
    assert_eq!(compute_minrun(63), 63);
    assert_eq!(compute_minrun(64), 32);
    assert_eq!(compute_minrun(65), 33);
    assert_eq!(compute_minrun(2112), 33);
    assert_eq!(compute_minrun(1 << 20), 32);
}
