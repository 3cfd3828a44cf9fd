//! main starts N goroutines (default 10,000; `-- N` to change), each adds its number to a
//! counter and returns; main yields (Gosched) until all have run, checks the sum, and prints
//! what the scheduler did. Goroutines that return are recycled (gfput/gfget). With
//! GOMAXPROCS=1 all N exist at once (main creates them all before it yields), so N is
//! bounded by the number of live goroutines the kernel's mapping limit allows (about
//! 32,760: see README.md); with more Ps, other Ms steal and run them meanwhile. The
//! counters are atomics: the goroutines run on several threads at once.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::SeqCst};
use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::{go, outln, Gosched};

/// The command line, parsed by the runtime's one argv parser (`-h` for the usage).
const CMD: Cmdline = Cmdline {
    json: false,
    args: &[Arg {
        name: "N",
        usage: "goroutines to start",
        kind: ArgKind::Count {
            min: 1,
            default: 10_000,
        },
    }],
};

static DONE: AtomicU32 = AtomicU32::new(0);
static SUM: AtomicU64 = AtomicU64::new(0);

fn main() {
    let n = goflags(&CMD).count(&CMD, 0);
    outln!("goroutines: starting {}", n);
    for i in 1..=n {
        go(move || {
            SUM.fetch_add(i as u64, SeqCst);
            DONE.fetch_add(1, SeqCst);
        });
    }
    let mut yields = 0u32;
    while DONE.load(SeqCst) < n {
        Gosched();
        yields += 1;
    }
    let sum = SUM.load(SeqCst);
    let want = n as u64 * (n as u64 + 1) / 2;
    let allgs = runtime_i386::globals::allgs().len();
    outln!(
        "goroutines: {} ran, sum {} (want {}), main yielded {} times, {} gs allocated",
        n,
        sum,
        want,
        yields,
        allgs
    );
    if sum != want {
        runtime_i386::base::print::throw("goroutines: wrong sum");
    }
    // A second wave reuses the dead gs instead of allocating new ones.
    let before = allgs;
    DONE.store(0, SeqCst);
    for _ in 0..n.min(100) {
        go(|| {
            DONE.fetch_add(1, SeqCst);
        });
    }
    while DONE.load(SeqCst) < n.min(100) {
        Gosched();
    }
    outln!(
        "second wave: {} goroutines, allgs grew by {}",
        n.min(100),
        runtime_i386::globals::allgs().len() - before
    );
}

runtime_i386::go_program!(main);
