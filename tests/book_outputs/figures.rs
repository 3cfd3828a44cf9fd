//! The two figures drawn from pointers: the globals and what points where once the boot
//! reaches main.main, and gogo's switch (before and after). Both read the chapter programs'
//! `--json` state and draw an arrow only where a live pointer says so: a pointer is resolved
//! to the object whose address it holds (the globals' `addr`, each g's `addr`), never
//! assumed.

use serde_json::Value;
use std::fmt::Write;

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned number: {v}"))
}

/// What `addr` points at, as a node name of the figures: `m0`, `g0` (the globals of that
/// name), `gN` (a g of allgs), None for nil. An address nothing in the state has is shown as
/// `unknown`, so a wrong pointer shows in the figure instead of a missing arrow.
fn target(s: &Value, addr: u64) -> Option<String> {
    if addr == 0 {
        return None;
    }
    for g in s["globals"].as_array().unwrap() {
        if u(&g["addr"]) == addr {
            return Some(
                g["name"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("runtime.")
                    .to_string(),
            );
        }
    }
    for g in s["allgs"].as_array().unwrap() {
        if u(&g["addr"]) == addr {
            return Some(format!("g{}", g["goid"]));
        }
    }
    Some("unknown".to_string())
}

/// The g whose stack holds `sp` (`g0`, `gN`), or `unknown`.
fn stack_of(s: &Value, sp: u64) -> String {
    let inside = |g: &Value| u(&g["stack"]["lo"]) <= sp && sp < u(&g["stack"]["hi"]);
    if inside(&s["g0"]) {
        return "g0".into();
    }
    for g in s["allgs"].as_array().unwrap() {
        if inside(g) {
            return format!("g{}", g["goid"]);
        }
    }
    "unknown".into()
}

fn size(g: &Value) -> u64 {
    u(&g["stack"]["hi"]) - u(&g["stack"]["lo"])
}

/// `hi-N` for a stack pointer `sp` inside g's stack, `0` for 0.
fn rel(g: &Value, sp: u64) -> String {
    if sp == 0 {
        "0".into()
    } else {
        format!("hi-{}", u(&g["stack"]["hi"]) - sp)
    }
}

fn global<'a>(s: &'a Value, name: &str) -> &'a Value {
    s["globals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("no {name} among the globals"))
}

fn allg(s: &Value, goid: u64) -> &Value {
    s["allgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["goid"] == goid)
        .unwrap_or_else(|| panic!("no g{goid} in allgs"))
}

/// A labelled arrow `from -- label --> (what addr points at)`, nothing for nil.
fn arrow(f: &mut String, s: &Value, from: &str, label: &str, addr: u64) {
    if let Some(to) = target(s, addr) {
        if to == "unknown" {
            writeln!(f, "  unknown[\"? (an address not in the state)\"]").unwrap();
        }
        if label.is_empty() {
            writeln!(f, "  {from} --> {to}").unwrap();
        } else {
            writeln!(f, "  {from} -- \"{label}\" --> {to}").unwrap();
        }
    }
}

/// The globals, and the pointers between them and what the boot made, as main.main finds
/// them (`s` is the `mainpc` program's state): the list "How the pieces point at each
/// other" of the globals chapter, drawn.
pub fn globals(s: &Value, source: &str) -> String {
    let mut f = format!("%% generated from `{source}`: the pointers as main.main finds them; do not edit\nflowchart TB\n");
    let sz = |name: &str| global(s, name)["size"].clone();
    let allp = s["allp"].as_array().unwrap();
    let allgs = s["allgs"].as_array().unwrap();
    // The globals (in .bss) are one colour, what the boot made (g1, the Ps) the default one.
    writeln!(f, "  allm[\"runtime.allm · *m\"]").unwrap();
    writeln!(
        f,
        "  m0[\"runtime.m0 · m · {} bytes<br/>id {}\"]",
        sz("runtime.m0"),
        s["m0"]["id"]
    )
    .unwrap();
    writeln!(
        f,
        "  g0[\"runtime.g0 · g · {} bytes<br/>stack {} bytes\"]",
        sz("runtime.g0"),
        size(&s["g0"])
    )
    .unwrap();
    writeln!(
        f,
        "  sched[\"runtime.sched · schedt · {} bytes<br/>npidle {} · goidgen {}\"]",
        sz("runtime.sched"),
        s["sched"]["npidle"],
        s["sched"]["goidgen"]
    )
    .unwrap();
    writeln!(f, "  allp[\"runtime.allp · []*p<br/>len {}\"]", allp.len()).unwrap();
    writeln!(
        f,
        "  allgs[\"runtime.allgs · []*g<br/>len {}\"]",
        allgs.len()
    )
    .unwrap();
    writeln!(
        f,
        "  values[\"gomaxprocs {} · mainStarted {}<br/>physPageSize {}\"]",
        s["gomaxprocs"], s["mainStarted"], s["physPageSize"]
    )
    .unwrap();
    for g in allgs {
        writeln!(
            f,
            "  g{id}[\"g{id} · {}<br/>stack {} bytes\"]",
            g["status"].as_str().unwrap(),
            size(g),
            id = g["goid"]
        )
        .unwrap();
    }
    for pp in allp {
        writeln!(
            f,
            "  P{}[\"P{} · {}\"]",
            pp["id"],
            pp["id"],
            pp["status"].as_str().unwrap()
        )
        .unwrap();
    }
    // m0 and g0 point at each other.
    arrow(&mut f, s, "m0", "g0", u(&s["m0"]["g0"]));
    arrow(&mut f, s, "g0", "m", u(&s["g0"]["m"]));
    // allm, through m.alllink: newest first, so sysmon's m1 (no P) comes before m0.
    let ms = s["allm"].as_array().cloned().unwrap_or_default();
    let node = |m: &Value| {
        if m["id"] == s["m0"]["id"] {
            "m0".to_string()
        } else {
            format!("m{}", m["id"])
        }
    };
    for m in ms.iter().filter(|m| m["id"] != s["m0"]["id"]) {
        let what = if m["sysmon"] == true {
            "sysmon"
        } else {
            "an M"
        };
        let p = m["p"]
            .as_i64()
            .map_or("no P".to_string(), |p| format!("P{p}"));
        writeln!(f, "  {}[\"m{} · {what} · {p}\"]", node(m), m["id"]).unwrap();
    }
    if let Some(first) = ms.first() {
        writeln!(f, "  allm --> {}", node(first)).unwrap();
    }
    for w in ms.windows(2) {
        writeln!(f, "  {} -- \"alllink\" --> {}", node(&w[0]), node(&w[1])).unwrap();
    }
    // m0's P and current g, and the g in its TLS slot.
    if let Some(p) = s["m0"]["p"].as_i64() {
        writeln!(f, "  m0 -- \"p\" --> P{p}").unwrap();
    }
    for pp in allp {
        if pp["m"] == s["m0"]["id"] {
            writeln!(f, "  P{} -- \"m\" --> m0", pp["id"]).unwrap();
        }
    }
    // m0.curg and m0.tls[0] name the same g once execute has run: one arrow for both then.
    let curg = s["m0"]["curg"].as_u64().map(|g| format!("g{g}"));
    let tls = target(s, u(&s["g0tls"]));
    if let Some(g) = curg.as_ref().filter(|_| curg == tls) {
        writeln!(f, "  m0 -- \"curg, tls[0]\" --> {g}").unwrap();
    } else {
        if let Some(g) = curg {
            writeln!(f, "  m0 -- \"curg\" --> {g}").unwrap();
        }
        arrow(&mut f, s, "m0", "tls[0]", u(&s["g0tls"]));
    }
    for g in allgs {
        arrow(&mut f, s, &format!("g{}", g["goid"]), "m", u(&g["m"]));
    }
    // The slices, element by element.
    for (i, g) in allgs.iter().enumerate() {
        writeln!(f, "  allgs -- \"[{i}]\" --> g{}", g["goid"]).unwrap();
    }
    for (i, pp) in allp.iter().enumerate() {
        writeln!(f, "  allp -- \"[{i}]\" --> P{}", pp["id"]).unwrap();
    }
    // The idle list, through p.link.
    if let Some(h) = s["sched"]["pidle"].as_i64() {
        writeln!(f, "  sched -- \"pidle\" --> P{h}").unwrap();
    }
    for pp in allp {
        if let Some(l) = pp["link"].as_i64() {
            writeln!(f, "  P{} -- \"link\" --> P{l}", pp["id"]).unwrap();
        }
        if let Some(n) = pp["runnext"].as_u64() {
            writeln!(f, "  P{} -- \"runnext\" --> g{n}", pp["id"]).unwrap();
        }
    }
    f += "  class allm,m0,g0,sched,allp,allgs,values global\n";
    f += "  classDef global fill:#fff4dd,stroke:#b08000\n";
    f
}

/// gogo's switch: `before` is the state in execute just before `gogo(&g.sched)` (the
/// `mstart` program), `after` the state at runtime.main's first instruction (the `gogo`
/// program). The registers gogo loads come from the gobuf as it was before; where SP is and
/// who m0.tls[0] names are read from each state.
pub fn gogo(before: &Value, after: &Value, source: &str) -> String {
    let mut f = format!("%% generated from `{source}`; do not edit\nflowchart TB\n");
    let goid = u(&before["m0"]["curg"]);
    let (g1b, g1a) = (allg(before, goid), allg(after, goid));
    let gn = format!("g{goid}");
    let sym = |v: &Value| v.as_str().unwrap_or("0").to_string();
    for (tag, s, g1, title) in [
        ("b", before, g1b, "before gogo: in execute"),
        ("a", after, g1a, "after gogo: in runtime.main"),
    ] {
        writeln!(f, "  subgraph {tag}[\"{title}\"]\n    direction LR").unwrap();
        let sp_on = stack_of(s, u(&s["sp"]));
        let cpu = if tag == "b" {
            format!("CPU<br/>SP on {sp_on}'s stack<br/>PC in execute, calling gogo")
        } else {
            // What gogo loaded, from the gobuf as it was before.
            format!(
                "CPU<br/>SP = {} on {sp_on}'s stack<br/>PC = {}<br/>DX → {} · AX = 0",
                rel(g1b, u(&g1b["sched"]["sp"])),
                sym(&g1b["sched"]["pcSymbol"]),
                sym(&g1b["sched"]["ctxtSymbol"]),
            )
        };
        writeln!(f, "    {tag}cpu[\"{cpu}\"]").unwrap();
        writeln!(
            f,
            "    {tag}tls[\"m0.tls[0], the TLS slot<br/>what getg() reads\"]"
        )
        .unwrap();
        writeln!(
            f,
            "    {tag}g0[\"g0<br/>stack {} bytes<br/>g0.sched.sp = {} ({})\"]",
            size(&s["g0"]),
            rel(&s["g0"], u(&s["g0"]["sched"]["sp"])),
            sym(&s["g0"]["sched"]["pcSymbol"]),
        )
        .unwrap();
        let top = match g1["returnSymbol"].as_str() {
            Some(r) => format!("word at sched.sp: {r}"),
            None => format!(
                "word at hi-{}: runtime.goexit+1",
                u(&g1b["stack"]["hi"]) - u(&g1b["sched"]["sp"])
            ),
        };
        writeln!(
            f,
            "    {tag}{gn}[\"{gn} · {}<br/>stack {} bytes<br/>{top}\"]",
            g1["status"].as_str().unwrap(),
            size(g1),
        )
        .unwrap();
        writeln!(
            f,
            "    {tag}buf[\"{gn}.sched<br/>sp = {} · pc = {}<br/>ctxt {}\"]",
            rel(g1, u(&g1["sched"]["sp"])),
            sym(&g1["sched"]["pcSymbol"]),
            match g1["sched"]["ctxtSymbol"].as_str() {
                Some(c) => format!("→ {c}"),
                None => "= 0".into(),
            },
        )
        .unwrap();
        writeln!(f, "    {tag}cpu -- \"SP\" --> {tag}{sp_on}").unwrap();
        let cur = target(s, u(&s["g0tls"])).unwrap_or_else(|| "nil".into());
        writeln!(f, "    {tag}tls -- \"names {cur}\" --> {tag}{cur}").unwrap();
        if u(&g1["sched"]["sp"]) != 0 {
            writeln!(f, "    {tag}buf -- \"sp\" --> {tag}{gn}").unwrap();
        }
        f += "  end\n";
    }
    writeln!(f, "  b == \"gogo(#amp;{gn}.sched)\" ==> a").unwrap();
    f
}
