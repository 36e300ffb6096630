// `volc-im/sign` for Node (also Deno and Bun): signRequest alone, from the signer-only .wasm
// (a third of the full one), compiled synchronously at import (see node.mjs when it cannot be).
import { readFileSync } from "node:fs";
import { initSync, signRequestSync } from "./volc_im_sign.js";
import { wasmLoader } from "./wasm-load.js";

export { VolcError, isVolcError } from "./errors.js";
// The IM API's version, signing service and action names, generated from the Rust source.
export { IM_SERVICE, IM_VERSION, P2P_SEND_MESSAGE } from "./constants.js";

const wasm = wasmLoader({
  initSync,
  file: "volc_im_sign_bg.wasm",
  defaultUrl: () => new URL("./volc_im_sign_bg.wasm", import.meta.url),
  readFile: readFileSync,
});
wasm.loadNow();

export const initWasm = wasm.initWasm;

export async function signRequest(options) {
  if (!wasm.loaded) await wasm.load();
  return signRequestSync(options);
}
