"""The mdBook preprocessor protocol, for prep.py and mend.py: answer `supports RENDERER`
(every renderer), then read [context, book] on stdin, let `transform` change each chapter
(a dict: name, content, sub_items, …) in place, and write the book back on stdout."""
import json
import sys


def preprocess(transform):
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0)
    _ctx, book = json.load(sys.stdin)

    def walk(items):
        for item in items:
            if isinstance(item, dict) and "Chapter" in item:
                transform(item["Chapter"])
                walk(item["Chapter"].get("sub_items", []))

    walk(book["items"])
    json.dump(book, sys.stdout)
