//! atoi64/atoi32/atoi (string.go:360-421), GOMAXPROCS parsing (proc.go:822-826) and the
//! huge page size parsing of getHugePageSize (os_linux.go:319-341).

use super::lock;
use crate::base::string::{atoi, atoi32, atoi64};
use crate::rt0_go::parseHugePageSize;
use crate::schedinit::gomaxprocs_from_env;

/// string.go:360 `atoi64`: an optional '-' and decimal digits only.
#[test]
fn atoi64_accepts_optional_minus_and_digits() {
    let _l = lock();
    let ok: &[(&str, i64)] = &[
        ("8", 8),
        ("-1", -1),
        ("0", 0),
        ("-0", 0),
        ("007", 7),
        ("2147483647", 2147483647),
        ("2147483648", 2147483648),
        ("-2147483648", -2147483648),
        ("-2147483649", -2147483649),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
    ];
    for &(s, want) in ok {
        assert_eq!(atoi64(s.as_bytes()), Some(want), "atoi64({s:?})");
    }
}

/// string.go:360 `atoi64`: "" and anything but digits after the optional '-' fail, as does
/// overflow (string.go:377-386 and the range checks at 389-394).
#[test]
fn atoi64_rejects_non_numbers_and_overflow() {
    let _l = lock();
    let bad = [
        "",
        "abc",
        "+5",
        " 5",
        "5 ",
        "5a",
        "--5",
        "-+5",
        "1_000",
        "0x10",
        "1.5",
        "9223372036854775808",   // maxInt64 + 1
        "-9223372036854775809",  // minInt64 - 1
        "18446744073709551615",  // maxUint64: fits un, not int64
        "18446744073709551616",  // maxUint64 + 1: the un1 < un wrap check
        "-18446744073709551616", // same, negative
        "99999999999999999999",  // un > maxUint64/10 check
        "184467440737095516150", // un > maxUint64/10 on the last digit
    ];
    for s in bad {
        assert_eq!(atoi64(s.as_bytes()), None, "atoi64({s:?})");
    }
}

/// string.go:360 `atoi64("-")`: Go strips the '-' and then parses an empty digit string as
/// 0 with ok == true (the emptiness check is only on the whole string).
#[test]
fn atoi64_lone_minus_is_zero_like_go() {
    let _l = lock();
    assert_eq!(atoi64(b"-"), Some(0));
    assert_eq!(atoi32(b"-"), Some(0));
}

/// string.go:416 `atoi32`: atoi64, and the result must survive int64(int32(n)).
#[test]
fn atoi32_range() {
    let _l = lock();
    let cases: &[(&str, Option<i32>)] = &[
        ("8", Some(8)),
        ("-1", Some(-1)),
        ("0", Some(0)),
        ("", None),
        ("abc", None),
        ("+5", None),
        (" 5", None),
        ("5 ", None),
        ("2147483647", Some(i32::MAX)),
        ("2147483648", None),
        ("-2147483648", Some(i32::MIN)),
        ("-2147483649", None),
        ("4294967296", None), // would wrap to 0 in int32
        ("4294967297", None), // would wrap to 1
        ("9223372036854775807", None),
        ("9223372036854775808", None),
        ("18446744073709551616", None),
    ];
    for &(s, want) in cases {
        assert_eq!(atoi32(s.as_bytes()), want, "atoi32({s:?})");
        // string.go:407 `atoi` on 386, where int is 32 bits, is the same function.
        assert_eq!(atoi(s.as_bytes()), want, "atoi({s:?})");
    }
}

/// proc.go:823-826: `procs := ncpu; if n, ok := atoi32(gogetenv("GOMAXPROCS")); ok && n > 0
/// { procs = n }` (gogetenv returns "" when the variable is unset).
#[test]
fn gomaxprocs_from_env_falls_back_to_ncpu() {
    let _l = lock();
    let cases: &[(Option<&str>, i32)] = &[
        (None, 4),
        (Some(""), 4),
        (Some("0"), 4),
        (Some("-1"), 4),
        (Some("-2147483648"), 4),
        (Some("abc"), 4),
        (Some(" 2"), 4),
        (Some("2 "), 4),
        (Some("+2"), 4),
        (Some("2147483648"), 4),
        (Some("1"), 1),
        (Some("33"), 33),
        (Some("4"), 4),
        (Some("2147483647"), i32::MAX),
    ];
    for &(env, want) in cases {
        assert_eq!(
            gomaxprocs_from_env(4, env.map(str::as_bytes)),
            want,
            "GOMAXPROCS={env:?}"
        );
    }
    // The fallback is whatever ncpu is.
    assert_eq!(gomaxprocs_from_env(1, Some(b"0")), 1);
    assert_eq!(gomaxprocs_from_env(64, None), 64);
}

/// os_linux.go:319 `getHugePageSize`: `n--` drops the trailing newline, then `atoi`; a
/// failed parse or a negative number gives 0, and so does anything not a power of two.
#[test]
fn parse_huge_page_size() {
    let _l = lock();
    let cases: &[(&[u8], usize)] = &[
        (b"2097152\n", 2097152),
        (b"4194304\n", 4194304),
        (b"1\n", 1),
        (b"0\n", 0),
        (b"3000\n", 0),
        (b"abc\n", 0),
        (b"\n", 0),
        (b"-2\n", 0),
        (b"-2097152\n", 0),
        (b" 2097152\n", 0),
        (b"2147483648\n", 0), // does not fit in atoi's 32-bit int on 386
        (b"1073741824\n", 1073741824),
        // Go removes the last byte whatever it is: "40960" is read as "4096".
        (b"40960", 4096),
        (b"2097152", 0), // "209715": odd, so not a power of two
        (b"", 0),
    ];
    for &(s, want) in cases {
        assert_eq!(
            parseHugePageSize(s),
            want,
            "parseHugePageSize({:?})",
            String::from_utf8_lossy(s)
        );
    }
}
