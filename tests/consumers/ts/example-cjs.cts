// CommonJS consumer: `import x = require()` under NodeNext resolves the `require` condition
// (index.d.cts / index.cjs).
import volc = require("volc-im");
import volcSign = require("volc-im/sign");

// The signer-only entry through `require` (sign.d.cts / sign.cjs).
export async function signOnlyCjs(): Promise<string> {
  const signed: volc.SignedRequest = await volcSign.signRequest({
    method: "GET",
    url: "https://rtc.volcengineapi.com/",
    accessKeyId: "AKLTcjs",
    secretAccessKey: "c2VjcmV0LWNqcw",
    region: "cn-north-1",
    service: "rtc",
  });
  return signed.signedHeaders;
}

export async function signCjs(date: Date): Promise<volc.SignedRequest> {
  const signed: volc.SignedRequest = await volc.signRequest({
    method: "POST",
    url: "https://rtc.volcengineapi.com/?Action=P2PSendMessage&Version=2020-12-01",
    headers: { Host: "rtc.volcengineapi.com", "Content-Type": "application/json" },
    body: "{}",
    accessKeyId: "AKLTexample000000000000000000000",
    secretAccessKey: "c2VjcmV0",
    region: "cn-north-1",
    service: "rtc",
    date,
  });
  return signed;
}

export function clientCjs(): volc.ImClient<"bigint"> {
  return new volc.ImClient({ accessKeyId: "AKLTcjs", secretAccessKey: "c2VjcmV0LWNqcw==", int64: "bigint" });
}

export async function invalidCjs(): Promise<string> {
  try {
    await new volc.ImClient({ accessKeyId: "AKLTx", secretAccessKey: "s" }).p2pSendMessage({
      AppId: 1,
      Sender: "not a number",
      ConversationShortId: 1n,
      MsgType: 1,
      Content: "",
    });
    return "resolved";
  } catch (err) {
    if (volc.isVolcError(err)) {
      const code: volc.VolcErrorCode = err.code;
      return code === "InvalidArgument" ? `InvalidArgument instanceof=${err instanceof volc.VolcError}` : `other ${code}`;
    }
    return "not a VolcError";
  }
}

// initWasm through `require` too (index.d.cts, sign.d.cts).
export const initCjs: (source?: volc.WasmSource) => Promise<void> = volc.initWasm;
export const initSignCjs: typeof volc.initWasm = volcSign.initWasm;
