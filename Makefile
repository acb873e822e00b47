# duckline: the two entry commands are `make demo` and `make test` (see README.md).
# Every target sets up what it needs first (scripts/setup.sh is idempotent).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

# nycflights13 data: ../shared/data next to the checkout, or DUCKLINE_DATA_DIR.
DUCKLINE_DATA_DIR ?= $(abspath $(firstword $(wildcard $(CURDIR)/../shared/data/nycflights13 /work/shared/data/nycflights13)))
export DUCKLINE_DATA_DIR
export DUCKLINE_SAMPLE_DIR := $(DUCKLINE_DATA_DIR)

WASM_CRATE := crates/duckline-wasm
BROWSER_TEST_ENV := CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=1200

.PHONY: demo test setup assets vendor-data pkg pkg-bench www lint test-native test-types test-browser test-e2e crash-soak bench bench-ops bench-encodings bench-clusters clean

## Builds everything and serves the demo (prints its URL).
demo: setup pkg www
	node scripts/serve.mjs

## Runs every check and test: lints, native scenarios, browser scenarios, end-to-end.
test: setup lint test-native test-types test-browser test-e2e

setup:
	@bash scripts/setup.sh

assets:
	bash scripts/build-js-assets.sh

vendor-data:
	@test -n "$(DUCKLINE_DATA_DIR)" || { echo "nycflights13 data not found: set DUCKLINE_DATA_DIR" >&2; exit 1; }
	mkdir -p $(WASM_CRATE)/vendor/data
	for f in flights.csv airlines.csv; do cmp -s $(DUCKLINE_DATA_DIR)/$$f $(WASM_CRATE)/vendor/data/$$f || cp $(DUCKLINE_DATA_DIR)/$$f $(WASM_CRATE)/vendor/data/$$f; done

## pkg/: the npm package `duckline` (cargo release build for wasm32, wasm-bindgen, wasm-opt,
## DuckDB-WASM's eh bundle in pkg/duckdb/, package.json and README for npm). `make pkg-bench`: the same with the `bench` feature
## (BenchBaseline) in pkg-bench/, for the benchmarks only.
pkg: assets
	$(call build_pkg,pkg,)

pkg-bench: assets
	$(call build_pkg,pkg-bench,--features bench)

# wasm-opt from npm's binaryen (no binaryen download is reachable here), with the features rustc's
# wasm32 target enables. $(WASM_OPT_LEVEL): see crates/duckline-wasm/README.md
# ("Package size").
WASM_OPT_LEVEL ?= -O1
WASM_FEATURES := --enable-bulk-memory --enable-bulk-memory-opt --enable-call-indirect-overlong \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-multivalue --enable-reference-types

# $(1): output folder; $(2): extra cargo arguments. wasm-bindgen directly, not wasm-pack: wasm-pack
# only wraps these two commands, and installing it cost a fresh machine minutes of CI.
define build_pkg
	cargo build -p duckline-wasm --lib --release --target wasm32-unknown-unknown $(2)
	rm -rf $(1) && mkdir -p $(1)
	wasm-bindgen --target web --out-dir $(1) --out-name duckline_wasm target/wasm32-unknown-unknown/release/duckline_wasm.wasm
	cp $(WASM_CRATE)/js/package/duckline.js $(WASM_CRATE)/js/package/duckline.worker.js $(WASM_CRATE)/js/package/duckline.d.ts $(1)/
	bash scripts/wasm-opt.sh $(1) $(WASM_OPT_LEVEL) $(WASM_FEATURES)
	mkdir -p $(1)/duckdb
	bash scripts/build-js-assets.sh $(1)/duckdb
	node scripts/finish-pkg.mjs $(1)
endef

www:
	node www/build.mjs

lint: assets
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p duckline-core -p duckline-wasm --all-targets --target wasm32-unknown-unknown -- -D warnings
	# BenchBaseline (src/bench.rs) exists only with the bench feature.
	cargo clippy -p duckline-wasm --all-targets --target wasm32-unknown-unknown --features bench -- -D warnings

test-native:
	cargo test --workspace

## tests/types: good.ts must type-check (tsc --strict) against pkg/duckline.d.ts and bad.ts must fail
## with exactly the errors it marks. The declarations' data shapes are generated from the Rust types
## (crates/duckline-wasm/src/generated/types.d.ts; its drift test runs in test-native).
test-types: pkg
	node tests/types/check.mjs pkg/duckline.d.ts

test-browser: assets vendor-data
	cd $(WASM_CRATE) && $(BROWSER_TEST_ENV) cargo test --target wasm32-unknown-unknown --profile wasm-test

## tests/e2e/ (README there), with the crash test (3 kill points of a SIGKILLed Chromium) and the
## quota test (Chromium's own quota, made too small for an import, a step and a reopen).
test-e2e: pkg www
	node --test --test-concurrency=1 tests/e2e/

## The crash test's soak (not part of `make test`): N kill points at seeded random moments of its
## flights.csv scenario (tests/e2e/crash-harness.mjs); prints "<passed> passed, <failed> failed" and
## the seeds of the failures. Rerun one: `CRASH_SEED=<seed> CRASH_SPAN_MS=<span> make crash-soak N=1`.
N ?= 100
crash-soak: setup pkg
	node scripts/crash-soak.mjs $(N)

## The benchmark of issue 4 (not part of `make test`): duckline vs the reference strategy in headless
## Chromium; prints a table and writes bench-results/bench-$(ROWS).json. `make bench ROWS=100000 RUNS=1`
## for a quick run.
ROWS ?= 1000000
RUNS ?= 3
bench: setup pkg-bench
	node bench/run.mjs --rows $(ROWS) --runs $(RUNS) --pkg pkg-bench

## Every command of COMMANDS.md once on nycflights13 flights.csv (apply, undo, redo), median of
## $(RUNS) runs; prints a table and writes bench-results/ops-flights.json. Not part of `make test`.
bench-ops: setup pkg-bench
	node bench/ops.mjs --runs $(RUNS) --pkg pkg-bench

## importCsv of flights.csv as UTF-8, windows-1252 and UTF-16LE in headless Chromium: the transcoding
## overhead (issue 11), median of $(RUNS), as a ratio to UTF-8. Not part of `make test`.
bench-encodings: setup pkg
	node bench/encodings.mjs --runs $(RUNS)

## Every clustering method over a seeded 1M-row column with 50,000 and 300,000 distinct values,
## native, median of 3 (issue 12; the figures behind ClusterMethod::max_distinct_values). Not part
## of `make test`. The dev profile at opt-level 3: it reuses the test build's dependencies (already
## optimised) instead of a release build of arrow and parquet.
bench-clusters:
	CARGO_PROFILE_DEV_OPT_LEVEL=3 cargo run -p duckline-core --example clusters_bench

clean:
	rm -rf target pkg pkg-bench www/dist $(WASM_CRATE)/vendor $(WASM_CRATE)/js/duckdb_glue.js
