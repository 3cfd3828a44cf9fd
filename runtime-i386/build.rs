//! Assembles the runtime's `.S` files (named after Go's) and tells the linker how to make the
//! examples into static, libc-free i386 programs whose ELF entry point is `_rt0_386_linux`.
//!
//! The assembly is position-independent (it reaches globals PC-relatively and through the g
//! pointer in TLS), so the same archive also links into the ordinary 32-bit glibc test
//! binaries, where only `syscall6` and friends are used.

use std::env;

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    if !target.starts_with("i686-") && !target.starts_with("i586-") && !target.starts_with("i386-")
    {
        panic!(
            "runtime-i386 is an i386 runtime: build it with --target i686-unknown-linux-gnu \
             (the workspace's .cargo/config.toml does this), not for {target}"
        );
    }
    let sources = [
        "asm/rt0_linux_386.S",
        "asm/asm_386.S",
        "asm/sys_linux_386.S",
        "asm/memmove_386.S",
    ];
    println!("cargo:rerun-if-changed=asm/go_asm.h");
    let mut build = cc::Build::new();
    for s in sources {
        build.file(s);
        println!("cargo:rerun-if-changed={s}");
    }
    build.flag("-Wa,--fatal-warnings").compile("goasm");

    // Only the runtime's own programs get these; the std test binaries keep glibc's entry.
    for kind in ["examples"] {
        for arg in [
            "-nostartfiles",
            "-nostdlib",
            "-static",
            "-no-pie",
            "-Wl,-e,_rt0_386_linux",
            "-Wl,-u,_rt0_386_linux",
            "-Wl,--build-id=none",
        ] {
            println!("cargo:rustc-link-arg-{kind}={arg}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
