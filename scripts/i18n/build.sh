#!/bin/sh
# Build both editions of the book: English into book/, Simplified Chinese into book/zh-CN/.
# The Chinese edition is the same sources with mdbook-gettext (mdbook-i18n-helpers) among
# the preprocessors: after mdBook's includes are expanded, it replaces each message that
# po/zh-CN.po translates (then scripts/i18n/mend.py mends what it does to the
# `> [!WARNING]` markers and to the chapters' names). book.toml's title and description come from the PO file too.
# English first: `mdbook build` empties book/, zh-CN/ included.
set -eu
cd "$(dirname "$0")/../.."
mdbook build
title="$(python3 scripts/i18n/extras.py book title)"
description="$(python3 scripts/i18n/extras.py book description)"
# site-url: the 404 page links its scripts from there (the book served at its root, as
# make serve does).
MDBOOK_BOOK__LANGUAGE=zh-CN \
MDBOOK_OUTPUT__HTML__SITE_URL=/zh-CN/ \
MDBOOK_BOOK__TITLE="$title" \
MDBOOK_BOOK__DESCRIPTION="$description" \
MDBOOK_PREPROCESSOR__GETTEXT='{"after": ["links"], "before": ["mermaid"]}' \
MDBOOK_PREPROCESSOR__I18N_MEND='{"command": "python3 scripts/i18n/mend.py", "after": ["gettext"], "before": ["mermaid"]}' \
    mdbook build -d book/zh-CN
