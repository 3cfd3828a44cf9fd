//! # Globals: the runtime's structures and its singletons
//!
//! Go 1.22 keeps the scheduler's state in a handful of global variables (`g0`, `m0`, `sched`,
//! `allp`, `allgs`, `gomaxprocs`, `ncpu`, ...) and in four structures: `g` (a goroutine),
//! `m` (an OS thread), `p` (a processor: the right to run Go code, with its run queue) and
//! `schedt` (the scheduler). See runtime2.go: gobuf 324, stack 411, g 422, m 550, p 646,
//! schedt 799, and the globals at runtime2.go:1140-1190 and proc.go:115-120.
//!
//! Our structures are `#[repr(C)]` and every field we use sits at the offset Go 1.22 gives
//! it on linux/386 (from the compiler's `go_asm.h`), checked at compile time below; the
//! fields we do not model are padding, so even the sizes are Go's. The assembly takes its
//! offsets from here too: [`offsets`](self#offsets) exports each one as an absolute symbol
//! (`g_m`, `m_tls`, `gobuf_sp`, ...), the way Go's assembler gets them from `go_asm.h`.
#![allow(non_camel_case_types, non_upper_case_globals)]

use core::cell::UnsafeCell;
use core::mem::{offset_of, size_of};

/// A global the runtime mutates in place, like a Go package-level variable. The runtime
/// runs one thread (m0), so plain loads and stores are enough; `get` hands out a raw pointer.
#[repr(transparent)]
pub struct Global<T>(UnsafeCell<T>);
// SAFETY: only m0 touches runtime globals (tests serialise with `testing::exclusive`).
unsafe impl<T> Sync for Global<T> {}
impl<T> Global<T> {
    pub const fn new(v: T) -> Self {
        Global(UnsafeCell::new(v))
    }
    #[inline(always)]
    pub fn get(&self) -> *mut T {
        self.0.get()
    }
}

/// A zero value of a plain-old-data runtime structure, like Go's `new(T)`.
///
/// # Safety
/// `T` must be valid when all-zero (every runtime struct here is: integers, raw pointers,
/// bools and padding).
pub const unsafe fn zeroed<T>() -> T {
    core::mem::zeroed()
}

// ANCHOR: gobuf
/// Saved registers of a goroutine that is not running (runtime2.go:324 `gobuf`).
/// `gogo` restores sp, pc, ctxt (into DX) and ret (into AX); lr is unused on x86 and bp is
/// not restored on 386.
#[repr(C)]
pub struct gobuf {
    pub sp: usize,       // 0
    pub pc: usize,       // 4
    pub g: *mut g,       // 8  guintptr
    pub ctxt: *const u8, // 12 closure context, DX on entry
    pub ret: usize,      // 16
    pub lr: usize,       // 20
    pub bp: usize,       // 24
}
// ANCHOR_END: gobuf

// ANCHOR: stack
/// Stack bounds `[lo, hi)` (runtime2.go:411 `stack`).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct stack {
    pub lo: usize, // 0
    pub hi: usize, // 4
}
// ANCHOR_END: stack

// ANCHOR: g
/// A goroutine (runtime2.go:422 `type g struct`): 260 bytes on 386.
#[repr(C)]
pub struct g {
    pub stack: stack,        // 0   [lo, hi)
    pub stackguard0: usize,  // 8   compared with SP in Go's function prologues
    pub stackguard1: usize,  // 12  the same for C/systemstack code
    pub _panic: usize,       // 16
    pub _defer: usize,       // 20
    pub m: *mut m,           // 24  the M running this g, or nil
    pub sched: gobuf,        // 28  registers saved while not running
    pub syscallsp: usize,    // 56
    pub syscallpc: usize,    // 60
    pub stktopsp: usize,     // 64  expected SP at the top of the stack
    pub param: usize,        // 68
    pub atomicstatus: u32,   // 72  _Gidle, _Grunnable, ...
    pub stackLock: u32,      // 76
    pub goid: u64,           // 80
    pub schedlink: *mut g,   // 88  next g on a gList/gQueue
    pub waitsince: i64,      // 92
    pub waitreason: u8,      // 100
    pub preempt: bool,       // 101
    pub preemptStop: bool,   // 102
    pub preemptShrink: bool, // 103
    _pad0: [u8; 28],
    pub lockedm: usize, // 132
    _pad1: [u8; 28],
    pub parentGoid: u64,  // 164 goid of the goroutine that started this one
    pub gopc: usize,      // 172 pc of the go statement that created it
    pub ancestors: usize, // 176
    pub startpc: usize,   // 180 pc of the goroutine function
    _pad2: [u8; 76],
}
// ANCHOR_END: g

// ANCHOR: m
/// An OS thread (runtime2.go:550 `type m struct`): 1296 bytes on 386.
#[repr(C)]
pub struct m {
    pub g0: *mut g,             // 0   goroutine with the scheduling stack
    pub morebuf: gobuf,         // 4
    pub divmod: u32,            // 32
    _pad_align: u32,            // 36  `_ uint32 // align next field to 8 bytes`
    pub procid: u64,            // 40  thread id (gettid)
    pub gsignal: *mut g,        // 48  signal-handling g
    pub goSigStack: [usize; 5], // 52 gsignalStack
    pub sigmask: [u32; 2],      // 72
    pub tls: [usize; 6],        // 80  thread-local storage; %gs points at tls[1], g lives in tls[0]
    pub mstartfn: usize,        // 104
    pub curg: *mut g,           // 108 current running goroutine
    pub caughtsig: usize,       // 112
    pub p: *mut p, // 116 attached p for executing Go code (nil if not executing Go code)
    pub nextp: *mut p, // 120
    pub oldp: *mut p, // 124
    pub id: i64,   // 128
    pub mallocing: i32, // 136
    pub throwing: i32, // 140
    pub preemptoff: [usize; 2], // 144 string
    pub locks: i32, // 152
    _pad0: [u8; 8],
    pub spinning: bool, // 164
    _pad1: [u8; 35],
    pub park: usize,       // 200
    pub alllink: *mut m,   // 204 on allm
    pub schedlink: *mut m, // 208
    pub lockedg: *mut g,   // 212
    _pad2: [u8; 1080],
}
// ANCHOR_END: m

// ANCHOR: p
/// A processor (runtime2.go:646 `type p struct`): 4576 bytes on 386. The 256-slot `runq`
/// ring and `runnext` are the local run queue that `runqput`/`runqget` work on.
#[repr(C)]
pub struct p {
    pub id: i32,              // 0
    pub status: u32,          // 4   _Pidle, _Prunning, ...
    pub link: *mut p,         // 8   next P on sched.pidle
    pub schedtick: u32,       // 12  incremented on every scheduler call
    pub syscalltick: u32,     // 16
    pub sysmontick: [u32; 6], // 20
    pub m: *mut m,            // 44  back-link to associated m (nil if idle)
    pub mcache: usize,        // 48
    _pad0: [u8; 164],
    pub goidcache: u64, // 216 cache of goroutine ids, amortizes accesses to sched.goidgen
    pub goidcacheend: u64, // 224
    pub runqhead: u32,  // 232
    pub runqtail: u32,  // 236
    pub runq: [*mut g; 256], // 240
    pub runnext: *mut g, // 1264 the g to run next, ahead of runq
    pub gFree: gList,   // 1268 dead Gs (with n at 1272)
    _pad1: [u8; 3296],
    pub preempt: bool, // 4572
    _pad2: [u8; 3],
}
// ANCHOR_END: p

/// A list of Gs linked through `g.schedlink` (proc.go `gList`), with Go's counter beside
/// it as in `p.gFree` (runtime2.go:676 `gFree struct { gList; n int32 }`).
#[repr(C)]
pub struct gList {
    pub head: *mut g,
    pub n: i32,
}

/// A queue of Gs linked through `g.schedlink` (proc.go:6898 `gQueue`).
#[repr(C)]
pub struct gQueue {
    pub head: *mut g,
    pub tail: *mut g,
}

// ANCHOR: schedt
/// The scheduler (runtime2.go:799 `type schedt struct`): 6712 bytes on 386.
#[repr(C, align(8))]
pub struct schedt {
    pub goidgen: u64,      // 0   atomic.Uint64: last goid handed out in a batch
    pub lastpoll: i64,     // 8
    pub pollUntil: i64,    // 16
    pub lock: u32,         // 24
    pub midle: *mut m,     // 28  idle m's waiting for work
    pub nmidle: i32,       // 32
    pub nmidlelocked: i32, // 36
    pub mnext: i64,        // 40  number of m's that have been created and next M ID
    pub maxmcount: i32,    // 48  maximum number of m's allowed (or die)
    pub nmsys: i32,        // 52
    pub nmfreed: i64,      // 56
    pub ngsys: u32,        // 64
    pub pidle: *mut p,     // 68  idle p's
    pub npidle: i32,       // 72
    pub nmspinning: i32,   // 76
    pub needspinning: u32, // 80
    pub runq: gQueue,      // 84  global runnable queue
    pub runqsize: i32,     // 92
    _pad0: [u8; 16],
    pub gFree_lock: u32,       // 112 global cache of dead G's
    pub gFree_stack: *mut g,   // 116 Gs with stacks
    pub gFree_noStack: *mut g, // 120 Gs without stacks
    pub gFree_n: i32,          // 124
    _pad1: [u8; 6584],
}
// ANCHOR_END: schedt

/// `_G*` goroutine states (runtime2.go:37-88).
pub const _Gidle: u32 = 0;
pub const _Grunnable: u32 = 1;
pub const _Grunning: u32 = 2;
pub const _Gsyscall: u32 = 3;
pub const _Gwaiting: u32 = 4;
pub const _Gdead: u32 = 6;
/// `_P*` processor states (runtime2.go:119-156).
pub const _Pidle: u32 = 0;
pub const _Prunning: u32 = 1;
pub const _Psyscall: u32 = 2;
pub const _Pgcstop: u32 = 3;
pub const _Pdead: u32 = 4;

/// Go's name for a goroutine status, as the chapter programs print it.
pub fn gstatus_name(s: u32) -> &'static str {
    match s {
        _Gidle => "_Gidle",
        _Grunnable => "_Grunnable",
        _Grunning => "_Grunning",
        _Gsyscall => "_Gsyscall",
        _Gwaiting => "_Gwaiting",
        _Gdead => "_Gdead",
        _ => "_G?",
    }
}

/// The word Go's traceback prints for a status ("goroutine 1 [running]:").
pub fn gstatus_word(s: u32) -> &'static str {
    match s {
        _Gidle => "idle",
        _Grunnable => "runnable",
        _Grunning => "running",
        _Gsyscall => "syscall",
        _Gwaiting => "waiting",
        _Gdead => "dead",
        _ => "unknown",
    }
}

/// Go's name for a P status.
pub fn pstatus_name(s: u32) -> &'static str {
    match s {
        _Pidle => "_Pidle",
        _Prunning => "_Prunning",
        _Psyscall => "_Psyscall",
        _Pgcstop => "_Pgcstop",
        _Pdead => "_Pdead",
        _ => "_P?",
    }
}

/// A Go slice header (`[]T`): what `allp` and `allgs` are.
#[repr(C)]
pub struct Slice<T> {
    pub array: *mut T,
    pub len: usize,
    pub cap: usize,
}
impl<T> Slice<T> {
    pub const fn nil() -> Self {
        Slice {
            array: core::ptr::null_mut(),
            len: 0,
            cap: 0,
        }
    }
    /// # Safety
    /// `array` must hold `len` initialised elements.
    pub unsafe fn as_slice(&self) -> &[T] {
        // ANCHOR: exercise-slice
        if self.len == 0 {
            &[]
        } else {
            core::slice::from_raw_parts(self.array, self.len)
        }
        // ANCHOR_END: exercise-slice
    }
}

// ANCHOR: singletons
// The runtime's singletons, with Go's names (runtime.m0 is `runtime_m0` to the linker, so gdb
// and the assembly find them). proc.go:115-120, runtime2.go:1140-1190.
#[no_mangle]
pub static runtime_m0: Global<m> = Global::new(unsafe { zeroed() });
#[no_mangle]
pub static runtime_g0: Global<g> = Global::new(unsafe { zeroed() });
#[no_mangle]
pub static runtime_sched: Global<schedt> = Global::new(unsafe { zeroed() });
/// `allp []*p`: all Ps, indexed by id; `len(allp) == gomaxprocs`.
#[no_mangle]
pub static runtime_allp: Global<Slice<*mut p>> = Global::new(Slice::nil());
/// `allgs []*g`: every g ever created by newproc1 (never shrinks).
#[no_mangle]
pub static runtime_allgs: Global<Slice<*mut g>> = Global::new(Slice::nil());
#[no_mangle]
pub static runtime_gomaxprocs: Global<i32> = Global::new(0);
#[no_mangle]
pub static runtime_ncpu: Global<i32> = Global::new(0);
#[no_mangle]
pub static runtime_physPageSize: Global<usize> = Global::new(0);
#[no_mangle]
pub static runtime_physHugePageSize: Global<usize> = Global::new(0);
/// Set by runtime.main before it does anything else (proc.go:168); newproc only wakes Ps
/// once it is true.
#[no_mangle]
pub static runtime_mainStarted: Global<bool> = Global::new(false);
/// `allm`: the list of all Ms through m.alllink.
#[no_mangle]
pub static runtime_allm: Global<*mut m> = Global::new(core::ptr::null_mut());
// ANCHOR_END: singletons

/// `&m0` etc. as raw pointers, the way Go code says `&m0`.
#[inline(always)]
pub fn m0() -> *mut m {
    runtime_m0.get()
}
#[inline(always)]
pub fn g0() -> *mut g {
    runtime_g0.get()
}
#[inline(always)]
pub fn sched() -> *mut schedt {
    runtime_sched.get()
}
#[inline(always)]
pub fn gomaxprocs() -> i32 {
    unsafe { *runtime_gomaxprocs.get() }
}
/// `allp` as a Rust slice (empty before procresize).
pub fn allp() -> &'static [*mut p] {
    unsafe { (*runtime_allp.get()).as_slice() }
}
/// `allgs` as a Rust slice.
pub fn allgs() -> &'static [*mut g] {
    unsafe { (*runtime_allgs.get()).as_slice() }
}

// ANCHOR: offsets
// Every offset the assembly uses, checked against Go 1.22's linux/386 go_asm.h, then exported
// to the assembler as an absolute symbol: `movl g_m(%edx), %ebx` in asm_386.S links against
// the value computed here, so there is no second, hand-kept copy of the layout.
macro_rules! go_asm_h {
    ($( $sym:ident = $val:expr, go $go:expr; )*) => {
        $( const _: () = assert!($val == $go, concat!(stringify!($sym), " differs from Go 1.22's 386 layout")); )*
        core::arch::global_asm!(
            $( concat!(".globl ", stringify!($sym), "\n.set ", stringify!($sym), ", {", stringify!($sym), "}\n"), )*
            $( $sym = const $val, )*
        );
    };
}
go_asm_h! {
    gobuf_sp = offset_of!(gobuf, sp), go 0;
    gobuf_pc = offset_of!(gobuf, pc), go 4;
    gobuf_g = offset_of!(gobuf, g), go 8;
    gobuf_ctxt = offset_of!(gobuf, ctxt), go 12;
    gobuf_ret = offset_of!(gobuf, ret), go 16;
    gobuf_lr = offset_of!(gobuf, lr), go 20;
    gobuf_bp = offset_of!(gobuf, bp), go 24;
    g_stack_lo = offset_of!(g, stack) + offset_of!(stack, lo), go 0;
    g_stack_hi = offset_of!(g, stack) + offset_of!(stack, hi), go 4;
    g_stackguard0 = offset_of!(g, stackguard0), go 8;
    g_stackguard1 = offset_of!(g, stackguard1), go 12;
    g_m = offset_of!(g, m), go 24;
    g_sched = offset_of!(g, sched), go 28;
    g_sched_sp = offset_of!(g, sched) + offset_of!(gobuf, sp), go 28;
    g_sched_pc = offset_of!(g, sched) + offset_of!(gobuf, pc), go 32;
    g_sched_g = offset_of!(g, sched) + offset_of!(gobuf, g), go 36;
    g_goid = offset_of!(g, goid), go 80;
    m_g0 = offset_of!(m, g0), go 0;
    m_gsignal = offset_of!(m, gsignal), go 48;
    m_tls = offset_of!(m, tls), go 80;
    m_curg = offset_of!(m, curg), go 108;
    m_p = offset_of!(m, p), go 116;
}
// ANCHOR_END: offsets

// The rest of the fields we use, at Go's offsets, and Go's sizes (go_asm.h `g__size` etc.).
const _: () = {
    assert!(size_of::<gobuf>() == 28);
    assert!(size_of::<stack>() == 8);
    assert!(offset_of!(g, syscallsp) == 56);
    assert!(offset_of!(g, stktopsp) == 64);
    assert!(offset_of!(g, param) == 68);
    assert!(offset_of!(g, atomicstatus) == 72);
    assert!(offset_of!(g, schedlink) == 88);
    assert!(offset_of!(g, waitsince) == 92);
    assert!(offset_of!(g, waitreason) == 100);
    assert!(offset_of!(g, preempt) == 101);
    assert!(offset_of!(g, lockedm) == 132);
    assert!(offset_of!(g, parentGoid) == 164);
    assert!(offset_of!(g, gopc) == 172);
    assert!(offset_of!(g, ancestors) == 176);
    assert!(offset_of!(g, startpc) == 180);
    assert!(size_of::<g>() == 260);
    assert!(offset_of!(m, morebuf) == 4);
    assert!(offset_of!(m, divmod) == 32);
    assert!(offset_of!(m, procid) == 40);
    assert!(offset_of!(m, goSigStack) == 52);
    assert!(offset_of!(m, sigmask) == 72);
    assert!(offset_of!(m, mstartfn) == 104);
    assert!(offset_of!(m, nextp) == 120);
    assert!(offset_of!(m, id) == 128);
    assert!(offset_of!(m, locks) == 152);
    assert!(offset_of!(m, spinning) == 164);
    assert!(offset_of!(m, alllink) == 204);
    assert!(offset_of!(m, lockedg) == 212);
    assert!(size_of::<m>() == 1296);
    assert!(offset_of!(p, status) == 4);
    assert!(offset_of!(p, link) == 8);
    assert!(offset_of!(p, schedtick) == 12);
    assert!(offset_of!(p, m) == 44);
    assert!(offset_of!(p, mcache) == 48);
    assert!(offset_of!(p, goidcache) == 216);
    assert!(offset_of!(p, goidcacheend) == 224);
    assert!(offset_of!(p, runqhead) == 232);
    assert!(offset_of!(p, runqtail) == 236);
    assert!(offset_of!(p, runq) == 240);
    assert!(offset_of!(p, runnext) == 1264);
    assert!(offset_of!(p, gFree) == 1268);
    assert!(offset_of!(p, preempt) == 4572);
    assert!(size_of::<p>() == 4576);
    assert!(offset_of!(schedt, lastpoll) == 8);
    assert!(offset_of!(schedt, lock) == 24);
    assert!(offset_of!(schedt, mnext) == 40);
    assert!(offset_of!(schedt, maxmcount) == 48);
    assert!(offset_of!(schedt, ngsys) == 64);
    assert!(offset_of!(schedt, pidle) == 68);
    assert!(offset_of!(schedt, npidle) == 72);
    assert!(offset_of!(schedt, nmspinning) == 76);
    assert!(offset_of!(schedt, runq) == 84);
    assert!(offset_of!(schedt, runqsize) == 92);
    assert!(offset_of!(schedt, gFree_lock) == 112);
    assert!(offset_of!(schedt, gFree_stack) == 116);
    assert!(offset_of!(schedt, gFree_noStack) == 120);
    assert!(offset_of!(schedt, gFree_n) == 124);
    assert!(size_of::<schedt>() == 6712);
};

/// One row of the layout table: a field, our offset, Go 1.22's 386 offset. The book's
/// struct-layout appendix is generated from this (by the `layout` example), not typed.
pub struct LayoutRow {
    pub strukt: &'static str,
    pub field: &'static str,
    pub ours: usize,
    pub go: usize,
}

macro_rules! layout_rows {
    ($( $s:ident . $f:ident $( . $f2:ident )? = $go:expr ),* $(,)?) => {
        &[ $( LayoutRow {
            strukt: stringify!($s),
            field: concat!(stringify!($f) $(, ".", stringify!($f2))?),
            ours: offset_of!($s, $f $(. $f2)?),
            go: $go,
        } ),* ]
    };
}

/// Our offset next to Go's for every modelled field (Go's values: go_asm.h of go1.22.12,
/// GOARCH=386, as recorded in the project's layout note).
pub const LAYOUT: &[LayoutRow] = layout_rows![
    gobuf.sp = 0,
    gobuf.pc = 4,
    gobuf.g = 8,
    gobuf.ctxt = 12,
    gobuf.ret = 16,
    gobuf.lr = 20,
    gobuf.bp = 24,
    g.stack.lo = 0,
    g.stack.hi = 4,
    g.stackguard0 = 8,
    g.stackguard1 = 12,
    g._panic = 16,
    g._defer = 20,
    g.m = 24,
    g.sched = 28,
    g.syscallsp = 56,
    g.syscallpc = 60,
    g.stktopsp = 64,
    g.param = 68,
    g.atomicstatus = 72,
    g.stackLock = 76,
    g.goid = 80,
    g.schedlink = 88,
    g.waitsince = 92,
    g.waitreason = 100,
    g.preempt = 101,
    g.preemptStop = 102,
    g.preemptShrink = 103,
    g.lockedm = 132,
    g.parentGoid = 164,
    g.gopc = 172,
    g.ancestors = 176,
    g.startpc = 180,
    m.g0 = 0,
    m.morebuf = 4,
    m.divmod = 32,
    m.procid = 40,
    m.gsignal = 48,
    m.goSigStack = 52,
    m.sigmask = 72,
    m.tls = 80,
    m.mstartfn = 104,
    m.curg = 108,
    m.caughtsig = 112,
    m.p = 116,
    m.nextp = 120,
    m.oldp = 124,
    m.id = 128,
    m.mallocing = 136,
    m.throwing = 140,
    m.preemptoff = 144,
    m.locks = 152,
    m.spinning = 164,
    m.park = 200,
    m.alllink = 204,
    m.schedlink = 208,
    m.lockedg = 212,
    p.id = 0,
    p.status = 4,
    p.link = 8,
    p.schedtick = 12,
    p.syscalltick = 16,
    p.sysmontick = 20,
    p.m = 44,
    p.mcache = 48,
    p.goidcache = 216,
    p.goidcacheend = 224,
    p.runqhead = 232,
    p.runqtail = 236,
    p.runq = 240,
    p.runnext = 1264,
    p.gFree = 1268,
    p.preempt = 4572,
    schedt.goidgen = 0,
    schedt.lastpoll = 8,
    schedt.pollUntil = 16,
    schedt.lock = 24,
    schedt.midle = 28,
    schedt.nmidle = 32,
    schedt.nmidlelocked = 36,
    schedt.mnext = 40,
    schedt.maxmcount = 48,
    schedt.nmsys = 52,
    schedt.nmfreed = 56,
    schedt.ngsys = 64,
    schedt.pidle = 68,
    schedt.npidle = 72,
    schedt.nmspinning = 76,
    schedt.needspinning = 80,
    schedt.runq = 84,
    schedt.runqsize = 92,
    schedt.gFree_lock = 112,
    schedt.gFree_stack = 116,
    schedt.gFree_noStack = 120,
    schedt.gFree_n = 124,
];

/// `(name, our size, Go 1.22's 386 size)` of each structure.
pub const SIZES: &[(&str, usize, usize)] = &[
    ("gobuf", size_of::<gobuf>(), 28),
    ("stack", size_of::<stack>(), 8),
    ("g", size_of::<g>(), 260),
    ("m", size_of::<m>(), 1296),
    ("p", size_of::<p>(), 4576),
    ("schedt", size_of::<schedt>(), 6712),
];
