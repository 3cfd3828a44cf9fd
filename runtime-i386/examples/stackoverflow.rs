//! A goroutine that recurses without end: the runtime must report a stack overflow naming
//! the goroutine and exit with status 2, like Go, instead of corrupting memory.
//! `-- main` overflows main's own goroutine instead.
#![no_std]
#![no_main]

use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::{go, Gosched};

/// The command line, parsed by the runtime's one argv parser (`-h` for the usage).
const CMD: Cmdline = Cmdline {
    json: false,
    args: &[Arg {
        name: "WHERE",
        usage: "main: overflow main's goroutine instead of a new one",
        kind: ArgKind::Word("main"),
    }],
};

#[path = "common/deep.rs"]
mod common;
use common::deep;

fn main() {
    if goflags(&CMD).given(0) {
        deep(0);
    }
    go(|| {
        deep(0);
    });
    loop {
        Gosched();
    }
}

runtime_i386::go_program!(main);
