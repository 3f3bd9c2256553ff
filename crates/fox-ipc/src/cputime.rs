//! CPU time of the calling thread: an attempt runs on one thread, so this
//! is the CPU time the task has used (sleeping and waiting cost none).

use std::time::Duration;

/// CPU time the calling thread has used so far (zero if the clock cannot
/// be read, which makes the CPU limit fall back to the wall-clock one).
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec that lives across the
    // call; clock_gettime only writes into it and reports errors by return
    // value.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        ts.tv_sec.max(0) as u64,
        ts.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_work_not_sleep() {
        let a = super::thread_cpu();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let b = super::thread_cpu();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let c = super::thread_cpu();
        assert!(b - a < std::time::Duration::from_millis(20), "{:?}", b - a);
        assert!(c > b, "{c:?} {b:?}");
    }
}
