// The starter stub of exercise `gfree`: what `make exercise EX=gfree` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-gfree...`).

// ANCHOR: exercise-gfree-gfput
// TODO(exercise gfree, part 1 of 2): put the dead gp on pp.gFree. A g whose
// stack is not startingStackSize bytes loses it (malloc::stackfree; stack
// and stackguard0 become 0). Push gp (glist_push) and count it. When the P
// holds 64, move gs to the global lists until it holds 31: those without a
// stack to sched.gFree_noStack, the others to sched.gFree_stack (gather each
// kind in a gQueue with gqueue_push, then put the queue in front of its
// list), and add how many moved to sched.gFree_n.
let _ = (pp, gp);
crate::base::print::throw("exercise gfree: gfput not implemented");
// ANCHOR_END: exercise-gfree-gfput

// ANCHOR: exercise-gfree-gfget
// TODO(exercise gfree, part 2 of 2): pop a dead g from pp.gFree (nil if there
// is none). If pp's list is empty but a global list is not, first move gs to
// pp until it holds 32 or the global lists are empty (those with stacks
// first). A g without a stack, or whose stack is not startingStackSize bytes
// (free that one), gets a new malloc::stackalloc(stackMin) and
// stackguard0 = stack.lo + stackGuard.
let _ = pp;
crate::base::print::throw("exercise gfree: gfget not implemented")
// ANCHOR_END: exercise-gfree-gfget
