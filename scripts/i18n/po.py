"""A small reader and writer for the PO files of this book (no third-party modules).

An entry keeps its comment lines as they are; msgid and msgstr are decoded strings.
"""
import re

_STR = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESC = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(s):
    return re.sub(r"\\(.)", lambda m: _ESC.get(m.group(1), m.group(1)), s)


def _quote(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")


class Entry:
    def __init__(self, comments, msgid, msgstr, lineno, obsolete=False):
        self.comments = comments  # list of "#..." lines
        self.msgid = msgid
        self.msgstr = msgstr
        self.lineno = lineno  # where the entry starts in its file
        self.obsolete = obsolete

    @property
    def fuzzy(self):
        return any(c.startswith("#,") and "fuzzy" in c for c in self.comments)

    @property
    def locations(self):
        locs = []
        for c in self.comments:
            if c.startswith("#:"):
                locs += c[2:].split()
        return locs

    @property
    def extracted(self):
        return " ".join(c[2:].strip() for c in self.comments if c.startswith("#."))


def parse(text):
    """Entries of a PO file, the header (msgid "") first."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        start = text.find(block)
        lineno = text.count("\n", 0, start) + 1
        comments, fields, cur = [], {}, None
        obsolete = False
        for line in lines:
            if line.startswith("#~"):
                obsolete = True
                line = line[2:].lstrip()
                if not line:
                    continue
            if line.startswith("#"):
                comments.append(line)
                continue
            m = re.match(r"(msgctxt|msgid|msgstr)\s+(.*)$", line)
            if m:
                cur = m.group(1)
                fields[cur] = _unquote("".join(_STR.findall(m.group(2))))
            elif line.startswith('"') and cur:
                fields[cur] += _unquote("".join(_STR.findall(line)))
        if "msgid" in fields:
            entries.append(Entry(comments, fields["msgid"], fields.get("msgstr", ""), lineno, obsolete))
    return entries


def _field(name, s):
    if "\n" not in s[:-1] and len(s) < 70:
        return f'{name} "{_quote(s)}"'
    parts = s.split("\n")
    pieces = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return "\n".join([f'{name} ""'] + [f'"{_quote(p)}"' for p in pieces])


def format_entry(e):
    lines = list(e.comments) + [_field("msgid", e.msgid), _field("msgstr", e.msgstr)]
    return "\n".join(lines)


def write(entries):
    return "\n\n".join(format_entry(e) for e in entries) + "\n"
