//! "What changed since the previous chapter": the difference between two chapter programs'
//! printed states, field by field, in the notation the programs print.
//!
//! A state is the block every chapter program from rt0_go on prints: a line of globals
//! (`ncpu=… gomaxprocs=…`), then one line per thing (`sched:`, `m0:`, `g0:`, `allp:`, each P,
//! `idle list:`, `allgs:`, each g), each made of `key=value` fields. A thing that is new is
//! one row with its whole line; a thing that was there shows one row per field that changed.

use std::fmt::Write;

/// One printed thing: its name (`m0`, `P3`, `g1`, or "" for the line of globals) and its
/// fields in order (a P's or g's leading status word is the field `status`).
struct Thing {
    name: String,
    line: String,
    fields: Vec<(String, String)>,
}

/// The `key=value` fields of `text`; a value runs to the next key (values such as
/// `[lo, hi) 65432 bytes` contain spaces).
fn fields(text: &str) -> Vec<(String, String)> {
    let bytes = text.as_bytes();
    let mut starts = vec![];
    for (i, _) in text.match_indices('=') {
        // The key is the word before '=' (letters, digits, '_', '.', '[', ']').
        let mut k = i;
        while k > 0 && (bytes[k - 1].is_ascii_alphanumeric() || b"_.[]".contains(&bytes[k - 1])) {
            k -= 1;
        }
        if k < i && (k == 0 || bytes[k - 1] == b' ') {
            starts.push((k, i));
        }
    }
    let mut out = vec![];
    for (n, &(k, eq)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(text.len(), |&(next, _)| next);
        let value = text[eq + 1..end].trim().trim_end_matches(',').trim();
        out.push((text[k..eq].to_string(), value.to_string()));
    }
    out
}

/// The things of a printed state, or None if `out` has no state block (the globals and
/// rt0_386 programs print other things).
fn things(out: &str) -> Option<Vec<Thing>> {
    let mut v = vec![];
    for line in out.lines().filter(|l| !l.starts_with("== ")) {
        let t = line.trim();
        let (name, rest) = if t.starts_with("ncpu=") {
            (String::new(), t.to_string())
        } else if let Some((name, rest)) = t.split_once(": ") {
            (name.to_string(), rest.to_string())
        } else {
            // "P0  _Prunning m=…" or "g1 _Grunnable parent=…": the status is the first word.
            let (name, rest) = t.split_once(' ')?;
            let rest = rest.trim_start();
            let (status, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            let mut f = vec![("status".to_string(), status.to_string())];
            f.extend(fields(rest));
            v.push(Thing {
                name: name.to_string(),
                line: t.to_string(),
                fields: f,
            });
            continue;
        };
        let f = fields(&rest);
        let f = if f.is_empty() {
            vec![(String::new(), rest.clone())] // "allp: 8 Ps", "idle list: sched.pidle -> …"
        } else {
            f
        };
        v.push(Thing {
            name,
            line: t.to_string(),
            fields: f,
        });
    }
    v.iter().any(|t| t.name.is_empty()).then_some(v)
}

fn full_name(thing: &str, key: &str) -> String {
    match (thing.is_empty(), key.is_empty()) {
        (true, _) => key.to_string(),
        (_, true) => thing.to_string(),
        _ => format!("{thing}.{key}"),
    }
}

/// A value printed as zero: what every field was at the globals chapter (all of .bss zero).
fn is_zero(v: &str) -> bool {
    matches!(v, "0" | "nil" | "false" | "0 Ps" | "0 gs" | "0..0" | "[]")
}

/// The markdown table of what changed from `before` (the previous chapter's output, or None
/// when this is the first chapter that prints a state: then every non-zero field changed
/// from zero) to `after`. None if `after` prints no state block.
pub fn table(before: Option<(&str, &str)>, after: &str) -> Option<String> {
    let now = things(after)?;
    // A previous chapter that prints no state block counts as none: compared with zero.
    let (prev_name, was) = match before.and_then(|(name, out)| Some((name, things(out)?))) {
        Some((name, w)) => (name.to_string(), Some(w)),
        None => (String::new(), None),
    };
    let mut rows = vec![];
    for t in &now {
        let old = was.as_ref().map(|w| w.iter().find(|o| o.name == t.name));
        match old {
            // A thing the previous state did not have: one row, its whole line.
            Some(None) => rows.push((format!("{} (new)", t.name), "—".to_string(), t.line.clone())),
            Some(Some(o)) => {
                for (k, v) in &t.fields {
                    let ov = o.fields.iter().find(|(ok, _)| ok == k).map(|(_, v)| v);
                    if ov != Some(v) {
                        rows.push((
                            full_name(&t.name, k),
                            ov.cloned().unwrap_or_else(|| "—".into()),
                            v.clone(),
                        ));
                    }
                }
                // A field no longer printed (g1's [sched.sp] once gogo cleared sched.sp).
                for (k, ov) in &o.fields {
                    if !t.fields.iter().any(|(nk, _)| nk == k) {
                        rows.push((full_name(&t.name, k), ov.clone(), "—".into()));
                    }
                }
            }
            // No previous state: each field that is no longer zero.
            None => {
                for (k, v) in &t.fields {
                    if !is_zero(v) {
                        rows.push((full_name(&t.name, k), "0 (zero)".into(), v.clone()));
                    }
                }
            }
        }
    }
    if let Some(w) = &was {
        for o in w.iter().filter(|o| !now.iter().any(|t| t.name == o.name)) {
            rows.push((format!("{} (gone)", o.name), o.line.clone(), "—".into()));
        }
    }
    let mut md = String::new();
    if prev_name.is_empty() {
        md += "Compared with the state at the [globals](globals.md) chapter, where every \
               variable is still zero:\n\n";
    } else {
        writeln!(
            md,
            "Compared with the state at the end of [{prev_name}]({prev_name}.md#run-it):\n"
        )
        .unwrap();
    }
    // The div lets the book's CSS highlight the new values (chapters-src/theme/book.css).
    md += "<div class=\"changes\">\n\n| what | before | after |\n|---|---|---|\n";
    let cell = |s: &str| {
        if s == "—" || s == "0 (zero)" {
            s.to_string()
        } else {
            format!("`{}`", s.replace('|', "\\|"))
        }
    };
    for (what, b, a) in &rows {
        writeln!(md, "| `{what}` | {} | **{}** |", cell(b), cell(a)).unwrap();
    }
    if rows.is_empty() {
        md += "| (nothing) | | |\n";
    }
    md += "\n</div>\n";
    Some(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "== x ==\nncpu=2 gomaxprocs=0 mainStarted=false\nsched: goidgen=0 pidle=nil\n\
        m0: id=0 p=nil tls[0]=&g0\ng0: stack=[lo, hi) 65432 bytes, stackguard0=lo+0 m=&m0\n\
        allp: 0 Ps\nallgs: 0 gs\n";
    const B: &str = "== y ==\nncpu=2 gomaxprocs=8 mainStarted=false\nsched: goidgen=0 pidle=P1\n\
        m0: id=0 p=P0 tls[0]=&g0\ng0: stack=[lo, hi) 65432 bytes, stackguard0=lo+0 m=&m0\n\
        allp: 2 Ps\n  P0  _Prunning m=m0   link=nil runq=[]\n  P1  _Pidle    m=nil  link=nil runq=[]\n\
        idle list: sched.pidle -> P1\nallgs: 0 gs\n";

    #[test]
    fn fields_keep_values_with_spaces() {
        assert_eq!(
            fields("stack=[lo, hi) 65432 bytes, stackguard0=lo+0 [sched.sp]=runtime.goexit+1"),
            vec![
                ("stack".to_string(), "[lo, hi) 65432 bytes".to_string()),
                ("stackguard0".to_string(), "lo+0".to_string()),
                ("[sched.sp]".to_string(), "runtime.goexit+1".to_string()),
            ]
        );
    }

    #[test]
    fn changed_fields_and_new_things() {
        let t = table(Some(("rt0_go", A)), B).unwrap();
        assert!(t.contains("| `gomaxprocs` | `0` | **`8`** |"), "{t}");
        assert!(t.contains("| `sched.pidle` | `nil` | **`P1`** |"), "{t}");
        assert!(t.contains("| `m0.p` | `nil` | **`P0`** |"), "{t}");
        assert!(
            t.contains("| `P1 (new)` | — | **`P1  _Pidle    m=nil  link=nil runq=[]`** |"),
            "{t}"
        );
        assert!(t.contains("| `idle list (new)` |"), "{t}");
        assert!(
            !t.contains("ncpu") && !t.contains("`g0"),
            "unchanged rows: {t}"
        );
    }

    #[test]
    fn a_field_no_longer_printed_is_a_change() {
        let a = "ncpu=2\n  g1 _Grunning sched.sp=hi-20 [sched.sp]=runtime.goexit+1\n";
        let b = "ncpu=2\n  g1 _Grunning sched.sp=0\n";
        let t = table(Some(("mstart", a)), b).unwrap();
        assert!(t.contains("| `g1.sched.sp` | `hi-20` | **`0`** |"), "{t}");
        assert!(
            t.contains("| `g1.[sched.sp]` | `runtime.goexit+1` | **—** |"),
            "{t}"
        );
    }

    #[test]
    fn the_first_state_is_compared_with_zero() {
        let t = table(None, A).unwrap();
        assert!(t.contains("| `ncpu` | 0 (zero) | **`2`** |"), "{t}");
        assert!(t.contains("| `g0.stack` | 0 (zero) |"), "{t}");
        assert!(!t.contains("gomaxprocs") && !t.contains("m0.p"), "{t}");
    }

    #[test]
    fn no_state_block_no_table() {
        assert!(table(None, "== globals ==\nglobal type bytes value\n").is_none());
    }
}
