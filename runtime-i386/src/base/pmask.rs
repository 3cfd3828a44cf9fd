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
    *(*mask).array.add(word as usize) & bit != 0
}
/// # Safety
/// as `read`.
pub unsafe fn set(mask: *mut Slice<u32>, id: i32) {
    *(*mask).array.add(id as usize / 32) |= 1 << (id % 32);
}
/// # Safety
/// as `read`.
pub unsafe fn clear(mask: *mut Slice<u32>, id: i32) {
    *(*mask).array.add(id as usize / 32) &= !(1 << (id % 32));
}
