#!/usr/bin/env bash
# Conformance: the official Volcengine SDKs (Python `volcengine`, Node `@volcengine/openapi`) as
# clients of the simulator over real HTTP. Starts its own simulator (VOLC_IM_SIM_BIN, default
# the debug build) with sim-config.json on a free port, runs both suites, stops it.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${VOLC_IM_SIM_BIN:-$root/target/debug/volc-im-sim}"
py="$root/target/venv/bin/python"
[ -x "$py" ] || { echo "no $py: run scripts/setup.sh --browser (make test does)"; exit 1; }

log="$(mktemp)"
"$bin" --listen 127.0.0.1:0 --config "$here/sim-config.json" --quiet >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  url=$(sed -n 's/^volc-im-sim listening on \(http:\/\/[^ ]*\).*/\1/p' "$log")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "the simulator did not start:"; cat "$log"; exit 1; }
export SIM_URL="$url"

rc=0
echo "--- official Python SDK (volcengine) → $url"
"$py" "$here/python_sdk.py" || rc=1
echo "--- official Node SDK (@volcengine/openapi) → $url"
node --test "$here/node-sdk.test.mjs" || rc=1
exit "$rc"
