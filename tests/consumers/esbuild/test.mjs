// esbuild consumer (the pinned esbuild CLI, browser platform, volc-im from the npm pack
// tarball): the web-app page bundled as ESM and as IIFE, each with volc_im_bg.wasm and
// volc_im_sign_bg.wasm copied beside the bundle (the recipe in docs/bundlers.md; esbuild keeps
// `new URL(…, import.meta.url)` as it is). The ESM bundle finds them with no call; the IIFE
// one (import.meta.url is empty there) calls initWasm after constructing the client. Each page
// sends one message to the simulator in Chromium. Without the copies, or without initWasm in
// the IIFE, the page gets a WasmLoadFailed that says so.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, ROOT, check, eq, installPkg, main, makeTmp, run } from "../lib/common.mjs";
import { checkSendingPage, expectLoadFailure, launchChromium, pageHtml, serveStatic } from "../lib/browser.mjs";
import { startSim } from "../lib/sim.mjs";

const HERE = import.meta.dirname;

await main("esbuild", async (defer) => {
  const tmp = makeTmp("esbuild");
  defer(tmp.cleanup);
  const app = join(tmp.dir, "app");
  cpSync(join(HERE, "../web-app"), app, { recursive: true });
  const installed = installPkg(app);
  const www = join(tmp.dir, "www");

  // Bundles `entry` into www/<name>/bundle.js (+ the page and, with `copyWasm`, the .wasm files).
  const bundle = (name, entry, format, { copyWasm }) => {
    const out = join(www, name);
    mkdirSync(out, { recursive: true });
    const r = run(join(BIN, "esbuild"), [entry, "--bundle", `--format=${format}`, "--target=es2020", "--log-level=warning", `--outfile=${join(out, "bundle.js")}`],
      { cwd: app, env: { NO_COLOR: "1" } });
    check(r.status === 0, `esbuild ${format} failed`, r.stderr.slice(-2000));
    writeFileSync(join(out, "index.html"), pageHtml(format === "esm"
      ? '<script type="module" src="./bundle.js"></script>'
      : '<script src="./bundle.js"></script>'));
    cpSync(join(ROOT, "tests/data/signing.json"), join(out, "signing.json"));
    if (copyWasm) for (const f of ["volc_im_bg.wasm", "volc_im_sign_bg.wasm"]) cpSync(join(installed, f), join(out, f));
    return r.stderr;
  };
  const esmWarnings = bundle("esm", "esm.js", "esm", { copyWasm: true });
  eq(esmWarnings.trim(), "", "esbuild ESM warnings");
  bundle("esm-no-wasm", "esm.js", "esm", { copyWasm: false });
  // esbuild warns that import.meta is empty in an IIFE: the reason initWasm exists.
  bundle("iife", "iife.js", "iife", { copyWasm: true });

  const sim = await startSim(defer);
  const site = await serveStatic(www);
  defer(site.close);
  const browser = await launchChromium(defer);

  await checkSendingPage(browser, `${site.url}/esm/`, sim, "esm");
  await checkSendingPage(browser, `${site.url}/iife/`, sim, "iife (initWasm after new ImClient)");

  const missing = await expectLoadFailure(browser, `${site.url}/esm-no-wasm/?endpoint=${encodeURIComponent(sim.url)}`, "esm without the .wasm");
  check(missing.message.includes(`${site.url}/esm-no-wasm/volc_im_bg.wasm`) && missing.message.includes("HTTP 404"),
    "the error names the URL tried and the status", missing.message);
  const noInit = await expectLoadFailure(browser, `${site.url}/iife/?noinit&endpoint=${encodeURIComponent(sim.url)}`, "iife without initWasm");
  check(noInit.message.includes("import.meta.url"), "the error says import.meta.url is unavailable", noInit.message);
  eq(site.served.filter((s) => s.status !== 200).map((s) => s.path), ["/esm-no-wasm/volc_im_bg.wasm"], "404s from the static server");
  console.log(`messages:\n${missing.message}\n${noInit.message}`);
});
