//! # Atomics on the runtime's plain fields (internal/runtime/atomic, atomic_386.s)
//!
//! Go's structures declare their shared words as `atomic.Uint32`, `atomic.Int64`, ...; ours
//! keep Go's layout with plain integer fields, and every access another M may race with goes
//! through these functions, named after Go's (`Load`, `Store`, `Cas`, `Xadd`, `Xchg`,
//! `LoadAcq`, `StoreRel`, `CasRel`). On 386 every one of them is a locked instruction or a
//! plain load/store (x86 is TSO: a load is an acquire, a store a release); the 64-bit ones
//! use `cmpxchg8b`, as atomic_386.s does.

// Go's atomics take a field's address, and so do these: callers pass the address of a live,
// aligned runtime field (a raw pointer, as everywhere in the runtime), which is the whole
// contract; marking each `unsafe` would only move the same sentence to every call.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use core::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicPtr, AtomicU32, AtomicU64};

macro_rules! atomic_of {
    ($name:ident, $t:ty, $a:ty) => {
        #[inline(always)]
        fn $name<'a>(p: *mut $t) -> &'a $a {
            // SAFETY: callers pass a live, aligned runtime field; all racing accesses to it
            // are atomic (through this module).
            unsafe { <$a>::from_ptr(p) }
        }
    };
}
atomic_of!(a32, u32, AtomicU32);
atomic_of!(ai32, i32, AtomicI32);
atomic_of!(a64, u64, AtomicU64);
atomic_of!(ai64, i64, AtomicI64);
atomic_of!(ab, bool, AtomicBool);

/// `atomic.Load(ptr)`.
#[inline(always)]
pub fn load(p: *mut u32) -> u32 {
    a32(p).load(SeqCst)
}
/// `atomic.LoadAcq(ptr)`.
#[inline(always)]
pub fn loadAcq(p: *mut u32) -> u32 {
    a32(p).load(Acquire)
}
/// `atomic.Store(ptr, v)`.
#[inline(always)]
pub fn store(p: *mut u32, v: u32) {
    a32(p).store(v, SeqCst)
}
/// `atomic.StoreRel(ptr, v)`.
#[inline(always)]
pub fn storeRel(p: *mut u32, v: u32) {
    a32(p).store(v, Release)
}
/// `atomic.Cas(ptr, old, new)`.
#[inline(always)]
pub fn cas(p: *mut u32, old: u32, new: u32) -> bool {
    a32(p).compare_exchange(old, new, SeqCst, Relaxed).is_ok()
}
/// `atomic.CasRel(ptr, old, new)`.
#[inline(always)]
pub fn casRel(p: *mut u32, old: u32, new: u32) -> bool {
    a32(p).compare_exchange(old, new, Release, Relaxed).is_ok()
}
/// `atomic.Xchg(ptr, new)`: the old value.
#[inline(always)]
pub fn xchg(p: *mut u32, new: u32) -> u32 {
    a32(p).swap(new, SeqCst)
}
/// A plain `*ptr += delta` on a field other Ms read without the lock (Go writes
/// `sched.runqsize++` and `pp.schedtick++` under the lock or on the owning M, and reads them
/// racily elsewhere): a relaxed load and store, no locked instruction.
#[inline(always)]
pub fn addPlain(p: *mut i32, delta: i32) {
    let a = ai32(p);
    a.store(a.load(Relaxed).wrapping_add(delta), Relaxed)
}
/// `atomic.Xadd(ptr, delta)` on an int32 field: the new value.
#[inline(always)]
pub fn xaddi32(p: *mut i32, delta: i32) -> i32 {
    ai32(p).fetch_add(delta, SeqCst).wrapping_add(delta)
}
/// `atomic.Cas` on an int32 field (`atomic.Int32.CompareAndSwap`).
#[inline(always)]
pub fn casi32(p: *mut i32, old: i32, new: i32) -> bool {
    ai32(p).compare_exchange(old, new, SeqCst, Relaxed).is_ok()
}
/// `atomic.Load` of an int32 field.
#[inline(always)]
pub fn loadi32(p: *mut i32) -> i32 {
    ai32(p).load(SeqCst)
}
/// `atomic.Store` of an int32 field.
#[inline(always)]
pub fn storei32(p: *mut i32, v: i32) {
    ai32(p).store(v, SeqCst)
}
/// `atomic.Xadd64(ptr, delta)`: the new value (cmpxchg8b on 386).
#[inline(always)]
pub fn xadd64(p: *mut u64, delta: u64) -> u64 {
    a64(p).fetch_add(delta, SeqCst).wrapping_add(delta)
}
/// `atomic.Load64(ptr)`.
#[inline(always)]
pub fn load64(p: *mut u64) -> u64 {
    a64(p).load(SeqCst)
}
/// `atomic.Loadint64(ptr)`.
#[inline(always)]
pub fn loadi64(p: *mut i64) -> i64 {
    ai64(p).load(SeqCst)
}
/// `atomic.Storeint64(ptr, v)`.
#[inline(always)]
pub fn storei64(p: *mut i64, v: i64) {
    ai64(p).store(v, SeqCst)
}
/// `atomic.Loadp(ptr)`: a pointer field.
#[inline(always)]
pub fn loadp<T>(p: *mut *mut T) -> *mut T {
    // SAFETY: as atomic_of.
    unsafe { AtomicPtr::from_ptr(p) }.load(SeqCst)
}
/// `atomic.StorepNoWB(ptr, v)`.
#[inline(always)]
pub fn storep<T>(p: *mut *mut T, v: *mut T) {
    // SAFETY: as atomic_of.
    unsafe { AtomicPtr::from_ptr(p) }.store(v, SeqCst)
}
/// `atomic.Casp1` / `guintptr.cas`.
#[inline(always)]
pub fn casp<T>(p: *mut *mut T, old: *mut T, new: *mut T) -> bool {
    // SAFETY: as atomic_of.
    unsafe { AtomicPtr::from_ptr(p) }
        .compare_exchange(old, new, SeqCst, Relaxed)
        .is_ok()
}
/// `atomic.Bool.Load`.
#[inline(always)]
pub fn loadb(p: *mut bool) -> bool {
    ab(p).load(SeqCst)
}
/// `atomic.Bool.Store`.
#[inline(always)]
pub fn storeb(p: *mut bool, v: bool) {
    ab(p).store(v, SeqCst)
}
