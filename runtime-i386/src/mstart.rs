//! # mstart: schedule, findRunnable, execute (proc.go:1660-1760, 3093-3919, 6747-7120)
//!
//! `mstart0` gives g0 its real stack guards, `mstart1` records where g0's stack starts
//! over for each `mcall`, sets up signals, and calls `schedule`, which never returns: it
//! finds a runnable g (`findRunnable`) and runs it (`execute` → `gogo`).

use crate::base::atomic;
use crate::base::lock_futex::{lock, unlock};
use crate::base::malloc::stackGuard;
use crate::base::pmask::{self, runtime_idlepMask};
use crate::base::print::throw;
use crate::base::proc::*;
use crate::base::randorder::{cheaprand, stealOrder};
use crate::base::runq::*;
use crate::base::tls::{getg, runtime_gogo};
use crate::globals::*;
use crate::newproc::casgstatus;
use core::ptr::null_mut;

extern "C" {
    /// The assembly prologue of mstart1 (records g0.sched), which continues in
    /// `runtime_mstart1_go`.
    fn runtime_mstart1() -> !;
}

// ANCHOR: mstart0
/// `mstart0()` (proc.go:1660-1696): the Go entry point of a new M; for m0 it runs on the
/// OS stack rt0_go described in g0.stack, for the others on the g0 stack allocm gave them
/// (clone started the thread there). Now that g0 runs regular code, its stack guards move
/// up from `lo` to `lo + stackGuard`.
#[no_mangle]
pub extern "C" fn runtime_mstart0() -> ! {
    let gp = getg();
    // SAFETY: on g0 of an M, as rt0_go (m0) or clone (the others) calls mstart.
    unsafe {
        if (*gp).stack.lo == 0 {
            // osStack: an M started by a C thread; never the case for m0 here.
            throw("mstart0: g0 has no stack bounds");
        }
        // Initialize stack guard so that we can start calling regular Go code.
        (*gp).stackguard0 = (*gp).stack.lo + stackGuard;
        // This is the g0, so we can also call go:systemstack functions, which check
        // stackguard1.
        (*gp).stackguard1 = (*gp).stackguard0;
        boottrace!(
            "mstart0",
            "g0.stackguard0 = g0.stackguard1 = lo+{}",
            stackGuard
        );
        runtime_mstart1()
        // Go's mstart0 then calls mexit: mstart1 never returns here (an M that has nothing
        // to do sleeps in stopm; Go's Ms exit only for LockOSThread, which we do not have).
    }
}
// ANCHOR_END: mstart0

// ANCHOR: mstart1
/// The rest of `mstart1()` (proc.go:1702-1737), after the assembly prologue saved
/// g0.sched = {pc: back into mstart0, sp: mstart0's SP}: every mcall and systemstack
/// starts again from that sp.
#[no_mangle]
pub extern "C" fn runtime_mstart1_go() -> ! {
    let gp = getg();
    // SAFETY: on g0, called by mstart1's assembly prologue.
    unsafe {
        if gp != (*(*gp).m).g0 {
            throw("bad runtime·mstart");
        }
        boottrace!(
            "mstart1",
            "g0.sched.sp={:#x} g0.sched.pc={:#x} (return address in mstart0)",
            (*gp).sched.sp,
            (*gp).sched.pc
        );
        asminit();
        crate::base::signal_unix::minit();
        // Install signal handlers; after minit so that minit can prepare the thread to be
        // able to handle the signals.
        let mp = (*gp).m;
        if mp == m0() {
            crate::base::signal_unix::mstartm0();
        }
        if (*mp).mstartfn != 0 {
            let fn_: extern "C" fn() = core::mem::transmute((*mp).mstartfn);
            fn_(); // mspinning, or sysmon (which never returns)
        }
        if mp != m0() {
            acquirep((*mp).nextp);
            (*mp).nextp = null_mut();
        }
    }
    schedule()
}
// ANCHOR_END: mstart1

/// `asminit()` (asm_386.s:266-272): load the x87 control word for 64-bit precision
/// (Go's controlWord64 = 0x37f). Rust uses SSE2 for floating point, but this is what Go
/// sets, so we do too.
fn asminit() {
    let cw: u16 = 0x037f;
    unsafe { core::arch::asm!("fldcw ({})", in(reg) &cw, options(att_syntax, nostack, readonly)) };
}

// ANCHOR: schedule
/// `schedule()` (proc.go:3839-3919): one round of scheduler: find a runnable goroutine and
/// execute it. Never returns.
pub fn schedule() -> ! {
    // SAFETY: on g0 of an M that holds a P; every g and P reached is live.
    unsafe {
        let mp = (*getg()).m;
        if (*mp).locks != 0 {
            throw("schedule: holding locks");
        }
        let pp = (*mp).p;
        (*pp).preempt = false;
        // Safety check: if we are spinning, the run queue should be empty.
        if (*mp).spinning && (!(*pp).runnext.is_null() || (*pp).runqhead != (*pp).runqtail) {
            throw("schedule: spinning with local work");
        }
        let (gp, inheritTime) = findRunnable(); // blocks until work is available
                                                // This thread is going to run a goroutine and is not spinning anymore.
        if (*mp).spinning {
            resetspinning();
        }
        execute(gp, inheritTime)
    }
}
// ANCHOR_END: schedule

/// `resetspinning()` (proc.go:3737-3750): this M found work and stops spinning; if it was
/// the last spinning M, wake another to look for more (the conservative M wake-up policy).
unsafe fn resetspinning() {
    let mp = (*getg()).m;
    if !(*mp).spinning {
        throw("resetspinning: not a spinning m");
    }
    (*mp).spinning = false;
    if atomic::xaddi32(&mut (*sched()).nmspinning, -1) < 0 {
        throw("findrunnable: negative nmspinning");
    }
    wakep();
}

/// `mp.becomeSpinning()` (proc.go:927-931).
unsafe fn becomeSpinning(mp: *mut m) {
    (*mp).spinning = true;
    atomic::xaddi32(&mut (*sched()).nmspinning, 1);
    atomic::store(&mut (*sched()).needspinning, 0);
}

// ANCHOR: findrunnable
/// `findRunnable()` (proc.go:3139-3514): find a runnable goroutine to execute, in Go
/// 1.22's order, keeping the sources our runtime has; if there is none, give up the P and
/// sleep (stopm) until another M hands one over, then look again. Go also looks, in
/// between, for a GC stop, safe-point functions, timers, the trace reader, GC workers,
/// finalizers, cgo yield and the network poller; we have none of those. Returns
/// (gp, inheritTime).
///
/// # Safety
/// On g0 of an M holding a P.
pub unsafe fn findRunnable() -> (*mut g, bool) {
    let mp = (*getg()).m;
    let sched = sched();
    'top: loop {
        let pp = (*mp).p;

        // ANCHOR: exercise-findrunnable
        // 1. Check the global runnable queue once in a while to ensure fairness. Otherwise
        //    two goroutines can completely occupy the local runqueue by constantly
        //    respawning each other.
        if (*pp).schedtick.is_multiple_of(61) && atomic::loadi32(&mut (*sched).runqsize) > 0 {
            lock(schedlock());
            let gp = globrunqget(pp, 1);
            unlock(schedlock());
            if !gp.is_null() {
                return (gp, false);
            }
        }

        // 2. local runq (runnext first)
        let (gp, inheritTime) = runqget(pp);
        if !gp.is_null() {
            return (gp, inheritTime);
        }

        // 3. global runq
        if atomic::loadi32(&mut (*sched).runqsize) != 0 {
            lock(schedlock());
            let gp = globrunqget(pp, 0);
            unlock(schedlock());
            if !gp.is_null() {
                return (gp, false);
            }
        }

        // 4. (network poller: none)

        // 5. Spinning Ms: steal work from other Ps. Limit the number of spinning Ms to half
        //    the number of busy Ps.
        if (*mp).spinning
            || 2 * atomic::loadi32(&mut (*sched).nmspinning)
                < gomaxprocs() - atomic::loadi32(&mut (*sched).npidle)
        {
            if !(*mp).spinning {
                becomeSpinning(mp);
            }
            let (gp, inheritTime) = stealWork();
            if !gp.is_null() {
                return (gp, inheritTime);
            }
        }
        // ANCHOR_END: exercise-findrunnable

        // 6. We have nothing to do: give up the P and stop this M (proc.go:3380-3510).
        // Before we drop our P, make a snapshot of the allp slice and of the idle mask.
        let allpSnapshot = allp();
        let idleSnapshot = *runtime_idlepMask.get();

        // return P and block
        lock(schedlock());
        if (*sched).runqsize != 0 {
            let gp = globrunqget(pp, 0);
            unlock(schedlock());
            return (gp, false);
        }
        if !(*mp).spinning && atomic::load(&mut (*sched).needspinning) == 1 {
            // See "Delicate dance" comment below.
            becomeSpinning(mp);
            unlock(schedlock());
            continue 'top;
        }
        if releasep() != pp {
            throw("findrunnable: wrong p");
        }
        pidleput(pp);
        unlock(schedlock());

        // Delicate dance: thread transitions from spinning to non-spinning state,
        // potentially concurrently with submission of new work. We must drop nmspinning
        // first and then check all sources again; if we did it the other way around,
        // another thread could submit work after we've checked all sources but before we
        // drop nmspinning, and nobody would wake up a thread to run it.
        if (*mp).spinning {
            (*mp).spinning = false;
            if atomic::xaddi32(&mut (*sched).nmspinning, -1) < 0 {
                throw("findrunnable: negative nmspinning");
            }
            // Check global and P runqueues again.
            lock(schedlock());
            if (*sched).runqsize != 0 {
                let pp = pidlegetSpinning();
                if !pp.is_null() {
                    let gp = globrunqget(pp, 0);
                    if gp.is_null() {
                        throw("global runq empty with non-zero runqsize");
                    }
                    unlock(schedlock());
                    acquirep(pp);
                    becomeSpinning(mp);
                    return (gp, false);
                }
            }
            unlock(schedlock());
            let pp = checkRunqsNoP(&allpSnapshot, &idleSnapshot);
            if !pp.is_null() {
                acquirep(pp);
                becomeSpinning(mp);
                continue 'top;
            }
        }
        stopm();
    }
}

/// `checkRunqsNoP(allpSnapshot, idlepMaskSnapshot)` (proc.go:3618-3640): after dropping
/// its P, a formerly spinning M looks at every P that was busy; if one has work, it takes
/// an idle P to go and steal it.
unsafe fn checkRunqsNoP(allpSnapshot: &[*mut p], idle: &Slice<u32>) -> *mut p {
    for (id, &p2) in allpSnapshot.iter().enumerate() {
        if !pmask::read(idle, id as u32) && !runqempty(p2) {
            lock(schedlock());
            let pp = pidlegetSpinning();
            unlock(schedlock());
            return pp; // nil: can't get a P, don't bother checking remaining Ps
        }
    }
    null_mut() // No work available.
}
// ANCHOR_END: findrunnable

/// `stealWork(now)` (proc.go:3544-3610): up to four passes over all Ps in a random order,
/// stealing half of the first non-idle P's run queue; the last pass may also take its
/// runnext (Go also steals timers on that pass).
///
/// # Safety
/// On g0 of an M holding a P.
pub unsafe fn stealWork() -> (*mut g, bool) {
    let pp = (*(*getg()).m).p;
    const stealTries: i32 = 4;
    for i in 0..stealTries {
        let stealTimersOrRunNextG = i == stealTries - 1;
        let mut e = (*stealOrder.get()).start(cheaprand());
        while !e.done() {
            let p2 = allp()[e.position() as usize];
            if pp != p2 && !pmask::read(runtime_idlepMask.get(), e.position()) {
                // Don't bother to attempt to steal if p2 is idle.
                let gp = runqsteal(pp, p2, stealTimersOrRunNextG);
                if !gp.is_null() {
                    return (gp, false);
                }
            }
            e.next();
        }
    }
    (null_mut(), false)
}

// ANCHOR: execute
/// `execute(gp, inheritTime)` (proc.go:3093-3133): schedule gp to run on the current M.
/// If inheritTime, gp inherits the remaining time slice (schedtick is not incremented).
/// Never returns: gogo jumps into gp.
///
/// # Safety
/// On g0; gp runnable.
pub unsafe fn execute(gp: *mut g, inheritTime: bool) -> ! {
    let mp = (*getg()).m;
    (*mp).curg = gp;
    (*gp).m = mp;
    casgstatus(gp, _Grunnable, _Grunning);
    (*gp).waitsince = 0;
    (*gp).preempt = false;
    (*gp).stackguard0 = (*gp).stack.lo + stackGuard;
    if !inheritTime {
        // Only this M writes it; sysmon reads it (retake).
        atomic::addPlain(&mut (*(*mp).p).schedtick as *mut u32 as *mut i32, 1);
    }
    if !*runtime_mainStarted.get() && mp == m0() {
        boottrace!(
            "execute",
            "g{} on m0/P0 (inheritTime={}): gogo to {:#x} with SP=hi-{}",
            (*gp).goid,
            inheritTime,
            (*gp).sched.pc,
            (*gp).stack.hi - (*gp).sched.sp
        );
        crate::base::stage::bootstage(crate::base::stage::Stage::mstart);
    }
    runtime_gogo(&mut (*gp).sched)
}
// ANCHOR_END: execute
