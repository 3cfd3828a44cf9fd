//! # runtime-i386: a small Go 1.22-style runtime that boots as a 32-bit Linux program
//!
//! One module per chapter of the book, named after the Go function it implements, over a
//! small base layer ([`base`]). A chapter imports only the base and the chapters before it
//! (`tests/layers.rs` checks it):
//!
//! | chapter | module | Go 1.22 |
//! |---|---|---|
//! | Globals | [`globals`] | runtime2.go: g, m, p, schedt, g0, m0, sched, allp, allgs |
//! | _rt0_386 | `asm/rt0_linux_386.S`, `asm/asm_386.S`, [`rt0_386`] | rt0_linux_386.s, asm_386.s:14-19, runtime1.go, os_linux.go:233-315 |
//! | rt0_go | `asm/asm_386.S`, [`rt0_go`] | asm_386.s:92-254, os_linux.go:97-122, 317-347 |
//! | schedinit | [`schedinit`] | proc.go:750-845, 5460-5790 |
//! | newproc | [`newproc`] | proc.go:4855-5127 |
//! | mstart | [`mstart`] | proc.go:1660-1760, 3093-3919 |
//! | gogo | [`gogo`], `asm/asm_386.S` | asm_386.s:284-398, proc.go:4039-4260 |
//! | mainPC | [`mainpc`] | proc.go:146-300 |
//! | After the boot: preemption | [`preempt`], `asm/preempt_386.S` | preempt.go:301-315 |
//! | After the boot: blocking system calls | [`entersyscall`] | proc.go:4440-4760 |
//!
//! Above them, [`report`] prints the state where a chapter program (`cargo run --example
//! <chapter>`) stops.
#![cfg_attr(not(test), no_std)]
#![allow(non_snake_case, non_upper_case_globals, non_camel_case_types)]

#[macro_use]
pub mod base;
pub mod entersyscall;
pub mod globals;
pub mod gogo;
pub mod mainpc;
pub mod mstart;
pub mod newproc;
pub mod preempt;
pub mod report;
pub mod rt0_386;
pub mod rt0_go;
pub mod schedinit;

pub use base::runtime2::{g, gobuf, m, p, schedt, stack, LayoutRow, LAYOUT, SIZES};
pub use entersyscall::Sleep;
pub use gogo::{block, Gosched};
pub use newproc::go;

#[cfg(test)]
mod tests;

// The programs' macros: at the crate root, above every layer (a chapter program names the
// reporter).

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
            $crate::base::print::fatal_with(format_args!("{}", info))
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
        pub static runtime_stopAt: $crate::base::stage::StopAt = $crate::base::stage::StopAt {
            stage: $crate::base::stage::Stage::$stage,
            report: $crate::report::dump,
            step: $crate::report::step,
        };
        fn chapter_main() {
            $crate::report::dump($crate::base::stage::Stage::mainpc);
        }
        $crate::go_program!(chapter_main);
    };
}
