//! # args and osinit: what the kernel tells us (os_linux.go, runtime1.go)
//!
//! `args` stores argc/argv and walks past argv and envp to the auxiliary vector, where the
//! kernel left the page size, 16 random bytes, the secure-mode flag and the vDSO's entry
//! points. `osinit` asks the kernel how many CPUs we may run on and reads the transparent
//! huge page size.

use crate::globals::*;
use crate::sys_linux_386::*;

/// `argc` and `argv` (runtime1.go:56 `argc int32; argv **byte`).
#[no_mangle]
pub static runtime_argc: Global<i32> = Global::new(0);
#[no_mangle]
pub static runtime_argv: Global<usize> = Global::new(0);
/// `startupRand`: the 16 bytes at AT_RANDOM (seeds the scheduler's cheaprand here).
pub static startupRand: Global<usize> = Global::new(0);
/// `secureMode`: AT_SECURE == 1 (setuid programs).
pub static secureMode: Global<bool> = Global::new(false);
/// The vDSO's ELF header (AT_SYSINFO_EHDR), which Go's vdsoauxv parses for clock_gettime.
pub static vdsoEhdr: Global<usize> = Global::new(0);
/// Number of auxv pairs `sysauxv` read.
pub static auxvPairs: Global<usize> = Global::new(0);

pub const _AT_NULL: usize = 0;
pub const _AT_PAGESZ: usize = 6;
pub const _AT_HWCAP: usize = 16;
pub const _AT_SECURE: usize = 23;
pub const _AT_RANDOM: usize = 25;
pub const _AT_SYSINFO: usize = 32;
pub const _AT_SYSINFO_EHDR: usize = 33;

/// `argv_index(argv, i)` (runtime1.go:60).
///
/// # Safety
/// `argv` must point at the kernel's argument block and `i` be within it.
pub unsafe fn argv_index(argv: *const *const u8, i: usize) -> *const u8 {
    *argv.add(i)
}

/// `args(c, v)` (runtime1.go:66-70).
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
    // EXERCISE(sysargs:sysargs) BEGIN
    // ANCHOR: ex_sysargs_sysargs
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
    // ANCHOR_END: ex_sysargs_sysargs
    // EXERCISE(sysargs:sysargs) END
    if pairs == 0 {
        crate::print::throw("sysargs: no auxiliary vector on the stack");
    }
}
// ANCHOR_END: sysargs

// ANCHOR: sysauxv
/// `sysauxv(auxv)` (os_linux.go:294-315): read the (tag, value) pairs up to AT_NULL and
/// return how many there were. Go takes AT_RANDOM, AT_PAGESZ and AT_SECURE here and hands
/// every pair to vdsoauxv (AT_SYSINFO_EHDR). We also take AT_SYSINFO, the address of
/// `__kernel_vsyscall`: from now on system calls enter the kernel through it.
pub fn sysauxv(auxv: &[usize]) -> usize {
    // EXERCISE(sysargs:sysauxv) BEGIN
    // ANCHOR: ex_sysargs_sysauxv
    let mut i = 0;
    while i + 1 < auxv.len() && auxv[i] != _AT_NULL {
        let (tag, val) = (auxv[i], auxv[i + 1]);
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
    // ANCHOR_END: ex_sysargs_sysauxv
    // EXERCISE(sysargs:sysauxv) END
    unsafe { *auxvPairs.get() = i / 2 };
    boottrace!(
        "args",
        "auxv: {} pairs; AT_PAGESZ={} AT_SECURE={} AT_RANDOM={:#x} AT_SYSINFO={:#x} (system calls now use it)",
        i / 2,
        unsafe { *runtime_physPageSize.get() },
        unsafe { *secureMode.get() },
        unsafe { *startupRand.get() },
        unsafe { runtime_vdsoSysinfo }
    );
    i / 2
}
// ANCHOR_END: sysauxv

// ANCHOR: osinit
/// `osinit()` (os_linux.go:343-347).
#[no_mangle]
pub extern "C" fn runtime_osinit() {
    unsafe {
        *runtime_ncpu.get() = getproccount();
        *runtime_physHugePageSize.get() = getHugePageSize();
    }
    // osArchInit is empty on 386.
    boottrace!(
        "osinit",
        "ncpu={} (sched_getaffinity) physHugePageSize={} (hpage_pmd_size)",
        unsafe { *runtime_ncpu.get() },
        unsafe { *runtime_physHugePageSize.get() }
    );
}
// ANCHOR_END: osinit

// ANCHOR: getproccount
/// `getproccount()` (os_linux.go:97-122): the number of CPUs in our affinity mask.
/// The kernel returns how many bytes of the mask it wrote; count their set bits.
pub fn getproccount() -> i32 {
    // EXERCISE(getproccount) BEGIN
    // ANCHOR: ex_getproccount
    const maxCPUs: usize = 64 * 1024;
    let mut buf = [0u8; maxCPUs / 8];
    let r = sched_getaffinity(0, &mut buf);
    if r < 0 {
        return 1;
    }
    let n: i32 = buf[..r as usize]
        .iter()
        .map(|v| v.count_ones() as i32)
        .sum();
    if n == 0 {
        1
    } else {
        n
    }
    // ANCHOR_END: ex_getproccount
    // EXERCISE(getproccount) END
}
// ANCHOR_END: getproccount

// ANCHOR: gethugepagesize
/// `getHugePageSize()` (os_linux.go:317-341): the number in
/// /sys/kernel/mm/transparent_hugepage/hpage_pmd_size, or 0 if it is missing, not a
/// number, or not a power of two.
pub fn getHugePageSize() -> usize {
    let mut numbuf = [0u8; 20];
    let fd = open(b"/sys/kernel/mm/transparent_hugepage/hpage_pmd_size\0", 0);
    if fd < 0 {
        return 0;
    }
    let n = read(fd, &mut numbuf);
    closefd(fd);
    if n <= 0 {
        return 0;
    }
    parseHugePageSize(&numbuf[..n as usize])
}
// ANCHOR_END: gethugepagesize

/// The parsing half of getHugePageSize: drop the trailing newline, `atoi`, require a
/// non-negative power of two.
pub fn parseHugePageSize(s: &[u8]) -> usize {
    let s = &s[..s.len().saturating_sub(1)]; // remove trailing newline
    let v = match crate::schedinit::atoi(s) {
        Some(v) if v >= 0 => v as usize,
        _ => 0,
    };
    if v & v.wrapping_sub(1) != 0 {
        return 0; // v is not a power of 2
    }
    v
}

/// `gogetenv(key)` (env_posix.go:9): the value of the first `key=value` in the environment.
pub fn gogetenv(key: &[u8]) -> Option<&'static [u8]> {
    unsafe {
        getenv_from(
            *runtime_argc.get(),
            *runtime_argv.get() as *const *const u8,
            key,
        )
    }
}

/// `gogetenv` over an explicit argc/argv (envp follows argv's NULL).
///
/// # Safety
/// `argv` must point at the kernel's argument block.
pub unsafe fn getenv_from(argc: i32, argv: *const *const u8, key: &[u8]) -> Option<&'static [u8]> {
    if argv.is_null() {
        return None;
    }
    let mut i = argc as usize + 1;
    loop {
        let s = argv_index(argv, i);
        if s.is_null() {
            return None;
        }
        let s = cstr(s);
        if s.len() > key.len() && s[key.len()] == b'=' && &s[..key.len()] == key {
            return Some(&s[key.len() + 1..]);
        }
        i += 1;
    }
}

/// A NUL-terminated string as bytes.
///
/// # Safety
/// `p` must point at a NUL-terminated string that lives for the rest of the program.
pub unsafe fn cstr(p: *const u8) -> &'static [u8] {
    let mut n = 0;
    while *p.add(n) != 0 {
        n += 1;
    }
    core::slice::from_raw_parts(p, n)
}

/// Argument `i` as a non-negative decimal int32 (atoi32 semantics), if it is one: how the
/// runtime's example programs read their counts.
pub fn goarg_u32(i: usize) -> Option<u32> {
    goargs()
        .nth(i)
        .and_then(crate::schedinit::atoi32)
        .filter(|n| *n >= 0)
        .map(|n| n as u32)
}

/// The program's arguments (argv[0..argc]).
pub fn goargs() -> impl Iterator<Item = &'static [u8]> {
    let (argc, argv) = unsafe { (*runtime_argc.get(), *runtime_argv.get() as *const *const u8) };
    (0..argc as usize).map(move |i| unsafe { cstr(argv_index(argv, i)) })
}
