//! # gogo and friends: switching goroutines (asm_386.s:284-398, proc.go:340, 4039-4260)
//!
//! The switches themselves are assembly (`asm/asm_386.S`): `gogo` loads a saved gobuf
//! (g into TLS, SP, AX, DX) and jumps to its pc; `mcall` saves the current g and runs a
//! function on g0's stack; `systemstack` runs a function on g0's stack and comes back.
//! Here are their Rust declarations and what runs on g0 when a goroutine yields
//! (`gosched_m`) or returns (`goexit1` → `goexit0` → `gdestroy` → `gfput` → `schedule`).

use crate::base::atomic;
use crate::base::lock_futex::{lock, unlock};
use crate::base::proc::{waitReasonSelectNoCases, wakep};
use crate::base::runq::globrunqput;
use crate::base::tls::{getg, runtime_mcall};
use crate::globals::*;
use crate::newproc::{casgstatus, gfput};

/// `dropg()` (proc.go:3928): disassociate m and its current g.
///
/// # Safety
/// On g0 of a valid M.
pub unsafe fn dropg() {
    let mp = (*getg()).m;
    if !(*mp).curg.is_null() {
        (*(*mp).curg).m = core::ptr::null_mut();
    }
    (*mp).curg = core::ptr::null_mut();
}

// ANCHOR: gosched
/// `Gosched()` (proc.go:340): yield the processor, allowing other goroutines to run. The
/// current goroutine is put on the *global* run queue and resumes later.
pub fn Gosched() {
    unsafe { runtime_mcall(gosched_m) }
}

/// `gosched_m(gp)` (proc.go:4069): Gosched continuation on g0.
unsafe extern "C" fn gosched_m(gp: *mut g) -> ! {
    goschedImpl(gp, false)
}

/// `goschedImpl(gp, preempted)` (proc.go:4039-4066): gp to the global run queue, and
/// schedule. (Go traces whether it was preempted or yielded; so do we, in nothing else.)
///
/// # Safety
/// On g0; gp the g that was running.
pub unsafe fn goschedImpl(gp: *mut g, _preempted: bool) -> ! {
    if atomic::load(&mut (*gp).atomicstatus) != _Grunning {
        throw_status(gp, "bad g status");
    }
    casgstatus(gp, _Grunning, _Grunnable);
    dropg();
    lock(schedlock());
    globrunqput(gp);
    unlock(schedlock());
    if *runtime_mainStarted.get() {
        wakep();
    }
    crate::mstart::schedule()
}
// ANCHOR_END: gosched

unsafe fn throw_status(gp: *mut g, what: &str) -> ! {
    crate::base::print::fatal_with(format_args!(
        "{} (g{} is {})",
        what,
        (*gp).goid,
        gstatus_name((*gp).atomicstatus)
    ))
}

// ANCHOR: goexit0
/// `goexit1()` (proc.go:4166): finishes the execution of the current goroutine; goexit
/// (assembly) calls it when the goroutine's function returns.
#[no_mangle]
pub extern "C" fn runtime_goexit1() -> ! {
    unsafe { runtime_mcall(goexit0) };
    crate::base::print::throw("goexit1: mcall returned")
}

/// `goexit0(gp)` (proc.go:4179): goexit continuation on g0.
unsafe extern "C" fn goexit0(gp: *mut g) -> ! {
    gdestroy(gp);
    crate::mstart::schedule()
}

/// `gdestroy(gp)` (proc.go:4184-4260): the g becomes _Gdead, loses its M, and goes on the
/// P's free list for newproc1 to reuse, stack and all.
///
/// # Safety
/// On g0; gp the g that just exited.
pub unsafe fn gdestroy(gp: *mut g) {
    // ANCHOR: exercise-gdestroy
    let mp = (*getg()).m;
    let pp = (*mp).p;
    casgstatus(gp, _Grunning, _Gdead);
    (*gp).m = core::ptr::null_mut();
    (*gp).lockedm = 0;
    (*mp).lockedg = core::ptr::null_mut();
    (*gp).preemptStop = false;
    (*gp)._defer = 0;
    (*gp)._panic = 0;
    (*gp).waitreason = 0;
    (*gp).param = 0;
    dropg();
    gfput(pp, gp);
    // ANCHOR_END: exercise-gdestroy
}
// ANCHOR_END: goexit0

// ANCHOR: gopark
/// `gopark(unlockf, lock, reason, ...)` (proc.go:385-405), for a goroutine that waits for
/// nothing our runtime can ever deliver: it parks in _Gwaiting with `reason`, and only
/// checkdead will look at it again.
pub fn gopark(reason: u8) {
    // SAFETY: the current g is a user goroutine (gopark on g0 is a bug Go throws on too).
    unsafe {
        let gp = getg();
        if gp == (*(*gp).m).g0 {
            throw_status(gp, "gopark: on g0");
        }
        (*gp).waitreason = reason;
        runtime_mcall(park_m);
    }
}

/// `park_m(gp)` (proc.go:4007-4035): gopark continuation on g0.
unsafe extern "C" fn park_m(gp: *mut g) -> ! {
    casgstatus(gp, _Grunning, _Gwaiting);
    dropg();
    crate::mstart::schedule()
}

/// `select {}` (select.go:101 block): park forever.
pub fn block() {
    gopark(waitReasonSelectNoCases);
}
// ANCHOR_END: gopark
