//! CPU-bound work in parallel: main starts one goroutine, each of the two runs half of the
//! work (N rounds of a xorshift generator), and main waits for the other half by yielding.
//! With GOMAXPROCS=1 the halves share one P (sysmon's preemption interleaves them); with
//! GOMAXPROCS=2 they run at once on two Ms. `make bench` compares the speedup with Go's on
//! the same work (scripts/bench/go/parallel/main.go).
//!
//!     bench_parallel [N [ROUNDS]]   prints "parallel n=N ns=ELAPSED" per round
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};
use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::base::sys_linux_386::nanotime;
use runtime_i386::{go, outln, Gosched};

const CMD: Cmdline = Cmdline {
    json: false,
    args: &[
        Arg {
            name: "N",
            usage: "xorshift rounds per half",
            kind: ArgKind::Count {
                min: 1,
                default: 200_000_000,
            },
        },
        Arg {
            name: "ROUNDS",
            usage: "timed rounds",
            kind: ArgKind::Count { min: 1, default: 3 },
        },
    ],
};

static DONE: AtomicBool = AtomicBool::new(false);
static SINK: AtomicU32 = AtomicU32::new(0);

#[inline(never)]
fn work(n: u32, seed: u32) -> u32 {
    let mut x = seed;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
    }
    x
}

fn main() {
    let f = goflags(&CMD);
    let (n, rounds) = (f.count(&CMD, 0), f.count(&CMD, 1));
    for _ in 0..rounds {
        DONE.store(false, SeqCst);
        let t0 = nanotime();
        go(move || {
            SINK.fetch_add(work(n, 2463534242), SeqCst);
            DONE.store(true, SeqCst);
        });
        SINK.fetch_add(work(n, 88172645), SeqCst);
        while !DONE.load(SeqCst) {
            Gosched();
        }
        outln!("parallel n={} ns={}", n, nanotime() - t0);
    }
}

runtime_i386::go_program!(main);
