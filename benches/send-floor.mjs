// Investigation aid (not part of `make bench`): the floor of a send's overhead against the
// optimised simulator, concurrency 1, five variants alternating call by call in one process:
// a bare fetch, the same with AbortSignal.timeout(ms) (the cheapest per-call timeout), with an
// AbortController + setTimeout (what an attempt needs to also honour the caller's signal),
// transport.js's sendOnce alone (pre-signed: the client's attempt without wasm), and the whole
// ImClient.p2pSendMessage. Prints median µs per call and each one's excess over the bare fetch,
// then where the client's time goes: a second client whose fetch notes when it is called and
// when it resolves splits each send into before the fetch, the fetch, and after it.
//   node benches/send-floor.mjs [calls]
import * as fx from "./fixtures.mjs";
import { median, root } from "./common.mjs";
import { startSim } from "./sim.mjs";
import { MESSAGE, presigned, runC1 } from "./send.mjs";

const calls = Number(process.argv[2] ?? 1500);
const { ImClient, signRequest } = await import(`${root}pkg/node.mjs`);
const { sendOnce } = await import(`${root}pkg/transport.js`);
const sim = await startSim();
try {
  // (Not a JSON.stringify(MESSAGE) body: its ids are strings, which the simulator answers with a
  // quick 400.)
  const { bytes, signed, joined } = await presigned(signRequest, sim.url);
  const opts = { accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY, endpoint: sim.url, qps: 0, retries: 0 };
  const client = new ImClient(opts);
  let fetchAt = 0;
  let fetchedAt = 0;
  const noting = (url, init) => {
    fetchAt = performance.now();
    return fetch(url, init).then((r) => ((fetchedAt = performance.now()), r));
  };
  const split = new ImClient({ ...opts, fetch: noting });
  const parts = { before: [], fetch: [], after: [], bareBody: [] };
  const post = (extra) => fetch(signed.url, { method: "POST", headers: signed.headers, body: bytes.slice(), ...extra });
  const variants = {
    "bare fetch + arrayBuffer()": async () => (await post()).arrayBuffer(),
    "+ AbortSignal.timeout(10 s)": async () => (await post({ signal: AbortSignal.timeout(10_000) })).arrayBuffer(),
    "+ AbortController + setTimeout/clearTimeout": async () => {
      const c = new AbortController();
      const t = setTimeout(() => c.abort(), 10_000);
      try {
        return await (await post({ signal: c.signal })).arrayBuffer();
      } finally {
        clearTimeout(t);
      }
    },
    "transport.js sendOnce (pre-signed, no wasm)": () => sendOnce(fetch, signed.url, joined, bytes, 10_000, 1 << 20, undefined),
    "ImClient.p2pSendMessage": () => client.p2pSendMessage(MESSAGE),
    "bare fetch, body read noted": async () => {
      const r = await post();
      const t = performance.now();
      await r.arrayBuffer();
      parts.bareBody.push((performance.now() - t) * 1000);
    },
    "ImClient.p2pSendMessage, fetch noted": async () => {
      const t = performance.now();
      await split.p2pSendMessage(MESSAGE);
      const end = performance.now();
      parts.before.push((fetchAt - t) * 1000);
      parts.fetch.push((fetchedAt - fetchAt) * 1000);
      parts.after.push((end - fetchedAt) * 1000);
    },
  };
  const first = await post();
  if (first.status !== 200) throw new Error(`the pre-signed request was refused: ${first.status} ${await first.text()}`);
  await first.arrayBuffer().catch(() => {});
  const names = Object.keys(variants);
  for (let i = 0; i < 200; i++) for (const n of names) await variants[n]();
  for (const k of Object.keys(parts)) parts[k].length = 0; // the warm-up's notes
  const med = await runC1(variants, calls);
  const bare = med[names[0]];
  console.log(`concurrency 1, median µs per call over ${calls} alternating calls each:`);
  for (const n of names) console.log(`  ${med[n].toFixed(1).padStart(7)}  +${(med[n] - bare).toFixed(1).padStart(6)}  ${n}`);
  const m = (k) => median(parts[k]).toFixed(1);
  console.log(`the noted client's send: ${m("before")} µs before its fetch is called, ${m("fetch")} until the fetch resolves, ${m("after")} after (reading the body included; a bare fetch reads it in ${m("bareBody")})`);
} finally {
  await sim.stop();
}
