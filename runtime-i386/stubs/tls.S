// The starter stub of exercise `tls`: what `make exercise EX=tls` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-tls...`).

// ANCHOR: exercise-tls-selftest
// TODO(exercise tls, part 2 of 2): check that TLS works, then link m0 and g0
// (asm_386.s:210-227).
// - Store $0x123 in g's TLS slot through %gs (get_tls and g() in go_asm.h),
//   read m0.tls[0] back (LEA_GLOBAL, m_tls) and fault on purpose (store to
//   address 0) if it is not 0x123.
// - Then g = &g0 in TLS, m0.g0 = &g0 and g0.m = &m0 (offsets m_g0, g_m).
andl	$~15, %esp		// not written yet: say so, then exit(2) like throw
subl	$4, %esp
pushl	$43
LEA_GLOBAL(.Lexercise_tls_selftest_msg, %eax)
pushl	%eax
pushl	$2
call	runtime_write
movl	$2, 0(%esp)
call	runtime_exit
.section .rodata
.Lexercise_tls_selftest_msg:
.ascii	"fatal error: exercise tls: not implemented\n"
.previous			// back to the function's section (go_asm.h TEXT)
// ANCHOR_END: exercise-tls-selftest
