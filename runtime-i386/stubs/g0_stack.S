// The starter stub of exercise `g0_stack`: what `make exercise EX=g0_stack` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-g0_stack...`).

// ANCHOR: exercise-g0_stack
// TODO(exercise g0_stack): describe g0's stack in runtime_g0 (LEA_GLOBAL, and
// the offsets g_stack_lo, g_stack_hi, g_stackguard0, g_stackguard1 that
// go_asm.h's users get from globals.rs): hi is the current SP, lo is
// 64 KiB - 104 bytes below it, and both stack guards equal lo (mstart0 moves
// them up later). Any register but %esp may be used.
andl	$~15, %esp		// not written yet: say so, then exit(2) like throw
subl	$4, %esp
pushl	$48
LEA_GLOBAL(.Lexercise_g0_stack_msg, %eax)
pushl	%eax
pushl	$2
call	runtime_write
movl	$2, 0(%esp)
call	runtime_exit
.section .rodata
.Lexercise_g0_stack_msg:
.ascii	"fatal error: exercise g0_stack: not implemented\n"
.previous			// back to the function's section (go_asm.h TEXT)
// ANCHOR_END: exercise-g0_stack
