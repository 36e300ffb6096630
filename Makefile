# The entry points (README): `make demo` runs the main job, `make test` runs every test,
# `make pkg` builds the npm package into pkg/. Each installs what is missing first.
.PHONY: setup setup-browser pkg sim test demo bench clean

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

clean:
	rm -rf pkg target/pkg-build artifacts
