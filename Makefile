# Driftline: build, serve, test and package.
#
#   make serve   install what is missing, build, and serve the page on http://localhost:8000
#   make test    install what is missing, then formatting, lints, native tests, wasm tests
#                and browser tests
#   make bench   native criterion benchmarks, then the browser benchmark against the peers
#
# A fresh machine needs only Rust (rustup), node and python: every other tool is installed by
# the target that first needs it, and every install step checks first and skips what is
# already there (see "Installation" below).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
MAKEFLAGS += --no-print-directory

CARGO ?= cargo
PORT ?= 8000
CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROMEDRIVER

WASM_TARGET := wasm32-unknown-unknown
WASM_PROFILE = wasm
WASM_FILE = target/$(WASM_TARGET)/$(WASM_PROFILE)/driftline.wasm
# The wasm-bindgen CLI must match the wasm-bindgen library version locked in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '$$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $$3); print $$3; exit }' Cargo.lock)
E2E := tests/e2e
BENCH := tests/bench
BENCH_DEPS := $(BENCH)/node_modules/.package-lock.json
PLAYWRIGHT := $(E2E)/node_modules/playwright-core/package.json
# Binaryen's wasm-opt from npm (Debian's wasm-opt corrupts wasm-bindgen output).
WASM_OPT := .ci/node_modules/.bin/wasm-opt
BINDGEN_OUT := target/wasm-bindgen
OPT_CACHE := target/wasm-opt
NATIVE_BIN := target/debug/driftline

.PHONY: bindgen build build-fast serve test dist bench bench-native bench-browser bench-memory bench-profile bench-deps tools wasm-target wasm-bindgen-cli browser wasm wasm-fast page lint test-native test-wasm test-e2e e2e-deps build-deps

## build: the optimised wasm and the page's generated files into www/ (nothing is served).
build: tools build-deps wasm page

## build-fast: the same page without LTO or wasm-opt (a larger wasm, built far sooner): what serve uses.
build-fast: tools wasm-fast page
# make serve's wasm: the wasm-dev profile (no LTO, parallel code generation; see Cargo.toml).
build-fast wasm-fast: WASM_PROFILE = wasm-dev

## serve: build (without wasm-opt), then serve www/ with the demo data on http://localhost:$(PORT).
serve: build-fast
	@echo "Driftline is at http://localhost:$(PORT)/  (press Ctrl-C to stop)"
	python3 -m http.server --bind 127.0.0.1 $(PORT) -d www

## test: everything CI checks, after installing whatever is missing.
test: lint test-native test-wasm test-e2e

## dist: dist/npm/ (the ES module package) and dist/driftline.html (one self-contained file).
dist: build
	node .ci/dist.mjs

## bench: the native criterion benchmarks, then the browser benchmark (see BENCHMARKS.md).
bench: bench-native bench-browser

## bench-native: every criterion benchmark in benches/ (phases.rs prints time and heap by phase).
bench-native:
	$(CARGO) bench

## bench-browser: Driftline against SheetJS, Papa Parse and DuckDB-wasm in headless Chromium
## (it launches Chromium and reads the page with the browser tests' helpers, so it needs their npm packages too).
## Sizes and runs: CSV_CHILDREN, XLSX_CHILDREN, COHORT_CHILDREN, RUNS (see tests/bench/run.mjs).
bench-browser: browser build bench-deps e2e-deps
	$(CARGO) build --release --bin driftline
	cd $(BENCH) && DRIFTLINE_BIN='$(CURDIR)/target/release/driftline' node run.mjs

## bench-memory: the page's peak wasm memory for the CSV and the workbook, in Node in seconds (the
## browser benchmark's figure to the byte; BEFORE_WWW=DIR measures another build too).
bench-memory: build
	$(CARGO) build --release --bin driftline
	cd $(BENCH) && DRIFTLINE_BIN='$(CURDIR)/target/release/driftline' node memory.mjs

## bench-profile: where the core's time goes in Chromium (its sampling profiler, function names
## kept): the page's wasm optimised again with -g into target/profile-wasm/ (see tests/bench/profile.mjs).
bench-profile: browser build e2e-deps
	$(CARGO) build --release --bin driftline
	@mkdir -p target/profile-wasm
	$(WASM_OPT) -Oz -g $(BINDGEN_OUT)/driftline_bg.wasm -o target/profile-wasm/driftline_bg.wasm
	cp $(BINDGEN_OUT)/driftline.js target/profile-wasm/driftline.js
	cd $(BENCH) && DRIFTLINE_BIN='$(CURDIR)/target/release/driftline' node profile.mjs

# --- Installation (idempotent) ---------------------------------------------------------

# tools: what building the page needs (the wasm32 target and wasm-bindgen-cli).
tools: wasm-target wasm-bindgen-cli

wasm-target:
	@if ! rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
	    echo "Installing the $(WASM_TARGET) target"; \
	    rustup target add $(WASM_TARGET); \
	fi

# The CLI must match the library version locked in Cargo.lock. `--locked` fails on some
# registries (the CLI's own lockfile pins a crate they lack), so it falls back to unlocked.
wasm-bindgen-cli:
	@if [ -z '$(WASM_BINDGEN_VERSION)' ]; then \
	    echo "Cannot find wasm-bindgen's version in Cargo.lock" >&2; exit 1; \
	fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != 'wasm-bindgen $(WASM_BINDGEN_VERSION)' ] || \
	    [ "$$(wasm-bindgen-test-runner --version 2>/dev/null)" != 'wasm-bindgen-test-runner $(WASM_BINDGEN_VERSION)' ]; then \
	    echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (a few minutes, once)"; \
	    $(CARGO) install wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)' --locked --force || \
	    $(CARGO) install wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)' --force; \
	fi

# browser: Debian's Chromium and ChromeDriver (the wasm tests and the browser tests drive
# them). Installed with apt-get, through sudo when not root.
browser:
	@missing=(); \
	command -v chromium > /dev/null || missing+=(chromium); \
	[ -x '$(CHROMEDRIVER)' ] || command -v chromedriver > /dev/null || missing+=(chromium-driver); \
	if (( $${#missing[@]} > 0 )); then \
	    echo "Installing $${missing[*]} from Debian's packages"; \
	    sudo=; if [ "$$(id -u)" != 0 ]; then sudo=sudo; fi; \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q; \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$${missing[@]}"; \
	fi

e2e-deps: $(PLAYWRIGHT)

bench-deps: $(BENCH_DEPS)

$(BENCH_DEPS): $(BENCH)/package-lock.json
	cd $(BENCH) && npm ci --no-audit --no-fund
	@touch $@

build-deps: $(WASM_OPT)

$(WASM_OPT): .ci/package-lock.json
	cd .ci && npm ci --no-audit --no-fund
	@touch $@

$(PLAYWRIGHT): $(E2E)/package-lock.json
	cd $(E2E) && npm ci --no-audit --no-fund
	@touch $@

# --- Build steps -------------------------------------------------------------------------

# wasm-opt -Oz makes the core a quarter smaller; it takes about a minute, so it runs only
# when wasm-bindgen's output changed.
wasm: tools build-deps bindgen
	@mkdir -p $(OPT_CACHE)
	@if cmp -s $(BINDGEN_OUT)/driftline_bg.wasm $(OPT_CACHE)/input.wasm && [ -f $(OPT_CACHE)/output.wasm ]; then \
	    echo "wasm-opt: the core is unchanged, reusing its optimised build"; \
	else \
	    echo "wasm-opt -Oz (about a minute)"; \
	    $(WASM_OPT) -Oz $(BINDGEN_OUT)/driftline_bg.wasm -o $(OPT_CACHE)/output.wasm; \
	    cp $(BINDGEN_OUT)/driftline_bg.wasm $(OPT_CACHE)/input.wasm; \
	fi
	cp $(OPT_CACHE)/output.wasm www/pkg/driftline_bg.wasm

# wasm-fast: wasm-bindgen's output as it is, for `make serve` (no wasm-opt, no npm install).
wasm-fast: tools bindgen
	cp $(BINDGEN_OUT)/driftline_bg.wasm www/pkg/driftline_bg.wasm

# `cargo rustc --crate-type cdylib`, not `cargo build --lib`: the crate is also an rlib (for
# the tests, benchmarks and the command line), and cargo does not run LTO for a library that
# is built as an rlib too, so `lto = true` in the wasm profile only takes effect when the
# cdylib is built alone (whole-program LTO: 1,143 kB → 1,036 kB gzipped after wasm-opt).
bindgen:
	$(CARGO) rustc --lib --crate-type cdylib --target $(WASM_TARGET) --profile $(WASM_PROFILE)
	wasm-bindgen --target no-modules --no-typescript --out-dir $(BINDGEN_OUT) $(WASM_FILE)
	@mkdir -p www/pkg
	cp $(BINDGEN_OUT)/driftline.js www/pkg/driftline.js

# The page's generated files: the template workbook, and the chart font (Liberation Sans,
# whose advance widths the core lays charts out with) with its licence, so the canvas draws
# text exactly as wide as it was measured on every machine.
page:
	$(CARGO) run --quiet --bin driftline -- template --out www/template.xlsx --force
	@mkdir -p www/fonts
	cp src/chart/fonts/LiberationSans-Regular.ttf src/chart/fonts/LiberationSans-Bold.ttf src/chart/fonts/LICENSE-OFL.txt www/fonts/

# --- Test steps --------------------------------------------------------------------------

lint: wasm-target
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) clippy --target $(WASM_TARGET) --lib --test wasm --test chart_canvas -- -D warnings

test-native:
	$(CARGO) test

test-wasm: tools browser
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	    $(CARGO) test --target $(WASM_TARGET) --test wasm --test chart_canvas

test-e2e: browser dist e2e-deps
	$(CARGO) build --bin driftline
	cd $(E2E) && DRIFTLINE_BIN='$(CURDIR)/$(NATIVE_BIN)' node --test --test-concurrency=1
