//! A goroutine overflows its stack on another M: main keeps its P busy (never yields), so
//! with GOMAXPROCS=2 or more a spinning M steals the new goroutine and runs it. The fault
//! is reported on that M's signal stack, naming the goroutine, and exit_group ends every
//! thread of the process, main's included.
#![no_std]
#![no_main]

use runtime_i386::go;

#[path = "common/deep.rs"]
mod common;
use common::deep;

fn main() {
    go(|| {
        deep(0);
    });
    loop {
        core::hint::spin_loop();
    }
}

runtime_i386::go_program!(main);
