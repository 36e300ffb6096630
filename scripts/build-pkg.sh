#!/usr/bin/env bash
# Assembles the npm package in pkg/: three optimised .wasm builds (the whole client for servers,
# optimised for speed; the same for browsers, optimised for size; a signer-only one for
# `volc-im/sign`), their wasm-bindgen `web` glue, the entries from pkg-template/, and CommonJS
# builds of the Node entries.
set -euo pipefail
cd "$(dirname "$0")/.."
# A private work directory, so two builds at once (a test run and a benchmark) cannot collide;
# target/pkg-build keeps the last one's unoptimised .wasm for size analysis. A fresh clone has
# no target/ yet (cargo makes it later), so make it first.
mkdir -p target
tmp=$(mktemp -d target/pkg-build.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

OPT_FLAGS=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue)
out=$tmp/pkg
mkdir -p "$out"

# build_variant NAME PROFILE BUILD [cargo flags]: NAME.js (glue) + NAME_bg.wasm into $out,
# the .wasm tagged with BUILD (scripts/tag-wasm.mjs).
#   volc_im_server — everything (ImClient + signRequest), for speed: Node, Deno, Bun, Workers;
#   volc_im        — the same code for size, for browsers (a page pays for every byte);
#   volc_im_sign   — signRequest only, for the small `volc-im/sign` entry.
# Each build has its own glue: wasm-bindgen's export names carry symbol hashes that differ
# between profiles.
build_variant() {
  local name=$1 profile=$2 build=$3
  shift 3
  cargo build -p volc-im --profile "$profile" --target wasm32-unknown-unknown "$@"
  mkdir -p "$tmp/$name"
  cp "target/wasm32-unknown-unknown/$profile/volc_im.wasm" "$tmp/$name/$name.wasm"
  wasm-bindgen --target web --no-typescript --omit-default-module-path --out-dir "$tmp/$name" "$tmp/$name/$name.wasm"
  # Never Debian's wasm-opt (it miscompiles externref tables): the pinned npm binaryen.
  node_modules/.bin/wasm-opt -Oz "${OPT_FLAGS[@]}" "$tmp/$name/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  node scripts/tag-wasm.mjs "$out/${name}_bg.wasm" "$build"
  # The glue imports src/wasm/*.js from hashed snippets/ paths; point its `import` statements at
  # copies beside it. (Only those: the key of the imports object must stay what the .wasm names.)
  local glue=$tmp/$name/$name.js snippet file externals=()
  for snippet in $(cd "$tmp/$name" && ls snippets/*/src/wasm/*.js); do
    file=$(basename "$snippet")
    sed -E "s#from (['\"])\./${snippet//\//\\/}(['\"])#from \1./${file}\2#g" "$glue" > "$glue.tmp"
    mv "$glue.tmp" "$glue"
    grep -qE "from ['\"]\./${file}['\"]" "$glue" || { echo "${file} import not rewritten in $name.js" >&2; exit 1; }
    externals+=("--external:./${file}")
    # Shipped minified: ~3.5 KB gzip less in a browser's load (measured). errors.js keeps its
    # identifiers (VolcError.name must survive); the others export only functions.
    local snippet_minify=--minify
    [ "$file" = errors.js ] && snippet_minify="--minify-whitespace --minify-syntax"
    # shellcheck disable=SC2086 # two flags on purpose
    node_modules/.bin/esbuild "src/wasm/${file}" $snippet_minify --format=esm \
      --target=es2020 --log-level=warning --outfile="$out/${file}"
  done
  if grep -qE "from ['\"]\./snippets/" "$glue"; then echo "a snippets/ import is left in $name.js" >&2; exit 1; fi
  # Generated code, so shipped minified (what a browser loads without a bundler). Where it
  # defines classes, identifiers are kept (`ImClient.name`, `util.inspect`) without
  # --keep-names, whose __name() calls would stop bundlers dropping unused code.
  local minify=--minify
  if grep -q "^export class" "$glue"; then minify="--minify-whitespace --minify-syntax"; fi
  # Its named exports only (`export *` leaves out the default export, the glue's async init):
  # wasm-load.js compiles the module itself and calls initSync, so the glue's fetching and
  # streaming code is dead; tree-shaken here, it is ~0.4 KB gzip less in each browser load.
  echo "export * from \"./$name.js\";" > "$tmp/$name/named.js"
  # shellcheck disable=SC2086 # two flags on purpose
  node_modules/.bin/esbuild "$tmp/$name/named.js" --bundle "${externals[@]}" $minify --format=esm \
    --target=es2020 --log-level=warning --outfile="$out/$name.js"
  if grep -q "instantiateStreaming" "$out/$name.js"; then echo "$name.js still holds the glue's async init" >&2; exit 1; fi
  grep -q "initSync" "$out/$name.js" || { echo "$name.js lost initSync" >&2; exit 1; }
}
build_variant volc_im_server release server
build_variant volc_im release-web web
build_variant volc_im_sign release-sign sign --no-default-features
cp -r pkg-template/. "$out/"
# The IM API's version, signing service and action name, exported by every entry: generated
# from the Rust constants (their one source), so the Worker and the demo re-type none of them.
rust_const() { sed -nE "s/^pub const $2: &str = \"([A-Za-z0-9._-]+)\";$/\1/p" "$1"; }
im_version=$(rust_const src/api/mod.rs IM_VERSION)
im_service=$(rust_const src/api/mod.rs IM_SERVICE)
p2p_action=$(rust_const src/api/p2p.rs ACTION)
for v in "$im_version" "$im_service" "$p2p_action"; do
  [[ "$v" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "IM_VERSION, IM_SERVICE or ACTION not found once in src/api" >&2; exit 1; }
done
: > "$out/constants.js" # shipped without a comment: every byte is in a browser's load
for pair in "IM_VERSION:$im_version" "IM_SERVICE:$im_service" "P2P_SEND_MESSAGE:$p2p_action"; do
  printf 'export const %s = "%s";\n' "${pair%%:*}" "${pair#*:}" >> "$out/constants.js"
done
marker="// @volc-im-constants (replaced by the package build)"
grep -qxF "$marker" "$out/index.d.ts" || { echo "index.d.ts lacks the constants marker" >&2; exit 1; }
decls=$(sed -E 's/^export const ([A-Z0-9_]+) = (".*");$/export declare const \1: \2;/' "$out/constants.js")
awk -v m="$marker" -v d="$decls" '$0 == m { print d; next } { print }' "$out/index.d.ts" > "$out/index.d.ts.tmp"
mv "$out/index.d.ts.tmp" "$out/index.d.ts"
# The loader every entry imports, and the lazy classes of the whole client's entries, shipped
# minified like the glue.
# lazy-client.js keeps its identifiers: its classes are what the browser entry exports, and
# their names (`ImClient.name`, a console's `ImClient {}`) must survive.
node_modules/.bin/esbuild pkg-template/wasm-load.js --minify --format=esm \
  --log-level=warning --outfile="$out/wasm-load.js" --allow-overwrite
node_modules/.bin/esbuild pkg-template/lazy-client.js --minify-whitespace --minify-syntax --format=esm \
  --log-level=warning --outfile="$out/lazy-client.js" --allow-overwrite
# Shipped beside the code: the licence, the changes, the bundler recipes that WasmLoadFailed
# messages point at, and the manual `volc-im --help` points at.
mkdir -p "$out/docs"
cp LICENSE CHANGELOG.md "$out/"
cp docs/bundlers.md docs/cli.md "$out/docs/"
# The package's README: the repository README's user sections (one source for both).
{
  sed -n '1,/^## /p' README.md | sed '$d'
  # "below" points at repository sections the package does not carry.
  sed -n '/<!-- pkg-readme:start/,/<!-- pkg-readme:end -->/p' README.md | sed '1d;$d' |
    sed -e 's/the relay Worker below/the relay Worker of the volc-im repository/' \
      -e 's/`worker\/` is a complete relay (below)/The volc-im repository has a complete relay Worker/'
  echo
  echo "Benchmarks, the local IM simulator (try everything without a cloud account), the relay"
  echo "Worker and a demo page live in the volc-im repository."
} > "$out/README.md"
if grep -qE "below|make pkg" "$out/README.md"; then echo "pkg/README.md refers to repository-only sections" >&2; exit 1; fi
grep -q "^## Errors" "$out/README.md" || { echo "pkg/README.md is missing the user sections" >&2; exit 1; }
cp "$out/index.d.ts" "$out/index.d.cts" # same declarations, read as CommonJS for require()
sed 's#"./index.js"#"./index.cjs"#' "$out/sign.d.ts" > "$out/sign.d.cts"

# CommonJS for require(): the Node entry bundled, import.meta.url mapped to this file's URL.
for pair in node.mjs:index.cjs sign-node.mjs:sign.cjs; do
  node_modules/.bin/esbuild "$out/${pair%%:*}" --bundle --keep-names --platform=node --format=cjs --target=node18 \
    --define:import.meta.url=__volc_im_url --inject:scripts/cjs-url-shim.js \
    --log-level=warning --outfile="$out/${pair##*:}"
done

rm -rf target/pkg-build && mkdir -p target/pkg-build
cp "$tmp/volc_im_server/volc_im_server_bg.wasm" "$tmp/volc_im/volc_im_bg.wasm" \
  "$tmp/volc_im_sign/volc_im_sign_bg.wasm" target/pkg-build/
old=$(mktemp -d target/pkg-old.XXXXXX)
[ -d pkg ] && mv pkg "$old/"
mv "$out" pkg
rm -rf "$old"
echo "pkg/ built: $(wc -c < pkg/volc_im_server_bg.wasm) bytes of wasm for servers, $(wc -c < pkg/volc_im_bg.wasm) for browsers, $(wc -c < pkg/volc_im_sign_bg.wasm) for volc-im/sign"
