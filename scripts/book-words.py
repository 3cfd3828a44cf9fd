#!/usr/bin/env python3
"""Words a reader reads in each chapter: prose only (no code blocks, no {{#include}}d files,
no HTML comments, no table rules), up to the chapter's exercises. The second edition's
closing note quotes these numbers.

    scripts/book-words.py            # the working tree
    scripts/book-words.py --at REV   # the book as it was at a git revision
"""
import argparse
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["introduction"] + [l.split("\t")[0] for l in (ROOT / "runtime-i386/stages.txt").read_text().splitlines()
                            if l and not l.startswith("#")] + ["boot-stepper", "after-boot", "summary"]


def words(text):
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    out, fence = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
            continue
        if fence or "{{#include" in line or re.fullmatch(r"\|?[-:| ]+\|?", line.strip()):
            continue
        # The exercises close the chapter: the first edition's section, the second's block.
        if re.match(r"## Exercises|<details class=\"exercises\"", line):
            break
        out.append(line)
    prose = re.sub(r"\]\([^)]*\)", "]", "\n".join(out))  # link targets are not read
    prose = re.sub(r"<[^>]+>", " ", prose)
    return len(re.findall(r"[\w`'’.,:;()\[\]\-–—/+=*→<>%$#]+", prose))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--at", help="a git revision (default: the working tree)")
    a = ap.parse_args()
    total = 0
    for p in PAGES:
        rel = f"chapters-src/{p}.md"
        if a.at:
            r = subprocess.run(["git", "-C", str(ROOT), "show", f"{a.at}:{rel}"], capture_output=True,
                               text=True)
            if r.returncode != 0:  # a page that did not exist then
                print(f"{p:<13}{'—':>6}")
                continue
            text = r.stdout
        elif not (ROOT / rel).exists():
            print(f"{p:<13}{'—':>6}")
            continue
        else:
            text = (ROOT / rel).read_text()
        n = words(text)
        total += n
        print(f"{p:<13}{n:>6}")
    print(f"{'total':<13}{total:>6}")


if __name__ == "__main__":
    main()
