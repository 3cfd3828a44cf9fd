// sys_linux_386.S: system calls, after Go 1.22's src/runtime/sys_linux_386.s.
//
// Go 1.22 enters the kernel with `INT $0x80` for every system call
// (sys_linux_386.s:25 INVOKE_SYSCALL). We do that only until args() has found the vDSO's
// __kernel_vsyscall in auxv (AT_SYSINFO), then call through it: it uses SYSENTER, which on
// an x86-64 kernel running 32-bit code is far cheaper than the int $0x80 path (the syscalls
// example measures both). The kernel ABI is the same either way: eax = number, arguments
// in ebx, ecx, edx, esi, edi, ebp, result (or -errno) in eax.

#include "go_asm.h"

#define SYS_exit	1
#define SYS_clone	120
#define SYS_gettid	224

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

// ANCHOR: clone
// int32 clone(int32 flags, void *stk, M *mp, G *gp, void (*fn)(void)) (sys_linux_386.s:531-610).
// The parent gets the child's thread id (or -errno). The child starts on stk, where the
// parent left mp, gp, fn and a marker 1234; it records its thread id in mp.procid, points
// its own %gs at mp.tls (setldt), installs gp (mp.g0) as g and calls fn (mstart), which
// never returns; if it did, the thread exits.
TEXT(runtime_clone)
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	$SYS_clone, %eax
	movl	20(%esp), %ebx		// flags
	movl	24(%esp), %ecx		// stk
	movl	$0, %edx		// parent tid ptr
	movl	$0, %edi		// child tid ptr

	// Copy mp, gp, fn off parent stack for use by child.
	subl	$16, %ecx
	movl	28(%esp), %esi
	movl	%esi, 0(%ecx)		// mp
	movl	32(%esp), %esi
	movl	%esi, 4(%ecx)		// gp
	movl	36(%esp), %esi
	movl	%esi, 8(%ecx)		// fn
	movl	$1234, 12(%ecx)

	// Not through the vDSO: the stack changes during the system call (as in Go).
	int	$0x80

	// In parent, return.
	cmpl	$0, %eax
	je	1f
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

1:	// In the child, on stk-16. Paranoia: check that SP is as we expect.
	cmpl	$1234, 12(%esp)
	je	2f
	int	$3
2:	movl	$SYS_gettid, %eax	// initialize AX to Linux tid
	int	$0x80
	movl	0(%esp), %ebx		// m
	movl	%eax, m_procid(%ebx)	// save tid as m->procid
	movl	$0, m_procid+4(%ebx)

	// Set up %gs to point at m->tls (Go asks setldt for entry 7+id; Linux keeps the
	// entry set_thread_area gave m0, which the clone inherited with %gs itself).
	movl	m_id(%ebx), %edi
	addl	$7, %edi
	leal	m_tls(%ebx), %ebp
	subl	$16, %esp		// 16-byte aligned for the Rust call
	movl	%edi, 0(%esp)		// tls #
	movl	%ebp, 4(%esp)		// &tls
	movl	$32, 8(%esp)		// sizeof tls
	call	runtime_setldt
	addl	$16, %esp

	// Now segment is established. Initialize m, g.
	movl	0(%esp), %ebx		// m
	movl	4(%esp), %edx		// g
	movl	8(%esp), %esi		// fn
	get_tls(%eax)
	movl	%edx, g(%eax)
	movl	%ebx, g_m(%edx)
	movl	0(%edx), %edx		// paranoia; check they are not nil
	movl	0(%ebx), %ebx

	subl	$16, %esp
	call	*%esi			// fn(): mstart, which does not return
	movl	$SYS_exit, %eax		// exit1: this thread only
	movl	$111, %ebx
	int	$0x80
	int	$3
END(runtime_clone)
// ANCHOR_END: clone

	.section .note.GNU-stack,"",@progbits
