#!/usr/bin/env python3
"""Summarise and check captured Go runtime states (output of capture.sh).

    python3 summarize.py observed/*.jsonl            # markdown tables
    python3 summarize.py --check observed/*.jsonl    # also assert invariants

Each file holds the four JSON lines printed by capture.sh; the file's base
name (unset, empty, 1, 2, ...) is used as the GOMAXPROCS label.

--check asserts what the boot-sequence note predicts for the deterministic
stages (schedinit, newproc, gogo); "mainpc" is only reported, because what
happens between runtime.main and main.main depends on thread timing.
"""
import json
import os
import sys

STAGES = ["schedinit", "newproc", "gogo", "mainpc"]
G0_USABLE = 64 * 1024 - 104  # asm_386.s:105
STACK_GUARD = 928  # stack.go:99
# the order used in README.md; other labels follow, sorted
ORDER = ["unset", "empty", "1", "2", "5", "8", "33", "0", "-1", "abc", "2147483648"]


def load(path):
    states = [json.loads(line) for line in open(path) if line.strip()]
    got = [s["stage"] for s in states]
    if got != STAGES:
        sys.exit("%s: stages %s, want %s" % (path, got, STAGES))
    return {s["stage"]: s for s in states}


def label(path):
    return os.path.basename(path)[: -len(".jsonl")]


def idle_list(s):
    """Walk sched.pidle -> p.link."""
    by_id = {p["id"]: p for p in s["allp"]}
    out, pid, seen = [], s["sched"]["pidle"], set()
    while pid is not None and pid not in seen:
        seen.add(pid)
        out.append(pid)
        pid = by_id[pid]["link"]
    return out


def fmt_list(xs):
    if len(xs) > 8:
        return "%s..%s (%d)" % (",".join(map(str, xs[:3])), xs[-1], len(xs))
    return ",".join(map(str, xs)) if xs else "—"


def js(v):
    return "null" if v is None else str(v)


def g1(s):
    for g in s["allgs"]:
        if g["goid"] == 1:
            return g
    return None


def check(name, st):
    errs = []

    def want(cond, what):
        if not cond:
            errs.append("%s: %s" % (name, what))

    si, np_, gg = st["schedinit"], st["newproc"], st["gogo"]
    n = si["gomaxprocs"]
    for s in (si, np_, gg, st["mainpc"]):
        want(len(s["allp"]) == n, "%s: len(allp) %d != gomaxprocs %d" % (s["stage"], len(s["allp"]), n))
        want(all(s["links"].values()) or s["stage"] == "mainpc", "%s: links %s" % (s["stage"], s["links"]))
        want(s["sched"]["maxmcount"] == 10000, "%s: maxmcount" % s["stage"])
    # schedinit: mstart0 has not run: guards == lo, usable g0 stack 65432
    g0 = si["g0"]
    want(g0["stackguard0"] == g0["stack"]["lo"] == g0["stackguard1"], "schedinit: g0 guards != lo")
    want(g0["stack"]["hi"] - g0["stack"]["lo"] == G0_USABLE, "schedinit: g0 hi-lo != 65432")
    want(si["allgs"] == [], "schedinit: allgs not empty")
    want(si["sched"]["goidgen"] == 0, "schedinit: goidgen != 0")
    want(si["g0tls"] is not None, "schedinit: g0tls")
    want(idle_list(si) == list(range(1, n)), "schedinit: idle list %s" % idle_list(si))
    want(si["sched"]["npidle"] == n - 1, "schedinit: npidle")
    want(si["allp"][0]["status"] == "_Prunning" and all(p["status"] == "_Pidle" for p in si["allp"][1:]),
         "schedinit: P statuses")
    # newproc: g1 made, in runnext of P0
    g = g1(np_)
    want(len(np_["allgs"]) == 1 and g is not None, "newproc: allgs != [g1]")
    if g:
        want(g["parentGoid"] == 0 and g["status"] == "_Grunnable", "newproc: g1 parent/status")
        want(g["stack"]["hi"] - g["stack"]["lo"] == 2048, "newproc: g1 stack size")
        want(g["stackguard0"] - g["stack"]["lo"] == STACK_GUARD, "newproc: g1 stackguard0-lo")
        want(g["stack"]["hi"] - g["sched"]["sp"] == 20, "newproc: g1 hi-sched.sp != 20")
        want(g["sched"]["pcSymbol"] == "runtime.main", "newproc: pcSymbol")
        want(g["returnSymbol"] == "runtime.goexit+1", "newproc: returnSymbol")
    want(np_["allp"][0]["runnext"] == 1 and np_["allp"][0]["runq"] == [], "newproc: P0 runnext/runq")
    want(np_["sched"]["goidgen"] == 16, "newproc: goidgen")
    want((np_["allp"][0]["goidcache"], np_["allp"][0]["goidcacheend"]) == (2, 17), "newproc: goidcache")
    want(idle_list(np_) == list(range(1, n)), "newproc: idle list")
    want(np_["g0"] == si["g0"], "newproc: g0 changed")
    want(np_["m0"]["curg"] is None and not np_["mainStarted"], "newproc: curg/mainStarted")
    # gogo: mstart0 ran (guards lo+928), g1 running on m0, runnext taken
    g0 = gg["g0"]
    want(g0["stackguard0"] - g0["stack"]["lo"] == STACK_GUARD == g0["stackguard1"] - g0["stack"]["lo"],
         "gogo: g0 guards != lo+928")
    want(gg["m0"]["curg"] == 1 and gg["allp"][0]["runnext"] is None, "gogo: curg/runnext")
    g = g1(gg)
    want(g is not None and g["status"] == "_Grunning" and g["sched"]["sp"] == 0, "gogo: g1 running, sched.sp cleared")
    want(not gg["mainStarted"], "gogo: mainStarted")
    return errs


def main(argv):
    do_check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    if not paths:
        sys.exit(__doc__)
    data = {label(p): load(p) for p in paths}
    order = [k for k in ORDER if k in data] + sorted(k for k in data if k not in ORDER)

    print("#### Per GOMAXPROCS value (stage schedinit unless said)\n")
    print("| GOMAXPROCS | ncpu | gomaxprocs | npidle | idle list (sched.pidle→link) | P statuses | g0 hi−lo | g0 guard0−lo / guard1−lo (schedinit → gogo) | g0.sched.pc at gogo |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k in order:
        st = data[k]
        si, gg = st["schedinit"], st["gogo"]
        g0s, g0g = si["g0"], gg["g0"]
        stat = {}
        for p in si["allp"]:
            stat[p["status"]] = stat.get(p["status"], 0) + 1
        print("| `%s` | %d | %d | %d | %s | %s | %d | %d/%d → %d/%d | %d |" % (
            k, si["ncpu"], si["gomaxprocs"], si["sched"]["npidle"], fmt_list(idle_list(si)),
            " ".join("%s×%d" % kv for kv in sorted(stat.items())),
            g0s["stack"]["hi"] - g0s["stack"]["lo"],
            g0s["stackguard0"] - g0s["stack"]["lo"], g0s["stackguard1"] - g0s["stack"]["lo"],
            g0g["stackguard0"] - g0g["stack"]["lo"], g0g["stackguard1"] - g0g["stack"]["lo"],
            g0g["sched"]["pc"]))

    print("\n#### g1 and goids per stage (all GOMAXPROCS values)\n")
    print("| GOMAXPROCS | stage | goidgen | goidcache/end (P0; others used) | m0.p | m0.curg | allgs (goid:status) | g1 stack | g1 guard0−lo | g1 hi−sched.sp | g1 pcSymbol | g1 returnSymbol | P0 runnext | npidle | idle list | g0 hi−lo | g0 guard0−lo/guard1−lo | g0 hi−sched.sp |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k in order:
        for stage in STAGES:
            s = data[k][stage]
            g = g1(s)
            p0 = s["allp"][0]
            gcol = ["—"] * 5
            if g:
                gcol = [
                    str(g["stack"]["hi"] - g["stack"]["lo"]),
                    str(g["stackguard0"] - g["stack"]["lo"]),
                    str(g["stack"]["hi"] - g["sched"]["sp"]) if g["sched"]["sp"] else "(sp=0)",
                    g["sched"]["pcSymbol"] or "null",
                    g["returnSymbol"] or "null",
                ]
            allgs = " ".join("%d:%s" % (x["goid"], x["status"][2:]) for x in s["allgs"]) or "—"
            others = ["P%d %d/%d" % (p["id"], p["goidcache"], p["goidcacheend"]) for p in s["allp"][1:]
                      if p["goidcacheend"] != 0]
            gc = "%d/%d" % (p0["goidcache"], p0["goidcacheend"]) + ("; " + "; ".join(others) if others else "")
            g0 = s["g0"]
            g0col = "%d | %d/%d | %s" % (
                g0["stack"]["hi"] - g0["stack"]["lo"],
                g0["stackguard0"] - g0["stack"]["lo"], g0["stackguard1"] - g0["stack"]["lo"],
                str(g0["stack"]["hi"] - g0["sched"]["sp"]) if g0["sched"]["sp"] else "(sp=0)")
            print("| `%s` | %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                k, stage, s["sched"]["goidgen"], gc, js(s["m0"]["p"]), js(s["m0"]["curg"]), allgs,
                " | ".join(gcol),
                "%s | %d | %s" % (js(p0["runnext"]), s["sched"]["npidle"], fmt_list(idle_list(s))),
                g0col))

    if do_check:
        errs = []
        for k in order:
            errs += check(k, data[k])
        for e in errs:
            print("CHECK FAILED " + e, file=sys.stderr)
        print("%d passed, %d failed" % (len(order) - len({e.split(":")[0] for e in errs}),
                                        len({e.split(":")[0] for e in errs})), file=sys.stderr)
        return 1 if errs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
