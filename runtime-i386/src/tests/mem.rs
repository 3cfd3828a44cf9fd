//! Memory: stackalloc / stackfree (stack.go:336, 439; ours: one mapping per stack with a
//! PROT_NONE guard page below), persistentalloc (malloc.go:1526), and the small-object
//! allocator behind `go` closures (mallocgc / free).

use super::gfree::is_mapped;
use super::{lock, mapping_of, maps};
use crate::base::malloc::*;

/// stack.go:336 `stackalloc(n)`: `[lo, hi)` of at least n bytes; ours are stackReal
/// (64 KiB) or n rounded up to pages, readable and writable, with a PROT_NONE page right
/// below lo (the guard that turns an overflow into a fault).
#[test]
fn stackalloc_has_guard_page_below() {
    let _l = lock();
    for (n, want) in [
        (2048u32, 64 * 1024),
        (1, 64 * 1024),
        (64 * 1024, 64 * 1024),
        (64 * 1024 + 1, 68 * 1024),
        (200 * 1024, 200 * 1024),
    ] {
        let stk = stackalloc(n);
        assert_eq!(stk.hi - stk.lo, want, "stackalloc({n})");
        assert_eq!(stk.lo % 4096, 0);
        assert_eq!(stk.hi % 4096, 0);
        let all = maps();
        // The guard: a ---p mapping ending exactly at lo and covering the page below it.
        let guard = all
            .iter()
            .find(|m| m.end == stk.lo)
            .unwrap_or_else(|| panic!("no mapping ends at lo {:#x}", stk.lo));
        assert_eq!(guard.perms, "---p", "guard page of stackalloc({n})");
        assert!(guard.start <= stk.lo - stackGuardPage);
        // The stack itself: rw-p from lo to (at least) hi.
        for addr in [stk.lo, stk.hi - 1] {
            let m = mapping_of(addr).expect("stack mapped");
            assert_eq!(m.perms, "rw-p", "stack page {addr:#x}");
        }
        // Zeroed and writable.
        unsafe {
            let lo = stk.lo as *mut u8;
            assert_eq!(*lo, 0);
            assert_eq!(*lo.add(want - 1), 0);
            lo.write(0xaa);
            lo.add(want - 1).write(0xbb);
        }
        stackfree(stk);
    }
}

/// stack.go:439 `stackfree`: the stack and its guard page are unmapped.
#[test]
fn stackfree_unmaps_stack_and_guard() {
    let _l = lock();
    let stk = stackalloc(2048);
    assert!(is_mapped(stk.lo - stackGuardPage));
    assert!(is_mapped(stk.lo) && is_mapped(stk.hi - 1));
    stackfree(stk);
    assert!(!is_mapped(stk.lo - stackGuardPage));
    assert!(!is_mapped(stk.lo));
    assert!(!is_mapped(stk.hi - 1));
}

/// Two stacks never overlap, and neither overlaps the other's guard page.
#[test]
fn stacks_are_disjoint() {
    let _l = lock();
    let stks: Vec<_> = (0..8).map(|_| stackalloc(2048)).collect();
    for (i, a) in stks.iter().enumerate() {
        for b in &stks[..i] {
            let (alo, blo) = (a.lo - stackGuardPage, b.lo - stackGuardPage);
            assert!(a.hi <= blo || b.hi <= alo, "{a:?} overlaps {b:?}");
        }
    }
    for s in stks {
        stackfree(s);
    }
}

/// malloc.go:1526 `persistentalloc(size, align)`: zeroed, aligned, non-overlapping memory
/// that is never freed; large requests get their own page-aligned mapping.
#[test]
fn persistentalloc_zeroed_aligned_disjoint() {
    let _l = lock();
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    for (i, (size, align)) in [
        (1, 1),
        (3, 1),
        (8, 8),
        (12, 4),
        (100, 16),
        (4576, 8),
        (260, 4),
    ]
    .iter()
    .cycle()
    .take(200)
    .enumerate()
    {
        let p = persistentalloc(*size, *align) as usize;
        assert_eq!(p % align, 0, "allocation {i}");
        unsafe {
            let s = std::slice::from_raw_parts_mut(p as *mut u8, *size);
            assert!(s.iter().all(|&b| b == 0), "allocation {i} not zeroed");
            s.fill(0xcd);
        }
        blocks.push((p, *size));
    }
    let big = persistentalloc(300 * 1024, 8) as usize;
    assert_eq!(big % 4096, 0);
    unsafe { *((big + 300 * 1024 - 1) as *mut u8) = 1 };
    blocks.push((big, 300 * 1024));
    blocks.sort();
    for w in blocks.windows(2) {
        assert!(
            w[0].0 + w[0].1 <= w[1].0,
            "{:x?} overlaps {:x?}",
            w[0],
            w[1]
        );
    }
    // new::<T>() is persistentalloc(size_of T, align_of T).
    let pp = new::<crate::globals::p>();
    assert_eq!(pp as usize % core::mem::align_of::<crate::globals::p>(), 0);
    unsafe { assert_eq!((*pp).id, 0) };
}

/// mallocgc/free: power-of-two size classes from 8 to 4096, LIFO free lists; a freed
/// object is reused (zeroed first word) by the next allocation of its class only.
#[test]
fn mallocgc_reuses_freed_objects_of_same_class() {
    let _l = lock();
    unsafe {
        let a = mallocgc(24);
        assert_eq!(a as usize % 8, 0);
        (a as *mut usize).write(0xdead_beef);
        free(a, 24);
        // 17..=32 bytes are one class.
        let b = mallocgc(30);
        assert_eq!(b, a);
        assert_eq!(*(b as *const usize), 0, "free-list link cleared");
        // LIFO
        let (x, y) = (mallocgc(100), mallocgc(100));
        assert_ne!(x, y);
        free(x, 100);
        free(y, 128);
        assert_eq!(mallocgc(65), y);
        assert_eq!(mallocgc(128), x);
        // Another class does not get it.
        free(b, 32);
        let c = mallocgc(8);
        assert_ne!(c, b);
        let d = mallocgc(33);
        assert_ne!(d, b);
        assert_eq!(mallocgc(17), b);
        // Objects of a class do not overlap.
        let objs: Vec<usize> = (0..64).map(|_| mallocgc(4096) as usize).collect();
        let mut sorted = objs.clone();
        sorted.sort();
        for w in sorted.windows(2) {
            assert!(w[0] + 4096 <= w[1]);
        }
        for &o in &objs {
            assert_eq!(o % 8, 0);
            free(o as *mut u8, 4096);
        }
        // All 64 come back, most recently freed first.
        let again: Vec<usize> = (0..64).map(|_| mallocgc(3000) as usize).collect();
        let mut rev = objs.clone();
        rev.reverse();
        assert_eq!(again, rev);
    }
}

/// mem.go:49 `sysAlloc(n)` (mem_linux.go:21 sysAllocOS): fresh zeroed, page-aligned, read-write memory from mmap2.
#[test]
fn sysalloc_maps_rw_memory() {
    let _l = lock();
    let p = sysAlloc(3 * 4096) as usize;
    assert_eq!(p % 4096, 0);
    for off in [0, 4096, 3 * 4096 - 1] {
        let m = mapping_of(p + off).expect("mapped");
        assert_eq!(m.perms, "rw-p");
        unsafe { assert_eq!(*((p + off) as *const u8), 0) };
    }
}
