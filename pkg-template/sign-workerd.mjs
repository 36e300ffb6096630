// `volc-im/sign` for Cloudflare Workers: wrangler imports the .wasm as a compiled module (ready
// at import; initWasm resolves at once).
import module from "./volc_im_sign_bg.wasm";
import { initSync, signRequestSync } from "./volc_im_sign.js";
import { wasmLoader } from "./wasm-load.js";

const wasm = wasmLoader({ initSync, file: "volc_im_sign_bg.wasm" });
wasm.loadNow(module);

export const initWasm = wasm.initWasm;
export { VolcError, isVolcError } from "./errors.js";
// The IM API's version, signing service and action names, generated from the Rust source.
export { IM_SERVICE, IM_VERSION, P2P_SEND_MESSAGE } from "./constants.js";
export const signRequest = async (options) => signRequestSync(options);
