//! # Ms and Ps (proc.go:876-930, 1759, 2057-2660, 2766-3010, 5278-5900,
//! 6363-6600; os_linux.go:152-200)
//!
//! An M is an OS thread; it runs Go code only while it holds a P. This module is the
//! machinery that moves Ps between Ms and makes Ms: `acquirep`/`releasep`, the idle P list
//! (`pidleput`/`pidleget`) and idle M list (`mput`/`mget`), `newm` → `allocm` →
//! `newosproc` (a `clone` of this thread that starts in `mstart`), `startm` (give a P to an
//! idle or new M), `stopm` (park this M on its note), `wakep` (start a spinning M if there
//! is an idle P and no spinning M), `handoffp`, and `checkdead`. It is in the base because
//! every later layer uses it: schedinit registers m0 (`mcommoninit`), newproc wakes Ps,
//! findRunnable stops Ms, runtime.main starts sysmon on a new M.
//!
//! `sched.lock` protects the idle lists, the global run queue and the M counts; it is a
//! futex lock (`lock_futex`), and each holder counts in `m.locks`.

use crate::base::atomic;
use crate::base::lock_futex::*;
use crate::base::pmask::{self, runtime_idlepMask, runtime_timerpMask};
use crate::base::print::{fatal_with, throw};
use crate::base::runq::runqempty;
use crate::base::runtime2::*;
use crate::base::sys_linux_386::*;
use crate::base::tls::getg;
use core::ptr::null_mut;

/// `acquirem()` (runtime1.go:579): no preemption of this M until `releasem`.
#[inline(always)]
pub fn acquirem() -> *mut m {
    // SAFETY: getg() is live and has an M once the runtime runs.
    unsafe {
        let mp = (*getg()).m;
        (*mp).locks += 1;
        mp
    }
}

/// `releasem(mp)` (runtime1.go:586).
///
/// # Safety
/// `mp` is the current M, as `acquirem` returned it.
#[inline(always)]
pub unsafe fn releasem(mp: *mut m) {
    (*mp).locks -= 1;
}

/// `mcount()` (proc.go:5278): the Ms that exist.
///
/// # Safety
/// sched.lock held (or the world stopped).
pub unsafe fn mcount() -> i32 {
    ((*sched()).mnext - (*sched()).nmfreed) as i32
}

/// `mReserveID()` (proc.go:876-887): the next M id; fails past sched.maxmcount threads.
///
/// # Safety
/// sched.lock held.
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

// ANCHOR: mcommoninit
/// `mcommoninit(mp, id)` (proc.go:889-925): give the M an id (the next one if `id < 0`),
/// its signal g, and put it on allm.
///
/// # Safety
/// `mp` must be a valid M not yet on allm.
pub unsafe fn mcommoninit(mp: *mut m, id: i64) {
    lock(schedlock());
    (*mp).id = if id >= 0 { id } else { mReserveID() };
    mpreinit(mp);
    if !(*mp).gsignal.is_null() {
        let gs = (*mp).gsignal;
        (*gs).stackguard1 = (*gs).stack.lo + crate::base::malloc::stackGuard;
    }
    // Add to allm (published atomically: it is read without the lock).
    (*mp).alllink = *runtime_allm.get();
    atomic::storep(runtime_allm.get(), mp);
    unlock(schedlock());
}
// ANCHOR_END: mcommoninit

/// `mpreinit(mp)` (os_linux.go:374-377): the M's signal-handling g, with a 32 KiB stack.
///
/// # Safety
/// `mp` must be a valid M.
pub unsafe fn mpreinit(mp: *mut m) {
    (*mp).gsignal = crate::base::malloc::malg(32 * 1024);
    (*(*mp).gsignal).m = mp;
}

// ANCHOR: acquirep
/// `acquirep(pp)` (proc.go:5740): associate pp and the current M.
///
/// # Safety
/// On g0 (or with preemption disabled); `pp` an idle P without an M.
pub unsafe fn acquirep(pp: *mut p) {
    wirep(pp);
}

/// `wirep(pp)` (proc.go:5763-5788): the first half of acquirep.
///
/// # Safety
/// As acquirep.
pub unsafe fn wirep(pp: *mut p) {
    let mp = (*getg()).m;
    if !(*mp).p.is_null() {
        throw("wirep: already in go");
    }
    if !(*pp).m.is_null() || (*pp).status != _Pidle {
        fatal_with(format_args!(
            "wirep: invalid p state (p->m={:#x}, p->status={})",
            (*pp).m as usize,
            (*pp).status
        ));
    }
    (*mp).p = pp;
    (*pp).m = mp;
    (*pp).status = _Prunning;
}

/// `releasep()` (proc.go:5791-5825): disassociate the current M and its P; returns the P.
///
/// # Safety
/// On g0 of an M holding a running P.
pub unsafe fn releasep() -> *mut p {
    let mp = (*getg()).m;
    let pp = (*mp).p;
    if pp.is_null() {
        throw("releasep: invalid arg");
    }
    if (*pp).m != mp || (*pp).status != _Prunning {
        fatal_with(format_args!(
            "releasep: invalid p state (m->p={:#x}, p->m={:#x}, p->status={})",
            pp as usize,
            (*pp).m as usize,
            (*pp).status
        ));
    }
    (*mp).p = null_mut();
    (*pp).m = null_mut();
    (*pp).status = _Pidle;
    pp
}
// ANCHOR_END: acquirep

// ANCHOR: pidleput
/// `pidleput(pp, now)` (proc.go:6532-6550): push pp on the head of the idle P list.
///
/// # Safety
/// sched.lock held (or the world stopped); `pp` a valid P with an empty run queue.
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
    atomic::xaddi32(&mut (*sched).npidle, 1);
    // ANCHOR_END: exercise-procresize-pidleput
}
// ANCHOR_END: pidleput

/// `pidleget(now)` (proc.go:6559-6580): pop an idle P, or nil.
///
/// # Safety
/// sched.lock held.
pub unsafe fn pidleget() -> *mut p {
    let sched = sched();
    let pp = (*sched).pidle;
    if !pp.is_null() {
        // Timer may get added at any time now.
        pmask::set(runtime_timerpMask.get(), (*pp).id);
        pmask::clear(runtime_idlepMask.get(), (*pp).id);
        (*sched).pidle = (*pp).link;
        atomic::xaddi32(&mut (*sched).npidle, -1);
    }
    pp
}

/// `pidlegetSpinning(now)` (proc.go:6587-6600): pidleget for a spinning M; if there is no
/// idle P, tell the Ms about to drop theirs that a spinning M is needed (needspinning).
///
/// # Safety
/// sched.lock held.
pub unsafe fn pidlegetSpinning() -> *mut p {
    let pp = pidleget();
    if pp.is_null() {
        // See "Delicate dance" comment in findrunnable. We found work that we cannot take,
        // we must synchronize with non-spinning Ms that may be preparing to drop their P.
        atomic::store(&mut (*sched()).needspinning, 1);
    }
    pp
}

/// `mput(mp)` (proc.go:6363-6372): put mp on the idle M list.
///
/// # Safety
/// sched.lock held.
pub unsafe fn mput(mp: *mut m) {
    let sched = sched();
    (*mp).schedlink = (*sched).midle;
    (*sched).midle = mp;
    (*sched).nmidle += 1;
    checkdead();
}

/// `mget()` (proc.go:6377-6385): an idle M, or nil.
///
/// # Safety
/// sched.lock held.
pub unsafe fn mget() -> *mut m {
    let sched = sched();
    let mp = (*sched).midle;
    if !mp.is_null() {
        (*sched).midle = (*mp).schedlink;
        (*sched).nmidle -= 1;
    }
    mp
}

// ANCHOR: newm
/// `allocm(pp, fn, id)` (proc.go:2057-2130): a new M (not yet a thread) that will run `fn`
/// first; its g0 gets `malg(16384)` (proc.go:2117; our stacks are at least 64 KiB).
///
/// # Safety
/// On g0 of an M.
pub unsafe fn allocm(pp: *mut p, fn_: usize, id: i64) -> *mut m {
    let cur = acquirem();
    let borrowed = (*cur).p.is_null() && !pp.is_null();
    if borrowed {
        acquirep(pp); // temporarily borrow p for mallocs in this function
    }
    let mp = crate::base::malloc::new::<m>();
    (*mp).mstartfn = fn_;
    mcommoninit(mp, id);
    (*mp).g0 = crate::base::malloc::malg(16384);
    (*(*mp).g0).m = mp;
    if borrowed {
        releasep();
    }
    releasem(cur);
    mp
}

/// The signal mask a new M starts with (proc.go `initSigmask`, set by mstartm0's initsig):
/// this process's mask at start-up, which the new thread restores in minit.
pub static initSigmask: Global<u64> = Global::new(0);

/// `newm(fn, pp, id)` (proc.go:2631-2660): create a new M, an OS thread, which starts with
/// `fn` (may be 0) and then holds `pp` (may be nil) and schedules.
///
/// # Safety
/// On g0 of an M.
pub unsafe fn newm(fn_: usize, pp: *mut p, id: i64) {
    let cur = acquirem();
    let mp = allocm(pp, fn_, id);
    (*mp).nextp = pp;
    (*mp).sigmask = core::mem::transmute::<u64, [u32; 2]>(*initSigmask.get());
    newosproc(mp);
    releasem(cur);
}

/// os_linux.go:152 `cloneFlags`: the new thread shares memory, files, signal handlers and
/// the thread group of this one.
pub const cloneFlags: usize = 0x100 /* CLONE_VM */
    | 0x200 /* CLONE_FS */
    | 0x400 /* CLONE_FILES */
    | 0x800 /* CLONE_SIGHAND */
    | 0x40000 /* CLONE_SYSVSEM */
    | 0x10000 /* CLONE_THREAD */;

extern "C" {
    /// `clone(flags, stk, mp, gp, fn)` (asm/sys_linux_386.S, after sys_linux_386.s:531-610):
    /// in the child, on `stk`: record the thread id, set up TLS for mp, set g = gp, call fn.
    fn runtime_clone(flags: usize, stk: usize, mp: *mut m, gp: *mut g, fn_: usize) -> isize;
    /// `mstart` (asm_386.S): where every new M begins.
    fn runtime_mstart();
}

/// `newosproc(mp)` (os_linux.go:166-200): clone a thread that runs mstart on mp.g0's stack,
/// with all signals blocked until its minit restores the mask; retry on EAGAIN as Go's
/// retryOnEAGAIN (20 tries, sleeping 1, 2, ... ms).
///
/// # Safety
/// `mp` a fresh M from allocm.
pub unsafe fn newosproc(mp: *mut m) {
    let stk = (*(*mp).g0).stack.hi;
    let all: u64 = !0;
    let mut oset: u64 = 0;
    rtsigprocmask(_SIG_SETMASK, &all, &mut oset);
    let mut ret = 0isize;
    for tries in 0..20 {
        let r = runtime_clone(
            cloneFlags,
            stk,
            mp,
            (*mp).g0,
            runtime_mstart as *const () as usize,
        );
        ret = if r >= 0 { 0 } else { -r };
        if ret != EAGAIN {
            break;
        }
        usleep((tries + 1) * 1000);
    }
    rtsigprocmask(_SIG_SETMASK, &oset, null_mut());
    if ret != 0 {
        lock(schedlock());
        let n = mcount();
        unlock(schedlock());
        crate::println!(
            "runtime: failed to create new OS thread (have {} already; errno={})",
            n,
            ret
        );
        if ret == EAGAIN {
            crate::println!("runtime: may need to increase max user processes (ulimit -u)");
        }
        throw("newosproc");
    }
}
// ANCHOR_END: newm

/// Whether this process may have more than one thread. Not under qemu-i386 (which we know
/// by its missing vDSO, AT_SYSINFO): qemu-user keeps one emulated GDT for all the threads
/// of a process, so the TLS entry a new thread sets with set_thread_area (`clone` →
/// `setldt`) is the one every thread's %gs selects; we measured m0 crashing (getg() no
/// longer its g) right after sysmon's thread set its TLS. There the runtime keeps to m0:
/// no sysmon, no other M (the book's After the boot part says so).
pub fn threadsWork() -> bool {
    // SAFETY: written once by args() at boot, before any M is started.
    unsafe { crate::base::sys_linux_386::runtime_vdsoSysinfo != 0 }
}

/// `mspinning()` (proc.go:2787): the mstartfn of an M that startm starts spinning.
pub extern "C" fn mspinning() {
    // SAFETY: on the new M's g0.
    unsafe { (*(*getg()).m).spinning = true };
}

// ANCHOR: startm
/// `startm(pp, spinning, lockheld)` (proc.go:2809-2895): schedule some M to run pp (an
/// idle P from the list if pp is nil; if there is none, do nothing): an idle M if there is
/// one (woken on its note), else a new one.
///
/// # Safety
/// On g0 (or with preemption disabled); pp idle and owned by the caller, or nil.
pub unsafe fn startm(pp: *mut p, spinning: bool, lockheld: bool) {
    let mp = acquirem();
    if !lockheld {
        lock(schedlock());
    }
    let mut pp = pp;
    if pp.is_null() {
        if spinning {
            throw("startm: P required for spinning=true");
        }
        pp = pidleget();
        if pp.is_null() {
            if !lockheld {
                unlock(schedlock());
            }
            releasem(mp);
            return;
        }
    }
    let nmp = mget();
    if nmp.is_null() && !threadsWork() {
        // No second thread under qemu-i386 (see threadsWork): the P stays idle.
        if spinning {
            atomic::xaddi32(&mut (*sched()).nmspinning, -1);
        }
        pidleput(pp);
        if !lockheld {
            unlock(schedlock());
        }
        releasem(mp);
        return;
    }
    if nmp.is_null() {
        // No M is available: reserve its id under the lock, then make it without.
        let id = mReserveID();
        unlock(schedlock());
        let fn_ = if spinning {
            // The caller incremented nmspinning, so set m.spinning in the new M.
            mspinning as *const () as usize
        } else {
            0
        };
        newm(fn_, pp, id);
        if lockheld {
            lock(schedlock());
        }
        releasem(mp);
        return;
    }
    if !lockheld {
        unlock(schedlock());
    }
    if (*nmp).spinning {
        throw("startm: m is spinning");
    }
    if !(*nmp).nextp.is_null() {
        throw("startm: m has p");
    }
    if spinning && !runqempty(pp) {
        throw("startm: p has runnable gs");
    }
    // The caller incremented nmspinning, so set m.spinning in the new M.
    (*nmp).spinning = spinning;
    (*nmp).nextp = pp;
    notewakeup(&mut (*nmp).park);
    releasem(mp);
}

/// `stopm()` (proc.go:2766-2785): stop this M until new work is available: put it on the
/// idle list, sleep on m.park, then take the P startm handed over.
///
/// # Safety
/// On g0 of an M without a P and not spinning.
pub unsafe fn stopm() {
    let mp = (*getg()).m;
    if (*mp).locks != 0 {
        throw("stopm holding locks");
    }
    if !(*mp).p.is_null() {
        throw("stopm holding p");
    }
    if (*mp).spinning {
        throw("stopm spinning");
    }
    lock(schedlock());
    mput(mp);
    unlock(schedlock());
    mPark();
    acquirep((*mp).nextp);
    (*mp).nextp = null_mut();
}

/// `mPark()` (proc.go:1759): sleep on this M's note until startm wakes it.
pub fn mPark() {
    // SAFETY: on g0 of the current M.
    unsafe {
        let mp = (*getg()).m;
        notesleep(&mut (*mp).park);
        noteclear(&mut (*mp).park);
    }
}

/// `wakep()` (proc.go:2975-3005): try to add one more P to execute Gs: start a spinning
/// M on an idle P, unless an M is spinning already (or no P is idle).
pub fn wakep() {
    // SAFETY: the scheduler's shared state, under its lock or atomically.
    unsafe {
        // ANCHOR: exercise-wakep
        let sched = sched();
        // Be conservative about spinning threads, only start one if none exist already.
        if atomic::loadi32(&mut (*sched).nmspinning) != 0
            || !atomic::casi32(&mut (*sched).nmspinning, 0, 1)
        {
            return;
        }
        // Disable preemption until ownership of pp transfers to the next M in startm.
        let mp = acquirem();
        lock(schedlock());
        let pp = pidlegetSpinning();
        if pp.is_null() {
            if atomic::xaddi32(&mut (*sched).nmspinning, -1) < 0 {
                throw("wakep: negative nmspinning");
            }
            unlock(schedlock());
            releasem(mp);
            return;
        }
        // We always have a P, so a checkdead in between sees at least one running M (ours).
        unlock(schedlock());
        startm(pp, true, false);
        releasem(mp);
        // ANCHOR_END: exercise-wakep
    }
}
// ANCHOR_END: startm

/// `handoffp(pp)` (proc.go:2905-2970): hand off pp from a syscall or a locked M: start an
/// M for it if it has work (or nobody is spinning), else put it on the idle list. Go also
/// checks GC work, safe-point functions and the network poller; we have none of those.
///
/// # Safety
/// pp released by the caller (status _Pidle, no M).
pub unsafe fn handoffp(pp: *mut p) {
    let sched = sched();
    // if it has local work, start it straight away
    if !runqempty(pp) || atomic::loadi32(&mut (*sched).runqsize) != 0 {
        startm(pp, false, false);
        return;
    }
    // no local work, check that there are no spinning/idle M's, otherwise our help is not
    // required
    if atomic::loadi32(&mut (*sched).nmspinning) + atomic::loadi32(&mut (*sched).npidle) == 0
        && atomic::casi32(&mut (*sched).nmspinning, 0, 1)
    {
        atomic::store(&mut (*sched).needspinning, 0);
        startm(pp, true, false);
        return;
    }
    lock(schedlock());
    if (*sched).runqsize != 0 {
        unlock(schedlock());
        startm(pp, false, false);
        return;
    }
    pidleput(pp);
    unlock(schedlock());
}

/// `checkdead()` (proc.go:5830-5900): called when an M goes idle; if no M is running Go
/// code and no goroutine can ever run again, the program is deadlocked: say so and exit 2.
///
/// # Safety
/// sched.lock held.
pub unsafe fn checkdead() {
    let sched = sched();
    let run = mcount() - (*sched).nmidle - (*sched).nmidlelocked - (*sched).nmsys;
    if run > 0 {
        return;
    }
    if run < 0 {
        crate::println!(
            "runtime: checkdead: nmidle={} nmidlelocked={} mcount={} nmsys={}",
            (*sched).nmidle,
            (*sched).nmidlelocked,
            mcount(),
            (*sched).nmsys
        );
        unlock(schedlock());
        throw("checkdead: inconsistent counts");
    }
    let allgs = &*runtime_allgs.get();
    let mut grunning = 0;
    for i in 0..allgs.len {
        let gp = *allgs.array.add(i);
        match atomic::load(&mut (*gp).atomicstatus) {
            _Gwaiting => grunning += 1,
            s @ (_Grunnable | _Grunning | _Gsyscall) => {
                crate::println!("runtime: checkdead: find g {} in status {}", (*gp).goid, s);
                unlock(schedlock());
                throw("checkdead: runnable g");
            }
            _ => {}
        }
    }
    unlock(schedlock());
    if grunning == 0 {
        throw("no goroutines (main called runtime.Goexit) - deadlock!");
    }
    // fatal("all goroutines are asleep - deadlock!"), then every goroutine's header, as
    // Go's traceback prints them (ours has no frames to show).
    crate::print!("fatal error: all goroutines are asleep - deadlock!\n");
    for i in 0..allgs.len {
        let gp = *allgs.array.add(i);
        if (*gp).atomicstatus == _Gwaiting {
            crate::print!(
                "\ngoroutine {} [{}]:\n",
                (*gp).goid,
                waitReasonString((*gp).waitreason)
            );
        }
    }
    runtime_exit(2)
}

/// waitReason values we use (runtime2.go:1095-1128, counted from waitReasonZero = 0) and their strings.
pub const waitReasonSelectNoCases: u8 = 10;
pub const waitReasonSleep: u8 = 19;
pub const waitReasonPreempted: u8 = 28;

/// `waitReason.String()` (runtime2.go:1134-1170) for the reasons we use.
pub fn waitReasonString(r: u8) -> &'static str {
    match r {
        waitReasonSelectNoCases => "select (no cases)",
        waitReasonSleep => "sleep",
        waitReasonPreempted => "preempted",
        _ => "waiting",
    }
}
