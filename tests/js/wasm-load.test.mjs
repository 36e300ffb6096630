// initWasm and WasmLoadFailed, in Node, Deno and Bun: a copy of pkg/ without its .wasm files
// (what a bundle without them beside looks like to the Node entry), and the browser entry
// (which fetches) fed each kind of source. Every failure must be a VolcError naming what was
// tried and the fix; nothing may throw at import or in the constructor.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const pkg = fileURLToPath(new URL("../../pkg/", import.meta.url));
const WASM = readFileSync(join(pkg, "volc_im_bg.wasm"));
const SERVER_WASM = readFileSync(join(pkg, "volc_im_server_bg.wasm"));
const SIGN_WASM = readFileSync(join(pkg, "volc_im_sign_bg.wasm"));
const KEYS = { accessKeyId: "AKLTwasmload", secretAccessKey: "wasm-load-secret" };
const SIGN = { method: "GET", url: "https://x.test/", ...KEYS, region: "cn-north-1", service: "rtc", date: new Date("2024-06-07T10:33:44Z") };
const BODY = { AppId: 1, Sender: 1, ConversationShortId: 1, MsgType: 1, Content: "" };

let dir;
let server;
let base;
const copies = [];

// A fresh copy of pkg/ (a fresh module instance each), with or without the .wasm files.
function copyPkg(withWasm) {
  const d = join(dir, `copy${copies.length}`);
  cpSync(pkg, d, { recursive: true, filter: (src) => withWasm || !src.endsWith(".wasm") });
  copies.push(d);
  return d;
}
const entry = (d, file) => import(pathToFileURL(join(d, file)).href);

function loadFailed(e, ...parts) {
  assert.equal(e?.name, "VolcError", String(e?.stack ?? e));
  assert.equal(e.code, "WasmLoadFailed");
  assert.equal(e.attempts, 0);
  for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} names ${JSON.stringify(p)}`);
  assert.ok(!e.message.includes(KEYS.secretAccessKey));
  return e;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "volc-im-wasm-load-"));
  // /wasm → the .wasm; /wasm-charset → the same with a type parameter; /sign.wasm; /html → a page (a SPA fallback); anything else → 404.
  server = createServer((req, res) => {
    if (req.url === "/wasm") res.writeHead(200, { "content-type": "application/wasm" }).end(WASM);
    // A type with parameters: streaming compilation refuses it, so the bytes are compiled.
    else if (req.url === "/wasm-charset") res.writeHead(200, { "content-type": "application/wasm; charset=utf-8" }).end(WASM);
    else if (req.url === "/sign.wasm") res.writeHead(200, { "content-type": "application/wasm" }).end(SIGN_WASM);
    else if (req.url === "/html") res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><p>app</p>");
    else res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  server?.closeAllConnections?.();
  await new Promise((ok) => (server ? server.close(() => ok()) : ok()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Node entry whose .wasm is not beside it", () => {
  test("import and new ImClient succeed; calls reject with WasmLoadFailed naming the path", async () => {
    const d = copyPkg(false);
    const m = await entry(d, "node.mjs");
    const client = new m.ImClient(KEYS); // nothing loaded yet: no throw
    assert.equal(String(client), "ImClient { (loading) }");
    const wasmPath = join(d, "volc_im_server_bg.wasm");
    loadFailed(await client.p2pSendMessage(BODY).then(() => null, (e) => e), wasmPath, "initWasm");
    loadFailed(await m.signRequest(SIGN).then(() => null, (e) => e), wasmPath);
    const sign = await entry(d, "sign-node.mjs");
    loadFailed(await sign.signRequest(SIGN).then(() => null, (e) => e), join(d, "volc_im_sign_bg.wasm"));
  });

  test("initWasm(bytes) then makes everything work, the client built before it too", async () => {
    const d = copyPkg(false);
    const m = await entry(d, "node.mjs");
    const early = new m.ImClient({ ...KEYS, timeoutMs: -1 }); // invalid, reported on first use
    // The browser build imports the same functions; its glue is another's: refused before use.
    loadFailed(await m.initWasm(new Uint8Array(WASM)).catch((e) => e), "not a usable volc_im_server_bg.wasm",
      "it is volc_im_bg.wasm, another entry's build", "same volc-im version");
    await m.initWasm(new Uint8Array(SERVER_WASM));
    const e = await early.p2pSendMessage(BODY).then(() => null, (x) => x);
    assert.equal(e?.code, "InvalidArgument");
    assert.match(e.message, /timeoutMs/);
    // Loaded now: the constructor validates at once.
    assert.throws(() => new m.ImClient({ ...KEYS, timeoutMs: -1 }), (x) => x.code === "InvalidArgument");
    const signed = await m.signRequest(SIGN);
    const ref = await (await import("../../pkg/node.mjs")).signRequest(SIGN);
    assert.equal(signed.signature, ref.signature);
    await m.initWasm(); // already loaded: resolves
    const sign = await entry(d, "sign-node.mjs");
    await sign.initWasm(pathToFileURL(join(pkg, "volc_im_sign_bg.wasm"))); // a file: URL is read
    assert.equal((await sign.signRequest(SIGN)).signature, ref.signature);
  });

  test("another entry's build beside node.mjs: the import succeeds, the first call names it, initWasm recovers", async () => {
    const d = copyPkg(false);
    cpSync(join(pkg, "volc_im_bg.wasm"), join(d, "volc_im_server_bg.wasm")); // the browser build, misnamed
    const m = await entry(d, "node.mjs");
    const client = new m.ImClient(KEYS);
    loadFailed(await client.p2pSendMessage(BODY).then(() => null, (e) => e), join(d, "volc_im_server_bg.wasm"),
      "it is volc_im_bg.wasm, another entry's build");
    await m.initWasm(new Uint8Array(SERVER_WASM));
    assert.match((await m.signRequest(SIGN)).signature, /^[0-9a-f]{64}$/);
  });

  test("a bundled module of another build (the Workers entry's way) throws WasmLoadFailed at load", async () => {
    const { wasmLoader } = await import(pathToFileURL(join(copyPkg(false), "wasm-load.js")).href);
    let initialised = false;
    const loader = wasmLoader({ init: () => {}, initSync: () => (initialised = true), file: "volc_im_server_bg.wasm" });
    loadFailed((() => { try { loader.loadNow(new WebAssembly.Module(WASM)); } catch (e) { return e; } })(),
      "the bundled module", "it is volc_im_bg.wasm", "Bundle this volc-im version's volc_im_server_bg.wasm");
    assert.equal(initialised, false, "the glue never saw the wrong module");
    loader.loadNow(new WebAssembly.Module(SERVER_WASM));
    assert.equal(initialised, true);
    assert.equal(loader.loaded, true);
  });

  test("a failed load is not kept: initWasm after a failed call recovers", async () => {
    const d = copyPkg(false);
    const m = await entry(d, "sign-node.mjs");
    await assert.rejects(m.signRequest(SIGN), (e) => e.code === "WasmLoadFailed");
    await m.initWasm(`${base}/sign.wasm`);
    assert.match((await m.signRequest(SIGN)).signature, /^[0-9a-f]{64}$/);
  });
});

describe("initWasm sources (the browser entry, which fetches)", () => {
  test("a URL, a string, a Response (any wasm type), a promise of one, bytes (any view), a WebAssembly.Module", async () => {
    const sources = [
      () => new URL("/wasm", base),
      () => `${base}/wasm`,
      async () => fetch(`${base}/wasm`),
      () => fetch(`${base}/wasm`),
      () => WASM.buffer.slice(WASM.byteOffset, WASM.byteOffset + WASM.byteLength),
      () => new WebAssembly.Module(WASM),
      () => fetch(`${base}/wasm-charset`),
      () => new DataView(WASM.buffer, WASM.byteOffset, WASM.byteLength),
      () => { // a view that starts inside its buffer
        const b = new Uint8Array(WASM.byteLength + 3);
        b.set(WASM, 3);
        return new Uint8Array(b.buffer, 3, WASM.byteLength);
      },
    ];
    for (const [i, make] of sources.entries()) {
      const m = await entry(copyPkg(false), "browser.mjs");
      // The lazy classes keep their names (a console shows `ImClient {}`), before and after.
      assert.deepEqual([m.ImClient.name, m.QpsLimiter.name], ["ImClient", "QpsLimiter"]);
      const client = new m.ImClient(KEYS); // before initWasm
      await m.initWasm(await make());
      assert.match((await m.signRequest(SIGN)).signature, /^[0-9a-f]{64}$/, `source ${i}`);
      assert.match(String(client), /ImClient/);
    }
  });

  test("each failure names what was tried and the fix", async () => {
    const d = copyPkg(false);
    const m = await entry(d, "browser.mjs");
    loadFailed(await m.initWasm(`${base}/missing.wasm`).catch((e) => e), `${base}/missing.wasm`, "HTTP 404", "initWasm");
    loadFailed(await m.initWasm(`${base}/html`).catch((e) => e), `${base}/html`, "text/html", "not a usable volc_im_bg.wasm");
    loadFailed(await m.initWasm(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])).catch((e) => e), "the bytes given to initWasm");
    loadFailed(await m.initWasm(SIGN_WASM).catch((e) => e), "not a usable volc_im_bg.wasm", "same volc-im version");
    loadFailed(await m.initWasm(SERVER_WASM).catch((e) => e), "not a usable volc_im_bg.wasm", "it is volc_im_server_bg.wasm");
    // Untagged (what another version's file looks like): refused, not half-loaded.
    const untagged = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    loadFailed(await m.initWasm(untagged).catch((e) => e), "no volc-im build tag");
    loadFailed(await m.initWasm(Promise.reject(new Error("offline"))).catch((e) => e), "the promise given to initWasm rejected: offline");
    loadFailed(await m.initWasm("http://127.0.0.1:9/volc_im_bg.wasm").catch((e) => e), "fetching http://127.0.0.1:9/volc_im_bg.wasm failed");
    // The default place is a file: URL here, which fetch cannot read: the first call says so.
    loadFailed(await m.signRequest(SIGN).then(() => null, (e) => e), "volc_im_bg.wasm");
    // Recovers once given the real thing.
    await m.initWasm(new Uint8Array(WASM));
    assert.match((await m.signRequest(SIGN)).signature, /^[0-9a-f]{64}$/);
  });

  test("a call after a failed initWasm(url) retries that URL, and names it", async () => {
    const m = await entry(copyPkg(false), "browser.mjs");
    const client = new m.ImClient(KEYS);
    m.initWasm(`${base}/missing.wasm`); // not awaited, as a page might
    loadFailed(await client.p2pSendMessage(BODY).then(() => null, (e) => e), `${base}/missing.wasm`, "HTTP 404");
    loadFailed(await m.signRequest(SIGN).then(() => null, (e) => e), `${base}/missing.wasm`);
  });

  test("a source of another kind is InvalidArgument, rejected (never thrown)", async () => {
    const m = await entry(copyPkg(false), "sign-browser.mjs");
    for (const bad of [42, null, {}, { module_or_path: "/x.wasm" }, true]) {
      const p = m.initWasm(bad);
      assert.ok(p instanceof Promise);
      const e = await p.then(() => null, (x) => x);
      assert.equal(e?.code, "InvalidArgument", String(bad));
      assert.match(e.message, /initWasm\(source\)/);
    }
    const e = await m.initWasm(Promise.resolve(42)).then(() => null, (x) => x);
    assert.equal(e?.code, "InvalidArgument");
  });

  test("every entry exports initWasm and no other init* function", async () => {
    for (const file of ["node.mjs", "browser.mjs", "sign-node.mjs", "sign-browser.mjs", "index.cjs", "sign.cjs"]) {
      const m = await import(pathToFileURL(join(pkg, file)).href);
      const names = Object.keys(file.endsWith(".cjs") ? m.default : m).filter((k) => /^init/i.test(k));
      assert.deepEqual(names, ["initWasm"], file);
    }
  });
});
