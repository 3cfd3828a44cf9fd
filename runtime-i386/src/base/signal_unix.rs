//! Signals, only as far as faults go (os_linux.go minit, signal_unix.go initsig/sighandler).
//!
//! Go installs handlers for every signal and turns faults in Go code into panics. We handle
//! SIGSEGV and SIGBUS only, on the signal stack (m.gsignal's, 32 KiB, as Go), to report a
//! fault as a Go-style fatal error: a fault in a goroutine's guard page is
//! "fatal error: stack overflow" naming the goroutine; anything else is an unexpected signal.
//! A SIGSEGV or SIGBUS sent by another process (kill) is not a fault: Go's fatal-signal report.

use crate::base::print::print_fmt;
use crate::base::runtime2::*;
use crate::base::sys_linux_386::*;

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
    // SAFETY: on an M, whose gsignal mpreinit gave a stack; st lives across the call.
    unsafe {
        let mp = (*crate::base::tls::getg()).m;
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
            crate::base::print::fatal_with(format_args!("sigaltstack failed: errno {}", -r));
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
            crate::base::print::fatal_with(format_args!(
                "rt_sigaction({}) failed: errno {}",
                sig, -r
            ));
        }
    }
    boottrace!(
        "mstartm0",
        "initsig: SIGSEGV, SIGBUS handled on the signal stack"
    );
}

/// si_code of a signal sent by kill(2) and by tkill/tgkill (os_linux.go:882-883).
const _SI_USER: i32 = 0;
const _SI_TKILL: i32 = -6;

/// `sigFromUser` (os_linux.go:890-893): the signal was sent, not caused by a fault.
fn sigFromUser(code: i32) -> bool {
    code == _SI_USER || code == _SI_TKILL
}

/// A register of the interrupted context: `uc_mcontext` starts 20 bytes into the
/// ucontext_t; its registers are gs, fs, es, ds, edi, esi, ebp, esp, ebx, edx, ecx, eax,
/// trapno, err, eip, cs, eflags (Go's sigcontext, defs_linux_386.go).
unsafe fn reg(ctx: *const u8, index: usize) -> usize {
    *(ctx.add(20 + index * 4) as *const usize)
}

/// The handler: decide what the fault was and report it like Go, then exit 2.
extern "C" fn sighandler(sig: usize, info: *const usize, ctx: *const u8) {
    // SAFETY: the kernel passes a siginfo_t and a ucontext_t; getg() is a live g or null.
    unsafe {
        let code = *info.add(2) as i32;
        let addr = *info.add(3);
        let (sp, pc) = (reg(ctx, 7), reg(ctx, 14));
        let gp = crate::base::tls::getg();
        let name = if sig == SIGSEGV {
            "SIGSEGV: segmentation violation"
        } else {
            "SIGBUS: bus error"
        };
        if sigFromUser(code) {
            // Someone ran kill -SEGV on us: not a fault, so no panic, no stack overflow.
            // Go throws (sighandler, signal_unix.go:676-737) and prints what fatalsignal
            // (signal_unix.go:795-810), goroutineheader (traceback.go:1179-1224) and
            // dumpregs (signal_386.go:15-29) print; "addr" is the union's first word, here
            // the sender's pid, as in Go. We have no traceback to print between them.
            fatalUserSignal(name, code, addr, pc, gp, ctx);
        }
        if !gp.is_null() && gp != g0() && (*gp).stack.lo != 0 {
            let lo = (*gp).stack.lo;
            if addr < lo && addr >= lo - crate::base::malloc::stackGuardPage {
                // A touch of the guard page: the goroutine ran off its stack.
                print_fmt(format_args!(
                    "runtime: goroutine stack exceeds {}-byte limit\nruntime: sp={:#x} stack=[{:#x}, {:#x}]\n",
                    (*gp).stack.hi - lo,
                    sp,
                    lo,
                    (*gp).stack.hi
                ));
                crate::base::print::throw("stack overflow");
            }
        }
        print_fmt(format_args!("unexpected fault address {:#x}\n", addr));
        crate::base::print::fatal_with(format_args!(
            "fault\n[signal {} code={:#x} addr={:#x} pc={:#x}]",
            name, code, addr, pc
        ));
    }
}

/// The report of a SIGSEGV or SIGBUS that another process sent, then exit 2, as Go.
unsafe fn fatalUserSignal(
    name: &str,
    code: i32,
    addr: usize,
    pc: usize,
    gp: *mut g,
    ctx: *const u8,
) -> ! {
    let mp = if gp.is_null() { m0() } else { (*gp).m };
    let (goid, status) = if gp.is_null() {
        (0, _Gidle)
    } else {
        ((*gp).goid, (*gp).atomicstatus)
    };
    print_fmt(format_args!(
        "{}\nPC={:#x} m={} sigcode={} addr={:#x}\n\ngoroutine {} gp={:#x} m={} mp={:#x} [{}]:\n\n",
        name,
        pc,
        (*mp).id,
        code as u32,
        addr,
        goid,
        gp as usize,
        (*mp).id,
        mp as usize,
        gstatus_word(status)
    ));
    const REGS: [(&str, usize); 13] = [
        ("eax", 11),
        ("ebx", 8),
        ("ecx", 10),
        ("edx", 9),
        ("edi", 4),
        ("esi", 5),
        ("ebp", 6),
        ("esp", 7),
        ("eip", 14),
        ("eflags", 16),
        ("cs", 15),
        ("fs", 1),
        ("gs", 0),
    ];
    for (name, i) in REGS {
        let mut v = reg(ctx, i);
        if matches!(name, "cs" | "fs" | "gs") {
            v &= 0xffff; // 16-bit selectors, each followed by padding
        }
        print_fmt(format_args!("{:<7}{:#x}\n", name, v));
    }
    runtime_exit(2)
}
