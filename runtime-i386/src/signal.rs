//! Signals, only as far as faults go (os_linux.go minit, signal_unix.go initsig/sighandler).
//!
//! Go installs handlers for every signal and turns faults in Go code into panics. We handle
//! SIGSEGV and SIGBUS only, on the signal stack (m.gsignal's, 32 KiB, as Go), to report a
//! fault as a Go-style fatal error: a fault in a goroutine's guard page is
//! "fatal error: stack overflow" naming the goroutine; anything else is an unexpected signal.

use crate::globals::*;
use crate::print::print_fmt;
use crate::sys_linux_386::*;

const SIGBUS: usize = 7;
const SIGSEGV: usize = 11;
const SA_SIGINFO: usize = 0x4;
const SA_ONSTACK: usize = 0x0800_0000;

#[repr(C)]
struct stackt {
    ss_sp: usize,
    ss_flags: i32,
    ss_size: usize,
}

#[repr(C)]
struct sigactiont {
    sa_handler: usize,
    sa_flags: usize,
    sa_restorer: usize,
    sa_mask: u64,
}

/// `minit()` (os_linux.go:383-390): per-M set-up on the M itself: the signal stack
/// (minitSignalStack: sigaltstack on m.gsignal's stack) and the thread id.
pub fn minit() {
    unsafe {
        let mp = (*crate::gogo::getg()).m;
        let gs = (*mp).gsignal;
        let st = stackt {
            ss_sp: (*gs).stack.lo,
            ss_flags: 0,
            ss_size: (*gs).stack.hi - (*gs).stack.lo,
        };
        let r = syscall(
            SYS_sigaltstack,
            [&st as *const stackt as usize, 0, 0, 0, 0, 0],
        );
        if is_err(r) {
            crate::print::fatal_with(format_args!("sigaltstack failed: errno {}", -r));
        }
        (*mp).procid = gettid() as u64;
        boottrace!(
            "minit",
            "sigaltstack on gsignal's {}-byte stack, procid={}",
            st.ss_size,
            (*mp).procid
        );
    }
}

/// `mstartm0()` (proc.go:1745) → `initsig(false)` (signal_unix.go:114): install the fault
/// handler for SIGSEGV and SIGBUS, on the signal stack.
pub fn mstartm0() {
    for sig in [SIGSEGV, SIGBUS] {
        let sa = sigactiont {
            sa_handler: sighandler as *const () as usize,
            sa_flags: SA_SIGINFO | SA_ONSTACK,
            sa_restorer: 0,
            sa_mask: !0,
        };
        let r = syscall(
            SYS_rt_sigaction,
            [sig, &sa as *const sigactiont as usize, 0, 8, 0, 0],
        );
        if is_err(r) {
            crate::print::fatal_with(format_args!("rt_sigaction({}) failed: errno {}", sig, -r));
        }
    }
    boottrace!(
        "mstartm0",
        "initsig: SIGSEGV, SIGBUS handled on the signal stack"
    );
}

/// The handler: decide what the fault was and report it like Go, then exit 2.
extern "C" fn sighandler(sig: usize, info: *const usize, ctx: *const u8) {
    unsafe {
        let code = *info.add(2) as i32;
        let addr = *info.add(3);
        // ucontext_t: uc_mcontext at 20; gregs ESP at index 7, EIP at index 14.
        let sp = *(ctx.add(20 + 7 * 4) as *const usize);
        let pc = *(ctx.add(20 + 14 * 4) as *const usize);
        let gp = crate::gogo::getg();
        if !gp.is_null() && gp != g0() && (*gp).stack.lo != 0 {
            let lo = (*gp).stack.lo;
            if addr < lo && addr >= lo - crate::malloc::stackGuardPage {
                // A touch of the guard page: the goroutine ran off its stack.
                print_fmt(format_args!(
                    "runtime: goroutine stack exceeds {}-byte limit\nruntime: sp={:#x} stack=[{:#x}, {:#x}]\n",
                    (*gp).stack.hi - lo,
                    sp,
                    lo,
                    (*gp).stack.hi
                ));
                crate::print::throw("stack overflow");
            }
        }
        let name = if sig == SIGSEGV {
            "SIGSEGV: segmentation violation"
        } else {
            "SIGBUS: bus error"
        };
        print_fmt(format_args!("unexpected fault address {:#x}\n", addr));
        crate::print::fatal_with(format_args!(
            "fault\n[signal {} code={:#x} addr={:#x} pc={:#x}]",
            name, code, addr, pc
        ));
    }
}
