# gdb Python script: run a real Go 1.22 linux/386 program under gdb and dump
# the runtime's scheduler state at four boot stages as JSON lines.
#
#   GO_STATE_PROG=/path/to/prog GO_STATE_GOMAXPROCS=2 gdb -batch -nx -x go_state.py
#
# Environment (read by this script, not by the inferior):
#   GO_STATE_PROG        path of the linux/386 Go binary (required)
#   GO_STATE_GOMAXPROCS  value of GOMAXPROCS for the inferior; the literal
#                        "unset" removes it from the inferior's environment,
#                        "" (set but empty) gives the inferior GOMAXPROCS=""
#                        (an empty value).  If GO_STATE_GOMAXPROCS itself is
#                        not set at all, "unset" is assumed.
#
# Output on stdout, one line per stage, in boot order:
#   GOSTATE {json}     the state (schema: see README.md)
#   GOENV {json}       what the inferior really got for GOMAXPROCS, and its
#                      whole environment, read back from /proc/<pid>/environ
#                      (for capture.sh to check).  The inferior runs with an
#                      otherwise EMPTY environment.
#   GOCHECK text       result of the DWARF cross-checks (offsets once, then
#                      every captured value at every stage)
#   GONOTE text        remarks, e.g. a _Gscan bit that was stripped
#   GOERROR text       fatal problem; the script then exits gdb with status 1
#
# Memory is parsed by raw offsets (tests/go-diff README / the layout note for
# go1.22.12 linux/386); DWARF is not used for the state itself.  Globals are
# located by symbol address, pcs are symbolised with `info symbol` (with
# `set print demangle off`, so gdb 13 prints "runtime.goexit + 1" rather than
# its Go-demangled "runtime[goexit] + 1").

import json
import os
import re
import struct
import sys

import gdb

MARK = "GOSTATE "

# ---------------------------------------------------------------------------
# go1.22.12 linux/386 layout (go_asm.h; runtime2.go)
# ---------------------------------------------------------------------------
G_STACK_LO = 0
G_STACK_HI = 4
G_STACKGUARD0 = 8
G_STACKGUARD1 = 12
G_M = 24
G_SCHED = 28  # gobuf: sp +0, pc +4, g +8, ctxt +12
G_ATOMICSTATUS = 72
G_GOID = 80  # uint64
G_PARENTGOID = 164  # uint64

M_G0 = 0
M_TLS = 80  # [6]uintptr; g lives in tls[0]
M_CURG = 108
M_P = 116
M_ID = 128  # int64
M_MSTARTFN = 104  # func(): a pointer to a funcval
M_SPINNING = 164
M_BLOCKED = 165
M_ALLLINK = 204

P_ID = 0
P_STATUS = 4
P_LINK = 8
P_M = 44
P_GOIDCACHE = 216  # uint64
P_GOIDCACHEEND = 224  # uint64
P_RUNQHEAD = 232
P_RUNQTAIL = 236
P_RUNQ = 240  # [256]guintptr
P_RUNQ_LEN = 256
P_RUNNEXT = 1264

S_GOIDGEN = 0  # atomic.Uint64
S_MAXMCOUNT = 48
S_NMIDLE = 32
S_MNEXT = 40  # int64
S_NMSYS = 52
S_NMSPINNING = 76
S_PIDLE = 68
S_NPIDLE = 72
S_RUNQSIZE = 92

G_STATUS = {
    0: "_Gidle",
    1: "_Grunnable",
    2: "_Grunning",
    3: "_Gsyscall",
    4: "_Gwaiting",
    5: "_Gmoribund_unused",
    6: "_Gdead",
    7: "_Genqueue_unused",
    8: "_Gcopystack",
    9: "_Gpreempted",
}
G_SCAN = 0x1000
P_STATUS_NAMES = {0: "_Pidle", 1: "_Prunning", 2: "_Psyscall", 3: "_Pgcstop", 4: "_Pdead"}


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def fatal(msg):
    out("GOERROR " + msg)
    if _inferior_alive():
        gdb.execute("kill", to_string=True)
    # gdb -batch exits with the status of the last command; force it.
    gdb.execute("quit 1")


def _inferior_alive():
    try:
        return gdb.selected_inferior().pid != 0
    except gdb.error:
        return False


# ---------------------------------------------------------------------------
# memory helpers
# ---------------------------------------------------------------------------
def mem(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def u8(addr):
    return mem(addr, 1)[0]


def u32(addr):
    return struct.unpack("<I", mem(addr, 4))[0]


def i32(addr):
    return struct.unpack("<i", mem(addr, 4))[0]


def u64(addr):
    return struct.unpack("<Q", mem(addr, 8))[0]


def i64(addr):
    return struct.unpack("<q", mem(addr, 8))[0]


def sym_addr(name):
    """Address of a global by name (DWARF/ELF symbol), as an int."""
    s = gdb.lookup_global_symbol(name)
    if s is not None and s.value().address is not None:
        return int(s.value().address)
    txt = gdb.execute("info address %s" % name, to_string=True)
    m = re.search(r"at address (0x[0-9a-fA-F]+)", txt)
    if not m:
        fatal("cannot locate symbol %s: %s" % (name, txt.strip()))
    return int(m.group(1), 16)


def symbolize(pc):
    """'runtime.goexit+1', 'runtime.main' or None, as `info symbol` says."""
    if pc == 0:
        return None
    txt = gdb.execute("info symbol 0x%x" % pc, to_string=True).strip()
    if txt.startswith("No symbol"):
        return None
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", txt)
    if not m:
        return txt
    return m.group(1) + ("+" + m.group(2) if m.group(2) else "")


# ---------------------------------------------------------------------------
# state capture
# ---------------------------------------------------------------------------
class Syms:
    pass


def load_syms():
    S = Syms()
    for attr, name in [
        ("g0", "runtime.g0"),
        ("m0", "runtime.m0"),
        ("sched", "runtime.sched"),
        ("allp", "runtime.allp"),
        ("allgs", "runtime.allgs"),
        ("ncpu", "runtime.ncpu"),
        ("gomaxprocs", "runtime.gomaxprocs"),
        ("physPageSize", "runtime.physPageSize"),
        ("physHugePageSize", "runtime.physHugePageSize"),
        ("mainStarted", "runtime.mainStarted"),
        ("rt0_go", "runtime.rt0_go"),
        ("allm", "runtime.allm"),
        ("sysmon", "runtime.sysmon"),
        ("rt_main", "runtime.main"),
        ("main_main", "main.main"),
    ]:
        setattr(S, attr, sym_addr(name))
    return S


def goid_of(gp):
    return None if gp == 0 else u64(gp + G_GOID)


def pid_of(pp):
    return None if pp == 0 else i32(pp + P_ID)


def mid_of(mp):
    return None if mp == 0 else i64(mp + M_ID)


def capture(stage, S):
    notes = []
    allp_arr, allp_len = u32(S.allp), i32(S.allp + 4)
    allp_ptrs = [u32(allp_arr + 4 * i) for i in range(allp_len)]
    allgs_arr, allgs_len = u32(S.allgs), i32(S.allgs + 4)
    allg_ptrs = [u32(allgs_arr + 4 * i) for i in range(allgs_len)]

    ps = []
    for pp in allp_ptrs:
        if pp == 0:
            ps.append(None)
            continue
        head, tail = u32(pp + P_RUNQHEAD), u32(pp + P_RUNQTAIL)
        runq = []
        # head/tail are free-running uint32 counters; entries live at idx % 256
        n = (tail - head) & 0xFFFFFFFF
        if n > P_RUNQ_LEN:
            notes.append("P%d runq head=%d tail=%d inconsistent" % (pid_of(pp), head, tail))
            n = 0
        for k in range(n):
            gp = u32(pp + P_RUNQ + 4 * ((head + k) % P_RUNQ_LEN))
            runq.append(goid_of(gp))
        st = u32(pp + P_STATUS)
        ps.append({
            "id": pid_of(pp),
            "status": P_STATUS_NAMES.get(st, "status(%d)" % st),
            "m": mid_of(u32(pp + P_M)),
            "link": pid_of(u32(pp + P_LINK)),
            "runqhead": head,
            "runqtail": tail,
            "runq": runq,
            "runnext": goid_of(u32(pp + P_RUNNEXT)),
            "goidcache": u64(pp + P_GOIDCACHE),
            "goidcacheend": u64(pp + P_GOIDCACHEEND),
        })

    gs = []
    for gp in allg_ptrs:
        st = u32(gp + G_ATOMICSTATUS)
        goid = u64(gp + G_GOID)
        if st & G_SCAN:
            notes.append("g%d status 0x%x: _Gscan bit stripped" % (goid, st))
        base = st & ~G_SCAN
        sp, pc = u32(gp + G_SCHED), u32(gp + G_SCHED + 4)
        gs.append({
            "goid": goid,
            "parentGoid": u64(gp + G_PARENTGOID),
            "status": G_STATUS.get(base, "status(%d)" % base),
            "stack": {"lo": u32(gp + G_STACK_LO), "hi": u32(gp + G_STACK_HI)},
            "stackguard0": u32(gp + G_STACKGUARD0),
            "sched": {"sp": sp, "pc": pc, "pcSymbol": symbolize(pc)},
            "returnSymbol": symbolize(u32(sp)) if sp != 0 else None,
        })

    ms = []
    mp = u32(S.allm)
    while mp != 0 and len(ms) < 10000:
        fn = u32(mp + M_MSTARTFN)
        m = {
            "id": i64(mp + M_ID),
            "p": pid_of(u32(mp + M_P)),
            "curg": goid_of(u32(mp + M_CURG)),
            "spinning": u8(mp + M_SPINNING) != 0,
            "blocked": u8(mp + M_BLOCKED) != 0,
        }
        if fn != 0 and u32(fn) == S.sysmon:
            m["sysmon"] = True
        ms.append(m)
        mp = u32(mp + M_ALLLINK)

    g0, m0 = S.g0, S.m0
    allp0 = allp_ptrs[0] if allp_ptrs else 0
    state = {
        "stage": stage,
        "ncpu": i32(S.ncpu),
        "gomaxprocs": i32(S.gomaxprocs),
        "physPageSize": u32(S.physPageSize),
        "physHugePageSize": u32(S.physHugePageSize),
        "mainStarted": u8(S.mainStarted) != 0,
        "sched": {
            "maxmcount": i32(S.sched + S_MAXMCOUNT),
            "goidgen": u64(S.sched + S_GOIDGEN),
            "pidle": pid_of(u32(S.sched + S_PIDLE)),
            "npidle": i32(S.sched + S_NPIDLE),
            "mnext": i64(S.sched + S_MNEXT),
            "nmidle": i32(S.sched + S_NMIDLE),
            "nmspinning": i32(S.sched + S_NMSPINNING),
            "nmsys": i32(S.sched + S_NMSYS),
            "runqsize": i32(S.sched + S_RUNQSIZE),
        },
        "m0": {
            "id": i64(m0 + M_ID),
            "p": pid_of(u32(m0 + M_P)),
            "curg": goid_of(u32(m0 + M_CURG)),
        },
        "g0": {
            "stack": {"lo": u32(g0 + G_STACK_LO), "hi": u32(g0 + G_STACK_HI)},
            "stackguard0": u32(g0 + G_STACKGUARD0),
            "stackguard1": u32(g0 + G_STACKGUARD1),
            "sched": {"sp": u32(g0 + G_SCHED), "pc": u32(g0 + G_SCHED + 4)},
        },
        "allp": ps,
        "allgs": gs,
        "allm": ms,
        "g0tls": u32(m0 + M_TLS),
        "links": {
            "m0.g0 == &g0": u32(m0 + M_G0) == g0,
            "g0.m == &m0": u32(g0 + G_M) == m0,
            "m0.p == allp[0]": allp0 != 0 and u32(m0 + M_P) == allp0,
            "allp[0].m == &m0": allp0 != 0 and u32(allp0 + P_M) == m0,
        },
    }
    out(MARK + json.dumps(state, separators=(",", ":")))
    for n in notes:
        out("GONOTE %s: %s" % (stage, n))
    check_values(state)


# ---------------------------------------------------------------------------
# cross-checks against gdb's DWARF view (the state itself never uses DWARF)
# ---------------------------------------------------------------------------
DWARF_OFFSETS = [
    ("runtime.g", "stack.lo", G_STACK_LO),
    ("runtime.g", "stack.hi", G_STACK_HI),
    ("runtime.g", "stackguard0", G_STACKGUARD0),
    ("runtime.g", "stackguard1", G_STACKGUARD1),
    ("runtime.g", "m", G_M),
    ("runtime.g", "sched", G_SCHED),
    ("runtime.g", "sched.sp", G_SCHED + 0),
    ("runtime.g", "sched.pc", G_SCHED + 4),
    ("runtime.g", "atomicstatus", G_ATOMICSTATUS),
    ("runtime.g", "goid", G_GOID),
    ("runtime.g", "parentGoid", G_PARENTGOID),
    ("runtime.m", "g0", M_G0),
    ("runtime.m", "tls", M_TLS),
    ("runtime.m", "curg", M_CURG),
    ("runtime.m", "p", M_P),
    ("runtime.m", "id", M_ID),
    ("runtime.m", "mstartfn", M_MSTARTFN),
    ("runtime.m", "spinning", M_SPINNING),
    ("runtime.m", "blocked", M_BLOCKED),
    ("runtime.m", "alllink", M_ALLLINK),
    ("runtime.p", "id", P_ID),
    ("runtime.p", "status", P_STATUS),
    ("runtime.p", "link", P_LINK),
    ("runtime.p", "m", P_M),
    ("runtime.p", "goidcache", P_GOIDCACHE),
    ("runtime.p", "goidcacheend", P_GOIDCACHEEND),
    ("runtime.p", "runqhead", P_RUNQHEAD),
    ("runtime.p", "runqtail", P_RUNQTAIL),
    ("runtime.p", "runq", P_RUNQ),
    ("runtime.p", "runnext", P_RUNNEXT),
    ("runtime.schedt", "goidgen", S_GOIDGEN),
    ("runtime.schedt", "maxmcount", S_MAXMCOUNT),
    ("runtime.schedt", "pidle", S_PIDLE),
    ("runtime.schedt", "npidle", S_NPIDLE),
    ("runtime.schedt", "nmidle", S_NMIDLE),
    ("runtime.schedt", "mnext", S_MNEXT),
    ("runtime.schedt", "nmsys", S_NMSYS),
    ("runtime.schedt", "nmspinning", S_NMSPINNING),
    ("runtime.schedt", "runqsize", S_RUNQSIZE),
]


def ev(expr):
    return int(gdb.parse_and_eval(expr))


def check_offsets():
    """Every raw offset used above must equal DWARF's; GOERROR otherwise."""
    bad = []
    for st, field, off in DWARF_OFFSETS:
        try:
            d = ev("(unsigned long)&((struct '%s' *)0)->%s" % (st, field))
        except gdb.error as e:
            bad.append("%s.%s: %s" % (st, field, e))
            continue
        if d != off:
            bad.append("%s.%s: script %d, DWARF %d" % (st, field, off, d))
    if bad:
        fatal("layout differs from DWARF: " + "; ".join(bad))
    out("GOCHECK offsets: %d field offsets agree with DWARF" % len(DWARF_OFFSETS))


def check_values(state):
    """Re-read the JSON's fields through DWARF expressions and compare."""
    pairs = [
        ("'runtime.ncpu'", state["ncpu"]),
        ("'runtime.gomaxprocs'", state["gomaxprocs"]),
        ("'runtime.physPageSize'", state["physPageSize"]),
        ("'runtime.physHugePageSize'", state["physHugePageSize"]),
        ("'runtime.mainStarted'", int(state["mainStarted"])),
        ("'runtime.sched'.maxmcount", state["sched"]["maxmcount"]),
        ("'runtime.sched'.goidgen.value", state["sched"]["goidgen"]),
        ("'runtime.sched'.npidle.value", state["sched"]["npidle"]),
        ("'runtime.sched'.runqsize", state["sched"]["runqsize"]),
        ("'runtime.m0'.id", state["m0"]["id"]),
        ("'runtime.m0'.tls[0]", state["g0tls"]),
        ("'runtime.g0'.stack.lo", state["g0"]["stack"]["lo"]),
        ("'runtime.g0'.stack.hi", state["g0"]["stack"]["hi"]),
        ("'runtime.g0'.stackguard0", state["g0"]["stackguard0"]),
        ("'runtime.g0'.stackguard1", state["g0"]["stackguard1"]),
        ("'runtime.g0'.sched.sp", state["g0"]["sched"]["sp"]),
        ("'runtime.g0'.sched.pc", state["g0"]["sched"]["pc"]),
        ("'runtime.allp'.len", len(state["allp"])),
        ("'runtime.allgs'.len", len(state["allgs"])),
    ]
    if state["sched"]["pidle"] is not None:
        pairs.append(("((struct 'runtime.p' *)'runtime.sched'.pidle)->id", state["sched"]["pidle"]))
    for i, p in enumerate(state["allp"]):
        a = "'runtime.allp'.array[%d]->" % i
        pairs += [
            (a + "id", p["id"]),
            (a + "status", ["_Pidle", "_Prunning", "_Psyscall", "_Pgcstop", "_Pdead"].index(p["status"])),
            (a + "runqhead", p["runqhead"]),
            (a + "runqtail", p["runqtail"]),
            (a + "goidcache", p["goidcache"]),
            (a + "goidcacheend", p["goidcacheend"]),
        ]
        if p["runnext"] is not None:
            pairs.append(("((struct 'runtime.g' *)%srunnext)->goid" % a, p["runnext"]))
        if p["m"] is not None:
            pairs.append(("((struct 'runtime.m' *)%sm)->id" % a, p["m"]))
    for i, g in enumerate(state["allgs"]):
        a = "'runtime.allgs'.array[%d]->" % i
        pairs += [
            (a + "goid", g["goid"]),
            (a + "parentGoid", g["parentGoid"]),
            (a + "atomicstatus.value & ~0x1000", list(G_STATUS.values()).index(g["status"])),
            (a + "stack.lo", g["stack"]["lo"]),
            (a + "stack.hi", g["stack"]["hi"]),
            (a + "stackguard0", g["stackguard0"]),
            (a + "sched.sp", g["sched"]["sp"]),
            (a + "sched.pc", g["sched"]["pc"]),
        ]
    bad = []
    for expr, want in pairs:
        try:
            got = ev(expr)
        except gdb.error as e:
            bad.append("%s: %s" % (expr, e))
            continue
        if got != want:
            bad.append("%s: raw %r, DWARF %r" % (expr, want, got))
    if bad:
        fatal("%s: raw parse differs from DWARF: %s" % (state["stage"], "; ".join(bad)))
    out("GOCHECK %s: %d values agree with DWARF" % (state["stage"], len(pairs)))


def inferior_env():
    """GOMAXPROCS as the inferior really sees it (None = absent)."""
    pid = gdb.selected_inferior().pid
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            data = f.read()
    except OSError as e:
        return {"error": str(e)}
    env = [kv.decode("utf-8", "replace") for kv in data.split(b"\0") if kv]
    res = {"GOMAXPROCS": None, "environ": env}
    for kv in env:
        if kv.startswith("GOMAXPROCS="):
            res["GOMAXPROCS"] = kv[len("GOMAXPROCS="):]
    return res


# ---------------------------------------------------------------------------
# find the stop addresses
# ---------------------------------------------------------------------------
def after_call(func, callee):
    """Address of the instruction after `call <callee>` inside `func`.

    Uses gdb's `disassemble 'func'`, which is bounded by the ELF symbol's size,
    so a call in a neighbouring function can never match."""
    txt = gdb.execute("disassemble '%s'" % func, to_string=True)
    addrs = []
    hit = None
    for line in txt.splitlines():
        m = re.match(r"\s*(?:=>)?\s*(0x[0-9a-f]+) <\+\d+>:\s*(.*)", line)
        if not m:
            continue
        addrs.append(int(m.group(1), 16))
        if hit is None and re.match(r"call\s+0x[0-9a-f]+ <%s>$" % re.escape(callee), m.group(2).strip()):
            hit = len(addrs)  # index of the following instruction
    if hit is None or hit >= len(addrs):
        fatal("no 'call %s' followed by an instruction in %s" % (callee, func))
    return addrs[hit]


def main():
    prog = os.environ.get("GO_STATE_PROG")
    if not prog:
        fatal("GO_STATE_PROG is not set")
    if not os.path.exists(prog):
        fatal("GO_STATE_PROG=%s does not exist" % prog)
    gmp = os.environ.get("GO_STATE_GOMAXPROCS", "unset")

    for cmd in [
        "set pagination off",
        "set confirm off",
        "set auto-load off",
        "set debuginfod enabled off",
        "set print demangle off",  # runtime.goexit, not runtime[goexit]
        "set disable-randomization on",  # gdb's default, made explicit
        "set startup-with-shell off",  # env reaches the program untouched
        "set width 0",
        "set height 0",
    ]:
        try:
            gdb.execute(cmd, to_string=True)
        except gdb.error:
            pass  # e.g. a gdb built without debuginfod
    gdb.execute("file %s" % prog, to_string=True)
    # Go's async preemption (SIGURG) and friends must not stop the inferior.
    for sig in ["SIGURG", "SIGPIPE", "SIGPROF", "SIGCHLD", "SIGWINCH"]:
        gdb.execute("handle %s nostop noprint pass" % sig, to_string=True)

    # The inferior's environment: empty (so no GODEBUG/GOGC/... of the caller
    # leaks in and the initial stack layout does not depend on the caller's
    # environment), plus GOMAXPROCS as requested.
    gdb.execute("unset environment", to_string=True)
    if gmp == "unset":
        gdb.execute("unset environment GOMAXPROCS", to_string=True)
    else:
        # `set environment VAR=` gives VAR the empty value.
        gdb.execute("set environment GOMAXPROCS=%s" % gmp, to_string=True)

    # C syntax for the DWARF cross-check expressions ('runtime.p' etc.)
    gdb.execute("set language c", to_string=True)
    S = load_syms()
    check_offsets()
    stops = [
        # the instruction after CALL runtime·schedinit (asm_386.s:243), i.e.
        # PUSHL $runtime·mainPC (246)
        ("schedinit", after_call("runtime.rt0_go", "runtime.schedinit")),
        # the instruction after CALL runtime·newproc (247), i.e. POPL AX (248)
        ("newproc", after_call("runtime.rt0_go", "runtime.newproc")),
        ("gogo", S.rt_main),  # first instruction of runtime.main
        ("mainpc", S.main_main),  # first instruction of main.main
    ]
    bps = {}
    for stage, addr in stops:
        bp = gdb.Breakpoint("*0x%x" % addr, internal=True)
        bps[bp.number] = (stage, bp)

    gdb.execute("run", to_string=True)
    envreported = False
    for stage, addr in stops:
        if not _inferior_alive():
            fatal("program exited before stage %s" % stage)
        pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFF
        if pc != addr:
            fatal("expected stage %s at 0x%x, stopped at 0x%x (%s)" % (stage, addr, pc, symbolize(pc)))
        if not envreported:
            out("GOENV " + json.dumps({"requested": gmp, "inferior": inferior_env()}))
            envreported = True
        capture(stage, S)
        # each stop is reached once; drop it so later passes (other Ms) do not stop
        for num, (st, bp) in list(bps.items()):
            if st == stage:
                bp.delete()
                del bps[num]
        if stage != "mainpc":
            gdb.execute("continue", to_string=True)
    gdb.execute("kill", to_string=True)


try:
    main()
except gdb.error as e:
    out("GOERROR gdb: %s" % e)
    gdb.execute("quit 1")
