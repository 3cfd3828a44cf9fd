//! # schedinit: the scheduler's start (proc.go:750-845, 5460-5790)
//!
//! `schedinit` sets the thread limit, registers m0, then decides how many Ps to make
//! (`ncpu`, unless `$GOMAXPROCS` is a valid positive int32) and makes them with
//! `procresize`: P0 goes to m0, the rest wait on the idle list `sched.pidle`.

use crate::base::lock_futex::{lock, unlock};
use crate::base::malloc;
use crate::base::pmask::{self, runtime_idlepMask, runtime_timerpMask};
use crate::base::print::throw;
pub use crate::base::proc::{acquirep, mcommoninit, pidleput, wirep};
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
        parsedebugvars(); // proc.go:804
        boottrace!(
            "schedinit",
            "mcommoninit: m0.id={} gsignal stack {} bytes; allm=m0",
            (*m0()).id,
            (*(*m0()).gsignal).stack.hi - (*(*m0()).gsignal).stack.lo
        );

        // proc.go:822-829
        lock(schedlock());
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
        unlock(schedlock());
    }
}
// ANCHOR_END: schedinit

/// `parsedebugvars()` (runtime1.go:373-420), for the one setting our runtime has:
/// `GODEBUG=asyncpreemptoff=1` (a comma-separated list of name=value, the last one wins).
fn parsedebugvars() {
    let Some(godebug) = crate::base::args::gogetenv(b"GODEBUG") else {
        return;
    };
    for field in godebug.split(|&b| b == b',') {
        if let Some(v) = field.strip_prefix(b"asyncpreemptoff=") {
            if let Some(n) = crate::base::string::atoi32(v) {
                // SAFETY: schedinit runs once, before any other M exists.
                unsafe { *crate::base::sysmon::debug_asyncpreemptoff.get() = n };
            }
        }
    }
}

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
/// list of Ps with local work (always nil at boot). sched.lock is held and the world is
/// stopped.
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
