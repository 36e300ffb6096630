// Issue 14, item 1, in workerd (Miniflare): the hostile-input regression cases and the seeded
// property run (tests/js/support/hostile.mjs) inside a Worker that imports the built package's
// workerd entries (tests/e2e/fixtures/hostile-worker.mjs), plus a sample sent to the real
// simulator over loopback. HOSTILE_SEED / HOSTILE_CASES / HOSTILE_SKIP / HOSTILE_MAX_FAILURES as
// in tests/js/hostile.test.mjs.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Miniflare } from "miniflare";
import { root, startSimulator } from "./helpers.mjs";

const SEED = Number(process.env.HOSTILE_SEED ?? 20261130);
const CASES = Number(process.env.HOSTILE_CASES ?? 1000);
const SKIP = process.env.HOSTILE_SKIP ?? "";
const MAX_FAILURES = Number(process.env.HOSTILE_MAX_FAILURES ?? 20);
let mf, sim;

before(async () => {
  sim = await startSimulator();
  mf = new Miniflare({
    modules: true,
    scriptPath: join(root, "tests/e2e/fixtures/hostile-worker.mjs"),
    modulesRoot: root,
    modulesRules: [
      { type: "ESModule", include: ["**/*.mjs", "**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    cf: false,
    bindings: { SIM_ENDPOINT: sim.url, SIM_ACCESS_KEY_ID: "AKLTsimulator", SIM_SECRET_ACCESS_KEY: "c2ltdWxhdG9yLXNlY3JldC1rZXk=" },
  });
});

after(async () => {
  await mf?.dispose();
  await sim?.stop();
});

const get = async (path) => {
  const res = await mf.dispatchFetch(`http://worker.test${path}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
};

test("workerd can detach an ArrayBuffer (the detached cases below are real)", async () => {
  assert.deepEqual(await get("/detach"), { detached: true });
});

test("workerd: hostile values at every entry (issue 14 findings 1-2 and what the property run found)", async () => {
  const out = await get("/regressions");
  console.log(`hostile regressions (workerd): ${out.cases} cases, ${out.problems.length} problems`);
  assert.ok(out.cases >= 30);
  assert.deepEqual(out.problems, []);
});

test(`workerd: property, ${CASES} generated hostile values per entry (seed ${SEED}, HOSTILE_SEED to replay)`, { timeout: 170_000 }, async () => {
  const started = Date.now();
  const out = await get(`/property?n=${CASES}&seed=${SEED}&skip=${SKIP}&maxFailures=${MAX_FAILURES}`);
  // (workerd's own clock stands still between I/O, so the host times the run.)
  console.log(`hostile property (workerd, seed ${SEED}): ${JSON.stringify(out.counts)}, ${out.sent} mock requests for accepted input, ` +
    `${out.goodSends} good sends, ${out.failures.length} failures, ${Date.now() - started} ms`);
  if (process.env.HOSTILE_DUMP) writeFileSync(process.env.HOSTILE_DUMP, JSON.stringify(out.failures, null, 1));
  const shown = out.failures.slice(0, 20).map((f) => `[seed ${f.seed} case ${f.case}] ${f.entry}: ${f.what} — input drew: ${f.input}`);
  assert.deepEqual(shown, [], `${out.failures.length} failures (HOSTILE_SEED=${SEED} replays them)`);
  for (const count of Object.values(out.counts)) assert.ok(count >= CASES);
});

test("workerd: a sample sent to the real simulator: only accepted bodies reach it", { timeout: 60_000 }, async () => {
  const stats = async () => (await (await fetch(`${sim.url}/sim/stats`)).json()).requests;
  const before = await stats();
  const tally = await get(`/sample?seed=${SEED}`);
  const reached = (await stats()) - before;
  console.log(`simulator sample (workerd, seed ${SEED}): ${JSON.stringify(tally)}, ${reached} requests reached the simulator`);
  assert.deepEqual(tally.untyped, []);
  assert.ok(tally.refused > 50 && tally.accepted >= 40);
  assert.equal(reached, tally.accepted + tally.other);
});
