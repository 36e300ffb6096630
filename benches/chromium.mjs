// Figure 4: the signing figures in headless Chromium. volc-im is the package itself
// (pkg/browser.mjs through an import map, its .wasm fetched as application/wasm); the
// browser-capable alternatives are the esbuild bundles sizes.mjs measures.
// (@volcengine/openapi is Node-only: not bundlable for the browser.)
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import * as esbuild from "esbuild";
import { isMain, root } from "./common.mjs";
import { startStatic } from "./static-server.mjs";

export const chromiumArgs = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>volc-im bench</title>
<script type="importmap">{ "imports": { "volc-im": "/pkg/browser.mjs", "volc-im/sign": "/pkg/sign-browser.mjs" } }</script>
<script type="module">
  import * as fx from "/benches/fixtures.mjs";
  import { interleave } from "/benches/stats.mjs";
  import { makeSigners as volcIm } from "/benches/entries/volc-im.mjs";
  import { makeSigners as volcImSign } from "/benches/entries/volc-im-sign.mjs";
  import { makeSigners as aws4fetch } from "/benches/build/aws4fetch.chromium.js";
  import { makeSigners as smithy } from "/benches/build/smithy.chromium.js";
  window.runBench = async ({ rounds, ms }) => {
    const signers = { ...volcIm(fx), ...volcImSign(fx), ...aws4fetch(fx), ...smithy(fx) };
    const signatures = {};
    for (const [size, body] of Object.entries(fx.BODIES)) signatures[size] = await signers["volc-im signRequest"](body);
    const cases = {};
    for (const [name, fn] of Object.entries(signers))
      for (const [size, body] of Object.entries(fx.BODIES)) cases[name + "|" + size] = { fn: () => fn(body) };
    const enc = new TextEncoder();
    for (const [size, body] of Object.entries(fx.BODIES))
      cases["ref: WebCrypto SHA-256 of the body|" + size] = { fn: () => crypto.subtle.digest("SHA-256", enc.encode(body)) };
    const res = await interleave(cases, { rounds, ms });
    return { res, signatures, isolated: self.crossOriginIsolated, userAgent: navigator.userAgent };
  };
  window.ready = true;
</script>`;

export async function run({ rounds = 7, ms = 120 } = {}) {
  mkdirSync(`${root}benches/build`, { recursive: true });
  for (const name of ["aws4fetch", "smithy"]) {
    await esbuild.build({
      entryPoints: [`${root}benches/entries/${name}.mjs`],
      bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022",
      outfile: `${root}benches/build/${name}.chromium.js`, logLevel: "silent",
    });
  }
  const server = await startStatic({ "/bench.html": PAGE });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [...chromiumArgs, "--js-flags=--expose-gc"] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${server.url}/bench.html`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 20_000 }).catch(() => {
      throw new Error(`bench page did not load: ${errors.join("; ")}`);
    });
    const out = await page.evaluate((o) => window.runBench(o), { rounds, ms });
    const results = {};
    for (const [key, sum] of Object.entries(out.res)) {
      const [name, size] = key.split("|");
      (results[name] ??= {})[size] = sum;
    }
    return { browser: browser.version(), crossOriginIsolated: out.isolated, results, signatures: out.signatures };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run()));
