// Cloudflare Workers entry: wrangler imports the .wasm (the server build, optimised for speed)
// as a compiled WebAssembly.Module, so it is ready at import; initWasm is there for code
// shared with other runtimes and resolves at once.
import module from "./volc_im_server_bg.wasm";
import { initSync, signRequestSync } from "./volc_im_server.js";
import { wasmLoader } from "./wasm-load.js";

const wasm = wasmLoader({ initSync, file: "volc_im_server_bg.wasm" });
wasm.loadNow(module);

export const initWasm = wasm.initWasm;
export { ImClient, QpsLimiter } from "./volc_im_server.js";
export { VolcError, isVolcError } from "./errors.js";
// The IM API's version, signing service and action names, generated from the Rust source.
export { IM_SERVICE, IM_VERSION, P2P_SEND_MESSAGE } from "./constants.js";
export const signRequest = async (options) => signRequestSync(options);
