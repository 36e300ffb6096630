// `volc-im/sign`: the request signer alone (a much smaller .wasm than the whole client).
export { signRequest, VolcError, isVolcError } from "./index.js";
export type { SignRequestOptions, SignedRequest, VolcErrorCode, ClientErrorCode, VendorErrorCode } from "./index.js";
