//! Structure layout against Go 1.22's linux/386 go_asm.h (runtime2.go: gobuf 324, stack 411,
//! g 422, m 550, p 646, schedt 799), status names, and symbol lookup (symtab.go findfunc).

use super::{fresh, lock};
use crate::globals::*;
use std::collections::HashSet;

/// Every modelled field sits at Go's offset.
#[test]
fn layout_rows_match_go() {
    let _l = lock();
    assert!(LAYOUT.len() > 90);
    let mut bad = Vec::new();
    for r in LAYOUT {
        if r.ours != r.go {
            bad.push(format!(
                "{}.{}: ours {} go {}",
                r.strukt, r.field, r.ours, r.go
            ));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Each row is listed once, and every offset lies inside its structure.
#[test]
fn layout_rows_unique_and_in_bounds() {
    let _l = lock();
    let sizes: std::collections::HashMap<&str, usize> =
        SIZES.iter().map(|&(n, ours, _)| (n, ours)).collect();
    let mut seen = HashSet::new();
    for r in LAYOUT {
        assert!(
            seen.insert((r.strukt, r.field)),
            "{}.{} listed twice",
            r.strukt,
            r.field
        );
        let size = sizes[r.strukt];
        assert!(r.ours < size, "{}.{} outside {}", r.strukt, r.field, size);
    }
    // Within a structure the rows are in offset order.
    for w in LAYOUT.windows(2) {
        if w[0].strukt == w[1].strukt {
            assert!(
                w[0].go <= w[1].go,
                "{}.{} before {}",
                w[0].strukt,
                w[0].field,
                w[1].field
            );
        }
    }
}

/// go_asm.h `gobuf__size` etc.: 28, 8, 260, 1296, 4576, 6712 on 386.
#[test]
fn sizes_match_go() {
    let _l = lock();
    let want = [
        ("gobuf", 28),
        ("stack", 8),
        ("g", 260),
        ("m", 1296),
        ("p", 4576),
        ("schedt", 6712),
    ];
    assert_eq!(SIZES.len(), want.len());
    for (&(name, ours, go), (wname, wsize)) in SIZES.iter().zip(want) {
        assert_eq!(name, wname);
        assert_eq!(ours, go, "{name}");
        assert_eq!(go, wsize, "{name}");
    }
    assert_eq!(core::mem::size_of::<gList>(), 8);
    assert_eq!(core::mem::size_of::<gQueue>(), 8);
    assert_eq!(core::mem::size_of::<Slice<*mut p>>(), 12);
    // schedt holds a uint64 at offset 0 accessed atomically: 8-aligned like Go's.
    assert_eq!(core::mem::align_of::<schedt>(), 8);
    assert_eq!(runtime_sched.get() as usize % 8, 0);
}

/// runtime2.go:37-156: the `_G*` and `_P*` values, and the names the reports print.
#[test]
fn status_values_and_names() {
    let _l = lock();
    assert_eq!(
        [_Gidle, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, _Gdead],
        [0, 1, 2, 3, 4, 6]
    );
    assert_eq!(
        [_Pidle, _Prunning, _Psyscall, _Pgcstop, _Pdead],
        [0, 1, 2, 3, 4]
    );
    assert_eq!(gstatus_name(_Grunnable), "_Grunnable");
    assert_eq!(gstatus_name(_Gdead), "_Gdead");
    assert_eq!(gstatus_name(5), "_G?"); // _Gmoribund_unused
    assert_eq!(gstatus_word(_Grunning), "running");
    assert_eq!(gstatus_word(_Gwaiting), "waiting");
    assert_eq!(gstatus_word(99), "unknown");
    assert_eq!(pstatus_name(_Pgcstop), "_Pgcstop");
    assert_eq!(pstatus_name(_Pidle), "_Pidle");
    assert_eq!(pstatus_name(9), "_P?");
}

/// `Slice::as_slice`: the `len` elements at `array` (not `cap`), in place.
#[test]
fn slice_header() {
    let _l = lock();
    let mut v = [1u32, 2, 3, 4];
    let s = Slice {
        array: v.as_mut_ptr(),
        len: 3,
        cap: 4,
    };
    let got = unsafe { s.as_slice() };
    assert_eq!(got, &[1, 2, 3]);
    assert_eq!(
        got.as_ptr(),
        v.as_ptr(),
        "the slice's own array, not a copy"
    );
    let one = Slice {
        array: v[3..].as_mut_ptr(),
        len: 1,
        cap: 1,
    };
    assert_eq!(unsafe { one.as_slice() }, &[4]);
}

/// A nil slice (null array) and an empty one are empty slices (from_raw_parts would be
/// undefined behaviour on a null pointer), and so are allp and allgs before the boot.
#[test]
fn nil_slices_are_empty() {
    let _l = fresh();
    let nil: Slice<u32> = Slice::nil();
    assert!(unsafe { nil.as_slice() }.is_empty());
    let mut v = [7u32];
    let empty = Slice {
        array: v.as_mut_ptr(),
        len: 0,
        cap: 1,
    };
    assert!(unsafe { empty.as_slice() }.is_empty());
    assert!(allp().is_empty());
    assert!(allgs().is_empty());
}

/// Where the test executable is loaded: the chapter programs are static non-PIE
/// executables, so symtab::lookup takes symbol values as run-time addresses; the test
/// binary is PIE, so a run-time pc must be turned back into a link-time one first.
fn exe_load_base() -> usize {
    let exe = std::fs::canonicalize("/proc/self/exe").unwrap();
    let exe = exe.to_str().unwrap();
    let text = std::fs::read_to_string("/proc/self/maps").unwrap();
    text.lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 6 && f[5] == exe && usize::from_str_radix(f[2], 16).ok()? == 0)
                .then(|| usize::from_str_radix(f[0].split('-').next().unwrap(), 16).unwrap())
        })
        .expect("the executable's first mapping")
}

/// symtab.go findfunc, done with our ELF symbol table: goexit+1 (the return address
/// newproc1 plants) is inside runtime.goexit.
#[test]
fn symtab_names_goexit() {
    let _l = lock();
    use crate::symtab::*;
    let pc = crate::newproc::goexitPC() - exe_load_base();
    assert_eq!(lookup(pc), Some(("runtime_goexit", 0)));
    assert_eq!(lookup(pc + 1), Some(("runtime_goexit", 1)));
    let mut s = String::new();
    write_pc(&mut s, pc + 1).unwrap();
    assert_eq!(s, "runtime.goexit+1");
    s.clear();
    write_pc(&mut s, pc).unwrap();
    assert_eq!(s, "runtime.goexit");
    s.clear();
    // A heap address is in no symbol.
    write_pc(&mut s, crate::malloc::sysAlloc(4096) as usize + 16).unwrap();
    assert_eq!(s, "?");
    for (name, go) in [
        ("runtime_main", "runtime.main"),
        ("main_main", "main.main"),
        ("main_other", "main_other"),
        ("memmove", "memmove"),
    ] {
        let mut s = String::new();
        write_go_name(&mut s, name).unwrap();
        assert_eq!(s, go);
    }
}
