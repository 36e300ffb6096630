// The relay under sustained load with a slow vendor: the scenario of
// tests/e2e/relay-load.test.mjs (90 % of GATE_QPS for 20 s, the simulator answering after
// 200 ms through its `delay` fault), reporting the answers' latency percentiles. The test
// asserts the bound; this reports where inside it the answers fall.
import { startProcess } from "../tests/e2e/helpers.mjs";
import { LOAD_SCENARIO, bundleRelay, percentile, relayWorker, sustainedLoad } from "../tests/e2e/relay-harness.mjs";
import { isMain } from "./common.mjs";
import { simBin } from "./sim.mjs";

export async function run({ seconds = LOAD_SCENARIO.seconds } = {}) {
  const scenario = { ...LOAD_SCENARIO, seconds };
  // The simulator's default app limit (100 QPS), so its `throttled` counter is the vendor's view.
  const sim = await startProcess(simBin, ["--listen", "127.0.0.1:0", "--allow-faults", "--quiet"], /listening on (http:\/\/\S+)/);
  const bundle = bundleRelay();
  const mf = relayWorker(bundle.outdir, sim.match[1], { GATE_QPS: String(scenario.qps), GATE_MAX_WAIT_MS: String(scenario.maxWaitMs) }, { quiet: true });
  try {
    const { n, answers, elapsedMs, stats } = await sustainedLoad(mf, sim.match[1], scenario);
    const ms = answers.map((a) => a.ms);
    const outcomes = {};
    for (const a of answers) outcomes[`${a.status} ${a.code ?? ""}`.trim()] = (outcomes[`${a.status} ${a.code ?? ""}`.trim()] ?? 0) + 1;
    return {
      scenario,
      requests: n,
      sentOverMs: elapsedMs,
      outcomes,
      vendor: { requests: stats.requests, throttled: stats.throttled },
      boundMs: scenario.maxWaitMs + scenario.vendorLatencyMs + 1000,
      latencyMs: { p50: percentile(ms, 0.5), p90: percentile(ms, 0.9), p99: percentile(ms, 0.99), max: Math.max(...ms) },
    };
  } finally {
    await mf.dispose();
    await sim.stop();
    bundle.remove();
  }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run(), null, 2));
