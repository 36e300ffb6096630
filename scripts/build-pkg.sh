#!/usr/bin/env bash
# Assembles the npm package in pkg/: one optimised .wasm, the wasm-bindgen `web` glue, the
# entries from pkg-template/, and a CommonJS build of the Node entry.
set -euo pipefail
cd "$(dirname "$0")/.."
# A private work directory, so two builds at once (a test run and a benchmark) cannot collide;
# target/pkg-build keeps the last one's unoptimised .wasm for size analysis.
tmp=$(mktemp -d target/pkg-build.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cargo build -p volc-im --release --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --out-dir "$tmp" target/wasm32-unknown-unknown/release/volc_im.wasm

# Never Debian's wasm-opt (it miscompiles externref tables): the pinned npm binaryen.
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
  "$tmp/volc_im_bg.wasm" -o "$tmp/volc_im_bg.opt.wasm"

# Assemble beside pkg/ and swap at the end, so pkg/ is never half-built.
out=$tmp/pkg
mkdir -p "$out"
cp "$tmp/volc_im_bg.opt.wasm" "$out/volc_im_bg.wasm"
# The glue imports src/js/*.js from hashed snippets/ paths; ship them beside the glue instead.
cp "$tmp/volc_im.js" "$out/volc_im.js"
for snippet in $(cd "$tmp" && ls snippets/*/src/js/*.js); do
  name=$(basename "$snippet")
  sed -i "s#\./${snippet//\//\\/}#./${name}#g" "$out/volc_im.js"
  grep -q "from './${name}'" "$out/volc_im.js" || { echo "${name} import not rewritten" >&2; exit 1; }
  cp "src/js/${name}" "$out/${name}"
done
grep -q "snippets/" "$out/volc_im.js" && { echo "a snippets/ import is left in the glue" >&2; exit 1; }
cp -r pkg-template/. "$out/"
cp "$out/index.d.ts" "$out/index.d.cts" # same declarations, read as CommonJS for require()

# CommonJS for require(): the Node entry bundled, import.meta.url mapped to this file's URL.
node_modules/.bin/esbuild "$out/node.mjs" --bundle --platform=node --format=cjs --target=node18 \
  --define:import.meta.url=__volc_im_url --inject:scripts/cjs-url-shim.js \
  --log-level=warning --outfile="$out/index.cjs"

rm -rf target/pkg-build && mkdir -p target/pkg-build && cp "$tmp/volc_im_bg.wasm" target/pkg-build/
old=$(mktemp -d target/pkg-old.XXXXXX)
[ -d pkg ] && mv pkg "$old/"
mv "$out" pkg
rm -rf "$old"
echo "pkg/ built: $(wc -c < pkg/volc_im_bg.wasm) bytes of wasm"
