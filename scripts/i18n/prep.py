#!/usr/bin/env python3
"""mdBook preprocessor used only when extracting po/messages.pot (scripts/i18n/extract.sh).

It runs before mdBook's `links` preprocessor and hides from mdbook-xgettext what the
Chinese edition keeps as it is: fenced code blocks (code, program output, mermaid
sources, shell commands) and the generated includes (tables and outputs written by
`make generated` and `make bench`), except the exercise handouts, which are prose.
Each hidden line becomes an empty line (or a bare `>` inside a block quote), so the
line numbers in the POT are the source file's line numbers.
"""
import re

from mdbook import preprocess

FENCE = re.compile(r"^((?:\s*>)*\s*)(`{3,}|~{3,})")
GENERATED = re.compile(r"^\s*\{\{#include generated/(?!exercises-)[^}]*\}\}\s*$")
HANDOUT = re.compile(r"^\s*\{\{#include (generated/exercises-[^}:]*\.md)\}\}\s*$")
SRC = "chapters-src"


def inline_handouts(content):
    """The exercise handouts are prose with code blocks: inline them here, so that their
    code blocks are hidden like the chapter's own."""
    out = []
    for line in content.split("\n"):
        m = HANDOUT.match(line)
        if m:
            with open(f"{SRC}/{m.group(1)}", encoding="utf-8") as f:
                out.append(f.read().rstrip("\n"))
        else:
            out.append(line)
    return "\n".join(out)


def hide(content):
    out = []
    fence = None  # (marker char, length) of the open fence
    for line in content.split("\n"):
        m = FENCE.match(line)
        prefix = re.match(r"^((?:\s*>)*)", line).group(1).strip()
        if fence is None and m:
            fence = (m.group(2)[0], len(m.group(2)))
            out.append(prefix)
        elif fence is not None:
            if m and m.group(2)[0] == fence[0] and len(m.group(2)) >= fence[1] \
                    and line[m.end():].strip() == "":
                fence = None
            out.append(prefix)
        elif GENERATED.match(line):
            out.append(prefix)
        else:
            out.append(line)
    return "\n".join(out)


def hide_chapter(ch):
    ch["content"] = hide(inline_handouts(ch["content"]))


if __name__ == "__main__":
    preprocess(hide_chapter)
