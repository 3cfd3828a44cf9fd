//! Measures what a system call costs through each way into the kernel: `int $0x80` (how
//! Go 1.22 makes every system call on 386) and the vDSO's `__kernel_vsyscall` (how our
//! runtime makes them once args() found AT_SYSINFO). Calls getpid N times each way
//! (default 200,000; `-- N`), timed with CLOCK_MONOTONIC. A measurement, not a test.
#![no_std]
#![no_main]

use runtime_i386::base::args::{goflags, Arg, ArgKind, Cmdline};
use runtime_i386::base::sys_linux_386::*;
use runtime_i386::outln;

/// The command line, parsed by the runtime's one argv parser (`-h` for the usage).
const CMD: Cmdline = Cmdline {
    json: false,
    args: &[Arg {
        name: "N",
        usage: "getpid calls per way and round",
        kind: ArgKind::Count {
            min: 1,
            default: 200_000,
        },
    }],
};

fn main() {
    let n = goflags(&CMD).count(&CMD, 0);
    // Without a vDSO (qemu-i386 has none) there is only `int $0x80` to measure.
    let vdso = unsafe { runtime_vdsoSysinfo } != 0;
    let mut best = [i64::MAX; 2];
    for _round in 0..5 {
        let t0 = nanotime();
        for _ in 0..n {
            syscall_int80(SYS_getpid, [0; 6]);
        }
        let t1 = nanotime();
        if vdso {
            for _ in 0..n {
                syscall(SYS_getpid, [0; 6]);
            }
        }
        let t2 = nanotime();
        best[0] = best[0].min(t1 - t0);
        best[1] = best[1].min(t2 - t1);
    }
    let per = |t: i64| t as f64 / n as f64;
    outln!("getpid x {} (best of 5 rounds)", n);
    outln!("int $0x80          {:8.1} ns/call", per(best[0]));
    if vdso {
        outln!("__kernel_vsyscall  {:8.1} ns/call", per(best[1]));
        outln!("ratio int80/vsyscall {:.1}", per(best[0]) / per(best[1]));
    } else {
        outln!("__kernel_vsyscall  none: no AT_SYSINFO (no vDSO, as under qemu-i386)");
    }
}

runtime_i386::go_program!(main);
