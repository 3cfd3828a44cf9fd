//! # Preemption: asyncPreempt2 (preempt.go:301-315, proc.go:4081)
//!
//! sysmon's `retake` finds a goroutine that has run for 10 ms and sends its M a SIGURG
//! (`base::sysmon`); the signal handler checks that the goroutine is at an asynchronous safe
//! point and makes it call `asyncPreempt` (`base::signal_unix`), the assembly in
//! `asm/preempt_386.S` that saves every register and calls `asyncPreempt2` here, which
//! reschedules the goroutine exactly as a `Gosched` would, marked as preempted. When the
//! goroutine runs again, asyncPreempt2 returns and asyncPreempt restores the registers.

use crate::base::tls::runtime_mcall;
use crate::globals::*;
use crate::gogo::goschedImpl;

// ANCHOR: asyncPreempt2
/// `asyncPreempt2()` (preempt.go:301-315), called by asyncPreempt on the preempted
/// goroutine's stack. Go parks the goroutine instead if the GC asked it to stop
/// (`preemptStop`); we have no GC.
#[no_mangle]
pub extern "C" fn runtime_asyncPreempt2() {
    // SAFETY: on the preempted user goroutine, which the handler checked.
    unsafe { runtime_mcall(gopreempt_m) };
}

/// `gopreempt_m(gp)` (proc.go:4081-4083): the preempted goroutine goes to the global run
/// queue and this M schedules.
unsafe extern "C" fn gopreempt_m(gp: *mut g) -> ! {
    goschedImpl(gp, true)
}
// ANCHOR_END: asyncPreempt2
