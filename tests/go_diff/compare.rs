//! The comparison: each side's state at each stage turned into relations that do not depend
//! on addresses (stack size `hi−lo`, guard offsets, `hi−sched.sp`, P ids, goids, symbols,
//! "is &g0"), then the relations compared row by row, with a verdict for each.

use crate::go_side::GoSyms;
use crate::known::{check_want, known, Reason};
use crate::STAGES;
use serde_json::Value;
use std::fmt::Write as _;

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
pub fn p_list(ids: &[u64]) -> String {
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
    // The Ms (allm): what both runtimes must agree on whatever the timing.
    let allm = s["allm"].as_array().cloned().unwrap_or_default();
    f.push(("len(allm)", allm.len().to_string()));
    let mut mids: Vec<u64> = allm.iter().map(|m| num(&m["id"])).collect();
    mids.sort();
    f.push((
        "M ids (allm) are 0..len−1",
        mids.iter()
            .enumerate()
            .all(|(i, &id)| id == i as u64)
            .to_string(),
    ));
    f.push((
        "sched.mnext == len(allm)",
        (num(&sched["mnext"]) == allm.len() as u64).to_string(),
    ));
    let sysmon: Vec<&Value> = allm.iter().filter(|m| m["sysmon"] == true).collect();
    f.push((
        "sysmon's M",
        match sysmon.as_slice() {
            [] => "none".into(),
            [m] => format!(
                "m{}: {}, {}",
                m["id"],
                if m["p"].is_null() {
                    "no P"
                } else {
                    "holds a P"
                },
                if m["curg"].is_null() {
                    "no curg"
                } else {
                    "runs a g"
                }
            ),
            ms => format!("{} sysmon Ms", ms.len()),
        },
    ));
    f.push(("sched.nmsys", sched["nmsys"].to_string()));
    // Every M that holds a P is that P's m, and no P is held twice.
    let mut held: Vec<u64> = vec![];
    let consistent = allm.iter().filter(|m| !m["p"].is_null()).all(|m| {
        let pid = num(&m["p"]);
        let back = allp.iter().find(|p| num(&p["id"]) == pid).map(|p| &p["m"]);
        let once = !held.contains(&pid);
        held.push(pid);
        once && back == Some(&m["id"])
    });
    f.push(("each M's P points back to it (p.m)", consistent.to_string()));
    let with_p = held.len() as u64;
    f.push((
        "nmidle + nmsys + Ms holding a P ≤ len(allm)",
        (num(&sched["nmidle"]) + num(&sched["nmsys"]) + with_p <= allm.len() as u64).to_string(),
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

/// The address of runtime.g0 in our program (from the `--json` globals table).
fn our_g0(s: &Value) -> u64 {
    s["globals"]
        .as_array()
        .and_then(|gs| gs.iter().find(|g| g["name"] == "runtime.g0"))
        .map(|g| num(&g["addr"]))
        .expect("our --json has runtime.g0 in its globals table")
}

/// A row's verdict: the same on both sides, a known difference (with its reason), or a
/// difference that fails the check.
#[derive(Clone, PartialEq)]
pub enum Verdict {
    Same,
    Known(Reason),
    Diff(String),
}

/// One (stage, field) of one GOMAXPROCS value: both sides' relation and the verdict.
pub struct Row {
    pub stage: &'static str,
    pub field: &'static str,
    pub go: String,
    pub ours: String,
    pub verdict: Verdict,
}

/// Go's four states and ours, for one GOMAXPROCS value.
pub type States = (Vec<Value>, Vec<Value>);

/// Every row of one GOMAXPROCS value (`None`: unset).
pub struct Run {
    pub value: Option<&'static str>,
    pub rows: Vec<Row>,
}

/// Both sides' states at the four stages, as rows with verdicts.
pub fn compare(value: Option<&'static str>, go: &[Value], ours: &[Value], syms: &GoSyms) -> Run {
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

/// One value's rows as a plain-text table, for the failure report.
pub fn text_table(run: &Run) -> String {
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
