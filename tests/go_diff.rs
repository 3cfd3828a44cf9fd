//! The differential check: real Go 1.22 (a `GOARCH=386` program stopped under gdb by
//! tests/go-diff/capture.sh) against our runtime's chapter programs, at the same four points
//! of the boot, for eleven values of GOMAXPROCS.
//!
//! Both sides print the same JSON schema (Go's field names). Addresses differ between the two
//! programs and between runs, so every field is turned into a relation first (stack size
//! `hi−lo`, guard offsets `stackguard0−lo`, `hi−sched.sp`, P ids, goids, symbols, "is &g0"),
//! and the relations are compared. Go's behaviour is the truth: any difference fails, except
//! the differences listed in [`KNOWN`], each with its reason and each checked to still be
//! exactly what is documented.
//!
//! With `UPDATE_BOOK=1` the test writes chapters-src/generated/go-diff.md (the book's
//! side-by-side table); without it, the test fails if that file differs from this run
//! (machine-dependent values normalised).
//!
//! Needs Go 1.22 (`GO`, default /usr/lib/go-1.22/bin/go) and gdb with Python (`GDB`,
//! default gdb). Without them the test passes with "skipped: go/gdb missing", unless `CI`
//! is set: then it fails. The Go build is cached in `$GO_DIFF_OUT` (default target/go-diff).

use gmp_boot_book::{examples_dir, program};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The GOMAXPROCS values compared (`None`: the variable is absent).
const VALUES: [Option<&str>; 11] = [
    None,
    Some("1"),
    Some("2"),
    Some("5"),
    Some("8"),
    Some("33"),
    Some("0"),
    Some("-1"),
    Some("abc"),
    Some("2147483648"),
    Some(""),
];

/// The value whose comparison the book shows in full.
const BOOK_VALUE: Option<&str> = Some("8");

/// Go's stages (capture.sh) and ours (chapter programs) have the same names.
const STAGES: [&str; 4] = ["schedinit", "newproc", "gogo", "mainpc"];

/// Fields whose values depend on the machine (normalised in the book's drift check).
const MACHINE_FIELDS: [&str; 2] = ["ncpu", "physHugePageSize"];

fn label(v: Option<&str>) -> String {
    match v {
        None => "unset".into(),
        Some("") => "''".into(),
        Some(s) => s.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Known differences
// ---------------------------------------------------------------------------------------

/// What a side of a known difference must show.
enum Want {
    /// Exactly this.
    Is(&'static str),
    /// Satisfies the predicate (described for the failure message).
    Pred(fn(&str) -> bool, &'static str),
    /// One of these (Go's side of a value that depends on timing).
    OneOf(&'static [&'static str]),
    /// Anything: the value is timing-dependent (only Go's side at main.main).
    Varies,
    /// What Go showed for the same field at runtime.main's entry (the `gogo` stage): we
    /// start nothing in runtime.main, so our state at main.main must be Go's before it.
    GoAtGogo,
}

/// A difference we make on purpose, with its reason.
struct Known {
    stages: &'static [&'static str],
    field: &'static str,
    go: Want,
    ours: Want,
    reason: Reason,
}

/// A known difference's reason: a short form for the table's verdict column, and the whole
/// reason for the legend under it.
type Reason = (&'static str, &'static str);

const STACK_REASON: Reason = (
    "fixed 64 KiB goroutine stacks",
    "Rust frames cannot be moved, so every goroutine gets a fixed 64 KiB stack (malloc.rs \
     stackReal); Go starts a goroutine on stackMin = 2048 bytes and grows it by copying.",
);
const MSTART_PC_REASON: Reason = (
    "our mstart0 is compiled Rust",
    "mstart1 saves its return address, a pc inside mstart0, in g0.sched.pc: the same \
     function on both sides, at another offset because our mstart0 is compiled Rust.",
);
const MSTART_SP_REASON: Reason = (
    "our mstart0's frame is bigger",
    "mstart1 saves its caller's SP in g0.sched.sp: our Rust mstart0 (a debug build) has a \
     bigger frame than Go's, so the SP is further below g0's stack top.",
);
const PREEMPT_REASON: Reason = (
    "sysmon may have asked g1 to yield",
    "sysmon's retake can find g1 running since runtime.main began and preemptone then sets \
     g1.stackguard0 = stackPreempt, which g1 acts on at its next stack check; whether that \
     happened before main.main's first instruction depends on timing. We have no sysmon, \
     so ours stays lo+928.",
);
const SYSTEM_GS_REASON: Reason = (
    "Go starts 3 system goroutines",
    "Go's runtime.main starts forcegchelper (runtime's init), bgsweep and bgscavenge \
     (gcenable) before main.main; we have no GC and start no system goroutines.",
);
const TIMING_REASON: Reason = (
    "timing-dependent in Go; ours = Go at runtime.main's entry",
    "Go starts sysmon and 3 system goroutines in runtime.main; sysmon's first retake can \
     preempt g1 and m0 can come back with another P, and the goids of the system goroutines \
     depend on which P made them: Go's value here depends on timing and is not compared. We \
     run one M and no system goroutines, so our value must equal Go's at runtime.main's \
     entry (the gogo stage).",
);

const LATER: &[&str] = &["newproc", "gogo", "mainpc"];
const AFTER_MSTART: &[&str] = &["gogo", "mainpc"];
const MAIN: &[&str] = &["mainpc"];

fn is_mstart0_offset(s: &str) -> bool {
    s.strip_prefix("runtime.mstart0+")
        .is_some_and(|o| o.parse::<u32>().is_ok())
}
fn is_small_positive(s: &str) -> bool {
    s.parse::<u32>().is_ok_and(|n| n > 0 && n < 4096)
}

/// Every difference between Go 1.22 and our runtime that the check accepts.
static KNOWN: &[Known] = &[
    Known {
        stages: LATER,
        field: "g1 stack hi−lo",
        go: Want::Is("2048"),
        ours: Want::Is("65536"),
        reason: STACK_REASON,
    },
    Known {
        stages: AFTER_MSTART,
        field: "g0.sched.pc",
        go: Want::Is("runtime.mstart0+90"),
        ours: Want::Pred(is_mstart0_offset, "`runtime.mstart0+N` for some N"),
        reason: MSTART_PC_REASON,
    },
    Known {
        stages: AFTER_MSTART,
        field: "g0 hi−sched.sp",
        go: Want::Is("20"),
        ours: Want::Pred(is_small_positive, "a small positive offset"),
        reason: MSTART_SP_REASON,
    },
    Known {
        stages: MAIN,
        field: "g1 stackguard0−lo",
        go: Want::OneOf(&["928", "stackPreempt"]),
        ours: Want::Is("928"),
        reason: PREEMPT_REASON,
    },
    Known {
        stages: MAIN,
        field: "len(allgs)",
        go: Want::Is("4"),
        ours: Want::Is("1"),
        reason: SYSTEM_GS_REASON,
    },
    timing("sched.goidgen"),
    timing("sched.npidle"),
    timing("idle list (sched.pidle → link)"),
    timing("sched.runqsize"),
    timing("m0.p"),
    timing("m0.p == allp[0]"),
    timing("allp[0].m == &m0"),
    timing("P status"),
    timing("P m"),
    timing("P runqhead/runqtail"),
    timing("P runq"),
    timing("P runnext"),
    timing("P goidcache/goidcacheend"),
    timing("allgs (goid status)"),
    timing("g1 sched.pc"),
];

const fn timing(field: &'static str) -> Known {
    Known {
        stages: MAIN,
        field,
        go: Want::Varies,
        ours: Want::GoAtGogo,
        reason: TIMING_REASON,
    }
}

fn known(stage: &str, field: &str) -> Option<&'static Known> {
    KNOWN
        .iter()
        .find(|k| k.field == field && k.stages.contains(&stage))
}

// ---------------------------------------------------------------------------------------
// Relations
// ---------------------------------------------------------------------------------------

fn num(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned number: {v}"))
}

fn opt(v: &Value, prefix: &str) -> String {
    match v.as_u64() {
        Some(n) => format!("{prefix}{n}"),
        None if v.is_null() => "nil".into(),
        None => format!("bad value {v}"),
    }
}

fn sym(v: &Value) -> String {
    match v.as_str() {
        Some(s) => s.into(),
        None if v.is_null() => "none".into(),
        None => format!("bad symbol {v}"),
    }
}

/// `b − a`, or a message when it would be negative.
fn minus(b: &Value, a: &Value) -> String {
    let (b, a) = (num(b), num(a));
    if b >= a {
        (b - a).to_string()
    } else {
        format!("−{}", a - b)
    }
}

/// Go's stackPreempt (stack.go:130) on 32 bits: `uintptrMask & -1314`.
const STACK_PREEMPT: u64 = 0xffff_fade;

/// `stackguard − lo`, or "stackPreempt" when a preemption request replaced the guard.
fn guard(g: &Value, which: &str) -> String {
    if num(&g[which]) == STACK_PREEMPT {
        "stackPreempt".into()
    } else {
        minus(&g[which], &g["stack"]["lo"])
    }
}

/// `hi − sp`, or "sp = 0" for a g whose sched.sp is cleared (it is running).
fn hi_minus_sp(stack: &Value, sp: &Value) -> String {
    if num(sp) == 0 {
        "sp = 0".into()
    } else {
        minus(&stack["hi"], sp)
    }
}

/// One value per P, with runs of consecutive Ps that have the same value merged:
/// `P0 _Prunning, P1–P7 _Pidle`.
fn per_p(allp: &[Value], f: impl Fn(&Value) -> String) -> String {
    let vals: Vec<(u64, String)> = allp.iter().map(|p| (num(&p["id"]), f(p))).collect();
    let mut out = vec![];
    let mut i = 0;
    while i < vals.len() {
        let mut j = i;
        while j + 1 < vals.len() && vals[j + 1].1 == vals[i].1 && vals[j + 1].0 == vals[j].0 + 1 {
            j += 1;
        }
        let ids = if i == j {
            format!("P{}", vals[i].0)
        } else {
            format!("P{}–P{}", vals[i].0, vals[j].0)
        };
        out.push(format!("{ids} {}", vals[i].1));
        i = j + 1;
    }
    if out.is_empty() {
        "no Ps".into()
    } else {
        out.join(", ")
    }
}

/// P ids in list order, with ascending runs of three or more shortened: `P1…P7`,
/// `P0 → P2…P7`; `empty` for an empty list.
fn p_list(ids: &[u64]) -> String {
    let mut out = vec![];
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        if j >= i + 2 {
            out.push(format!("P{}…P{}", ids[i], ids[j]));
        } else {
            for id in &ids[i..=j] {
                out.push(format!("P{id}"));
            }
        }
        i = j + 1;
    }
    if out.is_empty() {
        "empty".into()
    } else {
        out.join(" → ")
    }
}

/// The idle list: sched.pidle, then each P's link (by P id).
fn idle_ids(s: &Value) -> Result<Vec<u64>, String> {
    let allp = s["allp"].as_array().cloned().unwrap_or_default();
    let mut ids = vec![];
    let mut cur = s["sched"]["pidle"].clone();
    while let Some(id) = cur.as_u64() {
        if ids.len() > allp.len() {
            return Err(format!("cycle: {}", p_list(&ids)));
        }
        ids.push(id);
        let Some(p) = allp.iter().find(|p| p["id"] == id) else {
            return Err(format!("{} → P{id}, not in allp", p_list(&ids)));
        };
        cur = p["link"].clone();
    }
    Ok(ids)
}

/// One stage's state as (field, relation) rows. The same rows, in the same order, for both
/// sides and every stage. `g0` is the address of runtime.g0 in that program; `g0pc` the
/// symbol of g0.sched.pc.
fn facts(s: &Value, g0: u64, g0pc: &str) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> = vec![];
    let sched = &s["sched"];
    let allp = s["allp"].as_array().cloned().unwrap_or_default();
    let allgs = s["allgs"].as_array().cloned().unwrap_or_default();
    f.push(("mainStarted", s["mainStarted"].to_string()));
    f.push(("ncpu", s["ncpu"].to_string()));
    f.push(("gomaxprocs", s["gomaxprocs"].to_string()));
    f.push(("physPageSize", s["physPageSize"].to_string()));
    f.push(("physHugePageSize", s["physHugePageSize"].to_string()));
    f.push(("sched.maxmcount", sched["maxmcount"].to_string()));
    f.push(("sched.goidgen", sched["goidgen"].to_string()));
    f.push(("sched.npidle", sched["npidle"].to_string()));
    f.push((
        "idle list (sched.pidle → link)",
        idle_ids(s).map_or_else(|e| e, |ids| p_list(&ids)),
    ));
    f.push(("sched.runqsize", sched["runqsize"].to_string()));
    f.push(("m0.id", s["m0"]["id"].to_string()));
    f.push(("m0.p", opt(&s["m0"]["p"], "P")));
    f.push(("m0.curg", opt(&s["m0"]["curg"], "g")));
    for link in [
        "m0.g0 == &g0",
        "g0.m == &m0",
        "m0.p == allp[0]",
        "allp[0].m == &m0",
    ] {
        f.push((link, s["links"][link].to_string()));
    }
    let tls = num(&s["g0tls"]);
    f.push((
        "m0.tls[0] (the current g)",
        if tls == g0 {
            "&g0".into()
        } else if tls == 0 {
            "0".into()
        } else {
            "another g (not &g0)".into()
        },
    ));
    let g0s = &s["g0"];
    f.push((
        "g0 stack hi−lo",
        minus(&g0s["stack"]["hi"], &g0s["stack"]["lo"]),
    ));
    f.push(("g0 stackguard0−lo", guard(g0s, "stackguard0")));
    f.push(("g0 stackguard1−lo", guard(g0s, "stackguard1")));
    f.push(("g0.sched.pc", g0pc.to_string()));
    f.push((
        "g0 hi−sched.sp",
        hi_minus_sp(&g0s["stack"], &g0s["sched"]["sp"]),
    ));
    let ids: Vec<u64> = allp.iter().map(|p| num(&p["id"])).collect();
    let in_order = ids.iter().enumerate().all(|(i, &id)| id == i as u64);
    f.push((
        "len(allp)",
        if in_order {
            allp.len().to_string()
        } else {
            format!("{} (ids {})", allp.len(), p_list(&ids))
        },
    ));
    f.push((
        "P status",
        per_p(&allp, |p| p["status"].as_str().unwrap_or("?").to_string()),
    ));
    f.push(("P m", per_p(&allp, |p| opt(&p["m"], "m"))));
    f.push((
        "P runqhead/runqtail",
        per_p(&allp, |p| format!("{}/{}", p["runqhead"], p["runqtail"])),
    ));
    f.push((
        "P runq",
        per_p(&allp, |p| {
            let q: Vec<String> = p["runq"]
                .as_array()
                .map(|q| q.iter().map(|g| format!("g{g}")).collect())
                .unwrap_or_default();
            format!("[{}]", q.join(" "))
        }),
    ));
    f.push(("P runnext", per_p(&allp, |p| opt(&p["runnext"], "g"))));
    f.push((
        "P goidcache/goidcacheend",
        per_p(&allp, |p| {
            format!("{}/{}", p["goidcache"], p["goidcacheend"])
        }),
    ));
    f.push(("len(allgs)", allgs.len().to_string()));
    f.push((
        "allgs (goid status)",
        if allgs.is_empty() {
            "none".into()
        } else {
            allgs
                .iter()
                .map(|g| format!("g{} {}", g["goid"], g["status"].as_str().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(", ")
        },
    ));
    // The main goroutine: the g newproc made (goid 1), as long as it exists.
    let g1 = allgs.iter().find(|g| g["goid"] == 1);
    let mut g = |field, value: &dyn Fn(&Value) -> String| {
        f.push((field, g1.map_or_else(|| "no g1".into(), value)));
    };
    g("g1 parentGoid", &|g| g["parentGoid"].to_string());
    g("g1 status", &|g| g["status"].as_str().unwrap_or("?").into());
    g("g1 stack hi−lo", &|g| {
        minus(&g["stack"]["hi"], &g["stack"]["lo"])
    });
    g("g1 stackguard0−lo", &|g| guard(g, "stackguard0"));
    g("g1 hi−sched.sp", &|g| {
        hi_minus_sp(&g["stack"], &g["sched"]["sp"])
    });
    g("g1 sched.pc", &|g| sym(&g["sched"]["pcSymbol"]));
    g("g1 return address ([sched.sp])", &|g| {
        sym(&g["returnSymbol"])
    });
    f
}

// ---------------------------------------------------------------------------------------
// Running both sides
// ---------------------------------------------------------------------------------------

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// The go command's environment for `go env` and `go tool nm`: the local toolchain, no
/// config file, nothing fetched (as capture.sh builds).
const GO_ENV: [(&str, &str); 4] = [
    ("GOTOOLCHAIN", "local"),
    ("GOENV", "off"),
    ("GOPROXY", "off"),
    ("GOTELEMETRY", "off"),
];

struct GoSide {
    go: PathBuf,
    out: PathBuf,
    version: String,
    gdb_version: String,
}

/// Finds Go 1.22 and gdb with Python, or says what is missing.
fn go_side() -> Result<GoSide, String> {
    let go = std::env::var_os("GO")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/lib/go-1.22/bin/go".into());
    let version = Command::new(&go)
        .args(["env", "GOVERSION"])
        .envs(GO_ENV)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .ok_or_else(|| {
            format!(
                "no Go at {} (Debian: `scripts/setup.sh go` installs golang-1.22-go; or set GO=)",
                go.display()
            )
        })?;
    if version != "go1.22" && !version.starts_with("go1.22.") {
        return Err(format!(
            "{} is {version}, not Go 1.22 (go_state.py's offsets are Go 1.22's)",
            go.display()
        ));
    }
    let gdb = std::env::var("GDB").unwrap_or_else(|_| "gdb".into());
    let py = Command::new(&gdb)
        .args(["-nx", "-batch", "-ex", "python print(1)", "-ex", "show version"])
        .output()
        .ok()
        .filter(|o| o.status.success() && o.stdout.starts_with(b"1\n"))
        .ok_or_else(|| {
            format!("no gdb with Python (`{gdb}`; Debian: `scripts/setup.sh go` installs gdb; or set GDB=)")
        })?;
    let gdb_version = String::from_utf8_lossy(&py.stdout)
        .lines()
        .nth(1)
        .unwrap_or("gdb")
        .to_string();
    let out = std::env::var_os("GO_DIFF_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("go-diff"));
    Ok(GoSide {
        go,
        out,
        version,
        gdb_version,
    })
}

fn capture_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/go-diff/capture.sh")
}

/// Go's four states for one GOMAXPROCS value (capture.sh under gdb).
fn capture(side: &GoSide, v: Option<&str>) -> Result<Vec<Value>, String> {
    let out = Command::new(capture_script())
        .arg(v.unwrap_or("unset"))
        .env("GO", &side.go)
        .env("GO_DIFF_OUT", &side.out)
        .output()
        .map_err(|e| format!("run capture.sh: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "capture.sh {} failed ({}):\n{stderr}",
            label(v),
            out.status
        ));
    }
    let states: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).map_err(|e| format!("capture.sh: bad JSON ({e}): {l}")))
        .collect::<Result<_, _>>()?;
    let names: Vec<&str> = states.iter().filter_map(|s| s["stage"].as_str()).collect();
    if names != STAGES {
        return Err(format!(
            "capture.sh {}: stages {names:?}, want {STAGES:?}",
            label(v)
        ));
    }
    Ok(states)
}

/// Our state at `stage`, in the environment Go's inferior has: only GOMAXPROCS, or nothing.
fn ours(stage: &str, v: Option<&str>) -> Result<Value, String> {
    let exe = examples_dir("debug").join(stage);
    let mut cmd = program(&exe);
    cmd.arg("--json").env_clear();
    if let Some(v) = v {
        cmd.env("GOMAXPROCS", v);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("run {}: {e}", exe.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{stage} (GOMAXPROCS {}) exited {}:\n{}",
            label(v),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{stage} --json: {e}"))
}

/// The Go program's symbols (`go tool nm -size`): text symbols for pcs, and runtime.g0.
struct GoSyms {
    text: Vec<(u64, u64, String)>,
    g0: u64,
}

fn go_syms(side: &GoSide) -> Result<GoSyms, String> {
    let prog = side.out.join("prog");
    let out = Command::new(&side.go)
        .args(["tool", "nm", "-size"])
        .arg(&prog)
        .envs(GO_ENV)
        .output()
        .map_err(|e| format!("go tool nm: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "go tool nm {} failed: {}",
            prog.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut text = vec![];
    let mut g0 = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let [addr, size, kind, name] = w[..] else {
            continue;
        };
        let (Ok(addr), Ok(size)) = (u64::from_str_radix(addr, 16), size.parse::<u64>()) else {
            continue;
        };
        if name == "runtime.g0" {
            g0 = Some(addr);
        }
        if (kind == "T" || kind == "t") && size > 0 {
            text.push((addr, size, name.to_string()));
        }
    }
    Ok(GoSyms {
        text,
        g0: g0.ok_or("go tool nm: no runtime.g0")?,
    })
}

impl GoSyms {
    /// `name` or `name+offset`, like gdb's `info symbol` in go_state.py; "none" for 0.
    fn lookup(&self, pc: u64) -> String {
        if pc == 0 {
            return "none".into();
        }
        match self.text.iter().find(|(a, s, _)| *a <= pc && pc < a + s) {
            Some((a, _, n)) if *a == pc => n.clone(),
            Some((a, _, n)) => format!("{n}+{}", pc - a),
            None => format!("{pc:#x} (no symbol)"),
        }
    }
}

/// The address of runtime.g0 in our program (from the `--json` globals table).
fn our_g0(s: &Value) -> u64 {
    s["globals"]
        .as_array()
        .and_then(|gs| gs.iter().find(|g| g["name"] == "runtime.g0"))
        .map(|g| num(&g["addr"]))
        .expect("our --json has runtime.g0 in its globals table")
}

// ---------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------

#[derive(Clone, PartialEq)]
enum Verdict {
    Same,
    Known(Reason),
    Diff(String),
}

struct Row {
    stage: &'static str,
    field: &'static str,
    go: String,
    ours: String,
    verdict: Verdict,
}

/// Go's four states and ours, for one GOMAXPROCS value.
type States = (Vec<Value>, Vec<Value>);

struct Run {
    value: Option<&'static str>,
    rows: Vec<Row>,
}

fn check_want(w: &Want, v: &str, go_at_gogo: &str) -> Result<(), String> {
    match w {
        Want::Is(want) if v == *want => Ok(()),
        Want::Is(want) => Err(format!("documented as {want}")),
        Want::Pred(p, _) if p(v) => Ok(()),
        Want::Pred(_, what) => Err(format!("documented as {what}")),
        Want::OneOf(vs) if vs.contains(&v) => Ok(()),
        Want::OneOf(vs) => Err(format!("documented as one of {}", vs.join(", "))),
        Want::Varies => Ok(()),
        Want::GoAtGogo if v == go_at_gogo => Ok(()),
        Want::GoAtGogo => Err(format!(
            "should equal Go at runtime.main's entry: {go_at_gogo}"
        )),
    }
}

fn compare(value: Option<&'static str>, go: &[Value], ours: &[Value], syms: &GoSyms) -> Run {
    let go_facts: Vec<_> = go
        .iter()
        .map(|s| facts(s, syms.g0, &syms.lookup(num(&s["g0"]["sched"]["pc"]))))
        .collect();
    let our_facts: Vec<_> = ours
        .iter()
        .map(|s| facts(s, our_g0(s), &sym(&s["g0"]["sched"]["pcSymbol"])))
        .collect();
    let gogo = STAGES.iter().position(|s| *s == "gogo").unwrap();
    let mut rows = vec![];
    for (i, stage) in STAGES.into_iter().enumerate() {
        for (k, ((field, g), (field2, o))) in go_facts[i].iter().zip(&our_facts[i]).enumerate() {
            assert_eq!(field, field2);
            let go_at_gogo = &go_facts[gogo][k].1;
            let verdict = match known(stage, field) {
                None if g == o => Verdict::Same,
                None => Verdict::Diff("differs from Go".into()),
                Some(kd) => match (
                    check_want(&kd.go, g, go_at_gogo),
                    check_want(&kd.ours, o, go_at_gogo),
                ) {
                    (Ok(()), Ok(())) => Verdict::Known(kd.reason),
                    (Err(e), _) => Verdict::Diff(format!("known difference changed: Go {e}")),
                    (_, Err(e)) => Verdict::Diff(format!("known difference changed: ours {e}")),
                },
            };
            rows.push(Row {
                stage,
                field,
                go: g.clone(),
                ours: o.clone(),
                verdict,
            });
        }
    }
    Run { value, rows }
}

fn text_table(run: &Run) -> String {
    let w = |f: fn(&Row) -> usize, min| run.rows.iter().map(f).max().unwrap_or(0).max(min);
    let (ws, wf, wg, wo) = (
        w(|r| r.stage.len(), 5),
        w(|r| r.field.chars().count(), 5),
        w(|r| r.go.chars().count(), 7),
        w(|r| r.ours.chars().count(), 4),
    );
    let mut t = format!(
        "{:ws$} | {:wf$} | {:wg$} | {:wo$} | verdict\n",
        "stage", "field", "Go 1.22", "ours"
    );
    for r in &run.rows {
        let v = match &r.verdict {
            Verdict::Same => "same".to_string(),
            Verdict::Known((short, _)) => format!("known difference: {short}"),
            Verdict::Diff(why) => format!("<-- DIFFERENT: {why}"),
        };
        writeln!(
            t,
            "{:ws$} | {:wf$} | {:wg$} | {:wo$} | {v}",
            r.stage, r.field, r.go, r.ours
        )
        .unwrap();
    }
    t
}

// ---------------------------------------------------------------------------------------
// The book's table
// ---------------------------------------------------------------------------------------

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn book_full(run: &Run) -> String {
    let mut t =
        String::from("| stage | field | Go 1.22 | ours | verdict |\n|---|---|---|---|---|\n");
    for r in &run.rows {
        let varies =
            known(r.stage, r.field).is_some_and(|k| matches!(k.go, Want::Varies | Want::OneOf(_)));
        // A timing-dependent Go value is not printed: the table must read the same on
        // every run (`make generated` twice gives the same file).
        let go = match known(r.stage, r.field).map(|k| &k.go) {
            Some(Want::Varies) if varies => "varies (timing-dependent)".to_string(),
            Some(Want::OneOf(vs)) if varies => format!("one of {}", vs.join(", ")),
            _ => r.go.clone(),
        };
        let verdict = match &r.verdict {
            Verdict::Same => "same".to_string(),
            Verdict::Known((short, _)) => format!("known difference: {short}"),
            Verdict::Diff(why) => format!("**DIFFERENT**: {why}"),
        };
        writeln!(
            t,
            "| {} | {} | {} | {} | {} |",
            r.stage,
            cell(r.field),
            cell(&go),
            cell(&r.ours),
            cell(&verdict)
        )
        .unwrap();
    }
    t
}

/// The known differences, from [`KNOWN`] itself: each reason with the fields it covers.
fn book_legend() -> String {
    let mut t = String::from(
        "Known differences (the verdicts above):
\n",
    );
    let mut seen: Vec<&str> = vec![];
    for k in KNOWN {
        let (short, long) = k.reason;
        if seen.contains(&short) {
            continue;
        }
        seen.push(short);
        let fields: Vec<String> = KNOWN
            .iter()
            .filter(|o| o.reason.0 == short)
            .map(|o| format!("`{}`", o.field))
            .collect();
        let want = |w: &Want| match w {
            Want::Is(v) => format!("`{v}`"),
            Want::Pred(_, what) => what.to_string(),
            Want::OneOf(vs) => format!("one of `{}`", vs.join("`, `")),
            Want::Varies => "any value".into(),
            Want::GoAtGogo => "Go's value at `gogo`".into(),
        };
        writeln!(
            t,
            "* **{short}** ({}; {}): {long} Checked: Go {}, ours {}.",
            k.stages.join(", "),
            fields.join(", "),
            want(&k.go),
            want(&k.ours)
        )
        .unwrap();
    }
    t
}

/// A number shown relative to the P count that GOMAXPROCS asks for: `n` is the value if it
/// parses as a positive int32, else "ncpu".
struct Symbolic {
    n: u64,
    name: Option<String>,
}

impl Symbolic {
    fn new(value: Option<&str>, ncpu: u64) -> Symbolic {
        match value.and_then(|v| v.parse::<i32>().ok()).filter(|n| *n > 0) {
            Some(n) => Symbolic {
                n: n as u64,
                name: None,
            },
            None => Symbolic {
                n: ncpu,
                name: Some("ncpu".into()),
            },
        }
    }
    fn count(&self, v: &str, minus: u64) -> String {
        match (&self.name, v.parse::<u64>()) {
            (Some(name), Ok(x)) if x + minus == self.n => {
                if minus == 0 {
                    name.clone()
                } else {
                    format!("{name}−{minus}")
                }
            }
            _ => v.to_string(),
        }
    }
    fn idle(&self, v: &str) -> String {
        let ascending: Vec<u64> = (1..self.n).collect();
        match &self.name {
            Some(name) if v == p_list(&ascending) => format!("P1…P({name}−1)"),
            _ => v.to_string(),
        }
    }
}

fn book_summary(runs: &[Run], ncpu: u64) -> String {
    let mut t = String::from(
        "| GOMAXPROCS | gomaxprocs (Go / ours) | npidle (Go / ours) | idle list after schedinit (Go / ours) | rows | same | known differences | unexpected |\n|---|---|---|---|---:|---:|---:|---:|\n",
    );
    for run in runs {
        let sy = Symbolic::new(run.value, ncpu);
        let get = |field: &str| {
            let r = run
                .rows
                .iter()
                .find(|r| r.stage == "schedinit" && r.field == field)
                .unwrap();
            (r.go.as_str(), r.ours.as_str())
        };
        let pair = |(g, o): (String, String)| {
            if g == o {
                format!("{g} / same")
            } else {
                format!("{g} / **{o}**")
            }
        };
        let (g, o) = get("gomaxprocs");
        let procs = pair((sy.count(g, 0), sy.count(o, 0)));
        let (g, o) = get("sched.npidle");
        let npidle = pair((sy.count(g, 1), sy.count(o, 1)));
        let (g, o) = get("idle list (sched.pidle → link)");
        let idle = pair((sy.idle(g), sy.idle(o)));
        let count = |f: fn(&Verdict) -> bool| run.rows.iter().filter(|r| f(&r.verdict)).count();
        writeln!(
            t,
            "| `{}` | {procs} | {npidle} | {idle} | {} | {} | {} | {} |",
            label(run.value),
            run.rows.len(),
            count(|v| *v == Verdict::Same),
            count(|v| matches!(v, Verdict::Known(_))),
            count(|v| matches!(v, Verdict::Diff(_))),
        )
        .unwrap();
    }
    t
}

fn book_table(runs: &[Run], ncpu: u64, go_version: &str) -> String {
    let full = runs.iter().find(|r| r.value == BOOK_VALUE).unwrap();
    format!(
        "<!-- generated by `UPDATE_BOOK=1 cargo test --test go_diff` (tests/go_diff.rs); do not edit -->\n\
         Go side: {go_version} linux/386 under gdb (tests/go-diff/capture.sh); our side: the \
         chapter programs (debug build). Both run with an environment of only `GOMAXPROCS`.\n\n\
         #### `GOMAXPROCS={}`, every field\n\n{}\n{}\n\
         #### Every GOMAXPROCS value\n\n\
         `ncpu` is the CPU count of the machine (sched_getaffinity), used when GOMAXPROCS is \
         absent or not a positive int32. \"rows\" counts the (stage, field) rows compared.\n\n{}",
        BOOK_VALUE.unwrap(),
        book_full(full),
        book_legend(),
        book_summary(runs, ncpu)
    )
}

/// Makes the table comparable between machines and runs: the values of machine-dependent
/// fields become N, and Go's value of a timing-dependent field is dropped.
fn normalise(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        let mut cells: Vec<String> = line.split(" | ").map(String::from).collect();
        if cells.len() >= 5 && MACHINE_FIELDS.contains(&cells[1].as_str()) {
            for c in &mut cells[2..4] {
                *c = c
                    .chars()
                    .map(|ch| if ch.is_ascii_digit() { 'N' } else { ch })
                    .collect();
            }
        }
        out.push_str(&cells.join(" | "));
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------

/// Go 1.22 and gdb, or None after saying on stderr why the check is skipped (never in CI).
fn go_side_or_skip() -> Option<GoSide> {
    match go_side() {
        Ok(s) => Some(s),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("go-diff: Go 1.22 and gdb are required in CI: {why}")
        }
        Err(why) => {
            // Straight to stderr, past the test harness's output capture: a skip must show.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "go-diff: skipped: go/gdb missing ({why})"
            );
            None
        }
    }
}

#[test]
fn our_boot_state_matches_go_1_22() {
    let start = Instant::now();
    let Some(side) = go_side_or_skip() else {
        return;
    };
    // Build both sides' programs first (capture.sh builds and caches Go's on its first
    // call), then run the eleven values in parallel.
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
    let book = book_table(&runs, ncpu, &side.version);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("chapters-src/generated/go-diff.md");
    // This run's table, for a diff against the committed one; named per process, so that
    // two runs at once do not write the same file.
    let fresh = side.out.join(format!("go-diff.{}.md", std::process::id()));
    let stale = if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&path, &book).unwrap();
        false
    } else {
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        let stale = normalise(&old) != normalise(&book);
        if stale {
            let _ = std::fs::write(&fresh, &book);
        }
        stale
    };
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
    assert!(
        !stale,
        "chapters-src/generated/go-diff.md differs from this run (written to {}); run \
         `UPDATE_BOOK=1 cargo test --test go_diff` and review the diff",
        fresh.display()
    );
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
