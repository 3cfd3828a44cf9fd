// The starter stub of exercise `retake`: what `make exercise EX=retake` puts between the
// runtime's markers of the same name (`// ANCHOR: exercise-retake...`).

// ANCHOR: exercise-retake
// TODO(exercise retake): for a P that is _Prunning (or _Psyscall), compare its
// schedtick with what sysmon saw last time (pd.schedtick): if it changed,
// remember it and the time (pd.schedwhen = now); if it did not, and that was
// forcePreemptNS (10 ms) ago, one goroutine has had the P all that time:
// preemptone(pp).
// Until then, sysmon never preempts: a goroutine that never yields keeps its P.
let _ = (pd, s, now, pp);
// ANCHOR_END: exercise-retake
