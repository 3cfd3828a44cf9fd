//! # Globals: the runtime's singletons, as the Globals chapter shows them
//!
//! The structures and the variables themselves (`m0`, `g0`, `sched`, `allp`, `allgs`, ...) are
//! in the base ([`crate::base::runtime2`]), where every layer reads them. This chapter's code
//! is how the runtime reads Go's slices (`allp`, `allgs`) and grows `allgs`.

pub use crate::base::runtime2::*;

use crate::base::malloc;
use crate::base::print::throw;

impl<T> Slice<T> {
    /// The slice header's `len` elements as a Rust slice (a nil slice is empty).
    ///
    /// # Safety
    /// `array` must hold `len` initialised elements, and the slice must not be used after
    /// the array is replaced (Go's slices are copied by value, and so is this header).
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

/// A copy of a Go slice's header, read as a Rust slice for as long as the copy lives, as Go
/// code reads a slice it copied: `procresize` may later give `allp` a new array (the old one
/// stays valid, never freed, but stale), so a caller reads `allp()` again instead of keeping
/// a reference across that.
#[derive(Clone, Copy)]
pub struct SliceCopy<T>(Slice<T>);
impl<T> core::ops::Deref for SliceCopy<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: allp and allgs point at arrays of len initialised pointers that are never
        // freed (persistentalloc), or are nil.
        unsafe { self.0.as_slice() }
    }
}

/// `allp` (empty before procresize).
pub fn allp() -> SliceCopy<*mut p> {
    SliceCopy(unsafe { *runtime_allp.get() })
}
/// `allgs`.
pub fn allgs() -> SliceCopy<*mut g> {
    SliceCopy(unsafe { *runtime_allgs.get() })
}

/// `allgadd(gp)` (proc.go:618-633): append to allgs, under allglock.
///
/// # Safety
/// `gp` must be a valid g not yet in allgs.
pub unsafe fn allgadd(gp: *mut g) {
    if (*gp).atomicstatus == _Gidle {
        throw("allgadd: bad status Gidle");
    }
    crate::base::lock_futex::lock(runtime_allglock.get());
    // ANCHOR: exercise-allgadd
    let allgs = runtime_allgs.get();
    if (*allgs).len == (*allgs).cap {
        // append: double the backing array (the old one is not freed, as Go's GC keeps it
        // until no one uses it; we have no GC).
        let ncap = if (*allgs).cap == 0 {
            64
        } else {
            (*allgs).cap.saturating_mul(2) // growslice refuses what does not fit
        };
        let na = malloc::growslice::<*mut g>(ncap);
        for i in 0..(*allgs).len {
            *na.add(i) = *(*allgs).array.add(i);
        }
        (*allgs).array = na;
        (*allgs).cap = ncap;
    }
    *(*allgs).array.add((*allgs).len) = gp;
    (*allgs).len += 1;
    // ANCHOR_END: exercise-allgadd
    crate::base::lock_futex::unlock(runtime_allglock.get());
}
