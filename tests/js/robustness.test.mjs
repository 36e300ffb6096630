// Inputs and runtimes that misbehave: every call must still settle with a typed error, and
// nothing unsigned or secret may leak. Uses an injected fetch (the documented seam) where a
// misbehaving server is what is being simulated.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ImClient, isVolcError, signRequest } from "../../pkg/node.mjs";

const body = { AppId: 1, Sender: "1", ConversationShortId: "1", MsgType: 1, Content: "x" };
const client = (opts = {}) =>
  new ImClient({ accessKeyId: "AKLTx", secretAccessKey: "robust-secret", endpoint: "http://127.0.0.1:9", retries: 0, qps: 0, ...opts });
const settle = (p) => p.then((v) => ({ ok: true, v }), (e) => ({ ok: false, e }));
const envelope = (result) => JSON.stringify({ ResponseMetadata: { RequestId: "r1" }, Result: result });

test("a cyclic or heavily shared body is refused, not walked forever", async () => {
  const a = [];
  a.push(a, a);
  const r = await settle(client().p2pSendMessage({ ...body, ReceiverUserId: a }));
  assert.ok(!r.ok && isVolcError(r.e) && r.e.code === "InvalidArgument", String(r.e));
  const o = {};
  o.x = o;
  o.y = o;
  const r2 = await settle(client().call("X", o));
  assert.ok(!r2.ok && r2.e.code === "InvalidArgument", String(r2.e));
});

test("a throwing getter or Proxy trap rejects with InvalidArgument instead of hanging", async () => {
  const r = await settle(client().p2pSendMessage({ ...body, get Content() { throw new Error("boom"); } }));
  assert.ok(!r.ok && r.e.code === "InvalidArgument", String(r.e));
  const p = new Proxy({}, { ownKeys() { throw new Error("trap"); } });
  const r2 = await settle(client().call("X", p));
  assert.ok(!r2.ok && r2.e.code === "InvalidArgument", String(r2.e));
});

test("a fetch that ignores its signal still times out, and one that resolves to junk is a NetworkError", async () => {
  const started = Date.now();
  const never = () => new Promise(() => {});
  const r = await settle(client({ fetch: never, timeoutMs: 200 }).p2pSendMessage(body));
  assert.equal(r.e?.code, "Timeout");
  assert.ok(Date.now() - started < 5000);
  const ac = new AbortController();
  const pending = settle(client({ fetch: never }).p2pSendMessage(body, { signal: ac.signal }));
  ac.abort();
  assert.equal((await pending).e?.code, "Aborted");
  const r3 = await settle(client({ fetch: async () => undefined }).p2pSendMessage(body));
  assert.equal(r3.e?.code, "NetworkError", String(r3.e));
});

test("a response key named __proto__ is data, not a prototype", async () => {
  // Raw JSON: a `__proto__` in an object literal would set the literal's prototype instead.
  const raw = '{"ResponseMetadata":{"RequestId":"r1"},"Result":{"__proto__":{"polluted":true},"a":2}}';
  const fetch = async () => new Response(raw, { status: 200 });
  const res = await client({ fetch }).call("X", {});
  assert.equal(Object.getPrototypeOf(res.Result), Object.prototype);
  assert.deepEqual(Object.keys(res.Result).sort(), ["__proto__", "a"]);
  assert.equal(res.Result.polluted, undefined);
  assert.deepEqual(res.Result.__proto__, { polluted: true });
});

test("results cross as JSON text: int64 exact in both modes, a server string starting with NUL unchanged", async () => {
  // The int64 marks of bigint mode (a leading NUL, src/wasm/convert.rs) must never swallow a
  // server's own string that starts with one, nor turn it into a BigInt.
  const raw = '{"ResponseMetadata":{"RequestId":"r1"},"Result":{"Id":9007199254740993,"Ids":[-9223372036854775808,18446744073709551615],' +
    '"Small":5,"Float":1.5,"Nul":"\\u0000123","Nul2":"\\u0000\\u0000x","Empty":"","Nested":{"Id":12}}}';
  const fetch = async () => new Response(raw, { status: 200 });
  const asString = await client({ fetch }).call("X", {}, { int64Fields: ["Id"] });
  assert.deepEqual(asString.Result, {
    Id: "9007199254740993", Ids: ["-9223372036854775808", "18446744073709551615"], Small: 5, Float: 1.5,
    Nul: "\u0000123", Nul2: "\u0000\u0000x", Empty: "", Nested: { Id: "12" },
  });
  const asBigInt = await client({ fetch, int64: "bigint" }).call("X", {}, { int64Fields: ["Id"] });
  assert.deepEqual(asBigInt.Result, {
    Id: 9007199254740993n, Ids: [-9223372036854775808n, 18446744073709551615n], Small: 5, Float: 1.5,
    Nul: "\u0000123", Nul2: "\u0000\u0000x", Empty: "", Nested: { Id: 12n },
  });
  assert.equal(asBigInt.ResponseMetadata.RequestId, "r1");
});

test("signRequest never returns a signer-owned header it did not sign", async () => {
  const out = await signRequest({
    method: "POST", url: "https://h/", headers: { "X-Security-Token": "stale", "x-date": "old" },
    accessKeyId: "AK", secretAccessKey: "SK", region: "cn-north-1", service: "rtc",
  });
  assert.deepEqual(Object.keys(out.headers).sort(), ["Authorization", "X-Content-Sha256", "X-Date"]);
  assert.equal(out.signedHeaders, "host;x-content-sha256;x-date");
});

test("values fetch cannot send as signed are refused up front; a session token is trimmed", async () => {
  assert.throws(() => client({ accessKeyId: "AKLTé" }), (e) => e.code === "InvalidArgument" && e.message.startsWith("accessKeyId:"));
  const r = await settle(signRequest({ method: "GET", url: "https://h/", headers: { "X-Note": "€" },
    accessKeyId: "AK", secretAccessKey: "SK", region: "r", service: "s" }));
  assert.ok(!r.ok && r.e.message.startsWith("headers:"), String(r.e));
  const a = await signRequest({ method: "GET", url: "https://h/", accessKeyId: "AK", secretAccessKey: "SK", sessionToken: " tok ",
    region: "r", service: "s", date: new Date(0) });
  const b = await signRequest({ method: "GET", url: "https://h/", accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "tok",
    region: "r", service: "s", date: new Date(0) });
  assert.equal(a.headers["X-Security-Token"], "tok");
  assert.equal(a.signature, b.signature);
});

test("credentials in an endpoint URL are never quoted back", () => {
  assert.throws(() => client({ endpoint: "https://AKLT:TOPSECRET@h/" }),
    (e) => e.code === "InvalidArgument" && !e.message.includes("TOPSECRET") && e.message.startsWith("endpoint:"));
});

test("ports are signed as fetch sends them (no leading zeros)", async () => {
  let seen;
  const fetch = async (url, init) => {
    seen = { url, auth: init.headers.Authorization };
    return new Response(envelope({ P2PResult: [] }), { status: 200 });
  };
  await client({ fetch, endpoint: "http://127.0.0.1:08780" }).p2pSendMessage(body);
  assert.ok(seen.url.startsWith("http://127.0.0.1:8780/"), seen.url);
});

test("a signal-like object without removeEventListener is refused up front, not crashed on later", async () => {
  class HalfSignal {
    aborted = false;
    addEventListener() {}
  }
  const never = () => new Promise(() => {});
  const r = await settle(client({ fetch: never, timeoutMs: 200 }).call("GetX", {}, { signal: new HalfSignal() }));
  assert.ok(!r.ok && r.e.code === "InvalidArgument" && /signal/.test(r.e.message), String(r.e));
});

test("a signal whose listener methods throw still lets the call settle with a typed error", async () => {
  class ThrowingSignal {
    aborted = false;
    addEventListener() { throw new Error("no listeners here"); }
    removeEventListener() { throw new Error("nor here"); }
  }
  const r = await settle(client({ fetch: () => new Promise(() => {}), timeoutMs: 200 }).call("GetX", {}, { signal: new ThrowingSignal() }));
  assert.ok(!r.ok && isVolcError(r.e) && r.e.code === "InvalidArgument" && /signal/.test(r.e.message), String(r.e));
  assert.equal(r.e.cause?.message, "no listeners here");
});

test("signRequest reads each option once (a getter's second answer is never signed)", async () => {
  const reads = { body: 0, url: 0 };
  const o = { method: "POST", accessKeyId: "AKLTx", secretAccessKey: "robust-secret", region: "cn-north-1", service: "rtc", date: new Date(0) };
  Object.defineProperty(o, "url", { enumerable: true, get: () => (reads.url++, "https://rtc.volcengineapi.com/") });
  Object.defineProperty(o, "body", { enumerable: true, get: () => (reads.body++ ? "b" : "a").repeat(2000) });
  const r = await signRequest(o);
  const expected = await signRequest({ ...o, url: "https://rtc.volcengineapi.com/", body: "a".repeat(2000) });
  assert.deepEqual(reads, { body: 2, url: 2 }); // once per signRequest call: the spread read them too
  assert.equal(r.headers["X-Content-Sha256"], expected.headers["X-Content-Sha256"]);
});

test("a headers object too large to be an input is refused by the general path's budget", async () => {
  const headers = {};
  for (let i = 0; i < 120_000; i++) headers[`x-h${i}`] = "v";
  const r = await settle(signRequest({ method: "GET", url: "https://rtc.volcengineapi.com/", headers, accessKeyId: "AKLTx", secretAccessKey: "robust-secret", region: "cn-north-1", service: "rtc" }));
  assert.ok(!r.ok && r.e.code === "InvalidArgument" && /too large/.test(r.e.message), String(r.e));
});
