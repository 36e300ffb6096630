// Two promises of THREAT_MODEL.md that no other test held: a response body is read only up to
// maxResponseBytes (here over real loopback HTTP, a server that never stops sending), and
// onEvent events never carry the secret key or the session token.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { ImClient, isVolcError } from "../../pkg/node.mjs";
import { closeAllVendors, errorEnvelope, p2pBody, p2pSuccessText, startVendor } from "./support/vendor.mjs";

after(closeAllVendors);

const SECRET = "ZzThreatModelSecretKey0a1b2c3d4e5f";
const TOKEN = "ZzThreatModelSessionToken9z8y7x6w";
const CHUNK = Buffer.alloc(64 * 1024, "x");

/** A loopback server whose reply never ends (or claims `contentLength`); counts what it wrote. */
async function endlessServer({ contentLength } = {}) {
  const stats = { written: 0, closed: null };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json", ...(contentLength ? { "Content-Length": contentLength } : {}) });
      const pump = () => {
        while (!res.destroyed && stats.written < 512 * 1024 * 1024) {
          stats.written += CHUNK.length;
          if (!res.write(CHUNK)) return res.once("drain", pump);
        }
      };
      stats.closed = new Promise((resolve) => res.on("close", resolve));
      pump();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    stats,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

async function rejectionOf(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("the call resolved");
}

describe("response bodies are read up to maxResponseBytes, no further", () => {
  test("an endless body: InvalidResponse, and the client stops reading", async () => {
    const srv = await endlessServer();
    try {
      const im = new ImClient({ accessKeyId: "AKLTcap", secretAccessKey: SECRET, endpoint: srv.endpoint, maxResponseBytes: 256 * 1024, timeoutMs: 20_000 });
      const e = await rejectionOf(im.p2pSendMessage(p2pBody()));
      assert.ok(isVolcError(e), String(e));
      assert.equal(e.code, "InvalidResponse", e.message);
      assert.equal(e.status, 200);
      assert.equal(e.attempts, 1);
      assert.match(e.message, /maxResponseBytes = 262144/);
      // The connection is dropped rather than drained: the server stops long before its limit.
      await Promise.race([srv.stats.closed, new Promise((_, no) => setTimeout(() => no(new Error("the response was never closed")), 5000))]);
      assert.ok(srv.stats.written < 64 * 1024 * 1024, `the server wrote ${srv.stats.written} bytes`);
    } finally {
      await srv.close();
    }
  });

  test("a Content-Length over the cap is refused before the body is read", async () => {
    const srv = await endlessServer({ contentLength: String(8 * 1024 * 1024) });
    try {
      const im = new ImClient({ accessKeyId: "AKLTcap", secretAccessKey: SECRET, endpoint: srv.endpoint, timeoutMs: 20_000 });
      const e = await rejectionOf(im.p2pSendMessage(p2pBody()));
      assert.equal(e.code, "InvalidResponse", e.message);
      assert.match(e.message, /maxResponseBytes = 1048576/);
    } finally {
      await srv.close();
    }
  });
});

test("onEvent events never carry the secret key or the session token", async () => {
  let n = 0;
  // Not verifying signatures (verify: false): this vendor scripts the replies that make every
  // kind of event happen — a retryable 503, a skewed clock, then success.
  const vendor = await startVendor(() => {
    n += 1;
    if (n === 1) return { status: 503, headers: { "Retry-After": "0" }, body: errorEnvelope(`R${n}`, "ServiceUnavailableTemp", 100019, "busy") };
    if (n === 2) {
      return { status: 400, headers: { Date: new Date(Date.now() + 3_600_000).toUTCString() }, body: errorEnvelope(`R${n}`, "InvalidTimestamp", 100006, "skewed") };
    }
    return { status: 200, body: p2pSuccessText(`R${n}`, [["10009", "SUCCESS", "Web"]]) };
  }, { verify: false });
  const events = [];
  const im = new ImClient({
    credentials: () => ({ accessKeyId: "AKLTevents", secretAccessKey: SECRET, sessionToken: TOKEN }),
    endpoint: vendor.endpoint,
    onEvent: (e) => events.push(e),
  });
  await im.p2pSendMessage(p2pBody());
  const types = new Set(events.map((e) => e.type));
  for (const t of ["credentials", "request", "response", "retry", "clockSkew"]) assert.ok(types.has(t), `no ${t} event: ${[...types]}`);
  for (const e of events) {
    const text = JSON.stringify(e);
    for (const needle of [SECRET, SECRET.slice(0, 12), TOKEN, TOKEN.slice(-12)]) assert.ok(!text.includes(needle), `leaked in ${text}`);
    for (const key of Object.keys(e)) assert.doesNotMatch(key, /secret|token|authorization|header/i, `event key ${key}`);
  }
});
