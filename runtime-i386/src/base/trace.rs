//! The boot trace (not in Go): with `BOOTTRACE=1` in the environment every step of the boot
//! prints one line to standard error as it happens, e.g. `boot: osinit: ncpu=2`.

use crate::base::runtime2::Global;

/// Whether `BOOTTRACE` is set to something other than `0` or empty.
pub static TRACE: Global<bool> = Global::new(false);

#[inline]
pub fn enabled() -> bool {
    unsafe { *TRACE.get() }
}

/// Prints a trace line `boot: <step>: <details>` when the trace is on.
#[macro_export]
macro_rules! boottrace {
    ($step:expr, $($arg:tt)*) => {
        if $crate::base::trace::enabled() {
            $crate::base::print::print_fmt(format_args!("boot: {}: {}\n", $step, format_args!($($arg)*)));
        }
    };
}
