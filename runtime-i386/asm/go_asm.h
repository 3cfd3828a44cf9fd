// go_asm.h: macros shared by the runtime's assembly, after Go's go_tls.h.
//
// Go's assembler gets struct offsets from a compiler-generated go_asm.h. Ours come from
// src/base/runtime2.rs, where each structure is written once with its Go offsets (go_struct!),
// exported as absolute symbols (g_m, m_tls, gobuf_sp, ...); a nested field is one symbol,
// g_sched_sp for Go's (g_sched+gobuf_sp), since gas cannot add two undefined symbols.

// get_tls(r) loads the TLS base, and g(r) is the word where the current g lives:
// %gs points at m.tls[1], whose word holds its own address (setldt stores it), and g is
// kept in m.tls[0], just below: Go's `MOVL GS:0, r` / `-4(r)` (go_tls.h, 386).
#define get_tls(r)	movl %gs:0, r
#define g(r)		-4(r)

// The address of a global, position-independently (the same objects link into static
// programs and into 32-bit glibc test binaries, which are PIE).
#define LEA_GLOBAL(sym, reg) \
	call 9f; \
9:	popl reg; \
	addl $(sym - 9b), reg

// Function symbols with ELF type and size, so gdb and the chapter programs can name them.
// They go in one section, which the programs' linker script (link/runtime_text.ld) gathers
// with the runtime's Rust code: preemption never interrupts the runtime (signal_unix.rs).
#define TEXT(name) \
	.section .text.runtime_i386_asm,"ax",@progbits; .p2align 4; .globl name; .type name, @function; name:
#define END(name) .size name, . - name
