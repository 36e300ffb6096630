// Hostile caller values and the property run that throws them at every entry of the package.
// Plain ES module with no imports: the same file runs under Node, Deno and Bun
// (tests/js/hostile.test.mjs), in Chromium (tests/e2e/hostile-browser.test.mjs) and in workerd
// (tests/e2e/hostile-workerd.test.mjs), so every runtime gets the same cases for one seed.

/** mulberry32: small, seedable, the same sequence everywhere. */
export function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}

/** Detaches `buf` with whatever this runtime offers; returns false if it cannot. */
export function detach(buf) {
  try {
    if (typeof buf.transfer === "function") buf.transfer();
    else structuredClone(buf, { transfer: [buf] });
  } catch {
    return false;
  }
  return buf.byteLength === 0 && (buf.detached === true || buf.detached === undefined);
}

export function detachedBuffer() {
  const b = new ArrayBuffer(16);
  if (!detach(b)) throw new Error("this runtime cannot detach an ArrayBuffer");
  return b;
}

/** A view made before its buffer was detached (a view cannot be made on a detached one). */
export function detachedView(Ctor = Uint8Array) {
  const b = new ArrayBuffer(16);
  const v = new Ctor(b, 0);
  if (!detach(b)) throw new Error("this runtime cannot detach an ArrayBuffer");
  return v;
}

export const boom = () => {
  throw new Error("hostile: thrown by the caller's value");
};

/** An array Proxy whose `length` throws (finding 1 of issue 14). */
export const lengthThrows = (items = ["1"]) =>
  new Proxy(items, { get: (t, k, r) => (k === "length" ? boom() : Reflect.get(t, k, r)) });

export const revoked = () => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
};

/** A getter that throws, on a copy of `base` (enumerable, so a spread or Object.entries hits it). */
export const withThrowingGetter = (base, key) =>
  Object.defineProperty({ ...base }, key, { enumerable: true, configurable: true, get: boom });

// Every Proxy trap throws.
const allTraps = ["get", "set", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf", "defineProperty",
  "deleteProperty", "isExtensible", "preventExtensions", "setPrototypeOf", "apply", "construct"];
const throwingHandler = () => Object.fromEntries(allTraps.map((t) => [t, boom]));

class Opaque {
  constructor() {
    this.x = 1;
  }
}

// The leaf values. Each is a factory (fresh buffers, fresh Proxies).
const STRINGS = ["", "x", "AKLTx", "\0", "a\0b", "\ud800", "\udfff\ud800", "é€😀", "__proto__", "constructor",
  "9007199254740993", "-1", " 1", "1e4", "0x10", "Infinity", "NaN", "toString", "\r\n", "\t", "x".repeat(5000),
  "{\"AppId\":1}", "[1,2]", "null", "{", "{\"__proto__\":{\"polluted\":1}}"];
const NUMBERS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 1.5, 2 ** 53 + 1, 2 ** 53, -(2 ** 53) - 1, 1e308, 5e-324,
  Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 32, 2 ** 64, 1e21, 666675, 10008];
const BIGINTS = [0n, 1n, -1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n, -(2n ** 70n), 10n ** 400n, 9007199254740993n];

// The leaf kinds drawn for the current case, so a failure can say what it was given.
export const trace = [];
const LEAF_KINDS = ["string", "string", "string", "number", "number", "bigint", "symbol", "function", "Date", "primitive",
  "revoked Proxy", "Proxy with throwing traps", "array whose length throws", "detached ArrayBuffer", "view on a detached buffer",
  "typed array / ArrayBuffer / DataView", "class instance", "throwing toString/valueOf/toJSON, null prototype",
  "throwing getter", "Uint8Array with hostile own slice/length", "sparse array", "cyclic (2%) or shared object", "__proto__ own key", "200-deep object"];

/** Leaf kinds (by number) left out of a run: HOSTILE_SKIP=19,13 narrows a failure down. */
export const skip = new Set();

export function leaf(rng) {
  let kind = rng.int(24);
  while (skip.has(kind)) kind = (kind + 1) % 24;
  trace.push(`${kind}:${LEAF_KINDS[kind]}`);
  switch (kind) {
    case 0: case 1: case 2: return rng.pick(STRINGS);
    case 3: case 4: return rng.pick(NUMBERS);
    case 5: return rng.pick(BIGINTS);
    case 6: return Symbol("hostile");
    case 7: return rng.pick([boom, () => undefined, async () => boom(), () => revoked(), function named() { return this; }, class K {}]);
    case 8: return rng.pick([new Date(0), new Date(NaN), new Date(8.64e15), Object.assign(new Date(0), { getTime: boom })]);
    case 9: return rng.pick([true, false, null, undefined]);
    case 10: return revoked();
    case 11: return new Proxy(rng.chance(0.5) ? {} : [], throwingHandler());
    case 12: return lengthThrows();
    case 13: return detachedBuffer();
    case 14: return detachedView(rng.pick([Uint8Array, Uint8Array, Int8Array, Float64Array, DataView]));
    case 15: return rng.pick([new Uint8Array([1, 2, 3]), new ArrayBuffer(3), new Int16Array(2), new DataView(new ArrayBuffer(2))]);
    case 16: return rng.pick([new Opaque(), new Map([["a", 1]]), new Set([1]), Promise.resolve(1), /re/, new Error("e"),
      new String("s"), Object(1n), new Boolean(false), new WeakMap()]);
    case 17: return rng.pick([{ toString: boom }, { valueOf: boom }, { toJSON: boom }, { [Symbol.toPrimitive]: boom },
      Object.create(null), Object.create(Object.create(null))]);
    case 18: return withThrowingGetter({}, rng.pick(["a", "length", "__proto__", "then", "0"]));
    case 19: {
      // A Uint8Array whose own methods or accessors answer with something hostile.
      const v = new Uint8Array(4);
      const pick = rng.int(4);
      if (pick === 0) v.slice = boom;
      else if (pick === 1) v.slice = () => revoked();
      else if (pick === 2) v.slice = () => ({ length: 2 ** 31 });
      else Object.defineProperty(v, "length", { get: boom });
      return v;
    }
    case 20: {
      const a = new Array(rng.pick([3, 10, 100000]));
      a[1] = rng.pick(STRINGS);
      return a;
    }
    case 21: {
      // Cyclic, but rarely: each costs ~1 s of the package's walk budget today (100,000 nodes),
      // which would put the run past its 3 minutes. Otherwise shared but acyclic.
      const o = {};
      const shared = { s: "x" };
      if (rng.chance(0.02)) {
        o.self = o;
        o.list = [o, o];
      } else {
        o.a = shared;
        o.list = [shared, shared];
      }
      return o;
    }
    case 22: {
      // "__proto__" as an own data key (a literal `{__proto__: …}` would set the prototype).
      const o = {};
      Object.defineProperty(o, "__proto__", { value: leafShallow(rng), enumerable: true, configurable: true, writable: true });
      return o;
    }
    default: {
      let deep = {};
      for (let i = 0; i < 200; i++) deep = { d: deep };
      return deep;
    }
  }
}

// A leaf without recursion into case 22.
function leafShallow(rng) {
  return rng.pick([...STRINGS.slice(0, 5), ...NUMBERS.slice(0, 5), null, {}]);
}

/** A random nesting of hostile leaves in arrays, plain and null-prototype objects. */
export function hostile(rng, depth = 0) {
  if (depth > 3 || rng.chance(0.55)) return leaf(rng);
  switch (rng.int(4)) {
    case 0: {
      const n = rng.int(4);
      const a = [];
      for (let i = 0; i < n; i++) a.push(hostile(rng, depth + 1));
      if (rng.chance(0.2)) a.length += 2; // holes
      return a;
    }
    case 1:
    case 2: {
      const o = rng.chance(0.3) ? Object.create(null) : {};
      const n = 1 + rng.int(3);
      for (let i = 0; i < n; i++) {
        const key = rng.pick(["a", "AppId", "Content", "__proto__", "0", "x y", "é", ""]);
        Object.defineProperty(o, key, { value: hostile(rng, depth + 1), enumerable: true, configurable: true, writable: true });
      }
      if (rng.chance(0.1)) Object.defineProperty(o, "g", { enumerable: true, get: boom });
      return o;
    }
    default: {
      const t = hostile(rng, depth + 1);
      const target = (typeof t === "object" && t !== null) || typeof t === "function" ? t : {};
      try {
        return new Proxy(target, rng.chance(0.5) ? {} : throwingHandler());
      } catch {
        return new Proxy({}, throwingHandler()); // a runtime that refuses a revoked target
      }
    }
  }
}

// Replaces one, two or three keys of `base` with hostile values, or the whole value.
function mutate(rng, base, keys) {
  const r = rng.int(10);
  if (r === 0) return hostile(rng);
  if (r === 1) return new Proxy({ ...base }, throwingHandler());
  if (r === 2) return revoked();
  const out = { ...base };
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const k = rng.chance(0.9) ? rng.pick(keys) : rng.pick(["__proto__", "then", "constructor", "extra"]);
    const v = hostile(rng);
    if (rng.chance(0.15)) Object.defineProperty(out, k, { enumerable: true, configurable: true, get: boom });
    else Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  }
  return out;
}

/** The simulator's built-in ids (public, sim/src/config.rs): a body it accepts. */
export const GOOD_BODY = { AppId: 666675, Sender: "10008", ConversationShortId: "7221856821303361536", MsgType: 10013, Content: "hostile-ok" };
const BODY_KEYS = ["AppId", "Sender", "ConversationShortId", "MsgType", "Content", "ReceiverUserId", "IgnoreUserIds"];
const CLIENT_KEYS = ["accessKeyId", "secretAccessKey", "sessionToken", "credentials", "region", "endpoint", "signingRegion",
  "timeoutMs", "deadlineMs", "qps", "retries", "retryUnsafe", "clockOffsetMs", "autoClockSkew", "maxResponseBytes",
  "fetch", "onEvent", "int64"];
const SIGN_KEYS = ["method", "url", "headers", "body", "accessKeyId", "secretAccessKey", "sessionToken", "region", "service", "date"];
export const SIGN_BASE = { method: "POST", url: "https://open.volcengineapi.com/?Action=X&Version=2020-12-01", headers: { "Content-Type": "application/json" },
  body: "{}", accessKeyId: "AKLTx", secretAccessKey: "hostile-secret", region: "cn-north-1", service: "rtc", date: new Date(0) };

/** Body with hostile ids inside ReceiverUserId / IgnoreUserIds, or a mutated body. */
export function p2pBody(rng) {
  const r = rng.int(6);
  if (r === 0) return { ...GOOD_BODY, [rng.pick(["ReceiverUserId", "IgnoreUserIds"])]: [hostile(rng), "10001"] };
  if (r === 1) return { ...GOOD_BODY, [rng.pick(["ReceiverUserId", "IgnoreUserIds"])]: lengthThrows(["10001"]) };
  if (r === 2 && rng.chance(0.5)) return rng.pick(STRINGS);
  return mutate(rng, GOOD_BODY, BODY_KEYS);
}
const callOptions = (rng, keys) => (rng.chance(0.3) ? undefined : rng.chance(0.3) ? hostile(rng) : mutate(rng, {}, keys));

// Regression cases for issue 14 findings 1 and 2, by entry: [label, make, field the
// InvalidArgument message must name]. Labels starting "[new]" were found by the property run.

/**
 * The async entries, each given a hostile value at `where` and expected to reject with
 * InvalidArgument whose message starts with `field` (a regex).
 */
export const asyncCases = () => [
  ["p2pSendMessage ReceiverUserId: array whose length throws", (c) => c.p2pSendMessage({ ...GOOD_BODY, ReceiverUserId: lengthThrows() }), /^ReceiverUserId/],
  ["p2pSendMessage IgnoreUserIds: array whose length throws", (c) => c.p2pSendMessage({ ...GOOD_BODY, IgnoreUserIds: lengthThrows() }), /^IgnoreUserIds/],
  ["call int64Fields: array whose length throws", (c) => c.call("GetX", { a: 1 }, { int64Fields: lengthThrows(["a"]) }), /^int64Fields/],
  ["p2pSendMessage body: revoked Proxy", (c) => c.p2pSendMessage(revoked()), /^body/],
  ["p2pSendMessage Content: revoked Proxy", (c) => c.p2pSendMessage({ ...GOOD_BODY, Content: revoked() }), /^Content/],
  ["p2pSendMessage options: revoked Proxy", (c) => c.p2pSendMessage(GOOD_BODY, revoked()), /^callOptions/],
  ["call body: revoked Proxy", (c) => c.call("GetX", revoked()), /^body/],
  ["call body.a: revoked Proxy", (c) => c.call("GetX", { a: revoked() }), /^body\.a/],
  ["call action: revoked Proxy", (c) => c.call(revoked(), {}), /^action/],
  ["call options: revoked Proxy", (c) => c.call("GetX", {}, revoked()), /^callOptions/],
  ["p2pSendMessage body: throwing getter Content", (c) => c.p2pSendMessage(withThrowingGetter(GOOD_BODY, "Content")), /^(body|Content)/],
  ["p2pSendMessage options: throwing getter signal", (c) => c.p2pSendMessage(GOOD_BODY, withThrowingGetter({}, "signal")), /^(callOptions|signal)/],
  ["call body: nested throwing getter", (c) => c.call("GetX", { a: { b: withThrowingGetter({}, "c") } }), /^body\.a\.b/],
  ["call options: throwing getter version", (c) => c.call("GetX", {}, withThrowingGetter({}, "version")), /^(callOptions|version)/],
  ["p2pSendMessage Content: detached ArrayBuffer", (c) => c.p2pSendMessage({ ...GOOD_BODY, Content: detachedBuffer() }), /^Content.*detached/],
  ["p2pSendMessage Content: Uint8Array on a detached buffer", (c) => c.p2pSendMessage({ ...GOOD_BODY, Content: detachedView() }), /^Content.*detached/],
  ["call body: detached ArrayBuffer", (c) => c.call("GetX", detachedBuffer()), /^body.*detached/],
  ["call body: Uint8Array on a detached buffer", (c) => c.call("GetX", detachedView()), /^body.*detached/],
  ["call body.a: Uint8Array on a detached buffer", (c) => c.call("GetX", { a: detachedView() }), /^body\.a.*detached/],
  // Found by the property run: a Uint8Array's own `slice` is the caller's code, and what it
  // returns reached Rust as if it were bytes.
  ["[new] p2pSendMessage Content: Uint8Array whose own slice() returns a revoked Proxy",
    (c) => c.p2pSendMessage({ ...GOOD_BODY, Content: Object.assign(new Uint8Array(4), { slice: revoked }) }), /^Content/],
  ["[new] call body.a: Uint8Array whose own slice() returns {length: 2**31}",
    (c) => c.call("GetX", { a: Object.assign(new Uint8Array(4), { slice: () => ({ length: 2 ** 31 }) }) }), /^body\.a/],
  ["[new] call body: Uint8Array subclass whose length getter throws",
    (c) => c.call("GetX", new (class extends Uint8Array { get length() { return boom(); } })(4)), /^body/],
];

export const signCases = () => [
  ["options: revoked Proxy", () => revoked(), /^options/],
  ["headers: revoked Proxy", () => ({ ...SIGN_BASE, headers: revoked() }), /^headers/],
  ["options: throwing getter body", () => withThrowingGetter(SIGN_BASE, "body"), /^(options|body)/],
  ["headers: throwing getter", () => ({ ...SIGN_BASE, headers: withThrowingGetter({}, "X-A") }), /^headers/],
  ["body: detached ArrayBuffer", () => ({ ...SIGN_BASE, body: detachedBuffer() }), /^body.*detached/],
  ["body: Uint8Array on a detached buffer", () => ({ ...SIGN_BASE, body: detachedView() }), /^body.*detached/],
  ["body: object with a detached buffer inside", () => ({ ...SIGN_BASE, body: { a: detachedBuffer() } }), /^body\.a.*detached/],
  ["[new] body: object whose prototype is Uint8Array.prototype (not a typed array)", () => ({ ...SIGN_BASE, body: Object.setPrototypeOf({}, Uint8Array.prototype) }), /^body/],
  ["[new] body: Proxy around a Uint8Array", () => ({ ...SIGN_BASE, body: new Proxy(new Uint8Array(2), {}) }), /^body/],
];

export const ctorCases = (keys) => [
  ["options: revoked Proxy", () => revoked(), /^options/],
  ["options: throwing getter secretAccessKey", () => withThrowingGetter(keys, "secretAccessKey"), /^(options|secretAccessKey)/],
  ["secretAccessKey: detached ArrayBuffer", () => ({ ...keys, secretAccessKey: detachedBuffer() }), /^secretAccessKey.*detached/],
  ["secretAccessKey: Uint8Array on a detached buffer", () => ({ ...keys, secretAccessKey: detachedView() }), /^secretAccessKey.*detached/],
  ["fetch: revoked Proxy", () => ({ ...keys, fetch: revoked() }), /^fetch/],
  ["onEvent: array whose length throws", () => ({ ...keys, onEvent: lengthThrows() }), /^onEvent/],
  ["[new] endpoint: Uint8Array whose own slice() returns a revoked Proxy", () => ({ ...keys, endpoint: Object.assign(new Uint8Array(4), { slice: revoked }) }), /^endpoint/],
];

export const ENTRIES = ["new ImClient", "p2pSendMessage", "call", "signRequest (volc-im)", "signRequest (volc-im/sign)"];

const timeout = (ms) => {
  let timer;
  const p = new Promise((ok) => {
    timer = setTimeout(() => ok("__hang__"), ms);
  });
  return { p, clear: () => clearTimeout(timer) };
};

/** { ok, v } | { ok: false, e } | { hung: true } within `ms`. */
export async function settleWithin(p, ms = 4000) {
  const t = timeout(ms);
  const r = await Promise.race([Promise.resolve(p).then((v) => ({ ok: true, v }), (e) => ({ ok: false, e })), t.p]);
  t.clear();
  return r === "__hang__" ? { hung: true } : r;
}

const describe = (v) => {
  try {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "symbol" || typeof v === "function") return String(v).slice(0, 40);
    return String(v?.constructor?.name ?? typeof v);
  } catch {
    return "(unprintable)";
  }
};

/**
 * Runs `n` cases per entry. `api`: { ImClient, isVolcError, signRequest, signOnly }. `faults()`
 * returns the uncaught exceptions and unhandled rejections the host has seen so far (the host
 * installs the handlers its runtime has). Returns { counts, failures, sent, goodSends, ms }.
 * A counting fetch (a mock of the network: refused inputs must never reach it) stands in for
 * the server; `extraFetch` lets a host send the accepted ones on to a real simulator.
 */
export async function runProperty({ api, n, seed, perCallMs = 4000, faults, maxFailures = 20, endpoint = "http://127.0.0.1:9", credentials }) {
  const { ImClient, isVolcError } = api;
  const rng = makeRng(seed);
  const started = Date.now();
  const failures = [];
  const counts = Object.fromEntries(ENTRIES.map((e) => [e, 0]));
  let sent = 0;
  let goodSends = 0;
  // Mock of the IM endpoint: counts what reaches the network and answers like the vendor.
  const countingFetch = async () => {
    sent++;
    return new Response('{"ResponseMetadata":{"RequestId":"hostile-mock"},"Result":{"P2PResult":[]}}', { status: 200 });
  };
  const keys = credentials ?? { accessKeyId: "AKLTx", secretAccessKey: "hostile-secret" };
  const baseOptions = { ...keys, endpoint, fetch: countingFetch, qps: 0, retries: 0, timeoutMs: 2000 };
  const client = new ImClient(baseOptions);
  let seenFaults = faults().length;
  const fail = (entry, i, what) => {
    failures.push({ entry, case: i, seed, what, input: [...trace].join(", ") });
  };
  const typed = (e) => isVolcError(e) && typeof e.code === "string" && e.code.length > 0;
  const settleAsync = async (entry, i, make, sentBefore) => {
    let p;
    try {
      p = make();
    } catch (e) {
      return fail(entry, i, `threw synchronously instead of returning a promise: ${describe(e)} ${String(e?.message ?? "")}`);
    }
    if (!p || typeof p.then !== "function") return fail(entry, i, `returned ${describe(p)}, not a promise`);
    const t = timeout(perCallMs);
    const r = await Promise.race([p.then((v) => ({ ok: true, v }), (e) => ({ ok: false, e })), t.p]);
    t.clear();
    if (r === "__hang__") return fail(entry, i, `did not settle within ${perCallMs} ms`);
    if (!r.ok && !typed(r.e)) return fail(entry, i, `rejected with an untyped ${describe(r.e)}: ${String(r.e?.message ?? r.e)}`);
    if (!r.ok && r.e.code === "InvalidArgument" && sent !== sentBefore) {
      return fail(entry, i, `refused with InvalidArgument but ${sent - sentBefore} request(s) reached the server`);
    }
    return r;
  };
  const goodSend = async (c, entry, i) => {
    const r = await settleAsync(`${entry} (good send after)`, i, () => c.p2pSendMessage(GOOD_BODY), sent);
    if (r && !r.ok) fail(entry, i, `a good send after this case failed: ${r.e.code} ${r.e.message}`);
    if (r?.ok) goodSends++;
  };
  const flush = () => new Promise((ok) => setTimeout(ok, 0));
  const checkFaults = (entry, i) => {
    const all = faults();
    if (all.length > seenFaults) {
      for (const f of all.slice(seenFaults)) fail(entry, i, `uncaught exception or unhandled rejection: ${f}`);
      seenFaults = all.length;
    }
  };

  for (let i = 0; i < n; i++) {
    // new ImClient: throws a VolcError synchronously, or builds a client that then settles.
    {
      const entry = ENTRIES[0];
      trace.length = 0;
      const opts = mutate(rng, baseOptions, CLIENT_KEYS);
      let c;
      try {
        c = new ImClient(opts);
      } catch (e) {
        if (!typed(e)) fail(entry, i, `threw an untyped ${describe(e)}: ${String(e?.message ?? e)}`);
      }
      if (c) {
        // Whatever it was built with, a call on it settles with a result or a typed error.
        await settleAsync(`${entry} (then p2pSendMessage)`, i, () => c.p2pSendMessage(GOOD_BODY), sent);
        try {
          c.free();
        } catch {
          // free is best effort here
        }
      }
      await flush();
      checkFaults(entry, i);
      counts[entry]++;
    }
    {
      const entry = ENTRIES[1];
      trace.length = 0;
      await settleAsync(entry, i, () => client.p2pSendMessage(p2pBody(rng), callOptions(rng, ["signal"])), sent);
      await flush();
      checkFaults(entry, i);
      counts[entry]++;
    }
    {
      const entry = ENTRIES[2];
      trace.length = 0;
      const action = rng.chance(0.8) ? "GetConversation" : hostile(rng);
      const body = rng.chance(0.15) ? rng.pick(STRINGS) : mutate(rng, { AppId: 666675 }, ["AppId", "ConversationShortId", "a"]);
      await settleAsync(entry, i, () => client.call(action, body, callOptions(rng, ["signal", "version", "int64Fields"])), sent);
      await flush();
      checkFaults(entry, i);
      counts[entry]++;
    }
    for (const [entry, sign] of [[ENTRIES[3], api.signRequest], [ENTRIES[4], api.signOnly]]) {
      trace.length = 0;
      await settleAsync(entry, i, () => sign(mutate(rng, SIGN_BASE, SIGN_KEYS)), sent);
      await flush();
      checkFaults(entry, i);
      counts[entry]++;
    }
    if (i % 100 === 99) await goodSend(client, "the shared client", i);
    if (failures.length >= maxFailures) break; // enough to report; a hang costs perCallMs each
  }
  await goodSend(client, "the shared client", n);
  client.free();
  return { counts, failures, sent, goodSends, ms: Date.now() - started };
}

/**
 * The regression cases above, for hosts without the simulator (Chromium, workerd): a counting
 * fetch (a mock of the network) checks that nothing was sent. Returns { problems, cases }.
 */
export async function runRegressions({ api, faults, perCallMs = 4000 }) {
  const { ImClient, isVolcError } = api;
  let sent = 0;
  const countingFetch = async () => {
    sent++;
    return new Response('{"ResponseMetadata":{"RequestId":"hostile-mock"},"Result":{"P2PResult":[]}}', { status: 200 });
  };
  const keys = { accessKeyId: "AKLTx", secretAccessKey: "hostile-secret" };
  const client = new ImClient({ ...keys, endpoint: "http://127.0.0.1:9", fetch: countingFetch, qps: 0, retries: 0 });
  const problems = [];
  let cases = 0;
  const settle = async (p) => {
    const t = timeout(perCallMs);
    const r = await Promise.race([Promise.resolve(p).then((v) => ({ ok: true, v }), (e) => ({ ok: false, e })), t.p]);
    t.clear();
    return r === "__hang__" ? { hung: true } : r;
  };
  const check = async (label, make, field, good) => {
    cases++;
    const faultsBefore = faults().length;
    const sentBefore = sent;
    let p;
    try {
      p = make();
    } catch (e) {
      problems.push(`${label}: threw synchronously (${describe(e)}: ${e?.message})`);
      return;
    }
    if (!p || typeof p.then !== "function") problems.push(`${label}: did not return a promise`);
    const r = await settle(p);
    await new Promise((ok) => setTimeout(ok, 0));
    if (r.hung) problems.push(`${label}: the promise never settled`);
    else if (r.ok) problems.push(`${label}: resolved instead of rejecting`);
    else if (!isVolcError(r.e) || r.e.code !== "InvalidArgument") problems.push(`${label}: rejected with ${describe(r.e)} ${r.e?.code ?? ""}: ${r.e?.message}`);
    else if (!field.test(r.e.message)) problems.push(`${label}: the message does not name the field: ${r.e.message}`);
    if (sent !== sentBefore) problems.push(`${label}: ${sent - sentBefore} request(s) were sent`);
    const all = faults();
    if (all.length > faultsBefore) problems.push(`${label}: ${all.slice(faultsBefore).join("; ")}`);
    const after = await settle(good());
    if (!after.ok) problems.push(`${label}: the good call after it failed: ${after.hung ? "hung" : `${after.e?.code} ${after.e?.message}`}`);
  };
  for (const [label, run, field] of asyncCases()) {
    await check(label, () => run(client), field, () => client.p2pSendMessage(GOOD_BODY));
  }
  for (const [name, sign] of [["volc-im", api.signRequest], ["volc-im/sign", api.signOnly]]) {
    for (const [label, make, field] of signCases()) {
      await check(`signRequest (${name}) ${label}`, () => sign(make()), field, () => sign(SIGN_BASE));
    }
  }
  for (const [label, make, field] of ctorCases(keys)) {
    cases++;
    try {
      new ImClient(make()).free();
      problems.push(`new ImClient ${label}: constructed`);
    } catch (e) {
      if (!isVolcError(e) || e.code !== "InvalidArgument") problems.push(`new ImClient ${label}: threw ${describe(e)}: ${e?.message}`);
      else if (!field.test(e.message)) problems.push(`new ImClient ${label}: the message does not name the option: ${e.message}`);
    }
  }
  const good = await settle(client.p2pSendMessage(GOOD_BODY));
  if (!good.ok) problems.push(`the client's last good send failed: ${good.hung ? "hung" : good.e?.message}`);
  client.free();
  return { problems, cases };
}
