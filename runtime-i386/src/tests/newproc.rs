//! Making goroutines: newproc / newproc1 (proc.go:4874-4991), malg (proc.go:4855),
//! gostartcallfn / gostartcall (stack.go:1127, sys_x86.go:16), allgadd (proc.go:618),
//! casgstatus (proc.go:1105), and the `go` entry point.

use super::{fresh, local_runq};
use crate::base::malloc::*;
use crate::globals::*;
use crate::newproc::*;
use crate::schedinit::procresize;

fn funcval_at(fn_: usize) -> *const funcval {
    Box::leak(Box::new(funcval { fn_ }))
}

/// proc.go:4892 `newproc1` on schedinit's state: the main goroutine's g.
#[test]
fn newproc1_first_goroutine() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let p0 = allp()[0];
        let fv = funcval_at(0x0804_9abc);
        let gp = newproc1(fv, g0(), 0x0805_0001);
        assert!(!gp.is_null());
        // proc.go:4981-4988: the first batch of goids is [1, 16]; this g gets 1.
        assert_eq!((*gp).goid, 1);
        assert_eq!((*p0).goidcache, 2);
        assert_eq!((*p0).goidcacheend, 17);
        assert_eq!((*sched()).goidgen, 16);
        assert_eq!((*gp).parentGoid, (*g0()).goid);
        assert_eq!((*gp).parentGoid, 0);
        assert_eq!((*gp).atomicstatus, _Grunnable);
        // proc.go:4855 malg(stackMin): a stack (ours: stackReal) and its guards.
        let stk = (*gp).stack;
        assert_eq!(stk.hi - stk.lo, startingStackSize);
        assert_eq!((*gp).stackguard0, stk.lo + 928);
        assert_eq!((*gp).stackguard1, usize::MAX);
        // proc.go:4912-4936: sp = hi - 16 (4 words of slack), then gostartcall pushes
        // goexit+PCQuantum as the return address: sp = hi - 20.
        assert_eq!((*gp).stktopsp, stk.hi - 16);
        assert_eq!((*gp).sched.sp, stk.hi - 20);
        assert_eq!(*((*gp).sched.sp as *const usize), goexitPC() + 1);
        assert_eq!((*gp).sched.pc, 0x0804_9abc);
        assert_eq!((*gp).sched.ctxt, fv as *const u8);
        assert_eq!((*gp).sched.g, gp);
        assert_eq!(((*gp).sched.ret, (*gp).sched.lr, (*gp).sched.bp), (0, 0, 0));
        assert_eq!((*gp).gopc, 0x0805_0001);
        assert_eq!((*gp).startpc, 0x0804_9abc);
        assert_eq!((*gp).ancestors, 0);
        assert!((*gp).m.is_null());
        assert!((*gp).schedlink.is_null());
        // proc.go:4900-4904: a new g is published in allgs.
        assert_eq!(&*allgs(), [gp]);
        // newproc1 does not queue it.
        assert!((*p0).runnext.is_null());
        assert_eq!(local_runq(p0), Vec::<u64>::new());
        assert_eq!((*sched()).runqsize, 0);
    }
}

/// proc.go:4981-4988: goids come from the P's cache; when it runs out, the next batch of
/// _GoidCacheBatch (16) is taken from sched.goidgen.
#[test]
fn newproc1_goid_batches() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let p0 = allp()[0];
        let fv = funcval_at(0x1000);
        let gs: Vec<*mut g> = (0..33).map(|_| newproc1(fv, g0(), 0)).collect();
        let ids: Vec<u64> = gs.iter().map(|&gp| (*gp).goid).collect();
        assert_eq!(ids, (1..=33).collect::<Vec<_>>());
        // The 17th g took a second batch [17, 32], the 33rd a third [33, 48].
        assert_eq!((*sched()).goidgen, 48);
        assert_eq!((*p0).goidcache, 34);
        assert_eq!((*p0).goidcacheend, 49);
        assert_eq!(&*allgs(), &gs[..]);
        for &gp in &gs {
            assert_eq!((*gp).atomicstatus, _Grunnable);
        }
        // Every g has its own stack.
        for (i, &a) in gs.iter().enumerate() {
            for &b in &gs[..i] {
                assert!((*a).stack.hi <= (*b).stack.lo || (*b).stack.hi <= (*a).stack.lo);
            }
        }
    }
}

/// proc.go:4981-4988 after exactly 17 gs: "the 17th g gets goid 17 and goidgen becomes 32".
#[test]
fn newproc1_seventeenth_g_opens_second_batch() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let p0 = allp()[0];
        let fv = funcval_at(0x1000);
        for i in 1..=16u64 {
            assert_eq!((*newproc1(fv, g0(), 0)).goid, i);
        }
        assert_eq!((*sched()).goidgen, 16);
        assert_eq!((*p0).goidcache, 17);
        assert_eq!((*p0).goidcacheend, 17);
        let g17 = newproc1(fv, g0(), 0);
        assert_eq!((*g17).goid, 17);
        assert_eq!((*sched()).goidgen, 32);
        assert_eq!(((*p0).goidcache, (*p0).goidcacheend), (18, 33));
        assert_eq!(allgs().len(), 17);
    }
}

/// proc.go:4981-4988: each P has its own goid cache, so goids from two Ps interleave in
/// batches.
#[test]
fn newproc1_goid_cache_is_per_p() {
    let _l = fresh();
    unsafe {
        procresize(2);
        let (p0, p1) = (allp()[0], allp()[1]);
        let fv = funcval_at(0x1000);
        assert_eq!((*newproc1(fv, g0(), 0)).goid, 1);
        (*m0()).p = p1; // as if m0 ran on P1
        assert_eq!((*newproc1(fv, g0(), 0)).goid, 17);
        assert_eq!((*newproc1(fv, g0(), 0)).goid, 18);
        (*m0()).p = p0;
        assert_eq!((*newproc1(fv, g0(), 0)).goid, 2);
        assert_eq!((*sched()).goidgen, 32);
        assert_eq!((*p1).goidcache, 19);
    }
}

/// proc.go:4892 `newproc1`: parentGoid is the caller's goid.
#[test]
fn newproc1_records_parent_goid() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let parent = malg(-1);
        (*parent).goid = 42;
        let gp = newproc1(funcval_at(0x2000), parent, 0x3000);
        assert_eq!((*gp).parentGoid, 42);
        assert_eq!((*gp).gopc, 0x3000);
    }
}

/// proc.go:4899-4904: newproc1 reuses a dead g from the P's free list (gfget) instead of
/// allocating: same g, same stack, not added to allgs again, fresh sched and goid.
#[test]
fn newproc1_reuses_dead_g() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let p0 = allp()[0];
        let gp = newproc1(funcval_at(0x1000), g0(), 0);
        let stk = (*gp).stack;
        // It ran and exited (gdestroy): _Gdead on the P's free list.
        (*gp).atomicstatus = _Gdead;
        (*gp).sched.sp = 0x1234;
        gfput(p0, gp);
        let fv2 = funcval_at(0x5000);
        let g2 = newproc1(fv2, g0(), 0x6000);
        assert_eq!(g2, gp);
        assert_eq!((*g2).stack, stk);
        assert_eq!((*g2).goid, 2);
        assert_eq!((*g2).atomicstatus, _Grunnable);
        assert_eq!((*g2).sched.sp, stk.hi - 20);
        assert_eq!((*g2).sched.pc, 0x5000);
        assert_eq!((*g2).sched.ctxt, fv2 as *const u8);
        assert_eq!((*g2).startpc, 0x5000);
        assert_eq!((*g2).gopc, 0x6000);
        assert_eq!(allgs().len(), 1);
        assert_eq!((*p0).gFree.n, 0);
    }
}

/// proc.go:4874 `newproc`: newproc1, then runqput(pp, newg, true): the newest g is
/// runnext, the one it displaced goes to the ring.
#[test]
fn newproc_puts_new_g_in_runnext() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let p0 = allp()[0];
        runtime_newproc_go(funcval_at(0x1000), 0xaaaa);
        let g1 = (*p0).runnext;
        assert_eq!((*g1).goid, 1);
        assert_eq!((*g1).gopc, 0xaaaa);
        runtime_newproc_go(funcval_at(0x2000), 0xbbbb);
        let g2 = (*p0).runnext;
        assert_eq!((*g2).goid, 2);
        assert_eq!(local_runq(p0), [1]);
        assert_eq!(&*allgs(), [g1, g2]);
    }
}

/// `go(f)`: Go's `go f()` → newproc(funcval) through the assembly entry, which passes the
/// caller's pc as gopc. The funcval's first word is the code pointer gogo jumps to.
#[test]
fn go_creates_runnable_goroutine() {
    let _l = fresh();
    unsafe {
        procresize(1);
        let p0 = allp()[0];
        let captured = 0x5eed_u64;
        crate::newproc::go(move || {
            let _ = captured; // never runs: nothing here switches to the goroutine
        });
        let gp = (*p0).runnext;
        assert!(!gp.is_null());
        assert_eq!((*gp).goid, 1);
        assert_eq!((*gp).atomicstatus, _Grunnable);
        let fv = (*gp).sched.ctxt as *const funcval;
        assert!(!fv.is_null());
        assert_eq!((*fv).fn_, (*gp).sched.pc);
        assert_eq!((*gp).startpc, (*gp).sched.pc);
        assert_ne!((*gp).gopc, 0);
        assert_eq!(*((*gp).sched.sp as *const usize), goexitPC() + 1);
        // The closure's code pointer is the runtime's Rust trampoline (asm_386.S).
        extern "C" {
            fn runtime_rustfunc();
        }
        assert_eq!((*gp).startpc, runtime_rustfunc as *const () as usize);
        assert_eq!((*gp).parentGoid, 0);
    }
}

/// proc.go:4855 `malg(stacksize)`: round2 of the size (ours at least stackReal), guards at
/// lo + stackGuard / ^0, the bottom word cleared; no stack for a negative size.
#[test]
fn malg_stacks() {
    let _l = fresh();
    unsafe {
        for (req, want) in [
            (2048, stackReal()),
            (0, stackReal()),
            (32 * 1024, stackReal()),
            (65536, stackReal()),
            (65537, 128 * 1024),
            (100_000, 128 * 1024),
            (200_000, 256 * 1024),
        ] {
            let gp = malg(req);
            let stk = (*gp).stack;
            assert_eq!(stk.hi - stk.lo, want, "malg({req})");
            assert_eq!(stk.lo % 4096, 0);
            assert_eq!((*gp).stackguard0, stk.lo + stackGuard);
            assert_eq!((*gp).stackguard1, usize::MAX);
            assert_eq!(*(stk.lo as *const usize), 0);
            assert_eq!((*gp).atomicstatus, _Gidle);
            assert_eq!((*gp).goid, 0);
        }
        let gp = malg(-1);
        assert_eq!((*gp).stack, stack { lo: 0, hi: 0 });
        assert_eq!((*gp).stackguard0, 0);
    }
}

fn stackReal() -> usize {
    crate::base::malloc::stackReal
}

/// stack.go:75/99, proc.go:685: the constants Go 1.22 uses on linux/386.
#[test]
fn constants_match_go() {
    let _l = super::lock();
    assert_eq!(stackMin, 2048);
    assert_eq!(stackGuard, 928); // stackNosplit(800) + stackSystem(0) + StackSmall(128)
    assert_eq!(_GoidCacheBatch, 16);
    assert_eq!(startingStackSize, crate::base::malloc::stackReal);
}

/// stack.go:1127 `gostartcallfn` and sys_x86.go:16 `gostartcall`: push buf.pc as a return
/// address, then pc = fn and ctxt = the funcval.
#[test]
fn gostartcall_fakes_a_call() {
    let _l = super::lock();
    let mut stackmem = [0usize; 8];
    let top = stackmem.as_mut_ptr() as usize + 8 * 4;
    let mut buf: gobuf = unsafe { zeroed() };
    buf.sp = top;
    buf.pc = 0x1111;
    let fv = funcval { fn_: 0x2222 };
    unsafe { gostartcallfn(&mut buf, &fv) };
    assert_eq!(buf.sp, top - 4);
    assert_eq!(stackmem[7], 0x1111);
    assert_eq!(buf.pc, 0x2222);
    assert_eq!(buf.ctxt, &fv as *const funcval as *const u8);
    // Twice: a second frame below the first.
    unsafe { gostartcall(&mut buf, 0x3333, std::ptr::null()) };
    assert_eq!(buf.sp, top - 8);
    assert_eq!(stackmem[6], 0x2222);
    assert_eq!(buf.pc, 0x3333);
    assert!(buf.ctxt.is_null());
}

/// proc.go:618 `allgadd`: append to allgs, growing the array and keeping the order.
#[test]
fn allgadd_appends_and_grows() {
    let _l = fresh();
    unsafe {
        let gs: Vec<*mut g> = (0..200)
            .map(|i| {
                let gp = malg(-1);
                (*gp).atomicstatus = _Gdead;
                (*gp).goid = i;
                gp
            })
            .collect();
        for (i, &gp) in gs.iter().enumerate() {
            allgadd(gp);
            assert_eq!(allgs().len(), i + 1);
            assert!((*runtime_allgs.get()).cap > i);
        }
        assert_eq!(&*allgs(), &gs[..]);
        assert_eq!((*runtime_allgs.get()).cap, 256);
    }
}

/// proc.go:1105 `casgstatus`: moves between states (the invalid cases throw, which ends the
/// process, so only valid transitions are tested).
#[test]
fn casgstatus_transitions() {
    let _l = fresh();
    unsafe {
        let gp = malg(-1);
        for (from, to) in [
            (_Gidle, _Gdead),
            (_Gdead, _Grunnable),
            (_Grunnable, _Grunning),
            (_Grunning, _Gwaiting),
            (_Gwaiting, _Grunnable),
            (_Grunnable, _Grunning),
            (_Grunning, _Gsyscall),
            (_Gsyscall, _Grunning),
            (_Grunning, _Gdead),
        ] {
            assert_eq!((*gp).atomicstatus, from);
            casgstatus(gp, from, to);
            assert_eq!((*gp).atomicstatus, to);
        }
    }
}
