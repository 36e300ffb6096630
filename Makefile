# The entry points (README): `make demo` runs the main job, `make test` runs every test,
# `make pkg` builds the npm package into pkg/. Each installs what is missing first.
.PHONY: setup setup-browser pkg sim test demo bench bench-compare clean

setup:
	bash scripts/setup.sh

setup-browser:
	bash scripts/setup.sh --browser

pkg: setup
	bash scripts/build-pkg.sh

sim:
	cargo build -p volc-im-sim --profile sim

test: setup-browser
	bash scripts/test.sh

demo: pkg sim
	node scripts/demo.mjs

# Benchmarks (docs/benchmarks.md): builds first, then measures; prints a table and writes
# benches/results.json and benches/results.svg. Exits non-zero only if a benchmark crashed.
bench: pkg setup-browser
	cargo build -p volc-im-sim --profile sim
	cargo build --release -p volc-im --example bench_sign
	node benches/run.mjs

# Before/after, side by side in one run: the package at BEFORE (default: the start of this
# round of work) against pkg/ (docs/benchmarks.md).
BEFORE ?= 12ce17b
bench-compare: pkg setup-browser
	cargo build -p volc-im-sim --profile sim
	bash scripts/build-pkg-at.sh $(BEFORE) target/bench-before
	node benches/compare.mjs --before target/bench-before/pkg

clean:
	rm -rf pkg target/pkg-build artifacts
