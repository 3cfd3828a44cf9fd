//! Chapter program `schedinit`: boots the real runtime up to its chapter's point and prints
//! the state after schedinit: maxmcount, m0, the Ps and the idle list.
//!
//!     cargo run --example schedinit            # readable
//!     cargo run --example schedinit -- --json  # one JSON object, Go's field names
#![no_std]
#![no_main]

runtime_i386::chapter_program!(schedinit);
