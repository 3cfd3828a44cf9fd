//! scripts/setup.sh, run on a simulated fresh machine: a PATH where `dpkg` knows no package,
//! `rustup` has no target, Chromium and qemu are missing, and `apt-get`, `rustup` and `cargo`
//! only log what they are asked to do (and `cargo install` prints what the real one prints).
//! Checks that each mode installs what it should and nothing else (reading the book needs no
//! 32-bit toolchain), that a first install shows progress, that a second run installs nothing,
//! and that the Dockerfile and the dev container get exactly `scripts/setup.sh all`.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A fresh-machine sandbox: a copy of setup.sh (so that its `.tools/` is the sandbox's) and a
/// bin directory of fakes and of the few real tools the script uses.
struct Machine {
    dir: PathBuf,
}

const FAKES: &[(&str, &str)] = &[
    ("id", "echo 0"),
    (
        "dpkg",
        // `dpkg -s P`: installed only if our fake apt-get installed it.
        r#"[ "$1" = -s ] && grep -qx "$2" "$SANDBOX/installed" 2>/dev/null"#,
    ),
    (
        "apt-get",
        r#"echo "apt-get $*" >> "$SANDBOX/log"
if [ "$1" = install ]; then
  skip=
  for p in "$@"; do
    if [ -n "$skip" ]; then skip=; continue; fi
    case $p in -o|-t) skip=1 ;; -*|install) ;; *) echo "$p" >> "$SANDBOX/installed"; echo "Unpacking $p (1.0) ..."; echo "Setting up $p (1.0) ..." ;; esac
  done
fi"#,
    ),
    (
        "rustup",
        r#"echo "rustup $*" >> "$SANDBOX/log"
case "$1 $2" in
  "target list") grep -x 'target .*' "$SANDBOX/rustup" 2>/dev/null | sed 's/^target //' ;;
  "component list") grep -x 'component .*' "$SANDBOX/rustup" 2>/dev/null | sed 's/^component //' ;;
  "target add") echo "target $3" >> "$SANDBOX/rustup" ;;
  "component add") shift 2; for c in "$@"; do echo "component $c-x86_64-unknown-linux-gnu" >> "$SANDBOX/rustup"; done ;;
esac"#,
    ),
    (
        "cargo",
        r#"echo "cargo $*" >> "$SANDBOX/log"
[ "$1" = install ] || exit 0
crate=$2; version=$4; root=
while [ $# -gt 0 ]; do [ "$1" = --root ] && root=$2; shift; done
echo "    Updating crates.io index" >&2
for d in serde clap pulldown-cmark "$crate"; do echo "   Compiling $d v1.0.0" >&2; done
echo "    Finished \`release\` profile [optimized] target(s) in 1m 02s" >&2
mkdir -p "$root/bin"
bins=$crate
[ "$crate" = mdbook-i18n-helpers ] && bins="mdbook-gettext mdbook-xgettext mdbook-i18n-normalize"
for b in $bins; do
  printf '#!/bin/sh\necho "%s v%s"\n' "$crate" "$version" > "$root/bin/$b"
  chmod +x "$root/bin/$b"
done"#,
    ),
];

/// Real tools setup.sh uses; everything else is absent from this machine's PATH.
const REAL: &[&str] = &[
    "bash", "sh", "grep", "sed", "dirname", "cat", "mkdir", "chmod", "env", "rm", "touch",
];

impl Machine {
    fn new(name: &str) -> Machine {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("setup-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::create_dir_all(dir.join("project/scripts")).unwrap();
        std::fs::copy(
            Path::new(ROOT).join("scripts/setup.sh"),
            dir.join("project/scripts/setup.sh"),
        )
        .unwrap();
        for (name, body) in FAKES {
            let p = dir.join("bin").join(name);
            std::fs::write(&p, format!("#!/bin/bash\n{body}\n")).unwrap();
            Command::new("chmod").arg("+x").arg(&p).status().unwrap();
        }
        for tool in REAL {
            let real = ["/usr/bin", "/bin"]
                .iter()
                .map(|d| Path::new(d).join(tool))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("{tool} not found"));
            std::os::unix::fs::symlink(real, dir.join("bin").join(tool)).unwrap();
        }
        Machine { dir }
    }

    /// Runs setup.sh with `args`: (exit code, stderr, what was asked of apt/rustup/cargo).
    fn setup(&self, args: &[&str]) -> (i32, String, String) {
        let _ = std::fs::remove_file(self.dir.join("log"));
        let out = Command::new(self.dir.join("bin/bash"))
            .arg(self.dir.join("project/scripts/setup.sh"))
            .args(args)
            .env_clear()
            .env("PATH", self.dir.join("bin"))
            .env("SANDBOX", &self.dir)
            .env("HOME", &self.dir)
            .output()
            .unwrap();
        let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            log,
        )
    }
}

fn installs(log: &str) -> Vec<String> {
    let mut v: Vec<String> = log
        .lines()
        .flat_map(|l| {
            if let Some(rest) = l.strip_prefix("apt-get install ") {
                // Package names: not options, nor the values of -o and -t.
                let words: Vec<&str> = rest.split_whitespace().collect();
                (0..words.len())
                    .filter(|&i| !words[i].starts_with('-'))
                    .filter(|&i| i == 0 || !["-o", "-t"].contains(&words[i - 1]))
                    .map(|i| format!("apt:{}", words[i]))
                    .collect::<Vec<_>>()
            } else if let Some(rest) = l.strip_prefix("rustup target add ") {
                vec![format!("rustup:{rest}")]
            } else if let Some(rest) = l.strip_prefix("rustup component add ") {
                vec![format!("rustup:{rest}")]
            } else if let Some(rest) = l.strip_prefix("cargo install ") {
                vec![format!("cargo:{}", rest.split_whitespace().next().unwrap())]
            } else {
                vec![]
            }
        })
        .collect();
    v.sort();
    v
}

#[test]
fn reading_the_book_installs_only_the_book_tools_with_progress() {
    let m = Machine::new("book");
    let (code, err, log) = m.setup(&["book"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        installs(&log),
        [
            "apt:python3",
            "cargo:mdbook",
            "cargo:mdbook-i18n-helpers",
            "cargo:mdbook-mermaid"
        ],
        "setup.sh book must install the book tools and nothing else:\n{log}"
    );
    // One progress line per crate compiled, numbered.
    assert!(
        err.contains("setup:   Compiling pulldown-cmark v1.0.0 (3 crates)"),
        "{err}"
    );
    assert!(
        !err.contains("Updating crates.io"),
        "cargo's noise is filtered: {err}"
    );
    // Set up once: nothing more to do, nothing said.
    let (code, err, log) = m.setup(&["book"]);
    assert_eq!(code, 0);
    assert!(installs(&log).is_empty() && err.is_empty(), "{log}{err}");
}

#[test]
fn each_mode_installs_what_it_needs() {
    let runtime = [
        "apt:gcc-multilib",
        "rustup:clippy rustfmt",
        "rustup:i686-unknown-linux-gnu",
    ];
    let m = Machine::new("runtime");
    let (code, err, log) = m.setup(&[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(installs(&log), runtime, "{log}");
    assert!(err.contains("setup:   Setting up gcc-multilib"), "{err}");

    let m = Machine::new("all");
    let (code, err, log) = m.setup(&["all"]);
    assert_eq!(code, 0, "{err}");
    let got = installs(&log);
    for want in runtime.iter().chain(&[
        "apt:chromium",
        "apt:qemu-user",
        "apt:gdb",
        "apt:bubblewrap",
        "apt:strace",
        "cargo:mdbook",
        "cargo:mdbook-mermaid",
        "cargo:cargo-insta",
        "cargo:mdbook-i18n-helpers",
        "apt:gettext",
        "apt:fonts-noto-cjk",
    ]) {
        assert!(got.iter().any(|g| g == want), "all: no {want} in {got:?}");
    }
    // `test go` (what `make test` asks for) is everything but nothing more.
    let m2 = Machine::new("test-go");
    let (_, _, log2) = m2.setup(&["test", "go"]);
    assert_eq!(installs(&log2), got);
}

#[test]
fn a_wrong_mode_is_refused() {
    let m = Machine::new("bad");
    let (code, err, log) = m.setup(&["boook"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("usage: scripts/setup.sh"), "{err}");
    assert!(log.is_empty());
}

#[test]
fn the_container_runs_exactly_the_set_up_script() {
    let docker = std::fs::read_to_string(Path::new(ROOT).join("Dockerfile")).unwrap();
    let from: Vec<&str> = docker.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(
        from,
        ["FROM --platform=linux/amd64 node:20-bookworm"],
        "Debian bookworm, linux/amd64"
    );
    let runs: Vec<&str> = docker
        .lines()
        .filter(|l| l.starts_with("RUN ") && l.contains("setup.sh"))
        .collect();
    assert_eq!(
        runs,
        ["RUN scripts/setup.sh all && rm -rf /var/lib/apt/lists/*"]
    );
    let dc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join(".devcontainer/devcontainer.json")).unwrap(),
    )
    .expect("devcontainer.json is JSON");
    assert_eq!(dc["build"]["dockerfile"], "../Dockerfile");
    assert_eq!(dc["postCreateCommand"], "scripts/setup.sh all");
}
