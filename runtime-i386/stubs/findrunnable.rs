// The starter stub of exercise `findrunnable`: what `make exercise EX=findrunnable` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-findrunnable...`).

// ANCHOR: exercise-findrunnable
// TODO(exercise findrunnable): look for a g in Go 1.22's order and return
// (gp, inheritTime) from the first source that has one:
//  1. once in 61 schedticks (schedtick % 61 == 0) and if the global queue is
//     not empty: globrunqget(pp, 1), for fairness;
//  2. the local queue: runqget(pp) (runnext first; it says if gp inherits
//     the time slice);
//  3. the global queue, if not empty: globrunqget(pp, 0);
//  5. stealing, only if this M already spins or if fewer than half of the
//     busy Ps (gomaxprocs - npidle) have a spinning M
//     (2 * nmspinning < busy): becomeSpinning(mp), then stealWork().
// Other Ms share the global queue: call globrunqget holding
// lock(schedlock()), and read sched.runqsize and sched.nmspinning/npidle with
// atomic::loadi32.
// A g from the global queue or stolen does not inherit the time slice.
let _ = (mp, pp, sched);
if true {
    throw("exercise findrunnable: not implemented");
}
// ANCHOR_END: exercise-findrunnable
