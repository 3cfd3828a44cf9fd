//! The smallest runtime program: the whole boot, then a main.main that does nothing, then
//! exit(0). What `make bench` times against a static program that only exits.
#![no_std]
#![no_main]

fn main() {}

runtime_i386::go_program!(main);
