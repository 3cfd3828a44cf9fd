//! Benchmark (`make bench`): goroutine create + run + exit, per goroutine. The same work as
//! Go's BenchmarkCreateGoroutines (runtime/proc_test.go:666-690, procs = 1) and as
//! scripts/bench/go/create: a chain in which each goroutine starts the next one and returns;
//! the last one sets a flag. We have no channels, so main waits for the flag by yielding
//! (Gosched) where Go's main blocks on a channel receive.
//!
//!     bench_create [N [ROUNDS]]   an untimed warm-up round of N/10, then ROUNDS rounds of N
//!
//! Prints `create n=N ns=ELAPSED` per timed round (CLOCK_MONOTONIC, `nanotime`).
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
            usage: "goroutines per round",
            kind: ArgKind::Count {
                min: 0,
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

fn f(n: u32) {
    if n == 0 {
        DONE.store(true, SeqCst);
        return;
    }
    go(move || f(n - 1));
}

fn round(n: u32) -> i64 {
    DONE.store(false, SeqCst);
    let t0 = nanotime();
    go(move || f(n));
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
        outln!("create n={} ns={}", n, round(n));
    }
}

runtime_i386::go_program!(main);
