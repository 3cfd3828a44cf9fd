//! Chapter program `gogo`: boots the real runtime up to its chapter's point and prints
//! the state at runtime.main's first instruction, right after gogo.
//!
//!     cargo run --example gogo            # readable
//!     cargo run --example gogo -- --json  # one JSON object, Go's field names
#![no_std]
#![no_main]

runtime_i386::chapter_program!(gogo);
