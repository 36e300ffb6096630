// webpack 5 consumer (the pinned webpack-cli, webpack.config.cjs beside this file, volc-im from
// the npm pack tarball): the web-app page built twice, from `import` (esm.js) and from
// `require("volc-im")` (cjs.js, resolved through the `browser` condition under `require`).
// No initWasm, no copy step: webpack emits both .wasm files as assets. Each build sends one
// message to the simulator in Chromium.
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, check, eq, installPkg, main, makeTmp, run } from "../lib/common.mjs";
import { checkSendingPage, launchChromium, pageHtml, serveStatic } from "../lib/browser.mjs";
import { startSim } from "../lib/sim.mjs";

const HERE = import.meta.dirname;

await main("webpack", async (defer) => {
  const tmp = makeTmp("webpack");
  defer(tmp.cleanup);
  const app = join(tmp.dir, "app");
  cpSync(join(HERE, "../web-app"), app, { recursive: true });
  cpSync(join(HERE, "webpack.config.cjs"), join(app, "webpack.config.cjs"));
  const installed = installPkg(app);
  const www = join(tmp.dir, "www");

  for (const [name, entry] of [["esm", "esm.js"], ["require", "cjs.js"]]) {
    const out = join(www, name);
    const r = run(process.execPath, [join(ROOT, "node_modules/webpack-cli/bin/cli.js"), "--config", "webpack.config.cjs", "--no-color"],
      { cwd: app, env: { ENTRY: entry, OUT: out } });
    check(r.status === 0 && /compiled successfully/.test(r.stdout), `webpack (${name}) failed`, (r.stdout + r.stderr).slice(-3000));
    check(!/WARNING/.test(r.stdout + r.stderr), `webpack (${name}) warned`, (r.stdout + r.stderr).slice(-3000));
    const js = readFileSync(join(out, "bundle.js"), "utf8");
    check(!/["']node:fs["']/.test(js), `${name}: the bundle took a Node entry`);
    // Both .wasm files emitted as assets, byte for byte the package's.
    const emitted = readdirSync(out).filter((f) => f.endsWith(".wasm")).map((f) => readFileSync(join(out, f)).length).sort((a, b) => a - b);
    eq(emitted, ["volc_im_sign_bg.wasm", "volc_im_bg.wasm"].map((f) => readFileSync(join(installed, f)).length).sort((a, b) => a - b),
      `${name}: sizes of the emitted .wasm assets`);
    writeFileSync(join(out, "index.html"), pageHtml('<script src="./bundle.js"></script>'));
    cpSync(join(ROOT, "tests/data/signing.json"), join(out, "signing.json"));
  }

  const sim = await startSim(defer);
  const site = await serveStatic(www);
  defer(site.close);
  const browser = await launchChromium(defer);
  await checkSendingPage(browser, `${site.url}/esm/`, sim, "webpack, import");
  await checkSendingPage(browser, `${site.url}/require/`, sim, "webpack, require()");
  eq(site.served.filter((s) => s.status !== 200), [], "404s from the static server");
});
