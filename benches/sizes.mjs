// Figure 2: shipped size. volc-im: the files a browser loads (wasm + web glue + browser entry +
// error class), raw and gzip -9. Each JS library: an esbuild bundle (minified,
// platform=browser, ESM) of a tiny entry that imports and uses it (benches/entries/*.mjs).
// The same bundles are what the Chromium bench loads.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { isMain, root } from "./common.mjs";
import { browserLoad } from "../scripts/check-size.mjs";

export const buildDir = `${root}benches/build/`;

/** gzip -9 size of a file (the gzip CLI; zlib level 9 if it is missing). */
export function gzipSize(file) {
  try {
    return execFileSync("gzip", ["-9", "-c", file], { maxBuffer: 1 << 26 }).length;
  } catch {
    return gzipSync(readFileSync(file), { level: 9 }).length;
  }
}

const measure = (files) => {
  const rows = files.map((f) => ({ file: f.replace(root, ""), raw: statSync(f).size, gzip: gzipSize(f) }));
  return { raw: rows.reduce((a, r) => a + r.raw, 0), gzip: rows.reduce((a, r) => a + r.gzip, 0), files: rows };
};

/** The JS libraries' entries: name → { entry, browser } */
export const LIBRARY_ENTRIES = {
  aws4fetch: { entry: "entries/aws4fetch.mjs", label: "aws4fetch 1.0.20" },
  smithy: { entry: "entries/smithy.mjs", label: "@smithy/signature-v4 5.7.5 + @aws-crypto/sha256-js 5.2.0" },
  volcengine: { entry: "entries/volcengine.mjs", label: "@volcengine/openapi 1.36.2 Signer" },
};

async function bundle(name, entry, platform, extra = {}) {
  const outfile = `${buildDir}${name}.${platform}.js`;
  await esbuild.build({
    entryPoints: [`${root}benches/${entry}`],
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    target: platform === "browser" ? "es2022" : "node20",
    outfile,
    logLevel: "silent",
    ...extra,
  });
  return outfile;
}

export async function run() {
  mkdirSync(buildDir, { recursive: true });
  const out = {};
  const pkg = (f) => `${root}pkg/${f}`;
  // Everything each browser entry loads (its imports and the .wasm it fetches), found the way
  // the size budget in make test finds it (scripts/check-size.mjs): one definition.
  const load = (entry) => measure(browserLoad(entry).map((f) => pkg(f.file)));
  out["volc-im"] = {
    label: "volc-im (everything pkg/browser.mjs loads: the .wasm, the glue, the entry and its JS helpers)",
    platform: "browser",
    browserCapable: true,
    ...load("browser.mjs"),
  };
  out["volc-im/sign"] = {
    label: "volc-im/sign (everything pkg/sign-browser.mjs loads)",
    platform: "browser",
    browserCapable: true,
    ...load("sign-browser.mjs"),
  };
  // For comparison with the bundled libraries: the same entry style, bundled + minified JS
  // (the .wasm is emitted as an asset by bundlers, so it is added as is).
  const vb = await bundle("volc-im", "entries/volc-im.mjs", "browser", { alias: { "volc-im": pkg("browser.mjs") } });
  out["volc-im (bundled)"] = {
    label: "volc-im, esbuild-minified JS + .wasm",
    platform: "browser",
    browserCapable: true,
    ...measure([vb, pkg("volc_im_bg.wasm")]),
  };
  for (const [name, { entry, label }] of Object.entries(LIBRARY_ENTRIES)) {
    try {
      out[name] = { label, platform: "browser", browserCapable: true, ...measure([await bundle(name, entry, "browser")]) };
    } catch (e) {
      // Not bundlable for the browser (Node built-ins): size the Node bundle instead.
      const why = (e.errors ?? []).map((x) => x.text).slice(0, 2).join("; ") || String(e.message).split("\n")[0];
      out[name] = {
        label: `${label} (Node build)`,
        platform: "node",
        browserCapable: false,
        browserError: why,
        ...measure([await bundle(name, entry, "node")]),
      };
    }
  }
  return out;
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run()));
