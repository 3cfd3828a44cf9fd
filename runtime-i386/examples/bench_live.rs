//! Benchmark (`make bench`): N live goroutines (default 10,000), for peak memory. As
//! scripts/bench/go/live: main starts N goroutines that each count themselves started and
//! then yield until main sets a flag; main yields until all N have started (so that all N
//! exist at once), sets the flag and waits, yielding, until all have finished. The driver
//! reads the peak RSS from wait4.
//!
//!     bench_live [N]
//!
//! Prints `live n=N started=S finished=F`.
#![no_std]
#![no_main]

use core::ptr::{read_volatile, write_volatile};
use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::globals::Global;
use runtime_i386::{go, outln, Gosched};

/// The command line, parsed by the runtime's one argv parser (`-h` for the usage).
const CMD: Cmdline = Cmdline {
    json: false,
    args: &[Arg {
        name: "N",
        usage: "live goroutines",
        kind: ArgKind::Count {
            min: 1,
            default: 10_000,
        },
    }],
};

static STARTED: Global<u32> = Global::new(0);
static FINISHED: Global<u32> = Global::new(0);
static STOP: Global<bool> = Global::new(false);

fn load(v: &Global<u32>) -> u32 {
    unsafe { read_volatile(v.get()) }
}

fn add1(v: &Global<u32>) {
    unsafe { write_volatile(v.get(), read_volatile(v.get()) + 1) }
}

fn main() {
    let n = goflags(&CMD).count(&CMD, 0);
    for _ in 0..n {
        go(|| {
            add1(&STARTED);
            while !unsafe { read_volatile(STOP.get()) } {
                Gosched();
            }
            add1(&FINISHED);
        });
    }
    while load(&STARTED) < n {
        Gosched();
    }
    unsafe { write_volatile(STOP.get(), true) };
    while load(&FINISHED) < n {
        Gosched();
    }
    outln!(
        "live n={} started={} finished={}",
        n,
        load(&STARTED),
        load(&FINISHED)
    );
}

runtime_i386::go_program!(main);
