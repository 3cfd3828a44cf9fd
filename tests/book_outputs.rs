//! The book's generated material, checked for drift: each chapter program's real output,
//! the four figures (mermaid, drawn from the programs' `--json` state and boot trace) and
//! the struct-layout table (from `runtime_i386::LAYOUT`).
//!
//! `make generated` (`UPDATE_BOOK=1 cargo test --test book_outputs`) rewrites the files in
//! chapters-src/generated/; without UPDATE_BOOK the test fails on any difference, with
//! machine-dependent values (addresses, ncpu, the huge page size, paths) normalised.

use gmp_boot_book::{chapters, examples_dir, normalise, program};
use serde_json::Value;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The book's outputs are made with the article's GOMAXPROCS=8, in an environment of
/// exactly this one variable (so the auxv/envp listing is the same for every reader).
const GOMAXPROCS: &str = "8";

fn run(name: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let exe = examples_dir("debug").join(name);
    let rel = exe
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .map(Path::to_path_buf)
        .unwrap_or(exe.clone());
    let mut cmd = program(&rel);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("GOMAXPROCS", GOMAXPROCS)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run chapter program");
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut s = String::from_utf8(out.stdout).unwrap();
    s.push_str(&String::from_utf8(out.stderr).unwrap());
    s
}

fn state(name: &str) -> Value {
    serde_json::from_str(run(name, &["--json"], &[]).trim()).unwrap()
}

fn figure_globals(s: &Value) -> String {
    let mut f = String::from(
        "%% generated from `cargo run --example globals -- --json`; do not edit\nflowchart TB\n",
    );
    f += "  subgraph bss[\"runtime globals (.bss, all zero before rt0_go)\"]\n";
    let globals = s["globals"].as_array().unwrap();
    for (i, g) in globals.iter().enumerate() {
        writeln!(
            f,
            "    v{i}[\"{}<br/>{} · {} bytes\"]",
            g["name"].as_str().unwrap(),
            g["type"].as_str().unwrap(),
            g["size"]
        )
        .unwrap();
    }
    // Invisible links lay the boxes out in rows of four instead of one long line.
    for i in 4..globals.len() {
        writeln!(f, "    v{} ~~~ v{i}", i - 4).unwrap();
    }
    f += "  end\n";
    f
}

fn figure_ps(s: &Value, with_g: bool, source: &str) -> String {
    let mut f = format!("%% generated from `GOMAXPROCS={GOMAXPROCS} cargo run --example {source} -- --json`; do not edit\nflowchart TB\n");
    f +=
        "  m0[\"m0<br/>id 0\"]\n  g0[\"g0<br/>stack 65432 bytes\"]\n  sched[\"sched<br/>maxmcount ";
    writeln!(
        f,
        "{}<br/>npidle {}<br/>goidgen {}\"]",
        s["sched"]["maxmcount"], s["sched"]["npidle"], s["sched"]["goidgen"]
    )
    .unwrap();
    f += "  m0 -- \"g0\" --> g0\n  g0 -- \"m\" --> m0\n";
    let allp = s["allp"].as_array().unwrap();
    f += "  subgraph allp[\"allp\"]\n";
    for pp in allp {
        writeln!(
            f,
            "    P{}[\"P{}<br/>{}\"]",
            pp["id"],
            pp["id"],
            pp["status"].as_str().unwrap()
        )
        .unwrap();
    }
    f += "  end\n";
    if let Some(p) = s["m0"]["p"].as_i64() {
        writeln!(f, "  m0 -- \"p\" --> P{p}\n  P{p} -- \"m\" --> m0").unwrap();
    }
    if let Some(h) = s["sched"]["pidle"].as_i64() {
        writeln!(f, "  sched -- \"pidle\" --> P{h}").unwrap();
    }
    for pp in allp {
        if let Some(l) = pp["link"].as_i64() {
            writeln!(f, "  P{} -. \"link\" .-> P{l}", pp["id"]).unwrap();
        }
    }
    if with_g {
        for g in s["allgs"].as_array().unwrap() {
            let id = &g["goid"];
            let size = g["stack"]["hi"].as_u64().unwrap() - g["stack"]["lo"].as_u64().unwrap();
            let sp = g["stack"]["hi"].as_u64().unwrap() - g["sched"]["sp"].as_u64().unwrap();
            writeln!(
                f,
                "  g{id}[\"g{id} · {}<br/>stack {size} bytes<br/>sched.pc = {}<br/>sched.sp = hi-{sp} → {}\"]",
                g["status"].as_str().unwrap(),
                g["sched"]["pcSymbol"].as_str().unwrap_or("?"),
                g["returnSymbol"].as_str().unwrap_or("?")
            )
            .unwrap();
        }
        for pp in allp {
            if let Some(n) = pp["runnext"].as_i64() {
                writeln!(f, "  P{} -- \"runnext\" --> g{n}", pp["id"]).unwrap();
            }
        }
    }
    f
}

/// The flow mstart → schedule → gogo → runtime.main → main.main, from the boot trace of a
/// real run: one node per traced step after newproc.
fn figure_mstart(trace: &str) -> String {
    let mut f = format!(
        "%% generated from `BOOTTRACE=1 GOMAXPROCS={GOMAXPROCS} cargo run --example mainpc`; do not edit\nflowchart TD\n"
    );
    let steps: Vec<&str> = trace
        .lines()
        .filter_map(|l| l.strip_prefix("boot: "))
        .map(|l| l.split(':').next().unwrap())
        .skip_while(|s| *s != "mstart0")
        .collect();
    let mut prev: Option<String> = None;
    for (i, st) in steps.iter().enumerate() {
        let label = match *st {
            "mstart0" => "mstart → mstart0<br/>g0 guards = lo+928",
            "mstart1" => "mstart1<br/>g0.sched = caller's pc/sp",
            "minit" => "minit<br/>sigaltstack, procid",
            "mstartm0" => "mstartm0 → initsig",
            "execute" => "schedule → findRunnable → runqget(P0) = g1 (runnext)<br/>execute(g1) → gogo(&g1.sched)",
            "runtime.main" => "runtime.main on g1<br/>mainStarted = true",
            other => other,
        };
        writeln!(f, "  s{i}[\"{label}\"]").unwrap();
        if let Some(p) = prev {
            writeln!(f, "  {p} --> s{i}").unwrap();
        }
        prev = Some(format!("s{i}"));
    }
    writeln!(f, "  main[\"main.main\"]\n  {} --> main", prev.unwrap()).unwrap();
    f
}

fn layout_table() -> String {
    let mut t = String::from(
        "<!-- generated from runtime_i386::LAYOUT and SIZES (go_struct! in base/runtime2.rs); do not edit -->\n",
    );
    t += "| struct | field | offset | size | assembly symbol |\n|---|---|---:|---:|---|\n";
    for r in runtime_i386::LAYOUT.iter().flat_map(|t| t.iter()) {
        let field = if r.field.starts_with("_pad") {
            "(not modelled)".to_string()
        } else {
            format!("`{}`", r.field)
        };
        let asm = if r.asm.is_empty() {
            String::new()
        } else {
            format!("`{}`", r.asm)
        };
        writeln!(
            t,
            "| `{}` | {field} | {} | {} | {asm} |",
            r.strukt, r.offset, r.size
        )
        .unwrap();
    }
    t += "\n| struct | size |\n|---|---:|\n";
    for (name, size) in runtime_i386::SIZES {
        writeln!(t, "| `{name}` | {size} |").unwrap();
    }
    t
}

fn generated() -> Vec<(String, String)> {
    let mut files = vec![];
    for ch in chapters() {
        files.push((format!("{ch}.txt"), run(ch, &[], &[])));
    }
    files.push(("globals.mmd".into(), figure_globals(&state("globals"))));
    files.push((
        "schedinit.mmd".into(),
        figure_ps(&state("schedinit"), false, "schedinit"),
    ));
    files.push((
        "newproc.mmd".into(),
        figure_ps(&state("newproc"), true, "newproc"),
    ));
    let trace = run("mainpc", &[], &[("BOOTTRACE", "1")]);
    files.push(("mstart.mmd".into(), figure_mstart(&trace)));
    files.push(("layout.md".into(), layout_table()));
    files
}

#[test]
fn generated_book_material_is_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("chapters-src/generated");
    let update = std::env::var_os("UPDATE_BOOK").is_some();
    let mut stale = vec![];
    for (name, content) in generated() {
        let path = dir.join(&name);
        if update {
            std::fs::write(&path, &content).unwrap();
            continue;
        }
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        if normalise(&old) != normalise(&content) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "the runtime's state changed: chapters-src/generated/{{{}}} differ from what the programs print now; \
         run `make generated` and review the diff",
        stale.join(",")
    );
}
