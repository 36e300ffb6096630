// `volc-im/sign` for Cloudflare Workers: wrangler imports the .wasm as a compiled module.
import module from "./volc_im_sign_bg.wasm";
import { initSync, signRequestSync } from "./volc_im_sign.js";

initSync({ module });

export { VolcError, isVolcError } from "./errors.js";
export const signRequest = async (options) => signRequestSync(options);
