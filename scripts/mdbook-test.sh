#!/usr/bin/env bash
# `mdbook test` for this book. mdbook test calls `rustdoc --test` on each chapter with only
# `-L` paths: no --target and no --extern. Our snippets use the i686 crate runtime-i386, so
# (1) build it as an unwinding rlib in its own profile, whose deps directory holds exactly
# one runtime_i386 rlib, and (2) put a `rustdoc` first on PATH that adds
# `--target i686-unknown-linux-gnu`. The snippets say `extern crate runtime_i386;`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p runtime-i386 --lib --profile mdbook
deps="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/i686-unknown-linux-gnu/mdbook/deps"
n=$(ls "$deps"/libruntime_i386-*.rlib | wc -l)
[ "$n" = 1 ] || { echo "mdbook-test: expected one runtime_i386 rlib in $deps, found $n" >&2; exit 1; }
wrap=$(mktemp -d)
trap 'rm -rf "$wrap"' EXIT
real=$(rustup which rustdoc)
printf '#!/bin/sh\nexec "%s" --target i686-unknown-linux-gnu "$@"\n' "$real" > "$wrap/rustdoc"
chmod +x "$wrap/rustdoc"
PATH="$wrap:$PATH" mdbook test -L "$deps" "$@"
