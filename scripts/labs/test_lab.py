"""Unit tests of lab.py's logic, on small synthetic projects (no cargo, no runtime build).

    python3 -m unittest discover -s scripts/labs -p 'test_lab.py'

The teacher check (`lab.py check`) runs them first, then the real thing on a copy.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from exercises import EXERCISES, by_name  # noqa: E402

SLICE_SRC = """\
impl<T> Slice<T> {
    pub unsafe fn as_slice(&self) -> &[T] {
        // EXERCISE(slice) BEGIN
        // ANCHOR: ex_slice
        if self.len == 0 {
            &[]
        } else {
            core::slice::from_raw_parts(self.array, self.len)
        }
        // ANCHOR_END: ex_slice
        // EXERCISE(slice) END
    }
}
"""

ASM_SRC = """\
TEXT(runtime_gogo)
\t// EXERCISE(gogo) BEGIN
\t// ANCHOR: ex_gogo
\tmovl\t4(%esp), %ebx\t\t// gobuf
\tjmp\t*%ebx
\t// ANCHOR_END: ex_gogo
\t// EXERCISE(gogo) END
END(runtime_gogo)
"""


class MiniProject:
    """A temporary directory laid out like the project, with two exercise regions."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        (self.root / "runtime-i386" / "src").mkdir(parents=True)
        (self.root / "runtime-i386" / "asm").mkdir()
        (self.root / "runtime-i386" / "Cargo.toml").write_text("[package]\nname = \"runtime-i386\"\n")
        (self.root / "runtime-i386" / "src" / "globals.rs").write_text(SLICE_SRC)
        (self.root / "runtime-i386" / "src" / "state.rs").write_text("// the printer\n")
        (self.root / "runtime-i386" / "asm" / "asm_386.S").write_text(ASM_SRC)
        (self.root / "chapters-src").mkdir()
        (self.root / "chapters-src" / "gogo.md").write_text(
            "# gogo\n\n## Exercises\n\n<details class=\"solution\">\n\n```asm\n"
            "{{#include ../runtime-i386/asm/asm_386.S:ex_gogo}}\n```\n\n</details>\n\nAfter.\n")
        self.tree = lab.Tree(self.root)

    def close(self):
        self.tmp.cleanup()


class Regions(unittest.TestCase):
    def test_parse_finds_body_between_anchor_lines(self):
        rs = lab.parse_regions(SLICE_SRC, "g.rs")
        self.assertEqual(len(rs), 1)
        r = rs[0]
        self.assertEqual((r.name, r.part, r.key, r.anchor), ("slice", "", "slice", "ex_slice"))
        self.assertEqual(r.indent, " " * 8)
        self.assertEqual(r.body[0].strip(), "if self.len == 0 {")
        self.assertEqual(r.body[-1].strip(), "}")
        self.assertEqual(len(r.body), 5)

    def test_parts_and_asm(self):
        text = ASM_SRC.replace("EXERCISE(gogo)", "EXERCISE(tls:selftest)")
        r = lab.parse_regions(text, "a.S")[0]
        self.assertEqual((r.name, r.part, r.key, r.anchor), ("tls", "selftest", "tls:selftest", "ex_tls_selftest"))
        self.assertTrue(r.asm)
        self.assertEqual(r.indent, "\t")

    def test_bad_markers_are_clear_errors(self):
        for text, msg in [
            ("// EXERCISE(a) BEGIN\n", "BEGIN without END"),
            ("// EXERCISE(a) END\n", "END without BEGIN"),
            ("// EXERCISE(a) BEGIN\n// EXERCISE(b) BEGIN\n", "inside the region"),
            ("// EXERCISE(a) BEGIN\n// EXERCISE(b) END\n", "does not match"),
        ]:
            with self.assertRaises(lab.LabError) as cm:
                lab.parse_regions(text, "x.rs")
            self.assertIn(msg, str(cm.exception))

    def test_replace_body_round_trip(self):
        r = lab.parse_regions(SLICE_SRC, "g.rs")[0]
        new = lab.replace_body(SLICE_SRC, "g.rs", "slice", ["        stub()"])
        self.assertIn("// ANCHOR: ex_slice\n        stub()\n        // ANCHOR_END: ex_slice", new)
        self.assertEqual(lab.replace_body(new, "g.rs", "slice", r.body), SLICE_SRC)

    def test_stubs_are_indented_and_stop_clearly(self):
        ex = by_name()["slice"]
        r = lab.parse_regions(SLICE_SRC, "g.rs")[0]
        stub = lab.stub_body(ex, r)
        self.assertTrue(all(l.startswith(" " * 8) or not l for l in stub))
        self.assertIn('throw("exercise slice: not implemented")', "\n".join(stub))
        gogo = by_name()["gogo"]
        ra = lab.parse_regions(ASM_SRC, "a.S")[0]
        text = "\n".join(lab.stub_body(gogo, ra))
        self.assertIn("call\truntime_exit", text)
        msg = 'fatal error: exercise gogo: not implemented\\n'
        self.assertIn(f'.ascii\t"{msg}"', text)
        self.assertIn(f"pushl\t${len(msg) - 1}", text)  # the byte count of the message

    def test_every_exercise_has_a_stub_per_part_and_tests(self):
        for ex in EXERCISES:
            self.assertTrue(ex.stubs and ex.tests, ex.name)
            for part, text in ex.stubs.items():
                self.assertIn(f"TODO(exercise {ex.name}", text, (ex.name, part))


class ExerciseAndReset(unittest.TestCase):
    def setUp(self):
        self.p = MiniProject()
        self.tree = self.p.tree
        self.before = {f: (self.p.root / f).read_text() for f in
                       ("runtime-i386/src/globals.rs", "runtime-i386/asm/asm_386.S")}

    def tearDown(self):
        self.p.close()

    def quiet(self, f, *a, **k):
        with redirect_stdout(io.StringIO()) as out:
            f(*a, **k)
        return out.getvalue()

    def test_apply_then_reset_restores_byte_for_byte(self):
        ex = by_name()["slice"]
        self.assertEqual(lab.status(self.tree, ex), "written")  # no git here: nothing to compare with
        out = self.quiet(lab.apply_exercise, self.tree, "slice")
        self.assertIn("is now the starter stub", out)
        self.assertEqual(lab.status(self.tree, ex), "starter")
        self.assertTrue((self.tree.state / "baseline.json").is_file())
        self.assertIsNotNone(self.tree.pristine("slice"))
        self.assertIn("already in starter form", self.quiet(lab.apply_exercise, self.tree, "slice"))
        self.quiet(lab.reset_exercise, self.tree, "slice")
        self.assertEqual((self.p.root / "runtime-i386/src/globals.rs").read_text(), self.before["runtime-i386/src/globals.rs"])
        self.assertIsNone(self.tree.pristine("slice"))
        self.assertFalse((self.tree.state / "baseline.json").exists())

    def test_students_work_is_protected_and_saved(self):
        self.quiet(lab.apply_exercise, self.tree, "gogo")
        r = self.tree.regions()["gogo"]
        self.tree.write(r.path, lab.replace_body(self.tree.read(r.path), r.path, "gogo", ["\tmy work"]))
        self.assertEqual(lab.status(self.tree, by_name()["gogo"]), "attempted")
        with self.assertRaises(lab.LabError) as cm:
            lab.apply_exercise(self.tree, "gogo", quiet=True)
        self.assertIn("FORCE=1", str(cm.exception))
        out = self.quiet(lab.apply_exercise, self.tree, "gogo", force=True)
        self.assertIn("saved in target/labs/saved/", out)
        saved = list((self.tree.state / "saved").glob("gogo.*.txt"))
        self.assertEqual([s.read_text() for s in saved], ["\tmy work"])
        # reset saves the work again and restores the reference
        self.tree.write(r.path, lab.replace_body(self.tree.read(r.path), r.path, "gogo", ["\tmore work"]))
        self.quiet(lab.reset_exercise, self.tree, "gogo")
        self.assertEqual(self.tree.read(r.path), self.before[r.path])
        self.assertEqual(len(list((self.tree.state / "saved").glob("gogo.*.txt"))), 2)

    def test_reset_without_reference_is_a_clear_error(self):
        self.quiet(lab.apply_exercise, self.tree, "slice")
        self.tree.pristine_path("slice").unlink()  # as after `cargo clean`, and no git
        with self.assertRaises(lab.LabError) as cm:
            lab.reset_exercise(self.tree, "slice", quiet=True)
        self.assertIn("no reference", str(cm.exception))

    def test_reset_takes_the_committed_region_from_git(self):
        if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
            self.skipTest("no git")
        g = ["git", "-C", str(self.p.root), "-c", "user.name=t", "-c", "user.email=t@t"]
        subprocess.run(g + ["init", "-q"], check=True)
        subprocess.run(g + ["add", "-A"], check=True)
        subprocess.run(g + ["commit", "-qm", "x"], check=True)
        self.assertEqual(lab.status(self.tree, by_name()["slice"]), "reference")
        self.quiet(lab.apply_exercise, self.tree, "slice")
        self.tree.pristine_path("slice").unlink()
        self.assertEqual(lab.status(lab.Tree(self.p.root), by_name()["slice"]), "starter")
        self.quiet(lab.reset_exercise, lab.Tree(self.p.root), "slice")
        self.assertEqual((self.p.root / "runtime-i386/src/globals.rs").read_text(), self.before["runtime-i386/src/globals.rs"])
        r = self.tree.regions()["slice"]
        self.tree.write(r.path, lab.replace_body(self.tree.read(r.path), r.path, "slice", ["        mine()"]))
        self.assertEqual(lab.status(lab.Tree(self.p.root), by_name()["slice"]), "attempted")

    def test_unknown_and_mismatched_exercises(self):
        with self.assertRaises(lab.LabError) as cm:
            lab.apply_exercise(self.tree, "nosuch")
        self.assertIn("unknown exercise 'nosuch'", str(cm.exception))
        self.assertIn("runqput", str(cm.exception))
        with self.assertRaises(lab.LabError) as cm:
            lab.apply_exercise(self.tree, "runqput")  # a real exercise without regions here
        self.assertIn("no `// EXERCISE(runqput) BEGIN` region", str(cm.exception))

    def test_integrity_sees_changes_outside_regions_only(self):
        self.quiet(lab.apply_exercise, self.tree, "slice")
        self.assertEqual(lab.check_integrity(self.tree), (True, ""))
        r = self.tree.regions()["slice"]
        self.tree.write(r.path, lab.replace_body(self.tree.read(r.path), r.path, "slice", ["        x"]))
        self.assertEqual(lab.check_integrity(self.tree), (True, ""))
        (self.p.root / "runtime-i386/src/state.rs").write_text("// faked\n")
        ok, note = lab.check_integrity(self.tree)
        self.assertFalse(ok)
        self.assertIn("runtime-i386/src/state.rs", note)


class Pack(unittest.TestCase):
    def test_pack_stubs_everything_and_leaks_nothing(self):
        p = MiniProject()
        try:
            # The mini project has only two regions: pack with just those exercises.
            saved = lab.EXERCISES[:]
            lab.EXERCISES[:] = [e for e in saved if e.name in ("slice", "gogo")]
            try:
                with tempfile.TemporaryDirectory() as out:
                    dst, tgz, n = lab.make_pack(p.tree, out)
                    self.assertGreater(n, 2)
                    pack = lab.Tree(dst)
                    self.assertTrue(pack.is_pack)
                    self.assertEqual(lab.status(pack, by_name()["gogo"]), "starter")
                    md = (dst / "chapters-src" / "gogo.md").read_text()
                    self.assertNotIn("ex_gogo", md)
                    self.assertIn("not part of the starter pack", md)
                    self.assertIn("After.", md)
                    self.assertTrue(tgz.is_file())
                    self.assertEqual(json.loads(pack.pack_file.read_text())["baseline"], pack.fingerprint())
                    with self.assertRaises(lab.LabError):
                        lab.make_pack(pack, out)
                    # A solution line pasted anywhere is found.
                    (dst / "notes.txt").write_text("core::slice::from_raw_parts(self.array, self.len)\n")
                    leaks = lab.find_leaks(dst, lab.secret_lines(p.tree))
                    self.assertEqual([(f, k) for f, _, k in leaks], [("notes.txt", "slice")])
            finally:
                lab.EXERCISES[:] = saved
        finally:
            p.close()

    def test_secret_lines_skip_lines_found_elsewhere(self):
        p = MiniProject()
        try:
            (p.root / "README.md").write_text("    } else {\n    jmp *%ebx\n")
            s = lab.secret_lines(p.tree)
            self.assertIn("core::slice::from_raw_parts(self.array, self.len)", s)
            self.assertIn("movl 4(%esp), %ebx // gobuf", s)
            self.assertNotIn("jmp *%ebx", s)  # in the README: not a secret
            self.assertNotIn("}", s)
        finally:
            p.close()


class Running(unittest.TestCase):
    def test_time_limit_kills_the_process_group(self):
        r = lab.run(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.5)
        self.assertTrue(r.timed_out)
        self.assertIn("did not finish", lab.describe_failure("x", r))

    def test_signals_and_exit_status_are_described(self):
        r = lab.run(["sh", "-c", "echo 'fatal error: boom' >&2; exit 2"])
        self.assertEqual(lab.describe_failure("p", r), "p exited with status 2: fatal error: boom")
        r = lab.run(["sh", "-c", "kill -SEGV $$"])
        self.assertIn("killed by SIGSEGV", lab.describe_failure("p", r))
        r = lab.run(["/nonexistent/program"])
        self.assertEqual(r.code, 127)

    def test_gdb_tests_are_not_checked_without_gdb(self):
        import exercises
        ctx = lab.Context(lab.Build(lab.Tree.__new__(lab.Tree), "/nonexistent"), {})
        saved = lab.shutil.which
        lab.shutil.which = lambda name: None
        try:
            self.assertIn("not checked", exercises.check_gogo_gdb(ctx))
            self.assertIn("not checked", exercises.check_tls_gdb(ctx))
        finally:
            lab.shutil.which = saved
        gdb_tests = [t for e in EXERCISES for t in e.tests if t.gdb]
        self.assertEqual(len(gdb_tests), 2)

    def test_blocked_by_names_the_other_exercise(self):
        msg = "mainpc exited with status 2: fatal error: exercise rt0_386: not implemented"
        self.assertIn("stub of exercise rt0_386", lab.blocked_by(msg, "runqput"))
        self.assertEqual(lab.blocked_by(msg, "rt0_386"), "")
        self.assertEqual(lab.blocked_by("exit 1", "runqput"), "")

    def test_compiler_errors_keep_errors_only(self):
        text = ("   Compiling runtime-i386 v0.1.0\nwarning: unused\n  --> a.rs:1\n\n"
                "error: expected one of `!` or `::`, found `is`\n  --> src/globals.rs:287:14\n\n"
                "error: could not compile `runtime-i386`\n")
        e = lab.compiler_errors(text)
        self.assertIn("expected one of", e)
        self.assertIn("src/globals.rs:287:14", e)
        self.assertNotIn("warning", e)
        asm = ("warning: runtime-i386@0.1.0: asm/asm_386.S:232: Error: no such instruction: `jmpp *%ebx'\n"
               "error: failed to run custom build command for `runtime-i386 v0.1.0`\n  cargo:rerun-if-changed=x\n")
        self.assertEqual(lab.compiler_errors(asm), "the assembler says:\nasm/asm_386.S:232: Error: no such instruction: `jmpp *%ebx'")

    def test_cli_bad_input_has_no_traceback(self):
        p = MiniProject()
        try:
            for args, want in [(["grade", "nosuch"], "unknown exercise"), (["exercise"], "which exercise?"),
                               (["reset"], "which exercise?")]:
                r = subprocess.run([sys.executable, str(lab.HERE / "lab.py"), "--root", str(p.root)] + args,
                                   capture_output=True, text=True)
                self.assertEqual(r.returncode, 2, args)
                self.assertIn(want, r.stderr)
                self.assertNotIn("Traceback", r.stderr)
            r = subprocess.run([sys.executable, str(lab.HERE / "lab.py"), "--root", "/"], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)
        finally:
            p.close()

    def test_grade_reports_a_build_failure_as_zero(self):
        p = MiniProject()
        try:
            env = dict(os.environ, PATH=str(p.root))  # no cargo on PATH: the build cannot run
            r = subprocess.run([sys.executable, str(lab.HERE / "lab.py"), "--root", str(p.root), "grade", "slice"],
                               capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 1)
            self.assertIn("does not compile", r.stdout)
            self.assertIn("total: 0/100", r.stdout)
            self.assertNotIn("Traceback", r.stdout + r.stderr)
        finally:
            p.close()


if __name__ == "__main__":
    unittest.main()
