// `volc-im/sign` for Node (also Deno and Bun): signRequest alone, from the signer-only .wasm
// (a third of the full one). Compiled synchronously at import; no init() call.
import { readFileSync } from "node:fs";
import { initSync, signRequestSync } from "./volc_im_sign.js";

initSync({ module: readFileSync(new URL("./volc_im_sign_bg.wasm", import.meta.url)) });

export { VolcError, isVolcError } from "./errors.js";
export const signRequest = async (options) => signRequestSync(options);
