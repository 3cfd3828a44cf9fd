#!/usr/bin/env bash
# One-time set-up for a fresh Debian/Ubuntu x86_64 machine. Idempotent: installs only what is
# missing and says what it installs. Used by `make serve`, `make book`, `make test`.
#
#   scripts/setup.sh           runtime needs: rustup target i686, gcc-multilib
#   scripts/setup.sh book      + mdbook 0.5.4, mdbook-mermaid 0.17.1 (into .tools/)
#   scripts/setup.sh test      + book + chromium (browser test)
#   scripts/setup.sh go        + golang-1.22-go/src from bookworm-backports, gdb (Go comparison)
set -euo pipefail

MDBOOK_VERSION=0.5.4
MDBOOK_MERMAID_VERSION=0.17.1
want=("$@")
has() { for w in "${want[@]:-}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
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
    if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- always: the i686 toolchain -------------------------------------------------------
if ! rustup target list --installed | grep -qx i686-unknown-linux-gnu; then
    say "installing rustup target i686-unknown-linux-gnu"
    rustup target add i686-unknown-linux-gnu
fi
if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then
    say "installing rustup components clippy, rustfmt"
    rustup component add clippy rustfmt
fi
apt_install gcc-multilib

# --- book tools ------------------------------------------------------------------------
# Installed into the project's own .tools/ (the Makefile puts .tools/bin first on PATH), so
# the pinned versions are used whatever else the machine has.
TOOLS="$(cd "$(dirname "$0")/.." && pwd)/.tools"
if has book || has test; then
    if ! "$TOOLS/bin/mdbook" --version 2>/dev/null | grep -q "v$MDBOOK_VERSION"; then
        say "installing mdbook $MDBOOK_VERSION into .tools (cargo install --locked, ~2 min)"
        (cd / && cargo install mdbook --version "$MDBOOK_VERSION" --locked --quiet --root "$TOOLS")
    fi
    if ! "$TOOLS/bin/mdbook-mermaid" --version 2>/dev/null | grep -q "$MDBOOK_MERMAID_VERSION"; then
        # Not --locked: its lock file pins mdbook-preprocessor 0.5.0, and mdBook 0.5.4 then
        # warns on every build that the preprocessor was built for another version. Resolved
        # afresh, it builds against the current 0.5.x preprocessor crate.
        say "installing mdbook-mermaid $MDBOOK_MERMAID_VERSION into .tools (cargo install, ~1 min)"
        (cd / && cargo install mdbook-mermaid --version "$MDBOOK_MERMAID_VERSION" --quiet --root "$TOOLS")
    fi
fi
if has test; then
    command -v chromium >/dev/null || apt_install chromium
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
