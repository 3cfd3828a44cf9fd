// The starter stub of exercise `tls`: what `make exercise EX=tls` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-tls...`).

// ANCHOR: exercise-tls-setldt
// TODO(exercise tls, part 1 of 2): make %gs address m0.tls[1].
// - base is &m.tls[0]; the segment starts at base + 4 (tls[1]), and the
//   word there must hold its own address (as an ELF TLS block does).
// - Ask the kernel for a GDT entry: syscall_int80(SYS_set_thread_area, ...)
//   with a pointer to a user_desc whose entry_number is
//   runtime_tls_entry_number (-1 the first time: the kernel picks an entry
//   and writes it back into the user_desc; keep it), whose base_addr is the
//   segment's start, limit 0xfffff (in pages) and flags
//   SEG_32BIT | LIMIT_IN_PAGES | USEABLE. A failure is fatal: say the errno.
// - Load %gs with the selector entry*8 + 3 (GDT, ring 3), with
//   x86::segmentation::load_gs, and set tlsReady.
// (Until then the compiler warns that user_desc and its flags are unused.)
let _ = base;
crate::base::print::throw("exercise tls: setldt not implemented");
// ANCHOR_END: exercise-tls-setldt
