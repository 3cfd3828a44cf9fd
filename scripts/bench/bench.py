"""bench.py: the driver of `make bench` (scripts/bench/bench.sh builds the programs, then runs
this).

Compares the runtime's release programs (runtime-i386/examples/empty.rs and bench_*.rs) with
Go 1.22 linux/386 programs doing the same work (scripts/bench/go/*), on this machine in this
run, and writes a markdown report and a bar chart (SVG) of the same numbers:

  1. start-up: exec to exit of the empty programs, of a static program that only exits
     (the floor) and of /bin/true (a dynamic one), interleaved, median of many runs;
  2. goroutine create + run + exit, ns per goroutine (BenchmarkCreateGoroutines' chain);
  3. a switch between two goroutines that yield to each other (GOMAXPROCS=1), ns per switch;
  4. peak RSS of the empty programs and of 10,000 live goroutines;
  5. the system calls made before main.main (strace -f, up to main's marker write);

and the price of one kernel entry each way (`int $0x80`, `__kernel_vsyscall`), from our
`syscalls` example. From the same run it also writes the plain-text report that the rt0_go
chapter includes (--measure: our release sizes, our start-up against the floor and
/bin/true, the kernel entries, in the format that chapter has always shown).

It asserts nothing about speed. It does check that every program exits 0 and prints what it
should (wrong output aborts the run); `--check` does only that, with small sizes, fast.

    python3 scripts/bench/bench.py --ours DIR --go DIR --floor EXE --launcher EXE \
        [--md FILE] [--svg FILE] [--measure FILE] [--check] [--command TEXT]
"""

import argparse
import ctypes
import datetime
import gc
import os
import platform
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time


# A dynamic program, timed with the others for scale in the Inside rt0_go appendix's report.
DYNAMIC = "/bin/true"


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def die(msg):
    sys.exit(f"bench: {msg}")


# ---------------------------------------------------------------------------------------
# Running programs


def run_checked(argv, env, pattern, count):
    """Runs argv to completion (output captured) and returns the matches of `pattern` in its
    standard output; exit status 0 and exactly `count` matching lines are required."""
    p = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        die(f"{' '.join(argv)} (env {env}) exited with {p.returncode}: {p.stderr.strip()}")
    ms = [re.fullmatch(pattern, line) for line in p.stdout.splitlines()]
    if len(ms) != count or not all(ms):
        die(f"{' '.join(argv)} printed {p.stdout!r}, want {count} lines matching {pattern!r}")
    return ms


def spawn_time(prog, env, quiet):
    """Wall time of posix_spawn + waitpid of one run of prog, in ns (no shell; standard
    output and error to /dev/null through `quiet`)."""
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(prog, [prog], env, file_actions=quiet)
    _, status = os.waitpid(pid, 0)
    t = time.perf_counter_ns() - t0
    if status != 0:
        die(f"{prog} exited with status {status}")
    return t


# Peak RSS. wait4's ru_maxrss (and /usr/bin/time %M, which reads it) is not usable for small
# programs here: (a) at execve Linux folds the peak RSS of the address space the process
# leaves into the peak it reports (fs/exec.c exec_mmap), so a child spawned from Python
# reports Python's size; the launcher (rusage_exec.s) avoids that; (b) since Linux 6.2 the
# RSS counters are per-CPU counters, and the peak that exit records reads them without
# summing the per-CPU parts (up to 31 pages per CPU and counter are missing): our empty
# program reports 0 KiB. So the peak is read from /proc/PID/status (VmHWM, which on this
# kernel sums the counters; checked against smaps_rollup in --check) while the process is
# stopped at its exit by ptrace (PTRACE_O_TRACEEXIT), before its memory is torn down. The
# programs free nothing before they exit, so their size at exit is their peak.
_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
_libc.ptrace.restype = ctypes.c_long
PTRACE_TRACEME, PTRACE_CONT, PTRACE_SETOPTIONS = 0, 7, 0x4200
PTRACE_O_TRACEEXIT, PTRACE_O_EXITKILL, PTRACE_EVENT_EXIT = 0x40, 0x100000, 6


def peak_rss(argv, env, check=False):
    """Runs argv under ptrace; returns (VmHWM KiB at exit, stdout text)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.dup2(w, 1)
            if _libc.ptrace(PTRACE_TRACEME, 0, None, None) != 0:
                os._exit(126)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    os.close(w)
    _, st = os.waitpid(pid, 0)
    if not (os.WIFSTOPPED(st) and os.WSTOPSIG(st) == signal.SIGTRAP):
        die(f"{argv[0]}: did not stop at exec under ptrace (status {st:#x})")
    opts = PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL
    if _libc.ptrace(PTRACE_SETOPTIONS, pid, None, ctypes.c_void_p(opts)) != 0:
        die(f"ptrace(PTRACE_SETOPTIONS) failed: errno {ctypes.get_errno()}")
    hwm = None
    _libc.ptrace(PTRACE_CONT, pid, None, None)
    while True:
        _, st = os.waitpid(pid, 0)
        if os.WIFEXITED(st) or os.WIFSIGNALED(st):
            break
        sig = os.WSTOPSIG(st)
        if sig == signal.SIGTRAP and st >> 16 == PTRACE_EVENT_EXIT:
            fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
            hwm = int(fields["VmHWM"].split()[0])
            if check:
                roll = open(f"/proc/{pid}/smaps_rollup").read()
                rss = int(re.search(r"^Rss:\s+(\d+) kB", roll, re.M).group(1))
                vmrss = int(fields["VmRSS"].split()[0])
                if rss != vmrss:
                    die(f"{argv[0]}: VmRSS {vmrss} kB but smaps_rollup Rss {rss} kB")
            sig = 0
        _libc.ptrace(PTRACE_CONT, pid, None, ctypes.c_void_p(sig))
    out = b""
    while chunk := os.read(r, 65536):
        out += chunk
    os.close(r)
    if not os.WIFEXITED(st) or os.WEXITSTATUS(st) != 0 or hwm is None:
        die(f"{argv[0]}: bad exit under ptrace (status {st:#x}, VmHWM {hwm})")
    return hwm, out.decode()


def rusage_run(launcher, argv, env):
    """Runs argv through the launcher; returns (ru_maxrss KiB, ru_minflt, CPU µs: ru_utime +
    ru_stime) from wait4."""
    r, w = os.pipe()
    out = os.open(os.devnull, os.O_WRONLY)
    pid = os.posix_spawn(
        launcher, [launcher] + argv, env,
        file_actions=[(os.POSIX_SPAWN_DUP2, w, 3), (os.POSIX_SPAWN_DUP2, out, 1)])
    os.close(w)
    os.close(out)
    _, st = os.waitpid(pid, 0)
    data = os.read(r, 256)
    os.close(r)
    if st != 0 or len(data) != 76:
        die(f"{launcher} {argv[0]}: status {st}, {len(data)} bytes of rusage")
    (status,) = struct.unpack("<i", data[:4])
    ru = struct.unpack("<18i", data[4:])
    if status != 0:
        die(f"{argv[0]} exited with wait status {status:#x}")
    cpu_us = (ru[0] + ru[2]) * 1_000_000 + ru[1] + ru[3]  # ru_utime + ru_stime (timevals)
    return ru[4], ru[8], cpu_us  # ru_maxrss, ru_minflt, CPU


# ---------------------------------------------------------------------------------------
# System calls before main.main


STRACE_LINE = re.compile(r"^(\d+) +(?:(\w+)\(|<\.\.\. (\w+) resumed>|\+\+\+|---)")
MARKER = 'write(2, "main\\n", 5'


def syscalls_before_main(prog, env):
    """strace -f of prog (whose main.main first writes "main\\n" to fd 2): the system calls
    made before that write, as {name: [main thread, other threads]}, execve excluded."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "strace.txt")
        subprocess.run(["strace", "-f", "-qq", "-s", "16", "-o", out, prog], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        lines = open(out).read().splitlines()
    main_pid = None
    counts = {}
    for line in lines:
        m = STRACE_LINE.match(line)
        if not m:
            die(f"strace {prog}: cannot parse {line!r}")
        pid, name = m.group(1), m.group(2)
        if main_pid is None:
            main_pid = pid
        if MARKER in line and pid == main_pid:
            return counts
        if name is None or name == "execve":
            continue
        counts.setdefault(name, [0, 0])[0 if pid == main_pid else 1] += 1
    die(f"strace {prog}: no marker {MARKER!r} from the main thread")


def total(counts):
    return sum(a + b for a, b in counts.values())


# ---------------------------------------------------------------------------------------
# Output


def fmt_num(x):
    if isinstance(x, int):
        return f"{x:,}"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_ratio(x):
    return f"{x:.3f}" if x < 0.1 else f"{x:.2f}"


def svg_chart(rows, header):
    """Horizontal bar pairs, one per benchmark, normalised to Go = 1; a dashed line marks
    the target ratio. rows: (name, ours_text, go_text, ratio, target or None, target_text)."""
    W, left, right = 980, 260, 210
    bar_h, gap, top = 18, 26, 62
    scale_max = max([1.0] + [r[3] for r in rows] + [r[4] or 0 for r in rows]) * 1.05
    plot_w = W - left - right
    x = lambda v: left + plot_w * v / scale_max  # noqa: E731
    H = top + len(rows) * (2 * bar_h + gap) + 44
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
         '<title>make bench: our runtime against Go 1.22, normalised to Go = 1</title>',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="10" y="18" font-size="13" font-weight="bold">{esc(header)}</text>',
         '<text x="10" y="38">Each pair: Go 1.22 (grey) = 1; ours (blue) = ours/Go. '
         'Red dashed line: the target ratio. Shorter is better.</text>']
    ticks = [t for t in (0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10) if t <= scale_max]
    y_end = H - 36
    for t in ticks:
        o.append(f'<line x1="{x(t):.1f}" y1="{top - 8}" x2="{x(t):.1f}" y2="{y_end}" '
                 f'stroke="#ddd"/>')
        o.append(f'<text x="{x(t):.1f}" y="{y_end + 14}" text-anchor="middle" '
                 f'fill="#555">{t:g}</text>')
    y = top
    for name, ours_t, go_t, ratio, target, target_text in rows:
        o.append(f'<text x="{left - 8}" y="{y + bar_h - 4}" text-anchor="end">{esc(name)}</text>')
        o.append(f'<text x="{left - 8}" y="{y + 2 * bar_h - 2}" text-anchor="end" fill="#555" '
                 f'font-size="11">{esc(target_text)}</text>')
        tx = x(target) if target is not None else left
        for label, v, colour, text in (("Go 1.22", 1.0, "#9e9e9e", go_t),
                                       ("ours", ratio, "#1f77b4", ours_t)):
            w = max(x(v) - left, 1.5)
            o.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                     f'<title>{esc(label)}: {esc(text)}</title></rect>')
            o.append(f'<text x="{max(left + w, tx) + 6:.1f}" y="{y + bar_h - 5}">'
                     f'{esc(label)}: {esc(text)}</text>')
            y += bar_h
        if target is not None:
            o.append(f'<line x1="{tx:.1f}" y1="{y - 2 * bar_h - 3}" x2="{tx:.1f}" '
                     f'y2="{y + 3}" stroke="#d62728" stroke-width="2" stroke-dasharray="4 3"/>')
        y += gap
    o.append(f'<text x="{left}" y="{H - 6}" fill="#555">ours/Go (Go = 1)</text>')
    o.append("</svg>")
    return "\n".join(o) + "\n"


# ---------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True, help="our release examples directory")
    ap.add_argument("--go", required=True, help="directory of the Go bench programs")
    ap.add_argument("--floor", required=True, help="static program that only exits")
    ap.add_argument("--launcher", required=True, help="rusage_exec (wait4 rusage)")
    ap.add_argument("--md")
    ap.add_argument("--svg")
    ap.add_argument("--measure", help="the Inside rt0_go appendix's report (plain text)")
    ap.add_argument("--check", action="store_true", help="correctness only, small sizes")
    ap.add_argument("--command", default="scripts/bench/bench.sh")
    ap.add_argument("--startup-runs", type=int, default=2000)
    a = ap.parse_args()

    ours = lambda p: os.path.join(a.ours, p)  # noqa: E731
    gop = lambda p: os.path.join(a.go, p)  # noqa: E731
    for p in [ours(x) for x in ("empty", "bench_create", "bench_switch", "bench_live",
                                "bench_marker", "syscalls", "mainpc", "goroutines",
                                "bench_parallel", "idle")] + \
             [gop(x) for x in ("empty", "create", "switch", "live", "marker", "parallel",
                               "idle")] + \
             [a.floor, a.launcher, DYNAMIC]:
        if not os.access(p, os.X_OK):
            die(f"missing program {p}")
    have_strace = shutil.which("strace") is not None
    unset = {}
    gmp1 = {"GOMAXPROCS": "1"}
    gmp2 = {"GOMAXPROCS": "2"}

    if a.check:
        sizes = dict(startup=20, cn=2000, cr=2, sn=2000, sr=2, live=1000, runs=1, pn=100_000,
                     pr=1)
    else:
        sizes = dict(startup=a.startup_runs, cn=1_000_000, cr=3, sn=1_000_000, sr=3,
                     live=10_000, runs=7, pn=100_000_000, pr=3)
    gc.disable()
    t_start = time.monotonic()

    # 1. Start-up. Interleaved in blocks: each round runs each of the four programs (ours,
    #    Go's, the floor, /bin/true) once unrecorded, then BLOCK times recorded, in a
    #    rotating order, so that all four see the same machine over the whole measurement.
    #    Not run by run: a program started right after a Go program exits starts slower (by
    #    ~45 µs where this was written; whatever Go's exit leaves behind: cold caches, its
    #    teardown), which would charge part of Go's cost to ours and to the floor. That strict alternation (of ours, Go's
    #    and the floor) is measured too, smaller, and reported in the details. /bin/true is
    #    only for the Inside rt0_go appendix's report (--measure), as a dynamic program for scale.
    BLOCK = 10
    rounds = max(1, sizes["startup"] // BLOCK)
    log(f"start-up: {rounds} rounds of {BLOCK} runs each of ours, Go, the floor, {DYNAMIC}, "
        "interleaved")
    quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
             (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    progs = [ours("empty"), gop("empty"), a.floor, DYNAMIC]
    times = {p: [] for p in progs}
    for i in range(rounds):
        for j in range(len(progs)):
            p = progs[(i + j) % len(progs)]
            spawn_time(p, unset, quiet)
            for _ in range(BLOCK):
                times[p].append(spawn_time(p, unset, quiet))
    st = {p: statistics.median(v) / 1000 for p, v in times.items()}
    p10 = {p: sorted(v)[len(v) // 10] / 1000 for p, v in times.items()}
    st_ours, st_go, st_floor = st[ours("empty")], st[gop("empty")], st[a.floor]
    alt_n = max(1, sizes["startup"] // 4)
    alt_progs = progs[:3]
    alt = {p: [] for p in alt_progs}
    for i in range(alt_n):
        for j in range(3):
            p = alt_progs[(i + j) % 3]
            alt[p].append(spawn_time(p, unset, quiet))
    alt = {p: statistics.median(v) / 1000 for p, v in alt.items()}

    # 2., 3. Per-operation benchmarks: separate processes, ours and Go alternating.
    def per_op(kind, our_prog, go_prog, n, rounds, env, per):
        res = {"ours": [], "go": []}
        pat = rf"{kind} n={n} ns=(\d+)"
        for _ in range(sizes["runs"]):
            for side, prog in (("ours", our_prog), ("go", go_prog)):
                for m in run_checked([prog, str(n), str(rounds)], env, pat, rounds):
                    res[side].append(int(m.group(1)) / per)
        return {k: statistics.median(v) for k, v in res.items()}

    log("goroutine create + run + exit (GOMAXPROCS unset, and =1)")
    cn = sizes["cn"]
    create = {e: per_op("create", ours("bench_create"), gop("create"), cn, sizes["cr"], env, cn)
              for e, env in (("unset", unset), ("1", gmp1))}
    log("switch between two goroutines (GOMAXPROCS=1)")
    sn = sizes["sn"]
    switch = per_op("switch", ours("bench_switch"), gop("switch"), sn, sizes["sr"], gmp1, 2 * sn)
    log("CPU-bound work on two goroutines, GOMAXPROCS=1 and =2")
    pn = sizes["pn"]
    par = {e: per_op("parallel", ours("bench_parallel"), gop("parallel"), pn, sizes["pr"], env, 1)
           for e, env in (("1", gmp1), ("2", gmp2))}
    speedup = {side: par["1"][side] / par["2"][side] for side in ("ours", "go")}

    # 4. Peak memory.
    log("peak RSS (ptrace at exit) and wait4 rusage")
    live_n = sizes["live"]
    live_out = f"live n={live_n} started={live_n} finished={live_n}\n"
    rss = {}
    rusage = {}
    for key, argv, want in (("ours empty", [ours("empty")], ""),
                            ("go empty", [gop("empty")], ""),
                            ("floor", [a.floor], ""),
                            ("ours live", [ours("bench_live"), str(live_n)], live_out),
                            ("go live", [gop("live"), str(live_n)], live_out)):
        vals, ru = [], []
        for _ in range(sizes["runs"]):
            hwm, out = peak_rss(argv, unset, check=a.check)
            if out != want:
                die(f"{argv[0]} printed {out!r}, want {want!r}")
            vals.append(hwm)
            ru.append(rusage_run(a.launcher, argv, unset))
        rss[key] = statistics.median(vals)
        rusage[key] = (statistics.median(r[0] for r in ru), statistics.median(r[1] for r in ru))

    # An idle program: CPU time while main sleeps (ours: a blocking system call with every P
    # idle, the Ms and sysmon asleep on notes; Go: time.Sleep on a timer).
    log("CPU time of a program that sleeps")
    idle_s = 1 if a.check else 2
    idle = {}
    for side, prog in (("ours", ours("idle")), ("go", gop("idle"))):
        cpu = []
        for _ in range(1 if a.check else 3):
            cpu.append(rusage_run(a.launcher, [prog, str(idle_s)], unset)[2])
        idle[side] = statistics.median(cpu)

    # 5. System calls before main.main; the run with the median total of several.
    sys_ours = sys_go = None
    if have_strace:
        log("system calls before main.main (strace -f)")
        runs = {"ours": [], "go": []}
        for _ in range(sizes["runs"]):
            runs["ours"].append(syscalls_before_main(ours("bench_marker"), unset))
            runs["go"].append(syscalls_before_main(gop("marker"), unset))
        pick = lambda rs: sorted(rs, key=total)[len(rs) // 2]  # noqa: E731
        sys_ours, sys_go = pick(runs["ours"]), pick(runs["go"])
        go_totals = sorted(total(c) for c in runs["go"])
    else:
        log("strace not found: no system call counts")

    # The price of entering the kernel each way, measured by our `syscalls` program (its
    # default size in a real run; its output also goes into the Inside rt0_go appendix's report).
    n_sc = 2000 if a.check else 200_000
    m = run_checked([ours("syscalls"), str(n_sc)], unset,
                    r"(?:getpid x \d+ .*|int \$0x80 +([\d.]+) ns/call|"
                    r"__kernel_vsyscall +([\d.]+) ns/call|ratio .*)", 4)
    int80_ns, vsys_ns = float(m[1].group(1)), float(m[2].group(2))
    syscalls_lines = [x.group(0) for x in m]

    # Release sizes of our programs, as built and stripped (for the Inside rt0_go appendix's report).
    sizes_ours = []
    with tempfile.TemporaryDirectory() as d:
        for c in ("empty", "mainpc", "goroutines"):
            stripped = os.path.join(d, c)
            subprocess.run(["strip", "-o", stripped, ours(c)], check=True)
            sizes_ours.append((c, os.path.getsize(ours(c)), os.path.getsize(stripped)))
    elapsed = time.monotonic() - t_start

    if a.check:
        log(f"check passed: every program exited 0 and printed what it should ({elapsed:.0f} s)")
        return

    # ---- report -------------------------------------------------------------------------
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    now = datetime.datetime.now(datetime.timezone.utc)
    header = (f"`{a.command}`, {now:%Y-%m-%d %H:%M} "
              f"UTC, Linux {platform.release()}, {cpu}, {os.cpu_count()} CPUs")
    best = lambda side: min(create["unset"][side], create["1"][side])  # noqa: E731
    c_ours, c_go = best("ours"), best("go")
    which = lambda side: "GOMAXPROCS=1" if create["1"][side] <= create["unset"][side] \
        else "GOMAXPROCS unset"  # noqa: E731
    rows = [
        # name, ours, go, unit, target ratio (None: no target), target text
        (f"start-up of an empty program, exec to exit (µs, median of {rounds * BLOCK})",
         st_ours, st_go, "µs", 1 / 3, "≤ 0.33 (3× faster)"),
        ("goroutine create + run + exit (ns per goroutine)", c_ours, c_go, "ns", 0.25, "≤ 0.25"),
        ("switch between two goroutines (ns per switch, GOMAXPROCS=1)",
         switch["ours"], switch["go"], "ns", 0.10, "≤ 0.10"),
        ("peak RSS, empty program (KiB)", rss["ours empty"], rss["go empty"], "KiB", 0.25,
         "≤ 0.25"),
        (f"peak RSS, {live_n:,} live goroutines (KiB)", rss["ours live"], rss["go live"], "KiB",
         0.25, "≤ 0.25"),
    ]
    rows.append(("parallel speedup, GOMAXPROCS=2 over =1 (×, higher is better)",
                 speedup["ours"], speedup["go"], "×", None, "ours ≥ 1.7"))
    if sys_ours is not None:
        rows.append(("system calls before main.main (all threads)", total(sys_ours),
                     total(sys_go), "", None, "—"))
    md = [f"Measured by {header}.", "",
          "| benchmark | ours | Go 1.22 | ours/Go | target | met? |",
          "|---|---:|---:|---:|---|---|"]
    chart_rows = []
    for name, o_v, g_v, unit, target, ttext in rows:
        r = o_v / g_v
        met = "—" if target is None else ("yes" if r <= target else "**no**")
        md.append(f"| {name} | {fmt_num(o_v)} | {fmt_num(g_v)} | {fmt_ratio(r)} | {ttext} | {met} |")
        short = name.split(" (")[0]
        ttext2 = "no target" if target is None else \
            f"target {ttext.split(' (')[0]}: {'met' if r <= target else 'missed'}"
        chart_rows.append((short, f"{fmt_num(o_v)} {unit} ({fmt_ratio(r)}×)".replace("  ", " "),
                           f"{fmt_num(g_v)} {unit}".strip(), r, target, ttext2))

    md += ["", "Details of this run:", ""]
    md.append(f"- Idle: a program whose main sleeps {idle_s} s (ours: `examples/idle.rs`, a "
              f"blocking nanosleep after handing its P off; Go: `scripts/bench/go/idle`, "
              f"`time.Sleep`), CPU time from wait4 (ru_utime + ru_stime), median of 3: ours "
              f"{idle['ours']:,.0f} µs, Go {idle['go']:,.0f} µs.")
    md.append(f"- Parallel work (scripts/bench/go/parallel, examples/bench_parallel.rs: two halves "
              f"of {pn:,} xorshift rounds each, one on main, one on a goroutine), median ms: "
              f"GOMAXPROCS=1 ours {par['1']['ours'] / 1e6:.0f}, Go {par['1']['go'] / 1e6:.0f}; "
              f"GOMAXPROCS=2 ours {par['2']['ours'] / 1e6:.0f}, Go {par['2']['go'] / 1e6:.0f}: "
              f"speedup ours {speedup['ours']:.2f}×, Go {speedup['go']:.2f}× "
              f"(target ours ≥ 1.7: {'met' if speedup['ours'] >= 1.7 else '**missed**'}).")
    md.append(f"- Start-up, median (p10) of {rounds * BLOCK} runs each, interleaved in blocks of "
              f"{BLOCK} (after one unrecorded run): ours "
              f"{st_ours:.1f} µs ({p10[ours('empty')]:.1f}), Go {st_go:.1f} µs "
              f"({p10[gop('empty')]:.1f}), static exit-only program (the floor) {st_floor:.1f} µs "
              f"({p10[a.floor]:.1f}), {DYNAMIC} (a dynamic program) {st[DYNAMIC]:.1f} µs "
              f"({p10[DYNAMIC]:.1f}). Above the floor: ours {st_ours - st_floor:.1f} µs, Go "
              f"{st_go - st_floor:.1f} µs (ratio {fmt_ratio((st_ours - st_floor) / (st_go - st_floor))}). "
              f"Strictly alternating, run by run ({alt_n} rounds, median): ours "
              f"{alt[ours('empty')]:.1f} µs, Go {alt[gop('empty')]:.1f} µs, floor "
              f"{alt[a.floor]:.1f} µs (ours/Go {fmt_ratio(alt[ours('empty')] / alt[gop('empty')])}): "
              f"a program started right after Go's exit starts slower.")
    md.append("- Program sizes, bytes as built: ours "
              f"{os.path.getsize(ours('empty')):,}, Go {os.path.getsize(gop('empty')):,}, the floor "
              f"{os.path.getsize(a.floor):,} (the empty programs).")
    md.append(f"- Create + run + exit, median ns per goroutine over {sizes['runs']} processes × "
              f"{sizes['cr']} rounds of {cn:,}: GOMAXPROCS unset: ours {create['unset']['ours']:.1f}, "
              f"Go {create['unset']['go']:.1f}; GOMAXPROCS=1: ours {create['1']['ours']:.1f}, Go "
              f"{create['1']['go']:.1f}. The table compares the better setting of each side "
              f"(ours: {which('ours')}, Go: {which('go')}).")
    md.append(f"- Switch: median over {sizes['runs']} processes × {sizes['sr']} rounds of "
              f"{2 * sn:,} switches (each of two goroutines calls Gosched {sn:,} times).")
    md.append(f"- Peak RSS: VmHWM at exit (ptrace), median of {sizes['runs']} runs; the floor "
              f"program: {rss['floor']:.0f} KiB. Per live goroutine: ours "
              f"{(rss['ours live'] - rss['ours empty']) * 1024 / live_n:,.0f} bytes, Go "
              f"{(rss['go live'] - rss['go empty']) * 1024 / live_n:,.0f} bytes (peak minus the "
              f"empty program's).")
    md.append("- wait4's ru_maxrss for the same programs (launched by scripts/bench/rusage_exec.s; "
              "it misses up to 31 pages per CPU and counter, see scripts/bench/bench.py), KiB: "
              + ", ".join(f"{k} {v[0]:.0f}" for k, v in rusage.items()) + ".")
    md.append("- Minor page faults (wait4 ru_minflt), median: "
              + ", ".join(f"{k} {v[1]:.0f}" for k, v in rusage.items()) + ".")
    md.append(f"- Entering the kernel (our `syscalls {n_sc}`, getpid, best of 5 rounds): "
              f"`int $0x80` {int80_ns:.1f} ns, `__kernel_vsyscall` {vsys_ns:.1f} ns per call.")
    if sys_ours is not None:
        n_go, n_ours = total(sys_go), total(sys_ours)
        md.append(f"- System calls before main.main: the strace run with the median total of "
                  f"{sizes['runs']} (Go's totals: {', '.join(map(str, go_totals))}). Go 1.22 makes "
                  f"every one with `int $0x80`: {n_go} × {int80_ns:.1f} ns ≈ "
                  f"{n_go * int80_ns / 1000:.0f} µs of kernel entries alone. Ours: "
                  f"`set_thread_area` with `int $0x80` (before `args` has found the vDSO), the "
                  f"other {n_ours - 1} through `__kernel_vsyscall`: ≈ "
                  f"{(int80_ns + (n_ours - 1) * vsys_ns) / 1000:.1f} µs.")
        md += ["", "System calls before main.main (strace -f; execve not counted; Go: main "
               "thread + other threads):", "",
               "| system call | ours | Go 1.22 | Go: main thread | Go: other threads |",
               "|---|---:|---:|---:|---:|"]
        names = list(sys_ours) + [k for k in sys_go if k not in sys_ours]
        for k in names:
            o_c = sum(sys_ours.get(k, [0, 0]))
            g_m, g_o = sys_go.get(k, [0, 0])
            md.append(f"| `{k}` | {o_c} | {g_m + g_o} | {g_m} | {g_o} |")
        md.append(f"| **total** | **{total(sys_ours)}** | **{total(sys_go)}** | "
                  f"{sum(v[0] for v in sys_go.values())} | {sum(v[1] for v in sys_go.values())} |")
    md.append("")
    md.append(f"Whole measurement: {elapsed:.0f} s.")
    text = "\n".join(md) + "\n"
    print(text)
    if a.md:
        with open(a.md, "w") as f:
            f.write("<!-- generated by scripts/bench/bench.sh (make bench); do not edit -->\n" + text)
    if a.svg:
        with open(a.svg, "w") as f:
            f.write(svg_chart(chart_rows, f"make bench, {header.split(', ', 1)[1]}"))

    # The rt0_go chapter's report: the same run's numbers, in the plain format it has always
    # had (our side only; the floor and /bin/true for scale).
    rep = [f"# {a.command}, {now:%Y-%m-%d}, Linux {platform.release()}, {cpu}, "
           f"{os.cpu_count()} CPUs",
           "== release sizes (bytes, as built; not stripped) ==",
           f"{'program':<12s} {'bytes':>8s} {'stripped':>10s}"]
    rep += [f"{c:<12s} {b:8d} {s_:10d}" for c, b, s_ in sizes_ours]
    rep += [f"== exec to exit, median of {rounds * BLOCK} runs: empty = our whole boot to an "
            "empty main.main;",
            f"== static-exit = a static program that only calls exit (the floor); {DYNAMIC} "
            "is dynamic =="]
    for name, p in (("empty", ours("empty")), ("static-exit", a.floor),
                    (os.path.basename(DYNAMIC), DYNAMIC)):
        rep.append(f"{name:14s} median {st[p]:8.1f} us   p10 {p10[p]:8.1f} us")
    rep += ["== system calls =="] + syscalls_lines
    report = "\n".join(rep) + "\n"
    print(report)
    if a.measure:
        with open(a.measure, "w") as f:
            f.write(report)


if __name__ == "__main__":
    main()
