//! Chapter program `newproc`: boots the real runtime up to its chapter's point and prints
//! the state after newproc(mainPC): g1 in P0's runnext, its stack frame.
//!
//!     cargo run --example newproc            # readable
//!     cargo run --example newproc -- --json  # one JSON object, Go's field names
#![no_std]
#![no_main]

runtime_i386::chapter_program!(newproc);
