//! The global allocator. Small blocks (below 1 MiB) come from mimalloc:
//! Morph programs allocate many small objects (lists, texts, closures) and
//! mimalloc serves those much faster than the system allocator. On Linux,
//! blocks of 1 MiB and more come straight from the kernel: `mmap`ed, grown
//! by `mremap` (in place, or moved by remapping pages — never copied, so a
//! growing list or object table costs its size once, not old + new), and
//! returned by `munmap` when they are freed. mimalloc would keep freed big
//! blocks resident for a while; returning them at once is what keeps a
//! run's resident memory near the VM's own count of its heap
//! (`--max-heap-bytes`). Only a few freed blocks (at most 16 MiB in all)
//! are kept to be reused, because a program building big texts or lists in
//! a loop frees and allocates blocks of similar sizes over and over, and
//! faulting fresh pages in is most of what a big block costs.

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
#[cfg(target_os = "linux")]
use std::cell::UnsafeCell;
#[cfg(target_os = "linux")]
use std::sync::atomic::{AtomicBool, Ordering};

pub struct FoxAlloc;

/// Blocks this big or bigger are mapped directly (on Linux).
#[cfg(target_os = "linux")]
const LARGE: usize = 1 << 20;

/// Does a block of this layout come from the kernel?
#[cfg(target_os = "linux")]
#[inline]
fn large(layout: &Layout) -> bool {
    layout.size() >= LARGE && layout.align() <= 4096
}

/// Freed blocks up to this size may be kept for reuse…
#[cfg(target_os = "linux")]
const CACHE_BLOCK: usize = 8 << 20;
/// …up to this many bytes in all.
#[cfg(target_os = "linux")]
const CACHE_BYTES: usize = 16 << 20;
#[cfg(target_os = "linux")]
const CACHE_SLOTS: usize = 4;

/// Freed mappings kept for reuse: `(address, size)`, size 0 = empty slot.
#[cfg(target_os = "linux")]
struct Cache {
    busy: AtomicBool,
    slots: UnsafeCell<[(usize, usize); CACHE_SLOTS]>,
}

// SAFETY: `slots` is only touched by `Cache::with`, which holds the `busy`
// spin lock for the whole access.
#[cfg(target_os = "linux")]
unsafe impl Sync for Cache {}

#[cfg(target_os = "linux")]
static CACHE: Cache = Cache {
    busy: AtomicBool::new(false),
    slots: UnsafeCell::new([(0, 0); CACHE_SLOTS]),
};

#[cfg(target_os = "linux")]
impl Cache {
    /// Run `f` on the slots under the lock (held only for a few loads and
    /// stores, never across a system call).
    fn with<R>(&self, f: impl FnOnce(&mut [(usize, usize); CACHE_SLOTS]) -> R) -> R {
        while self
            .busy
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        // SAFETY: the lock is held, so no other thread accesses the slots.
        let r = f(unsafe { &mut *self.slots.get() });
        self.busy.store(false, Ordering::Release);
        r
    }

    /// A kept mapping of at least `size` bytes and less than twice that.
    fn take(&self, size: usize) -> Option<(usize, usize)> {
        if size > CACHE_BLOCK {
            return None;
        }
        self.with(|slots| {
            let slot = slots
                .iter_mut()
                .filter(|(_, n)| *n >= size && *n < size.saturating_mul(2))
                .min_by_key(|(_, n)| *n)?;
            Some(std::mem::take(slot))
        })
    }

    /// Keep a freed mapping if there is room; false = unmap it.
    fn keep(&self, addr: usize, size: usize) -> bool {
        if size > CACHE_BLOCK {
            return false;
        }
        self.with(|slots| {
            let held: usize = slots.iter().map(|(_, n)| n).sum();
            if held + size > CACHE_BYTES {
                return false;
            }
            match slots.iter_mut().find(|(_, n)| *n == 0) {
                Some(slot) => {
                    *slot = (addr, size);
                    true
                }
                None => false,
            }
        })
    }
}

/// A mapping of `size` bytes: a kept one cut down to size, or a new one.
#[cfg(target_os = "linux")]
fn map_reusing(size: usize) -> *mut u8 {
    if let Some((addr, held)) = CACHE.take(size) {
        if held == size {
            return addr as *mut u8;
        }
        // SAFETY: `addr` is a mapping of `held` bytes that the cache
        // handed over to us alone; shrinking keeps its start and contents.
        let p = unsafe { libc::mremap(addr as *mut libc::c_void, held, size, 0) };
        if p != libc::MAP_FAILED {
            return p.cast();
        }
        // SAFETY: as above; the mapping is ours and no longer used.
        unsafe { libc::munmap(addr as *mut libc::c_void, held) };
    }
    map(size)
}

#[cfg(target_os = "linux")]
fn map(size: usize) -> *mut u8 {
    // SAFETY: an anonymous private mapping at an address the kernel picks
    // touches no existing memory; failure is reported as MAP_FAILED.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        std::ptr::null_mut()
    } else {
        p.cast()
    }
}

// SAFETY: every method upholds the GlobalAlloc contract: small layouts go
// to mimalloc unchanged; large ones are page-aligned anonymous mappings
// (page alignment satisfies any `align <= 4096`, checked by `large`), of
// exactly the layout's size (the kernel rounds lengths up to whole pages
// the same way in mmap, mremap and munmap), released once by `dealloc` or
// replaced by `realloc`. Which allocator owns a block follows from its
// layout, which the caller passes back unchanged.
unsafe impl GlobalAlloc for FoxAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if large(&layout) {
            return map_reusing(layout.size());
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { MiMalloc.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if large(&layout) {
            // Fresh anonymous mappings are zero-filled (kept ones are not).
            return map(layout.size());
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { MiMalloc.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        #[cfg(target_os = "linux")]
        if large(&layout) {
            if !CACHE.keep(ptr as usize, layout.size()) {
                // SAFETY: `ptr` is a mapping of `layout.size()` bytes made
                // here (the caller passes the layout it was allocated
                // with), freed once: kept or unmapped.
                unsafe { libc::munmap(ptr.cast(), layout.size()) };
            }
            return;
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: the caller guarantees `new_size`, rounded up to the
            // alignment, does not overflow isize.
            let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            match (large(&layout), large(&new)) {
                (false, false) => {}
                (true, true) => {
                    // SAFETY: `ptr` is our mapping of `layout.size()`
                    // bytes; MREMAP_MAYMOVE lets the kernel move its pages
                    // (keeping their contents) when it cannot grow in
                    // place; on failure the old mapping is left intact.
                    let p = unsafe {
                        libc::mremap(ptr.cast(), layout.size(), new_size, libc::MREMAP_MAYMOVE)
                    };
                    return if p == libc::MAP_FAILED {
                        std::ptr::null_mut()
                    } else {
                        p.cast()
                    };
                }
                _ => {
                    // Between the two allocators: allocate, copy, free.
                    // SAFETY: `new` is a valid non-zero layout (new_size >
                    // 0 as GlobalAlloc requires).
                    let p = unsafe { self.alloc(new) };
                    if !p.is_null() {
                        // SAFETY: both blocks are live, distinct, and at
                        // least the copied length long; the old block is
                        // freed with the layout it was allocated with.
                        unsafe {
                            std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                            self.dealloc(ptr, layout);
                        }
                    }
                    return p;
                }
            }
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { MiMalloc.realloc(ptr, layout, new_size) }
    }
}
