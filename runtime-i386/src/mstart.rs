//! # mstart: schedule, findRunnable, execute (proc.go:1660-1760, 3093-3919, 6747-7120)
//!
//! `mstart0` gives g0 its real stack guards, `mstart1` records where g0's stack starts
//! over for each `mcall`, sets up signals, and calls `schedule`, which never returns: it
//! finds a runnable g (`findRunnable`) and runs it (`execute` → `gogo`).

use crate::globals::*;
use crate::gogo::{getg, runtime_gogo};
use crate::newproc::{casgstatus, runqput, stackGuard};
use crate::print::throw;
use crate::schedinit::{pmask, runtime_idlepMask};
use core::ptr::null_mut;

extern "C" {
    /// The assembly prologue of mstart1 (records g0.sched), which continues in
    /// `runtime_mstart1_go`.
    fn runtime_mstart1() -> !;
}

// ANCHOR: mstart0
/// `mstart0()` (proc.go:1660-1696): the Go entry point of a new M; for m0 it runs on the
/// OS stack rt0_go described in g0.stack. Now that g0 runs regular code, its stack guards
/// move up from `lo` to `lo + stackGuard`.
#[no_mangle]
pub extern "C" fn runtime_mstart0() -> ! {
    let gp = getg();
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
        // Go's mstart0 then calls mexit: m0 never gets there.
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
        crate::signal::minit();
        if (*gp).m == m0() {
            crate::signal::mstartm0();
        }
        // No mstartfn for m0, and m0 already holds P0 (other Ms would acquirep(nextp)).
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

/// `resetspinning()` (proc.go:3786): leave the spinning state (Go then wakes another M).
unsafe fn resetspinning() {
    let mp = (*getg()).m;
    (*mp).spinning = false;
    (*sched()).nmspinning -= 1;
}

// ANCHOR: findrunnable
/// `findRunnable()` (proc.go:3139-3514): find a runnable goroutine to execute, in Go
/// 1.22's order, keeping the sources our runtime has. Go also looks, in between, for a GC
/// stop, safe-point functions, timers, the trace reader, GC workers, finalizers, cgo yield
/// and the network poller; we have none of those. Returns (gp, inheritTime).
///
/// # Safety
/// On g0 of an M holding a P.
pub unsafe fn findRunnable() -> (*mut g, bool) {
    let mp = (*getg()).m;
    let pp = (*mp).p;
    let sched = sched();

    // ANCHOR: exercise-findrunnable
    // 1. Check the global runnable queue once in a while to ensure fairness. Otherwise two
    //    goroutines can completely occupy the local runqueue by constantly respawning
    //    each other.
    if (*pp).schedtick.is_multiple_of(61) && (*sched).runqsize > 0 {
        let gp = globrunqget(pp, 1);
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
    if (*sched).runqsize != 0 {
        let gp = globrunqget(pp, 0);
        if !gp.is_null() {
            return (gp, false);
        }
    }

    // 4. (network poller: none)

    // 5. Spinning Ms: steal work from other Ps. Limit the number of spinning Ms to half
    //    the number of busy Ps.
    if (*mp).spinning || 2 * (*sched).nmspinning < gomaxprocs() - (*sched).npidle {
        if !(*mp).spinning {
            (*mp).spinning = true; // becomeSpinning
            (*sched).nmspinning += 1;
        }
        let (gp, inheritTime) = stealWork();
        if !gp.is_null() {
            return (gp, inheritTime);
        }
    }
    // ANCHOR_END: exercise-findrunnable

    // 6. Nothing to do. Go would drop the P and stop this M (stopm) until another M, a
    //    timer or the network poller makes work. We have one M, no timers and no poller:
    //    nothing can ever become runnable, which is exactly what Go's checkdead reports.
    if (*mp).spinning {
        resetspinning();
    }
    throw("all goroutines are asleep - deadlock!")
}
// ANCHOR_END: findrunnable

// ANCHOR: runqget
/// `runqget(pp)` (proc.go:6747-6770): a g from the local runnable queue. If there is a
/// runnext, it is the next g to run, and it inherits the time slice (inheritTime = true).
///
/// # Safety
/// `pp` a valid P owned by this M.
pub unsafe fn runqget(pp: *mut p) -> (*mut g, bool) {
    let next = (*pp).runnext;
    if !next.is_null() {
        (*pp).runnext = null_mut();
        return (next, true);
    }
    let h = (*pp).runqhead;
    let t = (*pp).runqtail;
    if t == h {
        return (null_mut(), false);
    }
    let gp = (*pp).runq[(h % (*pp).runq.len() as u32) as usize];
    (*pp).runqhead = h.wrapping_add(1);
    (gp, false)
}
// ANCHOR_END: runqget

// ANCHOR: globrunqget
/// `globrunqget(pp, max)` (proc.go:6428-6458): take a fair share of the global queue
/// (`runqsize/gomaxprocs + 1`, at most `max` if max > 0, at most half a local ring):
/// return the first and put the rest on pp's local queue.
///
/// # Safety
/// `pp` a valid P owned by this M.
pub unsafe fn globrunqget(pp: *mut p, max: i32) -> *mut g {
    let sched = sched();
    if (*sched).runqsize == 0 {
        return null_mut();
    }
    let mut n = (*sched).runqsize / gomaxprocs() + 1;
    if n > (*sched).runqsize {
        n = (*sched).runqsize;
    }
    if max > 0 && n > max {
        n = max;
    }
    if n > (*pp).runq.len() as i32 / 2 {
        n = (*pp).runq.len() as i32 / 2;
    }
    (*sched).runqsize -= n;
    let gp = crate::newproc::gqueue_pop(&mut (*sched).runq);
    n -= 1;
    while n > 0 {
        let gp1 = crate::newproc::gqueue_pop(&mut (*sched).runq);
        runqput(pp, gp1, false);
        n -= 1;
    }
    gp
}
// ANCHOR_END: globrunqget

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

/// `runqgrab(pp, batch, batchHead, stealRunNextG)` (proc.go:6813-6862): take half of pp's
/// queue (rounded up) into batch; or, if it is empty and `stealRunNextG`, its runnext.
///
/// # Safety
/// Valid Ps.
pub unsafe fn runqgrab(
    pp: *mut p,
    batch: *mut [*mut g; 256],
    batchHead: u32,
    stealRunNextG: bool,
) -> u32 {
    let h = (*pp).runqhead;
    let t = (*pp).runqtail;
    let mut n = t.wrapping_sub(h);
    n -= n / 2;
    if n == 0 {
        if stealRunNextG {
            // Try to steal from pp.runnext. (Go first sleeps 3µs if pp is running, to give
            // its M the chance to run runnext itself; no other M runs Ps here.)
            let next = (*pp).runnext;
            if !next.is_null() {
                (*pp).runnext = null_mut();
                (*batch)[(batchHead % 256) as usize] = next;
                return 1;
            }
        }
        return 0;
    }
    for i in 0..n {
        (*batch)[(batchHead.wrapping_add(i) % 256) as usize] =
            (*pp).runq[(h.wrapping_add(i) % 256) as usize];
    }
    (*pp).runqhead = h.wrapping_add(n);
    n
}

// ANCHOR: runqsteal
/// `runqsteal(pp, p2, stealRunNextG)` (proc.go:6868-6890): steal half of p2's local queue
/// into pp's; return one of the stolen gs (or nil).
///
/// # Safety
/// Valid Ps; pp owned by this M.
pub unsafe fn runqsteal(pp: *mut p, p2: *mut p, stealRunNextG: bool) -> *mut g {
    let t = (*pp).runqtail;
    let mut n = runqgrab(p2, &mut (*pp).runq, t, stealRunNextG);
    if n == 0 {
        return null_mut();
    }
    n -= 1;
    let gp = (*pp).runq[(t.wrapping_add(n) % 256) as usize];
    if n == 0 {
        return gp;
    }
    let h = (*pp).runqhead;
    if t.wrapping_sub(h).wrapping_add(n) >= 256 {
        throw("runqsteal: runq overflow");
    }
    (*pp).runqtail = t.wrapping_add(n);
    gp
}
// ANCHOR_END: runqsteal

// ANCHOR: randomorder
/// `randomOrder` (proc.go:7066-7120): enumerate all Ps in a pseudo-random order without
/// repetition. If X and count are coprime, (i + X) % count for i = 0..count visits every
/// index once; `reset` lists the coprimes of count, `start(r)` picks a start and a stride.
pub struct randomOrder {
    pub count: u32,
    pub coprimes: Slice<u32>,
}

/// One walk over the Ps (proc.go `randomEnum`).
pub struct randomEnum {
    pub i: u32,
    pub count: u32,
    pub pos: u32,
    pub inc: u32,
}

impl randomOrder {
    /// `reset(count)`: the strides in [1, count] coprime with count.
    pub fn reset(&mut self, count: u32) {
        // ANCHOR: exercise-randomorder-reset
        self.count = count;
        if self.coprimes.cap < count as usize {
            self.coprimes.array = crate::malloc::growslice::<u32>(count as usize);
            self.coprimes.cap = count as usize;
        }
        self.coprimes.len = 0;
        for i in 1..=count {
            if gcd(i, count) == 1 {
                unsafe { *self.coprimes.array.add(self.coprimes.len) = i };
                self.coprimes.len += 1;
            }
        }
        // ANCHOR_END: exercise-randomorder-reset
    }
    /// `start(i)`: begin at i % count with stride coprimes[i / count % len(coprimes)].
    pub fn start(&self, i: u32) -> randomEnum {
        // ANCHOR: exercise-randomorder-start
        let coprimes = unsafe { self.coprimes.as_slice() };
        randomEnum {
            i: 0,
            count: self.count,
            pos: i % self.count,
            inc: coprimes[(i / self.count) as usize % coprimes.len()],
        }
        // ANCHOR_END: exercise-randomorder-start
    }
}

impl randomEnum {
    pub fn done(&self) -> bool {
        self.i == self.count
    }
    pub fn next(&mut self) {
        // ANCHOR: exercise-randomorder-next
        self.i += 1;
        self.pos = (self.pos + self.inc) % self.count;
        // ANCHOR_END: exercise-randomorder-next
    }
    pub fn position(&self) -> u32 {
        self.pos
    }
}

/// `gcd(a, b)` (proc.go:7115).
pub fn gcd(mut a: u32, mut b: u32) -> u32 {
    // ANCHOR: exercise-randomorder-gcd
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
    // ANCHOR_END: exercise-randomorder-gcd
}
// ANCHOR_END: randomorder

/// `stealOrder` (proc.go:7066).
pub static stealOrder: Global<randomOrder> = Global::new(randomOrder {
    count: 0,
    coprimes: Slice::nil(),
});

/// `stealOrder.reset(n)`, from procresize.
pub fn stealOrder_reset(n: u32) {
    unsafe { (*stealOrder.get()).reset(n) }
}

/// m0's `cheaprand` state (runtime2.go m.cheaprand), seeded from AT_RANDOM.
static cheaprandState: Global<[u32; 2]> = Global::new([0; 2]);

/// `cheaprand()` (rand.go:223-244), the 386 variant: xorshift64+ as two 32-bit xorshift
/// sequences added together.
pub fn cheaprand() -> u32 {
    unsafe {
        let t = &mut *cheaprandState.get();
        if t[0] == 0 && t[1] == 0 {
            // mrandinit: seed from the kernel's 16 random bytes, if we have them.
            let r = *crate::os_linux::startupRand.get();
            *t = if r != 0 {
                [*(r as *const u32) | 1, *((r + 4) as *const u32)]
            } else {
                [0x9e3779b9, 0x7f4a7c15]
            };
        }
        let (mut s1, s0) = (t[0], t[1]);
        s1 ^= s1 << 17;
        s1 = s1 ^ s0 ^ (s1 >> 7) ^ (s0 >> 16);
        *t = [s0, s1];
        s0.wrapping_add(s1)
    }
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
        (*(*mp).p).schedtick += 1;
    }
    if !*runtime_mainStarted.get() {
        boottrace!(
            "execute",
            "g{} on m0/P0 (inheritTime={}): gogo to {:#x} with SP=hi-{}",
            (*gp).goid,
            inheritTime,
            (*gp).sched.pc,
            (*gp).stack.hi - (*gp).sched.sp
        );
        crate::state::bootstage(crate::state::Stage::mstart);
    }
    runtime_gogo(&mut (*gp).sched)
}
// ANCHOR_END: execute
