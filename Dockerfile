# A container for readers and students on macOS or Windows (or any machine without Debian):
# Debian bookworm on linux/amd64, with exactly what `scripts/setup.sh all` installs (the one
# list of what this project needs) on top of its prerequisites (Rust, Python 3, Node.js 20).
#
#   docker build -t gmp-boot-book .
#   docker run --rm -it -p 3000:3000 gmp-boot-book make serve BIND=0.0.0.0   # the book
#   docker run --rm -it gmp-boot-book make test                              # every test
#   docker run --rm -it gmp-boot-book cargo run --example schedinit          # a chapter
#
# On Apple silicon Docker runs amd64 containers under emulation that cannot run 32-bit x86
# programs: add RUNNER=qemu (make test RUNNER=qemu, make chapters RUNNER=qemu), which runs
# them under qemu-i386. VS Code / GitHub Codespaces users: .devcontainer/ uses this file.
FROM --platform=linux/amd64 node:20-bookworm

# Prerequisites the README asks for: a Rust toolchain (the version CI uses), Python 3, sudo-
# free root. node:20-bookworm already has Node.js 20, npm, Python 3, git, curl and gcc.
ARG RUST_VERSION=1.95.0
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:$PATH
RUN curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
        | sh -s -- -y --profile minimal --default-toolchain "$RUST_VERSION" --no-modify-path \
    && rustc --version

WORKDIR /book
COPY . /book
# Everything else: the i686 target, clippy/rustfmt, gcc-multilib, mdbook and mdbook-mermaid
# (pinned, into /book/.tools), chromium, qemu-user, Go 1.22 (bookworm-backports), gdb, strace.
RUN scripts/setup.sh all && rm -rf /var/lib/apt/lists/*

EXPOSE 3000
CMD ["make", "serve", "BIND=0.0.0.0"]
