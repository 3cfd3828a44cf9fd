// The starter stub of exercise `gostartcall`: what `make exercise EX=gostartcall` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-gostartcall...`).

// ANCHOR: exercise-gostartcall-frame
// TODO(exercise gostartcall, part 1 of 2): newg's first frame. Below
// stack.hi, leave 4 words of extra space (sys.MinFrameSize is 0 on 386, and
// there are no arguments). Clear newg.sched; its sp (and newg.stktopsp) is
// that address, its pc goexitPC() + 1 (so that the "caller" seems to be
// inside goexit) and its g newg. Then gostartcallfn(&mut newg.sched, fv)
// makes it call fv. Record parentGoid (callergp's goid), gopc (callerpc),
// ancestors (0) and startpc (fv's code pointer).
let _ = (callergp, callerpc);
if true {
    crate::base::print::throw("exercise gostartcall: newproc1's frame not implemented");
}
// ANCHOR_END: exercise-gostartcall-frame

// ANCHOR: exercise-gostartcall-gostartcall
// TODO(exercise gostartcall, part 2 of 2): make buf look as if the code at
// buf.pc had called fn_ and stopped before fn_'s first instruction: push
// buf.pc as the return address (the 4-byte word below buf.sp) and make that
// word the new sp; pc becomes fn_, and ctxt becomes ctxt (gogo loads it into
// DX, where a closure finds its funcval).
let _ = (buf, fn_, ctxt);
crate::base::print::throw("exercise gostartcall: gostartcall not implemented");
// ANCHOR_END: exercise-gostartcall-gostartcall
