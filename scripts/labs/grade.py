"""Grading: the student's regions, built into a copy of the files as handed out, graded by the
project's own tests (exercises.toml says which), each run on its own, in a sandbox.

A test counts as passed only when the test itself reports its end to the grader through a
private pipe (tests/support/graded.rs): text that student code prints, an exit(0) half-way or
a result file prove nothing. What the student changed outside the regions is never built; it
costs the exercise's 5 points for an unchanged runtime, as do side effects of a test run on
the project's files and the constructs in FORBIDDEN.
"""

import base64
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lab
from lab import COURSE, LabError

TARGET = "i686-unknown-linux-gnu"
# Region code that could run outside the test's call, reach the grader's channel, or read
# files at build time.
FORBIDDEN_RUST = [(r"\bstd\b", "std"), (r"\bcfg\s*\(", "cfg(...)"), (r"link_section", "link_section"),
                  (r"#\s*!?\s*\[\s*used\b", "#[used]"), (r"\binclude(_str|_bytes)?\s*!", "include!"),
                  (r"\b(option_)?env\s*!", "env!"), (r"\bextern\s+crate\b", "extern crate"),
                  (r"\b(no_mangle|export_name)\b", "#[no_mangle]"), (r"\b(global_)?asm\s*!", "asm!"),
                  (r"LAB_GRADE", "LAB_GRADE")]
FORBIDDEN_ASM = [(r"(init|fini)_array|\.ctors|\.dtors|preinit", "constructor sections"),
                 (r"\.(incbin|include|pushsection)\b|#\s*include", ".include/.incbin"),
                 (r"LAB_GRADE", "LAB_GRADE")]
STUB_RE = re.compile(r"fatal error: exercise ([a-z0-9_]+): ")


def timeout():
    text = os.environ.get("LAB_TIMEOUT", "10")
    try:
        t = float(text)
    except ValueError:
        t = float("nan")
    if not 0 < t < 86400:
        raise LabError(f"LAB_TIMEOUT={text!r} is not a number of seconds (e.g. LAB_TIMEOUT=30)")
    return t * (6 if os.environ.get("RUNTIME_I386_RUNNER") else 1)  # qemu-i386 is slower


def forbidden(body, path):
    """The FORBIDDEN constructs a region's body uses (comments left out)."""
    text = "\n".join(re.sub(r"//.*", "", l) for l in body)
    pats = FORBIDDEN_ASM if path.endswith(".S") else FORBIDDEN_RUST
    return sorted({what for p, what in pats if re.search(p, text)})


# --- what is graded: the trusted files, and the student's regions ---------------------------


def trusted_files(tree, self_grading):
    """(files, read, what) of the tree as handed out: a student grading their own starter
    pack trusts the pack's first commit; a teacher (their own tree, or grading a student with
    --student) trusts their working tree."""
    commit = tree.handed_out() if self_grading and tree.pack else None
    if commit:
        names = tree.git("ls-tree", "-r", "--name-only", "-z", commit).decode().split("\0")
        files = [f for f in names if f and f.split("/")[0] not in lab.EXCLUDE]
        return files, lambda rel: tree.committed(rel, commit), f"as handed out (commit {commit[:12]})"
    return tree.files(), lambda rel: (tree.root / rel).read_bytes() if (tree.root / rel).is_file() else None, \
        "as they are in " + ("this pack (no git history to compare with)" if tree.pack else "this tree")


def submission(tree, student):
    """The regions to grade, by key, and the student's tree (None for a hand-in file)."""
    if student is None:
        return {k: r.body for k, r in tree.regions().items()}, tree, "this tree"
    p = Path(student)
    if p.is_file():
        try:
            data = json.loads(p.read_text())
            return {k: list(v) for k, v in data["regions"].items()}, None, f"hand-in {p.name}"
        except (ValueError, KeyError, TypeError):
            raise LabError(f"{p} is not a hand-in (make handin writes one)")
    if not p.is_dir():
        raise LabError(f"{p}: no such project or hand-in")
    st = lab.Tree(p)
    return {k: r.body for k, r in st.regions().items()}, st, str(p)


def changed_outside(tree, student_tree, files, read):
    """Files that differ from the trusted version outside the regions, or are new in code:
    a student's tree against the grader's, a pack against how it was handed out (its first
    commit, else the fingerprint it was made with). The project itself is its own reference."""
    if student_tree is None or (student_tree is tree and not tree.pack):
        return []
    if student_tree is tree and not tree.handed_out():
        want = json.loads(tree.pack_file.with_name("fingerprint.json").read_text())
    elif student_tree is not tree and student_tree.pack and not tree.pack:
        # A teacher grading a student's starter pack: the reference is the pack the teacher's
        # tree makes for the same exercises (its README, book pages and workflow are the
        # pack's own), not the teacher's tree and not the student's own record of it.
        with tempfile.TemporaryDirectory() as d:
            dst, _, _ = lab.make_pack(tree, d, student_tree.pack["exercises"], archive=False)
            want = lab.Tree(dst).fingerprint()
        for f in ("scripts/labs/pack.json", "scripts/labs/fingerprint.json"):  # id, time
            want.pop(f, None)
    else:
        want = lab.fingerprint(files, read)
    have = student_tree.fingerprint()
    changed = [f for f in want if have.get(f) != want[f]]
    code = ("runtime-i386/", "tests/", "scripts/", ".cargo/", ".ci/", ".github/")
    changed += [f for f in have if f not in want and f.startswith(code)
                and f not in ("scripts/labs/pack.json", "scripts/labs/fingerprint.json")]
    return sorted(changed)


def prepare(build, files, read, regions, keys):
    """build/tree: the trusted files, with the student's bodies in the regions of `keys`."""
    root = build / "tree"
    keep = set()
    for rel in files:
        data = read(rel)
        if data is None:
            continue
        p = root / rel
        keep.add(p)
        p.parent.mkdir(parents=True, exist_ok=True)
        if not p.is_file() or p.read_bytes() != data:
            p.write_bytes(data)
    for p in list(root.rglob("*")):
        if p.is_file() and p not in keep and "target" not in p.relative_to(root).parts:
            p.unlink()
    t = lab.Tree(root)
    for key, r in t.regions().items():
        if key in keys and key in regions and lab.norm(regions[key]) != lab.norm(r.body):
            t.write(r.path, lab.replace_body(t.read(r.path), r.path, key, regions[key]))
    return t


def build(t, cargo_dir, files_of_tests):
    """cargo builds the examples and the graded test programs; (executables, error)."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(cargo_dir), CARGO_TERM_COLOR="never")
    r = subprocess.run(["cargo", "build", "--quiet", "--workspace", "--examples"], cwd=t.root, env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, compiler_errors(r.stderr)
    cmd = ["cargo", "test", "--no-run", "--workspace", "--message-format=json-render-diagnostics"]
    for f in sorted(files_of_tests):
        cmd += ["--lib"] if f == "lib" else ["--test", f]
    r = subprocess.run(cmd, cwd=t.root, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return None, compiler_errors(r.stderr)
    exes = {}
    for line in r.stdout.splitlines():
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
            name = m["target"]["name"]
            exes["lib" if name == "runtime_i386" else name] = m["executable"]
    return exes, None


def compiler_errors(text):
    keep, on = [], False
    for l in text.splitlines():
        if l.startswith("error"):
            on = True
        elif l.startswith(("warning", "note: ", "Some errors", "For more information")):
            on = False
        if on:
            keep.append(l)
    return "\n".join(keep[:40]) or text[-2000:]


# --- running one test -----------------------------------------------------------------------


def sandbox_prefix(cargo_dir):
    """bubblewrap's command line (everything read-only but the build output, a private /tmp,
    no network, its own process ids), or (None, why not)."""
    if os.environ.get("LAB_SANDBOX") == "none":
        return None, "switched off (LAB_SANDBOX=none)"
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return None, "bubblewrap is not installed (scripts/setup.sh labs installs it)"
    pre = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
           "--bind", str(cargo_dir), str(cargo_dir), "--unshare-net", "--unshare-pid",
           "--unshare-ipc", "--die-with-parent", "--new-session", "--setenv", "HOME", "/tmp",
           "--setenv", "TMPDIR", "/tmp"]
    r = subprocess.run(pre + ["true"], capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"bubblewrap does not work here ({r.stderr.strip()[:120]})"
    return pre, None


class Runner:
    def __init__(self, t, cargo_dir, exes, watched):
        self.t, self.exes, self.watched = t, exes, watched
        self.prefix, self.no_sandbox = sandbox_prefix(cargo_dir)
        self.timeout = timeout()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("CARGO", "RUST", "LAB_", "GOMAXPROCS", "BOOTTRACE"))}
        self.env["RUNTIME_I386_EXAMPLES"] = str(Path(cargo_dir) / TARGET / "debug" / "examples")
        self.home = Path(cargo_dir) / "home"

    def run(self, test):
        """Runs one test: (passed, message, exercises whose stub it met, side effects)."""
        f, name = test.split("::", 1)
        exe = self.exes.get(f)
        if exe is None:
            return False, f"no test program {f}", set(), []
        challenge = secrets.token_hex(16)
        r1, w1 = os.pipe()
        r2, w2 = os.pipe()
        env = dict(self.env, LAB_GRADE_FDS=f"{r1},{w2}")
        if not self.prefix:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home.mkdir(parents=True)
            env.update(HOME=str(self.home), TMPDIR=str(self.home))
        cmd = (self.prefix or []) + [exe, "--exact", name, "--test-threads=1"]
        cwd = self.t.root / ("runtime-i386" if f == "lib" else "")
        before = self.watched()
        t0 = time.time()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, pass_fds=(r1, w2), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        os.close(r1)
        os.close(w2)
        os.write(w1, challenge.encode())
        os.close(w1)
        try:
            out, _ = p.communicate(timeout=self.timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            timed_out = True
        with os.fdopen(r2, "rb") as rf:
            said = rf.read().decode(errors="replace").split()
        text = out.decode(errors="replace")
        effects = sorted(set(self.watched().items()) ^ set(before.items()))
        effects = sorted({k for k, _ in effects})
        stubs = set(STUB_RE.findall(text))
        if timed_out:
            return False, f"did not finish in {self.timeout:g} s (a hang?)", stubs, effects
        if p.returncode == 0 and said and all(s == challenge for s in said):
            return not effects, "" if not effects else "changed " + ", ".join(effects[:3]), stubs, effects
        return False, why(text, p.returncode, said), stubs, effects


def why(text, code, said):
    """The reason a test failed, in a line or three."""
    m = re.search(r"fatal error: [^\n]*", text)
    if m:
        return m.group(0)
    m = re.search(r"panicked at [^\n]*\n((?:[^\n]*\n){1,3})", text)
    if m:
        return " / ".join(l.strip() for l in m.group(1).splitlines() if l.strip() and "stack backtrace" not in l)[:300]
    sig = -code if code < 0 else code - 128 if 128 < code < 160 else 0  # bubblewrap: 128 + signal
    if sig:
        try:
            return f"killed by {signal.Signals(sig).name}"
        except ValueError:
            pass
    if code == 0:
        return "the test did not report its end to the grader (it stopped early, or was never run)"
    return f"exit status {code}"


# --- grading ----------------------------------------------------------------------------------


def grade(tree, student=None, names=None, say=lambda s: print(s, file=sys.stderr)):
    """Grades exercises `names` (default: the tree's); returns the result as a dict."""
    exs = [tree.find(n) for n in names] if names else tree.exercises()
    timeout()  # a bad LAB_TIMEOUT is said before anything is built
    regions, st, label = submission(tree, student)
    self_grading = student is None
    files, read, source = trusted_files(tree, self_grading)
    # LAB_BUILD_DIR: one build directory for several trees (the teacher check), whose cargo
    # then rebuilds only what differs; the lock makes gradings that share it take turns.
    bdir = Path(os.environ.get("LAB_BUILD_DIR") or tree.root / "target" / "labs" / "grade")
    bdir.mkdir(parents=True, exist_ok=True)
    with open(bdir / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("lab: another grading of this tree is under way: waiting for it")
            fcntl.flock(lock, fcntl.LOCK_EX)
        changed = changed_outside(tree, st, files, read)
        # Every region of the student's is built (the exercises graded need the ones before
        # them), except those that use a forbidden construct: these keep the stub.
        where = tree.regions()
        bad_keys = {k: forbidden(regions[k], r.path) for k, r in where.items() if k in regions}
        keys = {k for k, why in bad_keys.items() if not why}
        bad = {e.name: sorted({w for k, why in bad_keys.items() if where[k].name == e.name for w in why})
               for e in exs}
        say(f"lab: grading {label}: its regions, built into the files {source}")
        t = prepare(bdir, files, read, regions, keys)
        t0 = time.time()
        exes, error = build(t, bdir / "cargo", {x.split("::")[0] for e in exs for _, x in e.tests})
        say(f"lab: built in {time.time() - t0:.0f} s" if exes else "lab: the runtime does not compile")
        result = {"graded": label, "files": source, "exercises": [], "build_error": error}
        runner = None
        if exes:
            watch = {tree.root, t.root} | ({st.root} if st else set())
            runner = Runner(t, bdir / "cargo", exes, lambda: snapshot(watch))
            result["sandbox"] = "bubblewrap" if runner.prefix else f"none: {runner.no_sandbox}"
        for e in exs:
            result["exercises"].append(grade_one(e, runner, changed, bad[e.name]))
    result["total"] = round(sum((x["score"] or 0) * x["weight"] / 100 for x in result["exercises"]), 2)
    result["weight"] = sum(x["weight"] for x in result["exercises"])
    return result


def grade_one(ex, runner, changed, bad):
    order = [e.name for e in COURSE.exercises]
    out = {"name": ex.name, "weight": ex.points, "tests": [], "needs": [], "status": "graded"}
    effects = []
    for pts, test in ex.tests:
        if bad:
            ok, msg, stubs = False, "not run: the region uses " + ", ".join(bad), set()
        elif not runner:
            ok, msg, stubs = False, "the runtime does not compile", set()
        else:
            ok, msg, stubs, eff = runner.run(test)
            effects += eff
        earlier = [s for s in stubs - {ex.name} if s in order and order.index(s) < order.index(ex.name)]
        if not ok and earlier:
            out["needs"] += [s for s in earlier if s not in out["needs"]]
        if not ok and stubs == {ex.name}:
            msg = "not written yet (the starter stub)"
        out["tests"].append({"test": test, "points": pts, "earned": pts if ok else 0, "message": msg})
    clean = not changed and not bad and not effects
    out["integrity"] = {"points": lab.INTEGRITY_POINTS, "earned": lab.INTEGRITY_POINTS if clean else 0,
                        "changed": changed, "forbidden": bad, "side_effects": sorted(set(effects))}
    if out["needs"]:
        out["status"], out["score"] = "needs " + ", ".join(out["needs"]) + " first", None
    else:
        out["score"] = sum(x["earned"] for x in out["tests"]) + out["integrity"]["earned"]
    return out


def snapshot(roots):
    """{path: (size, mtime)} of the files of the trees graded (build output left out) and of
    the entries of the home directory (what a test could write outside them)."""
    snap = {}
    home = Path.home()
    for e in os.scandir(home) if home.is_dir() else []:
        try:
            snap[e.path] = (0, e.stat(follow_symlinks=False).st_mtime_ns if e.is_file(follow_symlinks=False) else 0)
        except OSError:
            pass
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in lab.EXCLUDE]
            for f in filenames:
                p = os.path.join(dirpath, f)
                try:
                    s = os.stat(p)
                    snap[p] = (s.st_size, s.st_mtime_ns)
                except OSError:
                    pass
    return snap


# --- reports ----------------------------------------------------------------------------------


def text_report(res, out=sys.stdout):
    if res.get("sandbox"):
        print(f"lab: sandbox: {res['sandbox']}", file=out)
    if res["build_error"]:
        print("lab: the runtime does not compile; every test scores 0. The compiler says:\n"
              + res["build_error"], file=out)
    for x in res["exercises"]:
        print(f"\n== {x['name']} ({x['weight']} of the course's points)", file=out)
        for tst in x["tests"]:
            mark = "ok  " if tst["earned"] else "FAIL"
            print(f"   {mark} {tst['earned']:>2}/{tst['points']:<2} {tst['test']}", file=out)
            if tst["message"]:
                print(f"               -> {tst['message']}", file=out)
        i = x["integrity"]
        print(f"   {'ok  ' if i['earned'] else 'FAIL'} {i['earned']:>2}/{i['points']:<2} everything outside the "
              "regions as handed out", file=out)
        for k, v in (("changed", i["changed"]), ("forbidden in the region", i["forbidden"]),
                     ("side effects of the tests on", i["side_effects"])):
            if v:
                print(f"               -> {k}: {', '.join(v[:6])}{' ...' if len(v) > 6 else ''}", file=out)
        score = "--" if x["score"] is None else x["score"]
        print(f"        {score:>3}/100 {x['name']}" + (f"  ({x['status']}: the boot goes through "
              "its code, which is still the starter stub)" if x["needs"] else ""), file=out)
    if len(res["exercises"]) > 1:
        print(f"\n== total: {res['total']:.2f} of {res['weight']} points", file=out)
    elif res["exercises"]:
        x = res["exercises"][0]
        print(f"\n== total: {'--' if x['score'] is None else x['score']}/100", file=out)


def classroom(res):
    """One result per exercise in the autograding reporter's format, to $GITHUB_OUTPUT."""
    lines = []
    for x in res["exercises"]:
        tests = [{"name": t["test"], "status": "pass" if t["earned"] else "fail",
                  "score": t["earned"] * x["weight"] / 100, "message": t["message"],
                  "test_code": t["test"], "filename": "", "line_no": 0, "execution_time": "0s"}
                 for t in x["tests"]]
        i = x["integrity"]
        tests.append({"name": "everything outside the regions as handed out",
                      "status": "pass" if i["earned"] else "fail", "score": i["earned"] * x["weight"] / 100,
                      "message": "", "test_code": "", "filename": "", "line_no": 0, "execution_time": "0s"})
        body = {"version": 1, "status": "pass" if x["score"] == 100 else "fail", "max_score": x["weight"],
                "tests": tests}
        lines.append(f"{x['name']}={base64.b64encode(json.dumps(body).encode()).decode()}")
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        raise LabError("--classroom writes to $GITHUB_OUTPUT, which is not set (it is, in GitHub Actions)")
    with open(path, "a") as f:
        f.write("\n".join(lines) + "\n")


def cli(tree, args):
    names = [n for a in args.names for n in re.split(r"[\s,]+", a) if n]
    res = grade(tree, args.student, names or None)
    if args.classroom:
        classroom(res)
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        text_report(res)
    return 0 if all(x["score"] == 100 for x in res["exercises"]) else 1


def grade_all(tree, d, json_out):
    """Grades every submission in d (project directories and hand-in files) in turn."""
    subs = sorted(p for p in d.iterdir() if p.is_dir() or p.suffix == ".json")
    if not subs:
        raise LabError(f"{d}: no submissions (directories or hand-in .json files)")
    results, names = {}, [e.name for e in tree.exercises()]
    print("submission".ljust(24) + "".join(n[:8].rjust(9) for n in names) + "    total")
    for s in subs:
        try:
            res = grade(tree, str(s), say=lambda m: None)
        except LabError as e:
            print(f"{s.name:<24} {e}")
            results[s.name] = {"error": str(e)}
            continue
        results[s.name] = res
        sc = {x["name"]: x["score"] for x in res["exercises"]}
        print(f"{s.name:<24}" + "".join(("--" if sc[n] is None else str(sc[n])).rjust(9) for n in names)
              + f"{res['total']:9.2f}")
    if json_out:
        Path(json_out).write_text(json.dumps(results, indent=1) + "\n")
    return 0


def health(tree):
    """A starter pack's `make test`: it builds and the grader runs (whatever the scores)."""
    res = grade(tree)
    text_report(res)
    ok = not res["build_error"] and not any(t["message"].startswith("no test program")
                                            for x in res["exercises"] for t in x["tests"])
    print(f"\nlab: the pack is {'healthy' if ok else 'broken'}: it builds and the grader ran every test"
          if ok else "\nlab: the pack is broken: see above")
    return 0 if ok else 1
