//! Correctness of our side of `make bench` (scripts/bench/bench.sh): the bench programs exit 0
//! and print what they should, with small sizes (debug build). Cargo finds this file as the
//! integration test `bench` (`cargo test --test bench`). Not a speed test. Both sides, Go's
//! programs included, are checked by `scripts/bench/bench.sh --check`.

use gmp_boot_book::{run, Env};

fn stdout_of(name: &str, args: &[&str], gomaxprocs: Env) -> (String, String) {
    let out = run(name, args, gomaxprocs);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{name} {args:?} exited {:?}: {stderr}",
        out.status
    );
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// `KIND n=N ns=T` once per round, with a positive time.
fn check_rounds(text: &str, kind: &str, n: u32, rounds: usize) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), rounds, "{kind}: {text}");
    for line in lines {
        let ns = line
            .strip_prefix(&format!("{kind} n={n} ns="))
            .unwrap_or_else(|| panic!("{kind}: unexpected line {line:?}"));
        assert!(ns.parse::<u64>().unwrap() > 0, "{kind}: {line}");
    }
}

#[test]
fn bench_create_runs_the_whole_chain_every_round() {
    for env in [Env::Unset, Env::Set("1")] {
        let (out, _) = stdout_of("bench_create", &["3000", "2"], env);
        check_rounds(&out, "create", 3000, 2);
    }
    // n = 0: only the goroutine that sets the flag.
    let (out, _) = stdout_of("bench_create", &["0", "1"], Env::Unset);
    check_rounds(&out, "create", 0, 1);
}

#[test]
fn bench_switch_finishes_both_goroutines() {
    let (out, _) = stdout_of("bench_switch", &["3000", "3"], Env::Set("1"));
    check_rounds(&out, "switch", 3000, 3);
}

#[test]
fn bench_live_has_all_goroutines_started_then_finished() {
    let (out, _) = stdout_of("bench_live", &["700"], Env::Unset);
    assert_eq!(out, "live n=700 started=700 finished=700\n");
}

#[test]
fn bench_marker_writes_its_marker_to_stderr_and_empty_nothing() {
    let (out, err) = stdout_of("bench_marker", &[], Env::Unset);
    assert_eq!((out.as_str(), err.as_str()), ("", "main\n"));
    let (out, err) = stdout_of("empty", &[], Env::Unset);
    assert_eq!((out.as_str(), err.as_str()), ("", ""));
}

#[test]
fn bench_parallel_finishes_both_halves_at_one_and_two_ps() {
    for env in [Env::Set("1"), Env::Set("2")] {
        let (out, _) = stdout_of("bench_parallel", &["100000", "2"], env);
        check_rounds(&out, "parallel", 100000, 2);
    }
}
