#!/usr/bin/env python3
"""mdBook preprocessor of the Chinese edition, after mdbook-gettext (scripts/i18n/build.sh).

mdbook-i18n-helpers 0.4 does not know the GitHub-style admonitions mdBook 0.5 renders
(`> [!WARNING]` on a line of its own at the start of a block quote): it extracts the
marker with the text that follows, escaped (`\\[!WARNING\\] **Correction …`), and writes the
translation back the same way, on one line, where mdBook sees text, not an admonition.
This puts each such marker back on a line of its own, unescaped, as the first line of its
block quote."""
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


def walk(items):
    for item in items:
        if isinstance(item, dict) and "Chapter" in item:
            item["Chapter"]["content"] = fix(item["Chapter"]["content"])
            walk(item["Chapter"].get("sub_items", []))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0)
    _ctx, book = json.load(sys.stdin)
    walk(book["items"])
    json.dump(book, sys.stdout)
