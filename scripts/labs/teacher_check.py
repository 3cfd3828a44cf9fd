"""The teacher check (`lab.py check`, run by `make test`).

It never touches the working copy: it copies the project into target/labs/check/tree and
works there, with its own cargo target directory (target/labs/check/cargo), so that
incremental builds make the second run fast. It checks:

  - the tool's own unit tests (test_lab.py) and the exercise definitions;
  - the book: every chapter ends with its exercises, whose solutions are included from the
    source by their ANCHOR, and the page for teachers exists;
  - every reference solution scores 100;
  - every starter stub compiles, scores less than 100 on its own exercise, and
    `exercise-reset` gives back the reference byte for byte;
  - bad input: an unknown exercise, student code that does not compile, that hangs, that
    crashes the runtime: a clear message and a score, no traceback, no hang;
  - the starter pack: every region stubbed, no line of any solution in it, no .git, it
    builds and its grade is below 100; a student's solution graded with --student scores
    100; the pack detects changes outside the regions.

It prints one line per check and ends with `labs: N passed, M failed`.
"""

import io
import os
import re
import shutil
import subprocess
import sys
import time
import unittest
from pathlib import Path

import lab
from exercises import EXERCISES

CHAPTERS = ["globals", "rt0_386", "rt0_go", "schedinit", "newproc", "mstart", "gogo", "mainpc"]


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = []
        self.t0 = time.time()

    def ok(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed.append(what)
            print(f"  FAIL  {what}")
            for l in str(detail).strip().split("\n")[:40]:
                print(f"        | {l}")
        sys.stdout.flush()
        return cond

    def section(self, title):
        print(f"\n{title} ({time.time() - self.t0:.0f} s)")
        sys.stdout.flush()


def lab_cli(root, *args, timeout=900, env=None):
    """Runs lab.py as a user would; returns (status, output)."""
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run([sys.executable, str(lab.HERE / "lab.py"), "--root", str(root)] + list(args),
                       capture_output=True, text=True, timeout=timeout, env=e)
    return r.returncode, r.stdout + r.stderr


def check_definitions(c, tree):
    c.ok(sum(e.points for e in EXERCISES) == 100, "the exercises' points add up to 100",
         sum(e.points for e in EXERCISES))
    names = [e.name for e in EXERCISES]
    c.ok(len(set(names)) == len(names), "exercise names are unique")
    c.ok(len(EXERCISES) >= 14, f"{len(EXERCISES)} exercises (at least 14)")
    per = {ch: [e.name for e in EXERCISES if e.chapter == ch] for ch in CHAPTERS}
    c.ok(all(1 <= len(v) <= 3 for v in per.values()) and all(e.chapter in CHAPTERS for e in EXERCISES),
         "every chapter has one to three exercises", per)
    bad = [f"{e.name}: {sum(t.points for t in e.tests)}" for e in EXERCISES
           if sum(t.points for t in e.tests) + lab.INTEGRITY_POINTS != 100]
    c.ok(not bad, "every exercise's tests add up to 100 (with the 5 for an unchanged runtime)", bad)
    try:
        regions = tree.regions()
        for e in EXERCISES:
            lab.regions_of(tree, e)
        orphans = [k for k, r in regions.items() if r.name not in names]
        c.ok(not orphans, f"{len(regions)} marked regions, each with its exercise and stub", orphans)
    except lab.LabError as err:
        c.ok(False, "the source's exercise regions match the definitions", err)
        return
    # The markers are the runtime's own comments: the ANCHOR lines frame every body.
    framed = []
    for r in regions.values():
        lines = tree.read(r.path).split("\n")
        if not (lines[r.start - 1].strip() == f"// ANCHOR: {r.anchor}"
                and lines[r.stop].strip() == f"// ANCHOR_END: {r.anchor}"):
            framed.append(r.key)
    c.ok(not framed, "every region is framed by its mdBook ANCHOR (ex_...) lines", framed)


def check_book(c, tree):
    regions = tree.regions()
    src = tree.root / "chapters-src"
    for ch in CHAPTERS:
        p = src / f"{ch}.md"
        text = p.read_text() if p.is_file() else ""
        problems = []
        run_it = text.find("\n## Run it")
        ex_at = text.find("\n## Exercises")
        if ex_at < 0:
            problems.append("no '## Exercises' section")
        elif run_it < 0 or ex_at < run_it:
            problems.append("the Exercises section is not after 'Run it'")
        elif re.search(r"^## ", text[ex_at + 2:], re.M):
            problems.append("a section follows the Exercises section")
        for e in (e for e in EXERCISES if e.chapter == ch):
            if f"make grade EX={e.name}" not in text:
                problems.append(f"no `make grade EX={e.name}`")
            for r in (r for r in regions.values() if r.name == e.name):
                inc = f"{{{{#include ../{r.path}:{r.anchor}}}}}"
                at = text.find(inc)
                if at < 0:
                    problems.append(f"no {inc}")
                elif text.rfind('<details class="solution">', 0, at) < text.rfind("</details>", 0, at):
                    problems.append(f"{inc} is not inside a <details class=\"solution\"> block")
        c.ok(not problems, f"chapter {ch}: exercises, grading commands, solutions included from the source",
             "\n".join(problems))
    t = src / "teachers.md"
    text = t.read_text() if t.is_file() else ""
    missing = [e.name for e in EXERCISES if not re.search(rf"\[`{e.name}`\]\([a-z0-9_]+\.md#exercise-[a-z0-9-]+\) \| [^|]+ \| {e.points} \|", text)]
    c.ok(text and "make starter-pack" in text and "make grade" in text and not missing,
         "chapters-src/teachers.md explains the workflow and lists every exercise with its points",
         f"not in its table: {missing}")


def summary(scores):
    return ", ".join(f"{k} {v}" for k, v in scores.items())


def region_files_text(tree):
    return {f.relative_to(tree.root).as_posix(): f.read_text() for f in lab.region_files(tree.root)}


def main(tree, args):
    c = Checker()
    print(f"lab check: the classroom exercises of {tree.root}")

    c.section("the tool")
    suite = unittest.defaultTestLoader.loadTestsFromName("test_lab")
    buf = io.StringIO()
    res = unittest.TextTestRunner(stream=buf, verbosity=1).run(suite)
    c.ok(res.wasSuccessful(), f"test_lab.py: {res.testsRun} unit tests of lab.py", buf.getvalue()[-3000:])
    check_definitions(c, tree)
    check_book(c, tree)

    c.section("a copy of the project (the working copy is not touched)")
    work = tree.root / "target" / "labs" / "check"
    copy_root = work / "tree"
    lab.copy_tree(tree.root, copy_root)
    for d in ("target/labs", ):  # no state carried over from the working copy
        shutil.rmtree(copy_root / d, ignore_errors=True)
    copy = lab.Tree(copy_root)
    cargo_dir = work / "cargo"
    c.ok(True, f"copied to {copy_root.relative_to(tree.root)}, cargo target {cargo_dir.relative_to(tree.root)}")
    original = region_files_text(copy)

    c.section("every reference solution scores 100")
    out = io.StringIO()
    scores = lab.grade(copy, None, target_dir=cargo_dir, out=out)
    c.ok(all(v == 100 for v in scores.values()), "the reference: " + summary(scores), out.getvalue())

    c.section("every starter stub compiles and scores less than 100; reset restores the reference")
    for ex in EXERCISES:
        lab.apply_exercise(copy, ex.name, quiet=True)
        stubbed = lab.status(copy, ex) == "starter"
        out = io.StringIO()
        s = lab.grade(copy, [ex.name], target_dir=cargo_dir, fail_fast=True, out=out, quiet_build=True)
        text = out.getvalue()
        compiled = "does not compile" not in text
        lab.reset_exercise(copy, ex.name, quiet=True)
        same = region_files_text(copy) == original
        c.ok(stubbed and compiled and s[ex.name] < 100 and same,
             f"{ex.name}: the starter compiles and scores {s[ex.name]}/100; reset gives the reference back",
             text if not (compiled and s[ex.name] < 100) else "the tree differs after reset")
    c.ok(not (copy.state / "baseline.json").exists() and not any((copy.state / "pristine").glob("*")),
         "after the resets no starter state is left in target/labs")

    c.section("bad input gets a clear message and a score")
    st, text = lab_cli(copy_root, "grade", "nosuch")
    c.ok(st == 2 and "unknown exercise 'nosuch'" in text and "Traceback" not in text,
         "an unknown exercise: exit 2 and the list of exercises", text)
    st, text = lab_cli(copy_root, "exercise")
    c.ok(st == 2 and "which exercise?" in text and "Traceback" not in text, "no exercise named: exit 2", text)
    st, text = lab_cli(copy_root, "reset", "runqput")
    c.ok(st == 0 and "already the reference" in text, "reset of a solved exercise says so", text)

    def with_body(key, body, *grade_args, env=None):
        r = copy.regions()[key]
        copy.write(r.path, lab.replace_body(copy.read(r.path), r.path, key, [r.indent + l for l in body]))
        try:
            t0 = time.time()
            st, text = lab_cli(copy_root, "grade", *grade_args, "--fail-fast", env=env)
            return st, text, time.time() - t0
        finally:
            copy.write(r.path, original[r.path])

    st, text, _ = with_body("slice", ["this is not Rust"], "slice")
    c.ok(st == 1 and "does not compile" in text and "total: 0/100" in text and "Traceback" not in text,
         "code that does not compile: the compiler's errors and 0/100", text)
    st, text, dt = with_body("gomaxprocs:env", ["let _ = (ncpu, env);", "loop {}"], "gomaxprocs",
                             env={"LAB_TIMEOUT": "2"})
    c.ok(st == 1 and "did not finish in 2 s" in text and "Traceback" not in text and dt < 120,
         f"code that hangs: a time limit per run, then a score ({dt:.0f} s)", text)
    st, text, _ = with_body("gomaxprocs:env", ["let _ = env;", "unsafe { *(8 as *mut i32) = ncpu };", "ncpu"], "gomaxprocs")
    c.ok(st == 1 and "killed by SIGSEGV" in text and "Traceback" not in text,
         "code that crashes the runtime: the signal, and a score", text)
    c.ok(region_files_text(copy) == original, "the copy is back to the reference")

    c.section("the starter pack")
    pack_out = work / "pack"
    try:
        dst, tgz, nsecret = lab.make_pack(copy, pack_out)
        made = True
    except lab.LabError as e:
        made = False
        c.ok(False, "the starter pack has no solution lines", e)
    if made:
        c.ok(True, f"no line of any solution in the pack ({nsecret} distinctive solution lines searched)")
        pack = lab.Tree(dst)
        c.ok(all(lab.status(pack, e) == "starter" for e in EXERCISES), "every exercise is a stub in the pack")
        c.ok(not (dst / ".git").exists() and not (dst / "target").exists() and tgz.is_file(),
             "no .git and no target/ in the pack; the tarball is written")
        mds = "".join(p.read_text() for p in (dst / "chapters-src").glob("*.md"))
        c.ok('<details class="solution">' not in mds and not re.search(r"(?<!\\)\{\{#include [^}]*:ex_", mds),
             "the book in the pack has no solution blocks")
        out = io.StringIO()
        s = lab.grade(pack, None, target_dir=work / "pack-cargo", fail_fast=True, out=out)
        c.ok("does not compile" not in out.getvalue() and all(v < 100 for v in s.values()),
             "the pack builds; every exercise scores less than 100 there", out.getvalue())
        st, text = lab_cli(dst, "reset", "gogo")
        c.ok(st == 2 and "no solutions" in text, "reset in the pack: there is no solution to restore", text)
        st, text = lab_cli(dst, "exercise", "gogo")
        c.ok(st == 0 and "already in starter form" in text, "exercise in the pack: already a stub", text)
        # A student solves runqput in the full pack: it cannot boot through the other stubs
        # there, but graded with --student (the reference for the others) it scores 100.
        for r in copy.regions().values():
            if r.name == "runqput":
                pr = pack.regions()[r.key]
                pack.write(pr.path, lab.replace_body(pack.read(pr.path), pr.path, r.key, r.body))
        out = io.StringIO()
        s = lab.grade(pack, ["runqput"], target_dir=work / "pack-cargo", out=out, quiet_build=True)
        c.ok(s["runqput"] < 100 and "the boot stops in the stub of exercise rt0_386" in out.getvalue(),
             "in the full pack a solved runqput still boots through the other stubs, and the grade says so",
             out.getvalue())
        st, text = lab_cli(copy_root, "grade", "runqput", "--student", str(dst))
        c.ok(st == 0 and "total: 100/100" in text, "the student's runqput graded with --student: 100/100", text)
        st_rs = dst / "runtime-i386" / "src" / "state.rs"
        st_rs.write_text(st_rs.read_text() + "\n// a change outside the exercise regions\n")
        st, text = lab_cli(copy_root, "grade", "runqput", "--student", str(dst))
        c.ok(st == 1 and "total: 95/100" in text and "changed outside the exercise regions: runtime-i386/src/state.rs" in text,
             "a change outside the regions costs the 5 points of an unchanged runtime", text)

    c.section("a starter pack of one exercise (make starter-pack EX=runqput)")
    try:
        dst, tgz, nsecret = lab.make_pack(copy, work / "pack1", ["runqput"])
        made = True
    except lab.LabError as e:
        made = False
        c.ok(False, "the one-exercise pack has no line of runqput's solution", e)
    if made:
        pack = lab.Tree(dst)
        c.ok(lab.status(pack, lab.find_exercise("runqput")) == "starter" and
             lab.status(pack, lab.find_exercise("gogo")) != "starter",
             f"only runqput is a stub; no line of its solution is in the pack ({nsecret} searched)")
        st, text = lab_cli(dst, "exercise", "gogo")
        c.ok(st == 2 and "not part of this starter pack" in text, "the other exercises are not part of it", text)
        for r in copy.regions().values():
            if r.name == "runqput":
                pr = pack.regions()[r.key]
                pack.write(pr.path, lab.replace_body(pack.read(pr.path), pr.path, r.key, r.body))
        st, text = lab_cli(dst, "grade", env={"CARGO_TARGET_DIR": str(work / "pack1-cargo")})
        c.ok(st == 0 and "total: 100/100" in text and "== runqput" in text and "== gogo" not in text,
             "a solved runqput scores 100 in that pack, with `make grade` grading only runqput", text)

    if not args.keep:
        shutil.rmtree(copy_root, ignore_errors=True)
        shutil.rmtree(pack_out, ignore_errors=True)
        shutil.rmtree(work / "pack1", ignore_errors=True)

    print(f"\nlab check took {time.time() - c.t0:.0f} s")
    if c.failed:
        print("failed: " + "; ".join(c.failed))
    print(f"labs: {c.passed} passed, {len(c.failed)} failed")
    return 0 if not c.failed else 1
