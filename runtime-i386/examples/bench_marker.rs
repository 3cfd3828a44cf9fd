//! Benchmark (`make bench`): main.main's first act is a marker system call,
//! write(2, "main\n", 5), so that `strace -f` shows where the runtime's start-up ends.
//! The Go side is scripts/bench/go/marker (Go's built-in print, which writes to fd 2).
#![no_std]
#![no_main]

fn main() {
    runtime_i386::base::sys_linux_386::write1(2, b"main\n");
}

runtime_i386::go_program!(main);
