// volc-im relay Worker: POST /v1/p2p-send-message for authorised callers. The Volcengine key
// lives in Worker secrets; a caller presents a relay token, may use only allowed AppIds, and
// every request that goes upstream (retries included) first passes the per-AppId QPS gate (a
// Durable Object).
import { IM_SERVICE, IM_VERSION, ImClient, isVolcError, P2P_SEND_MESSAGE } from "volc-im";
import { QpsGate } from "./gate.js";

export { QpsGate };

const ROUTE = "/v1/p2p-send-message";
/** Per upstream attempt, after the gate's wait. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Numeric settings: default, and the range a present value must fall in. */
const NUMERIC = {
  GATE_QPS: { key: "qps", fallback: 100, min: 1, max: 100_000 },
  // Under 1 s the vendor, counting per second, could see more than GATE_QPS.
  GATE_WINDOW_MS: { key: "windowMs", fallback: 1100, min: 1000, max: 60_000 },
  // The request is signed before the wait; the vendor accepts signatures up to 15 min old.
  GATE_MAX_WAIT_MS: { key: "maxWaitMs", fallback: 2000, min: 0, max: 60_000 },
  BODY_LIMIT_BYTES: { key: "bodyLimit", fallback: 65536, min: 1, max: 10 * 1024 * 1024 },
};

const list = (s) => (typeof s === "string" ? s : "").split(",").map((x) => x.trim()).filter(Boolean);
const show = (v) => {
  const s = typeof v === "string" ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

class Misconfigured extends Error {}

/** A string or number variable as an integer within range; absent or empty → the default. */
function integer(env, name) {
  const { fallback, min, max } = NUMERIC[name];
  const raw = env[name];
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return fallback;
  const text = typeof raw === "string" ? raw.trim() : undefined;
  const n = text !== undefined && /^[0-9]{1,10}$/.test(text) ? Number(text) : typeof raw === "number" ? raw : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Misconfigured(`${name} must be an integer from ${min} to ${max} (or unset for ${fallback}), not ${show(raw)}`);
  }
  return n;
}

/** Settings from env, validated; throws Misconfigured naming the variable. */
function settings(env) {
  const cfg = {
    tokens: list(env.RELAY_TOKENS),
    origins: list(env.ALLOWED_ORIGINS),
    appIds: new Set(),
  };
  const mode = env.GATE_MODE === undefined || env.GATE_MODE === "" ? "wait" : env.GATE_MODE;
  if (mode !== "wait" && mode !== "reject") {
    throw new Misconfigured(`GATE_MODE must be "wait" or "reject" (or unset for "wait"), not ${show(mode)}`);
  }
  if (typeof env.GATE?.idFromName !== "function") {
    throw new Misconfigured("GATE, the Durable Object binding of the QPS gate, is missing (see worker/wrangler.toml)");
  }
  cfg.gateMode = mode;
  for (const name of Object.keys(NUMERIC)) cfg[NUMERIC[name].key] = integer(env, name);
  for (const id of list(env.ALLOWED_APP_IDS)) {
    const n = /^-?[0-9]{1,10}$/.test(id) ? Number(id) : NaN;
    if (!(n >= -(2 ** 31) && n < 2 ** 31)) {
      throw new Misconfigured(`ALLOWED_APP_IDS must list int32 AppIds separated by commas; ${show(id)} is not one`);
    }
    cfg.appIds.add(n);
  }
  // One attempt may take the gate's wait plus the request timeout; the deadline holds the
  // whole call (retries and backoff too) to that, so no answer comes later.
  cfg.deadlineMs = cfg.maxWaitMs + REQUEST_TIMEOUT_MS;
  return cfg;
}

/** The vendor's envelope shape, also for the relay's own errors (codes prefixed `Relay`). */
function envelope(status, code, message, extra = {}, headers = {}) {
  const meta = { RequestId: extra.requestId ?? "", Action: P2P_SEND_MESSAGE, Version: IM_VERSION, Service: IM_SERVICE, Region: "" };
  meta.Error = { Code: code, Message: message };
  if (extra.codeN !== undefined) meta.Error.CodeN = extra.codeN;
  return Response.json({ ResponseMetadata: meta }, { status, headers });
}

/** A refusal of the relay's own, thrown from inside a send and answered as an envelope. */
class Refusal {
  // `relayCode`, not `code`: the SDK reads a fetch error's `code` to decide on a retry.
  constructor(status, relayCode, message, headers = {}) {
    Object.assign(this, { status, relayCode, message, headers });
  }
}

function corsHeaders(origin, origins) {
  if (!origin || !origins.includes(origin)) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "Retry-After",
    Vary: "Origin",
  };
}

/** Constant-time membership test: compares SHA-256 digests of equal length. */
async function tokenAllowed(presented, tokens) {
  const digest = async (s) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
  const mine = await digest(presented);
  let any = 0;
  for (const t of tokens) {
    const theirs = await digest(t);
    let diff = 0;
    for (let i = 0; i < 32; i++) diff |= mine[i] ^ theirs[i];
    any |= diff === 0 ? 1 : 0;
  }
  return any === 1;
}

/** Waits `ms`, or less if `signal` fires (the attempt timed out: its slot is simply unused). */
function pause(ms, signal) {
  if (ms <= 0) return Promise.resolve();
  return new Promise((ok) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener?.("abort", done);
      ok();
    }
    signal?.addEventListener?.("abort", done);
  });
}

/**
 * The ImClient's fetch: every upstream attempt first reserves a slot at the AppId's gate. Being
 * the last step before the network, it runs only for bodies the SDK has validated and signed,
 * and it also gates the SDK's retries. The AppId is read from the bytes actually sent.
 */
function gatedFetch(env, cfg) {
  return async (url, init) => {
    let appId;
    try {
      appId = JSON.parse(new TextDecoder().decode(init.body)).AppId;
    } catch {
      appId = undefined;
    }
    if (!cfg.appIds.has(appId)) {
      throw new Refusal(403, "RelayAppIdNotAllowed", `AppId ${show(appId)} is not allowed for this relay`);
    }
    let verdict;
    try {
      const gate = env.GATE.get(env.GATE.idFromName(String(appId)));
      const answer = await gate.fetch("https://gate/reserve", {
        method: "POST",
        body: JSON.stringify({ qps: cfg.qps, windowMs: cfg.windowMs, maxWaitMs: cfg.gateMode === "wait" ? cfg.maxWaitMs : 0 }),
      });
      verdict = await answer.json();
      if (!answer.ok) throw new Error(verdict?.error);
    } catch {
      throw new Refusal(503, "RelayGateUnavailable", "the QPS gate did not answer, so the request was not sent", { "Retry-After": "1" });
    }
    if (verdict.retryAfterMs !== undefined) {
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      throw new Refusal(429, "RelayRateLimited", `over ${cfg.qps} requests per ${cfg.windowMs} ms for this AppId; retry after ${seconds} s`,
        { "Retry-After": String(seconds) });
    }
    await pause(verdict.waitMs, init.signal);
    // Timed out while waiting: the SDK has already settled this attempt with Timeout.
    if (init.signal?.aborted) throw new Error("aborted while waiting for the gate");
    return fetch(url, init);
  };
}

/** Configuration and client per env (the same object for an isolate's requests). */
const prepared = new WeakMap();
function prepare(env) {
  let p = prepared.get(env);
  if (p) return p;
  try {
    const cfg = settings(env);
    p = { cfg, im: client(env, cfg) };
  } catch (e) {
    if (!(e instanceof Misconfigured)) throw e;
    // CORS still follows ALLOWED_ORIGINS, so a page can read why the relay fails.
    p = { cfg: { origins: list(env.ALLOWED_ORIGINS) }, misconfigured: e.message };
  }
  prepared.set(env, p);
  return p;
}

const VOLC_VARS = {
  accessKeyId: "VOLC_ACCESS_KEY_ID",
  secretAccessKey: "VOLC_SECRET_ACCESS_KEY",
  sessionToken: "VOLC_SESSION_TOKEN",
  region: "VOLC_REGION",
  endpoint: "VOLC_ENDPOINT",
};

function client(env, cfg) {
  for (const name of ["VOLC_ACCESS_KEY_ID", "VOLC_SECRET_ACCESS_KEY"]) {
    if (typeof env[name] !== "string" || env[name] === "") throw new Misconfigured(`${name} is not set (use wrangler secret put)`);
  }
  const options = {
    accessKeyId: env.VOLC_ACCESS_KEY_ID,
    secretAccessKey: env.VOLC_SECRET_ACCESS_KEY,
    qps: 0, // the gate alone holds the rate, for every isolate together
    timeoutMs: cfg.maxWaitMs + REQUEST_TIMEOUT_MS, // the gate's wait happens inside an attempt
    deadlineMs: cfg.deadlineMs,
    fetch: gatedFetch(env, cfg),
  };
  if (env.VOLC_SESSION_TOKEN) options.sessionToken = env.VOLC_SESSION_TOKEN;
  if (env.VOLC_REGION) options.region = env.VOLC_REGION;
  if (env.VOLC_ENDPOINT) options.endpoint = env.VOLC_ENDPOINT;
  try {
    return new ImClient(options);
  } catch (e) {
    // The SDK's messages name the option and never hold the secret; say which variable it is.
    const option = isVolcError(e) ? Object.keys(VOLC_VARS).find((k) => e.message.startsWith(`${k}:`)) : undefined;
    if (!option) throw new Misconfigured("the VOLC_* variables are not a valid client configuration");
    throw new Misconfigured(`${VOLC_VARS[option]}${e.message.slice(option.length)}`);
  }
}

/** HTTP status for an SDK error that has no upstream response. */
const statusFor = { InvalidArgument: 400, Timeout: 504, Aborted: 499, NetworkError: 502, InvalidResponse: 502 };

/** The body, counted as it streams in: null past `limit` (reading stops there). */
async function readBody(request, limit) {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

async function relay(request, p, cors) {
  const { cfg } = p;
  const auth = request.headers.get("Authorization") ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  if (!token || !cfg.tokens.length || !(await tokenAllowed(token, cfg.tokens))) {
    return envelope(401, "RelayUnauthorized", "a valid `Authorization: Bearer <relay token>` is required", {},
      { ...cors, "WWW-Authenticate": "Bearer" });
  }
  const tooLarge = () => envelope(413, "RelayPayloadTooLarge", `the body is over ${cfg.bodyLimit} bytes`, {}, cors);
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > cfg.bodyLimit) return tooLarge();
  let bytes;
  try {
    bytes = await readBody(request, cfg.bodyLimit);
  } catch {
    return envelope(400, "RelayInvalidJson", "the body could not be read", {}, cors);
  }
  if (bytes === null) return tooLarge();
  let text, parsed;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    parsed = JSON.parse(text);
  } catch (e) {
    return envelope(400, "RelayInvalidJson", `the body is not valid UTF-8 JSON: ${e.message}`, {}, cors);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return envelope(400, "RelayInvalidJson", `the body must be a JSON object with the ${P2P_SEND_MESSAGE} fields`, {}, cors);
  }
  // AppId is an int32 JSON number; the ids are read int64-exact from `text` by the SDK.
  const appId = Object.hasOwn(parsed, "AppId") ? parsed.AppId : undefined;
  if (typeof appId !== "number" || !Number.isInteger(appId)) {
    return envelope(400, "RelayInvalidJson", "AppId must be an integer (the app's int32 id)", {}, cors);
  }
  if (!cfg.appIds.has(appId)) {
    return envelope(403, "RelayAppIdNotAllowed", `AppId ${appId} is not allowed for this relay`, {}, cors);
  }
  try {
    // The SDK validates the whole body before its fetch, where the gate is; so a refused body
    // never uses a slot.
    const result = await p.im.p2pSendMessage(text);
    return Response.json(result, { headers: cors });
  } catch (e) {
    if (e?.cause instanceof Refusal) {
      const r = e.cause;
      return envelope(r.status, r.relayCode, r.message, {}, { ...cors, ...r.headers });
    }
    if (!isVolcError(e)) throw e;
    const status = e.status ?? statusFor[e.code] ?? 500;
    return envelope(status, e.code, e.message, { requestId: e.requestId, codeN: e.codeN }, cors);
  }
}

async function route(request, url, cors, p) {
  if (request.method === "OPTIONS") {
    // Preflights are answered before auth, and even when misconfigured (so a page can read the
    // typed error of the request itself); only listed origins get the CORS headers.
    return cors["Access-Control-Allow-Origin"]
      ? new Response(null, {
          status: 204,
          headers: { ...cors, "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type", "Access-Control-Max-Age": "600" },
        })
      : new Response(null, { status: 403 });
  }
  if (p.misconfigured) return envelope(500, "RelayMisconfigured", p.misconfigured, {}, cors);
  if (url.pathname === "/healthz") {
    return request.method === "GET" ? Response.json({ ok: true }, { headers: cors })
      : envelope(405, "RelayMethodNotAllowed", "use GET", {}, { ...cors, Allow: "GET" });
  }
  if (url.pathname === ROUTE) {
    return request.method === "POST" ? relay(request, p, cors)
      : envelope(405, "RelayMethodNotAllowed", "use POST", {}, { ...cors, Allow: "POST, OPTIONS" });
  }
  return envelope(404, "RelayNotFound", `no route ${url.pathname}; use POST ${ROUTE}`, {}, cors);
}

export default {
  async fetch(request, env) {
    const started = Date.now();
    const url = new URL(request.url);
    let cors = {};
    let response;
    try {
      const p = prepare(env);
      cors = corsHeaders(request.headers.get("Origin"), p.cfg.origins);
      response = await route(request, url, cors, p);
    } catch (e) {
      // Never a raw 500: the caller still gets the envelope. The message stays generic, since
      // an unexpected error's text is not known to be free of secrets.
      console.log(`relay: unexpected ${e?.name ?? typeof e}`);
      response = envelope(500, "RelayInternalError", "the relay failed unexpectedly", {}, cors);
    }
    // One log line per request; never a secret, never the Authorization header.
    console.log(`${request.method} ${url.pathname} ${response.status} ${Date.now() - started}ms`);
    return response;
  },
};
