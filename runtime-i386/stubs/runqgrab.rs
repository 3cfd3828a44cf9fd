// The starter stub of exercise `runqgrab`: what `make exercise EX=runqgrab` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-runqgrab...`).

// ANCHOR: exercise-runqgrab
// TODO(exercise runqgrab): take half of pp's queue, rounded up, into batch
// (from batch[batchHead % 256] on) and return how many. Another M owns pp and
// others may be stealing from it at the same time, so:
// - read runqhead and runqtail with atomic::loadAcq, n = (t - h) - (t - h) / 2;
// - n > 128 means h and t were read at different moments: read them again;
// - copy the n gs from runq[(h + i) % 256], then commit with
//   atomic::casRel(&mut runqhead, h, h + n); if the CAS fails, someone else took
//   some first: start again;
// - an empty ring and stealRunNextG: take pp.runnext instead, with
//   atomic::casp (sleep usleep(3) first if pp is _Prunning: its M is probably
//   about to run that g itself).
// Until then, nothing is ever stolen.
let _ = (pp, batch, batchHead, stealRunNextG);
0
// ANCHOR_END: exercise-runqgrab
