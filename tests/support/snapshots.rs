//! The book's generated material as insta snapshots: one `.snap` file per chapter output,
//! figure and table in chapters-src/generated/, which the book includes without insta's
//! header (`{{#include generated/NAME.snap:4:}}`).
//!
//! What differs between machines and runs is replaced by a placeholder before a snapshot is
//! compared or written: the [`FILTERS`], the only place they are defined. The snapshots, and
//! so the book, show the placeholders. tests/book_outputs.rs and tests/go_diff/ apply them
//! through insta ([`book_snapshot!`](crate::book_snapshot)), tests/reader_commands.rs to what a
//! reader's `cargo run` prints ([`filter`]).
//!
//! `make generated` (`INSTA_UPDATE=always`) rewrites the snapshots; otherwise a difference
//! fails the test, and outside CI insta leaves a `NAME.snap.new` beside the snapshot for
//! `cargo insta review`.

use regex::Regex;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The lines of insta's header in a `.snap` file (`---`, `source: …`, `---`): the book's
/// includes start at the line after it. tests/book_outputs.rs fails if a snapshot's header
/// has another length, or if an include skips another number of lines.
pub const SNAPSHOT_HEADER_LINES: usize = 3;

/// What differs between machines and runs, as (regex, replacement) pairs applied in order
/// (insta's filters: `Regex::replace_all`). Each placeholder is in brackets and no filter
/// matches its own output, so filtering twice changes nothing.
pub const FILTERS: &[(&str, &str)] = &[
    // The auxiliary vector: the kernel chooses its entries (a newer kernel adds tags,
    // qemu-i386 has no vDSO and so no AT_SYSINFO) and their values (addresses, CPU
    // features). One line stands for all of them.
    (
        r"(?m)^( *auxv: \(tag, value\) pairs[^\n]*\n)(?: {4}[^\n]*(?:\n|\z))+",
        "${1}    [the kernel's entries]\n",
    ),
    // Addresses: where the kernel put the stack, the vDSO, the program.
    (r"\b0x[0-9a-fA-F]+\b", "[addr]"),
    // The CPU count of the machine (sched_getaffinity).
    (r"\bncpu=\d+", "ncpu=[ncpu]"),
    // The transparent huge page size (/sys/kernel/mm/transparent_hugepage/hpage_pmd_size;
    // 0 where there is none).
    (r"\bphysHugePageSize=\d+", "physHugePageSize=[hugepagesize]"),
    // CPU features and the signal stack size the kernel asks for.
    (r"\b(AT_HWCAP2?|AT_MINSIGSTKSZ)( +)\d+", "${1}${2}[value]"),
    // The program's path: `cargo run` passes an absolute one.
    (r"(?m)^( *argv\[0\] = ).*$", "${1}[program path]"),
    // The number of environment strings: the reader's shell has its own.
    (r"\b(envp: )\d+ strings", "${1}[n] strings"),
    // The thread id the kernel gave m0 (the boot trace; `--json`).
    (r#"(\bprocid=|"procid":)\d+"#, "${1}[tid]"),
    // The go-diff table's rows of the machine's fields, on both sides.
    (
        r"(?m)^\| (\w+) \| ncpu \| \d+ \| \d+ \|",
        "| ${1} | ncpu | [ncpu] | [ncpu] |",
    ),
    (
        r"(?m)^\| (\w+) \| physHugePageSize \| \d+ \| \d+ \|",
        "| ${1} | physHugePageSize | [hugepagesize] | [hugepagesize] |",
    ),
];

/// `text` with the [`FILTERS`] applied, as insta applies them to a snapshot.
pub fn filter(text: &str) -> String {
    static COMPILED: OnceLock<Vec<(Regex, &str)>> = OnceLock::new();
    let compiled = COMPILED.get_or_init(|| {
        FILTERS
            .iter()
            .map(|(re, with)| (Regex::new(re).expect("a valid filter"), *with))
            .collect()
    });
    let mut out = text.to_string();
    for (re, with) in compiled {
        out = re.replace_all(&out, *with).into_owned();
    }
    out
}

/// chapters-src/generated/, where the snapshots are.
pub fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("chapters-src/generated")
}

/// The snapshot `name` as the book shows it: the lines of chapters-src/generated/NAME.snap
/// after insta's header; None if there is no such snapshot.
pub fn snapshot_body(name: &str) -> Option<String> {
    let text = std::fs::read_to_string(snapshot_dir().join(format!("{name}.snap"))).ok()?;
    Some(
        text.split_inclusive('\n')
            .skip(SNAPSHOT_HEADER_LINES)
            .collect(),
    )
}

/// Compares `content` (a `&str`), filtered, with the book's snapshot `name`
/// (chapters-src/generated/NAME.snap), through insta: `Ok(())`, or `Err` naming the
/// snapshot after insta has printed the difference. Under `INSTA_UPDATE=always` a
/// difference rewrites the snapshot and is `Ok`. Needs `insta` among the caller's
/// dependencies.
#[macro_export]
macro_rules! book_snapshot {
    ($name:expr, $content:expr) => {{
        let name: &str = $name;
        let content: &str = $content;
        let mut settings = ::insta::Settings::clone_current();
        settings.set_snapshot_path($crate::snapshot_dir());
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        for (re, with) in $crate::FILTERS {
            settings.add_filter(re, *with);
        }
        // insta panics on a difference; the caller decides when to fail, after the others.
        ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
            settings.bind(|| ::insta::assert_snapshot!(name, content))
        }))
        .map_err(|_| ::std::format!("chapters-src/generated/{name}.snap"))
    }};
}
