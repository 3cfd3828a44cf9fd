#!/usr/bin/env bash
# capture.sh <GOMAXPROCS-value|unset>
#
# Builds tests/go-diff/prog for linux/386 with Go 1.22 (once; cached in
# $GO_DIFF_OUT, default target/go-diff), runs it under gdb with go_state.py and
# prints the runtime state at the four stages (schedinit, newproc, gogo,
# mainpc) as four JSON lines on stdout.
#
#   capture.sh unset   the inferior has no GOMAXPROCS at all
#   capture.sh ''      the inferior has GOMAXPROCS set to the empty string
#   capture.sh 5       GOMAXPROCS=5 (any other string is passed verbatim)
#
# Environment: GO (default /usr/lib/go-1.22/bin/go), GDB (default gdb),
# GO_DIFF_OUT (build + log directory), GO_DIFF_TIMEOUT (gdb run, s; 120).
# The full gdb log of the last good run is kept in $GO_DIFF_OUT/gdb-unset.log or
# $GO_DIFF_OUT/gdb-GOMAXPROCS=<value>.log; a failed run's log is named in its message.
# Safe to run several at once (the build takes a lock; each run logs to its own file).
set -euo pipefail

die() { echo "capture.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: capture.sh <GOMAXPROCS-value|unset>   ('' = set but empty)"
value=$1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GO=${GO:-/usr/lib/go-1.22/bin/go}
GDB=${GDB:-gdb}
out=${GO_DIFF_OUT:-$here/../../target/go-diff}
timeout_s=${GO_DIFF_TIMEOUT:-120}

[ -x "$GO" ] || command -v "$GO" >/dev/null 2>&1 ||
    die "go not found at $GO (Debian: apt-get install golang-1.22-go; or set GO=/path/to/go1.22)"
command -v "$GDB" >/dev/null 2>&1 || die "gdb not found (Debian: apt-get install gdb; or set GDB=)"
"$GDB" -nx -batch -ex 'python print(1)' >/dev/null 2>&1 || die "$GDB has no Python support"
gover=$("$GO" env GOVERSION 2>/dev/null) || die "$GO does not run"
case $gover in
go1.22 | go1.22.*) ;;
*) echo "capture.sh: warning: $GO is $gover; the offsets in go_state.py are for go1.22.12" >&2 ;;
esac

mkdir -p "$out"
prog=$out/prog
stamp=$out/prog.stamp
# Rebuild when the sources or the toolchain change. Several captures run at once (the test
# runs the GOMAXPROCS values in parallel; two `make generated` may overlap): the build is
# done under a lock, and each run logs to its own file.
want=$(cat "$here/prog/go.mod" "$here/prog/main.go" | sha256sum | cut -d' ' -f1)-$gover
exec 9>"$out/build.lock"
flock 9
if [ ! -x "$prog" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "capture.sh: building $prog with $gover" >&2
    (
        cd "$here/prog"
        env -u GOROOT GOOS=linux GOARCH=386 CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
            GOPROXY=off GOSUMDB=off GOWORK=off GOENV=off GOTELEMETRY=off \
            GOCACHE="$out/gocache" GOPATH="$out/gopath" GOMODCACHE="$out/gopath/pkg/mod" \
            "$GO" build -trimpath -o "$prog.tmp" .
    ) || die "go build failed"
    mv -f "$prog.tmp" "$prog"
    echo "$want" >"$stamp"
fi
flock -u 9
exec 9>&-

if [ "$value" = unset ]; then
    name=gdb-unset
else
    name=gdb-GOMAXPROCS=${value//\//_}
fi
# This run's log; kept as $out/$name.log (the last successful run) when all is well.
log=$(mktemp "$out/$name.XXXXXX.log")
set +e
GO_STATE_PROG=$prog GO_STATE_GOMAXPROCS=$value \
    timeout "$timeout_s" "$GDB" -batch -nx -iex 'set auto-load off' -x "$here/go_state.py" </dev/null >"$log" 2>&1
rc=$?
set -e
[ $rc -ne 124 ] || die "gdb timed out after ${timeout_s}s (log: $log)"
if grep -q '^GOERROR' "$log" || [ $rc -ne 0 ]; then
    grep '^GOERROR' "$log" >&2 || tail -20 "$log" >&2
    die "gdb run failed (rc=$rc, log: $log)"
fi

# The inferior must have seen exactly the GOMAXPROCS we asked for.
python3 - "$log" "$value" <<'EOF' || die "inferior environment check failed (log: $log)"
import json, sys
log, value = sys.argv[1], sys.argv[2]
env = [json.loads(l[6:]) for l in open(log) if l.startswith("GOENV ")]
want = None if value == "unset" else value
if len(env) != 1 or env[0]["inferior"].get("GOMAXPROCS", "missing") != want:
    sys.exit("GOMAXPROCS wanted %r, inferior had %r" % (want, env))
EOF

n=$(grep -c '^GOSTATE ' "$log" || true)
[ "$n" -eq 4 ] || die "expected 4 GOSTATE lines, got $n (log: $log)"
c=$(grep -c '^GOCHECK .* agree with DWARF' "$log" || true)
[ "$c" -eq 5 ] || die "DWARF cross-check incomplete ($c of 5; log: $log)"
grep '^GONOTE ' "$log" >&2 || true
sed -n 's/^GOSTATE //p' "$log"
mv -f "$log" "$out/$name.log"
