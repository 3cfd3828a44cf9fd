//! The Chinese edition stays in step with the English one (`po/`, `scripts/i18n/`):
//!
//! - `po/messages.pot` is what `make i18n-update` extracts from the sources now;
//! - `po/zh-CN.po` translates every message of it, none fuzzy, none obsolete, each one
//!   keeping its Markdown (links, code, anchors, includes, admonitions, HTML), the glossary's
//!   Chinese terms, and none reproducing the article (`scripts/i18n/check.py`); `msgfmt`
//!   accepts it;
//! - every message is one that mdbook-gettext meets when it builds the Chinese edition (the
//!   extraction hides code blocks and generated tables: that must not change a message);
//! - `chapters-src/generated/ui-strings.js` is what the PO file gives;
//! - the From-the-article blocks are short summaries: together under two thirds of the
//!   article's prose, the left-out messages (〔略〕) only there;
//! - the checker fails on each kind of breakage (a mutated copy of the PO file).
//!
//! The built editions are checked in the browser test (`scripts/browser-test.sh`).

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs a command from the repository root with the project's tools on PATH (as the
/// Makefile does); (success, stdout + stderr).
fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let path = format!(
        "{ROOT}/.tools/bin:{}",
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(cmd)
        .args(args)
        .current_dir(ROOT)
        .env("PATH", path)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("i18n-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn the_pot_file_is_what_the_sources_give() {
    let fresh = scratch("pot").join("messages.pot");
    let (ok, out) = run("scripts/i18n/extract.sh", &[fresh.to_str().unwrap()]);
    assert!(ok, "scripts/i18n/extract.sh failed:\n{out}");
    let want = read(&fresh);
    let have = read(&Path::new(ROOT).join("po/messages.pot"));
    if want != have {
        let (_, diff) = run("diff", &["-u", "po/messages.pot", fresh.to_str().unwrap()]);
        panic!(
            "po/messages.pot is stale against the English sources: run `make i18n-update` \
             (and translate what it marks). The difference:\n{}",
            diff.lines().take(60).collect::<Vec<_>>().join("\n")
        );
    }
}

#[test]
fn every_message_is_translated_and_keeps_its_markdown() {
    let (ok, out) = run("python3", &["scripts/i18n/check.py"]);
    assert!(ok, "scripts/i18n/check.py:\n{out}");
    assert!(
        out.contains("(100%), 0 fuzzy") && out.trim_end().ends_with("0 problem(s)"),
        "{out}"
    );
    let (ok, out) = run(
        "msgfmt",
        &["--check", "--statistics", "-o", "/dev/null", "po/zh-CN.po"],
    );
    assert!(ok, "msgfmt --check po/zh-CN.po:\n{out}");
    assert!(
        !out.contains("fuzzy") && !out.contains("untranslated"),
        "{out}"
    );
}

#[test]
fn every_message_is_met_when_the_book_is_built() {
    // A plain mdbook-xgettext of the book: the messages as mdbook-gettext sees them.
    let dir = scratch("full");
    let (ok, out) = run(
        "env",
        &[
            r#"MDBOOK_OUTPUT={"xgettext": {"pot-file": "messages.pot"}}"#,
            "mdbook",
            "build",
            "-d",
            dir.to_str().unwrap(),
        ],
    );
    assert!(ok, "mdbook-xgettext:\n{out}");
    let full = dir.join("messages.pot");
    let (ok, out) = run(
        "python3",
        &["scripts/i18n/check.py", "--covers", full.to_str().unwrap()],
    );
    assert!(ok, "{out}");
}

#[test]
fn the_ui_strings_are_the_po_files() {
    let dir = scratch("ui");
    let js = dir.join("ui-strings.js");
    let (ok, out) = run(
        "python3",
        &[
            "-c",
            &format!(
                "import sys; sys.path.insert(0, 'scripts/i18n'); import extras; \
                 open({js:?}, 'w', encoding='utf-8').write(extras.ui_js('po/zh-CN.po'))"
            ),
        ],
    );
    assert!(ok, "{out}");
    assert_eq!(
        read(&js),
        read(&Path::new(ROOT).join("chapters-src/generated/ui-strings.js")),
        "chapters-src/generated/ui-strings.js is stale: run `make i18n-update`"
    );
    // Every T('…') of our scripts has its translation there.
    let (ok, out) = run(
        "python3",
        &[
            "-c",
            "import sys; sys.path.insert(0, 'scripts/i18n'); import extras; \
             t = extras.translations('po/zh-CN.po'); \
             missing = [s for s in extras.ui_strings() if s not in t]; \
             print(missing); sys.exit(1 if missing else 0)",
        ],
    );
    assert!(ok, "UI strings without a translation: {out}");
}

const MUTATE: &str = "import sys; sys.path.insert(0, 'scripts/i18n'); import po
msgid, mode, a, b, out = sys.argv[1:]
es = po.parse(open('po/zh-CN.po', encoding='utf-8').read())
e = [e for e in es if e.msgid.startswith(msgid)][0]
new = e.msgstr.replace(a, b) if mode == 'replace' else a + e.msgstr + b if mode == 'wrap' else a
assert new != e.msgstr, 'the mutation changed nothing'
e.msgstr = new
open(out, 'w', encoding='utf-8').write(po.write(es))";

/// A copy of po/zh-CN.po with the translation of the message that starts with `msgid` changed: `replace` A by B in it,
/// `wrap` it in A…B, or `set` it to A.
fn mutated(name: &str, msgid: &str, mode: &str, a: &str, b: &str) -> PathBuf {
    let copy = scratch(name).join("zh-CN.po");
    let (ok, out) = run(
        "python3",
        &["-c", MUTATE, msgid, mode, a, b, copy.to_str().unwrap()],
    );
    assert!(ok, "mutating {msgid:?}: {out}");
    copy
}

fn check_fails_with(po: &Path, want: &str) {
    let (ok, out) = run(
        "python3",
        &["scripts/i18n/check.py", "--po", po.to_str().unwrap()],
    );
    assert!(!ok, "check.py passed a broken translation:\n{out}");
    assert!(out.contains(want), "expected {want:?} in:\n{out}");
}

#[test]
fn the_checker_catches_broken_translations() {
    // Each mutation is of one real entry; the checker must name the problem.
    let link = "**See:** [schedinit in order](schedinit.md#schedinit-in-order), [What runtime.main does](mainpc.md#what-runtimemain-does).";
    check_fails_with(
        &mutated(
            "link",
            link,
            "replace",
            "schedinit.md#schedinit-in-order",
            "schedinit.md#in-order",
        ),
        "link targets differ",
    );
    check_fails_with(
        &mutated(
            "code",
            "`atoi32` is `atoi64` plus a range check.",
            "replace",
            "`atoi64`",
            "atoi64",
        ),
        "inline code differs",
    );
    check_fails_with(
        &mutated("empty", "Introduction", "set", "", ""),
        "not translated",
    );
    // An English glossary term left untranslated: "scheduler" must be 调度器.
    let (ok, out) = run(
        "python3",
        &[
            "-c",
            "import sys; sys.path.insert(0, 'scripts/i18n'); import po; \
             es = po.parse(open('po/zh-CN.po', encoding='utf-8').read()); \
             print([e.msgid for e in es if e.msgid.startswith('This book follows')][0])",
        ],
    );
    assert!(ok, "{out}");
    let intro = out.trim_end().to_string();
    check_fails_with(
        &mutated("term", &intro, "replace", "调度器", "scheduler"),
        "glossary: 'scheduler' is 调度器",
    );
    // A copy of the article: its first section title, in the middle of a sentence.
    check_fails_with(
        &mutated(
            "copy",
            "Introduction",
            "wrap",
            "",
            "：GMP模型(2) Go程序启动流程",
        ),
        "reproduces the article",
    );
    // A bold closed after 。 and before a letter: shown with its asterisks.
    check_fails_with(
        &mutated(
            "bold",
            "**Sandbox.**",
            "replace",
            "**沙箱**。",
            "**沙箱。**",
        ),
        "a bold that does not close",
    );
    // Summaries as long as a translation: every left-out message (〔略〕) written out.
    let long = scratch("long").join("zh-CN.po");
    let (ok, out) = run(
        "python3",
        &[
            "-c",
            "import sys; sys.path.insert(0, 'scripts/i18n'); import po
es = po.parse(open('po/zh-CN.po', encoding='utf-8').read())
n = 0
for e in es:
    if e.msgstr == '〔略〕':
        e.msgstr = '原文在这里还有一段说明，这份摘要把它逐句转述了出来，没有省略任何一句话。'
        n += 1
assert n > 20, n
open(sys.argv[1], 'w', encoding='utf-8').write(po.write(es))",
            long.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    check_fails_with(&long, "the From-the-article summaries have");
    // 〔略〕 outside a From-the-article block.
    check_fails_with(
        &mutated("omitted", "Introduction", "set", "〔略〕", ""),
        "〔略〕 is only for",
    );
    // A fuzzy entry.
    let dir = scratch("fuzzy");
    let text = read(&Path::new(ROOT).join("po/zh-CN.po"));
    let fuzzy = text.replacen(
        "\nmsgid \"Introduction\"",
        "\n#, fuzzy\nmsgid \"Introduction\"",
        1,
    );
    assert_ne!(fuzzy, text);
    std::fs::write(dir.join("zh-CN.po"), fuzzy).unwrap();
    check_fails_with(&dir.join("zh-CN.po"), "fuzzy");
}
