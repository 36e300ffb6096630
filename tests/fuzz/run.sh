#!/usr/bin/env bash
# Differential fuzz of the signer against the official Python SDK's SignerV4 (make test runs
# it). FUZZ_SEED picks the seed (default: the date, so each day explores new cases; printed so
# a failure can be replayed), FUZZ_COUNT the number of requests (default 10000).
set -uo pipefail
cd "$(dirname "$0")/../.."
seed="${FUZZ_SEED:-$(date -u +%Y%m%d)}"
count="${FUZZ_COUNT:-10000}"
echo "seed $seed, $count requests (replay: FUZZ_SEED=$seed bash tests/fuzz/run.sh)"
cargo run --quiet --release -p volc-im --example sign_fuzz -- --count "$count" --seed "$seed" |
  target/venv/bin/python tests/fuzz/check_python.py --min "$count"
