//! The two merges of CPython's list sort: `merge_lo` copies the shorter
//! first run aside and fills from the left, `merge_hi` copies the shorter
//! second run aside and fills from the right. Both merge one element at a
//! time until one run wins `min_gallop` times in a row, then gallop
//! (exponential then binary search) while galloping pays, adapting
//! `min_gallop`; on a failed comparison they put the copied-aside elements
//! back, so the slice stays a permutation of its input.

use super::{Exit, MergeState, MIN_GALLOP};

impl<T: Copy, E, F: FnMut(&T, &T) -> Result<bool, E>> MergeState<T, F> {
    /// Merge the adjacent runs `v[a..a+na]` and `v[a+na..a+na+nb]` in
    /// place, copying the (shorter) first run aside. `v[a+na-1]` belongs at
    /// the very end and `v[a+na]` at the very start.
    pub(super) fn merge_lo(
        &mut self,
        v: &mut [T],
        a: usize,
        mut na: usize,
        mut nb: usize,
    ) -> Result<(), E> {
        self.tmp.clear();
        self.tmp.extend_from_slice(&v[a..a + na]);
        let mut dest = a;
        let mut pa = 0; // into tmp
        let mut pb = a + na; // into v
        v[dest] = v[pb];
        dest += 1;
        pb += 1;
        nb -= 1;
        let exit = 'merge: {
            if nb == 0 {
                break 'merge Exit::Succeed;
            }
            if na == 1 {
                break 'merge Exit::CopyRest;
            }
            let mut min_gallop = self.min_gallop;
            loop {
                let mut acount = 0;
                let mut bcount = 0;
                // One element at a time until one run wins consistently.
                loop {
                    let (x, y) = (v[pb], self.tmp[pa]);
                    match self.lt(&x, &y) {
                        Err(e) => break 'merge Exit::Fail(e),
                        Ok(true) => {
                            v[dest] = v[pb];
                            dest += 1;
                            pb += 1;
                            bcount += 1;
                            acount = 0;
                            nb -= 1;
                            if nb == 0 {
                                break 'merge Exit::Succeed;
                            }
                            if bcount >= min_gallop {
                                break;
                            }
                        }
                        Ok(false) => {
                            v[dest] = self.tmp[pa];
                            dest += 1;
                            pa += 1;
                            acount += 1;
                            bcount = 0;
                            na -= 1;
                            if na == 1 {
                                break 'merge Exit::CopyRest;
                            }
                            if acount >= min_gallop {
                                break;
                            }
                        }
                    }
                }
                // Galloping mode, until neither run wins often enough.
                min_gallop += 1;
                loop {
                    min_gallop -= (min_gallop > 1) as usize;
                    self.min_gallop = min_gallop;
                    let key = v[pb];
                    let tmp = std::mem::take(&mut self.tmp);
                    let k = self.gallop_right(&key, &tmp[pa..pa + na], 0);
                    self.tmp = tmp;
                    let k = match k {
                        Ok(k) => k,
                        Err(e) => break 'merge Exit::Fail(e),
                    };
                    acount = k;
                    if k > 0 {
                        v[dest..dest + k].copy_from_slice(&self.tmp[pa..pa + k]);
                        dest += k;
                        pa += k;
                        na -= k;
                        if na == 1 {
                            break 'merge Exit::CopyRest;
                        }
                        // Impossible for a consistent order; possible here.
                        if na == 0 {
                            break 'merge Exit::Succeed;
                        }
                    }
                    v[dest] = v[pb];
                    dest += 1;
                    pb += 1;
                    nb -= 1;
                    if nb == 0 {
                        break 'merge Exit::Succeed;
                    }
                    let key = self.tmp[pa];
                    let k = match self.gallop_left(&key, &v[pb..pb + nb], 0) {
                        Ok(k) => k,
                        Err(e) => break 'merge Exit::Fail(e),
                    };
                    bcount = k;
                    if k > 0 {
                        v.copy_within(pb..pb + k, dest);
                        dest += k;
                        pb += k;
                        nb -= k;
                        if nb == 0 {
                            break 'merge Exit::Succeed;
                        }
                    }
                    v[dest] = self.tmp[pa];
                    dest += 1;
                    pa += 1;
                    na -= 1;
                    if na == 1 {
                        break 'merge Exit::CopyRest;
                    }
                    if acount < MIN_GALLOP && bcount < MIN_GALLOP {
                        break;
                    }
                }
                // Penalise leaving galloping mode.
                min_gallop += 1;
                self.min_gallop = min_gallop;
            }
        };
        match exit {
            Exit::CopyRest => {
                v.copy_within(pb..pb + nb, dest);
                v[dest + nb] = self.tmp[pa];
                Ok(())
            }
            Exit::Succeed | Exit::Fail(_) => {
                v[dest..dest + na].copy_from_slice(&self.tmp[pa..pa + na]);
                match exit {
                    Exit::Fail(e) => Err(e),
                    _ => Ok(()),
                }
            }
        }
    }

    /// The mirror of `merge_lo`, merging from the right end and copying
    /// the (shorter) second run aside.
    pub(super) fn merge_hi(
        &mut self,
        v: &mut [T],
        a: usize,
        mut na: usize,
        mut nb: usize,
    ) -> Result<(), E> {
        self.tmp.clear();
        self.tmp.extend_from_slice(&v[a + na..a + na + nb]);
        // Signed positions: they reach one before their run's start.
        let mut dest = (a + na + nb - 1) as isize;
        let mut pa = (a + na - 1) as isize; // into v, last of A
        let mut pb = nb as isize - 1; // into tmp, last of B
        let ix = |i: isize| i as usize;
        v[ix(dest)] = v[ix(pa)];
        dest -= 1;
        pa -= 1;
        na -= 1;
        let exit = 'merge: {
            if na == 0 {
                break 'merge Exit::Succeed;
            }
            if nb == 1 {
                break 'merge Exit::CopyRest;
            }
            let mut min_gallop = self.min_gallop;
            loop {
                let mut acount = 0;
                let mut bcount = 0;
                loop {
                    let (x, y) = (self.tmp[ix(pb)], v[ix(pa)]);
                    match self.lt(&x, &y) {
                        Err(e) => break 'merge Exit::Fail(e),
                        Ok(true) => {
                            v[ix(dest)] = v[ix(pa)];
                            dest -= 1;
                            pa -= 1;
                            acount += 1;
                            bcount = 0;
                            na -= 1;
                            if na == 0 {
                                break 'merge Exit::Succeed;
                            }
                            if acount >= min_gallop {
                                break;
                            }
                        }
                        Ok(false) => {
                            v[ix(dest)] = self.tmp[ix(pb)];
                            dest -= 1;
                            pb -= 1;
                            bcount += 1;
                            acount = 0;
                            nb -= 1;
                            if nb == 1 {
                                break 'merge Exit::CopyRest;
                            }
                            if bcount >= min_gallop {
                                break;
                            }
                        }
                    }
                }
                min_gallop += 1;
                loop {
                    min_gallop -= (min_gallop > 1) as usize;
                    self.min_gallop = min_gallop;
                    let key = self.tmp[ix(pb)];
                    let k = match self.gallop_right(&key, &v[a..a + na], na - 1) {
                        Ok(k) => na - k,
                        Err(e) => break 'merge Exit::Fail(e),
                    };
                    acount = k;
                    if k > 0 {
                        dest -= k as isize;
                        pa -= k as isize;
                        v.copy_within(ix(pa + 1)..ix(pa + 1) + k, ix(dest + 1));
                        na -= k;
                        if na == 0 {
                            break 'merge Exit::Succeed;
                        }
                    }
                    v[ix(dest)] = self.tmp[ix(pb)];
                    dest -= 1;
                    pb -= 1;
                    nb -= 1;
                    if nb == 1 {
                        break 'merge Exit::CopyRest;
                    }
                    let key = v[ix(pa)];
                    let tmp = std::mem::take(&mut self.tmp);
                    let k = self.gallop_left(&key, &tmp[..nb], nb - 1);
                    self.tmp = tmp;
                    let k = match k {
                        Ok(k) => nb - k,
                        Err(e) => break 'merge Exit::Fail(e),
                    };
                    bcount = k;
                    if k > 0 {
                        dest -= k as isize;
                        pb -= k as isize;
                        let (d, s) = (ix(dest + 1), ix(pb + 1));
                        v[d..d + k].copy_from_slice(&self.tmp[s..s + k]);
                        nb -= k;
                        if nb == 1 {
                            break 'merge Exit::CopyRest;
                        }
                        // Impossible for a consistent order; possible here.
                        if nb == 0 {
                            break 'merge Exit::Succeed;
                        }
                    }
                    v[ix(dest)] = v[ix(pa)];
                    dest -= 1;
                    pa -= 1;
                    na -= 1;
                    if na == 0 {
                        break 'merge Exit::Succeed;
                    }
                    if acount < MIN_GALLOP && bcount < MIN_GALLOP {
                        break;
                    }
                }
                min_gallop += 1;
                self.min_gallop = min_gallop;
            }
        };
        match exit {
            Exit::CopyRest => {
                // The rest of A moves up; B's last element goes before it.
                let from = ix(pa + 1 - na as isize);
                let to = ix(dest + 1 - na as isize);
                v.copy_within(from..from + na, to);
                dest -= na as isize;
                v[ix(dest)] = self.tmp[ix(pb)];
                Ok(())
            }
            Exit::Succeed | Exit::Fail(_) => {
                if nb > 0 {
                    let d = ix(dest + 1 - nb as isize);
                    v[d..d + nb].copy_from_slice(&self.tmp[..nb]);
                }
                match exit {
                    Exit::Fail(e) => Err(e),
                    _ => Ok(()),
                }
            }
        }
    }
}
