//! Chapter program `mainpc`: boots the real runtime up to its chapter's point and prints
//! the state in main.main, called by runtime.main.
//!
//!     cargo run --example mainpc            # readable
//!     cargo run --example mainpc -- --json  # one JSON object, Go's field names
#![no_std]
#![no_main]

runtime_i386::chapter_program!(mainpc);
