//! Dead gs and their reuse: gfput / gfget (proc.go:5029-5127), gdestroy (proc.go:4184),
//! dropg (proc.go:3928).

use super::{chain, fresh, mkg};
use crate::base::glist::*;
use crate::base::malloc::stackReal;
use crate::base::malloc::*;
use crate::globals::*;
use crate::gogo::{dropg, gdestroy};
use crate::newproc::*;

/// Whether the page holding `addr` is mapped, by /proc/self/maps. (Not mincore: under
/// qemu-i386 the whole guest address space is reserved on the host, and mincore says every
/// page is there; qemu's /proc/self/maps lists the guest's own mappings.)
pub(crate) fn is_mapped(addr: usize) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    maps.lines().any(|l| {
        let range = l.split(' ').next().unwrap_or("");
        let (lo, hi) = range.split_once('-').expect("a /proc/self/maps line");
        let lo = usize::from_str_radix(lo, 16).unwrap();
        let hi = usize::from_str_radix(hi, 16).unwrap();
        (lo..hi).contains(&addr)
    })
}

/// A dead g (goid `id`) from malg, with a stack of `size` bytes requested.
fn dead_g(id: u64, size: i32) -> *mut g {
    let gp = malg(size);
    unsafe {
        casgstatus(gp, _Gidle, _Gdead);
        (*gp).goid = id;
    }
    gp
}

fn goid(gp: *mut g) -> u64 {
    assert!(!gp.is_null(), "nil g");
    unsafe { (*gp).goid }
}

/// proc.go:5029 `gfput`: a g with the standard stack (startingStackSize; ours is
/// malloc::stackReal, what stackalloc(2048) really gives) keeps it and is pushed on the
/// head of p.gFree.
#[test]
fn gfput_keeps_standard_stack() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let g1 = dead_g(1, 2048);
        let stk = (*g1).stack;
        assert_eq!(stk.hi - stk.lo, startingStackSize);
        assert_eq!(startingStackSize, stackReal);
        gfput(pp, g1);
        assert_eq!((*pp).gFree.head, g1);
        assert_eq!((*pp).gFree.n, 1);
        assert_eq!((*g1).stack, stk);
        assert_eq!((*g1).stackguard0, stk.lo + stackGuard);
        let g2 = dead_g(2, 2048);
        gfput(pp, g2);
        assert_eq!(chain((*pp).gFree.head), [2, 1]);
        assert_eq!((*pp).gFree.n, 2);
        assert_eq!((*sched()).gFree_n, 0);
    }
}

/// proc.go:5029 `gfput`: a g whose stack is not the standard size has it freed (stack and
/// stackguard0 zeroed) before it goes on the list.
#[test]
fn gfput_frees_non_standard_stack() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let gp = dead_g(1, 128 * 1024);
        let old = (*gp).stack;
        assert_eq!(old.hi - old.lo, 128 * 1024);
        assert!(is_mapped(old.lo) && is_mapped(old.hi - 1));
        gfput(pp, gp);
        assert_eq!((*gp).stack, stack { lo: 0, hi: 0 });
        assert_eq!((*gp).stackguard0, 0);
        assert_eq!((*pp).gFree.head, gp);
        assert_eq!((*pp).gFree.n, 1);
        // stackfree unmapped the stack and its guard page.
        assert!(!is_mapped(old.lo - 4096));
        assert!(!is_mapped(old.lo));
        assert!(!is_mapped(old.hi - 1));
    }
}

/// proc.go:5046-5066 `gfput`: when p.gFree reaches 64, gs are popped until 31 remain; the
/// 33 popped go to sched.gFree (pushAll of a queue built with push: the last popped first).
#[test]
fn gfput_spills_to_global_list_at_64() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let gs: Vec<*mut g> = (1..=64).map(|i| dead_g(i, 2048)).collect();
        for (i, &gp) in gs.iter().enumerate().take(63) {
            gfput(pp, gp);
            assert_eq!((*pp).gFree.n, i as i32 + 1);
        }
        assert_eq!((*sched()).gFree_n, 0);
        gfput(pp, gs[63]);
        assert_eq!((*pp).gFree.n, 31);
        assert_eq!(chain((*pp).gFree.head), (1..=31).rev().collect::<Vec<_>>());
        assert_eq!((*sched()).gFree_n, 33);
        assert_eq!(chain((*sched()).gFree_stack), (32..=64).collect::<Vec<_>>());
        assert!((*sched()).gFree_noStack.is_null());
        // Stacks are kept through the move.
        for &gp in &gs {
            assert_eq!((*gp).stack.hi - (*gp).stack.lo, startingStackSize);
        }
    }
}

/// proc.go:5046-5066 `gfput`: gs without a stack go to sched.gFree.noStack, the others to
/// sched.gFree.stack.
#[test]
fn gfput_spill_separates_stackless_gs() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        for i in 1..=64u64 {
            // odd goids get a 128 KiB stack, which gfput frees
            let size = if i % 2 == 1 { 128 * 1024 } else { 2048 };
            gfput(pp, dead_g(i, size));
        }
        assert_eq!((*pp).gFree.n, 31);
        assert_eq!((*sched()).gFree_n, 33);
        assert_eq!(
            chain((*sched()).gFree_stack),
            (32..=64).filter(|i| i % 2 == 0).collect::<Vec<_>>()
        );
        assert_eq!(
            chain((*sched()).gFree_noStack),
            (32..=64).filter(|i| i % 2 == 1).collect::<Vec<_>>()
        );
        let mut gp = (*sched()).gFree_noStack;
        while !gp.is_null() {
            assert_eq!((*gp).stack.lo, 0);
            gp = (*gp).schedlink;
        }
    }
}

/// proc.go:5072 `gfget`: LIFO from p.gFree; when it is empty, up to 32 are moved from
/// sched.gFree (the list with stacks first); nil when both are empty.
#[test]
fn gfget_lifo_then_refills_from_global() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let gs: Vec<*mut g> = (1..=64).map(|i| dead_g(i, 2048)).collect();
        let stacks: Vec<stack> = gs.iter().map(|&gp| (*gp).stack).collect();
        for &gp in &gs {
            gfput(pp, gp);
        }
        // Local list: 31, 30, ..., 1.
        for want in (1..=31).rev() {
            let gp = gfget(pp);
            assert_eq!(goid(gp), want);
            assert_eq!((*gp).stack, stacks[want as usize - 1], "stack kept");
        }
        assert_eq!((*pp).gFree.n, 0);
        assert!((*pp).gFree.head.is_null());
        // Refill: sched.gFree.stack is 32..64; 32 are popped (32..63), each pushed on the
        // local list, so 63 comes out first.
        assert_eq!(goid(gfget(pp)), 63);
        assert_eq!((*pp).gFree.n, 31);
        assert_eq!((*sched()).gFree_n, 1);
        assert_eq!(chain((*sched()).gFree_stack), [64]);
        assert_eq!(chain((*pp).gFree.head), (32..=62).rev().collect::<Vec<_>>());
        for want in (32..=62).rev() {
            assert_eq!(goid(gfget(pp)), want);
        }
        assert_eq!(goid(gfget(pp)), 64);
        assert_eq!((*sched()).gFree_n, 0);
        assert!((*sched()).gFree_stack.is_null());
        assert!(gfget(pp).is_null());
        assert_eq!((*pp).gFree.n, 0);
    }
}

/// proc.go:5074-5091 `gfget` refill: "Prefer Gs with stacks", then the stackless ones,
/// stopping at 32 local gs.
#[test]
fn gfget_refill_prefers_gs_with_stacks() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let sched = sched();
        // Two with stacks (goids 1, 2), forty without (101..140).
        for i in (1..=2).rev() {
            glist_push(&mut (*sched).gFree_stack, dead_g(i, 2048));
        }
        for i in (101..=140).rev() {
            let gp = mkg(i);
            (*gp).atomicstatus = _Gdead;
            glist_push(&mut (*sched).gFree_noStack, gp);
        }
        (*sched).gFree_n = 42;
        let gp = gfget(pp);
        // Moved: 1, 2, 101..130 (32 in all); the last pushed is handed out.
        assert_eq!(goid(gp), 130);
        assert_eq!((*pp).gFree.n, 31);
        assert_eq!((*sched).gFree_n, 10);
        assert!((*sched).gFree_stack.is_null());
        assert_eq!(
            chain((*sched).gFree_noStack),
            (131..=140).collect::<Vec<_>>()
        );
        let mut want: Vec<u64> = (101..=129).rev().collect();
        want.extend([2, 1]);
        assert_eq!(chain((*pp).gFree.head), want);
        // proc.go:5109-5114: a g without a stack gets a new one of startingStackSize.
        assert_ne!((*gp).stack.lo, 0);
        assert_eq!((*gp).stack.hi - (*gp).stack.lo, startingStackSize);
        assert_eq!((*gp).stackguard0, (*gp).stack.lo + 928);
        assert!(is_mapped((*gp).stack.lo) && is_mapped((*gp).stack.hi - 1));
    }
}

/// proc.go:5029/5072: a g whose stack gfput freed (non-standard size) gets a fresh standard
/// stack from gfget, with stackguard0 = lo + stackGuard (928).
#[test]
fn gfget_gives_freed_g_a_new_stack() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let gp = dead_g(7, 256 * 1024);
        gfput(pp, gp);
        assert_eq!((*gp).stack.lo, 0);
        let got = gfget(pp);
        assert_eq!(got, gp);
        assert_ne!((*gp).stack.lo, 0);
        assert_eq!((*gp).stack.hi - (*gp).stack.lo, startingStackSize);
        assert_eq!((*gp).stackguard0, (*gp).stack.lo + 928);
        assert_eq!((*gp).atomicstatus, _Gdead);
        // The whole new stack is usable.
        let lo = (*gp).stack.lo as *mut u8;
        lo.write(1);
        lo.add(startingStackSize - 1).write(2);
        assert!((*pp).gFree.head.is_null() && (*pp).gFree.n == 0);
    }
}

/// proc.go:5097-5107 `gfget`: a g kept with a stack that is no longer the standard size
/// ("the right size has changed since then") has it freed and replaced.
#[test]
fn gfget_replaces_stack_of_wrong_size() {
    let _l = fresh();
    unsafe {
        let pp = crate::base::malloc::new::<p>();
        let gp = dead_g(3, 128 * 1024);
        let old = (*gp).stack;
        glist_push(&mut (*pp).gFree.head, gp); // bypassing gfput, which would free it
        (*pp).gFree.n = 1;
        assert_eq!(gfget(pp), gp);
        assert_eq!((*gp).stack.hi - (*gp).stack.lo, startingStackSize);
        assert_eq!((*gp).stackguard0, (*gp).stack.lo + 928);
        // The old stack was unmapped: none of its pages is mapped, but for those the new
        // stack (or its guard page) may have been given (the kernel and qemu-i386 reuse
        // freed address space in different orders).
        let new = (*gp).stack;
        let new_map = new.lo - crate::base::malloc::stackGuardPage..new.hi;
        let stale: Vec<usize> = (old.lo - crate::base::malloc::stackGuardPage..old.hi)
            .step_by(4096)
            .filter(|a| !new_map.contains(a) && is_mapped(*a))
            .collect();
        assert!(
            stale.is_empty(),
            "pages of the old stack still mapped: {stale:x?}"
        );
        assert!(old.hi - old.lo > new.hi - new.lo);
    }
}

/// proc.go:4184 `gdestroy`: _Grunning → _Gdead, the g loses its M and lock, its defer,
/// panic, waitreason and param are cleared, dropg, and it goes on the P's free list with
/// its standard stack.
#[test]
fn gdestroy_puts_dead_g_on_free_list() {
    let _l = fresh();
    unsafe {
        crate::schedinit::procresize(1);
        let p0 = allp()[0];
        let gp = malg(2048);
        let stk = (*gp).stack;
        (*gp).atomicstatus = _Grunning;
        (*gp).goid = 9;
        (*gp).m = m0();
        (*m0()).curg = gp;
        (*gp).lockedm = m0() as usize;
        (*m0()).lockedg = gp;
        (*gp).preemptStop = true;
        (*gp)._defer = 1;
        (*gp)._panic = 2;
        (*gp).waitreason = 3;
        (*gp).param = 4;
        gdestroy(gp);
        assert_eq!((*gp).atomicstatus, _Gdead);
        assert!((*gp).m.is_null());
        assert!((*m0()).curg.is_null());
        assert_eq!((*gp).lockedm, 0);
        assert!((*m0()).lockedg.is_null());
        assert!(!(*gp).preemptStop);
        assert_eq!(
            ((*gp)._defer, (*gp)._panic, (*gp).waitreason, (*gp).param),
            (0, 0, 0, 0)
        );
        assert_eq!((*p0).gFree.head, gp);
        assert_eq!((*p0).gFree.n, 1);
        assert_eq!((*gp).stack, stk);
        // newproc1 reuses it (proc.go:4900 gfget).
        assert_eq!(gfget(p0), gp);
    }
}

/// proc.go:3928 `dropg`: m.curg.m = nil, m.curg = nil (and nothing when there is no curg).
#[test]
fn dropg_unlinks_m_and_curg() {
    let _l = fresh();
    unsafe {
        dropg();
        assert!((*m0()).curg.is_null());
        let gp = mkg(1);
        (*gp).m = m0();
        (*m0()).curg = gp;
        dropg();
        assert!((*m0()).curg.is_null());
        assert!((*gp).m.is_null());
        assert_eq!((*m0()).g0, g0(), "g0 untouched");
    }
}
