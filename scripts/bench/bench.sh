#!/usr/bin/env bash
# make bench: our runtime against Go 1.22 (GOARCH=386), side by side, on this machine in
# this run. Builds the release examples (runtime-i386/examples/empty.rs, bench_*.rs), the Go
# programs doing the same work (scripts/bench/go, Go 1.22, no -race), a static exit-only
# program (the start-up floor) and a tiny wait4 launcher (scripts/bench/*.s), then runs the
# driver scripts/bench/bench.py: start-up, goroutine create+run+exit, switch, peak RSS and the
# system calls before main.main, and the price of a kernel entry each way (our `syscalls`
# example). The same run also gives the Inside rt0_go appendix's report (release sizes, our start-up
# against the floor, the kernel entries). A measurement of one machine on one day; asserts
# nothing about speed (the driver does check that every program exits 0 and prints what it
# should).
#
#   scripts/bench/bench.sh           measure; print the reports and write the book's copies:
#                                    chapters-src/generated/bench.md and bench.svg (the bench
#                                    appendix), chapters-src/generated/measure.txt (cpu-and-syscalls)
#   scripts/bench/bench.sh --check   only check the bench programs (small sizes, ~15 s, no files)
#
# Environment: GO (default /usr/lib/go-1.22/bin/go), BENCH_STARTUP_RUNS (default 2000).
# Go builds offline, with GOCACHE/GOPATH under target/bench/ (as tests/go-diff/capture.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
mode=${1:-}
case $mode in "" | --check) ;; *) echo "usage: scripts/bench/bench.sh [--check]" >&2; exit 2 ;; esac

GO=${GO:-/usr/lib/go-1.22/bin/go}
[ -x "$GO" ] || command -v "$GO" >/dev/null 2>&1 ||
    { echo "bench: Go 1.22 not found at $GO (scripts/setup.sh go installs it; or set GO=)" >&2; exit 1; }
command -v strace >/dev/null || echo "bench: strace not found: no system call counts (apt-get install strace)" >&2

out=$PWD/target/bench
mkdir -p "$out/go"

echo "bench: building (cargo build --release -p runtime-i386 --examples; go build)" >&2
cargo build --quiet --release -p runtime-i386 --examples
ours=$PWD/target/i686-unknown-linux-gnu/release/examples

(
    cd scripts/bench/go
    for p in empty create switch live marker parallel idle; do
        env -u GOROOT GOOS=linux GOARCH=386 CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
            GOPROXY=off GOSUMDB=off GOWORK=off GOENV=off GOTELEMETRY=off \
            GOCACHE="$out/gocache" GOPATH="$out/gopath" GOMODCACHE="$out/gopath/pkg/mod" \
            "$GO" build -trimpath -o "$out/go/$p" "./$p"
    done
)

for s in static_exit rusage_exec; do
    as --32 -o "$out/$s.o" "scripts/bench/$s.s"
    ld -m elf_i386 -static -o "$out/$s" "$out/$s.o"
done

args=(--ours "$ours" --go "$out/go" --floor "$out/static_exit" --launcher "$out/rusage_exec")
if [ "$mode" = --check ]; then
    python3 scripts/bench/bench.py "${args[@]}" --check
else
    python3 scripts/bench/bench.py "${args[@]}" --command "make bench" \
        --startup-runs "${BENCH_STARTUP_RUNS:-2000}" \
        --md chapters-src/generated/bench.md --svg chapters-src/generated/bench.svg \
        --measure chapters-src/generated/measure.txt
    echo "bench: wrote chapters-src/generated/bench.md, bench.svg and measure.txt ($(($(date +%s) - t0)) s in all)" >&2
fi
