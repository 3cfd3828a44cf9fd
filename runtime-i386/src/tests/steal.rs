//! Work stealing and findRunnable: runqgrab / runqsteal (proc.go:6813-6890), stealWork
//! (proc.go:3544), findRunnable (proc.go:3139) in the cases where it finds work (when it
//! finds none it throws "all goroutines are asleep", which would end the test process).

use super::{fresh, local_runq, mkg, mkgs};
use crate::base::pmask::{self, runtime_idlepMask};
use crate::base::runq::*;
use crate::base::runq::{globrunqput, runqput};
use crate::globals::*;
use crate::mstart::*;
use crate::schedinit::procresize;
use std::ptr::null_mut;

fn goid(gp: *mut g) -> u64 {
    assert!(!gp.is_null(), "nil g");
    unsafe { (*gp).goid }
}

unsafe fn fill(pp: *mut p, first: u64, n: usize) {
    for gp in mkgs(first, n) {
        runqput(pp, gp, false);
    }
}

/// proc.go:6868 `runqsteal(pp, p2, false)`: grab half of p2's ring, rounded up
/// (proc.go:6817 `n = n - n/2`), into pp's ring after its tail; return the last one grabbed
/// and publish the others in pp's ring.
#[test]
fn runqsteal_takes_half_rounded_up() {
    let _l = fresh();
    // (p2's ring size, how many pp keeps after the one returned)
    for (size, stolen) in [(10u64, 5u64), (7, 4), (2, 1), (1, 1), (256, 128)] {
        super::reset();
        unsafe {
            let (pp, p2) = (
                crate::base::malloc::new::<p>(),
                crate::base::malloc::new::<p>(),
            );
            runqput(pp, mkg(900), false); // pp already has one g
            fill(p2, 1, size as usize);
            let gp = runqsteal(pp, p2, false);
            assert_eq!(goid(gp), stolen, "size {size}");
            let mut want_pp = vec![900];
            want_pp.extend(1..stolen);
            assert_eq!(local_runq(pp), want_pp, "size {size}: thief");
            assert_eq!(
                local_runq(p2),
                (stolen + 1..=size).collect::<Vec<_>>(),
                "size {size}: victim"
            );
        }
    }
}

/// proc.go:6813 `runqgrab`: an empty ring gives nothing, unless stealRunNextG, in which
/// case p2's runnext is taken (and only then).
#[test]
fn runqsteal_runnext_only_when_allowed() {
    let _l = fresh();
    unsafe {
        let (pp, p2) = (
            crate::base::malloc::new::<p>(),
            crate::base::malloc::new::<p>(),
        );
        assert!(runqsteal(pp, p2, true).is_null());
        let next = mkg(5);
        (*p2).runnext = next;
        assert!(runqsteal(pp, p2, false).is_null());
        assert_eq!((*p2).runnext, next);
        assert_eq!(runqsteal(pp, p2, true), next);
        assert!((*p2).runnext.is_null());
        assert_eq!(((*pp).runqhead, (*pp).runqtail), (0, 0));

        // With work in the ring, runnext stays even when allowed.
        (*p2).runnext = next;
        fill(p2, 1, 2);
        assert_eq!(goid(runqsteal(pp, p2, true)), 1);
        assert_eq!((*p2).runnext, next);
        assert_eq!(local_runq(p2), [2]);
    }
}

/// proc.go:6813 `runqgrab(pp, batch, batchHead, ...)`: writes at batchHead modulo 256,
/// reading p2's ring from its (wrapped) head.
#[test]
fn runqgrab_wraps_batch_and_ring() {
    let _l = fresh();
    unsafe {
        let p2 = crate::base::malloc::new::<p>();
        (*p2).runqhead = u32::MAX - 1;
        (*p2).runqtail = u32::MAX - 1;
        fill(p2, 1, 6);
        let mut batch = [null_mut::<g>(); 256];
        let n = runqgrab(p2, &mut batch, 254, false);
        assert_eq!(n, 3);
        assert_eq!(
            [goid(batch[254]), goid(batch[255]), goid(batch[0])],
            [1, 2, 3]
        );
        assert!(batch[1].is_null());
        assert_eq!((*p2).runqhead, (u32::MAX - 1).wrapping_add(3));
        assert_eq!(local_runq(p2), [4, 5, 6]);
    }
}

/// proc.go:3544 `stealWork`: walks the Ps in stealOrder, skipping itself and idle Ps
/// (idlepMask), and steals half of the first non-empty ring it finds.
#[test]
fn stealwork_steals_from_busy_p() {
    let _l = fresh();
    unsafe {
        procresize(4);
        let p0 = allp()[0];
        let p2 = allp()[2];
        fill(p2, 1, 6);
        pmask::clear(runtime_idlepMask.get(), 2); // P2 is running something
        let (gp, inherit) = stealWork();
        assert_eq!(goid(gp), 3);
        assert!(!inherit);
        assert_eq!(local_runq(p0), [1, 2]);
        assert_eq!(local_runq(p2), [4, 5, 6]);
    }
}

/// proc.go:3598: "Don't bother to attempt to steal if p2 is idle": a P whose idlepMask
/// bit is set is skipped even if it has work; the runnext of a busy P is only taken on the
/// last pass.
#[test]
fn stealwork_skips_idle_ps_and_takes_runnext_last() {
    let _l = fresh();
    unsafe {
        procresize(3);
        let p1 = allp()[1];
        fill(p1, 1, 4);
        assert!(pmask::read(runtime_idlepMask.get(), 1));
        assert_eq!(stealWork(), (null_mut(), false));
        assert_eq!(local_runq(p1), [1, 2, 3, 4]);

        let p2 = allp()[2];
        pmask::clear(runtime_idlepMask.get(), 2);
        let next = mkg(50);
        (*p2).runnext = next;
        assert_eq!(stealWork(), (next, false));
        assert!((*p2).runnext.is_null());
        assert_eq!(local_runq(p1), [1, 2, 3, 4]);
    }
}

/// proc.go:3139 `findRunnable`, step 1 (proc.go:3188): every 61st schedtick, one g from the
/// global queue comes first, even before runnext.
#[test]
fn findrunnable_fairness_check_every_61_ticks() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let p0 = allp()[0];
        let (a, b) = (mkg(1), mkg(2));
        runqput(p0, a, true);
        globrunqput(b);
        globrunqput(mkg(3));
        globrunqput(mkg(4));
        (*p0).schedtick = 122;
        // globrunqget(pp, 1): exactly one, nothing moved to the local queue.
        assert_eq!(findRunnable(), (b, false));
        assert_eq!((*sched()).runqsize, 2);
        assert_eq!(local_runq(p0), Vec::<u64>::new());
        assert_eq!((*p0).runnext, a);
        // Not a multiple of 61: runnext, inheriting the time slice.
        (*p0).schedtick = 123;
        assert_eq!(findRunnable(), (a, true));
        assert_eq!((*sched()).runqsize, 2);
    }
}

/// proc.go:3139 `findRunnable`, steps 2-3 (proc.go:3207-3222): the local queue, then the global queue
/// (globrunqget(pp, 0), whose extra gs go to the local queue).
#[test]
fn findrunnable_local_then_global() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let p0 = allp()[0];
        (*p0).schedtick = 1;
        runqput(p0, mkg(1), false);
        globrunqput(mkg(10));
        assert_eq!(goid(findRunnable().0), 1);
        for gp in mkgs(11, 4) {
            globrunqput(gp);
        }
        let (gp, inherit) = findRunnable();
        assert_eq!((goid(gp), inherit), (10, false));
        assert_eq!(local_runq(p0), [11, 12, 13, 14]);
        assert_eq!((*sched()).runqsize, 0);
        assert!(!(*m0()).spinning);
    }
}

/// proc.go:3139 `findRunnable`, step "Spinning Ms" (proc.go:3244-3256): with nothing local
/// or global, the M becomes spinning (`2*nmspinning < gomaxprocs-npidle`) and steals.
#[test]
fn findrunnable_spins_and_steals() {
    let _l = fresh();
    unsafe {
        procresize(4);
        let p0 = allp()[0];
        (*p0).schedtick = 1;
        let p3 = allp()[3];
        fill(p3, 1, 4);
        pmask::clear(runtime_idlepMask.get(), 3);
        let (gp, inherit) = findRunnable();
        assert_eq!((goid(gp), inherit), (2, false));
        assert!((*m0()).spinning, "becomeSpinning");
        assert_eq!((*sched()).nmspinning, 1);
        assert_eq!(local_runq(p0), [1]);
        assert_eq!(local_runq(p3), [3, 4]);
    }
}
