// signRequest on every official vector (tests/data/signing.json), through the built package.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import { signRequest, isVolcError, VolcError } from "../../pkg/node.mjs";
import * as signOnly from "../../pkg/sign-node.mjs";
import { independentSign, rfc3986, verifySignature } from "./support/vendor.mjs";

const doc = JSON.parse(readFileSync(new URL("../data/signing.json", import.meta.url), "utf8"));
const vectors = doc.vectors;

/** `20240607T103344Z` → `2024-06-07T10:33:44Z`. */
function isoOf(x) {
  return `${x.slice(0, 4)}-${x.slice(4, 6)}-${x.slice(6, 8)}T${x.slice(9, 11)}:${x.slice(11, 13)}:${x.slice(13, 15)}Z`;
}

/** The URL a user would write: host, path, and the raw pairs percent-encoded in their order. */
function urlOf(i) {
  const query = i.query.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join("&");
  return `https://${i.host}${i.path}${query ? "?" + query : ""}`;
}

function optionsOf(i, body = i.body) {
  const o = {
    method: i.method,
    url: urlOf(i),
    headers: { ...i.headers },
    body,
    accessKeyId: i.ak,
    secretAccessKey: i.sk,
    region: i.region,
    service: i.service,
    date: new Date(isoOf(i.x_date)),
  };
  if (i.session_token !== undefined) o.sessionToken = i.session_token;
  return o;
}

test("the vector file is the one expected (at least 11 vectors, each with inputs and expected)", () => {
  assert.ok(vectors.length >= 11, `only ${vectors.length} vectors`);
  for (const v of vectors) {
    assert.equal(typeof v.inputs.x_date, "string", v.name);
    assert.equal(typeof v.expected.signature, "string", v.name);
  }
  assert.ok(vectors.some((v) => v.inputs.session_token !== undefined), "a session-token vector");
});

describe("signRequest matches every vector byte for byte", () => {
  for (const v of vectors) {
    test(v.name, async () => {
      const { inputs: i, expected: e } = v;
      const pending = signRequest(optionsOf(i));
      assert.ok(pending instanceof Promise, "signRequest returns a Promise");
      const out = await pending;
      assert.equal(out.canonicalRequest, e.canonical_request);
      assert.equal(out.stringToSign, e.string_to_sign);
      assert.equal(out.signature, e.signature);
      assert.equal(out.signedHeaders, e.signed_headers);
      assert.equal(out.headers.Authorization, e.authorization);
      assert.equal(out.headers["X-Date"], i.x_date);
      assert.equal(out.headers["X-Content-Sha256"], e.x_content_sha256);
      if (i.session_token !== undefined) {
        assert.equal(out.headers["X-Security-Token"], i.session_token);
      } else {
        assert.equal(out.headers["X-Security-Token"], undefined);
      }
      for (const [k, val] of Object.entries(e.headers_added_by_signer)) {
        assert.equal(out.headers[k], val, `headers[${k}]`);
      }
      // The caller's own headers are kept as given.
      for (const [k, val] of Object.entries(i.headers)) assert.equal(out.headers[k], val, `headers[${k}] kept`);
      // The URL to send carries exactly the canonical query that was signed.
      const canonicalQueryLine = e.canonical_request.split("\n")[2];
      assert.equal(out.url, `https://${i.host}/${canonicalQueryLine ? "?" + canonicalQueryLine : ""}`);
    });
  }
});

describe("body as a Uint8Array signs the same as the string", () => {
  for (const v of vectors) {
    test(v.name, async () => {
      const bytes = new TextEncoder().encode(v.inputs.body);
      const out = await signRequest(optionsOf(v.inputs, bytes));
      assert.equal(out.signature, v.expected.signature);
      assert.equal(out.headers["X-Content-Sha256"], v.expected.x_content_sha256);
    });
  }
});

describe("the suite's own verifier (used by the fake vendor) is right", () => {
  test("its independent signer reproduces every vector", () => {
    for (const v of vectors) {
      const i = v.inputs;
      const headers = Object.fromEntries(Object.entries(i.headers).map(([k, val]) => [k.toLowerCase(), val]));
      const out = independentSign({
        method: i.method,
        path: i.path,
        pairs: i.query,
        headers,
        body: Buffer.from(i.body, "utf8"),
        ak: i.ak,
        sk: i.sk,
        sessionToken: i.session_token,
        region: i.region,
        service: i.service,
        xDate: i.x_date,
      });
      assert.equal(out.canonicalRequest, v.expected.canonical_request, v.name);
      assert.equal(out.signature, v.expected.signature, v.name);
      assert.equal(out.authorization, v.expected.authorization, v.name);
    }
  });

  test("it accepts what signRequest produced and refuses a tampered body, query or secret", async () => {
    const i = vectors.find((v) => v.name === "query_percent_encoding").inputs;
    const out = await signRequest({ ...optionsOf(i), date: new Date() });
    const u = new URL(out.url);
    const headers = Object.fromEntries(Object.entries(out.headers).map(([k, val]) => [k.toLowerCase(), val]));
    const rec = { method: i.method, url: u.pathname + u.search, headers, body: Buffer.from(i.body, "utf8") };
    const secrets = { [i.ak]: i.sk };
    assert.equal(verifySignature(rec, secrets).ok, true, JSON.stringify(verifySignature(rec, secrets)));
    assert.equal(verifySignature({ ...rec, body: Buffer.from(i.body + " ") }, secrets).ok, false);
    assert.equal(verifySignature({ ...rec, url: rec.url.replace("Version=2020-12-01", "Version=2020-12-02") }, secrets).ok, false);
    assert.equal(verifySignature(rec, { [i.ak]: i.sk + "x" }).ok, false);
  });
});

test("signRequest defaults the date to now and never throws synchronously", async () => {
  const i = vectors[0].inputs;
  const { date, ...noDate } = optionsOf(i);
  const before = Date.now();
  const out = await signRequest(noDate);
  const x = out.headers["X-Date"];
  const t = Date.UTC(+x.slice(0, 4), +x.slice(4, 6) - 1, +x.slice(6, 8), +x.slice(9, 11), +x.slice(11, 13), +x.slice(13, 15));
  assert.ok(t >= Math.floor(before / 1000) * 1000 - 1000 && t <= Date.now() + 1000, `X-Date ${x} is not now`);

  let pending;
  assert.doesNotThrow(() => {
    pending = signRequest({ method: "POST" });
  });
  assert.ok(pending instanceof Promise);
  const err = await pending.then(
    () => assert.fail("resolved"),
    (e) => e,
  );
  assert.ok(isVolcError(err));
  assert.equal(err.code, "InvalidArgument");
  assert.match(err.message, /^url: /);
});

// Options cross the wasm boundary as one string (convert.js); strings holding a NUL (the
// tape's terminator) travel beside it. Both must sign and refuse alike.
describe("strings on the tape and beside it agree", () => {
  const base = optionsOf(vectors[0].inputs);

  test("a NUL in a short or long body (read apart from the tape) signs like the same bytes", async () => {
    for (const body of ["a\0b", "é\0".repeat(2000) + "ü"]) {
      const viaString = await signRequest({ ...base, body });
      const viaBytes = await signRequest({ ...base, body: new TextEncoder().encode(body) });
      assert.equal(viaString.signature, viaBytes.signature);
      assert.equal(viaString.headers["X-Content-Sha256"], viaBytes.headers["X-Content-Sha256"]);
    }
  });

  test("a wrong field type, an unknown field, an Invalid Date or a NUL in a header is refused with the field named", async () => {
    await assert.rejects(signRequest({ ...base, region: 5 }), (e) => isVolcError(e) && /region/.test(e.message) && /number/.test(e.message));
    await assert.rejects(signRequest({ ...base, tpyo: "x" }), (e) => isVolcError(e) && /unknown field "tpyo"/.test(e.message));
    await assert.rejects(signRequest({ ...base, date: new Date(NaN) }), (e) => isVolcError(e) && /Invalid Date/.test(e.message));
    await assert.rejects(signRequest({ ...base, headers: { "X-A": "x\0y" } }), (e) => isVolcError(e) && /X-A/.test(e.message));
  });

  test("a header named __proto__ stays a header, not the result's prototype", async () => {
    const headers = JSON.parse('{"__proto__":"v","Content-Type":"application/json"}');
    const r = await signRequest({ ...base, headers });
    assert.equal(Object.getPrototypeOf(r.headers), Object.prototype);
    assert.ok(Object.hasOwn(r.headers, "__proto__"));
    assert.equal(r.headers["__proto__"], "v");
  });

  test("a throwing getter is reported as a VolcError, not thrown past the promise", async () => {
    const o = { ...base };
    Object.defineProperty(o, "url", { enumerable: true, get() { throw new Error("boom"); } });
    await assert.rejects(signRequest(o), (e) => isVolcError(e));
  });

  test("dates X-Date cannot write (beyond 9999, before year 0) are refused, not truncated", async () => {
    for (const iso of ["+010000-01-01T00:00:00Z", "-000001-12-31T23:59:59Z"]) {
      await assert.rejects(signRequest({ ...base, date: new Date(iso) }), (e) => isVolcError(e) && e.code === "InvalidArgument" && /date: .*9999/.test(e.message));
    }
    assert.equal((await signRequest({ ...base, date: new Date("9999-12-31T23:59:59.999Z") })).headers["X-Date"], "99991231T235959Z");
  });

  test("dates before 1970 and with milliseconds frame as integers", async () => {
    const r = await signRequest({ ...base, date: new Date("1969-12-31T23:59:59.250Z") });
    assert.equal(r.headers["X-Date"], "19691231T235959Z");
  });
});

// `volc-im/sign`: the same signer from its own, signer-only .wasm.
describe("volc-im/sign signs exactly like the full package", () => {
  test("every vector, string and Uint8Array bodies: identical results", async () => {
    for (const v of vectors) {
      for (const body of [v.inputs.body, new TextEncoder().encode(v.inputs.body)]) {
        const o = optionsOf(v.inputs, body);
        assert.deepEqual(await signOnly.signRequest(o), await signRequest(o), v.name);
      }
      assert.equal((await signOnly.signRequest(optionsOf(v.inputs))).signature, v.expected.signature, v.name);
    }
  });

  test("refuses bad input with the same VolcError class and message", async () => {
    const bad = { ...optionsOf(vectors[0].inputs), region: "", extra: 1 };
    const [a, b] = await Promise.all([signOnly.signRequest(bad), signRequest(bad)].map((p) => p.then(() => assert.fail("resolved"), (e) => e)));
    assert.ok(a instanceof VolcError && signOnly.isVolcError(b) && a instanceof signOnly.VolcError);
    assert.deepEqual(a.toJSON(), b.toJSON());
    assert.equal(a.code, "InvalidArgument");
  });

  test("exports only the signer (and the IM constants)", () => {
    assert.deepEqual(Object.keys(signOnly).sort(), ["IM_SERVICE", "IM_VERSION", "P2P_SEND_MESSAGE", "VolcError", "initWasm", "isVolcError", "signRequest"]);
  });
});
