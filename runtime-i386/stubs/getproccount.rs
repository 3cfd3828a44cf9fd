// The starter stub of exercise `getproccount`: what `make exercise EX=getproccount` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-getproccount...`).

// ANCHOR: exercise-getproccount
// TODO(exercise getproccount): the number of CPUs this process may run on.
// sched_getaffinity(0, buf) fills buf with the affinity mask, a bit per CPU;
// use a buffer of 64*1024/8 bytes (Go's maxCPUs is 64 Ki) and count the set
// bits of the bytes the kernel says it wrote (its result; negative is
// -errno). A failure, or no bit set, gives 1.
crate::base::print::throw("exercise getproccount: not implemented")
// ANCHOR_END: exercise-getproccount
