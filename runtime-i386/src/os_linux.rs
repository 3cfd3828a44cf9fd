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
    // ANCHOR: exercise-sysargs-sysauxv
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
    // ANCHOR: exercise-getproccount
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
    // ANCHOR_END: exercise-getproccount
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

/// The program's arguments (argv[0..argc]).
pub fn goargs() -> impl Iterator<Item = &'static [u8]> {
    let (argc, argv) = unsafe { (*runtime_argc.get(), *runtime_argv.get() as *const *const u8) };
    (0..argc as usize).map(move |i| unsafe { cstr(argv_index(argv, i)) })
}

// ANCHOR: goflags
// The one command-line parser of the runtime's programs. Go's runtime leaves flags to the
// flag package; our programs have no package os or flag, so this is theirs: the chapter
// programs' one flag, `-json`, parsed as flag.Bool + flag.Parse with ExitOnError would, and
// the example programs' counts.

/// What a program accepts: Go's `-json` flag or none, then optional positional arguments.
pub struct Cmdline {
    /// `flag.Bool("json", false, "print the runtime's state as one JSON object")`.
    pub json: bool,
    /// Positional arguments, all optional, in order (at most [`MAXARGS`]).
    pub args: &'static [Arg],
}

/// A positional argument of an example program.
pub struct Arg {
    pub name: &'static str,
    pub usage: &'static str,
    pub kind: ArgKind,
}

pub enum ArgKind {
    /// A whole number from `min` to 2^31-1 (Go's `int` on 386), `default` when absent.
    Count { min: u32, default: u32 },
    /// This word, or nothing.
    Word(&'static str),
}

pub const MAXARGS: usize = 4;

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub struct Args {
    pub json: bool,
    /// Positional argument i: its count (a Word counts 1), None when absent.
    vals: [Option<u32>; MAXARGS],
}

impl Args {
    /// Count argument `i`, or its default.
    pub fn count(&self, cmd: &Cmdline, i: usize) -> u32 {
        match (self.vals[i], &cmd.args[i].kind) {
            (Some(n), _) => n,
            (None, ArgKind::Count { default, .. }) => *default,
            (None, ArgKind::Word(_)) => 0,
        }
    }
    /// Whether positional argument `i` was given.
    pub fn given(&self, i: usize) -> bool {
        self.vals[i].is_some()
    }
}

/// Why a command line was refused (or, for Help, only the usage is wanted).
#[derive(Debug, PartialEq, Eq)]
pub enum FlagError<'a> {
    /// `-h`, `-help` (any number of dashes, any value): usage, exit 0 (flag.go ErrHelp).
    Help,
    /// `---x`, `-=x`: "bad flag syntax: %s".
    BadSyntax(&'a [u8]),
    /// A flag we do not have, by its name without dashes: "flag provided but not defined: -%s".
    Undefined(&'a [u8]),
    /// `-json=v` with v not a strconv.ParseBool value.
    BadBool(&'a [u8]),
    /// A positional argument more than the program takes.
    Unexpected(&'a [u8]),
    /// Positional argument `index` is not what it should be.
    BadValue {
        index: usize,
        value: &'a [u8],
        why: Why,
    },
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Why {
    Syntax,
    Range,
    Min(u32),
    Word(&'static str),
}

/// `strconv.ParseBool` (strconv/atob.go:10-18).
pub fn parse_bool(s: &[u8]) -> Option<bool> {
    match s {
        b"1" | b"t" | b"T" | b"TRUE" | b"true" | b"True" => Some(true),
        b"0" | b"f" | b"F" | b"FALSE" | b"false" | b"False" => Some(false),
        _ => None,
    }
}

/// A count: an optional sign and decimal digits (strconv.Atoi), in int32 (Go's int on 386).
fn parse_count(s: &[u8], min: u32) -> Result<u32, Why> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Why::Syntax);
    }
    let mut v: u64 = 0;
    for &c in digits {
        v = (v * 10 + (c - b'0') as u64).min(1 << 40); // saturates far above int32
    }
    let v = if neg { -(v as i64) } else { v as i64 };
    if v > i32::MAX as i64 || v < i32::MIN as i64 {
        return Err(Why::Range);
    }
    if v < min as i64 {
        return Err(Why::Min(min));
    }
    Ok(v as u32)
}

/// Parses `args` (argv without argv[0]) as Go's flag.Parse does (flag.go:1075-1147
/// parseOne): flags until the first non-flag or `--`; `-name`, `--name`, `-name=value`;
/// "-" alone is not a flag. Then the positional arguments.
pub fn parse_args<'a>(
    cmd: &Cmdline,
    mut args: impl Iterator<Item = &'a [u8]>,
) -> Result<Args, FlagError<'a>> {
    let mut out = Args {
        json: false,
        vals: [None; MAXARGS],
    };
    let mut next = None;
    for s in args.by_ref() {
        if s.len() < 2 || s[0] != b'-' {
            next = Some(s);
            break; // the first positional argument
        }
        let dashes = if s[1] == b'-' { 2 } else { 1 };
        if s == b"--" {
            break;
        }
        let body = &s[dashes..];
        if body.is_empty() || body[0] == b'-' || body[0] == b'=' {
            return Err(FlagError::BadSyntax(s));
        }
        let (name, value) = match body.iter().position(|&c| c == b'=') {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        match name {
            b"json" if cmd.json => {
                out.json = match value {
                    None => true,
                    Some(v) => parse_bool(v).ok_or(FlagError::BadBool(v))?,
                }
            }
            b"help" | b"h" => return Err(FlagError::Help),
            _ => return Err(FlagError::Undefined(name)),
        }
    }
    for (i, s) in next.into_iter().chain(args).enumerate() {
        let Some(arg) = cmd.args.get(i) else {
            return Err(FlagError::Unexpected(s));
        };
        let bad = |why| FlagError::BadValue {
            index: i,
            value: s,
            why,
        };
        out.vals[i] = Some(match arg.kind {
            ArgKind::Count { min, .. } => parse_count(s, min).map_err(bad)?,
            ArgKind::Word(w) if s == w.as_bytes() => 1,
            ArgKind::Word(w) => return Err(bad(Why::Word(w))),
        });
    }
    Ok(out)
}

/// The program's command line, parsed by [`parse_args`]. On an error it prints the message
/// and the usage to stderr and exits 2; for `-h`/`-help` the usage and exits 0 (flag.go:
/// failf 1058-1062, Parse with ExitOnError 1153-1176).
pub fn goflags(cmd: &Cmdline) -> Args {
    let (argc, argv) = unsafe { *crate::rt0_go::bootArgs.get() };
    let argv = argv as *const *const u8;
    let arg = |i: usize| unsafe { cstr(argv_index(argv, i)) };
    let err = match parse_args(cmd, (1..argc.max(0) as usize).map(arg)) {
        Ok(args) => return args,
        Err(e) => e,
    };
    use crate::print::GoQuote;
    use core::fmt::Write;
    let status = if err == FlagError::Help { 0 } else { 2 };
    let mut w = crate::print::FdWriter::<256>::new(2);
    let _ = match err {
        FlagError::Help => Ok(()),
        FlagError::BadSyntax(s) => {
            w.write_bytes(b"bad flag syntax: ");
            w.write_bytes(s);
            w.write_str("\n")
        }
        FlagError::Undefined(name) => {
            w.write_bytes(b"flag provided but not defined: -");
            w.write_bytes(name);
            w.write_str("\n")
        }
        FlagError::BadBool(v) => writeln!(
            w,
            "invalid boolean value {} for -json: parse error",
            GoQuote(v)
        ),
        FlagError::Unexpected(s) => writeln!(w, "unexpected argument: {}", GoQuote(s)),
        FlagError::BadValue { index, value, why } => {
            let _ = write!(
                w,
                "invalid value {} for {}: ",
                GoQuote(value),
                cmd.args[index].name
            );
            match why {
                Why::Syntax => writeln!(w, "parse error"),
                Why::Range => writeln!(w, "value out of range"),
                Why::Min(min) => writeln!(w, "must be at least {}", min),
                Why::Word(word) => writeln!(w, "want {} or nothing", GoQuote(word.as_bytes())),
            }
        }
    };
    usage(&mut w, cmd, if argc > 0 { arg(0) } else { b"" });
    drop(w);
    crate::sys_linux_386::runtime_exit(status)
}

/// Go's default usage, "Usage of argv[0]:" and PrintDefaults (flag.go:684-691, 607-651),
/// for a program with flags only; with positional arguments "usage: argv[0] [N [ROUNDS]]",
/// then one entry per argument in PrintDefaults' layout.
fn usage<const N: usize>(w: &mut crate::print::FdWriter<N>, cmd: &Cmdline, argv0: &[u8]) {
    use core::fmt::Write;
    if cmd.args.is_empty() {
        w.write_bytes(b"Usage of ");
        w.write_bytes(argv0);
        w.write_bytes(b":\n");
    } else {
        w.write_bytes(b"usage: ");
        w.write_bytes(argv0);
        if cmd.json {
            w.write_bytes(b" [-json]");
        }
        for a in cmd.args {
            let _ = write!(w, " [{}", a.name);
        }
        for _ in cmd.args {
            w.write_bytes(b"]");
        }
        w.write_bytes(b"\n");
    }
    if cmd.json {
        w.write_bytes(b"  -json\n    \tprint the runtime's state as one JSON object\n");
    }
    for a in cmd.args {
        let _ = match a.kind {
            ArgKind::Count { min, default } => writeln!(
                w,
                "  {}\n    \t{}: at least {} (default {})",
                a.name, a.usage, min, default
            ),
            ArgKind::Word(_) => writeln!(w, "  {}\n    \t{}", a.name, a.usage),
        };
    }
}
// ANCHOR_END: goflags
