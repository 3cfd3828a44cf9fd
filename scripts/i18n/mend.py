#!/usr/bin/env python3
"""mdBook preprocessor of the Chinese edition, after mdbook-gettext (scripts/i18n/build.sh):
it mends two things mdbook-gettext (mdbook-i18n-helpers 0.4.0) does to the translated book,
and it shortens the "From the article" blocks.

1. Admonitions. mdbook-i18n-helpers 0.4 does not know the GitHub-style admonitions mdBook 0.5 renders
(`> [!WARNING]` on a line of its own at the start of a block quote): it extracts the
marker with the text that follows, escaped (`\\[!WARNING\\] **Correction …`), and writes the
translation back the same way, on one line, where mdBook sees text, not an admonition.
This puts each such marker back on a line of its own, unescaped, as the first line of its
block quote.

2. Chapter names. The sidebar shows a chapter's name as text, and mdbook-gettext writes the
translated name through its Markdown writer, which escapes it: `\_rt0_386` showed its
backslash. This removes Markdown's backslash escapes from the names.

3. The "From the article" blocks (原文摘要) are a short summary in the Chinese edition, not
a translation: their first paragraphs summarise the block, and each message the summary
leaves out is translated as the marker 〔略〕 (so that po/zh-CN.po stays complete). This
drops those paragraphs and list items, and fails if a block would keep nothing but its
titles."""
import re
import sys

from extras import unescape_md
from mdbook import preprocess

# A quote line with nothing in it (`>`, ` > `, `> >`).
EMPTY_QUOTE = re.compile(r"(?:[ \t]*>)+[ \t]*")
MARKER = re.compile(r"^((?:[ \t]*>)+[ \t]?)\\\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\\\][ \t]*(.*)$")


def fix(content):
    out = []
    for line in content.split("\n"):
        m = MARKER.match(line)
        if m:
            quote, kind, rest = m.groups()
            # The marker must be the block quote's first line: drop the empty quote lines
            # mdbook-gettext leaves before it.
            while out and EMPTY_QUOTE.fullmatch(out[-1]):
                out.pop()
            out.append(f"{quote}[!{kind}]")
            if rest:
                out.append(f"{quote}{rest}")
        else:
            out.append(line)
    return "\n".join(out)


OMITTED = "〔略〕"
QUOTE = re.compile(r"^((?:[ \t]*>)+)[ \t]?(.*)$")
ITEM = re.compile(r"^(?:[-*+]|\d+[.)])[ \t]+(.*)$")


def drop_omitted(content, name):
    """Drops the quote lines (paragraphs, list items) that are only the marker, then the
    empty quote lines that leaves doubled or at a block's end."""
    out = []
    for line in content.split("\n"):
        m = QUOTE.match(line)
        if m:
            text = m.group(2).strip()
            item = ITEM.match(text)
            if text == OMITTED or (item and item.group(1).strip() == OMITTED):
                continue
        out.append(line)
    tidy = []
    for line in out:
        empty = EMPTY_QUOTE.fullmatch(line) is not None
        if empty and tidy and EMPTY_QUOTE.fullmatch(tidy[-1]):
            continue
        if not line.strip() and tidy and EMPTY_QUOTE.fullmatch(tidy[-1]) \
                and len(tidy) > 1 and QUOTE.match(tidy[-2]):
            tidy.pop()  # the block's trailing empty quote line
        tidy.append(line)
    # Every summary block keeps more than its titles.
    lines = tidy
    for i, line in enumerate(lines):
        m = QUOTE.match(line)
        if m and m.group(2).strip() == "**原文摘要**":
            body = []
            for nxt in lines[i + 1:]:
                q = QUOTE.match(nxt)
                if not q:
                    break
                if q.group(2).strip():
                    body.append(q.group(2).strip())
            if not [b for b in body if not re.fullmatch(r"\*\*[^*]+\*\*", b)]:
                sys.exit(f"mend.py: {name}: a 原文摘要 block has nothing but its titles "
                         f"(every message of it is {OMITTED}): keep a summary in one")
    return "\n".join(lines)


def mend_chapter(ch):
    ch["content"] = drop_omitted(fix(ch["content"]), ch["name"])
    ch["name"] = unescape_md(ch["name"])


if __name__ == "__main__":
    preprocess(mend_chapter)
