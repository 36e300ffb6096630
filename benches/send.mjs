// Figure 5: what the client adds to a call. ImClient.p2pSendMessage (qps: 0, retries: 0) vs a
// raw `fetch` of the same request signed once up front (the simulator accepts a signature for
// 15 min), against the optimised simulator; µs per call at concurrency 1 and 32, interleaved
// rounds (see runC1/runC32). Overhead = client − raw within each run; median and spread over runs.
import * as fx from "./fixtures.mjs";
import { isMain, median, root, summary } from "./common.mjs";
import { startSim } from "./sim.mjs";

// The same message as fx.SMALL_BODY, as a user passes it to the client.
export const MESSAGE = {
  AppId: 666675,
  Sender: "10008",
  ConversationShortId: "7221856821303361536",
  MsgType: 10013,
  Content: '{"type":1000,"text":"hello from the benchmark"}',
  ReceiverUserId: ["10001", "10002", "10003"],
};

/**
 * The request the client sends for MESSAGE (ids as JSON integers, so the simulator does the
 * same work for both), signed once with `signRequest` for the simulator at `simUrl`: the raw
 * `fetch` baseline of every send benchmark. `joined` is its headers as sendOnce takes them.
 */
export async function presigned(signRequest, simUrl) {
  const body = fx.SMALL_BODY;
  const signed = await signRequest({
    method: "POST",
    url: `${simUrl}/?Action=P2PSendMessage&Version=2020-12-01`,
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body,
    accessKeyId: fx.ACCESS_KEY_ID,
    secretAccessKey: fx.SECRET_ACCESS_KEY,
    region: fx.REGION,
    service: fx.SERVICE,
  });
  const joined = Object.entries(signed.headers).flat().join("\0");
  return { body, bytes: new TextEncoder().encode(body), signed, joined };
}

/** `calls` calls `concurrency`-wide; µs per completed call (wall / calls). */
async function block(call, concurrency, calls) {
  let left = calls;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await call();
    }),
  );
  return ((performance.now() - t0) * 1000) / calls;
}

/**
 * Concurrency 1: the variants' calls alternate one by one (order reversed every other turn),
 * each timed; a run's figure per variant is its median latency, so a load spike hits every
 * variant alike and barely moves any median.
 */
export async function runC1(variants, turns) {
  const names = Object.keys(variants);
  const lat = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < turns; i++) {
    for (const n of i % 2 ? [...names].reverse() : names) {
      const t = performance.now();
      await variants[n]();
      lat[n].push((performance.now() - t) * 1000);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(lat[n])]));
}

/** Concurrency 32: alternating blocks of calls; a run's figure is each side's median block. */
async function runC32(raw, client, blocks, calls) {
  const a = [];
  const b = [];
  for (let i = 0; i < blocks; i++) {
    if (i % 2) {
      b.push(await block(client, 32, calls));
      a.push(await block(raw, 32, calls));
    } else {
      a.push(await block(raw, 32, calls));
      b.push(await block(client, 32, calls));
    }
  }
  return { raw: median(a), client: median(b) };
}

export async function run({ rounds = 7, pairs = 250, pkg = `${root}pkg` } = {}) {
  const { ImClient, signRequest } = await import(`${pkg}/node.mjs`);
  const sim = await startSim();
  try {
    const client = new ImClient({
      accessKeyId: fx.ACCESS_KEY_ID,
      secretAccessKey: fx.SECRET_ACCESS_KEY,
      endpoint: sim.url,
      qps: 0,
      retries: 0,
    });
    const { body, signed } = await presigned(signRequest, sim.url);
    const raw = async () => {
      const res = await fetch(signed.url, { method: "POST", headers: signed.headers, body });
      const json = await res.json();
      if (res.status !== 200) throw new Error(`raw fetch: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const viaClient = () => client.p2pSendMessage(MESSAGE);
    // Both must succeed, and the same way.
    const [a, b] = [await raw(), await viaClient()];
    if (a.Result.P2PResult.length !== b.Result.P2PResult.length) throw new Error("raw and client replies differ");

    // For the record: what a per-call AbortController + timer (the client's per-attempt
    // timeout) costs a raw fetch by itself.
    const rawWithSignal = async () => {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 10_000);
      try {
        const res = await fetch(signed.url, { method: "POST", headers: signed.headers, body, signal: ac.signal });
        return await res.json();
      } finally {
        clearTimeout(timer);
      }
    };
    const c1 = { raw, client: viaClient, rawWithSignal };
    await runC1(c1, 150); // warm-up
    await runC32(raw, viaClient, 2, 320);
    const runs = { c1: [], c32: [] };
    for (let r = 0; r < rounds; r++) {
      runs.c1.push(await runC1(c1, pairs));
      runs.c32.push(await runC32(raw, viaClient, 2, 256));
    }
    const out = { rounds, callsPerVariantPerRun: pairs, method: "c1: per-call alternation (raw, client, raw+AbortController), median latency per run; c32: alternating blocks of 256 calls (2 per side per run), median block per run; overhead = client − raw within a run" };
    for (const c of ["c1", "c32"]) {
      const rawRuns = runs[c].map((x) => x.raw);
      const cliRuns = runs[c].map((x) => x.client);
      out[c] = { raw: summary(rawRuns), client: summary(cliRuns), overhead: summary(cliRuns.map((x, i) => x - rawRuns[i])) };
    }
    out.c1.rawWithSignal = summary(runs.c1.map((x) => x.rawWithSignal));
    out.c1.signalCost = summary(runs.c1.map((x) => x.rawWithSignal - x.raw));
    return out;
  } finally {
    await sim.stop();
  }
}

// `node benches/send.mjs [pkgDir] [rounds]`: one package, in this process.
if (isMain(import.meta.url)) {
  const [pkg, rounds] = process.argv.slice(2);
  console.log(JSON.stringify(await run({ pkg: pkg ?? `${root}pkg`, rounds: Number(rounds ?? 7) })));
}
