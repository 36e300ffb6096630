#!/usr/bin/env bash
# Builds the npm package as it was at commit REV into OUT/pkg, for side-by-side benchmarks
# (benches/compare.mjs): a git worktree of REV in OUT/tree sharing this checkout's node_modules.
#   scripts/build-pkg-at.sh REV OUT
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$1
out=$2
if [ -f "$out/pkg/volc_im_bg.wasm" ] && [ "$(cat "$out/rev" 2>/dev/null)" = "$(git rev-parse "$rev")" ]; then
  echo "$out/pkg: already built from $rev"
  exit 0
fi
rm -rf "$out"
git worktree prune
git worktree add -q --detach "$out/tree" "$rev"
ln -s "$PWD/node_modules" "$out/tree/node_modules"
# Older trees' build script assumed target/ existed.
mkdir -p "$out/tree/target"
(cd "$out/tree" && bash scripts/build-pkg.sh)
mv "$out/tree/pkg" "$out/pkg"
git rev-parse "$rev" > "$out/rev"
git worktree remove --force "$out/tree"
echo "$out/pkg: built from $rev"
