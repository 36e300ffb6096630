// `make bench`: every figure in one run, one table, a targets section, benches/results.json
// and benches/results.svg. Concerns run one after another (never in parallel: 2 shared cores);
// within each, cases are interleaved rounds and medians are reported with their spread.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { log, root, runCommand, runNodeJson } from "./common.mjs";
import { renderSvg } from "./svg.mjs";

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 3 : 7));

const results = { startedAt: new Date().toISOString(), errors: {} };
const wasmHash = () => createHash("sha256").update(readFileSync(`${root}pkg/volc_im_bg.wasm`)).digest("hex").slice(0, 16);

async function step(name, fn) {
  const t0 = performance.now();
  log(`bench: ${name} …`);
  try {
    results[name] = await fn();
  } catch (e) {
    results.errors[name] = String(e?.stack ?? e);
    log(`bench: ${name} FAILED: ${e?.message ?? e}`);
  }
  log(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// ---- Preflight: builds happen before any measurement ----------------------------------------
const git = (args) => runCommand("git", args).then((s) => s.trim()).catch(() => "unknown");
results.meta = {
  commit: await git(["rev-parse", "--short", "HEAD"]),
  dirty: (await git(["status", "--porcelain", "--", "src", "pkg-template", "Cargo.toml"])) !== "",
  node: process.version,
  cpus: (await import("node:os")).cpus().length,
  loadavgBefore: loadavg(),
  wasmSha256: wasmHash(),
  rounds: ROUNDS,
};
log("bench: building the native example (cargo build --release -p volc-im --example bench_sign) …");
await runCommand("cargo", ["build", "--release", "-q", "-p", "volc-im", "--example", "bench_sign"]);

// ---- Measurements ------------------------------------------------------------------------------
await step("sizes", async () => (await import("./sizes.mjs")).run());
await step("signNode", () =>
  runNodeJson(`${root}benches/sign-node.mjs`, { flags: ["--expose-gc"], env: { BENCH_ROUNDS: String(ROUNDS) } }),
);
await step("native", async () =>
  JSON.parse(
    (
      await runCommand("cargo", ["run", "-q", "--release", "-p", "volc-im", "--example", "bench_sign"], {
        env: { BENCH_ROUNDS: String(ROUNDS) },
      })
    ).trim(),
  ),
);
await step("coldStart", async () => (await import("./cold-start.mjs")).run({ samples: QUICK ? 5 : 12 }));
await step("chromium", async () => (await import("./chromium.mjs")).run({ rounds: ROUNDS }));
await step("send", async () => (await import("./send.mjs")).run({ rounds: ROUNDS }));
await step("limiter", async () => (await import("./limiter.mjs")).run({ calls: 600 }));
await step("relayLoad", async () => (await import("./relay-load.mjs")).run({ seconds: QUICK ? 5 : 20 }));
await step("memory", async () => (await import("./memory.mjs")).run());

results.meta.loadavgAfter = loadavg();
results.meta.finishedAt = new Date().toISOString();
if (wasmHash() !== results.meta.wasmSha256) {
  results.meta.warning = "pkg/volc_im_bg.wasm changed during the run (rebuilt by someone else): figures may mix builds";
}

// ---- Table -----------------------------------------------------------------------------------
const s = results.signNode?.results ?? {};
const c = results.chromium?.results ?? {};
const sz = results.sizes ?? {};
const cold = results.coldStart ?? {};
const nat = results.native;

const ROWS = [
  { key: "volc-im signRequest", label: "volc-im signRequest (awaited)", runtime: "wasm", size: "volc-im", cold: "volc-im", browser: true, ours: true },
  { key: "volc-im/sign signRequest", label: "volc-im/sign signRequest (signer-only .wasm)", runtime: "wasm", size: "volc-im/sign", cold: "volc-im/sign", browser: true, ours: true },
  { key: "volc-im signRequestSync", label: "volc-im signRequestSync (internal)", runtime: "wasm", ours: true },
  { key: "volc-im signRequest, Uint8Array body", label: "volc-im signRequest, Uint8Array body", runtime: "wasm", ours: true },
  { key: "native", label: "volc_im::sign native (limit)", runtime: "x86-64 Rust" },
  { key: "aws4fetch (fresh AwsV4Signer)", label: "aws4fetch fresh AwsV4Signer ᴬ", runtime: "WebCrypto", size: "aws4fetch", cold: "aws4fetch", browser: true },
  { key: "aws4fetch (AwsClient, key cache)", label: "aws4fetch AwsClient (key cache) ᴬ", runtime: "WebCrypto", browser: true },
  { key: "@smithy/signature-v4 + sha256-js", label: "@smithy/signature-v4 + sha256-js ᴬ", runtime: "pure JS", size: "smithy", cold: "smithy", browser: true },
  { key: "@volcengine/openapi Signer", label: "@volcengine/openapi Signer", runtime: "crypto-js", size: "volcengine", cold: "volcengine", browser: false },
];
const nodeOf = (row, size) => (row.key === "native" ? nat?.[size] : s[row.key]?.[size]);
const f1 = (v) => (v == null || Number.isNaN(v) ? "—" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const range = (x) => (x ? `${f1(x.median)} (${f1(x.min)}–${f1(x.max)})` : "—");
const perSec = (x) => (x ? Math.round(1e6 / x.median).toLocaleString("en-US") : "—");
const kb = (b) => (b / 1000).toFixed(1);

const header = ["signer", "runtime", "Node µs/sig 192 B", "sig/s", "Node µs/sig 64 KiB", "sig/s", "Chromium µs 192 B", "Chromium µs 64 KiB", "gzip -9 KB (raw)", "cold start ms"];
const table = ROWS.map((r) => {
  const z = r.size && sz[r.size];
  return [
    r.label,
    r.runtime,
    range(nodeOf(r, "small")),
    perSec(nodeOf(r, "small")),
    range(nodeOf(r, "big")),
    perSec(nodeOf(r, "big")),
    r.browser ? range(c[r.key]?.small) : r.browser === false ? "n/a (Node only)" : "",
    r.browser ? range(c[r.key]?.big) : r.browser === false ? "n/a" : "",
    z ? `${kb(z.gzip)} (${kb(z.raw)})${z.browserCapable ? "" : " Node build"}` : "",
    r.cold && cold[r.cold] ? `${f1(cold[r.cold].median)} (${f1(cold[r.cold].min)}–${f1(cold[r.cold].max)})` : "",
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => "| " + cells.map((x, i) => x.padEnd(widths[i])).join(" | ") + " |";
const out = [];
out.push("");
out.push(`volc-im benchmarks — ${results.meta.finishedAt}, commit ${results.meta.commit}${results.meta.dirty ? " (+uncommitted src changes)" : ""}, Node ${process.version}, ${results.chromium?.browser ? "Chromium " + results.chromium.browser : "no Chromium"}, ${results.meta.cpus} shared cores, load ${results.meta.loadavgBefore.map((x) => x.toFixed(1)).join("/")} → ${results.meta.loadavgAfter.map((x) => x.toFixed(1)).join("/")}`);
out.push(`Same request for every signer: POST ${"https://rtc.volcengineapi.com/?Action=P2PSendMessage&Version=2020-12-01"}, Content-Type JSON, service rtc, cn-north-1, fixed date. Median (min–max) of ${ROUNDS} interleaved runs after warm-up.`);
out.push("");
out.push(line(header));
out.push("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const row of table) out.push(line(row));
out.push("");
out.push("ᴬ signs AWS-style (AWS4-HMAC-SHA256 / aws4_request): a cost comparison only — Volcengine would reject it.");
if (results.signNode) out.push(`volc-im's signature equals @volcengine/openapi's on the same request: ${results.signNode.sameAsOfficialSigner ? "yes" : "NO"}; wasm and native signatures equal: ${nat && nat.signatures.small === results.signNode.signatures.small && nat.signatures.big === results.signNode.signatures.big ? "yes" : "NO"}.`);
if (sz["volc-im"]) out.push(`volc-im browser load: ${sz["volc-im"].files.map((f) => `${f.file.replace("pkg/", "")} ${kb(f.gzip)} KB`).join(" + ")} gzip; bundled+minified JS + .wasm: ${kb(sz["volc-im (bundled)"].gzip)} KB gzip.`);
if (nat?.signRequest) out.push(`native client::sign_request (what the wasm signRequest runs after reading the options: URL, checks, headers, result strings): ${f1(nat.signRequest.small.median)} µs / ${f1(nat.signRequest.big.median)} µs (192 B / 64 KiB)${s["volc-im signRequest"] ? ` → wasm signRequest is ${(s["volc-im signRequest"].small.median / nat.signRequest.small.median).toFixed(1)}× that for 192 B` : ""}.`);
if (nat?.keyDerivation) out.push(`native key derivation (the 4 HMACs the cache saves): ${f1(nat.keyDerivation.median)} µs.`);
{
  const nc = s["ref: node:crypto SHA-256 of the body"];
  const wc = s["ref: WebCrypto SHA-256 of the body"];
  const cc = c["ref: WebCrypto SHA-256 of the body"];
  if (nc && wc) out.push(`reference, platform SHA-256 of the body alone (µs, 192 B / 64 KiB): Node node:crypto ${f1(nc.small.median)} / ${f1(nc.big.median)}, Node WebCrypto ${f1(wc.small.median)} / ${f1(wc.big.median)}${cc ? `, Chromium WebCrypto ${f1(cc.small.median)} / ${f1(cc.big.median)}` : ""}; native Rust whole signature ${nat ? f1(nat.small.median) + " / " + f1(nat.big.median) : "—"}.`);
}
const sd = results.send;
if (sd) {
  for (const k of ["c1", "c32"]) {
    const x = sd[k];
    out.push(`send, concurrency ${k.slice(1).padEnd(2)}: raw fetch ${range(x.raw)} µs/call, ImClient ${range(x.client)} µs/call → overhead ${range(x.overhead)} µs/call`);
  }
  out.push(`      (a raw fetch given a per-call AbortController + timer, as the client's timeout needs: +${range(sd.c1.signalCost)} µs/call at concurrency 1)`);
}
const lm = results.limiter;
if (lm) out.push(`limiter (qps 100, ${lm.calls} calls at once): ${lm.ok} ok, achieved ${lm.achievedQps.toFixed(2)} QPS (slope of arrivals over time; (n−1)/span ${lm.spanQps.toFixed(2)}), max ${lm.maxIn1s} arrivals in any 1 s window at the server (${lm.maxIn1sAtClient} sent in any 1 s at the client); arrival gaps ${lm.minGapMs.toFixed(2)}–${lm.maxGapMs.toFixed(1)} ms (nominal ${lm.intervalMs} ms), ${lm.gapsUnder2ms} under 2 ms, ${lm.gapsOver20ms} over 20 ms`);
if (lm) out.push(`      fullest window starts at arrival #${lm.worstWindow.startIndex}; gaps there (ms): ${lm.worstWindow.gapsAroundStartMs.join(", ")}; response times seen by the client: median ${f1(lm.responseMs?.median)}, p90 ${f1(lm.responseMs?.p90)}, max ${f1(lm.responseMs?.max)} ms`);
const rl = results.relayLoad;
if (rl) out.push(`relay under load (Miniflare; ${rl.scenario.rate} req/s = 90 % of GATE_QPS ${rl.scenario.qps} for ${rl.scenario.seconds} s; vendor answers after ${rl.scenario.vendorLatencyMs} ms): latency p50 ${f1(rl.latencyMs.p50)}, p90 ${f1(rl.latencyMs.p90)}, p99 ${f1(rl.latencyMs.p99)}, max ${f1(rl.latencyMs.max)} ms (bound ${rl.boundMs} ms); answers ${JSON.stringify(rl.outcomes)}; vendor saw ${rl.vendor.requests}, throttled ${rl.vendor.throttled}`);
const mm = results.memory;
const mb = (b) => (b / 1048576).toFixed(2);
if (mm) {
  out.push(`memory: signatures 1k → 100k: wasm ${mb(mm.sign1k.wasmBytes)} → ${mb(mm.sign100k.wasmBytes)} MiB (${mm.ratios.signWasm.toFixed(2)}×), JS heap ${mb(mm.sign1k.heapUsed)} → ${mb(mm.sign100k.heapUsed)} MiB (${mm.ratios.signHeap.toFixed(2)}×)`);
  out.push(`        sends 1k → 10k:          wasm ${mb(mm.send1k.wasmBytes)} → ${mb(mm.send10k.wasmBytes)} MiB (${mm.ratios.sendWasm.toFixed(2)}×), JS heap ${mb(mm.send1k.heapUsed)} → ${mb(mm.send10k.heapUsed)} MiB (${mm.ratios.sendHeap.toFixed(2)}×)`);
}
if (results.meta.warning) out.push(`WARNING: ${results.meta.warning}`);

// ---- Targets -----------------------------------------------------------------------------------
const targets = [];
const check = (name, pass, detail) => targets.push({ name, pass: pass === null ? null : !!pass, detail });
// a/b per interleaved round, then the median: both sides of each ratio ran seconds apart in the
// same process, so a load spike on this shared machine moves both and barely moves the ratio.
const pairedRatio = (a, b) => {
  const n = Math.min(a.runs.length, b.runs.length);
  const r = Array.from({ length: n }, (_, i) => a.runs[i] / b.runs[i]).sort((x, y) => x - y);
  return n % 2 ? r[(n - 1) / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
};
const ours = s["volc-im signRequest"];
const browserJs = ["aws4fetch (fresh AwsV4Signer)", "aws4fetch (AwsClient, key cache)", "@smithy/signature-v4 + sha256-js"];
if (ours && browserJs.every((k) => s[k])) {
  const fastest = browserJs.reduce((a, k) => (s[k].small.median < s[a].small.median ? k : a));
  const r = pairedRatio(ours.small, s[fastest].small);
  check("192 B, Node: volc-im ≤ 1/5 of the fastest browser-capable JS signer", r <= 0.2,
    `${f1(ours.small.median)} µs vs ${fastest} ${f1(s[fastest].small.median)} µs (medians); per-round ratio ${(1 / r).toFixed(2)}× faster (need ≥ 5×)`);
  if (nat) {
    const rn = ours.small.median / nat.small.median;
    check("192 B, Node: volc-im ≤ 6× native", rn <= 6, `${f1(ours.small.median)} µs vs native ${f1(nat.small.median)} µs = ${rn.toFixed(1)}× (64 KiB: ${(ours.big.median / nat.big.median).toFixed(1)}×)`);
  }
  const slowerThan = browserJs.filter((k) => pairedRatio(ours.big, s[k].big) >= 1);
  check("64 KiB, Node: volc-im faster than every browser-capable JS signer", slowerThan.length === 0,
    `${f1(ours.big.median)} µs vs ${browserJs.map((k) => `${k} ${f1(s[k].big.median)}`).join(", ")}` +
      (c["volc-im signRequest"] ? ` (Chromium: ${f1(c["volc-im signRequest"].big.median)} µs vs ${browserJs.map((k) => f1(c[k]?.big.median)).join(", ")})` : ""));
}
if (c["volc-im signRequest"] && browserJs.every((k) => c[k])) {
  const slower = browserJs.filter((k) => pairedRatio(c["volc-im signRequest"].big, c[k].big) >= 1);
  check("(extra) 64 KiB, Chromium: volc-im faster than every browser-capable JS signer", slower.length === 0,
    `${f1(c["volc-im signRequest"].big.median)} µs vs ${browserJs.map((k) => `${k} ${f1(c[k].big.median)}`).join(", ")}`);
}
if (sz["volc-im/sign"]) check("browser load ≤ 40 KB gzip — volc-im/sign (the signer, as the JS signers compared)", sz["volc-im/sign"].gzip <= 40_000, `${kb(sz["volc-im/sign"].gzip)} KB gzip -9 (${kb(sz["volc-im/sign"].raw)} KB raw); .wasm alone ${kb(sz["volc-im/sign"].files.find((f) => f.file.endsWith(".wasm")).gzip)} KB`);
if (sz["volc-im"]) check("browser load ≤ 40 KB gzip — volc-im (the whole client: ImClient + signRequest)", sz["volc-im"].gzip <= 40_000, `${kb(sz["volc-im"].gzip)} KB gzip -9 (${kb(sz["volc-im"].raw)} KB raw); .wasm alone ${kb(sz["volc-im"].files.find((f) => f.file.endsWith(".wasm")).gzip)} KB`);
if (cold["volc-im"] && cold.aws4fetch) {
  const r = cold["volc-im"].median / cold.aws4fetch.median;
  check("cold start ≤ half of aws4fetch's", r <= 0.5, `${f1(cold["volc-im"].median)} ms vs ${f1(cold.aws4fetch.median)} ms = ${r.toFixed(2)}×`);
}
if (sd) check("send overhead ≤ 30 µs at concurrency 1", sd.c1.overhead.median <= 30, `${f1(sd.c1.overhead.median)} µs/call (runs ${f1(sd.c1.overhead.min)}…${f1(sd.c1.overhead.max)}); at 32: ${f1(sd.c32.overhead.median)} µs`);
if (lm) check("limiter ≥ 98 QPS and never > 100 in any 1 s window", lm.achievedQps >= 98 && lm.maxIn1s <= 100 && lm.failed === 0,
  `${lm.achievedQps.toFixed(2)} QPS, max ${lm.maxIn1s} in 1 s at the server${lm.failed ? `, ${lm.failed} failed: ${lm.firstError}` : ""}`);
if (rl) check("relay under load: every answer 200 within the bound, vendor never throttled", rl.outcomes["200"] === rl.requests && rl.latencyMs.max <= rl.boundMs && rl.vendor.throttled === 0,
  `max ${f1(rl.latencyMs.max)} ms ≤ ${rl.boundMs} ms; ${JSON.stringify(rl.outcomes)}; throttled ${rl.vendor.throttled}`);
if (mm) {
  const worst = Math.max(...Object.values(mm.ratios));
  check("memory ratios ≤ 1.5×", worst <= 1.5, Object.entries(mm.ratios).map(([k, v]) => `${k} ${v.toFixed(2)}×`).join(", "));
}
for (const name of Object.keys(results.errors)) check(`${name} ran`, false, "crashed — see results.json errors");
results.targets = targets;

out.push("");
out.push("targets (ratios from this run):");
for (const t of targets) out.push(`  ${t.pass ? "PASS" : "MISS"}  ${t.name}: ${t.detail}`);
out.push("");
console.log(out.join("\n"));

// ---- Files -----------------------------------------------------------------------------------
writeFileSync(`${root}benches/results.json`, JSON.stringify(results, null, 2) + "\n");
const svgRows = ROWS.filter((r) => r.key !== "volc-im signRequest, Uint8Array body").map((r) => ({
  label: r.label.replace(" ᴬ", " *"),
  ours: r.ours,
  chromiumNote: r.browser === false ? "— Node only (not browser-capable)" : r.key === "native" ? "— native code, not in a browser" : r.browser ? "— not measured" : "— (the awaited API is what browsers call)",
  node: { small: nodeOf(r, "small")?.median, big: nodeOf(r, "big")?.median },
  chromium: r.browser ? { small: c[r.key]?.small.median, big: c[r.key]?.big.median } : undefined,
}));
writeFileSync(
  `${root}benches/results.svg`,
  renderSvg(svgRows, {
    title: "Signing one P2PSendMessage request: volc-im (Rust → wasm) vs JS signers",
    subtitle: `Median of ${ROUNDS} interleaved runs, ${results.meta.finishedAt.slice(0, 10)}, Node ${process.version}, Chromium ${results.chromium?.browser ?? "—"}, 2 shared cores, commit ${results.meta.commit}`,
    footnote1: "* signs AWS-style (AWS4-HMAC-SHA256): a cost comparison only. volc_im::sign native = the same Rust signer on x86-64 (warm key cache), the limit.",
    footnote2: "Absolute times on shared cores are noisy; compare within a panel. Full figures: benches/results.json; method: docs/benchmarks.md.",
  }),
);
log(`bench: wrote benches/results.json and benches/results.svg`);
process.exitCode = Object.keys(results.errors).length ? 1 : 0;
