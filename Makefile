# How a Go program boots on linux/386: the book and its runtime.
#
#   make serve   set up what is missing, build the book, serve it on http://127.0.0.1:3000
#   make test    set up what is missing, run every test and check
#
# Both install only what is missing (scripts/setup.sh says what it installs): the rustup
# target i686-unknown-linux-gnu, clippy/rustfmt, Debian's gcc-multilib, mdbook 0.5.4 and
# mdbook-mermaid 0.17.1 (cargo install --locked), and for the tests Debian's chromium.

CARGO ?= cargo
# The pinned book tools live in the project (scripts/setup.sh installs them there).
export PATH := $(CURDIR)/.tools/bin:$(HOME)/.cargo/bin:$(PATH)
CHAPTERS := globals rt0_386 rt0_go schedinit newproc mstart gogo mainpc

.PHONY: setup serve book test mdbook-test chapters measure generated clean

setup:
	scripts/setup.sh

serve:
	scripts/setup.sh book
	mdbook build
	mdbook serve --hostname 127.0.0.1 --port 3000

book:
	scripts/setup.sh book
	mdbook build

test:
	scripts/setup.sh test
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) build --workspace --examples
	$(CARGO) test --workspace --lib --tests
	scripts/mdbook-test.sh

# mdbook test, with the runtime's rlib for the snippets (see the script for why it needs one).
mdbook-test:
	scripts/setup.sh book
	scripts/mdbook-test.sh

# Regenerate the book's outputs, figures and layout table from the running runtime.
generated:
	scripts/setup.sh
	UPDATE_BOOK=1 $(CARGO) test --test book_outputs

# Run every chapter program, as a reader would.
chapters:
	scripts/setup.sh
	@for c in $(CHAPTERS); do $(CARGO) run --quiet -p runtime-i386 --example $$c || exit 1; echo; done

# Release sizes, boot time and system call costs (numbers for notes; not a test).
measure:
	scripts/setup.sh
	scripts/measure.sh

clean:
	$(CARGO) clean
	rm -rf book
