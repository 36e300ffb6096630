// The global QPS gate: one Durable Object per AppId, so every isolate of the relay asks the
// same place. A sliding window of grant times, with a margin (window > 1 s), guarantees that
// no `windowMs` span ever holds more than `qps` grants — so the vendor, counting per 1 s by its
// own clock, sees at most `qps` even with some jitter. (A token bucket with a full burst would
// let 2×qps through one window.) Grants may be reserved slightly in the future: that is the
// "wait" mode's queue.

/**
 * Decides the slot for one more request. `grants` is sorted ascending and is updated in place.
 * Returns { waitMs } when granted, or { retryAfterMs } when the wait would exceed maxWaitMs.
 */
export function reserve(grants, now, { qps, windowMs, maxWaitMs }) {
  while (grants.length && grants[0] <= now - windowMs) grants.shift();
  let slot = now;
  if (grants.length) slot = Math.max(slot, grants[grants.length - 1]);
  if (grants.length >= qps) slot = Math.max(slot, grants[grants.length - qps] + windowMs);
  const waitMs = slot - now;
  if (waitMs > maxWaitMs) return { retryAfterMs: waitMs };
  grants.push(slot);
  return { waitMs };
}

export class QpsGate {
  constructor(state) {
    this.state = state;
    this.grants = []; // in memory: the window is only ~1 s, so losing it on eviction is harmless
  }

  async fetch(request) {
    const limits = await request.json();
    return Response.json(reserve(this.grants, Date.now(), limits));
  }
}
