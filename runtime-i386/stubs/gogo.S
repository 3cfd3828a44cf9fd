// The starter stub of exercise `gogo`: what `make exercise EX=gogo` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-gogo...`).

// ANCHOR: exercise-gogo
// TODO(exercise gogo): void gogo(gobuf *buf), buf at 4(SP); never returns.
// - g = buf->g; touch 0(g) so that a nil g faults here; install g in TLS
//   (get_tls, g() from go_asm.h);
// - SP = buf->sp, AX = buf->ret, DX = buf->ctxt (a closure's funcval);
// - clear buf->sp, buf->ret and buf->ctxt, as Go does for the GC;
// - jump to buf->pc.
// Offsets: gobuf_g, gobuf_sp, gobuf_ret, gobuf_ctxt, gobuf_pc.
andl	$~15, %esp		// not written yet: say so, then exit(2) like throw
subl	$4, %esp
pushl	$44
LEA_GLOBAL(.Lexercise_gogo_msg, %eax)
pushl	%eax
pushl	$2
call	runtime_write
movl	$2, 0(%esp)
call	runtime_exit
.section .rodata
.Lexercise_gogo_msg:
.ascii	"fatal error: exercise gogo: not implemented\n"
.previous			// back to the function's section (go_asm.h TEXT)
// ANCHOR_END: exercise-gogo
