//! Helpers for the book's tests: build the runtime's programs once, run them, parse their
//! `--json` state; the book's snapshots and the filters of what differs between machines
//! (snapshots.rs).

mod graded;
pub use graded::{graded, Graded};
mod snapshots;
pub use snapshots::{filter, snapshot_body, snapshot_dir, FILTERS, SNAPSHOT_HEADER_LINES};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The chapters' stop points, in boot order: each chapter's program (runtime-i386/stages.txt,
/// the one list of them).
pub fn chapters() -> Vec<&'static str> {
    include_str!("../../runtime-i386/stages.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').next().unwrap())
        .collect()
}

/// Cargo's target directory (`CARGO_TARGET_DIR`, else target/ of the repository).
pub fn target_dir() -> PathBuf {
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
        // The grader (scripts/labs/grade.py) builds them first and runs the tests in a
        // read-only sandbox: it says where they are.
        if let Some(d) = std::env::var_os("RUNTIME_I386_EXAMPLES").filter(|_| profile == "debug") {
            return PathBuf::from(d);
        }
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

/// The runner of the runtime's i386 programs, as a command line: `RUNTIME_I386_RUNNER`
/// (e.g. `qemu-i386`, which `make test` sets for a second run of tests/chapters.rs), else
/// cargo's own `CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_RUNNER` (`make test RUNNER=qemu` sets
/// both), else none: the programs run natively. The program is resolved on PATH here, so
/// that runs with a cleared environment find it too.
pub fn runner() -> Option<Vec<String>> {
    let spec = [
        "RUNTIME_I386_RUNNER",
        "CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_RUNNER",
    ]
    .iter()
    .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))?;
    let mut words: Vec<String> = spec.split_whitespace().map(String::from).collect();
    if !words[0].contains('/') {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|d| d.join(&words[0]))
            .find(|p| p.is_file());
        match found {
            Some(p) => words[0] = p.display().to_string(),
            None => panic!(
                "runner {:?} is not on PATH (scripts/setup.sh test installs qemu-user)",
                words[0]
            ),
        }
    }
    Some(words)
}

/// Whether the programs run under an emulator (qemu-i386 has no vDSO, so no AT_SYSINFO).
pub fn emulated() -> bool {
    runner().is_some()
}

/// A command that runs the runtime's program `exe` (through the runner, if there is one).
pub fn program(exe: &Path) -> Command {
    match runner() {
        Some(r) => {
            let mut c = Command::new(&r[0]);
            c.args(&r[1..]).arg(exe);
            c
        }
        None => Command::new(exe),
    }
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
    let mut cmd = command(profile, name);
    cmd.args(args);
    if let Env::Set(v) = gomaxprocs {
        cmd.env("GOMAXPROCS", v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| panic!("run {name}: {e}"))
}

/// A runtime program (`profile` build) ready to run, with neither GOMAXPROCS nor BOOTTRACE
/// set, for tests that need their own stdio, arguments or environment.
pub fn command(profile: &str, name: &str) -> Command {
    let mut cmd = program(&examples_dir(profile).join(name));
    cmd.env_remove("GOMAXPROCS").env_remove("BOOTTRACE");
    cmd
}

/// [`command`] with the program's argv[0] set to `argv0`: through the runner's `-0` option
/// under qemu-i386 (argv[0] of the qemu process is not the guest's), else directly.
pub fn command_as(profile: &str, name: &str, argv0: &std::ffi::OsStr) -> Command {
    use std::os::unix::process::CommandExt;
    let exe = examples_dir(profile).join(name);
    let mut cmd = match runner() {
        Some(r) => {
            let mut c = Command::new(&r[0]);
            c.args(&r[1..]).arg("-0").arg(argv0).arg(&exe);
            c
        }
        None => {
            let mut c = Command::new(&exe);
            c.arg0(argv0);
            c
        }
    };
    cmd.env_remove("GOMAXPROCS").env_remove("BOOTTRACE");
    cmd
}

/// Runs a runtime program (debug build) with `args` in an environment of exactly `env`:
/// nothing of this process's environment leaks in. The book's outputs are made so, and the
/// comparison with Go runs ours in the environment capture.sh gives Go's program.
pub fn run_clean(name: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command("debug", name);
    cmd.env_clear().envs(env.iter().copied()).args(args);
    cmd.output().unwrap_or_else(|e| panic!("run {name}: {e}"))
}

/// The `--json` state of a chapter program run by [`run_clean`] in an environment of exactly
/// `env`, or what went wrong.
pub fn clean_state(chapter: &str, env: &[(&str, &str)]) -> Result<serde_json::Value, String> {
    let out = run_clean(chapter, &["--json"], env);
    if !out.status.success() {
        return Err(format!(
            "{chapter} (environment {env:?}) exited {}; stderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "{chapter} --json is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
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

/// gdb's batch-mode output for `commands` run on chapter program `name` (debug build) with
/// `args`, `GOMAXPROCS=8` and no `BOOTTRACE`; `run` in `commands` starts the program, or
/// `starti` (stopped at the ELF entry point). Under a runner (qemu-i386) gdb attaches to
/// qemu's gdb stub instead, where the program waits at its entry point, with software
/// watchpoints (qemu-user has no hardware ones): slower, same answers. gdb is required
/// (scripts/setup.sh go and labs install it).
pub fn gdb(name: &str, args: &[&str], commands: &[&str]) -> String {
    let exe = examples_dir("debug").join(name);
    let mut cmd = Command::new("gdb");
    cmd.args([
        "-batch",
        "-nx",
        "-ex",
        "set language c",
        "-ex",
        "set pagination off",
    ])
    .args([
        "-ex",
        "set confirm off",
        "-ex",
        "set startup-with-shell off",
    ]);
    let mut stub = None;
    let commands: Vec<String> = match runner() {
        Some(r) => {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free port for qemu's gdb stub");
            stub = Some(
                Command::new(&r[0])
                    .args(&r[1..])
                    .args(["-g", &port.to_string()])
                    .arg(&exe)
                    .args(args)
                    .env("GOMAXPROCS", "8")
                    .env_remove("BOOTTRACE")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .expect("start qemu-i386 -g"),
            );
            cmd.arg("-ex").arg("set can-use-hw-watchpoints 0");
            cmd.arg("-ex").arg(format!("file {}", exe.display()));
            cmd.arg("-ex")
                .arg(format!("target remote 127.0.0.1:{port}"));
            commands
                .iter()
                .filter(|c| **c != "starti")
                .map(|c| {
                    if *c == "run" {
                        "continue".into()
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        }
        None => {
            cmd.args([
                "-ex",
                "set environment GOMAXPROCS 8",
                "-ex",
                "unset environment BOOTTRACE",
            ]);
            commands.iter().map(|c| c.to_string()).collect()
        }
    };
    for c in &commands {
        cmd.arg("-ex").arg(c);
    }
    cmd.args(["-ex", "kill"]);
    if stub.is_none() {
        cmd.arg("--args").arg(&exe).args(args);
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("gdb is needed for this test ({e}): scripts/setup.sh go installs it")
    });
    if let Some(mut s) = stub {
        let _ = s.kill();
        let _ = s.wait();
    }
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// The value of every gdb output line `NAME 0x...` (from `printf "NAME %#x\n", ...`).
pub fn gdb_values(out: &str) -> std::collections::BTreeMap<String, u64> {
    out.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            let v = v
                .strip_prefix("0x")
                .map_or_else(|| v.parse().ok(), |h| u64::from_str_radix(h, 16).ok())?;
            k.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                .then(|| (k.to_string(), v))
        })
        .collect()
}
