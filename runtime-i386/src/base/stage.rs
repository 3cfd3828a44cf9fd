//! # The chapter programs' stop points (not in Go)
//!
//! Each chapter program boots the real runtime up to its chapter's point, prints the state
//! there and exits. The points are `Stage`s, made by build.rs from `runtime-i386/stages.txt`
//! (the one list of them, which the tests, the Makefile and the labs read too). The boot
//! calls [`bootstage`] at each point; a chapter program (`chapter_program!`) defines
//! `runtime_stopAt`, saying where it stops and which function prints the state, so that no
//! chapter depends on the reporter.

include!(concat!(env!("OUT_DIR"), "/stages.rs"));

impl Stage {
    /// The stage numbered `n` (its position in stages.txt, from 1).
    pub fn from_u32(n: u32) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| *s as u32 == n)
    }
}

// The stage numbers for the assembly's `movl $stage_rt0_go, 0(SP)`.
core::arch::global_asm!(
    ".globl stage_rt0_go", ".set stage_rt0_go, {a}",
    ".globl stage_schedinit", ".set stage_schedinit, {b}",
    ".globl stage_newproc", ".set stage_newproc, {c}",
    a = const Stage::rt0_go as u32,
    b = const Stage::schedinit as u32,
    c = const Stage::newproc as u32,
);

/// What a chapter program defines as `runtime_stopAt`: its stop point, its reporter, and
/// the reporter of the boot's steps (`BOOTTRACE=json`).
#[repr(C)]
pub struct StopAt {
    pub stage: Stage,
    pub report: fn(Stage),
    pub step: fn(&str, (&'static str, u32), core::fmt::Arguments),
}

extern "C" {
    /// The address of the program's `runtime_stopAt`, or 0 (asm_386.S, a weak reference).
    static runtime_stopAtp: usize;
}

/// The program's stop point, if it is a chapter program.
pub fn stop_at() -> Option<&'static StopAt> {
    // SAFETY: the weak symbol's address, 0 or a `StopAt` the program defines (chapter_program!).
    unsafe { (runtime_stopAtp as *const StopAt).as_ref() }
}

/// A chapter stop point: if this program stops at `s`, print the state and exit 0.
pub fn bootstage(s: Stage) {
    if let Some(at) = stop_at().filter(|at| at.stage == s) {
        (at.report)(s);
        crate::base::sys_linux_386::runtime_exit(0);
    }
}

/// The assembly's entry to [`bootstage`].
#[no_mangle]
pub extern "C" fn runtime_bootstage(s: u32) {
    if let Some(s) = Stage::from_u32(s) {
        bootstage(s);
    }
}
