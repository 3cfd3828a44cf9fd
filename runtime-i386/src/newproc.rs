//! # newproc: a new goroutine (proc.go:4855-5127)
//!
//! `newproc(fn)` makes a g that will run `fn` (`newproc1`: reuse a dead g or allocate one
//! with `malg`, give it a goid from the P's cache, build a stack frame that returns into
//! `goexit`) and puts it in the current P's `runnext` (`runqput`), kicking the previous
//! runnext to the tail of the local run queue and, when that ring of 256 is full, half of it
//! to the global queue (`runqputslow`).

use crate::base::glist::*;
use crate::base::lock_futex::{lock, unlock};
use crate::base::malloc::{self, malg, stackGuard, stackMin, startingStackSize};
use crate::base::print::{fatal_with, throw};
use crate::base::proc::{acquirem, releasem, wakep};
use crate::base::runq::runqput;
use crate::base::tls::{getg, systemstack};
use crate::globals::*;
use core::ptr::null_mut;

/// proc.go:685 `_GoidCacheBatch`: goids are taken from sched.goidgen 16 at a time per P.
pub const _GoidCacheBatch: u64 = 16;

extern "C" {
    /// The assembly entry of newproc (asm_386.S): records getcallerpc() and calls
    /// `runtime_newproc_go` on a 16-byte aligned stack.
    pub fn runtime_newproc(fv: *const funcval);
    fn runtime_goexit();
    fn runtime_rustfunc();
}

/// The address of `goexit`, the function every goroutine's first frame returns into.
pub fn goexitPC() -> usize {
    runtime_goexit as *const () as usize
}

// ANCHOR: newproc
/// `newproc(fn)` (proc.go:4874-4887): create a g running fn and put it on this P's queue.
/// Go does the work on the system stack (systemstack), since goroutine stacks are small.
///
/// # Safety
/// Called by the assembly's `runtime_newproc` on the current g's stack, with `fv` a funcval
/// that lives as long as the goroutine (mainPC is static; `go` allocates one).
#[no_mangle]
pub unsafe extern "C" fn runtime_newproc_go(fv: *const funcval, callerpc: usize) {
    let gp = getg();
    let mut work = || {
        let newg = newproc1(fv, gp, callerpc);
        let pp = (*(*getg()).m).p;
        runqput(pp, newg, true);
        if *runtime_mainStarted.get() {
            wakep(); // an idle P could run it: start a spinning M for it
        }
    };
    systemstack(&mut work);
}
// ANCHOR_END: newproc

// ANCHOR: newproc1
/// `newproc1(fn, callergp, callerpc)` (proc.go:4892-4991): a g in state _Grunnable,
/// starting at fn. The caller puts it on a run queue.
///
/// # Safety
/// On g0 of an M that holds a P.
pub unsafe fn newproc1(fv: *const funcval, callergp: *mut g, callerpc: usize) -> *mut g {
    if fv.is_null() {
        throw("go of nil func value");
    }
    let mp = acquirem(); // disable preemption because we hold M and P in local vars.
    let pp = (*mp).p;
    let mut newg = gfget(pp);
    if newg.is_null() {
        newg = malg(stackMin as i32);
        casgstatus(newg, _Gidle, _Gdead);
        allgadd(newg); // publishes with status _Gdead
    }
    if (*newg).stack.hi == 0 {
        throw("newproc1: newg missing stack");
    }
    if (*newg).atomicstatus != _Gdead {
        throw("newproc1: new g is not Gdead");
    }

    // ANCHOR: exercise-gostartcall-frame
    // 4 words of "extra space in case of reads slightly beyond frame", no arguments
    // (sys.MinFrameSize is 0 and StackAlign 4 on 386).
    let totalSize = (4 * 4usize).next_multiple_of(4);
    let sp = (*newg).stack.hi - totalSize;

    (*newg).sched = core::mem::zeroed();
    (*newg).sched.sp = sp;
    (*newg).stktopsp = sp;
    // +PCQuantum so that the previous instruction is in the same function
    (*newg).sched.pc = goexitPC() + 1;
    (*newg).sched.g = newg;
    gostartcallfn(&mut (*newg).sched, fv);
    (*newg).parentGoid = (*callergp).goid;
    (*newg).gopc = callerpc;
    (*newg).ancestors = 0;
    (*newg).startpc = (*fv).fn_;
    // ANCHOR_END: exercise-gostartcall-frame

    casgstatus(newg, _Gdead, _Grunnable);
    // ANCHOR: exercise-goidcache
    if (*pp).goidcache == (*pp).goidcacheend {
        // sched.goidgen is the last allocated id; this batch is
        // [sched.goidgen+1, sched.goidgen+_GoidCacheBatch]. At start-up goidgen is 0, so
        // the main goroutine gets goid 1.
        // Several Ps refill at once: one atomic add hands each its own batch.
        let goidgen = crate::base::atomic::xadd64(&mut (*sched()).goidgen, _GoidCacheBatch);
        (*pp).goidcache = goidgen - (_GoidCacheBatch - 1);
        (*pp).goidcacheend = (*pp).goidcache + _GoidCacheBatch;
    }
    (*newg).goid = (*pp).goidcache;
    (*pp).goidcache += 1;
    // ANCHOR_END: exercise-goidcache
    boottrace!(
        "newproc1",
        "g{} (parent g{}) stack=[{:#x}, {:#x}) sched.sp=hi-{} sched.pc={:#x} [sched.sp]=goexit+1, goidcache {}..{}",
        (*newg).goid, (*newg).parentGoid, (*newg).stack.lo, (*newg).stack.hi,
        (*newg).stack.hi - (*newg).sched.sp, (*newg).sched.pc, (*pp).goidcache, (*pp).goidcacheend
    );
    releasem(mp);
    newg
}
// ANCHOR_END: newproc1

// ANCHOR: gostartcall
/// `gostartcallfn(gobuf, fv)` (stack.go:1127) and `gostartcall(buf, fn, ctxt)`
/// (sys_x86.go:16-23): adjust the gobuf as if it executed a call to fn with context ctxt
/// and then stopped before the first instruction in fn. The "caller" is whatever
/// `buf.pc` was (goexit+1): its address is pushed as the return address, so when fn
/// returns it lands in goexit, which ends the goroutine.
///
/// # Safety
/// `buf.sp` must point into a valid stack with room for one more word.
pub unsafe fn gostartcallfn(buf: *mut gobuf, fv: *const funcval) {
    let fn_ = (*fv).fn_;
    gostartcall(buf, fn_, fv as *const u8);
}

/// See [`gostartcallfn`].
///
/// # Safety
/// As gostartcallfn.
pub unsafe fn gostartcall(buf: *mut gobuf, fn_: usize, ctxt: *const u8) {
    // ANCHOR: exercise-gostartcall-gostartcall
    let mut sp = (*buf).sp;
    sp -= 4; // goarch.PtrSize
    *(sp as *mut usize) = (*buf).pc;
    (*buf).sp = sp;
    (*buf).pc = fn_;
    (*buf).ctxt = ctxt;
    // ANCHOR_END: exercise-gostartcall-gostartcall
}
// ANCHOR_END: gostartcall

// ANCHOR: gfput
/// `gfput(pp, gp)` (proc.go:5029-5068): put a dead g on the P's free list; when that holds
/// 64, move gs to the global lists until it holds 31 (with stacks and without kept apart).
///
/// # Safety
/// `pp` a valid P, `gp` a _Gdead g.
pub unsafe fn gfput(pp: *mut p, gp: *mut g) {
    if (*gp).atomicstatus != _Gdead {
        throw("gfput: bad status (not Gdead)");
    }
    // ANCHOR: exercise-gfree-gfput
    let stksize = (*gp).stack.hi - (*gp).stack.lo;
    if stksize != startingStackSize {
        // non-standard stack size - free it.
        malloc::stackfree((*gp).stack);
        (*gp).stack = stack { lo: 0, hi: 0 };
        (*gp).stackguard0 = 0;
    }
    glist_push(&mut (*pp).gFree.head, gp);
    (*pp).gFree.n += 1;
    if (*pp).gFree.n >= 64 {
        let mut inc = 0;
        let mut stackQ = gQueue {
            head: null_mut(),
            tail: null_mut(),
        };
        let mut noStackQ = gQueue {
            head: null_mut(),
            tail: null_mut(),
        };
        while (*pp).gFree.n >= 32 {
            let gp = glist_pop(&mut (*pp).gFree.head);
            (*pp).gFree.n -= 1;
            if (*gp).stack.lo == 0 {
                gqueue_push(&mut noStackQ, gp);
            } else {
                gqueue_push(&mut stackQ, gp);
            }
            inc += 1;
        }
        let sched = sched();
        lock(&mut (*sched).gFree_lock);
        // gList.pushAll(q): q's gs go in front of the list, in q's order.
        for (list, q) in [
            (&mut (*sched).gFree_noStack, noStackQ),
            (&mut (*sched).gFree_stack, stackQ),
        ] {
            if !q.tail.is_null() {
                (*q.tail).schedlink = *list;
                *list = q.head;
            }
        }
        (*sched).gFree_n += inc;
        unlock(&mut (*sched).gFree_lock);
    }
    // ANCHOR_END: exercise-gfree-gfput
}
// ANCHOR_END: gfput

// ANCHOR: gfget
/// `gfget(pp)` (proc.go:5072-5127): a dead g from the P's free list, refilled with up to 32
/// from the global lists (those with stacks first); nil if there are none. A g without a
/// stack gets a new one.
///
/// # Safety
/// `pp` a valid P.
pub unsafe fn gfget(pp: *mut p) -> *mut g {
    // ANCHOR: exercise-gfree-gfget
    let sched = sched();
    loop {
        if (*pp).gFree.head.is_null()
            && (!crate::base::atomic::loadp(&mut (*sched).gFree_stack).is_null()
                || !crate::base::atomic::loadp(&mut (*sched).gFree_noStack).is_null())
        {
            lock(&mut (*sched).gFree_lock);
            // Move a batch of free Gs to the P.
            while (*pp).gFree.n < 32 {
                // Prefer Gs with stacks.
                let mut gp = glist_pop(&mut (*sched).gFree_stack);
                if gp.is_null() {
                    gp = glist_pop(&mut (*sched).gFree_noStack);
                    if gp.is_null() {
                        break;
                    }
                }
                (*sched).gFree_n -= 1;
                glist_push(&mut (*pp).gFree.head, gp);
                (*pp).gFree.n += 1;
            }
            unlock(&mut (*sched).gFree_lock);
            continue; // goto retry
        }
        break;
    }
    let gp = glist_pop(&mut (*pp).gFree.head);
    if gp.is_null() {
        return null_mut();
    }
    (*pp).gFree.n -= 1;
    if (*gp).stack.lo != 0 && (*gp).stack.hi - (*gp).stack.lo != startingStackSize {
        // Deallocate old stack: the right size has changed since gfput.
        malloc::stackfree((*gp).stack);
        (*gp).stack = stack { lo: 0, hi: 0 };
        (*gp).stackguard0 = 0;
    }
    if (*gp).stack.lo == 0 {
        // Stack was deallocated in gfput or just above. Allocate a new one.
        (*gp).stack = malloc::stackalloc(stackMin);
        (*gp).stackguard0 = (*gp).stack.lo + stackGuard;
    }
    gp
    // ANCHOR_END: exercise-gfree-gfget
}
// ANCHOR_END: gfget

/// Starts a goroutine running `f`: Go's `go f()`, which the compiler turns into
/// `newproc(funcval)`. The closure is copied into a funcval (code pointer first, as gogo
/// expects) that is freed when the goroutine starts running it.
pub fn go<F: FnOnce() + 'static>(f: F) {
    #[repr(C)]
    struct RustFunc<F> {
        fn_: usize,
        call: unsafe extern "C" fn(*mut RustFunc<F>),
        f: core::mem::ManuallyDrop<F>,
    }
    // The closure's code is the program's, even when the compiler inlines it here: this
    // wrapper is kept out of the runtime's code range (link/runtime_text.ld), so that
    // preemption may interrupt it (a loop in the closure would otherwise never be).
    #[link_section = ".text.go_closure"]
    unsafe extern "C" fn call<F: FnOnce()>(fv: *mut RustFunc<F>) {
        let f = core::ptr::read(&(*fv).f);
        malloc::free(fv as *mut u8, core::mem::size_of::<RustFunc<F>>());
        core::mem::ManuallyDrop::into_inner(f)()
    }
    if core::mem::align_of::<RustFunc<F>>() > 8 {
        throw("go: closure alignment above 8 is not supported");
    }
    let fv = malloc::mallocgc(core::mem::size_of::<RustFunc<F>>()) as *mut RustFunc<F>;
    // SAFETY: fv is a fresh block of the closure's size and alignment (mallocgc aligns to 8).
    unsafe {
        fv.write(RustFunc {
            fn_: runtime_rustfunc as *const () as usize,
            call: call::<F>,
            f: core::mem::ManuallyDrop::new(f),
        });
        runtime_newproc(fv as *const funcval);
    }
}

/// `casgstatus(gp, oldval, newval)` (proc.go:1105): change a g's status, which must be
/// `oldval`.
///
/// # Safety
/// `gp` must be a valid g.
pub unsafe fn casgstatus(gp: *mut g, oldval: u32, newval: u32) {
    if (*gp).atomicstatus != oldval || oldval == newval {
        fatal_with(format_args!(
            "casgstatus: bad incoming values: g{} oldval={} newval={} (status {})",
            (*gp).goid,
            gstatus_name(oldval),
            gstatus_name(newval),
            gstatus_name((*gp).atomicstatus)
        ));
    }
    (*gp).atomicstatus = newval;
}
