//! Benchmark (`make bench`): a switch between two goroutines that yield to each other. As
//! tests/bench/go/switch (run with GOMAXPROCS=1): main and one goroutine each call Gosched
//! N times; when the goroutine is done it sets a flag that main, done too, waits for by
//! yielding. Switches per round: 2N.
//!
//!     bench_switch [N [ROUNDS]]   an untimed warm-up round of N/10, then ROUNDS rounds
//!
//! Prints `switch n=N ns=ELAPSED` per timed round.
#![no_std]
#![no_main]

use core::ptr::{read_volatile, write_volatile};
use runtime_i386::globals::Global;
use runtime_i386::sys_linux_386::nanotime;
use runtime_i386::{go, outln, Gosched};

static DONE: Global<bool> = Global::new(false);

fn round(n: u32) -> i64 {
    unsafe { write_volatile(DONE.get(), false) };
    go(move || {
        for _ in 0..n {
            Gosched();
        }
        unsafe { write_volatile(DONE.get(), true) };
    });
    let t0 = nanotime();
    for _ in 0..n {
        Gosched();
    }
    while !unsafe { read_volatile(DONE.get()) } {
        Gosched();
    }
    nanotime() - t0
}

fn arg(i: usize, default: u32) -> u32 {
    runtime_i386::os_linux::goargs()
        .nth(i)
        .and_then(runtime_i386::schedinit::atoi32)
        .filter(|n| *n >= 0)
        .map_or(default, |n| n as u32)
}

fn main() {
    let n = arg(1, 1_000_000);
    let rounds = arg(2, 5);
    round(n / 10 + 1);
    for _ in 0..rounds {
        outln!("switch n={} ns={}", n, round(n));
    }
}

runtime_i386::go_program!(main);
