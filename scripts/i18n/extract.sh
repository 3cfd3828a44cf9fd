#!/bin/sh
# Extract the English book's messages into a POT file (default po/messages.pot):
# mdbook-xgettext over the book as scripts/i18n/prep.py shows it (no code blocks, no
# generated tables or outputs), then scripts/i18n/filter-pot.py (no messages without a
# word to translate). `make i18n-update` calls this; the i18n test compares its output
# with the committed po/messages.pot.
set -eu
cd "$(dirname "$0")/../.."
out="${1:-po/messages.pot}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
MDBOOK_PREPROCESSOR__I18N_PREP='{"command": "python3 scripts/i18n/prep.py", "before": ["links"]}' \
MDBOOK_OUTPUT='{"xgettext": {"pot-file": "messages.pot"}}' \
    mdbook build -d "$tmp/xgettext" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
python3 scripts/i18n/filter-pot.py "$tmp/xgettext/messages.pot" "$out"
