//! Benchmark (`make bench`): a switch between two goroutines that yield to each other. As
//! scripts/bench/go/switch (run with GOMAXPROCS=1): main and one goroutine each call Gosched
//! N times; when the goroutine is done it sets a flag that main, done too, waits for by
//! yielding. Switches per round: 2N.
//!
//!     bench_switch [N [ROUNDS]]   an untimed warm-up round of N/10, then ROUNDS rounds
//!
//! Prints `switch n=N ns=ELAPSED` per timed round.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicBool, Ordering::SeqCst};
use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::base::sys_linux_386::nanotime;
use runtime_i386::{go, outln, Gosched};

/// The command line, parsed by the runtime's one argv parser (`-h` for the usage).
const CMD: Cmdline = Cmdline {
    json: false,
    args: &[
        Arg {
            name: "N",
            usage: "Gosched calls per goroutine and round",
            kind: ArgKind::Count {
                min: 1,
                default: 1_000_000,
            },
        },
        Arg {
            name: "ROUNDS",
            usage: "timed rounds",
            kind: ArgKind::Count { min: 1, default: 5 },
        },
    ],
};

static DONE: AtomicBool = AtomicBool::new(false);

fn round(n: u32) -> i64 {
    DONE.store(false, SeqCst);
    go(move || {
        for _ in 0..n {
            Gosched();
        }
        DONE.store(true, SeqCst);
    });
    let t0 = nanotime();
    for _ in 0..n {
        Gosched();
    }
    while !DONE.load(SeqCst) {
        Gosched();
    }
    nanotime() - t0
}

fn main() {
    let args = goflags(&CMD);
    let (n, rounds) = (args.count(&CMD, 0), args.count(&CMD, 1));
    round(n / 10 + 1);
    for _ in 0..rounds {
        outln!("switch n={} ns={}", n, round(n));
    }
}

runtime_i386::go_program!(main);
