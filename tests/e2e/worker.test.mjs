// The relay Worker in workerd (Miniflare), bundled by the pinned wrangler exactly as
// `wrangler deploy` would, talking to the real simulator over loopback; a WebSocket client of
// the simulator receives what the Worker sends.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { startSimulator } from "./helpers.mjs";
import { BODY, ORIGIN, SECRET, TOKEN, bundleRelay, call as rawCall, relayWorker } from "./relay-harness.mjs";

let sim, bundle;
const seen = []; // every response body and header the tests received, to look for the secret

before(async () => {
  sim = await startSimulator();
  bundle = bundleRelay();
});

after(async () => {
  await sim?.stop();
  bundle?.remove();
});

const worker = (vars = {}) => relayWorker(bundle.outdir, sim.url, vars);

async function call(mf, path, init = {}) {
  const r = await rawCall(mf, path, init);
  seen.push(r.text, JSON.stringify([...r.headers]));
  return r;
}

const post = (mf, body = BODY, headers = {}) => call(mf, "/v1/p2p-send-message", {
  method: "POST",
  headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
  body,
});

function device(userId, platform = "Web") {
  const ws = new WebSocket(`${sim.url.replace("http", "ws")}/sim/connect?AppId=666675&UserId=${userId}&Platform=${platform}`);
  const frames = [];
  const hello = new Promise((ok, fail) => {
    ws.on("message", (data) => {
      const f = JSON.parse(data);
      if (f.type === "hello") ok();
      else frames.push(f);
    });
    ws.on("error", fail);
  });
  return { ws, frames, hello };
}

describe("relay", () => {
  let mf;
  before(() => (mf = worker()));
  after(() => mf.dispose());

  test("a real P2PSendMessage reaches the simulator and an online device", async () => {
    const d = device("10001");
    await d.hello;
    const r = await post(mf);
    assert.equal(r.status, 200, r.text);
    const rows = Object.fromEntries(r.json.Result.P2PResult.map((x) => [x.UserId, x.Code]));
    assert.deepEqual(rows, { 10001: "SUCCESS", 10002: "NOT_ONLINE", 10003: "NOT_ONLINE", 10008: "NOT_ONLINE" });
    assert.match(r.json.ResponseMetadata.RequestId, /^[0-9A-F]+$/);
    for (let i = 0; i < 50 && d.frames.length === 0; i++) await new Promise((ok) => setTimeout(ok, 20));
    assert.equal(d.frames.length, 1);
    assert.equal(d.frames[0].ConversationShortId, "7221856821303361536");
    assert.equal(d.frames[0].Content, "hi from the relay");
    assert.equal(d.frames[0].RequestId, r.json.ResponseMetadata.RequestId);
    d.ws.close();
  });

  test("ids as decimal strings work too, and come back as strings", async () => {
    const r = await post(mf, BODY.replace("7221856821303361536", '"7221856821303361536"').replace('"Sender":"10008"', '"Sender":10008'));
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.Result.P2PResult.every((x) => typeof x.UserId === "string"));
  });

  test("upstream errors keep the vendor's code, RequestId and status", async () => {
    const r = await post(mf, BODY.replace('"Sender":"10008"', '"Sender":"424242"'));
    assert.equal(r.status, 403);
    assert.equal(r.json.ResponseMetadata.Error.Code, "ParticipantNotInConversation");
    assert.match(r.json.ResponseMetadata.RequestId, /^[0-9A-F]+$/);
  });

  test("SDK argument errors are 400 InvalidArgument and nothing is sent", async () => {
    const r = await post(mf, BODY.replace("7221856821303361536", "true"));
    assert.equal(r.status, 400);
    assert.equal(r.json.ResponseMetadata.Error.Code, "InvalidArgument");
    assert.match(r.json.ResponseMetadata.Error.Message, /^ConversationShortId:/);
  });

  test("401 without or with a wrong token", async () => {
    for (const auth of [undefined, "Bearer nope", `Basic ${TOKEN}`, "Bearer "]) {
      const headers = auth ? { authorization: auth } : {};
      const r = await call(mf, "/v1/p2p-send-message", { method: "POST", headers, body: BODY });
      assert.equal(r.status, 401, String(auth));
      assert.equal(r.json.ResponseMetadata.Error.Code, "RelayUnauthorized");
      assert.equal(r.headers.get("www-authenticate"), "Bearer");
    }
  });

  test("403 for an AppId that is not allowed", async () => {
    const r = await post(mf, BODY.replace("666675", "123"));
    assert.equal(r.status, 403);
    assert.equal(r.json.ResponseMetadata.Error.Code, "RelayAppIdNotAllowed");
  });

  test("404, 405, 413, 400", async () => {
    assert.equal((await call(mf, "/nope")).status, 404);
    const get = await call(mf, "/v1/p2p-send-message");
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST, OPTIONS");
    assert.equal((await call(mf, "/healthz", { method: "POST" })).status, 405);
    const big = await post(mf, JSON.stringify({ AppId: 666675, Content: "x".repeat(70_000) }));
    assert.equal(big.status, 413);
    const bad = await post(mf, '{"AppId":666675,');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.ResponseMetadata.Error.Code, "RelayInvalidJson");
    assert.equal((await post(mf, "[1,2]")).status, 400);
    const health = await call(mf, "/healthz");
    assert.deepEqual([health.status, health.json], [200, { ok: true }]);
  });

  test("CORS: listed origins get preflights and headers, others do not", async () => {
    const pre = await call(mf, "/v1/p2p-send-message", {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), ORIGIN);
    assert.match(pre.headers.get("access-control-allow-headers"), /Authorization/);
    const ok = await post(mf, BODY, { origin: ORIGIN });
    assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
    assert.match(ok.headers.get("access-control-expose-headers"), /Retry-After/);
    const refused = await call(mf, "/v1/p2p-send-message", { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get("access-control-allow-origin"), null);
    const other = await post(mf, BODY, { origin: "https://evil.example" });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });
});

describe("global QPS gate (Durable Object per AppId)", () => {
  test("reject mode: over the budget is 429 RelayRateLimited with Retry-After, never sent", async () => {
    const mf = worker({ GATE_QPS: "5", GATE_MODE: "reject" });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => post(mf)));
      const codes = results.map((r) => r.status).sort();
      assert.deepEqual(codes, [200, 200, 200, 200, 200, 429, 429, 429]);
      const limited = results.find((r) => r.status === 429);
      assert.equal(limited.json.ResponseMetadata.Error.Code, "RelayRateLimited");
      assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    } finally {
      await mf.dispose();
    }
  });

  test("wait mode: a burst over the budget is queued into the next window and all succeed", async () => {
    const mf = worker({ GATE_QPS: "5", GATE_MODE: "wait", GATE_WINDOW_MS: "1000" });
    try {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 8 }, () => post(mf)));
      assert.deepEqual(results.map((r) => r.status), Array(8).fill(200));
      // Three of them had to wait for the first grants to leave the 1000 ms window.
      assert.ok(Date.now() - started >= 950, `finished after ${Date.now() - started} ms`);
    } finally {
      await mf.dispose();
    }
  });
});

test("the secret key never appears in a response body or header", () => {
  assert.ok(seen.length > 20);
  for (const s of seen) assert.ok(!s.includes(SECRET), "secret leaked");
});
