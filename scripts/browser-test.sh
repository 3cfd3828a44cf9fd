#!/usr/bin/env bash
# Checks of the BUILT book (it builds nothing: run `make book` / `mdbook build` first):
#   1. tests/browser/check-links.mjs    every internal link and #anchor of book/*.html
#                                       resolves, every {{#include}} was expanded
#   2. tests/browser/check-browser.mjs  every page in headless Chromium (Debian's
#                                       /usr/bin/chromium, installed by `scripts/setup.sh
#                                       test`): no JS error, no failed request, every mermaid
#                                       figure rendered, search works; screenshot of
#                                       schedinit.html into target/browser/
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
for tool in node npm; do
    command -v "$tool" >/dev/null || { say "$tool is not installed (node >= 20 and npm are needed)"; exit 1; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
    say "node $(node --version) is too old: playwright-core needs node >= 20"
    exit 1
fi
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
    say "no Chromium at $CHROMIUM: run scripts/setup.sh test (installs Debian's chromium)"
    exit 1
fi

# npm ci, only when needed: the stamp is the hash of the package files it was run for.
dir=tests/browser
stamp="$dir/node_modules/.browser-test.sha256"
want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -d "$dir/node_modules/playwright-core" ]; then
    say "installing $dir's pinned packages (npm ci)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
    echo "$want" > "$stamp"
fi

links=0
node "$dir/check-links.mjs" book || links=$?
echo
browser=0
node "$dir/check-browser.mjs" book || browser=$?

if [ "$links" != 0 ] || [ "$browser" != 0 ]; then
    failed=()
    [ "$links" != 0 ] && failed+=("link check (exit $links)")
    [ "$browser" != 0 ] && failed+=("browser check (exit $browser)")
    say "FAILED: ${failed[*]}"
    exit 1
fi
