// The starter stub of exercise `gomaxprocs`: what `make exercise EX=gomaxprocs` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-gomaxprocs...`).

// ANCHOR: exercise-gomaxprocs-atoi64
// TODO(exercise gomaxprocs, part 1 of 3): Go's atoi64 (string.go:360-402): an
// optional '-', then decimal digits and nothing else (no '+', no spaces); an
// empty s is not a number. None if s is anything else or if the value does
// not fit in an int64 (so -9223372036854775808 does). In Go 1.22 a lone "-"
// gives Some(0).
let _ = s;
crate::base::print::throw("exercise gomaxprocs: atoi64 not implemented")
// ANCHOR_END: exercise-gomaxprocs-atoi64

// ANCHOR: exercise-gomaxprocs-atoi32
// TODO(exercise gomaxprocs, part 2 of 3): atoi64, and the value must fit in an
// int32.
let _ = s;
crate::base::print::throw("exercise gomaxprocs: atoi32 not implemented")
// ANCHOR_END: exercise-gomaxprocs-atoi32

// ANCHOR: exercise-gomaxprocs-env
// TODO(exercise gomaxprocs, part 3 of 3): proc.go:823-826: the value of
// $GOMAXPROCS if atoi32 accepts it and it is > 0; else (unset too) ncpu.
let _ = (ncpu, env);
crate::base::print::throw("exercise gomaxprocs: gomaxprocs_from_env not implemented")
// ANCHOR_END: exercise-gomaxprocs-env
