// Vite consumer: index.html + main.js importing volc-im from node_modules (through the package
// `exports`; no alias), run in headless Debian Chromium driven by playwright-core. Each page
// signs the shared vector, meets a refused endpoint, and sends one message to the simulator.
//   vite       — the npm pack tarball: `vite build` served from dist/, and the dev server
//                (which pre-bundles dependencies: the .wasm URL must survive that); no config.
//   vite-link  — (`--link`) a symlinked install (`npm install ./pkg`), dev server: with no
//                config Vite refuses the .wasm outside the project (403) and the page must get
//                a WasmLoadFailed that says so; with the vite.config.js of docs/bundlers.md
//                (server.fs.allow) it sends.
import { cpSync, readdirSync, readFileSync, statSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PKG, ROOT, VECTORS, check, eq, installPkg, main, makeTmp, refusedPort } from "../lib/common.mjs";
import { launchChromium, runPage, serveStatic } from "../lib/browser.mjs";
import { checkDelivered, contentFor, startSim } from "../lib/sim.mjs";

const HERE = import.meta.dirname;
const LINK = process.argv.includes("--link");

// The recipe in docs/bundlers.md for a linked install.
const LINK_CONFIG = `import { realpathSync } from "node:fs";

export default {
  server: { fs: { allow: [".", realpathSync(new URL("./node_modules/volc-im", import.meta.url))] } },
};
`;

await main(LINK ? "vite-link" : "vite", async (defer) => {
  const vite = await import(join(ROOT, "node_modules/vite/dist/node/index.js"));
  const tmp = makeTmp("vite");
  defer(tmp.cleanup);
  const app = join(tmp.dir, "app");
  for (const f of ["index.html", "main.js"]) cpSync(join(HERE, f), join(app, f));
  cpSync(join(ROOT, "tests/data/signing.json"), join(app, "signing.json"));
  if (LINK) {
    mkdirSync(join(app, "node_modules"), { recursive: true });
    symlinkSync(PKG, join(app, "node_modules/volc-im"), "dir");
  } else {
    installPkg(app);
  }
  const sim = await startSim(defer);
  const browser = await launchChromium(defer);

  const devServer = async (configFile) => {
    const dev = await vite.createServer({
      root: app,
      configFile,
      logLevel: "silent",
      server: { host: "127.0.0.1", port: await refusedPort(), strictPort: true, hmr: false, watch: null },
    });
    defer(() => dev.close());
    await dev.listen();
    return dev.resolvedUrls.local[0].replace(/\/$/, "");
  };

  if (LINK) {
    // 1. Default config: the .wasm is outside the project and its allow list.
    const base = await devServer(false);
    const { out, pageErrors } = await runPage(browser, `${base}/?sim=${encodeURIComponent(sim.url)}&content=x`);
    eq(out.status, "failed", "linked, no config: page status");
    eq(pageErrors, [], "linked, no config: page errors");
    const failure = JSON.parse(out.failure);
    eq([failure.code, failure.isVolcError], ["WasmLoadFailed", true], "linked, no config: error");
    for (const part of [`${base}/@fs${PKG}/volc_im`, "HTTP 403", "server.fs.allow", "initWasm"]) {
      check(failure.message.includes(part), `linked, no config: the message says ${JSON.stringify(part)}`, failure.message);
    }
    // 2. The documented vite.config.js.
    writeFileSync(join(app, "vite.config.js"), LINK_CONFIG);
    await checkPage(browser, await devServer(join(app, "vite.config.js")), sim, "linked, dev");
    return;
  }

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
  check(!/["']node:fs["']/.test(js), "bundle took the node entry, not the browser one");

  // 2. Serve dist/ and load it in Chromium.
  const site = await serveStatic(dist);
  defer(site.close);
  await checkPage(browser, site.url, sim, "build");
  eq(site.served.filter((s) => s.status !== 200), [], "build: 404s from the static server");

  // 3. The dev server, default config, no optimizeDeps tweaks (VOLC_IM_INSTALL=link, a
  //    symlinked install: the documented server.fs.allow config).
  let config = false;
  if (process.env.VOLC_IM_INSTALL === "link") writeFileSync((config = join(app, "vite.config.js")), LINK_CONFIG);
  await checkPage(browser, await devServer(config), sim, "dev");
});

async function checkPage(browser, base, sim, mode) {
  const endpoint = `http://127.0.0.1:${await refusedPort()}`;
  const content = contentFor(`vite ${mode}`);
  const { out, pageErrors, consoleErrors, wasmResponses } = await runPage(browser,
    `${base}/?endpoint=${encodeURIComponent(endpoint)}&sim=${encodeURIComponent(sim.url)}&content=${encodeURIComponent(content)}`);

  eq([out.status, out.failure], ["done", ""], `${mode}: page status`);
  await checkDelivered(sim, JSON.parse(out["sim-result"]), content, `${mode}: message to the simulator`);
  eq(out.signature, VECTORS[0].expected.signature, `${mode}: signature in the page`);
  eq(out.authorization, VECTORS[0].expected.authorization, `${mode}: Authorization in the page`);
  eq(out["signature-sign-only"], VECTORS[0].expected.signature, `${mode}: volc-im/sign signature in the page`);
  eq(out["sign-only-error"], "InvalidArgument", `${mode}: volc-im/sign rejects with a VolcError`);
  check(out["client-string"].includes("AKLTconsumerVite") && out["client-string"].includes('"accessKeyId"') &&
    !out["client-string"].includes("c2VjcmV0LWZvci10aGUtdml0ZS1jb25zdW1lcg"), `${mode}: String(client) / JSON shows the key id, never the secret`, out["client-string"]);
  eq([out["error-code"], out["error-is-volc"], out["error-retryable"]], ["NetworkError", "true", "false"],
    `${mode}: error shown in the page (a failed fetch is never known to be unprocessed)`);
  eq(wasmResponses.map((r) => [r.status, r.type]), [[200, "application/wasm"], [200, "application/wasm"]],
    `${mode}: each .wasm fetched once, as application/wasm`);
  eq(pageErrors, [], `${mode}: page errors`);
  // The one expected console error: Chromium reporting the refused connection to `endpoint`.
  const unexpected = consoleErrors.filter(
    (e) => !(e.type === "error" && e.text === "Failed to load resource: net::ERR_CONNECTION_REFUSED" && e.url.startsWith(`${endpoint}/`)));
  eq(unexpected, [], `${mode}: console errors/warnings other than the refused fetch`);
  eq(consoleErrors.length, 1, `${mode}: exactly one refused-fetch console error`);
}
