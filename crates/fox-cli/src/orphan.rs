//! A child runner dies with its worker. A worker killed with SIGKILL cannot
//! stop its children, and a child left mid-task would run on, unwatched
//! (no deadline, no memory watchdog), for as long as its task lasts; its
//! result would go nowhere, since the task is leased again once the lease
//! expires. On Linux the kernel kills the child when the worker thread that
//! started it ends; elsewhere a watcher thread notices the new parent.

use fox_ipc::isolate::PARENT_ENV;
use std::time::Duration;

/// Arrange for this process to end when the worker named in
/// [`PARENT_ENV`] does. Without the variable (a runner started by hand)
/// nothing is arranged.
pub fn die_with_parent() {
    let Some(parent) = std::env::var(PARENT_ENV)
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    else {
        return;
    };
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl(PR_SET_PDEATHSIG, sig) takes a signal number and
        // touches no memory of ours; a failure is reported by return value,
        // and then the watcher below still catches the parent's death.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
        }
    }
    // The parent may have died before the request above took effect, and
    // other systems have no such request: watch the parent pid.
    if std::os::unix::process::parent_id() != parent {
        std::process::exit(3);
    }
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(500));
        if std::os::unix::process::parent_id() != parent {
            std::process::exit(3);
        }
    });
}
