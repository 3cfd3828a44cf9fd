#!/usr/bin/env bash
# One-time set-up for a fresh Debian/Ubuntu machine. Idempotent: installs only what is
# missing and says what it installs. Used by `make serve`, `make book`, `make test`, and by
# the Dockerfile (the container gets exactly what `scripts/setup.sh all` installs).
#
#   scripts/setup.sh           the runtime: rustup target i686, clippy/rustfmt, gcc-multilib
#   scripts/setup.sh book      only the book: mdbook 0.5.4, mdbook-mermaid 0.17.1,
#                              mdbook-i18n-helpers 0.4.0 (.tools/), python3 (both editions)
#   scripts/setup.sh i18n      book + gettext (msgmerge, msgfmt): `make i18n-update`
#   scripts/setup.sh labs      runtime + gdb and bubblewrap (the graded tests, their sandbox)
#   scripts/setup.sh test      runtime + book + labs + chromium (browser test) + qemu-user,
#                              cargo-insta 1.49.0 (.tools/; `make review`), gettext
#                              (msgfmt, msgmerge) and fonts-noto-cjk (the Chinese edition)
#   scripts/setup.sh go        runtime + golang-1.22-go/src (bookworm-backports), gdb, strace
#   scripts/setup.sh all       all of the above
#
# Reading the book (`make book`, `make serve`) needs only `book`: no 32-bit toolchain.
set -euo pipefail

MDBOOK_VERSION=0.5.4
MDBOOK_MERMAID_VERSION=0.17.1
# 0.4.x is the series for mdBook 0.5.x (mdbook-gettext, mdbook-xgettext: the Chinese edition).
MDBOOK_I18N_HELPERS_VERSION=0.4.0
# The same version as the insta dev-dependency in Cargo.toml.
CARGO_INSTA_VERSION=1.49.0
want=("$@")
[ ${#want[@]} -eq 0 ] && want=(runtime)
for w in "${want[@]}"; do
    case $w in
    runtime | book | i18n | labs | test | go) ;;
    all) want+=(runtime book i18n labs test go) ;;
    i18n) want+=(book) ;;
    *) echo "usage: scripts/setup.sh [runtime|book|i18n|labs|test|go|all]..." >&2; exit 2 ;;
    esac
done
has() { for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
say() { echo "setup: $*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
apt_updated=""
apt_install() {
    local missing=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        say "please install: ${missing[*]} (not a Debian/Ubuntu machine)"; return 1
    fi
    say "installing Debian packages: ${missing[*]}"
    if [ -z "$apt_updated" ]; then
        say "apt-get update"
        $SUDO apt-get update -qq
        apt_updated=1
    fi
    # apt's own progress lines (one per package unpacked and set up) show it is working.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o Dpkg::Use-Pty=0 "${missing[@]}" |
        grep --line-buffered -E '^(Unpacking|Setting up) ' | sed -u 's/^/setup:   /' >&2 || true
    for p in "${missing[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || { say "installing $p failed"; return 1; }
    done
}

# --- the runtime: the i686 toolchain ---------------------------------------------------
if has runtime || has labs || has test || has go; then
    if ! rustup target list --installed | grep -qx i686-unknown-linux-gnu; then
        say "installing rustup target i686-unknown-linux-gnu"
        rustup target add i686-unknown-linux-gnu
    fi
    if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then
        say "installing rustup components clippy, rustfmt"
        rustup component add clippy rustfmt
    fi
    apt_install gcc-multilib
fi

# cargo install's output, one line per crate compiled ("setup:   compiling mdbook v0.5.4
# (97/212)"), so a first install is not minutes of silence. Errors pass through whole.
progress() {
    local n=0 line
    while IFS= read -r line; do
        case $line in
        *Compiling*) n=$((n + 1)); echo "setup:   ${line#"${line%%[! ]*}"} ($n crates)" >&2 ;;
        *Downloaded* | *Downloading* | *Updating* | *Locking* | *Adding* | *Blocking* | *Finished* | *Installing* | *Installed* | *Replacing* | *Replaced*) ;;
        *) echo "$line" >&2 ;;
        esac
    done
    return 0
}

# --- book tools ------------------------------------------------------------------------
# Installed into the project's own .tools/ (the Makefile puts .tools/bin first on PATH), so
# the pinned versions are used whatever else the machine has.
TOOLS="$(cd "$(dirname "$0")/.." && pwd)/.tools"
if has book || has i18n || has test; then
    if ! "$TOOLS/bin/mdbook" --version 2>/dev/null | grep -q "v$MDBOOK_VERSION"; then
        say "installing mdbook $MDBOOK_VERSION into .tools (cargo install --locked: ~2 min on 2 CPUs, once)"
        (cd / && cargo install mdbook --version "$MDBOOK_VERSION" --locked --root "$TOOLS" 2>&1 | progress)
    fi
    if ! "$TOOLS/bin/mdbook-mermaid" --version 2>/dev/null | grep -q "$MDBOOK_MERMAID_VERSION"; then
        # Not --locked: its lock file pins mdbook-preprocessor 0.5.0, and mdBook 0.5.4 then
        # warns on every build that the preprocessor was built for another version. Resolved
        # afresh, it builds against the current 0.5.x preprocessor crate.
        say "installing mdbook-mermaid $MDBOOK_MERMAID_VERSION into .tools (cargo install, ~1 min)"
        (cd / && cargo install mdbook-mermaid --version "$MDBOOK_MERMAID_VERSION" --root "$TOOLS" 2>&1 | progress)
    fi
    # Its binaries have no --version: a stamp file records the version installed.
    stamp="$TOOLS/mdbook-i18n-helpers-$MDBOOK_I18N_HELPERS_VERSION.installed"
    if [ ! -f "$stamp" ] || [ ! -x "$TOOLS/bin/mdbook-gettext" ] || [ ! -x "$TOOLS/bin/mdbook-xgettext" ]; then
        say "installing mdbook-i18n-helpers $MDBOOK_I18N_HELPERS_VERSION into .tools (cargo install --locked, ~2 min, once)"
        (cd / && cargo install mdbook-i18n-helpers --version "$MDBOOK_I18N_HELPERS_VERSION" --locked --root "$TOOLS" 2>&1 | progress)
        rm -f "$TOOLS"/mdbook-i18n-helpers-*.installed
        touch "$stamp"
    fi
    # scripts/i18n/*.py build the Chinese edition (its title, its UI strings).
    apt_install python3
fi
if has test; then
    # cargo-insta, to review the book's snapshots when a test finds them changed (`make
    # review` runs `cargo insta review`; the Makefile puts .tools/bin on PATH).
    if ! "$TOOLS/bin/cargo-insta" --version 2>/dev/null | grep -q "$CARGO_INSTA_VERSION"; then
        say "installing cargo-insta $CARGO_INSTA_VERSION into .tools (cargo install --locked, ~2 min, once)"
        (cd / && cargo install cargo-insta --version "$CARGO_INSTA_VERSION" --locked --root "$TOOLS" 2>&1 | progress)
    fi
fi
if has labs || has test; then
    apt_install gdb bubblewrap
fi
if has test; then
    command -v chromium >/dev/null || apt_install chromium
    # qemu-i386 runs the chapter programs where the kernel cannot run i386 code (make test
    # runs the chapter-program tests under it too; RUNNER=qemu runs everything under it).
    command -v qemu-i386 >/dev/null || apt_install qemu-user
    # The browser test looks at the Chinese edition, which needs a CJK font (not tofu boxes).
    apt_install fonts-noto-cjk
fi
if has i18n || has test; then
    # msgmerge and msgattrib for `make i18n-update`; msgfmt checks po/zh-CN.po in the tests.
    apt_install gettext
fi

# --- Go 1.22 for the differential check -------------------------------------------------
if has go; then
    if [ ! -x /usr/lib/go-1.22/bin/go ]; then
        if [ -r /etc/os-release ] && grep -q '^VERSION_CODENAME=bookworm' /etc/os-release; then
            if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
                say "adding apt source bookworm-backports (for golang-1.22)"
                printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
                    | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
                apt_updated=""
            fi
            say "installing golang-1.22-go golang-1.22-src from bookworm-backports"
            [ -z "$apt_updated" ] && { $SUDO apt-get update -qq; apt_updated=1; }
            DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports golang-1.22-go golang-1.22-src >/dev/null
        else
            apt_install golang-1.22-go golang-1.22-src
        fi
    fi
    apt_install gdb strace
fi
