//! Chapter program `rt0_go`: boots the real runtime up to its chapter's point and prints
//! the state after rt0_go's set-up (g0 stack, CPUID, TLS, m0<->g0), args and osinit.
//!
//!     cargo run --example rt0_go            # readable
//!     cargo run --example rt0_go -- --json  # one JSON object, Go's field names
#![no_std]
#![no_main]

runtime_i386::chapter_program!(rt0_go);
