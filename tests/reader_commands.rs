//! Every command README.md and the book show a reader, run exactly as written, from the root of
//! a fresh copy of the repository.
//!
//! The commands are every line of every ```` ```sh ```` block of README.md and of the book's
//! chapters (chapters-src/, in the order of SUMMARY.md). Each runs with `bash -c`, from the
//! copy's root, with the environment of a reader's shell (the test's own cargo and make
//! variables removed); a block's `cd DIR` and `VAR=value` lines carry over to its later lines,
//! as in a terminal. Every command must succeed (exit status 0); some have more to show:
//!
//! - `… cargo run --example CH` prints what the book shows for CH (the chapter's snapshot,
//!   chapters-src/generated/CH.snap, once what differs between machines is replaced by the
//!   same filters, tests/support/snapshots.rs) when run with the book's `GOMAXPROCS=8`; with `-- --json` one JSON object of that stage;
//!   with `BOOTTRACE=1` the boot trace up to main.main; with `BOOTTRACE=json` a JSON boot
//!   step a line, up to runtime.main's newm (the boot stepper's data);
//! - `make chapters` shows each chapter's book output, under the command that made it;
//! - `make serve` is started, its pages (both editions) fetched over HTTP, then stopped;
//! - `make book` writes both editions; `make i18n-update` changes nothing (the translation
//!   is up to date);
//! - `make exercise EX=…`, `make grade EX=…`, `make exercise-reset EX=…` give a stub, a
//!   score below 100 (exit status 1: `make grade` fails unless the marks are full), and the
//!   runtime back byte for byte;
//! - a few commands are not run here, each for a stated reason (`make test` is the command
//!   that runs this test; there is no Docker engine on this machine).
//!
//! The copy is `target/reader/repo`: the files of this working tree that git tracks or would
//! track (`git ls-files -co --exclude-standard`), committed to a new git repository, as a
//! clone is. Its `target/` is its own and is kept between runs (a second run builds only what
//! changed); `.tools/` (the pinned book tools) is this checkout's. One run at a time
//! (a lock on target/reader/lock).
//!
//! `READER_COMMANDS=substring` runs only the commands containing it (for working on one).

use gmp_boot_book::{filter, snapshot_body};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One command as the reader sees it, with where it is written.
#[derive(Debug, Clone)]
struct Cmd {
    /// The command line, continuation lines joined, its trailing comment removed.
    text: String,
    /// `file:line` of the command.
    at: String,
    /// The block's earlier `cd` and assignment lines.
    prelude: Vec<String>,
}

/// A chapter's text as the reader sees it: with its `{{#include generated/….md}}` lines
/// (the generated exercise sections) expanded.
fn chapter_text(file: &str) -> String {
    let path = Path::new(ROOT).join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .map(|l| match l.strip_prefix("{{#include generated/") {
            Some(rest) if rest.ends_with(".md}}") => {
                let inc = path
                    .parent()
                    .unwrap()
                    .join("generated")
                    .join(&rest[..rest.len() - 2]);
                std::fs::read_to_string(inc).unwrap() + "\n"
            }
            _ => format!("{l}\n"),
        })
        .collect()
}

/// The sh blocks of one Markdown file, as commands.
fn commands_of(file: &str) -> Vec<Cmd> {
    let text = chapter_text(file);
    let mut out = vec![];
    let mut in_sh = false;
    let mut prelude: Vec<String> = vec![];
    let mut pending = String::new();
    let mut pending_line = 0;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start();
        if fence.starts_with("```") {
            in_sh = !in_sh && fence.trim_end() == "```sh";
            prelude.clear();
            continue;
        }
        if !in_sh {
            continue;
        }
        if pending.is_empty() {
            pending_line = i + 1;
        }
        let code = strip_comment(line);
        if let Some(head) = code.trim_end().strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(code);
        let cmd = pending.split_whitespace().collect::<Vec<_>>().join(" ");
        pending.clear();
        if cmd.is_empty() {
            continue;
        }
        if is_state(&cmd) {
            prelude.push(cmd);
            continue;
        }
        out.push(Cmd {
            text: cmd,
            at: format!("{file}:{pending_line}"),
            prelude: prelude.clone(),
        });
    }
    out
}

/// The line without its trailing `# comment` (a `#` outside quotes, after a blank or at the
/// start).
fn strip_comment(line: &str) -> &str {
    let (mut sq, mut dq, mut prev) = (false, false, ' ');
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '#' if !sq && !dq && prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

/// `cd DIR` or `NAME=value` alone: shell state for the block's later lines.
fn is_state(cmd: &str) -> bool {
    if cmd.starts_with("cd ") {
        return true;
    }
    let mut words = cmd.split_whitespace();
    let first = words.next().unwrap_or("");
    words.next().is_none()
        && first.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// README.md, then the book's chapters in SUMMARY.md's order.
fn all_commands() -> Vec<Cmd> {
    let summary = std::fs::read_to_string(Path::new(ROOT).join("chapters-src/SUMMARY.md")).unwrap();
    let mut files = vec!["README.md".to_string()];
    for part in summary.split("](").skip(1) {
        let name = &part[..part.find(')').unwrap()];
        files.push(format!("chapters-src/{name}"));
    }
    files.iter().flat_map(|f| commands_of(f)).collect()
}

// ---------------------------------------------------------------------------------------
// The copy
// ---------------------------------------------------------------------------------------

fn sh(dir: &Path, script: &str) -> Output {
    Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .output()
        .unwrap()
}

fn must(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Brings target/reader/repo up to date with this working tree and commits it there.
fn fresh_copy() -> PathBuf {
    let root = Path::new(ROOT);
    let repo = root.join("target/reader/repo");
    std::fs::create_dir_all(&repo).unwrap();
    let files = must(
        sh(root, "git ls-files -z -co --exclude-standard"),
        "git ls-files",
    );
    let files: Vec<&str> = files.split('\0').filter(|f| !f.is_empty()).collect();
    // What the copy has that this tree no longer has goes (build output and tools stay).
    let have = must(
        sh(
            &repo,
            "git ls-files -z -co --exclude-standard 2>/dev/null || true",
        ),
        "git ls-files in the copy",
    );
    for f in have.split('\0').filter(|f| !f.is_empty()) {
        if !files.contains(&f) {
            let _ = std::fs::remove_file(repo.join(f));
        }
    }
    for f in &files {
        let (from, to) = (root.join(f), repo.join(f));
        let Ok(data) = std::fs::read(&from) else {
            continue; // deleted in the working tree, not yet in git
        };
        if std::fs::read(&to).ok().as_deref() != Some(&data[..]) {
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(&to, &data).unwrap();
            let mode = std::fs::metadata(&from).unwrap().permissions();
            std::fs::set_permissions(&to, mode).unwrap();
        }
    }
    let tools = repo.join(".tools");
    if !tools.exists() {
        std::os::unix::fs::symlink(root.join(".tools"), &tools).unwrap();
    }
    must(
        sh(
            &repo,
            "[ -d .git ] || git init -q -b main
             git add -A
             git -c user.name=reader -c user.email=reader@example.invalid \
                 commit -q --allow-empty -m 'the working tree under test'",
        ),
        "committing the copy",
    );
    repo
}

/// A reader's environment: this process's, without what cargo and make set for us.
fn reader_env(cmd: &mut Command) {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        let cargo_own = k.starts_with("CARGO_") && k != "CARGO_HOME";
        let ours = [
            "CARGO",
            "RUSTC",
            "RUSTDOC",
            "RUSTFLAGS",
            "MAKEFLAGS",
            "MFLAGS",
            "MAKELEVEL",
            "MAKE_TERMOUT",
            "MAKE_TERMERR",
            "GOMAXPROCS",
            "BOOTTRACE",
            "READER_COMMANDS",
            "RUNTIME_I386_RUNNER",
            "RUNNER",
            "OUT_DIR",
        ]
        .contains(&k.as_str());
        if cargo_own || ours || k.starts_with("RUST_") && k != "RUST_BACKTRACE" {
            cmd.env_remove(&k);
        }
    }
}

fn shell(repo: &Path, c: &Cmd) -> Command {
    let mut script = c.prelude.join("\n");
    script.push('\n');
    script.push_str(&c.text);
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &script])
        .current_dir(repo)
        .stdin(Stdio::null())
        .process_group(0);
    reader_env(&mut cmd);
    cmd
}

fn progress(msg: &str) {
    // Past the test harness's capture: `make test` shows what it is doing.
    let _ = writeln!(std::io::stderr(), "reader-commands: {msg}");
}

// ---------------------------------------------------------------------------------------
// What each command must do
// ---------------------------------------------------------------------------------------

/// Commands that are not run, and why. Anything else runs.
fn not_run(text: &str) -> Option<&'static str> {
    match text {
        "make test" => Some("the command that runs this test (CI runs it)"),
        "make test RUNNER=qemu" => Some(
            "make test again under qemu: this test runs `make chapters RUNNER=qemu`, and make \
             test runs tests/chapters.rs under qemu-i386",
        ),
        "make labs-check" | "make mdbook-test" | "make browser-test" => {
            Some("make test's own recipe runs this exact command after the cargo tests")
        }
        t if t.starts_with("docker ") => {
            Some("no Docker engine on this machine; the set-up script it runs is run by CI")
        }
        _ => None,
    }
}

/// Commands that show a failure on purpose: their exit status and what they must print.
fn fails_on_purpose(text: &str) -> Option<(i32, &'static str)> {
    match text {
        "cargo run --example stackoverflow" => Some((2, "fatal error: stack overflow")),
        "GOMAXPROCS=2 cargo run --example overflowm" => Some((2, "fatal error: stack overflow")),
        "cargo run --example deadlock" => {
            Some((2, "fatal error: all goroutines are asleep - deadlock!"))
        }
        // Under qemu-i386 the runtime keeps to one M: the two exercises of After the boot
        // cannot be graded there, and say so (make's exit status 2 for the grader's 1).
        "make grade RUNNER=qemu" => Some((
            2,
            "grade it on a machine that runs i386 programs natively",
        )),
        // The starter pack's stub of `runqput`: a score below 100 is exit status 1.
        "python3 scripts/labs/lab.py grade --student target/starter-pack/gmp-boot-book-starter runqput" => {
            Some((1, "5/100 runqput"))
        }
        _ => None,
    }
}

/// The chapter programs' generated outputs, as the book shows them (filtered).
fn book_output(ch: &str) -> Option<String> {
    if !gmp_boot_book::chapters().contains(&ch) {
        return None;
    }
    snapshot_body(ch)
}

/// `[ENV=…] cargo run --example NAME [-- args]`, taken apart.
struct CargoRun<'a> {
    env: Vec<(&'a str, &'a str)>,
    name: &'a str,
    args: Vec<&'a str>,
}

fn cargo_run(text: &str) -> Option<CargoRun<'_>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = words
        .windows(4)
        .position(|w| w[..3] == ["cargo", "run", "--example"])?;
    let env = words[..at]
        .iter()
        .map(|w| w.split_once('=').expect("an assignment before cargo"))
        .collect();
    let name = words[at + 3];
    let rest = &words[at + 4..];
    let args = match rest.first() {
        Some(&"--") => rest[1..].to_vec(),
        None => vec![],
        Some(_) => return None,
    };
    Some(CargoRun { env, name, args })
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Checks what `cargo run --example …` printed.
fn check_cargo_run(c: &Cmd, out: &Output) -> Result<(), String> {
    let Some(CargoRun { env, name, args }) = cargo_run(&c.text) else {
        return Ok(());
    };
    let env: BTreeMap<&str, &str> = env.into_iter().collect();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let chapter = book_output(name).is_some();
    if args.iter().any(|a| a.trim_start_matches('-') == "json") {
        let v: serde_json::Value = serde_json::from_str(stdout.trim())
            .map_err(|e| format!("--json printed no JSON object ({e}):\n{stdout}"))?;
        if v["stage"] != name {
            return Err(format!("--json: stage {} (want {name})", v["stage"]));
        }
        let after_schedinit = !["globals", "rt0_386", "rt0_go"].contains(&name);
        if let Some(n) = env.get("GOMAXPROCS").filter(|_| after_schedinit) {
            if v["gomaxprocs"].as_i64().map(|g| g.to_string()).as_deref() != Some(*n) {
                return Err(format!("gomaxprocs {} (GOMAXPROCS={n})", v["gomaxprocs"]));
            }
        }
    } else if chapter && env.get("GOMAXPROCS") == Some(&"8") && env.len() == 1 {
        // What the book shows under this command.
        let want = book_output(name).unwrap();
        let got = filter(&stdout);
        if got.trim_end() != want.trim_end() {
            return Err(format!(
                "prints something else than the book (chapters-src/generated/{name}.snap):\n{}",
                diff(&want, &got)
            ));
        }
    } else if chapter && !stdout.starts_with(&format!("== {name}: ")) {
        return Err(format!("does not start with its report header:\n{stdout}"));
    }
    if env.get("BOOTTRACE") == Some(&"json") {
        // The boot stepper's data: one JSON step a line (after cargo's own lines), up to
        // runtime.main's last step before main.main (newm: sysmon's M).
        let steps: Vec<serde_json::Value> = stderr
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).map_err(|e| format!("BOOTTRACE=json: {e}: {l}")))
            .collect::<Result<_, _>>()?;
        if steps.last().map(|s| s["where"].clone()) != Some("newm".into()) {
            return Err(format!(
                "BOOTTRACE=json: no boot step up to runtime.main's newm:\n{stderr}"
            ));
        }
    }
    if env.get("BOOTTRACE") == Some(&"1") {
        let last = stderr.lines().rfind(|l| l.starts_with("boot: "));
        if !last.is_some_and(|l| l.contains("main.main")) {
            return Err(format!(
                "BOOTTRACE=1: no boot trace up to main.main:\n{stderr}"
            ));
        }
    }
    Ok(())
}

/// A line diff of the first difference, for the failure message.
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<_>, Vec<_>) = (want.lines().collect(), got.lines().collect());
    for i in 0..w.len().max(g.len()) {
        if w.get(i) != g.get(i) {
            return format!(
                "line {}:\n  book: {:?}\n  got:  {:?}",
                i + 1,
                w.get(i).unwrap_or(&"(end)"),
                g.get(i).unwrap_or(&"(end)")
            );
        }
    }
    "(equal)".into()
}

/// `make chapters`: each chapter's book output under the command line that made it.
fn check_make_chapters(out: &Output) -> Result<(), String> {
    let stdout = text(&out.stdout);
    let chapters = gmp_boot_book::chapters();
    for (i, ch) in chapters.iter().enumerate() {
        let head = format!("$ GOMAXPROCS=8 cargo run --example {ch}\n");
        let start = stdout
            .find(&head)
            .ok_or_else(|| format!("no line {head:?}:\n{stdout}"))?
            + head.len();
        let end = chapters
            .get(i + 1)
            .and_then(|n| stdout.find(&format!("$ GOMAXPROCS=8 cargo run --example {n}\n")))
            .unwrap_or(stdout.len());
        let got = filter(stdout[start..end].trim_end());
        let want = book_output(ch).unwrap();
        if got.trim_end() != want.trim_end() {
            return Err(format!(
                "make chapters shows another {ch} than the book:\n{}",
                diff(&want, &got)
            ));
        }
    }
    Ok(())
}

/// A file's hash-free fingerprint: its bytes (the runtime is small).
fn snapshot(repo: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut m = BTreeMap::new();
    walk(&repo.join("runtime-i386/src"), &mut m);
    walk(&repo.join("runtime-i386/asm"), &mut m);
    m
}

/// `make serve`: start it, fetch the book's pages over HTTP, stop it.
fn check_serve(repo: &Path, c: &Cmd) -> Result<(), String> {
    let port = 3000;
    if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
        return Err(format!(
            "port {port} is taken (a `make serve` of yours?): `make serve` cannot be tried"
        ));
    }
    let log = repo.join("target/reader/serve.log");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let mut child = shell(repo, c)
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::from(
            std::fs::File::create(log.with_extension("err")).unwrap(),
        ))
        .spawn()
        .map_err(|e| e.to_string())?;
    let result = (|| {
        let start = Instant::now();
        loop {
            if let Ok(Some(st)) = child.try_wait() {
                return Err(format!(
                    "make serve exited ({st}) before serving:\n{}",
                    std::fs::read_to_string(log.with_extension("err")).unwrap_or_default()
                ));
            }
            if let Ok(page) = http_get(port, "/") {
                if page.contains("How a Go program boots") {
                    break;
                }
            }
            if start.elapsed() > Duration::from_secs(600) {
                return Err("make serve did not serve the book within 10 minutes".into());
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        for (path, want) in [
            ("/schedinit.html", "procresize"),
            ("/print.html", "rt0_go"),
            ("/zh-CN/index.html", "Go 程序在 linux/386 上如何启动"),
            ("/zh-CN/schedinit.html", "空闲链表"),
        ] {
            let page = http_get(port, path)?;
            if !page.contains(want) {
                return Err(format!("{path} does not mention {want:?}"));
            }
        }
        // The search index, under the hashed name the page asks for.
        let index = http_get(port, "/index.html")?;
        let name = index
            .split('"')
            .find(|w| w.contains("searchindex-") && w.ends_with(".js"))
            .ok_or("index.html names no searchindex-*.js")?;
        let search = http_get(port, &format!("/{}", name.trim_start_matches("./")))?;
        if !search.contains("procresize") {
            return Err(format!("{name} does not index procresize"));
        }
        Ok(())
    })();
    // Stop mdbook serve and make: the whole process group.
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.wait();
    result
}

/// GET `path` from 127.0.0.1:`port`: the body of a 200 answer.
fn http_get(port: u16, path: &str) -> Result<String, String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let mut buf = vec![];
    s.read_to_end(&mut buf).map_err(|e| e.to_string())?;
    let resp = String::from_utf8_lossy(&buf).into_owned();
    if !resp.starts_with("HTTP/1.1 200") && !resp.starts_with("HTTP/1.0 200") {
        return Err(format!(
            "GET {path}: {}",
            resp.lines().next().unwrap_or("no answer")
        ));
    }
    Ok(resp)
}

/// Runs one command and checks it; returns what went wrong.
fn try_command(
    repo: &Path,
    c: &Cmd,
    before_exercise: &mut Option<BTreeMap<PathBuf, Vec<u8>>>,
) -> Result<(), String> {
    if c.text == "make serve" {
        return check_serve(repo, c);
    }
    let words: Vec<&str> = c.text.split_whitespace().collect();
    if words.starts_with(&["make", "exercise"]) {
        *before_exercise = Some(snapshot(repo));
    }
    let out = shell(repo, c).output().map_err(|e| e.to_string())?;
    let code = out.status.code();
    // `make grade EX=NAME` right after `make exercise EX=NAME` grades the stub: below 100,
    // and make reports the grader's exit status 1.
    let grading_stub = words.starts_with(&["make", "grade"]) && before_exercise.is_some();
    let ok = if grading_stub {
        let report = text(&out.stdout);
        let score = report
            .split("== total: ")
            .nth(1)
            .and_then(|t| t.split('/').next())
            .and_then(|n| n.trim().parse::<u32>().ok());
        if score.is_none_or(|n| n >= 100) {
            return Err(format!("grading a stub gave no score below 100:\n{report}"));
        }
        code == Some(2) && text(&out.stderr).contains("Error 1")
    } else if let Some((want, says)) = fails_on_purpose(&c.text) {
        let said = text(&out.stdout) + &text(&out.stderr);
        if !said.contains(says) {
            return Err(format!("should say {says:?}:\n{}", tail(&said)));
        }
        code == Some(want)
    } else {
        code == Some(0)
    };
    if !ok {
        return Err(format!(
            "exit status {:?}\n--- stdout\n{}--- stderr\n{}",
            code,
            tail(&text(&out.stdout)),
            tail(&text(&out.stderr))
        ));
    }
    if words.starts_with(&["make", "exercise-reset"]) {
        let before = before_exercise
            .take()
            .ok_or("make exercise-reset without make exercise before it")?;
        if snapshot(repo) != before {
            return Err(
                "the runtime is not byte for byte what it was before `make exercise`".into(),
            );
        }
    }
    if c.text == "make chapters" {
        check_make_chapters(&out)?;
    }
    if c.text.starts_with("make book") {
        for page in ["book/schedinit.html", "book/zh-CN/schedinit.html"] {
            if !repo.join(page).is_file() {
                return Err(format!("make book wrote no {page}"));
            }
        }
    }
    if c.text == "make i18n-update" {
        // On a repository whose translation is up to date, it changes nothing.
        let st = Command::new("git")
            .args(["status", "--porcelain", "--", "po", "chapters-src"])
            .current_dir(repo)
            .output()
            .map_err(|e| e.to_string())?;
        let changed = String::from_utf8_lossy(&st.stdout).into_owned();
        if !changed.is_empty() {
            return Err(format!(
                "make i18n-update changed an up-to-date repository:\n{changed}"
            ));
        }
    }
    check_cargo_run(c, &out)
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    let from = lines.len().saturating_sub(30);
    lines[from..].iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn every_command_a_reader_is_shown_works_as_written() {
    let cmds = all_commands();
    assert!(
        cmds.len() > 50,
        "only {} commands found in README.md and the book",
        cmds.len()
    );
    // The Makefile's test recipe really runs the commands we leave to it.
    let makefile = std::fs::read_to_string(Path::new(ROOT).join("Makefile")).unwrap();
    let recipe = &makefile[makefile.find("\nelse\ntest:").unwrap() + 5..];
    let recipe = &recipe[..recipe[1..].find("\n\n").unwrap() + 1];
    for t in ["labs-check", "mdbook-test", "browser-test"] {
        assert!(
            recipe.contains(&format!("$(MAKE) {t}")),
            "make test's recipe no longer runs `make {t}`"
        );
    }

    let lock_path = Path::new(ROOT).join("target/reader/lock");
    std::fs::create_dir_all(lock_path.parent().unwrap()).unwrap();
    let lock = std::fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    let repo = fresh_copy();

    let only = std::env::var("READER_COMMANDS").ok();
    let start = Instant::now();
    let (mut failures, mut ran, mut skipped) = (vec![], 0, vec![]);
    let mut before_exercise = None;
    for c in &cmds {
        if only.as_ref().is_some_and(|o| !c.text.contains(o.as_str())) {
            continue;
        }
        if let Some(why) = not_run(&c.text) {
            skipped.push(format!("{}: `{}`: {why}", c.at, c.text));
            continue;
        }
        let t = Instant::now();
        let r = try_command(&repo, c, &mut before_exercise);
        ran += 1;
        progress(&format!(
            "{} {} `{}` ({:.1} s)",
            if r.is_ok() { "ok  " } else { "FAIL" },
            c.at,
            c.text,
            t.elapsed().as_secs_f64()
        ));
        if let Err(e) = r {
            failures.push(format!("{} `{}`: {e}", c.at, c.text));
        }
    }
    progress(&format!(
        "{ran} commands run in {:.0} s, {} failed; not run here:\n  {}",
        start.elapsed().as_secs_f64(),
        failures.len(),
        skipped.join("\n  ")
    ));
    assert!(
        failures.is_empty(),
        "{} of the commands shown to readers fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
