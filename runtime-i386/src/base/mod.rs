//! # The base layer: what every chapter stands on
//!
//! Go's runtime has no layers; ours has two. The chapters' modules (one per chapter of the
//! book, named after the Go function it implements) import only this base and the chapters
//! before them; the base imports no chapter. `tests/layers.rs` checks both rules on the
//! source. Where Go's call graph goes forward (schedinit resets the steal order that
//! findRunnable uses; schedinit gives m0 a g with malg), the piece lives here, and its doc
//! comment says why.
//!
//! | module | what | Go 1.22 |
//! |---|---|---|
//! | [`runtime2`] | the structures, written once with their 386 offsets; the global variables | runtime2.go, proc.go:115-120 |
//! | [`sys_linux_386`] | system calls | sys_linux_386.s |
//! | [`tls`] | `getg`, and the assembly's switches (`gogo`, `mcall`, `systemstack`) | stubs.go, asm_386.s |
//! | [`print`] | `print`, `throw`, Go's quoting | print.go, panic.go |
//! | [`trace`] | the boot trace (`BOOTTRACE=1`; not in Go) | |
//! | [`args`] | argc/argv, the environment, the command line | runtime1.go, env_posix.go |
//! | [`string`] | `atoi` | string.go |
//! | [`malloc`] | memory, stacks, `malg` | malloc.go, stack.go, proc.go |
//! | [`glist`] | lists and queues of gs | proc.go |
//! | [`runq`] | the run queues | proc.go |
//! | [`pmask`] | one bit per P | proc.go |
//! | [`randorder`] | the random order of the Ps, `cheaprand` | proc.go, rand.go |
//! | [`atomic`] | atomic loads, stores, CAS on the structures' fields | internal/runtime/atomic |
//! | [`lock_futex`] | `lock`/`unlock`, notes, on futexes | lock_futex.go, os_linux.go |
//! | [`proc`] | Ms and Ps: `acquirep`, the idle lists, `newm`, `startm`, `stopm`, `wakep`, `handoffp`, `checkdead` | proc.go, os_linux.go |
//! | [`sysmon`] | the system monitor: `retake`, `preemptone` | proc.go, signal_unix.go |
//! | [`signal_unix`] | the signal stack and the fault handler | signal_unix.go, os_linux.go |
//! | [`symtab`] | naming code addresses | symtab.go |
//! | [`stage`] | the chapter programs' stop points (not in Go) | |

pub mod atomic;
pub mod runtime2;
pub mod sys_linux_386;
pub mod tls;
#[macro_use]
pub mod print;
#[macro_use]
pub mod trace;
pub mod args;
pub mod glist;
pub mod lock_futex;
pub mod malloc;
pub mod pmask;
pub mod proc;
pub mod randorder;
pub mod runq;
pub mod signal_unix;
pub mod stage;
pub mod string;
pub mod symtab;
pub mod sysmon;
