// memmove_386.S: the C memory functions that Rust's core library (and LLVM) calls (Go has its own
// memmove_386.s and memclr_386.s). The runtime's programs have no libc, and compiler_builtins
// does not export these on linux-gnu. String instructions keep them short; the runtime
// copies little.

#include "go_asm.h"

// void *memcpy(void *dst, const void *src, size_t n)
TEXT(memcpy)
	pushl	%esi
	pushl	%edi
	movl	12(%esp), %edi
	movl	16(%esp), %esi
	movl	20(%esp), %ecx
	movl	%edi, %eax
	rep movsb
	popl	%edi
	popl	%esi
	ret
END(memcpy)

// void *memmove(void *dst, const void *src, size_t n): copies backwards when dst overlaps
// the source from above.
TEXT(memmove)
	pushl	%esi
	pushl	%edi
	movl	12(%esp), %edi
	movl	16(%esp), %esi
	movl	20(%esp), %ecx
	movl	%edi, %eax
	cmpl	%esi, %edi
	jbe	1f
	leal	(%esi,%ecx), %edx
	cmpl	%edx, %edi
	jae	1f
	leal	-1(%edi,%ecx), %edi
	leal	-1(%esi,%ecx), %esi
	std
	rep movsb
	cld
	jmp	2f
1:	rep movsb
2:	popl	%edi
	popl	%esi
	ret
END(memmove)

// void *memset(void *dst, int c, size_t n)
TEXT(memset)
	pushl	%edi
	movl	8(%esp), %edi
	movl	12(%esp), %eax
	movl	16(%esp), %ecx
	movl	%edi, %edx
	rep stosb
	movl	%edx, %eax
	popl	%edi
	ret
END(memset)

// int memcmp(const void *a, const void *b, size_t n), and bcmp, its equality-only twin.
TEXT(memcmp)
	pushl	%esi
	pushl	%edi
	movl	12(%esp), %esi
	movl	16(%esp), %edi
	movl	20(%esp), %ecx
	xorl	%eax, %eax
	testl	%ecx, %ecx
	jz	1f
	repe cmpsb
	je	1f
	movzbl	-1(%esi), %eax
	movzbl	-1(%edi), %edx
	subl	%edx, %eax
1:	popl	%edi
	popl	%esi
	ret
END(memcmp)
	.globl bcmp
	.set bcmp, memcmp

// size_t strlen(const char *s): LLVM turns a loop that looks for a NUL into a call to it.
TEXT(strlen)
	pushl	%edi
	movl	8(%esp), %edi
	xorl	%eax, %eax
	movl	$-1, %ecx
	repne scasb
	notl	%ecx
	leal	-1(%ecx), %eax
	popl	%edi
	ret
END(strlen)

	.section .note.GNU-stack,"",@progbits
