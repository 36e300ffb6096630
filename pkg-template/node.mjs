// Node (ESM) entry, also picked by Deno and Bun: the server build of the wasm (optimised for
// speed; browsers load the size-optimised volc_im_bg.wasm) is compiled synchronously at import,
// so ImClient's constructor validates options at once and no init call is needed. If the file
// cannot be read there (a bundle without it beside, Deno without --allow-read), the import
// still succeeds: the first call reports WasmLoadFailed, or initWasm(bytes) supplies it.
import { readFileSync } from "node:fs";
import * as glue from "./volc_im_server.js";
import { lazyImClient, lazyQpsLimiter } from "./lazy-client.js";
import { wasmLoader } from "./wasm-load.js";

export { VolcError, isVolcError } from "./errors.js";
// The IM API's version, signing service and action names, generated from the Rust source.
export { IM_SERVICE, IM_VERSION, P2P_SEND_MESSAGE } from "./constants.js";
// Node, Deno and Bun only: credentials from VOLC_ACCESSKEY / VOLC_SECRETKEY / VOLC_SESSION_TOKEN.
export { fromEnv } from "./from-env.mjs";

const wasm = wasmLoader({
  initSync: glue.initSync,
  file: "volc_im_server_bg.wasm",
  defaultUrl: () => new URL("./volc_im_server_bg.wasm", import.meta.url),
  readFile: readFileSync,
});
wasm.loadNow();

export const initWasm = wasm.initWasm;
// Loaded: the wasm class itself (no wrapper on the hot path).
export const ImClient = wasm.loaded ? glue.ImClient : lazyImClient(glue.ImClient, wasm);
// One QPS limit shared by several clients of this process (the `limiter` option).
export const QpsLimiter = wasm.loaded ? glue.QpsLimiter : lazyQpsLimiter(glue.QpsLimiter, wasm);

export async function signRequest(options) {
  if (!wasm.loaded) await wasm.load();
  return glue.signRequestSync(options);
}
