// Node (ESM) entry, also picked by Deno and Bun: the wasm is compiled synchronously at import,
// so ImClient's constructor validates options at once and no init() call is needed.
import { readFileSync } from "node:fs";
import { initSync, signRequestSync } from "./volc_im.js";

initSync({ module: readFileSync(new URL("./volc_im_bg.wasm", import.meta.url)) });

export { ImClient } from "./volc_im.js";
export { VolcError, isVolcError } from "./errors.js";
export const signRequest = async (options) => signRequestSync(options);
