//! main starts N goroutines (default 10,000; `-- N` to change), each adds its number to a
//! counter and returns; main yields (Gosched) until all have run, checks the sum, and prints
//! what the scheduler did. Goroutines that return are recycled (gfput/gfget). All N exist
//! at once (main creates them all before it yields), so N is bounded by the number of live
//! goroutines the kernel's mapping limit allows (about 32,760: see README.md).
#![no_std]
#![no_main]

use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::globals::Global;
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

static DONE: Global<u32> = Global::new(0);
static SUM: Global<u64> = Global::new(0);

fn main() {
    let n = goflags(&CMD).count(&CMD, 0);
    outln!("goroutines: starting {}", n);
    for i in 1..=n {
        go(move || unsafe {
            *SUM.get() += i as u64;
            *DONE.get() += 1;
        });
    }
    let mut yields = 0u32;
    while unsafe { *DONE.get() } < n {
        Gosched();
        yields += 1;
    }
    let sum = unsafe { *SUM.get() };
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
    unsafe { *DONE.get() = 0 };
    for _ in 0..n.min(100) {
        go(|| unsafe { *DONE.get() += 1 });
    }
    while unsafe { *DONE.get() } < n.min(100) {
        Gosched();
    }
    outln!(
        "second wave: {} goroutines, allgs grew by {}",
        n.min(100),
        runtime_i386::globals::allgs().len() - before
    );
}

runtime_i386::go_program!(main);
