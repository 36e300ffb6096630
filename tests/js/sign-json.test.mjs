// signRequest with an object body: the package writes the JSON (BigInts as exact integers,
// like call()), signs those bytes and returns them as `body`, so sign-only users never need
// JSON.stringify (which throws on BigInt). Both entries: volc-im and volc-im/sign.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { signRequest } from "../../pkg/node.mjs";
import { signRequest as signOnly } from "../../pkg/sign-node.mjs";
import { TEST_AK, TEST_SK, closeAllVendors, p2pSuccessText, rejection, startVendor } from "./support/vendor.mjs";

after(closeAllVendors);

const require = createRequire(import.meta.url);
const signCjs = require("../../pkg/sign.cjs").signRequest;

const base = { method: "POST", headers: { "Content-Type": "application/json" }, accessKeyId: TEST_AK, secretAccessKey: TEST_SK, region: "cn-north-1", service: "rtc" };
const sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");

const body = {
  AppId: 666675,
  Sender: 9007199254740993n, // 2^53 + 1: a Number would have lost it
  ConversationShortId: 7221856821303361536n,
  MsgType: 10013,
  Content: '{"type":1000}',
  ReceiverUserId: [10001n, -9223372036854775808n],
  Skipped: undefined,
};
// Keys keep their order, as JSON.stringify writes them (the writer call() uses); `undefined`
// members are left out.
const text =
  '{"AppId":666675,"Sender":9007199254740993,"ConversationShortId":7221856821303361536,"MsgType":10013,' +
  '"Content":"{\\"type\\":1000}","ReceiverUserId":[10001,-9223372036854775808]}';

describe("an object body is written as exact JSON, signed and returned", () => {
  for (const [name, sign] of [["volc-im", signRequest], ["volc-im/sign", signOnly], ["volc-im/sign (require)", signCjs]]) {
    test(name, async () => {
      const out = await sign({ ...base, url: "https://rtc.volcengineapi.com/?Action=P2PSendMessage&Version=2020-12-01", body });
      assert.equal(out.body, text);
      assert.equal(out.headers["X-Content-Sha256"], sha256(text));
      // The same bytes given as a string sign identically (same time).
      const date = new Date(Date.UTC(2024, 5, 7, 10, 33, 44));
      const a = await sign({ ...base, url: "https://h.example/", body, date });
      const b = await sign({ ...base, url: "https://h.example/", body: text, date });
      assert.equal(a.signature, b.signature);
      assert.equal(b.body, undefined, "a string body is not echoed back");
    });
  }

  test("an array body, nested objects and plain strings-only objects are JSON too", async () => {
    const out = await signRequest({ ...base, url: "https://h.example/", body: [{ a: "x" }, { b: [1.5, null, true] }] });
    assert.equal(out.body, '[{"a":"x"},{"b":[1.5,null,true]}]');
    const flat = await signRequest({ ...base, url: "https://h.example/", body: { a: "x", b: "y" } });
    assert.equal(flat.body, '{"a":"x","b":"y"}');
  });

  test("values JSON cannot carry exactly are refused with their path, nothing signed", async () => {
    const cases = [
      [{ Sender: 2 ** 60 }, "body.Sender: 1152921504606847000 is not a safe integer; pass a BigInt or a decimal string"],
      [{ A: [{ B: 2n ** 64n }] }, "body.A[0].B: 18446744073709551616 is outside the int64 range"],
      [{ N: NaN }, "body.N: NaN cannot be sent as JSON"],
      [{ F: () => 1 }, "body.F: a function cannot be sent as JSON"],
    ];
    for (const [b, message] of cases) {
      const err = await rejection(signOnly({ ...base, url: "https://h.example/", body: b }));
      assert.equal(err.code, "InvalidArgument");
      assert.equal(err.message, message);
    }
  });

  test("the returned body and headers are a request the vendor accepts", async () => {
    const vendor = await startVendor((rec) => {
      assert.equal(rec.text, text);
      return { status: 200, body: p2pSuccessText(rec.requestId, [["10001", "SUCCESS", "Web"]]) };
    });
    const signed = await signOnly({ ...base, url: `${vendor.endpoint}/?Action=P2PSendMessage&Version=2020-12-01`, body });
    const res = await fetch(signed.url, { method: "POST", headers: signed.headers, body: signed.body });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(vendor.requests.length, 1);
    assert.equal(vendor.requests[0].auth.ok, true, vendor.requests[0].auth.reason);
  });
});
