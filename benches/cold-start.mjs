// Figure 3: cold start — a fresh `node` per sample; inside it, performance.now() from just
// before the dynamic import of the library to just after its first signature resolved.
// Libraries are sampled round-robin (interleaved), ≥ 10 samples each.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isMain, root, summary } from "./common.mjs";

const self = fileURLToPath(import.meta.url);

export const COLD_LIBS = {
  "volc-im": "volc-im (pkg/node.mjs)",
  "volc-im/sign": "volc-im/sign (pkg/sign-node.mjs)",
  aws4fetch: "aws4fetch (fresh AwsV4Signer)",
  smithy: "@smithy/signature-v4 + sha256-js",
  volcengine: "@volcengine/openapi Signer",
};

/** In the child: import, sign once, print the elapsed ms. */
async function child(lib) {
  const fx = await import("./fixtures.mjs"); // the request itself is not part of the figure
  const body = fx.SMALL_BODY;
  const t0 = performance.now();
  let signature;
  if (lib.startsWith("volc-im")) {
    const pkg = process.env.VOLC_IM_PKG ?? `${root}pkg`;
    const { signRequest } = await import(`${pkg}/${lib === "volc-im" ? "node" : "sign-node"}.mjs`);
    signature = (await signRequest(fx.signOptions(body))).signature;
  } else {
    const { makeSigners } = await import(`./entries/${lib}.mjs`);
    signature = await Object.values(makeSigners(fx))[0](body);
  }
  const t1 = performance.now();
  if (!signature) throw new Error("no signature");
  console.log(JSON.stringify({ ms: t1 - t0 }));
}

function sample(lib) {
  return new Promise((ok, fail) => {
    const started = performance.now();
    const p = spawn(process.execPath, [self, "--child", lib], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (c) => (out += c));
    p.stderr.on("data", (c) => (err += c));
    p.on("exit", (code) => {
      if (code !== 0) return fail(new Error(`cold start of ${lib} failed (${code}): ${err.slice(-1000)}`));
      ok({ ms: JSON.parse(out.trim().split("\n").pop()).ms, processMs: performance.now() - started });
    });
  });
}

export async function run({ samples = 12 } = {}) {
  const libs = Object.keys(COLD_LIBS);
  for (const lib of libs) await sample(lib); // warm the OS file cache
  const got = Object.fromEntries(libs.map((l) => [l, { ms: [], processMs: [] }]));
  for (let i = 0; i < samples; i++) {
    const order = i % 2 ? [...libs].reverse() : libs;
    for (const lib of order) {
      const s = await sample(lib);
      got[lib].ms.push(s.ms);
      got[lib].processMs.push(s.processMs);
    }
  }
  return Object.fromEntries(
    libs.map((l) => [l, { label: COLD_LIBS[l], ...summary(got[l].ms), process: summary(got[l].processMs) }]),
  );
}

if (process.argv[2] === "--child") await child(process.argv[3]);
else if (isMain(import.meta.url)) console.log(JSON.stringify(await run()));
