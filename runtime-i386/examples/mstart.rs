//! Chapter program `mstart`: boots the real runtime up to its chapter's point and prints
//! the state in execute, after mstart0/mstart1 and schedule picked g1.
//!
//!     cargo run --example mstart            # readable
//!     cargo run --example mstart -- --json  # one JSON object, Go's field names
#![no_std]
#![no_main]

runtime_i386::chapter_program!(mstart);
