//! The differential check: real Go 1.22 (a `GOARCH=386` program stopped under gdb by
//! tests/go-diff/capture.sh) against our runtime's chapter programs, at the same four points
//! of the boot, for twelve values of GOMAXPROCS.
//!
//! Both sides print the same JSON schema (Go's field names). Addresses differ between the two
//! programs and between runs, so every field is turned into a relation first (stack size
//! `hi−lo`, guard offsets `stackguard0−lo`, `hi−sched.sp`, P ids, goids, symbols, "is &g0"),
//! and the relations are compared. Go's behaviour is the truth: any difference fails, except
//! the differences listed in [`known::KNOWN`], each with its reason and each checked to still
//! be exactly what is documented.
//!
//! The modules, by concern: [`go_side`] runs Go under gdb, [`known`] lists the known
//! differences, [`compare`] turns states into relations and verdicts, [`table`] writes the
//! book's table. Our side is the chapter programs, run by tests/support.
//!
//! The book's table is the insta snapshot chapters-src/generated/go-diff.snap, with the
//! machine's values filtered (tests/support/snapshots.rs): `make generated`
//! (`INSTA_UPDATE=always`) rewrites it; otherwise the test fails if it differs from this run.
//!
//! Needs Go 1.22 (`GO`, default /usr/lib/go-1.22/bin/go) and gdb with Python (`GDB`,
//! default gdb). Without them the test passes with "skipped: go/gdb missing", unless `CI`
//! is set: then it fails. The Go build is cached in `$GO_DIFF_OUT` (default target/go-diff).

mod compare;
mod go_side;
mod known;
mod table;

use compare::{compare, text_table, Row, States, Verdict};
use gmp_boot_book::{book_snapshot, clean_state, examples_dir, target_dir};
use go_side::{capture, go_side_or_skip, go_syms, GoSide};
use serde_json::Value;
use std::time::Instant;

/// The GOMAXPROCS values compared (`None`: the variable is absent).
const VALUES: [Option<&str>; 12] = [
    None,
    Some("1"),
    Some("2"),
    Some("5"),
    Some("8"),
    Some("33"),
    Some("0"),
    Some("-1"),
    Some("-"),
    Some("abc"),
    Some("2147483648"),
    Some(""),
];

/// The value whose comparison the book shows in full.
const BOOK_VALUE: Option<&str> = Some("8");

/// The stages at which capture.sh stops Go, a subset of ours (runtime-i386/stages.txt, the
/// chapter programs), under the same names: the first state Go can be read in at a
/// breakpoint is after schedinit. `stages_are_ours` checks the subset.
const STAGES: [&str; 4] = ["schedinit", "newproc", "gogo", "mainpc"];

fn label(v: Option<&str>) -> String {
    match v {
        None => "unset".into(),
        Some("") => "''".into(),
        Some(s) => s.into(),
    }
}

/// Our state at `stage`, in the environment Go's inferior has: only GOMAXPROCS, or nothing.
fn ours(stage: &str, v: Option<&str>) -> Result<Value, String> {
    let env: Vec<(&str, &str)> = v.map(|v| ("GOMAXPROCS", v)).into_iter().collect();
    clean_state(stage, &env)
}

#[test]
fn our_boot_state_matches_go_1_22() {
    let start = Instant::now();
    let Some(side) = go_side_or_skip() else {
        return;
    };
    // Build both sides' programs first (capture.sh builds and caches Go's on its first
    // call), then run the twelve values in parallel.
    examples_dir("debug");
    let first = capture(&side, VALUES[0]).unwrap_or_else(|e| panic!("{e}"));
    let syms = go_syms(&side).unwrap_or_else(|e| panic!("{e}"));
    let results: Vec<Result<States, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = VALUES
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let (side, first) = (&side, &first);
                scope.spawn(move || {
                    let go = if i == 0 {
                        first.clone()
                    } else {
                        capture(side, v)?
                    };
                    let ours: Vec<Value> = STAGES
                        .iter()
                        .map(|st| ours(st, v))
                        .collect::<Result<_, _>>()?;
                    Ok((go, ours))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut runs = vec![];
    for (v, r) in VALUES.iter().zip(results) {
        let (go, ours) = r.unwrap_or_else(|e| panic!("{e}"));
        runs.push(compare(*v, &go, &ours, &syms));
    }
    // ncpu as Go reported it (ours is the same, or the comparison fails anyway).
    let ncpu = runs[0]
        .rows
        .iter()
        .find(|r| r.field == "ncpu")
        .and_then(|r| r.go.parse::<u64>().ok())
        .expect("Go's ncpu");

    // Report.
    let mut failures = vec![];
    for run in &runs {
        let diffs: Vec<&Row> = run
            .rows
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Diff(_)))
            .collect();
        if !diffs.is_empty() {
            eprintln!(
                "\nGOMAXPROCS {}: {} field(s) differ from Go 1.22\n{}",
                label(run.value),
                diffs.len(),
                text_table(run)
            );
            for r in diffs {
                failures.push(format!(
                    "GOMAXPROCS {}: {} {}: Go {} / ours {}",
                    label(run.value),
                    r.stage,
                    r.field,
                    r.go,
                    r.ours
                ));
            }
        }
    }
    // The book's table, compared with its snapshot (insta prints a difference) but reported
    // after Go's differences, which matter more.
    let book = table::book_table(&runs, ncpu, &side.version);
    let stale = book_snapshot!("go-diff", &book).err();
    let known = runs[0]
        .rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Known(_)))
        .count();
    println!(
        "go-diff: {} GOMAXPROCS values × {} rows compared against {} ({}) in {:.1}s: {} unexpected difference(s), {known} known per value",
        runs.len(),
        runs[0].rows.len(),
        side.version,
        side.gdb_version,
        start.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "our runtime differs from Go 1.22 (tables above):\n  {}",
        failures.join("\n  ")
    );
    if let Some(snap) = stale {
        panic!(
            "{snap} differs from this run (insta's diff above); run `make generated`, or \
             `cargo insta review`"
        );
    }
}

/// Two captures of the same value at once (two `make generated`, or a test run beside one)
/// both succeed with the same states: the Go build is locked and each run has its own log.
#[test]
fn captures_can_run_at_the_same_time() {
    let Some(side) = go_side_or_skip() else {
        return;
    };
    // A fresh output directory: both runs also race to build the Go program.
    let dir = target_dir().join(format!("go-diff-concurrent.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let side = GoSide {
        out: dir.clone(),
        ..side
    };
    let values = [None, Some("8"), Some("1"), Some("abc")];
    let runs: Vec<Result<Vec<Value>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = values
            .iter()
            .chain(values.iter())
            .map(|&v| {
                let side = &side;
                scope.spawn(move || capture(side, v))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let _ = std::fs::remove_dir_all(&dir);
    let runs: Vec<&Vec<Value>> = runs
        .iter()
        .map(|r| r.as_ref().unwrap_or_else(|e| panic!("{e}")))
        .collect();
    for (i, v) in values.iter().enumerate() {
        let (a, b) = (runs[i], runs[i + values.len()]);
        assert_eq!(a.len(), 4, "{v:?}");
        assert_eq!(a[0]["gomaxprocs"], b[0]["gomaxprocs"], "{v:?}");
    }
}

/// Go's stop points are chapter stages, in the chapters' order.
#[test]
fn stages_are_ours() {
    let ours = gmp_boot_book::chapters();
    let at: Vec<Option<usize>> = STAGES
        .iter()
        .map(|s| ours.iter().position(|o| o == s))
        .collect();
    assert!(
        at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1]),
        "go_diff's STAGES {STAGES:?} must be stages of runtime-i386/stages.txt in its order: {ours:?}"
    );
}
