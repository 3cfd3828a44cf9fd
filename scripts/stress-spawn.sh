#!/usr/bin/env bash
# Runs the spawn example (GOMAXPROCS=4, 100,000 goroutines from 8 spawners) ROUNDS times,
# eight runs at a time, so that the machine is loaded, and counts the runs that fail.
#   scripts/stress-spawn.sh [ROUNDS]      (default 6: 48 runs; debug build)
# It showed "fatal error: runtime·unlock: lock count" once in 48 runs on a loaded machine (see tests/ms.rs
# what_the_runtime_calls_is_not_a_safe_point).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-6}"
cargo build -q --example spawn
exe=target/i686-unknown-linux-gnu/debug/examples/spawn
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for r in $(seq 1 "$rounds"); do
    for j in 1 2 3 4 5 6 7 8; do
        (GOMAXPROCS=4 timeout 120 "$exe" 100000 8 >"$dir/$r-$j.out" 2>"$dir/$r-$j.err"; echo $? >"$dir/$r-$j.rc") &
    done
    wait
done
failed=0
for f in "$dir"/*.rc; do
    if [ "$(cat "$f")" != 0 ]; then
        failed=$((failed + 1))
        echo "run ${f##*/}: exit $(cat "$f"): $(head -1 "${f%.rc}.err")"
    fi
done
echo "$((rounds * 8)) runs, $failed failed"
[ "$failed" = 0 ]
