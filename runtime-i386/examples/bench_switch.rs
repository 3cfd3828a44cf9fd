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
use runtime_i386::os_linux::goarg_u32;
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

fn main() {
    let n = goarg_u32(1).unwrap_or(1_000_000);
    let rounds = goarg_u32(2).unwrap_or(5);
    round(n / 10 + 1);
    for _ in 0..rounds {
        outln!("switch n={} ns={}", n, round(n));
    }
}

runtime_i386::go_program!(main);
