// The starter stub of exercise `runtime_main`: what `make exercise EX=runtime_main` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-runtime_main...`).

// ANCHOR: exercise-runtime_main-started
// TODO(exercise runtime_main, part 1 of 2): record that the runtime has
// started (runtime_mainStarted): from now on newproc may wake idle Ps.
let _ = &runtime_mainStarted;
// ANCHOR_END: exercise-runtime_main-started

// ANCHOR: exercise-runtime_main-call
// TODO(exercise runtime_main, part 2 of 2): call the program's main.main. Its
// address is the word runtime_main_main (0 if the program defines none:
// throw a fatal error that says to use runtime_i386::go_program!). Call it
// indirectly, as an extern "C" fn(); when it returns, exit the whole process
// with status 0, whatever other goroutines are doing.
let _ = &runtime_main_main;
crate::base::print::throw("exercise runtime_main: not implemented")
// ANCHOR_END: exercise-runtime_main-call
