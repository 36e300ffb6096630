// `volc-im/sign` for browsers and bundlers: signRequest alone. The signer-only .wasm is fetched
// once, on the first call; users never call init().
import init, { signRequestSync } from "./volc_im_sign.js";

export { VolcError, isVolcError } from "./errors.js";

let loading;

export async function signRequest(options) {
  // A failed load is not cached: the next call tries again.
  await (loading ??= init({ module_or_path: new URL("./volc_im_sign_bg.wasm", import.meta.url) }).catch((e) => {
    loading = undefined;
    throw e;
  }));
  return signRequestSync(options);
}
