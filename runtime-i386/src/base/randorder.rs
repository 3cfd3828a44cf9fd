//! # Every P once, in a random order (proc.go:7066-7120 randomOrder, cheaprand)
//!
//! `stealWork` (mstart chapter) visits the Ps in a random order; `procresize` (schedinit)
//! resets that order whenever the number of Ps changes. Go's call goes forward from schedinit
//! to the stealing code, so the order lives here, in the base, under both.

use crate::base::runtime2::*;

// ANCHOR: randomorder
/// `randomOrder` (proc.go:7066-7120): enumerate all Ps in a pseudo-random order without
/// repetition. If X and count are coprime, (i + X) % count for i = 0..count visits every
/// index once; `reset` lists the coprimes of count, `start(r)` picks a start and a stride.
pub struct randomOrder {
    pub count: u32,
    pub coprimes: Slice<u32>,
}

/// One walk over the Ps (proc.go `randomEnum`).
pub struct randomEnum {
    pub i: u32,
    pub count: u32,
    pub pos: u32,
    pub inc: u32,
}

impl randomOrder {
    /// `reset(count)`: the strides in [1, count] coprime with count.
    pub fn reset(&mut self, count: u32) {
        // ANCHOR: exercise-randomorder-reset
        self.count = count;
        if self.coprimes.cap < count as usize {
            self.coprimes.array = crate::base::malloc::growslice::<u32>(count as usize);
            self.coprimes.cap = count as usize;
        }
        self.coprimes.len = 0;
        for i in 1..=count {
            if gcd(i, count) == 1 {
                unsafe { *self.coprimes.array.add(self.coprimes.len) = i };
                self.coprimes.len += 1;
            }
        }
        // ANCHOR_END: exercise-randomorder-reset
    }
    /// `start(i)`: begin at i % count with stride coprimes[i / count % len(coprimes)].
    pub fn start(&self, i: u32) -> randomEnum {
        // ANCHOR: exercise-randomorder-start
        let coprimes = unsafe { self.coprimes.as_slice() };
        randomEnum {
            i: 0,
            count: self.count,
            pos: i % self.count,
            inc: coprimes[(i / self.count) as usize % coprimes.len()],
        }
        // ANCHOR_END: exercise-randomorder-start
    }
}

impl randomEnum {
    pub fn done(&self) -> bool {
        self.i == self.count
    }
    pub fn next(&mut self) {
        // ANCHOR: exercise-randomorder-next
        self.i += 1;
        self.pos = (self.pos + self.inc) % self.count;
        // ANCHOR_END: exercise-randomorder-next
    }
    pub fn position(&self) -> u32 {
        self.pos
    }
}

/// `gcd(a, b)` (proc.go:7115).
pub fn gcd(mut a: u32, mut b: u32) -> u32 {
    // ANCHOR: exercise-randomorder-gcd
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
    // ANCHOR_END: exercise-randomorder-gcd
}
// ANCHOR_END: randomorder

/// `stealOrder` (proc.go:7066).
pub static stealOrder: Global<randomOrder> = Global::new(randomOrder {
    count: 0,
    coprimes: Slice::nil(),
});

/// `stealOrder.reset(n)`, from procresize.
pub fn stealOrder_reset(n: u32) {
    unsafe { (*stealOrder.get()).reset(n) }
}

/// m0's `cheaprand` state (runtime2.go m.cheaprand), seeded from AT_RANDOM.
static cheaprandState: Global<[u32; 2]> = Global::new([0; 2]);

/// `cheaprand()` (rand.go:223-244), the 386 variant: xorshift64+ as two 32-bit xorshift
/// sequences added together.
pub fn cheaprand() -> u32 {
    // SAFETY: m0's cheaprand state, one thread; AT_RANDOM points at 16 bytes the kernel left (or is 0).
    unsafe {
        let t = &mut *cheaprandState.get();
        if t[0] == 0 && t[1] == 0 {
            // mrandinit: seed from the kernel's 16 random bytes, if we have them.
            let r = *crate::base::args::startupRand.get();
            *t = if r != 0 {
                [*(r as *const u32) | 1, *((r + 4) as *const u32)]
            } else {
                [0x9e3779b9, 0x7f4a7c15]
            };
        }
        let (mut s1, s0) = (t[0], t[1]);
        s1 ^= s1 << 17;
        s1 = s1 ^ s0 ^ (s1 >> 7) ^ (s0 >> 16);
        *t = [s0, s1];
        s0.wrapping_add(s1)
    }
}
