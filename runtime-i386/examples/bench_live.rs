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

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};
use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
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

static STARTED: AtomicU32 = AtomicU32::new(0);
static FINISHED: AtomicU32 = AtomicU32::new(0);
static STOP: AtomicBool = AtomicBool::new(false);

fn load(v: &AtomicU32) -> u32 {
    v.load(SeqCst)
}

fn add1(v: &AtomicU32) {
    v.fetch_add(1, SeqCst);
}

fn main() {
    let n = goflags(&CMD).count(&CMD, 0);
    for _ in 0..n {
        go(|| {
            add1(&STARTED);
            while !STOP.load(SeqCst) {
                Gosched();
            }
            add1(&FINISHED);
        });
    }
    while load(&STARTED) < n {
        Gosched();
    }
    STOP.store(true, SeqCst);
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
