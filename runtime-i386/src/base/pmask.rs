//! # pMask: one bit per P (proc.go:6460-6490)

use crate::base::runtime2::*;

/// `pMask`: one bit per P (proc.go:6460). `idlepMask` marks idle Ps (stealWork skips them);
/// `timerpMask` marks Ps that may have timers.
#[no_mangle]
pub static runtime_idlepMask: Global<Slice<u32>> = Global::new(Slice::nil());
#[no_mangle]
pub static runtime_timerpMask: Global<Slice<u32>> = Global::new(Slice::nil());

/// Operations on a pMask (proc.go:6463-6490).
/// # Safety
/// `mask` must have a word for `id`.
pub unsafe fn read(mask: *const Slice<u32>, id: u32) -> bool {
    let word = id / 32;
    let bit = 1u32 << (id % 32);
    crate::base::atomic::load((*mask).array.add(word as usize)) & bit != 0
}
/// # Safety
/// as `read`.
pub unsafe fn set(mask: *mut Slice<u32>, id: i32) {
    // atomic.Or (proc.go:6475): other Ms read and write the other bits.
    core::sync::atomic::AtomicU32::from_ptr((*mask).array.add(id as usize / 32))
        .fetch_or(1 << (id % 32), core::sync::atomic::Ordering::SeqCst);
}
/// # Safety
/// as `read`.
pub unsafe fn clear(mask: *mut Slice<u32>, id: i32) {
    // atomic.And (proc.go:6482).
    core::sync::atomic::AtomicU32::from_ptr((*mask).array.add(id as usize / 32))
        .fetch_and(!(1 << (id % 32)), core::sync::atomic::Ordering::SeqCst);
}
