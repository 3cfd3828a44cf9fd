//! # System calls that block (proc.go:4440-4760)
//!
//! A goroutine about to make a system call that may block for long gives its P away first
//! (`entersyscallblock` → `handoffp`), so that the P keeps running other goroutines on
//! another M; afterwards it needs a P again (`exitsyscall`: an idle one, or else it waits in
//! the global run queue while its M stops). Go also has the cheap `entersyscall`, which
//! keeps the P in `_Psyscall` for sysmon to retake if the call lasts; our only blocking call
//! is [`Sleep`], which always hands the P off.

use crate::base::lock_futex::{lock, unlock};
use crate::base::proc::*;
use crate::base::tls::{getg, runtime_mcall, systemstack};
use crate::globals::*;
use crate::gogo::dropg;
use crate::newproc::casgstatus;

// ANCHOR: entersyscallblock
/// `entersyscallblock()` (proc.go:4440-4478): the goroutine enters a blocking system call:
/// _Gsyscall, and its P is handed off.
pub fn entersyscallblock() {
    // SAFETY: on a user goroutine holding a P.
    unsafe {
        let gp = getg();
        let mp = (*gp).m;
        (*mp).locks += 1; // no preemption while the g and P change hands
        let pp = (*mp).p;
        (*mp).syscalltick = (*pp).syscalltick;
        (*pp).syscalltick = (*pp).syscalltick.wrapping_add(1);
        casgstatus(gp, _Grunning, _Gsyscall);
        let mut handoff = || handoffp(releasep());
        systemstack(&mut handoff);
        (*mp).locks -= 1;
    }
}

/// `exitsyscall()` (proc.go:4502-4598): the system call returned; get a P and run again.
pub fn exitsyscall() {
    // SAFETY: on the user goroutine that entered the system call.
    unsafe {
        let gp = getg();
        let mp = (*gp).m;
        (*mp).locks += 1;
        (*gp).waitsince = 0;
        (*mp).oldp = core::ptr::null_mut();
        if exitsyscallfast() {
            (*(*mp).p).syscalltick = (*(*mp).p).syscalltick.wrapping_add(1);
            casgstatus(gp, _Gsyscall, _Grunning);
            (*mp).locks -= 1;
            return;
        }
        (*mp).locks -= 1;
        // Call the scheduler: this g runs again when some M picks it off the global queue.
        runtime_mcall(exitsyscall0);
        let mp = (*getg()).m;
        (*(*mp).p).syscalltick = (*(*mp).p).syscalltick.wrapping_add(1);
    }
}

/// `exitsyscallfast(oldp)` and `exitsyscallfast_pidle()` (proc.go:4601-4700): take an
/// idle P if there is one (Go first tries the P it had; ours always handed it off).
unsafe fn exitsyscallfast() -> bool {
    if crate::base::atomic::loadp(&mut (*sched()).pidle).is_null() {
        return false;
    }
    lock(schedlock());
    let pp = pidleget();
    if !pp.is_null() {
        wakesysmon();
    }
    unlock(schedlock());
    if pp.is_null() {
        return false;
    }
    acquirep(pp);
    true
}

/// sysmon sleeps while every P is idle; a P that becomes busy wakes it (sched.lock held).
unsafe fn wakesysmon() {
    let sched = sched();
    if crate::base::atomic::loadb(&mut (*sched).sysmonwait) {
        crate::base::atomic::storeb(&mut (*sched).sysmonwait, false);
        crate::base::lock_futex::notewakeup(&mut (*sched).sysmonnote);
    }
}

/// `exitsyscall0(gp)` (proc.go:4704-4745): exitsyscall slow path on g0: an idle P if one
/// freed up meanwhile, else gp to the global run queue and this M stops.
unsafe extern "C" fn exitsyscall0(gp: *mut g) -> ! {
    casgstatus(gp, _Gsyscall, _Grunnable);
    dropg();
    lock(schedlock());
    let pp = pidleget();
    if pp.is_null() {
        crate::base::runq::globrunqput(gp);
    } else {
        wakesysmon();
    }
    unlock(schedlock());
    if !pp.is_null() {
        acquirep(pp);
        crate::mstart::execute(gp, false); // Never returns.
    }
    stopm();
    crate::mstart::schedule() // Never returns.
}
// ANCHOR_END: entersyscallblock

/// `time.Sleep(ns)` as a blocking system call: Go parks the goroutine on a timer; we have
/// no timers, so the goroutine's M sleeps in the kernel (nanosleep) after handing its P to
/// another M. An idle program (main sleeping) then has every P idle and sysmon asleep.
#[allow(non_snake_case)]
pub fn Sleep(ns: i64) {
    if ns <= 0 {
        return;
    }
    entersyscallblock();
    crate::base::sys_linux_386::nanosleep_ns(ns);
    exitsyscall();
}
