//! Go's side: Go 1.22 and gdb found (or the check skipped), real Go's boot state at the four
//! stages (tests/go-diff/capture.sh runs a `GOARCH=386` program under gdb with go_state.py),
//! and the program's symbols (`go tool nm`) to name its pcs.

use crate::{label, STAGES};
use gmp_boot_book::target_dir;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

/// The go command's environment for `go env` and `go tool nm`: the local toolchain, no
/// config file, nothing fetched (as capture.sh builds).
const GO_ENV: [(&str, &str); 4] = [
    ("GOTOOLCHAIN", "local"),
    ("GOENV", "off"),
    ("GOPROXY", "off"),
    ("GOTELEMETRY", "off"),
];

/// Go 1.22 and gdb, found.
pub struct GoSide {
    pub go: PathBuf,
    /// Where capture.sh builds and caches Go's program, and keeps gdb's logs.
    pub out: PathBuf,
    /// `go env GOVERSION`, e.g. go1.22.12.
    pub version: String,
    pub gdb_version: String,
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
pub fn capture(side: &GoSide, v: Option<&str>) -> Result<Vec<Value>, String> {
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

/// The Go program's symbols (`go tool nm -size`): text symbols for pcs, and runtime.g0.
pub struct GoSyms {
    text: Vec<(u64, u64, String)>,
    pub g0: u64,
}

pub fn go_syms(side: &GoSide) -> Result<GoSyms, String> {
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
    pub fn lookup(&self, pc: u64) -> String {
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

/// Go 1.22 and gdb, or None after saying on stderr why the check is skipped (never in CI).
pub fn go_side_or_skip() -> Option<GoSide> {
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
