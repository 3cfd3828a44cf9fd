#!/usr/bin/env python3
"""Classroom exercises on runtime-i386: starter code, grading, starter packs, hand-ins.

    lab.py list                          the exercises in the order to do them, and their state
    lab.py exercise NAME [--force]       put NAME's starter stub in place of its code
    lab.py reset NAME                    put the reference solution back
    lab.py grade [NAME...] [--student S] [--json] [--classroom]
                                         build and grade (S: a student's project or hand-in)
    lab.py grade-all DIR [--json FILE]   grade every submission in DIR (projects or hand-ins)
    lab.py handin [--out FILE]           the student's exercise regions, as one JSON file
    lab.py starter-pack [--lab CHAPTER | --only NAMES] [--out DIR]
    lab.py handouts [--check]            the book's exercise pages, from exercises.toml
    lab.py check                         the teacher check (scripts/labs/teacher_check.py)

The exercises are described in exercises.toml (same directory); their reference solutions
are the runtime's own code between `// ANCHOR: exercise-NAME[-PART]` and the matching
ANCHOR_END, their starter stubs are runtime-i386/stubs/NAME.rs and NAME.S. Grading is in
grade.py. Python 3.11 standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in scripts/labs/
HERE = Path(__file__).resolve().parent
# The chapters, in boot order: the one list of the chapters' stop points.
# The book's chapters with exercises: one per stop point (stages.txt), then the part after
# the boot, which has no stop point of its own.
CHAPTERS = [l.split("\t")[0] for l in (HERE.parent.parent / "runtime-i386" / "stages.txt").read_text().splitlines()
            if l.strip() and not l.startswith("#")] + ["after-boot"]
PACK_NAME = "gmp-boot-book-starter"
INTEGRITY_POINTS = 5
# What a copy of the project leaves out: build output, tools, history, caches.
EXCLUDE = {".git", "target", "book", ".tools", "node_modules", "__pycache__"}
MARK = re.compile(r"^(\s*)// ANCHOR(_END)?: exercise-([a-z0-9_]+)(?:-([a-z0-9_]+))?\s*$")


class LabError(Exception):
    """A mistake in the command or the tree: one clear message, exit status 2."""


# --- the course ----------------------------------------------------------------------------


class Exercise:
    def __init__(self, d, index):
        self.name, self.points, self.title = d["name"], d["points"], d["title"]
        self.what, self.hints, self.needs = d["what"].strip(), d.get("hints", []), d.get("needs", [])
        self.tests = [(t["points"], t["test"]) for t in d["tests"]]
        self.chapter = d.get("chapter")  # else from the regions' module (Course.chapter_of)
        self.index = index


class Course:
    def __init__(self, path=HERE / "exercises.toml"):
        data = tomllib.loads(Path(path).read_text())
        self.exercises = [Exercise(d, i) for i, d in enumerate(data["exercise"])]
        self.by_name = {e.name: e for e in self.exercises}

    def find(self, name):
        if name not in self.by_name:
            raise LabError(f"unknown exercise {name!r}; the exercises are: "
                           + ", ".join(e.name for e in self.exercises))
        return self.by_name[name]

    def of_chapter(self, chapter):
        if chapter not in CHAPTERS:
            raise LabError(f"unknown chapter {chapter!r}; the chapters are: " + ", ".join(CHAPTERS))
        return [e for e in self.exercises if e.chapter == chapter]


COURSE = Course()


# --- regions and stubs -----------------------------------------------------------------------


class Region:
    """The body between `// ANCHOR: exercise-NAME[-PART]` and its ANCHOR_END in one file."""

    def __init__(self, path, name, part, indent, start, stop, lines):
        self.path, self.name, self.part, self.indent = path, name, part or "", indent
        self.key = name + (f"-{part}" if part else "")
        self.start, self.stop = start, stop  # body lines [start, stop)
        self.body = lines[start:stop]
        self.around = "\n".join(lines[:start])  # for the asm chapter: the TEXT(...) above


def parse_regions(text, path):
    lines, out, open_ = text.split("\n"), [], None
    for i, line in enumerate(lines):
        m = MARK.match(line)
        if not m:
            continue
        key = (m.group(3), m.group(4))
        if not m.group(2):
            if open_:
                raise LabError(f"{path}:{i + 1}: exercise region inside the one opened at line {open_[0] + 1}")
            open_ = (i, key, m.group(1))
        elif not open_ or open_[1] != key:
            raise LabError(f"{path}:{i + 1}: ANCHOR_END of an exercise region that is not open")
        else:
            out.append(Region(path, key[0], key[1], open_[2], open_[0] + 1, i, lines))
            open_ = None
    if open_:
        raise LabError(f"{path}:{open_[0] + 1}: exercise region without its ANCHOR_END")
    return out


def source_files(root):
    base = Path(root) / "runtime-i386"
    return sorted(base.glob("src/**/*.rs")) + sorted(base.glob("asm/*.S"))


def scan(root):
    """Every exercise region of a tree, by key."""
    regions = {}
    for f in source_files(root):
        rel = f.relative_to(root).as_posix()
        for r in parse_regions(f.read_text(), rel):
            if r.key in regions:
                raise LabError(f"exercise region {r.key} appears twice ({regions[r.key].path}, {rel})")
            regions[r.key] = r
    return regions


def chapter_of(ex, regions):
    """The exercise's chapter: `chapter` in exercises.toml, else the chapter module its regions
    are in (globals.rs: globals; in assembly the function, TEXT(...), around them), the base
    layer's modules aside."""
    if ex.chapter:
        return ex.chapter
    found = set()
    for r in (r for r in regions.values() if r.name == ex.name):
        stem = Path(r.path).stem
        if r.path.endswith(".S"):
            stem = re.findall(r"TEXT\((\w+)\)", r.around)[-1].removeprefix("runtime_").lstrip("_")
        found.add(stem)
    chapters = found & set(CHAPTERS)
    if len(chapters) != 1:
        raise LabError(f"exercise {ex.name}: its regions are in {sorted(found)}, not in one chapter's "
                       "module; say `chapter =` in exercises.toml")
    return chapters.pop()


def replace_body(text, path, key, body):
    lines = text.split("\n")
    for r in parse_regions(text, path):
        if r.key == key:
            return "\n".join(lines[:r.start] + body + lines[r.stop:])
    raise LabError(f"{path}: no region {key}")


def stubs(root, name):
    """The starter stubs of exercise `name`, by region key (runtime-i386/stubs/NAME.*)."""
    out = {}
    for f in sorted((Path(root) / "runtime-i386" / "stubs").glob(f"{name}.*")):
        for r in parse_regions(f.read_text(), f.name):
            out[r.key] = r.body
    return out


def indented(body, indent):
    return [(indent + l) if l.strip() else "" for l in body]


def norm(lines):
    return [l.rstrip() for l in lines]


# --- a tree: the project, a starter pack, or a student's copy ----------------------------------


class Tree:
    def __init__(self, root):
        self.root = Path(root).resolve()
        if not (self.root / "runtime-i386" / "Cargo.toml").is_file():
            raise LabError(f"{self.root} is not the project (no runtime-i386/Cargo.toml)")
        self.state = self.root / "target" / "labs"
        self.pack_file = self.root / "scripts" / "labs" / "pack.json"

    @property
    def pack(self):
        return json.loads(self.pack_file.read_text()) if self.pack_file.is_file() else None

    def exercises(self):
        """The exercises of this tree, in order: all, or those its starter pack stubs."""
        names = (self.pack or {}).get("exercises")
        return [e for e in COURSE.exercises if names is None or e.name in names]

    def find(self, name):
        ex = COURSE.find(name)
        if ex not in self.exercises():
            raise LabError(f"exercise {name} is not part of this starter pack (its code is given); "
                           "its exercises are: " + ", ".join(e.name for e in self.exercises()))
        return ex

    def regions(self):
        return scan(self.root)

    def regions_of(self, ex):
        rs = [r for r in self.regions().values() if r.name == ex.name]
        want = set(stubs(self.root, ex.name))
        if not rs or {r.key for r in rs} != want:
            raise LabError(f"exercise {ex.name}: regions {sorted(r.key for r in rs)} in the source, "
                           f"stubs for {sorted(want)} in runtime-i386/stubs/")
        return rs

    def read(self, rel):
        return (self.root / rel).read_text()

    def write(self, rel, text):
        (self.root / rel).write_text(text)

    def set_body(self, region, body):
        self.write(region.path, replace_body(self.read(region.path), region.path, region.key,
                                             indented(body, region.indent)))

    def files(self):
        """Every file of the tree, relative, without build output, tools and history."""
        out = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDE)
            for f in sorted(filenames):
                p = Path(dirpath) / f
                # A git worktree's .git is a file (it names the repository's git directory).
                if f in EXCLUDE:
                    continue
                if p.is_file() and not p.is_symlink() and not f.endswith(".pyc"):
                    out.append(p.relative_to(self.root).as_posix())
        return out

    def fingerprint(self):
        """sha256 of every file, exercise regions blanked: what must stay as handed out."""
        return fingerprint(self.files(), lambda rel: (self.root / rel).read_bytes())

    def git(self, *args):
        if not (self.root / ".git").exists() or shutil.which("git") is None:
            return None
        r = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True)
        return r.stdout if r.returncode == 0 else None

    def handed_out(self):
        """The commit the tree was handed out as: a pack's first commit, else HEAD."""
        if self.pack:
            roots = (self.git("rev-list", "--max-parents=0", "HEAD") or b"").split()
            return roots[-1].decode() if roots else None
        head = self.git("rev-parse", "HEAD")
        return head.decode().strip() if head else None

    def committed(self, rel, commit=None):
        return self.git("show", f"{commit or 'HEAD'}:{rel}")

    def reference(self, region):
        """A region's reference body: saved when the stub went in, else as committed, else
        None (a pack has no solutions)."""
        saved = self.state / "pristine" / f"{region.key}.txt"
        if saved.is_file():
            return saved.read_text().split("\n")
        if self.pack:
            return None
        text = self.committed(region.path)
        for r in parse_regions(text.decode(), region.path) if text else []:
            if r.key == region.key:
                return r.body
        return None

    def status(self, ex):
        """'starter', 'reference' or 'attempted'."""
        sts = stubs(self.root, ex.name)
        states = set()
        for r in self.regions_of(ex):
            if norm(r.body) == norm(indented(sts[r.key], r.indent)):
                states.add("starter")
            else:
                ref = self.reference(r)
                states.add("reference" if ref is not None and norm(ref) == norm(r.body) else "attempted")
        return states.pop() if len(states) == 1 else "attempted"

    def save(self, region):
        d = self.state / "saved"
        d.mkdir(parents=True, exist_ok=True)
        p = d / f"{region.key}.{time.strftime('%Y%m%d-%H%M%S')}.{os.getpid()}.txt"
        p.write_text("\n".join(region.body))
        return p.relative_to(self.root)


def fingerprint(files, read):
    """{file: sha256} over `files`, read with `read(rel)` (bytes, or None if missing), with
    the bodies of the runtime's exercise regions blanked."""
    fp = {}
    for rel in files:
        data = read(rel)
        if data is None:
            continue
        if rel.startswith(("runtime-i386/src/", "runtime-i386/asm/")):
            lines = data.decode("utf-8", "replace").split("\n")
            for r in reversed(parse_regions("\n".join(lines), rel)):
                lines[r.start:r.stop] = [f"<region {r.key}>"]
            data = "\n".join(lines).encode()
        fp[rel] = hashlib.sha256(data).hexdigest()
    return fp


def copy_tree(src, dst, skip=()):
    """Copies the project's files (not build output, tools or history) to dst."""
    src, dst = Path(src), Path(dst)
    if dst.exists():
        shutil.rmtree(dst)
    for rel in Tree(src).files():
        if rel in skip:
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / rel, dst / rel)


# --- exercise / reset -------------------------------------------------------------------------


def apply_exercise(tree, name, force=False, say=print):
    ex = tree.find(name)
    sts = stubs(tree.root, ex.name)
    changed = 0
    for r in tree.regions_of(ex):
        stub = indented(sts[r.key], r.indent)
        if norm(r.body) == norm(stub):
            continue
        ref = tree.reference(r)
        if ref is None or norm(ref) != norm(r.body):
            # The student's own code: replaced only on request, and kept.
            if not force:
                raise LabError(f"exercise {name}: {r.path} holds your own code for {r.key}; FORCE=1 "
                               "replaces it with the starter stub (your code is saved in target/labs/saved/)")
            say(f"lab: your code for {r.key} is saved in {tree.save(r)}")
        else:
            saved = tree.state / "pristine" / f"{r.key}.txt"
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text("\n".join(r.body))
        tree.set_body(r, sts[r.key])
        changed += 1
    if changed:
        say(f"lab: exercise {name} is the starter stub now: write it, then `make grade EX={name}`")
    else:
        say(f"lab: exercise {name} is already in starter form")


def reset_exercise(tree, name, say=print):
    ex = tree.find(name)
    for r in tree.regions_of(ex):
        ref = tree.reference(r)
        if ref is None:
            raise LabError(f"exercise {name}: the starter pack has no solutions; "
                           f"`make exercise EX={name} FORCE=1` puts the starter stub back"
                           if tree.pack else f"exercise {name}: no reference for {r.key} "
                           "(nothing in target/labs/pristine/, no committed version)")
        if norm(r.body) == norm(ref):
            say(f"lab: {r.key} is already the reference solution")
            continue
        if norm(r.body) != norm(indented(stubs(tree.root, ex.name)[r.key], r.indent)):
            say(f"lab: your code for {r.key} is saved in {tree.save(r)}")
        tree.write(r.path, replace_body(tree.read(r.path), r.path, r.key, ref))
        (tree.state / "pristine" / f"{r.key}.txt").unlink(missing_ok=True)
        say(f"lab: {r.key} is the reference solution again")


# --- hand-in --------------------------------------------------------------------------------


def handin(tree):
    """The student's work: every region's body, with where it came from."""
    head = tree.git("rev-parse", "HEAD")
    return {"handin": 1, "pack": (tree.pack or {}).get("id"), "commit": head and head.decode().strip(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "regions": {k: r.body for k, r in tree.regions().items()}}


# --- the starter pack -----------------------------------------------------------------------

SOLUTION_RE = re.compile(r'<details class="solution">.*?</details>\n?', re.S)
TEACHER_ONLY = ["chapters-src/teachers.md", "scripts/labs/teacher_check.py", "scripts/labs/test_lab.py"]


def make_pack(tree, out_dir, names, archive=True):
    """The starter pack: a git repository with `names` stubbed (the others keep their code),
    the students' README and handouts, no teacher material and no solution. Without
    `archive`, only the files (what a teacher's grader compares a student's pack with)."""
    if tree.pack:
        raise LabError("this is already a starter pack")
    exs = [COURSE.find(n) for n in names]
    dst = Path(out_dir) / PACK_NAME
    secrets = solution_lines(tree, exs)
    copy_tree(tree.root, dst, skip=TEACHER_ONLY)
    pack = Tree(dst)
    for ex in exs:
        for r in pack.regions_of(ex):
            pack.set_body(r, stubs(dst, ex.name)[r.key])
    summary = dst / "chapters-src" / "SUMMARY.md"
    summary.write_text("".join(l for l in summary.read_text().splitlines(True) if "teachers.md" not in l))
    for md in (dst / "chapters-src").rglob("*.md"):
        text = md.read_text()
        new = SOLUTION_RE.sub("", text).replace("](teachers.md", "](../README.md")
        if new != text:
            md.write_text(new)
    import handouts
    (dst / "README.md").write_text(handouts.student_readme(exs))
    handouts.write_book_pages(dst, COURSE, names=[e.name for e in exs])
    wf = dst / ".github" / "workflows" / "classroom.yml"
    wf.parent.mkdir(parents=True, exist_ok=True)
    wf.write_text(handouts.classroom_workflow(exs))
    pack_id = hashlib.sha256(json.dumps(sorted(names)).encode() + time.time_ns().to_bytes(8, "little")).hexdigest()[:12]
    pack.pack_file.write_text(json.dumps({"id": pack_id, "exercises": [e.name for e in exs]}, indent=1) + "\n")
    pack.pack_file.with_name("fingerprint.json").write_text(json.dumps(pack.fingerprint(), indent=1) + "\n")
    leaks = find_leaks(dst, secrets)
    if leaks:
        shutil.rmtree(dst)
        raise LabError("the starter pack would contain solution lines: "
                       + "; ".join(f"{f}:{n} ({k})" for f, n, k in leaks[:10]))
    if not archive:
        return dst, None, len(secrets)
    git = ["git", "-C", str(dst), "-c", "user.name=starter pack", "-c", "user.email=pack@example.invalid"]
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "The starter pack, as handed out"]):
        subprocess.run(git + cmd, check=True, capture_output=True)
    tgz = Path(out_dir) / f"{PACK_NAME}.tar.gz"
    with tarfile.open(tgz, "w:gz") as t:
        t.add(dst, arcname=PACK_NAME)
    return dst, tgz, len(secrets)


def solution_lines(tree, exs):
    """The distinctive lines of the solutions of `exs`: those found nowhere else in the
    project (comments, braces and short lines are not distinctive)."""
    regions = tree.regions()
    lines = {}
    for r in regions.values():
        if any(r.name == e.name for e in exs):
            for l in r.body:
                t = l.strip()
                if len(t) > 12 and not t.startswith(("//", "#")) and t not in ("} else {",):
                    lines.setdefault(t, r.key)
    elsewhere = set()
    for rel in tree.files():
        p = tree.root / rel
        if p.suffix not in (".rs", ".S", ".md", ".py", ".toml"):
            continue
        text = p.read_text(errors="replace").split("\n")
        keep = set(range(len(text)))
        for r in parse_regions("\n".join(text), rel) if p.suffix in (".rs", ".S") else []:
            keep -= set(range(r.start - 1, r.stop + 1))
        elsewhere |= {text[i].strip() for i in keep}
    return {l: k for l, k in lines.items() if l not in elsewhere}


def find_leaks(root, secrets):
    leaks = []
    for rel in Tree(root).files():
        for n, line in enumerate((Path(root) / rel).read_text(errors="replace").split("\n"), 1):
            if line.strip() in secrets:
                leaks.append((rel, n, secrets[line.strip()]))
    return leaks


# --- the command line -----------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(prog="lab.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=str(HERE.parent.parent), help="the project (default: this one)")
    sub = ap.add_subparsers(dest="cmd")
    sub.add_parser("list")
    p = sub.add_parser("exercise")
    p.add_argument("name", nargs="?")
    p.add_argument("--force", action="store_true")
    p = sub.add_parser("reset")
    p.add_argument("name", nargs="?")
    p = sub.add_parser("grade")
    p.add_argument("names", nargs="*")
    p.add_argument("--student", help="a student's project directory or hand-in file, graded in a copy of this tree")
    p.add_argument("--json", action="store_true", help="the result as JSON on standard output")
    p.add_argument("--classroom", action="store_true", help="GitHub Classroom: results to $GITHUB_OUTPUT")
    p = sub.add_parser("grade-all")
    p.add_argument("dir")
    p.add_argument("--json", help="also write every result to this file")
    p = sub.add_parser("handin")
    p.add_argument("--out")
    p = sub.add_parser("starter-pack")
    p.add_argument("--lab", help="only this chapter's exercises (the rest is given)")
    p.add_argument("--only", help="only these exercises (space or comma separated)")
    p.add_argument("--out")
    p = sub.add_parser("handouts")
    p.add_argument("--check", action="store_true")
    sub.add_parser("check")
    sub.add_parser("health", help="a starter pack's own check: it builds and the grader runs")
    args = ap.parse_args(argv)
    if not args.cmd:
        ap.print_help()
        return 2
    try:
        tree = Tree(args.root)
        if args.cmd in ("exercise", "reset") and not args.name:
            raise LabError("which exercise? `make {} EX=NAME`, NAME one of: {}".format(
                "exercise" if args.cmd == "exercise" else "exercise-reset",
                ", ".join(e.name for e in tree.exercises())))
        if args.cmd == "list":
            regions = tree.regions()
            for i, e in enumerate(tree.exercises(), 1):
                needs = ", ".join(e.needs) or "nothing"
                print(f"{i:2}. {e.name:<13} {chapter_of(e, regions):<10} {e.points:>2} points  "
                      f"{tree.status(e):<10} needs {needs}")
            return 0
        if args.cmd == "exercise":
            apply_exercise(tree, args.name, args.force)
            return 0
        if args.cmd == "reset":
            reset_exercise(tree, args.name)
            return 0
        if args.cmd == "handin":
            out = Path(args.out or f"handin-{time.strftime('%Y%m%d-%H%M%S')}.json")
            out.write_text(json.dumps(handin(tree), indent=1) + "\n")
            print(f"lab: your exercise regions are in {out}: hand in that file")
            return 0
        if args.cmd == "starter-pack":
            if args.lab and args.only:
                raise LabError("--lab or --only, not both")
            names = ([e.name for e in COURSE.of_chapter(args.lab)] if args.lab else
                     [COURSE.find(n).name for n in re.split(r"[\s,]+", args.only or "") if n]
                     or [e.name for e in COURSE.exercises])
            dst, tgz, n = make_pack(tree, args.out or tree.root / "target" / "starter-pack", names)
            print(f"lab: starter pack: {dst} (a git repository: push it as the template repository)")
            print(f"lab: tarball:      {tgz}")
            print(f"lab: {len(names)} exercises stubbed; none of the {n} distinctive lines of their "
                  "solutions is in the pack, nor the teachers' page, nor the teacher check")
            return 0
        if args.cmd == "handouts":
            import handouts
            stale = handouts.write_book_pages(tree.root, COURSE, check=args.check)
            if stale:
                print("lab: stale: " + ", ".join(stale) + " (run scripts/labs/lab.py handouts)", file=sys.stderr)
                return 1
            return 0
        if args.cmd == "check":
            import teacher_check
            return teacher_check.main(tree)
        import grade
        if args.cmd == "health":
            return grade.health(tree)
        if args.cmd == "grade-all":
            return grade.grade_all(tree, Path(args.dir), args.json)
        return grade.cli(tree, args)
    except LabError as e:
        print(f"lab: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as e:  # a bug in the tools: one line, the traceback on request
        if os.environ.get("LAB_DEBUG"):
            raise
        print(f"lab: internal error: {type(e).__name__}: {e} (LAB_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.modules["lab"] = sys.modules["__main__"]  # grade.py and the others import this module
    sys.exit(main())
