// The starter stub of exercise `randomorder`: what `make exercise EX=randomorder` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-randomorder...`).

// ANCHOR: exercise-randomorder-reset
// TODO(exercise randomorder, part 1 of 4): remember count, and list in
// self.coprimes, in increasing order, every i in 1..=count with
// gcd(i, count) == 1. The array must have room for count entries: when
// self.coprimes.cap is smaller, take a new one from
// crate::base::malloc::persistentalloc.
let _ = count;
crate::base::print::throw("exercise randomorder: reset not implemented");
// ANCHOR_END: exercise-randomorder-reset

// ANCHOR: exercise-randomorder-start
// TODO(exercise randomorder, part 2 of 4): a walk that starts at position
// i % count, with the stride coprimes[(i / count) % len(coprimes)].
let _ = i;
crate::base::print::throw("exercise randomorder: start not implemented")
// ANCHOR_END: exercise-randomorder-start

// ANCHOR: exercise-randomorder-next
// TODO(exercise randomorder, part 3 of 4): one more step: count it in i and
// move pos by the stride, modulo count.
crate::base::print::throw("exercise randomorder: next not implemented");
// ANCHOR_END: exercise-randomorder-next

// ANCHOR: exercise-randomorder-gcd
// TODO(exercise randomorder, part 4 of 4): Euclid's algorithm.
let _ = (&mut a, &mut b);
crate::base::print::throw("exercise randomorder: gcd not implemented")
// ANCHOR_END: exercise-randomorder-gcd
