//! Signals: faults and preemption (os_linux.go minit, signal_unix.go initsig/sighandler,
//! preempt.go).
//!
//! Go installs handlers for every signal and turns faults in Go code into panics. We handle
//! SIGSEGV and SIGBUS, on the signal stack (m.gsignal's, 32 KiB, as Go), to report a fault
//! as a Go-style fatal error: a fault in a goroutine's guard page is "fatal error: stack
//! overflow" naming the goroutine; anything else is an unexpected signal. A SIGSEGV or
//! SIGBUS sent by another process (kill) is not a fault: Go's fatal-signal report.
//!
//! And SIGURG, Go's `sigPreempt` (signal_unix.go:72): sysmon sends it to an M whose
//! goroutine has run too long (`preemptM`), and the handler, if the goroutine is at an
//! asynchronous safe point, makes it call `asyncPreempt` (`doSigPreempt`).

use crate::base::print::print_fmt;
use crate::base::runtime2::*;
use crate::base::sys_linux_386::*;

const SIGBUS: usize = 7;
const SIGSEGV: usize = 11;
/// `sigPreempt` (signal_unix.go:72): the signal used for asynchronous preemption.
pub const sigPreempt: usize = 23; // SIGURG
const SA_SIGINFO: usize = 0x4;
const SA_ONSTACK: usize = 0x0800_0000;
const SA_RESTART: usize = 0x1000_0000;

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
        // minitSignalMask (signal_unix.go:1297): the new thread started with every signal
        // blocked (newosproc); it takes the mask the process started with.
        let mask = core::mem::transmute::<[u32; 2], u64>((*mp).sigmask);
        rtsigprocmask(_SIG_SETMASK, &mask, core::ptr::null_mut());
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
    // The mask every new M starts with (proc.go `initSigmask`): this thread's, now.
    let mut mask = 0u64;
    rtsigprocmask(_SIG_SETMASK, core::ptr::null(), &mut mask);
    unsafe { *crate::base::proc::initSigmask.get() = mask };
    for sig in [SIGSEGV, SIGBUS, sigPreempt] {
        let sa = sigactiont {
            sa_handler: sighandler as *const () as usize,
            sa_flags: SA_SIGINFO | SA_ONSTACK | SA_RESTART,
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
        "initsig: SIGSEGV, SIGBUS, SIGURG handled on the signal stack"
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

/// Sets a register of the interrupted context (as [`reg`] reads it): what the kernel
/// restores when the handler returns.
unsafe fn set_reg(ctx: *mut u8, index: usize, v: usize) {
    *(ctx.add(20 + index * 4) as *mut usize) = v;
}

/// The handler: decide what the fault was and report it like Go, then exit 2.
extern "C" fn sighandler(sig: usize, info: *const usize, ctx: *const u8) {
    // SAFETY: the kernel passes a siginfo_t and a ucontext_t; getg() is a live g or null.
    unsafe {
        let code = *info.add(2) as i32;
        let addr = *info.add(3);
        let (sp, pc) = (reg(ctx, 7), reg(ctx, 14));
        let gp = crate::base::tls::getg();
        if sig == sigPreempt {
            // Might be a preemption signal (signal_unix.go:662-667).
            if !gp.is_null() && !(*gp).m.is_null() {
                doSigPreempt(gp, ctx as *mut u8);
            }
            return;
        }
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

extern "C" {
    /// asm/preempt_386.S: saves every register, calls asyncPreempt2, restores them.
    fn runtime_asyncPreempt();
    /// The runtime's code range (link/runtime_text.ld) and the program's text (asm_386.S):
    /// `[runtime_text_start, runtime_text_end, __executable_start, etext]`, 0 where unknown.
    static runtime_textRange: [usize; 4];
}

// ANCHOR: doSigPreempt
/// `doSigPreempt(gp, ctxt)` (signal_unix.go:341-366): if gp wants to be preempted and is
/// at an asynchronous safe point, make it look as if it had called asyncPreempt at the
/// interrupted instruction (`pushCall`, signal_386.go:46-53); acknowledge the signal.
unsafe fn doSigPreempt(gp: *mut g, ctx: *mut u8) {
    let (sp, pc) = (reg(ctx, 7), reg(ctx, 14));
    if wantAsyncPreempt(gp) && isAsyncSafePoint(gp, pc, sp) {
        // pushCall: the return address is the interrupted pc.
        let sp = sp - 4;
        *(sp as *mut usize) = pc;
        set_reg(ctx, 7, sp); // esp
        set_reg(ctx, 14, runtime_asyncPreempt as *const () as usize); // eip
    }
    // Acknowledge the preemption.
    let mp = (*gp).m;
    crate::base::atomic::xaddi32(&mut (*mp).preemptGen as *mut u32 as *mut i32, 1);
    crate::base::atomic::store(&mut (*mp).signalPending, 0);
}

/// `wantAsyncPreempt(gp)` (preempt.go:341-345): the g or its P asked for preemption, and
/// the g is running.
unsafe fn wantAsyncPreempt(gp: *mut g) -> bool {
    let pp = (*(*gp).m).p;
    ((*gp).preempt || (!pp.is_null() && (*pp).preempt))
        && crate::base::atomic::load(&mut (*gp).atomicstatus) == _Grunning
}

/// The stack an injected asyncPreempt needs below SP: its saved registers (36 bytes), the
/// FXSAVE area (512 + alignment) and asyncPreempt2's Rust frames up to mcall (Go reserves
/// `asyncPreemptStack`, preempt.go:96, for the same reason).
pub const asyncPreemptStack: usize = 4096;

/// `isAsyncSafePoint(gp, pc, sp, lr)` (preempt.go:362-420): whether gp, stopped at pc, may
/// be preempted there. Go's rule, as far as our runtime has its parts:
/// - gp is its M's user goroutine (not g0 or gsignal: the scheduler itself is never
///   preempted), the M holds a running P, no locks (`m.locks == 0`, which `lock` and
///   `acquirem` count) and is not allocating;
/// - there is room on gp's stack for asyncPreempt's frame;
/// - pc is the program's code (between `__executable_start` and `etext`) and not the
///   runtime's: Go never asynchronously preempts package runtime; our linker script
///   gathers the runtime crate's functions and its assembly in
///   `[runtime_text_start, runtime_text_end)`.
unsafe fn isAsyncSafePoint(gp: *mut g, pc: usize, sp: usize) -> bool {
    let mp = (*gp).m;
    // Only user Gs can have safe points.
    if (*mp).curg != gp {
        return false;
    }
    // Check M state (canPreemptM).
    let pp = (*mp).p;
    if pp.is_null() || (*mp).locks != 0 || (*mp).mallocing != 0 || (*pp).status != _Prunning {
        return false;
    }
    // Check stack space.
    if sp < (*gp).stack.lo || sp - (*gp).stack.lo < asyncPreemptStack {
        return false;
    }
    // Check the pc: the program's code, not the runtime's.
    let [lo, hi, text_lo, text_hi] = runtime_textRange;
    if lo == 0 || hi <= lo || text_lo == 0 {
        return false; // not linked with the runtime's linker script: no safe points known
    }
    pc >= text_lo && pc < text_hi && !(pc >= lo && pc < hi)
}
// ANCHOR_END: doSigPreempt
