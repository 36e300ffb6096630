#!/usr/bin/env bash
# Architecture checks that grep can make (run by `make test`):
# - the simulator is independent of the SDK crate: no `volc-im` in any dependency table of
#   sim/Cargo.toml and no `volc_im::` path under sim/ (a verifier built on our own signer would
#   prove nothing about it).
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0
if grep -nE '^\s*volc-im\s*=|package\s*=\s*"volc-im"' sim/Cargo.toml; then
  echo "sim/Cargo.toml depends on the SDK crate: the simulator must verify with its own code"
  bad=1
fi
if grep -rnE '\bvolc_im::' sim/src sim/tests sim/examples; then
  echo "the simulator names the SDK crate (volc_im::)"
  bad=1
fi
[ "$bad" -eq 0 ] && echo "layers: the simulator does not depend on the SDK crate"
exit "$bad"
