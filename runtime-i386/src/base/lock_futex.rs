//! # Locks and notes on futexes (lock_futex.go, os_linux.go:60-95)
//!
//! A `mutex` is one word: 0 unlocked, 1 locked, 2 locked with sleepers (Go's
//! `mutex_unlocked`, `mutex_locked`, `mutex_sleeping`). `lock` grabs it with one exchange;
//! if that fails it spins a little (on more than one CPU), yields, and then sleeps in the
//! kernel on the word (`futexsleep`), and `unlock` wakes one sleeper if the word said there
//! were any. Each lock held counts in `m.locks`: the scheduler refuses to run with locks
//! held, and preemption never interrupts an M that holds one.
//!
//! A `note` is a one-shot event: `notesleep` sleeps until `notewakeup` (once); `noteclear`
//! arms it again. Idle Ms and sysmon sleep on notes, so an idle program uses no CPU.

use crate::base::atomic;
use crate::base::print::throw;
use crate::base::runtime2::*;
use crate::base::sys_linux_386::*;
use crate::base::tls::getg;

/// `mutex` (runtime2.go:169): the key word. Go 1.22 386: 4 bytes.
pub type mutex = u32;
/// `note` (runtime2.go:175): the key word.
pub type note = u32;

const mutex_unlocked: u32 = 0;
const mutex_locked: u32 = 1;
const mutex_sleeping: u32 = 2;
const active_spin: i32 = 4;
const active_spin_cnt: u32 = 30;
const passive_spin: i32 = 1;

const _FUTEX_PRIVATE_FLAG: usize = 128;
const _FUTEX_WAIT_PRIVATE: usize = _FUTEX_PRIVATE_FLAG;
const _FUTEX_WAKE_PRIVATE: usize = 1 | _FUTEX_PRIVATE_FLAG;

/// The current M, or nil in an ordinary (glibc) test process before any M exists.
#[inline(always)]
fn curm() -> *mut m {
    // SAFETY: getg() is a live g (g0 at least).
    unsafe { (*getg()).m }
}

// ANCHOR: lock
/// `lock(l)` (lock_futex.go:55-119 lock2).
pub fn lock(l: *mut mutex) {
    let mp = curm();
    if !mp.is_null() {
        // SAFETY: the M is the current thread's.
        unsafe {
            if (*mp).locks < 0 {
                throw("runtime·lock: lock count");
            }
            (*mp).locks += 1;
        }
    }
    // Speculative grab for lock.
    let v = atomic::xchg(l, mutex_locked);
    if v == mutex_unlocked {
        return;
    }
    // wait is either MUTEX_LOCKED or MUTEX_SLEEPING depending on whether there is a thread
    // sleeping on this mutex. If we ever change l->key from MUTEX_SLEEPING to some other
    // value, we must be careful to change it back to MUTEX_SLEEPING before returning, to
    // ensure that the sleeping thread gets its wakeup call.
    let mut wait = v;
    // On uniprocessors, no point spinning.
    let spin = if unsafe { *runtime_ncpu.get() } > 1 {
        active_spin
    } else {
        0
    };
    loop {
        for _ in 0..spin {
            while atomic::load(l) == mutex_unlocked {
                if atomic::cas(l, mutex_unlocked, wait) {
                    return;
                }
            }
            procyield(active_spin_cnt);
        }
        for _ in 0..passive_spin {
            while atomic::load(l) == mutex_unlocked {
                if atomic::cas(l, mutex_unlocked, wait) {
                    return;
                }
            }
            osyield();
        }
        // Sleep.
        let v = atomic::xchg(l, mutex_sleeping);
        if v == mutex_unlocked {
            return;
        }
        wait = mutex_sleeping;
        futexsleep(l, mutex_sleeping, -1);
    }
}

/// `unlock(l)` (lock_futex.go:124-142 unlock2).
pub fn unlock(l: *mut mutex) {
    let v = atomic::xchg(l, mutex_unlocked);
    if v == mutex_unlocked {
        throw("unlock of unlocked lock");
    }
    if v == mutex_sleeping {
        futexwakeup(l, 1);
    }
    let mp = curm();
    if !mp.is_null() {
        // SAFETY: the M is the current thread's.
        unsafe {
            (*mp).locks -= 1;
            if (*mp).locks < 0 {
                throw("runtime·unlock: lock count");
            }
        }
    }
}
// ANCHOR_END: lock

/// `noteclear(n)` (lock_futex.go:145).
pub fn noteclear(n: *mut note) {
    atomic::store(n, 0);
}

// ANCHOR: note
/// `notewakeup(n)` (lock_futex.go:149-156): the one wake-up of a note.
pub fn notewakeup(n: *mut note) {
    let old = atomic::xchg(n, 1);
    if old != 0 {
        crate::base::print::fatal_with(format_args!("notewakeup - double wakeup ({old})"));
    }
    futexwakeup(n, 1);
}

/// `notesleep(n)` (lock_futex.go:158-178): sleep on g0 until the note is woken.
pub fn notesleep(n: *mut note) {
    let gp = getg();
    // SAFETY: gp is the current g, its m the current M.
    unsafe {
        if gp != (*(*gp).m).g0 {
            throw("notesleep not on g0");
        }
        while atomic::load(n) == 0 {
            (*(*gp).m).blocked = true;
            futexsleep(n, 0, -1);
            (*(*gp).m).blocked = false;
        }
    }
}

/// `notetsleep(n, ns)` (lock_futex.go:183-238 notetsleep_internal): as notesleep, but give
/// up after `ns` nanoseconds (ns < 0: never). Whether the note was woken.
pub fn notetsleep(n: *mut note, ns: i64) -> bool {
    if ns < 0 {
        notesleep(n);
        return true;
    }
    if atomic::load(n) != 0 {
        return true;
    }
    let mp = curm();
    let deadline = nanotime() + ns;
    let mut ns = ns;
    loop {
        // SAFETY: the M is the current thread's.
        unsafe { (*mp).blocked = true };
        futexsleep(n, 0, ns);
        unsafe { (*mp).blocked = false };
        if atomic::load(n) != 0 {
            break;
        }
        let now = nanotime();
        if now >= deadline {
            break;
        }
        ns = deadline - now;
    }
    atomic::load(n) != 0
}
// ANCHOR_END: note

/// `futexsleep(addr, val, ns)` (os_linux.go:62-78): if *addr == val, sleep until woken or
/// for ns nanoseconds (ns < 0: no limit). May wake up spuriously: callers loop.
pub fn futexsleep(addr: *mut u32, val: u32, ns: i64) {
    if ns < 0 {
        futex(addr, _FUTEX_WAIT_PRIVATE, val, 0);
        return;
    }
    let ts = [(ns / 1_000_000_000) as u32, (ns % 1_000_000_000) as u32];
    futex(addr, _FUTEX_WAIT_PRIVATE, val, ts.as_ptr() as usize);
}

/// `futexwakeup(addr, cnt)` (os_linux.go:81-95): wake up to cnt threads sleeping on addr.
pub fn futexwakeup(addr: *mut u32, cnt: u32) {
    let ret = futex(addr, _FUTEX_WAKE_PRIVATE, cnt, 0);
    if ret >= 0 {
        return;
    }
    crate::base::print::fatal_with(format_args!(
        "futexwakeup addr={:#x} returned {}",
        addr as usize, ret
    ));
}

/// `procyield(cycles)` (asm_386.s:572): `cycles` PAUSE instructions.
pub fn procyield(cycles: u32) {
    for _ in 0..cycles {
        core::hint::spin_loop();
    }
}
