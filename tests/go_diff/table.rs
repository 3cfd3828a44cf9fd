//! The book's table (chapters-src/generated/go-diff.snap): the full comparison for the
//! book's GOMAXPROCS=8, the legend of the known differences (from [`KNOWN`] itself), and one
//! summary row per GOMAXPROCS value.

use crate::compare::{p_list, Run, Verdict};
use crate::known::{known, Want, KNOWN};
use crate::{label, BOOK_VALUE};
use std::fmt::Write as _;

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
        // Our side may be timing-dependent too (sysmon's preemption mark at main.main).
        let ours = match known(r.stage, r.field).map(|k| &k.ours) {
            Some(Want::OneOf(vs)) => format!("one of {}", vs.join(", ")),
            _ => r.ours.clone(),
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
            cell(&ours),
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

pub fn book_table(runs: &[Run], ncpu: u64, go_version: &str) -> String {
    let full = runs.iter().find(|r| r.value == BOOK_VALUE).unwrap();
    format!(
        "<!-- generated by `make generated` (tests/go_diff/table.rs); do not edit -->\n\
         Go side: {go_version} linux/386 under gdb (tests/go-diff/capture.sh); our side: the \
         chapter programs (debug build). Both run with an environment of only `GOMAXPROCS`.\n\n\
         #### `GOMAXPROCS={}`, every field\n\n\
         `[ncpu]` and `[hugepagesize]` stand for the machine's CPU count and huge page size \
         (each side's value is compared; the book shows neither, as they differ between \
         machines).\n\n{}\n{}\n\
         #### Every GOMAXPROCS value\n\n\
         `ncpu` is the CPU count of the machine (sched_getaffinity), used when GOMAXPROCS is \
         absent or not a positive int32. \"rows\" counts the (stage, field) rows compared.\n\n{}",
        BOOK_VALUE.unwrap(),
        book_full(full),
        book_legend(),
        book_summary(runs, ncpu)
    )
}
