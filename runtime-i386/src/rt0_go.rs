//! # rt0_go: the processor, TLS and the first links (asm_386.s:92-254)
//!
//! `runtime·rt0_go` is mostly assembly (`asm/asm_386.S`): it aligns the stack, carves g0's
//! stack out of the OS stack, probes CPUID, sets up TLS, links m0 and g0, then calls
//! `check`, `args`, `osinit`, `schedinit`, `newproc(mainPC)` and `mstart`. This module holds
//! the Rust parts it calls: `setldt` (TLS through `set_thread_area`), `check`, and our
//! chapter stop points.

use crate::globals::*;
use crate::sys_linux_386::*;
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
/// Whether %gs is set up, so that `getg` may read it (before that, and in ordinary test
/// processes, where glibc owns %gs, the only g is g0).
pub static tlsReady: Global<bool> = Global::new(false);

/// argc/argv as rt0_go received them, for the chapter stop points before `args`.
pub static bootArgs: Global<(i32, usize)> = Global::new((0, 0));

/// Not in Go: called first thing in rt0_go. Remembers argc/argv, switches the boot trace on
/// if `BOOTTRACE` is set, and stops the `globals` and `rt0_386` chapter programs.
#[no_mangle]
pub unsafe extern "C" fn runtime_rt0_go_entry(argc: i32, argv: *const *const u8) {
    unsafe {
        *bootArgs.get() = (argc, argv as usize);
        let on = crate::os_linux::getenv_from(argc, argv, b"BOOTTRACE");
        *crate::trace::TRACE.get() = matches!(on, Some(v) if !v.is_empty() && v != b"0");
    }
    boottrace!(
        "_rt0_386",
        "argc={} argv={:#x}: jumped to rt0_go",
        argc,
        argv as usize
    );
    crate::state::bootstage(crate::state::Stage::globals);
    crate::state::bootstage(crate::state::Stage::rt0_386);
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
        crate::print::fatal_with(format_args!(
            "runtime: set_thread_area failed: errno {}",
            -r
        ));
    }
    if entry == -1 {
        unsafe { *runtime_tls_entry_number.get() = d.entry_number };
    }
    let sel = (d.entry_number as u16) << 3 | 3;
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
            crate::print::throw(what);
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
    must(
        offset_of!(m, tls) == 80 && offset_of!(g, sched) == 28,
        "bad layout",
    );
    // rt0_go aligned SP to 16 bytes; this frame's local should sit on an aligned stack.
    let probe = 0u128;
    must(
        (&probe as *const u128 as usize).is_multiple_of(16),
        "stack not 16-byte aligned",
    );
    unsafe {
        let g0 = g0();
        let m0 = m0();
        must(
            (*g0).stack.hi - (*g0).stack.lo == 64 * 1024 - 104,
            "bad g0 stack",
        );
        must((*m0).g0 == g0 && (*g0).m == m0, "m0 and g0 not linked");
        must(crate::gogo::getg() == g0, "TLS does not hold g0");
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

/// Called by mcall when g is g0 (proc.go badmcall).
#[no_mangle]
pub extern "C" fn runtime_badmcall() -> ! {
    crate::print::throw("runtime: mcall called on m->g0 stack")
}
/// Called by mcall when fn returned (proc.go badmcall2).
#[no_mangle]
pub extern "C" fn runtime_badmcall2() -> ! {
    crate::print::throw("runtime: mcall function returned")
}
/// Called by systemstack on a foreign g (stack.go badsystemstack).
#[no_mangle]
pub extern "C" fn runtime_badsystemstack() -> ! {
    crate::print::throw("systemstack called from unexpected goroutine")
}
