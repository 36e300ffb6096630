// The `volc-im` command (pkg/cli.mjs) against the real simulator (target/debug/volc-im-sim, or
// VOLC_IM_SIM_BIN): `send` prints per-user results, `sign` prints headers the simulator
// accepts; failures exit non-zero with the code on stderr. The CLI runs in the same runtime as
// the suite (Node, Deno or Bun); the npm install + npx wiring is checked under Node.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../e2e/helpers.mjs";
import { runtime, scriptArgv } from "./support/runtime.mjs";
import { closedPort } from "./support/vendor.mjs";

const PKG = fileURLToPath(new URL("../../pkg/", import.meta.url));
const CLI = join(PKG, "cli.mjs");
// The simulator's built-in configuration (public test values).
const AK = "AKLTsimulator";
const SK = "c2ltdWxhdG9yLXNlY3JldC1rZXk=";
const STS = { VOLC_ACCESSKEY: "AKTPsimulator", VOLC_SECRETKEY: "c2ltdWxhdG9yLXN0cy1zZWNyZXQ=", VOLC_SESSION_TOKEN: "STS2simulator-token" };
const KEYS = { VOLC_ACCESSKEY: AK, VOLC_SECRETKEY: SK };
const APP = "666675";
const CONV = "7221856821303361536"; // members 10001, 10002, 10003, 10008
const CONTENT = '{"type":1000,"ext":"","message_type":10001}';

let sim;
let dir;
before(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), "volc-im-cli-"));
});
after(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with `args` and exactly the VOLC_* variables in `vars`. */
function cli(args, vars = KEYS, { input } = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VOLC_")));
  const [exe, pre] = scriptArgv(CLI);
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [...pre, ...args], { env: { ...env, NO_COLOR: "1", ...vars }, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (input !== undefined) child.stdin.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const sendArgs = (extra = []) => ["send", "--app", APP, "--sender", "10008", "--conversation", CONV, "--type", "10013", "--content", CONTENT, "--endpoint", sim.url, ...extra];

async function device(userId, platform) {
  const WS = globalThis.WebSocket ?? (await import("ws")).default;
  const ws = new WS(`${sim.url.replace("http", "ws")}/sim/connect?AppId=${APP}&UserId=${userId}&Platform=${platform}`);
  const frames = [];
  await new Promise((ok, fail) => {
    ws.onmessage = (e) => {
      const f = JSON.parse(String(e.data));
      if (f.type === "hello") ok();
      else frames.push(f);
    };
    ws.onerror = (e) => fail(e.error ?? new Error("WebSocket error"));
  });
  return { frames, close: () => new Promise((ok) => { ws.onclose = () => ok(); ws.close(); }) };
}

/** `USER  CODE  PLATFORM` rows of the table → { userId: [code, platform] }. */
function tableRows(stdout) {
  const lines = stdout.trimEnd().split("\n");
  assert.match(lines[0], /^USER +CODE +PLATFORM$/);
  assert.match(lines.at(-1), /^RequestId: \S+$/);
  return Object.fromEntries(lines.slice(1, -1).map((l) => {
    const [id, code, platform] = l.split(/ +/);
    return [id, [code, platform]];
  }));
}

function assertFailure(r, status, prefix) {
  assert.equal(r.status, status, `exit status (stderr: ${r.stderr})`);
  assert.equal(r.stdout, "");
  assert.ok(r.stderr.startsWith(prefix), `stderr ${JSON.stringify(r.stderr)} does not start with ${JSON.stringify(prefix)}`);
  assert.ok(!r.stderr.includes(SK) && !r.stderr.includes(STS.VOLC_SECRETKEY), "a secret on stderr");
}

describe("volc-im send", () => {
  test("prints the per-user results as a table; the online device got the message", async () => {
    const phone = await device("10001", "Web");
    try {
      const r = await cli(sendArgs());
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, "");
      assert.deepEqual(tableRows(r.stdout), {
        10001: ["SUCCESS", "Web"],
        10002: ["NOT_ONLINE", "Default"],
        10003: ["NOT_ONLINE", "Default"],
        10008: ["NOT_ONLINE", "Default"],
      });
      await new Promise((ok) => setTimeout(ok, 150));
      assert.equal(phone.frames.length, 1);
      const f = phone.frames[0];
      const requestId = r.stdout.trimEnd().split("\n").at(-1).slice("RequestId: ".length);
      assert.deepEqual([f.ConversationShortId, f.Sender, f.Content, f.RequestId], [CONV, "10008", CONTENT, requestId]);
    } finally {
      await phone.close();
    }
  });

  test("--json prints the response; --to restricts the receivers", async () => {
    const r = await cli(sendArgs(["--to", "10001,10002", "--json"]));
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.deepEqual(res.Result.P2PResult, [
      { UserId: "10001", Code: "NOT_ONLINE", DevicePlatform: "Default" },
      { UserId: "10002", Code: "NOT_ONLINE", DevicePlatform: "Default" },
    ]);
    assert.equal(res.ResponseMetadata.Action, "P2PSendMessage");
  });

  test("temporary keys with VOLC_SESSION_TOKEN are accepted", async () => {
    const r = await cli(sendArgs(["--to", "10003"]), STS);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(tableRows(r.stdout), { 10003: ["NOT_ONLINE", "Default"] });
  });

  test("a wrong secret: exit 1, the vendor's code, status and RequestId on stderr", async () => {
    const r = await cli(sendArgs(), { VOLC_ACCESSKEY: AK, VOLC_SECRETKEY: "d3Jvbmc=" });
    assertFailure(r, 1, "volc-im: SignatureDoesNotMatch: ");
    assert.match(r.stderr, /\(HTTP 401, RequestId [0-9A-F]{20,}\)\n$/);
    assert.ok(!r.stderr.includes("d3Jvbmc="));
  });

  test("--json: the error as JSON on stderr", async () => {
    const r = await cli(sendArgs(["--json"]), { VOLC_ACCESSKEY: AK, VOLC_SECRETKEY: "d3Jvbmc=" });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    const e = JSON.parse(r.stderr);
    assert.deepEqual([e.name, e.code, e.status, e.codeN, e.action, e.attempts], ["VolcError", "SignatureDoesNotMatch", 401, 100010, "P2PSendMessage", 1]);
  });

  test("a sender outside the conversation: exit 1 with the vendor's code", async () => {
    const args = sendArgs();
    args[args.indexOf("--sender") + 1] = "10009";
    assertFailure(await cli(args), 1, "volc-im: ParticipantNotInConversation: ");
  });

  test("nothing listening at --endpoint: exit 1, NetworkError naming the host", async () => {
    const port = await closedPort();
    const args = sendArgs();
    args[args.indexOf("--endpoint") + 1] = `http://127.0.0.1:${port}`;
    assertFailure(await cli(args), 1, `volc-im: NetworkError: network error reaching 127.0.0.1:${port}`);
  });

  test("no credentials in the environment: exit 2, nothing sent", async () => {
    const r = await cli(sendArgs(), {});
    assertFailure(r, 2, "volc-im: InvalidArgument: fromEnv(): VOLC_ACCESSKEY is not set; it supplies accessKeyId.");
  });

  const flagCases = [
    ["a required flag missing", (a) => a.slice(0, a.indexOf("--content")), "volc-im: InvalidArgument: missing --content\n"],
    ["--app not a number", (a) => a.map((x) => (x === APP ? "six" : x)), 'volc-im: InvalidArgument: --app: "six" is not an integer\n'],
    ["--app outside int32", (a) => a.map((x) => (x === APP ? "4294967296" : x)), "volc-im: InvalidArgument: --app (AppId): 4294967296 is outside the int32 range"],
    ["--sender outside int64", (a) => a.map((x) => (x === "10008" ? "9223372036854775808" : x)), "volc-im: InvalidArgument: --sender (Sender): "],
    ["an empty id in --to", (a) => [...a, "--to", "10001,,10002"], "volc-im: InvalidArgument: --to (ReceiverUserId)[1]: "],
    ["an unknown flag", (a) => [...a, "--force"], "volc-im: InvalidArgument: Unknown option '--force'"],
    ["a flag without its value", (a) => [...a, "--to"], "volc-im: InvalidArgument: Option '--to <value>' argument missing"],
    ["a stray argument", (a) => [...a, "hello"], 'volc-im: InvalidArgument: unexpected argument "hello"'],
    ["a bad --endpoint", (a) => a.map((x) => (x === sim.url ? "ftp://127.0.0.1" : x)), "volc-im: InvalidArgument: endpoint: "],
  ];
  for (const [name, edit, prefix] of flagCases) {
    test(`${name}: exit 2`, async () => {
      assertFailure(await cli(edit(sendArgs())), 2, prefix);
    });
  }
});

describe("volc-im sign", () => {
  const body = `{"AppId":${APP},"Sender":10008,"ConversationShortId":${CONV},"MsgType":10013,"Content":"signed by the CLI"}`;
  const signArgs = (extra = []) => ["sign", "--method", "POST", "--url", `${sim.url}/?Action=P2PSendMessage&Version=2020-12-01`,
    "--header", "Content-Type: application/json", "--region", "cn-north-1", "--service", "rtc", ...extra];

  function headersOf(stdout) {
    return Object.fromEntries(stdout.trimEnd().split("\n").map((l) => {
      const at = l.indexOf(": ");
      return [l.slice(0, at), l.slice(at + 2)];
    }));
  }

  async function sendSigned(headers, sentBody = body) {
    const res = await fetch(`${sim.url}/?Action=P2PSendMessage&Version=2020-12-01`, { method: "POST", headers, body: sentBody });
    return { status: res.status, json: await res.json() };
  }

  test("prints headers with which the simulator accepts the request", async () => {
    const r = await cli(signArgs(["--body", body]));
    assert.equal(r.status, 0, r.stderr);
    const headers = headersOf(r.stdout);
    assert.deepEqual(Object.keys(headers), ["Content-Type", "X-Date", "X-Content-Sha256", "Authorization"]);
    assert.match(headers.Authorization, /^HMAC-SHA256 Credential=AKLTsimulator\/\d{8}\/cn-north-1\/rtc\/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=[0-9a-f]{64}$/);
    const { status, json } = await sendSigned(headers);
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.Result.P2PResult.length, 4);
    // Another body under the same headers is refused: the signature covers it.
    const tampered = await sendSigned(headers, body.replace("CLI", "cli"));
    assert.equal(tampered.json.ResponseMetadata.Error.Code, "SignatureDoesNotMatch");
  });

  test("--body-file signs the file's bytes; --body-file - reads standard input", async () => {
    const file = join(dir, "body.json");
    writeFileSync(file, body);
    const r = await cli(signArgs(["--body-file", file]));
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await sendSigned(headersOf(r.stdout))).status, 200);
    const piped = await cli(signArgs(["--body-file", "-"]), KEYS, { input: body });
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal((await sendSigned(headersOf(piped.stdout))).status, 200);
  });

  test("a session token is signed and printed as X-Security-Token", async () => {
    const r = await cli(signArgs(["--body", body]), STS);
    assert.equal(r.status, 0, r.stderr);
    const headers = headersOf(r.stdout);
    assert.equal(headers["X-Security-Token"], STS.VOLC_SESSION_TOKEN);
    assert.equal((await sendSigned(headers)).status, 200);
  });

  test("--date and --json: the whole signed request, reproducibly", async () => {
    const args = signArgs(["--body", body, "--date", "2024-06-07T10:33:44Z", "--json"]);
    const a = await cli(args);
    assert.equal(a.status, 0, a.stderr);
    const out = JSON.parse(a.stdout);
    assert.deepEqual(Object.keys(out).sort(), ["canonicalRequest", "headers", "signature", "signedHeaders", "stringToSign", "url"]);
    assert.equal(out.headers["X-Date"], "20240607T103344Z");
    assert.equal(out.url, `${sim.url}/?Action=P2PSendMessage&Version=2020-12-01`);
    assert.equal(out.signature, JSON.parse((await cli(args)).stdout).signature);
    // Sent now, a 2024 signature is refused for its time only.
    assert.equal((await sendSigned(out.headers)).json.ResponseMetadata.Error.Code, "InvalidTimestamp");
  });

  const signCases = [
    ["--body and --body-file together", ["--body", "x", "--body-file", "f"], "volc-im: InvalidArgument: give --body or --body-file, not both\n"],
    ["a header without a colon", ["--header", "X-Thing"], 'volc-im: InvalidArgument: --header: "X-Thing" is not Name:Value\n'],
    ["a body file that does not exist", ["--body-file", "/nonexistent/body.json"], 'volc-im: InvalidArgument: --body-file: cannot read "/nonexistent/body.json" (ENOENT)\n'],
    ["a date that is not one", ["--date", "yesterday"], 'volc-im: InvalidArgument: --date: "yesterday" is not a date'],
    ["a header value with a line break", ["--header", "X-A: a\nb"], 'volc-im: InvalidArgument: headers: the value of "X-A" contains a line break or NUL\n'],
  ];
  for (const [name, extra, prefix] of signCases) {
    test(`${name}: exit 2`, async () => {
      assertFailure(await cli(signArgs(extra)), 2, prefix);
    });
  }

  test("missing --service: exit 2; missing credentials: exit 2", async () => {
    const noService = signArgs().slice(0, -2);
    assertFailure(await cli(noService), 2, "volc-im: InvalidArgument: missing --service\n");
    assertFailure(await cli(signArgs(), { VOLC_ACCESSKEY: AK }), 2, "volc-im: InvalidArgument: fromEnv(): VOLC_SECRETKEY is not set; it supplies secretAccessKey.");
  });
});

describe("volc-im itself", () => {
  test("help: exit 0 with the usage; no command: exit 2; an unknown command: exit 2", async () => {
    for (const args of [["--help"], ["help"], ["send", "--help"]]) {
      const r = await cli(args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^Usage:\n {2}volc-im send /);
    }
    const none = await cli([]);
    assert.equal(none.status, 2);
    assert.match(none.stdout, /^Usage:/);
    assertFailure(await cli(["publish"]), 2, 'volc-im: InvalidArgument: unknown command "publish" (send, sign)');
  });

  test("the package declares the bin, ships the script, fromEnv and the manual; the script is executable", () => {
    const pkg = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
    assert.deepEqual(pkg.bin, { "volc-im": "./cli.mjs" });
    for (const f of ["cli.mjs", "from-env.mjs", "docs/cli.md"]) {
      assert.ok(pkg.files.includes(f), `${f} in files`);
      assert.ok(statSync(join(PKG, f)).size > 0, `${f} in pkg/`);
    }
    assert.ok(readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n"));
    assert.ok(statSync(CLI).mode & 0o111, "cli.mjs is executable");
  });

  test("installed from the packed tarball, `npx volc-im` runs it (Node)", { skip: runtime !== "node" && "npm and npx are Node's" }, async () => {
    const app = join(dir, "app");
    const packed = spawnSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: PKG, encoding: "utf8" });
    assert.equal(packed.status, 0, packed.stderr);
    const tarball = join(dir, packed.stdout.trim().split("\n").at(-1));
    writeFileSync(join(dir, "package.json"), "{}");
    spawnSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), '{"name":"app","private":true}');
    const install = spawnSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: app, encoding: "utf8" });
    assert.equal(install.status, 0, install.stderr);
    const npx = spawnSync("npx", ["--no-install", "volc-im", ...sendArgs(["--to", "10002", "--json"])], {
      cwd: app,
      encoding: "utf8",
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VOLC_"))), ...KEYS },
    });
    assert.equal(npx.status, 0, npx.stderr);
    assert.deepEqual(JSON.parse(npx.stdout).Result.P2PResult.map((r) => r.UserId), ["10002"]);
  });
});
