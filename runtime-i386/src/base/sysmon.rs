//! # sysmon: the system monitor (proc.go:5946-6240, signal_unix.go:368-400, os_linux.go:550)
//!
//! runtime.main starts sysmon on its own M, without a P (proc.go:172). It loops forever,
//! sleeping 20 µs at first and up to 10 ms once nothing happens, and when every P is idle
//! it sleeps on `sched.sysmonnote` until one becomes busy again, so an idle program costs no
//! CPU. Each round it `retake`s: a P whose goroutine has run for more than
//! `forcePreemptNS` (10 ms) in one time slice gets that goroutine preempted
//! (`preemptone` → `preemptM` → a SIGURG to its thread: see `signal_unix`). Go's sysmon
//! also polls the network, retakes Ps blocked in system calls, forces GCs and scavenges
//! memory; our runtime has no poller, no GC, and its blocking calls hand their P off
//! before they block (entersyscallblock), so there is nothing to retake from them.

use crate::base::atomic;
use crate::base::lock_futex::*;
use crate::base::proc::checkdead;
use crate::base::runtime2::*;
use crate::base::signal_unix::sigPreempt;
use crate::base::sys_linux_386::*;
use crate::base::tls::getg;

/// proc.go:6102 `forcePreemptNS`: the time slice before sysmon preempts a goroutine.
pub const forcePreemptNS: i64 = 10 * 1000 * 1000;
/// proc.go `forcegcperiod` (2 minutes): sysmon's longest sleep is half of it.
const forcegcperiod: i64 = 2 * 60 * 1_000_000_000;

/// `debug.asyncpreemptoff` (runtime1.go:327): `GODEBUG=asyncpreemptoff=1` turns the
/// preemption signal off, as in Go (schedinit reads it: `parsedebugvars`).
pub static debug_asyncpreemptoff: Global<i32> = Global::new(0);

/// The entry of sysmon's M (newm's mstartfn; the M has no P and never returns).
pub extern "C" fn sysmon_start() {
    sysmon()
}

// ANCHOR: sysmon
/// `sysmon()` (proc.go:5946-6095), keeping the parts our runtime has.
pub fn sysmon() -> ! {
    // SAFETY: sysmon's own M, no P; shared state under sched.lock or atomically.
    unsafe {
        let sched = sched();
        lock(schedlock());
        (*sched).nmsys += 1;
        checkdead();
        unlock(schedlock());

        let mut idle = 0; // how many cycles in succession we had not wokeup somebody
        let mut delay: u32 = 0;
        loop {
            if idle == 0 {
                delay = 20; // start with 20us sleep...
            } else if idle > 50 {
                delay *= 2; // start doubling the sleep after 1ms...
            }
            if delay > 10 * 1000 {
                delay = 10 * 1000; // up to 10ms
            }
            usleep(delay);
            // Deep sleep while every P is idle: nothing to retake, nobody to preempt.
            if atomic::loadi32(&mut (*sched).npidle) == gomaxprocs() {
                lock(schedlock());
                if atomic::loadi32(&mut (*sched).npidle) == gomaxprocs() {
                    atomic::storeb(&mut (*sched).sysmonwait, true);
                    unlock(schedlock());
                    // No timers: sleep until woken (Go: at most forcegcperiod/2).
                    let syscallWake = notetsleep(&mut (*sched).sysmonnote, forcegcperiod / 2);
                    lock(schedlock());
                    atomic::storeb(&mut (*sched).sysmonwait, false);
                    noteclear(&mut (*sched).sysmonnote);
                    if syscallWake {
                        idle = 0;
                        delay = 20;
                    }
                }
                unlock(schedlock());
            }
            lock(&mut (*sched).sysmonlock);
            // retake P's blocked in syscalls and preempt long running G's
            if retake(nanotime()) != 0 {
                idle = 0;
            } else {
                idle += 1;
            }
            unlock(&mut (*sched).sysmonlock);
        }
    }
}
// ANCHOR_END: sysmon

// ANCHOR: retake
/// `retake(now)` (proc.go:6104-6200): preempt the goroutine of every running P that has
/// had the same `schedtick` (so, the same time slice) for `forcePreemptNS`. Returns how
/// many Ps it took back from system calls (always 0 here: see the module's comment).
///
/// # Safety
/// On sysmon's M.
pub unsafe fn retake(now: i64) -> u32 {
    let allp = &*runtime_allp.get();
    for i in 0..allp.len {
        let pp = *allp.array.add(i);
        if pp.is_null() {
            continue;
        }
        let pd = &mut (*pp).sysmontick;
        let s = atomic::load(&mut (*pp).status);
        // ANCHOR: exercise-retake
        if s == _Prunning || s == _Psyscall {
            // Preempt G if it's running on the same schedtick for too long. This could be
            // from a single long-running goroutine or a sequence of goroutines run via
            // runnext, which share a single schedtick time slice.
            let t = atomic::load(&mut (*pp).schedtick);
            if pd.schedtick != t {
                pd.schedtick = t;
                pd.schedwhen = now;
            } else if pd.schedwhen + forcePreemptNS <= now {
                preemptone(pp);
            }
        }
        // ANCHOR_END: exercise-retake
    }
    0
}

/// `preemptone(pp)` (proc.go:6205-6235): ask the goroutine running on pp to stop: mark it
/// (`preempt`) and send its M the preemption signal. Go also sets `stackguard0 =
/// stackPreempt`, so that the goroutine's next function prologue stops it even without the
/// signal (synchronous preemption); our Rust functions have no such prologue, so that store
/// would change nothing but what the chapter programs print, and we leave it out.
///
/// # Safety
/// pp a valid P.
pub unsafe fn preemptone(pp: *mut p) -> bool {
    let mp = atomic::loadp(&mut (*pp).m);
    if mp.is_null() || mp == (*getg()).m {
        return false;
    }
    let gp = atomic::loadp(&mut (*mp).curg);
    if gp.is_null() || gp == (*mp).g0 {
        return false;
    }
    (*gp).preempt = true;
    // Request an async preemption of this P.
    if *debug_asyncpreemptoff.get() == 0 {
        (*pp).preempt = true;
        preemptM(mp);
    }
    true
}

/// `preemptM(mp)` (signal_unix.go:368-400): send mp the preemption signal, unless one is
/// pending already.
///
/// # Safety
/// mp a valid M.
pub unsafe fn preemptM(mp: *mut m) {
    if atomic::cas(&mut (*mp).signalPending, 0, 1) {
        signalM(mp, sigPreempt);
    }
}

/// `signalM(mp, sig)` (os_linux.go:550-552): tgkill to mp's thread.
///
/// # Safety
/// mp a valid M with a procid.
pub unsafe fn signalM(mp: *mut m, sig: usize) {
    tgkill(getpid(), (*mp).procid as usize, sig);
}
// ANCHOR_END: retake
