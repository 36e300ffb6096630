// Investigation aid (not part of `make bench`): what the send overhead is made of. Against the
// optimised simulator, calls of several variants alternate one by one (concurrency 1) or in
// blocks (concurrency 32); each variant's median per-call latency is printed.
//   node benches/profile-send.mjs [pairs]
import * as fx from "./fixtures.mjs";
import { median, root } from "./common.mjs";
import { startSim } from "./sim.mjs";
import { MESSAGE, presigned } from "./send.mjs";

const pairs = Number(process.argv[2] ?? 300);
const { ImClient, signRequest } = await import(`${root}pkg/node.mjs`);
const sim = await startSim();
try {
  const { body, bytes, signed, joined: joinedHeaders } = await presigned(signRequest, sim.url);
  const { sendOnce } = await import(`${root}pkg/transport.js`);
  const opts = { accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY, endpoint: sim.url, qps: 0, retries: 0 };
  const client = new ImClient(opts);
  const noSignal = new ImClient({ ...opts, fetch: (u, init) => fetch(u, { ...init, signal: undefined }) });
  const envelope = await (await fetch(signed.url, { method: "POST", headers: signed.headers, body })).text();
  const stub = new ImClient({ ...opts, fetch: async () => new Response(envelope, { status: 200, headers: { "Content-Type": "application/json" } }) });
  const stubResponse = async () => (await new Response(envelope)).json();

  const variants = {
    "raw fetch + res.json()": async () => (await fetch(signed.url, { method: "POST", headers: signed.headers, body })).json(),
    "raw fetch + res.arrayBuffer()": async () => (await fetch(signed.url, { method: "POST", headers: signed.headers, body })).arrayBuffer(),
    "raw fetch, Uint8Array body + arrayBuffer()": async () => (await fetch(signed.url, { method: "POST", headers: signed.headers, body: bytes.slice() })).arrayBuffer(),
    "raw fetch + AbortController signal + setTimeout/clearTimeout": async () => {
      const c = new AbortController();
      const t = setTimeout(() => c.abort(), 10_000);
      const r = await fetch(signed.url, { method: "POST", headers: signed.headers, body: bytes.slice(), signal: c.signal });
      const out = await r.arrayBuffer();
      clearTimeout(t);
      return out;
    },
    // The client's own attempt plumbing (transport.js), pre-signed: fetch with its per-attempt
    // signal and timer, the capped body read; no wasm.
    "transport.js sendOnce alone (pre-signed)": () => sendOnce(fetch, signed.url, joinedHeaders, bytes, 10_000, 1 << 20, undefined),
    "raw: signRequest each call + fetch + json()": async () => {
      const s = await signRequest({
        method: "POST", url: `${sim.url}/?Action=P2PSendMessage&Version=2020-12-01`,
        headers: { Accept: "application/json", "Content-Type": "application/json" }, body,
        accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY, region: fx.REGION, service: fx.SERVICE,
      });
      return (await fetch(s.url, { method: "POST", headers: s.headers, body })).json();
    },
    "ImClient.p2pSendMessage": () => client.p2pSendMessage(MESSAGE),
    "ImClient, fetch wrapper dropping the signal": () => noSignal.p2pSendMessage(MESSAGE),
    "ImClient, stub fetch (no network)": () => stub.p2pSendMessage(MESSAGE),
    "stub: new Response(envelope).json() (no network)": stubResponse,
    "signRequest alone": () => signRequest({
      method: "POST", url: fx.URL_P2P, headers: { Accept: "application/json", "Content-Type": "application/json" }, body,
      accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY, region: fx.REGION, service: fx.SERVICE,
    }),
  };
  const names = Object.keys(variants);
  const lat = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < 50; i++) for (const n of names) await variants[n]();
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 ? [...names].reverse() : names;
    for (const n of order) {
      const t = performance.now();
      await variants[n]();
      lat[n].push((performance.now() - t) * 1000);
    }
  }
  console.log(`concurrency 1, median µs per call over ${pairs} alternating calls each:`);
  for (const n of names) console.log(`  ${median(lat[n]).toFixed(1).padStart(8)}  ${n}`);

  const blk = async (fn, calls = 320) => {
    let left = calls;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 32 }, async () => { while (left-- > 0) await fn(); }));
    return ((performance.now() - t0) * 1000) / calls;
  };
  const c32 = ["raw fetch + res.json()", "raw fetch + AbortController signal + setTimeout/clearTimeout", "ImClient.p2pSendMessage", "ImClient, fetch wrapper dropping the signal", "ImClient, stub fetch (no network)"];
  const b = Object.fromEntries(c32.map((n) => [n, []]));
  for (let r = 0; r < 7; r++) for (const n of r % 2 ? [...c32].reverse() : c32) b[n].push(await blk(variants[n]));
  console.log(`concurrency 32, median of 7 alternating blocks of 320 calls, µs per call (wall / calls):`);
  for (const n of c32) console.log(`  ${median(b[n]).toFixed(1).padStart(8)}  ${n}`);
} finally {
  await sim.stop();
}
