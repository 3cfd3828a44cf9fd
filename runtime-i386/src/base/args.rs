//! # The program's arguments, environment and auxiliary vector, as the kernel left them
//! (runtime1.go, env_posix.go, os_linux.go)
//!
//! `args` and `sysauxv` (the _rt0_386 chapter) store here what they find; `gogetenv` reads the environment
//! that follows argv's NULL, and [`goflags`] is the one command-line parser of the
//! runtime's programs, next to [`goargs`].

use crate::base::runtime2::*;

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

/// `argv_index(argv, i)` (runtime1.go:60).
///
/// # Safety
/// `argv` must point at the kernel's argument block and `i` be within it.
pub unsafe fn argv_index(argv: *const *const u8, i: usize) -> *const u8 {
    *argv.add(i)
}

/// What the kernel left on the stack at the ELF entry point, above argc: argv[0..argc], a
/// NULL word, envp, a NULL word, then the auxiliary vector's (tag, value) pairs up to AT_NULL.
/// (`sysargs`, in the _rt0_386 chapter, walks the same layout: that walk is Go's, and an
/// exercise; this one is for the environment, the command line and the reports.)
#[derive(Clone, Copy)]
pub struct KernelBlock {
    pub argv: *const *const u8,
    pub argc: usize,
    pub envc: usize,
}

impl KernelBlock {
    /// The block whose argv is `argv`, with `argc` arguments.
    ///
    /// # Safety
    /// `argv` must point at the kernel's argument block (or be null: an empty block).
    pub unsafe fn at(argc: i32, argv: *const *const u8) -> KernelBlock {
        let argc = argc.max(0) as usize;
        let mut envc = 0;
        if !argv.is_null() {
            while !argv_index(argv, argc + 1 + envc).is_null() {
                envc += 1;
            }
        }
        KernelBlock { argv, argc, envc }
    }
    /// argv[0..argc].
    pub fn args(self) -> impl Iterator<Item = &'static [u8]> {
        (0..self.argc).map(move |i| unsafe { cstr(argv_index(self.argv, i)) })
    }
    /// The environment's `key=value` strings.
    pub fn env(self) -> impl Iterator<Item = &'static [u8]> {
        (0..self.envc).map(move |i| unsafe { cstr(argv_index(self.argv, self.argc + 1 + i)) })
    }
    /// The auxiliary vector's (tag, value) pairs, AT_NULL left out.
    pub fn auxv(self) -> impl Iterator<Item = (usize, usize)> {
        let auxv = unsafe { self.argv.add(self.argc + 1 + self.envc + 1) as *const usize };
        (0..)
            .map(move |i| unsafe { (*auxv.add(2 * i), *auxv.add(2 * i + 1)) })
            .take_while(|&(tag, _)| tag != 0)
    }
}

/// The block as rt0_go received it (before `args` runs, the chapter stop points read this).
pub fn boot_block() -> KernelBlock {
    let (argc, argv) = unsafe { *bootArgs.get() };
    unsafe { KernelBlock::at(argc, argv as *const *const u8) }
}

/// The block `args` stored (`runtime_argc`, `runtime_argv`).
pub fn args_block() -> KernelBlock {
    unsafe { KernelBlock::at(*runtime_argc.get(), *runtime_argv.get() as *const *const u8) }
}

/// `gogetenv(key)` (env_posix.go:9): the value of the first `key=value` in the environment.
pub fn gogetenv(key: &[u8]) -> Option<&'static [u8]> {
    getenv_in(args_block(), key)
}

/// `gogetenv` in a given block (rt0_go reads BOOTTRACE before `args` has run).
pub fn getenv_in(block: KernelBlock, key: &[u8]) -> Option<&'static [u8]> {
    block
        .env()
        .find(|s| s.len() > key.len() && s[key.len()] == b'=' && &s[..key.len()] == key)
        .map(|s| &s[key.len() + 1..])
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
    args_block().args()
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
    let block = boot_block();
    let err = match parse_args(cmd, block.args().skip(1)) {
        Ok(args) => return args,
        Err(e) => e,
    };
    use crate::base::print::GoQuote;
    use core::fmt::Write;
    let status = if err == FlagError::Help { 0 } else { 2 };
    let mut w = crate::base::print::FdWriter::<256>::new(2);
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
    usage(&mut w, cmd, block.args().next().unwrap_or(b""));
    drop(w);
    crate::base::sys_linux_386::runtime_exit(status)
}

/// Go's default usage, "Usage of argv[0]:" and PrintDefaults (flag.go:684-691, 607-651),
/// for a program with flags only; with positional arguments "usage: argv[0] [N [ROUNDS]]",
/// then one entry per argument in PrintDefaults' layout.
fn usage<const N: usize>(w: &mut crate::base::print::FdWriter<N>, cmd: &Cmdline, argv0: &[u8]) {
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

/// argc/argv as rt0_go received them, for the chapter stop points before `args`.
pub static bootArgs: Global<(i32, usize)> = Global::new((0, 0));
