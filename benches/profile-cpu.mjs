// Investigation aid (not part of `make bench`): where one signRequest spends its time. Loads the
// glue with the *named* (pre-wasm-opt) .wasm of the same build (the server build, what Node
// loads: target/pkg-build/volc_im_server_bg.wasm)
// and signs in a loop under the V8 sampling profiler; prints self time by function, grouped.
//   node benches/profile-cpu.mjs [small|big] [string|bytes] [seconds]
//   node benches/profile-cpu.mjs send [seconds]   (ImClient.p2pSendMessage with a minimal fake fetch: no network)
import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import * as fx from "./fixtures.mjs";
import { root } from "./common.mjs";

const sendMode = process.argv[2] === "send";
const [size = "small", kind = "string", seconds = "3"] = sendMode ? ["small", "string", process.argv[3] ?? "3"] : process.argv.slice(2);
const named = `${root}target/pkg-build/volc_im_server_bg.wasm`;
const glue = await import(`${root}pkg/volc_im_server.js`);
glue.initSync({ module: readFileSync(named) });
const body = kind === "bytes" ? new TextEncoder().encode(fx.BODIES[size]) : fx.BODIES[size];
const opts = {
  method: "POST", url: fx.URL_P2P, headers: fx.HEADERS, body, accessKeyId: fx.ACCESS_KEY_ID,
  secretAccessKey: fx.SECRET_ACCESS_KEY, region: fx.REGION, service: fx.SERVICE, date: fx.DATE,
};
for (let i = 0; i < 2000; i++) glue.signRequestSync(opts); // warm up, tier up
let step = () => glue.signRequestSync(opts);
if (sendMode) {
  const { MESSAGE } = await import("./send.mjs");
  const envelope = JSON.stringify({
    ResponseMetadata: { RequestId: "r", Action: "P2PSendMessage", Version: "2020-12-01", Service: "rtc", Region: "cn-north-1" },
    Result: { P2PResult: [{ UserId: 10001, Code: "SUCCESS", DevicePlatform: "Web" }, { UserId: 10002, Code: "SUCCESS", DevicePlatform: "Web" }, { UserId: 10003, Code: "NOT_ONLINE", DevicePlatform: "Default" }] },
  });
  const bytes = new TextEncoder().encode(envelope);
  const fake = { status: 200, headers: { get: () => null }, arrayBuffer: async () => bytes.buffer.slice(0) };
  const client = new glue.ImClient({
    accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY, qps: 0, retries: 0,
    // A minimal Response stand-in, so that only the client's own work is profiled.
    fetch: async () => fake,
  });
  step = () => client.p2pSendMessage(MESSAGE);
  for (let i = 0; i < 2000; i++) await step();
}

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 50 });
await session.post("Profiler.start");
let n = 0;
const end = performance.now() + Number(seconds) * 1000;
const t0 = performance.now();
while (performance.now() < end) {
  for (let i = 0; i < 16; i++) await step();
  n += 16;
}
const elapsed = performance.now() - t0;
const { profile } = await session.post("Profiler.stop");

const self = new Map();
const dt = new Map();
profile.nodes.forEach((node) => dt.set(node.id, 0));
profile.samples.forEach((id, i) => dt.set(id, dt.get(id) + (profile.timeDeltas[i] ?? 0)));
let total = 0;
const groupsOf = new Map();
const add = (m, k, t) => m.set(k, (m.get(k) ?? 0) + t);
const wasmGroups = [
  ["wasm: SHA-256 compression", /compress256/],
  ["wasm: HMAC/digest plumbing, hex", /hmac|digest|block_buffer|hex_lower/],
  ["wasm: allocator, memcpy, Vec/String growth", /dlmalloc|malloc|free|realloc|memcpy|memmove|memset|__rdl|__rust_|raw_vec|RawVec|Vec<T,A>|String>::push|drop_in_place|append_elements|extend/],
  ["wasm: option conversion (to_input/entries/get)", /convert::|to_input|entries|input::get|js_sys|wasm_bindgen|JsValue|externref/],
  ["wasm: canonical request, url, validation", /volc_im::|core.*::(str|slice|char)|memchr|fmt/],
];
for (const node of profile.nodes) {
  const { functionName, url } = node.callFrame;
  const name = functionName || `(${url.split("/").pop() || "anon"})`;
  const t = dt.get(node.id);
  total += t;
  add(self, name, t);
  let g;
  if (/^(wasm-to-js|js-to-wasm)/.test(functionName)) g = "boundary trampolines (wasm-to-js / js-to-wasm)";
  else if (url.startsWith("wasm://")) g = (wasmGroups.find(([, re]) => re.test(name)) ?? ["wasm: other"])[0];
  else if (url.endsWith("volc_im_server.js")) g = /decode|getStringFromWasm0/.test(name) ? "glue: wasm→JS strings (TextDecoder)" : /passStringToWasm0|encode/.test(name) ? "glue: JS→wasm strings (charCodeAt loop / TextEncoder)" : "glue: import shims, externref table, DataView";
  else if (name === "(garbage collector)") g = "GC";
  else if (/profile-cpu|\(program\)|\(idle\)/.test(name)) g = "harness / program";
  else g = `V8 builtins / runtime (${name.slice(0, 30)}…)`;
  add(groupsOf, g, t);
}
const perCall = (us) => ((us / total) * ((elapsed * 1000) / n)).toFixed(2);
console.log(`${sendMode ? "p2pSendMessage, fake fetch" : `signRequestSync ${size} ${kind}`}: ${((elapsed * 1000) / n).toFixed(2)} µs/call over ${n} calls (under the profiler; the profiler itself adds time)`);
console.log("\nby group (µs per call, share):");
const merged = new Map();
for (const [k, t] of groupsOf) add(merged, k.startsWith("V8 builtins") ? "V8 builtins / runtime (TextDecoder, Object.entries, …)" : k, t);
for (const [k, t] of [...merged].sort((a, b) => b[1] - a[1])) console.log(`  ${perCall(t).padStart(8)} µs  ${((t / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
console.log("\ntop functions (self):");
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 30)))
  console.log(`  ${perCall(t).padStart(8)} µs  ${((t / total) * 100).toFixed(1).padStart(5)}%  ${k.slice(0, 110)}`);
