//! Waits to be killed: main.main prints one line, then sleeps 1 ms and yields (Gosched) in a
//! loop until SECONDS (default 60) have passed, then exits 0. For the tests that send the
//! runtime a signal (`kill -SEGV`): the line says the signal handlers are in place.
//!
//!     sleeper [SECONDS]
#![no_std]
#![no_main]

use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::base::sys_linux_386::{nanotime, usleep};
use runtime_i386::{outln, Gosched};

/// The command line, parsed by the runtime's one argv parser (`-h` for the usage).
const CMD: Cmdline = Cmdline {
    json: false,
    args: &[Arg {
        name: "SECONDS",
        usage: "how long to wait",
        kind: ArgKind::Count {
            min: 1,
            default: 60,
        },
    }],
};

fn main() {
    let secs = goflags(&CMD).count(&CMD, 0);
    outln!("sleeper: waiting {} s for a signal", secs);
    let end = nanotime() + secs as i64 * 1_000_000_000;
    while nanotime() < end {
        usleep(1000);
        Gosched();
    }
}

runtime_i386::go_program!(main);
