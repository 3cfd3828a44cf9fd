#!/usr/bin/env python3
"""Classroom exercises on runtime-i386: starter code, grading, starter pack, teacher check.

    lab.py list                         the exercises, their chapters, points and state
    lab.py exercise NAME [--force]      put NAME's starter stub in place of its solution
    lab.py reset NAME                   put the reference solution back
    lab.py grade [NAME] [--student DIR] build and grade (all exercises, or NAME)
    lab.py starter-pack [--out DIR]     the project with every solution stubbed, + tarball
    lab.py check                        the teacher check (on a copy; the tree is untouched)

The reference solutions are the runtime's own code between `// EXERCISE(name) BEGIN` and
`// EXERCISE(name) END` (see exercises.py). `exercise` saves the region it replaces in
target/labs/pristine/ and `reset` restores it from there, or else from the committed file
(`git show HEAD:path`). Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the project's scripts/labs/
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import exercises as exmod  # noqa: E402
from exercises import EXERCISES, Fail  # noqa: E402

TARGET = "i686-unknown-linux-gnu"


def _timeout():
    """LAB_TIMEOUT: seconds per program or unit test (default 10), a positive number."""
    text = os.environ.get("LAB_TIMEOUT", "10")
    try:
        t = float(text)
    except ValueError:
        t = float("nan")
    if not (0 < t < 86400):
        print(f"lab: error: LAB_TIMEOUT={text!r} is not a number of seconds (e.g. LAB_TIMEOUT=30)",
              file=sys.stderr)
        sys.exit(2)
    return t


RUN_TIMEOUT = _timeout()
# The i386 programs' runner, e.g. qemu-i386 (`make grade RUNNER=qemu`); empty: run natively.
RUNNER = os.environ.get("RUNTIME_I386_RUNNER", "").split()
BUILD_TIMEOUT = 900
INTEGRITY_POINTS = 5
PACK_NAME = "gmp-boot-book-starter"
# The programs the graded tests run.
PROGRAMS = ["globals", "rt0_386", "rt0_go", "schedinit", "newproc", "mstart", "gogo", "mainpc",
            "goroutines", "empty"]
# What a copy of the project leaves out (build output, tools, history, caches).
EXCLUDE_DIRS = {".git", "target", "book", ".tools", "node_modules", "__pycache__"}

BEGIN_RE = re.compile(r"^(\s*)// EXERCISE\(([a-z0-9_]+)(?::([a-z0-9_]+))?\) BEGIN\s*$")
END_RE = re.compile(r"^(\s*)// EXERCISE\(([a-z0-9_]+)(?::([a-z0-9_]+))?\) END\s*$")
ANCHOR_RE = re.compile(r"^\s*// ANCHOR: ex_[a-z0-9_]+\s*$")
ANCHOR_END_RE = re.compile(r"^\s*// ANCHOR_END: ex_[a-z0-9_]+\s*$")


class LabError(Exception):
    """A mistake in the command or the tree: printed as one clear message, exit status 2."""


# --- regions ------------------------------------------------------------------------------


class Region:
    def __init__(self, path, name, part, indent, start, stop, lines):
        self.path = path  # relative to the project root, with /
        self.name = name
        self.part = part or ""
        self.key = f"{name}:{part}" if part else name
        self.anchor = "ex_" + self.key.replace(":", "_")
        self.indent = indent
        self.start = start  # index of the first body line
        self.stop = stop  # index after the last body line
        self.body = lines[start:stop]

    @property
    def asm(self):
        return self.path.endswith(".S")


def parse_regions(text, path):
    """The exercise regions of one file. The body excludes the EXERCISE and ANCHOR lines."""
    lines = text.split("\n")
    out, open_ = [], None
    for i, line in enumerate(lines):
        b, e = BEGIN_RE.match(line), END_RE.match(line)
        if b:
            if open_:
                raise LabError(f"{path}:{i + 1}: EXERCISE BEGIN inside the region opened at line {open_[0] + 1}")
            open_ = (i, b)
        elif e:
            if not open_:
                raise LabError(f"{path}:{i + 1}: EXERCISE END without BEGIN")
            bi, b = open_
            if (b.group(2), b.group(3)) != (e.group(2), e.group(3)):
                raise LabError(f"{path}:{i + 1}: EXERCISE END does not match the BEGIN at line {bi + 1}")
            start, stop = bi + 1, i
            if start < stop and ANCHOR_RE.match(lines[start]):
                start += 1
            if start < stop and ANCHOR_END_RE.match(lines[stop - 1]):
                stop -= 1
            out.append(Region(path, b.group(2), b.group(3), b.group(1), start, stop, lines))
            open_ = None
    if open_:
        raise LabError(f"{path}:{open_[0] + 1}: EXERCISE BEGIN without END")
    return out


def region_files(root):
    base = Path(root) / "runtime-i386"
    files = sorted(base.glob("src/**/*.rs")) + sorted(base.glob("asm/*.S"))
    return [f for f in files if f.is_file()]


def scan(root):
    """Every region of the tree, by key."""
    regions = {}
    for f in region_files(root):
        rel = f.relative_to(root).as_posix()
        for r in parse_regions(f.read_text(), rel):
            if r.key in regions:
                raise LabError(f"exercise region {r.key} appears twice ({regions[r.key].path}, {rel})")
            regions[r.key] = r
    return regions


def replace_body(text, path, key, body):
    lines = text.split("\n")
    for r in parse_regions(text, path):
        if r.key == key:
            return "\n".join(lines[:r.start] + body + lines[r.stop:])
    raise LabError(f"{path}: no region {key}")


def stub_body(ex, region):
    """The starter stub of a region, indented like the region."""
    text = ex.stubs.get(region.part)
    if text is None:
        raise LabError(f"exercise {ex.name} has no stub for its region {region.key}")
    return [(region.indent + l) if l else "" for l in text.split("\n")]


def norm(lines):
    return [l.rstrip() for l in lines]


# --- the tree -----------------------------------------------------------------------------


class Tree:
    """A copy of the project: the shared working copy, a temporary copy, or a starter pack."""

    def __init__(self, root):
        self.root = Path(root).resolve()
        if not (self.root / "runtime-i386" / "Cargo.toml").is_file():
            raise LabError(f"{self.root} is not the project (no runtime-i386/Cargo.toml)")
        self.state = self.root / "target" / "labs"
        self.pack_file = self.root / "scripts" / "labs" / "pack.json"
        self.student = False  # a copy holding a student's code (grade --student)

    @property
    def is_pack(self):
        return self.pack_file.is_file()

    def regions(self):
        return scan(self.root)

    def exercise_names(self):
        """The exercises of this tree: all of them, or those a starter pack was made with."""
        if self.is_pack:
            return json.loads(self.pack_file.read_text()).get("exercises") or []
        return [e.name for e in EXERCISES]

    def read(self, rel):
        return (self.root / rel).read_text()

    def write(self, rel, text):
        (self.root / rel).write_text(text)

    def pristine_path(self, key):
        return self.state / "pristine" / (key.replace(":", "__") + ".txt")

    def pristine(self, key):
        p = self.pristine_path(key)
        return p.read_text().split("\n") if p.is_file() else None

    def committed(self, region):
        """The region's body in the committed file (git HEAD), if there is one."""
        if not (self.root / ".git").exists() or shutil.which("git") is None:
            return None
        cache = self.__dict__.setdefault("_committed", {})
        if region.path not in cache:
            r = subprocess.run(["git", "-C", str(self.root), "show", f"HEAD:{region.path}"],
                               capture_output=True, text=True)
            cache[region.path] = r.stdout if r.returncode == 0 else None
        if cache[region.path] is None:
            return None
        try:
            committed = parse_regions(cache[region.path], region.path)
        except LabError:
            return None
        for c in committed:
            if c.key == region.key:
                return c.body
        return None

    def reference(self, region, ex):
        """The reference body of a region: saved when the stub went in, else committed."""
        body = self.pristine(region.key)
        if body is None:
            body = self.committed(region)
        if body is not None and norm(body) == norm(stub_body(ex, region)):
            return None  # a committed starter stub is no solution
        return body

    def backup(self, region):
        d = self.state / "saved"
        d.mkdir(parents=True, exist_ok=True)
        stem = f"{region.key.replace(':', '__')}.{time.strftime('%Y%m%d-%H%M%S')}"
        p, n = d / f"{stem}.txt", 1
        while p.exists():
            n += 1
            p = d / f"{stem}-{n}.txt"
        p.write_text("\n".join(region.body))
        return p

    def files(self):
        """Every file of the project, relative, without build output, tools and history."""
        out = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDE_DIRS)
            for f in sorted(filenames):
                if f.endswith(".pyc"):
                    continue
                p = Path(dirpath) / f
                if p.is_symlink() or not p.is_file():
                    continue
                out.append(p.relative_to(self.root).as_posix())
        return out

    def fingerprint(self):
        """sha256 of every runtime file with the exercise regions' bodies left out."""
        fp = {}
        for rel in self.files():
            if not rel.startswith("runtime-i386/"):
                continue
            data = (self.root / rel).read_bytes()
            if rel.endswith((".rs", ".S")):
                text = data.decode("utf-8", "replace")
                lines = text.split("\n")
                for r in reversed(parse_regions(text, rel)):
                    lines[r.start:r.stop] = [f"<region {r.key}>"]
                data = "\n".join(lines).encode()
            fp[rel] = hashlib.sha256(data).hexdigest()
        return fp

    def baseline(self):
        """The fingerprint the student's tree must keep: the pack's, else the one taken when
        the first exercise was put in place. None in a reference tree."""
        if self.is_pack:
            return json.loads(self.pack_file.read_text()).get("baseline")
        p = self.state / "baseline.json"
        if p.is_file():
            return json.loads(p.read_text())
        return None


def find_exercise(name, tree=None):
    exs = exmod.by_name()
    if name not in exs:
        names = ", ".join(e.name for e in EXERCISES)
        raise LabError(f"unknown exercise {name!r}; the exercises are: {names}")
    if tree is not None and name not in tree.exercise_names():
        raise LabError(f"exercise {name} is not part of this starter pack (its code is given); "
                       "its exercises are: " + ", ".join(tree.exercise_names()))
    return exs[name]


def regions_of(tree, ex):
    rs = [r for r in tree.regions().values() if r.name == ex.name]
    if not rs:
        raise LabError(f"exercise {ex.name}: no `// EXERCISE({ex.name}) BEGIN` region in {tree.root}")
    parts = {r.part for r in rs}
    if parts != set(ex.stubs):
        raise LabError(f"exercise {ex.name}: regions {sorted(parts)} in the source, stubs for {sorted(ex.stubs)}")
    return sorted(rs, key=lambda r: (r.path, r.start))


def status(tree, ex):
    """'starter' (every region is the stub), 'reference' (as saved by `exercise`, or as
    committed), 'attempted' (anything else), or 'written' (not the stub, and nothing to
    compare it with)."""
    states = set()
    for r in regions_of(tree, ex):
        if norm(r.body) == norm(stub_body(ex, r)):
            states.add("starter")
            continue
        if tree.is_pack or tree.student:
            states.add("attempted")
            continue
        ref = tree.reference(r, ex)
        if ref is None:
            states.add("written")
        else:
            states.add("reference" if norm(ref) == norm(r.body) else "attempted")
    if states == {"starter"}:
        return "starter"
    if states <= {"reference", "written"}:
        return states.pop() if len(states) == 1 else "written"
    return "attempted"


# --- exercise / reset ---------------------------------------------------------------------


def apply_exercise(tree, name, force=False, quiet=False):
    ex = find_exercise(name, tree)
    regions = regions_of(tree, ex)
    if not tree.is_pack and not (tree.state / "baseline.json").is_file():
        tree.state.mkdir(parents=True, exist_ok=True)
        (tree.state / "baseline.json").write_text(json.dumps(tree.fingerprint(), indent=1))
    changed = []
    for r in regions:
        stub = stub_body(ex, r)
        if norm(r.body) == norm(stub):
            continue
        had_pristine = tree.pristine(r.key) is not None
        if tree.is_pack or had_pristine:
            # The region holds the student's work: only replace it on request, and keep it.
            if not force:
                raise LabError(
                    f"exercise {name}: {r.path} holds your own code for {r.key}; "
                    f"FORCE=1 replaces it with the starter stub (your code is saved in target/labs/saved/)")
            saved = tree.backup(r)
            if not quiet:
                print(f"lab: your code for {r.key} is saved in {saved.relative_to(tree.root)}")
        else:
            p = tree.pristine_path(r.key)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("\n".join(r.body))
        tree.write(r.path, replace_body(tree.read(r.path), r.path, r.key, stub))
        changed.append(r)
    if not quiet:
        if changed:
            for r in changed:
                print(f"lab: {r.path}: {r.key} is now the starter stub")
            print(f"lab: write it, then `make grade EX={name}`; `make exercise-reset EX={name}` "
                  "puts the reference solution back")
        else:
            print(f"lab: exercise {name} is already in starter form")


def reset_exercise(tree, name, quiet=False):
    ex = find_exercise(name, tree)
    regions = regions_of(tree, ex)
    refs = {}
    for r in regions:
        ref = tree.reference(r, ex)
        if ref is None:
            if tree.is_pack:
                raise LabError(
                    f"exercise {name}: the starter pack has no solutions; "
                    f"`make exercise EX={name} FORCE=1` puts the starter stub back")
            if norm(r.body) != norm(stub_body(ex, r)):
                if not quiet:
                    print(f"lab: {r.key} is already the reference solution")
                continue
            raise LabError(
                f"exercise {name}: no reference for {r.key}: nothing in target/labs/pristine/ "
                "and no committed version (git HEAD) of the region")
        refs[r.key] = ref
    for r in regions:
        if r.key not in refs:
            continue
        ref = refs[r.key]
        if norm(r.body) != norm(ref) and norm(r.body) != norm(stub_body(ex, r)):
            saved = tree.backup(r)
            if not quiet:
                print(f"lab: your code for {r.key} is saved in {saved.relative_to(tree.root)}")
        if norm(r.body) != norm(ref):
            tree.write(r.path, replace_body(tree.read(r.path), r.path, r.key, ref))
            if not quiet:
                print(f"lab: {r.path}: {r.key} is the reference solution again")
        p = tree.pristine_path(r.key)
        if p.is_file():
            p.unlink()
    # No exercise left in starter form: the baseline has done its job.
    pdir = tree.state / "pristine"
    if not (pdir.is_dir() and any(pdir.iterdir())):
        b = tree.state / "baseline.json"
        if b.is_file():
            b.unlink()


# --- running things -----------------------------------------------------------------------


class Result:
    def __init__(self, code, out, err, timed_out=False):
        self.code, self.out, self.err, self.timed_out = code, out, err, timed_out


def run(cmd, cwd=None, env=None, timeout=RUN_TIMEOUT, preexec=None):
    """Runs cmd with a time limit; on timeout its whole process group is killed."""
    try:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=preexec)
    except OSError as e:
        return Result(127, "", f"cannot run {cmd[0]}: {e}")
    try:
        out, err = p.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
        timed_out = True
    dec = lambda b: b.decode("utf-8", "replace")
    return Result(p.returncode, dec(out), dec(err), timed_out)


def describe_failure(prog, r):
    if r.timed_out:
        return f"{prog} did not finish in {RUN_TIMEOUT:g} s (a hang?)"
    if r.code < 0:
        try:
            sig = signal.Signals(-r.code).name
        except ValueError:
            sig = f"signal {-r.code}"
        what = f"{prog} was killed by {sig}"
    else:
        what = f"{prog} exited with status {r.code}"
    lines = [l for l in r.err.strip().split("\n") if l.strip() and not l.startswith("boot: ")]
    if lines:
        what += ": " + " / ".join(lines[:3])[:300]
    return what


def cargo_env(target_dir):
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(target_dir)
    env.setdefault("CARGO_TERM_COLOR", "never")
    return env


def compiler_errors(text, limit=40):
    """The error messages of a cargo/rustc/assembler run, without progress and warnings."""
    asm = [re.sub(r"^warning: [^:]+: ", "", l) for l in text.split("\n") if re.search(r"\.S:\d+: (Error|Warning):", l)]
    if asm:  # the assembler, through the build script: its messages, not the script's output
        return "\n".join(["the assembler says:"] + asm[:limit])
    out, keep = [], False
    for line in text.split("\n"):
        if re.match(r"^(error|.*: error|.*Error:)", line):
            keep = True
        elif re.match(r"^(warning|\s*Compiling|\s*Finished|\s*Building)", line):
            keep = False
        if keep:
            out.append(line)
        if len(out) >= limit:
            out.append("...")
            break
    return "\n".join(out).strip() or "\n".join(text.strip().split("\n")[-limit:])


class Build:
    def __init__(self, tree, target_dir):
        self.tree, self.target_dir = tree, Path(target_dir)
        self.examples_ok = None
        self.examples_error = ""
        self.warnings = 0
        self.unit_exe = None
        self.unit_error = ""
        self.unit_built = False

    @property
    def examples(self):
        return self.target_dir / TARGET / "debug" / "examples"

    def cargo(self, args):
        return run(["cargo"] + args, cwd=self.tree.root, env=cargo_env(self.target_dir), timeout=BUILD_TIMEOUT)

    def build_examples(self):
        args = ["build", "-p", "runtime-i386", "--target", TARGET]
        for p in PROGRAMS:
            args += ["--example", p]
        r = self.cargo(args)
        self.warnings = len(re.findall(r"^warning: ", r.err, re.M))
        if r.timed_out:
            self.examples_ok, self.examples_error = False, f"cargo build did not finish in {BUILD_TIMEOUT} s"
        elif r.code != 0:
            self.examples_ok, self.examples_error = False, compiler_errors(r.err)
        else:
            self.examples_ok = True
        return self.examples_ok

    def build_unit(self):
        if self.unit_built:
            return self.unit_exe
        self.unit_built = True
        r = self.cargo(["test", "-p", "runtime-i386", "--lib", "--no-run", "--target", TARGET,
                        "--message-format=json-render-diagnostics"])
        if r.code != 0 or r.timed_out:
            self.unit_error = "the unit tests do not compile: " + compiler_errors(r.err)
            return None
        for line in r.out.split("\n"):
            try:
                m = json.loads(line)
            except ValueError:
                continue
            if m.get("reason") == "compiler-artifact" and m.get("executable") and \
                    m.get("target", {}).get("name") == "runtime_i386" and m.get("profile", {}).get("test"):
                self.unit_exe = m["executable"]
        if not self.unit_exe:
            self.unit_error = "cargo test --no-run named no test executable"
        return self.unit_exe


def ncpu():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Context:
    """What a graded test sees: the student's built runtime."""

    def __init__(self, build, regions):
        self.build = build
        self.regions = regions
        self.ncpu = ncpu()
        self.emulated = bool(RUNNER)  # under qemu-i386: no vDSO, no AT_SYSINFO
        self._runs = {}
        self._gdb_ok = None

    def run(self, prog, args=(), gomaxprocs=None, env=None, affinity=None):
        key = (prog, tuple(args), gomaxprocs, tuple(sorted((env or {}).items())), affinity)
        if key not in self._runs:
            e = {k: v for k, v in os.environ.items() if k not in ("GOMAXPROCS", "BOOTTRACE")}
            if gomaxprocs is not None:
                e["GOMAXPROCS"] = gomaxprocs
            e.update(env or {})
            pre = None
            if affinity:
                cpus = sorted(os.sched_getaffinity(0))[:affinity]
                pre = lambda: os.sched_setaffinity(0, cpus)
            exe = self.build.examples / prog
            self._runs[key] = run(RUNNER + [str(exe)] + list(args), env=e, preexec=pre)
        return self._runs[key]

    def require_ok(self, prog, r):
        if r.timed_out or r.code != 0:
            raise Fail(describe_failure(prog, r))

    def parse_json(self, prog, r):
        try:
            return json.loads(r.out.strip())
        except ValueError:
            raise Fail(f"{prog} --json did not print one JSON object: {r.out.strip()[:200]!r}")

    def state(self, prog, gomaxprocs=None, affinity=None):
        r = self.run(prog, ["--json"], gomaxprocs, affinity=affinity)
        self.require_ok(prog, r)
        return self.parse_json(prog, r)

    def output(self, prog, args=()):
        r = self.run(prog, args)
        self.require_ok(prog, r)
        return r.out

    def trace(self, gomaxprocs="4"):
        r = self.run("mainpc", [], gomaxprocs, env={"BOOTTRACE": "1"})
        self.require_ok("mainpc (BOOTTRACE=1)", r)
        return r.err

    def unit(self, name):
        exe = self.build.build_unit()
        if not exe:
            raise Fail(self.build.unit_error)
        key = ("unit", name)
        if key not in self._runs:
            self._runs[key] = run(RUNNER + [exe, "--exact", name, "--test-threads=1"],
                                  cwd=self.build.tree.root / "runtime-i386")
        r = self._runs[key]
        if r.timed_out:
            raise Fail(f"{name} did not finish in {RUN_TIMEOUT:g} s (a hang?)")
        if r.code == 0 and re.search(r"\b1 passed\b", r.out):
            return
        if r.code == 0:
            raise Fail(f"no unit test {name} ran (was it renamed?)")
        text = (r.out + r.err)
        m = re.search(r"fatal error: .*", text)
        if m:
            raise Fail(f"{name}: {m.group(0)}")
        m = re.search(r"panicked at [^\n]*\n([^\n]*)(\n[^\n]*)?(\n[^\n]*)?", text)
        if m:
            raise Fail(f"{name}: " + " / ".join(x.strip() for x in m.groups() if x and x.strip())[:300])
        if r.code < 0:
            raise Fail(f"{name}: killed by {signal.Signals(-r.code).name}")
        raise Fail(f"{name} failed (exit status {r.code})")

    def gdb(self, prog, commands, gomaxprocs="8"):
        """gdb's output for `prog` run under `commands` (batch mode), or None if gdb cannot
        be used here."""
        if shutil.which("gdb") is None:
            return None
        exe = str(self.build.examples / prog)
        args = ["gdb", "-batch", "-nx", "-ex", "set language c", "-ex", "set pagination off",
                "-ex", "set confirm off"]
        stub = None
        if RUNNER:
            # Under qemu-i386, gdb attaches to qemu's gdb stub; qemu-user has no hardware
            # watchpoints, so gdb single-steps instead (slower, same answers).
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            env = {k: v for k, v in os.environ.items() if k != "BOOTTRACE"}
            env["GOMAXPROCS"] = gomaxprocs
            stub = subprocess.Popen(RUNNER + ["-g", str(port), exe, "--json"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            args += ["-ex", "set can-use-hw-watchpoints 0", "-ex", f"file {exe}",
                     "-ex", f"target remote 127.0.0.1:{port}"]
            commands = ["continue" if c == "run" else c for c in commands]
        else:
            args += ["-ex", f"set environment GOMAXPROCS {gomaxprocs}",
                     "-ex", "unset environment BOOTTRACE"]
        for c in commands:
            args += ["-ex", c]
        args += ["-ex", "kill"]
        if not RUNNER:
            args += ["--args", exe, "--json"]
        r = run(args, timeout=max(RUN_TIMEOUT, 60 if RUNNER else 30))
        if stub:
            stub.kill()
            stub.wait()
        text = r.out + r.err
        if "ptrace" in text and ("not permitted" in text or "Operation not permitted" in text):
            return None
        if r.timed_out:
            return None  # a slow gdb (no hardware watchpoints?): the other tests see hangs
        return text

    def region_text(self, key):
        r = self.regions.get(key)
        return "\n".join(r.body) if r else ""


# --- grading ------------------------------------------------------------------------------


class Row:
    def __init__(self, points, title, earned, note=""):
        self.points, self.title, self.earned, self.note = points, title, earned, note


def check_integrity(tree):
    base = tree.baseline()
    if base is None:
        return True, ""
    now = tree.fingerprint()
    changed = sorted(f for f in base if now.get(f) != base[f])
    if not changed:
        return True, ""
    what = ", ".join(f + (" (missing)" if f not in now else "") for f in changed[:5])
    more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
    return False, f"changed outside the exercise regions: {what}{more}"


def blocked_by(msg, name):
    """A hint when the runtime stopped in the stub of another exercise."""
    others = sorted({m for m in re.findall(r"exercise ([a-z0-9_]+): [^\n/]*not implemented", msg) if m != name})
    if not others:
        return ""
    return (f"\n(the boot stops in the stub of exercise {', '.join(others)}: "
            "write that one first, or grade with the reference for it: see For teachers)")


def grade_exercise(ex, ctx, build, integrity, fail_fast=False):
    rows = []
    stop = False
    for t in ex.tests:
        if stop:
            rows.append(Row(t.points, t.title, 0, "not run (stopped at the first failure)"))
            continue
        if not build.examples_ok:
            rows.append(Row(t.points, t.title, 0, "does not compile"))
            stop = stop or fail_fast
            continue
        try:
            note = t.check(ctx)
            rows.append(Row(t.points, t.title, t.points, note if isinstance(note, str) else ""))
        except Fail as e:
            rows.append(Row(t.points, t.title, 0, str(e) + blocked_by(str(e), ex.name)))
            stop = fail_fast
        except Exception as e:  # a test tripping over nonsense output is a failed test
            rows.append(Row(t.points, t.title, 0, f"unexpected output ({type(e).__name__}: {e})"))
            stop = fail_fast
    ok, note = integrity
    if not build.examples_ok:
        ok, note = False, "does not compile"
    rows.append(Row(INTEGRITY_POINTS, "the rest of the runtime is unchanged", INTEGRITY_POINTS if ok else 0, note))
    return rows


def print_table(ex, st, rows, out=sys.stdout):
    score = sum(r.earned for r in rows)
    state = {"starter": "the starter stub (not written yet)", "reference": "the reference solution",
             "attempted": "your code", "written": "written (no reference here to compare it with)"}[st]
    print(f"\n== {ex.name} ({ex.chapter}: {ex.title}; {ex.points} of 100 in all) — {state}", file=out)
    print(f"   {'points':>9}  test", file=out)
    for r in rows:
        mark = "ok  " if r.earned == r.points else "FAIL"
        print(f"   {mark} {r.earned:>2}/{r.points:<3} {r.title}", file=out)
        if r.note:
            for i, l in enumerate(r.note.split("\n")[:12]):
                print(f"{'':>15}{'-> ' if i == 0 else '   '}{l}", file=out)
    print(f"   {'':4} {score:>3}/100 {ex.name}", file=out)
    return score


def print_total(exs, scores, out=sys.stdout):
    if len(exs) > 1:
        total = sum(ex.points * scores[ex.name] / 100 for ex in exs)
        weight = sum(ex.points for ex in exs)
        print("\n== total", file=out)
        print(f"   {'exercise':<14} {'chapter':<10} {'score':>7} {'weight':>6} {'points':>7}", file=out)
        for ex in exs:
            print(f"   {ex.name:<14} {ex.chapter:<10} {scores[ex.name]:>3}/100 {ex.points:>6} "
                  f"{ex.points * scores[ex.name] / 100:>7.2f}", file=out)
        print(f"   {'total':<14} {'':<10} {'':>7} {weight:>6} {total:>7.2f}  of {weight}", file=out)
    else:
        print(f"\n== total: {scores[exs[0].name]}/100", file=out)


def grade(tree, names=None, target_dir=None, fail_fast=False, out=sys.stdout, quiet_build=False,
          integrity=None, total=True):
    """Builds the tree's runtime and grades the exercises (all of the tree's by default);
    returns {name: score}."""
    names = names or tree.exercise_names()
    exs = [find_exercise(n, tree) for n in names]
    regions = tree.regions()
    states = {ex.name: status(tree, ex) for ex in exs}
    target_dir = Path(target_dir) if target_dir else Path(os.environ.get("CARGO_TARGET_DIR") or tree.root / "target")
    build = Build(tree, target_dir)
    if not quiet_build:
        print(f"lab: building the runtime's programs (cargo build, debug, target dir {target_dir})", file=out)
    t0 = time.time()
    build.build_examples()
    if not build.examples_ok:
        print("lab: the runtime does not compile; every test scores 0. The compiler says:", file=out)
        for l in build.examples_error.split("\n"):
            print("   | " + l, file=out)
    elif not quiet_build:
        print(f"lab: built in {time.time() - t0:.0f} s" + (f" ({build.warnings} warnings)" if build.warnings else ""), file=out)
    ctx = Context(build, regions)
    integrity = integrity or check_integrity(tree)
    scores = {}
    for ex in exs:
        rows = grade_exercise(ex, ctx, build, integrity, fail_fast)
        scores[ex.name] = print_table(ex, states[ex.name], rows, out)
    if total:
        print_total(exs, scores, out)
    return scores


# --- the starter pack ---------------------------------------------------------------------

SOLUTION_RE = re.compile(r'<details class="solution">.*?</details>\n?', re.S)
PACK_NOTE = "*(The solution is not part of the starter pack.)*\n"


def copy_tree(src, dst):
    src, dst = Path(src), Path(dst)
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for rel in Tree(src).files():
        d = dst / rel
        d.parent.mkdir(parents=True, exist_ok=True)
        # copy, not copy2: fresh mtimes, or cargo may take an old build of another state of
        # these files (in a reused target directory) for an up-to-date one
        shutil.copy(src / rel, d)


def secret_lines(tree, names=None):
    """The lines of the reference solutions that appear nowhere else in the project.

    Lines are compared with their whitespace collapsed; short ones (`}`, `ret`) are left
    out. Returns {normalised line: (region key, whether to look for it inside other lines
    too)}: a long line that is not part of any other line of the project is searched for as
    a substring as well (a solution pasted into prose)."""
    ws = lambda s: " ".join(s.split())
    regions = tree.regions()
    exs = exmod.by_name()
    names = set(names or exs)
    region_lines = {}
    for r in regions.values():
        if r.name not in names:
            continue
        ex = exs.get(r.name)
        body = r.body
        if ex and norm(body) == norm(stub_body(ex, r)):
            body = tree.pristine(r.key) or []
        for l in body:
            n = ws(l)
            if len(n) >= 6:
                region_lines.setdefault(n, r.key)
    outside, flat = set(), []
    for rel in tree.files():
        try:
            text = (tree.root / rel).read_text()
        except (UnicodeDecodeError, OSError):
            continue
        lines = text.split("\n")
        if rel.endswith((".rs", ".S")) and rel.startswith("runtime-i386/"):
            for r in reversed(parse_regions(text, rel)):
                if r.name in names:
                    lines[r.start:r.stop] = []
        normed = [ws(l) for l in lines]
        outside.update(normed)
        flat.append("\n".join(normed))
    flat = "\n".join(flat)
    return {l: (k, len(l) >= 20 and l not in flat) for l, k in region_lines.items() if l not in outside}


def find_leaks(pack_root, secrets):
    """Where the pack holds a line of a reference solution: [(file, line number, key)]."""
    leaks = []
    long_secrets = [(s, k) for s, (k, sub) in secrets.items() if sub]
    for rel in Tree(pack_root).files():
        try:
            text = (Path(pack_root) / rel).read_text()
        except (UnicodeDecodeError, OSError):
            continue
        normed = [" ".join(l.split()) for l in text.split("\n")]
        for i, n in enumerate(normed):
            if n in secrets:
                leaks.append((rel, i + 1, secrets[n][0]))
        flat = "\n".join(normed)
        for s, k in long_secrets:
            if s in flat and not any(x[0] == rel and x[2] == k for x in leaks):
                leaks.append((rel, 0, k))
    return leaks


def exercises_md(names):
    out = ["# Exercises", "",
           "Each exercise asks you to write a real piece of the runtime. The file named below",
           "holds a stub with the instructions (`TODO(exercise NAME)`), and the book's chapter",
           "ends with the exercise's text and hints. Build and grade your code with",
           "", "```sh", "make grade EX=NAME   # one exercise", "make grade           # all of them", "```",
           "", "`make exercise EX=NAME FORCE=1` puts the stub back (your code is saved in",
           "target/labs/saved/). Change only the code between the EXERCISE markers: the",
           "grader checks that the rest of the runtime is unchanged.", "",
           "| exercise | chapter | points | what you write |", "|---|---|---|---|"]
    for ex in EXERCISES:
        if ex.name in names:
            out.append(f"| `{ex.name}` | {ex.chapter} | {ex.points} | {ex.summary} |")
    if len(names) < len(EXERCISES):
        out += ["", "The other pieces of the runtime are given: the boot runs through them."]
    else:
        out += ["", "The runtime boots through every exercise: until the ones before it in the",
                "boot are written, an exercise's boot tests stop in their stubs (the grade",
                "says which). The book's chapters are in boot order; follow them."]
    return "\n".join(out) + "\n"


def make_pack(tree, out_dir, names=None, check_leaks=True):
    """Writes the starter pack into out_dir/<PACK_NAME> and out_dir/<PACK_NAME>.tar.gz, with
    every exercise stubbed, or only `names` (the other regions keep the reference code)."""
    if tree.is_pack:
        raise LabError("this is already a starter pack")
    names = [find_exercise(n).name for n in names] if names else [e.name for e in EXERCISES]
    out_dir = Path(out_dir)
    dst = out_dir / PACK_NAME
    secrets = secret_lines(tree, names)
    copy_tree(tree.root, dst)
    pack = Tree(dst)
    for ex in (e for e in EXERCISES if e.name in names):
        for r in regions_of(pack, ex):
            stub = stub_body(ex, r)
            if norm(r.body) != norm(stub):
                pack.write(r.path, replace_body(pack.read(r.path), r.path, r.key, stub))
    for md in sorted((dst / "chapters-src").glob("*.md")):
        text = md.read_text()
        new = SOLUTION_RE.sub(PACK_NOTE, text)
        if new != text:
            md.write_text(new)
    (dst / "EXERCISES.md").write_text(exercises_md(names))
    pack.pack_file.parent.mkdir(parents=True, exist_ok=True)
    pack.pack_file.write_text(json.dumps({
        "starter_pack": True,
        "exercises": names,
        "baseline": pack.fingerprint(),
    }, indent=1) + "\n")
    leaks = find_leaks(dst, secrets) if check_leaks else []
    if leaks:
        shutil.rmtree(dst)
        msg = "; ".join(f"{f}:{n} ({k})" for f, n, k in leaks[:10])
        raise LabError(f"the starter pack would contain solution lines: {msg}")
    tgz = out_dir / f"{PACK_NAME}.tar.gz"
    with tarfile.open(tgz, "w:gz") as t:
        t.add(dst, arcname=PACK_NAME)
    return dst, tgz, len(secrets)


# --- the command line ---------------------------------------------------------------------


def cmd_list(tree, args):
    print(f"{'exercise':<14} {'chapter':<10} {'points':>6}  {'state':<10} regions")
    for ex in EXERCISES:
        try:
            rs = regions_of(tree, ex)
            st = status(tree, ex)
            where = ", ".join(sorted({r.path.replace('runtime-i386/', '') for r in rs}))
        except LabError as e:
            st, where = "missing", str(e)
        print(f"{ex.name:<14} {ex.chapter:<10} {ex.points:>6}  {st:<10} {where}")
    return 0


def cmd_exercise(tree, args):
    apply_exercise(tree, args.name, force=args.force)
    return 0


def cmd_reset(tree, args):
    reset_exercise(tree, args.name)
    return 0


def cmd_grade(tree, args):
    names = [args.name] if args.name else None
    if names and not args.student:
        find_exercise(names[0], tree)
    elif names:
        find_exercise(names[0])
    if args.student:
        return grade_student(tree, Path(args.student), names)
    scores = grade(tree, names, fail_fast=args.fail_fast)
    return 0 if all(s == 100 for s in scores.values()) else 1


def grade_student(tree, student, names):
    """Grades a student's project exercise by exercise, each in a copy of this tree that
    takes only that exercise's code (between the markers) from the student: the rest of
    the runtime is the reference, so one unfinished exercise does not sink the others.
    "The rest of the runtime is unchanged" is judged on the student's own tree."""
    if (student / "runtime-i386").is_dir():
        pass
    elif student.name == "runtime-i386" and student.is_dir():
        student = student.parent
    else:
        raise LabError(f"{student}: not a project (or runtime-i386) directory")
    stree = Tree(student)
    theirs = scan(student)
    names = names or (stree.exercise_names() if stree.is_pack else [e.name for e in EXERCISES])
    exs = [find_exercise(n) for n in names]
    integrity = check_integrity(stree)
    work = tree.root / "target" / "labs" / "student"
    copy_tree(tree.root, work / "tree")
    copy = Tree(work / "tree")
    copy.student = True
    reference = {k: r.body for k, r in copy.regions().items()}
    if tree.is_pack:
        raise LabError("--student grades against the reference tree, not a starter pack")
    stubbed = [e.name for e in EXERCISES if status(tree, e) == "starter"]
    if stubbed:
        raise LabError(f"exercises {', '.join(stubbed)} are stubs in {tree.root}: `make exercise-reset "
                       "EX=...` first (each exercise is graded with the reference code for the others)")
    print(f"lab: grading {student}: each exercise with the reference code for the others")
    scores = {}
    for ex in exs:
        for key, r in copy.regions().items():
            body = reference[key]
            if r.name == ex.name:
                if key in theirs:
                    body = theirs[key].body
                else:
                    body = stub_body(ex, r)
                    print(f"lab: {student} has no region {key}: graded as the starter stub")
            if norm(r.body) != norm(body):
                copy.write(r.path, replace_body(copy.read(r.path), r.path, key, body))
        scores.update(grade(copy, [ex.name], target_dir=work / "cargo", integrity=integrity,
                            quiet_build=len(exs) > 1, total=False))
    print_total(exs, scores)
    return 0 if all(s == 100 for s in scores.values()) else 1


def cmd_pack(tree, args):
    out = Path(args.out) if args.out else tree.root / "target" / "starter-pack"
    names = [n for n in re.split(r"[\s,]+", args.only or "") if n]
    dst, tgz, n = make_pack(tree, out, names or None)
    print(f"lab: starter pack: {dst}")
    print(f"lab: tarball:      {tgz}")
    print(f"lab: {len(names) or len(EXERCISES)} exercises stubbed; none of the {n} distinctive lines of the "
          "solutions is in the pack; .git, target/ and the book's solution blocks are left out")
    return 0


def cmd_check(tree, args):
    import teacher_check
    return teacher_check.main(tree, args)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="lab.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=str(HERE.parent.parent), help="the project (default: this one)")
    sub = ap.add_subparsers(dest="cmd")
    sub.add_parser("list", help="the exercises and their state")
    p = sub.add_parser("exercise", help="replace an exercise's solution by its starter stub")
    p.add_argument("name", nargs="?")
    p.add_argument("--force", action="store_true", help="replace your own code too (it is saved)")
    p = sub.add_parser("reset", help="put an exercise's reference solution back")
    p.add_argument("name", nargs="?")
    p = sub.add_parser("grade", help="build and grade all exercises, or one")
    p.add_argument("name", nargs="?")
    p.add_argument("--student", help="grade the regions of a student's project, in a copy of this one")
    p.add_argument("--fail-fast", action="store_true", help="stop each exercise at its first failed test")
    p = sub.add_parser("starter-pack", help="write the starter pack and its tarball")
    p.add_argument("--out", help="directory (default: target/starter-pack)")
    p.add_argument("--only", help="stub only these exercises (space or comma separated); the others keep their code")
    p = sub.add_parser("check", help="the teacher check, on a copy of the project")
    p.add_argument("--keep", action="store_true", help="keep the copy in target/labs/check/")
    args = ap.parse_args(argv)
    if not args.cmd:
        ap.print_help()
        return 2
    try:
        if args.cmd in ("exercise", "reset") and not args.name:
            raise LabError(f"which exercise? `make {'exercise' if args.cmd == 'exercise' else 'exercise-reset'} "
                           f"EX=NAME`, with NAME one of: " + ", ".join(e.name for e in EXERCISES))
        tree = Tree(args.root)
        return {"list": cmd_list, "exercise": cmd_exercise, "reset": cmd_reset, "grade": cmd_grade,
                "starter-pack": cmd_pack, "check": cmd_check}[args.cmd](tree, args)
    except LabError as e:
        print(f"lab: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`| head`): nothing left to say
        return 1
    except Exception as e:  # a bug in lab.py: say so in one line, the traceback on request
        if os.environ.get("LAB_DEBUG"):
            raise
        print(f"lab: internal error: {type(e).__name__}: {e} (LAB_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
