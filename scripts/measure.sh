#!/usr/bin/env bash
# Measures the release build of the chapter programs: file size, exec-to-exit time of the
# full boot to main.main (mainpc) against a static do-nothing program, and the cost of a
# system call through int $0x80 and through the vDSO. Prints a report; asserts nothing.
#
# The report is also written to chapters-src/generated/measure.txt, which the book includes
# (rt0_go chapter): a measurement of one machine on one day, not checked for drift.
set -euo pipefail
cd "$(dirname "$0")/.."
exec > >(tee chapters-src/generated/measure.txt)
echo "# make measure, $(date -u +%Y-%m-%d), Linux $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
cargo build --quiet --release -p runtime-i386 --examples
dir=target/i686-unknown-linux-gnu/release/examples
echo "== release sizes (bytes, as built; not stripped) =="
strip_dir=$(mktemp -d)
printf '%-12s %8s %10s\n' program bytes stripped
for c in empty mainpc goroutines; do
    strip -o "$strip_dir/$c" "$dir/$c"
    printf '%-12s %8d %10d\n' "$c" "$(stat -c %s "$dir/$c")" "$(stat -c %s "$strip_dir/$c")"
done
echo "== exec to exit, median of 2000 runs: empty = our whole boot to an empty main.main;"
echo "== static-exit = a static program that only calls exit (the floor); /bin/true is dynamic =="
# The floor: a static i386 program that only calls exit(0).
floor=$(mktemp -d)/static-exit
printf '.globl _start\n_start: movl $1, %%eax\n xorl %%ebx, %%ebx\n int $0x80\n' > "$floor.s"
as --32 -o "$floor.o" "$floor.s" && ld -m elf_i386 -static -o "$floor" "$floor.o"
python3 scripts/exectime.py 2000 "$dir/empty" "$floor" /bin/true
echo "== system calls =="
"$dir/syscalls" 200000
