// µs per signature of ONE signer, alone in this fresh process (run.mjs starts one process per
// signer): the ratio users see. Interleaving every library in one process slows each one's
// call sites (@smithy measured 181 µs interleaved, ~100 µs alone). Prints one JSON line.
//   node benches/sign-alone.mjs <signer> [pkgDir]
import * as fx from "./fixtures.mjs";
import { root } from "./common.mjs";

const name = process.argv[2];
const pkgDir = process.argv[3] ?? `${root}pkg`;

async function signer() {
  switch (name) {
    case "volc-im": {
      const { signRequest } = await import(`${pkgDir}/node.mjs`);
      return async (body) => (await signRequest(fx.signOptions(body))).signature;
    }
    case "volc-im/sign": {
      const { signRequest } = await import(`${pkgDir}/sign-node.mjs`);
      return async (body) => (await signRequest(fx.signOptions(body))).signature;
    }
    case "smithy": {
      const { makeSigners } = await import("./entries/smithy.mjs");
      return Object.values(makeSigners(fx))[0];
    }
    case "aws4fetch": {
      const { makeSigners } = await import("./entries/aws4fetch.mjs");
      return Object.values(makeSigners(fx)).at(-1);
    }
    case "volcengine": {
      const { makeSigners } = await import("./entries/volcengine.mjs");
      return Object.values(makeSigners(fx))[0];
    }
  }
  throw new Error(`unknown signer ${name}`);
}

const sign = await signer();
const out = {};
for (const [size, body] of Object.entries(fx.BODIES)) {
  const n = size === "small" ? 2000 : 100;
  for (let i = 0; i < n; i++) await sign(body); // warm-up
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) await sign(body);
    rounds.push(((performance.now() - t) * 1000) / n);
  }
  rounds.sort((a, b) => a - b);
  out[size] = { median: rounds[3], min: rounds[0], rounds };
}
console.log(JSON.stringify({ signer: name, ...out }));
