// The starter stub of exercise `gdestroy`: what `make exercise EX=gdestroy` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-gdestroy...`).

// ANCHOR: exercise-gdestroy
// TODO(exercise gdestroy): gp's function returned (goexit1 -> goexit0 -> here,
// on g0). Make it _Gdead (casgstatus from _Grunning); it loses its M
// (gp.m, gp.lockedm and the M's lockedg); clear preemptStop, _defer, _panic,
// waitreason and param; dropg(); and put it on the current P's free list
// (gfput) for newproc1 to reuse.
let _ = (gp, gfput);
crate::base::print::throw("exercise gdestroy: not implemented");
// ANCHOR_END: exercise-gdestroy
