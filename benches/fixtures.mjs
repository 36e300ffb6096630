// The request every signer signs (browser-safe: no Node imports).
export const URL_P2P = "https://rtc.volcengineapi.com/?Action=P2PSendMessage&Version=2020-12-01";
export const HOST = "rtc.volcengineapi.com";
export const QUERY = { Action: "P2PSendMessage", Version: "2020-12-01" };
export const REGION = "cn-north-1";
export const SERVICE = "rtc";
// Public test values (the simulator's defaults), not real keys.
export const ACCESS_KEY_ID = "AKLTsimulator";
export const SECRET_ACCESS_KEY = "c2ltdWxhdG9yLXNlY3JldC1rZXk=";
export const DATE = new Date("2024-06-07T10:33:44Z");
export const X_DATE = "20240607T103344Z";
export const HEADERS = { "Content-Type": "application/json" };

// Keep these two byte-identical with examples/bench_sign.rs.
export const SMALL_BODY =
  '{"AppId":666675,"Sender":10008,"ConversationShortId":7221856821303361536,"MsgType":10013,' +
  '"Content":"{\\"type\\":1000,\\"text\\":\\"hello from the benchmark\\"}","ReceiverUserId":[10001,10002,10003]}';
const BIG_PREFIX = '{"AppId":666675,"Sender":10008,"ConversationShortId":7221856821303361536,"MsgType":10013,"Content":"';
const BIG_SUFFIX = '"}';
export const BIG_LEN = 65536;
export const BIG_BODY = BIG_PREFIX + "x".repeat(BIG_LEN - BIG_PREFIX.length - BIG_SUFFIX.length) + BIG_SUFFIX;
export const BODIES = { small: SMALL_BODY, big: BIG_BODY };


/** volc-im `signRequest` options for this request with `body`. */
export const signOptions = (body) => ({
  method: "POST",
  url: URL_P2P,
  headers: HEADERS,
  body,
  accessKeyId: ACCESS_KEY_ID,
  secretAccessKey: SECRET_ACCESS_KEY,
  region: REGION,
  service: SERVICE,
  date: DATE,
});

/** A P2PSendMessage success envelope, as a stub `fetch` answers it (profile-boundary.mjs, send-stub.mjs). */
export const P2P_ENVELOPE = JSON.stringify({
  ResponseMetadata: { RequestId: "r", Action: "P2PSendMessage", Version: "2020-12-01", Service: "rtc", Region: "cn-north-1" },
  Result: { P2PResult: [{ UserId: 10001, Code: "SUCCESS", DevicePlatform: "Web" }, { UserId: 10002, Code: "SUCCESS", DevicePlatform: "Web" }, { UserId: 10003, Code: "NOT_ONLINE", DevicePlatform: "Default" }] },
});
