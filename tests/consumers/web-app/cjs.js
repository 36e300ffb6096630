// CommonJS entry: `require("volc-im")`, which webpack 5 resolves through the `browser`
// condition under `require`.
const im = require("volc-im");
const sign = require("volc-im/sign");
const { run } = require("./app.js");

run(im, sign);
