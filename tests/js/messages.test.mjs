// Error messages that say what to do: the host and the runtime's code on a NetworkError, the
// limit that actually ran out on a Timeout, the provider's own words on a CredentialsError,
// and option/body errors that name the way out. Runs under Node, Deno and Bun.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ImClient, isVolcError, signRequest } from "../../pkg/node.mjs";
import { signRequest as signOnly } from "../../pkg/sign-node.mjs";
import { runtime } from "./support/runtime.mjs";
import { HANG, TEST_AK, TEST_SK, closeAllVendors, closedPort, p2pBody, rejection, startVendor } from "./support/vendor.mjs";

after(closeAllVendors);

const client = (extra) => new ImClient({ accessKeyId: TEST_AK, secretAccessKey: TEST_SK, ...extra });

function assertCode(err, code) {
  assert.ok(isVolcError(err), `not a VolcError: ${err && err.stack}`);
  assert.equal(err.code, code, `code (message: ${err.message})`);
}

describe("NetworkError names the host and the runtime's error code, never the query", () => {
  test("a refused connection", async () => {
    const port = await closedPort();
    const err = await rejection(client({ endpoint: `http://127.0.0.1:${port}`, retries: 0 }).p2pSendMessage(p2pBody()));
    assertCode(err, "NetworkError");
    assert.ok(err.message.startsWith(`network error reaching 127.0.0.1:${port}`), err.message);
    if (runtime === "deno") {
      // Deno gives no code; its own words are kept instead.
      assert.match(err.message, /Connection refused/);
    } else {
      assert.ok(err.message.includes(`127.0.0.1:${port}: ECONNREFUSED (`), err.message);
      assert.match(err.message, /nothing was sent: check endpoint/);
      assert.equal(err.retryable, true);
    }
    assert.doesNotMatch(err.message, /Action=|Version=/);
    assert.doesNotMatch(err.message, new RegExp(TEST_SK.slice(0, 12)));
  });

  // A mock fetch in undici's shape for a failed DNS lookup: a real lookup would send a query to
  // the machine's resolver, and tests here send traffic to loopback only.
  test("a host name that does not resolve (mock fetch: getaddrinfo ENOTFOUND)", async () => {
    const fetch = async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND nonexistent.invalid"), { code: "ENOTFOUND" }) });
    };
    const err = await rejection(client({ endpoint: "http://nonexistent.invalid", fetch, retries: 0 }).p2pSendMessage(p2pBody()));
    assertCode(err, "NetworkError");
    assert.match(err.message, /^network error reaching nonexistent\.invalid: ENOTFOUND \(/);
    assert.equal(err.retryable, true);
    assert.doesNotMatch(err.message, /Action=|Version=/);
  });

  test("a fetch that rejects without a code: the host and its message", async () => {
    const fetch = async () => {
      throw new TypeError("the line went dead");
    };
    const err = await rejection(client({ endpoint: "https://im.example:8443", fetch, retries: 0 }).call("X", {}));
    assertCode(err, "NetworkError");
    assert.equal(err.message, "network error reaching im.example:8443 (the line went dead)");
    assert.equal(err.retryable, false);
  });

  test("a code on the error's cause (undici's shape) is read too", async () => {
    const fetch = async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.9:80"), { code: "ECONNREFUSED" }) });
    };
    const err = await rejection(client({ endpoint: "http://127.0.0.9", fetch, retries: 0 }).call("X", {}));
    assert.equal(
      err.message,
      "network error reaching 127.0.0.9: ECONNREFUSED (fetch failed: connect ECONNREFUSED 127.0.0.9:80); nothing was sent: check endpoint and that the server is up",
    );
    assert.equal(err.retryable, true);
  });
});

describe("Timeout names the limit that ran out", () => {
  test("deadlineMs shorter than timeoutMs → the message names deadlineMs", async () => {
    const vendor = await startVendor(() => HANG);
    const err = await rejection(client({ endpoint: vendor.endpoint, deadlineMs: 300, timeoutMs: 10_000 }).p2pSendMessage(p2pBody()));
    assertCode(err, "Timeout");
    assert.equal(err.message, "deadlineMs = 300 ms passed waiting for a response");
    assert.equal(err.attempts, 1);
  });

  test("timeoutMs shorter than deadlineMs → the message names timeoutMs", async () => {
    const vendor = await startVendor(() => HANG);
    const err = await rejection(client({ endpoint: vendor.endpoint, deadlineMs: 10_000, timeoutMs: 250 }).p2pSendMessage(p2pBody()));
    assertCode(err, "Timeout");
    assert.equal(err.message, "no response within timeoutMs = 250 ms");
  });

  test("a credentials() that never settles: deadlineMs or timeoutMs, whichever was shorter", async () => {
    const never = () => new Promise(() => {});
    const a = await rejection(new ImClient({ credentials: never, endpoint: "http://127.0.0.1:9", deadlineMs: 200 }).call("X", {}));
    assertCode(a, "Timeout");
    assert.equal(a.message, "deadlineMs = 200 ms passed waiting for credentials()");
    const b = await rejection(new ImClient({ credentials: never, endpoint: "http://127.0.0.1:9", timeoutMs: 200 }).call("X", {}));
    assertCode(b, "Timeout");
    assert.equal(b.message, "credentials() did not settle within timeoutMs = 200 ms");
  });
});

describe("CredentialsError carries what the provider said", () => {
  const failing = (thrown) => new ImClient({ credentials: () => Promise.reject(thrown), endpoint: "http://127.0.0.1:9" });

  test("an Error's message, with the error as cause", async () => {
    const thrown = new Error("STS AssumeRole: AccessDenied for role im-sender");
    const err = await rejection(failing(thrown).call("X", {}));
    assertCode(err, "CredentialsError");
    assert.equal(err.message, "credentials(): the credentials function failed: STS AssumeRole: AccessDenied for role im-sender");
    assert.equal(err.cause, thrown);
    assert.equal(err.attempts, 0);
  });

  test("a thrown string, an object without a message, a number", async () => {
    assert.match((await rejection(failing("vault sealed").call("X", {}))).message, /failed: vault sealed$/);
    assert.match((await rejection(failing({ status: 503 }).call("X", {}))).message, /failed: \(an object without a message\)$/);
    assert.match((await rejection(failing(42).call("X", {}))).message, /failed: \(a thrown number\)$/);
  });

  test("a synchronous throw is reported the same way", async () => {
    const c = new ImClient({ credentials: () => { throw new RangeError("no profile \"default\""); }, endpoint: "http://127.0.0.1:9" });
    const err = await rejection(c.call("X", {}));
    assertCode(err, "CredentialsError");
    assert.match(err.message, /failed: no profile "default"$/);
  });

  test("a very long message is cut at 300 characters", async () => {
    const err = await rejection(failing(new Error("x".repeat(5000))).call("X", {}));
    const said = err.message.slice("credentials(): the credentials function failed: ".length);
    assert.equal(said, "x".repeat(300) + "…");
  });
});

describe("option and body errors name the way out", () => {
  for (const [name, options] of [["no options", undefined], ["only a secret", { secretAccessKey: TEST_SK }]]) {
    test(`missing accessKeyId (${name}) mentions credentials and fromEnv()`, () => {
      let err;
      try {
        new ImClient(options);
      } catch (e) {
        err = e;
      }
      assertCode(err, "InvalidArgument");
      assert.equal(
        err.message,
        "accessKeyId: is required: give accessKeyId and secretAccessKey, or credentials: a function that returns them (in Node, Deno and Bun: credentials: fromEnv())",
      );
      assert.ok(!err.message.includes(TEST_SK));
    });
  }

  const signBase = { method: "POST", url: "https://rtc.volcengineapi.com/?Action=X&Version=1", accessKeyId: TEST_AK, secretAccessKey: TEST_SK, region: "cn-north-1", service: "rtc" };

  test("signRequest's body error lists ArrayBuffer and JSON objects", async () => {
    for (const sign of [signRequest, signOnly]) {
      const err = await rejection(sign({ ...signBase, body: 5 }));
      assertCode(err, "InvalidArgument");
      assert.equal(err.message, "body: expected a string, a Uint8Array, an ArrayBuffer or a JSON object, got number");
    }
  });

  test("an ArrayBuffer body signs like the same bytes", async () => {
    const bytes = new TextEncoder().encode('{"a":1}');
    const fromBuffer = await signRequest({ ...signBase, body: bytes.buffer, date: new Date(0) });
    const fromString = await signRequest({ ...signBase, body: '{"a":1}', date: new Date(0) });
    assert.equal(fromBuffer.signature, fromString.signature);
  });
});
