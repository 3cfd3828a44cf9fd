//! Memory: everything comes from `mmap2`, as in Go (mem_linux.go sysAlloc).
//!
//! We have no garbage collector, so no heap arenas: runtime structures that Go allocates
//! with `new` and never frees (gs, Ps, the allp/allgs arrays) come from `persistentalloc`,
//! a bump allocator over 256 KiB chunks (Go has one too: malloc.go persistentalloc).
//! Goroutine stacks come from `stackalloc`, each its own mapping with a guard page below.
//!
//! `malg` is here too (Go: proc.go): schedinit gives m0 its signal g with it, before the
//! newproc chapter, where goroutines get theirs.

use crate::base::lock_futex::{lock, mutex, unlock};
use crate::base::print::throw;
use crate::base::runtime2::*;
use crate::base::sys_linux_386::*;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

const PAGE: usize = 4096;
const CHUNK: usize = 256 << 10;

/// Go's heap page size (malloc.go `_PageSize`), for mallocgc's overflow check.
const _PageSize: usize = 8 << 10;

struct Persistent {
    base: usize,
    off: usize,
}
static PERSISTENT: Global<Persistent> = Global::new(Persistent {
    base: 0,
    off: CHUNK,
});

/// Bytes the runtime holds from the OS: the "in use" of the out-of-memory message.
static MAPPED: AtomicUsize = AtomicUsize::new(0);
/// The memory mappings the runtime made (each mmap2 one, each guard page one more), for
/// when /proc/self/maps cannot be read.
static MAPPINGS: AtomicUsize = AtomicUsize::new(0);
/// `mheap_.lock`: the small-object free lists and the persistent chunk are shared by all Ms.
static mheap_lock: Global<mutex> = Global::new(0);

/// The out-of-memory death of mheap.grow (mheap.go:1486-1487), then mcache.allocLarge's
/// throw (mcache.go:235-236).
#[cold]
pub fn outOfMemory(n: usize) -> ! {
    crate::println!(
        "runtime: out of memory: cannot allocate {}-byte block ({} in use)",
        n,
        MAPPED.load(Relaxed)
    );
    throw("out of memory")
}

/// mmap2 of `n` bytes (a multiple of the page size): the address or the errno.
fn sysAllocOS(n: usize) -> Result<usize, isize> {
    let r = mmap(
        0,
        n,
        PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS,
        -1,
        0,
    );
    if is_err(r) {
        return Err(-r);
    }
    MAPPED.fetch_add(n, Relaxed);
    MAPPINGS.fetch_add(1, Relaxed);
    Ok(r as usize)
}

/// `sysAlloc(n)`: fresh zeroed memory from the OS (n rounded up to pages), or a fatal
/// error: Go's out-of-memory message, or why the kernel said no if it was not memory.
pub fn sysAlloc(n: usize) -> *mut u8 {
    let Some(size) = n.checked_next_multiple_of(PAGE) else {
        outOfMemory(n)
    };
    match sysAllocOS(size) {
        Ok(p) => p as *mut u8,
        Err(errno) => sysAllocFailed("sysAlloc: mmap2", size, errno),
    }
}

/// A failed mmap2 of `n` bytes: ENOMEM is the per-process mapping limit (see
/// [`mapLimitDie`]) or else Go's out of memory; any other errno is a bug, named as such.
#[cold]
fn sysAllocFailed(what: &str, n: usize, errno: isize) -> ! {
    if errno == ENOMEM {
        mapLimitDie(what, errno);
        outOfMemory(n)
    }
    crate::base::print::fatal_with(format_args!(
        "runtime: {} of {} bytes failed: errno {} ({})",
        what,
        n,
        errno,
        errno_name(errno)
    ))
}

/// Not in Go (its stacks live in the heap, no guard pages): every goroutine stack here is a
/// mapping plus a PROT_NONE guard page, two of the kernel's per-process memory mappings, of
/// which `vm.max_map_count` allow 65530 by default. When mmap2 or mprotect fails with
/// ENOMEM, count our mappings (/proc/self/maps) and, if that is (within 1/64 of) the limit,
/// say so and die as Go dies of too many threads (proc.go:854-870 checkmcount). Returns if
/// it is not.
pub fn mapLimitDie(what: &str, errno: isize) {
    let Some(max) = read_number(b"/proc/sys/vm/max_map_count\0") else {
        return;
    };
    // Natively /proc/self/maps has the limit's count, give or take one. qemu-user lists
    // only the guest's mappings (its own, about a hundred, count too) and at the limit
    // fails to build the list at all: then count ours.
    let (maps, whose) = match count_lines(b"/proc/self/maps\0") {
        Some(n) if n > 0 => (n, ""),
        _ => (MAPPINGS.load(Relaxed), " by the runtime's own count"),
    };
    if maps + max / 64 < max {
        return;
    }
    crate::println!(
        "runtime: {} failed: errno {} ({})\n\
         runtime: the per-process limit on memory mappings is reached: {} mappings{}, \
         vm.max_map_count = {} (/proc/sys/vm/max_map_count)\n\
         runtime: {} live goroutines; each goroutine stack takes 2 mappings (the stack and \
         its guard page)",
        what,
        errno,
        errno_name(errno),
        maps,
        whose,
        max,
        gcount()
    );
    throw("mapping exhaustion")
}

/// The decimal number at the start of a small file, if it can be read.
fn read_number(path: &[u8]) -> Option<usize> {
    let fd = open(path, 0);
    if fd < 0 {
        return None;
    }
    let mut buf = [0u8; 24];
    let n = read(fd, &mut buf);
    closefd(fd);
    let digits = &buf[..n.max(0) as usize];
    let end = digits.iter().position(|c| !c.is_ascii_digit())?;
    crate::base::string::atoi32(&digits[..end]).map(|v| v as usize)
}

/// The number of lines of a file, read in pieces, if it can be read.
fn count_lines(path: &[u8]) -> Option<usize> {
    let fd = open(path, 0);
    if fd < 0 {
        return None;
    }
    let mut buf = [0u8; 4096];
    let mut lines = 0;
    loop {
        let n = read(fd, &mut buf);
        if n < 0 && n != -EINTR {
            closefd(fd);
            return None;
        }
        if n == 0 {
            break;
        }
        lines += buf[..n.max(0) as usize]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
    }
    closefd(fd);
    Some(lines)
}

/// `persistentalloc(size, align)` (malloc.go:1526-1601): zeroed memory that is never freed.
pub fn persistentalloc(size: usize, align: usize) -> *mut u8 {
    if size == 0 {
        throw("persistentalloc: size == 0");
    }
    if !align.is_power_of_two() {
        throw("persistentalloc: align is not a power of 2");
    }
    if align > PAGE {
        throw("persistentalloc: align is too large");
    }
    if size >= CHUNK / 4 {
        return sysAlloc(size);
    }
    lock(mheap_lock.get());
    // SAFETY: PERSISTENT is the allocator's own state, under mheap_lock; the chunk is fresh mmap memory.
    let p = unsafe {
        let st = &mut *PERSISTENT.get();
        // off <= CHUNK and size < CHUNK / 4: no overflow here.
        let mut off = st.off.next_multiple_of(align);
        if off + size > CHUNK {
            st.base = sysAlloc(CHUNK) as usize;
            off = 0;
        }
        st.off = off + size;
        (st.base + off) as *mut u8
    };
    unlock(mheap_lock.get());
    p
}

/// `new(T)` for runtime structures: zeroed, never freed.
pub fn new<T>() -> *mut T {
    persistentalloc(core::mem::size_of::<T>(), core::mem::align_of::<T>()) as *mut T
}

/// `make([]T, n)` for the runtime's own arrays (allp, the P masks): zeroed, never freed.
/// As makeslice (slice.go:92-108): a size that overflows or exceeds maxAlloc panics with
/// "makeslice: len out of range"; then mallocgc's large-object path dies of out of memory
/// if size + _PageSize overflows (mcache.go:219-221).
pub fn makeslice<T>(len: usize) -> *mut T {
    match sliceBytes::<T>(len) {
        Some(mem) => mallocLarge::<T>(mem),
        None => crate::base::print::panicErrorString("makeslice: len out of range"),
    }
}

/// The new backing array of an `append` that grows a runtime slice to `newcap` elements:
/// as makeslice, with growslice's message (slice.go:236-237).
pub fn growslice<T>(newcap: usize) -> *mut T {
    match sliceBytes::<T>(newcap) {
        Some(mem) => mallocLarge::<T>(mem),
        None => crate::base::print::panicErrorString("growslice: len out of range"),
    }
}

/// The bytes of `n` elements of T, if that is at most `maxAlloc` (malloc.go:213-218), which
/// on 32-bit is 2^32-1, the largest usize: then only the multiplication can fail.
fn sliceBytes<T>(n: usize) -> Option<usize> {
    core::mem::size_of::<T>().checked_mul(n)
}

fn mallocLarge<T>(mem: usize) -> *mut T {
    if mem == 0 {
        return core::ptr::NonNull::dangling().as_ptr(); // Go: &zerobase
    }
    if mem.checked_add(_PageSize).is_none() {
        throw("out of memory");
    }
    persistentalloc(mem, core::mem::align_of::<T>()) as *mut T
}

// Small objects that are freed again (goroutine closures): power-of-two size classes with
// free lists, refilled from persistentalloc.
const NCLASS: usize = 10; // 8 .. 4096 bytes
static FREE: Global<[usize; NCLASS]> = Global::new([0; NCLASS]);

fn class_of(size: usize) -> usize {
    // Checked before rounding up: next_power_of_two overflows above 2^31.
    if size > 8 << (NCLASS - 1) {
        throw("mallocgc: object too large for the runtime's small-object allocator");
    }
    size.max(8).next_power_of_two().trailing_zeros() as usize - 3
}

/// Allocates `size` bytes (at most 4096) aligned to 8.
pub fn mallocgc(size: usize) -> *mut u8 {
    let c = class_of(size);
    lock(mheap_lock.get());
    // SAFETY: FREE holds free lists of blocks this allocator handed out, each at least a word; under mheap_lock.
    unsafe {
        let free = &mut *FREE.get();
        if free[c] != 0 {
            let p = free[c] as *mut usize;
            free[c] = *p;
            *p = 0;
            unlock(mheap_lock.get());
            return p as *mut u8;
        }
    }
    unlock(mheap_lock.get());
    persistentalloc(8 << c, 8)
}

/// Returns an object from `mallocgc` of the same `size` to its free list.
///
/// # Safety
/// `p` must come from `mallocgc(size)` and not be used again.
pub unsafe fn free(p: *mut u8, size: usize) {
    let c = class_of(size);
    lock(mheap_lock.get());
    let free = &mut *FREE.get();
    *(p as *mut usize) = free[c];
    free[c] = p as usize;
    unlock(mheap_lock.get());
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

/// `stackalloc(n)` (stack.go:336): a stack of at least `n` bytes, `[lo, hi)`. Like Go's
/// stackFromSystem mode (stack.go:351-357) it maps each stack on its own; a size that
/// cannot be rounded up dies as Go's does there, "out of memory (stackalloc)".
pub fn stackalloc(n: u32) -> crate::base::runtime2::stack {
    let Some(size) = (n as usize).max(stackReal).checked_next_multiple_of(PAGE) else {
        throw("out of memory (stackalloc)")
    };
    let Some(total) = size.checked_add(stackGuardPage) else {
        throw("out of memory (stackalloc)")
    };
    let base = match sysAllocOS(total) {
        Ok(base) => base,
        Err(errno) => sysAllocFailed("stackalloc: mmap2", total, errno),
    };
    let r = mprotect(base, stackGuardPage, PROT_NONE);
    if is_err(r) {
        if -r == ENOMEM {
            mapLimitDie("stackalloc: mprotect of the guard page", -r);
        }
        crate::base::print::fatal_with(format_args!(
            "stackalloc: cannot protect the guard page: errno {} ({})",
            -r,
            errno_name(-r)
        ));
    }
    MAPPINGS.fetch_add(1, Relaxed); // the guard page split off the mapping
    crate::base::runtime2::stack {
        lo: base + stackGuardPage,
        hi: base + stackGuardPage + size,
    }
}

/// `stackfree(stk)` (stack.go:439): unmaps the stack and its guard page.
pub fn stackfree(stk: crate::base::runtime2::stack) {
    if is_err(munmap(
        stk.lo - stackGuardPage,
        stk.hi - stk.lo + stackGuardPage,
    )) {
        throw("stackfree: munmap failed");
    }
    MAPPED.fetch_sub(stk.hi - stk.lo + stackGuardPage, Relaxed);
    MAPPINGS.fetch_sub(2, Relaxed);
}

/// stack.go:75 `stackMin = 2048`: the smallest stack Go gives a goroutine.
pub const stackMin: u32 = 2048;
/// stack.go:99 `stackGuard = stackNosplit(800) + stackSystem(0) + abi.StackSmall(128)`:
/// a Go function's prologue calls morestack when SP goes below `stack.lo + stackGuard`.
pub const stackGuard: usize = 928;
/// stack.go:1303 `startingStackSize = fixedStack` (2048). In our runtime the stack that
/// `stackalloc(fixedStack)` really returns, so that gfput keeps standard stacks as Go does.
pub const startingStackSize: usize = stackReal;

// ANCHOR: malg
/// `malg(stacksize)` (proc.go:4855-4869): a new g with a stack of at least `stacksize`
/// bytes (see [`stackReal`] for how ours differ), or none if `stacksize < 0`.
pub fn malg(stacksize: i32) -> *mut g {
    let newg = new::<g>();
    if stacksize >= 0 {
        // round2(stackSystem + stacksize); stacksize <= 2^31-1 rounds to at most 2^31.
        let stacksize = (stacksize as u32).next_power_of_two();
        // SAFETY: newg is the fresh g allocated above.
        unsafe {
            (*newg).stack = stackalloc(stacksize);
            (*newg).stackguard0 = (*newg).stack.lo + stackGuard;
            (*newg).stackguard1 = usize::MAX;
            // Go clears the bottom word of the stack here (proc.go:4863), where VDSO code
            // on ARM records g. The word is already zero in a fresh mapping, and writing it
            // would make the stack's lowest page resident: a second page per goroutine on
            // top of the one at hi. We leave it untouched (a measured choice: `make bench`).
        }
    }
    newg
}
// ANCHOR_END: malg
