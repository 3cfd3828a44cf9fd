//! # runtime-i386: a small Go 1.22-style runtime that boots as a 32-bit Linux program
//!
//! One module per chapter of the book, named after the Go function it implements:
//!
//! | chapter | module | Go 1.22 |
//! |---|---|---|
//! | Globals | [`globals`] | runtime2.go: g, m, p, schedt, g0, m0, sched, allp, allgs |
//! | _rt0_386 | `asm/rt0_linux_386.S`, `asm/asm_386.S` | rt0_linux_386.s, asm_386.s:14-19 |
//! | rt0_go | [`rt0_go`], [`os_linux`] | asm_386.s:92-254, runtime1.go, os_linux.go |
//! | schedinit | [`schedinit`] | proc.go:750-845, 5460-5732 |
//! | newproc | [`newproc`] | proc.go:4855-5127, 6393-6710 |
//! | mstart | [`mstart`] | proc.go:1660-1760, 3093-3919, 6747-7120 |
//! | gogo | [`gogo`], `asm/asm_386.S` | asm_386.s:284-398, proc.go:4039-4260 |
//! | mainPC | [`mainpc`] | proc.go:146-300 |
//!
//! The chapter programs (`cargo run --example <chapter>`) boot the real runtime up to their
//! chapter's point and print its state ([`state`]).
#![cfg_attr(not(test), no_std)]
#![allow(
    non_snake_case,
    non_upper_case_globals,
    non_camel_case_types,
    clippy::missing_safety_doc
)]

#[macro_use]
pub mod print;
#[macro_use]
pub mod trace;
pub mod globals;
pub mod gogo;
pub mod mainpc;
pub mod malloc;
pub mod mstart;
pub mod newproc;
pub mod os_linux;
pub mod rt0_go;
pub mod schedinit;
pub mod signal;
pub mod state;
pub mod symtab;
pub mod sys_linux_386;

pub use gogo::Gosched;
/// The runtime's structures and their layout table, wherever they live in the crate.
pub use globals::{g, gobuf, m, p, schedt, stack, LayoutRow, LAYOUT, SIZES};
pub use newproc::go;

#[cfg(test)]
mod tests;
