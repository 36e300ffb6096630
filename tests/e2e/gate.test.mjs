// The QPS gate's reservation rule on its own: no window of `windowMs` ever holds more than
// `qps` grants, whatever the arrival pattern.
import assert from "node:assert/strict";
import { test } from "node:test";
import { QpsGate, reserve } from "../../worker/src/gate.js";

function maxInAnyWindow(times, windowMs) {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

test("bursts, trickles and random arrivals never exceed qps per window", () => {
  const limits = { qps: 100, windowMs: 1100, maxWaitMs: 2000 };
  let seed = 7;
  const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (const pattern of ["burst", "steady", "random"]) {
    const grants = [];
    const granted = [];
    let rejected = 0;
    for (let i = 0, now = 0; i < 2000; i++) {
      now += pattern === "burst" ? (i % 300 === 0 ? 900 : 0) : pattern === "steady" ? 12 : Math.floor(rand() * 20);
      const r = reserve(grants, now, limits);
      if (r.waitMs !== undefined) granted.push(now + r.waitMs);
      else rejected++;
      if (r.waitMs !== undefined) assert.ok(r.waitMs <= limits.maxWaitMs);
      else assert.ok(r.retryAfterMs > limits.maxWaitMs);
    }
    granted.sort((a, b) => a - b);
    assert.ok(maxInAnyWindow(granted, limits.windowMs) <= 100, pattern);
    // 83 req/s is under 100 per 1.1 s, so a steady trickle is never refused.
    assert.ok(granted.length > 0 && (pattern !== "steady" || rejected === 0), `${pattern}: ${rejected} rejected`);
  }
});

test("reject mode grants exactly qps of a burst", () => {
  const grants = [];
  const outcomes = Array.from({ length: 8 }, () => reserve(grants, 1000, { qps: 5, windowMs: 1100, maxWaitMs: 0 }));
  assert.equal(outcomes.filter((o) => o.waitMs === 0).length, 5);
  assert.equal(outcomes.filter((o) => o.retryAfterMs === 1100).length, 3);
});

test("unusable limits are refused, never granted (finding 10)", async () => {
  const good = { qps: 5, windowMs: 1100, maxWaitMs: 2000 };
  const bad = [
    { qps: 0 }, { qps: -1 }, { qps: NaN }, { qps: "abc" }, { qps: "5" }, { qps: 1.5 }, { qps: Infinity }, { qps: undefined },
    { windowMs: NaN }, { windowMs: 0 }, { windowMs: -1100 }, { windowMs: null },
    { maxWaitMs: -1 }, { maxWaitMs: NaN }, { maxWaitMs: "2000" },
  ];
  for (const change of bad) {
    const limits = { ...good, ...change };
    const grants = [];
    assert.throws(() => reserve(grants, 1000, limits), RangeError, JSON.stringify(change));
    assert.deepEqual(grants, [], "nothing was reserved");
    // The Durable Object answers 400 naming the field, not a grant.
    const res = await new QpsGate({}).fetch(new Request("https://gate/reserve", { method: "POST", body: JSON.stringify(limits) }));
    assert.equal(res.status, 400);
    const [field] = Object.keys(change);
    assert.match((await res.json()).error, new RegExp(`^${field} `));
  }
  const notJson = await new QpsGate({}).fetch(new Request("https://gate/reserve", { method: "POST", body: "{" }));
  assert.equal(notJson.status, 400);
  assert.deepEqual(reserve([], 1000, good), { waitMs: 0 });
});
