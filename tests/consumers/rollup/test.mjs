// Rollup consumer (the pinned rollup CLI with rollup.config.mjs beside this file, volc-im from
// the npm pack tarball): the web-app page as ESM, both .wasm files emitted by
// @web/rollup-plugin-import-meta-assets; no initWasm, no copy step. The page sends one message
// to the simulator in Chromium.
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, check, eq, installPkg, main, makeTmp, run } from "../lib/common.mjs";
import { checkSendingPage, launchChromium, pageHtml, serveStatic } from "../lib/browser.mjs";
import { startSim } from "../lib/sim.mjs";

const HERE = import.meta.dirname;

await main("rollup", async (defer) => {
  const tmp = makeTmp("rollup");
  defer(tmp.cleanup);
  const app = join(tmp.dir, "app");
  cpSync(join(HERE, "../web-app"), app, { recursive: true });
  const installed = installPkg(app);
  const out = join(tmp.dir, "www");

  // The config stays beside this file, so its plugin imports resolve from the repository.
  const r = run(process.execPath, [join(ROOT, "node_modules/rollup/dist/bin/rollup"), "-c", join(HERE, "rollup.config.mjs"), "--silent"],
    { cwd: app, env: { OUT: out, NO_COLOR: "1" } });
  check(r.status === 0, "rollup failed", (r.stdout + r.stderr).slice(-3000));
  eq(r.stderr.trim(), "", "rollup warnings");
  const js = readFileSync(join(out, "esm.js"), "utf8");
  check(!/["']node:fs["']/.test(js), "the bundle took a Node entry");
  const assets = readdirSync(join(out, "assets")).filter((f) => f.endsWith(".wasm"));
  eq(assets.map((f) => readFileSync(join(out, "assets", f)).length).sort((a, b) => a - b),
    ["volc_im_sign_bg.wasm", "volc_im_bg.wasm"].map((f) => readFileSync(join(installed, f)).length).sort((a, b) => a - b),
    "sizes of the emitted .wasm assets");
  writeFileSync(join(out, "index.html"), pageHtml('<script type="module" src="./esm.js"></script>'));
  cpSync(join(ROOT, "tests/data/signing.json"), join(out, "signing.json"));

  const sim = await startSim(defer);
  const site = await serveStatic(out);
  defer(site.close);
  const browser = await launchChromium(defer);
  await checkSendingPage(browser, `${site.url}/`, sim, "rollup");
  eq(site.served.filter((s) => s.status !== 200), [], "404s from the static server");
});
