// Packaging lint: publint (strict) and @arethetypeswrong/cli (`attw --pack`) on pkg/, both run
// offline (in a fresh network namespace when `unshare -n` works), plus a check that everything
// the exports map and the shipped modules refer to is in the packed file list.
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { BIN, PKG, check, eq, main, run } from "../lib/common.mjs";

const NPM_ENV = { npm_config_offline: "true", npm_config_update_notifier: "false", npm_config_fund: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

await main("lint", async () => {
  // 1. publint, warnings as errors. Suggestions are printed, not failed on.
  const pub = run(join(BIN, "publint"), ["run", PKG, "--strict", "--level", "suggestion"], { offline: true, env: NPM_ENV });
  const pubOut = (pub.stdout + pub.stderr).replace(/\x1b\[[0-9;]*m/g, "");
  check(pub.status === 0, "publint --strict failed", pubOut);
  check(!/^(Errors|Warnings):/m.test(pubOut), "publint reported errors or warnings", pubOut);
  const suggestions = pubOut.match(/^Suggestions:\n((?:\d+\..*\n?)+)/m)?.[1].trim();
  if (suggestions) console.error(`publint suggestions (not failures):\n${suggestions}`);

  // 2. attw --pack, strict profile, JSON output: no problems at all.
  const attw = run(join(BIN, "attw"), ["--pack", PKG, "--format", "json", "--profile", "strict"], { offline: true, env: NPM_ENV });
  let report;
  try {
    report = JSON.parse(attw.stdout);
  } catch {
    check(false, "attw printed no JSON", attw.stdout + attw.stderr);
  }
  const problems = report.analysis?.problems;
  check(Array.isArray(problems), "attw JSON has analysis.problems", Object.keys(report.analysis ?? {}));
  eq(problems.map((p) => `${p.kind} ${p.entrypoint ?? ""} ${p.resolutionKind ?? ""}`.trim()), [], "attw problems");
  eq(attw.status, 0, "attw exit status");
  const kinds = {};
  for (const [sub, e] of Object.entries(report.analysis.entrypoints)) {
    for (const [mode, r] of Object.entries(e.resolutions)) {
      kinds[`${sub} ${mode}`] = [r.resolution?.fileName?.replace(/^\/node_modules\/volc-im\//, ""), r.resolution?.moduleKind?.detectedKind];
    }
  }
  const want = { "node10": "index.d.ts", "node16-cjs": "index.d.cts", "node16-esm": "index.d.ts", "bundler": "index.d.ts" };
  for (const [mode, file] of Object.entries(want)) eq(kinds[`. ${mode}`]?.[0], file, `attw: "." under ${mode} resolves`);

  // 3. The packed file list holds every file the package points at.
  const pack = run("npm", ["pack", PKG, "--dry-run", "--json", "--silent"], { offline: true, env: NPM_ENV });
  eq(pack.status, 0, "npm pack --dry-run status");
  const packed = new Set(JSON.parse(pack.stdout)[0].files.map((f) => f.path));
  const pkgJson = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  const targets = [];
  const walk = (v) => (typeof v === "string" ? targets.push(v) : v && Object.values(v).forEach(walk));
  walk(pkgJson.exports);
  targets.push(pkgJson.main, pkgJson.module, pkgJson.types);
  for (const t of targets) check(packed.has(posix.normalize(t)), "exports/main/module/types target not packed", t);
  const refs = new Set();
  for (const f of packed) {
    if (!/\.(m?js|cjs)$/.test(f)) continue;
    const src = readFileSync(join(PKG, f), "utf8");
    for (const [, spec] of src.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*|require\(\s*)["'](\.\.?\/[^"']+)["']/g)) {
      const target = posix.normalize(posix.join(posix.dirname(f), spec));
      check(packed.has(target), `${f} refers to a file that is not packed`, spec);
      refs.add(`${f} -> ${target}`);
    }
  }
  for (const r of ["workerd.mjs -> volc_im_server_bg.wasm", "browser.mjs -> volc_im_bg.wasm", "node.mjs -> volc_im_server_bg.wasm", "volc_im.js -> errors.js", "volc_im.js -> convert.js", "volc_im.js -> transport.js", "volc_im_server.js -> errors.js", "volc_im_server.js -> convert.js", "volc_im_server.js -> transport.js",
    "sign-workerd.mjs -> volc_im_sign_bg.wasm", "sign-browser.mjs -> volc_im_sign_bg.wasm", "sign-node.mjs -> volc_im_sign_bg.wasm", "volc_im_sign.js -> convert.js"]) {
    check(refs.has(r), "expected reference not found (scan broken?)", [r, [...refs]]);
  }
  eq([...packed].filter((f) => /(^|\/)(snippets|target|src)\//.test(f)), [], "build leftovers in the package");
  if (!pub.offline) console.error("note: unshare -n unavailable; publint/attw ran with network access");
});
