//! The book's boot stepper (chapters-src/boot-stepper.md): every step of the real boot, from
//! `_rt0_386_linux` to `main.main`, with the runtime's state after it, recorded from
//! `BOOTTRACE=json GOMAXPROCS=8 cargo run --example mainpc` (runtime-i386/src/report.rs
//! `step`).
//!
//! This test is the generator and the drift test of its two files:
//! - chapters-src/generated/boot-steps.js, the stepper's data (`window.BOOT_STEPS`, one
//!   step a line, and `window.BOOT_STEP_CHAPTERS`, each chapter's point), which
//!   chapters-src/theme/boot-stepper.js draws;
//! - chapters-src/generated/boot-steps.snap, the same steps as a static HTML list (what a
//!   reader without JavaScript, and print, sees), an insta snapshot the page includes.
//!
//! Each step's state is reduced to what the figure shows, with addresses made relative
//! (`lo+928`, `hi-20`) or symbolic (`&g0`), and what differs between machines replaced by the
//! book's placeholders (tests/support/snapshots.rs) and a few of the trace's own (below).
//! A chapter's point is the number of steps its program prints before it stops there.
//!
//! `make generated` (`INSTA_UPDATE=always`) rewrites both; otherwise a difference fails the
//! test (and outside CI leaves `boot-steps.js.new` / `boot-steps.snap.new` beside them).

use gmp_boot_book::{book_snapshot, chapters, filter, run_clean, snapshot_dir};
use regex::Regex;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

const GOMAXPROCS: &str = "8";
const GO_SRC: &str = "https://github.com/golang/go/blob/go1.22.12/src/runtime/";

/// What the trace lines say that differs between machines, beyond the book's [`filter`]:
/// (regex, replacement), applied before it.
const TRACE_FILTERS: &[(&str, &str)] = &[
    // The number of auxiliary vector entries depends on the kernel.
    (r"\bauxv: \d+ pairs", "auxv: [n] pairs"),
    // The CPU's vendor and signature (rt0_go's CPUID).
    (r"\bisIntel=(true|false)", "isIntel=[cpu]"),
    (
        r"\bprocessorVersionInfo=0x[0-9a-fA-F]+",
        "processorVersionInfo=[cpu]",
    ),
    // The GDT entry the kernel chose for the TLS (12 on Linux x86_64 natively, 6 under
    // qemu-i386).
    (
        r"\bset_thread_area gave entry \d+",
        "set_thread_area gave entry [entry]",
    ),
    // The vDSO's system-call entry: natively there is one; under qemu-i386 there is none.
    (
        r" AT_SYSINFO=0x[0-9a-fA-F]+ \(system calls now use __kernel_vsyscall\)|; no AT_SYSINFO: system calls keep using int \$0x80",
        " [AT_SYSINFO]",
    ),
];

/// Which chapter explains each step (by the step's name): the stepper groups the steps so.
const STEP_CHAPTER: &[(&str, &str)] = &[
    ("_rt0_386", "rt0_386"),
    ("rt0_go", "rt0_go"),
    ("check", "rt0_go"),
    ("args", "rt0_go"),
    ("osinit", "rt0_go"),
    ("schedinit", "schedinit"),
    ("procresize", "schedinit"),
    ("newproc1", "newproc"),
    ("mstart0", "mstart"),
    ("mstart1", "mstart"),
    ("minit", "mstart"),
    ("mstartm0", "mstart"),
    ("execute", "mstart"),
    ("runtime.main", "mainpc"),
    ("newm", "mainpc"),
];

/// The steps' JSON objects, printed by a chapter program run with `BOOTTRACE=json` in an
/// environment of exactly GOMAXPROCS=8 and BOOTTRACE.
fn recorded(program: &str) -> Vec<Value> {
    let out = run_clean(
        program,
        &[],
        &[("GOMAXPROCS", GOMAXPROCS), ("BOOTTRACE", "json")],
    );
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("{\"step\":"))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// `v` relative to the stack [lo, hi): `lo`, `lo+N`, `hi-N`, `0`.
fn rel(v: u64, lo: u64, hi: u64) -> String {
    match v {
        0 => "0".into(),
        v if v == lo => "lo".into(),
        v if v == hi => "hi".into(),
        v if v > lo && v < hi && v - lo <= hi - v => format!("lo+{}", v - lo),
        v if v > lo && v < hi => format!("hi-{}", hi - v),
        _ => "[addr]".into(),
    }
}

fn stack(s: &Value) -> (u64, u64, String) {
    let (lo, hi) = (u(&s["lo"]), u(&s["hi"]));
    let text = if lo == 0 && hi == 0 {
        "none".into()
    } else {
        format!("[lo, hi) {} bytes", hi - lo)
    };
    (lo, hi, text)
}

fn opt(v: &Value, prefix: &str) -> String {
    match v.as_u64() {
        Some(n) => format!("{prefix}{n}"),
        None => "nil".into(),
    }
}

fn goids(v: &Value) -> String {
    let ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|g| format!("g{g}"))
        .collect();
    if ids.is_empty() {
        "empty".into()
    } else {
        ids.join(" ")
    }
}

fn sym(v: &Value, raw: &Value) -> String {
    match (v.as_str(), raw.as_u64()) {
        (Some(s), _) => s.to_string(),
        (None, Some(0)) | (None, None) => "0".into(),
        (None, Some(_)) => "[addr]".into(),
    }
}

type Fields = Vec<(String, String)>;

fn fields(pairs: &[(&str, String)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The state after a step as the figure draws it: boxes of (field, value) pairs.
fn view(step: &Value) -> Value {
    let s = &step["state"];
    let global_addr = |name: &str| {
        s["globals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .map(|g| u(&g["addr"]))
            .unwrap()
    };
    let link = |k: &str, yes: &str| {
        if s["links"][k] == true {
            yes.to_string()
        } else {
            "nil".to_string()
        }
    };
    let tls = match (u(&s["g0tls"]), step["tlsGoid"].as_u64()) {
        (0, _) => "0".to_string(),
        (t, None) if t == global_addr("runtime.g0") => "&g0".into(),
        (_, Some(id)) => format!("&g{id}"),
        (_, None) => "[addr]".into(),
    };
    let machine = |v: &Value, placeholder: &str| {
        if u(v) == 0 {
            "0".to_string()
        } else {
            placeholder.to_string()
        }
    };
    let runtime = fields(&[
        ("ncpu", machine(&s["ncpu"], "[ncpu]")),
        ("gomaxprocs", s["gomaxprocs"].to_string()),
        ("physPageSize", s["physPageSize"].to_string()),
        (
            "physHugePageSize",
            machine(&s["physHugePageSize"], "[hugepagesize]"),
        ),
        ("mainStarted", s["mainStarted"].to_string()),
    ]);
    let m0 = &s["m0"];
    let m0f = fields(&[
        ("id", m0["id"].to_string()),
        ("procid", machine(&m0["procid"], "[tid]")),
        ("g0", link("m0.g0 == &g0", "&g0")),
        ("tls[0]", tls),
        ("p", opt(&m0["p"], "P")),
        ("curg", opt(&m0["curg"], "g")),
    ]);
    let g0 = &s["g0"];
    let (lo, hi, st) = stack(&g0["stack"]);
    let g0f = fields(&[
        ("stack", st),
        ("stackguard0", rel(u(&g0["stackguard0"]), lo, hi)),
        ("stackguard1", rel(u(&g0["stackguard1"]), lo, hi)),
        ("m", link("g0.m == &m0", "&m0")),
        ("sched.sp", rel(u(&g0["sched"]["sp"]), lo, hi)),
        (
            "sched.pc",
            sym(&g0["sched"]["pcSymbol"], &g0["sched"]["pc"]),
        ),
    ]);
    let sc = &s["sched"];
    let schedf = fields(&[
        ("maxmcount", sc["maxmcount"].to_string()),
        ("goidgen", sc["goidgen"].to_string()),
        ("pidle", opt(&sc["pidle"], "P")),
        ("npidle", sc["npidle"].to_string()),
        ("runqsize", sc["runqsize"].to_string()),
        ("runq", goids(&sc["runq"])),
    ]);
    let allp: Vec<Value> = s["allp"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let f = fields(&[
                ("status", p["status"].as_str().unwrap().to_string()),
                ("m", opt(&p["m"], "m")),
                ("link", opt(&p["link"], "P")),
                ("runnext", opt(&p["runnext"], "g")),
                ("runq", goids(&p["runq"])),
                ("schedtick", p["schedtick"].to_string()),
                (
                    "goidcache",
                    format!("{}..{}", p["goidcache"], p["goidcacheend"]),
                ),
                ("gFree", p["gFree"].to_string()),
            ]);
            json!({"id": p["id"], "fields": f})
        })
        .collect();
    let allgs: Vec<Value> = s["allgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let (lo, hi, st) = stack(&g["stack"]);
            let f = fields(&[
                ("status", g["status"].as_str().unwrap().to_string()),
                ("parentGoid", g["parentGoid"].to_string()),
                ("stack", st),
                ("stackguard0", rel(u(&g["stackguard0"]), lo, hi)),
                ("sched.sp", rel(u(&g["sched"]["sp"]), lo, hi)),
                ("sched.pc", sym(&g["sched"]["pcSymbol"], &g["sched"]["pc"])),
                ("[sched.sp]", sym(&g["returnSymbol"], &Value::Null)),
                ("startpc", sym(&g["startpc"], &Value::Null)),
            ]);
            json!({"goid": g["goid"], "fields": f})
        })
        .collect();
    json!({
        "runtime": runtime, "m0": m0f, "g0": g0f, "sched": schedf,
        "allp": allp, "allgs": allgs,
    })
}

/// The view's fields by name (`m0.p`, `allp.3.status`) and its boxes (`allp.3`).
fn flat(v: &Value) -> (BTreeMap<String, String>, Vec<String>) {
    let mut m = BTreeMap::new();
    let mut boxes = vec![];
    let mut add = |key: &str, f: &Value| {
        boxes.push(key.to_string());
        for pair in f.as_array().unwrap() {
            m.insert(
                format!("{key}.{}", pair[0].as_str().unwrap()),
                pair[1].as_str().unwrap().to_string(),
            );
        }
    };
    for b in ["runtime", "m0", "g0", "sched"] {
        add(b, &v[b]);
    }
    for p in v["allp"].as_array().unwrap() {
        add(&format!("allp.{}", p["id"]), &p["fields"]);
    }
    for g in v["allgs"].as_array().unwrap() {
        add(&format!("allgs.{}", g["goid"]), &g["fields"]);
    }
    (m, boxes)
}

/// A chapter's title in SUMMARY.md.
fn titles() -> BTreeMap<String, String> {
    let summary = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("chapters-src/SUMMARY.md"),
    )
    .unwrap();
    let re = Regex::new(r"^- \[(.*)\]\(([a-z0-9_]+)\.md\)").unwrap();
    summary
        .lines()
        .filter_map(|l| re.captures(l))
        .map(|c| (c[2].to_string(), c[1].replace('\\', "")))
        .collect()
}

struct Chapter {
    name: String,
    title: String,
    /// The number of the last step its program prints before it stops.
    point: usize,
}

/// The boot's steps as the stepper shows them, and the chapters with their points.
fn steps() -> (Vec<Value>, Vec<Chapter>) {
    let filters: Vec<(Regex, &str)> = TRACE_FILTERS
        .iter()
        .map(|(r, w)| (Regex::new(r).unwrap(), *w))
        .collect();
    let titles = titles();
    let chs: Vec<Chapter> = chapters()
        .into_iter()
        .map(|c| Chapter {
            name: c.to_string(),
            title: titles.get(c).cloned().unwrap_or_else(|| c.to_string()),
            point: recorded(c).len(),
        })
        .collect();
    let raw = recorded("mainpc");
    let mut prev: Option<BTreeMap<String, String>> = None;
    let mut prev_boxes: Vec<String> = vec![];
    let mut out = vec![];
    for (i, st) in raw.iter().enumerate() {
        let n = i + 1;
        assert_eq!(u(&st["step"]), n as u64, "steps are numbered from 1");
        let name = st["where"].as_str().unwrap();
        let owner_name = STEP_CHAPTER
            .iter()
            .find(|(w, _)| *w == name)
            .map(|(_, c)| *c)
            .unwrap_or_else(|| {
                panic!("a new boot step `{name}`: say in STEP_CHAPTER which chapter explains it")
            });
        let owner = chs.iter().find(|c| c.name == owner_name).unwrap();
        assert!(
            owner.point >= n,
            "step {n} `{name}` comes after {owner_name}'s point (step {})",
            owner.point
        );
        // Our source: the chapter whose module it is (runtime-i386/src/NAME.rs), else the
        // step's chapter; both show the code under "In our runtime".
        let src = st["src"].as_str().unwrap();
        let module = src
            .strip_prefix("runtime-i386/src/")
            .and_then(|f| f.split(':').next())
            .and_then(|f| f.strip_suffix(".rs"))
            .filter(|m| chs.iter().any(|c| c.name == *m))
            .unwrap_or(&owner.name);
        let mut trace = st["trace"].as_str().unwrap().to_string();
        for (re, with) in &filters {
            trace = re.replace_all(&trace, *with).into_owned();
        }
        let trace = filter(&trace);
        let v = view(st);
        let (now, boxes) = flat(&v);
        let mut changed = vec![];
        if let Some(p) = &prev {
            for b in &boxes {
                if !prev_boxes.contains(b) {
                    changed.push(b.clone());
                }
            }
            for (k, val) in &now {
                let in_new_box = changed.iter().any(|b| k.starts_with(&format!("{b}.")));
                if !in_new_box && p.get(k) != Some(val) {
                    changed.push(k.clone());
                }
            }
        }
        let before: BTreeMap<String, String> = changed
            .iter()
            .filter_map(|k| prev.as_ref()?.get(k).map(|v| (k.clone(), v.clone())))
            .collect();
        out.push(json!({
            "n": n,
            "where": st["where"],
            "chapter": owner.name,
            "srcChapter": module,
            "trace": trace,
            "src": src,
            "go": st["go"],
            "changed": changed,
            "before": before,
            "state": v,
        }));
        prev = Some(now);
        prev_boxes = boxes;
    }
    (out, chs)
}

fn js(steps: &[Value], chs: &[Chapter]) -> String {
    let mut s = String::from(
        "// generated by tests/boot_stepper.rs from `BOOTTRACE=json GOMAXPROCS=8 cargo run --example mainpc`\n\
         // (make generated); do not edit. Drawn by chapters-src/theme/boot-stepper.js.\n\
         window.BOOT_STEPS = [\n",
    );
    for st in steps {
        writeln!(s, "{},", serde_json::to_string(st).unwrap()).unwrap();
    }
    s += "];\nwindow.BOOT_STEP_CHAPTERS = [\n";
    for c in chs {
        writeln!(
            s,
            "{},",
            json!({"name": c.name, "title": c.title, "step": c.point})
        )
        .unwrap();
    }
    s += "];\n";
    filter(&s)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn go_link(go: &str) -> String {
    let (file, line) = go.split_once(':').unwrap();
    format!("<a href=\"{GO_SRC}{file}#L{line}\"><code>{go}</code></a>")
}

/// The static list: per chapter, its steps, each with its trace line, its sources and what
/// it changed (old → new).
fn list(steps: &[Value], chs: &[Chapter]) -> String {
    let mut s = String::from(
        "<!-- generated by tests/boot_stepper.rs from `BOOTTRACE=json GOMAXPROCS=8 cargo run --example mainpc` (make generated); do not edit -->\n\
         <div class=\"boot-steps-list\">\n",
    );
    for c in chs {
        let mine: Vec<&Value> = steps.iter().filter(|s| s["chapter"] == *c.name).collect();
        writeln!(s, "<h3 id=\"steps-{}\">{}</h3>", c.name, esc(&c.title)).unwrap();
        write!(
            s,
            "<p class=\"bs-chapter\">The chapter: <a href=\"{}.html\">{}</a>.",
            c.name,
            esc(&c.title)
        )
        .unwrap();
        if mine.is_empty() {
            writeln!(
                s,
                " No step of its own: its program stops after step {} (<a href=\"#step-{}\">{}</a>).</p>",
                c.point,
                c.point,
                steps[c.point - 1]["where"].as_str().unwrap()
            )
            .unwrap();
            continue;
        }
        s += "</p>\n";
        writeln!(s, "<ol start=\"{}\">", mine[0]["n"]).unwrap();
        for st in mine {
            let n = u(&st["n"]) as usize;
            // The chapters whose point this step is (a link `boot-stepper.md#at-NAME` lands here).
            let at: String = chs
                .iter()
                .filter(|o| o.point == n)
                .map(|o| {
                    format!(
                        " <span class=\"bs-point\" id=\"at-{}\">chapter {} stops here</span>",
                        o.name,
                        esc(&o.title)
                    )
                })
                .collect();
            write!(
                s,
                "<li id=\"step-{n}\"><p><code class=\"bs-name\">{}</code>{at}<br>\n<code>boot: {}: {}</code><br>\n\
                 Go: {} · ours: <a href=\"{}.html#in-our-runtime\"><code>{}</code></a></p>\n",
                st["where"].as_str().unwrap(),
                st["where"].as_str().unwrap(),
                esc(st["trace"].as_str().unwrap()),
                go_link(st["go"].as_str().unwrap()),
                st["srcChapter"].as_str().unwrap(),
                st["src"].as_str().unwrap(),
            )
            .unwrap();
            let changed: Vec<String> = st["changed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| {
                    let k = k.as_str().unwrap();
                    match st["before"].get(k) {
                        Some(old) => {
                            let new = field(&st["state"], k);
                            format!(
                                "<code>{}</code> {} → <b>{}</b>",
                                esc(k),
                                esc(old.as_str().unwrap()),
                                esc(&new)
                            )
                        }
                        None => format!("<b>new <code>{}</code></b>", esc(&box_title(k))),
                    }
                })
                .collect();
            if n > 1 {
                writeln!(
                    s,
                    "<p class=\"bs-changes\">{}</p>",
                    if changed.is_empty() {
                        "Changed none of the fields the figure draws.".to_string()
                    } else {
                        format!("Changed: {}.", changed.join("; "))
                    }
                )
                .unwrap();
            }
            s += "</li>\n";
        }
        s += "</ol>\n";
    }
    s += "</div>\n";
    s
}

/// `allp.3` → `P3`, `allgs.1` → `g1`.
fn box_title(k: &str) -> String {
    if let Some(p) = k.strip_prefix("allp.") {
        format!("P{p}")
    } else if let Some(g) = k.strip_prefix("allgs.") {
        format!("g{g}")
    } else {
        k.to_string()
    }
}

/// The value of field `k` (`m0.p`, `allp.3.status`) in a view.
fn field(v: &Value, k: &str) -> String {
    flat(v).0.get(k).cloned().unwrap_or_default()
}

/// Compares `text` with the generated file `path`; under INSTA_UPDATE=always rewrites it,
/// else (outside CI) leaves `path.new` beside it. Err names it.
fn compare_file(name: &str, text: &str) -> Result<(), String> {
    let path = snapshot_dir().join(name);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old == text {
        return Ok(());
    }
    let new = path.with_file_name(format!("{name}.new"));
    if std::env::var("INSTA_UPDATE").as_deref() == Ok("always") {
        std::fs::write(&path, text).unwrap();
        let _ = std::fs::remove_file(new);
        return Ok(());
    }
    if std::env::var_os("CI").is_none() {
        std::fs::write(&new, text).unwrap();
    }
    let diff: Vec<String> = old
        .lines()
        .zip(text.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .take(3)
        .map(|(i, (a, b))| format!("line {}:\n- {a}\n+ {b}", i + 1))
        .collect();
    eprintln!(
        "chapters-src/generated/{name} differs ({} lines now, {} before):\n{}",
        text.lines().count(),
        old.lines().count(),
        diff.join("\n")
    );
    Err(format!("chapters-src/generated/{name}"))
}

#[test]
fn boot_steps_are_current() {
    let (steps, chs) = steps();
    let stale: Vec<String> = [
        compare_file("boot-steps.js", &js(&steps, &chs)).err(),
        book_snapshot!("boot-steps", &list(&steps, &chs)).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(
        stale.is_empty(),
        "the boot's steps changed: {} differ from what `BOOTTRACE=json cargo run --example \
         mainpc` prints now; run `make generated`",
        stale.join(", ")
    );
}

/// The recorded boot is the whole boot, and the chapters' points are in boot order.
#[test]
fn the_steps_go_from_rt0_386_to_main_main() {
    let (steps, chs) = steps();
    assert_eq!(steps.first().unwrap()["where"], "_rt0_386");
    // The last step: runtime.main starts sysmon on a new M, then calls main.main.
    assert_eq!(steps.last().unwrap()["where"], "newm");
    assert!(steps.len() >= 15, "{} steps", steps.len());
    assert!(chs.windows(2).all(|w| w[0].point <= w[1].point));
    assert_eq!(
        chs.last().unwrap().point,
        steps.len(),
        "mainpc sees every step"
    );
    // What the figure must show changing: the Ps, the main g, the TLS switch to g1.
    let at = |w: &str| steps.iter().find(|s| s["where"] == w).unwrap();
    let changed = |w: &str, k: &str| at(w)["changed"].as_array().unwrap().iter().any(|c| c == k);
    assert!(changed("procresize", "allp.0"), "procresize makes P0");
    assert!(changed("newproc1", "allgs.1"), "newproc1 makes g1");
    // newproc's runqput is not traced: g1 is in P0's runnext from the step after newproc1 on
    // (boot-stepper.md says so).
    assert_eq!(field(&at("newproc1")["state"], "allp.0.runnext"), "nil");
    assert_eq!(field(&at("mstart0")["state"], "allp.0.runnext"), "g1");
    assert_eq!(field(&at("execute")["state"], "m0.curg"), "g1");
    assert_eq!(field(&at("runtime.main")["state"], "m0.tls[0]"), "&g1");
    assert_eq!(field(&at("_rt0_386")["state"], "m0.tls[0]"), "0");
    assert_eq!(field(&at("check")["state"], "m0.tls[0]"), "&g0");
}

/// The page, the chapters' links into it and the book's configuration.
#[test]
fn the_book_has_the_stepper() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let page = read("chapters-src/boot-stepper.md");
    assert!(page.contains("<div id=\"boot-stepper\""));
    assert!(page.contains("{{#include generated/boot-steps.snap:4:}}"));
    assert!(read("chapters-src/SUMMARY.md").contains("(boot-stepper.md)"));
    let toml = read("book.toml");
    for js in [
        "chapters-src/generated/boot-steps.js",
        "chapters-src/theme/boot-stepper.js",
    ] {
        assert!(
            toml.contains(&format!("\"{js}\"")),
            "book.toml's additional-js: {js}"
        );
    }
    for ch in chapters() {
        let text = read(&format!("chapters-src/{ch}.md"));
        let widget = format!("<div class=\"boot-stepper-mini\" data-chapter=\"{ch}\">");
        let at = text
            .find(&widget)
            .unwrap_or_else(|| panic!("{ch}.md has no `{widget}`"));
        assert!(
            text[at..].contains(&format!("(boot-stepper.md#at-{ch})")),
            "{ch}.md: the widget links to the stepper at the chapter's point"
        );
        assert!(
            at < text.find("## Check it").unwrap(),
            "{ch}.md: before Check it"
        );
    }
}
