// Failures that reach (or try to reach) the server: the vendor's envelope errors, replies that
// are not envelopes, connection failures, timeouts and aborts — all VolcErrors.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ImClient, VolcError, isVolcError } from "../../pkg/node.mjs";
import {
  HANG,
  TEST_AK,
  TEST_SK,
  closeAllVendors,
  closedPort,
  errorEnvelope,
  metadata,
  p2pBody,
  rejection,
  startVendor,
} from "./support/vendor.mjs";

after(closeAllVendors);

function client(endpoint, extra = {}) {
  return new ImClient({ accessKeyId: TEST_AK, secretAccessKey: TEST_SK, endpoint, ...extra });
}

function assertVolcError(err, code) {
  assert.ok(isVolcError(err), `not a VolcError: ${err && err.stack}`);
  assert.ok(err instanceof VolcError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "VolcError");
  assert.equal(err.code, code, `code (message: ${err.message})`);
  assert.equal(typeof err.message, "string");
  assert.notEqual(err.message, "");
}

describe("the vendor's envelope errors", () => {
  test("HTTP 200 with ResponseMetadata.Error rejects with its code, CodeN, RequestId, status 200 and the action", async () => {
    const vendor = await startVendor((rec) => ({
      status: 200,
      body: errorEnvelope(rec.requestId, "ParticipantNotInConversation", 0, "sender is not in the conversation"),
    }));
    const err = await rejection(client(vendor.endpoint).p2pSendMessage(p2pBody()));
    assertVolcError(err, "ParticipantNotInConversation");
    assert.equal(err.codeN, 0);
    assert.equal(err.requestId, vendor.requests[0].requestId);
    assert.equal(err.status, 200);
    assert.equal(err.action, "P2PSendMessage");
    assert.equal(err.retryable, false);
    assert.ok(err.message.includes("sender is not in the conversation"), err.message);
    assert.deepEqual(JSON.parse(JSON.stringify(err)), {
      name: "VolcError",
      code: "ParticipantNotInConversation",
      message: err.message,
      codeN: 0,
      requestId: vendor.requests[0].requestId,
      status: 200,
      action: "P2PSendMessage",
      retryable: false,
      attempts: 1,
    });
  });

  test("HTTP 200 with an Error and a Result is still an error", async () => {
    const vendor = await startVendor((rec) => {
      const meta = metadata(rec.requestId);
      meta.Error = { Code: "InvalidParam", CodeN: 1000, Message: "bad" };
      return { status: 200, body: JSON.stringify({ ResponseMetadata: meta, Result: { P2PResult: [] } }) };
    });
    const err = await rejection(client(vendor.endpoint).p2pSendMessage(p2pBody()));
    assertVolcError(err, "InvalidParam");
    assert.equal(err.codeN, 1000);
    assert.equal(err.status, 200);
  });

  test("a non-2xx envelope (401 SignatureDoesNotMatch) keeps its structured error", async () => {
    const vendor = await startVendor((rec) => ({
      status: 401,
      body: errorEnvelope(rec.requestId, "SignatureDoesNotMatch", 100010, "The request signature we calculated does not match"),
    }));
    const err = await rejection(client(vendor.endpoint).p2pSendMessage(p2pBody()));
    assertVolcError(err, "SignatureDoesNotMatch");
    assert.equal(err.codeN, 100010);
    assert.equal(err.requestId, vendor.requests[0].requestId);
    assert.equal(err.status, 401);
    assert.equal(err.action, "P2PSendMessage");
    assert.equal(err.retryable, false);
  });

  test("a wrong secret is refused by the independent verifier: 401 SignatureDoesNotMatch", async () => {
    const vendor = await startVendor(() => assert.fail("the handler must not run for a bad signature"));
    const err = await rejection(
      new ImClient({ accessKeyId: TEST_AK, secretAccessKey: TEST_SK + "x", endpoint: vendor.endpoint }).p2pSendMessage(p2pBody()),
    );
    assertVolcError(err, "SignatureDoesNotMatch");
    assert.equal(err.status, 401);
    assert.equal(err.codeN, 100010);
    assert.equal(vendor.requests.length, 1);
    assert.equal(vendor.requests[0].auth.ok, false);
  });

  test("429 FlowLimitExceeded is retryable (certainly not processed)", async () => {
    const vendor = await startVendor((rec) => ({ status: 429, body: errorEnvelope(rec.requestId, "FlowLimitExceeded", 100018, "slow down") }));
    const err = await rejection(client(vendor.endpoint).p2pSendMessage(p2pBody()));
    assertVolcError(err, "FlowLimitExceeded");
    assert.equal(err.status, 429);
    assert.equal(err.retryable, true);
  });

  test("call() errors carry the action that was called", async () => {
    const vendor = await startVendor((rec) => ({ status: 404, body: errorEnvelope(rec.requestId, "InvalidActionOrVersion", 100008, "no such action", "NoSuchAction") }));
    const err = await rejection(client(vendor.endpoint).call("NoSuchAction", {}));
    assertVolcError(err, "InvalidActionOrVersion");
    assert.equal(err.status, 404);
    assert.equal(err.action, "NoSuchAction");
  });
});

describe("replies that are not envelopes: InvalidResponse with the status", () => {
  const cases = [
    ["an HTML 502", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"],
    ["an empty 200", 200, "", "application/json"],
    ["truncated JSON", 200, '{"ResponseMetadata":{"RequestId":"abc","Action":"P2PSendMessage"},"Result":{"P2PRes', "application/json"],
    ["a JSON array", 200, "[]", "application/json"],
    ["a 200 without ResponseMetadata", 200, '{"Result":{"P2PResult":[]}}', "application/json"],
    ["a 500 envelope without Error", 500, JSON.stringify({ ResponseMetadata: metadata("r500") }), "application/json"],
  ];
  for (const [name, status, body, type] of cases) {
    test(name, async () => {
      const vendor = await startVendor(() => ({ status, body, headers: { "Content-Type": type } }));
      const err = await rejection(client(vendor.endpoint).p2pSendMessage(p2pBody()));
      assertVolcError(err, "InvalidResponse");
      assert.equal(err.status, status);
      assert.equal(err.action, "P2PSendMessage");
      assert.equal(err.retryable, false);
      assert.equal(vendor.requests.length, 1);
    });
  }

  test("a 200 whose Result has the wrong shape: InvalidResponse with the RequestId", async () => {
    const vendor = await startVendor((rec) => ({
      status: 200,
      body: JSON.stringify({ ResponseMetadata: metadata(rec.requestId), Result: { P2PResult: [{ UserId: "not-a-number", Code: "SUCCESS" }] } }),
    }));
    const err = await rejection(client(vendor.endpoint).p2pSendMessage(p2pBody()));
    assertVolcError(err, "InvalidResponse");
    assert.equal(err.status, 200);
    assert.equal(err.requestId, vendor.requests[0].requestId);
  });

  test("a 200 with no Result: InvalidResponse with the RequestId", async () => {
    const vendor = await startVendor((rec) => ({ status: 200, body: JSON.stringify({ ResponseMetadata: metadata(rec.requestId) }) }));
    const err = await rejection(client(vendor.endpoint).p2pSendMessage(p2pBody()));
    assertVolcError(err, "InvalidResponse");
    assert.equal(err.requestId, vendor.requests[0].requestId);
  });
});

describe("no response: network errors, timeouts, aborts", () => {
  test("connection refused → NetworkError with the runtime's error as cause", async () => {
    const port = await closedPort();
    const err = await rejection(client(`http://127.0.0.1:${port}`).p2pSendMessage(p2pBody()));
    assertVolcError(err, "NetworkError");
    assert.ok(err.cause !== undefined && err.cause !== null, "cause is set");
    assert.equal(err.status, undefined);
    assert.equal(err.requestId, undefined);
    assert.equal(err.action, "P2PSendMessage");
  });

  test("a server that never answers → Timeout after timeoutMs", async () => {
    const vendor = await startVendor(() => HANG);
    const started = Date.now();
    const err = await rejection(client(vendor.endpoint, { timeoutMs: 300 }).p2pSendMessage(p2pBody()));
    const took = Date.now() - started;
    assertVolcError(err, "Timeout");
    assert.ok(took < 5000, `settled after ${took} ms`);
    assert.ok(took >= 250, `settled after only ${took} ms, before timeoutMs`);
    assert.equal(err.action, "P2PSendMessage");
    assert.equal(err.retryable, false);
    assert.equal(vendor.requests.length, 1);
  });

  test("an AbortSignal aborted mid-flight → Aborted", async () => {
    let arrived;
    const arrival = new Promise((resolve) => (arrived = resolve));
    const vendor = await startVendor(() => {
      arrived();
      return HANG;
    });
    const controller = new AbortController();
    const started = Date.now();
    const pending = client(vendor.endpoint, { timeoutMs: 60_000 }).p2pSendMessage(p2pBody(), { signal: controller.signal });
    await arrival;
    controller.abort();
    const err = await rejection(pending);
    assertVolcError(err, "Aborted");
    assert.ok(Date.now() - started < 5000);
    assert.equal(vendor.requests.length, 1);
  });

  test("call() honours the signal too", async () => {
    let arrived;
    const arrival = new Promise((resolve) => (arrived = resolve));
    const vendor = await startVendor(() => {
      arrived();
      return HANG;
    });
    const controller = new AbortController();
    const pending = client(vendor.endpoint).call("GetConversationMarks", {}, { signal: controller.signal });
    await arrival;
    controller.abort(new Error("user gave up"));
    assertVolcError(await rejection(pending), "Aborted");
  });

  test("an already-aborted signal → Aborted, and nothing is sent", async () => {
    const vendor = await startVendor(() => assert.fail("nothing may be sent"));
    const c = client(vendor.endpoint);
    const err = await rejection(c.p2pSendMessage(p2pBody(), { signal: AbortSignal.abort() }));
    assertVolcError(err, "Aborted");
    const err2 = await rejection(c.call("GetConversationMarks", {}, { signal: AbortSignal.abort() }));
    assertVolcError(err2, "Aborted");
    assert.equal(vendor.requests.length, 0);
  });
});
