// Rollup 4 build of the web-app page (ESM output): @rollup/plugin-node-resolve with the
// `browser` condition finds volc-im's browser entry, and @web/rollup-plugin-import-meta-assets
// emits what `new URL("./volc_im_bg.wasm", import.meta.url)` points at as an asset (Rollup
// alone leaves the URL as it is, and the file behind). Run from the app folder.
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";

export default {
  input: "esm.js",
  output: { dir: process.env.OUT ?? "dist", format: "es" },
  plugins: [nodeResolve({ browser: true }), importMetaAssets()],
};
