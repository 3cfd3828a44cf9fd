// asm_386.S: the runtime's assembly, after Go 1.22's src/runtime/asm_386.s.
//
// Go's assembly is written for Go's ABI0, where every register is caller-saved and
// arguments live on the stack. Ours calls Rust functions with the i386 SysV (cdecl) ABI:
// arguments on the stack too, but ebx, esi, edi and ebp are callee-saved and the stack must
// be 16-byte aligned at every call. Where that changes an instruction sequence, the comment
// says so.

#include "go_asm.h"

// ANCHOR: rt0_386
// _rt0_386 is the common 386 start-up code (asm_386.s:14-19). The kernel left argc at 0(SP)
// and argv[] right above it; Go's frame of $8 makes that 8(SP) and 12(SP). Pass both to
// rt0_go in 0(SP) and 4(SP), and jump: nothing ever returns here.
TEXT(_rt0_386)
	// ANCHOR: exercise-rt0_386
	subl	$8, %esp
	movl	8(%esp), %eax		// argc
	leal	12(%esp), %ebx		// argv
	movl	%eax, 0(%esp)
	movl	%ebx, 4(%esp)
	jmp	runtime_rt0_go
	// ANCHOR_END: exercise-rt0_386
END(_rt0_386)
// ANCHOR_END: rt0_386

TEXT(runtime_rt0_go)
// ANCHOR: rt0_go_stack
	// Copy arguments forward on an even stack (asm_386.s:95-100).
	movl	0(%esp), %eax
	movl	4(%esp), %ebx
	subl	$128, %esp		// plenty of scratch
	andl	$~15, %esp		// 16-byte alignment
	movl	%eax, 120(%esp)		// save argc, argv away
	movl	%ebx, 124(%esp)

	// Not in Go: the chapter programs `globals` and `rt0_386` stop here, and the
	// boot trace (BOOTTRACE=1) is switched on.
	movl	%eax, 0(%esp)
	movl	%ebx, 4(%esp)
	call	runtime_rt0_go_entry

	// Set default stack bounds (asm_386.s:104-109): g0 gets the 64 KiB below SP,
	// minus 104 bytes; the guards equal lo until mstart0 adds stackGuard.
	// ANCHOR: exercise-g0_stack
	LEA_GLOBAL(runtime_g0, %ebp)
	leal	(-64*1024+104)(%esp), %ebx
	movl	%ebx, g_stackguard0(%ebp)
	movl	%ebx, g_stackguard1(%ebp)
	movl	%ebx, g_stack_lo(%ebp)
	movl	%esp, g_stack_hi(%ebp)
	// ANCHOR_END: exercise-g0_stack
// ANCHOR_END: rt0_go_stack

// ANCHOR: rt0_go_cpuid
	// Find out about the processor (asm_386.s:113-157). First, is CPUID there at all?
	// It is if the ID bit (21) of EFLAGS can be flipped.
	pushfl
	pushfl
	xorl	$(1<<21), 0(%esp)	// flip the ID bit
	popfl
	pushfl
	popl	%eax
	xorl	0(%esp), %eax
	popfl				// restore EFLAGS
	testl	$(1<<21), %eax
	jne	has_cpuid

bad_proc:	// show that the program requires MMX.
	movl	$2, 0(%esp)
	LEA_GLOBAL(bad_proc_msg, %eax)
	movl	%eax, 4(%esp)
	movl	$0x3d, 8(%esp)
	call	runtime_write
	movl	$1, 0(%esp)
	call	runtime_exit
	call	runtime_abort

has_cpuid:
	movl	$0, %eax
	cpuid
	movl	%eax, %esi
	cmpl	$0, %eax
	je	nocpuinfo

	cmpl	$0x756E6547, %ebx	// "Genu"
	jne	notintel
	cmpl	$0x49656E69, %edx	// "ineI"
	jne	notintel
	cmpl	$0x6C65746E, %ecx	// "ntel"
	jne	notintel
	LEA_GLOBAL(runtime_isIntel, %eax)
	movb	$1, (%eax)
notintel:
	// Load EAX=1 cpuid flags
	movl	$1, %eax
	cpuid
	movl	%ecx, %edi
	LEA_GLOBAL(runtime_processorVersionInfo, %ecx)
	movl	%eax, (%ecx)
	// Check for MMX support
	testl	$(1<<23), %edx
	jz	bad_proc
nocpuinfo:
	// No cgo here, so no _cgo_init: set up %gs ourselves (asm_386.s:159-208, needtls).
// ANCHOR_END: rt0_go_cpuid

// ANCHOR: rt0_go_tls
	call	ldt0setup

	// ANCHOR: exercise-tls-selftest
	// Store through it, to make sure it works (asm_386.s:210-216).
	get_tls(%ebx)
	movl	$0x123, g(%ebx)
	LEA_GLOBAL(runtime_m0, %ecx)
	movl	m_tls(%ecx), %eax
	cmpl	$0x123, %eax
	je	ok
	movl	%eax, 0			// abort: fault on purpose
ok:
	// Set up m and g "registers" (asm_386.s:217-227).
	get_tls(%ebx)
	LEA_GLOBAL(runtime_g0, %edx)
	movl	%edx, g(%ebx)		// g = &g0, kept in m0.tls[0]
	LEA_GLOBAL(runtime_m0, %eax)
	movl	%edx, m_g0(%eax)	// save m->g0 = g0
	movl	%eax, g_m(%edx)		// save g0->m = m0
	// ANCHOR_END: exercise-tls-selftest
// ANCHOR_END: rt0_go_tls

// ANCHOR: rt0_go_calls
	call	runtime_emptyfunc	// fault if stack check is wrong
	cld				// convention is D is always cleared
	call	runtime_check

	// saved argc, argv
	movl	120(%esp), %eax
	movl	%eax, 0(%esp)
	movl	124(%esp), %eax
	movl	%eax, 4(%esp)
	call	runtime_args
	call	runtime_osinit
	movl	$stage_rt0_go, 0(%esp)	// not in Go: chapter stop point
	call	runtime_bootstage
	call	runtime_schedinit
	movl	$stage_schedinit, 0(%esp)	// not in Go
	call	runtime_bootstage

	// Create a new goroutine to start program (asm_386.s:246-248).
	LEA_GLOBAL(runtime_mainPC, %eax)
	pushl	%eax			// entry
	call	runtime_newproc
	popl	%eax
	movl	$stage_newproc, 0(%esp)	// not in Go
	call	runtime_bootstage

	// start this M
	call	runtime_mstart

	call	runtime_abort		// mstart never returns
	ret
// ANCHOR_END: rt0_go_calls
END(runtime_rt0_go)

// ldt0setup (asm_386.s:903-915): ask setldt for entry 7 (a hint: Linux picks the entry) to
// map %gs onto m0.tls; the size argument is ignored on Linux.
TEXT(ldt0setup)
	subl	$28, %esp
	movl	$7, 0(%esp)
	LEA_GLOBAL(runtime_m0, %eax)
	addl	$m_tls, %eax
	movl	%eax, 4(%esp)
	movl	$32, 8(%esp)		// sizeof(tls array)
	call	runtime_setldt
	addl	$28, %esp
	ret
END(ldt0setup)

TEXT(runtime_emptyfunc)
	ret
END(runtime_emptyfunc)

// abort: stop on a breakpoint trap (asm_386.s runtime·abort).
TEXT(runtime_abort)
	int	$3
1:	jmp	1b
END(runtime_abort)

// ANCHOR: mainpc
// mainPC is a funcval for runtime.main (asm_386.s:259-260): newproc takes a *funcval, whose
// first word is the code pointer.
	.data
	.p2align 2
	.globl runtime_mainPC
runtime_mainPC:
	.long	runtime_main
	.size	runtime_mainPC, 4

// main_main is bound by symbol, as Go's `//go:linkname main_main main.main`: the program
// defines main_main (see the go_program! macro) and runtime.main calls it through this word.
// It is weak so that the runtime library also links into test binaries without a main.
	.weak	main_main
	.globl	runtime_main_main
runtime_main_main:
	.long	main_main
	.size	runtime_main_main, 4
// ANCHOR_END: mainpc

// Not in Go: the runtime's code range and the program's text, for the preemption signal
// handler (signal_unix.rs isAsyncSafePoint). The linker script link/runtime_text.ld defines
// the first two; weak, so that they are 0 where it is not used (the glibc test binaries).
	.weak	runtime_text_start
	.weak	runtime_text_end
	.weak	__executable_start
	.weak	etext
	.globl	runtime_textRange
	.p2align 2
runtime_textRange:
	.long	runtime_text_start
	.long	runtime_text_end
	.long	__executable_start
	.long	etext
	.size	runtime_textRange, 16

// Not in Go: the chapter a chapter program stops at (a u32 it defines), or none.
	.weak	runtime_stopAt
	.globl	runtime_stopAtp
runtime_stopAtp:
	.long	runtime_stopAt
	.size	runtime_stopAtp, 4

	.section .rodata
bad_proc_msg:
	.ascii	"This program can only be run on processors with MMX support.\n"

// ANCHOR: gogo
// void gogo(gobuf *buf): restore state from gobuf; longjmp (asm_386.s:284-300).
TEXT(runtime_gogo)
	// ANCHOR: exercise-gogo
	movl	4(%esp), %ebx		// gobuf
	movl	gobuf_g(%ebx), %edx
	movl	0(%edx), %ecx		// make sure g != nil
	get_tls(%ecx)
	movl	%edx, g(%ecx)		// install g in TLS
	movl	gobuf_sp(%ebx), %esp	// restore SP
	movl	gobuf_ret(%ebx), %eax
	movl	gobuf_ctxt(%ebx), %edx	// closure context in DX
	movl	$0, gobuf_sp(%ebx)	// clear, as Go does for the garbage collector
	movl	$0, gobuf_ret(%ebx)
	movl	$0, gobuf_ctxt(%ebx)
	movl	gobuf_pc(%ebx), %ebx
	jmp	*%ebx
	// ANCHOR_END: exercise-gogo
END(runtime_gogo)
// ANCHOR_END: gogo

// ANCHOR: mcall
// void mcall(void (*fn)(g *)): switch to m->g0's stack and call fn(g); fn must not return,
// it ends in schedule() and the g continues only when someone gogo()s its sched
// (asm_386.s:308-337). Difference: Go saves the caller's pc and sp; Rust's caller expects
// ebx, esi, edi and ebp to survive the call, so we push them first and save a pc that pops
// them again (mcall_return) before returning to the caller.
TEXT(runtime_mcall)
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	20(%esp), %edi		// fn
	get_tls(%edx)
	movl	g(%edx), %eax		// save state in g->sched
	LEA_GLOBAL(mcall_return, %ebx)
	movl	%ebx, g_sched_pc(%eax)
	movl	%esp, g_sched_sp(%eax)
	movl	%eax, g_sched_g(%eax)

	// switch to m->g0 & its stack, call fn
	movl	g_m(%eax), %ebx
	movl	m_g0(%ebx), %esi
	cmpl	%esi, %eax		// if g == m->g0 call badmcall
	jne	1f
	call	runtime_badmcall
1:	movl	%esi, g(%edx)		// g = m->g0
	movl	g_sched_sp(%esi), %esp	// sp = m->g0->sched.sp
	andl	$~15, %esp		// Rust needs the i386 ABI's 16-byte alignment at the
	subl	$12, %esp		// call (g0.sched.sp, saved by mstart1, is not aligned)
	pushl	%eax			// fn(g)
	call	*%edi
	call	runtime_badmcall2	// fn returned
mcall_return:
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
END(runtime_mcall)
// ANCHOR_END: mcall

// systemstack_switch is the pc a g's sched holds while it runs on the system stack.
TEXT(runtime_systemstack_switch)
	ret
END(runtime_systemstack_switch)

// ANCHOR: systemstack
// void systemstack(void (*fn)(void *), void *arg): run fn(arg) on g0's stack, then come
// back (asm_386.s:345-398). Go passes a closure; we pass a function and its argument.
TEXT(runtime_systemstack)
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	20(%esp), %edi		// fn
	movl	24(%esp), %esi		// arg
	get_tls(%ecx)
	movl	g(%ecx), %eax		// AX = g
	movl	g_m(%eax), %ebx		// BX = m
	cmpl	m_gsignal(%ebx), %eax
	je	noswitch
	movl	m_g0(%ebx), %edx	// DX = g0
	cmpl	%edx, %eax
	je	noswitch
	cmpl	m_curg(%ebx), %eax
	jne	bad

	// Save our state in g->sched; pretend to be systemstack_switch.
	LEA_GLOBAL(runtime_systemstack_switch, %ebp)
	movl	%ebp, g_sched_pc(%eax)
	movl	%esp, g_sched_sp(%eax)
	movl	%eax, g_sched_g(%eax)

	// switch to g0
	movl	%edx, g(%ecx)
	movl	g_sched_sp(%edx), %esp
	andl	$~15, %esp		// 16-byte aligned at the call, as the i386 ABI (and
	subl	$12, %esp		// Rust's SSE spills) require
	pushl	%esi
	call	*%edi			// call target function

	// switch back to g
	get_tls(%ecx)
	movl	g(%ecx), %eax
	movl	g_m(%eax), %ebx
	movl	m_curg(%ebx), %eax
	movl	%eax, g(%ecx)
	movl	g_sched_sp(%eax), %esp
	movl	$0, g_sched_sp(%eax)
	jmp	2f

noswitch:
	// already on the system stack: just call, 16-byte aligned
	movl	%esp, %ebp
	andl	$~15, %esp
	subl	$12, %esp
	pushl	%esi
	call	*%edi
	movl	%ebp, %esp
2:	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

bad:	// g is not gsignal, not g0, not curg. What is it?
	call	runtime_badsystemstack
	int	$3
END(runtime_systemstack)
// ANCHOR_END: systemstack

// void newproc(funcval *fn): the entry that `PUSHL $mainPC; CALL newproc` reaches. Like Go's
// newproc it takes getcallerpc() for g.gopc; the work is Rust's newproc (newproc.rs), called
// on a 16-byte aligned stack.
TEXT(runtime_newproc)
	movl	0(%esp), %eax		// callerpc
	movl	4(%esp), %ecx		// fn
	pushl	%ebp
	movl	%esp, %ebp
	andl	$~15, %esp
	subl	$8, %esp
	pushl	%eax
	pushl	%ecx
	call	runtime_newproc_go
	movl	%ebp, %esp
	popl	%ebp
	ret
END(runtime_newproc)

// mstart is the entry point for new Ms (asm_386.s:274-276). It is written in assembly
// because it must not have a stack-split prologue, and never returns.
TEXT(runtime_mstart)
	call	runtime_mstart0
	ret	// not reached
END(runtime_mstart)

// ANCHOR: mstart1
// mstart1's first lines (proc.go:1702-1716) need getcallerpc() and getcallersp(), which
// Rust cannot express; this prologue records them in g0.sched and jumps to the rest of
// mstart1 (mstart.rs), which runs on the same frame and never returns.
TEXT(runtime_mstart1)
	get_tls(%ecx)
	movl	g(%ecx), %eax		// gp = getg()
	movl	%eax, g_sched_g(%eax)	// gp.sched.g = gp
	movl	0(%esp), %edx
	movl	%edx, g_sched_pc(%eax)	// gp.sched.pc = getcallerpc(): back into mstart0
	leal	4(%esp), %edx
	movl	%edx, g_sched_sp(%eax)	// gp.sched.sp = getcallersp()
	jmp	runtime_mstart1_go
END(runtime_mstart1)
// ANCHOR_END: mstart1

// ANCHOR: goexit
// The top-most function running on a goroutine: newproc1 makes every new g's frame return
// here, to goexit+1 (asm_386.s:1360-1366). The NOP makes goexit+1 still lie inside goexit
// for a traceback.
TEXT(runtime_goexit)
	nop
	call	runtime_goexit1		// does not return
	nop
END(runtime_goexit)
// ANCHOR_END: goexit

// A goroutine started from Rust (runtime_i386::go): gogo enters it like a Go closure, with
// DX = its funcval { pc = runtime_rustfunc, call, closure... }; call(DX) runs the closure
// and returns here, and `ret` pops goexit+1.
TEXT(runtime_rustfunc)
	subl	$8, %esp
	pushl	%edx
	call	*4(%edx)
	addl	$12, %esp
	ret
END(runtime_rustfunc)

	.section .note.GNU-stack,"",@progbits
