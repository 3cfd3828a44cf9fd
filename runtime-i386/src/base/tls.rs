//! # The current g: TLS and getg, and the assembly's switches as Rust sees them
//!
//! Go's compiler turns `getg()` into one load from thread-local storage (on 386, `%gs`,
//! which rt0_go sets up: see the rt0_go chapter). Before that, and in ordinary test
//! processes (glibc owns `%gs` there), the only g is g0. The switches are assembly
//! (`asm/asm_386.S`): `gogo` loads a gobuf and jumps into it, `mcall` runs a function on
//! g0's stack, `systemstack` runs one there and comes back; they are declared here, in the
//! base, because the scheduler (mstart chapter) calls gogo before the gogo chapter explains it.

use crate::base::runtime2::*;
use core::arch::asm;

/// Whether %gs is set up, so that `getg` may read it (before that, and in ordinary test
/// processes, where glibc owns %gs, the only g is g0).
pub static tlsReady: Global<bool> = Global::new(false);

extern "C" {
    /// `gogo(buf)`: restore the state saved in buf and jump to its pc. Never returns.
    pub fn runtime_gogo(buf: *mut gobuf) -> !;
    /// `mcall(fn)`: save this g's state, switch to g0's stack and call fn(g), which must not
    /// return.
    pub fn runtime_mcall(f: unsafe extern "C" fn(*mut g) -> !);
    fn runtime_systemstack(f: unsafe extern "C" fn(*mut u8), arg: *mut u8);
}

/// Whether %gs is set up (see `tlsReady`).
#[inline(always)]
pub fn tls_ready() -> bool {
    unsafe { *tlsReady.get() }
}

/// `getg()`: the current g, from TLS (`MOVL GS:0, r; MOVL -4(r), r`). Before rt0_go sets
/// up %gs, and in ordinary (glibc) processes that use the runtime as a library, the
/// current g is g0.
#[inline(always)]
pub fn getg() -> *mut g {
    if !unsafe { *crate::base::tls::tlsReady.get() } {
        return g0();
    }
    let r: usize;
    // SAFETY: tlsReady: %gs selects m.tls[1], whose word holds its own address, and g is the word below.
    unsafe {
        asm!("movl %gs:0, {r}", "movl -4({r}), {r}", r = out(reg) r,
             options(att_syntax, nostack, readonly, preserves_flags));
    }
    r as *mut g
}

/// `systemstack(fn)`: run `f` on the system (g0) stack; directly if already there.
pub fn systemstack<F: FnMut()>(f: &mut F) {
    unsafe extern "C" fn tramp<F: FnMut()>(arg: *mut u8) {
        (*(arg as *mut F))()
    }
    if !unsafe { *crate::base::tls::tlsReady.get() } {
        return f(); // no goroutines yet (or a host process): we are on the only stack
    }
    unsafe { runtime_systemstack(tramp::<F>, f as *mut F as *mut u8) }
}
