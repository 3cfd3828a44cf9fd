//! The run queues: runqput / runqputslow / runqget (proc.go:6635-6770), the global queue
//! (globrunqput, globrunqputbatch, globrunqget: proc.go:6393-6458) and the gQueue / gList
//! operations (proc.go:6895-6990).

use super::{chain, fresh, global_runq, local_runq, mkg, mkgs};
use crate::base::glist::*;
use crate::base::runq::*;
use crate::base::runq::{globrunqget, runqget};
use crate::globals::*;
use std::ptr::null_mut;

fn goid(gp: *mut g) -> u64 {
    assert!(!gp.is_null(), "nil g");
    unsafe { (*gp).goid }
}

/// proc.go:6635 `runqput(pp, gp, true)` puts gp in runnext and kicks the old runnext to
/// the tail of the ring; proc.go:6747 `runqget` takes runnext first (inheritTime true),
/// then the ring in FIFO order (inheritTime false), then (nil, false).
#[test]
fn runnext_kicks_old_runnext_to_ring() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let (g1, g2) = (mkg(1), mkg(2));
        runqput(pp, g1, true);
        assert_eq!((*pp).runnext, g1);
        assert_eq!(local_runq(pp), Vec::<u64>::new());
        runqput(pp, g2, true);
        assert_eq!((*pp).runnext, g2);
        assert_eq!(local_runq(pp), [1]);
        assert_eq!(((*pp).runqhead, (*pp).runqtail), (0, 1));

        assert_eq!(runqget(pp), (g2, true));
        assert!((*pp).runnext.is_null());
        assert_eq!(runqget(pp), (g1, false));
        assert_eq!(runqget(pp), (null_mut(), false));
        assert_eq!(runqget(pp), (null_mut(), false));
        assert_eq!(((*pp).runqhead, (*pp).runqtail), (1, 1));
        assert_eq!((*sched()).runqsize, 0);
    }
}

/// proc.go:6635/6747: `next == false` appends to the ring; runnext still goes first.
#[test]
fn ring_is_fifo_behind_runnext() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let gs = mkgs(1, 4);
        for &gp in &gs[..3] {
            runqput(pp, gp, false);
        }
        assert!((*pp).runnext.is_null());
        runqput(pp, gs[3], true);
        let mut got = Vec::new();
        loop {
            let (gp, inherit) = runqget(pp);
            if gp.is_null() {
                assert!(!inherit);
                break;
            }
            got.push((goid(gp), inherit));
        }
        assert_eq!(got, [(4, true), (1, false), (2, false), (3, false)]);
    }
}

/// proc.go:6635 `runqput` on a full ring (256) calls proc.go:6670 `runqputslow`: the first
/// half of the ring (128 gs, from the head) and gp go to the global queue as one batch of
/// 129, linked in order; the local queue keeps the other 128.
#[test]
fn full_ring_spills_half_to_global_queue() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let gs = mkgs(1, 257);
        for &gp in &gs[..256] {
            runqput(pp, gp, false);
        }
        assert_eq!(((*pp).runqhead, (*pp).runqtail), (0, 256));
        assert_eq!(local_runq(pp), (1..=256).collect::<Vec<_>>());
        assert_eq!((*sched()).runqsize, 0);
        assert!((*sched()).runq.head.is_null());

        runqput(pp, gs[256], false);
        assert_eq!((*sched()).runqsize, 129);
        let want_global: Vec<u64> = (1..=128).chain([257]).collect();
        assert_eq!(global_runq(), want_global);
        assert_eq!((*sched()).runq.head, gs[0]);
        assert_eq!((*sched()).runq.tail, gs[256]);
        assert_eq!(((*pp).runqhead, (*pp).runqtail), (128, 256));
        assert_eq!(local_runq(pp), (129..=256).collect::<Vec<_>>());
        assert!((*pp).runnext.is_null());

        // The ring has room again: the next put goes locally.
        let g258 = mkg(258);
        runqput(pp, g258, false);
        assert_eq!((*sched()).runqsize, 129);
        assert_eq!(local_runq(pp).len(), 129);
        assert_eq!(*local_runq(pp).last().unwrap(), 258);
        assert_eq!(runqget(pp), (gs[128], false));
    }
}

/// proc.go:6635 `runqput(pp, gp, true)` with a full ring: gp becomes runnext, and the old
/// runnext, kicked out, is the g that goes to the global queue with the ring's first half.
#[test]
fn full_ring_runnext_kick_spills_old_runnext() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        for gp in mkgs(1, 256) {
            runqput(pp, gp, false);
        }
        let (a, b) = (mkg(1000), mkg(1001));
        runqput(pp, a, true); // runnext was empty: no kick
        assert_eq!((*sched()).runqsize, 0);
        runqput(pp, b, true); // kicks a into the full ring
        assert_eq!((*pp).runnext, b);
        assert_eq!((*sched()).runqsize, 129);
        let want: Vec<u64> = (1..=128).chain([1000]).collect();
        assert_eq!(global_runq(), want);
        assert_eq!(local_runq(pp), (129..=256).collect::<Vec<_>>());
    }
}

/// proc.go:6635-6770: runqhead/runqtail are free-running uint32s indexed modulo 256, so the
/// queue keeps working when they wrap around 2^32.
#[test]
fn ring_indices_wrap_around_u32() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let start = u32::MAX - 100;
        (*pp).runqhead = start;
        (*pp).runqtail = start;
        let gs = mkgs(1, 257);
        for &gp in &gs[..256] {
            runqput(pp, gp, false);
        }
        assert_eq!((*pp).runqtail, start.wrapping_add(256));
        assert_eq!(local_runq(pp), (1..=256).collect::<Vec<_>>());
        runqput(pp, gs[256], false);
        assert_eq!((*pp).runqhead, start.wrapping_add(128));
        let want: Vec<u64> = (1..=128).chain([257]).collect();
        assert_eq!(global_runq(), want);
        for id in 129..=256 {
            assert_eq!(goid(runqget(pp).0), id);
        }
        assert_eq!(runqget(pp), (null_mut(), false));
        assert_eq!((*pp).runqhead, (*pp).runqtail);
    }
}

/// proc.go:6393 `globrunqput` appends; proc.go:6418 `globrunqputbatch` appends a whole
/// queue and adds n to runqsize.
#[test]
fn global_queue_put_and_batch() {
    let _l = fresh();
    unsafe {
        let gs = mkgs(1, 6);
        globrunqput(gs[0]);
        globrunqput(gs[1]);
        assert_eq!(global_runq(), [1, 2]);
        assert_eq!((*sched()).runqsize, 2);
        let mut batch = gQueue {
            head: null_mut(),
            tail: null_mut(),
        };
        for &gp in &gs[2..5] {
            gqueue_pushBack(&mut batch, gp);
        }
        globrunqputbatch(batch, 3);
        assert_eq!(global_runq(), [1, 2, 3, 4, 5]);
        assert_eq!((*sched()).runqsize, 5);
        // An empty batch changes nothing but the count it is given (0).
        globrunqputbatch(
            gQueue {
                head: null_mut(),
                tail: null_mut(),
            },
            0,
        );
        assert_eq!(global_runq(), [1, 2, 3, 4, 5]);
        globrunqput(gs[5]);
        assert_eq!(global_runq(), [1, 2, 3, 4, 5, 6]);
        assert_eq!((*sched()).runqsize, 6);
    }
}

/// Puts `size` gs (goids 1..=size) on the global queue, sets gomaxprocs and calls
/// proc.go:6428 `globrunqget(pp, max)`; returns (got goid, local queue, global queue).
unsafe fn run_globrunqget(size: usize, procs: i32, max: i32) -> (u64, Vec<u64>, Vec<u64>) {
    super::reset();
    *runtime_gomaxprocs.get() = procs;
    let pp = crate::base::malloc::new::<p>();
    for gp in mkgs(1, size) {
        globrunqput(gp);
    }
    let gp = globrunqget(pp, max);
    let global = global_runq();
    assert_eq!((*sched()).runqsize as usize, global.len(), "runqsize");
    assert!((*pp).runnext.is_null(), "globrunqget used runnext");
    (goid(gp), local_runq(pp), global)
}

/// proc.go:6428 `globrunqget(pp, max)`: n = min(runqsize/gomaxprocs + 1, runqsize, max if
/// max > 0, len(runq)/2 = 128); the first g is returned and the next n-1 go to pp's local
/// queue in order.
#[test]
fn globrunqget_takes_a_fair_share() {
    let _l = super::lock();
    // (runqsize, gomaxprocs, max, n)
    let cases = [
        (10, 1, 0, 10),
        (10, 4, 0, 3),
        (10, 1, 1, 1),
        (10, 16, 0, 1),
        (10, 2, 0, 6),
        (3, 1, 5, 3),
        (1, 8, 0, 1),
        (300, 1, 0, 128),
        (300, 2, 0, 128),
        (300, 3, 0, 101),
        (100, 2, 0, 51),
        (100, 2, 20, 20),
        (100, 1, 200, 101 - 1),
        (256, 1, 0, 128),
        (255, 2, 0, 128),
        (253, 2, 0, 127),
    ];
    for (size, procs, max, n) in cases {
        let (got, local, global) = unsafe { run_globrunqget(size, procs, max) };
        let ctx = format!("runqsize={size} gomaxprocs={procs} max={max}");
        assert_eq!(got, 1, "{ctx}");
        assert_eq!(local, (2..=n as u64).collect::<Vec<_>>(), "{ctx}: local");
        assert_eq!(
            global,
            (n as u64 + 1..=size as u64).collect::<Vec<_>>(),
            "{ctx}: global"
        );
    }
}

/// proc.go:6428 `globrunqget` on an empty global queue returns nil and touches nothing; on
/// a P with local work it appends behind it.
#[test]
fn globrunqget_empty_and_behind_local_work() {
    let _l = fresh();
    unsafe {
        *runtime_gomaxprocs.get() = 1;
        let pp = crate::base::malloc::new::<p>();
        assert!(globrunqget(pp, 0).is_null());
        assert_eq!(((*pp).runqhead, (*pp).runqtail), (0, 0));
        assert_eq!((*sched()).runqsize, 0);

        runqput(pp, mkg(100), false);
        runqput(pp, mkg(101), false);
        for gp in mkgs(1, 4) {
            globrunqput(gp);
        }
        assert_eq!(goid(globrunqget(pp, 0)), 1);
        assert_eq!(local_runq(pp), [100, 101, 2, 3, 4]);
        assert_eq!((*sched()).runqsize, 0);
        assert!((*sched()).runq.head.is_null() && (*sched()).runq.tail.is_null());
    }
}

/// proc.go:6900-6990: gQueue.push (head), pushBack (tail), pushBackAll, pop; gList.push /
/// pop (LIFO).
#[test]
fn gqueue_and_glist_operations() {
    let _l = fresh();
    unsafe {
        let gs = mkgs(1, 8);
        let mut q = gQueue {
            head: null_mut(),
            tail: null_mut(),
        };
        assert!(gqueue_pop(&mut q).is_null());
        gqueue_pushBack(&mut q, gs[1]);
        gqueue_push(&mut q, gs[0]);
        gqueue_pushBack(&mut q, gs[2]);
        assert_eq!(chain(q.head), [1, 2, 3]);
        assert_eq!(q.tail, gs[2]);

        let mut q2 = gQueue {
            head: null_mut(),
            tail: null_mut(),
        };
        gqueue_push(&mut q2, gs[3]); // push on empty sets the tail too
        assert_eq!((q2.head, q2.tail), (gs[3], gs[3]));
        gqueue_pushBack(&mut q2, gs[4]);
        gqueue_pushBackAll(&mut q, q2);
        assert_eq!(chain(q.head), [1, 2, 3, 4, 5]);
        assert_eq!(q.tail, gs[4]);
        // pushBackAll of an empty queue is a no-op.
        gqueue_pushBackAll(
            &mut q,
            gQueue {
                head: null_mut(),
                tail: null_mut(),
            },
        );
        assert_eq!(q.tail, gs[4]);
        // pushBackAll onto an empty queue takes it over.
        let mut q3 = gQueue {
            head: null_mut(),
            tail: null_mut(),
        };
        let mut q4 = gQueue {
            head: null_mut(),
            tail: null_mut(),
        };
        gqueue_pushBack(&mut q4, gs[5]);
        gqueue_pushBackAll(&mut q3, q4);
        assert_eq!((q3.head, q3.tail), (gs[5], gs[5]));

        for id in 1..=5 {
            assert_eq!(goid(gqueue_pop(&mut q)), id);
        }
        assert!(
            q.head.is_null() && q.tail.is_null(),
            "pop of the last g clears tail"
        );
        assert!(gqueue_pop(&mut q).is_null());

        let mut l: *mut g = null_mut();
        assert!(glist_pop(&mut l).is_null());
        glist_push(&mut l, gs[6]);
        glist_push(&mut l, gs[7]);
        assert_eq!(chain(l), [8, 7]);
        assert_eq!(goid(glist_pop(&mut l)), 8);
        assert_eq!(goid(glist_pop(&mut l)), 7);
        assert!(l.is_null());
    }
}
