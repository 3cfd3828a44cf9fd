// The starter stub of exercise `procresize`: what `make exercise EX=procresize` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-procresize...`).

// ANCHOR: exercise-procresize-idle
// TODO(exercise procresize, part 1 of 2): give the current M (getg().m) a P
// and make every other P idle.
// - If the M's P is still one of the nprocs, keep it: status _Prunning.
//   Otherwise detach it (its m and the M's p become nil), make allp[0] idle
//   (m nil, status _Pidle) and acquirep(allp[0]).
// - Then, from the highest id down to 0, every P but the M's becomes _Pidle
//   and goes on sched.pidle (pidleput) if its run queue is empty; a P with
//   work goes instead on the list runnablePs (through p.link, m nil), which
//   procresize returns. Walking down leaves P1 at the head: P1 -> ... -> P(n-1).
let runnablePs: *mut p = core::ptr::null_mut();
if true {
    throw("exercise procresize: not implemented");
}
// ANCHOR_END: exercise-procresize-idle

// ANCHOR: exercise-procresize-pidleput
// TODO(exercise procresize, part 2 of 2): pidleput. A P with local work
// (runqempty is false) must not go idle: throw. Clear its bit in
// runtime_timerpMask (it has no timers), set it in runtime_idlepMask, push it
// on the head of sched.pidle (through p.link) and count it in sched.npidle.
let _ = pp;
throw("exercise procresize: pidleput not implemented");
// ANCHOR_END: exercise-procresize-pidleput
