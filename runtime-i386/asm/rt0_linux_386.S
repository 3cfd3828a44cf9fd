// rt0_linux_386.S: the ELF entry point, after Go 1.22's src/runtime/rt0_linux_386.s.

#include "go_asm.h"

// ANCHOR: rt0_386_linux
// The kernel starts the program here (build.rs links with -e _rt0_386_linux), with
// argc at 0(SP), then argv[0..argc], NULL, envp..., NULL, auxv pairs. Like Go's
// rt0_linux_386.s:7-8 it only jumps to the common 386 code.
TEXT(_rt0_386_linux)
	jmp	_rt0_386
END(_rt0_386_linux)
// ANCHOR_END: rt0_386_linux

	.section .note.GNU-stack,"",@progbits
