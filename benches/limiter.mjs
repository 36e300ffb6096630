// Figure 6: limiter accuracy. An ImClient with the default qps (100) fires ~600 calls at once at
// a recording server (a separate node:http process on 127.0.0.1, so its clock and event loop
// are not the client's) that answers a valid P2PSendMessage envelope. From the arrival times:
// the achieved rate (least-squares slope of arrivals over time) and the most arrivals in any
// 1 s sliding window.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import * as fx from "./fixtures.mjs";
import { isMain, root } from "./common.mjs";
import { MESSAGE } from "./send.mjs";

const self = fileURLToPath(import.meta.url);

const ENVELOPE = (id) =>
  JSON.stringify({
    ResponseMetadata: { RequestId: `bench${id}`, Action: "P2PSendMessage", Version: "2020-12-01", Service: "rtc", Region: "cn-north-1" },
    Result: { P2PResult: [{ UserId: 10001, Code: "SUCCESS", DevicePlatform: "Web" }] },
  });

/** In the child: the recording server. Prints its URL; GET /arrivals returns the times. */
function serve() {
  const arrivals = [];
  const server = createServer((req, res) => {
    const t = performance.timeOrigin + performance.now();
    if (req.method === "POST" && req.url === "/reset") {
      arrivals.length = 0;
      return res.end("{}");
    }
    if (req.method === "GET" && req.url === "/arrivals") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify(arrivals));
    }
    arrivals.push(t);
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json", Date: new Date().toUTCString() });
      res.end(ENVELOPE(arrivals.length));
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

/** Most timestamps (ms) in any window [t, t + span). */
export function maxInWindow(times, span = 1000) {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (j < s.length && s[j] < s[i] + span) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

/** Fires `calls` sends at once through `send`; returns arrival statistics at the server. */
async function burst(url, calls, makeSend) {
  await fetch(`${url}/reset`, { method: "POST" });
  const sent = [];
  const durations = [];
  const send = await makeSend(url, (e) => {
    if (e.type === "request") sent.push(performance.timeOrigin + performance.now());
    if (e.type === "response" && typeof e.durationMs === "number") durations.push(e.durationMs);
  });
  const t0 = performance.now();
  const results = await Promise.allSettled(Array.from({ length: calls }, () => send()));
  const out = await stats(url, calls, results, sent, performance.now() - t0);
  const sorted = durations.sort((a, b) => a - b);
  // What the client saw as response times (its limiter widens its window by the slowest).
  out.responseMs = sorted.length
    ? { median: sorted[sorted.length >> 1], p90: sorted[Math.floor(sorted.length * 0.9)], max: sorted[sorted.length - 1] }
    : null;
  return out;
}

async function stats(url, calls, results, sent, elapsedMs) {
  const failed = results.filter((r) => r.status === "rejected");
  const arrivals = await (await fetch(`${url}/arrivals`)).json();
  arrivals.sort((a, b) => a - b);
  // The achieved rate is the least-squares slope of arrival number over time: right for evenly
  // spaced arrivals and for bursts (a window limiter's staircase) alike, where (n − 1) / span
  // over-counts the last burst.
  const slope = (xs) => {
    const n = xs.length;
    const mt = xs.reduce((a, b) => a + b, 0) / n;
    let num = 0;
    let den = 0;
    xs.forEach((t, k) => {
      num += (t - mt) * (k - (n - 1) / 2);
      den += (t - mt) ** 2;
    });
    return (num / den) * 1000;
  };
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
  // Where the fullest window starts, and what the gaps were just before it (a stall then a
  // burst shows as one long gap followed by near-zero ones).
  let worstAt = 0;
  for (let i = 0, j = 0, best = 0; i < arrivals.length; i++) {
    while (j < arrivals.length && arrivals[j] < arrivals[i] + 1000) j++;
    if (j - i > best) [best, worstAt] = [j - i, i];
  }
  const sentGaps = sent.slice(1).map((t, i) => t - sent[i]);
  return {
    calls,
    ok: calls - failed.length,
    failed: failed.length,
    firstError: failed[0] ? String(failed[0].reason?.message ?? failed[0].reason) : undefined,
    elapsedMs,
    arrivals: arrivals.length,
    achievedQps: slope(arrivals),
    spanQps: ((arrivals.length - 1) / (arrivals[arrivals.length - 1] - arrivals[0])) * 1000,
    maxIn1s: maxInWindow(arrivals),
    maxIn1sAtClient: maxInWindow(sent),
    minGapMs: Math.min(...gaps),
    maxGapMs: Math.max(...gaps),
    gapsUnder2ms: gaps.filter((g) => g < 2).length,
    gapsOver20ms: gaps.filter((g) => g > 20).length,
    sentGapsUnder2ms: sentGaps.filter((g) => g < 2).length,
    worstWindow: {
      startIndex: worstAt,
      gapsAroundStartMs: gaps.slice(Math.max(0, worstAt - 3), worstAt + 12).map((g) => Math.round(g * 100) / 100),
    },
    intervalMs: 1000 / 100 * 1.01,
  };
}

export async function run({ calls = 600 } = {}) {
  const child = spawn(process.execPath, [self, "--server"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((ok, fail) => {
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      const m = out.match(/listening on (\S+)/);
      if (m) ok(m[1]);
    });
    child.on("exit", (c) => fail(new Error(`recording server exited ${c}`)));
  });
  try {
    const { ImClient } = await import(`${root}pkg/node.mjs`);
    const base = { accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY };
    // The client's own limiter: default qps (100).
    const out = await burst(url, calls, (endpoint, onEvent) => {
      const client = new ImClient({ ...base, endpoint, onEvent });
      return () => client.p2pSendMessage(MESSAGE);
    });
    return out;
  } finally {
    child.kill("SIGTERM");
  }
}

if (process.argv[2] === "--server") serve();
else if (isMain(import.meta.url)) console.log(JSON.stringify(await run()));
