//! randomOrder / randomEnum / gcd (proc.go:7066-7120): the order in which stealWork visits
//! the Ps.

use super::lock;
use crate::base::randorder::{gcd, randomOrder};
use crate::globals::Slice;

fn order() -> randomOrder {
    randomOrder {
        count: 0,
        coprimes: Slice::nil(),
    }
}

fn coprimes(o: &randomOrder) -> Vec<u32> {
    unsafe { o.coprimes.as_slice().to_vec() }
}

/// proc.go:7115 `gcd(a, b)`: Euclid's algorithm, gcd(a, 0) == a.
#[test]
fn gcd_values() {
    let _l = lock();
    let cases = [
        (1, 1, 1),
        (6, 4, 2),
        (4, 6, 2),
        (12, 18, 6),
        (17, 5, 1),
        (5, 17, 1),
        (7, 0, 7),
        (0, 7, 7),
        (0, 0, 0),
        (8, 8, 8),
        (270, 192, 6),
        (u32::MAX, u32::MAX - 1, 1),
        (1 << 31, 1 << 20, 1 << 20),
    ];
    for (a, b, want) in cases {
        assert_eq!(gcd(a, b), want, "gcd({a}, {b})");
    }
    for a in 1..60u32 {
        for b in 1..60u32 {
            let g = gcd(a, b);
            assert!(a % g == 0 && b % g == 0);
            assert!((g + 1..=a.min(b)).all(|d| a % d != 0 || b % d != 0));
        }
    }
}

/// proc.go:7084 `randomOrder.reset(count)`: the i in [1, count] with gcd(i, count) == 1.
#[test]
fn reset_lists_coprimes() {
    let _l = lock();
    let mut o = order();
    for (count, want) in [
        (6, &[1, 5][..]),
        (8, &[1, 3, 5, 7]),
        (1, &[1]),
        (12, &[1, 5, 7, 11]),
        (2, &[1]),
        (7, &[1, 2, 3, 4, 5, 6]),
        (9, &[1, 2, 4, 5, 7, 8]),
    ] {
        o.reset(count);
        assert_eq!(o.count, count);
        assert_eq!(coprimes(&o), want, "coprimes of {count}");
    }
    // Shrinking and growing again reuses / regrows the array correctly.
    for count in [64u32, 3, 100, 10, 1, 33] {
        o.reset(count);
        let want: Vec<u32> = (1..=count).filter(|&i| gcd(i, count) == 1).collect();
        assert_eq!(coprimes(&o), want, "coprimes of {count}");
        assert!(o.coprimes.cap >= count as usize);
    }
}

/// proc.go:7094 `start(i)`: pos = i % count, inc = coprimes[i / count % len(coprimes)];
/// proc.go:7102-7113 done/next/position: pos += inc mod count, count steps.
#[test]
fn start_picks_position_and_stride() {
    let _l = lock();
    let mut o = order();
    o.reset(8); // coprimes 1, 3, 5, 7
    for (i, pos, inc) in [
        (0, 0, 1),
        (5, 5, 1),
        (8, 0, 3),
        (13, 5, 3),
        (16, 0, 5),
        (31, 7, 7),
        (32, 0, 1),
        (u32::MAX, 7, [1, 3, 5, 7][(u32::MAX / 8 % 4) as usize]),
    ] {
        let e = o.start(i);
        assert_eq!((e.i, e.count, e.pos, e.inc), (0, 8, pos, inc), "start({i})");
        assert_eq!(e.position(), pos);
    }
    // start(13) on 8 Ps: from 5, stride 3.
    let mut e = o.start(13);
    let mut seen = Vec::new();
    while !e.done() {
        seen.push(e.position());
        e.next();
    }
    assert_eq!(seen, [5, 0, 3, 6, 1, 4, 7, 2]);
}

/// proc.go:7066-7071: "if we have X such that X and GOMAXPROCS are coprime, then a sequence
/// of (i + X) % GOMAXPROCS gives the required enumeration": every walk visits each P
/// exactly once.
#[test]
fn every_enumeration_is_a_permutation() {
    let _l = lock();
    let mut o = order();
    for count in 1..=70u32 {
        o.reset(count);
        let ncop = o.coprimes.len as u32;
        // every (start, stride) combination, plus some large seeds
        let seeds = (0..count * ncop + 3).chain([u32::MAX, u32::MAX / 3, 0x9e37_79b9]);
        for i in seeds {
            let mut e = o.start(i);
            let mut visited = vec![0u32; count as usize];
            let mut steps = 0;
            while !e.done() {
                let pos = e.position();
                assert!(pos < count);
                visited[pos as usize] += 1;
                steps += 1;
                e.next();
            }
            assert_eq!(steps, count);
            assert!(
                visited.iter().all(|&v| v == 1),
                "count {count}, start({i}): {visited:?}"
            );
        }
    }
}
