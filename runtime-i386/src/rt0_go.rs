//! # rt0_go: the processor, TLS, the first links, and what the OS tells us
//! (asm_386.s:92-254, os_linux.go:97-122, 317-347)
//!
//! `runtime·rt0_go` is mostly assembly (`asm/asm_386.S`): it aligns the stack, carves g0's
//! stack out of the OS stack, probes CPUID, sets up TLS, links m0 and g0, then calls
//! `check`, `args`, `osinit`, `schedinit`, `newproc(mainPC)` and `mstart`. This module holds
//! the Rust parts it calls: `setldt` (TLS through `set_thread_area`), `check`, `osinit`
//! (the CPUs of the affinity mask, the huge page size), and the first chapter stop points.

use crate::base::runtime2::*;
use crate::base::sys_linux_386::*;
use crate::base::tls::tlsReady;
use core::mem::{offset_of, size_of};

/// Set by rt0_go when CPUID says "GenuineIntel" (runtime2.go `isIntel`).
#[no_mangle]
pub static runtime_isIntel: Global<bool> = Global::new(false);
/// CPUID leaf 1's EAX (runtime2.go `processorVersionInfo`).
#[no_mangle]
pub static runtime_processorVersionInfo: Global<u32> = Global::new(0);
/// The GDT entry the kernel gave us for TLS (sys_linux_386.s `tls_entry_number`), -1 before.
#[no_mangle]
pub static runtime_tls_entry_number: Global<i32> = Global::new(-1);

/// Not in Go: called first thing in rt0_go. Remembers argc/argv, switches the boot trace on
/// if `BOOTTRACE` is set, and stops the `globals` and `rt0_386` chapter programs.
///
/// # Safety
/// Called once, by rt0_go, with the kernel's argc and argv.
#[no_mangle]
pub unsafe extern "C" fn runtime_rt0_go_entry(argc: i32, argv: *const *const u8) {
    // SAFETY: called once by rt0_go with the kernel's argc and argv, before anything reads them.
    unsafe {
        *crate::base::args::bootArgs.get() = (argc, argv as usize);
        let on = crate::base::args::getenv_in(crate::base::args::boot_block(), b"BOOTTRACE");
        *crate::base::trace::TRACE.get() = crate::base::trace::mode_of(on);
    }
    boottrace!(
        "_rt0_386",
        "argc={} argv={:#x}: jumped to rt0_go",
        argc,
        argv as usize
    );
    crate::base::stage::bootstage(crate::base::stage::Stage::globals);
    crate::base::stage::bootstage(crate::base::stage::Stage::rt0_386);
}

/// `user_desc` for set_thread_area (linux/asm/ldt.h).
#[repr(C)]
struct user_desc {
    entry_number: i32,
    base_addr: usize,
    limit: u32,
    flags: u32,
}
const SEG_32BIT: u32 = 0x1;
const LIMIT_IN_PAGES: u32 = 0x10;
const USEABLE: u32 = 0x40;

// ANCHOR: setldt
/// `setldt(entry, base, limit)` (sys_linux_386.s:658-718): make %gs address m.tls.
///
/// Go's linker rewrites `0(TLS)` into `-4(GS)`, so the segment's base is `&tls[1]` and its
/// first word points to itself (as an ELF TLS block does); g then lives at `-4(GS)`, in
/// `tls[0]`. The entry number is only a hint: we pass -1 and Linux picks a free GDT entry
/// (12 on an x86-64 kernel), which we keep for later threads. The selector is entry*8+3
/// (GDT, ring 3). `limit` is ignored: the segment spans the address space.
#[no_mangle]
pub extern "C" fn runtime_setldt(_entry: i32, base: usize, _limit: i32) {
    // ANCHOR: exercise-tls-setldt
    let address = base + 4;
    unsafe { *(address as *mut usize) = address };
    let entry = unsafe { *runtime_tls_entry_number.get() };
    let mut d = user_desc {
        entry_number: entry,
        base_addr: address,
        limit: 0xfffff,
        flags: SEG_32BIT | LIMIT_IN_PAGES | USEABLE,
    };
    // Like Go, always int $0x80 here: setldt runs before anything else is known.
    let r = syscall_int80(
        SYS_set_thread_area,
        [&mut d as *mut user_desc as usize, 0, 0, 0, 0, 0],
    );
    if is_err(r) {
        // Go stops on INT $3; we say why first.
        crate::base::print::fatal_with(format_args!(
            "runtime: set_thread_area failed: errno {}",
            -r
        ));
    }
    if entry == -1 {
        unsafe { *runtime_tls_entry_number.get() = d.entry_number };
    }
    let sel = (d.entry_number as u16) << 3 | 3;
    // SAFETY: the kernel gave this GDT entry for m0.tls (set_thread_area above), whose word at tls[1] points at itself.
    unsafe {
        x86::segmentation::load_gs(x86::segmentation::SegmentSelector::from_raw(sel));
        *tlsReady.get() = true;
    }
    // ANCHOR_END: exercise-tls-setldt
}
// ANCHOR_END: setldt

/// The %gs selector in use.
pub fn gs_selector() -> u16 {
    x86::segmentation::gs().bits()
}

// ANCHOR: check
/// `check()` (runtime1.go:142-296): the runtime's sanity checks of its own assumptions,
/// before it relies on them. Go checks type sizes, atomics and float behaviour; ours checks
/// what the assembly relies on: the layout it was assembled against, the stack alignment,
/// and the TLS set-up rt0_go just did.
#[no_mangle]
pub extern "C" fn runtime_check() {
    fn must(ok: bool, what: &str) {
        if !ok {
            crate::base::print::throw(what);
        }
    }
    must(
        size_of::<usize>() == 4 && size_of::<*const u8>() == 4,
        "bad ptrsize",
    );
    must(
        size_of::<u64>() == 8 && core::mem::align_of::<u64>() == 4,
        "bad int64 alignment",
    );
    // The offsets the assembly was assembled against (absolute symbols: their address is
    // their value) are the structures' (go_struct!, which checks them against Go 1.22's).
    extern "C" {
        static m_tls: u8;
        static g_sched: u8;
        static gobuf_sp: u8;
    }
    // Only the symbols' addresses are taken (addr_of!: no reference), never their contents.
    let syms = [
        (core::ptr::addr_of!(m_tls), offset_of!(m, tls)),
        (core::ptr::addr_of!(g_sched), offset_of!(g, sched)),
        (core::ptr::addr_of!(gobuf_sp), offset_of!(gobuf, sp)),
    ];
    must(syms.iter().all(|&(s, off)| s as usize == off), "bad layout");
    // rt0_go aligned SP to 16 bytes; this frame's local should sit on an aligned stack.
    let probe = 0u128;
    must(
        (&probe as *const u128 as usize).is_multiple_of(16),
        "stack not 16-byte aligned",
    );
    // SAFETY: after rt0_go's set-up: m0, g0 and their links are initialised.
    unsafe {
        let g0 = g0();
        let m0 = m0();
        must(
            (*g0).stack.hi - (*g0).stack.lo == 64 * 1024 - 104,
            "bad g0 stack",
        );
        must((*m0).g0 == g0 && (*g0).m == m0, "m0 and g0 not linked");
        must(crate::base::tls::getg() == g0, "TLS does not hold g0");
        must(
            (*m0).tls[1] == &(*m0).tls[1] as *const usize as usize,
            "TLS self pointer",
        );
    }
    // What the assembly before us found, for the boot trace.
    boottrace!(
        "rt0_go",
        "SP aligned to 16; g0.stack=[{:#x}, {:#x}) ({} bytes), stackguard0=lo",
        unsafe { (*g0()).stack.lo },
        unsafe { (*g0()).stack.hi },
        unsafe { (*g0()).stack.hi - (*g0()).stack.lo }
    );
    boottrace!(
        "rt0_go",
        "CPUID ok, isIntel={}, processorVersionInfo={:#x}, MMX present",
        unsafe { *runtime_isIntel.get() },
        unsafe { *runtime_processorVersionInfo.get() }
    );
    boottrace!(
        "rt0_go",
        "setldt: set_thread_area gave entry {}, GS={:#x}; TLS self-test 0x123 ok; g=&g0 in m0.tls[0]; m0.g0=&g0, g0.m=&m0",
        unsafe { *runtime_tls_entry_number.get() },
        gs_selector()
    );
    boottrace!("check", "ok");
}
// ANCHOR_END: check

// ANCHOR: osinit
/// `osinit()` (os_linux.go:343-347).
#[no_mangle]
pub extern "C" fn runtime_osinit() {
    // SAFETY: osinit runs once, on g0, before anything reads ncpu.
    unsafe {
        *runtime_ncpu.get() = getproccount();
        *runtime_physHugePageSize.get() = getHugePageSize();
    }
    // osArchInit is empty on 386.
    boottrace!(
        "osinit",
        "ncpu={} (sched_getaffinity) physHugePageSize={} (hpage_pmd_size)",
        unsafe { *runtime_ncpu.get() },
        unsafe { *runtime_physHugePageSize.get() }
    );
}
// ANCHOR_END: osinit

// ANCHOR: getproccount
/// `getproccount()` (os_linux.go:97-122): the number of CPUs in our affinity mask.
/// The kernel returns how many bytes of the mask it wrote; count their set bits.
pub fn getproccount() -> i32 {
    // ANCHOR: exercise-getproccount
    const maxCPUs: usize = 64 * 1024;
    let mut buf = [0u8; maxCPUs / 8];
    let r = sched_getaffinity(0, &mut buf);
    if r < 0 {
        return 1;
    }
    let n: i32 = buf[..r as usize]
        .iter()
        .map(|v| v.count_ones() as i32)
        .sum();
    if n == 0 {
        1
    } else {
        n
    }
    // ANCHOR_END: exercise-getproccount
}
// ANCHOR_END: getproccount

// ANCHOR: gethugepagesize
/// `getHugePageSize()` (os_linux.go:317-341): the number in
/// /sys/kernel/mm/transparent_hugepage/hpage_pmd_size, or 0 if it is missing, not a
/// number, or not a power of two.
pub fn getHugePageSize() -> usize {
    let mut numbuf = [0u8; 20];
    let fd = open(b"/sys/kernel/mm/transparent_hugepage/hpage_pmd_size\0", 0);
    if fd < 0 {
        return 0;
    }
    let n = read(fd, &mut numbuf);
    closefd(fd);
    if n <= 0 {
        return 0;
    }
    parseHugePageSize(&numbuf[..n as usize])
}
// ANCHOR_END: gethugepagesize

/// The parsing half of getHugePageSize: drop the trailing newline, `atoi`, require a
/// non-negative power of two.
pub fn parseHugePageSize(s: &[u8]) -> usize {
    let s = &s[..s.len().saturating_sub(1)]; // remove trailing newline
    let v = match crate::base::string::atoi(s) {
        Some(v) if v >= 0 => v as usize,
        _ => 0,
    };
    if v & v.wrapping_sub(1) != 0 {
        return 0; // v is not a power of 2
    }
    v
}
