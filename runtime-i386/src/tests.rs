//! Unit tests of the runtime against Go 1.22's semantics (the Go source cited in each test
//! is /usr/lib/go-1.22/src/runtime).
//!
//! The runtime keeps all its state in globals and its allocators are not thread-safe, while
//! the test harness runs tests on parallel threads: every test takes [`fresh`] (or
//! [`lock`]), which serialises on one mutex and resets the globals to a boot-time zero
//! state. In a test process `getg()` is always `&g0` (TLS was never set up), so `fresh`
//! links g0 and m0 as rt0_go does. Nothing here switches stacks or exits the process.

use crate::base::args;
use crate::base::malloc;
use crate::base::pmask::{runtime_idlepMask, runtime_timerpMask};
use crate::base::randorder::{randomOrder, stealOrder};
use crate::globals::*;
use std::sync::{Mutex, MutexGuard};

mod flags;
mod gfree;
mod layout;
mod mem;
mod newproc;
mod order;
mod osinit;
mod procresize;
mod runq;
mod steal;
mod strconv;

/// The grader's proof that a test ran to its end (shared with the integration tests).
#[path = "../../tests/support/graded.rs"]
mod graded;

static LOCK: Mutex<()> = Mutex::new(());

/// What [`lock`] and [`fresh`] return: the lock, and the grader's guard ([`graded`]), which
/// reports the test as finished when it ends without a panic.
pub(crate) struct Locked {
    _graded: graded::Graded,
    _lock: MutexGuard<'static, ()>,
}

/// Serialises with every other test that touches the runtime's globals (a failed test
/// poisons the mutex; the state is reset anyway, so the poison is ignored). Every unit test
/// takes it (or [`fresh`]) first, which also takes the grader's guard.
pub(crate) fn lock() -> Locked {
    let _graded = graded::graded();
    Locked {
        _graded,
        _lock: LOCK.lock().unwrap_or_else(|e| e.into_inner()),
    }
}

/// Takes the lock and puts every runtime global back to its boot-time zero value, then
/// links m0 and g0 the way rt0_go does (`g0.m = &m0; m0.g0 = &g0`).
pub(crate) fn fresh() -> Locked {
    let guard = lock();
    reset();
    guard
}

/// The reset half of [`fresh`], for tests that need several fresh states (the caller must
/// hold [`lock`]).
pub(crate) fn reset() {
    unsafe {
        *runtime_m0.get() = zeroed();
        *runtime_g0.get() = zeroed();
        *runtime_sched.get() = zeroed();
        *runtime_allp.get() = Slice::nil();
        *runtime_allgs.get() = Slice::nil();
        *runtime_gomaxprocs.get() = 0;
        *runtime_ncpu.get() = 0;
        *runtime_physPageSize.get() = 0;
        *runtime_physHugePageSize.get() = 0;
        *runtime_mainStarted.get() = false;
        *runtime_allm.get() = std::ptr::null_mut();
        *runtime_idlepMask.get() = Slice::nil();
        *runtime_timerpMask.get() = Slice::nil();
        *stealOrder.get() = randomOrder {
            count: 0,
            coprimes: Slice::nil(),
        };
        *args::runtime_argc.get() = 0;
        *args::runtime_argv.get() = 0;
        *args::startupRand.get() = 0;
        *args::secureMode.get() = false;
        *args::vdsoEhdr.get() = 0;
        *args::auxvPairs.get() = 0;
        (*g0()).m = m0();
        (*m0()).g0 = g0();
    }
}

/// A zeroed g (as `new(g)`) with a goid and status _Grunnable, for the run queues.
pub(crate) fn mkg(goid: u64) -> *mut g {
    let gp = malloc::new::<g>();
    unsafe {
        (*gp).goid = goid;
        (*gp).atomicstatus = _Grunnable;
    }
    gp
}

/// `n` runnable gs with goids `first..first+n`.
pub(crate) fn mkgs(first: u64, n: usize) -> Vec<*mut g> {
    (0..n as u64).map(|i| mkg(first + i)).collect()
}

/// The goids of a g list/queue, following schedlink from `head` (at most 100,000 steps,
/// so that a cycle fails the test instead of hanging it).
pub(crate) fn chain(head: *mut g) -> Vec<u64> {
    let mut out = Vec::new();
    let mut gp = head;
    while !gp.is_null() {
        assert!(out.len() < 100_000, "schedlink cycle");
        unsafe {
            out.push((*gp).goid);
            gp = (*gp).schedlink;
        }
    }
    out
}

/// The goids in pp's local ring, from runqhead to runqtail (runnext not included).
pub(crate) fn local_runq(pp: *const p) -> Vec<u64> {
    unsafe {
        let (h, t) = ((*pp).runqhead, (*pp).runqtail);
        (0..t.wrapping_sub(h))
            .map(|i| (*(*pp).runq[(h.wrapping_add(i) % 256) as usize]).goid)
            .collect()
    }
}

/// The goids of the global run queue, checking that `runq.tail` is the last element.
pub(crate) fn global_runq() -> Vec<u64> {
    unsafe {
        let q = &(*sched()).runq;
        let ids = chain(q.head);
        if ids.is_empty() {
            assert!(q.tail.is_null(), "empty sched.runq with a tail");
        } else {
            assert!(!q.tail.is_null() && (*q.tail).schedlink.is_null());
            assert_eq!((*q.tail).goid, *ids.last().unwrap(), "sched.runq.tail");
        }
        ids
    }
}

/// One line of /proc/self/maps: `[start, end)` and the permission string (`rw-p`).
pub(crate) struct Mapping {
    pub start: usize,
    pub end: usize,
    pub perms: String,
}

pub(crate) fn maps() -> Vec<Mapping> {
    let text = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    text.lines()
        .map(|l| {
            let mut f = l.split_whitespace();
            let range = f.next().unwrap();
            let perms = f.next().unwrap().to_string();
            let (a, b) = range.split_once('-').unwrap();
            Mapping {
                start: usize::from_str_radix(a, 16).unwrap(),
                end: usize::from_str_radix(b, 16).unwrap(),
                perms,
            }
        })
        .collect()
}

/// The mapping containing `addr`, if any.
pub(crate) fn mapping_of(addr: usize) -> Option<Mapping> {
    maps().into_iter().find(|m| m.start <= addr && addr < m.end)
}

#[test]
fn fresh_links_m0_and_g0_like_rt0_go() {
    // asm_386.s:225-232: rt0_go saves m0 in g0.m and g0 in m0.g0; getg() is g0 before TLS.
    let _l = fresh();
    unsafe {
        assert_eq!(crate::base::tls::getg(), g0());
        assert_eq!((*crate::base::tls::getg()).m, m0());
        assert_eq!((*m0()).g0, g0());
        assert!(allp().is_empty() && allgs().is_empty());
        assert_eq!(gomaxprocs(), 0);
    }
}
