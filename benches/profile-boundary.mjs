// Investigation aid (not part of `make bench`): how often one call crosses the JS↔wasm boundary.
// Wraps every import the glue hands to WebAssembly.Instance and every export, then counts the
// calls made by one signRequestSync (192 B and 64 KiB bodies, string and Uint8Array) and one
// ImClient.p2pSendMessage to a stub fetch. `node benches/profile-boundary.mjs`
// With `--allocs` it first builds a measuring .wasm (cargo feature `count-allocs`, unoptimised
// by wasm-opt, into target/alloc-count/) and also counts Rust heap allocations per call.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as fx from "./fixtures.mjs";
import { root } from "./common.mjs";

const counts = new Map();
let counting = false;
const bump = (k) => counting && counts.set(k, (counts.get(k) ?? 0) + 1);
const short = (name) => name.replace(/^__wbg_/, "").replace(/_[0-9a-f]{16}$/, "");

const Instance = WebAssembly.Instance;
WebAssembly.Instance = function (module, imports) {
  const wrapped = {};
  for (const [ns, fns] of Object.entries(imports)) {
    wrapped[ns] = {};
    for (const [name, f] of Object.entries(fns)) {
      wrapped[ns][name] = typeof f === "function" ? function (...a) { bump(`import ${short(name)}`); return f.apply(this, a); } : f;
    }
  }
  const inst = new Instance(module, wrapped);
  const exports = {};
  for (const [name, v] of Object.entries(inst.exports)) {
    exports[name] = typeof v === "function" ? (...a) => { bump(`export ${name}`); return v(...a); } : v;
  }
  return { exports };
};

const allocs = process.argv.includes("--allocs");
let dir = `${root}pkg`;
if (allocs) {
  dir = `${root}target/alloc-count`;
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  run("cargo", ["build", "-p", "volc-im", "--profile", "release", "--target", "wasm32-unknown-unknown", "--features", "count-allocs"]);
  run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", dir, "target/wasm32-unknown-unknown/release/volc_im.wasm"]);
}
// The server build (what Node loads), or the measuring build named as wasm-bindgen names it.
const [glueFile, wasmFile] = allocs ? ["volc_im.js", "volc_im_bg.wasm"] : ["volc_im_server.js", "volc_im_server_bg.wasm"];
const glue = await import(`${dir}/${glueFile}`);
glue.initSync({ module: readFileSync(`${dir}/${wasmFile}`) });
const allocations = () => (allocs ? glue.allocations() : 0);
let allocated = 0;

const opts = fx.signOptions;

function measure(label, fn) {
  counts.clear();
  const before = allocations();
  counting = true;
  const r = fn();
  counting = false;
  allocated = allocations() - before;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${label}: ${total} boundary calls${allocs ? `, ${allocated} heap allocations` : ""}`);
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(5)}  ${k}`);
  return r;
}

glue.signRequestSync(opts(fx.SMALL_BODY)); // warm (key cache)
measure("signRequestSync, 192 B string body", () => glue.signRequestSync(opts(fx.SMALL_BODY)));
measure("signRequestSync, 64 KiB string body", () => glue.signRequestSync(opts(fx.BIG_BODY)));
const bytes = new TextEncoder().encode(fx.BIG_BODY);
measure("signRequestSync, 64 KiB Uint8Array body", () => glue.signRequestSync(opts(bytes)));

// One send, with a stub fetch that answers at once (no network).
const envelope = fx.P2P_ENVELOPE;
const stubFetch = async () => new Response(envelope, { status: 200, headers: { "Content-Type": "application/json" } });
const client = new glue.ImClient({ accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY, qps: 0, retries: 0, fetch: stubFetch });
const { MESSAGE } = await import("./send.mjs");
await client.p2pSendMessage(MESSAGE);
counts.clear();
const before = allocations();
counting = true;
await client.p2pSendMessage(MESSAGE);
counting = false;
const total = [...counts.values()].reduce((a, b) => a + b, 0);
console.log(`\np2pSendMessage (stub fetch): ${total} boundary calls${allocs ? `, ${allocations() - before} heap allocations` : ""}`);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(5)}  ${k}`);
