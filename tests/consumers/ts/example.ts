// Type-checks (and, emitted, runs) against volc-im's published declarations, resolved by
// NodeNext through the package `exports` (`import` + `types`).
import {
  IM_SERVICE,
  IM_VERSION,
  ImClient,
  P2P_SEND_MESSAGE,
  initWasm,
  isVolcError,
  signRequest,
  VolcError,
  type Int64Input,
  type P2PSendMessageRequest,
  type P2PSendMessageResponse,
  type SignedRequest,
  type VolcErrorCode,
} from "volc-im";
import * as signOnly from "volc-im/sign";

// Exact type equality (false for `any` against anything else).
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_: T): void => {};

// `volc-im/sign` declares the very same signRequest and error class.
assertType<Equals<typeof signOnly.signRequest, typeof signRequest>>(true);
assertType<Equals<signOnly.SignedRequest, SignedRequest>>(true);
assertType<Equals<typeof signOnly.VolcError, typeof VolcError>>(true);
assertType<Equals<typeof signOnly.initWasm, typeof initWasm>>(true);

// The IM constants are literal types (generated from the Rust source), the same from both entries.
assertType<Equals<string extends typeof IM_VERSION ? true : false, false>>(true);
assertType<Equals<string extends typeof P2P_SEND_MESSAGE ? true : false, false>>(true);
assertType<Equals<typeof signOnly.IM_SERVICE, typeof IM_SERVICE>>(true);
export const signedUrl = `https://${IM_SERVICE}.volcengineapi.com/?Action=${P2P_SEND_MESSAGE}&Version=${IM_VERSION}`;

// initWasm: every documented kind of source, or none; a promise of nothing.
export async function locateWasm(bytes: Uint8Array, module: WebAssembly.Module): Promise<void> {
  await initWasm();
  await initWasm(new URL("volc_im_bg.wasm", "https://cdn.example/app/"));
  await initWasm("/assets/volc_im_bg.wasm");
  await initWasm(fetch("/assets/volc_im_bg.wasm"));
  await initWasm(await fetch("/assets/volc_im_bg.wasm"));
  await initWasm(bytes);
  await initWasm(bytes.buffer);
  await initWasm(module);
  await signOnly.initWasm(new URL("volc_im_sign_bg.wasm", "https://cdn.example/app/"));
  const done: void = await initWasm();
  void done;
}
const loadFailed: VolcErrorCode = "WasmLoadFailed";
void loadFailed;

const keys = { accessKeyId: "AKLTexample000000000000000000000", secretAccessKey: "c2VjcmV0" } as const;

// Options: every documented key.
const client = new ImClient({
  ...keys,
  sessionToken: "token",
  region: "ap-southeast-1",
  endpoint: "http://127.0.0.1:9",
  signingRegion: "ap-southeast-1",
  timeoutMs: 2_000,
  fetch: (input, init) => fetch(input, init),
});
const bigClient = new ImClient({ ...keys, region: "cn-north-1", int64: "bigint" });
// The global fetch itself is a FetchLike.
export const withGlobalFetch = new ImClient({ ...keys, fetch });

// Ids as bigint | string | number.
const ids: Int64Input[] = [9007199254740993n, "7221856821303361536", 10010];
const body: P2PSendMessageRequest = {
  AppId: 666675,
  Sender: 10008,
  ConversationShortId: 7221856821303361536n,
  MsgType: 10013,
  Content: JSON.stringify({ type: 1000 }),
  ReceiverUserId: ids,
  IgnoreUserIds: ["1", 2n, 3],
};

export async function send(): Promise<string[]> {
  const res = await client.p2pSendMessage(body, { signal: AbortSignal.timeout(1_000) });
  assertType<Equals<typeof res, P2PSendMessageResponse<string>>>(true);
  const first = res.Result.P2PResult[0];
  const asString: string | undefined = first?.UserId; // default: decimal strings
  assertType<Equals<NonNullable<typeof first>["UserId"], string>>(true);
  return res.Result.P2PResult.map((r) => `${r.UserId}:${r.Code}:${asString ?? ""}`);
}

export async function sendBig(): Promise<bigint> {
  const res = await bigClient.p2pSendMessage(JSON.stringify({ AppId: 1, Sender: 1, ConversationShortId: 1, MsgType: 1, Content: "" }));
  let total: bigint = 0n;
  for (const r of res.Result.P2PResult) {
    const id: bigint = r.UserId; // int64: "bigint"
    total += id;
  }
  assertType<Equals<(typeof res)["Result"]["P2PResult"][number]["UserId"], bigint>>(true);
  return total;
}

// Narrowing the error code union.
export function describe(err: unknown): string {
  if (!isVolcError(err)) return "not a VolcError";
  assertType<Equals<typeof err, VolcError>>(true);
  const code: VolcErrorCode = err.code;
  switch (code) {
    case "SignatureDoesNotMatch":
    case "InvalidAccessKey":
      return `credentials: ${err.requestId ?? "-"} ${err.codeN ?? "-"}`;
    case "InvalidArgument":
      return `bad input: ${err.message}`;
    case "NetworkError":
    case "Timeout":
      return `transport, retryable=${err.retryable}`;
    case "FlowLimitExceeded":
      return `slow down (HTTP ${err.status ?? "-"})`;
    default:
      return `other: ${code}`;
  }
}

export async function sign(date: Date): Promise<SignedRequest> {
  const signed = await signRequest({
    method: "POST",
    url: "https://rtc.volcengineapi.com/?Action=P2PSendMessage&Version=2020-12-01",
    headers: { "Content-Type": "application/json" },
    body: new TextEncoder().encode("{}"),
    ...keys,
    region: "cn-north-1",
    service: "rtc",
    date,
  });
  const auth: string | undefined = signed.headers["Authorization"];
  void auth;
  return signed;
}

// Run when emitted (test.mjs): the runtime must agree with the declarations.
export async function selfTest(): Promise<string[]> {
  const out: string[] = [];
  try {
    await client.p2pSendMessage({ ...body, Sender: 2 ** 60 }); // a Number past 2^53: rejected
  } catch (err) {
    out.push(describe(err));
  }
  try {
    new ImClient({ ...keys, timeoutMs: 0 });
  } catch (err) {
    out.push(describe(err));
  }
  out.push((await sign(new Date(Date.UTC(2024, 5, 7, 10, 33, 44)))).signedHeaders);
  const alone = await signOnly.signRequest({
    method: "POST",
    url: "https://rtc.volcengineapi.com/",
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    region: "cn-north-1",
    service: "rtc",
  });
  out.push(alone.signedHeaders);
  return out;
}
