// The global QPS gate: one Durable Object per AppId, so every isolate of the relay asks the
// same place. A sliding window of grant times, with a margin (window > 1 s), guarantees that
// no `windowMs` span ever holds more than `qps` grants — so the vendor, counting per 1 s by its
// own clock, sees at most `qps` even with some jitter. (A token bucket with a full burst would
// let 2×qps through one window.) Grants may be reserved slightly in the future: that is the
// "wait" mode's queue.

/** Bounds of each limit; anything else is refused, so a bad value can never turn the gate off. */
export const LIMIT_RANGES = {
  qps: [1, 100_000],
  windowMs: [1, 3_600_000],
  maxWaitMs: [0, 3_600_000],
};

/** Why `limits` is unusable (a message naming the field), or undefined when it is fine. */
export function checkLimits(limits) {
  if (limits === null || typeof limits !== "object") return "limits must be an object";
  for (const [name, [min, max]] of Object.entries(LIMIT_RANGES)) {
    const v = limits[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      return `${name} must be an integer from ${min} to ${max}, not ${typeof v === "number" ? v : typeof v}`;
    }
  }
  return undefined;
}

/**
 * Decides the slot for one more request. `grants` is sorted ascending and is updated in place.
 * Returns { waitMs } when granted, or { retryAfterMs } when the wait would exceed maxWaitMs.
 * Throws a RangeError for unusable limits (NaN, 0, negative…) instead of granting everything.
 */
export function reserve(grants, now, limits) {
  const bad = checkLimits(limits);
  if (bad) throw new RangeError(bad);
  const { qps, windowMs, maxWaitMs } = limits;
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
    let limits;
    try {
      limits = await request.json();
    } catch {
      return Response.json({ error: "the gate expects a JSON body of limits" }, { status: 400 });
    }
    const bad = checkLimits(limits);
    if (bad) return Response.json({ error: bad }, { status: 400 });
    return Response.json(reserve(this.grants, Date.now(), limits));
  }
}
