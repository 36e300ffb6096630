#!/usr/bin/env bash
# Runs the package's JS suite (tests/js/*.test.mjs, node:test + node:assert) under Node, Deno
# and Bun, each with its own runner, against the built package in pkg/.
#   bash tests/js/run-runtimes.sh            # all three
#   bash tests/js/run-runtimes.sh deno bun   # some of them
# Exits non-zero if any runtime fails, and says which.
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f pkg/node.mjs ] || [ ! -f pkg/index.cjs ] || [ ! -f pkg/package.json ]; then
  echo "pkg/ is missing or incomplete: building it (scripts/build-pkg.sh)"
  bash scripts/build-pkg.sh || { echo "package build failed" >&2; exit 1; }
fi

export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
# Each runtime gets at most this long; a suite that leaves a handle open would hang here.
limit=${JS_TEST_TIMEOUT:-600}

run() {
  local name=$1
  shift
  case $name in
    # Node 18+: node:test's own runner, one process per file.
    node) timeout "$limit" node --test tests/js/*.test.mjs ;;
    # Deno runs node:test suites through `deno test` (`deno run` would register and never run them).
    deno) timeout "$limit" node_modules/.bin/deno test -A tests/js/ ;;
    # Bun maps node:test onto its own runner; `bun file.mjs` refuses hooks outside `bun test`.
    bun) timeout "$limit" node_modules/.bin/bun test ./tests/js/ ;;
    *) echo "unknown runtime: $name (node, deno, bun)" >&2; return 2 ;;
  esac
}

runtimes=("$@")
[ ${#runtimes[@]} -eq 0 ] && runtimes=(node deno bun)

failed=()
for r in "${runtimes[@]}"; do
  echo
  echo "=== tests/js under $r"
  run "$r"
  rc=$?
  if [ $rc -ne 0 ]; then
    [ $rc -eq 124 ] && echo "$r: timed out after ${limit}s (something kept the process alive)"
    failed+=("$r")
  fi
done

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "tests/js FAILED under: ${failed[*]}"
  exit 1
fi
echo "tests/js passed under: ${runtimes[*]}"
