//! # _rt0_386: what the kernel hands a new program (rt0_linux_386.s, asm_386.s:14-19,
//! runtime1.go:66-70, os_linux.go:233-315)
//!
//! `_rt0_386` (assembly) passes argc and argv to rt0_go, which calls `args`: it stores them,
//! and `sysargs` walks past argv and envp to the auxiliary vector, where the kernel left the
//! page size, 16 random bytes, the secure-mode flag and the vDSO's entry points.

use crate::base::args::*;
use crate::base::runtime2::*;
use crate::base::sys_linux_386::*;

pub const _AT_NULL: usize = 0;
pub const _AT_PAGESZ: usize = 6;
pub const _AT_HWCAP: usize = 16;
pub const _AT_SECURE: usize = 23;
pub const _AT_RANDOM: usize = 25;
pub const _AT_SYSINFO: usize = 32;
pub const _AT_SYSINFO_EHDR: usize = 33;

pub const AUX_NAMES: &[(usize, &str)] = &[
    (3, "AT_PHDR"),
    (4, "AT_PHENT"),
    (5, "AT_PHNUM"),
    (6, "AT_PAGESZ"),
    (7, "AT_BASE"),
    (8, "AT_FLAGS"),
    (9, "AT_ENTRY"),
    (11, "AT_UID"),
    (12, "AT_EUID"),
    (13, "AT_GID"),
    (14, "AT_EGID"),
    (15, "AT_PLATFORM"),
    (16, "AT_HWCAP"),
    (17, "AT_CLKTCK"),
    (23, "AT_SECURE"),
    (25, "AT_RANDOM"),
    (26, "AT_HWCAP2"),
    (27, "AT_RSEQ_FEATURE_SIZE"),
    (28, "AT_RSEQ_ALIGN"),
    (31, "AT_EXECFN"),
    (32, "AT_SYSINFO"),
    (33, "AT_SYSINFO_EHDR"),
    (51, "AT_MINSIGSTKSZ"),
];

/// `args(c, v)` (runtime1.go:66-70).
///
/// # Safety
/// `v` must point at the kernel's argument block (argv, envp, auxv), as rt0_go passes it.
#[no_mangle]
pub unsafe extern "C" fn runtime_args(c: i32, v: *const *const u8) {
    *runtime_argc.get() = c;
    *runtime_argv.get() = v as usize;
    sysargs(c, v);
}

// ANCHOR: sysargs
/// `sysargs(argc, argv)` (os_linux.go:233-289): skip argv[] and envp[] (each ends in a NULL
/// word); what follows is auxv. (Go falls back to /proc/self/auxv when the stack holds no
/// auxv, which happens only for programs started in unusual ways; we require it.)
///
/// # Safety
/// `argv` must point at the kernel's argument block.
pub unsafe fn sysargs(argc: i32, argv: *const *const u8) {
    // ANCHOR: exercise-sysargs-sysargs
    let mut n = argc as usize + 1;
    // skip over argv, envp to get to auxv
    while !argv_index(argv, n).is_null() {
        n += 1;
    }
    // skip NULL separator
    n += 1;
    // now argv+n is auxv
    let auxvp = argv.add(n) as *const usize;
    let mut len = 0;
    while *auxvp.add(len) != _AT_NULL {
        len += 2;
    }
    let pairs = sysauxv(core::slice::from_raw_parts(auxvp, len + 2));
    // ANCHOR_END: exercise-sysargs-sysargs
    if pairs == 0 {
        crate::base::print::throw("sysargs: no auxiliary vector on the stack");
    }
}
// ANCHOR_END: sysargs

// ANCHOR: sysauxv
/// `sysauxv(auxv)` (os_linux.go:294-315): read the (tag, value) pairs up to AT_NULL and
/// return how many there were. Go takes AT_RANDOM, AT_PAGESZ and AT_SECURE here and hands
/// every pair to vdsoauxv (AT_SYSINFO_EHDR). We also take AT_SYSINFO, the address of
/// `__kernel_vsyscall`: from now on system calls enter the kernel through it.
pub fn sysauxv(auxv: &[usize]) -> usize {
    // ANCHOR: exercise-sysargs-sysauxv
    let mut i = 0;
    while i + 1 < auxv.len() && auxv[i] != _AT_NULL {
        let (tag, val) = (auxv[i], auxv[i + 1]);
        // SAFETY: the auxv results are globals written once, at boot, on the one thread.
        unsafe {
            match tag {
                _AT_RANDOM => *startupRand.get() = val,
                _AT_PAGESZ => *runtime_physPageSize.get() = val,
                _AT_SECURE => *secureMode.get() = val == 1,
                _AT_SYSINFO_EHDR => *vdsoEhdr.get() = val,
                _AT_SYSINFO => runtime_vdsoSysinfo = val,
                _ => {}
            }
        }
        i += 2;
    }
    // ANCHOR_END: exercise-sysargs-sysauxv
    unsafe { *auxvPairs.get() = i / 2 };
    boottrace!(
        "args",
        "auxv: {} pairs; AT_PAGESZ={} AT_SECURE={} AT_RANDOM={:#x}{}",
        i / 2,
        unsafe { *runtime_physPageSize.get() },
        unsafe { *secureMode.get() },
        unsafe { *startupRand.get() },
        SysinfoTrace(unsafe { runtime_vdsoSysinfo })
    );
    i / 2
}
// ANCHOR_END: sysauxv

/// What the trace says of AT_SYSINFO: where it is and that system calls now go through it,
/// or, when the kernel gave none (qemu-user has no vDSO), that they stay on `int $0x80`.
struct SysinfoTrace(usize);
impl core::fmt::Display for SysinfoTrace {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self.0 {
            0 => f.write_str("; no AT_SYSINFO: system calls keep using int $0x80"),
            a => write!(
                f,
                " AT_SYSINFO={:#x} (system calls now use __kernel_vsyscall)",
                a
            ),
        }
    }
}
