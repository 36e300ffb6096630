// End to end over real HTTP: the built package in Node → the simulator → WebSocket devices.
// What the results claim is checked against what the devices actually received.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import WebSocket from "ws";
import { ImClient, isVolcError, signRequest } from "../../pkg/node.mjs";
import { startSimulator } from "./helpers.mjs";

const require = createRequire(import.meta.url);
// Only the signer module: the SDK's index eagerly loads every service client.
const Signer = require("@volcengine/openapi/lib/base/sign.js").default;

const AK = "AKLTe2e";
const SK = "e2e-secret-key-value";
const APP = 777001;
const CONV = "9223372036854775807"; // int64 max
const BIG = ["9007199254740993", "9007199254740995", "-9223372036854775808"]; // above 2^53, min
const MEMBERS = [...BIG, "10001"];

let sim, dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "volc-im-e2e-"));
  const config = join(dir, "sim.json");
  // ids as decimal strings: the simulator reads them int64-exact.
  writeFileSync(config, JSON.stringify({
    credentials: [{ accessKeyId: AK, secretAccessKey: SK }],
    region: "cn-north-1",
    service: "rtc",
    apps: [{ AppId: APP, qps: 1000, conversations: [{ ConversationShortId: CONV, members: MEMBERS }] }],
  }));
  sim = await startSimulator(["--config", config]);
});

after(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = (opts = {}) => new ImClient({ accessKeyId: AK, secretAccessKey: SK, endpoint: sim.url, ...opts });

async function online(userId, platform) {
  const ws = new WebSocket(`${sim.url.replace("http", "ws")}/sim/connect?AppId=${APP}&UserId=${userId}&Platform=${platform}`);
  const frames = [];
  await new Promise((ok, fail) => {
    ws.on("message", (data) => {
      const f = JSON.parse(data);
      if (f.type === "hello") ok();
      else frames.push(f);
    });
    ws.on("error", fail);
  });
  return { ws, frames, close: () => new Promise((ok) => { ws.once("close", ok); ws.close(); }) };
}

const settle = () => new Promise((ok) => setTimeout(ok, 150));

test("SUCCESS ⇔ frame received, NOT_ONLINE ⇔ no frame; int64 ids survive the whole loop", async () => {
  const a = await online(BIG[0], "Android");
  const b = await online(BIG[2], "IOS");
  const res = await client().p2pSendMessage({
    AppId: APP, Sender: BigInt(BIG[1]), ConversationShortId: BigInt(CONV), MsgType: 7, Content: "loop",
  });
  await settle();
  const rows = Object.fromEntries(res.Result.P2PResult.map((r) => [r.UserId, r]));
  assert.deepEqual(Object.keys(rows).sort(), [...MEMBERS].sort());
  for (const [id, dev] of [[BIG[0], a], [BIG[2], b]]) {
    assert.equal(rows[id].Code, "SUCCESS");
    assert.equal(dev.frames.length, 1, `frames for ${id}`);
    const f = dev.frames[0];
    assert.deepEqual([f.ConversationShortId, f.Sender, f.Content, f.RequestId],
      [CONV, BIG[1], "loop", res.ResponseMetadata.RequestId]);
  }
  assert.equal(rows[BIG[0]].DevicePlatform, "Android");
  assert.equal(rows[BIG[2]].DevicePlatform, "IOS");
  for (const id of [BIG[1], "10001"]) assert.deepEqual([rows[id].Code, rows[id].DevicePlatform], ["NOT_ONLINE", "Default"]);
  await a.close();
  await b.close();
});

test("ReceiverUserId restricts delivery; BigInt mode returns BigInts", async () => {
  const a = await online(BIG[0], "Web");
  const c = await online("10001", "Web");
  const res = await client({ int64: "bigint" }).p2pSendMessage({
    AppId: APP, Sender: "10001", ConversationShortId: CONV, MsgType: 7, Content: "only you",
    ReceiverUserId: [BIG[0]], IgnoreUserIds: [BIG[0]],
  });
  await settle();
  assert.deepEqual(res.Result.P2PResult.map((r) => [r.UserId, r.Code]), [[BigInt(BIG[0]), "SUCCESS"]]);
  assert.equal(a.frames.length, 1);
  assert.equal(c.frames.length, 0);
  await a.close();
  await c.close();
});

test("a wrong secret gives SignatureDoesNotMatch, 401, CodeN and a RequestId", async () => {
  const err = await client({ secretAccessKey: "wrong" }).p2pSendMessage({
    AppId: APP, Sender: "10001", ConversationShortId: CONV, MsgType: 7, Content: "x",
  }).then(() => assert.fail("resolved"), (e) => e);
  assert.ok(isVolcError(err));
  assert.equal(err.code, "SignatureDoesNotMatch");
  assert.equal(err.status, 401);
  assert.equal(err.codeN, 100010);
  assert.equal(err.action, "P2PSendMessage");
  assert.match(err.requestId, /^[0-9A-F]{20,}$/);
  assert.equal(err.retryable, false);
});

test("a request signed 20 minutes ago and sent with plain fetch gets InvalidTimestamp", async () => {
  const body = JSON.stringify({ AppId: APP, Sender: 10001, ConversationShortId: 1, MsgType: 1, Content: "x" });
  const signed = await signRequest({
    method: "POST",
    url: `${sim.url}/?Action=P2PSendMessage&Version=2020-12-01`,
    headers: { "Content-Type": "application/json" },
    body,
    accessKeyId: AK,
    secretAccessKey: SK,
    region: "cn-north-1",
    service: "rtc",
    date: new Date(Date.now() - 20 * 60 * 1000),
  });
  const res = await fetch(signed.url, { method: "POST", headers: signed.headers, body });
  const json = await res.json();
  assert.equal(json.ResponseMetadata.Error.Code, "InvalidTimestamp");
  assert.ok([400, 403].includes(res.status), String(res.status));
  // The same request signed now is accepted: only the time was wrong.
  const fresh = await signRequest({ method: "POST", url: signed.url, headers: { "Content-Type": "application/json" },
    body, accessKeyId: AK, secretAccessKey: SK, region: "cn-north-1", service: "rtc" });
  const ok = await fetch(fresh.url, { method: "POST", headers: fresh.headers, body });
  assert.equal((await ok.json()).ResponseMetadata.Error?.Code, "ConversationNotFound");
});

test("cross-check: the simulator accepts requests signed by the official @volcengine/openapi signer", async () => {
  const host = new URL(sim.url).host;
  const body = JSON.stringify({ AppId: APP, Sender: 10001, ConversationShortId: CONV, MsgType: 7, Content: "official" })
    .replace(`"${CONV}"`, CONV); // an exact int64 literal, as the vendor expects
  const request = {
    region: "cn-north-1",
    method: "POST",
    pathname: "/",
    params: { Action: "P2PSendMessage", Version: "2020-12-01" },
    headers: { Host: host },
    body,
  };
  new Signer(request, "rtc").addAuthorization({ accessKeyId: AK, secretKey: SK }, new Date());
  assert.match(request.headers.Authorization, /SignedHeaders=host;x-content-sha256;x-date,/);
  const { Host, ...headers } = request.headers;
  const res = await fetch(`${sim.url}/?Action=P2PSendMessage&Version=2020-12-01`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body,
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  assert.equal(json.ResponseMetadata.Error, undefined);
  assert.ok(Array.isArray(json.Result.P2PResult));
  // And a one-character change to what the official signer signed is refused.
  const tampered = await fetch(`${sim.url}/?Action=P2PSendMessage&Version=2020-12-01`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: body.replace("official", "0fficial"),
  });
  assert.equal((await tampered.json()).ResponseMetadata.Error.Code, "SignatureDoesNotMatch");
});
