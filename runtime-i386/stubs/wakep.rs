// The starter stub of exercise `wakep`: what `make exercise EX=wakep` puts between the
// runtime's markers of the same name (`// ANCHOR: exercise-wakep...`).

// ANCHOR: exercise-wakep
// TODO(exercise wakep): start one more M spinning for an idle P, unless an M is
// spinning already.
// - If sched.nmspinning is not 0, or a CAS from 0 to 1 fails (atomic::cas on
//   it as a u32), return: someone is already looking for work.
// - acquirem(), lock sched.lock, take an idle P with pidlegetSpinning(). None:
//   undo the count (atomic::xaddi32(.., -1); below 0 is a bug: throw), unlock,
//   releasem, return.
// - Else unlock, startm(pp, true, false), releasem.
// Until then, only m0 runs goroutines (and sysmon runs on its own M).
// ANCHOR_END: exercise-wakep
