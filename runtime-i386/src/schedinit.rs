//! # schedinit: the scheduler's start (proc.go:750-845, 5460-5790)
//!
//! `schedinit` sets the thread limit, registers m0, then decides how many Ps to make
//! (`ncpu`, unless `$GOMAXPROCS` is a valid positive int32) and makes them with
//! `procresize`: P0 goes to m0, the rest wait on the idle list `sched.pidle`.

use crate::base::malloc;
use crate::base::pmask::{self, runtime_idlepMask, runtime_timerpMask};
use crate::base::print::throw;
use crate::base::runq::runqempty;
use crate::base::string::atoi32;
use crate::globals::*;

// ANCHOR: schedinit
/// `schedinit()` (proc.go:750-845), keeping the steps that exist in our runtime, in Go's
/// order. Go also initialises locks, the race detector, the stack and heap allocators,
/// CPU features, hashing, modules, signals masks, GODEBUG and the GC; we have none of those.
#[no_mangle]
pub extern "C" fn runtime_schedinit() {
    // SAFETY: schedinit runs once, on g0 of m0, before any other goroutine: the world is stopped.
    unsafe {
        let sched = sched();
        (*sched).maxmcount = 10000; // proc.go:777
        boottrace!("schedinit", "sched.maxmcount={}", (*sched).maxmcount);

        mcommoninit(m0(), -1); // proc.go:791

        // proc.go:822-829
        (*sched).lastpoll = crate::base::sys_linux_386::nanotime();
        let procs = gomaxprocs_from_env(
            *runtime_ncpu.get(),
            crate::base::args::gogetenv(b"GOMAXPROCS"),
        );
        boottrace!(
            "schedinit",
            "procs={} (ncpu={}, GOMAXPROCS{})",
            procs,
            *runtime_ncpu.get(),
            EnvValue(crate::base::args::gogetenv(b"GOMAXPROCS"))
        );
        if !procresize(procs).is_null() {
            throw("unknown runnable goroutine during bootstrap");
        }
    }
}
// ANCHOR_END: schedinit

/// An environment variable's value for the boot trace: `="8"`, quoted as Go's
/// strconv.Quote would (so `="\xff"` for a byte that is not UTF-8), or ` unset`.
struct EnvValue(Option<&'static [u8]>);
impl core::fmt::Display for EnvValue {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self.0 {
            Some(v) => write!(f, "={}", crate::base::print::GoQuote(v)),
            None => f.write_str(" unset"),
        }
    }
}

/// proc.go:823-826: `procs := ncpu; if n, ok := atoi32(gogetenv("GOMAXPROCS")); ok && n > 0
/// { procs = n }`. An unset or empty variable, a non-number, zero, a negative number or one
/// that does not fit in an int32 all leave `ncpu`.
pub fn gomaxprocs_from_env(ncpu: i32, env: Option<&[u8]>) -> i32 {
    // ANCHOR: exercise-gomaxprocs-env
    match atoi32(env.unwrap_or(b"")) {
        Some(n) if n > 0 => n,
        _ => ncpu,
    }
    // ANCHOR_END: exercise-gomaxprocs-env
}

/// `mcommoninit(mp, id)` (proc.go:889-925): give the M an id, its signal g, and put it on
/// allm.
///
/// # Safety
/// `mp` must be a valid M.
pub unsafe fn mcommoninit(mp: *mut m, id: i64) {
    (*mp).id = if id >= 0 { id } else { mReserveID() };
    mpreinit(mp);
    if !(*mp).gsignal.is_null() {
        let gs = (*mp).gsignal;
        (*gs).stackguard1 = (*gs).stack.lo + crate::base::malloc::stackGuard;
    }
    (*mp).alllink = *runtime_allm.get();
    *runtime_allm.get() = mp;
    boottrace!(
        "schedinit",
        "mcommoninit: m0.id={} gsignal stack {} bytes; allm=m0",
        (*mp).id,
        (*(*mp).gsignal).stack.hi - (*(*mp).gsignal).stack.lo
    );
}

/// `mReserveID()` (proc.go:876-887): the next M id; fails past sched.maxmcount threads.
///
/// # Safety
/// The scheduler must be initialised.
pub unsafe fn mReserveID() -> i64 {
    let sched = sched();
    let id = (*sched).mnext;
    (*sched).mnext += 1;
    // checkmcount (proc.go:863)
    let count = (*sched).mnext - (*sched).nmfreed;
    if count > (*sched).maxmcount as i64 {
        crate::println!(
            "runtime: program exceeds {}-thread limit",
            (*sched).maxmcount
        );
        throw("thread exhaustion");
    }
    id
}

/// `mpreinit(mp)` (os_linux.go:374-377): the M's signal-handling g, with a 32 KiB stack.
///
/// # Safety
/// `mp` must be a valid M.
pub unsafe fn mpreinit(mp: *mut m) {
    (*mp).gsignal = crate::base::malloc::malg(32 * 1024);
    (*(*mp).gsignal).m = mp;
}

// ANCHOR: pinit
/// `(*p).init(id)` (proc.go:5460-5494): a new P starts in _Pgcstop; it may get timers and
/// is not idle yet. (Go also sets up its mcache, defer pool and write barrier buffer.)
///
/// # Safety
/// `pp` must be a valid P and the masks must have a bit for `id`.
pub unsafe fn pinit(pp: *mut p, id: i32) {
    (*pp).id = id;
    (*pp).status = _Pgcstop;
    pmask::set(runtime_timerpMask.get(), id);
    pmask::clear(runtime_idlepMask.get(), id);
}
// ANCHOR_END: pinit

// ANCHOR: procresize
/// `procresize(nprocs)` (proc.go:5591-5732): change the number of Ps to `nprocs`; returns the
/// list of Ps with local work (always nil at boot). The world is stopped, so there are no
/// locks to take.
///
/// # Safety
/// Must run on g0 with `getg().m` valid (m0 at boot).
pub unsafe fn procresize(nprocs: i32) -> *mut p {
    let old = gomaxprocs();
    if old < 0 || nprocs <= 0 {
        throw("procresize: invalid arg");
    }
    if nprocs < old {
        // Go destroys the extra Ps (p.destroy); only GOMAXPROCS() at run time shrinks, and
        // our runtime has no such call.
        throw("procresize: shrinking the number of Ps is not supported");
    }
    // Go computes (nprocs + 31) / 32 in int32, which would wrap for the largest nprocs;
    // makeslice has refused those by the time the masks are made. Ours cannot wrap.
    let maskWords = (nprocs as usize).div_ceil(32);

    // Grow allp and the masks (proc.go:5615-5643): new arrays (`make`, which refuses sizes
    // that do not fit in 32 bits as Go's does), old contents copied.
    let allp = runtime_allp.get();
    if nprocs as usize > (*allp).len {
        let nallp = malloc::makeslice::<*mut p>(nprocs as usize);
        for i in 0..(*allp).len {
            *nallp.add(i) = *(*allp).array.add(i);
        }
        *allp = Slice {
            array: nallp,
            len: nprocs as usize,
            cap: nprocs as usize,
        };
        for mask in [runtime_idlepMask.get(), runtime_timerpMask.get()] {
            let nmask = malloc::makeslice::<u32>(maskWords);
            for i in 0..(*mask).len {
                *nmask.add(i) = *(*mask).array.add(i);
            }
            *mask = Slice {
                array: nmask,
                len: maskWords,
                cap: maskWords,
            };
        }
    }

    // Initialize new P's (proc.go:5646-5653).
    for i in old..nprocs {
        let slot = (*allp).array.add(i as usize);
        let mut pp = *slot;
        if pp.is_null() {
            pp = malloc::new::<p>();
        }
        pinit(pp, i);
        *slot = pp;
    }

    // ANCHOR: exercise-procresize-idle
    let gp = crate::base::tls::getg();
    let mp = (*gp).m;
    if !(*mp).p.is_null() && (*(*mp).p).id < nprocs {
        // continue to use the current P
        (*(*mp).p).status = _Prunning;
    } else {
        // release the current P and acquire allp[0] (proc.go:5659-5688)
        if !(*mp).p.is_null() {
            (*(*mp).p).m = core::ptr::null_mut();
        }
        (*mp).p = core::ptr::null_mut();
        let pp = *(*allp).array;
        (*pp).m = core::ptr::null_mut();
        (*pp).status = _Pidle;
        acquirep(pp);
    }

    // Every other P goes idle, from the highest id down, so that pidleput's pushes leave
    // P1 at the head of sched.pidle (proc.go:5709-5723).
    let mut runnablePs: *mut p = core::ptr::null_mut();
    for i in (0..nprocs).rev() {
        let pp = *(*allp).array.add(i as usize);
        if (*mp).p == pp {
            continue;
        }
        (*pp).status = _Pidle;
        if runqempty(pp) {
            pidleput(pp);
        } else {
            // Go hands it an idle M (mget); we never have one.
            (*pp).m = core::ptr::null_mut();
            (*pp).link = runnablePs;
            runnablePs = pp;
        }
    }
    // ANCHOR_END: exercise-procresize-idle
    crate::base::randorder::stealOrder_reset(nprocs as u32);
    *runtime_gomaxprocs.get() = nprocs;
    boottrace!(
        "procresize",
        "{} Ps: P0 _Prunning on m0, idle list P1..P{} (npidle={})",
        nprocs,
        nprocs - 1,
        (*sched()).npidle
    );
    runnablePs
}
// ANCHOR_END: procresize

/// `acquirep(pp)` (proc.go:5740): associate pp and the current M.
///
/// # Safety
/// On g0; `pp` must be an idle P without an M.
pub unsafe fn acquirep(pp: *mut p) {
    wirep(pp);
}

/// `wirep(pp)` (proc.go:5763-5788): the first half of acquirep.
///
/// # Safety
/// As acquirep.
pub unsafe fn wirep(pp: *mut p) {
    let gp = crate::base::tls::getg();
    let mp = (*gp).m;
    if !(*mp).p.is_null() {
        throw("wirep: already in go");
    }
    if !(*pp).m.is_null() || (*pp).status != _Pidle {
        crate::base::print::fatal_with(format_args!(
            "wirep: invalid p state (p->m={:#x}, p->status={})",
            (*pp).m as usize,
            (*pp).status
        ));
    }
    (*mp).p = pp;
    (*pp).m = mp;
    (*pp).status = _Prunning;
}

// ANCHOR: pidleput
/// `pidleput(pp, now)` (proc.go:6532-6550): push pp on the head of the idle P list.
///
/// # Safety
/// `pp` must be a valid P with an empty run queue.
pub unsafe fn pidleput(pp: *mut p) {
    // ANCHOR: exercise-procresize-pidleput
    if !runqempty(pp) {
        throw("pidleput: P has non-empty run queue");
    }
    // updateTimerPMask(pp) (proc.go:6506): clear if there are no timers (ours never have).
    pmask::clear(runtime_timerpMask.get(), (*pp).id);
    pmask::set(runtime_idlepMask.get(), (*pp).id);
    let sched = sched();
    (*pp).link = (*sched).pidle;
    (*sched).pidle = pp;
    (*sched).npidle += 1;
    // ANCHOR_END: exercise-procresize-pidleput
}
// ANCHOR_END: pidleput
