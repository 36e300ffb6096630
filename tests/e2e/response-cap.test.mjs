// Issue 14, item 2: a 256 MiB response is cut at maxResponseBytes (default 1 MiB). A node:http
// server on 127.0.0.1 (this process) answers 200 with 256 MiB; the client (the built package)
// runs in a child `node --expose-gc` (this same file, RESPONSE_CAP_CHILD=1), so its RSS is its
// own: after global.gc() and as the maximum sampled during the call, it grows by < 64 MiB. The
// server must see the connection closed well before the end of the body, and the same client
// then sends one good message to the real simulator.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const TOTAL = 256 * 1024 * 1024;
const MiB = 1024 * 1024;
const SIM_KEYS = { accessKeyId: "AKLTsimulator", secretAccessKey: "c2ltdWxhdG9yLXNlY3JldC1rZXk=" };
const GOOD_BODY = { AppId: 666675, Sender: "10008", ConversationShortId: "7221856821303361536", MsgType: 10013, Content: "after the cap" };

if (process.env.RESPONSE_CAP_CHILD) await child();
else await parent();

// ---- The client (child process) -------------------------------------------------------------
async function child() {
  const { ImClient, isVolcError } = await import("../../pkg/node.mjs");
  const lines = createInterface({ input: process.stdin });
  const next = () => new Promise((ok) => lines.once("line", ok));
  const gc = () => {
    for (let i = 0; i < 3; i++) global.gc();
  };
  const client = new ImClient({ ...SIM_KEYS, endpoint: process.env.CAP_ENDPOINT, retries: 0, qps: 0, timeoutMs: 60_000 });
  // Warm up (the wasm instance, fetch's own machinery) so the baseline is not the first call.
  await client.call("Warmup", {}).catch(() => {});
  gc();
  const before = process.memoryUsage().rss;
  let max = before;
  const sampler = setInterval(() => {
    max = Math.max(max, process.memoryUsage().rss);
  }, 5);
  const started = Date.now();
  const outcome = await client.p2pSendMessage(GOOD_BODY).then(
    () => ({ resolved: true }),
    (e) => ({ isVolcError: isVolcError(e), code: e?.code, message: e?.message, status: e?.status }),
  );
  const ms = Date.now() - started;
  clearInterval(sampler);
  max = Math.max(max, process.memoryUsage().rss);
  gc();
  const after = process.memoryUsage().rss;
  // The parent checks what the server saw while this process is still alive (an exit would
  // close the socket anyway), then says go.
  console.log(JSON.stringify({ step: "rejected", outcome, ms, rssGrowthAfterGc: after - before, rssGrowthMax: max - before }));
  const simUrl = await next();
  const good = await new ImClient({ ...SIM_KEYS, endpoint: simUrl, retries: 0 }).p2pSendMessage(GOOD_BODY).then(
    (r) => ({ ok: true, codes: r.Result.P2PResult.map((x) => x.Code).sort() }),
    (e) => ({ ok: false, code: e?.code, message: e?.message }),
  );
  // The same client object too, pointed at the cap server's healthy route.
  const same = await client.call("Healthy", {}).then(() => ({ ok: true }), (e) => ({ ok: false, code: e?.code, message: e?.message }));
  console.log(JSON.stringify({ step: "after", good, same }));
  lines.close();
}

// ---- The server and the tests (parent) ------------------------------------------------------
async function parent() {
  const { after, before, test } = await import("node:test");
  const { startSimulator } = await import("./helpers.mjs");
  const CHUNK = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, so only size can refuse it
  // A gzip body of 256 MiB of spaces: ~256 KiB on the wire, under the cap before decoding.
  const BOMB = gzipSync(Buffer.alloc(TOTAL, 0x20), { level: 9 });
  let sim;
  let current; // what the server saw for the response under test

  // Modes: "chunked" (Transfer-Encoding: chunked), "close" (no length: the body ends when the
  // connection does), "length" (Content-Length: 256 MiB), "gzip" (a small Content-Length, gzip).
  const server = createServer((req, res) => {
    const action = new URL(req.url, "http://x").searchParams.get("Action");
    req.resume();
    if (action === "Warmup" || action === "Healthy") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end('{"ResponseMetadata":{"RequestId":"cap-ok"},"Result":{}}');
    }
    const mode = current.mode;
    const seen = current;
    const headers = { "Content-Type": "application/json" };
    if (mode === "length") headers["Content-Length"] = String(TOTAL);
    if (mode === "close") headers.Connection = "close";
    if (mode === "gzip") Object.assign(headers, { "Content-Encoding": "gzip", "Content-Length": String(BOMB.length) });
    if (mode === "close") res.useChunkedEncodingByDefault = false; // before writeHead stores the headers
    res.writeHead(200, headers);
    res.on("close", () => {
      seen.closedAt = Date.now();
      seen.finished = res.writableFinished;
    });
    if (mode === "gzip") {
      seen.written = BOMB.length;
      return res.end(BOMB);
    }
    const pump = () => {
      while (!res.destroyed && seen.written < TOTAL) {
        seen.written += CHUNK.length;
        const more = res.write(CHUNK);
        if (seen.written >= TOTAL) return res.end();
        if (!more) return res.once("drain", pump);
      }
    };
    pump();
  });

  before(async () => {
    await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
    sim = await startSimulator();
  });
  after(async () => {
    server.closeAllConnections?.();
    await new Promise((ok) => server.close(ok));
    await sim?.stop();
  });

  for (const mode of ["chunked", "close", "length", "gzip"]) {
    test(`a 256 MiB response (${mode}): InvalidResponse naming maxResponseBytes, RSS +< 64 MiB, the server sees the client stop, the client keeps working`, { timeout: 120_000 }, async () => {
      current = { mode, written: 0, closedAt: null, finished: null };
      const endpoint = `http://127.0.0.1:${server.address().port}`;
      const proc = spawn(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url)], {
        env: { ...process.env, RESPONSE_CAP_CHILD: "1", CAP_ENDPOINT: endpoint },
        stdio: ["pipe", "pipe", "inherit"],
      });
      const out = createInterface({ input: proc.stdout });
      const lines = [];
      const waiters = [];
      out.on("line", (l) => (waiters.length ? waiters.shift()(l) : lines.push(l)));
      const line = () => new Promise((ok, no) => {
        if (lines.length) return ok(lines.shift());
        waiters.push(ok);
        proc.once("exit", (code) => no(new Error(`the client process exited (${code})`)));
      });
      const exited = new Promise((ok) => proc.once("exit", ok));

      const first = JSON.parse(await line());
      // The server saw the client stop: the connection closed within 5 s of the rejection
      // (measured while the client process is still alive), long before the body's end.
      const rejectedAt = Date.now();
      while (current.closedAt === null && Date.now() - rejectedAt < 5000) await new Promise((ok) => setTimeout(ok, 20));
      const seen = { ...current };
      proc.stdin.write(`${sim.url}\n`);
      const second = JSON.parse(await line());
      assert.equal(await exited, 0, "the client process exits cleanly");

      console.log(`${mode}: ${JSON.stringify(first.outcome)} after ${first.ms} ms; RSS +${(first.rssGrowthAfterGc / MiB).toFixed(1)} MiB after gc, ` +
        `+${(first.rssGrowthMax / MiB).toFixed(1)} MiB max; server wrote ${(seen.written / MiB).toFixed(1)} MiB, ` +
        `connection ${seen.closedAt === null ? "still open 5 s later" : "closed"}`);
      assert.equal(first.outcome.isVolcError, true, JSON.stringify(first.outcome));
      assert.equal(first.outcome.code, "InvalidResponse", first.outcome.message);
      assert.match(first.outcome.message, /maxResponseBytes = 1048576/);
      assert.equal(first.outcome.status, 200);
      assert.ok(first.rssGrowthAfterGc < 64 * MiB, `RSS grew ${first.rssGrowthAfterGc} bytes after gc`);
      assert.ok(first.rssGrowthMax < 64 * MiB, `RSS grew up to ${first.rssGrowthMax} bytes during the call`);
      assert.notEqual(seen.closedAt, null, `the connection was still open 5 s after the rejection (${seen.written} bytes written)`);
      assert.equal(seen.finished, mode === "gzip", "the response was cut before its end (gzip: a small body that decodes to 256 MiB)");
      if (mode !== "gzip") assert.ok(seen.written < 64 * MiB, `the server wrote ${seen.written} bytes before the client stopped`);
      assert.deepEqual(second.good, { ok: true, codes: ["NOT_ONLINE", "NOT_ONLINE", "NOT_ONLINE", "NOT_ONLINE"] });
      assert.deepEqual(second.same, { ok: true });
    });
  }
}
