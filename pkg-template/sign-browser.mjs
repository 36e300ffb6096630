// `volc-im/sign` for browsers and bundlers: signRequest alone, its .wasm fetched on the first
// call (from where: see browser.mjs).
import { initSync, signRequestSync } from "./volc_im_sign.js";
import { wasmLoader } from "./wasm-load.js";

export { VolcError, isVolcError } from "./errors.js";
// The IM API's version, signing service and action names (from the Rust source).
export { IM_SERVICE, IM_VERSION, P2P_SEND_MESSAGE } from "./constants.js";

const wasm = wasmLoader({
  initSync,
  file: "volc_im_sign_bg.wasm",
  defaultUrl: () => new URL("./volc_im_sign_bg.wasm", import.meta.url),
});

export const initWasm = wasm.initWasm;

export async function signRequest(options) {
  if (!wasm.loaded) await wasm.load();
  return signRequestSync(options);
}
