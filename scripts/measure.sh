#!/usr/bin/env bash
# Measures the release build of the chapter programs: file size, exec-to-exit time of the
# full boot to main.main (mainpc) against a static do-nothing program, and the cost of a
# system call through int $0x80 and through the vDSO. Prints a report; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release -p runtime-i386 --examples
dir=target/i686-unknown-linux-gnu/release/examples
echo "== release sizes (bytes, as built; not stripped) =="
for c in globals schedinit mainpc goroutines; do
    printf '%-12s %8d\n' "$c" "$(stat -c %s "$dir/$c")"
done
echo "== exec to exit (boot to main.main and back), median of 2000 runs =="
python3 scripts/exectime.py 2000 "$dir/mainpc" /bin/true
echo "== system calls =="
"$dir/syscalls" 200000
