// The starter stub of exercise `rt0_386`: what `make exercise EX=rt0_386` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-rt0_386...`).

// ANCHOR: exercise-rt0_386
// TODO(exercise rt0_386): the kernel left argc at 0(SP) and argv[0], argv[1],
// ... right above it. Make an 8-byte frame, store argc in its first word and
// the address of argv[0] in its second, and jump (do not call) to
// runtime_rt0_go, which reads them at 0(SP) and 4(SP).
andl	$~15, %esp		// not written yet: say so, then exit(2) like throw
subl	$4, %esp
pushl	$47
LEA_GLOBAL(.Lexercise_rt0_386_msg, %eax)
pushl	%eax
pushl	$2
call	runtime_write
movl	$2, 0(%esp)
call	runtime_exit
.section .rodata
.Lexercise_rt0_386_msg:
.ascii	"fatal error: exercise rt0_386: not implemented\n"
.previous			// back to the function's section (go_asm.h TEXT)
// ANCHOR_END: exercise-rt0_386
