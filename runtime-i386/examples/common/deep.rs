//! Shared by the stack-overflow examples: a function that recurses without end, 256 bytes
//! of frame at a time (black_box keeps the compiler from turning it into a loop).

#[inline(never)]
#[allow(unconditional_recursion)]
pub fn deep(n: u32) -> u32 {
    let buf = [n as u8; 256];
    let r = core::hint::black_box(&buf)[0] as u32;
    r + deep(n + 1) + core::hint::black_box(1)
}
