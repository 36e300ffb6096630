// The InvalidArgument matrix: every mistake is refused before anything is sent, with a message
// that starts with the offending field's name. A fake vendor stands by to prove nothing arrives.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ImClient, VolcError, isVolcError } from "../../pkg/node.mjs";
import { TEST_AK, TEST_SK, closeAllVendors, p2pBody, rejection, startVendor } from "./support/vendor.mjs";

let vendor;
let c;
before(async () => {
  vendor = await startVendor(() => ({ status: 500, body: "the server must never be reached by these tests" }));
  c = new ImClient({ accessKeyId: TEST_AK, secretAccessKey: TEST_SK, endpoint: vendor.endpoint });
});
after(closeAllVendors);

function assertInvalid(err, prefix, exact) {
  assert.ok(isVolcError(err), `not a VolcError: ${err && err.stack}`);
  assert.ok(err instanceof VolcError);
  assert.equal(err.code, "InvalidArgument", `code (message: ${err.message})`);
  assert.ok(err.message.startsWith(prefix), `message ${JSON.stringify(err.message)} does not start with ${JSON.stringify(prefix)}`);
  if (exact !== undefined) assert.equal(err.message, exact);
  assert.equal(err.status, undefined);
  assert.equal(err.retryable, false);
  assert.equal(vendor.requests.length, 0, "a request reached the server");
}

const without = (field) => {
  const b = p2pBody();
  delete b[field];
  return b;
};

// [name, body, message prefix, exact message?]
const bodyCases = [
  // wrong types
  ['AppId "1"', p2pBody({ AppId: "1" }), "AppId: expected an integer number, got string"],
  ["AppId 1n", p2pBody({ AppId: 1n }), "AppId: expected an integer number, got bigint"],
  ["AppId 2^31 (outside int32)", p2pBody({ AppId: 2 ** 31 }), "AppId: 2147483648 is outside the int32 range"],
  ["MsgType 1.5", p2pBody({ MsgType: 1.5 }), "MsgType: 1.5 is not an integer"],
  ["Content 5", p2pBody({ Content: 5 }), "Content: expected a string, got number"],
  ["Content {}", p2pBody({ Content: {} }), "Content: expected a string, got object"],
  ["Sender true", p2pBody({ Sender: true }), "Sender: expected a BigInt, a decimal string or a safe integer, got boolean"],
  ["Sender 1.5", p2pBody({ Sender: 1.5 }), "Sender: 1.5 is not an integer"],
  ["Sender as an object", p2pBody({ Sender: { id: 1 } }), "Sender: "],
  // missing fields
  ...["AppId", "Sender", "ConversationShortId", "MsgType", "Content"].map((f) => [`missing ${f}`, without(f), `${f}: is required`]),
  ["Sender null", p2pBody({ Sender: null }), "Sender: is required"],
  // unsafe numbers
  [
    "ConversationShortId 7221856821303362000 (a rounded number)",
    p2pBody({ ConversationShortId: 7221856821303362000 }),
    "ConversationShortId: ",
    "ConversationShortId: 7221856821303362000 is not a safe integer; pass a BigInt or a decimal string",
  ],
  ["Sender 2^53", p2pBody({ Sender: 2 ** 53 }), "Sender: 9007199254740992 is not a safe integer"],
  ["ReceiverUserId [-(2^53)]", p2pBody({ ReceiverUserId: [-(2 ** 53)] }), "ReceiverUserId[0]: -9007199254740992 is not a safe integer"],
  // out of range
  ["ConversationShortId 2n**63n", p2pBody({ ConversationShortId: 2n ** 63n }), "ConversationShortId: 9223372036854775808 is outside the int64 range"],
  ["Sender -(2n**63n)-1n", p2pBody({ Sender: -(2n ** 63n) - 1n }), "Sender: -9223372036854775809 is outside the int64 range"],
  ['Sender "9223372036854775808"', p2pBody({ Sender: "9223372036854775808" }), 'Sender: "9223372036854775808" is outside the int64 range'],
  // not decimal
  ...["+1", "1e3", " 1", "1 ", "0x10", "", "-", "1.0", "١"].map((s) => [
    `Sender ${JSON.stringify(s)}`,
    p2pBody({ Sender: s }),
    `Sender: ${JSON.stringify(s)} is not a decimal integer`,
  ]),
  // NaN / Infinity
  ["Sender NaN", p2pBody({ Sender: NaN }), "Sender: NaN is not an integer"],
  ["ConversationShortId Infinity", p2pBody({ ConversationShortId: Infinity }), "ConversationShortId: Infinity is not an integer"],
  ["AppId -Infinity", p2pBody({ AppId: -Infinity }), "AppId: -Infinity is not an integer"],
  ["MsgType NaN", p2pBody({ MsgType: NaN }), "MsgType: NaN is not an integer"],
  // id lists
  ['ReceiverUserId "1,2"', p2pBody({ ReceiverUserId: "1,2" }), "ReceiverUserId: expected an array of ids, got string"],
  ["IgnoreUserIds 5", p2pBody({ IgnoreUserIds: 5 }), "IgnoreUserIds: expected an array of ids, got number"],
  ['IgnoreUserIds [1, "x"]', p2pBody({ IgnoreUserIds: [1, "x"] }), "IgnoreUserIds[1]:"],
  ["ReceiverUserId [1, 2, NaN]", p2pBody({ ReceiverUserId: [1, 2, NaN] }), "ReceiverUserId[2]: NaN is not an integer"],
  ["ReceiverUserId [1, 1n] (duplicate)", p2pBody({ ReceiverUserId: [1, 1n] }), "ReceiverUserId[1]: 1 is listed twice"],
  [
    "IgnoreUserIds duplicate across forms",
    p2pBody({ IgnoreUserIds: ["9223372036854775807", 5, 9223372036854775807n] }),
    "IgnoreUserIds[2]: 9223372036854775807 is listed twice",
  ],
  // unknown field
  ["unknown field ReceiverUserIds", p2pBody({ ReceiverUserIds: [1] }), 'body: unknown field "ReceiverUserIds"'],
  // JSON text
  ["body as invalid JSON text", '{"AppId":1,', "body: not a JSON object"],
  ["body as JSON text of an array", "[1,2]", "body: not a JSON object: a JSON object is required, got an array"],
  ["body as JSON text with an id just beyond int64", '{"AppId":1,"Sender":9223372036854775808,"ConversationShortId":1,"MsgType":1,"Content":""}', "Sender: 9223372036854775808 is outside the int64 range"],
  ["body as JSON text with a bad field", '{"AppId":"1","Sender":1,"ConversationShortId":1,"MsgType":1,"Content":""}', "AppId: expected an integer number, got string"],
  // body itself
  ["body null", null, "body: expected an object or JSON text, got null"],
  ["body undefined", undefined, "body: expected an object or JSON text, got undefined"],
  ["body an array", [1], "body: expected an object or JSON text, got array"],
  ["body a number", 5, "body: expected an object or JSON text, got number"],
  ["body a Map", new Map([["AppId", 1]]), "body: expected an object or JSON text, got class instance"],
];

describe("p2pSendMessage refuses bad bodies before sending", () => {
  for (const [name, body, prefix, exact] of bodyCases) {
    test(name, async () => {
      assertInvalid(await rejection(c.p2pSendMessage(body)), prefix, exact);
    });
  }
});

// JSON integer literals beyond int64 are out of range, never "not a safe integer". Within
// u64 the digits are quoted as written; beyond u64 the JSON parser only has a float (keeping
// every literal exact would add ~16 KB gzip to the .wasm), so the digits may be rounded there.
describe("JSON-text integers beyond int64: out of range", () => {
  const RANGE = " is outside the int64 range [-9223372036854775808, 9223372036854775807]";
  const exact = ["9223372036854775808", "18446744073709551615"];
  for (const lit of [...exact, "18446744073709551616", "99999999999999999999", "-9223372036854775809"]) {
    const shown = exact.includes(lit) ? lit : "-?\\d+";
    test(`p2pSendMessage: Sender ${lit}`, async () => {
      const text = `{"AppId":1,"Sender":${lit},"ConversationShortId":1,"MsgType":1,"Content":""}`;
      const err = await rejection(c.p2pSendMessage(text));
      assertInvalid(err, "Sender: ");
      assert.match(err.message, new RegExp(`^Sender: ${shown}${RANGE.replace(/[[\]]/g, "\\$&")}$`));
    });
    test(`call: Id ${lit}`, async () => {
      const err = await rejection(c.call("GetConversationMarks", `{"Id":${lit}}`));
      assertInvalid(err, "body.Id: ");
      assert.match(err.message, new RegExp(`^body\\.Id: ${shown} is outside the int64 range`));
    });
  }
});

describe("per-call options", () => {
  const cases = [
    ["unknown key", { timeout: 5 }, 'callOptions: unknown field "timeout"'],
    ["call()-only key on p2pSendMessage", { version: "2020-12-01" }, 'callOptions: unknown field "version"'],
    ["not an object", "fast", "callOptions: expected an options object, got string"],
    ["signal a string", { signal: "abort" }, "signal: expected an AbortSignal, got string"],
    ["signal a plain object", { signal: { aborted: false } }, "signal: expected an AbortSignal, got object"],
    ["signal an EventTarget that is no AbortSignal", { signal: new EventTarget() }, "signal: expected an AbortSignal"],
    ["signal an AbortController", { signal: new AbortController() }, "signal: expected an AbortSignal"],
  ];
  for (const [name, opts, prefix] of cases) {
    test(`p2pSendMessage: ${name}`, async () => {
      assertInvalid(await rejection(c.p2pSendMessage(p2pBody(), opts)), prefix);
    });
  }

  const callCases = [
    ["action not a string", [5, {}], "action: expected an action name"],
    ["action with a space", ["Bad Action", {}], 'action: "Bad Action" must be an action name'],
    ["action with a query", ["P2PSendMessage&Version=1", {}], "action: "],
    ["version with a slash", ["GetConversationMarks", {}, { version: "2020/12/01" }], 'version: "2020/12/01" must be letters'],
    ["int64Fields not an array", ["GetConversationMarks", {}, { int64Fields: "UserId" }], "int64Fields: must be an array"],
    ["int64Fields with a number", ["GetConversationMarks", {}, { int64Fields: ["UserId", 5] }], "int64Fields: must be an array"],
    ["unknown key", ["GetConversationMarks", {}, { timeoutMs: 5 }], 'callOptions: unknown field "timeoutMs"'],
    ["signal a number", ["GetConversationMarks", {}, { signal: 1 }], "signal: expected an AbortSignal, got number"],
    ["unsafe number in the body", ["GetConversationMarks", { Id: 7221856821303362000 }], "body.Id: 7221856821303362000 is not a safe integer"],
    ["nested unsafe number", ["GetConversationMarks", { A: [{ B: 2 ** 60 }] }], "body.A[0].B: "],
    ["NaN in the body", ["GetConversationMarks", { X: NaN }], "body.X: "],
    ["function in the body", ["GetConversationMarks", { X: () => 1 }], "body.X: "],
    ["bigint beyond int64 in the body", ["GetConversationMarks", { X: 2n ** 64n }], "body.X: "],
    ["body invalid JSON text", ["GetConversationMarks", "{nope}"], "body: not a JSON object"],
    ["body null", ["GetConversationMarks", null], "body: expected an object or JSON text, got null"],
  ];
  for (const [name, args, prefix] of callCases) {
    test(`call: ${name}`, async () => {
      assertInvalid(await rejection(c.call(...args)), prefix);
    });
  }
});

describe("new ImClient throws synchronously, as a VolcError", () => {
  const base = { accessKeyId: TEST_AK, secretAccessKey: TEST_SK };
  const cases = [
    ["unknown option key", { ...base, timeout: 5 }, 'options: unknown field "timeout"'],
    ["misspelt option key", { ...base, secretKey: "x" }, 'options: unknown field "secretKey"'],
    ["options missing", undefined, "accessKeyId: is required"],
    ["options a string", "AKLT", "options: expected an options object, got string"],
    ["empty accessKeyId", { ...base, accessKeyId: "" }, "accessKeyId: must not be empty"],
    ["accessKeyId a number", { ...base, accessKeyId: 5 }, "accessKeyId: expected a string, got number"],
    ["accessKeyId with a slash", { ...base, accessKeyId: "AK/LT" }, "accessKeyId: must not contain"],
    ["missing secretAccessKey", { accessKeyId: TEST_AK }, "secretAccessKey: is required"],
    ["empty secretAccessKey", { ...base, secretAccessKey: "" }, "secretAccessKey: must not be empty"],
    ["empty sessionToken", { ...base, sessionToken: "" }, "sessionToken: must not be empty"],
    ["sessionToken with a line break", { ...base, sessionToken: "a\nb" }, "sessionToken: "],
    ["bad endpoint URL", { ...base, endpoint: "not a url" }, "endpoint: "],
    ["endpoint with another scheme", { ...base, endpoint: "ftp://127.0.0.1" }, "endpoint: "],
    ["endpoint with a path", { ...base, endpoint: "http://127.0.0.1:8780/api" }, "endpoint: must be a base URL"],
    ["endpoint with a bad port", { ...base, endpoint: "http://127.0.0.1:99999" }, "endpoint: "],
    ["endpoint with credentials", { ...base, endpoint: "http://u:p@127.0.0.1" }, "endpoint: "],
    ["unknown region without endpoint", { ...base, region: "mars-1" }, 'endpoint: is required for region "mars-1"'],
    ["region with a slash", { ...base, region: "cn/north", endpoint: "http://127.0.0.1:1" }, "region: "],
    ["timeoutMs 0", { ...base, timeoutMs: 0 }, "timeoutMs: must be an integer number of milliseconds"],
    ["timeoutMs -1", { ...base, timeoutMs: -1 }, "timeoutMs: "],
    ["timeoutMs 1.5", { ...base, timeoutMs: 1.5 }, "timeoutMs: "],
    ["timeoutMs NaN", { ...base, timeoutMs: NaN }, "timeoutMs: "],
    ["timeoutMs Infinity", { ...base, timeoutMs: Infinity }, "timeoutMs: "],
    ['timeoutMs "100"', { ...base, timeoutMs: "100" }, "timeoutMs: expected a number, got string"],
    ["int64 number", { ...base, int64: "number" }, "int64: "],
    ["fetch not a function", { ...base, fetch: "fetch" }, "fetch: expected a function, got string"],
  ];
  for (const [name, options, prefix] of cases) {
    test(name, () => {
      let err;
      try {
        new ImClient(options);
      } catch (e) {
        err = e;
      }
      assert.ok(err !== undefined, "new ImClient did not throw synchronously");
      assertInvalid(err, prefix);
    });
  }

  test("valid options construct without touching the network", () => {
    assert.ok(new ImClient({ accessKeyId: TEST_AK, secretAccessKey: TEST_SK }) instanceof ImClient);
    assert.ok(new ImClient({ accessKeyId: TEST_AK, secretAccessKey: TEST_SK, region: "ap-southeast-1", int64: "bigint", timeoutMs: 1 }));
    assert.equal(vendor.requests.length, 0);
  });
});

test("after the whole matrix the server has received zero requests", () => {
  assert.equal(vendor.requests.length, 0);
});
