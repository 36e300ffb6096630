// Browser side of the consumer tests: a static server for built output (on 127.0.0.1, .wasm as
// application/wasm) and headless Debian Chromium driven by playwright-core.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { ROOT, VECTORS, check, eq } from "./common.mjs";
import { checkDelivered, contentFor } from "./sim.mjs";
import { chromiumArgs } from "../../e2e/helpers.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/** Serves `dir` on 127.0.0.1; `served` records every request's path and status. */
export async function serveStatic(dir) {
  const served = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
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

/** Headless Chromium, closed by `defer`. */
export async function launchChromium(defer) {
  const { chromium } = await import(join(ROOT, "node_modules/playwright-core/index.mjs"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  defer(() => browser.close());
  return browser;
}

/**
 * Opens `url`, waits until the page's `#status` is no longer "running", and returns every
 * `<output>` by id, plus page errors, console errors/warnings and the .wasm responses.
 */
export async function runPage(browser, url, { timeoutMs = 20_000 } = {}) {
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
      const path = new URL(r.url()).pathname;
      if (path.endsWith(".wasm")) wasmResponses.push({ file: path.split("/").pop(), status: r.status(), type: r.headers()["content-type"] });
    });
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById("status")?.textContent !== "running", null, { timeout: timeoutMs });
    const out = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll("output")].map((o) => [o.id, o.textContent])));
    return { out, pageErrors, consoleErrors, wasmResponses };
  } finally {
    await context.close();
  }
}

/** The page around a bundle: `<script type="module">` for ESM output, a classic one for IIFE. */
export const pageHtml = (script) => `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>volc-im consumer</title><link rel="icon" href="data:,"></head>
  <body>
    <output id="status">running</output> <output id="result"></output> <output id="signature"></output> <output id="error"></output>
    ${script}
  </body>
</html>
`;

/**
 * Loads a built web-app page (tests/consumers/web-app/app.js) from `base`: it must send one
 * message that the simulator's online device receives, sign the shared vector through
 * volc-im/sign, fetch both .wasm files once as application/wasm, and log no error.
 */
export async function checkSendingPage(browser, base, sim, label, query = "") {
  const content = contentFor(label);
  const { out, pageErrors, consoleErrors, wasmResponses } = await runPage(browser,
    `${base}?endpoint=${encodeURIComponent(sim.url)}&content=${encodeURIComponent(content)}${query}`);
  eq([out.status, out.error], ["done", ""], `${label}: page status and error`);
  await checkDelivered(sim, JSON.parse(out.result), content, label);
  eq(out.signature, VECTORS[0].expected.signature, `${label}: volc-im/sign signature of the shared vector`);
  eq(pageErrors, [], `${label}: page errors`);
  eq(consoleErrors, [], `${label}: console errors and warnings`);
  eq(wasmResponses.map((r) => [r.status, r.type]), [[200, "application/wasm"], [200, "application/wasm"]],
    `${label}: .wasm responses (one per entry)`);
  return { out, wasmResponses };
}

/** Loads a page that must fail to load its .wasm: returns the VolcError it showed. */
export async function expectLoadFailure(browser, url, label) {
  const { out, pageErrors } = await runPage(browser, url);
  eq(out.status, "failed", `${label}: page status`);
  eq(pageErrors, [], `${label}: page errors`);
  const error = JSON.parse(out.error);
  eq([error.code, error.isVolcError], ["WasmLoadFailed", true], `${label}: error code`);
  check(error.message.includes("volc_im_bg.wasm") && error.message.includes("initWasm"),
    `${label}: the message names the file and initWasm`, error.message);
  return error;
}
