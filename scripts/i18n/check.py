#!/usr/bin/env python3
"""Checks of the Chinese edition's translation (po/zh-CN.po); `make test` runs them
through tests/i18n.rs, translators run them by hand.

  check.py                 po/zh-CN.po against po/messages.pot: every message translated,
                           none fuzzy, none obsolete or missing; each entry as below
  check.py --part FILE     only the entries of FILE (a translator's share)
  check.py --po FILE       FILE in place of po/zh-CN.po (tests/i18n.rs checks the checker)
  check.py --covers POT    every message of po/messages.pot from the Markdown is one of
                           POT's (a plain mdbook-xgettext of the book, what mdbook-gettext
                           meets at build time): hiding code must not change the messages

Each translated entry must keep the Markdown of its English message: the same link
targets, inline code, includes, heading anchors, admonition markers and HTML tags; it
must use the Chinese terms of the glossary (chapters-src/glossary.md) for the English
terms it contains; and it must not reproduce the article: no run of 12 characters
(6 of them Chinese) that the article has (po/article-fingerprints.txt holds hashes of the
article's runs, not its text); the title of a "From the article" block is the article's
section title (po/article-sections.txt), the pointer to the original; a message of such a
block that the summary leaves out is translated as 〔略〕 (only there), and the summaries
together stay under two thirds of the article's prose. The summaries of the "From the article" blocks may drop
links and code; every other entry keeps them all.
"""
import collections
import functools
import hashlib
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import po  # noqa: E402

WINDOW = 12
MIN_CJK = 6
CJK = re.compile(r"[\u3400-\u9fff]")
ARTICLE_NOTE = "FROM THE ARTICLE"
# The translation of a From-the-article message that the block's summary leaves out
# (scripts/i18n/mend.py drops it from the Chinese edition).
OMITTED = "〔略〕"


# An inline code span: a run of backticks, then anything up to the same run.
CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)


def code_spans(s):
    return collections.Counter(m.group(0) for m in CODE.finditer(s))


def link_targets(s):
    return collections.Counter(re.findall(r"\]\(([^)\s]+)[^)]*\)", s))


def includes(s):
    return collections.Counter(re.findall(r"\{\{#[^}]*\}\}", s))


def anchors(s):
    return collections.Counter(re.findall(r"\{#[^}]*\}", s))


def html_tags(s):
    s = CODE.sub("", s)
    return collections.Counter(re.findall(r"</?[a-zA-Z][^>]*>", s))


def admonition(s):
    m = re.match(r"\\?\[!([A-Z]+)\\?\]", s)
    return m.group(1) if m else None


def prose(s):
    """The words of a message: without inline code and link targets."""
    s = CODE.sub(" ", s)
    s = re.sub(r"\]\([^)]*\)", "]", s)
    return s


def windows(text):
    t = re.sub(r"\s+", "", text)
    for i in range(len(t) - WINDOW + 1):
        w = t[i:i + WINDOW]
        if len(CJK.findall(w)) >= MIN_CJK:
            yield w


def fingerprint(w):
    return hashlib.sha1(w.encode()).hexdigest()[:12]


@functools.lru_cache(maxsize=None)
def article_facts():
    """(the fingerprints, the Chinese characters of the prose) of the article, from
    po/article-fingerprints.txt (written by fingerprint.py), read once."""
    with open(os.path.join(ROOT, "po", "article-fingerprints.txt"), encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip()]
    prose = [int(m.group(1)) for l in lines
             for m in [re.match(r"# prose: (\d+) Chinese characters", l)] if m]
    if not prose:
        raise SystemExit("po/article-fingerprints.txt: no '# prose:' line (run fingerprint.py)")
    return frozenset(l for l in lines if not l.startswith("#")), prose[0]


def load_fingerprints():
    return article_facts()[0]


def article_prose():
    """The Chinese characters of the article's prose (recorded by fingerprint.py)."""
    return article_facts()[1]


def summaries_too_long(entries):
    """The From-the-article blocks are short summaries: together, less than two thirds of
    the article's prose (in Chinese characters; the 〔略〕 messages are dropped)."""
    n = sum(len(CJK.findall(e.msgstr)) for e in entries
            if ARTICLE_NOTE in e.extracted and e.msgstr != OMITTED)
    limit = article_prose() * 2 // 3
    return (n, limit) if n > limit else None


def sections(cache=[]):
    if not cache:
        with open(os.path.join(ROOT, "po", "article-sections.txt"), encoding="utf-8") as f:
            cache.append({l.strip() for l in f if l.strip() and not l.startswith("#")})
    return cache[0]


def glossary_terms():
    """(English terms, Chinese terms) pairs from the glossary's tables with a 中文 column."""
    rules = []
    text = open(os.path.join(ROOT, "chapters-src", "glossary.md"), encoding="utf-8").read()
    table_has_zh = False
    for line in text.split("\n"):
        if line.startswith("| Term | 中文"):
            table_has_zh = True
            continue
        if not line.startswith("|"):
            table_has_zh = False
            continue
        if not table_has_zh or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        term = re.sub(r"<span[^>]*></span>", "", cells[0])
        zh = cells[1]
        if zh in ("—", ""):
            continue
        en_terms = [t.strip() for t in term.split(",")]
        zh_terms = [t.strip() for t in re.split(r",\s*", zh)]
        if len(en_terms) != len(zh_terms):
            zh_terms = [zh_terms[0]] * len(en_terms)
        for en, cn in zip(en_terms, zh_terms):
            if "`" in en or not cn or not CJK.search(cn):
                continue
            en = re.sub(r"\s*\(.*?\)", "", en).strip()
            # "协程 (goroutine)": 协程, or the word in parentheses; "调用约定 ABI0": 调用约定.
            alts = [re.sub(r"\s*\(.*?\)", "", cn).replace(en, "")]
            alts += re.findall(r"\((.*?)\)", cn)
            rules.append((en, tuple(a.replace(" ", "") for a in alts if a.strip())))
    return rules


def term_regex(en):
    # Not inside a name: runtime-i386, runtime.main, runtime·mstart, /runtime/.
    return re.compile(r"(?<![\w.\-/·])" + re.escape(en) + r"(?:s|es)?(?![\w\-/·]|\.\w)", re.I)


def bold_that_does_not_close(t):
    """A closing ** after a punctuation mark and before a letter: CommonMark does not close a
    bold there (**启动。**驱动 is shown with its asterisks); **启动**。驱动 is right."""
    masked = CODE.sub(lambda m: "`" * len(m.group(0)), t)  # code is not a letter
    n = 0
    for m in re.finditer(r"\*\*", masked):
        n += 1
        before = masked[m.start() - 1:m.start()]
        after = masked[m.end():m.end() + 1]
        if n % 2 == 0 and before and unicodedata.category(before)[0] == "P" \
                and after and unicodedata.category(after)[0] == "L":
            return t[max(0, m.start() - 12):m.end() + 6]
    return None


def check_entry(e, rules, prints):
    problems = []
    s, t = e.msgid, e.msgstr
    if not t:
        return ["not translated"]
    if e.fuzzy:
        problems.append("fuzzy")
    article = ARTICLE_NOTE in e.extracted
    if OMITTED in t:
        if article and t == OMITTED:
            return problems  # left out of the block's summary (mend.py drops it)
        problems.append(f"{OMITTED} is only for a whole message of a From-the-article block")
        return problems
    if includes(s) != includes(t):
        problems.append(f"includes differ: {dict(includes(s))} vs {dict(includes(t))}")
    if anchors(s) != anchors(t):
        problems.append(f"anchors {{#…}} differ: {dict(anchors(s))} vs {dict(anchors(t))}")
    if admonition(s) != admonition(t):
        problems.append(f"admonition marker: {admonition(s)} vs {admonition(t)}")
    if article and re.fullmatch(r"\*\*[^*]+\*\*", s) and s != "**From the article**":
        # A block's title: the article's own section title, the pointer to the original.
        m = re.fullmatch(r"\*\*([^*]+)\*\*", t)
        if not m or m.group(1).replace("\\", "") not in sections():
            problems.append("a block's title must be the article's section title, in bold "
                            "(po/article-sections.txt)")
    if article:
        extra = set(link_targets(t)) - set(link_targets(s))
        if extra:
            problems.append(f"links that the English does not have: {sorted(extra)}")
    else:
        if link_targets(s) != link_targets(t):
            miss = link_targets(s) - link_targets(t)
            extra = link_targets(t) - link_targets(s)
            problems.append(f"link targets differ: missing {dict(miss)}, extra {dict(extra)}")
        if code_spans(s) != code_spans(t):
            miss = code_spans(s) - code_spans(t)
            extra = code_spans(t) - code_spans(s)
            problems.append(f"inline code differs: missing {dict(miss)}, extra {dict(extra)}")
        if html_tags(s) != html_tags(t):
            problems.append(f"HTML tags differ: {dict(html_tags(s))} vs {dict(html_tags(t))}")
    if "UI string" in e.extracted:
        if collections.Counter(re.findall(r"\{\w+\}", s)) != collections.Counter(re.findall(r"\{\w+\}", t)):
            problems.append("placeholders {…} differ")
        # A space at an end stays (a full-width bracket or mark may take its place).
        def edge(c):
            return c == " " or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
        if (s[:1] == " " and not edge(t[:1])) or (s[:1] != " " and t[:1] == " ") \
                or (s[-1:] == " " and not edge(t[-1:])) or (s[-1:] != " " and t[-1:] == " "):
            problems.append("the spaces at the ends differ")
    bad = bold_that_does_not_close(t)
    if bad:
        problems.append(f"a bold that does not close (put the punctuation after **): {bad!r}")
    if t.count("**") % 2:
        problems.append("unbalanced **")
    if t.count("`") % 2 and s.count("`") % 2 == 0:
        problems.append("unbalanced `")
    # Spaces and 的 do not count: 空闲的 P, 空闲P.
    src, dst = prose(s), prose(t).replace(" ", "").replace("的", "")
    for en, alts in rules:
        if term_regex(en).search(src) and not any(a.replace("的", "") in dst for a in alts):
            problems.append(f"glossary: '{en}' is {' or '.join(alts)} (chapters-src/glossary.md)")
    title = re.fullmatch(r"\*\*([^*]+)\*\*", t)
    if title and title.group(1).replace("\\", "") in sections():
        return problems  # the article's section title is the pointer, not a copy
    # A run the English message has too is the English edition quoting the article's term
    # (the glossary's 用户可感知的main函数): it stays.
    quoted = re.sub(r"\s+", "", s)
    copied = [w for w in windows(prose(t)) if fingerprint(w) in prints and w not in quoted]
    if copied:
        problems.append(f"reproduces the article: {copied[0]!r}")
    return problems


def main(argv):
    rules = glossary_terms()
    prints = load_fingerprints()
    failures = []
    if len(argv) > 2 and argv[1] == "--covers":
        ours = po.parse(open(os.path.join(ROOT, "po", "messages.pot"), encoding="utf-8").read())[1:]
        full = {e.msgid for e in po.parse(open(argv[2], encoding="utf-8").read())[1:]}
        missing = [e for e in ours if e.msgid not in full
                   and any(l.endswith(".md") or ".md:" in l for l in e.locations)]
        for e in missing:
            print(f"{' '.join(e.locations[:2])}: not a message of the built book: {e.msgid[:70]!r}")
        print(f"{len(ours)} messages, {len(missing)} not met when the book is built")
        return 1 if missing else 0
    po_path = os.path.join(ROOT, "po", "zh-CN.po")
    if len(argv) > 2 and argv[1] == "--po":
        po_path = argv[2]
    if len(argv) > 2 and argv[1] == "--part":
        entries = po.parse(open(argv[2], encoding="utf-8").read())[1:]
    else:
        pot = po.parse(open(os.path.join(ROOT, "po", "messages.pot"), encoding="utf-8").read())[1:]
        entries = po.parse(open(po_path, encoding="utf-8").read())[1:]
        live = [e for e in entries if not e.obsolete]
        have = {e.msgid for e in live}
        want = {e.msgid for e in pot}
        for m in sorted(want - have):
            failures.append(f"po/zh-CN.po: missing (run make i18n-update): {m[:70]!r}")
        for m in sorted(have - want):
            failures.append(f"po/zh-CN.po: not in messages.pot (run make i18n-update): {m[:70]!r}")
        for e in entries:
            if e.obsolete:
                failures.append(f"po/zh-CN.po:{e.lineno}: obsolete entry (#~): delete it")
        entries = live
        long = summaries_too_long(entries)
        if long:
            failures.append(f"the From-the-article summaries have {long[0]} Chinese characters, "
                            f"more than {long[1]} (two thirds of the article's prose): shorten "
                            f"them (〔略〕 leaves a message out)")
    n = 0
    for e in entries:
        probs = check_entry(e, rules, prints)
        if probs:
            n += 1
            where = " ".join(e.locations[:2])
            failures.append(f"line {e.lineno} ({where}) {e.msgid[:60]!r}:\n    " + "\n    ".join(probs))
    for f in failures:
        print(f)
    done = sum(1 for e in entries if e.msgstr and not e.fuzzy)
    words = sum(len(e.msgid.split()) for e in entries)
    chars = sum(len(CJK.findall(e.msgstr)) for e in entries)
    summary = sum(len(CJK.findall(e.msgstr)) for e in entries
                  if ARTICLE_NOTE in e.extracted and e.msgstr != OMITTED)
    print(f"{len(entries)} entries ({words} English words, {chars} Chinese characters), "
          f"{done} translated ({100 * done // max(1, len(entries))}%), "
          f"{sum(1 for e in entries if e.fuzzy)} fuzzy; the article's summaries {summary} "
          f"Chinese characters (its prose {article_prose()}); {len(rules)} glossary rules; "
          f"{len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
