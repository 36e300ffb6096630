// The official Node SDK (@volcengine/openapi, pinned in package-lock.json) as a client of the
// simulator, used as its users do: a Service with createJSONAPI. The SDK signs
// `x-content-sha256;x-date` only (no host); the simulator's own verifier must accept that, as
// the real gateway does. The SDK returns the parsed body whatever the status; the status is
// read from its axios instance. It corrupts ids above 2^53 (JSON.parse), so ids here stay small.
// Run by tests/conformance/run.sh with SIM_URL set.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { Service } = require("@volcengine/openapi");
const axios = require("axios");

const sim = new URL(process.env.SIM_URL);
const statuses = [];
axios.interceptors.response.use((r) => {
  statuses.push(r.status);
  return r;
});

function im(secretKey = "c2ltdWxhdG9yLXNlY3JldC1rZXk=") {
  const service = new Service({
    host: sim.host,
    protocol: "http:",
    region: "cn-north-1",
    serviceName: "rtc",
    accessKeyId: "AKLTsimulator",
    secretKey,
  });
  return service.createJSONAPI("P2PSendMessage", { Version: "2020-12-01" });
}

const body = (over = {}) => ({
  AppId: 666675, Sender: 10008, ConversationShortId: 900001, MsgType: 10013,
  Content: JSON.stringify({ type: 1000 }), ...over,
});

async function send(api, b) {
  const envelope = await api(b);
  return { status: statuses.at(-1), envelope };
}

function assertError({ status, envelope }, code, codeN, want) {
  assert.equal(status, want, JSON.stringify(envelope));
  assert.equal(envelope.ResponseMetadata.Error.Code, code);
  assert.equal(envelope.ResponseMetadata.Error.CodeN, codeN);
  assert.equal(envelope.Result, undefined);
}

test("a P2P message is accepted and its P2PResult parses", async () => {
  const { status, envelope } = await send(im(), body({ ReceiverUserId: [10002, 10001] }));
  assert.equal(status, 200, JSON.stringify(envelope));
  assert.equal(envelope.ResponseMetadata.Error, undefined);
  assert.deepEqual(envelope.Result.P2PResult.map((r) => [r.UserId, r.Code]), [[10002, "NOT_ONLINE"], [10001, "NOT_ONLINE"]]);
});

test("wrong secret: SignatureDoesNotMatch", async () => {
  assertError(await send(im("wrong-secret"), body()), "SignatureDoesNotMatch", 100010, 401);
});

test("a sender outside the conversation: ParticipantNotInConversation", async () => {
  assertError(await send(im(), body({ Sender: 424242 })), "ParticipantNotInConversation", 200005, 403);
});

test("an unknown conversation: ConversationNotFound", async () => {
  assertError(await send(im(), body({ ConversationShortId: 1 })), "ConversationNotFound", 200004, 404);
});

test("over the app's QPS: FlowLimitExceeded", async () => {
  const api = im();
  const b = body({ AppId: 778, ConversationShortId: 900002 }); // its own app: the Python suite uses 777
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await send(api, b));
  assert.equal(results[0].status, 200, JSON.stringify(results[0].envelope));
  assertError(results.at(-1), "FlowLimitExceeded", 100018, 429);
});

test("the SDK's int64 corruption is real: the spec's conversation id does not survive it", async () => {
  // JSON.stringify(7221856821303361536) sends 7221856821303361500: not the conversation.
  const { envelope } = await send(im(), body({ ConversationShortId: 7221856821303361536 }));
  assert.equal(envelope.ResponseMetadata.Error?.Code, "ConversationNotFound");
});
