// The starter stub of exercise `runqput`: what `make exercise EX=runqput` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-runqput...`).

// ANCHOR: exercise-runqput-runqput
// TODO(exercise runqput, part 1 of 2): with `next`, gp goes into pp.runnext
// and the g that was there (if any) goes to the ring instead. To put a g on
// the ring: if it holds fewer than 256 gs (runqtail - runqhead, wrapping u32
// arithmetic), store it at runq[runqtail % 256] and advance runqtail; if it
// is full, runqputslow moves half of the ring and the g to the global queue
// (and if runqputslow says it did not, try the ring again).
let _ = (pp, gp, next);
crate::base::print::throw("exercise runqput: runqput not implemented");
// ANCHOR_END: exercise-runqput-runqput

// ANCHOR: exercise-runqput-runqputslow
// TODO(exercise runqput, part 2 of 2): pp's ring is full (t - h == 256, or
// throw). Take its first half, 128 gs from h, advance runqhead past them,
// link them and then gp through schedlink into one gQueue {head, tail} and
// put that batch of 129 on the global queue (globrunqputbatch). Return true.
let _ = (pp, gp, h, t);
crate::base::print::throw("exercise runqput: runqputslow not implemented")
// ANCHOR_END: exercise-runqput-runqputslow
