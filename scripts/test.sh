#!/usr/bin/env bash
# Every test, in the order the layers build on each other. Run by `make test` (after setup).
# Each step prints its own runner's summary; the last line counts the steps.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# The end-to-end tests start the simulator binary that `cargo test --workspace` builds.
export VOLC_IM_SIM_BIN="$PWD/target/debug/volc-im-sim"

passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  echo
  echo "=== $name: $*"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

step "format" cargo fmt --all -- --check
step "architecture (layer checks)" bash scripts/check-layers.sh
step "error codes agree (src, types, README, simulator, relay docs)" bash -c "node scripts/check-codes.mjs && node --test tests/scripts/"
step "clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
step "clippy (wasm)" cargo clippy -p volc-im --target wasm32-unknown-unknown --all-targets -- -D warnings
step "clippy (wasm, signer only)" cargo clippy -p volc-im --target wasm32-unknown-unknown --no-default-features -- -D warnings
step "rust (native: signer, vectors, api, simulator)" cargo test --workspace
step "signer differential fuzz (10,000 random requests vs the official Python SignerV4)" bash tests/fuzz/run.sh
step "official SDKs as clients of the simulator (Python volcengine, Node @volcengine/openapi)" bash tests/conformance/run.sh
step "rust (wasm: Node, Chromium window, dedicated worker)" cargo test -p volc-im --target wasm32-unknown-unknown
step "package build" bash scripts/build-pkg.sh
step "size budget (browser load of volc-im and volc-im/sign)" node scripts/check-size.mjs
[ -d tests/js ] && step "js (Node, Deno, Bun)" bash tests/js/run-runtimes.sh
[ -d tests/consumers ] && step "consumers (Vite, webpack, esbuild, Rollup, workerd, Node, Deno, Bun, tsc, publint, attw)" bash tests/consumers/run.sh
[ -d tests/e2e ] && step "end to end (package ↔ simulator ↔ WebSocket clients)" node --test tests/e2e/

echo
if [ "$failed" -gt 0 ]; then
  echo "failed steps: ${failures[*]}"
fi
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
