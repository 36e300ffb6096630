// Vite consumer: index.html + main.js importing volc-im from node_modules (through the
// package `exports`; no alias), built with the pinned `vite build`, served from dist/ on
// 127.0.0.1 and run in headless Debian Chromium driven by playwright-core.
import { cpSync, createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { PKG, ROOT, VECTORS, check, eq, installPkg, main, makeTmp, refusedPort } from "../lib/common.mjs";

const HERE = import.meta.dirname;
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

async function serveStatic(dir) {
  const served = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    let ok = file.startsWith(dir + sep);
    try {
      ok &&= statSync(file).isFile();
    } catch {
      ok = false;
    }
    served.push({ path, status: ok ? 200 : 404 });
    if (!ok) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    served,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

await main("vite", async (defer) => {
  const vite = await import(join(ROOT, "node_modules/vite/dist/node/index.js"));
  const { chromium } = await import(join(ROOT, "node_modules/playwright-core/index.mjs"));
  const tmp = makeTmp("vite");
  defer(tmp.cleanup);
  const app = join(tmp.dir, "app");
  for (const f of ["index.html", "main.js"]) cpSync(join(HERE, f), join(app, f));
  cpSync(join(ROOT, "tests/data/signing.json"), join(app, "signing.json"));
  installPkg(app);

  // 1. vite build (no config file: defaults, as a fresh app would have).
  const dist = join(app, "dist");
  const warnings = [];
  await vite.build({
    root: app,
    configFile: false,
    logLevel: "warn",
    customLogger: {
      ...vite.createLogger("warn"),
      warn: (msg) => warnings.push(msg),
      warnOnce: (msg) => warnings.push(msg),
    },
    build: { outDir: dist, emptyOutDir: true },
  });
  eq(warnings, [], "vite build warnings");
  const assets = readdirSync(join(dist, "assets"));
  const wasm = assets.filter((f) => f.endsWith(".wasm"));
  eq(wasm.length, 2, "two .wasm assets emitted (volc-im and volc-im/sign)");
  eq(wasm.map((w) => statSync(join(dist, "assets", w)).size).sort(),
    ["volc_im_bg.wasm", "volc_im_sign_bg.wasm"].map((w) => statSync(join(app, "node_modules/volc-im", w)).size).sort(), "emitted .wasm sizes");
  const js = assets.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(dist, "assets", f), "utf8")).join("\n");
  check(js.includes(wasm[0]), "bundle references the emitted .wasm", assets);
  check(!js.includes("node:fs") && !js.includes("readFileSync"), "bundle took the node entry, not the browser one");

  // 2. Serve dist/ and load it in Chromium.
  const site = await serveStatic(dist);
  defer(site.close);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  defer(() => browser.close());
  await checkPage(browser, site.url, "build");
  eq(site.served.filter((s) => s.status !== 200), [], "build: 404s from the static server");

  // 3. The dev server too (it pre-bundles dependencies: the .wasm URL must survive that),
  //    default config, no optimizeDeps tweaks.
  const dev = await vite.createServer({
    root: app,
    configFile: false,
    logLevel: "error",
    server: {
      host: "127.0.0.1", port: await refusedPort(), strictPort: true, hmr: false, watch: null,
      // A symlinked install (VOLC_IM_INSTALL=link) resolves to pkg/, outside the app root.
      ...(process.env.VOLC_IM_INSTALL === "link" ? { fs: { allow: [app, PKG] } } : {}),
    },
  });
  defer(() => dev.close());
  await dev.listen();
  await checkPage(browser, dev.resolvedUrls.local[0].replace(/\/$/, ""), "dev");
});

async function checkPage(browser, base, mode) {
  const endpoint = `http://127.0.0.1:${await refusedPort()}`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const pageErrors = [];
    const consoleErrors = [];
    const wasmResponses = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") consoleErrors.push({ type: m.type(), text: m.text(), url: m.location().url });
    });
    page.on("response", (r) => {
      if (new URL(r.url()).pathname.endsWith(".wasm")) wasmResponses.push({ status: r.status(), type: r.headers()["content-type"] });
    });
    await page.goto(`${base}/?endpoint=${encodeURIComponent(endpoint)}`);
    await page.waitForFunction(() => document.getElementById("status").textContent !== "running", null, { timeout: 20_000 });
    const out = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll("output")].map((o) => [o.id, o.textContent])));

    eq(out.status, "done", `${mode}: page status`);
    eq(out.signature, VECTORS[0].expected.signature, `${mode}: signature in the page`);
    eq(out.authorization, VECTORS[0].expected.authorization, `${mode}: Authorization in the page`);
    eq(out["signature-sign-only"], VECTORS[0].expected.signature, `${mode}: volc-im/sign signature in the page`);
    eq(out["sign-only-error"], "InvalidArgument", `${mode}: volc-im/sign rejects with a VolcError`);
    check(out["client-string"].includes("AKLTconsumerVite") && out["client-string"].includes('"accessKeyId"') &&
      !out["client-string"].includes("c2VjcmV0LWZvci10aGUtdml0ZS1jb25zdW1lcg"), `${mode}: String(client) / JSON shows the key id, never the secret`, out["client-string"]);
    eq([out["error-code"], out["error-is-volc"], out["error-retryable"]], ["NetworkError", "true", "false"],
      `${mode}: error shown in the page (a failed fetch is never known to be unprocessed)`);
    eq(wasmResponses, [{ status: 200, type: "application/wasm" }, { status: 200, type: "application/wasm" }],
      `${mode}: each .wasm fetched once, as application/wasm`);
    eq(pageErrors, [], `${mode}: page errors`);
    // The one expected console error: Chromium reporting the refused connection to `endpoint`.
    const unexpected = consoleErrors.filter(
      (e) => !(e.type === "error" && e.text === "Failed to load resource: net::ERR_CONNECTION_REFUSED" && e.url.startsWith(`${endpoint}/`)));
    eq(unexpected, [], `${mode}: console errors/warnings other than the refused fetch`);
    eq(consoleErrors.length, 1, `${mode}: exactly one refused-fetch console error`);
  } finally {
    await context.close();
  }
}
