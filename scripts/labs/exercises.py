"""The classroom exercises of the book: what the student writes, the starter stubs, and the
graded tests.

Each exercise is one or more regions of the runtime's real source, marked

    // EXERCISE(name) BEGIN            or  // EXERCISE(name:part) BEGIN
    // ANCHOR: ex_name                     // ANCHOR: ex_name_part
    ... the reference solution: the runtime's own code ...
    // ANCHOR_END: ex_name
    // EXERCISE(name) END

The reference solution is never copied anywhere: `lab.py exercise NAME` replaces each region
with the stub below (its instructions as a comment, then code that compiles and stops with
"fatal error: exercise NAME: not implemented"), and the book includes the region through its
ANCHOR (mdBook drops ANCHOR lines from its output).

A test is (points, title, check). A check takes the grading context `ctx` (lab.py's Context)
and raises Fail with a short reason when the student's runtime does not behave as Go 1.22's.
An exercise's tests add up to 95 points; lab.py adds 5 for "the rest of the runtime is
unchanged". The exercises' `points` add up to 100: the weight of each in `make grade`.
"""

import re


class Fail(Exception):
    """A graded test failed; the message says why, in one or a few lines."""


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def eq(got, want, what):
    if got != want:
        raise Fail(f"{what}: got {got!r}, want {want!r}")


class Test:
    def __init__(self, points, title, check, unit=None, gdb=False):
        self.points = points
        self.title = title
        self.check = check
        self.unit = unit  # the name of a unit test of runtime-i386, if that is what it runs
        self.gdb = gdb  # uses gdb: not checked (points given) where gdb cannot run


def unit(points, name):
    """One unit test of runtime-i386 (src/tests/), run on its own."""
    return Test(points, f"unit test {name}", lambda ctx: ctx.unit(name), unit=name)


class Exercise:
    def __init__(self, name, chapter, points, title, summary, stubs, tests):
        self.name = name
        self.chapter = chapter
        self.points = points
        self.title = title
        self.summary = summary  # one paragraph: what the student writes
        self.stubs = stubs  # region part ("" for a single region) -> stub text
        self.tests = tests


# --- expectations shared by several exercises (the same as tests/chapters.rs) -------------


def check_schedinit(s, want):
    """schedinit's state for `want` Ps: P0 running on m0, P1..P(n-1) idle, in that order."""
    eq(s["gomaxprocs"], want, "gomaxprocs")
    eq(s["sched"]["maxmcount"], 10000, "sched.maxmcount")
    allp = s["allp"]
    eq(len(allp), want, "len(allp)")
    eq([pp["id"] for pp in allp], list(range(want)), "allp[i].id")
    eq(allp[0]["status"], "_Prunning", "allp[0].status")
    eq(allp[0]["m"], 0, "allp[0].m (m0's id)")
    eq(s["m0"]["p"], 0, "m0.p")
    for k, v in s["links"].items():
        expect(v is True, f"{k} is false")
    for pp in allp[1:]:
        eq(pp["status"], "_Pidle", f"P{pp['id']}.status")
        eq(pp["m"], None, f"P{pp['id']}.m")
    order, cur = [], s["sched"]["pidle"]
    while cur is not None and len(order) <= want:
        order.append(cur)
        cur = allp[cur]["link"] if 0 <= cur < len(allp) else None
    eq(order, list(range(1, want)), "the idle list sched.pidle -> link -> ...")
    eq(s["sched"]["npidle"], want - 1, "sched.npidle")


def check_g1(s, status):
    """g1, the main goroutine: goid 1, parent 0, a standard stack, runtime.main."""
    gs = s["allgs"]
    eq(len(gs), 1, "len(allgs)")
    g = gs[0]
    eq(g["goid"], 1, "g1.goid")
    eq(g["parentGoid"], 0, "g1.parentGoid")
    eq(g["status"], status, "g1.status")
    lo, hi = g["stack"]["lo"], g["stack"]["hi"]
    eq(g["stackguard0"] - lo, 928, "g1.stackguard0 - stack.lo (stackGuard)")
    eq(hi % 4096, 0, "g1.stack.hi % 4096")
    eq(g["sched"]["pcSymbol"], "runtime.main", "g1.sched.pc")
    eq(g["startpc"], "runtime.main", "g1.startpc")
    eq(s["sched"]["goidgen"], 16, "sched.goidgen")
    eq(s["allp"][0]["goidcache"], 2, "P0.goidcache")
    eq(s["allp"][0]["goidcacheend"], 17, "P0.goidcacheend")


def check_frame(s):
    """newproc1 + gostartcall: 16 bytes of frame, then the return address goexit+1."""
    g = s["allgs"][0]
    eq(g["stack"]["hi"] - g["sched"]["sp"], 20, "g1: stack.hi - sched.sp")
    eq(g["returnSymbol"], "runtime.goexit+1", "g1: the word at sched.sp")
    eq(g["sched"]["pcSymbol"], "runtime.main", "g1.sched.pc")
    eq(g["startpc"], "runtime.main", "g1.startpc")
    eq(g["parentGoid"], 0, "g1.parentGoid")


def boots_to_main(gomaxprocs):
    def check(ctx):
        s = ctx.state("mainpc", gomaxprocs)
        eq(s["stage"], "mainpc", "stage")
        check_schedinit(s, int(gomaxprocs))
        check_g1(s, "_Grunning")
        eq(s["mainStarted"], True, "mainStarted")

    return Test(0, f"the boot reaches main.main (GOMAXPROCS={gomaxprocs})", check)


def pts(points, test):
    test.points = points
    return test


def goroutines_first_wave(ctx):
    out = ctx.output("goroutines")
    expect(
        "goroutines: 10000 ran, sum 50005000 (want 50005000)" in out,
        f"10,000 goroutines did not all run: {out.strip()[:200]!r}",
    )
    expect("10001 gs allocated" in out, f"allgs should hold 10001 gs: {out.strip()[:200]!r}")


def goroutines_second_wave(ctx):
    out = ctx.output("goroutines")
    expect(
        "second wave: 100 goroutines, allgs grew by 0" in out,
        f"the second wave should reuse dead gs (gfput/gfget): {out.strip()[-200:]!r}",
    )


def trace_has(*patterns):
    """The boot trace (BOOTTRACE=1, mainpc, GOMAXPROCS=4) has lines matching these
    regular expressions, in this order."""

    def check(ctx):
        text = ctx.trace("4")
        at = 0
        for p in patterns:
            m = re.compile(p, re.M).search(text, at)
            expect(m, f"the boot trace has no line matching {p!r} (after position {at})")
            at = m.end()

    return check


def ncpu_cases(ctx):
    n = ctx.ncpu
    return [
        (None, n), ("1", 1), ("2", 2), ("5", 5), ("8", 8), ("33", 33), ("0", n), ("-1", n),
        ("abc", n), ("2147483648", n), ("", n), ("+4", n), ("4 ", n),
    ]


def gomaxprocs_group(values):
    def check(ctx):
        for env, want in ncpu_cases(ctx):
            if env in values:
                s = ctx.state("schedinit", env)
                expect(
                    s["gomaxprocs"] == want,
                    f"GOMAXPROCS={env!r}: {s['gomaxprocs']} Ps, Go 1.22 makes {want}",
                )
                check_schedinit(s, want)

    return check


# --- the asm stubs' way of stopping: write the message, exit(2), like throw --------------


def asm_stop(key):
    name = key.split(":")[0]
    msg = f"fatal error: exercise {name}: not implemented\\n"
    n = len(msg) - 1  # "\\n" is one byte
    label = ".Lexercise_" + key.replace(":", "_") + "_msg"
    return f"""\
andl	$~15, %esp		// not written yet: say so, then exit(2) like throw
subl	$4, %esp
pushl	${n}
LEA_GLOBAL({label}, %eax)
pushl	%eax
pushl	$2
call	runtime_write
movl	$2, 0(%esp)
call	runtime_exit
.section .rodata
{label}:
.ascii	"{msg}"
.text"""


# --- the exercises ------------------------------------------------------------------------

EXERCISES = [
    # ---------------------------------------------------------------- globals
    Exercise(
        "slice", "globals", 3, "A Go slice header as a Rust slice",
        "Write `Slice::as_slice` (globals.rs): `allp` and `allgs` are Go slices, a header "
        "{array, len, cap}; the runtime and the chapter programs read them as Rust slices.",
        {"": """\
// TODO(exercise slice): return the `len` elements that start at `array` as a
// Rust slice. A nil slice (array null, len 0) must give an empty slice:
// core::slice::from_raw_parts wants a non-null pointer even for length 0.
crate::print::throw("exercise slice: not implemented")"""},
        [
            Test(20, "globals: allp and allgs are nil slices before rt0_go",
                 lambda ctx: (lambda s: (eq(s["allp"], [], "allp"), eq(s["allgs"], [], "allgs")))(
                     ctx.state("globals", "8"))),
            Test(25, "schedinit (GOMAXPROCS=5): allp lists P0..P4",
                 lambda ctx: check_schedinit(ctx.state("schedinit", "5"), 5)),
            pts(20, boots_to_main("3")),
            Test(15, "goroutines: allgs counts 10001 gs", goroutines_first_wave),
            unit(10, "tests::layout::slice_header"),
            unit(5, "tests::procresize::procresize_from_fresh_state"),
        ],
    ),
    Exercise(
        "allgadd", "globals", 5, "allgs = append(allgs, gp)",
        "Write `allgadd` (newproc.rs): append a new g to the global slice `allgs`, growing "
        "its backing array the way Go's `append` does.",
        {"": """\
// TODO(exercise allgadd): append gp to the global slice runtime_allgs, as Go's
// `allgs = append(allgs, gp)`. When len == cap, allocate a bigger backing
// array with malloc::persistentalloc (64 pointers the first time, then twice
// the capacity), copy the old pointers over (the old array is not freed: we
// have no GC), and keep the new array and capacity. Then store gp at index
// len and count it.
let _ = gp;
crate::print::throw("exercise allgadd: not implemented");"""},
        [
            Test(25, "newproc (GOMAXPROCS=8): allgs holds g1",
                 lambda ctx: check_g1(ctx.state("newproc", "8"), "_Grunnable")),
            Test(25, "goroutines: 10,000 goroutines, allgs grows to 10001", goroutines_first_wave),
            Test(15, "goroutines: dead gs are reused, allgs does not grow", goroutines_second_wave),
            unit(20, "tests::newproc::allgadd_appends_and_grows"),
            unit(10, "tests::newproc::newproc1_first_goroutine"),
        ],
    ),
    # ---------------------------------------------------------------- rt0_386
    Exercise(
        "rt0_386", "rt0_386", 5, "_rt0_386 in assembly",
        "Write `_rt0_386` (asm_386.S): hand the kernel's argc and argv to rt0_go in a frame "
        "of 8 bytes, and jump.",
        {"": """\
// TODO(exercise rt0_386): the kernel left argc at 0(SP) and argv[0], argv[1],
// ... right above it. Make an 8-byte frame, store argc in its first word and
// the address of argv[0] in its second, and jump (do not call) to
// runtime_rt0_go, which reads them at 0(SP) and 4(SP).
""" + asm_stop("rt0_386")},
        [
            Test(15, "globals: the program reaches rt0_go",
                 lambda ctx: eq(ctx.state("globals", "8")["stage"], "globals", "stage")),
            Test(25, "rt0_386: argc, argv and auxv as the kernel left them", lambda ctx: check_kernel(ctx)),
            Test(15, "the environment after argv is found (GOMAXPROCS=5 makes 5 Ps)",
                 lambda ctx: check_schedinit(ctx.state("schedinit", "5"), 5)),
            Test(15, "a bad flag is refused like Go's flag package (argv[1])", lambda ctx: check_flag(ctx)),
            pts(15, boots_to_main("2")),
            Test(10, "boot trace: _rt0_386 passes argc=1 and argv",
                 trace_has(r"^boot: _rt0_386: argc=1 argv=0x[0-9a-f]+: jumped to rt0_go$")),
        ],
    ),
    Exercise(
        "sysargs", "rt0_386", 6, "Find the auxiliary vector and read it",
        "Write `sysargs` and the loop of `sysauxv` (os_linux.rs): walk past argv and envp to "
        "the auxiliary vector and keep what the runtime needs from it.",
        {
            "sysargs": """\
// TODO(exercise sysargs, part 1 of 2): argv[0..argc] is followed by a NULL
// word, then envp[] and another NULL word, then the auxiliary vector:
// (tag, value) pairs ending with the tag _AT_NULL. Find it (argv_index reads
// one word of argv) and hand sysauxv all of its words, the final
// (_AT_NULL, value) pair included. Keep sysauxv's result in `pairs`.
let _ = (argc, argv);
let pairs: usize = if true {
    crate::print::throw("exercise sysargs: sysargs not implemented")
} else {
    0
};""",
            "sysauxv": """\
// TODO(exercise sysargs, part 2 of 2): read auxv's (tag, value) pairs up to
// the tag _AT_NULL (or the end of the slice), leaving in `i` twice their
// number. Keep _AT_RANDOM in startupRand, _AT_PAGESZ in runtime_physPageSize,
// _AT_SECURE (secure if the value is 1) in secureMode, _AT_SYSINFO_EHDR in
// vdsoEhdr and _AT_SYSINFO (__kernel_vsyscall) in runtime_vdsoSysinfo: from
// then on, system calls go through it.
let _ = auxv;
let i: usize = if true {
    crate::print::throw("exercise sysargs: sysauxv not implemented")
} else {
    0
};""",
        },
        [
            Test(20, "rt0_go: physPageSize is the kernel's 4096",
                 lambda ctx: eq(ctx.state("rt0_go")["physPageSize"], 4096, "physPageSize")),
            Test(15, "boot trace: args read AT_PAGESZ, AT_RANDOM and AT_SYSINFO",
                 lambda ctx: check_auxv_trace(ctx)),
            pts(15, boots_to_main("4")),
            unit(10, "tests::osinit::sysauxv_synthetic_vector"),
            unit(10, "tests::osinit::sysauxv_secure_unknown_tags_and_stop_at_null"),
            unit(5, "tests::osinit::sysauxv_real_vector_without_sysinfo"),
            unit(10, "tests::osinit::args_walks_past_argv_and_envp_to_auxv"),
            unit(10, "tests::osinit::sysargs_with_no_arguments_and_no_environment"),
        ],
    ),
    # ---------------------------------------------------------------- rt0_go
    Exercise(
        "g0_stack", "rt0_go", 5, "g0's stack bounds, in assembly",
        "Write the instructions of rt0_go (asm_386.S) that describe g0's stack: the 64 KiB "
        "below SP, less 104 bytes, with both guards at its bottom.",
        {"": """\
// TODO(exercise g0_stack): describe g0's stack in runtime_g0 (LEA_GLOBAL, and
// the offsets g_stack_lo, g_stack_hi, g_stackguard0, g_stackguard1 that
// go_asm.h's users get from globals.rs): hi is the current SP, lo is
// 64 KiB - 104 bytes below it, and both stack guards equal lo (mstart0 moves
// them up later). Any register but %esp may be used.
""" + asm_stop("g0_stack")},
        [
            Test(35, "rt0_go: g0.stack is [SP-65432, SP), 16-byte aligned, guards at lo",
                 lambda ctx: check_g0_stack(ctx.state("rt0_go"))),
            Test(15, "boot trace: check() finds g0's 65432-byte stack",
                 trace_has(r"^boot: rt0_go: SP aligned to 16; g0\.stack=\[0x[0-9a-f]+, 0x[0-9a-f]+\) \(65432 bytes\), stackguard0=lo$")),
            Test(25, "mstart (GOMAXPROCS=8): mstart0 raised g0's guards to lo+928",
                 lambda ctx: check_g0_mstart(ctx.state("mstart", "8"))),
            pts(20, boots_to_main("8")),
        ],
    ),
    Exercise(
        "tls", "rt0_go", 8, "TLS: setldt and the 0x123 self-test",
        "Write `setldt` (rt0_go.rs: %gs through set_thread_area) and, in rt0_go "
        "(asm_386.S), the TLS self-test and the links between m0 and g0.",
        {
            "setldt": """\
// TODO(exercise tls, part 1 of 2): make %gs address m0.tls[1].
// - base is &m.tls[0]; the segment starts at base + 4 (tls[1]), and the
//   word there must hold its own address (as an ELF TLS block does).
// - Ask the kernel for a GDT entry: syscall_int80(SYS_set_thread_area, ...)
//   with a pointer to a user_desc whose entry_number is
//   runtime_tls_entry_number (-1 the first time: the kernel picks an entry
//   and writes it back into the user_desc; keep it), whose base_addr is the
//   segment's start, limit 0xfffff (in pages) and flags
//   SEG_32BIT | LIMIT_IN_PAGES | USEABLE. A failure is fatal: say the errno.
// - Load %gs with the selector entry*8 + 3 (GDT, ring 3), with
//   x86::segmentation::load_gs, and set tlsReady.
// (Until then the compiler warns that user_desc and its flags are unused.)
let _ = base;
crate::print::throw("exercise tls: setldt not implemented");""",
            "selftest": """\
// TODO(exercise tls, part 2 of 2): check that TLS works, then link m0 and g0
// (asm_386.s:210-227).
// - Store $0x123 in g's TLS slot through %gs (get_tls and g() in go_asm.h),
//   read m0.tls[0] back (LEA_GLOBAL, m_tls) and fault on purpose (store to
//   address 0) if it is not 0x123.
// - Then g = &g0 in TLS, m0.g0 = &g0 and g0.m = &m0 (offsets m_g0, g_m).
""" + asm_stop("tls:selftest"),
        },
        [
            Test(25, "rt0_go: m0.tls[0] holds &g0; m0.g0 and g0.m are linked",
                 lambda ctx: check_tls_links(ctx.state("rt0_go"))),
            Test(15, "boot trace: %gs selects the GDT entry set_thread_area gave (entry*8+3)",
                 lambda ctx: check_tls_trace(ctx)),
            Test(20, "gdb: rt0_go stores 0x123 in m0.tls[0] through %gs, then &g0",
                 lambda ctx: check_tls_gdb(ctx), gdb=True),
            pts(15, boots_to_main("2")),
            Test(20, "goroutines: getg() through %gs across 10,000 goroutines", goroutines_first_wave),
        ],
    ),
    Exercise(
        "getproccount", "rt0_go", 3, "getproccount: how many CPUs",
        "Write `getproccount` (os_linux.rs): count the CPUs of the process's affinity mask, "
        "as osinit does for `ncpu`.",
        {"": """\
// TODO(exercise getproccount): the number of CPUs this process may run on.
// sched_getaffinity(0, buf) fills buf with the affinity mask, a bit per CPU;
// use a buffer of 64*1024/8 bytes (Go's maxCPUs is 64 Ki) and count the set
// bits of the bytes the kernel says it wrote (its result; negative is
// -errno). A failure, or no bit set, gives 1.
crate::print::throw("exercise getproccount: not implemented")"""},
        [
            Test(30, "rt0_go: ncpu is the number of CPUs in the affinity mask",
                 lambda ctx: eq(ctx.state("rt0_go")["ncpu"], ctx.ncpu, "ncpu")),
            Test(25, "rt0_go pinned to one CPU: ncpu is 1",
                 lambda ctx: eq(ctx.state("rt0_go", affinity=1)["ncpu"], 1, "ncpu with a one-CPU mask")),
            Test(20, "schedinit without GOMAXPROCS makes ncpu Ps",
                 lambda ctx: check_schedinit(ctx.state("schedinit"), ctx.ncpu)),
            unit(10, "tests::osinit::getproccount_counts_the_affinity_mask"),
            unit(10, "tests::osinit::osinit_sets_ncpu_and_huge_page_size"),
        ],
    ),
    # ---------------------------------------------------------------- schedinit
    Exercise(
        "gomaxprocs", "schedinit", 7, "GOMAXPROCS, parsed as Go 1.22 parses it",
        "Write `atoi64`, `atoi32` and `gomaxprocs_from_env` (schedinit.rs): Go's string "
        "conversions of string.go and the rule of proc.go:823-826.",
        {
            "atoi64": """\
// TODO(exercise gomaxprocs, part 1 of 3): Go's atoi64 (string.go:360-402): an
// optional '-', then decimal digits and nothing else (no '+', no spaces); an
// empty s is not a number. None if s is anything else or if the value does
// not fit in an int64 (so -9223372036854775808 does). In Go 1.22 a lone "-"
// gives Some(0).
let _ = s;
crate::print::throw("exercise gomaxprocs: atoi64 not implemented")""",
            "atoi32": """\
// TODO(exercise gomaxprocs, part 2 of 3): atoi64, and the value must fit in an
// int32.
let _ = s;
crate::print::throw("exercise gomaxprocs: atoi32 not implemented")""",
            "env": """\
// TODO(exercise gomaxprocs, part 3 of 3): proc.go:823-826: the value of
// $GOMAXPROCS if atoi32 accepts it and it is > 0; else (unset too) ncpu.
let _ = (ncpu, env);
crate::print::throw("exercise gomaxprocs: gomaxprocs_from_env not implemented")""",
        },
        [
            Test(20, "GOMAXPROCS=1, 2, 5, 8, 33 make that many Ps", gomaxprocs_group({"1", "2", "5", "8", "33"})),
            Test(10, "GOMAXPROCS unset or empty: ncpu Ps", gomaxprocs_group({None, ""})),
            Test(10, "GOMAXPROCS=0 or -1: ncpu Ps", gomaxprocs_group({"0", "-1"})),
            Test(10, "GOMAXPROCS=abc, +4, '4 ' or 2147483648: ncpu Ps",
                 gomaxprocs_group({"abc", "+4", "4 ", "2147483648"})),
            unit(10, "tests::strconv::atoi64_accepts_optional_minus_and_digits"),
            unit(10, "tests::strconv::atoi64_rejects_non_numbers_and_overflow"),
            unit(5, "tests::strconv::atoi64_lone_minus_is_zero_like_go"),
            unit(10, "tests::strconv::atoi32_range"),
            unit(5, "tests::strconv::gomaxprocs_from_env_falls_back_to_ncpu"),
            unit(5, "tests::strconv::parse_huge_page_size"),
        ],
    ),
    Exercise(
        "procresize", "schedinit", 7, "procresize's P0 and idle list",
        "Write the second half of `procresize` and `pidleput` (schedinit.rs): m0 gets P0, "
        "every other P goes on the idle list `sched.pidle`, P1 first.",
        {
            "idle": """\
// TODO(exercise procresize, part 1 of 2): give the current M (getg().m) a P
// and make every other P idle.
// - If the M's P is still one of the nprocs, keep it: status _Prunning.
//   Otherwise detach it (its m and the M's p become nil), make allp[0] idle
//   (m nil, status _Pidle) and acquirep(allp[0]).
// - Then, from the highest id down to 0, every P but the M's becomes _Pidle
//   and goes on sched.pidle (pidleput) if its run queue is empty; a P with
//   work goes instead on the list runnablePs (through p.link, m nil), which
//   procresize returns. Walking down leaves P1 at the head: P1 -> ... -> P(n-1).
let runnablePs: *mut p = core::ptr::null_mut();
if true {
    throw("exercise procresize: not implemented");
}""",
            "pidleput": """\
// TODO(exercise procresize, part 2 of 2): pidleput. A P with local work
// (runqempty is false) must not go idle: throw. Clear its bit in
// runtime_timerpMask (it has no timers), set it in runtime_idlepMask, push it
// on the head of sched.pidle (through p.link) and count it in sched.npidle.
let _ = pp;
throw("exercise procresize: pidleput not implemented");""",
        },
        [
            Test(10, "GOMAXPROCS=1: P0 on m0, no idle P", lambda ctx: check_schedinit(ctx.state("schedinit", "1"), 1)),
            Test(10, "GOMAXPROCS=2: idle list P1", lambda ctx: check_schedinit(ctx.state("schedinit", "2"), 2)),
            Test(10, "GOMAXPROCS=8: idle list P1..P7", lambda ctx: check_schedinit(ctx.state("schedinit", "8"), 8)),
            Test(10, "GOMAXPROCS=33: idle list P1..P32 (two mask words)",
                 lambda ctx: check_schedinit(ctx.state("schedinit", "33"), 33)),
            Test(10, "boot trace: procresize leaves 3 idle Ps (GOMAXPROCS=4)",
                 trace_has(r"^boot: procresize: 4 Ps: P0 _Prunning on m0, idle list P1\.\.P3 \(npidle=3\)$")),
            unit(10, "tests::procresize::procresize_from_fresh_state"),
            unit(10, "tests::procresize::pidleput_pushes_on_head"),
            unit(5, "tests::procresize::procresize_timerpmask_only_running_p"),
            unit(10, "tests::procresize::procresize_grows_keeping_old_ps"),
            unit(10, "tests::procresize::procresize_returns_ps_with_local_work"),
        ],
    ),
    # ---------------------------------------------------------------- newproc
    Exercise(
        "goidcache", "newproc", 5, "Goroutine ids from the P's cache",
        "Write the goid allocation of `newproc1` (newproc.rs): each P takes ids from "
        "`sched.goidgen` 16 at a time.",
        {"": """\
// TODO(exercise goidcache): give newg its goid from pp's cache. When the cache
// is used up (goidcache == goidcacheend), take the next batch of
// _GoidCacheBatch ids from sched.goidgen, the last id handed out so far: the
// batch is goidgen+1 ..= goidgen+_GoidCacheBatch. Then newg gets the cache's
// next id, and the cache moves on. The first goroutine gets goid 1.
if true {
    crate::print::throw("exercise goidcache: not implemented");
}"""},
        [
            Test(25, "newproc (GOMAXPROCS=8): g1 has goid 1; goidgen 16, cache 2..17",
                 lambda ctx: check_g1(ctx.state("newproc", "8"), "_Grunnable")),
            Test(10, "boot trace: newproc1 made g1 and left the cache at 2..17",
                 trace_has(r"^boot: newproc1: g1 \(parent g0\) .* goidcache 2\.\.17$")),
            Test(15, "goroutines: 10,000 goroutines get their ids and run", goroutines_first_wave),
            unit(15, "tests::newproc::newproc1_goid_batches"),
            unit(15, "tests::newproc::newproc1_seventeenth_g_opens_second_batch"),
            unit(15, "tests::newproc::newproc1_goid_cache_is_per_p"),
        ],
    ),
    Exercise(
        "gostartcall", "newproc", 6, "A new goroutine's first frame",
        "Write the frame set-up of `newproc1` and `gostartcall` (newproc.rs): the new g looks "
        "as if goexit had called its function, so that returning from it lands in goexit+1.",
        {
            "frame": """\
// TODO(exercise gostartcall, part 1 of 2): newg's first frame. Below
// stack.hi, leave 4 words of extra space (sys.MinFrameSize is 0 on 386, and
// there are no arguments). Clear newg.sched; its sp (and newg.stktopsp) is
// that address, its pc goexitPC() + 1 (so that the "caller" seems to be
// inside goexit) and its g newg. Then gostartcallfn(&mut newg.sched, fv)
// makes it call fv. Record parentGoid (callergp's goid), gopc (callerpc),
// ancestors (0) and startpc (fv's code pointer).
let _ = (callergp, callerpc);
if true {
    crate::print::throw("exercise gostartcall: newproc1's frame not implemented");
}""",
            "gostartcall": """\
// TODO(exercise gostartcall, part 2 of 2): make buf look as if the code at
// buf.pc had called fn_ and stopped before fn_'s first instruction: push
// buf.pc as the return address (the 4-byte word below buf.sp) and make that
// word the new sp; pc becomes fn_, and ctxt becomes ctxt (gogo loads it into
// DX, where a closure finds its funcval).
let _ = (buf, fn_, ctxt);
crate::print::throw("exercise gostartcall: gostartcall not implemented");""",
        },
        [
            Test(25, "newproc: g1's frame is 20 bytes, returning to goexit+1", lambda ctx: check_frame(ctx.state("newproc", "8"))),
            Test(15, "gogo: gogo lands in runtime.main on g1's stack", lambda ctx: check_gogo_state(ctx.state("gogo"))),
            Test(20, "goroutines: 10,000 goroutines return into goexit and are reused",
                 lambda ctx: (goroutines_first_wave(ctx), goroutines_second_wave(ctx))),
            unit(15, "tests::newproc::gostartcall_fakes_a_call"),
            unit(10, "tests::newproc::newproc1_first_goroutine"),
            unit(10, "tests::newproc::newproc1_records_parent_goid"),
        ],
    ),
    Exercise(
        "runqput", "newproc", 8, "runqput, the runnext kick and runqputslow",
        "Write `runqput` and `runqputslow` (newproc.rs): the new g goes into `runnext`, the "
        "old runnext to the tail of the 256-slot ring, and a full ring sends half of itself "
        "to the global queue.",
        {
            "runqput": """\
// TODO(exercise runqput, part 1 of 2): with `next`, gp goes into pp.runnext
// and the g that was there (if any) goes to the ring instead. To put a g on
// the ring: if it holds fewer than 256 gs (runqtail - runqhead, wrapping u32
// arithmetic), store it at runq[runqtail % 256] and advance runqtail; if it
// is full, runqputslow moves half of the ring and the g to the global queue
// (and if runqputslow says it did not, try the ring again).
let _ = (pp, gp, next);
crate::print::throw("exercise runqput: runqput not implemented");""",
            "runqputslow": """\
// TODO(exercise runqput, part 2 of 2): pp's ring is full (t - h == 256, or
// throw). Take its first half, 128 gs from h, advance runqhead past them,
// link them and then gp through schedlink into one gQueue {head, tail} and
// put that batch of 129 on the global queue (globrunqputbatch). Return true.
let _ = (pp, gp, h, t);
crate::print::throw("exercise runqput: runqputslow not implemented")""",
        },
        [
            Test(10, "newproc (GOMAXPROCS=8): g1 is P0's runnext, the ring is empty",
                 lambda ctx: check_runnext(ctx.state("newproc", "8"))),
            Test(10, "newproc (GOMAXPROCS=1): the same with one P",
                 lambda ctx: check_runnext(ctx.state("newproc", "1"))),
            Test(15, "goroutines: 10,000 goroutines overflow the ring and all run", goroutines_first_wave),
            unit(10, "tests::runq::runnext_kicks_old_runnext_to_ring"),
            unit(10, "tests::runq::ring_is_fifo_behind_runnext"),
            unit(15, "tests::runq::full_ring_spills_half_to_global_queue"),
            unit(10, "tests::runq::full_ring_runnext_kick_spills_old_runnext"),
            unit(10, "tests::runq::ring_indices_wrap_around_u32"),
            unit(5, "tests::newproc::newproc_puts_new_g_in_runnext"),
        ],
    ),
    # ---------------------------------------------------------------- mstart
    Exercise(
        "findrunnable", "mstart", 7, "findRunnable's order",
        "Write the search of `findRunnable` (mstart.rs), in Go 1.22's order: the global "
        "queue every 61st tick, the local queue, the global queue, then stealing.",
        {"": """\
// TODO(exercise findrunnable): look for a g in Go 1.22's order and return
// (gp, inheritTime) from the first source that has one:
//  1. once in 61 schedticks (schedtick % 61 == 0) and if the global queue is
//     not empty: globrunqget(pp, 1), for fairness;
//  2. the local queue: runqget(pp) (runnext first; it says if gp inherits
//     the time slice);
//  3. the global queue, if not empty: globrunqget(pp, 0);
//  5. stealing, only if this M already spins or if fewer than half of the
//     busy Ps (gomaxprocs - npidle) have a spinning M
//     (2 * nmspinning < busy): spin (mp.spinning, sched.nmspinning += 1)
//     and stealWork().
// A g from the global queue or stolen does not inherit the time slice.
let _ = (mp, pp, sched);
if true {
    throw("exercise findrunnable: not implemented");
}"""},
        [
            Test(25, "mstart (GOMAXPROCS=8): schedule found g1 in runnext; schedtick stays 0",
                 lambda ctx: check_mstart(ctx.state("mstart", "8"))),
            Test(10, "boot trace: execute runs g1 with inheritTime=true",
                 trace_has(r"^boot: execute: g1 on m0/P0 \(inheritTime=true\)")),
            Test(20, "goroutines: Gosched and the global queue run 10,000 goroutines",
                 lambda ctx: (goroutines_first_wave(ctx), goroutines_second_wave(ctx))),
            unit(15, "tests::steal::findrunnable_fairness_check_every_61_ticks"),
            unit(15, "tests::steal::findrunnable_local_then_global"),
            unit(10, "tests::steal::findrunnable_spins_and_steals"),
        ],
    ),
    Exercise(
        "randomorder", "mstart", 5, "randomOrder: every P once, in a random order",
        "Write `randomOrder::reset`, `start`, `randomEnum::next` and `gcd` (mstart.rs): the "
        "coprime-stride walk that stealWork uses to visit the Ps.",
        {
            "reset": """\
// TODO(exercise randomorder, part 1 of 4): remember count, and list in
// self.coprimes, in increasing order, every i in 1..=count with
// gcd(i, count) == 1. The array must have room for count entries: when
// self.coprimes.cap is smaller, take a new one from
// crate::malloc::persistentalloc.
let _ = count;
crate::print::throw("exercise randomorder: reset not implemented");""",
            "start": """\
// TODO(exercise randomorder, part 2 of 4): a walk that starts at position
// i % count, with the stride coprimes[(i / count) % len(coprimes)].
let _ = i;
crate::print::throw("exercise randomorder: start not implemented")""",
            "next": """\
// TODO(exercise randomorder, part 3 of 4): one more step: count it in i and
// move pos by the stride, modulo count.
crate::print::throw("exercise randomorder: next not implemented");""",
            "gcd": """\
// TODO(exercise randomorder, part 4 of 4): Euclid's algorithm.
let _ = (&mut a, &mut b);
crate::print::throw("exercise randomorder: gcd not implemented")""",
        },
        [
            pts(15, boots_to_main("8")),
            unit(10, "tests::order::gcd_values"),
            unit(15, "tests::order::reset_lists_coprimes"),
            unit(15, "tests::order::start_picks_position_and_stride"),
            unit(20, "tests::order::every_enumeration_is_a_permutation"),
            unit(10, "tests::steal::stealwork_steals_from_busy_p"),
            unit(10, "tests::steal::stealwork_skips_idle_ps_and_takes_runnext_last"),
        ],
    ),
    # ---------------------------------------------------------------- gogo
    Exercise(
        "gogo", "gogo", 7, "gogo in assembly",
        "Write `runtime_gogo` (asm_386.S): restore a goroutine from its gobuf and jump into it.",
        {"": """\
// TODO(exercise gogo): void gogo(gobuf *buf), buf at 4(SP); never returns.
// - g = buf->g; touch 0(g) so that a nil g faults here; install g in TLS
//   (get_tls, g() from go_asm.h);
// - SP = buf->sp, AX = buf->ret, DX = buf->ctxt (a closure's funcval);
// - clear buf->sp, buf->ret and buf->ctxt, as Go does for the GC;
// - jump to buf->pc.
// Offsets: gobuf_g, gobuf_sp, gobuf_ret, gobuf_ctxt, gobuf_pc.
""" + asm_stop("gogo")},
        [
            Test(25, "gogo: g1 runs runtime.main; its sched.sp was cleared",
                 lambda ctx: check_gogo_state(ctx.state("gogo"))),
            Test(10, "boot trace: execute's gogo is followed by runtime.main on g1",
                 trace_has(r"^boot: execute: g1 on m0/P0 .*gogo to", r"^boot: runtime\.main: g1 running")),
            pts(15, boots_to_main("33")),
            Test(25, "goroutines: 10,000 goroutines (closures in DX) run and yield",
                 lambda ctx: (goroutines_first_wave(ctx), goroutines_second_wave(ctx))),
            Test(20, "gdb: at runtime.main's first instruction SP, [SP], DX and AX are right",
                 lambda ctx: check_gogo_gdb(ctx), gdb=True),
        ],
    ),
    Exercise(
        "gdestroy", "gogo", 4, "goexit's end: gdestroy",
        "Write `gdestroy` (gogo.rs): a goroutine whose function returned becomes _Gdead and "
        "goes on its P's free list.",
        {"": """\
// TODO(exercise gdestroy): gp's function returned (goexit1 -> goexit0 -> here,
// on g0). Make it _Gdead (casgstatus from _Grunning); it loses its M
// (gp.m, gp.lockedm and the M's lockedg); clear preemptStop, _defer, _panic,
// waitreason and param; dropg(); and put it on the current P's free list
// (gfput) for newproc1 to reuse.
let _ = (gp, gfput);
crate::print::throw("exercise gdestroy: not implemented");"""},
        [
            Test(25, "goroutines: 10,000 goroutines run and return", goroutines_first_wave),
            Test(25, "goroutines: the second wave reuses the dead gs", goroutines_second_wave),
            pts(10, boots_to_main("4")),
            unit(35, "tests::gfree::gdestroy_puts_dead_g_on_free_list"),
        ],
    ),
    Exercise(
        "gfree", "gogo", 5, "G reuse: gfput and gfget",
        "Write `gfput` and `gfget` (newproc.rs): the P's and the scheduler's lists of dead gs "
        "that newproc1 reuses.",
        {
            "gfput": """\
// TODO(exercise gfree, part 1 of 2): put the dead gp on pp.gFree. A g whose
// stack is not startingStackSize bytes loses it (malloc::stackfree; stack
// and stackguard0 become 0). Push gp (glist_push) and count it. When the P
// holds 64, move gs to the global lists until it holds 31: those without a
// stack to sched.gFree_noStack, the others to sched.gFree_stack (gather each
// kind in a gQueue with gqueue_push, then put the queue in front of its
// list), and add how many moved to sched.gFree_n.
let _ = (pp, gp);
crate::print::throw("exercise gfree: gfput not implemented");""",
            "gfget": """\
// TODO(exercise gfree, part 2 of 2): pop a dead g from pp.gFree (nil if there
// is none). If pp's list is empty but a global list is not, first move gs to
// pp until it holds 32 or the global lists are empty (those with stacks
// first). A g without a stack, or whose stack is not startingStackSize bytes
// (free that one), gets a new malloc::stackalloc(stackMin) and
// stackguard0 = stack.lo + stackGuard.
let _ = pp;
crate::print::throw("exercise gfree: gfget not implemented")""",
        },
        [
            Test(20, "goroutines: the second wave reuses the dead gs", goroutines_second_wave),
            Test(10, "goroutines: 10,000 goroutines run", goroutines_first_wave),
            unit(10, "tests::gfree::gfput_keeps_standard_stack"),
            unit(10, "tests::gfree::gfput_frees_non_standard_stack"),
            unit(10, "tests::gfree::gfput_spills_to_global_list_at_64"),
            unit(5, "tests::gfree::gfput_spill_separates_stackless_gs"),
            unit(10, "tests::gfree::gfget_lifo_then_refills_from_global"),
            unit(10, "tests::gfree::gfget_refill_prefers_gs_with_stacks"),
            unit(5, "tests::gfree::gfget_gives_freed_g_a_new_stack"),
            unit(5, "tests::gfree::gfget_replaces_stack_of_wrong_size"),
        ],
    ),
    # ---------------------------------------------------------------- mainpc
    Exercise(
        "runtime_main", "mainpc", 4, "runtime.main calls main.main",
        "Write the heart of `runtime_main` (mainpc.rs): mark the runtime started, call the "
        "program's `main.main` through the word `runtime_main_main`, and exit 0.",
        {
            "started": """\
// TODO(exercise runtime_main, part 1 of 2): record that the runtime has
// started (runtime_mainStarted): from now on newproc may wake idle Ps.
let _ = &runtime_mainStarted;""",
            "call": """\
// TODO(exercise runtime_main, part 2 of 2): call the program's main.main. Its
// address is the word runtime_main_main (0 if the program defines none:
// throw a fatal error that says to use runtime_i386::go_program!). Call it
// indirectly, as an extern "C" fn(); when it returns, exit the whole process
// with status 0, whatever other goroutines are doing.
let _ = &runtime_main_main;
crate::print::throw("exercise runtime_main: not implemented")""",
        },
        [
            Test(30, "mainpc (GOMAXPROCS=33): main.main runs with mainStarted = true",
                 lambda ctx: (lambda s: (check_schedinit(s, 33), check_g1(s, "_Grunning"),
                                         eq(s["mainStarted"], True, "mainStarted")))(ctx.state("mainpc", "33"))),
            Test(15, "gogo: runtime.main's first instruction still sees mainStarted = false",
                 lambda ctx: eq(ctx.state("gogo")["mainStarted"], False, "mainStarted at runtime.main's entry")),
            Test(20, "empty: a main.main that returns ends the program with status 0, silently",
                 lambda ctx: check_empty(ctx)),
            Test(15, "goroutines: the program exits 0 when main.main returns", lambda ctx: check_exit0(ctx, "goroutines")),
            Test(15, "boot trace: runtime.main calls main.main after execute",
                 trace_has(r"^boot: execute: g1", r"^boot: runtime\.main: g1 running: mainStarted=true; calling main\.main$")),
        ],
    ),
]


# --- checks used above ----------------------------------------------------------------------


def check_kernel(ctx):
    r = ctx.run("rt0_386", ["--json", "-json"])
    ctx.require_ok("rt0_386", r)
    s = ctx.parse_json("rt0_386", r)
    k = s.get("kernel") or {}
    eq(k.get("argc"), 3, "argc")
    argv = k.get("argv") or []
    expect(len(argv) == 3 and argv[1:] == ["--json", "-json"], f"argv: {argv!r}")
    expect(argv[0].endswith("rt0_386"), f"argv[0]: {argv[0]!r}")
    tags = {p["tag"]: p["value"] for p in k.get("auxv", [])}
    eq(tags.get(6), 4096, "auxv AT_PAGESZ")
    expect(25 in tags, "auxv should have AT_RANDOM")
    # The kernel's vDSO gives AT_SYSINFO; qemu-i386 has no vDSO.
    eq(32 in tags, not ctx.emulated, "auxv has AT_SYSINFO (natively; not under qemu-i386)")


def check_flag(ctx):
    r = ctx.run("schedinit", ["--jsn"])
    eq(r.code, 2, "exit status for an undefined flag")
    expect(r.err.startswith("flag provided but not defined: -jsn\nUsage of "), f"stderr: {r.err[:120]!r}")
    expect(r.out == "", "nothing on standard output")


def check_auxv_trace(ctx):
    text = ctx.trace("4")
    m = re.search(r"^boot: args: auxv: (\d+) pairs; AT_PAGESZ=(\d+) AT_SECURE=(\w+) "
                  r"AT_RANDOM=0x([0-9a-f]+)(?: AT_SYSINFO=0x([0-9a-f]+) \(system calls now use "
                  r"__kernel_vsyscall\)|; no AT_SYSINFO: system calls keep using int \$0x80)$", text, re.M)
    expect(m, "the boot trace has no 'boot: args: auxv: ...' line")
    expect(int(m.group(1)) >= 10, f"only {m.group(1)} auxv pairs")
    eq(int(m.group(2)), 4096, "AT_PAGESZ")
    eq(m.group(3), "false", "AT_SECURE")
    expect(int(m.group(4), 16) != 0, "AT_RANDOM not found")
    if ctx.emulated:
        expect(m.group(5) is None, "under qemu-i386 there is no AT_SYSINFO")
    else:
        expect(m.group(5) and int(m.group(5), 16) != 0, "AT_SYSINFO (__kernel_vsyscall) not found")


def check_g0_stack(s):
    g0 = s["g0"]
    lo, hi = g0["stack"]["lo"], g0["stack"]["hi"]
    eq(hi - lo, 65536 - 104, "g0: stack.hi - stack.lo")
    eq(hi % 16, 0, "g0.stack.hi % 16 (SP was aligned)")
    eq(g0["stackguard0"], lo, "g0.stackguard0")
    eq(g0["stackguard1"], lo, "g0.stackguard1")


def check_g0_mstart(s):
    g0 = s["g0"]
    lo, hi = g0["stack"]["lo"], g0["stack"]["hi"]
    eq(hi - lo, 65536 - 104, "g0: stack.hi - stack.lo")
    eq(g0["stackguard0"] - lo, 928, "g0.stackguard0 - lo")
    eq(g0["stackguard1"] - lo, 928, "g0.stackguard1 - lo")
    sp = g0["sched"]["sp"]
    expect(lo < sp < hi, f"g0.sched.sp {sp:#x} is not inside g0's stack [{lo:#x}, {hi:#x})")
    expect(str(g0["sched"]["pcSymbol"]).startswith("runtime.mstart0+"), f"g0.sched.pc: {g0['sched']['pcSymbol']}")


def check_tls_links(s):
    for k in ("m0.g0 == &g0", "g0.m == &m0"):
        eq(s["links"][k], True, k)
    g0addr = next(g["addr"] for g in s["globals"] if g["name"] == "runtime.g0")
    eq(s["g0tls"], g0addr, "m0.tls[0] (the g in TLS)")


def check_tls_trace(ctx):
    text = ctx.trace("4")
    m = re.search(r"^boot: rt0_go: setldt: set_thread_area gave entry (\d+), GS=0x([0-9a-f]+); "
                  r"TLS self-test 0x123 ok", text, re.M)
    expect(m, "the boot trace has no 'boot: rt0_go: setldt: ...' line")
    entry, gs = int(m.group(1)), int(m.group(2), 16)
    expect(entry >= 0, f"entry {entry}")
    eq(gs, entry * 8 + 3, f"GS selector for GDT entry {entry}")


def check_tls_gdb(ctx):
    out = ctx.gdb("rt0_go", [
        "watch -l *(unsigned int *)((char *)&runtime_m0 + 80)",
        "run", "printf \"TLS0 %#x\\n\", *(unsigned int *)((char *)&runtime_m0 + 80)",
        "continue", "printf \"TLS0 %#x\\n\", *(unsigned int *)((char *)&runtime_m0 + 80)",
        "printf \"G0 %#x\\n\", (unsigned int)&runtime_g0",
    ])
    if out is None:
        return "not checked: gdb is not installed or cannot trace here"
    if not re.search(r"^(Hardware w|W)atchpoint 1: ", out, re.M):
        return "not checked: gdb could not set the watchpoint here"
    stores = re.findall(r"^New value = (\d+)$", out, re.M)
    g0 = re.search(r"^G0 (0x[0-9a-f]+)$", out, re.M)
    expect(g0, f"gdb could not read &g0: {out[-300:]!r}")
    want = [0x123, int(g0.group(1), 16)]
    got = [int(v) for v in stores[:2]]
    expect(got == want, "gdb saw these stores to m0.tls[0]: "
           + (", ".join(hex(v) for v in got) or "none")
           + f"; want 0x123 (the self-test through %gs), then &g0 = {want[1]:#x}")


def check_gogo_state(s):
    check_g1(s, "_Grunning")
    g = s["allgs"][0]
    eq(g["sched"]["sp"], 0, "g1.sched.sp (gogo clears it)")
    eq(g["returnSymbol"], None, "the word at g1.sched.sp")
    eq(s["m0"]["curg"], 1, "m0.curg")
    eq(s["mainStarted"], False, "mainStarted")


def check_gogo_gdb(ctx):
    out = ctx.gdb("gogo", [
        "break *runtime_main", "run",
        "printf \"SP %#x\\n\", $esp",
        "printf \"RET %#x\\n\", *(unsigned int *)$esp",
        "printf \"GOEXIT %#x\\n\", (unsigned int)&runtime_goexit",
        "printf \"DX %#x\\n\", $edx",
        "printf \"MAINPC %#x\\n\", (unsigned int)&runtime_mainPC",
        "printf \"AX %#x\\n\", $eax",
        # allgs.array[0]->stack.hi
        "printf \"HI %#x\\n\", *(unsigned int *)(**(unsigned int **)&runtime_allgs + 4)",
    ])
    if out is None:
        return "not checked: gdb is not installed or cannot trace here"
    v = {k: int(x, 16) for k, x in re.findall(r"^([A-Z]+) (0x[0-9a-f]+|0)$", out, re.M)}
    expect(all(k in v for k in ("SP", "RET", "GOEXIT", "DX", "MAINPC", "AX", "HI")),
           f"gdb did not stop at runtime.main: {out[-300:]!r}")
    eq(v["HI"] - v["SP"], 20, "g1.stack.hi - SP at runtime.main")
    eq(v["RET"], v["GOEXIT"] + 1, "the return address at SP (goexit+1)")
    eq(v["DX"], v["MAINPC"], "DX (the closure context: &mainPC)")
    eq(v["AX"], 0, "AX (gobuf.ret)")


def check_runnext(s):
    eq(s["allp"][0]["runnext"], 1, "P0.runnext")
    eq(s["allp"][0]["runq"], [], "P0's ring")
    eq(s["sched"]["runqsize"], 0, "sched.runqsize")
    check_g1(s, "_Grunnable")


def check_mstart(s):
    check_g1(s, "_Grunning")
    eq(s["m0"]["curg"], 1, "m0.curg")
    eq(s["allp"][0]["runnext"], None, "P0.runnext (runqget took g1)")
    eq(s["allp"][0]["schedtick"], 0, "P0.schedtick (g1 inherits the time slice)")


def check_empty(ctx):
    r = ctx.run("empty", [])
    ctx.require_ok("empty", r)
    expect(r.out == "" and r.err == "", f"empty printed something: {(r.out + r.err)[:200]!r}")


def check_exit0(ctx, prog):
    r = ctx.run(prog, [])
    ctx.require_ok(prog, r)


def by_name():
    return {e.name: e for e in EXERCISES}
