// The secret key never shows: not in any error (message, properties, JSON, String, stack,
// inspect, cause chain), not in the client's string/JSON/inspect forms, not on the wire.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { ImClient, signRequest } from "../../pkg/node.mjs";
import {
  HANG,
  TEST_AK,
  closeAllVendors,
  closedPort,
  errorEnvelope,
  p2pBody,
  p2pSuccessText,
  rejection,
  startVendor,
} from "./support/vendor.mjs";

after(closeAllVendors);

const SECRET = "ZzSecretKeyMustNeverLeak9f8e7d6c5b4a";
const TOKEN = "ZzSessionTokenMustNeverLeak1a2b3c4d";
const NEEDLES = [SECRET, SECRET.slice(0, 16), SECRET.slice(-16)];

function views(value, depth = 0) {
  if (value === null || value === undefined || depth > 4) return [];
  if (typeof value !== "object" && typeof value !== "function") return [String(value)];
  const out = [];
  const tryPush = (f) => {
    try {
      out.push(String(f()));
    } catch {
      // a view that throws shows nothing
    }
  };
  tryPush(() => value);
  tryPush(() => JSON.stringify(value));
  tryPush(() => util.inspect(value, { showHidden: true, depth: 8, getters: true }));
  tryPush(() => value.message);
  tryPush(() => value.stack);
  for (const key of Reflect.ownKeys(value)) {
    let v;
    try {
      v = value[key];
    } catch {
      continue;
    }
    out.push(String(key));
    if (v !== value) out.push(...views(v, depth + 1));
  }
  if (value instanceof Error && value.cause !== undefined) out.push(...views(value.cause, depth + 1));
  return out;
}

function assertNoSecret(label, value, needles = NEEDLES) {
  const all = typeof value === "string" ? [value] : views(value);
  assert.ok(typeof value === "string" || all.length > 2, `${label}: nothing to inspect`);
  for (const text of all) {
    for (const n of needles) assert.ok(!text.includes(n), `${label}: the secret leaked into ${JSON.stringify(text.slice(0, 300))}`);
  }
}

function client(endpoint, extra = {}) {
  return new ImClient({ accessKeyId: TEST_AK, secretAccessKey: SECRET, sessionToken: TOKEN, endpoint, ...extra });
}

describe("errors never carry the secret", () => {
  test("constructor errors", () => {
    const bad = [
      { accessKeyId: TEST_AK, secretAccessKey: SECRET, colour: "red" },
      { accessKeyId: "", secretAccessKey: SECRET },
      { accessKeyId: "AK LT", secretAccessKey: SECRET },
      { accessKeyId: TEST_AK, secretAccessKey: SECRET, endpoint: "nope" },
      { accessKeyId: TEST_AK, secretAccessKey: SECRET, timeoutMs: -5 },
      { accessKeyId: TEST_AK, secretAccessKey: SECRET, region: "x y", endpoint: "http://127.0.0.1:1" },
      { accessKeyId: TEST_AK, secretAccessKey: SECRET, sessionToken: `${TOKEN}\n` },
      { accessKeyId: TEST_AK, secretAccessKey: 42, sessionToken: TOKEN },
    ];
    for (const options of bad) {
      let err;
      try {
        new ImClient(options);
      } catch (e) {
        err = e;
      }
      assert.ok(err, `no error for ${Object.keys(options)}`);
      assert.equal(err.code, "InvalidArgument");
      assertNoSecret(`new ImClient → ${err.message}`, err, [...NEEDLES, TOKEN]);
    }
  });

  test("InvalidArgument call errors", async () => {
    const c = client("http://127.0.0.1:1");
    const errs = await Promise.all([
      rejection(c.p2pSendMessage(p2pBody({ Sender: 7221856821303362000 }))),
      rejection(c.p2pSendMessage(p2pBody({ Colour: "red" }))),
      rejection(c.p2pSendMessage("{not json")),
      rejection(c.p2pSendMessage(p2pBody(), { signal: "x" })),
      rejection(c.call("Bad Action", {})),
      rejection(c.call("X", { A: NaN })),
    ]);
    for (const err of errs) {
      assert.equal(err.code, "InvalidArgument");
      assertNoSecret(err.message, err);
    }
  });

  test("signRequest errors, and its successful output", async () => {
    const base = { method: "POST", url: "https://rtc.volcengineapi.com/?Action=A", accessKeyId: TEST_AK, secretAccessKey: SECRET, region: "cn-north-1", service: "rtc" };
    for (const options of [
      { ...base, url: "not a url" },
      { ...base, headers: { "Bad Header": "x" } },
      { ...base, region: "" },
      { ...base, extra: 1 },
      { ...base, date: new Date(NaN) },
      { ...base, sessionToken: "" },
    ]) {
      const err = await rejection(signRequest(options));
      assert.equal(err.code, "InvalidArgument");
      assertNoSecret(`signRequest → ${err.message}`, err);
    }
    const ok = await signRequest({ ...base, body: "{}" });
    assertNoSecret("signRequest output", ok);
  });

  test("a server 401, a vendor error on 200, an HTML 502", async () => {
    // The vendor knows another secret for this key: the signature does not match.
    const v401 = await startVendor(() => assert.fail("unreachable"), { secrets: { [TEST_AK]: "another-secret" } });
    const e401 = await rejection(client(v401.endpoint).p2pSendMessage(p2pBody()));
    assert.equal(e401.code, "SignatureDoesNotMatch");
    assert.equal(e401.status, 401);
    assertNoSecret("401", e401);

    const v200 = await startVendor((rec) => ({ status: 200, body: errorEnvelope(rec.requestId, "NoAuth", 7, "no auth") }), { verify: false });
    const e200 = await rejection(client(v200.endpoint).p2pSendMessage(p2pBody()));
    assert.equal(e200.code, "NoAuth");
    assertNoSecret("vendor error", e200);

    const v502 = await startVendor(() => ({ status: 502, body: "<html>bad gateway</html>" }), { verify: false });
    const e502 = await rejection(client(v502.endpoint).p2pSendMessage(p2pBody()));
    assert.equal(e502.code, "InvalidResponse");
    assertNoSecret("502", e502);
  });

  test("network error (with its cause), timeout and abort", async () => {
    const port = await closedPort();
    const net = await rejection(client(`http://127.0.0.1:${port}`).p2pSendMessage(p2pBody()));
    assert.equal(net.code, "NetworkError");
    assert.ok(net.cause !== undefined);
    assertNoSecret("network", net);

    const hang = await startVendor(() => HANG, { verify: false });
    const timeout = await rejection(client(hang.endpoint, { timeoutMs: 100 }).p2pSendMessage(p2pBody()));
    assert.equal(timeout.code, "Timeout");
    assertNoSecret("timeout", timeout);

    const aborted = await rejection(client(hang.endpoint).p2pSendMessage(p2pBody(), { signal: AbortSignal.abort() }));
    assert.equal(aborted.code, "Aborted");
    assertNoSecret("aborted", aborted);
  });
});

describe("the client never shows the secret", () => {
  test("String, JSON.stringify, util.inspect, own properties", () => {
    for (const extra of [{}, { int64: "bigint", region: "ap-southeast-1", endpoint: undefined }]) {
      const c = client("http://127.0.0.1:8780", extra);
      const s = String(c);
      assert.ok(s.includes(TEST_AK), `String(client) should name the access key: ${s}`);
      assert.ok(JSON.stringify(c).includes(TEST_AK));
      assertNoSecret("client", c, [...NEEDLES, TOKEN]);
      assertNoSecret("client", `${c} ${JSON.stringify(c)} ${util.inspect(c, { showHidden: true, depth: Infinity })}`, [...NEEDLES, TOKEN]);
    }
  });
});

test("the secret is not on the wire (only the signature derived from it)", async () => {
  const vendor = await startVendor((rec) => ({ status: 200, body: p2pSuccessText(rec.requestId, [["1", "SUCCESS", "Web"]]) }), {
    secrets: { [TEST_AK]: SECRET },
  });
  await client(vendor.endpoint).p2pSendMessage(p2pBody());
  const rec = vendor.requests[0];
  assert.equal(rec.auth.ok, true, rec.auth.reason);
  const wire = `${rec.method} ${rec.url}\n${JSON.stringify(rec.headers)}\n${rec.text}`;
  for (const n of NEEDLES) assert.ok(!wire.includes(n));
});
