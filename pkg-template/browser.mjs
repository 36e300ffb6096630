// Browser / bundler entry. The .wasm is fetched once, lazily; every method is async, so it
// waits for it and users never call init(). Until the module has loaded, option errors of
// `new ImClient()` surface on the first call instead of in the constructor.
import init, * as wasm from "./volc_im.js";

export { VolcError, isVolcError } from "./errors.js";

let loaded = false;
let loading;
const load = () =>
  (loading ??= init({ module_or_path: new URL("./volc_im_bg.wasm", import.meta.url) }).then(
    () => {
      loaded = true;
    },
    (e) => {
      loading = undefined; // not cached: the next call tries again
      throw e;
    },
  ));

export class ImClient {
  #client;
  #loaded; // the wasm client, once the module has loaded (for the synchronous toString/toJSON)

  constructor(options) {
    const copy = options && typeof options === "object" ? { ...options } : options;
    this.#client = loaded
      ? Promise.resolve(new wasm.ImClient(copy))
      : load().then(() => new wasm.ImClient(copy));
    this.#client.then(
      (c) => (this.#loaded = c),
      () => {}, // reported by the first call, not as an unhandled rejection
    );
  }

  p2pSendMessage(body, options) {
    return this.#client.then((c) => c.p2pSendMessage(body, options));
  }

  call(action, body, options) {
    return this.#client.then((c) => c.call(action, body, options));
  }

  // Who the client is, never the secret — once the .wasm has loaded and read the options.
  toString() {
    return this.#loaded ? this.#loaded.toString() : "ImClient { (loading) }";
  }

  toJSON() {
    return this.#loaded ? this.#loaded.toJSON() : {};
  }
}

export async function signRequest(options) {
  await load();
  return wasm.signRequestSync(options);
}
