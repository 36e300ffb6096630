// fromEnv(): credentials from VOLC_ACCESSKEY / VOLC_SECRETKEY / VOLC_SESSION_TOKEN, explicit
// only (`credentials: fromEnv()`), from the ESM and CJS Node entries, under Node, Deno and Bun.
import { afterEach, after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import process from "node:process";
import { ImClient, fromEnv, isVolcError } from "../../pkg/node.mjs";
import { TEST_AK, TEST_SK, closeAllVendors, p2pBody, p2pSuccessText, startVendor } from "./support/vendor.mjs";

after(closeAllVendors);

const NAMES = ["VOLC_ACCESSKEY", "VOLC_SECRETKEY", "VOLC_SESSION_TOKEN"];
// Deno's environment is Deno.env (what --allow-env governs); the others' is process.env.
const env = globalThis.Deno
  ? { get: (k) => Deno.env.get(k), set: (k, v) => Deno.env.set(k, v), delete: (k) => Deno.env.delete(k) }
  : { get: (k) => process.env[k], set: (k, v) => (process.env[k] = v), delete: (k) => delete process.env[k] };
const saved = Object.fromEntries(NAMES.map((k) => [k, env.get(k)]));

function setEnv(vars) {
  for (const k of NAMES) {
    if (vars[k] === undefined) env.delete(k);
    else env.set(k, vars[k]);
  }
}
afterEach(() => setEnv(saved));

const TOKEN = "STS2token-for-the-js-suite";

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

describe("fromEnv() supplies the environment's keys", () => {
  test("the provider returns them, read once when fromEnv() was called", () => {
    setEnv({ VOLC_ACCESSKEY: TEST_AK, VOLC_SECRETKEY: TEST_SK });
    const provider = fromEnv();
    assert.equal(typeof provider, "function");
    setEnv({ VOLC_ACCESSKEY: "AKLTchangedLater", VOLC_SECRETKEY: "changed" });
    assert.deepEqual(provider(), { accessKeyId: TEST_AK, secretAccessKey: TEST_SK });
    // A fresh object each time: a caller cannot change what the next call gets.
    provider().accessKeyId = "x";
    assert.equal(provider().accessKeyId, TEST_AK);
  });

  test("VOLC_SESSION_TOKEN becomes sessionToken, sent and signed as X-Security-Token", async () => {
    setEnv({ VOLC_ACCESSKEY: TEST_AK, VOLC_SECRETKEY: TEST_SK, VOLC_SESSION_TOKEN: TOKEN });
    const vendor = await startVendor((rec) => ({ status: 200, body: p2pSuccessText(rec.requestId, [["10001", "SUCCESS", "Web"]]) }));
    const client = new ImClient({ credentials: fromEnv(), endpoint: vendor.endpoint });
    const res = await client.p2pSendMessage(p2pBody());
    assert.equal(res.Result.P2PResult[0].Code, "SUCCESS");
    const rec = vendor.requests[0];
    assert.equal(rec.auth.ok, true, rec.auth.reason);
    assert.equal(rec.auth.accessKeyId, TEST_AK);
    assert.equal(rec.headers["x-security-token"], TOKEN);
    assert.ok(rec.auth.signedHeaders.split(";").includes("x-security-token"));
    assert.ok(!String(client).includes(TEST_SK) && !JSON.stringify(client).includes(TEST_SK));
  });

  test("the CommonJS build exports the same function", () => {
    const cjs = createRequire(import.meta.url)("../../pkg/index.cjs");
    assert.equal(typeof cjs.fromEnv, "function");
    setEnv({ VOLC_ACCESSKEY: TEST_AK, VOLC_SECRETKEY: TEST_SK });
    assert.deepEqual(cjs.fromEnv()(), { accessKeyId: TEST_AK, secretAccessKey: TEST_SK });
    setEnv({});
    const err = thrown(() => cjs.fromEnv());
    assert.ok(isVolcError(err), "a VolcError across the ESM/CJS copies");
  });

  test("never an implicit fallback: with the variables set, new ImClient({}) still wants keys", () => {
    setEnv({ VOLC_ACCESSKEY: TEST_AK, VOLC_SECRETKEY: TEST_SK });
    const err = thrown(() => new ImClient({ endpoint: "http://127.0.0.1:9" }));
    assert.equal(err.code, "InvalidArgument");
    assert.match(err.message, /^accessKeyId: is required: .*credentials: fromEnv\(\)/);
  });

  test("the browser entry does not offer it (no process environment there)", async () => {
    const browser = await import("../../pkg/browser.mjs");
    assert.equal("fromEnv" in browser, false);
  });
});

describe("a missing or unusable variable is an InvalidArgument naming it and the option", () => {
  const cases = [
    ["VOLC_ACCESSKEY not set", { VOLC_SECRETKEY: TEST_SK }, "fromEnv(): VOLC_ACCESSKEY is not set; it supplies accessKeyId. "],
    ["VOLC_SECRETKEY not set", { VOLC_ACCESSKEY: TEST_AK }, "fromEnv(): VOLC_SECRETKEY is not set; it supplies secretAccessKey. "],
    ["VOLC_ACCESSKEY empty", { VOLC_ACCESSKEY: "", VOLC_SECRETKEY: TEST_SK }, "fromEnv(): VOLC_ACCESSKEY is empty; it supplies accessKeyId. "],
    ["nothing set", {}, "fromEnv(): VOLC_ACCESSKEY is not set; it supplies accessKeyId. "],
    ["a secret with a trailing newline", { VOLC_ACCESSKEY: TEST_AK, VOLC_SECRETKEY: TEST_SK + "\n" },
      "fromEnv(): VOLC_SECRETKEY (secretAccessKey) has leading or trailing whitespace; remove it"],
    ["a token with a leading space", { VOLC_ACCESSKEY: TEST_AK, VOLC_SECRETKEY: TEST_SK, VOLC_SESSION_TOKEN: " " + TOKEN },
      "fromEnv(): VOLC_SESSION_TOKEN (sessionToken) has leading or trailing whitespace; remove it"],
  ];
  for (const [name, vars, prefix] of cases) {
    test(name, () => {
      setEnv(vars);
      const err = thrown(() => fromEnv());
      assert.ok(isVolcError(err), `not a VolcError: ${err && err.stack}`);
      assert.equal(err.code, "InvalidArgument");
      assert.ok(err.message.startsWith(prefix), err.message);
      assert.equal(err.retryable, false);
      assert.equal(err.attempts, 0);
      assert.ok(!err.message.includes(TEST_SK) && !err.message.includes(TOKEN), "no value in the message");
    });
  }

  test("the message says how to fix it", () => {
    setEnv({});
    assert.match(thrown(() => fromEnv()).message, /Set VOLC_ACCESSKEY and VOLC_SECRETKEY \(and VOLC_SESSION_TOKEN for temporary STS keys\), or pass accessKeyId and secretAccessKey$/);
  });

  test("an empty VOLC_SESSION_TOKEN is the same as none", () => {
    setEnv({ VOLC_ACCESSKEY: TEST_AK, VOLC_SECRETKEY: TEST_SK, VOLC_SESSION_TOKEN: "" });
    assert.deepEqual(fromEnv()(), { accessKeyId: TEST_AK, secretAccessKey: TEST_SK });
  });
});
