/** An int64 id: a BigInt, a decimal string (`/^-?[0-9]{1,19}$/`, within int64), or a
 * `number` only when `Number.isSafeInteger` (larger numbers have already lost digits). */
export type Int64Input = bigint | string | number;

/** How int64 values come back: decimal strings (default) or BigInts. */
export type Int64Mode = "string" | "bigint";

/** Codes produced by the client itself. */
export type ClientErrorCode =
  | "InvalidArgument"
  | "Timeout"
  | "Aborted"
  | "NetworkError"
  | "InvalidResponse"
  | "CredentialsError"
  | "WasmLoadFailed";

/** The vendor's common and IM error codes (passed through unchanged). */
export type VendorErrorCode =
  | "MissingParameter"
  | "MissingAuthenticationToken"
  | "MissingRequestInfo"
  | "MissingSignature"
  | "InvalidTimestamp"
  | "ServiceNotFound"
  | "InvalidActionOrVersion"
  | "InvalidAccessKey"
  | "SignatureDoesNotMatch"
  | "LackPolicy"
  | "AccessDenied"
  | "InternalError"
  | "FailToConnect"
  | "InternalServiceTimeout"
  | "FlowLimitExceeded"
  | "ServiceUnavailableTemp"
  | "InvalidSecretToken"
  | "JsonParsingError"
  | "ConversationNotFound"
  | "ParticipantNotInConversation"
  | "InvalidParam"
  | "AppNotFound"
  | "AppStatusException"
  | "NoAuth";

/** Every code a `VolcError` can carry; other vendor codes also pass through as strings. */
export type VolcErrorCode = ClientErrorCode | VendorErrorCode | (string & {});

/** The one error class every failure rejects with. */
export declare class VolcError extends Error {
  /** Errors are made by the package; use `isVolcError` or `instanceof` to recognise them. */
  private constructor();
  readonly name: "VolcError";
  /** Vendor code (e.g. `SignatureDoesNotMatch`) or a client code (e.g. `InvalidArgument`). */
  readonly code: VolcErrorCode;
  /** The vendor's numeric `CodeN`, when sent. */
  readonly codeN?: number;
  /** The vendor's `RequestId`, when a response arrived. */
  readonly requestId?: string;
  /** The HTTP status, when a response arrived. */
  readonly status?: number;
  /** The OpenAPI action, e.g. `P2PSendMessage`. */
  readonly action?: string;
  /** True only when the request certainly was not processed (safe to retry). */
  readonly retryable: boolean;
  /** How many HTTP attempts were made (0: nothing was sent). */
  readonly attempts: number;
  readonly cause?: unknown;
  toJSON(): {
    name: "VolcError";
    code: VolcErrorCode;
    message: string;
    codeN?: number;
    requestId?: string;
    status?: number;
    action?: string;
    retryable: boolean;
    attempts: number;
  };
}

/** True for a `VolcError` from any copy of this package. */
export declare function isVolcError(value: unknown): value is VolcError;

/** A `fetch`-compatible function (the global `fetch` is one). */
export type FetchLike = (input: string, init: {
  method: string;
  headers: Record<string, string>;
  /** A fresh `Uint8Array` over its own `ArrayBuffer`: `Uint8Array<ArrayBuffer>` on TypeScript
   * ≥ 5.7 (what `fetch`'s `BodyInit` accepts; a plain `Uint8Array` there is not), and
   * `Uint8Array` on older TypeScript, whose `Uint8Array` is not generic. */
  body: ReturnType<Uint8Array["slice"]>;
  signal: AbortSignal;
}) => Promise<Response>;

/** Credentials as a `credentials()` function returns them (e.g. from STS). */
export interface ProvidedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When they expire; the client asks again a minute before. */
  expiration?: Date | number;
}

/** What `onEvent` is told (never a secret or a header). */
export type ClientEvent =
  | { type: "request"; action: string; attempt: number }
  | { type: "response"; action: string; attempt: number; status?: number; requestId?: string; code?: VolcErrorCode; durationMs?: number }
  | { type: "retry"; action: string; attempt: number; code: VolcErrorCode; delayMs: number }
  | { type: "throttle"; action: string; delayMs: number }
  | { type: "clockSkew"; action: string; offsetMs: number; correctionMs: number }
  | { type: "credentials"; action: string };

interface CommonClientOptions<M extends Int64Mode> {
  /** Region: `"cn-north-1"` (default) | `"ap-southeast-1"` | any string with `endpoint`. */
  region?: "cn-north-1" | "ap-southeast-1" | (string & {});
  /** Base URL, e.g. `"http://127.0.0.1:8780"`. Default: the region's IM endpoint. */
  endpoint?: string;
  /** Region in the credential scope, when it differs from `region`. Default: `region`. */
  signingRegion?: string;
  /** Per-attempt timeout in ms. Default 10000. Time queued for `qps` does not count. */
  timeoutMs?: number;
  /** Limit over all attempts, queueing and backoff included. Default: none. */
  deadlineMs?: number;
  /** Client-side limit: requests are queued so the server never sees more than this many in
   * any second. Default 100 (the vendor's per-app limit); 0 turns it off. It is this client's
   * own: two clients on one AppId each send up to it — share a `limiter` instead. */
  qps?: number;
  /** One limit shared by several clients of this process (instead of `qps`, not with it). Across
   * processes or isolates, the relay Worker's gate holds the limit. */
  limiter?: QpsLimiter;
  /** Largest response body read, in bytes; past it the call fails with `InvalidResponse` and
   * the rest is not read. Default 1048576 (1 MiB: every IM result fits with room). */
  maxResponseBytes?: number;
  /** Retries of failures that certainly were not processed (`FlowLimitExceeded`/429,
   * `ServiceUnavailableTemp`, `FailToConnect`, refused connections), with jittered exponential
   * backoff. Default 2. */
  retries?: number;
  /** Also retry timeouts, lost connections and 5xx, which may have been processed. A retried
   * P2P message can be delivered twice. Default false. */
  retryUnsafe?: boolean;
  /** Added to the local clock when signing (ms). Default 0. */
  clockOffsetMs?: number;
  /** On `InvalidTimestamp`, learn the offset from the server's `Date` and retry once. Default true. */
  autoClockSkew?: boolean;
  /** `fetch` to use. Default: the global `fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Observability hook. */
  onEvent?: (event: ClientEvent) => void;
  /** How int64 comes back. Default `"string"`. */
  int64?: M;
}

export interface StaticCredentialOptions {
  /** Access key id (`AKLT…`, or `AKTP…` with a session token). */
  accessKeyId: string;
  /** Secret access key. Never ship a long-term key to a browser. */
  secretAccessKey: string;
  /** STS session token, sent and signed as `X-Security-Token`. */
  sessionToken?: string;
  credentials?: never;
}

export interface ProvidedCredentialOptions {
  /** Called when credentials are needed, again before `expiration` and after
   * `InvalidSecretToken`; never twice at once. */
  credentials: () => ProvidedCredentials | Promise<ProvidedCredentials>;
  accessKeyId?: never;
  secretAccessKey?: never;
  sessionToken?: never;
}

export type ImClientOptions<M extends Int64Mode = Int64Mode> = CommonClientOptions<M> &
  (StaticCredentialOptions | ProvidedCredentialOptions);

export interface P2PSendMessageRequest {
  AppId: number;
  Sender: Int64Input;
  ConversationShortId: Int64Input;
  MsgType: number;
  /** Passed through untouched: serialise structured content yourself. */
  Content: string;
  /** When non-empty: only these users receive it, and `IgnoreUserIds` is not applied. */
  ReceiverUserId?: readonly Int64Input[];
  /** Users left out (only when `ReceiverUserId` is empty). */
  IgnoreUserIds?: readonly Int64Input[];
}

export interface ResponseMetadata {
  RequestId: string;
  Action: string;
  Version: string;
  Service: string;
  Region: string;
}

/** `SUCCESS`: received; `NOT_ONLINE`: offline, not delivered (data, not an error). */
export type P2PResultCode = "SUCCESS" | "NOT_ONLINE" | (string & {});
export type DevicePlatform = "Android" | "Web" | "IOS" | "Default" | (string & {});

export interface P2PResult<Id = string> {
  UserId: Id;
  Code: P2PResultCode;
  DevicePlatform: DevicePlatform;
}

export interface P2PSendMessageResponse<Id = string> {
  ResponseMetadata: ResponseMetadata;
  Result: { P2PResult: P2PResult<Id>[] };
}

/** A JSON value as `call()` returns it (large integers as strings, or BigInts). */
export type JsonValue = null | boolean | number | string | bigint | JsonValue[] | { [key: string]: JsonValue };
/** A request body for `call()`: JSON, where BigInts are written as exact integers. */
export type JsonInput = null | boolean | number | string | bigint | undefined | JsonInput[] | { [key: string]: JsonInput };

export interface P2PCallOptions {
  signal?: AbortSignal;
}

export interface CallOptions extends P2PCallOptions {
  /** API version. Default `"2020-12-01"`. */
  version?: string;
  /** Response fields whose integers always come back as strings (or BigInts). */
  int64Fields?: string[];
}

/** The id type results carry for an int64 mode. */
export type Int64Of<M extends Int64Mode> = M extends "bigint" ? bigint : string;

/** A client-side QPS limit that several `ImClient`s of one process share through their
 * `limiter` option: `new ImClient({ ..., limiter })`. */
export declare class QpsLimiter {
  /** `qps`: requests per second, above 0 and at most 100000. */
  constructor(options: { qps: number });
}

export declare class ImClient<M extends Int64Mode = "string"> {
  constructor(options: ImClientOptions<M>);
  /** Sends a pass-through message to the online members of a conversation. The body may also
   * be JSON text (parsed int64-exact). Ids come back as strings (or BigInts with `int64: "bigint"`). */
  p2pSendMessage(body: P2PSendMessageRequest | string, options?: P2PCallOptions): Promise<P2PSendMessageResponse<Int64Of<M>>>;
  /** Any IM action, e.g. `call<MarksResult>("GetConversationMarks", body)`. `T` describes
   * `Result` as you expect it; it is not checked at run time. */
  call<T = JsonValue>(action: string, body: { [key: string]: JsonInput } | string, options?: CallOptions): Promise<{ ResponseMetadata: ResponseMetadata; Result: T }>;
  /** Who the client is (access key id, region, endpoint); never the secret. */
  toString(): string;
  toJSON(): { accessKeyId?: string; region?: string; endpoint?: string };
  /** Releases the client's WebAssembly memory now instead of when it is garbage-collected.
   * The client cannot be used afterwards. */
  free(): void;
  /** `free()`, for `using client = new ImClient(...)`. Present where the runtime defines
   * `Symbol.dispose` (Node 18.18+ and 20.4+, Deno, Bun; browsers as they add it). */
  [Symbol.dispose](): void;
}

declare global {
  interface SymbolConstructor {
    /** Declared here for `ImClient[Symbol.dispose]` when the TypeScript lib lacks `esnext.disposable`
     * (as `@types/node` does); the same symbol as `lib.esnext.disposable`'s. */
    readonly dispose: unique symbol;
  }
}

/** Credentials from the environment, under the official Volcengine SDKs' names:
 * `VOLC_ACCESSKEY` (accessKeyId), `VOLC_SECRETKEY` (secretAccessKey) and, for temporary STS
 * keys, `VOLC_SESSION_TOKEN` (sessionToken). Read once, now; use as
 * `new ImClient({ credentials: fromEnv() })`. A missing or empty variable throws an
 * `InvalidArgument` `VolcError` naming it. Node, Deno (`--allow-env`) and Bun only: the
 * browser and Workers entries do not export it. */
export declare function fromEnv(): () => ProvidedCredentials;

export interface SignRequestOptions {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** The exact bytes to sign; or a JSON object/array, written here as JSON (BigInts as exact
   * integers, like `call()`) and returned as `SignedRequest.body`. */
  body?: string | Uint8Array | ArrayBuffer | { [key: string]: JsonInput } | JsonInput[];
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  /** Signing time. Default: now. */
  date?: Date;
}

export interface SignedRequest {
  /** The URL to send: its query is the canonical query that was signed. */
  url: string;
  /** Your headers plus `X-Date`, `X-Content-Sha256`, `Authorization` (and `X-Security-Token`). */
  headers: Record<string, string>;
  signedHeaders: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  /** The JSON text that was signed, when `body` was an object or array: send exactly this. */
  body?: string;
}

/** Signs a request (Volcengine HMAC-SHA256) without sending it. */
export declare function signRequest(options: SignRequestOptions): Promise<SignedRequest>;

/** Where the `.wasm` can come from: its URL (a `URL` or a string), a `Response`, its bytes, or
 * a compiled `WebAssembly.Module`. In Node, Deno and Bun a `file:` URL is read from disk.
 * (`& object`: the DOM's `WebAssembly.Module` has no members, so alone it would admit numbers.) */
export type WasmSource = URL | string | Response | ArrayBuffer | ArrayBufferView | (WebAssembly.Module & object);

/**
 * Loads the entry's `.wasm` (`volc_im_bg.wasm` in browsers, `volc_im_server_bg.wasm` in Node,
 * Deno, Bun and Workers, `volc_im_sign_bg.wasm` for `volc-im/sign`; another entry's file is
 * refused) from `source` — for builds that do not rewrite `new URL("volc_im_bg.wasm", import.meta.url)`
 * (esbuild, an IIFE or CommonJS bundle). Optional everywhere else: webpack 5, Vite, wrangler,
 * Node, Deno and Bun need no call, and without `source` it loads from that default place.
 * Call it before or after `new ImClient()`, before the first call. Resolves at once when the
 * module is already loaded. Rejects with `WasmLoadFailed` (naming the URL or path tried and the
 * fix) or, for a `source` of another type, `InvalidArgument`.
 */
export declare function initWasm(source?: WasmSource | PromiseLike<WasmSource>): Promise<void>;

/**
 * The IM OpenAPI's `Version`, its signing `service`, and the `Action` of `p2pSendMessage`
 * (`IM_VERSION`, `IM_SERVICE`, `P2P_SEND_MESSAGE`), as literal types: scripts/build-pkg.sh
 * writes them here from the Rust source (src/api/mod.rs, src/api/p2p.rs).
 */
// @volc-im-constants (replaced by the package build)
