//! Every goroutine blocks forever (`select {}`): with every M idle and every goroutine
//! waiting, checkdead reports Go's "all goroutines are asleep - deadlock!" and exits 2,
//! listing the goroutines as Go's traceback headers do.
#![no_std]
#![no_main]

use runtime_i386::{block, go};

fn main() {
    go(block);
    block();
}

runtime_i386::go_program!(main);
