//! What the kernel tells the runtime: args/sysargs/sysauxv (runtime1.go:66, os_linux.go:233,
//! 294), gogetenv (env_posix.go:9), osinit/getproccount/getHugePageSize (os_linux.go:97,
//! 319, 343), nanotime.
//!
//! Never hand sysauxv an AT_SYSINFO (32) entry: it would redirect every later system call.

use super::{fresh, lock};
use crate::base::args::*;
use crate::globals::*;
use crate::rt0_386::*;
use crate::rt0_go::*;
use std::ffi::CString;

/// A leaked, NUL-terminated copy of `s` (the runtime keeps `&'static` slices into argv).
fn cstr_leak(s: &str) -> usize {
    CString::new(s).unwrap().into_raw() as usize
}

/// A kernel-style argument block: argv..., NULL, envp..., NULL, auxv (ending in AT_NULL).
/// Leaked, as the real one lives for the whole program.
fn arg_block(args: &[&str], env: &[&str], auxv: &[usize]) -> *const *const u8 {
    let mut v: Vec<usize> = Vec::new();
    v.extend(args.iter().map(|a| cstr_leak(a)));
    v.push(0);
    v.extend(env.iter().map(|e| cstr_leak(e)));
    v.push(0);
    v.extend_from_slice(auxv);
    v.leak().as_ptr() as *const *const u8
}

/// `runtime_vdsoSysinfo`, which must stay 0 (int $0x80) in a test process.
fn vdso_sysinfo() -> usize {
    unsafe { (&raw const crate::base::sys_linux_386::runtime_vdsoSysinfo).read() }
}

/// 16 "random" bytes that stay valid (AT_RANDOM must point at real memory: cheaprand reads
/// it to seed itself).
fn random_bytes() -> usize {
    Box::leak(Box::new([0x5au8; 16])).as_ptr() as usize
}

/// os_linux.go:294 `sysauxv`: counts the pairs before AT_NULL and takes AT_PAGESZ,
/// AT_RANDOM and AT_SECURE (== 1); the vDSO header goes to vdsoauxv.
#[test]
fn sysauxv_synthetic_vector() {
    let _l = fresh();
    let rnd = random_bytes();
    let auxv = [
        _AT_PAGESZ, 4096, _AT_RANDOM, rnd, _AT_SECURE, 1, _AT_NULL, 0,
    ];
    assert_eq!(sysauxv(&auxv), 3);
    unsafe {
        assert_eq!(*auxvPairs.get(), 3);
        assert_eq!(*runtime_physPageSize.get(), 4096);
        assert_eq!(*startupRand.get(), rnd);
        assert!(*secureMode.get());
        assert_eq!(*vdsoEhdr.get(), 0);
        assert_eq!(vdso_sysinfo(), 0);
    }
}

/// os_linux.go:294 `sysauxv`: `secureMode = val == 1`, unknown tags are ignored, nothing
/// after AT_NULL is read, and an immediately terminated vector has 0 pairs.
#[test]
fn sysauxv_secure_unknown_tags_and_stop_at_null() {
    let _l = fresh();
    let auxv = [
        _AT_SECURE,
        2, // not 1: not secure
        _AT_HWCAP,
        0xdead,
        99,
        7,
        _AT_SYSINFO_EHDR,
        0x1234_5000,
        _AT_PAGESZ,
        16384,
        _AT_NULL,
        0,
        _AT_PAGESZ, // after AT_NULL: never read
        8192,
    ];
    assert_eq!(sysauxv(&auxv), 5);
    unsafe {
        assert!(!*secureMode.get());
        assert_eq!(*runtime_physPageSize.get(), 16384);
        assert_eq!(*vdsoEhdr.get(), 0x1234_5000);
        assert_eq!(*startupRand.get(), 0);
    }
    assert_eq!(sysauxv(&[_AT_NULL, 0]), 0);
    unsafe { assert_eq!(*auxvPairs.get(), 0) };
}

/// The process's own auxv (/proc/self/auxv), without its AT_SYSINFO entry: sysauxv finds
/// the real page size and random bytes and counts every pair.
#[test]
fn sysauxv_real_vector_without_sysinfo() {
    let _l = fresh();
    let raw = std::fs::read("/proc/self/auxv").expect("read /proc/self/auxv");
    let words: Vec<usize> = raw
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()) as usize)
        .collect();
    let mut auxv = Vec::new();
    let (mut page, mut rnd) = (0, 0);
    for pair in words.chunks_exact(2) {
        if pair[0] == _AT_NULL {
            break;
        }
        if pair[0] == _AT_SYSINFO {
            continue; // never hand the runtime AT_SYSINFO in a test
        }
        if pair[0] == _AT_PAGESZ {
            page = pair[1];
        }
        if pair[0] == _AT_RANDOM {
            rnd = pair[1];
        }
        auxv.extend_from_slice(pair);
    }
    let pairs = auxv.len() / 2;
    auxv.extend_from_slice(&[_AT_NULL, 0]);
    assert_eq!(sysauxv(&auxv), pairs);
    unsafe {
        assert_eq!(*runtime_physPageSize.get(), page);
        assert_eq!(*runtime_physPageSize.get(), 4096);
        assert_eq!(*startupRand.get(), rnd);
        assert_ne!(rnd, 0);
        assert_eq!(vdso_sysinfo(), 0);
    }
}

/// runtime1.go:66 `args` and os_linux.go:233 `sysargs`: store argc/argv, skip argv and envp
/// (each ending in a NULL word) and read the auxv that follows.
#[test]
fn args_walks_past_argv_and_envp_to_auxv() {
    let _l = fresh();
    let rnd = random_bytes();
    let argv = arg_block(
        &["prog", "-v", "x"],
        &["HOME=/root", "GOMAXPROCS=3", "EMPTY=", "GOMAXPROCS=9"],
        &[_AT_PAGESZ, 4096, _AT_RANDOM, rnd, _AT_NULL, 0],
    );
    unsafe {
        runtime_args(3, argv);
        assert_eq!(*runtime_argc.get(), 3);
        assert_eq!(*runtime_argv.get(), argv as usize);
        assert_eq!(*auxvPairs.get(), 2);
        assert_eq!(*runtime_physPageSize.get(), 4096);
        assert_eq!(*startupRand.get(), rnd);
    }
    // runtime1.go:72 goargs: argv[0..argc].
    let args: Vec<&[u8]> = goargs().collect();
    assert_eq!(args, [&b"prog"[..], b"-v", b"x"]);
    // env_posix.go:9 gogetenv: the first `key=value`; the key must be followed by '='.
    assert_eq!(gogetenv(b"GOMAXPROCS"), Some(&b"3"[..]));
    assert_eq!(gogetenv(b"HOME"), Some(&b"/root"[..]));
    assert_eq!(gogetenv(b"EMPTY"), Some(&b""[..]));
    assert_eq!(gogetenv(b"GOMAX"), None);
    assert_eq!(gogetenv(b"HOME=/root"), None);
    assert_eq!(gogetenv(b"PATH"), None);
    // argv itself is not the environment.
    assert_eq!(gogetenv(b"prog"), None);
}

/// os_linux.go:233 `sysargs` with an empty argv and envp.
#[test]
fn sysargs_with_no_arguments_and_no_environment() {
    let _l = fresh();
    let argv = arg_block(&[], &[], &[_AT_PAGESZ, 8192, _AT_NULL, 0]);
    unsafe {
        sysargs(0, argv);
        assert_eq!(*auxvPairs.get(), 1);
        assert_eq!(*runtime_physPageSize.get(), 8192);
        assert_eq!(getenv_in(KernelBlock::at(0, argv), b"HOME"), None);
    }
    // gogetenv before args (argv nil) finds nothing.
    unsafe { *runtime_argv.get() = 0 };
    assert_eq!(gogetenv(b"HOME"), None);
}

/// os_linux.go:97 `getproccount`: the number of set bits in the sched_getaffinity mask;
/// compared with the kernel's Cpus_allowed mask in /proc/self/status.
#[test]
fn getproccount_counts_the_affinity_mask() {
    let _l = lock();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let mask = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed:"))
        .expect("Cpus_allowed in /proc/self/status");
    let want: u32 = mask
        .trim()
        .split(',')
        .map(|w| u32::from_str_radix(w, 16).unwrap().count_ones())
        .sum();
    assert!(want >= 1);
    assert_eq!(getproccount(), want as i32);
}

/// os_linux.go:343 `osinit`: ncpu = getproccount(), physHugePageSize = getHugePageSize()
/// (the power of two in /sys/kernel/mm/transparent_hugepage/hpage_pmd_size, else 0).
#[test]
fn osinit_sets_ncpu_and_huge_page_size() {
    let _l = fresh();
    runtime_osinit();
    let want_huge =
        match std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size") {
            Ok(s) => match s.trim_end_matches('\n').parse::<i32>() {
                Ok(v) if v >= 0 && (v as usize).is_power_of_two() => v as usize,
                _ => 0,
            },
            Err(_) => 0,
        };
    unsafe {
        assert_eq!(*runtime_ncpu.get(), getproccount());
        assert!(*runtime_ncpu.get() >= 1);
        assert_eq!(*runtime_physHugePageSize.get(), want_huge);
    }
    assert_eq!(getHugePageSize(), want_huge);
}

/// `nanotime()`: CLOCK_MONOTONIC, in nanoseconds, never going backwards.
#[test]
fn nanotime_is_monotonic_nanoseconds() {
    let _l = lock();
    let start = std::time::Instant::now();
    let t0 = crate::base::sys_linux_386::nanotime();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let t1 = crate::base::sys_linux_386::nanotime();
    let elapsed = start.elapsed().as_nanos() as i64;
    assert!(t0 > 0);
    assert!(t1 - t0 >= 20_000_000, "{} ns", t1 - t0);
    // Both read CLOCK_MONOTONIC: nanotime's interval lies inside Instant's.
    assert!(t1 - t0 <= elapsed, "{} > {}", t1 - t0, elapsed);
}
