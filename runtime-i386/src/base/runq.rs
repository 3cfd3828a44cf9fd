//! # The run queues: each P's 256-slot ring with its `runnext`, and the global queue
//! (proc.go:6393-6750)
//!
//! `newproc` puts a new g in the current P's `runnext` (`runqput`), kicking the old one to
//! the ring's tail; a full ring moves half of itself to the global queue (`runqputslow`).
//! `findRunnable` takes from `runnext`, the ring and the global queue, and steals half of
//! another P's ring (`runqsteal`). The newproc and mstart chapters show the two sides; the
//! whole ring is here, in the base, because both use it (and procresize asks `runqempty`).

use crate::base::atomic;
use crate::base::glist::*;
use crate::base::lock_futex::{lock, unlock};
use crate::base::print::throw;
use crate::base::runtime2::*;
use core::ptr::null_mut;

/// `runqempty(pp)` (proc.go:6604-6618): no runnext and nothing in the ring. Another M may
/// be moving a g from runnext to the ring meanwhile: read until the tail is stable.
///
/// # Safety
/// `pp` must be a valid P.
pub unsafe fn runqempty(pp: *mut p) -> bool {
    loop {
        let head = atomic::load(&mut (*pp).runqhead);
        let tail = atomic::load(&mut (*pp).runqtail);
        let runnext = atomic::loadp(&mut (*pp).runnext);
        if tail == atomic::load(&mut (*pp).runqtail) {
            return head == tail && runnext.is_null();
        }
    }
}

// ANCHOR: runqput
/// `runqput(pp, gp, next)` (proc.go:6635-6666): put gp on the local runnable queue. With
/// next, gp goes into pp.runnext and whatever was there is kicked out to the tail of the
/// ring. A full ring sends half of itself, plus gp, to the global queue.
/// (Go randomises `next` in race builds only.)
///
/// # Safety
/// `pp` a valid P owned by this M; `gp` a runnable g.
pub unsafe fn runqput(pp: *mut p, gp: *mut g, next: bool) {
    // ANCHOR: exercise-runqput-runqput
    let mut gp = gp;
    if next {
        // Only this P's M sets runnext; thieves may clear it: CAS until it is ours.
        let mut oldnext = atomic::loadp(&mut (*pp).runnext);
        while !atomic::casp(&mut (*pp).runnext, oldnext, gp) {
            oldnext = atomic::loadp(&mut (*pp).runnext);
        }
        if oldnext.is_null() {
            return;
        }
        // Kick the old runnext out to the regular run queue.
        gp = oldnext;
    }
    loop {
        let h = atomic::loadAcq(&mut (*pp).runqhead); // synchronize with consumers
        let t = (*pp).runqtail;
        if t.wrapping_sub(h) < (*pp).runq.len() as u32 {
            (*pp).runq[(t % (*pp).runq.len() as u32) as usize] = gp;
            // store-release: makes the item available for consumption
            atomic::storeRel(&mut (*pp).runqtail, t.wrapping_add(1));
            return;
        }
        if runqputslow(pp, gp, h, t) {
            return;
        }
        // the queue is not full, now the put above must succeed
    }
    // ANCHOR_END: exercise-runqput-runqput
}
// ANCHOR_END: runqput

// ANCHOR: runqputslow
/// `runqputslow(pp, gp, h, t)` (proc.go:6670-6707): move half of the full local queue
/// (128 gs) and gp to the global queue, as one batch of 129.
///
/// # Safety
/// `pp` a valid P whose ring is full (t - h == 256).
pub unsafe fn runqputslow(pp: *mut p, gp: *mut g, h: u32, t: u32) -> bool {
    // ANCHOR: exercise-runqput-runqputslow
    const N: usize = RUNQ_LEN;
    let mut batch = [null_mut::<g>(); N / 2 + 1];
    // First, grab a batch from local queue.
    let n = t.wrapping_sub(h) / 2;
    if n != (N / 2) as u32 {
        throw("runqputslow: queue is not full");
    }
    for i in 0..n {
        batch[i as usize] = (*pp).runq[(h.wrapping_add(i) % N as u32) as usize];
    }
    if !atomic::casRel(&mut (*pp).runqhead, h, h.wrapping_add(n)) {
        return false; // a thief took some: the ring is not full any more
    }
    batch[n as usize] = gp;
    // Link the goroutines.
    for i in 0..n as usize {
        (*batch[i]).schedlink = batch[i + 1];
    }
    let q = gQueue {
        head: batch[0],
        tail: batch[n as usize],
    };
    // Now put the batch on global queue.
    lock(schedlock());
    globrunqputbatch(q, n as i32 + 1);
    unlock(schedlock());
    true
    // ANCHOR_END: exercise-runqput-runqputslow
}
// ANCHOR_END: runqputslow

/// `globrunqput(gp)` (proc.go:6393): gp to the tail of the global queue.
///
/// # Safety
/// sched.lock held; `gp` a runnable g.
pub unsafe fn globrunqput(gp: *mut g) {
    let sched = sched();
    gqueue_pushBack(&mut (*sched).runq, gp);
    atomic::addPlain(&mut (*sched).runqsize, 1); // sched.lock held
}

/// `globrunqputbatch(batch, n)` (proc.go:6418).
///
/// # Safety
/// sched.lock held; `batch` a well-formed queue of `n` gs.
pub unsafe fn globrunqputbatch(batch: gQueue, n: i32) {
    let sched = sched();
    gqueue_pushBackAll(&mut (*sched).runq, batch);
    atomic::addPlain(&mut (*sched).runqsize, n); // sched.lock held
}

// ANCHOR: runqget
/// `runqget(pp)` (proc.go:6747-6770): a g from the local runnable queue. If there is a
/// runnext, it is the next g to run, and it inherits the time slice (inheritTime = true).
///
/// # Safety
/// `pp` a valid P owned by this M.
pub unsafe fn runqget(pp: *mut p) -> (*mut g, bool) {
    // If there's a runnext, it's the next G to run. Only thieves race to clear it, so a
    // failed CAS means it was stolen: no retry.
    let next = atomic::loadp(&mut (*pp).runnext);
    if !next.is_null() && atomic::casp(&mut (*pp).runnext, next, null_mut()) {
        return (next, true);
    }
    loop {
        let h = atomic::loadAcq(&mut (*pp).runqhead); // synchronize with other consumers
        let t = (*pp).runqtail;
        if t == h {
            return (null_mut(), false);
        }
        let gp = (*pp).runq[(h % (*pp).runq.len() as u32) as usize];
        if atomic::casRel(&mut (*pp).runqhead, h, h.wrapping_add(1)) {
            return (gp, false); // cas-release, commits consume
        }
    }
}
// ANCHOR_END: runqget

// ANCHOR: globrunqget
/// `globrunqget(pp, max)` (proc.go:6428-6458): take a fair share of the global queue
/// (`runqsize/gomaxprocs + 1`, at most `max` if max > 0, at most half a local ring):
/// return the first and put the rest on pp's local queue.
///
/// # Safety
/// sched.lock held; `pp` a valid P owned by this M.
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
    atomic::addPlain(&mut (*sched).runqsize, -n); // sched.lock held
    let gp = crate::base::glist::gqueue_pop(&mut (*sched).runq);
    n -= 1;
    while n > 0 {
        let gp1 = crate::base::glist::gqueue_pop(&mut (*sched).runq);
        runqput(pp, gp1, false);
        n -= 1;
    }
    gp
}
// ANCHOR_END: globrunqget

/// `runqgrab(pp, batch, batchHead, stealRunNextG)` (proc.go:6813-6862): take half of pp's
/// queue (rounded up) into batch; or, if it is empty and `stealRunNextG`, its runnext.
///
/// # Safety
/// Valid Ps.
pub unsafe fn runqgrab(
    pp: *mut p,
    batch: *mut [*mut g; RUNQ_LEN],
    batchHead: u32,
    stealRunNextG: bool,
) -> u32 {
    // ANCHOR: exercise-runqgrab
    loop {
        let h = atomic::loadAcq(&mut (*pp).runqhead); // synchronize with other consumers
        let t = atomic::loadAcq(&mut (*pp).runqtail); // synchronize with the producer
        let mut n = t.wrapping_sub(h);
        n -= n / 2;
        if n == 0 {
            if stealRunNextG {
                // Try to steal from pp.runnext.
                let next = atomic::loadp(&mut (*pp).runnext);
                if !next.is_null() {
                    if atomic::load(&mut (*pp).status) == _Prunning {
                        // Sleep to ensure that pp isn't about to run the g we are about
                        // to steal: it usually is, right after readying it (proc.go:6830).
                        crate::base::sys_linux_386::usleep(3);
                    }
                    if !atomic::casp(&mut (*pp).runnext, next, null_mut()) {
                        continue;
                    }
                    (*batch)[(batchHead % RUNQ_LEN as u32) as usize] = next;
                    return 1;
                }
            }
            return 0;
        }
        if n > RUNQ_LEN as u32 / 2 {
            continue; // read inconsistent h and t
        }
        for i in 0..n {
            (*batch)[(batchHead.wrapping_add(i) % RUNQ_LEN as u32) as usize] =
                (*pp).runq[(h.wrapping_add(i) % RUNQ_LEN as u32) as usize];
        }
        if atomic::casRel(&mut (*pp).runqhead, h, h.wrapping_add(n)) {
            return n; // cas-release, commits consume
        }
    }
    // ANCHOR_END: exercise-runqgrab
}

// ANCHOR: runqsteal
/// Not in Go: how many goroutines each P stole from each other P (thief, victim; Ps 0-7),
/// for the book's stealing figure (the spawn example prints it).
pub static stealStats: [[core::sync::atomic::AtomicU32; 8]; 8] =
    [const { [const { core::sync::atomic::AtomicU32::new(0) }; 8] }; 8];

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
    if let (Ok(thief @ 0..8), Ok(victim @ 0..8)) =
        (usize::try_from((*pp).id), usize::try_from((*p2).id))
    {
        stealStats[thief][victim].fetch_add(n, core::sync::atomic::Ordering::Relaxed);
    }
    n -= 1;
    let gp = (*pp).runq[(t.wrapping_add(n) % RUNQ_LEN as u32) as usize];
    if n == 0 {
        return gp;
    }
    let h = atomic::loadAcq(&mut (*pp).runqhead); // synchronize with consumers
    if t.wrapping_sub(h).wrapping_add(n) >= RUNQ_LEN as u32 {
        throw("runqsteal: runq overflow");
    }
    // store-release: makes the items available for consumption
    atomic::storeRel(&mut (*pp).runqtail, t.wrapping_add(n));
    gp
}
// ANCHOR_END: runqsteal
