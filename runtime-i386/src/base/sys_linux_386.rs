//! System calls (Go 1.22: sys_linux_386.s), through `syscall6` in `asm/sys_linux_386.S`.
//!
//! Each wrapper has Go's name and returns what the kernel returned: a value in
//! `[-4095, -1]` is `-errno`, as in Go's assembly stubs.

// i386 system call numbers (arch/x86/entry/syscalls/syscall_32.tbl; Go: sys_linux_386.s:17-58).
pub const SYS_exit: usize = 1;
pub const SYS_read: usize = 3;
pub const SYS_write: usize = 4;
pub const SYS_open: usize = 5;
pub const SYS_close: usize = 6;
pub const SYS_getpid: usize = 20;
pub const SYS_munmap: usize = 91;
pub const SYS_mprotect: usize = 125;
pub const SYS_rt_sigaction: usize = 174;
pub const SYS_sigaltstack: usize = 186;
pub const SYS_nanosleep: usize = 162;
pub const SYS_poll: usize = 168;
pub const SYS_mmap2: usize = 192;
pub const SYS_gettid: usize = 224;
pub const SYS_sched_getaffinity: usize = 242;
pub const SYS_set_thread_area: usize = 243;
pub const SYS_exit_group: usize = 252;
pub const SYS_clock_gettime: usize = 265;
pub const SYS_clone: usize = 120;
pub const SYS_sched_yield: usize = 158;
pub const SYS_rt_sigprocmask: usize = 175;
pub const SYS_futex: usize = 240;
pub const SYS_tgkill: usize = 270;

extern "C" {
    fn runtime_syscall6(
        nr: usize,
        a1: usize,
        a2: usize,
        a3: usize,
        a4: usize,
        a5: usize,
        a6: usize,
    ) -> usize;
    fn runtime_syscall6_int80(
        nr: usize,
        a1: usize,
        a2: usize,
        a3: usize,
        a4: usize,
        a5: usize,
        a6: usize,
    ) -> usize;
    /// `__kernel_vsyscall`'s address (auxv AT_SYSINFO), or 0: syscall6 then uses `int $0x80`.
    pub static mut runtime_vdsoSysinfo: usize;
}

// ANCHOR: syscall
/// A system call with up to six arguments: through the vDSO once `sysauxv` has found it,
/// else `int $0x80` like Go 1.22 (the asm stub decides).
#[inline]
pub fn syscall(nr: usize, a: [usize; 6]) -> isize {
    unsafe { runtime_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]) as isize }
}
// ANCHOR_END: syscall

/// The same system call, always through `int $0x80` (to measure the difference).
pub fn syscall_int80(nr: usize, a: [usize; 6]) -> isize {
    unsafe { runtime_syscall6_int80(nr, a[0], a[1], a[2], a[3], a[4], a[5]) as isize }
}

// errno values (asm-generic/errno-base.h) the runtime tells apart.
pub const EINTR: isize = 4;
pub const EAGAIN: isize = 11;
pub const ENOMEM: isize = 12;

/// The symbolic name of an errno, for messages: `errno 12 (ENOMEM)`.
pub fn errno_name(e: isize) -> &'static str {
    const NAMES: [&str; 35] = [
        "0", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
        "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
        "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE",
    ];
    usize::try_from(e)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("unknown errno")
}

/// Whether a raw result is `-errno`.
pub fn is_err(r: isize) -> bool {
    (-4095..0).contains(&r)
}

/// `write1(fd, p, n)`: returns bytes written or -errno.
pub fn write1(fd: usize, p: &[u8]) -> isize {
    syscall(SYS_write, [fd, p.as_ptr() as usize, p.len(), 0, 0, 0])
}

/// Waits until `fd` can be written: poll(2) for POLLOUT, no timeout. Returns poll's result
/// (> 0 when ready, even if only POLLERR/POLLHUP: the next write then says what is wrong).
pub fn poll_out(fd: usize) -> isize {
    #[repr(C)]
    struct pollfd {
        fd: i32,
        events: i16,
        revents: i16,
    }
    const POLLOUT: i16 = 0x4;
    let mut pfd = pollfd {
        fd: fd as i32,
        events: POLLOUT,
        revents: 0,
    };
    let timeout = -1isize as usize; // wait as long as it takes
    syscall(
        SYS_poll,
        [&mut pfd as *mut pollfd as usize, 1, timeout, 0, 0, 0],
    )
}

/// The C-ABI `write` that rt0_go's bad_proc calls before anything is set up.
#[no_mangle]
pub extern "C" fn runtime_write(fd: usize, p: *const u8, n: usize) -> isize {
    syscall(SYS_write, [fd, p as usize, n, 0, 0, 0])
}

/// `exit(code)`: ends the whole process (exit_group), as Go's runtime·exit does.
#[no_mangle]
pub extern "C" fn runtime_exit(code: i32) -> ! {
    syscall(SYS_exit_group, [code as usize, 0, 0, 0, 0, 0]);
    loop {
        syscall(SYS_exit, [code as usize, 0, 0, 0, 0, 0]);
    }
}

pub const PROT_NONE: usize = 0;
pub const PROT_READ: usize = 1;
pub const PROT_WRITE: usize = 2;
pub const MAP_PRIVATE: usize = 2;
pub const MAP_ANONYMOUS: usize = 0x20;

/// `mmap(addr, n, prot, flags, fd, off)` via mmap2 (the offset is in pages). Returns the
/// address or -errno.
pub fn mmap(
    addr: usize,
    n: usize,
    prot: usize,
    flags: usize,
    fd: isize,
    off_pages: usize,
) -> isize {
    syscall(SYS_mmap2, [addr, n, prot, flags, fd as usize, off_pages])
}

pub fn munmap(addr: usize, n: usize) -> isize {
    syscall(SYS_munmap, [addr, n, 0, 0, 0, 0])
}

pub fn mprotect(addr: usize, n: usize, prot: usize) -> isize {
    syscall(SYS_mprotect, [addr, n, prot, 0, 0, 0])
}

/// `open(path, O_RDONLY)`; `path` must end in a NUL byte.
pub fn open(path: &[u8], flags: usize) -> isize {
    debug_assert_eq!(path.last(), Some(&0));
    syscall(SYS_open, [path.as_ptr() as usize, flags, 0, 0, 0, 0])
}

pub fn read(fd: isize, buf: &mut [u8]) -> isize {
    syscall(
        SYS_read,
        [fd as usize, buf.as_mut_ptr() as usize, buf.len(), 0, 0, 0],
    )
}

pub fn closefd(fd: isize) -> isize {
    syscall(SYS_close, [fd as usize, 0, 0, 0, 0, 0])
}

/// `sched_getaffinity(pid, len, buf)`: returns the number of bytes of the mask written.
pub fn sched_getaffinity(pid: usize, buf: &mut [u8]) -> isize {
    syscall(
        SYS_sched_getaffinity,
        [pid, buf.len(), buf.as_mut_ptr() as usize, 0, 0, 0],
    )
}

/// `usleep(usec)` (sys_linux_386.s:136-151): nanosleep for `usec` microseconds.
pub fn usleep(usec: u32) {
    let ts = [usec / 1_000_000, (usec % 1_000_000) * 1000];
    syscall(SYS_nanosleep, [ts.as_ptr() as usize, 0, 0, 0, 0, 0]);
}

pub fn gettid() -> usize {
    syscall(SYS_gettid, [0; 6]) as usize
}

/// `nanotime()`: CLOCK_MONOTONIC in nanoseconds (Go reads it through the vDSO's
/// clock_gettime; we make the system call).
pub fn nanotime() -> i64 {
    let mut ts = [0u32; 2];
    syscall(SYS_clock_gettime, [1, ts.as_mut_ptr() as usize, 0, 0, 0, 0]);
    ts[0] as i64 * 1_000_000_000 + ts[1] as i64
}

/// `futex(addr, op, val, ts, addr2, val3)` (sys_linux_386.s:518-529): the raw result.
pub fn futex(addr: *mut u32, op: usize, val: u32, ts: usize) -> isize {
    syscall(SYS_futex, [addr as usize, op, val as usize, ts, 0, 0])
}

/// `osyield()` (sys_linux_386.s:720): sched_yield.
pub fn osyield() {
    syscall(SYS_sched_yield, [0; 6]);
}

pub fn getpid() -> usize {
    syscall(SYS_getpid, [0; 6]) as usize
}

/// `tgkill(tgid, tid, sig)` (sys_linux_386.s:186): send sig to one thread.
pub fn tgkill(tgid: usize, tid: usize, sig: usize) -> isize {
    syscall(SYS_tgkill, [tgid, tid, sig, 0, 0, 0])
}

/// `_SIG_SETMASK` for rtsigprocmask (os_linux.go).
pub const _SIG_SETMASK: usize = 2;

/// `rtsigprocmask(how, new, old, size)` (sys_linux_386.s:391): this thread's signal mask.
pub fn rtsigprocmask(how: usize, new: *const u64, old: *mut u64) -> isize {
    syscall(
        SYS_rt_sigprocmask,
        [how, new as usize, old as usize, 8, 0, 0],
    )
}

/// Sleeps `ns` nanoseconds (a nanosleep system call, restarted after a signal).
pub fn nanosleep_ns(ns: i64) {
    let mut ts = [(ns / 1_000_000_000) as u32, (ns % 1_000_000_000) as u32];
    while syscall(
        SYS_nanosleep,
        [ts.as_ptr() as usize, ts.as_mut_ptr() as usize, 0, 0, 0, 0],
    ) == -EINTR
    {}
}
