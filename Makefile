# Driftline: build, serve, test and package.
#
#   make serve   install what is missing, build, and serve the page on http://localhost:8000
#   make test    formatting, lints, native tests, wasm tests and browser tests
#   make bench   native criterion benchmarks, then the browser benchmark against the peers
#
# Every install step checks first and skips what is already there.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
MAKEFLAGS += --no-print-directory

CARGO ?= cargo
PORT ?= 8000
CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROMEDRIVER

WASM_TARGET := wasm32-unknown-unknown
WASM_PROFILE := wasm
WASM_FILE := target/$(WASM_TARGET)/$(WASM_PROFILE)/driftline.wasm
WASM_PAGE := www/pkg/driftline_bg.wasm
# binaryen's wasm-opt from npm (tools/package.json). Not Debian's: its wasm-opt 108 corrupts
# wasm-bindgen output. `make WASM_OPT_FLAGS=` skips the step (a faster build, a larger wasm).
WASM_OPT := tools/node_modules/binaryen/bin/wasm-opt
WASM_OPT_FLAGS ?= -Oz
# The wasm-bindgen CLI must match the wasm-bindgen library version locked in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '$$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $$3); print $$3; exit }' Cargo.lock)
E2E := tests/e2e
BENCH := tests/bench
BENCH_DEPS := $(BENCH)/node_modules/.package-lock.json
PLAYWRIGHT := $(E2E)/node_modules/playwright-core/package.json
NATIVE_BIN := target/debug/driftline

.PHONY: build serve test dist bench bench-native bench-browser bench-deps tools wasm-opt wasm page lint test-native test-wasm test-e2e e2e-deps

## build: the wasm and the page's generated files into www/ (nothing is served).
build: tools wasm-opt wasm page

## serve: build, then serve www/ with the bundled demo data on http://localhost:$(PORT).
serve: build
	@echo "Driftline is at http://localhost:$(PORT)/  (press Ctrl-C to stop)"
	python3 -m http.server --bind 127.0.0.1 $(PORT) -d www

## test: everything CI checks.
test: lint test-native test-wasm test-e2e

## dist: dist/npm/ (the ES module package) and dist/driftline.html (one self-contained file).
dist: build
	node .ci/dist.mjs

## bench: the native criterion benchmarks, then the browser benchmark (see BENCHMARKS.md).
bench: bench-native bench-browser

## bench-native: every criterion benchmark in benches/ (phases.rs prints time and heap by phase).
bench-native:
	$(CARGO) bench

## bench-browser: Driftline against SheetJS, Papa Parse and DuckDB-wasm in headless Chromium.
## Sizes and runs: CSV_CHILDREN, XLSX_CHILDREN, COHORT_CHILDREN, RUNS (see tests/bench/run.mjs).
bench-browser: build bench-deps
	$(CARGO) build --release --bin driftline
	cd $(BENCH) && DRIFTLINE_BIN='$(CURDIR)/target/release/driftline' node run.mjs

# --- Installation (idempotent) ---------------------------------------------------------

tools:
	@if ! rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
	    echo "Installing the $(WASM_TARGET) target"; \
	    rustup target add $(WASM_TARGET); \
	fi
	@if [ -z '$(WASM_BINDGEN_VERSION)' ]; then \
	    echo "Cannot find wasm-bindgen's version in Cargo.lock" >&2; exit 1; \
	fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != 'wasm-bindgen $(WASM_BINDGEN_VERSION)' ] || \
	    ! command -v wasm-bindgen-test-runner > /dev/null; then \
	    echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (a few minutes, once)"; \
	    $(CARGO) install wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)' --locked --force || \
	    $(CARGO) install wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)' --force; \
	fi

e2e-deps: $(PLAYWRIGHT)

wasm-opt: $(WASM_OPT)

$(WASM_OPT): tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund
	@touch $@

bench-deps: $(BENCH_DEPS)

$(BENCH_DEPS): $(BENCH)/package-lock.json
	cd $(BENCH) && npm ci --no-audit --no-fund
	@touch $@

$(PLAYWRIGHT): $(E2E)/package-lock.json
	cd $(E2E) && npm ci --no-audit --no-fund
	@touch $@

# --- Build steps -------------------------------------------------------------------------

wasm:
	$(CARGO) build --lib --target $(WASM_TARGET) --profile $(WASM_PROFILE)
	@$(MAKE) $(WASM_PAGE)

# Only when the core changed: wasm-opt takes about a minute.
$(WASM_PAGE): $(WASM_FILE)
	wasm-bindgen --target no-modules --no-typescript --out-dir www/pkg $(WASM_FILE)
	$(if $(strip $(WASM_OPT_FLAGS)),$(WASM_OPT) $(WASM_OPT_FLAGS) $@ -o $@)

page:
	$(CARGO) run --quiet --bin driftline -- template --out www/template.xlsx

# --- Test steps --------------------------------------------------------------------------

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) clippy --target $(WASM_TARGET) --lib --test wasm --test chart_canvas -- -D warnings

test-native:
	$(CARGO) test

test-wasm: tools
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	    $(CARGO) test --target $(WASM_TARGET) --test wasm --test chart_canvas

test-e2e: dist e2e-deps
	$(CARGO) build --bin driftline
	cd $(E2E) && DRIFTLINE_BIN='$(CURDIR)/$(NATIVE_BIN)' node --test --test-concurrency=1
