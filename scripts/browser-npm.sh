#!/usr/bin/env bash
# tests/browser's pinned packages (playwright-core), for the browser test and the figures'
# SVG rendering: checks node >= 20, npm and Chromium, and runs `npm ci` only when
# tests/browser/node_modules is missing or the package files changed. It never downloads a
# browser. Sourced by scripts/browser-test.sh and scripts/render-figures.sh (run from the
# repository's root); exports CHROMIUM (default /usr/bin/chromium).
say() { echo "$(basename "$0" .sh): $*" >&2; }

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
