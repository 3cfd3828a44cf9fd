//! A goroutine that never yields does not starve main: main starts a goroutine that spins
//! forever, yields to it (Gosched), and runs again only because sysmon preempts the spinner
//! after 10 ms (forcePreemptNS) with a SIGURG: asynchronous preemption. Run it with
//! GOMAXPROCS=1, where main and the spinner share the one P:
//!
//!     GOMAXPROCS=1 cargo run --example preempt
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use runtime_i386::base::sys_linux_386::nanotime;
use runtime_i386::{go, outln, Gosched};

static SPINS: AtomicU64 = AtomicU64::new(0);

fn main() {
    // The loop is in the closure itself: the compiler may inline it into the runtime's
    // go() wrapper, whose section the linker script keeps out of the runtime's range.
    go(|| loop {
        SPINS.fetch_add(1, Relaxed);
    });
    let t0 = nanotime();
    // The first Gosched may come straight back (findRunnable's fairness check takes the
    // global queue, where Gosched put main, when schedtick % 61 == 0); once the spinner has
    // run, main is back only because the spinner was preempted.
    while SPINS.load(Relaxed) == 0 {
        Gosched();
    }
    let waited = nanotime() - t0;
    let gen: u32 = unsafe {
        let mut m = *runtime_i386::globals::runtime_allm.get();
        let mut n = 0;
        while !m.is_null() {
            n += (*m).preemptGen;
            m = (*m).alllink;
        }
        n
    };
    outln!(
        "preempt: main ran again after {} ms; the spinner looped {} times; {} preemption signal(s) handled",
        waited / 1_000_000,
        SPINS.load(Relaxed),
        gen
    );
}

runtime_i386::go_program!(main);
