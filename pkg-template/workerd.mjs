// Cloudflare Workers entry: wrangler imports the .wasm as a compiled WebAssembly.Module.
import module from "./volc_im_bg.wasm";
import { initSync, signRequestSync } from "./volc_im.js";

initSync({ module });

export { ImClient } from "./volc_im.js";
export { VolcError, isVolcError } from "./errors.js";
export const signRequest = async (options) => signRequestSync(options);
