// The relay against bad configuration and hostile bodies (issue 14, findings 10–13): a bad
// GATE_* / BODY_LIMIT_BYTES never turns the gate off, hostile JSON always gets the relay's
// envelope, a chunked body is counted as it arrives, and refused bodies use no gate budget.
// Each test also checks, through the simulator's counters, that nothing refused was sent.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { startSimulator } from "./helpers.mjs";
import { BODY, ORIGIN, SECRET, TOKEN, bundleRelay, call, post, relayCode, relayWorker } from "./relay-harness.mjs";

let sim, bundle;
const seen = []; // every response, to look for the secret

before(async () => {
  sim = await startSimulator(["--quiet", "--allow-faults"]);
  bundle = bundleRelay();
});

after(async () => {
  await sim?.stop();
  bundle?.remove();
});

const simStats = async () => (await fetch(`${sim.url}/sim/stats`)).json();
const resetStats = () => fetch(`${sim.url}/sim/stats/reset`, { method: "POST" });
const record = (r) => (seen.push(r.text, JSON.stringify([...r.headers])), r);

async function withRelay(vars, fn) {
  const mf = relayWorker(bundle.outdir, sim.url, vars);
  try {
    return await fn(mf);
  } finally {
    await mf.dispose();
  }
}

describe("configuration is validated; the gate is never silently off (finding 10)", () => {
  const bad = [
    ["GATE_QPS", "0"], ["GATE_QPS", "abc"], ["GATE_QPS", "-1"], ["GATE_QPS", "1.5"], ["GATE_QPS", "1e2"],
    ["GATE_QPS", "NaN"], ["GATE_QPS", 0], ["GATE_QPS", true],
    ["GATE_WINDOW_MS", "NaN"], ["GATE_WINDOW_MS", "0"], ["GATE_WINDOW_MS", "-1100"], ["GATE_WINDOW_MS", "999"],
    ["GATE_MAX_WAIT_MS", "-1"], ["GATE_MAX_WAIT_MS", "abc"], ["GATE_MAX_WAIT_MS", "2000ms"],
    ["BODY_LIMIT_BYTES", "0"], ["BODY_LIMIT_BYTES", "64k"], ["BODY_LIMIT_BYTES", "-5"],
    ["GATE_MODE", "queue"],
    ["ALLOWED_APP_IDS", "666675, abc"],
    ["VOLC_SECRET_ACCESS_KEY", undefined], ["VOLC_ACCESS_KEY_ID", ""], ["VOLC_ENDPOINT", "not a url"],
  ];

  test("a present but invalid variable fails every request with 500 RelayMisconfigured naming it", async () => {
    await resetStats();
    for (const [name, value] of bad) {
      await withRelay({ [name]: value }, async (mf) => {
        const label = `${name}=${JSON.stringify(value)}`;
        const answers = [
          await post(mf),
          await post(mf, BODY, { origin: ORIGIN }),
          await call(mf, "/healthz"),
          await call(mf, "/elsewhere"),
        ].map(record);
        for (const r of answers) {
          assert.equal(r.status, 500, `${label}: ${r.status} ${r.text}`);
          assert.equal(relayCode(r), "RelayMisconfigured", label);
          assert.ok(r.json.ResponseMetadata.Error.Message.includes(name), `${label}: ${r.json.ResponseMetadata.Error.Message}`);
        }
        // A page on an allowed origin can still read why.
        assert.equal(answers[1].headers.get("access-control-allow-origin"), ORIGIN);
      });
    }
    assert.equal((await simStats()).requests, 0, "a misconfigured relay sent something");
  });

  test("a missing gate binding is RelayMisconfigured too", async () => {
    const mf = relayWorker(bundle.outdir, sim.url, {}, { gate: false });
    try {
      const r = record(await post(mf));
      assert.deepEqual([r.status, relayCode(r)], [500, "RelayMisconfigured"], r.text);
      assert.match(r.json.ResponseMetadata.Error.Message, /^GATE,/);
    } finally {
      await mf.dispose();
    }
  });

  test("absent or empty variables take their defaults; numbers work as numbers", async () => {
    const empty = { GATE_QPS: "", GATE_WINDOW_MS: "", GATE_MAX_WAIT_MS: " ", BODY_LIMIT_BYTES: "", GATE_MODE: "" };
    await withRelay(empty, async (mf) => {
      assert.equal(record(await post(mf)).status, 200);
    });
    // JSON numbers (as wrangler [vars] may give) are read as such, and the gate holds them.
    await withRelay({ GATE_QPS: 2, GATE_MODE: "reject", GATE_WINDOW_MS: 1000 }, async (mf) => {
      const codes = (await Promise.all([post(mf), post(mf), post(mf)])).map((r) => record(r).status).sort();
      assert.deepEqual(codes, [200, 200, 429]);
    });
  });
});

describe("hostile bodies always get the relay's envelope, and nothing is sent (finding 11)", () => {
  const ok = BODY.slice(1, -1); // the valid fields, to embed
  const deep = 20_000;
  const table = [
    ['{"AppId":{"toString":1}}', 400, "RelayInvalidJson"],
    ['{"AppId":{"valueOf":1,"toString":1}}', 400, "RelayInvalidJson"],
    ['{"AppId":[666675]}', 400, "RelayInvalidJson"],
    ['{"AppId":"666675"}', 400, "RelayInvalidJson"],
    ['{"AppId":666675.5}', 400, "RelayInvalidJson"],
    ['{"AppId":1e400}', 400, "RelayInvalidJson"],
    ['{"AppId":null}', 400, "RelayInvalidJson"],
    ["{}", 400, "RelayInvalidJson"],
    ['{"__proto__":{"AppId":666675}}', 400, "RelayInvalidJson"],
    ['{"constructor":{"prototype":{"AppId":666675}}}', 400, "RelayInvalidJson"],
    ['{"AppId":666675,"AppId":123}', 403, "RelayAppIdNotAllowed"],
    ['{"AppId":2147483648}', 403, "RelayAppIdNotAllowed"],
    ['"{\\"AppId\\":666675}"', 400, "RelayInvalidJson"],
    ["666675", 400, "RelayInvalidJson"],
    ["null", 400, "RelayInvalidJson"],
    ["[]", 400, "RelayInvalidJson"],
    ["", 400, "RelayInvalidJson"],
    ["\uFEFF" + BODY, 400, "RelayInvalidJson"],
    [new Uint8Array([0x7b, 0x22, 0x41, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 400, "RelayInvalidJson"],
    ["[".repeat(deep) + "]".repeat(deep), 400, "RelayInvalidJson"],
    [`{${ok},"Extra":${"[".repeat(deep)}${"]".repeat(deep)}}`, 400, "InvalidArgument"],
    [`{${ok},"Extra":${"{\"a\":".repeat(deep / 4)}1${"}".repeat(deep / 4)}}`, 400, "InvalidArgument"],
    [BODY.replace('"hi from the relay"', '"\\ud800"'), 400, "InvalidArgument"],
    [BODY.replace("7221856821303361536", "1e400"), 400, "InvalidArgument"],
    [BODY.replace("7221856821303361536", "{\"toString\":1}"), 400, "InvalidArgument"],
    [BODY.replace('"10008"', '"10008","ReceiverUserId":{"length":1e9}'), 400, "InvalidArgument"],
    [BODY.replace('"10008"', "99999999999999999999"), 400, "InvalidArgument"],
    [`{${ok},"__proto__":{"polluted":1}}`, 400, "InvalidArgument"],
    [`{${Array.from({ length: 3000 }, (_, i) => `"k${i}":${i}`).join(",")},${ok}}`, 400, "InvalidArgument"],
  ];

  test("a table of hostile JSON", async () => {
    await withRelay({}, async (mf) => {
      await resetStats();
      for (const [body, status, code] of table) {
        const label = typeof body === "string" ? JSON.stringify(body.slice(0, 60)) : `bytes ${[...body]}`;
        const r = record(await post(mf, body));
        assert.equal(r.json?.ResponseMetadata?.Action, "P2PSendMessage", `${label}: not an envelope: ${r.status} ${r.text.slice(0, 200)}`);
        assert.deepEqual([r.status, relayCode(r)], [status, code], `${label}: ${r.text.slice(0, 300)}`);
      }
      assert.equal((await simStats()).requests, 0, "a refused body was sent");
      assert.deepEqual({}.polluted, undefined);
      // The relay is still fine afterwards.
      assert.equal(record(await post(mf)).status, 200);
    });
  });

  test("a duplicate AppId never sends for an AppId that is not allowed", async () => {
    await withRelay({}, async (mf) => {
      await resetStats();
      const r = record(await post(mf, `{"AppId":123,${BODY.slice(1)}`));
      // Either the SDK refuses the duplicate key, or it sends the one the relay checked, or the
      // relay's check of the bytes about to be sent refuses AppId 123.
      assert.ok([200, 400, 403].includes(r.status), r.text);
      if (r.status === 403) assert.equal(relayCode(r), "RelayAppIdNotAllowed");
      if (r.status === 400) assert.equal(relayCode(r), "InvalidArgument");
      assert.equal((await simStats()).requests, r.status === 200 ? 1 : 0);
    });
  });
});

/**
 * POSTs a chunked body of `total` bytes (64 KiB chunks; the first starts a JSON object) with
 * node:http, which keeps an answer that arrives while the body is still being written. After
 * `pauseAt` bytes it holds still until the answer comes, or 5 s. Resolves to the answer (or the
 * connection's error) and how many bytes had been written by then.
 */
function chunkedPost(url, { total, pauseAt = Infinity }) {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    let answered = false;
    const req = http.request(new URL("/v1/p2p-send-message", url), {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      answered = true;
      const writtenAtAnswer = written;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => (req.destroy(), resolve({ status: res.statusCode, text, writtenAtAnswer })));
      res.on("error", (e) => (req.destroy(), resolve({ status: res.statusCode, error: e.message, writtenAtAnswer })));
    });
    req.on("error", (e) => !answered && resolve({ error: e.code ?? e.message, writtenAtAnswer: written }));
    let paused = false;
    const pump = () => {
      while (!answered && written < total) {
        if (written >= pauseAt && !paused) {
          paused = true;
          return setTimeout(pump, 5000);
        }
        const next = Buffer.from(chunk);
        if (written === 0) next.write('{"AppId":666675,"Content":"');
        written += next.length;
        if (!req.write(next)) return req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("chunked bodies are counted as they arrive (finding 12)", () => {
  const total = 100 * 1024 * 1024;

  test("a 100 MB chunked body gets 413 RelayPayloadTooLarge once the limit is passed", async () => {
    await withRelay({}, async (mf) => {
      // Two chunks pass the 64 KiB limit; then the writer waits. A relay that reads the whole
      // body answers only after all 100 MB.
      const pauseAt = 128 * 1024;
      const r = await chunkedPost(await mf.ready, { total, pauseAt });
      r.json = JSON.parse(r.text ?? "null");
      seen.push(r.text);
      assert.deepEqual([r.status, relayCode(r)], [413, "RelayPayloadTooLarge"], JSON.stringify(r));
      assert.ok(r.writtenAtAnswer <= pauseAt, `${(r.writtenAtAnswer / 1048576).toFixed(1)} MiB were written before the answer`);
    });
  });

  test("a 100 MB chunked body written flat out: the relay stops reading early", async () => {
    await withRelay({}, async (mf) => {
      // The relay answers and closes while the client is still writing, so the client sees the
      // 413 or a reset, whichever comes first; either way it could write only a few MiB (socket
      // buffers), not 100.
      const r = await chunkedPost(await mf.ready, { total });
      if (r.status !== undefined) assert.equal(r.status, 413, JSON.stringify(r));
      else assert.match(r.error, /ECONNRESET|EPIPE|socket hang up/);
      assert.ok(r.writtenAtAnswer < 16 * 1024 * 1024, `${(r.writtenAtAnswer / 1048576).toFixed(1)} MiB were written`);
    });
  });

  test("a chunked body within the limit still works", async () => {
    await withRelay({}, async (mf) => {
      const bytes = new TextEncoder().encode(BODY);
      const body = new ReadableStream({
        start(c) {
          for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7));
          c.close();
        },
      });
      const res = await mf.dispatchFetch("http://relay.test/v1/p2p-send-message", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body,
        duplex: "half",
      });
      assert.equal(res.status, 200, await res.clone().text());
      record({ text: await res.text(), headers: res.headers });
    });
  });
});

describe("bodies are validated before a gate slot is reserved (finding 13)", () => {
  test("refused bodies use none of the gate's budget", async () => {
    await withRelay({ GATE_QPS: "3", GATE_MODE: "reject" }, async (mf) => {
      await resetStats();
      const refused = [
        BODY.replace("7221856821303361536", "true"),
        BODY.replace('"MsgType":10013', '"MsgType":"10013"'),
        BODY.replace('"Content"', '"Contnet"'),
        BODY.replace('"Sender":"10008"', '"Sender":"x"'),
        BODY.replace('"10008"', '"10008","ReceiverUserId":["1","1"]'),
        BODY.replace("666675", "123"),
        '{"AppId":666675,',
        JSON.stringify({ AppId: 666675, Content: "x".repeat(70_000) }),
      ];
      for (let round = 0; round < 2; round++) {
        for (const body of refused) {
          const r = record(await post(mf, body));
          assert.ok([400, 403, 413].includes(r.status), `${body.slice(0, 80)}: ${r.status} ${r.text}`);
        }
      }
      // The whole budget of 3 is still there, and the gate is on: a 4th is refused.
      const burst = await Promise.all(Array.from({ length: 4 }, () => post(mf)));
      assert.deepEqual(burst.map((r) => record(r).status).sort(), [200, 200, 200, 429]);
      assert.equal((await simStats()).requests, 3);
    });
  });
});

describe("every upstream attempt passes the gate, the SDK's retries included (finding 9)", () => {
  const throttleOnce = () => fetch(`${sim.url}/sim/faults`, { method: "POST", body: '{"count":1,"kind":"throttle"}' });

  test("reject mode: a retry over the budget is refused by the gate, not sent", async () => {
    await withRelay({ GATE_QPS: "1", GATE_MODE: "reject" }, async (mf) => {
      await resetStats();
      assert.equal((await throttleOnce()).status, 200);
      const r = record(await post(mf));
      // The vendor said FlowLimitExceeded (Retry-After 1 s); the SDK's retry then asked the gate,
      // whose 1100 ms window still held the first attempt.
      assert.deepEqual([r.status, relayCode(r)], [429, "RelayRateLimited"], r.text);
      assert.ok(Number(r.headers.get("retry-after")) >= 1);
      assert.equal((await simStats()).requests, 1);
    });
  });

  test("wait mode: the retry waits for its slot, then succeeds", async () => {
    await withRelay({ GATE_QPS: "1" }, async (mf) => {
      await resetStats();
      await throttleOnce();
      const started = Date.now();
      const r = record(await post(mf));
      assert.equal(r.status, 200, r.text);
      assert.ok(Date.now() - started >= 1050, `answered after ${Date.now() - started} ms`);
      assert.equal((await simStats()).requests, 2);
    });
  });
});

test("the secret key never appears in a response body or header", () => {
  assert.ok(seen.length > 100);
  for (const s of seen) assert.ok(!s.includes(SECRET), "secret leaked");
});
