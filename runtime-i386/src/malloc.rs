//! Memory: everything comes from `mmap2`, as in Go (mem_linux.go sysAlloc).
//!
//! We have no garbage collector, so no heap arenas: runtime structures that Go allocates
//! with `new` and never frees (gs, Ps, the allp/allgs arrays) come from `persistentalloc`,
//! a bump allocator over 256 KiB chunks (Go has one too: malloc.go persistentalloc).
//! Goroutine stacks come from `stackalloc`, each its own mapping with a guard page below.

use crate::globals::Global;
use crate::print::throw;
use crate::sys_linux_386::*;

const PAGE: usize = 4096;
const CHUNK: usize = 256 << 10;

struct Persistent {
    base: usize,
    off: usize,
}
static PERSISTENT: Global<Persistent> = Global::new(Persistent {
    base: 0,
    off: CHUNK,
});

/// `sysAlloc(n)`: fresh zeroed memory from the OS, or a fatal error.
pub fn sysAlloc(n: usize) -> *mut u8 {
    let r = mmap(
        0,
        n,
        PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS,
        -1,
        0,
    );
    if is_err(r) {
        crate::print::fatal_with(format_args!(
            "runtime: out of memory: cannot allocate {}-byte block (mmap2 errno {})",
            n, -r
        ));
    }
    r as *mut u8
}

/// `persistentalloc(size, align)`: zeroed memory that is never freed.
pub fn persistentalloc(size: usize, align: usize) -> *mut u8 {
    if size >= CHUNK / 4 {
        return sysAlloc(size.next_multiple_of(PAGE));
    }
    unsafe {
        let st = &mut *PERSISTENT.get();
        let mut off = st.off.next_multiple_of(align);
        if off + size > CHUNK {
            st.base = sysAlloc(CHUNK) as usize;
            off = 0;
        }
        st.off = off + size;
        (st.base + off) as *mut u8
    }
}

/// `new(T)` for runtime structures: zeroed, never freed.
pub fn new<T>() -> *mut T {
    persistentalloc(core::mem::size_of::<T>(), core::mem::align_of::<T>()) as *mut T
}

// Small objects that are freed again (goroutine closures): power-of-two size classes with
// free lists, refilled from persistentalloc.
const NCLASS: usize = 10; // 8 .. 4096 bytes
static FREE: Global<[usize; NCLASS]> = Global::new([0; NCLASS]);

fn class_of(size: usize) -> usize {
    let size = size.max(8).next_power_of_two();
    let c = size.trailing_zeros() as usize - 3;
    if c >= NCLASS {
        throw("mallocgc: object too large for the runtime's small-object allocator");
    }
    c
}

/// Allocates `size` bytes (at most 4096) aligned to 8.
pub fn mallocgc(size: usize) -> *mut u8 {
    let c = class_of(size);
    unsafe {
        let free = &mut *FREE.get();
        if free[c] != 0 {
            let p = free[c] as *mut usize;
            free[c] = *p;
            *p = 0;
            return p as *mut u8;
        }
    }
    persistentalloc(8 << c, 8)
}

/// Returns an object from `mallocgc` of the same `size` to its free list.
///
/// # Safety
/// `p` must come from `mallocgc(size)` and not be used again.
pub unsafe fn free(p: *mut u8, size: usize) {
    let c = class_of(size);
    let free = &mut *FREE.get();
    *(p as *mut usize) = free[c];
    free[c] = p as usize;
}

/// The stack every goroutine really gets. Go starts goroutines on 2 KiB (`stackMin`) and
/// grows them by copying (stack.go newstack/copystack), which works because the compiler
/// knows every pointer into the stack. Rust code cannot be moved like that and its frames
/// are larger (a debug build's `core::fmt` call alone can take kilobytes), so `stackalloc`
/// rounds every request up to this fixed size; only the pages a goroutine touches become
/// resident. A PROT_NONE guard page below `lo` turns an overflow into a fault that the
/// signal handler reports as Go's "fatal error: stack overflow".
pub const stackReal: usize = 64 << 10;
/// The guard page below every goroutine stack.
pub const stackGuardPage: usize = PAGE;

/// `stackalloc(n)` (stack.go:336): a stack of at least `n` bytes, `[lo, hi)`.
pub fn stackalloc(n: u32) -> crate::globals::stack {
    let size = (n as usize).max(stackReal).next_multiple_of(PAGE);
    let base = sysAlloc(size + stackGuardPage) as usize;
    if is_err(mprotect(base, stackGuardPage, PROT_NONE)) {
        throw("stackalloc: cannot protect the guard page");
    }
    crate::globals::stack {
        lo: base + stackGuardPage,
        hi: base + stackGuardPage + size,
    }
}

/// `stackfree(stk)` (stack.go:439): unmaps the stack and its guard page.
pub fn stackfree(stk: crate::globals::stack) {
    if is_err(munmap(
        stk.lo - stackGuardPage,
        stk.hi - stk.lo + stackGuardPage,
    )) {
        throw("stackfree: munmap failed");
    }
}
