//! CPython's list sort, written from its description (`Objects/listsort.txt`)
//! so that Morph sorts give the same permutation as Python's `list.sort`
//! for every input — including inputs whose "less than" is not a total
//! order (NaN) and comparisons that fail midway.
//!
//! The algorithm is CPython 3.11's: natural runs (strictly descending runs
//! reversed in place), short runs extended to `minrun` by binary insertion,
//! runs merged by the powersort policy (3.11 replaced timsort's
//! `merge_collapse` stack invariants with Munro and Wild's run "powers";
//! the final collapse still merges the smaller neighbour first), merges
//! trimmed by galloping at both ends, done with a temporary copy of the
//! smaller run, and switching into galloping mode with the adaptive
//! `min_gallop` threshold. Only `<` is ever asked, through a fallible
//! callback; an error stops the sort at once and leaves the slice holding
//! some permutation of its input (the one CPython leaves), never a lost or
//! duplicated element. Whatever the callback answers, nothing panics: every
//! index follows the invariants CPython relies on for memory safety, which
//! hold for arbitrary comparison results.
//!
//! `sort` and `sort_by_key` add `reverse` the way Python does (reverse,
//! sort stably, reverse back — also after an error), so equal elements keep
//! their order; `sort_by_key` decorates with precomputed keys (Python's
//! `key=`) and permutes keys and values in lockstep.

/// Python's `MIN_GALLOP`: galloping starts after this many consecutive wins.
const MIN_GALLOP: usize = 7;
/// The largest `minrun` (a power of two).
const MAX_MINRUN: usize = 64;

mod merge;

/// A pending run: `v[base..base + len]`, sorted, with its powersort power.
#[derive(Clone, Copy)]
struct Run {
    base: usize,
    len: usize,
    power: u32,
}

/// Where a merge loop left off (CPython's `goto` targets).
enum Exit<E> {
    /// Done (or the rest of the temporary run must be copied back).
    Succeed,
    /// The callback failed; the temporary run is copied back first.
    Fail(E),
    /// `merge_lo`: one element of run A left, it goes after all of B.
    /// `merge_hi`: one element of run B left, it goes before all of A.
    CopyRest,
}

struct MergeState<T, F> {
    min_gallop: usize,
    /// Length of the whole slice (powersort's `n`).
    len: usize,
    tmp: Vec<T>,
    pending: Vec<Run>,
    lt: F,
}

/// The run length below which runs are extended by insertion sort.
fn compute_minrun(mut n: usize) -> usize {
    let mut r = 0;
    while n >= MAX_MINRUN {
        r |= n & 1;
        n >>= 1;
    }
    n + r
}

/// The powersort "power" of the boundary between the run `s1..s1+n1` and
/// the run after it, of length `n2`, in a slice of length `n`.
fn powerloop(s1: usize, n1: usize, n2: usize, n: usize) -> u32 {
    let mut result = 0;
    // Twice the midpoints of the two runs, so everything stays integral.
    let mut a = 2 * s1 + n1;
    let mut b = a + n1 + n2;
    loop {
        result += 1;
        if a >= n {
            a -= n;
            b -= n;
        } else if b >= n {
            break;
        }
        a <<= 1;
        b <<= 1;
    }
    result
}

impl<T: Copy, E, F: FnMut(&T, &T) -> Result<bool, E>> MergeState<T, F> {
    #[inline]
    fn lt(&mut self, a: &T, b: &T) -> Result<bool, E> {
        (self.lt)(a, b)
    }

    /// Length of the run starting at `v[0]`, and whether it is strictly
    /// descending (then the caller reverses it).
    fn count_run(&mut self, v: &[T]) -> Result<(usize, bool), E> {
        if v.len() == 1 {
            return Ok((1, false));
        }
        let mut n = 2;
        if self.lt(&v[1], &v[0])? {
            while n < v.len() {
                if !self.lt(&v[n], &v[n - 1])? {
                    break;
                }
                n += 1;
            }
            Ok((n, true))
        } else {
            while n < v.len() {
                if self.lt(&v[n], &v[n - 1])? {
                    break;
                }
                n += 1;
            }
            Ok((n, false))
        }
    }

    /// Stable binary insertion sort of `v`, whose first `start` elements
    /// are already sorted. A failed comparison leaves a permutation (the
    /// pivot moves only after its place is known).
    fn binarysort(&mut self, v: &mut [T], start: usize) -> Result<(), E> {
        let start = start.max(1);
        for i in start..v.len() {
            let pivot = v[i];
            let (mut l, mut r) = (0, i);
            while l < r {
                let m = l + ((r - l) >> 1);
                if self.lt(&pivot, &v[m])? {
                    r = m;
                } else {
                    l = m + 1;
                }
            }
            v.copy_within(l..i, l + 1);
            v[l] = pivot;
        }
        Ok(())
    }

    /// Where `key` belongs in the sorted `a`, left of any equal elements:
    /// the `k` with `a[k-1] < key <= a[k]`. Searches outward from `hint`.
    fn gallop_left(&mut self, key: &T, a: &[T], hint: usize) -> Result<usize, E> {
        let n = a.len() as isize;
        let hint = hint as isize;
        let at = |i: isize| &a[i as usize];
        let mut lastofs: isize = 0;
        let mut ofs: isize = 1;
        if self.lt(at(hint), key)? {
            // a[hint] < key: gallop right until a[hint+lastofs] < key <= a[hint+ofs].
            let maxofs = n - hint;
            while ofs < maxofs {
                if self.lt(at(hint + ofs), key)? {
                    lastofs = ofs;
                    ofs = (ofs << 1) + 1;
                } else {
                    break;
                }
            }
            ofs = ofs.min(maxofs);
            lastofs += hint;
            ofs += hint;
        } else {
            // key <= a[hint]: gallop left until a[hint-ofs] < key <= a[hint-lastofs].
            let maxofs = hint + 1;
            while ofs < maxofs {
                if self.lt(at(hint - ofs), key)? {
                    break;
                }
                lastofs = ofs;
                ofs = (ofs << 1) + 1;
            }
            ofs = ofs.min(maxofs);
            let k = lastofs;
            lastofs = hint - ofs;
            ofs = hint - k;
        }
        // a[lastofs] < key <= a[ofs]: binary search in between.
        lastofs += 1;
        while lastofs < ofs {
            let m = lastofs + ((ofs - lastofs) >> 1);
            if self.lt(at(m), key)? {
                lastofs = m + 1;
            } else {
                ofs = m;
            }
        }
        Ok(ofs as usize)
    }

    /// Like `gallop_left`, but right of any equal elements: the `k` with
    /// `a[k-1] <= key < a[k]`.
    fn gallop_right(&mut self, key: &T, a: &[T], hint: usize) -> Result<usize, E> {
        let n = a.len() as isize;
        let hint = hint as isize;
        let at = |i: isize| &a[i as usize];
        let mut lastofs: isize = 0;
        let mut ofs: isize = 1;
        if self.lt(key, at(hint))? {
            // key < a[hint]: gallop left until a[hint-ofs] <= key < a[hint-lastofs].
            let maxofs = hint + 1;
            while ofs < maxofs {
                if self.lt(key, at(hint - ofs))? {
                    lastofs = ofs;
                    ofs = (ofs << 1) + 1;
                } else {
                    break;
                }
            }
            ofs = ofs.min(maxofs);
            let k = lastofs;
            lastofs = hint - ofs;
            ofs = hint - k;
        } else {
            // a[hint] <= key: gallop right until a[hint+lastofs] <= key < a[hint+ofs].
            let maxofs = n - hint;
            while ofs < maxofs {
                if self.lt(key, at(hint + ofs))? {
                    break;
                }
                lastofs = ofs;
                ofs = (ofs << 1) + 1;
            }
            ofs = ofs.min(maxofs);
            lastofs += hint;
            ofs += hint;
        }
        lastofs += 1;
        while lastofs < ofs {
            let m = lastofs + ((ofs - lastofs) >> 1);
            if self.lt(key, at(m))? {
                ofs = m;
            } else {
                lastofs = m + 1;
            }
        }
        Ok(ofs as usize)
    }

    /// Merge pending runs `i` and `i + 1` (`i` is the second- or
    /// third-last run).
    fn merge_at(&mut self, v: &mut [T], i: usize) -> Result<(), E> {
        let (ra, rb) = (self.pending[i], self.pending[i + 1]);
        self.pending[i].len = ra.len + rb.len;
        self.pending.remove(i + 1);
        // Elements of A already before B's first element stay put.
        let key = v[rb.base];
        let k = self.gallop_right(&key, &v[ra.base..ra.base + ra.len], 0)?;
        let a = ra.base + k;
        let na = ra.len - k;
        if na == 0 {
            return Ok(());
        }
        // Elements of B already after A's last element stay put.
        let key = v[a + na - 1];
        let nb = self.gallop_left(&key, &v[rb.base..rb.base + rb.len], rb.len - 1)?;
        if nb == 0 {
            return Ok(());
        }
        if na <= nb {
            self.merge_lo(v, a, na, nb)
        } else {
            self.merge_hi(v, a, na, nb)
        }
    }

    /// A new run of length `n2` follows the top pending run: merge the
    /// runs whose power exceeds the new boundary's (powersort).
    fn found_new_run(&mut self, v: &mut [T], n2: usize) -> Result<(), E> {
        let Some(top) = self.pending.last().copied() else {
            return Ok(());
        };
        let power = powerloop(top.base, top.len, n2, self.len);
        while self.pending.len() > 1 && self.pending[self.pending.len() - 2].power > power {
            self.merge_at(v, self.pending.len() - 2)?;
        }
        if let Some(last) = self.pending.last_mut() {
            last.power = power;
        }
        Ok(())
    }

    /// Merge everything left on the stack, smaller neighbour first.
    fn merge_force_collapse(&mut self, v: &mut [T]) -> Result<(), E> {
        while self.pending.len() > 1 {
            let mut n = self.pending.len() - 2;
            if n > 0 && self.pending[n - 1].len < self.pending[n + 1].len {
                n -= 1;
            }
            self.merge_at(v, n)?;
        }
        Ok(())
    }
}

/// CPython's sort of `v` (ascending, stable) by `lt`, without `reverse`.
fn timsort<T: Copy, E>(v: &mut [T], lt: impl FnMut(&T, &T) -> Result<bool, E>) -> Result<(), E> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    let mut ms = MergeState {
        min_gallop: MIN_GALLOP,
        len: n,
        tmp: Vec::new(),
        pending: Vec::new(),
        lt,
    };
    let minrun = compute_minrun(n);
    let mut lo = 0;
    while lo < n {
        let (mut run, descending) = ms.count_run(&v[lo..])?;
        if descending {
            v[lo..lo + run].reverse();
        }
        if run < minrun {
            let force = (n - lo).min(minrun);
            ms.binarysort(&mut v[lo..lo + force], run)?;
            run = force;
        }
        ms.found_new_run(v, run)?;
        ms.pending.push(Run {
            base: lo,
            len: run,
            power: 0,
        });
        lo += run;
    }
    ms.merge_force_collapse(v)
}

/// Sort `v` as Python's `list.sort(reverse=reverse)` does, using only
/// `lt` ("is a < b?"). On error `v` holds the permutation CPython leaves.
pub fn sort<T: Copy, E>(
    v: &mut [T],
    reverse: bool,
    lt: impl FnMut(&T, &T) -> Result<bool, E>,
) -> Result<(), E> {
    if reverse {
        v.reverse();
    }
    let r = timsort(v, lt);
    if reverse {
        v.reverse();
    }
    r
}

/// Python's `list.sort(key=…, reverse=…)` with the keys already computed
/// (`keys[i]` is the key of `v[i]`; the lengths must agree, else nothing
/// moves): values move in lockstep with their keys, compared by `lt`.
pub fn sort_by_key<T: Copy, K: Copy, E>(
    v: &mut [T],
    keys: &[K],
    reverse: bool,
    mut lt: impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    if keys.len() != v.len() {
        return Ok(());
    }
    let mut pairs: Vec<(K, T)> = keys.iter().copied().zip(v.iter().copied()).collect();
    let r = sort(&mut pairs, reverse, |a, b| lt(&a.0, &b.0));
    for (slot, (_, x)) in v.iter_mut().zip(pairs) {
        *slot = x;
    }
    r
}

#[cfg(test)]
mod tests;
