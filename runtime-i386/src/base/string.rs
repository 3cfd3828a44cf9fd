//! # Go's string-to-integer conversion (string.go:360-421)
//!
//! The runtime's own `atoi`, used by schedinit for `GOMAXPROCS` and by osinit for the huge
//! page size. (The gomaxprocs exercise has you write it: the schedinit chapter shows it.)

// ANCHOR: atoi32
/// `atoi64(s)` (string.go:360-402): an optional '-' then decimal digits, nothing else
/// (no '+', no spaces, not empty), without overflowing int64. As in Go, "-" alone is 0:
/// the digit loop after the '-' runs zero times.
pub fn atoi64(s: &[u8]) -> Option<i64> {
    // ANCHOR: exercise-gomaxprocs-atoi64
    if s.is_empty() {
        return None;
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let mut un: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        if un > u64::MAX / 10 {
            return None; // overflow
        }
        un *= 10;
        let un1 = un.wrapping_add((c - b'0') as u64);
        if un1 < un {
            return None; // overflow
        }
        un = un1;
    }
    if !neg && un > i64::MAX as u64 {
        return None;
    }
    if neg && un > i64::MAX as u64 + 1 {
        return None;
    }
    let n = un as i64;
    Some(if neg { n.wrapping_neg() } else { n })
    // ANCHOR_END: exercise-gomaxprocs-atoi64
}

/// `atoi32(s)` (string.go:416-421): atoi64, and the value must fit in an int32.
/// (`atoi`, for Go's 32-bit `int` on 386, is the same function.)
pub fn atoi32(s: &[u8]) -> Option<i32> {
    // ANCHOR: exercise-gomaxprocs-atoi32
    match atoi64(s) {
        Some(n) if n == n as i32 as i64 => Some(n as i32),
        _ => None,
    }
    // ANCHOR_END: exercise-gomaxprocs-atoi32
}
// ANCHOR_END: atoi32

/// `atoi(s)` for 386, where Go's `int` is 32 bits.
pub fn atoi(s: &[u8]) -> Option<i32> {
    atoi32(s)
}
