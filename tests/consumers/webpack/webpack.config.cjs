// A plain webpack 5 production build of the web-app page: no loader or rule for the .wasm
// (webpack emits `new URL("volc_im_bg.wasm", import.meta.url)` as an asset by itself).
// ENTRY: esm.js (import) or cjs.js (require); OUT: the output folder.
const path = require("node:path");

module.exports = {
  mode: "production",
  context: __dirname,
  entry: `./${process.env.ENTRY}`,
  output: { path: path.resolve(process.env.OUT), filename: "bundle.js", clean: true },
  devtool: false,
  performance: { hints: false },
};
