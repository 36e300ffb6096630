#!/usr/bin/env bash
# Architecture checks that grep can make (run by `make test`; docs/architecture.md):
# - layers in one direction: sign (its own crate) < api < client < wasm | native. A module may
#   import only from its own layer or those below (crate:: paths are checked);
# - only src/wasm/ (and the wasm tests) names wasm_bindgen, js_sys or web_sys;
# - the simulator is independent of the SDK crate: no `volc-im` in any dependency table of
#   sim/Cargo.toml and no `volc_im::` path under sim/ (a verifier built on our own signer would
#   prove nothing about it).
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0
fail() {
  echo "layers: $1"
  bad=1
}
# Drops comment lines from grep -n output (`file:line:   // …`): only code counts.
code() { grep -vE '^[^:]+:[0-9]+:\s*(//|#)' || true; }

# The signer is its own crate (sign/): the compiler already stops it naming anything above it.
# It stays free of serde (its own quoting, no JSON) and of the volc-im crate.
hits=$(grep -nE "^\s*(serde|serde_json|volc-im)\s*=" sign/Cargo.toml || true)
[ -z "$hits" ] || fail "sign/Cargo.toml depends on serde or on volc-im:
$hits"
# In the volc-im crate: layer → the crate:: roots it must not name (everything above it).
declare -A above=(
  [api]="client wasm native"
  [client]="wasm native"
  [wasm]="native"
  [native]="wasm"
)
for layer in "${!above[@]}"; do
  [ -d "src/$layer" ] || { fail "src/$layer is missing"; continue; }
  for name in ${above[$layer]}; do
    hits=$(grep -rnE "crate::$name\b|super::super::$name\b" "src/$layer" | code)
    [ -z "$hits" ] || fail "src/$layer imports from above it (crate::$name):
$hits"
  done
done

hits=$(grep -rnE "\b(wasm_bindgen|js_sys|web_sys)\b" src sign/src --include=*.rs | grep -v "^src/wasm/" | code)
[ -z "$hits" ] || fail "wasm names outside src/wasm/:
$hits"
hits=$(grep -rlE "\b(wasm_bindgen|js_sys|web_sys)\b" tests/*.rs tests/*/*.rs 2>/dev/null | grep -vE "^tests/wasm_" || true)
[ -z "$hits" ] || fail "wasm names in tests other than tests/wasm_*: $hits"

if grep -nE '^\s*volc-im(-sign)?\s*=|package\s*=\s*"volc-im(-sign)?"' sim/Cargo.toml; then
  fail "sim/Cargo.toml depends on the SDK crate: the simulator must verify with its own code"
fi
hits=$(grep -rnE "\\bvolc_im(_sign)?::" sim/src sim/tests sim/examples | code)
[ -z "$hits" ] || fail "the simulator names the SDK crate (volc_im::):
$hits"

if [ "$bad" -eq 0 ]; then
  echo "layers: sign < api < client < wasm | native hold; wasm names only in src/wasm; the simulator does not depend on the SDK crate"
fi
exit "$bad"
