#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there (idempotent).
#   scripts/setup.sh            wasm target, wasm-bindgen-cli (the Cargo.lock version), npm deps
#   scripts/setup.sh --browser  also Debian's Chromium + ChromeDriver (browser tests) and the
#                               Python venv target/venv with the official Volcengine SDK
#                               (conformance tests and the signer fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The CLI must equal the wasm-bindgen crate in Cargo.lock. No --locked: a locked dependency of
# the CLI is missing from the registry mirror here.
want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  cargo install wasm-bindgen-cli --version "$want"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The official Python SDK, pinned, used as an independent client and signer by the tests.
VOLCENGINE_PY=1.0.229
if [ "${1:-}" = "--browser" ] && ! target/venv/bin/python -c "import volcengine, sys; sys.exit(0 if __import__('importlib.metadata').metadata.version('volcengine') == '$VOLCENGINE_PY' else 1)" 2>/dev/null; then
  mkdir -p target
  python3 -m venv target/venv
  target/venv/bin/pip install --quiet --disable-pip-version-check "volcengine==$VOLCENGINE_PY"
fi

if [ "${1:-}" = "--browser" ] && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  # Never Debian's binaryen: its wasm-opt miscompiles wasm-bindgen output.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi
