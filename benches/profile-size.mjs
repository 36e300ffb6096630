// Investigation aid (not part of `make bench`): where the .wasm's bytes go. Reads the named
// (pre-wasm-opt) module of the same build, target/pkg-build/volc_im_bg.wasm, attributes each
// function body to a category by its name, and prints sections, categories and the largest
// functions. (wasm-opt -Oz shrinks code ~10 % evenly; the shares carry over to pkg/.)
//   node benches/profile-size.mjs [file.wasm] [top N]
import { readFileSync } from "node:fs";
import { root } from "./common.mjs";

const file = process.argv[2] ?? `${root}target/pkg-build/volc_im_bg.wasm`;
const top = Number(process.argv[3] ?? 25);
const buf = readFileSync(file);
let p = 8;
const leb = () => {
  let r = 0, s = 0, b;
  do { b = buf[p++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80);
  return r;
};
const NAMES = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"];
const sections = [];
let code, nameSec, importedFuncs = 0;
while (p < buf.length) {
  const id = buf[p++];
  const len = leb();
  const start = p;
  let name = NAMES[id];
  if (id === 0) {
    const n = leb();
    name = `custom:${buf.subarray(p, p + n).toString()}`;
    p += n;
  }
  if (id === 2) {
    for (let i = 0, n = leb(); i < n; i++) {
      const moduleLen = leb();
      p += moduleLen;
      const fieldLen = leb();
      p += fieldLen;
      const kind = buf[p++];
      if (kind === 0) { leb(); importedFuncs++; }
      else if (kind === 1) { p++; const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 3) p += 2;
      else if (kind === 4) { p++; leb(); }
    }
  }
  if (id === 10) code = [start, start + len];
  if (name === "custom:name") nameSec = [p, start + len];
  sections.push([name, len]);
  p = start + len;
}
const names = new Map();
if (nameSec) {
  p = nameSec[0];
  while (p < nameSec[1]) {
    const sub = buf[p++];
    const len = leb();
    const end = p + len;
    if (sub === 1) for (let i = 0, n = leb(); i < n; i++) { const idx = leb(); const l = leb(); names.set(idx, buf.subarray(p, p + l).toString()); p += l; }
    p = end;
  }
}
p = code[0];
const fns = [];
for (let i = 0, n = leb(); i < n; i++) {
  const len = leb();
  fns.push({ len, name: names.get(i + importedFuncs) ?? `func${i + importedFuncs}` });
  p += len;
}
const CATS = [
  ["SHA-256 / HMAC (sha2, hmac, digest)", /sha2|hmac|digest|block_buffer|compress256/],
  ["volc_im::sign (the signer itself)", /volc_im::sign::/],
  ["volc_im::call + transport (async loop, fetch, timers)", /volc_im::(call|transport)::/],
  ["volc_im::js (bindings, JS value conversion)", /volc_im::js::/],
  ["volc_im::api (body models, int64, envelope)", /volc_im::api::/],
  ["volc_im::client/url/policy/error (options, validation)", /volc_im::(client|url|policy|error)::/],
  ["serde_json + serde", /serde_json|serde_core|serde::|<serde/],
  ["float → text (core flt2dec, zmij)", /flt2dec|zmij|float_to_decimal|fmt::float|bignum|Big32x40/],
  ["text → float (core dec2flt)", /dec2flt|f64 as core\[[0-9a-f]+\]::str::traits::FromStr/],
  ["Debug escaping / Unicode tables", /escape_debug|printable|unicode|fmt::Debug>/],
  ["core::fmt (other)", /core(\[[0-9a-f]+\])?::fmt/],
  ["allocator + Vec/String growth", /dlmalloc|__rdl|__rust_(alloc|dealloc|realloc)|raw_vec|RawVec/],
  ["wasm-bindgen, js-sys, futures", /wasm_bindgen|js_sys|__wbg|__wbindgen|externref/],
  ["panic / bounds-check machinery", /panic|unwrap_failed|expect_failed|slice_error|str_index|index_out_of_bounds|slice_(start|end)_index/],
];
const total = fns.reduce((a, f) => a + f.len, 0);
const by = new Map([...CATS.map(([k]) => [k, 0]), ["other (small core/alloc/iterator helpers)", 0]]);
for (const f of fns) {
  const c = CATS.find(([, re]) => re.test(f.name));
  const k = c ? c[0] : "other (small core/alloc/iterator helpers)";
  by.set(k, by.get(k) + f.len);
}
console.log(`${file.replace(root, "")}: ${buf.length} B; sections: ${sections.map(([n, l]) => `${n} ${l}`).join(", ")}`);
console.log(`code: ${total} B in ${fns.length} functions${names.size ? "" : " (no name section: categories unavailable)"}\n`);
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1])) console.log(`${String(v).padStart(8)} B ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
console.log(`\nlargest functions:`);
for (const f of fns.sort((a, b) => b.len - a.len).slice(0, top)) console.log(`${String(f.len).padStart(8)} B  ${f.name.slice(0, 120)}`);
