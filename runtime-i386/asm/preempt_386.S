// preempt_386.S: asyncPreempt, after Go 1.22's src/runtime/preempt_386.s.
//
// The signal handler (doSigPreempt, signal_unix.rs) makes the interrupted goroutine look as
// if it had called asyncPreempt at the instruction where the signal stopped it: the return
// address is that pc. asyncPreempt saves every register the goroutine was using, calls
// asyncPreempt2 (which reschedules: the goroutine goes to the global run queue), and when
// the goroutine is scheduled again restores them all and returns to where it was stopped.
// Go's 386 version saves the general registers, the flags and X0-X7; we save the whole x87
// and SSE state with FXSAVE (512 bytes, 16-byte aligned), which also covers the x87 stack.

#include "go_asm.h"

// ANCHOR: asyncPreempt
TEXT(runtime_asyncPreempt)
	pushfl
	pushal				// eax, ecx, edx, ebx, esp, ebp, esi, edi
	movl	%esp, %ebp		// the frame: 36 bytes above
	subl	$512, %esp
	andl	$~15, %esp		// FXSAVE needs 16-byte alignment (and Rust calls too)
	fxsave	(%esp)
	call	runtime_asyncPreempt2
	fxrstor	(%esp)
	movl	%ebp, %esp
	popal
	popfl
	ret
END(runtime_asyncPreempt)
// ANCHOR_END: asyncPreempt

	.section .note.GNU-stack,"",@progbits
