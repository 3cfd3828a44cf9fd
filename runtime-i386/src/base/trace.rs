//! The boot trace (not in Go): with `BOOTTRACE=1` in the environment every step of the boot
//! prints one line to standard error as it happens, e.g. `boot: osinit: ncpu=2`. With
//! `BOOTTRACE=json`, a chapter program prints instead one JSON object per step, with the
//! runtime's whole state after it (what the book's boot stepper shows).

use crate::base::runtime2::Global;

/// Off, lines of text, or JSON steps.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Off,
    Text,
    Json,
}

/// The trace's mode, from `BOOTTRACE` (rt0_go reads it first thing): unset, empty or `0` is
/// off, `json` is JSON, anything else is text.
pub static TRACE: Global<Mode> = Global::new(Mode::Off);

/// The mode `BOOTTRACE=value` asks for.
pub fn mode_of(value: Option<&[u8]>) -> Mode {
    match value {
        None | Some(b"") | Some(b"0") => Mode::Off,
        Some(b"json") => Mode::Json,
        Some(_) => Mode::Text,
    }
}

#[inline]
pub fn enabled() -> bool {
    unsafe { *TRACE.get() != Mode::Off }
}

/// Where each step of the trace is in Go 1.22's source (src/runtime), by the step's name.
pub const GO_SOURCE: &[(&str, &str)] = &[
    ("_rt0_386", "asm_386.s:14"),
    ("rt0_go", "asm_386.s:92"),
    ("check", "runtime1.go:142"),
    ("args", "runtime1.go:66"),
    ("osinit", "os_linux.go:343"),
    ("schedinit", "proc.go:750"),
    ("procresize", "proc.go:5591"),
    ("newproc1", "proc.go:4892"),
    ("mstart0", "proc.go:1660"),
    ("mstart1", "proc.go:1702"),
    ("minit", "os_linux.go:383"),
    ("mstartm0", "proc.go:1745"),
    ("execute", "proc.go:3093"),
    ("runtime.main", "proc.go:146"),
    ("newm", "proc.go:2631"),
];

/// One step of the trace: its line, or (JSON) the chapter program's step reporter, which
/// `chapter_program!` registers in `runtime_stopAt` (no chapter depends on the reporter).
pub fn event(step: &str, src: (&'static str, u32), args: core::fmt::Arguments) {
    // The boot is m0's: the other Ms (sysmon, the Ms wakep starts) run concurrently with
    // it, so their steps would interleave differently in every run. They are not traced.
    // SAFETY: getg() is a live g; its m is nil only in an ordinary test process.
    if unsafe { (*crate::base::tls::getg()).m } != crate::base::runtime2::m0()
        && crate::base::tls::tls_ready()
    {
        return;
    }
    let json = unsafe { *TRACE.get() } == Mode::Json;
    match crate::base::stage::stop_at().filter(|_| json) {
        Some(at) => (at.step)(step, src, args),
        None => crate::base::print::print_fmt(format_args!("boot: {}: {}\n", step, args)),
    }
}

/// Prints a trace line `boot: <step>: <details>` when the trace is on.
#[macro_export]
macro_rules! boottrace {
    ($step:expr, $($arg:tt)*) => {
        if $crate::base::trace::enabled() {
            $crate::base::trace::event($step, (file!(), line!()), format_args!($($arg)*));
        }
    };
}
