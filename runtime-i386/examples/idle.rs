//! An idle program: main sleeps SECONDS (default 2) in a blocking system call, which hands
//! its P off (entersyscallblock); with every P idle, the other Ms sleep on their notes and
//! sysmon on sched.sysmonnote. The process should use no CPU meanwhile (tests measure it).
#![no_std]
#![no_main]

use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::{outln, Sleep};

const CMD: Cmdline = Cmdline {
    json: false,
    args: &[Arg {
        name: "SECONDS",
        usage: "how long to sleep",
        kind: ArgKind::Count { min: 1, default: 2 },
    }],
};

fn main() {
    let secs = goflags(&CMD).count(&CMD, 0);
    Sleep(secs as i64 * 1_000_000_000);
    outln!("idle: slept {} s", secs);
}

runtime_i386::go_program!(main);
