//! schedinit and the Ps: procresize (proc.go:5591-5732), p.init (proc.go:5460), acquirep /
//! wirep (proc.go:5740, 5763), pidleput (proc.go:6532), pMask (proc.go:6461-6480),
//! mcommoninit / mReserveID / mpreinit (proc.go:876-925, os_linux.go:374), schedinit
//! (proc.go:750-845).

use super::{fresh, lock, mkg, reset};
use crate::base::pmask::{self, runtime_idlepMask, runtime_timerpMask};
use crate::base::proc::mReserveID;
use crate::base::randorder::{gcd, stealOrder};
use crate::base::runq::*;
use crate::globals::*;
use crate::schedinit::*;
use std::ptr::null_mut;

/// The ids on sched.pidle, in list order (at most 10,000 steps: a cycle fails the test).
fn pidle_ids() -> Vec<i32> {
    let mut ids = Vec::new();
    unsafe {
        let mut pp = (*sched()).pidle;
        while !pp.is_null() {
            assert!(ids.len() < 10_000, "sched.pidle cycle");
            ids.push((*pp).id);
            pp = (*pp).link;
        }
    }
    ids
}

/// The bits of a pMask, one bool per bit of every word.
fn mask_bits(mask: *const Slice<u32>) -> Vec<bool> {
    unsafe {
        let words = (*mask).as_slice();
        (0..words.len() * 32)
            .map(|i| words[i / 32] & (1 << (i % 32)) != 0)
            .collect()
    }
}

/// Everything proc.go:5591 `procresize(n)` leaves behind on its first call (from
/// schedinit: old == 0, m0 without a P).
unsafe fn check_first_procresize(n: i32) {
    let allp = allp();
    let nu = n as usize;
    assert_eq!(allp.len(), nu, "len(allp)");
    assert_eq!((*runtime_allp.get()).cap, nu, "cap(allp)");
    assert_eq!(gomaxprocs(), n, "gomaxprocs");
    for (i, &pp) in allp.iter().enumerate() {
        assert!(!pp.is_null());
        assert_eq!((*pp).id, i as i32, "allp[{i}].id");
        assert!(runqempty(pp));
        assert!(allp[..i].iter().all(|&q| q != pp), "allp[{i}] repeated");
    }
    // proc.go:5677-5687: P0 acquired by m0 (wirep).
    let p0 = allp[0];
    assert_eq!((*p0).status, _Prunning);
    assert_eq!((*p0).m, m0());
    assert_eq!((*m0()).p, p0);
    assert!((*p0).link.is_null());
    // proc.go:5709-5723: the others idle, without an M, pushed from the top down so that
    // the list reads P1, P2, ..., P(n-1).
    for (i, &pp) in allp.iter().enumerate().skip(1) {
        assert_eq!((*pp).status, _Pidle, "P{i} status");
        assert!((*pp).m.is_null(), "P{i} has an M");
    }
    assert_eq!(pidle_ids(), (1..n).collect::<Vec<_>>(), "sched.pidle");
    if n > 1 {
        assert_eq!((*sched()).pidle, allp[1]);
    } else {
        assert!((*sched()).pidle.is_null());
    }
    assert_eq!((*sched()).npidle, n - 1, "sched.npidle");
    // idlepMask: (n+31)/32 words; bits for P1..P(n-1) set (pidleput), P0's clear (p.init).
    let words = nu.div_ceil(32);
    assert_eq!((*runtime_idlepMask.get()).len, words);
    assert_eq!((*runtime_timerpMask.get()).len, words);
    let idle = mask_bits(runtime_idlepMask.get());
    for (i, &bit) in idle.iter().enumerate() {
        assert_eq!(bit, i >= 1 && i < nu, "idlepMask bit {i}");
        assert_eq!(pmask::read(runtime_idlepMask.get(), i as u32), bit);
    }
    // proc.go:5724 stealOrder.reset(n): count n, the coprimes of n in [1, n].
    let so = &*stealOrder.get();
    assert_eq!(so.count, n as u32, "stealOrder.count");
    let want: Vec<u32> = (1..=n as u32).filter(|&i| gcd(i, n as u32) == 1).collect();
    assert_eq!(so.coprimes.as_slice(), &want[..], "stealOrder.coprimes");
}

/// proc.go:5591 `procresize(n)` from schedinit's state, for several n (including n > 32,
/// where the pMasks need a second word).
#[test]
fn procresize_from_fresh_state() {
    let _l = lock();
    for n in [1, 2, 3, 8, 31, 32, 33, 64, 65] {
        reset();
        unsafe {
            let runnable = procresize(n);
            assert!(runnable.is_null(), "procresize({n}) returned runnable Ps");
            check_first_procresize(n);
        }
    }
}

/// proc.go:5460 `p.init` sets the P's timerpMask bit, then proc.go:6541 `pidleput` calls
/// `updateTimerPMask` (proc.go:6506), which clears it again for a P without timers. So
/// after the first procresize only P0 (which never went idle) has its timerpMask bit; the
/// idle Ps have none (stealWork, proc.go:3582, only looks at timers of Ps in the mask).
#[test]
fn procresize_timerpmask_only_running_p() {
    let _l = lock();
    for n in [1, 2, 8, 33] {
        reset();
        unsafe {
            procresize(n);
            let bits = mask_bits(runtime_timerpMask.get());
            for (i, &bit) in bits.iter().enumerate() {
                assert_eq!(bit, i == 0, "procresize({n}): timerpMask bit {i}");
            }
        }
    }
}

/// proc.go:6532 `pidleput`: clears the timerpMask bit (updateTimerPMask: our Ps never have
/// timers), sets the idlepMask bit, pushes on the head of sched.pidle, npidle++.
#[test]
fn pidleput_pushes_on_head() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let pa = crate::base::malloc::new::<p>();
        let pb = crate::base::malloc::new::<p>();
        // ids within the one mask word procresize(1) made
        (*pa).id = 5;
        (*pb).id = 31;
        pmask::set(runtime_timerpMask.get(), 5);
        pmask::set(runtime_timerpMask.get(), 31);
        pidleput(pa);
        pidleput(pb);
        assert_eq!((*sched()).pidle, pb);
        assert_eq!((*pb).link, pa);
        assert!((*pa).link.is_null());
        assert_eq!((*sched()).npidle, 2);
        assert_eq!(pidle_ids(), [31, 5]);
        for id in [5, 31] {
            assert!(pmask::read(runtime_idlepMask.get(), id));
            assert!(
                !pmask::read(runtime_timerpMask.get(), id),
                "timerpMask bit {id} still set after pidleput"
            );
        }
    }
}

/// proc.go:5460 `p.init(id)`: status _Pgcstop, timerpMask bit set, idlepMask bit clear.
#[test]
fn pinit_sets_gcstop_and_masks() {
    let _l = fresh();
    unsafe {
        let words = [u32::MAX, u32::MAX];
        let mut idle = Slice {
            array: Box::leak(Box::new(words)).as_mut_ptr(),
            len: 2,
            cap: 2,
        };
        let mut timer = Slice {
            array: Box::leak(Box::new([0u32; 2])).as_mut_ptr(),
            len: 2,
            cap: 2,
        };
        std::ptr::swap(runtime_idlepMask.get(), &mut idle);
        std::ptr::swap(runtime_timerpMask.get(), &mut timer);
        let pp = crate::base::malloc::new::<p>();
        pinit(pp, 37);
        assert_eq!((*pp).id, 37);
        assert_eq!((*pp).status, _Pgcstop);
        assert!(pmask::read(runtime_timerpMask.get(), 37));
        assert!(!pmask::read(runtime_idlepMask.get(), 37));
        // Only that bit changed.
        let idle_bits = mask_bits(runtime_idlepMask.get());
        let timer_bits = mask_bits(runtime_timerpMask.get());
        for i in 0..64 {
            assert_eq!(idle_bits[i], i != 37, "idle bit {i}");
            assert_eq!(timer_bits[i], i == 37, "timer bit {i}");
        }
    }
}

/// proc.go:6461-6480 `pMask.read/set/clear`: bit id%32 of word id/32.
#[test]
fn pmask_bits_across_words() {
    let _l = lock();
    let mut words = [0u32; 3];
    let mut mask = Slice {
        array: words.as_mut_ptr(),
        len: 3,
        cap: 3,
    };
    unsafe {
        for id in [0, 1, 31, 32, 33, 63, 64, 95] {
            assert!(!pmask::read(&mask, id as u32));
            pmask::set(&mut mask, id);
            assert!(pmask::read(&mask, id as u32));
        }
        assert_eq!(*mask.array, 0x8000_0003);
        assert_eq!(*mask.array.add(1), 0x8000_0003);
        assert_eq!(*mask.array.add(2), 0x8000_0001);
        pmask::clear(&mut mask, 32);
        pmask::clear(&mut mask, 95);
        pmask::clear(&mut mask, 95); // clearing twice is harmless
        assert!(!pmask::read(&mask, 32));
        assert!(pmask::read(&mask, 33));
        assert_eq!(*mask.array.add(1), 0x8000_0002);
        assert_eq!(*mask.array.add(2), 0x0000_0001);
    }
    assert_eq!(words, [0x8000_0003, 0x8000_0002, 1]);
}

/// proc.go:6604 `runqempty`: no runnext and runqhead == runqtail.
#[test]
fn runqempty_checks_ring_and_runnext() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        assert!(runqempty(pp));
        (*pp).runnext = mkg(1);
        assert!(!runqempty(pp));
        (*pp).runnext = null_mut();
        (*pp).runqhead = 7;
        (*pp).runqtail = 8;
        assert!(!runqempty(pp));
        (*pp).runqhead = 8;
        assert!(runqempty(pp));
        // wrapped counters
        (*pp).runqhead = u32::MAX;
        (*pp).runqtail = 0;
        assert!(!runqempty(pp));
    }
}

/// proc.go:5740 `acquirep` / proc.go:5763 `wirep`: m.p = pp, pp.m = m, _Prunning.
#[test]
fn acquirep_wires_m_and_p() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        (*pp).status = _Pidle;
        acquirep(pp);
        assert_eq!((*m0()).p, pp);
        assert_eq!((*pp).m, m0());
        assert_eq!((*pp).status, _Prunning);
    }
}

/// Simulates Go's stopTheWorldWithSema (proc.go:1449, 1469, 1488-1497): the caller's P and every idle
/// P (taken with pidleget, proc.go:6559, which clears its idle bit and sets its timer bit)
/// go to _Pgcstop. procresize's callers always stop the world first.
unsafe fn stop_the_world() {
    let mp = (*crate::base::tls::getg()).m;
    (*(*mp).p).status = _Pgcstop;
    let sched = sched();
    while !(*sched).pidle.is_null() {
        let pp = (*sched).pidle;
        (*sched).pidle = (*pp).link;
        (*sched).npidle -= 1;
        pmask::clear(runtime_idlepMask.get(), (*pp).id);
        pmask::set(runtime_timerpMask.get(), (*pp).id);
        (*pp).link = null_mut();
        (*pp).status = _Pgcstop;
    }
}

/// proc.go:5591 `procresize` growing from 2 to 40 Ps with the world stopped: the old Ps
/// are kept (same pointers), m0 keeps P0 ("continue to use the current P"), the new Ps are
/// created, and every P but P0 goes back on the idle list in order.
#[test]
fn procresize_grows_keeping_old_ps() {
    let _l = fresh();
    unsafe {
        procresize(2);
        let old: Vec<*mut p> = allp().to_vec();
        stop_the_world();
        assert_eq!((*sched()).npidle, 0);
        let runnable = procresize(40);
        assert!(runnable.is_null());
        assert_eq!(allp().len(), 40);
        assert_eq!(&allp()[..2], &old[..]);
        assert_eq!((*m0()).p, old[0]);
        assert_eq!((*old[0]).status, _Prunning);
        assert_eq!((*old[0]).m, m0());
        assert_eq!(pidle_ids(), (1..40).collect::<Vec<_>>());
        assert_eq!((*sched()).npidle, 39);
        assert_eq!(gomaxprocs(), 40);
        assert_eq!((*runtime_idlepMask.get()).len, 2);
        let idle = mask_bits(runtime_idlepMask.get());
        for (i, &bit) in idle.iter().enumerate() {
            assert_eq!(bit, (1..40).contains(&i), "idle bit {i}");
        }
        assert_eq!((*stealOrder.get()).count, 40);
    }
}

/// proc.go:5709-5723: a P whose run queue is not empty is not put on the idle list; it is
/// returned to the caller in a list linked through p.link, with `mget()` as its M (nil:
/// there is no idle M).
#[test]
fn procresize_returns_ps_with_local_work() {
    let _l = fresh();
    unsafe {
        procresize(4);
        stop_the_world();
        let (p2, p3) = (allp()[2], allp()[3]);
        crate::base::runq::runqput(p2, mkg(10), false);
        (*p3).runnext = mkg(11);
        let runnable = procresize(6);
        // Built from the top down, each pushed on the head: P2, then P3.
        assert_eq!(runnable, p2);
        assert_eq!((*p2).link, p3);
        assert!((*p3).link.is_null());
        for pp in [p2, p3] {
            assert_eq!((*pp).status, _Pidle);
            assert!((*pp).m.is_null());
            assert!(!pmask::read(runtime_idlepMask.get(), (*pp).id as u32));
        }
        assert_eq!(pidle_ids(), [1, 4, 5]);
        assert_eq!((*sched()).npidle, 3);
    }
}

/// proc.go:889 `mcommoninit(mp, -1)`: id from mReserveID (sched.mnext, proc.go:876), a
/// gsignal with a 32 KiB stack (os_linux.go:374 mpreinit) whose stackguard1 is
/// lo + stackGuard, and mp pushed on the head of allm.
#[test]
fn mcommoninit_ids_gsignal_and_allm() {
    let _l = fresh();
    unsafe {
        (*sched()).maxmcount = 10000;
        mcommoninit(m0(), -1);
        assert_eq!((*m0()).id, 0);
        assert_eq!((*sched()).mnext, 1);
        let gs = (*m0()).gsignal;
        assert!(!gs.is_null());
        assert_eq!((*gs).m, m0());
        assert!((*gs).stack.hi - (*gs).stack.lo >= 32 * 1024);
        assert_eq!((*gs).stackguard1, (*gs).stack.lo + 928);
        assert_eq!((*gs).stackguard0, (*gs).stack.lo + 928);
        assert_eq!(*runtime_allm.get(), m0());
        assert!((*m0()).alllink.is_null());

        let m1 = crate::base::malloc::new::<m>();
        mcommoninit(m1, -1);
        assert_eq!((*m1).id, 1);
        assert_eq!(*runtime_allm.get(), m1);
        assert_eq!((*m1).alllink, m0());
        assert_ne!((*m1).gsignal, gs);

        // A pre-reserved id is used as is and does not consume sched.mnext.
        let m2 = crate::base::malloc::new::<m>();
        mcommoninit(m2, 7);
        assert_eq!((*m2).id, 7);
        assert_eq!((*sched()).mnext, 2);
        assert_eq!(*runtime_allm.get(), m2);
        assert_eq!((*m2).alllink, m1);
        assert_eq!(mReserveID(), 2);
        assert_eq!((*sched()).mnext, 3);
    }
}

/// proc.go:750 `schedinit`: maxmcount 10000, m0 registered (id 0, on allm), lastpoll set,
/// and procresize(ncpu) when GOMAXPROCS is unset.
#[test]
fn schedinit_uses_ncpu_without_gomaxprocs() {
    let _l = fresh();
    unsafe {
        *runtime_ncpu.get() = 3;
        runtime_schedinit();
        assert_eq!((*sched()).maxmcount, 10000);
        assert_eq!((*m0()).id, 0);
        assert_eq!((*sched()).mnext, 1);
        assert_eq!(*runtime_allm.get(), m0());
        assert!(!(*m0()).gsignal.is_null());
        assert!((*sched()).lastpoll > 0);
        check_first_procresize(3);
    }
}

/// proc.go:823-826: a valid positive GOMAXPROCS overrides ncpu; an invalid one does not.
#[test]
fn schedinit_honours_gomaxprocs() {
    let _l = lock();
    for (env, want) in [
        ("GOMAXPROCS=5", 5),
        ("GOMAXPROCS=0", 2),
        ("GOMAXPROCS=-3", 2),
        ("GOMAXPROCS=x", 2),
        ("GOMAXPROCS=", 2),
        ("GOMAXPROCS=40", 40),
    ] {
        reset();
        let envs: Vec<usize> = [env]
            .iter()
            .map(|e| std::ffi::CString::new(*e).unwrap().into_raw() as usize)
            .collect();
        let mut block = vec![0usize]; // argc 0: argv is just its NULL
        block.extend(envs);
        block.extend([0, 0, 0]); // end of envp, AT_NULL pair
        let argv = block.leak().as_ptr();
        unsafe {
            *crate::base::args::runtime_argv.get() = argv as usize;
            *runtime_ncpu.get() = 2;
            runtime_schedinit();
            assert_eq!(gomaxprocs(), want, "{env}");
            check_first_procresize(want);
        }
    }
}
