#!/usr/bin/env bash
# Runs every consumer test of the volc-im package in pkg/, one after another (2 cores: never in
# parallel), and prints one line per consumer: `ok workerd (3.1s)` or `FAIL vite: ...`.
# Exits non-zero if any failed. Usage: tests/consumers/run.sh [NAME ...] (names: the table below)
# Most consumers send one message to the real simulator (VOLC_IM_SIM_BIN, default
# target/debug/volc-im-sim, built here if missing).
# Env: VOLC_IM_PKG=dir tests another package build (default pkg/); VOLC_IM_INSTALL=link installs volc-im as a symlink to pkg/ instead of an `npm pack` copy;
#      CONSUMER_TIMEOUT (seconds per consumer, default 300).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

declare -A script=(
  [workerd]=workerd/test.mjs
  [vite]=vite-app/test.mjs
  [vite-link]="vite-app/test.mjs --link"
  [ts]=ts/test.mjs
  [lint]=lint/test.mjs
  [esbuild]=esbuild/test.mjs
  [webpack]=webpack/test.mjs
  [rollup]=rollup/test.mjs
  [node]="runtimes/test.mjs node"
  [deno]="runtimes/test.mjs deno"
  [bun]="runtimes/test.mjs bun"
)
order=(workerd vite vite-link ts lint esbuild webpack rollup node deno bun)
(($#)) && order=("$@")

if [[ ! -f pkg/package.json ]]; then
  echo "pkg/ is missing or incomplete: building it (bash scripts/build-pkg.sh)" >&2
  bash scripts/build-pkg.sh >&2 || { echo "FAIL build: scripts/build-pkg.sh failed"; exit 1; }
fi

if [[ -z "${VOLC_IM_SIM_BIN:-}" && ! -x target/debug/volc-im-sim ]]; then
  echo "target/debug/volc-im-sim is missing: building it (cargo build -p volc-im-sim)" >&2
  cargo build -p volc-im-sim >&2 || { echo "FAIL build: cargo build -p volc-im-sim failed"; exit 1; }
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
failed=0
for name in "${order[@]}"; do
  file="${script[$name]:-}"
  if [[ -z "$file" ]]; then
    echo "FAIL $name: no such consumer (have: ${!script[*]})"
    failed=1
    continue
  fi
  log="$logs/$name.log"
  read -ra argv <<<"$file" # a script and its arguments
  timeout --kill-after=10 "${CONSUMER_TIMEOUT:-300}" node "$here/${argv[0]}" "${argv[@]:1}" >"$log" 2>&1
  rc=$?
  line="$(grep -E "^(ok|FAIL) $name\b" "$log" | tail -n 1)"
  if ((rc == 0)) && [[ "$line" == ok* ]]; then
    echo "$line"
  else
    failed=1
    if [[ "$line" == FAIL* ]]; then
      echo "$line"
    elif ((rc == 124 || rc == 137)); then
      echo "FAIL $name: timed out after ${CONSUMER_TIMEOUT:-300}s"
    else
      echo "FAIL $name: exited with status $rc without a result line"
    fi
    echo "---- $name log (last 40 lines) ----" >&2
    tail -n 40 "$log" >&2
    echo "---- end of $name log ----" >&2
  fi
done
exit "$failed"
