// Reliability, part 1: bad input never reaches the network. Every kind of bad input to the
// ImClient constructor, p2pSendMessage, call() and signRequest is refused with a VolcError
// { code: "InvalidArgument", attempts: 0, retryable: false } whose message starts with the
// field's name — and the real simulator, which every client here points at, sees zero requests.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ImClient, isVolcError, signRequest } from "../../pkg/node.mjs";
import { AK, APP, CONV, SK, STS, body, startSim, watchUnhandled } from "./fixtures/reliability-kit.mjs";

const unhandled = watchUnhandled();
let sim;

before(async () => {
  sim = await startSim();
});
after(async () => {
  await sim?.stop();
});

const opts = (extra) => ({ accessKeyId: AK, secretAccessKey: SK, endpoint: sim.url, ...extra });
const ok = () => new ImClient(opts());
const p2p = (patch, callOptions) => () => ok().p2pSendMessage({ ...body(), ...patch }, callOptions);
const sign = (patch) => () => signRequest({
  method: "POST",
  url: `${sim.url}/?Action=P2PSendMessage&Version=2020-12-01`,
  headers: { "Content-Type": "application/json" },
  body: "{}",
  accessKeyId: AK,
  secretAccessKey: SK,
  region: "cn-north-1",
  service: "rtc",
  ...patch,
});
const omit = (o, k) => Object.fromEntries(Object.entries(o).filter(([key]) => key !== k));

// [what, field the message must start with, how]. "ctor" cases must throw synchronously;
// "call" cases must return a promise that rejects (never throw synchronously).
const ctor = (options) => ({ kind: "ctor", run: () => new ImClient(options()) });
const call = (run) => ({ kind: "call", run });

const CASES = [
  // --- the constructor: credentials -------------------------------------------------------
  ["options is not an object", "options", ctor(() => "AKLTsimulator")],
  ["options is an array", "options", ctor(() => [AK, SK])],
  ["unknown option key (timeout instead of timeoutMs)", "options", ctor(() => opts({ timeout: 5 }))],
  ["no options at all", "accessKeyId", ctor(() => undefined)],
  ["accessKeyId missing", "accessKeyId", ctor(() => omit(opts(), "accessKeyId"))],
  ["accessKeyId empty", "accessKeyId", ctor(() => opts({ accessKeyId: "" }))],
  ["accessKeyId a number", "accessKeyId", ctor(() => opts({ accessKeyId: 12345 }))],
  ["accessKeyId with a comma", "accessKeyId", ctor(() => opts({ accessKeyId: "AKLT,x" }))],
  ["accessKeyId with a space", "accessKeyId", ctor(() => opts({ accessKeyId: "AKLT x" }))],
  ["secretAccessKey missing", "secretAccessKey", ctor(() => omit(opts(), "secretAccessKey"))],
  ["secretAccessKey empty", "secretAccessKey", ctor(() => opts({ secretAccessKey: "" }))],
  ["secretAccessKey a Uint8Array", "secretAccessKey", ctor(() => opts({ secretAccessKey: new Uint8Array(4) }))],
  ["sessionToken empty", "sessionToken", ctor(() => opts({ sessionToken: "" }))],
  ["sessionToken a number", "sessionToken", ctor(() => opts({ sessionToken: 1 }))],
  ["credentials together with accessKeyId", "credentials", ctor(() => opts({ credentials: async () => STS }))],
  ["credentials together with sessionToken only", "credentials",
    ctor(() => ({ endpoint: sim.url, credentials: async () => STS, sessionToken: STS.sessionToken }))],
  ["credentials not a function", "credentials", ctor(() => ({ endpoint: sim.url, credentials: STS }))],
  // --- the constructor: where to send -----------------------------------------------------
  ["endpoint not a URL", "endpoint", ctor(() => opts({ endpoint: "not a url" }))],
  ["endpoint with another scheme", "endpoint", ctor(() => opts({ endpoint: "ftp://127.0.0.1:21" }))],
  ["endpoint without a host", "endpoint", ctor(() => opts({ endpoint: "http://" }))],
  ["endpoint with a path", "endpoint", ctor(() => opts({ endpoint: `${sim.url}/api` }))],
  ["endpoint with a query", "endpoint", ctor(() => opts({ endpoint: `${sim.url}/?x=1` }))],
  ["endpoint empty", "endpoint", ctor(() => opts({ endpoint: "" }))],
  ["unknown region without an endpoint", "endpoint", ctor(() => omit(opts({ region: "eu-west-9" }), "endpoint"))],
  ["region empty", "region", ctor(() => opts({ region: "" }))],
  ["region a number", "region", ctor(() => opts({ region: 1 }))],
  // --- the constructor: reliability options -----------------------------------------------
  ["timeoutMs 0", "timeoutMs", ctor(() => opts({ timeoutMs: 0 }))],
  ["timeoutMs negative", "timeoutMs", ctor(() => opts({ timeoutMs: -100 }))],
  ["timeoutMs NaN", "timeoutMs", ctor(() => opts({ timeoutMs: NaN }))],
  ["timeoutMs Infinity", "timeoutMs", ctor(() => opts({ timeoutMs: Infinity }))],
  ["timeoutMs fractional", "timeoutMs", ctor(() => opts({ timeoutMs: 1.5 }))],
  ["timeoutMs above 2^31-1 (setTimeout's limit)", "timeoutMs", ctor(() => opts({ timeoutMs: 2 ** 31 }))],
  ["timeoutMs a string", "timeoutMs", ctor(() => opts({ timeoutMs: "5000" }))],
  ["timeoutMs a bigint", "timeoutMs", ctor(() => opts({ timeoutMs: 5000n }))],
  ["deadlineMs 0", "deadlineMs", ctor(() => opts({ deadlineMs: 0 }))],
  ["deadlineMs NaN", "deadlineMs", ctor(() => opts({ deadlineMs: NaN }))],
  ["deadlineMs a string", "deadlineMs", ctor(() => opts({ deadlineMs: "1s" }))],
  ["qps negative", "qps", ctor(() => opts({ qps: -1 }))],
  ["qps NaN", "qps", ctor(() => opts({ qps: NaN }))],
  ["qps Infinity", "qps", ctor(() => opts({ qps: Infinity }))],
  ["qps a string", "qps", ctor(() => opts({ qps: "10" }))],
  ["retries fractional", "retries", ctor(() => opts({ retries: 1.5 }))],
  ["retries negative", "retries", ctor(() => opts({ retries: -1 }))],
  ["retries above 10", "retries", ctor(() => opts({ retries: 11 }))],
  ["retries a string", "retries", ctor(() => opts({ retries: "2" }))],
  ["retryUnsafe a string", "retryUnsafe", ctor(() => opts({ retryUnsafe: "yes" }))],
  ["retryUnsafe a number", "retryUnsafe", ctor(() => opts({ retryUnsafe: 1 }))],
  ["clockOffsetMs NaN", "clockOffsetMs", ctor(() => opts({ clockOffsetMs: NaN }))],
  ["clockOffsetMs -Infinity", "clockOffsetMs", ctor(() => opts({ clockOffsetMs: -Infinity }))],
  ["clockOffsetMs beyond 1000 days", "clockOffsetMs", ctor(() => opts({ clockOffsetMs: 1e11 }))],
  ["clockOffsetMs a string", "clockOffsetMs", ctor(() => opts({ clockOffsetMs: "0" }))],
  ["autoClockSkew a string", "autoClockSkew", ctor(() => opts({ autoClockSkew: "true" }))],
  ["autoClockSkew a number", "autoClockSkew", ctor(() => opts({ autoClockSkew: 1 }))],
  ["onEvent an object", "onEvent", ctor(() => opts({ onEvent: {} }))],
  ["onEvent true", "onEvent", ctor(() => opts({ onEvent: true }))],
  ["fetch a string", "fetch", ctor(() => opts({ fetch: "fetch" }))],
  ["int64 \"number\"", "int64", ctor(() => opts({ int64: "number" }))],
  // --- p2pSendMessage: the body -----------------------------------------------------------
  ["body a number", "body", call(() => ok().p2pSendMessage(42))],
  ["body broken JSON text", "body", call(() => ok().p2pSendMessage("{\"AppId\":"))],
  ["body JSON text of an array", "body", call(() => ok().p2pSendMessage("[1]"))],
  ["body with an unknown field (ReceiverUserIds)", "body", call(p2p({ ReceiverUserIds: ["10002"] }))],
  ["AppId missing", "AppId", call(p2p({ AppId: undefined }))],
  ["AppId a string", "AppId", call(p2p({ AppId: String(APP) }))],
  ["AppId fractional", "AppId", call(p2p({ AppId: 1.5 }))],
  ["AppId beyond int32", "AppId", call(p2p({ AppId: 2 ** 31 }))],
  ["AppId NaN", "AppId", call(p2p({ AppId: NaN }))],
  ["Sender missing", "Sender", call(p2p({ Sender: null }))],
  ["Sender an unsafe number (2^53+2)", "Sender", call(p2p({ Sender: 2 ** 53 + 2 }))],
  ["Sender NaN", "Sender", call(p2p({ Sender: NaN }))],
  ["Sender Infinity", "Sender", call(p2p({ Sender: Infinity }))],
  ["Sender fractional", "Sender", call(p2p({ Sender: 10001.5 }))],
  ["Sender with an exponent (\"1e4\")", "Sender", call(p2p({ Sender: "1e4" }))],
  ["Sender with a plus sign", "Sender", call(p2p({ Sender: "+10001" }))],
  ["Sender with spaces", "Sender", call(p2p({ Sender: " 10001" }))],
  ["Sender hexadecimal", "Sender", call(p2p({ Sender: "0x2711" }))],
  ["Sender a decimal string beyond int64", "Sender", call(p2p({ Sender: "9223372036854775808" }))],
  ["Sender a boolean", "Sender", call(p2p({ Sender: true }))],
  ["ConversationShortId a bigint above int64", "ConversationShortId", call(p2p({ ConversationShortId: 2n ** 63n }))],
  ["ConversationShortId a bigint below int64", "ConversationShortId", call(p2p({ ConversationShortId: -(2n ** 63n) - 1n }))],
  ["ConversationShortId a JSON literal beyond int64", "ConversationShortId",
    call(() => ok().p2pSendMessage(`{"AppId":${APP},"Sender":10001,"ConversationShortId":99999999999999999999,"MsgType":1,"Content":"x"}`))],
  ["ConversationShortId missing", "ConversationShortId", call(p2p({ ConversationShortId: undefined }))],
  ["MsgType missing", "MsgType", call(p2p({ MsgType: undefined }))],
  ["MsgType a bigint", "MsgType", call(p2p({ MsgType: 7n }))],
  ["Content missing", "Content", call(p2p({ Content: undefined }))],
  ["Content an object", "Content", call(p2p({ Content: { text: "hi" } }))],
  ["ReceiverUserId not an array", "ReceiverUserId", call(p2p({ ReceiverUserId: "10002" }))],
  ["ReceiverUserId with a duplicate id (number and string)", "ReceiverUserId[1]", call(p2p({ ReceiverUserId: [10002, "10002"] }))],
  ["IgnoreUserIds with a duplicate id (bigint and string)", "IgnoreUserIds[1]", call(p2p({ IgnoreUserIds: [10002n, "10002"] }))],
  ["IgnoreUserIds with an unsafe number", "IgnoreUserIds[0]", call(p2p({ IgnoreUserIds: [2 ** 60] }))],
  // --- p2pSendMessage: call options -------------------------------------------------------
  ["callOptions a string", "callOptions", call(p2p({}, "fast"))],
  ["callOptions with an unknown key (timeoutMs per call)", "callOptions", call(p2p({}, { timeoutMs: 5 }))],
  ["callOptions version on p2pSendMessage", "callOptions", call(p2p({}, { version: "2020-12-01" }))],
  ["signal a plain object", "signal", call(p2p({}, { signal: {} }))],
  ["signal a string", "signal", call(p2p({}, { signal: "abort" }))],
  ["signal a class instance that is not an AbortSignal", "signal", call(p2p({}, { signal: new Map() }))],
  ["signal an AbortController (not its signal)", "signal", call(p2p({}, { signal: new AbortController() }))],
  // --- call() -----------------------------------------------------------------------------
  ["action not a string", "action", call(() => ok().call(42, {}))],
  ["action with a space", "action", call(() => ok().call("P2P SendMessage", {}))],
  ["action empty", "action", call(() => ok().call("", {}))],
  ["version with a slash", "version", call(() => ok().call("P2PSendMessage", {}, { version: "2020/12/01" }))],
  ["int64Fields not an array", "int64Fields", call(() => ok().call("P2PSendMessage", {}, { int64Fields: "UserId" }))],
  ["int64Fields with a number", "int64Fields", call(() => ok().call("P2PSendMessage", {}, { int64Fields: [1] }))],
  ["call() callOptions with an unknown key", "callOptions", call(() => ok().call("P2PSendMessage", {}, { retries: 5 }))],
  ["call() signal a number", "signal", call(() => ok().call("P2PSendMessage", {}, { signal: 1 }))],
  ["call() body a boolean", "body", call(() => ok().call("P2PSendMessage", true))],
  ["call() body with NaN", "body.a", call(() => ok().call("P2PSendMessage", { a: NaN }))],
  ["call() body with Infinity in an array", "body.a[1]", call(() => ok().call("P2PSendMessage", { a: [1, Infinity] }))],
  ["call() body with an unsafe integer", "body.Id", call(() => ok().call("P2PSendMessage", { Id: 2 ** 60 }))],
  ["call() body with a bigint beyond int64", "body.x", call(() => ok().call("P2PSendMessage", { x: 2n ** 64n }))],
  ["call() body with a function", "body.f", call(() => ok().call("P2PSendMessage", { f: () => 1 }))],
  ["call() body with a symbol", "body.s", call(() => ok().call("P2PSendMessage", { s: Symbol("s") }))],
  // --- a credentials() function that resolves to something unusable -----------------------
  ["credentials() resolving to a string", "credentials()",
    call(() => new ImClient({ endpoint: sim.url, credentials: async () => "AKLT:secret" }).p2pSendMessage(body()))],
  ["credentials() with an empty accessKeyId", "credentials().accessKeyId",
    call(() => new ImClient({ endpoint: sim.url, credentials: async () => ({ ...STS, accessKeyId: "" }) }).p2pSendMessage(body()))],
  ["credentials() without a secret", "credentials().secretAccessKey",
    call(() => new ImClient({ endpoint: sim.url, credentials: async () => omit(STS, "secretAccessKey") }).p2pSendMessage(body()))],
  // --- signRequest ------------------------------------------------------------------------
  ["signRequest options not an object", "options", call(() => signRequest("POST"))],
  ["signRequest unknown key", "options", call(sign({ signal: null, expires: 60 }))],
  ["signRequest method missing", "method", call(sign({ method: undefined }))],
  ["signRequest method a number", "method", call(sign({ method: 1 }))],
  ["signRequest url not a URL", "url", call(sign({ url: "/relative?Action=x" }))],
  ["signRequest url with another scheme", "url", call(sign({ url: "ws://127.0.0.1/" }))],
  ["signRequest headers not an object", "headers", call(sign({ headers: "Content-Type: application/json" }))],
  ["signRequest a header value not a string", "headers[\"X-Count\"]", call(sign({ headers: { "X-Count": 1 } }))],
  ["signRequest body a number", "body", call(sign({ body: 42 }))],
  ["signRequest accessKeyId empty", "accessKeyId", call(sign({ accessKeyId: "" }))],
  ["signRequest secretAccessKey missing", "secretAccessKey", call(sign({ secretAccessKey: undefined }))],
  ["signRequest region missing", "region", call(sign({ region: undefined }))],
  ["signRequest region with a slash", "region", call(sign({ region: "cn/north" }))],
  ["signRequest service missing", "service", call(sign({ service: undefined }))],
  ["signRequest date invalid", "date", call(sign({ date: new Date(NaN) }))],
  ["signRequest date a number", "date", call(sign({ date: Date.now() }))],
];

test(`${CASES.length} kinds of bad input: InvalidArgument naming the field, and the simulator sees nothing`, async () => {
  assert.ok(CASES.length >= 40);
  assert.equal(new Set(CASES.map((c) => c[0])).size, CASES.length, "case names are distinct");
  await sim.fresh();
  const problems = [];
  for (const [what, field, { kind, run }] of CASES) {
    let error;
    if (kind === "ctor") {
      try {
        run();
        problems.push(`${what}: the constructor did not throw`);
        continue;
      } catch (e) {
        error = e;
      }
    } else {
      let promise;
      try {
        promise = run();
      } catch (e) {
        problems.push(`${what}: threw synchronously instead of rejecting: ${e}`);
        continue;
      }
      if (!(promise instanceof Promise)) {
        problems.push(`${what}: did not return a promise`);
        continue;
      }
      error = await promise.then(() => undefined, (e) => e);
      if (error === undefined) {
        problems.push(`${what}: resolved`);
        continue;
      }
    }
    const shown = `${what}: ${JSON.stringify(error)}`;
    if (!isVolcError(error) || error.code !== "InvalidArgument") problems.push(`${shown} is not an InvalidArgument VolcError`);
    else if (!error.message.startsWith(`${field}: `)) problems.push(`${what}: message ${JSON.stringify(error.message)} does not start with "${field}: "`);
    else if (error.attempts !== 0 || error.retryable !== false) problems.push(`${shown}: attempts/retryable`);
    else if ([SK, STS.secretAccessKey, STS.sessionToken].some((s) => error.message.includes(s))) problems.push(`${what}: the message quotes a secret`);
  }
  assert.deepEqual(problems, []);
  const stats = await sim.stats();
  assert.equal(stats.requests, 0, `the simulator received requests: ${JSON.stringify(stats)}`);
  assert.deepEqual(stats.byCode, {});
});

test("control: the same clients with good input do reach the simulator", async () => {
  await sim.fresh();
  const res = await ok().p2pSendMessage(body());
  assert.equal(res.Result.P2PResult.length, 4);
  const signed = await sign({})(); // good input signs (and, as always, sends nothing)
  assert.match(signed.headers.Authorization, /^HMAC-SHA256 Credential=AKLTsimulator\//);
  const stats = await sim.stats();
  assert.equal(stats.requests, 1);
  assert.deepEqual(stats.byCode, { SUCCESS: 1 });
});

// A bad `signingRegion` is reported under its own name, not as "region".
test("a bad signingRegion is reported as signingRegion", async () => {
  await sim.fresh();
  let error;
  try {
    new ImClient(opts({ signingRegion: "cn/north" }));
  } catch (e) {
    error = e;
  }
  assert.ok(isVolcError(error) && error.code === "InvalidArgument", String(error));
  assert.ok(error.message.startsWith("signingRegion: "), `message: ${JSON.stringify(error.message)}`);
  assert.equal((await sim.stats()).requests, 0);
});

test("no unhandled rejection in this file", () => {
  assert.deepEqual(unhandled, []);
});
