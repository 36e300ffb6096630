// What one p2pSendMessage costs the caller's thread with no network: an injected fetch that
// answers at once with a P2P envelope, so the figure is the client's own work (guarded copy,
// validation, signing, the attempt's timer and signal, reading and decoding the reply) and
// none of the server's or the socket's. Calls run one after another; prints one JSON line:
// the median µs per send, per bare stub call, and the difference.
// With --idle-us N the stub first sleeps N µs (Atomics.wait: the thread idles, as it does while
// a real request is on the wire), so the client's work runs after an idle thread, as in a real
// send, instead of back to back with itself (docs/benchmarks.md: "what the network adds").
//   node benches/send-stub.mjs [pkgDir] [--idle-us N]
import * as fx from "./fixtures.mjs";
import { root, median } from "./common.mjs";
import { MESSAGE } from "./send.mjs";

const args = process.argv.slice(2);
const idleAt = args.indexOf("--idle-us");
const idleMs = idleAt >= 0 ? Number(args.splice(idleAt, 2)[1]) / 1000 : 0;
const pkgDir = args[0] ?? `${root}pkg`;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const { ImClient } = await import(`${pkgDir}/node.mjs`);
const envelope = fx.P2P_ENVELOPE;
const fetch = async () => {
  if (idleMs) Atomics.wait(sleeper, 0, 0, idleMs);
  return new Response(envelope, { status: 200, headers: { "Content-Type": "application/json" } });
};
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
console.log(JSON.stringify({ idleUs: idleMs * 1000, send: sendUs, stub: bareUs, overhead: sendUs - bareUs }));
