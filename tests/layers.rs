//! The runtime's layers, read from its source: a chapter's module uses only the base layer
//! and the chapters before it (in the book's order, runtime-i386/stages.txt); the base uses
//! no chapter; and no modules use each other in a cycle. A `use crate::…` (or a path
//! `crate::…::item`, or `$crate::…` in a macro) is a use; the unit tests (`src/tests`) and
//! the crate root are exempt, and so is `report.rs`, the layer above the chapters.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modules of the part after the boot, in the book's order.
const AFTER_BOOT: &[&str] = &["preempt", "entersyscall"];

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runtime-i386/src");

/// Module name ("base::print", "newproc") → the modules its code names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut g = BTreeMap::new();
    let mut files = vec![];
    for dir in ["", "base"] {
        for e in std::fs::read_dir(Path::new(SRC).join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "rs") {
                files.push((dir, p));
            }
        }
    }
    // `#[macro_export]` macros are named at the crate root: `crate::println!`.
    let mut macros = BTreeMap::new();
    for (dir, p) in &files {
        let stem = p.file_stem().unwrap().to_str().unwrap();
        let name = if dir.is_empty() {
            stem.to_string()
        } else {
            format!("base::{stem}")
        };
        for l in std::fs::read_to_string(p).unwrap().lines() {
            if let Some(m) = l.strip_prefix("macro_rules! ") {
                macros.insert(m.trim_end_matches(" {").to_string(), name.clone());
            }
        }
    }
    for (dir, p) in files {
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        if ["lib", "tests", "mod"].contains(&stem.as_str()) {
            continue;
        }
        let name = if dir.is_empty() {
            stem
        } else {
            format!("base::{stem}")
        };
        let text = std::fs::read_to_string(&p).unwrap();
        let mut uses = BTreeSet::new();
        for line in text.lines() {
            let code = line.split("//").next().unwrap();
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                let path: String = rest[i + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let mut parts = path.split("::");
                let first = parts.next().unwrap_or("");
                let target = if first == "base" {
                    format!("base::{}", parts.next().unwrap_or(""))
                } else if let Some(m) = macros.get(first) {
                    m.clone() // an exported macro: the module that defines it
                } else {
                    first.to_string()
                };
                if !target.is_empty() && target != name {
                    uses.insert(target);
                }
                rest = &rest[i + 7..];
            }
        }
        g.insert(name, uses);
    }
    g
}

#[test]
fn chapters_use_only_the_base_and_earlier_chapters() {
    let g = graph();
    let mut order = gmp_boot_book::chapters();
    assert!(order.len() >= 8);
    // The book's part after the boot ("After the boot: Ms come alive") has no stop point
    // of its own; its modules come after every chapter, in this order.
    order.extend(AFTER_BOOT.iter().copied());
    let mut bad = vec![];
    for (m, uses) in &g {
        for u in uses {
            let ok = if m.starts_with("base::") {
                u.starts_with("base::")
            } else if let Some(i) = order.iter().position(|c| c == m) {
                u.starts_with("base::") || order[..i].contains(&u.as_str())
            } else {
                m == "report"
            };
            if !ok {
                bad.push(format!("{m} uses {u}"));
            }
        }
    }
    for m in g
        .keys()
        .filter(|m| !m.starts_with("base::") && *m != "report")
    {
        assert!(
            order.contains(&m.as_str()),
            "{m}.rs is neither a chapter (stages.txt) nor in the base"
        );
    }
    assert!(
        bad.is_empty(),
        "backward or upward uses:\n  {}",
        bad.join("\n  ")
    );
}

#[test]
fn no_modules_use_each_other_in_a_cycle() {
    let g = graph();
    // Depth-first search for a back edge; the path is the cycle.
    fn visit<'a>(
        m: &'a str,
        g: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| *p == m) {
            return Some(
                path[i..]
                    .iter()
                    .map(|s| s.to_string())
                    .chain([m.to_string()])
                    .collect(),
            );
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for u in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(u, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        if let Some(cycle) = visit(m, &g, &mut vec![], &mut done) {
            panic!("modules in a cycle: {}", cycle.join(" -> "));
        }
    }
}

/// The graph as a list, for the notes: `cargo test --test layers -- --nocapture`.
#[test]
fn print_the_module_graph() {
    for (m, uses) in graph() {
        println!(
            "{m:22} -> {}",
            uses.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
}
