// sys_linux_386.S: system calls, after Go 1.22's src/runtime/sys_linux_386.s.
//
// Go 1.22 enters the kernel with `INT $0x80` for every system call
// (sys_linux_386.s:25 INVOKE_SYSCALL). We do that only until args() has found the vDSO's
// __kernel_vsyscall in auxv (AT_SYSINFO), then call through it: it uses SYSENTER, which on
// an x86-64 kernel running 32-bit code is far cheaper than the int $0x80 path (the syscalls
// example measures both). The kernel ABI is the same either way: eax = number, arguments
// in ebx, ecx, edx, esi, edi, ebp, result (or -errno) in eax.

#include "go_asm.h"

	.data
	.p2align 2
	.globl runtime_vdsoSysinfo
// runtime_vdsoSysinfo: __kernel_vsyscall's address from AT_SYSINFO, or 0 (use int $0x80).
runtime_vdsoSysinfo:
	.long 0
	.size runtime_vdsoSysinfo, 4

// ANCHOR: syscall6
// uintptr syscall6(uintptr nr, uintptr a1, ..., uintptr a6): cdecl. Returns eax as is;
// values in [-4095, -1] are -errno. Six arguments need esi, edi and ebp, which Rust's inline
// asm cannot name on i386, hence this stub (as Go has its own per-call stubs).
TEXT(runtime_syscall6)
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	LEA_GLOBAL(runtime_vdsoSysinfo, %eax)
	movl	(%eax), %eax
	pushl	%eax			// 0(SP): the vsyscall entry or 0; arguments from 24(SP)
	movl	24(%esp), %eax		// nr
	movl	28(%esp), %ebx		// a1
	movl	32(%esp), %ecx		// a2
	movl	36(%esp), %edx		// a3
	movl	40(%esp), %esi		// a4
	movl	44(%esp), %edi		// a5
	movl	48(%esp), %ebp		// a6
	cmpl	$0, 0(%esp)
	je	1f
	call	*0(%esp)		// __kernel_vsyscall: SYSENTER, preserves all but eax
	jmp	2f
1:	int	$0x80			// Go 1.22's INVOKE_SYSCALL
2:	addl	$4, %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
END(runtime_syscall6)
// ANCHOR_END: syscall6

// uintptr syscall6_int80(...): always int $0x80, for measuring the difference.
TEXT(runtime_syscall6_int80)
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	20(%esp), %eax
	movl	24(%esp), %ebx
	movl	28(%esp), %ecx
	movl	32(%esp), %edx
	movl	36(%esp), %esi
	movl	40(%esp), %edi
	movl	44(%esp), %ebp
	int	$0x80
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
END(runtime_syscall6_int80)

	.section .note.GNU-stack,"",@progbits
