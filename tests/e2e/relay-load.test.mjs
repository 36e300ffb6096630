// The relay stays bounded under sustained load with a slow vendor (issue 14, finding 9): the
// real simulator answers each call after 200 ms (its `delay` fault) while the relay in Miniflare
// gets 90 % of the gate's rate for 20 s. The simulator enforces the vendor's own limit (100 in
// any sliding 1 s), so its `throttled` counter is what the vendor saw. The latency bound proves
// the promise, not the speed; benches/relay-load.mjs reports the percentiles.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startSimulator } from "./helpers.mjs";
import { LOAD_SCENARIO as SCENARIO, bundleRelay, percentile, relayWorker, sustainedLoad } from "./relay-harness.mjs";

let sim, bundle, mf;

before(async () => {
  sim = await startSimulator(["--allow-faults", "--quiet"]);
  bundle = bundleRelay();
  mf = relayWorker(bundle.outdir, sim.url, { GATE_QPS: String(SCENARIO.qps), GATE_MAX_WAIT_MS: String(SCENARIO.maxWaitMs) }, { quiet: true });
});

after(async () => {
  await mf?.dispose();
  await sim?.stop();
  bundle?.remove();
});

test("90 % of the gate's rate for 20 s with a 200 ms vendor: within the limit, all answered, bounded", async () => {
  const run = await sustainedLoad(mf, sim.url, SCENARIO);
  const { n, answers, stats } = run;
  const ms = answers.map((a) => a.ms);
  const summary = `p50 ${percentile(ms, 0.5).toFixed(0)} ms, p99 ${percentile(ms, 0.99).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms; ` +
    `sent over ${(run.elapsedMs / 1000).toFixed(1)} s; vendor ${JSON.stringify(stats)}`;
  console.log(`relay load: ${summary}`);
  // Every request is answered, and each reached the vendor exactly once (no retry hid anything).
  assert.equal(answers.length, n);
  const byOutcome = {};
  for (const a of answers) {
    const k = `${a.status} ${a.code ?? ""}`.trim();
    byOutcome[k] = (byOutcome[k] ?? 0) + 1;
  }
  assert.deepEqual(byOutcome, { 200: n }, summary);
  assert.equal(stats.requests, n, summary);
  // The vendor never saw more than its limit in any 1 s: it refused nothing.
  assert.equal(stats.throttled, 0, summary);
  // No answer later than the gate's maximum wait + the vendor's latency + 1 s.
  const bound = SCENARIO.maxWaitMs + SCENARIO.vendorLatencyMs + 1000;
  assert.ok(Math.max(...ms) <= bound, `an answer took ${Math.max(...ms).toFixed(0)} ms > ${bound} ms; ${summary}`);
});
