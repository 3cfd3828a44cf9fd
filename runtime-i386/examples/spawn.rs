//! Goroutines started from several goroutines across all Ps each run exactly once: main
//! starts SPAWNERS goroutines (default 8), each of which starts its share of N goroutines
//! (default 1,000,000), yielding every 512 so that they do not all exist at once; each
//! marks its own number. main waits, then checks that every
//! number was marked exactly once and prints how many goroutines each M ran (stealing
//! spreads them).
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, AtomicU8, Ordering::SeqCst};
use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::base::print::throw;
use runtime_i386::{go, outln, print, Gosched};

const CMD: Cmdline = Cmdline {
    json: false,
    args: &[
        Arg {
            name: "N",
            usage: "goroutines to start (at most 1000000)",
            kind: ArgKind::Count {
                min: 1,
                default: 1_000_000,
            },
        },
        Arg {
            name: "SPAWNERS",
            usage: "goroutines that start them",
            kind: ArgKind::Count { min: 1, default: 8 },
        },
    ],
};

const MAX: usize = 1_000_000;
static SEEN: [AtomicU8; MAX] = [const { AtomicU8::new(0) }; MAX];
static DONE: AtomicU32 = AtomicU32::new(0);
/// Goroutines run per M id (ids above 63 count in the last slot).
static PER_M: [AtomicU32; 64] = [const { AtomicU32::new(0) }; 64];

fn mark(i: u32) {
    SEEN[i as usize].fetch_add(1, SeqCst);
    let id = unsafe { (*(*runtime_i386::base::tls::getg()).m).id } as usize;
    PER_M[id.min(63)].fetch_add(1, SeqCst);
    DONE.fetch_add(1, SeqCst);
}

fn main() {
    let f = goflags(&CMD);
    let (n, s) = (f.count(&CMD, 0), f.count(&CMD, 1));
    if n as usize > MAX {
        throw("spawn: N is at most 1000000");
    }
    for k in 0..s {
        go(move || {
            let mut i = k;
            let mut started = 0u32;
            while i < n {
                go(move || mark(i));
                i += s;
                started += 1;
                // Our stacks are 64 KiB mappings, not Go's 2 KiB: let some run before
                // starting more, or a million would exist at once (see README.md's limits).
                if started.is_multiple_of(512) {
                    Gosched();
                }
            }
        });
    }
    while DONE.load(SeqCst) < n {
        Gosched();
    }
    for (i, seen) in SEEN.iter().enumerate().take(n as usize) {
        let c = seen.load(SeqCst);
        if c != 1 {
            print!("spawn: goroutine {} ran {} times\n", i, c);
            throw("spawn: a goroutine was lost or ran twice");
        }
    }
    print!("spawn: per M:");
    for (id, c) in PER_M.iter().enumerate() {
        let c = c.load(SeqCst);
        if c != 0 {
            print!(" m{}={}", id, c);
        }
    }
    print!("\n");
    // Which P stole how many goroutines from which (Ps 0-7; not in Go: stealStats).
    for (thief, row) in runtime_i386::base::runq::stealStats.iter().enumerate() {
        for (victim, c) in row.iter().enumerate() {
            let c = c.load(SeqCst);
            if c != 0 {
                print!("spawn: P{} stole {} from P{}\n", thief, c, victim);
            }
        }
    }
    outln!(
        "spawn: {} goroutines from {} spawners each ran exactly once",
        n,
        s
    );
}

runtime_i386::go_program!(main);
