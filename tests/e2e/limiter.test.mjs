// Several clients, one limit (hardening finding 8): two ImClients on one AppId each believed
// they had the vendor's 100 QPS, and 6 % of calls ended in FlowLimitExceeded. A QpsLimiter
// shared through the `limiter` option holds the limit across clients, against the real
// simulator (which allows 100 in any sliding second per app).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startSimulator } from "./helpers.mjs";
import { ImClient, QpsLimiter, isVolcError } from "../../pkg/node.mjs";

let sim;
before(async () => {
  sim = await startSimulator(["--quiet"]);
});
after(async () => {
  await sim?.stop();
});

const options = (extra) => ({
  accessKeyId: "AKLTsimulator",
  secretAccessKey: "c2ltdWxhdG9yLXNlY3JldC1rZXk=",
  endpoint: sim.url,
  retries: 0,
  ...extra,
});
const body = { AppId: 666675, Sender: "10008", ConversationShortId: "7221856821303361536", MsgType: 10013, Content: "{}" };

/** Sends `n` calls from each client at once; returns the codes of the failures. */
async function burst(clients, n) {
  const calls = clients.flatMap((c) => Array.from({ length: n }, () => c.p2pSendMessage(body)));
  const settled = await Promise.allSettled(calls);
  return settled.filter((s) => s.status === "rejected").map((s) => (isVolcError(s.reason) ? s.reason.code : String(s.reason)));
}

async function throttledAtSim() {
  const stats = await (await fetch(`${sim.url}/sim/stats`)).json();
  await fetch(`${sim.url}/sim/stats/reset`, { method: "POST" });
  return stats.byCode.FlowLimitExceeded ?? 0;
}

test("two clients with their own qps overrun the app's limit (what the shared limiter fixes)", async () => {
  await new Promise((r) => setTimeout(r, 1100)); // a fresh window at the simulator
  await throttledAtSim();
  const failures = await burst([new ImClient(options({ qps: 100 })), new ImClient(options({ qps: 100 }))], 100);
  assert.ok(failures.length > 0 && failures.every((c) => c === "FlowLimitExceeded"), String(failures.slice(0, 3)));
  assert.ok((await throttledAtSim()) > 0);
});

test("two clients sharing a QpsLimiter stay within the limit together", async () => {
  await new Promise((r) => setTimeout(r, 1100));
  await throttledAtSim();
  const limiter = new QpsLimiter({ qps: 100 });
  const started = Date.now();
  const failures = await burst([new ImClient(options({ limiter })), new ImClient(options({ limiter }))], 100);
  assert.deepEqual(failures, []);
  assert.equal(await throttledAtSim(), 0);
  // 200 calls at 100 per second: the second hundred waited for the next window.
  assert.ok(Date.now() - started >= 900, `${Date.now() - started} ms`);
});

test("qps and limiter together, or a limiter that is not one, are refused at once", () => {
  const limiter = new QpsLimiter({ qps: 10 });
  assert.throws(() => new ImClient(options({ qps: 5, limiter })), (e) => isVolcError(e) && e.code === "InvalidArgument" && e.message.startsWith("limiter: give either qps"));
  assert.throws(() => new ImClient(options({ limiter: { qps: 5 } })), (e) => isVolcError(e) && e.code === "InvalidArgument" && e.message.startsWith("limiter: "));
  for (const bad of [{ qps: 0 }, { qps: -1 }, { qps: "100" }, {}, { qps: 5, extra: 1 }]) {
    assert.throws(() => new QpsLimiter(bad), (e) => isVolcError(e) && e.code === "InvalidArgument", JSON.stringify(bad));
  }
});
