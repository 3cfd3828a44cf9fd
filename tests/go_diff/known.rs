//! The known differences: what our runtime does differently from Go 1.22 on purpose, each
//! with its reason and exactly what each side must show, so that a known difference that
//! changes fails like any other.

/// What a side of a known difference must show.
pub enum Want {
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
pub struct Known {
    pub stages: &'static [&'static str],
    pub field: &'static str,
    pub go: Want,
    pub ours: Want,
    pub reason: Reason,
}

/// A known difference's reason: a short form for the table's verdict column, and the whole
/// reason for the legend under it.
pub type Reason = (&'static str, &'static str);

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
     happened before main.main's first instruction depends on timing. Ours has sysmon and \
     preemptone too, but leaves stackguard0 alone: Rust functions have no prologue that \
     would act on it, so ours stays lo+928.",
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
     start sysmon (which holds no P) and no system goroutines, so our value must equal Go's \
     at runtime.main's entry (the gogo stage).",
);

const G1_PC_REASON: Reason = (
    "g1 last left its stack for sysmon's newm",
    "g1.sched.pc is where g1 last left its own stack. Ours went to the system stack to start \
     sysmon (newm) and left runtime.systemstack_switch there, as Go does; Go's runtime.main \
     then also waits in gcenable for the GC's goroutines to start (gopark), and whether a \
     later system-stack call overwrote that depends on timing.",
);

const GO_MS_REASON: Reason = (
    "Go wakes Ms for its system goroutines",
    "Go's runtime.main starts sysmon (m1), as ours does, and then the GC's goroutines, whose \
     newproc wakes idle Ps: how many more Ms exist at main.main depends on timing. We start \
     no system goroutines: m0 and sysmon's m1.",
);
const NMSYS_REASON: Reason = (
    "sysmon counts itself when it starts",
    "sysmon's first act on its new thread is sched.nmsys++ (proc.go:5948), so at main.main \
     it is 1 once that thread has run, 0 before: timing, on both sides.",
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
pub static KNOWN: &[Known] = &[
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
    Known {
        stages: MAIN,
        field: "len(allm)",
        go: Want::Varies,
        ours: Want::Is("2"),
        reason: GO_MS_REASON,
    },
    Known {
        stages: MAIN,
        field: "sched.nmsys",
        go: Want::OneOf(&["0", "1"]),
        ours: Want::OneOf(&["0", "1"]),
        reason: NMSYS_REASON,
    },
    Known {
        stages: MAIN,
        field: "g1 sched.pc",
        go: Want::OneOf(&["runtime.systemstack_switch", "runtime.gopark+268"]),
        ours: Want::Is("runtime.systemstack_switch"),
        reason: G1_PC_REASON,
    },
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

/// The known difference of `field` at `stage`, if there is one.
pub fn known(stage: &str, field: &str) -> Option<&'static Known> {
    KNOWN
        .iter()
        .find(|k| k.field == field && k.stages.contains(&stage))
}

/// Whether value `v` is what `w` documents (`go_at_gogo`: Go's value of the same field at
/// the gogo stage).
pub fn check_want(w: &Want, v: &str, go_at_gogo: &str) -> Result<(), String> {
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
