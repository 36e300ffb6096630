// Figure 7: memory growth. In a fresh `node --expose-gc`: wasm linear memory (the instance's
// `memory` export, from initSync — which returns the exports of the instance node.mjs made) and
// the JS heap after gc(), after 1 000 signatures vs after 100 000, and after 1 000 sends vs after
// 10 000 (to the simulator, qps: 0). Ratios of the later to the earlier figure.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as fx from "./fixtures.mjs";
import { isMain, root, runNodeJson } from "./common.mjs";
import { startSim } from "./sim.mjs";
import { MESSAGE } from "./send.mjs";

const self = fileURLToPath(import.meta.url);

async function child(simUrl) {
  if (typeof gc !== "function") throw new Error("run with --expose-gc");
  const { signRequest, ImClient } = await import(`${root}pkg/node.mjs`);
  const { initSync } = await import(`${root}pkg/volc_im_server.js`);
  const exports = initSync({ module: readFileSync(`${root}pkg/volc_im_server_bg.wasm`) });
  const memory = exports.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("no memory export");
  const snap = async () => {
    await new Promise((r) => setImmediate(r)); // let finalizers and settled promises go
    gc();
    gc();
    const m = process.memoryUsage();
    return { wasmBytes: memory.buffer.byteLength, heapUsed: m.heapUsed, external: m.external, rss: m.rss };
  };
  const opts = fx.signOptions(fx.SMALL_BODY);
  const signN = async (n) => {
    for (let i = 0; i < n; i++) await signRequest(opts);
  };
  await signN(1000);
  const sign1k = await snap();
  await signN(99_000);
  const sign100k = await snap();

  const client = new ImClient({
    accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY, endpoint: simUrl, qps: 0, retries: 0,
  });
  const sendN = async (n, width = 16) => {
    let left = n;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (left-- > 0) await client.p2pSendMessage(MESSAGE);
      }),
    );
  };
  await sendN(1000);
  const send1k = await snap();
  await sendN(9000);
  const send10k = await snap();
  console.log(JSON.stringify({ sign1k, sign100k, send1k, send10k }));
}

export async function run() {
  const sim = await startSim();
  try {
    const r = await runNodeJson(self, { flags: ["--expose-gc"], args: ["--child", sim.url] });
    const ratio = (a, b, k) => b[k] / a[k];
    return {
      ...r,
      ratios: {
        signWasm: ratio(r.sign1k, r.sign100k, "wasmBytes"),
        signHeap: ratio(r.sign1k, r.sign100k, "heapUsed"),
        sendWasm: ratio(r.send1k, r.send10k, "wasmBytes"),
        sendHeap: ratio(r.send1k, r.send10k, "heapUsed"),
      },
    };
  } finally {
    await sim.stop();
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]);
else if (isMain(import.meta.url)) console.log(JSON.stringify(await run()));
