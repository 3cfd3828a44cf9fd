//! Chapter program `rt0_386`: boots the real runtime up to its chapter's point and prints
//! what the kernel hands the ELF entry point (argc, argv, envp, auxv).
//!
//!     cargo run --example rt0_386            # readable
//!     cargo run --example rt0_386 -- --json  # one JSON object, Go's field names
#![no_std]
#![no_main]

runtime_i386::chapter_program!(rt0_386);
