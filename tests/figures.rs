//! The book's figures outside the browser: each mermaid figure (chapters-src/generated/
//! NAME-figure.snap, drift-tested by tests/book_outputs.rs) has an SVG rendering beside it
//! (NAME-figure.svg, made by `make generated` through scripts/render-figures.sh) that print
//! and readers without JavaScript see. These tests fail when:
//!
//! - a figure's SVG is missing, or was rendered from another source than the figure's
//!   current one (the SVG records the sha256 of its source: a changed figure with a stale SVG
//!   fails here, `make generated` renders it again), or is not a standalone SVG with SVG text;
//! - a chapter shows a figure other than as `<figure class="book-figure">` with its mermaid,
//!   its `<img class="figure-svg">` and a caption;
//! - a figure shows a value where our runtime differs from Go 1.22 and its caption does not
//!   say so ([`DIFFERENCES`]).

use gmp_boot_book::{snapshot_body, snapshot_dir};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The figures: the names of chapters-src/generated/*-figure.snap, without `.snap`.
fn figures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(snapshot_dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix("-figure.snap")
                .map(|n| format!("{n}-figure"))
        })
        .collect();
    names.sort();
    assert!(
        !names.is_empty(),
        "no *-figure.snap in chapters-src/generated"
    );
    names
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The value of `attr="…"` in the first tag `<tag …>` of `text`.
fn attribute(text: &str, tag: &str, attr: &str) -> Option<String> {
    let open = text.find(&format!("<{tag} "))?;
    let end = open + text[open..].find('>')?;
    let head = &text[open..end];
    let at = head.find(&format!(" {attr}=\""))? + attr.len() + 3;
    Some(head[at..at + head[at..].find('"')?].to_string())
}

#[test]
fn every_figure_svg_was_rendered_from_its_current_source() {
    let mut stale = vec![];
    for name in figures() {
        let source = snapshot_body(&name).unwrap();
        let path = snapshot_dir().join(format!("{name}.svg"));
        let Ok(svg) = std::fs::read_to_string(&path) else {
            stale.push(format!("{name}.svg is missing"));
            continue;
        };
        let want = sha256_hex(&source);
        match attribute(&svg, "svg", "data-source-sha256") {
            Some(got) if got == want => {}
            Some(got) => stale.push(format!(
                "{name}.svg was rendered from another source (sha256 {got}, the figure's is {want})"
            )),
            None => stale.push(format!("{name}.svg records no data-source-sha256")),
        }
        assert!(
            svg.contains(&format!("<!-- source-sha256: {want} -->")) || !stale.is_empty(),
            "{name}.svg: its comment does not name its source's sha256"
        );
        // A standalone picture: its own size, its labels as SVG text (an <img> and print do
        // not depend on HTML inside the SVG), not mermaid's error picture.
        for attr in ["width", "height", "viewBox", "xmlns"] {
            assert!(
                attribute(&svg, "svg", attr).is_some(),
                "{name}.svg: its <svg> has no {attr}"
            );
        }
        assert!(
            !svg.contains("<foreignObject"),
            "{name}.svg: labels are HTML (foreignObject), not SVG text"
        );
        assert!(
            !svg.contains("aria-roledescription=\"error\""),
            "{name}.svg is mermaid's syntax-error picture"
        );
    }
    // No SVG of a figure that is gone.
    for e in std::fs::read_dir(snapshot_dir()).unwrap() {
        let file = e.unwrap().file_name().into_string().unwrap();
        if let Some(name) = file.strip_suffix("-figure.svg") {
            assert!(
                figures().contains(&format!("{name}-figure")),
                "chapters-src/generated/{file}: no {name}-figure.snap any more; remove it"
            );
        }
    }
    assert!(
        stale.is_empty(),
        "stale figure renderings (run `make generated`, or scripts/render-figures.sh):\n  {}",
        stale.join("\n  ")
    );
}

/// Where a figure shows one of our values that differs from Go 1.22's: (what the figure's
/// source contains, what its caption must then say).
const DIFFERENCES: &[(&str, &[&str])] = &[
    // A goroutine's stack (not g0's): ours is a fixed 64 KiB mapping, Go's starts at 2 KiB.
    (
        "stack 65536 bytes",
        &["Differs from Go 1.22", "65,536", "2 KiB", "grow"],
    ),
    // g0.sched.sp, where mstart1 saved it: Go's is hi-20, ours below our mstart0's frame.
    ("g0.sched.sp = hi-", &["Differs from Go 1.22", "hi-20"]),
];

/// A chapter's figure blocks: (the figure's name, the whole `<figure …>…</figure>` text), and
/// every line that includes a figure's snapshot outside such a block.
fn figure_blocks(text: &str) -> (Vec<(String, String)>, Vec<String>) {
    let (mut blocks, mut loose) = (vec![], vec![]);
    let mut rest = text;
    while let Some(at) = rest.find("{{#include generated/") {
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = at + rest[at..].find('\n').unwrap_or(rest.len() - at);
        let line = &rest[line_start..line_end];
        let inc = &rest[at + "{{#include generated/".len()..line_end];
        let Some(name) = inc
            .split_once(".snap")
            .map(|(n, _)| n)
            .filter(|n| n.ends_with("-figure"))
        else {
            rest = &rest[line_end..];
            continue;
        };
        let open = rest[..at].rfind("<figure");
        let close = rest[at..].find("</figure>").map(|c| at + c);
        match (open, close) {
            (Some(o), Some(c)) if !rest[o..at].contains("</figure>") => {
                blocks.push((name.to_string(), rest[o..c + "</figure>".len()].to_string()));
                rest = &rest[c..];
            }
            _ => {
                loose.push(line.to_string());
                rest = &rest[line_end..];
            }
        }
    }
    (blocks, loose)
}

#[test]
fn every_figure_is_shown_with_its_svg_and_a_caption() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("chapters-src");
    let mut shown = vec![];
    let mut files: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let (blocks, loose) = figure_blocks(&text);
        assert!(
            loose.is_empty(),
            "{file}: a figure outside <figure class=\"book-figure\">…</figure> (no SVG for print \
             and readers without JavaScript): {loose:?}"
        );
        for (name, block) in blocks {
            assert!(
                block.starts_with("<figure class=\"book-figure\""),
                "{file}: {name}: the figure is not <figure class=\"book-figure\" …>"
            );
            assert!(
                block.contains("```mermaid\n"),
                "{file}: {name}: no mermaid fence in the figure"
            );
            let img = format!("<img class=\"figure-svg\" src=\"generated/{name}.svg\" alt=\"");
            assert!(
                block.contains(&img) && !block.contains(&format!("{img}\"")),
                "{file}: {name}: the figure needs `{img}…\">` (with a non-empty alt text)"
            );
            let caption = block
                .split_once("<figcaption>")
                .and_then(|(_, c)| c.split_once("</figcaption>"))
                .map(|(c, _)| c.trim().to_string())
                .unwrap_or_default();
            assert!(
                !caption.is_empty(),
                "{file}: {name}: the figure has no <figcaption>"
            );
            let source =
                snapshot_body(&name).unwrap_or_else(|| panic!("{file}: no generated/{name}.snap"));
            for (shows, says) in DIFFERENCES {
                // g0.sched.sp = hi-20 is Go's own value: nothing to say then.
                if source.contains(shows) && !source.contains(&format!("{shows}20 ")) {
                    for words in *says {
                        assert!(
                            caption.contains(words),
                            "{file}: {name} shows `{shows}…`, where we differ from Go 1.22: \
                             its caption must say so (it lacks {words:?}):\n{caption}"
                        );
                    }
                }
            }
            shown.push(name);
        }
    }
    for name in figures() {
        assert!(
            shown.contains(&name),
            "no chapter shows generated/{name}.snap as a figure"
        );
    }
}
