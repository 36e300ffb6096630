// Shared by the relay tests and benches/relay-load.mjs: the relay Worker bundled by the pinned
// wrangler exactly as `wrangler deploy` would, run in workerd (Miniflare) against the real
// simulator over loopback. RELAY_WORKER_DIR bundles another copy of worker/ (e.g. an old one,
// to check that a regression test fails there).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { root } from "./helpers.mjs";

export const SECRET = "c2ltdWxhdG9yLXNlY3JldC1rZXk="; // the simulator's public test secret
export const TOKEN = "relay-token-for-tests";
export const ORIGIN = "https://demo.example";
export const BODY = '{"AppId":666675,"Sender":"10008","ConversationShortId":7221856821303361536,"MsgType":10013,"Content":"hi from the relay"}';

/** Bundles the Worker into a temporary directory; returns { outdir, remove }. */
export function bundleRelay(dir = process.env.RELAY_WORKER_DIR ?? join(root, "worker")) {
  const outdir = mkdtempSync(join(tmpdir(), "volc-im-worker-"));
  execFileSync(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir],
    { cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" }, stdio: "pipe" });
  return { outdir, remove: () => rmSync(outdir, { recursive: true, force: true }) };
}

/**
 * The bundled relay in Miniflare, configured for `simUrl`; `vars` override or add bindings
 * (undefined removes one). `quiet` drops the Worker's per-request log lines (a load run);
 * `gate: false` leaves out the gate's Durable Object binding.
 */
export function relayWorker(outdir, simUrl, vars = {}, { quiet = false, gate = true } = {}) {
  const bindings = {
    VOLC_ACCESS_KEY_ID: "AKLTsimulator",
    VOLC_SECRET_ACCESS_KEY: SECRET,
    VOLC_ENDPOINT: simUrl,
    RELAY_TOKENS: `other-token, ${TOKEN}`,
    ALLOWED_ORIGINS: ORIGIN,
    ALLOWED_APP_IDS: "666675",
  };
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete bindings[k];
    else bindings[k] = v;
  }
  return new Miniflare({
    modules: true,
    scriptPath: join(outdir, "index.js"),
    modulesRoot: outdir,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    cf: false,
    durableObjects: gate ? { GATE: "QpsGate" } : {},
    bindings,
    ...(quiet && {
      handleRuntimeStdio(stdout, stderr) {
        stdout.resume();
        stderr.pipe(process.stderr);
      },
    }),
  });
}

/** One request; the body text is parsed as JSON when it is JSON, and kept either way. */
export async function call(mf, path, init = {}) {
  const res = await mf.dispatchFetch(`http://relay.test${path}`, init);
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const post = (mf, body = BODY, headers = {}) => call(mf, "/v1/p2p-send-message", {
  method: "POST",
  headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
  body,
});

/** The relay envelope's error code, or undefined when the answer is not one. */
export const relayCode = (r) => r.json?.ResponseMetadata?.Error?.Code;

/** Most timestamps (ms) in any window [t, t + span). */
export function maxInWindow(times, span = 1000) {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (j < s.length && s[j] < s[i] + span) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

/** The sustained-load scenario of tests/e2e/relay-load.test.mjs and benches/relay-load.mjs. */
export const LOAD_SCENARIO = {
  qps: 100, // GATE_QPS, and the simulator's limit for the app
  rate: 90, // requests per second sent to the relay: 90 % of GATE_QPS
  seconds: 20,
  vendorLatencyMs: 200,
  // A short GATE_MAX_WAIT_MS, so that 20 s are enough to tell a queue that grows from the bound.
  maxWaitMs: 500,
};

/**
 * Sustained load through the relay: `rate` requests per second for `seconds`, each answered by
 * the simulator after `vendorLatencyMs` (its `delay` fault, so it needs --allow-faults). Returns
 * every answer's status, code and latency (ms from the moment it was sent), and the simulator's
 * counters for the run.
 */
export async function sustainedLoad(mf, simUrl, { rate, seconds, vendorLatencyMs }) {
  const n = Math.round(rate * seconds);
  const warm = await post(mf); // compiles the wasm and wakes the gate before the clock starts
  if (warm.status !== 200) throw new Error(`warm-up failed: ${warm.status} ${warm.text}`);
  await fetch(`${simUrl}/sim/stats/reset`, { method: "POST" });
  const plan = await fetch(`${simUrl}/sim/faults`, {
    method: "POST",
    body: JSON.stringify({ count: n, kind: "delay", delayMs: vendorLatencyMs }),
  });
  if (!plan.ok) throw new Error(`the simulator refused the delay plan: ${await plan.text()}`);
  // The gate's window still holds the warm-up grant; let it leave.
  await new Promise((ok) => setTimeout(ok, 1200));
  const answers = [];
  const start = performance.now();
  await new Promise((done) => {
    let next = 0;
    let pending = n;
    const tick = () => {
      // Every request that is due goes now, so a late timer does not lower the rate.
      const due = Math.min(n, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; next < due; next++) {
        const sent = performance.now();
        post(mf).then(
          (r) => answers.push({ status: r.status, code: relayCode(r), ms: performance.now() - sent }),
          (e) => answers.push({ status: 0, code: `threw: ${e?.message ?? e}`, ms: performance.now() - sent }),
        ).finally(() => --pending === 0 && done());
      }
      if (next < n) setTimeout(tick, Math.max(0, start + (next * 1000) / rate - performance.now()));
    };
    tick();
  });
  const elapsedMs = performance.now() - start;
  const stats = await (await fetch(`${simUrl}/sim/stats`)).json();
  await fetch(`${simUrl}/sim/faults`, { method: "DELETE" });
  return { n, answers, elapsedMs, stats };
}

/** Nearest-rank percentile of `xs` (0 < q ≤ 1). */
export function percentile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
