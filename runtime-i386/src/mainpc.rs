//! # mainPC: runtime.main to main.main (proc.go:146-300)
//!
//! `mainPC` (asm_386.S) is a funcval for `runtime.main`, the function the first goroutine
//! runs. It marks the runtime as started, calls the program's `main.main` (bound by symbol,
//! like Go's `//go:linkname main_main main.main`) and exits with status 0 when it returns,
//! whatever other goroutines are doing.

use crate::globals::*;

extern "C" {
    /// The word holding `main_main`'s address (asm_386.S), 0 if the program has none.
    static runtime_main_main: usize;
}

// ANCHOR: runtime_main
/// `runtime.main` (proc.go:146-300), the main goroutine.
#[no_mangle]
pub extern "C" fn runtime_main() {
    crate::base::stage::bootstage(crate::base::stage::Stage::gogo);
    // SAFETY: runtime.main runs on g1 after gogo; the globals are m0's.
    unsafe {
        // Go first sets maxstacksize (250 MB on 32-bit, proc.go:159); our stacks are fixed.
        // Allow newproc to start new Ms.
        // ANCHOR: exercise-runtime_main-started
        *runtime_mainStarted.get() = true;
        // ANCHOR_END: exercise-runtime_main-started
        boottrace!(
            "runtime.main",
            "g{} running: mainStarted=true",
            (*crate::base::tls::getg()).goid
        );
        // ANCHOR: sysmon
        // The system monitor gets its own M, without a P (proc.go:170-174).
        let mut start_sysmon = || {
            crate::base::proc::newm(
                crate::base::sysmon::sysmon_start as *const () as usize,
                core::ptr::null_mut(),
                -1,
            )
        };
        if crate::base::proc::threadsWork() {
            crate::base::tls::systemstack(&mut start_sysmon);
            boottrace!(
                "newm",
                "sysmon started on m1, a new thread (clone), without a P; calling main.main"
            );
        } else {
            boottrace!(
                "newm",
                "no sysmon: one thread only under qemu-i386 (no vDSO); calling main.main"
            );
        }
        // ANCHOR_END: sysmon
        // Go then locks the OS thread for the package initializers (doInit) and enables
        // the GC. We have no initializers and no GC.
        // ANCHOR: exercise-runtime_main-call
        let main_main = runtime_main_main;
        if main_main == 0 {
            crate::base::print::throw(
                "runtime.main: the program has no main_main (use runtime_i386::go_program!)",
            );
        }
        let fn_: extern "C" fn() = core::mem::transmute(main_main);
        fn_(); // make an indirect call, as the linker doesn't know the address of the main package when laying down the runtime
        crate::base::sys_linux_386::runtime_exit(0)
        // ANCHOR_END: exercise-runtime_main-call
    }
}
// ANCHOR_END: runtime_main
