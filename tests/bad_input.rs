//! Bad input gets a clear, Go-like error (a message on stderr, exit status 2), never a crash
//! without a word, lost output or corrupt state. Where Go 1.22 has an answer, the expected
//! text was taken from real Go programs (go1.22.12, GOOS=linux GOARCH=386) run on the same
//! input; each test says which.

use gmp_boot_book::{run_profile, Env};
use std::process::Output;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Asserts a fatal, Go-style exit: status 2, nothing on stdout, and stderr starting with
/// `want`; returns stderr.
fn dies_with(out: &Output, want: &str, what: &str) -> String {
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit status; stderr:\n{err}"
    );
    assert!(
        err.starts_with(want),
        "{what}: stderr should start with\n{want}\ngot:\n{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "{what}: stdout should be empty: {}",
        text(&out.stdout)
    );
    err
}

// ---- 1. GOMAXPROCS too large for 32 bits -------------------------------------------------

/// Go 1.22 on 386, measured with GOMAXPROCS=1073741824, 1610612736, 2147483647: procresize's
/// `make([]*p, nprocs)` needs more than maxAlloc (2^32-1) bytes, makeslice panics, and the
/// panic happens on the system stack (exit 2):
const GO_MAKESLICE: &str = "panic: runtime.errorString(\"makeslice: len out of range\")\n\
                            fatal error: panic on system stack\n";

#[test]
fn gomaxprocs_whose_allp_does_not_fit_dies_like_go_makeslice() {
    for profile in ["debug", "release"] {
        for v in ["1073741824", "1610612736", "2147483647"] {
            let out = run_profile(profile, "schedinit", &[], Env::Set(v), &[]);
            dies_with(&out, GO_MAKESLICE, &format!("{profile} GOMAXPROCS={v}"));
        }
    }
}

#[test]
fn gomaxprocs_that_fits_makeslice_but_not_memory_dies_like_go_out_of_memory() {
    for profile in ["debug", "release"] {
        // 1073741823 * 4 = 2^32 - 4 passes makeslice; Go's mallocgc then finds that
        // size + _PageSize overflows (mcache.go:219-221). Go prints exactly this.
        let out = run_profile(profile, "schedinit", &[], Env::Set("1073741823"), &[]);
        dies_with(&out, "fatal error: out of memory\n", profile);
        // Sizes the OS cannot give: Go prints "runtime: out of memory: cannot allocate
        // N-byte block (M in use)" then "fatal error: out of memory" (measured: 1000000000
        // fails on allp's 4 GB, 1000000 on the Ps themselves).
        for v in ["1000000000", "1000000"] {
            let out = run_profile(profile, "schedinit", &[], Env::Set(v), &[]);
            let err = dies_with(
                &out,
                "runtime: out of memory: cannot allocate ",
                &format!("{profile} GOMAXPROCS={v}"),
            );
            let mut lines = err.lines();
            let first = lines.next().unwrap();
            let rest = first
                .strip_prefix("runtime: out of memory: cannot allocate ")
                .unwrap();
            let (n, in_use) = rest
                .split_once("-byte block (")
                .unwrap_or_else(|| panic!("{first}"));
            let in_use = in_use
                .strip_suffix(" in use)")
                .unwrap_or_else(|| panic!("{first}"));
            assert!(n.parse::<u64>().unwrap() > 0, "{first}");
            in_use.parse::<u64>().unwrap();
            assert_eq!(lines.next(), Some("fatal error: out of memory"), "{err}");
        }
    }
}

#[test]
fn large_but_possible_gomaxprocs_still_boots() {
    for profile in ["debug", "release"] {
        let out = run_profile(profile, "schedinit", &["--json"], Env::Set("20000"), &[]);
        assert!(out.status.success(), "{profile}: {}", text(&out.stderr));
        let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(s["gomaxprocs"], 20000);
        assert_eq!(s["allp"].as_array().unwrap().len(), 20000);
        assert_eq!(s["sched"]["npidle"], 19999);
    }
}

// ---- 2. Output into a non-blocking pipe -------------------------------------------------

extern "C" {
    /// glibc's fcntl (every std test binary links glibc): std cannot set O_NONBLOCK on a pipe.
    fn fcntl(fd: i32, cmd: i32, ...) -> i32;
}

fn set_nonblocking(fd: &impl std::os::fd::AsRawFd) {
    const F_GETFL: i32 = 3;
    const F_SETFL: i32 = 4;
    const O_NONBLOCK: i32 = 0o4000;
    unsafe {
        let fl = fcntl(fd.as_raw_fd(), F_GETFL);
        assert!(fl >= 0, "F_GETFL");
        assert_eq!(
            fcntl(fd.as_raw_fd(), F_SETFL, fl | O_NONBLOCK),
            0,
            "F_SETFL"
        );
    }
}

/// Go writes everything (internal/poll/fd_unix.go:366-399 waits for the poller on EAGAIN):
/// so must we, when stdout is a non-blocking pipe whose reader is slow to start and slow to
/// read. GOMAXPROCS=3000 makes schedinit's report (one line per P) over 200 KiB, more than
/// three times the pipe's 64 KiB.
#[test]
fn output_into_a_nonblocking_pipe_with_a_slow_reader_is_not_lost() {
    use std::io::Read;
    let want = run_profile("debug", "schedinit", &[], Env::Set("3000"), &[]);
    assert!(want.status.success(), "{}", text(&want.stderr));
    assert!(want.stdout.len() > 3 * 65536, "{} bytes", want.stdout.len());

    let (mut r, w) = std::io::pipe().unwrap();
    set_nonblocking(&w);
    let mut cmd = gmp_boot_book::command("debug", "schedinit");
    cmd.env("GOMAXPROCS", "3000").stdout(w);
    let mut child = cmd.spawn().unwrap();
    drop(cmd); // the Command holds our copy of the write end: EOF needs it closed
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = r.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(got.len(), want.stdout.len(), "bytes that arrived");
    assert!(got == want.stdout, "the same report as into a normal pipe");
}

// ---- 3. JSON is valid UTF-8; the text report quotes argv as Go's %q ----------------------

/// Runs `rt0_386` (which reports argv) with argv[0] set to `argv0`.
fn rt0_386_as(argv0: &[u8], args: &[&str]) -> Output {
    use std::os::unix::ffi::OsStrExt;
    let out = gmp_boot_book::command_as("debug", "rt0_386", std::ffi::OsStr::from_bytes(argv0))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    out
}

/// A nasty argv[0]: control characters, quotes, HTML, U+2028, DEL, NBSP, a combining mark,
/// an emoji, a truncated UTF-8 sequence, and what Go's encoding/json and %q make of it.
const NASTY: &[u8] = b"\t\n\x01\"\\<>&\xe2\x80\xa8\x7f\xc2\xa0\xcc\x81e\xf0\x9f\x98\x80\xe2\x82";
/// `json.Marshal(string(NASTY))` and `fmt.Sprintf("%q", NASTY)`, from go1.22.12.
const NASTY_JSON: &str =
    "\"\\t\\n\\u0001\\\"\\\\\\u003c\\u003e\\u0026\\u2028\x7f\u{a0}\u{301}e😀\\ufffd\\ufffd\"";
const NASTY_Q: &str = "\"\\t\\n\\x01\\\"\\\\<>&\\u2028\\x7f\\u00a0\u{301}e😀\\xe2\\x82\"";

/// The JSON report is UTF-8 written as given, never byte by byte; control characters are
/// escaped and bytes that are not UTF-8 become U+FFFD, as Go's encoding/json
/// (encode.go:956-1026) writes strings: `json.Marshal` output taken from go1.22.12.
#[test]
fn json_report_is_valid_utf8_as_go_encoding_json() {
    for (argv0, want_raw, want) in [
        (&b"pr\xc3\xb6gram"[..], "\"prögram\"", "prögram"),
        (&b"bad\xffname"[..], "\"bad\\ufffdname\"", "bad\u{fffd}name"),
        (
            NASTY,
            NASTY_JSON,
            "\t\n\u{1}\"\\<>&\u{2028}\u{7f}\u{a0}\u{301}e😀\u{fffd}\u{fffd}",
        ),
    ] {
        let out = rt0_386_as(argv0, &["--json"]);
        let raw = String::from_utf8(out.stdout).expect("the JSON report is valid UTF-8");
        assert!(
            raw.contains(&format!("\"argv\":[{want_raw},\"--json\"]")),
            "argv[0] {:?} should be written {want_raw}: {raw}",
            text(argv0)
        );
        let s: serde_json::Value = serde_json::from_str(raw.trim()).unwrap();
        assert_eq!(s["kernel"]["argv"][0], want);
    }
}

/// The text report shows argv as Go's %q (strconv.Quote, quote.go:31-123) would: UTF-8 as
/// it is, invalid bytes as \xff: `fmt.Sprintf("%q")` output taken from go1.22.12.
#[test]
fn text_report_quotes_argv_as_go_percent_q() {
    for (argv0, want) in [
        (&b"pr\xc3\xb6gram"[..], "\"prögram\""),
        (&b"bad\xffname"[..], "\"bad\\xffname\""),
        (b"\x1b[0m\xef\xbb\xbf", "\"\\x1b[0m\\ufeff\""),
        (NASTY, NASTY_Q),
    ] {
        let out = rt0_386_as(argv0, &[]);
        let report = String::from_utf8(out.stdout).expect("the text report is valid UTF-8");
        assert!(
            report.contains(&format!("\n  argv[0] = {want}\n")),
            "argv[0] {:?} should be shown as {want}:\n{report}",
            text(argv0)
        );
    }
}

// ---- 4. The boot trace shows GOMAXPROCS as Go would quote it -----------------------------

/// The boot trace's `schedinit: procs=` line, with GOMAXPROCS set to `v` (or unset).
fn procs_trace_line(v: Option<&[u8]>) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut cmd = gmp_boot_book::command("debug", "schedinit");
    cmd.env("BOOTTRACE", "1");
    if let Some(v) = v {
        cmd.env("GOMAXPROCS", std::ffi::OsStr::from_bytes(v));
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = String::from_utf8(out.stderr).expect("the trace is valid UTF-8");
    err.lines()
        .find(|l| l.starts_with("boot: schedinit: procs="))
        .unwrap_or_else(|| panic!("no procs= line:\n{err}"))
        .to_string()
}

/// GOMAXPROCS as strconv.Quote (quote.go:31-123) shows it, or "unset"; the value that is not
/// a number leaves ncpu, as Go's atoi32 check does (proc.go:823-826).
#[test]
fn boot_trace_quotes_gomaxprocs_like_go() {
    let n = gmp_boot_book::ncpu();
    for (v, want) in [
        (None, format!("procs={n} (ncpu={n}, GOMAXPROCS unset)")),
        (
            Some(&b"\xff"[..]),
            format!("procs={n} (ncpu={n}, GOMAXPROCS=\"\\xff\")"),
        ),
        (Some(b"3"), format!("procs=3 (ncpu={n}, GOMAXPROCS=\"3\")")),
        (Some(b""), format!("procs={n} (ncpu={n}, GOMAXPROCS=\"\")")),
        (
            Some(b"4\n\"x"),
            format!("procs={n} (ncpu={n}, GOMAXPROCS=\"4\\n\\\"x\")"),
        ),
    ] {
        assert_eq!(
            procs_trace_line(v),
            format!("boot: schedinit: {want}"),
            "GOMAXPROCS={v:?}"
        );
    }
}

// ---- 8. Flags as Go's flag package -------------------------------------------------------

/// Go's usage for `flag.Bool("json", false, "print the runtime's state as one JSON object")`
/// in a program whose argv[0] is `schedinit`.
const GO_USAGE: &str =
    "Usage of schedinit:\n  -json\n    \tprint the runtime's state as one JSON object\n";

/// Arguments for messages.
fn show(args: &[&[u8]]) -> String {
    format!("{:?}", args.iter().map(|a| text(a)).collect::<Vec<_>>())
}

/// Runs `schedinit` (argv[0] `schedinit`) with raw arguments.
fn schedinit_with(args: &[&[u8]]) -> Output {
    use std::os::unix::ffi::OsStrExt;
    gmp_boot_book::command_as("debug", "schedinit", "schedinit".as_ref())
        .args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a)))
        .output()
        .unwrap()
}

/// The chapter programs parse their one flag as Go's flag package (flag.go parseOne,
/// boolValue, ExitOnError) does with `flag.Bool("json", ...)` and `flag.Parse()`. Every
/// message, the usage and the exit status below were taken from that Go program built with
/// go1.22.12 (GOARCH=386) and run with the same arguments.
#[test]
fn chapter_program_flags_are_parsed_as_go_flag_package() {
    let json = |args: &[&[u8]]| {
        let out = schedinit_with(args);
        let shown = show(args);
        assert_eq!(out.status.code(), Some(0), "{shown}: {}", text(&out.stderr));
        assert!(out.stderr.is_empty(), "{shown}: {}", text(&out.stderr));
        out.stdout.starts_with(b"{\"stage\":\"schedinit\"")
    };
    // Go: json true.
    for a in [
        &b"-json"[..],
        b"--json",
        b"--json=true",
        b"-json=1",
        b"-json=T",
        b"-json=TRUE",
    ] {
        assert!(json(&[a]), "{:?} is -json=true", text(a));
    }
    assert!(json(&[b"-json", b"-json=t"]));
    // Go: json false.
    for a in [
        &[&b"-json=false"[..]][..],
        &[b"-json=0"],
        &[b"--json=F"],
        &[b"--"],
        &[],
    ] {
        assert!(!json(a), "{} is -json=false", show(a));
    }
    assert!(json(&[b"-json", b"--"]), "-- ends the flags");
    // Go: -h, -help, --help, -help=1, -h=x: the usage, exit status 0.
    for a in [&b"-h"[..], b"-help", b"--help", b"-help=1", b"-h=x"] {
        let out = schedinit_with(&[a]);
        assert_eq!(out.status.code(), Some(0), "{}", text(a));
        assert_eq!(text(&out.stderr), GO_USAGE, "{}", text(a));
        assert!(out.stdout.is_empty());
    }
    // Go: a message, the usage, exit status 2.
    for (a, msg) in [
        (
            &b"-json=x"[..],
            "invalid boolean value \"x\" for -json: parse error",
        ),
        (
            b"-json=",
            "invalid boolean value \"\" for -json: parse error",
        ),
        (
            b"-json=yes",
            "invalid boolean value \"yes\" for -json: parse error",
        ),
        (
            b"--json=\xff",
            "invalid boolean value \"\\xff\" for -json: parse error",
        ),
        (b"-jsn", "flag provided but not defined: -jsn"),
        (b"--jsn", "flag provided but not defined: -jsn"),
        (b"--jsn=1", "flag provided but not defined: -jsn"),
        (b"-JSON", "flag provided but not defined: -JSON"),
        (b"---x", "bad flag syntax: ---x"),
        (b"-=x", "bad flag syntax: -=x"),
    ] {
        let out = schedinit_with(&[a]);
        dies_with(&out, &format!("{msg}\n{GO_USAGE}"), &text(a));
        assert_eq!(text(&out.stderr), format!("{msg}\n{GO_USAGE}"));
    }
    // Go prints an undefined flag's name as it is (%s), not quoted.
    let out = schedinit_with(&[b"-\xff"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out
        .stderr
        .starts_with(b"flag provided but not defined: -\xff\nUsage of schedinit:"));
}

/// Go's flag package would leave positional arguments to the program (`flag.Args()`); the
/// chapter programs take none, so they refuse them, naming the first (quoted as %q), with
/// the usage and exit status 2. After `--` even `-json` is positional, as in Go.
#[test]
fn chapter_programs_refuse_positional_arguments() {
    for (args, first) in [
        (&[&b"extra"[..]][..], "\"extra\""),
        (&[b"-json", b"extra"], "\"extra\""),
        (&[b"extra", b"-json"], "\"extra\""),
        (&[b"--", b"-json"], "\"-json\""),
        (&[b"-"], "\"-\""),
        (&[b"\xff"], "\"\\xff\""),
    ] {
        let out = schedinit_with(args);
        let want = format!("unexpected argument: {first}\n{GO_USAGE}");
        dies_with(&out, &want, &show(args));
        assert_eq!(text(&out.stderr), want);
    }
}

// ---- 5. The example programs' counts -----------------------------------------------------

/// Runs example `name` (argv[0] = its name) with arguments.
fn example(name: &str, args: &[&str]) -> Output {
    gmp_boot_book::command_as("debug", name, name.as_ref())
        .args(args)
        .output()
        .unwrap()
}

/// Bad counts are refused before anything runs: the reason, then the usage (whose first
/// line is `usage`), exit 2. Flags go through the same parser as the chapter programs', so
/// `-5` is an undefined flag, as Go's flag package says of it; after `--` it is a number
/// that is too small.
#[test]
fn example_programs_refuse_bad_counts() {
    let cases: &[(&str, &[&str], &str)] = &[
        ("goroutines", &["-5"], "flag provided but not defined: -5"),
        (
            "goroutines",
            &["abc"],
            "invalid value \"abc\" for N: parse error",
        ),
        (
            "goroutines",
            &["0"],
            "invalid value \"0\" for N: must be at least 1",
        ),
        (
            "goroutines",
            &["--", "-5"],
            "invalid value \"-5\" for N: must be at least 1",
        ),
        (
            "goroutines",
            &["2147483648"],
            "invalid value \"2147483648\" for N: value out of range",
        ),
        ("goroutines", &["10", "20"], "unexpected argument: \"20\""),
        (
            "goroutines",
            &["-json"],
            "flag provided but not defined: -json",
        ),
        (
            "bench_create",
            &["x"],
            "invalid value \"x\" for N: parse error",
        ),
        (
            "bench_create",
            &["10", "0"],
            "invalid value \"0\" for ROUNDS: must be at least 1",
        ),
        (
            "bench_create",
            &["1", "2", "3"],
            "unexpected argument: \"3\"",
        ),
        (
            "bench_switch",
            &["0"],
            "invalid value \"0\" for N: must be at least 1",
        ),
        (
            "bench_switch",
            &["5", "1.5"],
            "invalid value \"1.5\" for ROUNDS: parse error",
        ),
        ("bench_live", &["-1"], "flag provided but not defined: -1"),
        (
            "bench_live",
            &["0"],
            "invalid value \"0\" for N: must be at least 1",
        ),
        (
            "bench_live",
            &["1e4"],
            "invalid value \"1e4\" for N: parse error",
        ),
        (
            "syscalls",
            &["0"],
            "invalid value \"0\" for N: must be at least 1",
        ),
        (
            "syscalls",
            &["99999999999"],
            "invalid value \"99999999999\" for N: value out of range",
        ),
        (
            "stackoverflow",
            &["mian"],
            "invalid value \"mian\" for WHERE: want \"main\" or nothing",
        ),
        (
            "stackoverflow",
            &["main", "x"],
            "unexpected argument: \"x\"",
        ),
    ];
    let usage: &[(&str, &str)] = &[
        ("goroutines", "usage: goroutines [N]\n"),
        ("bench_create", "usage: bench_create [N [ROUNDS]]\n"),
        ("bench_switch", "usage: bench_switch [N [ROUNDS]]\n"),
        ("bench_live", "usage: bench_live [N]\n"),
        ("syscalls", "usage: syscalls [N]\n"),
        ("stackoverflow", "usage: stackoverflow [WHERE]\n"),
    ];
    let usage_of = |name: &str| usage.iter().find(|u| u.0 == name).unwrap().1;
    for &(name, args, msg) in cases {
        let out = example(name, args);
        dies_with(
            &out,
            &format!("{msg}\n{}", usage_of(name)),
            &format!("{name} {args:?}"),
        );
    }
    for &(name, first) in usage {
        let out = example(name, &["-h"]);
        assert_eq!(out.status.code(), Some(0), "{name} -h");
        assert!(
            text(&out.stderr).starts_with(first),
            "{name} -h: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn example_programs_take_good_counts() {
    let out = example("goroutines", &["--", "+7"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("goroutines: 7 ran, sum 28 (want 28)"));
    let out = example("syscalls", &["10"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("getpid x 10 (best of 5 rounds)\n"));
    let out = example("bench_live", &["3"]);
    assert_eq!(text(&out.stdout), "live n=3 started=3 finished=3\n");
}

// ---- 6. The live-goroutine limit ---------------------------------------------------------

/// The `N` of "runtime: N live goroutines; ..." in a mapping-exhaustion report.
fn live_goroutines(err: &str) -> u64 {
    let line = err
        .lines()
        .find(|l| l.contains(" live goroutines; "))
        .unwrap_or_else(|| panic!("no live goroutines line:\n{err}"));
    line.strip_prefix("runtime: ")
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"))
}

/// Every goroutine stack is a mapping and a PROT_NONE guard page: two of the kernel's
/// per-process memory mappings (vm.max_map_count). `goroutines 40000` (main creates them
/// all before yielding; with GOMAXPROCS=1, so that no other M runs them meanwhile, and
/// GODEBUG=asyncpreemptoff=1, so that sysmon does not let them run either) runs into that
/// limit: the report names the errno, the limit read
/// from /proc/sys/vm/max_map_count, the live goroutines, then Go's fatal error shape, exit
/// 2; what main printed first is not lost. The number of live goroutines that fit is
/// measured exactly (printed with `-- --nocapture`): `goroutines L-1` (L gs with main's)
/// runs, `goroutines L` does not.
/// Go's switch for asynchronous preemption, off: main is not interrupted while it creates.
const NOPREEMPT: &[(&str, &str)] = &[("GODEBUG", "asyncpreemptoff=1")];

#[test]
fn live_goroutine_limit_is_reported_with_its_cause() {
    let max: u64 = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    if max > 200_000 {
        println!("vm.max_map_count = {max}: too many mappings to reach here; not tested");
        return;
    }
    let mut live = 0;
    for profile in ["debug", "release"] {
        let out = run_profile(profile, "goroutines", &["40000"], Env::Set("1"), NOPREEMPT);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{profile}: {err}");
        assert_eq!(
            text(&out.stdout),
            "goroutines: starting 40000\n",
            "{profile}"
        );
        let mut lines = err.lines();
        assert_eq!(
            lines.next(),
            Some("runtime: stackalloc: mprotect of the guard page failed: errno 12 (ENOMEM)"),
            "{profile}: {err}"
        );
        let limit = lines.next().unwrap();
        // Under qemu-i386 qemu's own mappings, about a hundred, count against the limit
        // too, and its /proc/self/maps lists only the guest's; at the limit it may fail to
        // build that list at all, and the runtime then gives its own count.
        let slack = if gmp_boot_book::emulated() { 256 } else { 1 };
        let maps: u64 = limit
            .strip_prefix("runtime: the per-process limit on memory mappings is reached: ")
            .and_then(|l| {
                l.strip_suffix(&format!(
                    ", vm.max_map_count = {max} (/proc/sys/vm/max_map_count)"
                ))
            })
            .and_then(|l| {
                l.strip_suffix(" mappings").or_else(|| {
                    l.strip_suffix(" mappings by the runtime's own count")
                        .filter(|_| gmp_boot_book::emulated())
                })
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{profile}: {limit}"));
        assert!(maps + slack >= max && maps <= max + 1, "{profile}: {limit}");
        live = live_goroutines(&err);
        assert!(
            lines.next().unwrap().ends_with(
                " live goroutines; each goroutine stack takes 2 mappings (the stack and its guard page)"
            ),
            "{err}"
        );
        assert_eq!(
            lines.next(),
            Some("fatal error: mapping exhaustion"),
            "{err}"
        );
        assert_eq!(lines.next(), Some(""), "{err}");
        assert_eq!(lines.next(), Some("goroutine 1 [running]:"), "{err}");
        // Every live goroutine has its two mappings; the rest are the program's own.
        assert!(
            2 * live < maps && maps < 2 * live + 64,
            "{profile}: {live} {maps}"
        );
        println!(
            "{profile}: {live} live goroutines fit (main and {} more), vm.max_map_count = {max}",
            live - 1
        );
    }
    // Exactly: with main's, `live` goroutines fit and one more does not (release build).
    // Under qemu-i386 the number of qemu's own mappings changes a little from run to run,
    // so there the boundary is only known to within 64 goroutines.
    let slack = if gmp_boot_book::emulated() { 64 } else { 0 };
    let fits = run_profile(
        "release",
        "goroutines",
        &[&(live - 1 - slack).to_string()],
        Env::Set("1"),
        NOPREEMPT,
    );
    assert!(fits.status.success(), "{}", text(&fits.stderr));
    let over = run_profile(
        "release",
        "goroutines",
        &[&(live + slack).to_string()],
        Env::Set("1"),
        NOPREEMPT,
    );
    assert_eq!(over.status.code(), Some(2));
    if slack == 0 {
        assert_eq!(live_goroutines(&text(&over.stderr)), live);
    }
}

// ---- 7. A SIGSEGV sent with kill(2) is not a fault ---------------------------------------

/// A SIGSEGV from `kill -SEGV` carries si_code SI_USER (0) and the sender's pid where a
/// fault's address would be. Go 1.22 (sighandler, signal_unix.go:676-737: sigFromUser,
/// os_linux.go:890-893) does not take it for a fault: fatalsignal prints the signal, PC, m,
/// sigcode and "addr" (the union's first word, the sender's pid), the goroutine header and
/// the registers (signal_386.go:15-29), and exits 2. Measured with a go1.22.12 386 program
/// in time.Sleep:
///
/// ```text
/// SIGSEGV: segmentation violation
/// PC=0x804a97e m=0 sigcode=0 addr=0x6bed
///
/// goroutine 0 gp=0x811fea0 m=0 mp=0x81202c0 [idle]:
/// runtime/internal/syscall.Syscall6(...)   (traceback; ours has none)
/// ...
/// eax    0xfffffffc
/// ... (ebx ecx edx edi esi ebp esp eip eflags cs fs)
/// gs     0x63
/// ```
#[test]
fn kill_segv_is_a_signal_from_a_user_not_a_fault() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = gmp_boot_book::command("debug", "sleeper")
        .arg("20")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "sleeper: waiting 20 s for a signal\n");
    let mut kill = Command::new("kill")
        .args(["-SEGV", &child.id().to_string()])
        .spawn()
        .expect("run kill(1)");
    let sender = kill.id();
    assert!(kill.wait().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        !err.contains("fault"),
        "a signal from kill is not a fault:\n{err}"
    );
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "SIGSEGV: segmentation violation", "{err}");
    let pc = lines[1]
        .strip_prefix("PC=0x")
        .and_then(|l| l.strip_suffix(&format!(" m=0 sigcode=0 addr={sender:#x}")))
        .unwrap_or_else(|| panic!("PC line: {err}"));
    u32::from_str_radix(pc, 16).unwrap();
    assert_eq!(lines[2], "", "{err}");
    // The goroutine that was running: g1 (main, between sleeps) or g0 (in the scheduler).
    let header = lines[3];
    let ok = ["goroutine 1 gp=0x", "goroutine 0 gp=0x"]
        .iter()
        .any(|p| header.starts_with(p))
        && header.contains(" m=0 mp=0x")
        && (header.ends_with(" [running]:") || header.ends_with(" [idle]:"));
    assert!(ok, "goroutine header: {err}");
    assert_eq!(lines[4], "", "{err}");
    let regs = [
        "eax", "ebx", "ecx", "edx", "edi", "esi", "ebp", "esp", "eip", "eflags", "cs", "fs", "gs",
    ];
    assert_eq!(lines.len(), 5 + regs.len(), "{err}");
    for (line, reg) in lines[5..].iter().zip(regs) {
        let v = line
            .strip_prefix(&format!("{reg:<7}0x"))
            .unwrap_or_else(|| panic!("register {reg}: {line:?}\n{err}"));
        u32::from_str_radix(v, 16).unwrap();
    }
    assert_eq!(lines[5 + 8], format!("eip    0x{pc}"), "eip is the PC");
}

// ---- 9. The boot trace says how system calls are made, with or without a vDSO ----------

/// The boot trace's `args: auxv:` line.
fn auxv_trace_line(err: &str) -> &str {
    err.lines()
        .find(|l| l.starts_with("boot: args: auxv: "))
        .unwrap_or_else(|| panic!("no 'boot: args: auxv:' line:\n{err}"))
}

/// Natively the kernel gives AT_SYSINFO (`__kernel_vsyscall`) and the trace says system
/// calls use it. Under qemu-user (Debian's qemu-i386) there is no vDSO: AT_SYSINFO is
/// absent, the runtime keeps using `int $0x80`, and the trace must say so (it claimed
/// "AT_SYSINFO=0x0 (system calls now use it)").
#[test]
fn boot_trace_says_which_way_system_calls_go() {
    let out = run_profile("debug", "schedinit", &[], Env::Unset, &[("BOOTTRACE", "1")]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    let line = auxv_trace_line(&err);
    if gmp_boot_book::emulated() {
        // This run is already under qemu-i386 (make test RUNNER=qemu): no native half.
        assert!(
            line.ends_with("; no AT_SYSINFO: system calls keep using int $0x80"),
            "under the runner: {line}"
        );
        return;
    }
    let sysinfo = line
        .split(" AT_SYSINFO=0x")
        .nth(1)
        .and_then(|l| l.strip_suffix(" (system calls now use __kernel_vsyscall)"))
        .unwrap_or_else(|| panic!("{line}"));
    assert_ne!(u32::from_str_radix(sysinfo, 16).unwrap(), 0, "{line}");

    let exe = gmp_boot_book::examples_dir("debug").join("schedinit");
    let qemu = std::process::Command::new("qemu-i386")
        .arg(&exe)
        .env_clear()
        .env("BOOTTRACE", "1")
        .output();
    let Ok(out) = qemu else {
        println!("qemu-i386 is not installed (apt-get install qemu-user): not tested under it");
        return;
    };
    let err = text(&out.stderr);
    assert!(out.status.success(), "under qemu-i386: {err}");
    let line = auxv_trace_line(&err);
    assert!(
        line.ends_with("; no AT_SYSINFO: system calls keep using int $0x80"),
        "under qemu-i386: {line}"
    );
    assert!(!line.contains("AT_SYSINFO=0x"), "{line}");
}
