// The classes an entry exports while its .wasm may still be loading (browser.mjs; node.mjs when
// the file was not beside it): a module of its own, so the signer-only entries, which export
// no class, do not load it.
/**
 * The ImClient of an entry whose .wasm may not be loaded yet: options are checked by the
 * constructor when it is, else by the first call (which loads it).
 */
export function lazyImClient(WasmImClient, wasm) {
  class ImClient {
    #options;
    #client; // the wasm client, once made
    #pending;

    constructor(options) {
      // Loaded: the wasm constructor reads the options once, guarded (a throwing getter or a
      // revoked Proxy is an InvalidArgument, thrown here). Not yet: a shallow copy if one can
      // be made, else the object itself; the first call reports what is wrong with it.
      if (wasm.loaded) {
        this.#client = new WasmImClient(options);
        return;
      }
      try {
        this.#options = options && typeof options === "object" ? { ...options } : options;
      } catch {
        this.#options = options;
      }
    }

    #ready() {
      if (this.#client) return Promise.resolve(this.#client);
      // A failed load is not kept (the next call tries again); invalid options are.
      return (this.#pending ??= wasm.load().then(
        () => (this.#client ??= new WasmImClient(this.#options)),
        (e) => {
          this.#pending = undefined;
          throw e;
        },
      ));
    }

    p2pSendMessage(body, options) {
      return this.#ready().then((c) => c.p2pSendMessage(body, options));
    }

    call(action, body, options) {
      return this.#ready().then((c) => c.call(action, body, options));
    }

    /** Releases the wasm client now rather than at garbage collection. */
    free() {
      this.#client?.free();
    }

    // Who the client is, never the secret — once the .wasm has loaded and read the options.
    toString() {
      return this.#client ? this.#client.toString() : "ImClient { (loading) }";
    }

    toJSON() {
      return this.#client ? this.#client.toJSON() : {};
    }
  }
  if (Symbol.dispose) ImClient.prototype[Symbol.dispose] = ImClient.prototype.free;
  return ImClient;
}

// `QpsLimiter` before the .wasm has loaded (browser entries): keeps the options, and makes the
// wasm limiter the first time a client asks for it (clients are made only after the load), so
// its option errors surface then, as ImClient's do.
export function lazyQpsLimiter(WasmQpsLimiter, wasm) {
  // A declaration, not a returned class expression: minifying drops an expression's name.
  class QpsLimiter {
    #options;
    #limiter;

    constructor(options) {
      if (wasm.loaded) this.#limiter = new WasmQpsLimiter(options);
      else this.#options = options;
    }

    // Not part of the API: how an ImClient finds the shared limit.
    __volcImKey() {
      this.#limiter ??= new WasmQpsLimiter(this.#options);
      return this.#limiter.__volcImKey();
    }
  }
  return QpsLimiter;
}
