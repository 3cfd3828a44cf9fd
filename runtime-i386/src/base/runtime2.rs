//! # Go's structures and the runtime's global variables (runtime2.go, proc.go:115-120)
//!
//! Go 1.22 keeps the scheduler's state in a handful of global variables (`g0`, `m0`, `sched`,
//! `allp`, `allgs`, `gomaxprocs`, `ncpu`, ...) and in four structures: `g` (a goroutine),
//! `m` (an OS thread), `p` (a processor: the right to run Go code, with its run queue) and
//! `schedt` (the scheduler). See runtime2.go: gobuf 324, stack 411, g 422, m 550, p 646,
//! schedt 799, and the globals at runtime2.go:1140-1190 and proc.go:115-120.
//!
//! Every structure is written once, in a [`go_struct!`] table: each field with its Go 1.22
//! linux/386 offset (from the compiler's `go_asm.h`), marked `asm` where the assembly uses
//! it. From that one table come the `#[repr(C)]` struct, the compile-time checks that every
//! offset and size is Go's, the absolute symbols the assembly reads (`g_m`, `m_tls`,
//! `gobuf_sp`, as Go's assembler reads `go_asm.h`) and [`LAYOUT`], from which the book's
//! layout appendix is generated. Fields we do not model are padding, so sizes are Go's too.
//!
//! The Globals chapter shows these variables ([`crate::globals`]); they live here, in the
//! base, because every layer of the runtime reads them.
#![allow(non_camel_case_types, non_upper_case_globals)]

use core::cell::UnsafeCell;
use core::mem::{offset_of, size_of};

/// A global the runtime mutates in place, like a Go package-level variable; `get` hands out
/// a raw pointer. As in Go, what several Ms share is protected by a lock (`sched.lock`,
/// `allglock`, ...) or accessed with atomics (`base::atomic`), never by this type.
#[repr(transparent)]
pub struct Global<T>(UnsafeCell<T>);
// SAFETY: every shared access goes through a runtime lock or an atomic (see above).
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

// ANCHOR: go_struct
/// One Go structure, written once: each field with its Go 1.22 linux/386 offset (go_asm.h),
/// `asm NAME` where the assembly uses it. Gives the struct, compile-time checks of every
/// offset and of the size, the assembly's absolute symbols, and the struct's [`LayoutRow`]s.
macro_rules! go_struct {
    (
        $(#[$attr:meta])*
        pub struct $name:ident ($go:literal bytes) {
            $( $(#[$fattr:meta])* $vis:vis $field:ident : $ty:ty = $off:literal $(, asm $sym:ident)? ; )*
        }
    ) => {
        $(#[$attr])*
        pub struct $name { $( $(#[$fattr])* $vis $field: $ty, )* }
        const _: () = {
            $( assert!(offset_of!($name, $field) == $off,
                       concat!(stringify!($name), ".", stringify!($field), " is not at Go 1.22's 386 offset")); )*
            assert!(size_of::<$name>() == $go, concat!(stringify!($name), " is not Go 1.22's 386 size"));
        };
        $( $( core::arch::global_asm!(concat!(".globl ", stringify!($sym), "\n.set ", stringify!($sym), ", ", stringify!($off))); )? )*
        impl $name {
            /// Go 1.22's 386 size of this structure.
            pub const SIZE: usize = $go;
            /// This structure's fields, at Go 1.22's 386 offsets.
            pub const LAYOUT: &'static [LayoutRow] = &[ $( LayoutRow {
                strukt: stringify!($name),
                field: stringify!($field),
                offset: $off,
                size: size_of::<$ty>(),
                asm: { let _a: &str = ""; $( let _a = stringify!($sym); )? _a },
            }, )* ];
        }
    };
}
// ANCHOR_END: go_struct

/// One row of a structure's table: its field at Go 1.22's 386 offset, and the assembly's
/// symbol for it ("" if the assembly does not use it). Fields named `_pad…` are the ones we
/// do not model.
pub struct LayoutRow {
    pub strukt: &'static str,
    pub field: &'static str,
    pub offset: usize,
    pub size: usize,
    pub asm: &'static str,
}

go_struct! {
    // ANCHOR: gobuf
    /// Saved registers of a goroutine that is not running (runtime2.go:324 `gobuf`).
    /// `gogo` restores sp, pc, ctxt (into DX) and ret (into AX); lr is unused on x86 and bp is
    /// not restored on 386.
    #[repr(C)]
    pub struct gobuf (28 bytes) {
        pub sp: usize = 0, asm gobuf_sp;
        pub pc: usize = 4, asm gobuf_pc;
        /// guintptr
        pub g: *mut g = 8, asm gobuf_g;
        /// the closure context, in DX on entry
        pub ctxt: *const u8 = 12, asm gobuf_ctxt;
        pub ret: usize = 16, asm gobuf_ret;
        pub lr: usize = 20, asm gobuf_lr;
        pub bp: usize = 24, asm gobuf_bp;
    }
    // ANCHOR_END: gobuf
}

go_struct! {
    // ANCHOR: stack
    /// Stack bounds `[lo, hi)` (runtime2.go:411 `stack`).
    #[repr(C)]
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub struct stack (8 bytes) {
        pub lo: usize = 0, asm stack_lo;
        pub hi: usize = 4, asm stack_hi;
    }
    // ANCHOR_END: stack
}

go_struct! {
    // ANCHOR: g
    /// A goroutine (runtime2.go:422 `type g struct`): 260 bytes on 386.
    #[repr(C)]
    pub struct g (260 bytes) {
        /// `[lo, hi)`
        pub stack: stack = 0, asm g_stack;
        /// compared with SP in Go's function prologues
        pub stackguard0: usize = 8, asm g_stackguard0;
        /// the same for C/systemstack code
        pub stackguard1: usize = 12, asm g_stackguard1;
        pub _panic: usize = 16;
        pub _defer: usize = 20;
        /// the M running this g, or nil
        pub m: *mut m = 24, asm g_m;
        /// registers saved while not running
        pub sched: gobuf = 28, asm g_sched;
        pub syscallsp: usize = 56;
        pub syscallpc: usize = 60;
        /// expected SP at the top of the stack
        pub stktopsp: usize = 64;
        pub param: usize = 68;
        /// `_Gidle`, `_Grunnable`, ...
        pub atomicstatus: u32 = 72;
        pub stackLock: u32 = 76;
        pub goid: u64 = 80, asm g_goid;
        /// next g on a gList/gQueue
        pub schedlink: *mut g = 88;
        pub waitsince: i64 = 92;
        pub waitreason: u8 = 100;
        pub preempt: bool = 101;
        pub preemptStop: bool = 102;
        pub preemptShrink: bool = 103;
        _pad0: [u8; 28] = 104;
        pub lockedm: usize = 132;
        _pad1: [u8; 28] = 136;
        /// goid of the goroutine that started this one
        pub parentGoid: u64 = 164;
        /// pc of the go statement that created it
        pub gopc: usize = 172;
        pub ancestors: usize = 176;
        /// pc of the goroutine function
        pub startpc: usize = 180;
        _pad2: [u8; 76] = 184;
    }
    // ANCHOR_END: g
}

go_struct! {
    // ANCHOR: m
    /// An OS thread (runtime2.go:550 `type m struct`): 1296 bytes on 386.
    #[repr(C)]
    pub struct m (1296 bytes) {
        /// goroutine with the scheduling stack
        pub g0: *mut g = 0, asm m_g0;
        pub morebuf: gobuf = 4;
        pub divmod: u32 = 32;
        /// `_ uint32 // align next field to 8 bytes`
        _pad_align: u32 = 36;
        /// thread id (gettid)
        pub procid: u64 = 40, asm m_procid;
        /// signal-handling g
        pub gsignal: *mut g = 48, asm m_gsignal;
        /// gsignalStack
        pub goSigStack: [usize; 5] = 52;
        pub sigmask: [u32; 2] = 72;
        /// thread-local storage; %gs points at tls[1], g lives in tls[0]
        pub tls: [usize; 6] = 80, asm m_tls;
        pub mstartfn: usize = 104;
        /// current running goroutine
        pub curg: *mut g = 108, asm m_curg;
        pub caughtsig: usize = 112;
        /// attached p for executing Go code (nil if not executing Go code)
        pub p: *mut p = 116, asm m_p;
        pub nextp: *mut p = 120;
        pub oldp: *mut p = 124;
        pub id: i64 = 128, asm m_id;
        pub mallocing: i32 = 136;
        pub throwing: i32 = 140;
        /// string
        pub preemptoff: [usize; 2] = 144;
        pub locks: i32 = 152;
        _pad0: [u8; 8] = 156;
        /// m is out of work and is actively looking for work
        pub spinning: bool = 164;
        /// m is blocked on a note
        pub blocked: bool = 165;
        _pad1: [u8; 34] = 166;
        /// where an idle M sleeps (stopm) until startm hands it a P
        pub park: u32 = 200;
        /// on allm
        pub alllink: *mut m = 204;
        pub schedlink: *mut m = 208;
        pub lockedg: *mut g = 212;
        _pad2: [u8; 320] = 216;
        /// incremented by every system call that blocks (sysmon compares it)
        pub syscalltick: u32 = 536;
        _pad3: [u8; 88] = 540;
        /// counts completed asynchronous preemptions
        pub preemptGen: u32 = 628;
        /// a preemption signal is pending on this M
        pub signalPending: u32 = 632;
        _pad4: [u8; 660] = 636;
    }
    // ANCHOR_END: m
}

go_struct! {
    /// What sysmon saw of a P last time (proc.go:6070 `sysmontick`).
    #[repr(C)]
    pub struct sysmontick (24 bytes) {
        pub schedtick: u32 = 0;
        pub schedwhen: i64 = 4;
        pub syscalltick: u32 = 12;
        pub syscallwhen: i64 = 16;
    }
}

go_struct! {
    /// A list of Gs linked through `g.schedlink` (proc.go `gList`), with Go's counter beside
    /// it as in `p.gFree` (runtime2.go:676 `gFree struct { gList; n int32 }`).
    #[repr(C)]
    pub struct gList (8 bytes) {
        pub head: *mut g = 0;
        pub n: i32 = 4;
    }
}

go_struct! {
    /// A queue of Gs linked through `g.schedlink` (proc.go:6898 `gQueue`).
    #[repr(C)]
    pub struct gQueue (8 bytes) {
        pub head: *mut g = 0;
        pub tail: *mut g = 4;
    }
}

/// The length of each P's local run queue, a ring (runtime2.go:666 `runq [256]guintptr`;
/// Go's code says `len(pp.runq)`).
pub const RUNQ_LEN: usize = 256;

go_struct! {
    // ANCHOR: p
    /// A processor (runtime2.go:646 `type p struct`): 4576 bytes on 386. The 256-slot `runq`
    /// ring and `runnext` are the local run queue that `runqput`/`runqget` work on.
    #[repr(C)]
    pub struct p (4576 bytes) {
        pub id: i32 = 0;
        /// `_Pidle`, `_Prunning`, ...
        pub status: u32 = 4;
        /// next P on sched.pidle
        pub link: *mut p = 8;
        /// incremented on every scheduler call
        pub schedtick: u32 = 12;
        pub syscalltick: u32 = 16;
        /// last tick observed by sysmon
        pub sysmontick: sysmontick = 20;
        /// back-link to associated m (nil if idle)
        pub m: *mut m = 44;
        pub mcache: usize = 48;
        _pad0: [u8; 164] = 52;
        /// cache of goroutine ids, amortizes accesses to sched.goidgen
        pub goidcache: u64 = 216;
        pub goidcacheend: u64 = 224;
        pub runqhead: u32 = 232;
        pub runqtail: u32 = 236;
        pub runq: [*mut g; RUNQ_LEN] = 240;
        /// the g to run next, ahead of runq
        pub runnext: *mut g = 1264;
        /// dead Gs (with n at 1272)
        pub gFree: gList = 1268;
        _pad1: [u8; 3296] = 1276;
        pub preempt: bool = 4572;
        _pad2: [u8; 3] = 4573;
    }
    // ANCHOR_END: p
}

go_struct! {
    // ANCHOR: schedt
    /// The scheduler (runtime2.go:799 `type schedt struct`): 6712 bytes on 386.
    #[repr(C, align(8))]
    pub struct schedt (6712 bytes) {
        /// atomic.Uint64: last goid handed out in a batch
        pub goidgen: u64 = 0;
        pub lastpoll: i64 = 8;
        pub pollUntil: i64 = 16;
        pub lock: u32 = 24;
        /// idle m's waiting for work
        pub midle: *mut m = 28;
        pub nmidle: i32 = 32;
        pub nmidlelocked: i32 = 36;
        /// number of m's that have been created and next M ID
        pub mnext: i64 = 40;
        /// maximum number of m's allowed (or die)
        pub maxmcount: i32 = 48;
        pub nmsys: i32 = 52;
        pub nmfreed: i64 = 56;
        pub ngsys: u32 = 64;
        /// idle p's
        pub pidle: *mut p = 68;
        pub npidle: i32 = 72;
        pub nmspinning: i32 = 76;
        pub needspinning: u32 = 80;
        /// global runnable queue
        pub runq: gQueue = 84;
        pub runqsize: i32 = 92;
        _pad0: [u8; 16] = 96;
        /// global cache of dead G's
        pub gFree_lock: u32 = 112;
        /// Gs with stacks
        pub gFree_stack: *mut g = 116;
        /// Gs without stacks
        pub gFree_noStack: *mut g = 120;
        pub gFree_n: i32 = 124;
        _pad1: [u8; 20] = 128;
        /// gc is waiting to run (never, here: there is no GC)
        pub gcwaiting: bool = 148;
        _pad2: [u8; 11] = 149;
        /// sysmon sleeps on sysmonnote while sysmonwait is set
        pub sysmonwait: bool = 160;
        _pad2b: [u8; 3] = 161;
        pub sysmonnote: u32 = 164;
        _pad3: [u8; 32] = 168;
        /// held by sysmon while it retakes Ps
        pub sysmonlock: u32 = 200;
        _pad4: [u8; 6508] = 204;
    }
    // ANCHOR_END: schedt
}

// The nested fields the assembly uses, one symbol each: Go's assembly writes
// `(g_sched+gobuf_sp)(AX)`, but gas cannot add two symbols that are undefined in the .S file.
core::arch::global_asm!(
    ".globl g_stack_lo", ".set g_stack_lo, {stack_lo}",
    ".globl g_stack_hi", ".set g_stack_hi, {stack_hi}",
    ".globl g_sched_sp", ".set g_sched_sp, {sched_sp}",
    ".globl g_sched_pc", ".set g_sched_pc, {sched_pc}",
    ".globl g_sched_g", ".set g_sched_g, {sched_g}",
    stack_lo = const offset_of!(g, stack) + offset_of!(stack, lo),
    stack_hi = const offset_of!(g, stack) + offset_of!(stack, hi),
    sched_sp = const offset_of!(g, sched) + offset_of!(gobuf, sp),
    sched_pc = const offset_of!(g, sched) + offset_of!(gobuf, pc),
    sched_g = const offset_of!(g, sched) + offset_of!(gobuf, g),
);

/// Every structure's table, in the order the book's layout appendix shows them.
pub const LAYOUT: &[&[LayoutRow]] = &[
    gobuf::LAYOUT,
    stack::LAYOUT,
    g::LAYOUT,
    m::LAYOUT,
    p::LAYOUT,
    schedt::LAYOUT,
];

/// `(name, size)` of each structure (each is checked against Go 1.22's 386 size above).
pub const SIZES: &[(&str, usize)] = &[
    ("gobuf", gobuf::SIZE),
    ("stack", stack::SIZE),
    ("g", g::SIZE),
    ("m", m::SIZE),
    ("p", p::SIZE),
    ("schedt", schedt::SIZE),
];

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

/// A Go slice header (`[]T`): what `allp` and `allgs` are. Copied by value, as in Go.
#[repr(C)]
pub struct Slice<T> {
    pub array: *mut T,
    pub len: usize,
    pub cap: usize,
}
impl<T> Clone for Slice<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Slice<T> {}
impl<T> Slice<T> {
    pub const fn nil() -> Self {
        Slice {
            array: core::ptr::null_mut(),
            len: 0,
            cap: 0,
        }
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
/// `allglock` (proc.go:553): protects allgs.
#[no_mangle]
pub static runtime_allglock: Global<u32> = Global::new(0);
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
/// `&sched.lock`, the scheduler's lock (a futex word: base::lock_futex).
#[inline(always)]
pub fn schedlock() -> *mut u32 {
    // SAFETY: a field of the sched singleton.
    unsafe { core::ptr::addr_of_mut!((*sched()).lock) }
}
#[inline(always)]
pub fn gomaxprocs() -> i32 {
    unsafe { *runtime_gomaxprocs.get() }
}

/// A Go func value (runtime2.go:190 `funcval`): the code pointer, then any captured data.
/// A pointer to it is what `go` hands to newproc and what gogo leaves in DX.
#[repr(C)]
pub struct funcval {
    pub fn_: usize,
}

/// `gcount()` (proc.go:5264-5276): the number of live goroutines, all gs but the dead ones
/// on the free lists (we have no system goroutines). Here, in the base, because the memory
/// allocator names it when it runs out of mappings.
pub fn gcount() -> usize {
    // SAFETY: allgs and allp are valid Go slices of valid gs and Ps (or nil).
    unsafe {
        let (allgs, allp) = (&*runtime_allgs.get(), &*runtime_allp.get());
        let mut n = allgs.len as isize - (*sched()).gFree_n as isize;
        for i in 0..allp.len {
            n -= (**allp.array.add(i)).gFree.n as isize;
        }
        n.max(1) as usize
    }
}
