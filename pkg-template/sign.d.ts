// `volc-im/sign`: the request signer alone (a much smaller .wasm than the whole client).
export { signRequest, initWasm, VolcError, isVolcError, IM_SERVICE, IM_VERSION, P2P_SEND_MESSAGE } from "./index.js";
export type { SignRequestOptions, SignedRequest, VolcErrorCode, ClientErrorCode, VendorErrorCode, WasmSource } from "./index.js";
