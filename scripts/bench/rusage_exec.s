# rusage_exec PROG ARG...: runs PROG with its arguments and environment, waits for it with
# wait4, and writes the 4-byte wait status followed by the 72-byte i386 struct rusage to
# file descriptor 3. Used by scripts/bench/bench.py for peak RSS (ru_maxrss).
#
# Why a launcher of its own: when a process calls execve, Linux folds the peak RSS of the
# address space it leaves into the peak it will report (fs/exec.c exec_mmap,
# setmax_mm_hiwater_rss). A child spawned straight from Python (vfork: Python's address
# space; fork: a copy of it) would report at least Python's ~10 MB. This program's own
# address space is a few pages, so the floor (static_exit) shows what it adds.
        .globl _start
_start:
        movl (%esp), %eax               # argc
        leal 8(%esp), %ecx              # &argv[1]: PROG's argv
        leal 8(%esp,%eax,4), %edx       # envp = &argv[argc + 1]
        movl $190, %eax                 # SYS_vfork: the child borrows this address space
        int $0x80
        testl %eax, %eax
        jnz parent
        movl (%ecx), %ebx               # child: execve(argv[1], &argv[1], envp)
        movl $11, %eax
        int $0x80
        movl $1, %eax                   # exec failed: _exit(127)
        movl $127, %ebx
        int $0x80
parent:
        js fail
        movl %eax, %ebx                 # wait4(pid, &status, 0, &rusage)
        movl $result, %ecx
        xorl %edx, %edx
        movl $result + 4, %esi
        movl $114, %eax
        int $0x80
        testl %eax, %eax
        js fail
        movl $4, %eax                   # write(3, result, 76)
        movl $3, %ebx
        movl $result, %ecx
        movl $76, %edx
        int $0x80
        movl $1, %eax                   # _exit(0)
        xorl %ebx, %ebx
        int $0x80
fail:
        movl $1, %eax                   # _exit(126)
        movl $126, %ebx
        int $0x80

        .bss
        .align 4
result: .space 76
