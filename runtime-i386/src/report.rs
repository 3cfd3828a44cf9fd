//! The chapter programs' reports: the runtime's state at a point of the boot, printed as
//! text for people (what the article's figures show) or, with `--json`, as one JSON object
//! with Go's field names, for the tests, the book's figure generator and the comparison
//! with real Go.
//!
//! Not a chapter: the layer above them all. The chapter programs stop through the base's
//! [`crate::base::stage`], which calls [`dump`] (the `chapter_program!` macro registers it).

use crate::base::args::{boot_block, KernelBlock};
use crate::base::print::{FdWriter, GoQuote, JsonStr};
use crate::base::stage::Stage;
use crate::base::symtab;
use crate::globals::*;
use core::fmt::Write;

/// The chapter programs' command line: Go's `-json` flag and nothing else (see
/// [`crate::base::args::goflags`]).
pub const CHAPTER_CMDLINE: crate::base::args::Cmdline = crate::base::args::Cmdline {
    json: true,
    args: &[],
};

/// The runtime's state at a stop point, read once; [`json`] and [`text`] only format it.
pub struct Snapshot {
    pub stage: Stage,
    pub ncpu: i32,
    pub gomaxprocs: i32,
    pub physPageSize: usize,
    pub physHugePageSize: usize,
    pub mainStarted: bool,
    pub sched: SchedView,
    pub m0: MView,
    /// `allm`: every M, newest first (Go's list order), in Go's field names.
    pub ms: &'static [MInfo],
    pub g0: GView,
    /// m0.tls[0], the current g's address (0 before rt0_go stores &g0).
    pub g0tls: usize,
    /// Who that is: g0 (`None`), or the goid of the g running.
    pub tls_goid: Option<u64>,
    pub links: [(&'static str, bool); 4],
    /// The stack pointer of the program where it stopped, as the reporter reads it (a few
    /// frames below the stop point, on the same stack): which stack the CPU is on.
    pub sp: usize,
    pub allp: &'static [PView],
    /// The idle list `sched.pidle → link → …`, by P id.
    pub idle: &'static [i32],
    pub allgs: &'static [GView],
    pub globals: [GlobalView; 11],
    /// What the kernel handed _rt0_386 (for the rt0_386 stage).
    pub kernel: KernelBlock,
}

pub struct SchedView {
    pub maxmcount: i32,
    pub goidgen: u64,
    pub pidle: Option<i32>,
    pub npidle: i32,
    /// number of Ms created so far, and the next M id
    pub mnext: i64,
    pub nmidle: i32,
    pub nmspinning: i32,
    /// system Ms (sysmon), not counted by checkdead
    pub nmsys: i32,
    pub runqsize: i32,
    /// The global run queue, by goid.
    pub runq: &'static [u64],
}

pub struct MView {
    pub id: i64,
    pub p: Option<i32>,
    pub curg: Option<u64>,
    pub procid: u64,
    pub g0_is_g0: bool,
    /// m0.g0, the pointer itself (the figures resolve it against the globals' addresses).
    pub g0: usize,
}

/// An M on allm: Go's field names; `p` and `curg` by id; `sysmon` for sysmon's M.
pub struct MInfo {
    pub id: i64,
    pub p: Option<i32>,
    pub curg: Option<u64>,
    pub spinning: bool,
    pub blocked: bool,
    pub sysmon: bool,
}

/// A g: its goid (g0 has 0), status, stack, guards, saved registers, where it starts and the
/// word at its sched.sp (the return address a new goroutine's function will use).
pub struct GView {
    /// The g's own address (the figures resolve m0.tls[0] and other g pointers with it).
    pub addr: usize,
    pub goid: u64,
    pub parentGoid: u64,
    pub status: &'static str,
    pub stack: stack,
    pub stackguard0: usize,
    pub stackguard1: usize,
    pub m_is_m0: bool,
    /// g.m, the pointer itself.
    pub m: usize,
    pub sched_sp: usize,
    pub sched_pc: usize,
    /// g.sched.ctxt: the closure context gogo loads into DX.
    pub sched_ctxt: usize,
    pub return_word: usize,
    pub startpc: usize,
}

pub struct PView {
    pub id: i32,
    pub status: &'static str,
    pub m: Option<i64>,
    pub m_is_m0: bool,
    pub link: Option<i32>,
    pub schedtick: u32,
    pub runqhead: u32,
    pub runqtail: u32,
    /// The ring from runqhead to runqtail, by goid.
    pub runq: &'static [u64],
    pub runnext: Option<u64>,
    pub goidcache: u64,
    pub goidcacheend: u64,
    pub gFree: i32,
}

pub struct GlobalView {
    pub name: &'static str,
    pub typ: &'static str,
    pub addr: usize,
    pub size: usize,
}

/// `n` values from `f(0..n)`, in memory that lives as long as the program (the report is the
/// program's last act).
fn collect<T>(n: usize, mut f: impl FnMut(usize) -> T) -> &'static [T] {
    if n == 0 {
        return &[];
    }
    let bytes = n.saturating_mul(core::mem::size_of::<T>()); // too many: persistentalloc reports it
    let a = crate::base::malloc::persistentalloc(bytes, core::mem::align_of::<T>()) as *mut T;
    // SAFETY: a fresh, zeroed, suitably aligned block for n Ts, written once each.
    unsafe {
        for i in 0..n {
            a.add(i).write(f(i));
        }
        core::slice::from_raw_parts(a, n)
    }
}

/// The goids of a list of gs linked through `schedlink`.
unsafe fn goids_from(mut gp: *mut g, n: usize) -> &'static [u64] {
    collect(n, |_| {
        let id = (*gp).goid;
        gp = (*gp).schedlink;
        id
    })
}

unsafe fn gview(gp: *const g) -> GView {
    let (sp, st) = ((*gp).sched.sp, (*gp).stack);
    let inside = sp != 0 && sp >= st.lo && sp.checked_add(4).is_some_and(|e| e <= st.hi);
    GView {
        addr: gp as usize,
        goid: (*gp).goid,
        parentGoid: (*gp).parentGoid,
        status: gstatus_name((*gp).atomicstatus),
        stack: st,
        stackguard0: (*gp).stackguard0,
        stackguard1: (*gp).stackguard1,
        m_is_m0: (*gp).m == m0(),
        m: (*gp).m as usize,
        sched_sp: sp,
        sched_pc: (*gp).sched.pc,
        sched_ctxt: (*gp).sched.ctxt as usize,
        return_word: if inside { *(sp as *const usize) } else { 0 },
        startpc: (*gp).startpc,
    }
}

unsafe fn pview(pp: *const p) -> PView {
    let (h, t) = ((*pp).runqhead, (*pp).runqtail);
    PView {
        id: (*pp).id,
        status: pstatus_name((*pp).status),
        m: (!(*pp).m.is_null()).then(|| (*(*pp).m).id),
        m_is_m0: (*pp).m == m0(),
        link: (!(*pp).link.is_null()).then(|| (*(*pp).link).id),
        schedtick: (*pp).schedtick,
        runqhead: h,
        runqtail: t,
        runq: collect(t.wrapping_sub(h) as usize, |i| {
            (*(*pp).runq[h.wrapping_add(i as u32) as usize % (*pp).runq.len()]).goid
        }),
        runnext: (!(*pp).runnext.is_null()).then(|| (*(*pp).runnext).goid),
        goidcache: (*pp).goidcache,
        goidcacheend: (*pp).goidcacheend,
        gFree: (*pp).gFree.n,
    }
}

/// The runtime's globals with their types and sizes (for the `globals` chapter).
fn globals_table() -> [GlobalView; 11] {
    fn gv<T>(name: &'static str, typ: &'static str, v: &Global<T>) -> GlobalView {
        GlobalView {
            name,
            typ,
            addr: v.get() as usize,
            size: core::mem::size_of::<T>(),
        }
    }
    [
        gv("runtime.m0", "m", &runtime_m0),
        gv("runtime.g0", "g", &runtime_g0),
        gv("runtime.sched", "schedt", &runtime_sched),
        gv("runtime.allp", "[]*p", &runtime_allp),
        gv("runtime.allgs", "[]*g", &runtime_allgs),
        gv("runtime.allm", "*m", &runtime_allm),
        gv("runtime.gomaxprocs", "int32", &runtime_gomaxprocs),
        gv("runtime.ncpu", "int32", &runtime_ncpu),
        gv("runtime.physPageSize", "uintptr", &runtime_physPageSize),
        gv(
            "runtime.physHugePageSize",
            "uintptr",
            &runtime_physHugePageSize,
        ),
        gv("runtime.mainStarted", "bool", &runtime_mainStarted),
    ]
}

/// The stack pointer here: the reporter runs on the stack the program stopped on.
fn current_sp() -> usize {
    let sp: usize;
    // SAFETY: reads %esp, nothing else.
    unsafe {
        core::arch::asm!("mov {}, esp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    sp
}

/// Reads the state, once.
pub fn snapshot(stage: Stage) -> Snapshot {
    // SAFETY: one thread; every pointer below is nil or points at a live runtime structure.
    unsafe {
        let (sched, m0, g0) = (sched(), m0(), g0());
        let allp = allp();
        let mut idle_n = 0;
        let mut pp = (*sched).pidle;
        while !pp.is_null() && idle_n <= allp.len() {
            idle_n += 1;
            pp = (*pp).link;
        }
        let mut pp = (*sched).pidle;
        let idle = collect(idle_n, |_| {
            let id = (*pp).id;
            pp = (*pp).link;
            id
        });
        let allgs = allgs();
        Snapshot {
            stage,
            ncpu: *runtime_ncpu.get(),
            gomaxprocs: gomaxprocs(),
            physPageSize: *runtime_physPageSize.get(),
            physHugePageSize: *runtime_physHugePageSize.get(),
            mainStarted: *runtime_mainStarted.get(),
            sched: SchedView {
                maxmcount: (*sched).maxmcount,
                goidgen: (*sched).goidgen,
                pidle: (!(*sched).pidle.is_null()).then(|| (*(*sched).pidle).id),
                npidle: (*sched).npidle,
                mnext: (*sched).mnext,
                nmidle: (*sched).nmidle,
                nmspinning: (*sched).nmspinning,
                nmsys: (*sched).nmsys,
                runqsize: (*sched).runqsize,
                runq: goids_from((*sched).runq.head, (*sched).runqsize.max(0) as usize),
            },
            m0: MView {
                id: (*m0).id,
                p: (!(*m0).p.is_null()).then(|| (*(*m0).p).id),
                curg: (!(*m0).curg.is_null()).then(|| (*(*m0).curg).goid),
                procid: (*m0).procid,
                g0_is_g0: (*m0).g0 == g0,
                g0: (*m0).g0 as usize,
            },
            ms: {
                let mut n = 0;
                let mut mp = *runtime_allm.get();
                while !mp.is_null() && n < 10_000 {
                    n += 1;
                    mp = (*mp).alllink;
                }
                let mut mp = *runtime_allm.get();
                collect(n, |_| {
                    let m = &*mp;
                    mp = m.alllink;
                    MInfo {
                        id: m.id,
                        p: (!m.p.is_null()).then(|| (*m.p).id),
                        curg: (!m.curg.is_null()).then(|| (*m.curg).goid),
                        spinning: m.spinning,
                        blocked: m.blocked,
                        sysmon: m.mstartfn
                            == crate::base::sysmon::sysmon_start as *const () as usize,
                    }
                })
            },
            g0: gview(g0),
            g0tls: (*m0).tls[0],
            tls_goid: match (*m0).tls[0] {
                0 => None,
                t if t == g0 as usize => None,
                t => Some((*(t as *const g)).goid),
            },
            links: [
                ("m0.g0 == &g0", (*m0).g0 == g0),
                ("g0.m == &m0", (*g0).m == m0),
                ("m0.p == allp[0]", !allp.is_empty() && (*m0).p == allp[0]),
                ("allp[0].m == &m0", !allp.is_empty() && (*allp[0]).m == m0),
            ],
            sp: current_sp(),
            allp: collect(allp.len(), |i| pview(allp[i])),
            idle,
            allgs: collect(allgs.len(), |i| gview(allgs[i])),
            globals: globals_table(),
            kernel: boot_block(),
        }
    }
}

/// Prints the state at stage `s` to standard output, as text or (with `--json` among the
/// program's arguments) as JSON.
pub fn dump(s: Stage) {
    let json_wanted = crate::base::args::goflags(&CHAPTER_CMDLINE).json;
    let snap = snapshot(s);
    let mut w = FdWriter::<4096>::new(1);
    let _ = if json_wanted {
        json(&mut w, &snap)
    } else {
        text(&mut w, &snap)
    };
}

/// An optional value, `null` in JSON.
struct Opt<T>(Option<T>);
impl<T: core::fmt::Display> core::fmt::Display for Opt<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match &self.0 {
            Some(v) => write!(f, "{}", v),
            None => f.write_str("null"),
        }
    }
}

/// A symbol as a JSON string, or null.
struct JsonSym(usize);
impl core::fmt::Display for JsonSym {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        if self.0 == 0 || symtab::lookup(self.0).is_none() {
            return f.write_str("null");
        }
        f.write_char('"')?;
        symtab::write_pc(f, self.0)?;
        f.write_char('"')
    }
}

/// Items separated by commas.
fn list<T>(
    w: &mut dyn Write,
    items: impl IntoIterator<Item = T>,
    mut one: impl FnMut(&mut dyn Write, T) -> core::fmt::Result,
) -> core::fmt::Result {
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            w.write_char(',')?;
        }
        one(w, x)?;
    }
    Ok(())
}

/// The snapshot as one JSON object, with Go's field names.
pub fn json(w: &mut dyn Write, s: &Snapshot) -> core::fmt::Result {
    write!(w, "{{\"stage\":\"{}\",", s.stage.name())?;
    json_fields(w, s)?;
    writeln!(w, "}}")
}

/// The snapshot's fields (all but the stage), for [`json`] and the boot's steps.
fn json_fields(w: &mut dyn Write, s: &Snapshot) -> core::fmt::Result {
    write!(
        w,
        "\"ncpu\":{},\"gomaxprocs\":{},\"physPageSize\":{},\"physHugePageSize\":{},\"mainStarted\":{},",
        s.ncpu, s.gomaxprocs, s.physPageSize, s.physHugePageSize, s.mainStarted
    )?;
    let sc = &s.sched;
    write!(
        w,
        "\"sched\":{{\"maxmcount\":{},\"goidgen\":{},\"pidle\":{},\"npidle\":{},\"mnext\":{},\"nmidle\":{},\"nmspinning\":{},\"nmsys\":{},\"runqsize\":{},\"runq\":[",
        sc.maxmcount, sc.goidgen, Opt(sc.pidle), sc.npidle, sc.mnext, sc.nmidle, sc.nmspinning, sc.nmsys, sc.runqsize
    )?;
    list(w, sc.runq, |w, id| write!(w, "{}", id))?;
    write!(w, "]}},")?;
    write!(
        w,
        "\"m0\":{{\"id\":{},\"p\":{},\"curg\":{},\"procid\":{},\"g0\":{}}},\"sp\":{},",
        s.m0.id,
        Opt(s.m0.p),
        Opt(s.m0.curg),
        s.m0.procid,
        s.m0.g0,
        s.sp
    )?;
    write!(w, "\"allm\":[")?;
    list(w, s.ms, |w, m| {
        write!(
            w,
            "{{\"id\":{},\"p\":{},\"curg\":{},\"spinning\":{},\"blocked\":{}",
            m.id,
            Opt(m.p),
            Opt(m.curg),
            m.spinning,
            m.blocked
        )?;
        if m.sysmon {
            write!(w, ",\"sysmon\":true")?;
        }
        write!(w, "}}")
    })?;
    write!(w, "],")?;
    let g0 = &s.g0;
    write!(
        w,
        "\"g0\":{{\"addr\":{},\"m\":{},\"stack\":{{\"lo\":{},\"hi\":{}}},\"stackguard0\":{},\"stackguard1\":{},\"sched\":{{\"sp\":{},\"pc\":{},\"pcSymbol\":{}}}}},",
        g0.addr, g0.m, g0.stack.lo, g0.stack.hi, g0.stackguard0, g0.stackguard1, g0.sched_sp, g0.sched_pc, JsonSym(g0.sched_pc)
    )?;
    write!(w, "\"g0tls\":{},\"links\":{{", s.g0tls)?;
    list(w, s.links, |w, (k, v)| write!(w, "\"{}\":{}", k, v))?;
    write!(w, "}},\"allp\":[")?;
    list(w, s.allp, |w, p| {
        write!(
            w,
            "{{\"id\":{},\"status\":\"{}\",\"m\":{},\"link\":{},\"schedtick\":{},\"runqhead\":{},\"runqtail\":{},\"runq\":[",
            p.id, p.status, Opt(p.m), Opt(p.link), p.schedtick, p.runqhead, p.runqtail
        )?;
        list(w, p.runq, |w, id| write!(w, "{}", id))?;
        write!(
            w,
            "],\"runnext\":{},\"goidcache\":{},\"goidcacheend\":{},\"gFree\":{}}}",
            Opt(p.runnext),
            p.goidcache,
            p.goidcacheend,
            p.gFree
        )
    })?;
    write!(w, "],\"allgs\":[")?;
    list(w, s.allgs, |w, g| {
        write!(
            w,
            "{{\"addr\":{},\"goid\":{},\"parentGoid\":{},\"status\":\"{}\",\"m\":{},\"stack\":{{\"lo\":{},\"hi\":{}}},\"stackguard0\":{},\"sched\":{{\"sp\":{},\"pc\":{},\"pcSymbol\":{},\"ctxt\":{},\"ctxtSymbol\":{}}},\"returnSymbol\":{},\"startpc\":{}}}",
            g.addr, g.goid, g.parentGoid, g.status, g.m, g.stack.lo, g.stack.hi, g.stackguard0, g.sched_sp, g.sched_pc,
            JsonSym(g.sched_pc), g.sched_ctxt, JsonSym(g.sched_ctxt), JsonSym(g.return_word), JsonSym(g.startpc)
        )
    })?;
    write!(w, "],\"globals\":[")?;
    list(w, &s.globals, |w, g| {
        write!(
            w,
            "{{\"name\":\"{}\",\"type\":\"{}\",\"addr\":{},\"size\":{}}}",
            g.name, g.typ, g.addr, g.size
        )
    })?;
    write!(w, "]")?;
    if s.stage == Stage::rt0_386 {
        let k = s.kernel;
        write!(
            w,
            ",\"kernel\":{{\"sp\":{},\"argc\":{},\"argv\":[",
            k.argv as usize - 4,
            k.argc
        )?;
        list(w, k.args(), |w, a| write!(w, "{}", JsonStr(a)))?;
        write!(w, "],\"envc\":{},\"auxv\":[", k.envc)?;
        list(w, k.auxv(), |w, (tag, value)| {
            write!(
                w,
                "{{\"tag\":{},\"name\":\"{}\",\"value\":{}}}",
                tag,
                aux_name(tag).unwrap_or(""),
                value
            )
        })?;
        write!(w, "]}}")?;
    }
    Ok(())
}

static STEPS: Global<u32> = Global::new(0);

/// One step of the boot (`BOOTTRACE=json`): a JSON object on standard error with the step's
/// number, its name, its trace line, where it is in our source and in Go's, the goid of the
/// g in m0's TLS slot (when not g0), and the runtime's state after it.
pub fn step(name: &str, src: (&'static str, u32), line: core::fmt::Arguments) {
    // SAFETY: one thread; STEPS is this reporter's own counter.
    let n = unsafe {
        *STEPS.get() += 1;
        *STEPS.get()
    };
    let mut text = crate::base::print::StrBuf::<512>::new();
    let _ = text.write_fmt(line);
    let go = crate::base::trace::GO_SOURCE
        .iter()
        .find(|(s, _)| *s == name)
        .map_or("", |(_, g)| g);
    let snap = snapshot(Stage::globals);
    let mut w = FdWriter::<4096>::new(2);
    let _ = write!(
        w,
        "{{\"step\":{},\"where\":{},\"trace\":{},\"src\":\"{}:{}\",\"go\":\"{}\",\"tlsGoid\":{},\"state\":{{",
        n,
        JsonStr(name.as_bytes()),
        JsonStr(text.as_bytes()),
        src.0,
        src.1,
        go,
        // Whose g m0.tls[0] holds when it is not g0 (null: 0 or &g0; see g0tls).
        Opt(snap.tls_goid)
    );
    let _ = json_fields(&mut w, &snap);
    let _ = writeln!(w, "}}}}");
}

/// The name of an auxiliary vector tag (the _rt0_386 chapter's table).
fn aux_name(tag: usize) -> Option<&'static str> {
    crate::rt0_386::AUX_NAMES
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, n)| *n)
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

/// `gN`, or `nil`.
struct G(Option<u64>);
impl core::fmt::Display for G {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self.0 {
            Some(id) => write!(f, "g{}", id),
            None => f.write_str("nil"),
        }
    }
}
/// `PN`, or `nil`.
struct P(Option<i32>);
impl core::fmt::Display for P {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self.0 {
            Some(id) => write!(f, "P{}", id),
            None => f.write_str("nil"),
        }
    }
}

/// The snapshot as text for people: what the article's figures show.
pub fn text(w: &mut dyn Write, s: &Snapshot) -> core::fmt::Result {
    writeln!(w, "== {}: {} ==", s.stage.name(), s.stage.describe())?;
    if s.stage == Stage::globals {
        writeln!(w, "{:<26} {:<8} {:>6}  value", "global", "type", "bytes")?;
        for g in &s.globals {
            writeln!(w, "{:<26} {:<8} {:>6}  zero", g.name, g.typ, g.size)?;
        }
        return writeln!(
            w,
            "Nothing has run yet: every global is still its zero value (they live in .bss)."
        );
    }
    if s.stage == Stage::rt0_386 {
        let k = s.kernel;
        writeln!(w, "the kernel's stack at entry (SP = &argc):")?;
        writeln!(w, "  argc = {}", k.argc)?;
        for (i, a) in k.args().enumerate() {
            writeln!(w, "  argv[{}] = {}", i, GoQuote(a))?;
        }
        writeln!(w, "  argv[{}] = NULL", k.argc)?;
        writeln!(w, "  envp: {} strings, then NULL", k.envc)?;
        writeln!(w, "  auxv: (tag, value) pairs up to AT_NULL:")?;
        for (tag, val) in k.auxv() {
            let name = aux_name(tag).unwrap_or("?");
            match tag {
                4..=6 | 8 | 11..=14 | 16 | 17 | 23 | 26..=28 | 51 => {
                    writeln!(w, "    {:<16} {}", name, val)?
                }
                _ => writeln!(w, "    {:<16} {:#x}", name, val)?,
            }
        }
        return writeln!(
            w,
            "_rt0_386 passes argc and argv to rt0_go, which has not run yet."
        );
    }
    writeln!(
        w,
        "ncpu={} gomaxprocs={} physPageSize={} physHugePageSize={} mainStarted={}",
        s.ncpu, s.gomaxprocs, s.physPageSize, s.physHugePageSize, s.mainStarted
    )?;
    let sc = &s.sched;
    writeln!(
        w,
        "sched: maxmcount={} goidgen={} pidle={} npidle={} runqsize={}",
        sc.maxmcount,
        sc.goidgen,
        P(sc.pidle),
        sc.npidle,
        sc.runqsize
    )?;
    write!(
        w,
        "m0: id={} p={} curg={} g0={} tls[0]=",
        s.m0.id,
        P(s.m0.p),
        G(s.m0.curg),
        if s.m0.g0_is_g0 { "&g0" } else { "nil" },
    )?;
    match (s.g0tls, s.tls_goid) {
        (0, _) => writeln!(w, "0")?,
        (_, None) => writeln!(w, "&g0")?,
        (_, id) => writeln!(w, "{}", G(id))?,
    }
    let (g0, gs) = (&s.g0, s.g0.stack);
    writeln!(
        w,
        "g0: stack=[lo, hi) {} bytes, stackguard0={} stackguard1={} m={} sched.sp={} sched.pc={}",
        gs.hi - gs.lo,
        Rel(g0.stackguard0, gs),
        Rel(g0.stackguard1, gs),
        if g0.m_is_m0 { "&m0" } else { "nil" },
        Rel(g0.sched_sp, gs),
        Sym(g0.sched_pc)
    )?;
    writeln!(w, "allp: {} Ps", s.allp.len())?;
    for p in s.allp {
        let m = match (p.m, p.m_is_m0) {
            (None, _) => "nil",
            (Some(_), true) => "m0",
            (Some(_), false) => "m?",
        };
        write!(
            w,
            "  P{:<2} {:<9} m={:<4} link={:<4} runq=[",
            p.id,
            p.status,
            m,
            P(p.link)
        )?;
        for (i, id) in p.runq.iter().enumerate() {
            write!(w, "{}g{}", if i == 0 { "" } else { " " }, id)?;
        }
        writeln!(
            w,
            "] runnext={} goidcache={}..{}",
            G(p.runnext),
            p.goidcache,
            p.goidcacheend
        )?;
    }
    if !s.idle.is_empty() {
        write!(w, "idle list: sched.pidle")?;
        for id in s.idle {
            write!(w, " -> P{}", id)?;
        }
        writeln!(w)?;
    }
    writeln!(w, "allgs: {} gs", s.allgs.len())?;
    for g in s.allgs {
        let st = g.stack;
        write!(
            w,
            "  g{} {} parent=g{} stack=[lo, hi) {} bytes stackguard0={} sched.sp={} sched.pc={}",
            g.goid,
            g.status,
            g.parentGoid,
            st.hi - st.lo,
            Rel(g.stackguard0, st),
            Rel(g.sched_sp, st),
            Sym(g.sched_pc)
        )?;
        if g.return_word != 0 {
            write!(w, " [sched.sp]={}", Sym(g.return_word))?;
        }
        writeln!(w)?;
    }
    Ok(())
}
