// Proof to the grader (scripts/labs/lab.py) that a graded test ran to its end.
//
// Included by the runtime's unit tests (runtime-i386/src/tests.rs) and by the integration
// tests' support library (tests/support/lib.rs). Outside grading it does nothing.
//
// The grader runs one test per process with `LAB_GRADE_FDS=R,W`: R is a pipe holding a
// fresh random challenge, W a pipe back to the grader. The first `graded()` of the process
// reads the challenge and closes R, and moves W to a close-on-exec descriptor (the chapter
// programs a test starts cannot write to it). When a `Graded` guard is dropped at the end
// of a test that did not panic, it writes the challenge to W. The grader counts the test as
// passed only if the challenge came back and the process exited 0: text printed by student
// code ("1 passed"), `exit(0)` or `abort()` half-way, or a result file prove nothing.
//
// The guard must be taken before any student code runs: first thing in the test (the unit
// tests take it in `lock()`). Student code cannot name it (the module is private to the test
// modules), and the grader refuses exercise regions that use `cfg(test)`, `std`, link
// sections or `include!` (scripts/labs/lab.py, FORBIDDEN).

use std::io::{Read, Write};
use std::sync::{Mutex, OnceLock};

/// The grader's channel: the close-on-exec write end and the challenge, when grading.
fn channel() -> Option<&'static (Mutex<std::fs::File>, String)> {
    static CHANNEL: OnceLock<Option<(Mutex<std::fs::File>, String)>> = OnceLock::new();
    CHANNEL
        .get_or_init(|| {
            use std::os::fd::FromRawFd;
            let spec = std::env::var("LAB_GRADE_FDS").ok()?;
            let (r, w) = spec.split_once(',')?;
            let (r, w): (i32, i32) = (r.parse().ok()?, w.parse().ok()?);
            // SAFETY: the grader opened R and W for this process alone, and this is their
            // only use (the OnceLock runs it once).
            let (mut r, w) =
                unsafe { (std::fs::File::from_raw_fd(r), std::fs::File::from_raw_fd(w)) };
            let mut challenge = String::new();
            r.read_to_string(&mut challenge).ok()?;
            drop(r);
            let w2 = w.try_clone().ok()?; // F_DUPFD_CLOEXEC
            drop(w);
            Some((Mutex::new(w2), challenge.trim().to_string()))
        })
        .as_ref()
}

/// Held for the length of a graded test; see the module's comment.
pub struct Graded(bool);

/// Takes the guard (reading the grader's challenge the first time).
pub fn graded() -> Graded {
    Graded(channel().is_some())
}

impl Drop for Graded {
    fn drop(&mut self) {
        if !self.0 || std::thread::panicking() {
            return;
        }
        if let Some((w, challenge)) = channel() {
            let mut w = w.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(w, "{challenge}");
        }
    }
}
