//! Chapter program `globals`: boots the real runtime up to its chapter's point and prints
//! the runtime's global variables, before anything has run.
//!
//!     cargo run --example globals            # readable
//!     cargo run --example globals -- --json  # one JSON object, Go's field names
#![no_std]
#![no_main]

runtime_i386::chapter_program!(globals);
