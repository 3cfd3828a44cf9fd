//! The chapter programs' reports: the runtime's state at a point of the boot, printed as
//! text for people (what the article's figures show) or, with `--json`, as one JSON object
//! with Go's field names, for the tests, the book's figure generator and the comparison
//! with real Go.

use crate::globals::*;
use crate::print::{FdWriter, GoQuote, JsonStr};
use crate::symtab;
use core::fmt::Write;

/// The points of the boot where a chapter program stops, in boot order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
#[allow(non_camel_case_types)]
pub enum Stage {
    /// rt0_go's first instruction: the globals, still zero.
    globals = 1,
    /// The same moment, looking at what the kernel handed _rt0_386.
    rt0_386 = 2,
    /// rt0_go after TLS, m0/g0, check, args and osinit; before schedinit.
    rt0_go = 3,
    /// After schedinit (procresize made the Ps).
    schedinit = 4,
    /// After newproc(mainPC): g1 is in P0's runnext.
    newproc = 5,
    /// In execute, after schedule picked g1, just before gogo.
    mstart = 6,
    /// The first instruction of runtime.main, on g1's stack.
    gogo = 7,
    /// In main.main.
    mainpc = 8,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::globals => "globals",
            Stage::rt0_386 => "rt0_386",
            Stage::rt0_go => "rt0_go",
            Stage::schedinit => "schedinit",
            Stage::newproc => "newproc",
            Stage::mstart => "mstart",
            Stage::gogo => "gogo",
            Stage::mainpc => "mainpc",
        }
    }
    fn describe(self) -> &'static str {
        match self {
            Stage::globals => "at rt0_go's first instruction: the runtime's global variables",
            Stage::rt0_386 => "at rt0_go's first instruction: what the kernel handed _rt0_386",
            Stage::rt0_go => "after rt0_go's set-up, args and osinit; before schedinit",
            Stage::schedinit => "after schedinit",
            Stage::newproc => "after newproc(mainPC)",
            Stage::mstart => "in execute, after schedule found g1, before gogo",
            Stage::gogo => "at runtime.main's first instruction, after gogo",
            Stage::mainpc => "in main.main",
        }
    }
    fn from_u32(n: u32) -> Option<Stage> {
        [
            Stage::globals,
            Stage::rt0_386,
            Stage::rt0_go,
            Stage::schedinit,
            Stage::newproc,
            Stage::mstart,
            Stage::gogo,
            Stage::mainpc,
        ]
        .into_iter()
        .find(|s| *s as u32 == n)
    }
}

// The stage numbers for the assembly's `movl $stage_rt0_go, 0(SP)`.
core::arch::global_asm!(
    ".globl stage_rt0_go", ".set stage_rt0_go, {a}",
    ".globl stage_schedinit", ".set stage_schedinit, {b}",
    ".globl stage_newproc", ".set stage_newproc, {c}",
    a = const Stage::rt0_go as u32,
    b = const Stage::schedinit as u32,
    c = const Stage::newproc as u32,
);

extern "C" {
    /// The address of the program's `runtime_stopAt`, or 0 (asm_386.S, a weak reference).
    static runtime_stopAtp: usize;
}

/// The stage this program stops at, if it is a chapter program.
pub fn stop_at() -> Option<Stage> {
    let p = unsafe { runtime_stopAtp };
    if p == 0 {
        return None;
    }
    Stage::from_u32(unsafe { *(p as *const u32) })
}

/// Not in Go: a chapter stop point. If this program stops at `s`, print the state and exit 0.
pub fn bootstage(s: Stage) {
    if stop_at() == Some(s) {
        dump(s);
        crate::sys_linux_386::runtime_exit(0);
    }
}

/// The assembly's entry to [`bootstage`].
#[no_mangle]
pub extern "C" fn runtime_bootstage(s: u32) {
    if let Some(s) = Stage::from_u32(s) {
        bootstage(s);
    }
}

/// The chapter programs' command line: Go's `-json` flag and nothing else (see
/// [`crate::os_linux::goflags`]).
pub const CHAPTER_CMDLINE: crate::os_linux::Cmdline = crate::os_linux::Cmdline {
    json: true,
    args: &[],
};

/// Prints the state at stage `s` to standard output, as text or (with `--json` among the
/// program's arguments) as JSON.
pub fn dump(s: Stage) {
    let json_wanted = crate::os_linux::goflags(&CHAPTER_CMDLINE).json;
    let mut w = FdWriter::<4096>::new(1);
    let _ = if json_wanted {
        json(&mut w, s)
    } else {
        text(&mut w, s)
    };
}

struct Opt<T>(Option<T>);
impl<T: core::fmt::Display> core::fmt::Display for Opt<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match &self.0 {
            Some(v) => write!(f, "{}", v),
            None => f.write_str("null"),
        }
    }
}

unsafe fn pid(pp: *const p) -> Opt<i32> {
    Opt(if pp.is_null() { None } else { Some((*pp).id) })
}
unsafe fn goid(gp: *const g) -> Opt<u64> {
    Opt(if gp.is_null() { None } else { Some((*gp).goid) })
}
unsafe fn mid(mp: *const m) -> Opt<i64> {
    Opt(if mp.is_null() { None } else { Some((*mp).id) })
}

/// A symbol as a JSON string, or null.
fn json_sym(w: &mut dyn Write, pc: usize) -> core::fmt::Result {
    if pc == 0 || symtab::lookup(pc).is_none() {
        return w.write_str("null");
    }
    w.write_char('"')?;
    symtab::write_pc(w, pc)?;
    w.write_char('"')
}

/// The word at sched.sp: the return address a new goroutine's function will use.
unsafe fn return_word(gp: *const g) -> usize {
    let sp = (*gp).sched.sp;
    if sp == 0 || sp < (*gp).stack.lo || sp.checked_add(4).is_none_or(|e| e > (*gp).stack.hi) {
        0
    } else {
        *(sp as *const usize)
    }
}

/// The runtime's globals with their types and sizes (for the `globals` chapter).
fn globals_table() -> [(&'static str, &'static str, usize, usize); 11] {
    use core::mem::size_of_val;
    unsafe {
        [
            (
                "runtime.m0",
                "m",
                runtime_m0.get() as usize,
                size_of_val(&*runtime_m0.get()),
            ),
            (
                "runtime.g0",
                "g",
                runtime_g0.get() as usize,
                size_of_val(&*runtime_g0.get()),
            ),
            (
                "runtime.sched",
                "schedt",
                runtime_sched.get() as usize,
                size_of_val(&*runtime_sched.get()),
            ),
            (
                "runtime.allp",
                "[]*p",
                runtime_allp.get() as usize,
                size_of_val(&*runtime_allp.get()),
            ),
            (
                "runtime.allgs",
                "[]*g",
                runtime_allgs.get() as usize,
                size_of_val(&*runtime_allgs.get()),
            ),
            (
                "runtime.allm",
                "*m",
                runtime_allm.get() as usize,
                size_of_val(&*runtime_allm.get()),
            ),
            (
                "runtime.gomaxprocs",
                "int32",
                runtime_gomaxprocs.get() as usize,
                4,
            ),
            ("runtime.ncpu", "int32", runtime_ncpu.get() as usize, 4),
            (
                "runtime.physPageSize",
                "uintptr",
                runtime_physPageSize.get() as usize,
                4,
            ),
            (
                "runtime.physHugePageSize",
                "uintptr",
                runtime_physHugePageSize.get() as usize,
                4,
            ),
            (
                "runtime.mainStarted",
                "bool",
                runtime_mainStarted.get() as usize,
                1,
            ),
        ]
    }
}

const AUX_NAMES: &[(usize, &str)] = &[
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

/// What the kernel left on the stack: argc, argv, envp and the auxiliary vector.
struct Kernel {
    argc: usize,
    argv: *const *const u8,
    envc: usize,
    auxv: *const usize,
}
fn kernel() -> Kernel {
    let (argc, argv) = unsafe { *crate::rt0_go::bootArgs.get() };
    let argv = argv as *const *const u8;
    let argc = argc as usize;
    let mut envc = 0;
    unsafe {
        while !(*argv.add(argc + 1 + envc)).is_null() {
            envc += 1;
        }
    }
    let auxv = unsafe { argv.add(argc + 1 + envc + 1) as *const usize };
    Kernel {
        argc,
        argv,
        envc,
        auxv,
    }
}

fn json(w: &mut dyn Write, s: Stage) -> core::fmt::Result {
    unsafe {
        let sched = sched();
        let m0 = m0();
        let g0 = g0();
        write!(w, "{{\"stage\":\"{}\",", s.name())?;
        write!(
            w,
            "\"ncpu\":{},\"gomaxprocs\":{},\"physPageSize\":{},\"physHugePageSize\":{},\"mainStarted\":{},",
            *runtime_ncpu.get(),
            gomaxprocs(),
            *runtime_physPageSize.get(),
            *runtime_physHugePageSize.get(),
            *runtime_mainStarted.get()
        )?;
        write!(
            w,
            "\"sched\":{{\"maxmcount\":{},\"goidgen\":{},\"pidle\":{},\"npidle\":{},\"runqsize\":{},\"runq\":[",
            (*sched).maxmcount,
            (*sched).goidgen,
            pid((*sched).pidle),
            (*sched).npidle,
            (*sched).runqsize
        )?;
        let mut gp = (*sched).runq.head;
        let mut first = true;
        while !gp.is_null() {
            write!(w, "{}{}", if first { "" } else { "," }, (*gp).goid)?;
            first = false;
            gp = (*gp).schedlink;
        }
        write!(w, "]}},")?;
        write!(
            w,
            "\"m0\":{{\"id\":{},\"p\":{},\"curg\":{},\"procid\":{}}},",
            (*m0).id,
            pid((*m0).p),
            goid((*m0).curg),
            (*m0).procid
        )?;
        write!(
            w,
            "\"g0\":{{\"stack\":{{\"lo\":{},\"hi\":{}}},\"stackguard0\":{},\"stackguard1\":{},\"sched\":{{\"sp\":{},\"pc\":{},\"pcSymbol\":",
            (*g0).stack.lo,
            (*g0).stack.hi,
            (*g0).stackguard0,
            (*g0).stackguard1,
            (*g0).sched.sp,
            (*g0).sched.pc
        )?;
        json_sym(w, (*g0).sched.pc)?;
        write!(w, "}}}},")?;
        let allp = allp();
        write!(
            w,
            "\"g0tls\":{},\"links\":{{\"m0.g0 == &g0\":{},\"g0.m == &m0\":{},\"m0.p == allp[0]\":{},\"allp[0].m == &m0\":{}}},",
            (*m0).tls[0],
            (*m0).g0 == g0,
            (*g0).m == m0,
            !allp.is_empty() && (*m0).p == allp[0],
            !allp.is_empty() && (*allp[0]).m == m0
        )?;
        write!(w, "\"allp\":[")?;
        for (i, &pp) in allp.iter().enumerate() {
            write!(
                w,
                "{}{{\"id\":{},\"status\":\"{}\",\"m\":{},\"link\":{},\"schedtick\":{},\"runqhead\":{},\"runqtail\":{},\"runq\":[",
                if i > 0 { "," } else { "" },
                (*pp).id,
                pstatus_name((*pp).status),
                mid((*pp).m),
                pid((*pp).link),
                (*pp).schedtick,
                (*pp).runqhead,
                (*pp).runqtail
            )?;
            let mut k = (*pp).runqhead;
            while k != (*pp).runqtail {
                write!(
                    w,
                    "{}{}",
                    if k == (*pp).runqhead { "" } else { "," },
                    (*(*pp).runq[(k % 256) as usize]).goid
                )?;
                k = k.wrapping_add(1);
            }
            write!(
                w,
                "],\"runnext\":{},\"goidcache\":{},\"goidcacheend\":{},\"gFree\":{}}}",
                goid((*pp).runnext),
                (*pp).goidcache,
                (*pp).goidcacheend,
                (*pp).gFree.n
            )?;
        }
        write!(w, "],\"allgs\":[")?;
        for (i, &gp) in allgs().iter().enumerate() {
            write!(
                w,
                "{}{{\"goid\":{},\"parentGoid\":{},\"status\":\"{}\",\"stack\":{{\"lo\":{},\"hi\":{}}},\"stackguard0\":{},\"sched\":{{\"sp\":{},\"pc\":{},\"pcSymbol\":",
                if i > 0 { "," } else { "" },
                (*gp).goid,
                (*gp).parentGoid,
                gstatus_name((*gp).atomicstatus),
                (*gp).stack.lo,
                (*gp).stack.hi,
                (*gp).stackguard0,
                (*gp).sched.sp,
                (*gp).sched.pc
            )?;
            json_sym(w, (*gp).sched.pc)?;
            write!(w, "}},\"returnSymbol\":")?;
            json_sym(w, return_word(gp))?;
            write!(w, ",\"startpc\":")?;
            json_sym(w, (*gp).startpc)?;
            write!(w, "}}")?;
        }
        write!(w, "],\"globals\":[")?;
        for (i, (name, typ, addr, size)) in globals_table().iter().enumerate() {
            write!(
                w,
                "{}{{\"name\":\"{}\",\"type\":\"{}\",\"addr\":{},\"size\":{}}}",
                if i > 0 { "," } else { "" },
                name,
                typ,
                addr,
                size
            )?;
        }
        write!(w, "]")?;
        if s == Stage::rt0_386 {
            let k = kernel();
            write!(
                w,
                ",\"kernel\":{{\"sp\":{},\"argc\":{},\"argv\":[",
                k.argv as usize - 4,
                k.argc
            )?;
            for i in 0..k.argc {
                if i > 0 {
                    w.write_char(',')?;
                }
                write!(w, "{}", JsonStr(crate::os_linux::cstr(*k.argv.add(i))))?;
            }
            write!(w, "],\"envc\":{},\"auxv\":[", k.envc)?;
            let mut i = 0;
            while *k.auxv.add(i) != 0 {
                let tag = *k.auxv.add(i);
                let name = AUX_NAMES
                    .iter()
                    .find(|(t, _)| *t == tag)
                    .map_or("", |(_, n)| n);
                write!(
                    w,
                    "{}{{\"tag\":{},\"name\":\"{}\",\"value\":{}}}",
                    if i > 0 { "," } else { "" },
                    tag,
                    name,
                    *k.auxv.add(i + 1)
                )?;
                i += 2;
            }
            write!(w, "]}}")?;
        }
        writeln!(w, "}}")
    }
}

/// `lo+N` / `hi-N` relative to a stack, so the reports read the same on every run.
struct Rel(usize, stack);
impl core::fmt::Display for Rel {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        let (v, s) = (self.0, self.1);
        if v == 0 {
            f.write_str("0")
        } else if v >= s.lo && v <= s.lo + s.hi.saturating_sub(s.lo) / 2 {
            write!(f, "lo+{}", v - s.lo)
        } else if v <= s.hi && v > s.lo {
            write!(f, "hi-{}", s.hi - v)
        } else {
            write!(f, "{:#x}", v)
        }
    }
}

struct Sym(usize);
impl core::fmt::Display for Sym {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        symtab::write_pc(f, self.0)
    }
}

/// m0.tls[0], the current g: `&g0`, `gN`, or 0 before rt0_go sets it.
struct TlsG(usize);
impl core::fmt::Display for TlsG {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        if self.0 == g0() as usize {
            f.write_str("&g0")
        } else if self.0 == 0 {
            f.write_str("0")
        } else {
            G(self.0 as *const g).fmt(f)
        }
    }
}

struct P(*const p);
impl core::fmt::Display for P {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        if self.0.is_null() {
            f.write_str("nil")
        } else {
            write!(f, "P{}", unsafe { (*self.0).id })
        }
    }
}
struct G(*const g);
impl core::fmt::Display for G {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        if self.0.is_null() {
            f.write_str("nil")
        } else {
            write!(f, "g{}", unsafe { (*self.0).goid })
        }
    }
}

fn text(w: &mut dyn Write, s: Stage) -> core::fmt::Result {
    unsafe {
        let sched = sched();
        let m0 = m0();
        let g0 = g0();
        writeln!(w, "== {}: {} ==", s.name(), s.describe())?;
        if s == Stage::globals {
            writeln!(w, "{:<26} {:<8} {:>6}  value", "global", "type", "bytes")?;
            for (name, typ, _addr, size) in globals_table() {
                writeln!(w, "{:<26} {:<8} {:>6}  zero", name, typ, size)?;
            }
            writeln!(
                w,
                "Nothing has run yet: every global is still its zero value (they live in .bss)."
            )?;
            return Ok(());
        }
        if s == Stage::rt0_386 {
            let k = kernel();
            writeln!(w, "the kernel's stack at entry (SP = &argc):")?;
            writeln!(w, "  argc = {}", k.argc)?;
            for i in 0..k.argc {
                let a = crate::os_linux::cstr(*k.argv.add(i));
                writeln!(w, "  argv[{}] = {}", i, GoQuote(a))?;
            }
            writeln!(w, "  argv[{}] = NULL", k.argc)?;
            writeln!(w, "  envp: {} strings, then NULL", k.envc)?;
            writeln!(w, "  auxv: (tag, value) pairs up to AT_NULL:")?;
            let mut i = 0;
            while *k.auxv.add(i) != 0 {
                let tag = *k.auxv.add(i);
                let name = AUX_NAMES
                    .iter()
                    .find(|(t, _)| *t == tag)
                    .map_or("?", |(_, n)| n);
                let val = *k.auxv.add(i + 1);
                match tag {
                    4..=6 | 8 | 11..=14 | 16 | 17 | 23 | 26..=28 | 51 => {
                        writeln!(w, "    {:<16} {}", name, val)?
                    }
                    _ => writeln!(w, "    {:<16} {:#x}", name, val)?,
                }
                i += 2;
            }
            writeln!(
                w,
                "_rt0_386 passes argc and argv to rt0_go, which has not run yet."
            )?;
            return Ok(());
        }
        writeln!(
            w,
            "ncpu={} gomaxprocs={} physPageSize={} physHugePageSize={} mainStarted={}",
            *runtime_ncpu.get(),
            gomaxprocs(),
            *runtime_physPageSize.get(),
            *runtime_physHugePageSize.get(),
            *runtime_mainStarted.get()
        )?;
        write!(
            w,
            "sched: maxmcount={} goidgen={} pidle={} npidle={} runqsize={}",
            (*sched).maxmcount,
            (*sched).goidgen,
            P((*sched).pidle),
            (*sched).npidle,
            (*sched).runqsize
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "m0: id={} p={} curg={} g0={} tls[0]={}",
            (*m0).id,
            P((*m0).p),
            G((*m0).curg),
            if (*m0).g0 == g0 { "&g0" } else { "nil" },
            TlsG((*m0).tls[0])
        )?;
        let gs = (*g0).stack;
        writeln!(
            w,
            "g0: stack=[lo, hi) {} bytes, stackguard0={} stackguard1={} m={} sched.sp={} sched.pc={}",
            gs.hi - gs.lo,
            Rel((*g0).stackguard0, gs),
            Rel((*g0).stackguard1, gs),
            if (*g0).m == m0 { "&m0" } else { "nil" },
            Rel((*g0).sched.sp, gs),
            Sym((*g0).sched.pc)
        )?;
        let allp = allp();
        writeln!(w, "allp: {} Ps", allp.len())?;
        for &pp in allp {
            write!(
                w,
                "  P{:<2} {:<9} m={:<4} link={:<4} runq=[",
                (*pp).id,
                pstatus_name((*pp).status),
                if (*pp).m.is_null() {
                    "nil"
                } else if (*pp).m == m0 {
                    "m0"
                } else {
                    "m?"
                },
                P((*pp).link)
            )?;
            let mut k = (*pp).runqhead;
            while k != (*pp).runqtail {
                write!(
                    w,
                    "{}{}",
                    if k == (*pp).runqhead { "" } else { " " },
                    G((*pp).runq[(k % 256) as usize])
                )?;
                k = k.wrapping_add(1);
            }
            writeln!(
                w,
                "] runnext={} goidcache={}..{}",
                G((*pp).runnext),
                (*pp).goidcache,
                (*pp).goidcacheend
            )?;
        }
        if !(*sched).pidle.is_null() {
            write!(w, "idle list: sched.pidle")?;
            let mut pp = (*sched).pidle;
            while !pp.is_null() {
                write!(w, " -> P{}", (*pp).id)?;
                pp = (*pp).link;
            }
            writeln!(w)?;
        }
        let allgs = allgs();
        writeln!(w, "allgs: {} gs", allgs.len())?;
        for &gp in allgs {
            let st = (*gp).stack;
            write!(
                w,
                "  {} {} parent=g{} stack=[lo, hi) {} bytes stackguard0={} sched.sp={} sched.pc={}",
                G(gp),
                gstatus_name((*gp).atomicstatus),
                (*gp).parentGoid,
                st.hi - st.lo,
                Rel((*gp).stackguard0, st),
                Rel((*gp).sched.sp, st),
                Sym((*gp).sched.pc)
            )?;
            let r = return_word(gp);
            if r != 0 {
                write!(w, " [sched.sp]={}", Sym(r))?;
            }
            writeln!(w)?;
        }
        Ok(())
    }
}
