// volc-im relay Worker: POST /v1/p2p-send-message for authorised callers. The Volcengine key
// lives in Worker secrets; a caller presents a relay token, may use only allowed AppIds, and
// every send passes the per-AppId QPS gate (a Durable Object) before it goes upstream.
import { ImClient, isVolcError } from "volc-im";
import { QpsGate } from "./gate.js";

export { QpsGate };

const ROUTE = "/v1/p2p-send-message";
const ACTION = "P2PSendMessage";
const VERSION = "2020-12-01";

const list = (s) => (s ?? "").split(",").map((x) => x.trim()).filter(Boolean);
const num = (s, fallback) => (s === undefined || s === "" ? fallback : Number(s));

/** Settings from env, with defaults in code. */
function settings(env) {
  return {
    tokens: list(env.RELAY_TOKENS),
    origins: list(env.ALLOWED_ORIGINS),
    appIds: list(env.ALLOWED_APP_IDS),
    gateMode: env.GATE_MODE === "reject" ? "reject" : "wait",
    qps: num(env.GATE_QPS, 100),
    windowMs: num(env.GATE_WINDOW_MS, 1100),
    maxWaitMs: num(env.GATE_MAX_WAIT_MS, 2000),
    bodyLimit: num(env.BODY_LIMIT_BYTES, 65536),
  };
}

/** The vendor's envelope shape, also for the relay's own errors (codes prefixed `Relay`). */
function envelope(status, code, message, extra = {}, headers = {}) {
  const meta = { RequestId: extra.requestId ?? "", Action: ACTION, Version: VERSION, Service: "rtc", Region: "" };
  meta.Error = { Code: code, Message: message };
  if (extra.codeN !== undefined) meta.Error.CodeN = extra.codeN;
  return Response.json({ ResponseMetadata: meta }, { status, headers });
}

function corsHeaders(origin, cfg) {
  if (!origin || !cfg.origins.includes(origin)) return {};
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

let cached; // one ImClient per isolate, rebuilt only if the configuration changes
function client(env) {
  const key = [env.VOLC_ACCESS_KEY_ID, env.VOLC_REGION, env.VOLC_ENDPOINT, env.VOLC_SESSION_TOKEN].join("\n");
  if (cached?.key !== key) {
    const options = { accessKeyId: env.VOLC_ACCESS_KEY_ID, secretAccessKey: env.VOLC_SECRET_ACCESS_KEY };
    if (env.VOLC_SESSION_TOKEN) options.sessionToken = env.VOLC_SESSION_TOKEN;
    if (env.VOLC_REGION) options.region = env.VOLC_REGION;
    if (env.VOLC_ENDPOINT) options.endpoint = env.VOLC_ENDPOINT;
    cached = { key, im: new ImClient(options) };
  }
  return cached.im;
}

/** HTTP status for an SDK error that has no upstream response. */
const statusFor = { InvalidArgument: 400, Timeout: 504, Aborted: 499, NetworkError: 502, InvalidResponse: 502 };

async function relay(request, env, cfg, cors) {
  const auth = request.headers.get("Authorization") ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  if (!token || !cfg.tokens.length || !(await tokenAllowed(token, cfg.tokens))) {
    return envelope(401, "RelayUnauthorized", "a valid `Authorization: Bearer <relay token>` is required", {},
      { ...cors, "WWW-Authenticate": "Bearer" });
  }
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > cfg.bodyLimit) {
    return envelope(413, "RelayPayloadTooLarge", `the body is over ${cfg.bodyLimit} bytes`, {}, cors);
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > cfg.bodyLimit) {
    return envelope(413, "RelayPayloadTooLarge", `the body is over ${cfg.bodyLimit} bytes`, {}, cors);
  }
  const text = new TextDecoder().decode(bytes);
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return envelope(400, "RelayInvalidJson", `the body is not valid JSON: ${e.message}`, {}, cors);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return envelope(400, "RelayInvalidJson", "the body must be a JSON object with the P2PSendMessage fields", {}, cors);
  }
  // AppId is an int32, safe in a JS number; the ids are read int64-exact from `text` by the SDK.
  if (!cfg.appIds.includes(String(parsed.AppId))) {
    return envelope(403, "RelayAppIdNotAllowed", `AppId ${JSON.stringify(parsed.AppId)} is not allowed for this relay`, {}, cors);
  }
  const gate = env.GATE.get(env.GATE.idFromName(String(parsed.AppId)));
  const verdict = await (await gate.fetch("https://gate/reserve", {
    method: "POST",
    body: JSON.stringify({ qps: cfg.qps, windowMs: cfg.windowMs, maxWaitMs: cfg.gateMode === "wait" ? cfg.maxWaitMs : 0 }),
  })).json();
  if (verdict.retryAfterMs !== undefined) {
    const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    return envelope(429, "RelayRateLimited", `over ${cfg.qps} requests per second for this AppId; retry after ${seconds} s`,
      {}, { ...cors, "Retry-After": String(seconds) });
  }
  if (verdict.waitMs > 0) await new Promise((ok) => setTimeout(ok, verdict.waitMs));
  try {
    const result = await client(env).p2pSendMessage(text);
    return Response.json(result, { headers: cors });
  } catch (e) {
    if (!isVolcError(e)) throw e;
    const status = e.status ?? statusFor[e.code] ?? 500;
    return envelope(status, e.code, e.message, { requestId: e.requestId, codeN: e.codeN }, cors);
  }
}

export default {
  async fetch(request, env) {
    const started = Date.now();
    const cfg = settings(env);
    const url = new URL(request.url);
    const origin = request.headers.get("Origin");
    const cors = corsHeaders(origin, cfg);
    let response;
    if (request.method === "OPTIONS") {
      // Preflights are answered before auth; only listed origins get the CORS headers.
      response = cors["Access-Control-Allow-Origin"]
        ? new Response(null, {
            status: 204,
            headers: { ...cors, "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
              "Access-Control-Allow-Headers": "Authorization, Content-Type", "Access-Control-Max-Age": "600" },
          })
        : new Response(null, { status: 403 });
    } else if (url.pathname === "/healthz") {
      response = request.method === "GET" ? Response.json({ ok: true }, { headers: cors })
        : envelope(405, "RelayMethodNotAllowed", "use GET", {}, { ...cors, Allow: "GET" });
    } else if (url.pathname === ROUTE) {
      response = request.method === "POST" ? await relay(request, env, cfg, cors)
        : envelope(405, "RelayMethodNotAllowed", "use POST", {}, { ...cors, Allow: "POST, OPTIONS" });
    } else {
      response = envelope(404, "RelayNotFound", `no route ${url.pathname}; use POST ${ROUTE}`, {}, cors);
    }
    // One log line per request; never a secret, never the Authorization header.
    console.log(`${request.method} ${url.pathname} ${response.status} ${Date.now() - started}ms`);
    return response;
  },
};
