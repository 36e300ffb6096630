// Loading the .wasm, shared by every entry: from its default place beside the entry, or from
// what the user gave `initWasm(source)`. A failure rejects with a VolcError `WasmLoadFailed`
// naming what was tried and the fix. The default location is computed only when a load starts
// (never at import or in a constructor): in an IIFE or CommonJS bundle `import.meta.url` is
// empty and `new URL(…, undefined)` throws, and the user must get a chance to call initWasm.
import { VolcError } from "./errors.js";

const DOCS = "docs/bundlers.md in the volc-im package";

// The file of each build, by the tag scripts/tag-wasm.mjs writes into it: the same Rust code
// built for speed (servers), for size (browsers), and the signer alone.
const BUILDS = { __proto__: null, server: "volc_im_server_bg.wasm", web: "volc_im_bg.wasm", sign: "volc_im_sign_bg.wasm" };

const loadFailed = (file, what, fix, cause) =>
  new VolcError("WasmLoadFailed", `volc-im could not load ${file}: ${what}. ${fix} (see ${DOCS}).`, { retryable: false, attempts: 0 }, cause);

const describe = (v) =>
  v === null ? "null" : typeof v !== "object" ? typeof v : (Object.getPrototypeOf(v)?.constructor?.name ?? "object");

const isResponse = (v) => typeof Response === "function" && v instanceof Response;
const isBytes = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
const isModule = (v) => typeof WebAssembly === "object" && v instanceof WebAssembly.Module;
const isUrl = (v) => typeof v === "string" || v instanceof URL;
const isThenable = (v) => v !== null && typeof v === "object" && typeof v.then === "function";

function badSource(source) {
  return new VolcError(
    "InvalidArgument",
    `initWasm(source): source must be a URL, a string, a Response (or a promise of one), bytes (ArrayBuffer or Uint8Array) or a WebAssembly.Module; got ${describe(source)}`,
    { retryable: false, attempts: 0 },
  );
}

/**
 * One loader per .wasm file.
 *   initSync — the glue's, given a compiled module (this loader compiles and checks it first);
 *   file — "volc_im_bg.wasm" (a file of BUILDS: the only build accepted); defaultUrl() — the
 *   new-URL-of-import.meta.url expression, written in the entry so bundlers see the pattern;
 *   readFile(url) — Node's readFileSync, for file: URLs.
 */
export function wasmLoader({ initSync, file, defaultUrl, readFile }) {
  // Why `module` cannot serve this entry (its `volc_im` section names another build, or
  // none), or undefined when it can.
  const wrongBuild = (module) => {
    const [tag] = WebAssembly.Module.customSections(module, "volc_im");
    const built = tag && BUILDS[String.fromCharCode(...new Uint8Array(tag))];
    if (built === file) return undefined;
    return built ? `it is ${built}, another entry's build` : "no volc-im build tag (another version's file?)";
  };
  let loaded = false;
  let loading; // the load in flight or done; cleared on failure so the next call tries again
  let given; // the last URL, bytes or module given to initWasm

  // What a user's file: URL or the default location becomes where fetch cannot read file:.
  const fetchOrRead = async (url, what) => {
    if (readFile && String(url).startsWith("file:")) {
      try {
        return readFile(url instanceof URL ? url : new URL(url));
      } catch (e) {
        // (Deno's own message names --allow-read.)
        throw loadFailed(file, `reading ${what} failed: ${e?.message ?? e}`,
          `Put ${file} there (it ships in node_modules/volc-im/), or call initWasm(bytes) before the first call`, e);
      }
    }
    let res;
    try {
      res = await fetch(url);
    } catch (e) {
      throw loadFailed(file, `fetching ${what} failed: ${e?.cause?.message ?? e?.message ?? e}`,
        `Serve ${file} at that URL (copy it from node_modules/volc-im/ beside your bundle), or call initWasm(urlOrBytes) before the first call`, e);
    }
    return res;
  };

  async function instantiate(source) {
    let what;
    if (source === undefined) {
      let url;
      try {
        url = defaultUrl();
      } catch (e) {
        throw loadFailed(file, "its URL could not be worked out: import.meta.url is not available in this build (an IIFE or CommonJS bundle)",
          `Copy ${file} from node_modules/volc-im/ beside your bundle and call initWasm(new URL("${file}", document.baseURI)) — or pass its URL, bytes or a Response — before the first call`, e);
      }
      what = url.href;
      source = await fetchOrRead(url, what);
    } else {
      if (isThenable(source)) {
        try {
          source = await source;
        } catch (e) {
          throw loadFailed(file, `the promise given to initWasm rejected: ${e?.cause?.message ?? e?.message ?? e}`,
            `Give initWasm a reachable URL of ${file}, its bytes or a Response`, e);
        }
      }
      if (isUrl(source)) {
        what = String(source);
        source = await fetchOrRead(source, what);
      } else if (!isResponse(source) && !isBytes(source) && !isModule(source)) {
        throw badSource(source);
      }
    }
    if (isResponse(source)) {
      what = source.url || what || "the Response given to initWasm";
      if (!source.ok) {
        // Vite's dev server answers 403 for a linked package outside the project (npm install ./dir).
        const refused = source.status === 403
          ? " (a dev server refusing a file outside its folders? Vite with a linked install: add the package's real folder to server.fs.allow, or install a copy)"
          : "";
        throw loadFailed(file, `${what} answered HTTP ${source.status}${source.statusText ? " " + source.statusText : ""}${refused}`,
          `Serve ${file} at that URL (copy it from node_modules/volc-im/ beside your bundle), or call initWasm(urlOrBytes) before the first call`);
      }
    }
    what ??= isModule(source) ? "the WebAssembly.Module given to initWasm" : "the bytes given to initWasm";
    const type = isResponse(source) ? source.headers.get("content-type") : null;
    const unusable = (why, cause) => {
      const html = type && /html/i.test(type) ? ` (the server answered with ${type}, not the .wasm)` : "";
      return loadFailed(file, `${what} is not a usable ${file}${html}: ${why}`,
        `Serve the ${file} shipped with this same volc-im version (node_modules/volc-im/${file}), or pass it to initWasm`, cause);
    };
    let module;
    try {
      // Streaming compilation takes exactly "application/wasm" (no parameters); other types
      // are compiled from the bytes (quietly: the error below names the type if they are not
      // a .wasm at all). Any view becomes bytes: compile() refuses a DataView.
      if (isResponse(source) && !(type === "application/wasm" && WebAssembly.compileStreaming)) {
        source = await source.arrayBuffer();
      }
      if (ArrayBuffer.isView(source)) source = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
      module = isModule(source) ? source
        : isResponse(source) ? await WebAssembly.compileStreaming(source) : await WebAssembly.compile(source);
    } catch (e) {
      throw unusable(e?.message ?? e, e);
    }
    // Checked before the glue sees it: the glue keeps the first module it is given.
    const wrong = wrongBuild(module);
    if (wrong) throw unusable(wrong);
    try {
      // Compiled above (streaming where it can), so the glue only instantiates: its own
      // fetching and streaming code is never used, and the package build drops it.
      initSync({ module });
    } catch (e) {
      throw unusable(e?.message ?? e, e);
    }
    loaded = true;
  }

  // Loads from `source` after any load in flight, unless that one succeeds.
  const start = (source) => {
    const prior = loading;
    const p = prior
      ? prior.catch(() => {}).then(() => (loaded ? undefined : instantiate(source)))
      : instantiate(source);
    loading = p;
    p.catch(() => {
      if (loading === p) loading = undefined;
    });
    return p;
  };

  return {
    get loaded() {
      return loaded;
    },
    /** Loads at import: a module bundled with the code (workerd; nothing else could load it,
     * so a failure throws), or the default file (Node: a failure is left for the first call to
     * report, and initWasm may still supply the bytes). */
    loadNow(module) {
      if (module !== undefined) {
        const wrong = wrongBuild(module);
        if (wrong) throw loadFailed(file, `the bundled module: ${wrong}`, `Bundle this volc-im version's ${file}`);
        initSync({ module });
        loaded = true;
        return;
      }
      try {
        const compiled = new WebAssembly.Module(readFile(defaultUrl()));
        if (wrongBuild(compiled)) return; // the first call's load says what is wrong
        initSync({ module: compiled });
        loaded = true;
      } catch {
        // See above.
      }
    },
    /** Waits for the module: the default location, unless initWasm was given a source. */
    load: () => (loaded ? Promise.resolve() : (loading ?? start(given))),
    /** The public initWasm(source). */
    initWasm(source) {
      if (source !== undefined && !isThenable(source) && !isUrl(source) && !isResponse(source) && !isBytes(source) && !isModule(source)) {
        return Promise.reject(badSource(source));
      }
      if (loaded) return Promise.resolve();
      // A reusable source is also where a later call retries (and so what its error names),
      // when this load fails unobserved; a Response or a promise can be read only once.
      if (isUrl(source) || isBytes(source) || isModule(source)) given = source;
      return start(source);
    },
  };
}
