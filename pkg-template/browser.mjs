// Browser / bundler entry. The .wasm is fetched once, on the first call (every method is
// async, so users need no init call), from `new URL("./volc_im_bg.wasm", import.meta.url)`,
// which webpack 5, Vite and Rollup's import-meta-assets plugin rewrite to the emitted asset.
// Where no bundler does, `initWasm(source)` says where it is. Until the module has loaded,
// option errors of `new ImClient()` surface on the first call instead of in the constructor.
import * as glue from "./volc_im.js";
import { lazyImClient, lazyQpsLimiter } from "./lazy-client.js";
import { wasmLoader } from "./wasm-load.js";

export { VolcError, isVolcError } from "./errors.js";
// The IM API's version, signing service and action names, generated from the Rust source.
export { IM_SERVICE, IM_VERSION, P2P_SEND_MESSAGE } from "./constants.js";

const wasm = wasmLoader({
  initSync: glue.initSync,
  file: "volc_im_bg.wasm",
  defaultUrl: () => new URL("./volc_im_bg.wasm", import.meta.url),
});

export const initWasm = wasm.initWasm;
export const ImClient = lazyImClient(glue.ImClient, wasm);
// One QPS limit shared by several clients of this page or process (the `limiter` option).
export const QpsLimiter = lazyQpsLimiter(glue.QpsLimiter, wasm);

export async function signRequest(options) {
  if (!wasm.loaded) await wasm.load();
  return glue.signRequestSync(options);
}
