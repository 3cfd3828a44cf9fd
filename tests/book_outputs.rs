//! The book's generated material, checked for drift: each chapter program's real output,
//! the five figures (mermaid, drawn from the programs' `--json` state and boot trace) and
//! the struct-layout table (from `runtime_i386::LAYOUT`).
//!
//! Each is an insta snapshot in chapters-src/generated/ (`NAME.snap`), which the book
//! includes after insta's header. What differs between machines is filtered first
//! (tests/support/snapshots.rs). `make generated` (`INSTA_UPDATE=always cargo test --test
//! book_outputs`) rewrites them; otherwise the test fails on any difference, and outside CI
//! leaves `NAME.snap.new` files for `cargo insta review`.

use gmp_boot_book::{
    book_snapshot, chapters, clean_state, filter, run_clean, snapshot_body, snapshot_dir,
    SNAPSHOT_HEADER_LINES,
};
use serde_json::Value;
use std::fmt::Write;

#[path = "book_outputs/changes.rs"]
mod changes;
#[path = "book_outputs/figures.rs"]
mod figures;
use std::path::Path;

/// The book's outputs are made with the article's GOMAXPROCS=8, in an environment of
/// exactly this one variable.
const GOMAXPROCS: &str = "8";

/// A chapter program's output (stdout, then stderr), run with GOMAXPROCS=8 and `env` only.
fn run(name: &str, env: &[(&str, &str)]) -> String {
    let mut vars = vec![("GOMAXPROCS", GOMAXPROCS)];
    vars.extend_from_slice(env);
    let out = run_clean(name, &[], &vars);
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
    clean_state(name, &[("GOMAXPROCS", GOMAXPROCS)]).unwrap_or_else(|e| panic!("{e}"))
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

/// The snapshots of this test: the chapter outputs, what changed in each chapter that prints
/// the runtime's state (`NAME-changes`), then the figures and the layout table.
fn names() -> Vec<String> {
    let changes = chapters()
        .into_iter()
        .filter(|ch| changes::table(None, &run(ch, &[])).is_some())
        .map(|ch| format!("{ch}-changes"));
    chapters()
        .into_iter()
        .map(String::from)
        .chain(changes)
        .chain(
            [
                "globals-figure",
                "schedinit-figure",
                "newproc-figure",
                "mstart-figure",
                "gogo-figure",
                "layout",
            ]
            .map(String::from),
        )
        .collect()
}

/// What changed in `chapter`'s state since the previous chapter's (stages.txt order).
fn changes_since_previous(chapter: &str) -> String {
    // Compared after the filters: a value that differs between machines (ncpu, the huge page
    // size) shows as its placeholder, as in the outputs.
    let all = chapters();
    let at = all.iter().position(|c| *c == chapter).unwrap();
    let prev = at
        .checked_sub(1)
        .map(|p| (all[p], filter(&run(all[p], &[]))));
    changes::table(
        prev.as_ref().map(|(n, o)| (*n, o.as_str())),
        &filter(&run(chapter, &[])),
    )
    .unwrap_or_else(|| panic!("{chapter} prints no state"))
}

/// The content of snapshot `name`, before filtering.
fn generate(name: &str) -> String {
    match name {
        "globals-figure" => figures::globals(
            &state("mainpc"),
            &format!("GOMAXPROCS={GOMAXPROCS} cargo run --example mainpc -- --json"),
        ),
        "gogo-figure" => figures::gogo(
            &state("mstart"),
            &state("gogo"),
            "cargo run --example mstart -- --json; cargo run --example gogo -- --json",
        ),
        "schedinit-figure" => figure_ps(&state("schedinit"), false, "schedinit"),
        "newproc-figure" => figure_ps(&state("newproc"), true, "newproc"),
        "mstart-figure" => figure_mstart(&run("mainpc", &[("BOOTTRACE", "1")])),
        "layout" => layout_table(),
        name if name.ends_with("-changes") => {
            changes_since_previous(name.strip_suffix("-changes").unwrap())
        }
        chapter => run(chapter, &[]),
    }
}

/// The two tests, one at a time: under `make generated` the first rewrites the snapshots that
/// the second reads.
static SNAPSHOTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn generated_book_material_is_current() {
    let _one_at_a_time = SNAPSHOTS.lock().unwrap_or_else(|e| e.into_inner());
    // Every snapshot is compared (insta prints each difference) before the test fails.
    let stale: Vec<String> = names()
        .into_iter()
        .filter_map(|name| book_snapshot!(&name, &generate(&name)).err())
        .collect();
    assert!(
        stale.is_empty(),
        "the runtime's state changed: {} differ from what the programs print now (insta's \
         diffs above); run `make generated`, or `cargo insta review` to review them one by one",
        stale.join(", ")
    );
}

/// The book includes each snapshot from the line after insta's header
/// (`{{#include generated/NAME.snap:4:}}`): if insta's header had another length, the book
/// would lose a line of the output or show a line of the header. Every snapshot's header is
/// checked to be [`SNAPSHOT_HEADER_LINES`] lines long (the body the book includes is what
/// insta reads back from the file), and every include of a snapshot to start right after it.
#[test]
fn the_book_includes_each_snapshot_after_its_header() {
    let _one_at_a_time = SNAPSHOTS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = snapshot_dir();
    let mut snaps: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".snap").map(String::from)
        })
        .collect();
    snaps.sort();
    for name in names() {
        assert!(
            snaps.contains(&name),
            "no chapters-src/generated/{name}.snap: run `make generated`"
        );
    }
    for name in &snaps {
        let path = dir.join(format!("{name}.snap"));
        let text = std::fs::read_to_string(&path).unwrap();
        let header: Vec<&str> = text.lines().take(SNAPSHOT_HEADER_LINES).collect();
        assert!(
            header.first() == Some(&"---")
                && header.last() == Some(&"---")
                && header[1..header.len() - 1]
                    .iter()
                    .all(|l| l.starts_with("source: ")),
            "{name}.snap: insta's header is not the {SNAPSHOT_HEADER_LINES} lines \
             `---`, `source: …`, `---`:\n{}",
            header.join("\n")
        );
        let snapshot = insta::Snapshot::from_file(&path).unwrap();
        let stored = snapshot
            .contents()
            .as_text()
            .expect("a text snapshot")
            .to_string();
        let body = snapshot_body(name).unwrap();
        assert_eq!(
            body.trim_end(),
            stored.trim_end(),
            "{name}.snap: the lines after the first {SNAPSHOT_HEADER_LINES} are not the \
             snapshot insta reads: its header has another length now"
        );
        assert_eq!(
            filter(&body),
            body,
            "{name}.snap: filtering it again changes it: a filter matches its own placeholder"
        );
    }
    // Every include of a snapshot in the book skips exactly the header.
    let want = format!(":{}:}}}}", SNAPSHOT_HEADER_LINES + 1);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("chapters-src");
    let mut included = vec![];
    for e in std::fs::read_dir(&src).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find("{{#include generated/") else {
                continue;
            };
            let inc = &line[at + "{{#include generated/".len()..];
            let Some((name, rest)) = inc.split_once(".snap") else {
                continue;
            };
            assert!(
                rest.starts_with(&want),
                "{}:{}: `{line}` must include {name}.snap from line {} (`{name}.snap{want}`)",
                path.display(),
                i + 1,
                SNAPSHOT_HEADER_LINES + 1
            );
            included.push(name.to_string());
        }
    }
    for name in &snaps {
        assert!(
            included.contains(name),
            "the book does not include generated/{name}.snap"
        );
    }
}
