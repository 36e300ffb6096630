// Each line marked `MUST-FAIL` has a deliberate type error; test.mjs asserts tsc reports
// errors on exactly these lines (so the declarations are real types, not `any`).
import { ImClient, initWasm, signRequest } from "volc-im";

const keys = { accessKeyId: "AKLTx", secretAccessKey: "s" };
const client = new ImClient({ ...keys });
const bigClient = new ImClient({ ...keys, int64: "bigint" });

export async function wrong(): Promise<void> {
  await client.p2pSendMessage({
    AppId: 1,
    Sender: 1n,
    ConversationShortId: new Date(), // MUST-FAIL: a Date is not an Int64Input
    MsgType: 1,
    Content: "",
  });
  new ImClient({ ...keys, timeout: 5 }); // MUST-FAIL: unknown option key (it is timeoutMs)
  const res = await client.p2pSendMessage({ AppId: 1, Sender: 1, ConversationShortId: 1, MsgType: 1, Content: "" });
  const id: bigint = res.Result.P2PResult[0]!.UserId; // MUST-FAIL: default client gives string ids
  const big = await bigClient.p2pSendMessage("{}");
  const s: string = big.Result.P2PResult[0]!.UserId; // MUST-FAIL: int64 "bigint" gives bigint ids
  await client.p2pSendMessage({ AppId: 1, Sender: 1, ConversationShortId: 1, MsgType: 1, Content: { text: "hi" } }); // MUST-FAIL: Content must be a string
  await client.p2pSendMessage({ AppId: 1, Sender: 1, ConversationShortId: 1, MsgType: 1, Content: "", ReceiverUserIds: [1] }); // MUST-FAIL: misspelt field
  new ImClient({ ...keys, int64: "number" }); // MUST-FAIL: int64 is "string" | "bigint"
  await signRequest({ method: "GET", url: "https://x/", ...keys, region: "r" }); // MUST-FAIL: service is required
  try {
    await client.p2pSendMessage("{}");
  } catch (err) {
    err.code; // MUST-FAIL: a caught error is unknown until narrowed (isVolcError)
  }
  await initWasm(42); // MUST-FAIL: not a URL, string, Response, bytes or WebAssembly.Module
  await initWasm(null); // MUST-FAIL: no null (leave the argument out for the default place)
  void id;
  void s;
}
