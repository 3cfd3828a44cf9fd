// The starter stub of exercise `slice`: what `make exercise EX=slice` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-slice...`).

// ANCHOR: exercise-slice
// TODO(exercise slice): return the `len` elements that start at `array` as a
// Rust slice. A nil slice (array null, len 0) must give an empty slice:
// core::slice::from_raw_parts wants a non-null pointer even for length 0.
crate::base::print::throw("exercise slice: not implemented")
// ANCHOR_END: exercise-slice
