//! The book's text keeps the shape the second edition gave it: every chapter ends with Check
//! it, Run it (with what changed, where the program prints a state), What to remember and its
//! exercises, collapsed; every term the glossary defines is linked from a chapter.

use gmp_boot_book::chapters;
use std::path::Path;

fn page(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("chapters-src/{name}.md"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The positions of the chapter's closing sections, in the order they must come.
#[test]
fn every_chapter_ends_the_same_way() {
    for ch in chapters() {
        let text = page(ch);
        let at = |h: &str| {
            text.find(h)
                .unwrap_or_else(|| panic!("{ch}.md has no `{h}`"))
        };
        let order = [
            at("## Check it"),
            at("## Run it"),
            at("## What to remember"),
            at("## Exercises"),
            at(&format!("{{{{#include generated/exercises-{ch}.md}}}}")),
        ];
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "{ch}.md: Check it, Run it, What to remember, Exercises must come in this order"
        );
        assert!(
            text[order[2]..order[3]].contains("<div class=\"remember\">"),
            "{ch}.md: What to remember is a box"
        );
    }
}

/// The generated exercise blocks are collapsed: one `<details class="exercises">` each.
#[test]
fn exercises_are_one_collapsed_block() {
    for ch in chapters() {
        let gen = page(&format!("generated/exercises-{ch}"));
        if gen.contains("### Exercise") {
            assert_eq!(
                gen.matches("<details class=\"exercises\">").count(),
                1,
                "generated/exercises-{ch}.md"
            );
            assert!(gen.trim_end().ends_with("</details>"));
        }
    }
}

/// A chapter whose program prints the state shows what changed right after the output.
#[test]
fn run_it_shows_what_changed() {
    for ch in chapters() {
        let text = page(ch);
        let snap = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("chapters-src/generated/{ch}-changes.snap"));
        let run = &text[text.find("## Run it").unwrap()..text.find("## What to remember").unwrap()];
        assert_eq!(
            snap.exists(),
            run.contains(&format!("{{{{#include generated/{ch}-changes.snap:4:}}}}")),
            "{ch}.md: Run it must include generated/{ch}-changes.snap exactly when it exists"
        );
    }
}

/// Every term of the glossary's own table (`<span id=…>`) is linked from some chapter.
#[test]
fn every_glossary_term_is_linked_from_a_chapter() {
    let glossary = page("glossary");
    let all: String = chapters().iter().map(|c| page(c)).collect();
    let ids: Vec<&str> = glossary
        .split("<span id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(ids.len() >= 10, "{ids:?}");
    let unlinked: Vec<&&str> = ids
        .iter()
        .filter(|id| !all.contains(&format!("glossary.md#{id})")))
        .collect();
    assert!(
        unlinked.is_empty(),
        "glossary terms no chapter links to (link the first use): {unlinked:?}"
    );
}

/// Every `{{#include file:ANCHOR}}` in the book names a file that exists and an anchor that
/// file defines (mdBook renders a missing anchor as an empty listing, silently).
#[test]
fn every_include_anchor_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("chapters-src");
    let mut checked = 0;
    let mut pages = vec![root.clone(), root.join("generated")];
    let mut files = Vec::new();
    while let Some(dir) = pages.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            }
        }
    }
    for md in files {
        let text = std::fs::read_to_string(&md).unwrap();
        for (_, rest) in text
            .match_indices("{{#include ")
            .map(|(i, _)| ((), &text[i + 11..]))
        {
            let spec = &rest[..rest.find("}}").expect("unclosed include")];
            let (file, anchor) = match spec.split_once(':') {
                Some((f, a)) => (f, Some(a)),
                None => (spec, None),
            };
            let target = md.parent().unwrap().join(file);
            let body = std::fs::read_to_string(&target)
                .unwrap_or_else(|e| panic!("{}: includes {}: {e}", md.display(), target.display()));
            // A line range (`4:` or `1:10`) is not an anchor.
            if let Some(a) = anchor.filter(|a| !a.starts_with(|c: char| c.is_ascii_digit())) {
                assert!(
                    body.contains(&format!("ANCHOR: {a}\n"))
                        && body.contains(&format!("ANCHOR_END: {a}\n")),
                    "{}: {{{{#include {spec}}}}}: no ANCHOR/ANCHOR_END `{a}` in {}",
                    md.display(),
                    target.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} includes found");
}
