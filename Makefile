# How a Go program boots on linux/386: the book and its runtime.
#
#   make serve   set up what is missing, build the book, serve it on http://127.0.0.1:3000
#   make test    set up what is missing, run every test and check
#
# Both install only what is missing (scripts/setup.sh says what it installs): the rustup
# target i686-unknown-linux-gnu, clippy/rustfmt, Debian's gcc-multilib, mdbook 0.5.4 and
# mdbook-mermaid 0.17.1 (into .tools/), and for the tests Debian's chromium, and Go 1.22,
# gdb and strace (for the comparison with real Go).

CARGO ?= cargo
# The pinned book tools live in the project (scripts/setup.sh installs them there).
export PATH := $(CURDIR)/.tools/bin:$(HOME)/.cargo/bin:$(PATH)
LAB := python3 scripts/labs/lab.py
CHAPTERS := globals rt0_386 rt0_go schedinit newproc mstart gogo mainpc

.PHONY: setup serve book test mdbook-test browser-test go-diff bench chapters measure generated clean

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
	scripts/setup.sh test go
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) build --workspace --examples
	$(CARGO) test --workspace --lib --tests
	$(LAB) check
	scripts/mdbook-test.sh
	mdbook build
	scripts/browser-test.sh

# mdbook test, with the runtime's rlib for the snippets (see the script for why it needs one).
mdbook-test:
	scripts/setup.sh book
	scripts/mdbook-test.sh

# Every page of the built book in headless Chromium, and every internal link and anchor.
browser-test:
	scripts/setup.sh test
	mdbook build
	scripts/browser-test.sh

# Compare our boot state with real Go 1.22 under gdb (tests/go_diff.rs).
go-diff:
	scripts/setup.sh go
	$(CARGO) test --test go_diff -- --nocapture

# Our runtime against Go 1.22, side by side; writes the book's bench appendix (numbers, not a test).
bench:
	scripts/setup.sh go
	scripts/bench.sh

# Regenerate the book's outputs, figures and layout table from the running runtime.
generated:
	scripts/setup.sh
	scripts/setup.sh go
	UPDATE_BOOK=1 $(CARGO) test --test book_outputs
	UPDATE_BOOK=1 $(CARGO) test --test go_diff

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

# Classroom exercises (scripts/labs/lab.py; chapters-src/teachers.md). EX=NAME picks one.
.PHONY: exercise exercise-reset grade starter-pack labs-check
exercise:
	@$(LAB) exercise $(EX) $(if $(FORCE),--force)
exercise-reset:
	@$(LAB) reset $(EX)
grade:
	scripts/setup.sh
	@$(LAB) grade $(EX)
starter-pack:
	@$(LAB) starter-pack $(if $(EX),--only "$(EX)")
labs-check:
	scripts/setup.sh
	$(LAB) check
