// What one p2pSendMessage costs the caller's thread with no network: an injected fetch that
// answers at once with a P2P envelope, so the figure is the client's own work (guarded copy,
// validation, signing, the attempt's timer and signal, reading and decoding the reply) and
// none of the server's or the socket's. Calls run one after another; prints one JSON line:
// the median µs per send, per bare stub call, and the difference.
//   node benches/send-stub.mjs [pkgDir]
import * as fx from "./fixtures.mjs";
import { root, median } from "./common.mjs";
import { MESSAGE } from "./send.mjs";

const pkgDir = process.argv[2] ?? `${root}pkg`;
const { ImClient } = await import(`${pkgDir}/node.mjs`);
const envelope = fx.P2P_ENVELOPE;
const fetch = async () => new Response(envelope, { status: 200, headers: { "Content-Type": "application/json" } });
const client = new ImClient({ accessKeyId: "AKLTbench", secretAccessKey: "bench-secret", qps: 0, retries: 0, fetch });
// The floor: the stub itself and reading its body, as the client does.
const bare = async () => new Uint8Array(await (await fetch()).arrayBuffer());
const send = () => client.p2pSendMessage(MESSAGE);

async function timed(f, n) {
  const t = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await f();
    t.push((performance.now() - s) * 1000);
  }
  return median(t);
}
await timed(send, 2000);
await timed(bare, 2000);
const sendUs = await timed(send, 5000);
const bareUs = await timed(bare, 5000);
console.log(JSON.stringify({ send: sendUs, stub: bareUs, overhead: sendUs - bareUs }));
