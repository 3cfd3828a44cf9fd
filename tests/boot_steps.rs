//! The boot, step by step: what each early step of rt0_go leaves behind, seen where it
//! happens, through gdb and the boot trace (`BOOTTRACE=1`), before the chapter program's stop
//! point. A test here looks only at its own step: it does not need the boot to get further
//! (the classroom exercises are graded by these, one step at a time, in boot order).

use gmp_boot_book::{graded, ncpu, run, Env};
use runtime_i386::{g, m};
use std::collections::BTreeMap;
use std::mem::offset_of;

/// The rest of the boot trace's line that starts with `head`, from `prog` run with `env`;
/// the program may stop later (in a step not written yet): only the trace up to here counts.
fn trace_line(prog: &str, env: Env, head: &str) -> String {
    let out = gmp_boot_book::run_profile("debug", prog, &[], env, &[("BOOTTRACE", "1")]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    err.lines()
        .find_map(|l| l.strip_prefix(head))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no `{head}...` line in the boot trace:\n{err}"))
}

/// The values gdb printed (`NAME 0x...` lines); a missing one fails the test with gdb's whole
/// output (which says where the program stopped, e.g. in an exercise's stub).
struct Gdb {
    out: String,
    v: BTreeMap<String, u64>,
}
impl Gdb {
    fn run(prog: &str, args: &[&str], commands: &[&str]) -> Gdb {
        let out = gmp_boot_book::gdb(prog, args, commands);
        let v = gmp_boot_book::gdb_values(&out);
        Gdb { out, v }
    }
    fn get(&self, k: &str) -> u64 {
        *self
            .v
            .get(k)
            .unwrap_or_else(|| panic!("gdb printed no {k}:\n{}", self.out))
    }
}

/// asm_386.s:14-19 `_rt0_386`: an 8-byte frame holding argc and the address of argv[0],
/// then a jump to rt0_go. gdb stops at the ELF entry point (`starti`: SP = &argc, as the
/// kernel left it) and at rt0_go's first instruction.
#[test]
fn rt0_386_hands_argc_and_argv_to_rt0_go() {
    let _g = graded();
    let g = Gdb::run(
        "globals",
        &["--json", "-json"],
        &[
            "starti",
            "printf \"KSP %#x\\n\", $esp",
            "break *runtime_rt0_go",
            "continue",
            "printf \"SP %#x\\n\", $esp",
            "printf \"ARGC %#x\\n\", *(unsigned *)$esp",
            "printf \"ARGV %#x\\n\", *(unsigned *)($esp + 4)",
            "printf \"A2 %s\\n\", *(char **)(*(unsigned *)($esp + 4) + 8)",
        ],
    );
    let ksp = g.get("KSP");
    assert_eq!(
        g.get("SP"),
        ksp - 8,
        "an 8-byte frame below the kernel's SP"
    );
    assert_eq!(g.get("ARGC"), 3, "argc at 0(SP)");
    assert_eq!(g.get("ARGV"), ksp + 4, "&argv[0] at 4(SP)");
    assert!(
        g.out.contains("\nA2 -json\n"),
        "argv[2] through 4(SP):\n{}",
        g.out
    );
    // The boot trace says the same.
    let line = trace_line("globals", Env::Unset, "boot: _rt0_386: ");
    assert!(
        line.starts_with("argc=1 argv=0x") && line.ends_with(": jumped to rt0_go"),
        "{line}"
    );
}

/// asm_386.s:104-109: g0's stack is the 64 KiB below rt0_go's aligned SP, less 104 bytes;
/// both guards start at lo. Seen when rt0_go first calls into Rust (setldt), before TLS.
#[test]
fn rt0_go_gives_g0_the_stack_below_sp() {
    let _g = graded();
    let stack = offset_of!(g, stack);
    let field = |name: &str, off: usize| {
        format!("printf \"{name} %#x\\n\", *(unsigned *)((char *)&runtime_g0 + {off})")
    };
    let g = Gdb::run(
        "rt0_go",
        &[],
        &[
            "break *runtime_rt0_go",
            "break runtime_setldt",
            "run",
            "printf \"ENTRY %#x\\n\", $esp",
            "continue",
            &field("LO", stack),
            &field("HI", stack + 4),
            &field("GUARD0", offset_of!(g, stackguard0)),
            &field("GUARD1", offset_of!(g, stackguard1)),
        ],
    );
    let (lo, hi) = (g.get("LO"), g.get("HI"));
    assert_eq!(
        hi,
        (g.get("ENTRY") - 128) & !15,
        "hi: rt0_go's SP, 16-byte aligned"
    );
    assert_eq!(hi - lo, 65536 - 104, "hi - lo");
    assert_eq!(g.get("GUARD0"), lo, "stackguard0");
    assert_eq!(g.get("GUARD1"), lo, "stackguard1");
}

/// asm_386.s:210-227 and sys_linux_386.s setldt: %gs selects a GDT entry whose base is
/// m0.tls[1]; the self-test stores 0x123 through %gs into m0.tls[0], then rt0_go stores &g0
/// there. gdb watches m0.tls[0]; the boot trace names the entry and the selector.
#[test]
fn rt0_go_sets_up_tls_and_tests_it_with_0x123() {
    let _g = graded();
    let tls0 = offset_of!(m, tls);
    let word = format!("*(unsigned *)((char *)&runtime_m0 + {tls0})");
    let g = Gdb::run(
        "rt0_go",
        &[],
        &[
            &format!("watch -l {word}"),
            "run",
            &format!("printf \"FIRST %#x\\n\", {word}"),
            "continue",
            &format!("printf \"SECOND %#x\\n\", {word}"),
            "printf \"G0 %#x\\n\", (unsigned)&runtime_g0",
        ],
    );
    assert_eq!(g.get("FIRST"), 0x123, "the self-test's store:\n{}", g.out);
    assert_eq!(g.get("SECOND"), g.get("G0"), "then &g0:\n{}", g.out);
    let line = trace_line(
        "rt0_go",
        Env::Unset,
        "boot: rt0_go: setldt: set_thread_area gave entry ",
    );
    let (entry, rest) = line.split_once(", GS=0x").expect("entry, GS=");
    let entry: u32 = entry.parse().unwrap();
    let (gs, rest) = rest.split_once(';').unwrap();
    assert_eq!(
        u32::from_str_radix(gs, 16).unwrap(),
        entry * 8 + 3,
        "GS = entry*8 + 3 (GDT, ring 3)"
    );
    assert!(
        rest.starts_with(" TLS self-test 0x123 ok; g=&g0 in m0.tls[0]"),
        "{line}"
    );
}

/// os_linux.go:233-315 sysargs/sysauxv: past argv and envp, the auxiliary vector gives the
/// page size, the random bytes and (natively) the vDSO's __kernel_vsyscall.
#[test]
fn args_reads_the_auxiliary_vector() {
    let _g = graded();
    let line = trace_line("rt0_go", Env::Unset, "boot: args: ");
    let pairs: u32 = line
        .strip_prefix("auxv: ")
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(pairs >= 10, "{line}");
    assert!(
        line.contains(" AT_PAGESZ=4096 AT_SECURE=false AT_RANDOM=0x"),
        "{line}"
    );
    if gmp_boot_book::emulated() {
        assert!(
            line.ends_with("; no AT_SYSINFO: system calls keep using int $0x80"),
            "{line}"
        );
    } else {
        assert!(
            line.ends_with(" (system calls now use __kernel_vsyscall)"),
            "{line}"
        );
    }
}

/// os_linux.go:97-122 getproccount: ncpu is the number of CPUs in the affinity mask, here
/// and pinned to one CPU with taskset.
#[test]
fn osinit_counts_the_cpus_of_the_affinity_mask() {
    let _g = graded();
    let line = trace_line("rt0_go", Env::Unset, "boot: osinit: ");
    assert!(
        line.starts_with(&format!("ncpu={} (sched_getaffinity)", ncpu())),
        "{line}"
    );
    let exe = gmp_boot_book::examples_dir("debug").join("rt0_go");
    let mut cmd = std::process::Command::new("taskset");
    cmd.args(["-c", "0"]);
    if let Some(r) = gmp_boot_book::runner() {
        cmd.args(r);
    }
    let out = cmd
        .arg(&exe)
        .env("BOOTTRACE", "1")
        .env_remove("GOMAXPROCS")
        .output()
        .expect("taskset (util-linux)");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("boot: osinit: ncpu=1 (sched_getaffinity)"),
        "pinned to CPU 0:\n{err}"
    );
}

/// proc.go:823-826: procs = ncpu, unless GOMAXPROCS is a valid positive int32 (atoi32).
/// The boot trace shows schedinit's choice before procresize makes the Ps.
#[test]
fn schedinit_chooses_procs_as_go() {
    let _g = graded();
    let n = ncpu();
    for (v, want) in [
        (None, n),
        (Some("1"), 1),
        (Some("5"), 5),
        (Some("33"), 33),
        (Some("0"), n),
        (Some("-1"), n),
        (Some("abc"), n),
        (Some("2147483648"), n),
        (Some(""), n),
        (Some("+4"), n),
        (Some("4 "), n),
    ] {
        let env = v.map_or(Env::Unset, Env::Set);
        let line = trace_line("schedinit", env, "boot: schedinit: procs=");
        assert!(
            line.starts_with(&format!("{want} (ncpu={n}, GOMAXPROCS")),
            "GOMAXPROCS={v:?}: procs={line}"
        );
    }
}

/// proc.go:272-280: when main.main returns, runtime.main exits the program with status 0.
#[test]
fn a_main_that_returns_exits_0_silently() {
    let _g = graded();
    let out = run("empty", &[], Env::Unset);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

/// asm_386.s:284-294 gogo: at runtime.main's first instruction SP is g1's sched.sp
/// (stack.hi - 20), [SP] is the return address goexit+1, DX the closure (&mainPC) and AX 0.
#[test]
fn gogo_enters_runtime_main_with_the_fake_call_frame() {
    let _g = graded();
    let hi = offset_of!(g, stack) + 4;
    let g = Gdb::run(
        "gogo",
        &[],
        &[
            "break *runtime_main",
            "run",
            "printf \"SP %#x\\n\", $esp",
            "printf \"RET %#x\\n\", *(unsigned *)$esp",
            "printf \"GOEXIT %#x\\n\", (unsigned)&runtime_goexit",
            "printf \"DX %#x\\n\", $edx",
            "printf \"MAINPC %#x\\n\", (unsigned)&runtime_mainPC",
            "printf \"AX %#x\\n\", $eax",
            &format!("printf \"HI %#x\\n\", *(unsigned *)(**(char ***)&runtime_allgs + {hi})"),
        ],
    );
    assert_eq!(g.get("HI") - g.get("SP"), 20, "g1.stack.hi - SP");
    assert_eq!(g.get("RET"), g.get("GOEXIT") + 1, "[SP] = goexit+1");
    assert_eq!(g.get("DX"), g.get("MAINPC"), "DX = &mainPC (the closure)");
    assert_eq!(g.get("AX"), 0, "AX (gobuf.ret)");
}
