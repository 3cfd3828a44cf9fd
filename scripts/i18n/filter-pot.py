#!/usr/bin/env python3
"""Drop from a POT file the messages with nothing to translate: no letter outside inline
code (`751–768`, `` `sched.maxmcount` ``, `—`, `**`8`**`). The Chinese edition shows
them as they are. Then add the messages that are not in the Markdown (extras.py).
Usage: filter-pot.py IN OUT."""
import re
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import po  # noqa: E402
import check  # noqa: E402
import extras  # noqa: E402


def translatable(msgid):
    return re.search(r"[A-Za-z]", check.prose(msgid)) is not None  # outside code, link targets


ARTICLE_NOTE = ("#. FROM THE ARTICLE. The Chinese edition gives a short summary in our own words "
                "here, never the article's text.")


def article_lines(path, cache={}):
    """The line numbers of the "From the article" block quotes of a chapter's source."""
    if path not in cache:
        lines, inside = set(), False
        try:
            text = open(path, encoding="utf-8").read().split("\n")
        except OSError:
            text = []
        for n, line in enumerate(text, 1):
            if line.startswith("> **From the article**"):
                inside = True
            elif not line.startswith(">"):
                inside = False
            if inside:
                lines.add(n)
        cache[path] = lines
    return cache[path]


def mark_article(e):
    """A message from a "From the article" block gets a note for the translator: the Chinese
    edition summarises the article there (check.py checks that it does not reproduce it)."""
    for loc in e.locations:
        path, _, line = loc.rpartition(":")
        if line.isdigit() and int(line) in article_lines(path):
            e.comments.insert(0, ARTICLE_NOTE)
            return


def main():
    src, dst = sys.argv[1], sys.argv[2]
    entries = po.parse(open(src, encoding="utf-8").read())
    kept = [e for i, e in enumerate(entries) if i == 0 or translatable(e.msgid)]
    for e in kept[1:]:
        mark_article(e)
    # Then the messages outside the Markdown: book.toml's title, our scripts' UI strings.
    have = {e.msgid for e in kept}
    kept += [e for e in extras.entries() if e.msgid not in have]
    # The creation date changes at every extraction, and the POT is compared with a fresh
    # extraction: a fixed date (mdbook-gettext needs the field to be there).
    kept[0].msgstr = re.sub(r"POT-Creation-Date: [^\n]*", "POT-Creation-Date: 2024-01-01 00:00+0000",
                            kept[0].msgstr)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(po.write(kept))


if __name__ == "__main__":
    main()
