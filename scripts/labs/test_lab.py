"""Unit tests of the labs' tools (run by the teacher check; `python3 -m unittest test_lab` in
scripts/labs/ runs them alone). No cargo build: the teacher check does the slow part."""

import os
import sys
import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace

sys.dont_write_bytecode = True
import grade  # noqa: E402
import handouts  # noqa: E402
import lab  # noqa: E402
from lab import COURSE, LabError  # noqa: E402

ROOT = lab.HERE.parent.parent
TEXT = """fn f() {
    // ANCHOR: exercise-demo-one
    let a = 1;
    // ANCHOR_END: exercise-demo-one
    x();
    // ANCHOR: exercise-demo2
    b();
    // ANCHOR_END: exercise-demo2
}"""


class Regions(unittest.TestCase):
    def test_parse_finds_bodies_keys_and_indents(self):
        rs = lab.parse_regions(TEXT, "f.rs")
        self.assertEqual([(r.key, r.name, r.part, r.indent, r.body) for r in rs],
                         [("demo-one", "demo", "one", "    ", ["    let a = 1;"]),
                          ("demo2", "demo2", "", "    ", ["    b();"])])

    def test_bad_markers_are_clear_errors(self):
        for bad, msg in [("// ANCHOR: exercise-a\n// ANCHOR: exercise-b", "inside"),
                         ("// ANCHOR: exercise-a\nx", "without its ANCHOR_END"),
                         ("// ANCHOR_END: exercise-a", "not open"),
                         ("// ANCHOR: exercise-a\n// ANCHOR_END: exercise-b", "not open")]:
            with self.assertRaisesRegex(LabError, msg):
                lab.parse_regions(bad, "x.rs")

    def test_replace_body_round_trip(self):
        new = lab.replace_body(TEXT, "f.rs", "demo-one", ["    let a = 2;", "    let c = 3;"])
        self.assertEqual(lab.parse_regions(new, "f.rs")[0].body, ["    let a = 2;", "    let c = 3;"])
        self.assertEqual(lab.replace_body(new, "f.rs", "demo-one", ["    let a = 1;"]), TEXT)
        with self.assertRaisesRegex(LabError, "no region"):
            lab.replace_body(TEXT, "f.rs", "nope", [])

    def test_every_exercise_has_its_regions_and_stubs(self):
        tree = lab.Tree(ROOT)
        for e in COURSE.exercises:
            rs = tree.regions_of(e)
            sts = lab.stubs(ROOT, e.name)
            self.assertEqual({r.key for r in rs}, set(sts), e.name)
            for k, body in sts.items():
                self.assertTrue(any("TODO(exercise" in l for l in body), k)

    def test_every_exercise_names_the_files_of_its_regions(self):
        tree = lab.Tree(ROOT)
        for e in COURSE.exercises:
            text = e.what + " " + " ".join(e.hints)
            for r in tree.regions_of(e):
                self.assertIn(f"`{r.path}`", text, f"{e.name}: {r.key}")

    def test_fingerprint_ignores_region_bodies_only(self):
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "runtime-i386/src/a.rs"
            p.parent.mkdir(parents=True)
            p.write_text(TEXT)
            read = lambda rel: (Path(d) / rel).read_bytes()
            before = lab.fingerprint(["runtime-i386/src/a.rs"], read)
            p.write_text(lab.replace_body(TEXT, "a.rs", "demo2", ["    student();"]))
            self.assertEqual(lab.fingerprint(["runtime-i386/src/a.rs"], read), before)
            p.write_text(TEXT.replace("x();", "y();"))
            self.assertNotEqual(lab.fingerprint(["runtime-i386/src/a.rs"], read), before)


    def test_a_worktrees_git_file_is_not_copied(self):
        # In a git worktree .git is a file naming the main repository's git directory: a copy
        # of it would let the check copy's `git init/commit` act on the teacher's repository.
        with tempfile.TemporaryDirectory() as d:
            src, dst = Path(d) / "src", Path(d) / "dst"
            (src / "sub").mkdir(parents=True)
            (src / "runtime-i386").mkdir()
            (src / "runtime-i386/Cargo.toml").write_text("")
            (src / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n")
            (src / "sub/.git").write_text("gitdir: /elsewhere\n")
            (src / "sub/a.rs").write_text("x")
            lab.copy_tree(src, dst)
            self.assertEqual(sorted(p.relative_to(dst).as_posix() for p in dst.rglob("*")),
                             ["runtime-i386", "runtime-i386/Cargo.toml", "sub", "sub/a.rs"])


class Course(unittest.TestCase):
    def test_unknown_names_are_clear_errors(self):
        with self.assertRaisesRegex(LabError, "unknown exercise 'nope'; the exercises are: slice"):
            COURSE.find("nope")
        with self.assertRaisesRegex(LabError, "unknown chapter"):
            COURSE.of_chapter("nope")

    def test_chapters_follow_from_the_modules(self):
        regions = lab.scan(ROOT)
        got = {e.name: lab.chapter_of(e, regions) for e in COURSE.exercises}
        self.assertEqual(got["rt0_386"], "rt0_386")  # asm: TEXT(_rt0_386)
        self.assertEqual(got["g0_stack"], "rt0_go")  # asm: TEXT(runtime_rt0_go)
        self.assertEqual(got["gogo"], "gogo")
        self.assertEqual(got["procresize"], "schedinit")  # schedinit.rs

    def test_handouts_list_every_exercise(self):
        pages = handouts.book_pages(ROOT, COURSE)
        for e in COURSE.exercises:
            self.assertEqual(sum(f"{{#exercise-{e.name.replace('_', '-')}}}" in t for t in pages.values()), 1, e.name)
        readme = handouts.student_readme(COURSE.exercises)
        wf = handouts.classroom_workflow(COURSE.exercises)
        for e in COURSE.exercises:
            self.assertIn(f"`{e.name}`", readme)
            self.assertIn(f"{e.name.upper()}_RESULTS: \"${{{{ steps.grade.outputs.{e.name} }}}}\"", wf)


class Grading(unittest.TestCase):
    def test_forbidden_constructs(self):
        cases = [(["#[cfg(test)] { x }"], ".rs", ["cfg(...)"]), (["std::process::exit(0);"], ".rs", ["std"]),
                 (["// std and cfg(test) in a comment are fine", "a + b"], ".rs", []),
                 (["include_str!(\"/etc/passwd\")"], ".rs", ["include!"]),
                 ([".section .init_array", ".long f"], ".S", ["constructor sections"]),
                 (["movl $1, %eax"], ".S", [])]
        for body, ext, want in cases:
            self.assertEqual(grade.forbidden(body, "x" + ext), want, body)

    def test_timeout_must_be_a_number_of_seconds(self):
        for bad in ("abc", "0", "-1", "nan", "inf"):
            os.environ["LAB_TIMEOUT"] = bad
            with self.assertRaisesRegex(LabError, "is not a number of seconds"):
                grade.timeout()
        os.environ["LAB_TIMEOUT"] = "2.5"
        self.assertEqual(grade.timeout(), 2.5 * (6 if os.environ.get("RUNTIME_I386_RUNNER") else 1))
        del os.environ["LAB_TIMEOUT"]

    def test_why_a_test_failed(self):
        self.assertEqual(grade.why("x\nfatal error: exercise gogo: not implemented\n", 2, []),
                         "fatal error: exercise gogo: not implemented")
        self.assertEqual(grade.why("thread 't' panicked at a.rs:1:2:\nassertion failed: x\n", 101, []),
                         "assertion failed: x")
        self.assertEqual(grade.why("", -11, []), "killed by SIGSEGV")
        self.assertIn("did not report its end", grade.why("test result: ok. 1 passed", 0, []))

    def test_only_the_challenge_passes_a_test(self):
        """The grader's side of tests/support/graded.rs, with shell scripts as test programs."""
        with tempfile.TemporaryDirectory() as d:
            scripts = {
                "honest": 'read -r c <&${LAB_GRADE_FDS%,*}; echo "$c" >&${LAB_GRADE_FDS#*,}; exit 0',
                "forger": 'echo "test result: ok. 1 passed"; exit 0',
                "quitter": 'read -r c <&${LAB_GRADE_FDS%,*}; echo "$c" >&${LAB_GRADE_FDS#*,}; exit 1',
                "guesser": 'echo 00000000000000000000000000000000 >&${LAB_GRADE_FDS#*,}; exit 0',
                "hang": "sleep 30",
            }
            exes = {}
            for name, body in scripts.items():
                p = Path(d) / name
                p.write_text(f"#!/bin/bash\n{body}\n")
                p.chmod(0o755)
                exes[name] = str(p)
            os.environ["LAB_TIMEOUT"] = "1"
            try:
                r = grade.Runner(SimpleNamespace(root=Path(d)), Path(d), exes, lambda: {})
            finally:
                del os.environ["LAB_TIMEOUT"]
            got = {n: r.run(f"{n}::t")[:2] for n in scripts}
        self.assertEqual(got["honest"], (True, ""))
        for n in ("forger", "quitter", "guesser", "hang"):
            self.assertFalse(got[n][0], n)
        self.assertIn("did not finish", got["hang"][1])


if __name__ == "__main__":
    unittest.main()
