// Reliability, part 2: every failure the network can produce, against the real simulator (its
// injected faults), a closed port and a server that never answers. For each: the typed error,
// a bounded time to settle, no unhandled rejection, and exactly the retries the policy promises,
// counted three ways — err.attempts, the server's own count, and onEvent. Then: no duplicate
// delivery unless retryUnsafe is set, and AbortSignal while queued, in flight and before sending.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  body, client, closedPortUrl, rejected, settle, sleep, startGateway, startHangServer, startSim, watchUnhandled,
} from "./fixtures/reliability-kit.mjs";

const unhandled = watchUnhandled();
const BOUND_MS = 5000; // "settles, does not hang": a generous bound, not a performance claim
const REQUEST_ID = /^\d{14}[0-9A-F]{20}$/;
let sim, hang, gateway;

before(async () => {
  sim = await startSim();
  hang = await startHangServer();
  gateway = await startGateway(sim.url);
});
after(async () => {
  await gateway?.stop();
  await hang?.stop();
  await sim?.stop();
});

const count = (events, type) => events.filter((e) => e.type === type).length;

/** Injects `kind` × `n`, runs one call with `opts`, returns { r, events, stats }. */
async function withFault(kind, n, opts = {}, delayMs) {
  await sim.fresh();
  if (kind) await sim.fault(kind, n, delayMs);
  const { c, events } = client(sim.url, opts);
  const r = await settle(() => c.p2pSendMessage(body(`fault ${kind}`)));
  await sim.clearFaults();
  assert.ok(r.ms < BOUND_MS, `settled after ${r.ms} ms`);
  return { r, events, stats: await sim.stats() };
}

describe("fault matrix (default options unless stated: retries 2, retryUnsafe false)", () => {
  test("status503 × 5 → ServiceUnavailableTemp after exactly 3 attempts (1 + retries)", async () => {
    const { r, events, stats } = await withFault("status503", 5);
    const e = rejected(r, { code: "ServiceUnavailableTemp", status: 503, codeN: 100019, retryable: true, attempts: 3, action: "P2PSendMessage" });
    assert.match(e.requestId, REQUEST_ID);
    assert.equal(stats.requests, 3);
    assert.deepEqual(stats.byCode, { "fault:status503": 3 });
    assert.deepEqual([count(events, "request"), count(events, "response"), count(events, "retry")], [3, 3, 2]);
    assert.deepEqual(events.filter((x) => x.type === "retry").map((x) => [x.attempt, x.code]),
      [[1, "ServiceUnavailableTemp"], [2, "ServiceUnavailableTemp"]]);
    assert.deepEqual(events.filter((x) => x.type === "response").map((x) => x.status), [503, 503, 503]);
  });

  test("status503 × 1 → retried once, then resolves", async () => {
    const { r, events, stats } = await withFault("status503", 1);
    assert.ok(r.ok, String(r.error));
    assert.deepEqual(stats.byCode, { "fault:status503": 1, SUCCESS: 1 });
    assert.equal(count(events, "request"), 2);
  });

  test("throttle × 1 → resolves after 2 attempts, having waited the server's Retry-After: 1", async () => {
    const { r, events, stats } = await withFault("throttle", 1);
    assert.ok(r.ok, String(r.error));
    assert.ok(r.ms >= 950, `retried after only ${r.ms} ms; Retry-After was 1 s`);
    assert.deepEqual(stats.byCode, { "fault:throttle": 1, SUCCESS: 1 });
    const retries = events.filter((x) => x.type === "retry");
    assert.equal(retries.length, 1);
    assert.equal(retries[0].code, "FlowLimitExceeded");
    assert.ok(retries[0].delayMs >= 1000, `backoff ${retries[0].delayMs} ms < Retry-After`);
    assert.equal(count(events, "request"), 2);
  });

  test("throttle × 5 with retries: 1 → FlowLimitExceeded after 2 attempts", async () => {
    const { r, stats } = await withFault("throttle", 5, { retries: 1 });
    const e = rejected(r, { code: "FlowLimitExceeded", status: 429, codeN: 100018, retryable: true, attempts: 2 });
    assert.match(e.requestId, REQUEST_ID);
    assert.ok(r.ms >= 950, `${r.ms} ms`);
    assert.equal(stats.requests, 2);
  });

  test("status500 → InternalError, not retried by default (it may have been processed)", async () => {
    const { r, events, stats } = await withFault("status500", 5);
    const e = rejected(r, { code: "InternalError", status: 500, codeN: 100014, retryable: false, attempts: 1 });
    assert.match(e.requestId, REQUEST_ID);
    assert.equal(stats.requests, 1);
    assert.equal(count(events, "retry"), 0);
  });

  test("status500 with retryUnsafe: true → retried (× 1: resolves after 2; × 5: 3 attempts)", async () => {
    const once = await withFault("status500", 1, { retryUnsafe: true });
    assert.ok(once.r.ok, String(once.r.error));
    assert.deepEqual(once.stats.byCode, { "fault:status500": 1, SUCCESS: 1 });
    const always = await withFault("status500", 5, { retryUnsafe: true });
    rejected(always.r, { code: "InternalError", status: 500, attempts: 3 });
    assert.equal(always.stats.requests, 3);
    assert.equal(count(always.events, "retry"), 2);
  });

  test("delay beyond timeoutMs → Timeout after timeoutMs, not retried by default", async () => {
    const { r, events, stats } = await withFault("delay", 3, { timeoutMs: 200 }, 1500);
    const e = rejected(r, { code: "Timeout", retryable: false, attempts: 1, status: undefined, requestId: undefined });
    assert.match(e.message, /timeoutMs = 200/);
    assert.ok(r.ms >= 180 && r.ms < 1500, `settled after ${r.ms} ms`);
    assert.equal(stats.requests, 1);
    assert.equal(count(events, "retry"), 0);
  });

  for (const [kind, status] of [["malformed", 200], ["html", 502], ["empty", 200]]) {
    test(`${kind} → InvalidResponse with HTTP ${status}, never retried`, async () => {
      const { r, events, stats } = await withFault(kind, 3);
      const e = rejected(r, { code: "InvalidResponse", status, retryable: false, attempts: 1, requestId: undefined });
      assert.match(e.message, new RegExp(`^HTTP ${status} with `));
      assert.deepEqual(stats.byCode, { [`fault:${kind}`]: 1 });
      assert.equal(count(events, "retry"), 0);
    });
  }

  for (const kind of ["malformed", "empty"]) {
    test(`${kind} (HTTP 200: processed) is not retried even with retryUnsafe: true`, async () => {
      const { r, stats } = await withFault(kind, 3, { retryUnsafe: true });
      rejected(r, { code: "InvalidResponse", status: 200, attempts: 1 });
      assert.equal(stats.requests, 1);
    });
  }

  test("reset → NetworkError, not retryable, not retried by default (it may have been processed)", async () => {
    const { r, events, stats } = await withFault("reset", 3);
    const e = rejected(r, { code: "NetworkError", retryable: false, attempts: 1, status: undefined, requestId: undefined });
    assert.ok(e.cause instanceof Error, "the fetch error is the cause");
    assert.notEqual(e.cause?.cause?.code, "ECONNREFUSED");
    assert.deepEqual(stats.byCode, { "fault:reset": 1 });
    assert.equal(count(events, "retry"), 0);
  });

  test("reset × 1 with retryUnsafe: true → retried, resolves after 2 attempts", async () => {
    const { r, stats } = await withFault("reset", 1, { retryUnsafe: true });
    assert.ok(r.ok, String(r.error));
    assert.deepEqual(stats.byCode, { "fault:reset": 1, SUCCESS: 1 });
  });

  test("connection refused → NetworkError, retryable (nothing was sent), retried: 3 attempts", async () => {
    const url = await closedPortUrl();
    const { c, events } = client(url);
    const r = await settle(() => c.p2pSendMessage(body()));
    const e = rejected(r, { code: "NetworkError", retryable: true, attempts: 3, status: undefined });
    // What Node's fetch (undici) gives for a refused port: TypeError("fetch failed") whose
    // cause carries code ECONNREFUSED — the signal that nothing was sent.
    assert.ok(e.cause instanceof TypeError, String(e.cause));
    assert.equal(e.cause.cause?.code, "ECONNREFUSED");
    assert.ok(r.ms < BOUND_MS);
    assert.deepEqual([count(events, "request"), count(events, "retry")], [3, 2]);
    assert.ok(events.filter((x) => x.type === "retry").every((x) => x.code === "NetworkError"));

    const none = client(url, { retries: 0 });
    rejected(await settle(() => none.c.p2pSendMessage(body())), { code: "NetworkError", retryable: true, attempts: 1 });
  });

  test("a server that never answers → Timeout after timeoutMs, 1 request, not retried", async () => {
    const before = hang.requests();
    const { c, events } = client(hang.url, { timeoutMs: 300 });
    const r = await settle(() => c.p2pSendMessage(body()));
    rejected(r, { code: "Timeout", retryable: false, attempts: 1, status: undefined });
    assert.ok(r.ms >= 280 && r.ms < BOUND_MS, `${r.ms} ms`);
    await sleep(50);
    assert.equal(hang.requests() - before, 1);
    assert.equal(count(events, "retry"), 0);
  });

  test("a server that never answers, deadlineMs: 400 with timeoutMs 10000 → Timeout at the deadline", async () => {
    const { c } = client(hang.url, { deadlineMs: 400 });
    const r = await settle(() => c.p2pSendMessage(body()));
    rejected(r, { code: "Timeout", attempts: 1 });
    assert.ok(r.ms >= 380 && r.ms < 2000, `${r.ms} ms`);
  });

  test("a server that never answers, retryUnsafe with deadlineMs: 700 → retries stop at the deadline", async () => {
    const before = hang.requests();
    const { c, events } = client(hang.url, { timeoutMs: 200, retryUnsafe: true, retries: 10, deadlineMs: 700 });
    const r = await settle(() => c.p2pSendMessage(body()));
    const e = rejected(r, { code: "Timeout" });
    assert.ok(r.ms < 1500, `the deadline did not bound the retries: ${r.ms} ms`);
    assert.ok(e.attempts >= 2 && e.attempts <= 4, `attempts ${e.attempts}`);
    assert.equal(count(events, "request"), e.attempts);
    await sleep(50);
    assert.equal(hang.requests() - before, e.attempts);
  });
});

describe("no duplicate delivery unless retryUnsafe", () => {
  // The simulator processes a `delay`ed call only if the connection is still open when the
  // delay ends (it drops the work when the client hangs up). A real gateway does not cancel the
  // backend, so these tests go through `gateway`, which keeps the upstream open: the call the
  // client gave up on is then processed and delivered, as it would be in production.
  async function scenario(opts, via) {
    await sim.fresh();
    const device = await sim.online("10002");
    await sim.fault("delay", 1, 800);
    const { c, events } = client(via, { timeoutMs: 200, ...opts });
    const t0 = performance.now();
    const content = `dup-${Math.random()}`;
    const r = await settle(() => c.p2pSendMessage(body(content)));
    await sleep(Math.max(0, 1600 - (performance.now() - t0))); // well past the delay
    const frames = device.frames.filter((f) => f.Content === content);
    await device.close();
    return { r, events, frames: frames.map((f) => ({ ...f, after: f.at - t0 })), stats: await sim.stats() };
  }

  test("default options: Timeout after 1 attempt, and the device gets exactly 1 frame (after the delay)", async () => {
    const { r, events, frames, stats } = await scenario({}, gateway.url);
    rejected(r, { code: "Timeout", attempts: 1, retryable: false });
    assert.ok(r.ms < 800, `the client waited for the delay: ${r.ms} ms`);
    assert.equal(frames.length, 1, JSON.stringify(frames));
    assert.ok(frames[0].after >= 750, `frame after ${frames[0].after} ms`);
    assert.equal(stats.requests, 1);
    assert.deepEqual(stats.byCode, { SUCCESS: 1 });
    assert.equal(count(events, "request"), 1);
  });

  test("default options, straight to the simulator: 1 attempt, at most 1 frame", async () => {
    const { r, frames, stats } = await scenario({}, sim.url);
    rejected(r, { code: "Timeout", attempts: 1 });
    assert.ok(frames.length <= 1, JSON.stringify(frames));
    assert.equal(stats.requests, 1);
  });

  test("retryUnsafe: true does what it says: the call resolves and the device gets the message twice", async () => {
    const { r, events, frames, stats } = await scenario({ retryUnsafe: true }, gateway.url);
    assert.ok(r.ok, String(r.error));
    assert.equal(r.value.Result.P2PResult.find((x) => x.UserId === "10002").Code, "SUCCESS");
    assert.equal(frames.length, 2, `frames: ${JSON.stringify(frames)}`);
    assert.notEqual(frames[0].RequestId, frames[1].RequestId, "two separate calls were processed");
    assert.equal(frames[0].RequestId, r.value.ResponseMetadata.RequestId, "the retry answered first");
    assert.equal(stats.requests, 2);
    assert.deepEqual(stats.byCode, { SUCCESS: 2 });
    assert.deepEqual(events.filter((x) => x.type === "retry").map((x) => x.code), ["Timeout"]);
  });
});

describe("AbortSignal", () => {
  test("aborting a call queued by the qps limiter → Aborted, 0 attempts, never sent", async () => {
    await sim.fresh();
    const { c, events } = client(sim.url, { qps: 1 });
    const t0 = performance.now();
    const ac = new AbortController();
    const first = settle(() => c.p2pSendMessage(body("q1")));
    const second = settle(() => c.p2pSendMessage(body("q2")));
    const third = settle(() => c.p2pSendMessage(body("q3"), { signal: ac.signal }));
    await sleep(100);
    ac.abort();
    const r3 = await third;
    rejected(r3, { code: "Aborted", attempts: 0, retryable: false });
    assert.ok(performance.now() - t0 < 1500, "the abort took effect at once, not at the queue slot (~2 s)");
    const [r1, r2] = await Promise.all([first, second]);
    assert.ok(r1.ok && r2.ok, `${r1.error} ${r2.error}`);
    await sleep(Math.max(0, 2400 - (performance.now() - t0))); // past the third's slot (~2.02 s)
    const stats = await sim.stats();
    assert.equal(stats.requests, 2, JSON.stringify(stats));
    assert.equal(count(events, "request"), 2);
    assert.ok(count(events, "throttle") >= 2, "the 2nd and 3rd calls were queued");
  });

  test("aborting in flight (delay fault) → Aborted at once, 1 attempt", async () => {
    await sim.fresh();
    await sim.fault("delay", 1, 2000);
    const { c } = client(sim.url);
    const r = await settle(() => c.p2pSendMessage(body(), { signal: AbortSignal.timeout(150) }));
    rejected(r, { code: "Aborted", attempts: 1, retryable: false, status: undefined });
    assert.ok(r.ms >= 130 && r.ms < 1800, `${r.ms} ms`);
    assert.equal((await sim.stats()).requests, 1);
    await sim.clearFaults();
  });

  test("aborting during a retry backoff (Retry-After: 1) → Aborted at once, no second attempt", async () => {
    await sim.fresh();
    await sim.fault("throttle", 1);
    const { c, events } = client(sim.url);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await settle(() => c.p2pSendMessage(body(), { signal: ac.signal }));
    rejected(r, { code: "Aborted", attempts: 1 });
    assert.ok(r.ms < 1000, `${r.ms} ms: not cut short`);
    await sleep(1000); // past the backoff: still only one request
    assert.equal((await sim.stats()).requests, 1);
    assert.equal(count(events, "request"), 1);
  });

  test("an already-aborted signal → Aborted, and nothing is sent", async () => {
    await sim.fresh();
    const { c } = client(sim.url);
    for (const run of [
      () => c.p2pSendMessage(body(), { signal: AbortSignal.abort() }),
      () => c.call("P2PSendMessage", body(), { signal: AbortSignal.abort("gone") }),
    ]) {
      const r = await settle(run);
      rejected(r, { code: "Aborted", retryable: false });
      assert.ok(r.ms < 1000);
    }
    assert.equal((await sim.stats()).requests, 0);
  });

  // With an already-aborted signal nothing is sent: no attempt is counted, no request event.
  test("an already-aborted signal reports attempts: 0 and no request event", async () => {
    await sim.fresh();
    const { c, events } = client(sim.url);
    const r = await settle(() => c.p2pSendMessage(body(), { signal: AbortSignal.abort() }));
    rejected(r, { code: "Aborted", attempts: 0 });
    assert.equal(count(events, "request"), 0, JSON.stringify(events));
    assert.equal((await sim.stats()).requests, 0);
  });
});

test("no unhandled rejection in this file", async () => {
  await sleep(50);
  assert.deepEqual(unhandled, []);
});
