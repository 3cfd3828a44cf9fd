#!/usr/bin/env bash
# Renders the book's mermaid figures (chapters-src/generated/*-figure.snap) to SVG beside
# them, in headless Chromium with the book's mermaid (tests/browser/render-figures.mjs): what
# print.html and readers without JavaScript see. Run by `make generated` after the snapshots
# are rewritten; tests/figures.rs checks that each SVG was rendered from its figure's current
# source. Environment: CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
# node, npm, Chromium and tests/browser's packages (npm ci when needed).
source scripts/browser-npm.sh
node tests/browser/render-figures.mjs
