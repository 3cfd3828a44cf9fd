#!/usr/bin/env python3
"""Write po/article-fingerprints.txt from the article (its text is not in this repository):
the hashes of every run of 12 characters (6 of them Chinese) of it, and the number of
Chinese characters of its prose, for check.py.

  python3 scripts/i18n/fingerprint.py ../shared/article/gmp-boot.zh.md
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402

text = open(sys.argv[1], encoding="utf-8").read()
prints = sorted({check.fingerprint(w) for w in check.windows(text)})
# The size of the article's prose (code blocks aside), which the summaries must stay under.
prose = len(check.CJK.findall(re.sub(r"```.*?```", "", text, flags=re.S)))
out = os.path.join(check.ROOT, "po", "article-fingerprints.txt")
with open(out, "w", encoding="utf-8") as f:
    f.write(f"# sha1[:12] of each {check.WINDOW}-character run (whitespace removed, at least "
            f"{check.MIN_CJK} Chinese characters) of the article; made by scripts/i18n/fingerprint.py\n")
    f.write(f"# prose: {prose} Chinese characters\n")
    f.write("\n".join(prints) + "\n")
print(f"{len(prints)} fingerprints; the article's prose has {prose} Chinese characters")
