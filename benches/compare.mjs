// Before/after, side by side in one run (docs/benchmarks.md): the same harness measures two
// builds of the package — "before" (a package built from an earlier commit) and "after" (pkg/)
// — and the JS signers the targets are stated against. Every figure comes from fresh child
// processes, one library each (the ratio users see), packages alternating round by round so a
// load spike hits both alike.
//   node benches/compare.mjs --before DIR [--after DIR] [--rounds N]
// `make bench-compare` builds "before" from BEFORE=<commit> (default: this round's start).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { median, root } from "./common.mjs";
import { browserLoad } from "../scripts/check-size.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const before = resolve(arg("--before", `${root}target/bench-before/pkg`));
const after = resolve(arg("--after", `${root}pkg`));
const rounds = Number(arg("--rounds", "5"));
const PKGS = { before, after };

function node(args, env = {}) {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (c) => (out += c));
    p.stderr.on("data", (c) => (err += c));
    p.on("exit", (code) => (code === 0 ? ok(JSON.parse(out.trim().split("\n").pop())) : fail(new Error(`${args.join(" ")}: ${err.slice(-800)}`))));
  });
}

const results = { startedAt: new Date().toISOString(), before, after, rounds, rows: {} };
const put = (row, side, value) => ((results.rows[row] ??= { before: [], after: [] })[side] ??= []).push(value);

// Sizes: exact, once.
for (const [side, dir] of Object.entries(PKGS)) {
  for (const [row, entry] of [["browser load, volc-im (KB gzip)", "browser.mjs"], ["browser load, volc-im/sign (KB gzip)", "sign-browser.mjs"]]) {
    const files = browserLoad(entry, dir);
    put(row, side, files.reduce((a, f) => a + f.gzip, 0) / 1000);
  }
}

// Speed: alternating sides, fresh processes.
const sign = fileURLToPath(new URL("./sign-alone.mjs", import.meta.url));
const cold = fileURLToPath(new URL("./cold-start.mjs", import.meta.url));
const send = fileURLToPath(new URL("./send.mjs", import.meta.url));
const sendStub = fileURLToPath(new URL("./send-stub.mjs", import.meta.url));
const others = { smithy: [], aws4fetchCold: [] };
for (let r = 0; r < rounds; r++) {
  const sides = r % 2 ? ["after", "before"] : ["before", "after"];
  for (const side of sides) {
    for (const lib of ["volc-im", "volc-im/sign"]) {
      const m = await node([sign, lib, PKGS[side]]);
      put(`${lib} signRequest 192 B, Node (µs)`, side, m.small.median);
      put(`${lib} signRequest 64 KiB, Node (µs)`, side, m.big.median);
      for (let i = 0; i < 3; i++) {
        const c = await node([cold, "--child", lib], { VOLC_IM_PKG: PKGS[side] });
        put(`${lib} cold start: import + first signature (ms)`, side, c.ms);
      }
    }
    const s = await node([send, PKGS[side], "3"]);
    put("p2pSendMessage overhead vs raw fetch, c=1 (µs)", side, s.c1.overhead.median);
    put("raw fetch + per-call AbortController + timer, c=1 (µs over raw)", side, s.c1.signalCost.median);
    put("p2pSendMessage with a stub fetch, no network (µs over the stub alone)", side, (await node([sendStub, PKGS[side]])).overhead);
    // The same after 400 µs of idle thread per call, as while a real request is on the wire.
    put("p2pSendMessage with a stub fetch that idles 400 µs first (µs over the stub alone)", side, (await node([sendStub, PKGS[side], "--idle-us", "400"])).overhead);
  }
  others.smithy.push((await node([sign, "smithy"])).small.median);
  for (let i = 0; i < 3; i++) others.aws4fetchCold.push((await node([cold, "--child", "aws4fetch"])).ms);
}
results.references = {
  "@smithy/signature-v4 + sha256-js signRequest 192 B, alone (µs)": median(others.smithy),
  "aws4fetch cold start (ms)": median(others.aws4fetchCold),
};
for (const row of Object.values(results.rows)) {
  row.beforeMedian = median(row.before);
  row.afterMedian = median(row.after);
}
results.finishedAt = new Date().toISOString();
writeFileSync(`${root}benches/compare.json`, JSON.stringify(results, null, 1));

const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(`| row | before | after |\n|---|---|---|`);
for (const [name, row] of Object.entries(results.rows)) console.log(`| ${name} | ${f(row.beforeMedian)} | ${f(row.afterMedian)} |`);
for (const [name, v] of Object.entries(results.references)) console.log(`| ${name} | ${f(v)} | ${f(v)} |`);
