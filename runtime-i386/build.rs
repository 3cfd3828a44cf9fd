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
        "asm/preempt_386.S",
    ];
    println!("cargo:rerun-if-changed=asm/go_asm.h");
    println!("cargo:rerun-if-changed=link/runtime_text.ld");
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
        // The runtime's code in one range (link/runtime_text.ld): preemption skips it.
        let ld = std::path::Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap())
            .join("link/runtime_text.ld");
        println!("cargo:rustc-link-arg-{kind}=-Wl,-T,{}", ld.display());
    }
    stages();
    println!("cargo:rerun-if-changed=build.rs");
}

/// `Stage` from stages.txt: the chapter programs' stop points, in boot order, numbered from 1.
fn stages() {
    println!("cargo:rerun-if-changed=stages.txt");
    let text = std::fs::read_to_string("stages.txt").expect("stages.txt");
    let stages: Vec<(&str, &str)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.split_once('\t')
                .expect("stages.txt: name<TAB>description")
        })
        .collect();
    let mut out = String::from(
        "/// The points of the boot where a chapter program stops, in boot order (stages.txt).\n\
         #[derive(Clone, Copy, PartialEq, Eq, Debug)]\n#[repr(u32)]\n#[allow(non_camel_case_types)]\n\
         pub enum Stage {\n",
    );
    for (i, (name, what)) in stages.iter().enumerate() {
        out += &format!("    /// {what}\n    {name} = {},\n", i + 1);
    }
    out += "}\n\nimpl Stage {\n    /// Every stage, in boot order.\n    pub const ALL: [Stage; ";
    out += &format!("{}] = [", stages.len());
    for (name, _) in &stages {
        out += &format!("Stage::{name}, ");
    }
    out += "];\n    /// The stage's name (its chapter's, and its program's).\n    \
            pub fn name(self) -> &'static str {\n        match self {\n";
    for (name, _) in &stages {
        out += &format!("            Stage::{name} => {name:?},\n");
    }
    out += "        }\n    }\n    /// What the chapter program shows, at this point.\n    \
            pub fn describe(self) -> &'static str {\n        match self {\n";
    for (name, what) in &stages {
        out += &format!("            Stage::{name} => {what:?},\n");
    }
    out += "        }\n    }\n}\n";
    let dir = std::env::var("OUT_DIR").unwrap();
    std::fs::write(std::path::Path::new(&dir).join("stages.rs"), out).unwrap();
}
