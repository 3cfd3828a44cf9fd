//! Runs every chapter program of runtime-i386 (the real 32-bit runtime) and checks the
//! state it reports against what Go 1.22 does at the same point.

use gmp_boot_book::{chapters, ncpu, run, state, Env};
use serde_json::Value;

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned number: {v}"))
}
fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// GOMAXPROCS values and the number of Ps Go 1.22 makes for each (proc.go:823-826:
/// atoi32 must succeed and give n > 0, else ncpu).
fn gomaxprocs_cases() -> Vec<(Env<'static>, i64)> {
    let n = ncpu();
    vec![
        (Env::Unset, n),
        (Env::Set("1"), 1),
        (Env::Set("2"), 2),
        (Env::Set("5"), 5),
        (Env::Set("8"), 8),
        (Env::Set("33"), 33),
        (Env::Set("0"), n),
        (Env::Set("-1"), n),
        (Env::Set("abc"), n),
        (Env::Set("2147483648"), n),
        (Env::Set(""), n),
        (Env::Set("+4"), n),
        (Env::Set("4 "), n),
    ]
}

#[test]
fn every_chapter_program_boots_and_reports_its_stage() {
    let _g = gmp_boot_book::graded();
    for ch in chapters() {
        let s = state(ch, Env::Unset);
        assert_eq!(s["stage"], ch);
        let text = run(ch, &[], Env::Unset);
        assert!(text.status.success(), "{ch} text mode failed");
        let out = String::from_utf8(text.stdout).unwrap();
        assert!(out.starts_with(&format!("== {ch}: ")), "{ch}: {out}");
    }
}

#[test]
fn globals_are_zero_before_rt0_go_runs() {
    let _g = gmp_boot_book::graded();
    let s = state("globals", Env::Set("8"));
    assert_eq!(i(&s["gomaxprocs"]), 0);
    assert_eq!(i(&s["ncpu"]), 0);
    assert_eq!(s["sched"]["maxmcount"], 0);
    assert_eq!(s["g0"]["stack"]["hi"], 0);
    assert_eq!(s["allp"].as_array().unwrap().len(), 0);
    assert_eq!(s["allgs"].as_array().unwrap().len(), 0);
    assert_eq!(s["mainStarted"], false);
    let sizes: Vec<(String, u64)> = s["globals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap().to_string(), u(&g["size"])))
        .collect();
    for (name, size) in [
        ("runtime.m0", 1296),
        ("runtime.g0", 260),
        ("runtime.sched", 6712),
        ("runtime.allp", 12),
    ] {
        assert!(
            sizes.contains(&(name.to_string(), size)),
            "{name} should be {size} bytes: {sizes:?}"
        );
    }
}

#[test]
fn chapter_programs_refuse_unknown_arguments_like_go_flag() {
    let _g = gmp_boot_book::graded();
    for ch in ["globals", "schedinit", "mainpc"] {
        let out = run(ch, &["--jsn"], Env::Unset);
        assert_eq!(out.status.code(), Some(2), "{ch}");
        let err = String::from_utf8(out.stderr).unwrap();
        // Go's flag package names the flag with one dash, however many were given.
        assert!(
            err.starts_with("flag provided but not defined: -jsn\nUsage of "),
            "{err}"
        );
        assert!(out.stdout.is_empty(), "no state printed on bad input");
        let out = run(ch, &["extra"], Env::Unset);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("unexpected argument: \"extra\""));
    }
    let out = run("schedinit", &["-json"], Env::Set("3"));
    assert!(out.status.success());
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["gomaxprocs"], 3);
}

#[test]
fn rt0_386_sees_the_kernels_argument_block() {
    let _g = gmp_boot_book::graded();
    let out = run("rt0_386", &["--json", "-json"], Env::Unset);
    assert!(out.status.success());
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let k = &s["kernel"];
    assert_eq!(u(&k["argc"]), 3);
    assert_eq!(k["argv"][1], "--json");
    assert_eq!(k["argv"][2], "-json");
    assert!(k["argv"][0].as_str().unwrap().ends_with("rt0_386"));
    let auxv = k["auxv"].as_array().unwrap();
    let tag = |t: u64| auxv.iter().find(|p| p["tag"] == t).map(|p| u(&p["value"]));
    assert_eq!(tag(6), Some(4096), "AT_PAGESZ");
    assert!(tag(25).is_some(), "AT_RANDOM");
    // The kernel maps the vDSO and names __kernel_vsyscall in AT_SYSINFO; qemu-i386 has no
    // vDSO, and the runtime then stays on `int $0x80`.
    assert_eq!(
        tag(32).is_some(),
        !gmp_boot_book::emulated(),
        "AT_SYSINFO: __kernel_vsyscall (present natively, absent under qemu-i386)"
    );
}

#[test]
fn rt0_go_sets_up_g0_tls_and_reads_the_os() {
    let _g = gmp_boot_book::graded();
    let s = state("rt0_go", Env::Unset);
    let g0 = &s["g0"];
    let (lo, hi) = (u(&g0["stack"]["lo"]), u(&g0["stack"]["hi"]));
    // asm_386.s:104-109: lo = SP - 64 KiB + 104, guards = lo until mstart0.
    assert_eq!(hi - lo, 65536 - 104);
    assert_eq!(hi % 16, 0, "SP was 16-byte aligned");
    assert_eq!(u(&g0["stackguard0"]), lo);
    assert_eq!(u(&g0["stackguard1"]), lo);
    for (k, v) in s["links"].as_object().unwrap() {
        if k.starts_with("m0.g0") || k.starts_with("g0.m") {
            assert_eq!(v, true, "{k}");
        }
    }
    let g0addr = s["globals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "runtime.g0")
        .unwrap()["addr"]
        .clone();
    assert_eq!(s["g0tls"], g0addr, "m0.tls[0] holds &g0");
    assert_eq!(i(&s["ncpu"]), ncpu());
    assert_eq!(u(&s["physPageSize"]), 4096);
    let huge = u(&s["physHugePageSize"]);
    assert!(huge == 0 || huge.is_power_of_two());
    let want_huge = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size")
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok())
        .filter(|v| v.is_power_of_two())
        .unwrap_or(0);
    assert_eq!(huge, want_huge);
    assert_eq!(i(&s["gomaxprocs"]), 0, "schedinit has not run");
    assert_eq!(s["sched"]["maxmcount"], 0);
}

fn check_schedinit(s: &Value, want: i64) {
    assert_eq!(i(&s["gomaxprocs"]), want);
    assert_eq!(s["sched"]["maxmcount"], 10000);
    let allp = s["allp"].as_array().unwrap();
    assert_eq!(allp.len() as i64, want);
    assert_eq!(allp[0]["status"], "_Prunning");
    assert_eq!(allp[0]["m"], 0);
    assert_eq!(s["m0"]["p"], 0);
    assert_eq!(s["m0"]["id"], 0);
    for (k, v) in s["links"].as_object().unwrap() {
        assert_eq!(v, true, "{k}");
    }
    for pp in &allp[1..] {
        assert_eq!(pp["status"], "_Pidle");
        assert_eq!(pp["m"], Value::Null);
    }
    // The idle list: pushed from P(n-1) down to P1, so it reads P1, P2, ..., P(n-1).
    let mut order = vec![];
    let mut cur = s["sched"]["pidle"].clone();
    while !cur.is_null() {
        let id = i(&cur);
        order.push(id);
        cur = allp[id as usize]["link"].clone();
    }
    assert_eq!(order, (1..want).collect::<Vec<_>>());
    assert_eq!(i(&s["sched"]["npidle"]), want - 1);
}

#[test]
fn schedinit_honours_gomaxprocs_exactly_as_go() {
    let _g = gmp_boot_book::graded();
    for (env, want) in gomaxprocs_cases() {
        let s = state("schedinit", env);
        check_schedinit(&s, want);
        assert_eq!(s["allgs"].as_array().unwrap().len(), 0, "{env:?}");
    }
}

/// g1 as the chapters show it. `pc`: what g1.sched.pc names: runtime.main until it runs;
/// at main.main, runtime.systemstack_switch (runtime.main went to the system stack to start
/// sysmon, and systemstack leaves that pc behind, as Go's does).
fn check_g1(s: &Value, status: &str) {
    check_g1_at(s, status, "runtime.main")
}

/// g1.sched.pc at main.main: runtime.systemstack_switch, since runtime.main went to the
/// system stack for newm(sysmon); under qemu-i386, where the runtime starts no thread, it
/// never left runtime.main's first instruction.
fn g1_pc_at_main() -> &'static str {
    if gmp_boot_book::emulated() {
        "runtime.main"
    } else {
        "runtime.systemstack_switch"
    }
}

fn check_g1_at(s: &Value, status: &str, pc: &str) {
    let g = &s["allgs"][0];
    assert_eq!(s["allgs"].as_array().unwrap().len(), 1);
    assert_eq!(g["goid"], 1);
    assert_eq!(g["parentGoid"], 0);
    assert_eq!(g["status"], status);
    let (lo, hi) = (u(&g["stack"]["lo"]), u(&g["stack"]["hi"]));
    assert_eq!(
        u(&g["stackguard0"]) - lo,
        928,
        "stackguard0 = lo + stackGuard"
    );
    assert_eq!(hi % 4096, 0);
    assert_eq!(g["sched"]["pcSymbol"], pc);
    assert_eq!(g["startpc"], "runtime.main");
    assert_eq!(s["sched"]["goidgen"], 16);
    assert_eq!(s["allp"][0]["goidcache"], 2);
    assert_eq!(s["allp"][0]["goidcacheend"], 17);
}

#[test]
fn newproc_puts_main_goroutine_in_p0_runnext() {
    let _g = gmp_boot_book::graded();
    for (env, want) in [(Env::Unset, ncpu()), (Env::Set("8"), 8), (Env::Set("1"), 1)] {
        let s = state("newproc", env);
        check_schedinit(&s, want);
        check_g1(&s, "_Grunnable");
        let g = &s["allgs"][0];
        // gostartcall: 16 bytes of frame, then the return address goexit+1.
        assert_eq!(u(&g["stack"]["hi"]) - u(&g["sched"]["sp"]), 20);
        assert_eq!(g["returnSymbol"], "runtime.goexit+1");
        assert_eq!(s["allp"][0]["runnext"], 1);
        assert_eq!(s["allp"][0]["runq"].as_array().unwrap().len(), 0);
        assert_eq!(s["sched"]["runqsize"], 0);
        assert_eq!(s["mainStarted"], false);
        assert_eq!(s["m0"]["curg"], Value::Null);
        // g0's guards are still lo: mstart0 has not run.
        assert_eq!(s["g0"]["stackguard0"], s["g0"]["stack"]["lo"]);
    }
}

#[test]
fn mstart_schedules_g1_and_moves_g0s_guards() {
    let _g = gmp_boot_book::graded();
    let s = state("mstart", Env::Set("8"));
    check_schedinit(&s, 8);
    check_g1(&s, "_Grunning");
    let g0 = &s["g0"];
    let lo = u(&g0["stack"]["lo"]);
    assert_eq!(u(&g0["stackguard0"]) - lo, 928);
    assert_eq!(u(&g0["stackguard1"]) - lo, 928);
    assert!(
        g0["sched"]["pcSymbol"]
            .as_str()
            .unwrap()
            .starts_with("runtime.mstart0+"),
        "{}",
        g0["sched"]
    );
    let sp = u(&g0["sched"]["sp"]);
    assert!(sp > lo && sp < u(&g0["stack"]["hi"]));
    assert_eq!(s["m0"]["curg"], 1);
    assert_eq!(s["allp"][0]["runnext"], Value::Null, "runqget took runnext");
    assert_eq!(
        s["allp"][0]["schedtick"], 0,
        "inheritTime: schedtick not incremented"
    );
    assert_eq!(
        u(&s["allgs"][0]["stack"]["hi"]) - u(&s["allgs"][0]["sched"]["sp"]),
        20
    );
}

#[test]
fn gogo_lands_in_runtime_main_with_sched_cleared() {
    let _g = gmp_boot_book::graded();
    let s = state("gogo", Env::Unset);
    check_g1(&s, "_Grunning");
    assert_eq!(s["allgs"][0]["sched"]["sp"], 0, "gogo clears sched.sp");
    assert_eq!(s["allgs"][0]["returnSymbol"], Value::Null);
    assert_eq!(s["mainStarted"], false);
    assert_eq!(s["m0"]["curg"], 1);
}

#[test]
fn main_main_runs_after_runtime_main_sets_main_started() {
    let _g = gmp_boot_book::graded();
    let s = state("mainpc", Env::Set("33"));
    check_schedinit(&s, 33);
    check_g1_at(&s, "_Grunning", g1_pc_at_main());
    assert_eq!(s["mainStarted"], true);
}

#[test]
fn boot_trace_prints_every_step_in_order() {
    let _g = gmp_boot_book::graded();
    let out = run("mainpc", &[], Env::Set("4")).stderr;
    assert!(out.is_empty(), "no trace without BOOTTRACE");
    let out =
        gmp_boot_book::run_profile("debug", "mainpc", &[], Env::Set("4"), &[("BOOTTRACE", "1")]);
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    let steps = [
        "boot: _rt0_386:",
        "boot: rt0_go: SP aligned",
        "boot: rt0_go: CPUID",
        "boot: rt0_go: setldt",
        "boot: check: ok",
        "boot: args:",
        "boot: osinit:",
        "boot: schedinit: sched.maxmcount=10000",
        "boot: schedinit: mcommoninit",
        "boot: schedinit: procs=4",
        "boot: procresize: 4 Ps",
        "boot: newproc1: g1",
        "boot: mstart0:",
        "boot: mstart1:",
        "boot: minit:",
        "boot: mstartm0:",
        "boot: execute: g1",
        "boot: runtime.main:",
    ];
    let mut at = 0;
    for step in steps {
        let found = err[at..]
            .find(step)
            .unwrap_or_else(|| panic!("missing or out of order: {step}\n{err}"));
        at += found + step.len();
    }
}

#[test]
fn ten_thousand_goroutines_all_run_and_are_recycled() {
    let _g = gmp_boot_book::graded();
    // With one P and no preemption, main creates all 10,000 before any runs: 10,001 gs,
    // reused by a second wave; with more Ps, other Ms steal and run them meanwhile, and only
    // the sum is certain.
    for n in ["2", "8"] {
        let out = run("goroutines", &[], Env::Set(n));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "GOMAXPROCS={n}: {text}");
        assert!(
            text.contains("goroutines: 10000 ran, sum 50005000 (want 50005000)"),
            "GOMAXPROCS={n}: {text}"
        );
    }
    // GODEBUG=asyncpreemptoff=1, as in Go: sysmon does not preempt main while it creates.
    let out = gmp_boot_book::run_profile(
        "debug",
        "goroutines",
        &[],
        Env::Set("1"),
        &[("GODEBUG", "asyncpreemptoff=1")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("goroutines: 10000 ran, sum 50005000 (want 50005000)"),
        "{text}"
    );
    assert!(text.contains("10001 gs allocated"), "{text}");
    assert!(
        text.contains("second wave: 100 goroutines, allgs grew by 0"),
        "{text}"
    );
}

#[test]
fn stack_overflow_is_a_fatal_error_naming_the_goroutine() {
    let _g = gmp_boot_book::graded();
    for (args, goid) in [(&[][..], 2), (&["main"][..], 1)] {
        let out = run("stackoverflow", args, Env::Unset);
        assert_eq!(
            out.status.code(),
            Some(2),
            "exit status 2 as Go's fatal errors"
        );
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("runtime: goroutine stack exceeds 65536-byte limit"),
            "{err}"
        );
        assert!(err.contains("fatal error: stack overflow"), "{err}");
        assert!(
            err.contains(&format!("goroutine {goid} [running]:")),
            "{err}"
        );
    }
}

#[test]
fn release_build_boots_runs_goroutines_and_reports_overflow() {
    let _g = gmp_boot_book::graded();
    use gmp_boot_book::run_profile;
    let out = run_profile("release", "mainpc", &["--json"], Env::Set("8"), &[]);
    assert!(out.status.success());
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_schedinit(&s, 8);
    check_g1_at(&s, "_Grunning", g1_pc_at_main());
    let out = run_profile("release", "goroutines", &[], Env::Unset, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("goroutines: 10000 ran, sum 50005000"));
    let out = run_profile("release", "stackoverflow", &[], Env::Unset, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("fatal error: stack overflow\n\ngoroutine 2 [running]:"));
    let out = run_profile("release", "empty", &[], Env::Unset, &[]);
    assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn running_out_of_memory_is_a_fatal_error_not_corruption() {
    let _g = gmp_boot_book::graded();
    // 10,000 goroutine stacks need ~680 MB of address space; allow 100 MB. The failing
    // mmap2 must be reported as Go reports running out of memory (mheap.go:1487,
    // mcache.go:236), with exit status 2.
    // Under qemu-i386 the limit is the guest's reserved address space (qemu reserves 4 GiB
    // of host address space for any guest, so a ulimit would only stop qemu itself).
    let exe = gmp_boot_book::examples_dir("debug").join("goroutines");
    let out = match gmp_boot_book::runner() {
        Some(r) => std::process::Command::new(&r[0])
            .args(&r[1..])
            .args(["-R", "100M"])
            .arg(&exe)
            .output(),
        None => std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 102400 && exec \"$0\"")
            .arg(&exe)
            .env("GOMAXPROCS", "1")
            .env("GODEBUG", "asyncpreemptoff=1")
            .output(),
    }
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("runtime: out of memory: cannot allocate 69632-byte block ("),
        "{err}"
    );
    assert!(
        err.contains(" in use)\nfatal error: out of memory\n"),
        "{err}"
    );
    assert!(err.contains("goroutine 1 [running]:"), "{err}");
}

/// `BOOTTRACE=json`: the boot's steps, one JSON object each with the state after it (the
/// book's boot stepper). The same steps as the text trace, in order, each pointing at the
/// line of our source that traced it and at Go's source.
#[test]
fn boot_steps_as_json_carry_the_state_after_each_step() {
    let _g = gmp_boot_book::graded();
    let text =
        gmp_boot_book::run_profile("debug", "mainpc", &[], Env::Set("4"), &[("BOOTTRACE", "1")]);
    let json = gmp_boot_book::run_profile(
        "debug",
        "mainpc",
        &[],
        Env::Set("4"),
        &[("BOOTTRACE", "json")],
    );
    assert!(json.status.success());
    let steps: Vec<Value> = String::from_utf8(json.stderr)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let names: Vec<String> = String::from_utf8(text.stderr)
        .unwrap()
        .lines()
        .filter_map(|l| {
            l.strip_prefix("boot: ")?
                .split(": ")
                .next()
                .map(String::from)
        })
        .collect();
    assert_eq!(
        steps
            .iter()
            .map(|s| s["where"].as_str().unwrap())
            .collect::<Vec<_>>(),
        names
    );
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(u(&s["step"]), i as u64 + 1);
        let (file, line) = s["src"].as_str().unwrap().split_once(':').unwrap();
        let src =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
                .unwrap();
        let at = src.lines().nth(line.parse::<usize>().unwrap() - 1).unwrap();
        assert!(at.contains("boottrace!"), "{}: {at}", s["src"]);
        assert!(
            s["go"].as_str().unwrap().contains(".go:") || s["go"].as_str().unwrap().contains(".s:"),
            "{s}"
        );
    }
    let at = |w: &str| steps.iter().find(|s| s["where"] == w).unwrap();
    assert_eq!(at("_rt0_386")["state"]["gomaxprocs"], 0);
    assert_eq!(
        at("procresize")["state"]["allp"].as_array().unwrap().len(),
        4
    );
    assert_eq!(
        at("newproc1")["state"]["allgs"].as_array().unwrap().len(),
        1
    );
    assert_eq!(at("runtime.main")["state"]["mainStarted"], true);
}
