"""The teacher check (`make labs-check`, run by `make test`): the course as students get it.

It works in copies of the project under target/labs/check/ (the working copy is never
touched); every grading shares one build directory, so cargo rebuilds only what differs.
"""

import base64
from html import unescape
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

import grade
import handouts
import lab
from lab import COURSE

PY = sys.executable


class Checker:
    def __init__(self):
        self.passed, self.failed, self.t0 = 0, [], time.time()

    def ok(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed.append(what)
            print(f"  FAIL  {what}")
            for line in str(detail).strip().split("\n")[-40:]:
                print(f"        | {line}")
        sys.stdout.flush()
        return cond

    def section(self, title):
        print(f"\n{title} ({time.time() - self.t0:.0f} s)", flush=True)


def cli(root, *args, env=None):
    """lab.py run as a user would: (exit status, output)."""
    r = subprocess.run([PY, str(lab.HERE / "lab.py"), "--root", str(root), *args], capture_output=True,
                       text=True, env=dict(os.environ, **(env or {})), timeout=1800)
    return r.returncode, r.stdout + r.stderr


def scores(root, *args, env=None):
    """{exercise: score} of `lab.py grade --json` (None: needs another first), and the result."""
    r = subprocess.run([PY, str(lab.HERE / "lab.py"), "--root", str(root), "grade", "--json", *args],
                       capture_output=True, text=True, env=dict(os.environ, **(env or {})), timeout=1800)
    try:
        res = json.loads(r.stdout)
    except ValueError:
        return {}, {"output": r.stdout + r.stderr}
    return {x["name"]: x["score"] for x in res["exercises"]}, res


def git_copy(src, dst):
    """A copy of the project committed to a fresh git repository, as a clone is."""
    lab.copy_tree(src, dst)
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(["git", "-C", str(dst), "-c", "user.name=check", "-c", "user.email=check@example.invalid",
                        *cmd], check=True, capture_output=True)
    return lab.Tree(dst)


def solve(tree, ex, reference):
    """Puts the reference solution of `ex` into tree (a student's correct work)."""
    for r in tree.regions_of(ex):
        tree.write(r.path, lab.replace_body(tree.read(r.path), r.path, r.key, reference[r.key]))


def check_course(c, tree):
    exs, regions = COURSE.exercises, tree.regions()
    c.ok(sum(e.points for e in exs) == 100, "the exercises' points add up to 100")
    bad = [e.name for e in exs if sum(p for p, _ in e.tests) != 100 - lab.INTEGRITY_POINTS]
    c.ok(not bad, "every exercise's tests add up to 95 (5 more for an unchanged runtime)", bad)
    per = {ch: [e.name for e in exs if lab.chapter_of(e, regions) == ch] for ch in lab.CHAPTERS}
    c.ok(all(1 <= len(v) <= 3 for v in per.values()), "every chapter has one to three exercises", per)
    order = [e.name for e in exs]
    late = [f"{e.name} needs {n}" for e in exs for n in e.needs if n not in order or order.index(n) >= e.index]
    c.ok(not late, "every exercise needs only exercises before it", late)
    problems = []
    for e in exs:
        try:
            tree.regions_of(e)
        except lab.LabError as err:
            problems.append(str(err))
    c.ok(not problems and {r.name for r in regions.values()} == set(order),
         f"{len(regions)} marked regions, each with its exercise and its stub", problems)
    bad = {k: grade.forbidden(r.body, r.path) for k, r in regions.items() if grade.forbidden(r.body, r.path)}
    c.ok(not bad, "no reference solution uses a construct the grader forbids", bad)
    listed = {}
    for f in {t.split("::")[0] for e in exs for _, t in e.tests}:
        args = ["--lib"] if f == "lib" else ["--test", f]
        r = subprocess.run(["cargo", "test", "--quiet", "-p", "runtime-i386" if f == "lib" else "gmp-boot-book",
                            *args, "--", "--list"], cwd=tree.root, capture_output=True, text=True)
        listed[f] = {l.removesuffix(": test") for l in r.stdout.splitlines() if l.endswith(": test")}
    missing = [t for e in exs for _, t in e.tests if t.split("::", 1)[1] not in listed[t.split("::")[0]]]
    c.ok(not missing, "every graded test is one of the project's tests", missing)
    stale = handouts.write_book_pages(tree.root, COURSE, check=True)
    c.ok(not stale, "the book's exercise pages are current (make handouts)", stale)
    src = tree.root / "chapters-src"
    noinc = [ch for ch in lab.CHAPTERS if f"{{{{#include generated/exercises-{ch}.md}}}}" not in (src / f"{ch}.md").read_text()]
    c.ok(not noinc and all("generated/exercises-table.md" in (src / p).read_text() for p in ("exercises.md", "teachers.md")),
         "every chapter includes its exercises; the Exercises and For teachers pages the order", noinc)


def check_forgeries(c, copy, pack_src):
    """Student code that tries to pass without doing the work scores 0 on the tests it touches."""
    ex, key = COURSE.find("randomorder"), "randomorder-gcd"
    forgeries = {
        "fake harness output, then exit(0)": [
            'crate::base::sys_linux_386::write1(1, b"test result: ok. 1 passed; 0 failed\\n");',
            "crate::base::sys_linux_386::runtime_exit(0);"],
        "the issue's forgery: #[cfg(test)] std::process::exit(0)": [
            "#[cfg(test)]", "{", '    std::io::Write::write_all(&mut std::io::stdout(), b"1 passed\\n").ok();',
            "    std::process::exit(0);", "}", "let _ = (a, b);", "0"],
        "abort after printing": [
            'crate::base::sys_linux_386::write1(1, b"1 passed\\n");',
            "unsafe { core::ptr::null_mut::<u32>().write_volatile(0) };", "0"],
        "writing a result file": [
            'let fd = crate::base::sys_linux_386::syscall(5, [b"lab-result.json\\0".as_ptr() as usize, 0o101, 0o644, 0, 0, 0]);',
            'crate::base::sys_linux_386::write1(fd as usize, b"{\\"score\\": 100, \\"passed\\": true}\\n");', "let _ = (a, b);", "0"],
    }
    original = copy.read(copy.regions()[key].path)
    for what, body in forgeries.items():
        r = copy.regions()[key]
        copy.write(r.path, lab.replace_body(copy.read(r.path), r.path, key, lab.indented(body, r.indent)))
        s, res = scores(copy.root, "randomorder")
        x = (res.get("exercises") or [{}])[0]
        gcd = [t for t in x.get("tests", []) if t["test"].endswith("gcd_values")]
        c.ok(gcd and gcd[0]["earned"] == 0 and (s.get("randomorder") or 0) < 100 and not res.get("build_error"),
             f"forgery in randomorder's gcd, {what}: gcd_values scores 0 (randomorder {s.get('randomorder')}/100)",
             json.dumps(x, indent=1)[-2500:])
        copy.write(r.path, original)
    # Editing a graded test, or the grader, outside the regions: never built, never run.
    p = lab.Tree(pack_src)
    test_rs = p.root / "runtime-i386/src/tests/order.rs"
    keep_test = test_rs.read_text()
    test_rs.write_text(re.sub(r"(fn \w+\(\) \{\n    let _l = \w+\(\);\n)", r"\1    return;\n", keep_test))
    s, res = scores(p.root, "randomorder")
    x = (res.get("exercises") or [{}])[0]
    c.ok(s.get("randomorder") == 0 and "runtime-i386/src/tests/order.rs" in x.get("integrity", {}).get("changed", []),
         "a student who makes randomorder's tests return early in their pack: `make grade` builds the pack as "
         f"handed out, the stub scores {s.get('randomorder')}/100 and the edit is named",
         json.dumps(x, indent=1)[-1500:])
    gr = p.root / "scripts/labs/grade.py"
    keep_grader = gr.read_text()
    gr.write_text(keep_grader.replace('out["score"] = sum(', 'out["score"] = 100 or sum('))
    s, res = scores(copy.root, "randomorder", "--student", str(p.root))
    ch = (res.get("exercises") or [{}])[0].get("integrity", {}).get("changed", [])
    c.ok(s.get("randomorder") == 0 and "scripts/labs/grade.py" in ch,
         f"and edits the grader too: the teacher's grading gives randomorder {s.get('randomorder')}/100 and names "
         "the changed grader and tests", ch)
    test_rs.write_text(keep_test)
    gr.write_text(keep_grader)


def check_side_effects(c, copy):
    """A correct getproccount that also deletes README.md and writes outside the project."""
    ex, key = COURSE.find("getproccount"), "getproccount"
    r = copy.regions()[key]
    original = copy.read(r.path)
    outside = Path.home() / f"lab-side-effect-{os.getpid()}"
    body = [f'crate::base::sys_linux_386::syscall(10, [b"{copy.root}/README.md\\0".as_ptr() as usize, 0, 0, 0, 0, 0]);',
            f'crate::base::sys_linux_386::syscall(5, [b"{outside}\\0".as_ptr() as usize, 0o101, 0o644, 0, 0, 0]);'] + r.body
    copy.write(r.path, lab.replace_body(original, r.path, key, lab.indented(body, r.indent)))
    try:
        for sandbox in ("bubblewrap", "none"):
            env = {"LAB_SANDBOX": "none"} if sandbox == "none" else {}
            s, res = scores(copy.root, "getproccount", env=env)
            x = (res.get("exercises") or [{}])[0]
            readme = (copy.root / "README.md").is_file()
            if sandbox == "bubblewrap":
                c.ok(res.get("sandbox") == "bubblewrap" and readme and not outside.exists() and not res.get("build_error"),
                     "with bubblewrap, a correct getproccount that deletes README.md and writes to ~ changes "
                     f"nothing (getproccount {s.get('getproccount')}/100)", json.dumps(res, indent=1)[-1500:])
            else:
                eff = x.get("integrity", {}).get("side_effects", [])
                c.ok(s.get("getproccount", 100) < 100 and any("README.md" in e for e in eff) and not res.get("build_error")
                     and any(str(outside) in e for e in eff),
                     f"without a sandbox, the same side effects are caught: getproccount {s.get('getproccount')}/100, "
                     f"the changes named", json.dumps(x, indent=1)[-1500:])
            subprocess.run(["git", "-C", str(copy.root), "checkout", "-q", "README.md"])
            outside.unlink(missing_ok=True)
    finally:
        copy.write(r.path, original)


def check_workflow(c, pack, total_want):
    """The pack's GitHub Classroom workflow: its steps, run here, report the points."""
    wf = pack.root / ".github/workflows/classroom.yml"
    r = subprocess.run(["/usr/bin/python3", "-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
                       stdin=wf.open(), capture_output=True, text=True)
    if not c.ok(r.returncode == 0, "the autograding workflow is valid YAML", r.stderr):
        return
    doc = json.loads(r.stdout)
    steps = doc["jobs"]["run-autograding-tests"]["steps"]
    reporter = [s for s in steps if s.get("uses", "").startswith("education/autograding-grading-reporter@")]
    names = [e.name for e in pack.exercises()]
    c.ok("push" in doc["on"] and len(reporter) == 1 and reporter[0]["with"]["runners"].split(",") == names,
         "it runs on push and reports every exercise of the pack", json.dumps(steps, indent=1))
    out = pack.root / "target" / "github_output"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("")
    for s in steps:
        if "run" in s:
            p = subprocess.run(["bash", "-eo", "pipefail", "-c", s["run"]], cwd=pack.root, capture_output=True,
                               text=True, env=dict(os.environ, GITHUB_OUTPUT=str(out)))
            c.ok(p.returncode in (0, 1), f"workflow step `{s['name']}` runs here", p.stdout[-1500:] + p.stderr[-1500:])
    outputs = dict(l.split("=", 1) for l in out.read_text().split("\n") if "=" in l)
    total = maxs = 0
    for name in names:
        expr = reporter[0]["env"].get(f"{name.upper()}_RESULTS", "")
        m = re.fullmatch(r"\$\{\{ steps\.grade\.outputs\.(\w+) \}\}", expr)
        res = json.loads(base64.b64decode(outputs.get(m.group(1) if m else "", "")) or "{}")
        maxs += res.get("max_score", 0)
        total += sum(t["score"] for t in res.get("tests", []))
    c.ok(round(total, 6) == total_want and maxs == sum(e.points for e in pack.exercises()),
         f"the reporter's sum of the results: {total:g} of {maxs} points (want {total_want})")


def main(tree):
    c = Checker()
    print(f"lab check: the classroom exercises of {tree.root}")
    work = tree.root / "target" / "labs" / "check"
    os.environ["LAB_BUILD_DIR"] = str(work / "build")

    c.section("the tool and the course")
    res = unittest.TextTestRunner(stream=sys.stdout, verbosity=0).run(
        unittest.defaultTestLoader.loadTestsFromName("test_lab"))
    c.ok(res.wasSuccessful(), f"test_lab.py: {res.testsRun} unit tests of the tools")
    check_course(c, tree)

    c.section("a copy of the project: every reference solution scores 100")
    copy = git_copy(tree.root, work / "tree")
    reference = {k: r.body for k, r in copy.regions().items()}
    s, res = scores(copy.root)
    c.ok(s and all(v == 100 for v in s.values()), "the reference: " + ", ".join(f"{k} {v}" for k, v in s.items()),
         json.dumps(res)[-2000:])
    c.ok(res.get("sandbox") == "bubblewrap", f"graded in a sandbox: {res.get('sandbox')}")

    c.section("every stub goes in with `make exercise` and out with `make exercise-reset`, byte for byte")
    files = {f: (copy.root / f).read_bytes() for f in copy.files()}
    for e in COURSE.exercises:
        st1, out1 = cli(copy.root, "exercise", e.name)
        starter = copy.status(e) == "starter"
        st2, out2 = cli(copy.root, "reset", e.name)
        c.ok(st1 == st2 == 0 and starter and {f: (copy.root / f).read_bytes() for f in copy.files()} == files,
             f"{e.name}: stub in, reference back", out1 + out2)

    c.section("bad input: a clear message and a score")
    st, out = cli(copy.root, "grade", "nosuch")
    c.ok(st == 2 and "unknown exercise 'nosuch'" in out and "Traceback" not in out, "an unknown exercise", out)
    st, out = cli(copy.root, "exercise")
    c.ok(st == 2 and "which exercise?" in out, "no exercise named", out)
    st, out = cli(copy.root, "reset", "runqput")
    c.ok(st == 0 and "already the reference" in out, "reset of a solved exercise says so", out)
    for what, key, body, env, want in [
            ("code that does not compile", "slice", ["this is not Rust"], {}, "does not compile"),
            ("code that hangs", "gomaxprocs-env", ["let _ = (ncpu, env);", "loop {}"], {"LAB_TIMEOUT": "2"},
             "did not finish in 2 s"),
            ("code that crashes", "gomaxprocs-env", ["let _ = env;", "unsafe { *(8 as *mut i32) = ncpu };", "ncpu"], {},
             "SIGSEGV")]:
        r = copy.regions()[key]
        keep = copy.read(r.path)
        copy.write(r.path, lab.replace_body(keep, r.path, key, lab.indented(body, r.indent)))
        st, out = cli(copy.root, "grade", key.split("-")[0], env=env)
        copy.write(r.path, keep)
        c.ok(st == 1 and want in out and "Traceback" not in out, f"{what}: {want!r}, and a score", out[-2500:])

    c.section("forgeries and side effects")
    pack_dir, _, _ = lab.make_pack(copy, work / "forgery", [e.name for e in COURSE.exercises])
    check_forgeries(c, copy, pack_dir)
    check_side_effects(c, copy)

    c.section("the full starter pack")
    dst, tgz, n = lab.make_pack(copy, work / "pack", [e.name for e in COURSE.exercises])
    pack = lab.Tree(dst)
    c.ok(True, f"no line of any solution in the pack ({n} distinctive solution lines searched)")
    c.ok(all(pack.status(e) == "starter" for e in COURSE.exercises), "every exercise is the stub")
    c.ok(pack.handed_out() and not (dst / "target").exists() and tgz.is_file()
         and not any((dst / f).exists() for f in lab.TEACHER_ONLY),
         "a git repository (one commit, as handed out), its tarball; no build output, no teacher material")
    mds = "".join(p.read_text() for p in (dst / "chapters-src").rglob("*.md"))
    readme = (dst / "README.md").read_text()
    c.ok('<details class="solution">' not in mds and "teachers.md" not in mds and "make handin" in readme
         and all(f"`{e.name}`" in readme for e in COURSE.exercises),
         "its book has no solutions and no teachers' page; its README is the students' (order, grading, hand-in)")
    st, out = cli(dst, "reset", "gogo")
    c.ok(st == 2 and "no solutions" in out, "reset in the pack: there is no solution to restore", out)
    mdbook = tree.root / ".tools" / "bin" / "mdbook"
    r = subprocess.run([str(mdbook), "build", "--dest-dir", str(work / "pack-book")], cwd=dst, capture_output=True,
                       text=True, env=dict(os.environ, PATH=f"{mdbook.parent}:{os.environ['PATH']}"))
    html = "".join(p.read_text(errors="replace") for p in (work / "pack-book").glob("*.html")) if r.returncode == 0 else ""
    shown = {unescape(l).strip() for l in html.split("\n")}
    leak = [l for l in lab.solution_lines(copy, COURSE.exercises) if l in shown]
    c.ok(r.returncode == 0 and "exercise rt0_386: not implemented" in html and not leak,
         "the pack's book builds, shows the stubs and no line of a solution", (r.stderr + str(leak[:5]))[-1500:])
    r = subprocess.run(["bash", str(dst / ".ci" / "run")], cwd=dst, capture_output=True, text=True)
    c.ok(r.returncode == 0 and "the pack is healthy" in r.stdout, "the untouched pack's own CI passes (.ci/run)",
         r.stdout[-2000:] + r.stderr[-1000:])
    s, res = scores(dst)
    c.ok(s and all(v is None or v < 100 for v in s.values()),
         "graded untouched, every exercise scores less than 100 (or needs one before it)",
         ", ".join(f"{k} {v}" for k, v in s.items()))
    for e in COURSE.exercises:
        solve(pack, e, reference)
        s, res = scores(dst, e.name)
        c.ok(s.get(e.name) == 100, f"solved in order, {e.name} scores {s.get(e.name)}/100 with correct work alone",
             json.dumps(res, indent=1)[-2000:])
    st, out = cli(dst, "handin", "--out", str(work / "handin.json"))
    s, _ = scores(copy.root, "--student", str(work / "handin.json"))
    c.ok(st == 0 and s and all(v == 100 for v in s.values()), "the solved pack's hand-in, graded by the teacher: 100")
    check_workflow(c, pack, 100)

    c.section("two gradings at once")
    sub = subprocess.run(["git", "-C", str(dst), "stash", "-q"], capture_output=True)  # back to the stubs
    got = {}
    th = [threading.Thread(target=lambda k, root: got.__setitem__(k, scores(root)[0]), args=(k, root))
          for k, root in (("tree", copy.root), ("pack", dst))]
    for t in th:
        t.start()
    for t in th:
        t.join()
    want_pack = scores(dst)[0]
    c.ok(sub.returncode == 0 and got.get("tree") and all(v == 100 for v in got["tree"].values())
         and got.get("pack") == want_pack and want_pack,
         "the reference and the untouched pack graded at once: the same scores as one after the other")

    c.section("one-chapter packs (make starter-pack CHAPTER=...)")
    for ch in lab.CHAPTERS:
        names = [e.name for e in COURSE.exercises if lab.chapter_of(e, copy.regions()) == ch]
        d, _, n = lab.make_pack(copy, work / f"lab-{ch}", names)
        p = lab.Tree(d)
        s0, _ = scores(d)
        for e in p.exercises():
            solve(p, e, reference)
        s1, res = scores(d)
        given = all(lab.norm(r.body) == lab.norm(reference[k]) for k, r in p.regions().items()
                    if r.name not in names)
        c.ok(set(s0) == set(names) and all(v is None or v < 100 for v in s0.values()) and given
             and s1 and all(v == 100 for v in s1.values()),
             f"{ch}: {', '.join(names)} stubbed ({', '.join(f'{k} {v}' for k, v in s0.items())}), "
             f"solved {', '.join(f'{k} {v}' for k, v in s1.items())}", json.dumps(res)[-1500:])
        shutil.rmtree(d.parent, ignore_errors=True)

    print(f"\nlab check took {time.time() - c.t0:.0f} s")
    if c.failed:
        print("failed: " + "; ".join(c.failed))
    print(f"labs: {c.passed} passed, {len(c.failed)} failed")
    return 0 if not c.failed else 1
