# The floor of the start-up benchmark: a static i386 program that only calls exit(0).
# Built by scripts/bench/bench.sh with `as --32` and `ld -m elf_i386 -static`.
        .globl _start
_start:
        movl $1, %eax           # SYS_exit
        xorl %ebx, %ebx
        int $0x80
