// p2pSendMessage and call() against the fake vendor: the exact request that goes out (verified
// independently), and int64-exact results in both directions.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ImClient } from "../../pkg/node.mjs";
import {
  TEST_AK,
  TEST_SK,
  closeAllVendors,
  metadata,
  p2pBody,
  p2pSuccessText,
  startVendor,
} from "./support/vendor.mjs";

after(closeAllVendors);

const MAX = "9223372036854775807";
const MIN = "-9223372036854775808";
const P53 = "9007199254740993"; // 2^53 + 1: a JS number cannot hold it
const CONTENT = '{"type":1000,"ext":"","message_type":10001}';
const SPEC_BODY =
  '{"AppId":666675,"Sender":10008,"ConversationShortId":7221856821303361536,"MsgType":10013,' +
  '"Content":"{\\"type\\":1000,\\"ext\\":\\"\\",\\"message_type\\":10001}"}';

function client(vendor, extra = {}) {
  return new ImClient({ accessKeyId: TEST_AK, secretAccessKey: TEST_SK, endpoint: vendor.endpoint, ...extra });
}

/** A vendor answering P2PSendMessage with the given rows (UserId literals written raw). */
function p2pVendor(rows, opts) {
  return startVendor((rec) => ({ status: 200, body: p2pSuccessText(rec.requestId, rows) }), opts);
}

function assertSignedImRequest(rec, action = "P2PSendMessage", version = "2020-12-01") {
  assert.equal(rec.method, "POST");
  assert.equal(rec.url, `/?Action=${action}&Version=${version}`);
  assert.equal(rec.headers["content-type"], "application/json");
  assert.equal(rec.headers["accept"], "application/json");
  assert.equal(rec.auth.ok, true, `signature rejected by the independent verifier: ${rec.auth.reason}`);
  assert.equal(rec.auth.accessKeyId, TEST_AK);
  assert.equal(rec.auth.service, "rtc");
}

describe("p2pSendMessage through a local vendor", () => {
  test("sends the signed request the spec describes and returns the envelope (ids as strings)", async () => {
    const vendor = await p2pVendor([
      ["10008", "NOT_ONLINE", "Default"],
      ["10001", "SUCCESS", "Web"],
    ]);
    const out = await client(vendor).p2pSendMessage(p2pBody({ Content: CONTENT }));
    assert.equal(vendor.requests.length, 1);
    const rec = vendor.requests[0];
    assertSignedImRequest(rec);
    assert.equal(rec.auth.region, "cn-north-1");
    assert.equal(rec.auth.signedHeaders, "content-type;host;x-content-sha256;x-date");
    assert.equal(rec.headers["x-security-token"], undefined);
    assert.equal(rec.text, SPEC_BODY);
    assert.ok(rec.text.includes('"ConversationShortId":7221856821303361536,'));
    assert.deepEqual(out, {
      ResponseMetadata: metadata(rec.requestId),
      Result: {
        P2PResult: [
          { UserId: "10008", Code: "NOT_ONLINE", DevicePlatform: "Default" },
          { UserId: "10001", Code: "SUCCESS", DevicePlatform: "Web" },
        ],
      },
    });
  });

  test("ConversationShortId as a BigInt goes out as the same bare integer", async () => {
    const vendor = await p2pVendor([["10001", "SUCCESS", "Web"]]);
    await client(vendor).p2pSendMessage(p2pBody({ Content: CONTENT, ConversationShortId: 7221856821303361536n }));
    assert.equal(vendor.requests[0].text, SPEC_BODY);
    assert.equal(vendor.requests[0].auth.ok, true);
  });

  test('int64: "bigint" returns UserId as BigInt; NOT_ONLINE rows are data, not errors', async () => {
    const vendor = await p2pVendor([
      ["10008", "NOT_ONLINE", "Default"],
      ["10009", "NOT_ONLINE", "Default"],
    ]);
    const out = await client(vendor, { int64: "bigint" }).p2pSendMessage(p2pBody());
    assertSignedImRequest(vendor.requests[0]);
    assert.deepEqual(out.Result.P2PResult, [
      { UserId: 10008n, Code: "NOT_ONLINE", DevicePlatform: "Default" },
      { UserId: 10009n, Code: "NOT_ONLINE", DevicePlatform: "Default" },
    ]);
    assert.deepEqual(out.ResponseMetadata, metadata(vendor.requests[0].requestId));
  });

  test("an empty P2PResult resolves", async () => {
    const vendor = await p2pVendor([]);
    const out = await client(vendor).p2pSendMessage(p2pBody());
    assert.deepEqual(out.Result, { P2PResult: [] });
  });

  test("a session token is sent and signed as X-Security-Token; signingRegion goes into the scope", async () => {
    const vendor = await p2pVendor([["1", "SUCCESS", "IOS"]]);
    const token = "STS2testSessionTokenForTheJsSuite";
    await client(vendor, { sessionToken: token, signingRegion: "ap-singapore-1" }).p2pSendMessage(p2pBody());
    const rec = vendor.requests[0];
    assertSignedImRequest(rec);
    assert.equal(rec.headers["x-security-token"], token);
    assert.equal(rec.auth.signedHeaders, "content-type;host;x-content-sha256;x-date;x-security-token");
    assert.equal(rec.auth.region, "ap-singapore-1");
  });

  test("the body may be JSON text: ids keep every digit", async () => {
    const vendor = await p2pVendor([["10001", "SUCCESS", "Web"]]);
    const text =
      '{"AppId":666675,"Sender":10008,"ConversationShortId":7221856821303361536,"MsgType":10013,' +
      '"Content":"hi","ReceiverUserId":[],"IgnoreUserIds":[]}';
    await client(vendor).p2pSendMessage(text);
    assert.equal(vendor.requests[0].text, text);
    assert.ok(vendor.requests[0].text.includes("7221856821303361536"));
    assert.equal(vendor.requests[0].auth.ok, true);

    // Whitespace, another key order and string ids: normalised, still exact.
    const loose = `{ "Content": "hi", "ConversationShortId": "${MAX}", "MsgType": 1, "AppId": 2,
      "Sender": ${MIN}, "ReceiverUserId": [${P53}, "10001"] }`;
    await client(vendor).p2pSendMessage(loose);
    assert.equal(
      vendor.requests[1].text,
      `{"AppId":2,"Sender":${MIN},"ConversationShortId":${MAX},"MsgType":1,"Content":"hi","ReceiverUserId":[${P53},10001]}`,
    );
  });
});

describe("int64 extremes, both ways", () => {
  const expectedBody =
    `{"AppId":666675,"Sender":${MAX},"ConversationShortId":${MIN},"MsgType":10013,"Content":"x",` +
    `"ReceiverUserId":[${P53},${MAX},${MIN},10008],"IgnoreUserIds":[${P53},${MAX},${MIN}]}`;

  test("sent as BigInt: exact in the raw body", async () => {
    const vendor = await p2pVendor([]);
    await client(vendor).p2pSendMessage({
      AppId: 666675,
      Sender: 9223372036854775807n,
      ConversationShortId: -9223372036854775808n,
      MsgType: 10013,
      Content: "x",
      ReceiverUserId: [9007199254740993n, 9223372036854775807n, -9223372036854775808n, 10008n],
      IgnoreUserIds: [2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)],
    });
    assert.equal(vendor.requests[0].text, expectedBody);
    assert.equal(vendor.requests[0].auth.ok, true);
  });

  test("sent as decimal strings: exact in the raw body", async () => {
    const vendor = await p2pVendor([]);
    await client(vendor).p2pSendMessage({
      AppId: 666675,
      Sender: MAX,
      ConversationShortId: MIN,
      MsgType: 10013,
      Content: "x",
      ReceiverUserId: [P53, MAX, MIN, 10008],
      IgnoreUserIds: [P53, MAX, MIN],
    });
    assert.equal(vendor.requests[0].text, expectedBody);
  });

  const rows = [
    [MAX, "SUCCESS", "Android"],
    [MIN, "NOT_ONLINE", "Default"],
    [P53, "SUCCESS", "Web"],
    ["9007199254740991", "SUCCESS", "IOS"],
    ["0", "Success", "Web"],
  ];

  test("returned UserIds come back exactly as strings", async () => {
    const vendor = await p2pVendor(rows);
    const out = await client(vendor).p2pSendMessage(p2pBody());
    assert.deepEqual(
      out.Result.P2PResult.map((r) => r.UserId),
      [MAX, MIN, P53, "9007199254740991", "0"],
    );
    assert.deepEqual(
      out.Result.P2PResult.map((r) => r.Code),
      ["SUCCESS", "NOT_ONLINE", "SUCCESS", "SUCCESS", "Success"],
    );
    // Strings survive JSON.stringify, digits intact.
    assert.ok(JSON.stringify(out).includes(`"UserId":"${MAX}"`));
  });

  test('returned UserIds come back exactly as BigInts with int64: "bigint"', async () => {
    const vendor = await p2pVendor(rows);
    const out = await client(vendor, { int64: "bigint" }).p2pSendMessage(p2pBody());
    assert.deepEqual(
      out.Result.P2PResult.map((r) => r.UserId),
      [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 2n ** 53n - 1n, 0n],
    );
  });
});

describe("call(): any action, int64-exact", () => {
  const resultText =
    `{"ConversationShortId":123,"Ids":[1,2,${MAX}],"Small":5,"Big":${P53},"Neg":${MIN},"Float":1.5,` +
    `"MaxSafe":9007199254740991,"Nested":{"ConversationShortId":7,"Other":8},"Str":"s","Null":null,"Flag":true}`;
  const callVendor = () =>
    startVendor((rec) => {
      const action = new URLSearchParams(rec.url.slice(2)).get("Action");
      return { status: 200, body: `{"ResponseMetadata":${JSON.stringify(metadata(rec.requestId, action))},"Result":${resultText}}` };
    });

  test("int64Fields come back as strings; unnamed integers beyond 2^53 too; the body keeps BigInts exact", async () => {
    const vendor = await callVendor();
    const out = await client(vendor).call(
      "GetConversationMarks",
      { AppId: 666675, ConversationShortId: 7221856821303361536n, Limit: 20, Ids: [MAX, 1] },
      { int64Fields: ["ConversationShortId", "Ids"] },
    );
    const rec = vendor.requests[0];
    assertSignedImRequest(rec, "GetConversationMarks");
    assert.ok(rec.text.includes('"ConversationShortId":7221856821303361536'), rec.text);
    assert.ok(rec.text.includes(`"Ids":["${MAX}",1]`), rec.text); // strings in a generic body stay strings
    assert.deepEqual(Object.keys(JSON.parse(rec.text)).sort(), ["AppId", "ConversationShortId", "Ids", "Limit"]);
    assert.deepEqual(out, {
      ResponseMetadata: metadata(rec.requestId, "GetConversationMarks"),
      Result: {
        ConversationShortId: "123",
        Ids: ["1", "2", MAX],
        Small: 5,
        Big: P53,
        Neg: MIN,
        Float: 1.5,
        MaxSafe: 9007199254740991,
        Nested: { ConversationShortId: "7", Other: 8 },
        Str: "s",
        Null: null,
        Flag: true,
      },
    });
  });

  test('with int64: "bigint" the same integers come back as BigInts', async () => {
    const vendor = await callVendor();
    const out = await client(vendor, { int64: "bigint" }).call("GetConversationMarks", {}, { int64Fields: ["ConversationShortId", "Ids"] });
    assert.deepEqual(out.Result, {
      ConversationShortId: 123n,
      Ids: [1n, 2n, 2n ** 63n - 1n],
      Small: 5,
      Big: 2n ** 53n + 1n,
      Neg: -(2n ** 63n),
      Float: 1.5,
      MaxSafe: 9007199254740991,
      Nested: { ConversationShortId: 7n, Other: 8 },
      Str: "s",
      Null: null,
      Flag: true,
    });
  });

  test("without int64Fields only integers beyond 2^53 become strings", async () => {
    const vendor = await callVendor();
    const out = await client(vendor).call("GetConversationMarks", "{}");
    assert.equal(out.Result.ConversationShortId, 123);
    assert.deepEqual(out.Result.Ids, [1, 2, MAX]);
    assert.equal(out.Result.Big, P53);
    assert.equal(out.Result.Neg, MIN);
    assert.equal(out.Result.MaxSafe, 9007199254740991);
    assert.equal(vendor.requests[0].text, "{}");
  });

  test("version and JSON-text bodies: exact ids, the version in the signed URL", async () => {
    const vendor = await callVendor();
    await client(vendor).call("SomeAction", `{"Id":${MIN},"List":[${P53}]}`, { version: "2023-07-01" });
    const rec = vendor.requests[0];
    assertSignedImRequest(rec, "SomeAction", "2023-07-01");
    assert.equal(rec.text, `{"Id":${MIN},"List":[${P53}]}`);
  });
});
