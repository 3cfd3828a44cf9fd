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
    crate::state::bootstage(crate::state::Stage::gogo);
    unsafe {
        // Go first sets maxstacksize (250 MB on 32-bit, proc.go:159); our stacks are fixed.
        // Allow newproc to start new Ms.
        // ANCHOR: exercise-runtime_main-started
        *runtime_mainStarted.get() = true;
        // ANCHOR_END: exercise-runtime_main-started
        boottrace!(
            "runtime.main",
            "g{} running: mainStarted=true; calling main.main",
            (*crate::gogo::getg()).goid
        );
        // Go starts sysmon on a new M here (proc.go:171), locks the OS thread for the
        // package initializers (doInit) and enables the GC. We have no second M, no
        // initializers and no GC.
        // ANCHOR: exercise-runtime_main-call
        let main_main = runtime_main_main;
        if main_main == 0 {
            crate::print::throw(
                "runtime.main: the program has no main_main (use runtime_i386::go_program!)",
            );
        }
        let fn_: extern "C" fn() = core::mem::transmute(main_main);
        fn_(); // make an indirect call, as the linker doesn't know the address of the main package when laying down the runtime
        crate::sys_linux_386::runtime_exit(0)
        // ANCHOR_END: exercise-runtime_main-call
    }
}
// ANCHOR_END: runtime_main

/// The pieces every runtime program needs: `main_main` (the program's `main`, which
/// runtime.main calls by symbol), a panic handler that reports a Rust panic as a Go-style
/// fatal error, and `rust_eh_personality` (referenced by the prebuilt core library).
///
/// ```ignore
/// #![no_std]
/// #![no_main]
/// runtime_i386::go_program!(main);
/// fn main() { runtime_i386::println!("hello from main.main"); }
/// ```
#[macro_export]
macro_rules! go_program {
    ($main:path) => {
        // ANCHOR: main_main
        /// main.main, called by runtime.main through the symbol `main_main`.
        #[no_mangle]
        pub extern "C" fn main_main() {
            $main()
        }
        // ANCHOR_END: main_main

        #[panic_handler]
        fn panic(info: &core::panic::PanicInfo) -> ! {
            $crate::print::fatal_with(format_args!("{}", info))
        }

        #[no_mangle]
        extern "C" fn rust_eh_personality() {}
    };
}

/// A program that stops at a chapter's point and prints the state there: defines the stop
/// point `runtime_stopAt` that bootstage reads, and a main that dumps the state (for the
/// `mainpc` chapter, main.main itself is the stop point).
#[macro_export]
macro_rules! chapter_program {
    ($stage:ident) => {
        #[no_mangle]
        pub static runtime_stopAt: u32 = $crate::state::Stage::$stage as u32;
        fn chapter_main() {
            $crate::state::dump($crate::state::Stage::mainpc);
        }
        $crate::go_program!(chapter_main);
    };
}
