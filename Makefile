# How a Go program boots on linux/386: the book and its runtime.
#
#   make serve   set up what the book needs, build it, serve it on http://127.0.0.1:3000
#   make test    set up what is missing, run every test and check
#
# Both install only what is missing (scripts/setup.sh says what it installs). Reading the
# book needs only mdbook 0.5.4 and mdbook-mermaid 0.17.1 (into .tools/); the runtime needs
# the rustup target i686-unknown-linux-gnu, clippy/rustfmt and Debian's gcc-multilib; the
# tests add Debian's chromium and qemu-user, and Go 1.22, gdb and strace (for the comparison
# with real Go).
#
# RUNNER=qemu runs every i386 program (chapter programs, test binaries, the labs' grading)
# under Debian's qemu-i386, for machines that cannot run i386 code natively:
#   make test RUNNER=qemu      make chapters RUNNER=qemu      make grade RUNNER=qemu

CARGO ?= cargo
# The pinned book tools live in the project (scripts/setup.sh installs them there).
export PATH := $(CURDIR)/.tools/bin:$(HOME)/.cargo/bin:$(PATH)
LAB := python3 scripts/labs/lab.py
# The chapters, in boot order (runtime-i386/stages.txt: the one list of the stop points).
CHAPTERS := $(shell sed -n 's/^\([a-z0-9_]*\)\t.*/\1/p' runtime-i386/stages.txt)
# Variables handed to shell commands travel in the environment, never pasted into the
# command line: `make exercise EX='x; touch pwned'` is an unknown exercise, not a command.
# BIND=0.0.0.0 serves the book beyond this machine (the Dockerfile's container does that);
# PORT=N serves it on another port.
BIND ?= 127.0.0.1
PORT ?= 3000
export EX CHAPTER BIND PORT

RUNNER ?=
ifeq ($(RUNNER),qemu)
# cargo runs examples and test binaries through it; tests/support and the labs run the
# chapter programs through it.
export CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_RUNNER := qemu-i386
export RUNTIME_I386_RUNNER := qemu-i386
else ifneq ($(RUNNER),)
$(error RUNNER=$(RUNNER): the only runner is qemu (make test RUNNER=qemu))
endif

.PHONY: setup serve book i18n-update test mdbook-test browser-test go-diff bench chapters generated review clean

setup:
	scripts/setup.sh all

# Both editions: English at book/ (http://127.0.0.1:3000/), Simplified Chinese at
# book/zh-CN/ (http://127.0.0.1:3000/zh-CN/), built from po/zh-CN.po; every page has a
# switch to the same page in the other edition. Served as static files (a rebuild of
# `mdbook serve` would empty book/zh-CN/): after an edit, `make book` and reload.
serve:
	scripts/setup.sh book
	scripts/i18n/build.sh
	@echo "serving the English edition at http://$$BIND:$$PORT/ and the Chinese one at http://$$BIND:$$PORT/zh-CN/ (Ctrl-C stops)"
	cd book && exec python3 -m http.server --bind "$$BIND" "$$PORT"

book:
	scripts/setup.sh book
	scripts/i18n/build.sh

# The translator's command: extract the English messages into po/messages.pot again, merge
# them into po/zh-CN.po (msgmerge: new messages come untranslated, changed ones fuzzy, with
# the old translation to start from), and write the UI strings of our scripts
# (chapters-src/generated/ui-strings.js). Then translate what scripts/i18n/check.py lists.
i18n-update:
	scripts/setup.sh i18n
	scripts/i18n/extract.sh
	msgmerge --quiet --update --backup=none --previous po/zh-CN.po po/messages.pot
	msgattrib --no-obsolete -o po/zh-CN.po po/zh-CN.po
	python3 scripts/i18n/extras.py ui-js
	python3 scripts/i18n/check.py | tail -1

ifneq ($(wildcard scripts/labs/pack.json),)
# In a starter pack, `make test` checks the pack (it builds, the grader runs), not the student.
test:
	scripts/setup.sh labs
	$(LAB) health
else
test:
	scripts/setup.sh test go
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) build --workspace --examples
	$(CARGO) test --workspace --lib --tests
ifneq ($(RUNNER),qemu)
	@echo "== the chapter programs' tests again, under qemu-i386 (what RUNNER=qemu does everywhere)"
	RUNTIME_I386_RUNNER=qemu-i386 $(CARGO) test --test chapters --test boot_steps --test bad_input
endif
	$(MAKE) labs-check
	$(MAKE) mdbook-test
	$(MAKE) browser-test
endif

# mdbook test, with the runtime's rlib for the snippets (see the script for why it needs one).
mdbook-test:
	scripts/setup.sh runtime book
	scripts/mdbook-test.sh

# Every page of the built book in headless Chromium, and every internal link and anchor.
browser-test:
	scripts/setup.sh test
	scripts/i18n/build.sh
	scripts/browser-test.sh

# Compare our boot state with real Go 1.22 under gdb (tests/go_diff/).
go-diff:
	scripts/setup.sh go
	$(CARGO) test --test go_diff -- --nocapture

# Our runtime against Go 1.22, side by side, and our release sizes and system call costs;
# writes the book's bench appendix and the Inside rt0_go appendix's measurement (numbers, not a test).
bench:
	scripts/setup.sh go
	scripts/bench/bench.sh

# Regenerate the book's outputs, figures and tables from the running runtime: they are insta
# snapshots (chapters-src/generated/*.snap), rewritten in place; then each mermaid figure is
# rendered to SVG beside its snapshot (NAME-figure.svg, headless Chromium: what print and
# readers without JavaScript see; tests/figures.rs checks they are current). One at a time:
# a second `make generated` waits for the first (they write the same files).
generated:
	scripts/setup.sh test go
	@mkdir -p target
	flock target/generated.lock sh -c 'INSTA_UPDATE=always $(CARGO) test --test book_outputs && INSTA_UPDATE=always $(CARGO) test --test boot_stepper && INSTA_UPDATE=always $(CARGO) test --test go_diff && INSTA_UPDATE=always $(CARGO) test --test ms the_books_stealing_table && scripts/render-figures.sh'

# Review, one by one, the snapshots a failed test left beside the book's (NAME.snap.new):
# cargo-insta shows each difference, and accepts or rejects it.
review:
	scripts/setup.sh test
	$(CARGO) insta review

# Run every chapter program, as a reader would, with the book's GOMAXPROCS=8 (the article's
# value; the book's outputs are made with it) unless GOMAXPROCS is set.
chapters:
	scripts/setup.sh
	@export GOMAXPROCS="$${GOMAXPROCS-8}"; for c in $(CHAPTERS); do \
	    echo "\$$ GOMAXPROCS=$$GOMAXPROCS cargo run --example $$c"; \
	    $(CARGO) run --quiet --example $$c || exit 1; echo; \
	done

clean:
	$(CARGO) clean
	rm -rf book

# Classroom exercises (scripts/labs/lab.py, exercises.toml; the book's For teachers page).
# EX=NAME picks an exercise (EX="a b" several); CHAPTER=NAME a chapter's exercises.
.PHONY: exercise exercise-reset grade starter-pack labs-check handin handouts
exercise:
	@$(LAB) exercise "$$EX" $(if $(FORCE),--force)
exercise-reset:
	@$(LAB) reset "$$EX"
grade:
	scripts/setup.sh labs
	@$(LAB) grade $${EX:+"$$EX"}
starter-pack:
	@$(LAB) starter-pack $${EX:+--only "$$EX"} $${CHAPTER:+--lab "$$CHAPTER"}
handin:
	@$(LAB) handin
handouts:
	$(LAB) handouts
labs-check:
	scripts/setup.sh labs
	$(LAB) check
