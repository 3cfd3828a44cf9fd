// The starter stub of exercise `allgadd`: what `make exercise EX=allgadd` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-allgadd...`).

// ANCHOR: exercise-allgadd
// TODO(exercise allgadd): append gp to the global slice runtime_allgs, as Go's
// `allgs = append(allgs, gp)`. When len == cap, allocate a bigger backing
// array with malloc::persistentalloc (64 pointers the first time, then twice
// the capacity), copy the old pointers over (the old array is not freed: we
// have no GC), and keep the new array and capacity. Then store gp at index
// len and count it.
let _ = gp;
crate::base::print::throw("exercise allgadd: not implemented");
// ANCHOR_END: exercise-allgadd
