// The starter stub of exercise `sysargs`: what `make exercise EX=sysargs` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-sysargs...`).

// ANCHOR: exercise-sysargs-sysargs
// TODO(exercise sysargs, part 1 of 2): argv[0..argc] is followed by a NULL
// word, then envp[] and another NULL word, then the auxiliary vector:
// (tag, value) pairs ending with the tag _AT_NULL. Find it (argv_index reads
// one word of argv) and hand sysauxv all of its words, the final
// (_AT_NULL, value) pair included. Keep sysauxv's result in `pairs`.
let _ = (argc, argv);
let pairs: usize = if true {
    crate::base::print::throw("exercise sysargs: sysargs not implemented")
} else {
    0
};
// ANCHOR_END: exercise-sysargs-sysargs

// ANCHOR: exercise-sysargs-sysauxv
// TODO(exercise sysargs, part 2 of 2): read auxv's (tag, value) pairs up to
// the tag _AT_NULL (or the end of the slice), leaving in `i` twice their
// number. Keep _AT_RANDOM in startupRand, _AT_PAGESZ in runtime_physPageSize,
// _AT_SECURE (secure if the value is 1) in secureMode, _AT_SYSINFO_EHDR in
// vdsoEhdr and _AT_SYSINFO (__kernel_vsyscall) in runtime_vdsoSysinfo: from
// then on, system calls go through it.
let _ = auxv;
let i: usize = if true {
    crate::base::print::throw("exercise sysargs: sysauxv not implemented")
} else {
    0
};
// ANCHOR_END: exercise-sysargs-sysauxv
