//! Helpers for the book's tests: build the runtime's programs once, run them, parse their
//! `--json` state.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The chapter programs, in boot order.
pub const CHAPTERS: [&str; 8] = [
    "globals",
    "rt0_386",
    "rt0_go",
    "schedinit",
    "newproc",
    "mstart",
    "gogo",
    "mainpc",
];

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Builds every example of runtime-i386 for `profile` ("debug" or "release") once per test
/// process, and returns the directory holding them.
pub fn examples_dir(profile: &str) -> PathBuf {
    static DEBUG: OnceLock<PathBuf> = OnceLock::new();
    static RELEASE: OnceLock<PathBuf> = OnceLock::new();
    let cell = if profile == "release" {
        &RELEASE
    } else {
        &DEBUG
    };
    cell.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "build",
            "--quiet",
            "-p",
            "runtime-i386",
            "--examples",
            "--target",
            "i686-unknown-linux-gnu",
        ]);
        if profile == "release" {
            cmd.arg("--release");
        }
        let st = cmd.status().expect("run cargo build");
        assert!(st.success(), "building the runtime's examples failed");
        target_dir()
            .join("i686-unknown-linux-gnu")
            .join(profile)
            .join("examples")
    })
    .clone()
}

/// How to set GOMAXPROCS for a run: leave it unset, or set it to a string.
#[derive(Clone, Copy, Debug)]
pub enum Env<'a> {
    Unset,
    Set(&'a str),
}

/// Runs a program of the runtime (debug build) with arguments and GOMAXPROCS.
pub fn run(name: &str, args: &[&str], gomaxprocs: Env) -> Output {
    run_profile("debug", name, args, gomaxprocs, &[])
}

/// Runs a program with a profile, arguments, GOMAXPROCS and extra environment.
pub fn run_profile(
    profile: &str,
    name: &str,
    args: &[&str],
    gomaxprocs: Env,
    env: &[(&str, &str)],
) -> Output {
    let exe = examples_dir(profile).join(name);
    let mut cmd = Command::new(&exe);
    cmd.args(args)
        .env_remove("GOMAXPROCS")
        .env_remove("BOOTTRACE");
    if let Env::Set(v) = gomaxprocs {
        cmd.env("GOMAXPROCS", v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("run {}: {e}", exe.display()))
}

/// A runtime program (`profile` build) ready to run, with neither GOMAXPROCS nor BOOTTRACE
/// set, for tests that need their own stdio, arguments or environment.
pub fn command(profile: &str, name: &str) -> Command {
    let mut cmd = Command::new(examples_dir(profile).join(name));
    cmd.env_remove("GOMAXPROCS").env_remove("BOOTTRACE");
    cmd
}

/// Runs a chapter program with `--json`, checks it exited 0, and parses its state.
pub fn state(chapter: &str, gomaxprocs: Env) -> serde_json::Value {
    let out = run(chapter, &["--json"], gomaxprocs);
    assert!(
        out.status.success(),
        "{chapter} exited {:?}; stderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("{chapter} --json is not JSON ({e}):\n{text}"))
}

/// The number of CPUs this process may run on, as the kernel reports it (what Go's
/// getproccount computes from sched_getaffinity).
pub fn ncpu() -> i64 {
    std::thread::available_parallelism()
        .map(|n| n.get() as i64)
        .unwrap_or(1)
}
