#!/usr/bin/env python3
"""mdBook preprocessor of the Chinese edition, after mdbook-gettext (scripts/i18n/build.sh):
it mends two things mdbook-gettext (mdbook-i18n-helpers 0.4.0) does to the translated book.

1. Admonitions. mdbook-i18n-helpers 0.4 does not know the GitHub-style admonitions mdBook 0.5 renders
(`> [!WARNING]` on a line of its own at the start of a block quote): it extracts the
marker with the text that follows, escaped (`\\[!WARNING\\] **Correction …`), and writes the
translation back the same way, on one line, where mdBook sees text, not an admonition.
This puts each such marker back on a line of its own, unescaped, as the first line of its
block quote.

2. Chapter names. The sidebar shows a chapter's name as text, and mdbook-gettext writes the
translated name through its Markdown writer, which escapes it: `\_rt0_386` showed its
backslash. This removes Markdown's backslash escapes from the names."""
import json
import re
import sys

MARKER = re.compile(r"^((?:[ \t]*>)+[ \t]?)\\\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\\\][ \t]*(.*)$")


def fix(content):
    out = []
    for line in content.split("\n"):
        m = MARKER.match(line)
        if m:
            quote, kind, rest = m.groups()
            # The marker must be the block quote's first line: drop the empty quote lines
            # mdbook-gettext leaves before it.
            while out and re.fullmatch(r"(?:[ \t]*>)+[ \t]*", out[-1]):
                out.pop()
            out.append(f"{quote}[!{kind}]")
            if rest:
                out.append(f"{quote}{rest}")
        else:
            out.append(line)
    return "\n".join(out)


ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def walk(items):
    for item in items:
        if isinstance(item, dict) and "Chapter" in item:
            ch = item["Chapter"]
            ch["content"] = fix(ch["content"])
            ch["name"] = ESCAPE.sub(r"\1", ch["name"])
            walk(ch.get("sub_items", []))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0)
    _ctx, book = json.load(sys.stdin)
    walk(book["items"])
    json.dump(book, sys.stdout)
