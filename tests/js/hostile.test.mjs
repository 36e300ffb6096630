// Issue 14, item 1: no caller value can crash or hang a call. Regression cases for findings 1
// (an array whose `length` throws) and 2 (detached buffers) at every entry, then a seeded
// property run (tests/js/support/hostile.mjs) under whichever runtime runs this file (Node,
// Deno, Bun). HOSTILE_SEED=<n> replays a run; HOSTILE_CASES=<n> changes the count per entry.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, test } from "node:test";
import { ImClient, isVolcError, signRequest } from "../../pkg/node.mjs";
import { signRequest as signOnly } from "../../pkg/sign-node.mjs";
import { startSimulator } from "../e2e/helpers.mjs";
import { runtime } from "./support/runtime.mjs";
import {
  GOOD_BODY, SIGN_BASE as signBase, asyncCases, ctorCases, makeRng, p2pBody, runProperty, signCases, skip,
} from "./support/hostile.mjs";

// The simulator's public test credentials (sim/src/config.rs).
const SIM_KEYS = { accessKeyId: "AKLTsimulator", secretAccessKey: "c2ltdWxhdG9yLXNlY3JldC1rZXk=" };
const SEED = Number(process.env.HOSTILE_SEED ?? 20261130);
const CASES = Number(process.env.HOSTILE_CASES ?? 1000);
// HOSTILE_SKIP=19,14 leaves leaf kinds out, HOSTILE_MAX_FAILURES=n runs on past 20 failures (diagnosis).
for (const k of (process.env.HOSTILE_SKIP ?? "").split(",").filter(Boolean)) skip.add(Number(k));
const MAX_FAILURES = Number(process.env.HOSTILE_MAX_FAILURES ?? 20);

// Every uncaught exception and unhandled rejection while this file runs.
const faults = [];
const record = (kind) => (e) => faults.push(`${kind}: ${e?.stack?.split("\n").slice(0, 3).join(" | ") ?? String(e)}`);
process.on("uncaughtException", record("uncaughtException"));
process.on("unhandledRejection", record("unhandledRejection"));
if (typeof globalThis.addEventListener === "function" && runtime === "deno") {
  globalThis.addEventListener("unhandledrejection", (ev) => {
    ev.preventDefault();
    record("unhandledrejection")(ev.reason);
  });
  globalThis.addEventListener("error", (ev) => {
    ev.preventDefault();
    record("error")(ev.error);
  });
}

let sim;
const simRequests = async () => (await (await fetch(`${sim.url}/sim/stats`)).json()).requests;

before(async () => {
  sim = await startSimulator();
});
after(async () => {
  await sim?.stop();
});

/** Settles `p` or says it hung; never lets a case keep the runner waiting. */
async function settle(p, ms = 4000) {
  let timer;
  const hang = new Promise((ok) => {
    timer = setTimeout(() => ok({ hung: true }), ms);
  });
  const r = await Promise.race([Promise.resolve(p).then((v) => ({ ok: true, v }), (e) => ({ ok: false, e })), hang]);
  clearTimeout(timer);
  return r;
}

const invalid = (r, field, label) => {
  assert.ok(!r.hung, `${label}: the promise never settled`);
  assert.ok(!r.ok, `${label}: resolved instead of rejecting`);
  assert.ok(isVolcError(r.e), `${label}: rejected with ${r.e?.constructor?.name}: ${r.e?.message}`);
  assert.equal(r.e.code, "InvalidArgument", `${label}: ${r.e.message}`);
  assert.match(r.e.message, field, label);
};

const isNew = ([label]) => label.startsWith("[new]");
const sets = [["issue 14 findings 1-2", (c) => !isNew(c)], ["found by the property run", isNew]];

for (const [setName, pick] of sets) test(`hostile values at p2pSendMessage and call (${setName}): InvalidArgument naming the field, nothing sent, the client still sends`, async () => {
  const client = new ImClient({ ...SIM_KEYS, endpoint: sim.url, retries: 0 });
  const problems = [];
  for (const [label, run, field] of asyncCases().filter(pick)) {
    const before = await simRequests();
    const faultsBefore = faults.length;
    let p;
    try {
      p = run(client);
    } catch (e) {
      problems.push(`${label}: threw synchronously (${e?.constructor?.name}: ${e?.message})`);
      continue;
    }
    if (!(p instanceof Promise)) problems.push(`${label}: did not return a promise`);
    const r = await settle(p);
    await new Promise((ok) => setTimeout(ok, 0));
    try {
      invalid(r, field, label);
    } catch (e) {
      problems.push(e.message);
    }
    if (faults.length > faultsBefore) problems.push(`${label}: ${faults.slice(faultsBefore).join("; ")}`);
    const sent = (await simRequests()) - before;
    if (sent !== 0) problems.push(`${label}: ${sent} request(s) reached the simulator`);
    // The same client, right after: one good send goes through.
    const good = await settle(client.p2pSendMessage(GOOD_BODY));
    if (!good.ok) problems.push(`${label}: the good send after it failed: ${good.hung ? "hung" : `${good.e?.code} ${good.e?.message}`}`);
  }
  client.free();
  assert.deepEqual(problems, []);
});

for (const [setName, pick] of sets) for (const [name, sign] of [["volc-im", signRequest], ["volc-im/sign", signOnly]]) {
  test(`hostile values at signRequest from ${name} (${setName}): a promise rejecting with InvalidArgument naming the field`, async () => {
    const problems = [];
    for (const [label, make, field] of signCases().filter(pick)) {
      const faultsBefore = faults.length;
      let p;
      try {
        p = sign(make());
      } catch (e) {
        problems.push(`${label}: threw synchronously (${e?.constructor?.name}: ${e?.message})`);
        continue;
      }
      const r = await settle(p);
      await new Promise((ok) => setTimeout(ok, 0));
      try {
        invalid(r, field, label);
      } catch (e) {
        problems.push(e.message);
      }
      if (faults.length > faultsBefore) problems.push(`${label}: ${faults.slice(faultsBefore).join("; ")}`);
      const good = await settle(sign(signBase));
      if (!good.ok || !/^[0-9a-f]{64}$/.test(good.v.signature)) problems.push(`${label}: a good signRequest after it failed`);
    }
    assert.deepEqual(problems, []);
  });
}

for (const [setName, pick] of sets) test(`hostile options to new ImClient (${setName}): a VolcError InvalidArgument thrown synchronously, naming the option`, async () => {
  const problems = [];
  for (const [label, make, field] of ctorCases(SIM_KEYS).filter(pick)) {
    try {
      const c = new ImClient(make());
      c.free();
      problems.push(`${label}: constructed`);
    } catch (e) {
      if (!isVolcError(e) || e.code !== "InvalidArgument") problems.push(`${label}: threw ${e?.constructor?.name}: ${e?.message}`);
      else if (!field.test(e.message)) problems.push(`${label}: message does not name the option: ${e.message}`);
    }
  }
  // A client built right after sends normally.
  const before = await simRequests();
  const c = new ImClient({ ...SIM_KEYS, endpoint: sim.url, retries: 0 });
  const good = await settle(c.p2pSendMessage(GOOD_BODY));
  c.free();
  assert.deepEqual(problems, []);
  assert.ok(good.ok, `good send: ${good.e?.code} ${good.e?.message}`);
  assert.equal((await simRequests()) - before, 1);
});

test(`property: ${CASES} generated hostile values per entry (seed ${SEED}, HOSTILE_SEED to replay)`, { timeout: 170_000 }, async () => {
  const out = await runProperty({ api: { ImClient, isVolcError, signRequest, signOnly }, n: CASES, seed: SEED, maxFailures: MAX_FAILURES, faults: () => faults });
  console.log(`hostile property (${runtime}, seed ${SEED}): ${JSON.stringify(out.counts)}, ${out.sent} mock requests for accepted input, ` +
    `${out.goodSends} good sends, ${out.failures.length} failures, ${out.ms} ms`);
  if (process.env.HOSTILE_DUMP) (await import("node:fs")).writeFileSync(process.env.HOSTILE_DUMP, JSON.stringify(out.failures, null, 1));
  const shown = out.failures.slice(0, 20).map((f) => `[seed ${f.seed} case ${f.case}] ${f.entry}: ${f.what} — input drew: ${f.input}`);
  assert.deepEqual(shown, [], `${out.failures.length} failures (HOSTILE_SEED=${SEED} replays them)`);
  for (const count of Object.values(out.counts)) assert.ok(count >= CASES);
  assert.ok(out.goodSends >= Math.floor(CASES / 100), "the shared client kept sending");
});

test(`property sample against the real simulator: a refused body never reaches it (seed ${SEED})`, { timeout: 60_000 }, async () => {
  const rng = makeRng(SEED ^ 0x5eed);
  const client = new ImClient({ ...SIM_KEYS, endpoint: sim.url, retries: 0 });
  const tally = { refused: 0, accepted: 0, other: 0 };
  const problems = [];
  for (let i = 0; i < 150; i++) {
    // Every third body is a good one with generated Content: accepted ones do reach it.
    const body = i % 3 === 0 ? { ...GOOD_BODY, Content: `sample ${i} ${rng.next()}` } : p2pBody(rng);
    const before = await simRequests();
    const r = await settle(client.p2pSendMessage(body));
    const sent = (await simRequests()) - before;
    if (r.hung) problems.push(`case ${i}: hung`);
    else if (r.ok) {
      tally.accepted++;
      if (sent !== 1) problems.push(`case ${i}: accepted, but the simulator counted ${sent} requests`);
    }
    else if (!isVolcError(r.e)) problems.push(`case ${i}: untyped ${r.e?.constructor?.name}: ${r.e?.message}`);
    else if (r.e.code === "InvalidArgument") {
      tally.refused++;
      if (sent !== 0) problems.push(`case ${i}: refused (${r.e.message}) but ${sent} request(s) reached the simulator`);
    } else tally.other++;
  }
  client.free();
  console.log(`simulator sample (${runtime}, seed ${SEED}): ${JSON.stringify(tally)}`);
  assert.deepEqual(problems.slice(0, 10), [], `seed ${SEED}`);
  assert.ok(tally.refused > 50 && tally.accepted >= 40, "the sample exercises refusals and sends");
});
