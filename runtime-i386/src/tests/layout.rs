//! Structure layout against Go 1.22's linux/386 go_asm.h (runtime2.go: gobuf 324, stack 411,
//! g 422, m 550, p 646, schedt 799), status names, and symbol lookup (symtab.go findfunc).

use super::{fresh, lock};
use crate::globals::*;
use std::collections::HashSet;

/// Each structure's table covers it exactly: its fields, padding included, follow each other
/// with no gap and end at the structure's size (so every byte is accounted for, and
/// `go_struct!`'s compile-time checks cover the whole layout).
#[test]
fn layout_tables_tile_their_structures() {
    let _l = lock();
    assert_eq!(LAYOUT.len(), SIZES.len());
    for (table, &(name, size)) in LAYOUT.iter().zip(SIZES) {
        let mut at = 0;
        for r in *table {
            assert_eq!(r.strukt, name);
            assert_eq!(
                r.offset, at,
                "{name}.{} does not follow the field before it",
                r.field
            );
            at += r.size;
        }
        assert_eq!(at, size, "{name}'s fields do not add up to its size");
    }
}

/// Every assembly symbol names one field, and the fields the assembly reads have one.
#[test]
fn asm_symbols_are_unique_and_named_after_their_field() {
    let _l = lock();
    let mut seen = HashSet::new();
    for r in LAYOUT
        .iter()
        .flat_map(|t| t.iter())
        .filter(|r| !r.asm.is_empty())
    {
        assert!(seen.insert(r.asm), "{} twice", r.asm);
        assert_eq!(r.asm, format!("{}_{}", r.strukt, r.field));
    }
    for sym in [
        "g_m", "g_sched", "gobuf_sp", "gobuf_pc", "m_tls", "m_g0", "m_curg",
    ] {
        assert!(seen.contains(sym), "{sym}");
    }
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
    use crate::base::symtab::*;
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
    write_pc(&mut s, crate::base::malloc::sysAlloc(4096) as usize + 16).unwrap();
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
