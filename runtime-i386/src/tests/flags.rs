//! The programs' command-line parser, base::args::parse_args: Go's flag package (flag.go
//! parseOne, strconv.ParseBool) for `-json`, then the example programs' positional counts.

use super::lock;
use crate::base::args::*;

const CHAPTER: Cmdline = Cmdline {
    json: true,
    args: &[],
};
const COUNTS: Cmdline = Cmdline {
    json: false,
    args: &[
        Arg {
            name: "N",
            usage: "n",
            kind: ArgKind::Count { min: 0, default: 7 },
        },
        Arg {
            name: "ROUNDS",
            usage: "rounds",
            kind: ArgKind::Count { min: 1, default: 5 },
        },
    ],
};

fn parse<'a>(cmd: &Cmdline, args: &[&'a str]) -> Result<Args, FlagError<'a>> {
    parse_args(cmd, args.iter().map(|a| a.as_bytes()))
}

/// flag.go parseOne: one or two dashes, `=value` for a bool, `--` ends the flags.
#[test]
fn json_flag_as_go_flag_bool() {
    let _l = lock();
    for (args, want) in [
        (&[][..], false),
        (&["-json"], true),
        (&["--json"], true),
        (&["-json=false"], false),
        (&["-json=T", "-json=0"], false),
        (&["--json=True"], true),
        (&["--"], false),
        (&["-json", "--"], true),
    ] {
        assert_eq!(parse(&CHAPTER, args).map(|a| a.json), Ok(want), "{args:?}");
    }
}

/// flag.go parseOne's errors, and -h / -help as ErrHelp.
#[test]
fn flag_errors_as_go() {
    let _l = lock();
    for (args, want) in [
        (&["-h"][..], FlagError::Help),
        (&["--help=no"], FlagError::Help),
        (&["-json=yes"], FlagError::BadBool(b"yes")),
        (&["--jsn=1"], FlagError::Undefined(b"jsn")),
        (&["---json"], FlagError::BadSyntax(b"---json")),
        (&["-=1"], FlagError::BadSyntax(b"-=1")),
        (&["-json", "x"], FlagError::Unexpected(b"x")),
        (&["--", "-json"], FlagError::Unexpected(b"-json")),
        (&["-"], FlagError::Unexpected(b"-")),
    ] {
        assert_eq!(parse(&CHAPTER, args), Err(want), "{args:?}");
    }
    // A program without -json does not know it.
    assert_eq!(
        parse(&COUNTS, &["-json"]),
        Err(FlagError::Undefined(b"json"))
    );
}

/// Counts: strconv.Atoi's syntax, int32's range (Go's int on 386), the program's minimum.
#[test]
fn counts_parse_or_say_why_not() {
    let _l = lock();
    let a = parse(&COUNTS, &[]).unwrap();
    assert_eq!((a.count(&COUNTS, 0), a.count(&COUNTS, 1)), (7, 5));
    assert!(!a.given(0));
    let a = parse(&COUNTS, &["0", "+3"]).unwrap();
    assert_eq!((a.count(&COUNTS, 0), a.count(&COUNTS, 1)), (0, 3));
    assert!(a.given(0) && a.given(1));
    let a = parse(&COUNTS, &["2147483647"]).unwrap();
    assert_eq!(a.count(&COUNTS, 0), 2147483647);
    let bad = |args: &[&'static str], index, value: &'static str, why| {
        assert_eq!(
            parse(&COUNTS, args),
            Err(FlagError::BadValue {
                index,
                value: value.as_bytes(),
                why
            }),
            "{args:?}"
        );
    };
    bad(&["abc"], 0, "abc", Why::Syntax);
    bad(&[""], 0, "", Why::Syntax);
    bad(&["1e3"], 0, "1e3", Why::Syntax);
    bad(&["+"], 0, "+", Why::Syntax);
    bad(&["2147483648"], 0, "2147483648", Why::Range);
    bad(
        &["99999999999999999999999"],
        0,
        "99999999999999999999999",
        Why::Range,
    );
    bad(&["1", "0"], 1, "0", Why::Min(1));
    bad(&["--", "-5"], 0, "-5", Why::Min(0));
    assert_eq!(
        parse(&COUNTS, &["-5"]),
        Err(FlagError::Undefined(b"5")),
        "a negative number is a flag to Go's flag package"
    );
    assert_eq!(
        parse(&COUNTS, &["1", "2", "3"]),
        Err(FlagError::Unexpected(b"3"))
    );
}
