#!/usr/bin/env bash
# Checks of the BUILT book, both editions (it builds nothing: run `make book` first):
#   1. tests/browser/check-links.mjs    every internal link and #anchor of book/**/*.html
#                                       resolves, every {{#include}} was expanded
#   2. tests/browser/check-browser.mjs  every page in headless Chromium (Debian's
#                                       /usr/bin/chromium, installed by `scripts/setup.sh
#                                       test`): no JS error, no failed request, every mermaid
#                                       figure rendered, search works, every figure's SVG
#                                       image shown on print.html under print media and on
#                                       every page without JavaScript; screenshot of
#                                       schedinit.html into target/browser/; then again
#                                       on the Chinese edition (book/zh-CN/, EDITION=zh-CN,
#                                       searched for 调度器; a CJK font on its print page)
# Needs node >= 20 and npm; installs tests/browser's pinned playwright-core (npm ci) only
# when tests/browser/node_modules is missing or the package files changed. It never
# downloads a browser. Environment: CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "browser-test: $*" >&2; }

if [ ! -f book/index.html ]; then
    say "book/index.html is missing: build the book first (make book, or mdbook build)"
    exit 1
fi
# node, npm, Chromium and tests/browser's packages (npm ci when needed).
source scripts/browser-npm.sh
dir=tests/browser

links=0
node "$dir/check-links.mjs" book || links=$?
echo
browser=0
node "$dir/check-browser.mjs" book || browser=$?
# The Chinese edition (book/zh-CN/, scripts/i18n/build.sh), searched in Chinese.
if [ -f book/zh-CN/index.html ]; then
    echo
    EDITION=zh-CN SEARCH_QUERY="${SEARCH_QUERY_ZH:-调度器}" node "$dir/check-browser.mjs" book || browser=$?
else
    say "book/zh-CN/ is missing: build both editions (make book, or scripts/i18n/build.sh)"
    browser=1
fi

if [ "$links" != 0 ] || [ "$browser" != 0 ]; then
    failed=()
    [ "$links" != 0 ] && failed+=("link check (exit $links)")
    [ "$browser" != 0 ] && failed+=("browser check (exit $browser)")
    say "FAILED: ${failed[*]}"
    exit 1
fi
