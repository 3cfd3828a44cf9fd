"""What students read, generated from exercises.toml: the book's exercise sections (one file per
chapter, included by the chapter), the teachers' table, the starter pack's README, and its
GitHub Classroom workflow."""

from pathlib import Path

import lab

GENERATED = "chapters-src/generated"


def test_label(test):
    f, name = test.split("::", 1)
    return f"unit test `{name.removeprefix('tests::')}`" if f == "lib" else f"`{f}::{name}`"


def exercise_section(ex, regions, order, solutions=True):
    n = order.index(ex.name) + 1
    needs = ", ".join(f"[`{x}`]({lab.chapter_of(lab.COURSE.find(x), regions)}.md#exercise-{x.replace('_', '-')})"
                      for x in ex.needs) or "nothing before it"
    out = [f"### Exercise {n}: `{ex.name}`: {ex.title} ({ex.points} points) {{#exercise-{ex.name.replace('_', '-')}}}",
           "", ex.what, "", f"Needs: {needs}.", "", "**Hints**", ""]
    out += [f"- {h}" for h in ex.hints]
    out += ["", "**Graded by** (95 points, and 5 for leaving everything outside the markers as handed out):", ""]
    out += [f"- {p} points: {test_label(t)}" for p, t in ex.tests]
    if not solutions:  # a starter pack: no reference to go back to
        return "\n".join(out + ["", "```sh", f"make grade EX={ex.name}   # build and grade ({ex.points} of "
                                "the course's 100 points)", f"make exercise EX={ex.name} FORCE=1   # a fresh "
                                "stub (your code is saved in target/labs/saved/)", "```", ""])
    out += ["", "```sh",
            f"make exercise EX={ex.name}        # the starter stub, in place of the runtime's code",
            f"make grade EX={ex.name}           # build and grade ({ex.points} of the course's 100 points)",
            f"make exercise-reset EX={ex.name}  # the reference solution again",
            "```", "", '<details class="solution">', "<summary>", "", "Solution: the runtime's own code", "", "</summary>", ""]
    for r in sorted((r for r in regions.values() if r.name == ex.name), key=lambda r: (r.path, r.start)):
        lang = "asm" if r.path.endswith(".S") else "rust,ignore"
        out += [f"`{Path(r.path).name}`:", "", f"```{lang}", f"{{{{#include ../../{r.path}:exercise-{r.key}}}}}", "```", ""]
    return "\n".join(out + ["</details>", ""])


def book_pages(root, course, names=None):
    """{path: text} of the generated exercise pages: one per chapter, and the teachers' table."""
    regions = lab.scan(root)
    order = [e.name for e in course.exercises]
    pages = {}
    table = ["| # | exercise | chapter | points | needs | what the student writes |", "|---|---|---|---|---|---|"]
    for ch in lab.CHAPTERS:
        exs = [e for e in course.exercises if lab.chapter_of(e, regions) == ch and (names is None or e.name in names)]
        text = [f"<!-- generated from scripts/labs/exercises.toml by `scripts/labs/lab.py handouts`; do not edit -->", ""]
        if not exs:
            text.append("This chapter's code is given in this starter pack: no exercise here.")
        else:
            # One collapsed block at the chapter's end, out of the reading flow; a link to an
            # exercise opens it (chapters-src/theme/open-details.js).
            pts = sum(e.points for e in exs)
            # The summary's text is a Markdown paragraph (blank lines around it), not HTML:
            # mdbook-xgettext extracts it for the Chinese edition (book.css keeps it inline).
            text += ['<details class="exercises">', "<summary>", "",
                     f"{len(exs)} exercise{'s' * (len(exs) > 1)} ({pts} of the course's 100 points): "
                     "write this chapter's code yourself. [How they work](exercises.md), "
                     "how they are graded, and their order.", "", "</summary>", ""]
        for e in exs:
            text.append(exercise_section(e, regions, order, solutions=names is None))
            anchor = f"{ch}.md#exercise-{e.name.replace('_', '-')}"
            table.append(f"| {order.index(e.name) + 1} | [`{e.name}`]({anchor}) | {ch} | {e.points} | "
                         f"{', '.join(e.needs) or '—'} | {e.title} |")
        if exs:
            text += ["</details>"]
        pages[f"{GENERATED}/exercises-{ch}.md"] = "\n".join(text) + "\n"
    pages[f"{GENERATED}/exercises-table.md"] = "\n".join(table) + "\n"
    return pages


def write_book_pages(root, course, names=None, check=False):
    """Writes the pages (or, with check, lists those that differ)."""
    stale = []
    for rel, text in book_pages(root, course, names).items():
        p = Path(root) / rel
        if check:
            if not p.is_file() or p.read_text() != text:
                stale.append(rel)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
    return stale


def student_readme(exs):
    rows = "\n".join(f"| {i} | `{e.name}` | {e.points} | {', '.join(f'`{x}`' for x in e.needs) or '—'} | {e.title} |"
                     for i, e in enumerate(exs, 1))
    return f"""# How a Go program boots on linux/386: the exercises

This repository is your starter pack: the book, and the small Go-style runtime it is about,
with {len(exs)} pieces of the runtime taken out for you to write. Your work goes between the
markers `// ANCHOR: exercise-NAME` and `// ANCHOR_END: exercise-NAME` in `runtime-i386/`;
everything else stays as it is (the grader checks).

## Set up and read

On Debian or Ubuntu (x86_64): `make serve` sets up what the book needs and serves it on
http://127.0.0.1:3000. Read a chapter, then do its exercises: each chapter ends with them,
and the book's listings show your stubs. On macOS or Windows use the container
(`Dockerfile`, `.devcontainer/`); where 32-bit x86 programs cannot run (Apple silicon, an arm64
VM) add `RUNNER=qemu` to every `make` command.

## The order

Do the exercises in this order: it is the order of the boot, and an exercise's tests boot the
runtime through the exercises before it. If you skip one, the grader says which to do first.

| # | exercise | points | needs | what you write |
|---|---|---|---|---|
{rows}

## Work and grade

```sh
make exercise EX=NAME     # a fresh starter stub (FORCE=1 if you already wrote code there: it is saved)
make grade EX=NAME        # build and grade one exercise, out of 100
make grade                # every exercise, and your weighted total
cargo run --example schedinit   # a chapter program, to see what your code does
```

Each test has a time limit. Grading runs in a sandbox where bubblewrap is installed (`scripts/setup.sh
labs` installs it) and says so when it is not. Only what is between the markers counts: the
grader builds a copy with your regions and the files as they were handed out. Code in a region
may not use `std`, `cfg(test)`, link sections or `include!`: such a region scores 0.

## Hand in

```sh
make handin               # writes handin-DATE.json: your regions, nothing else
```

Hand in that file, or, in GitHub Classroom, push: the workflow in `.github/workflows/`
grades every push and reports points per exercise.

`make test` checks that this pack is healthy (it builds and the grader runs); it does not
grade you.
"""


def classroom_workflow(exs):
    runners = ",".join(e.name for e in exs)
    env = "\n".join(f"          {e.name.upper()}_RESULTS: \"${{{{ steps.grade.outputs.{e.name} }}}}\"" for e in exs)
    return f"""# GitHub Classroom autograding: grades every push and reports the points of each exercise
# (scripts/labs/lab.py grade --classroom writes one result per exercise to $GITHUB_OUTPUT, in
# the format of education/autograding-grading-reporter).
name: Autograding Tests
"on":
  - push
  - workflow_dispatch
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-24.04
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: Set up
        run: scripts/setup.sh labs
      - name: Grade
        id: grade
        run: python3 scripts/labs/lab.py grade --classroom
      - name: Autograding Reporter
        uses: education/autograding-grading-reporter@v1
        env:
{env}
        with:
          runners: {runners}
"""
