// workerd consumer: worker.mjs bundled by the pinned wrangler (offline dry run) with volc-im
// installed in node_modules (resolved through its `exports`, `workerd` condition), then run in
// Miniflare, calling a node:http stand-in for the IM endpoint on 127.0.0.1 over real loopback
// (exact bytes, vendor errors) and sending one message to the real simulator.
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, ROOT, VECTORS, check, eq, installPkg, main, makeTmp, run, startVendorServer } from "../lib/common.mjs";
import { SIM, checkDelivered, contentFor, startSim } from "../lib/sim.mjs";

const HERE = import.meta.dirname;
const AK = "AKLTconsumerWorkerd000000000000000";
const SK = "c2VjcmV0LWZvci10aGUtd29ya2VyZC1jb25zdW1lcg==";

await main("workerd", async (defer) => {
  const { Miniflare } = await import(join(ROOT, "node_modules/miniflare/dist/src/index.js"));
  const tmp = makeTmp("workerd");
  defer(tmp.cleanup);
  const app = join(tmp.dir, "app");
  cpSync(join(HERE, "worker.mjs"), join(app, "worker.mjs"));
  cpSync(join(HERE, "wrangler.toml"), join(app, "wrangler.toml"));
  installPkg(app);

  // 1. Bundle with wrangler, offline (no network namespace access at all when unshare works).
  const outdir = join(tmp.dir, "bundle");
  const w = run(join(BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: app,
    offline: true,
    env: {
      CI: "true",
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_LOG_PATH: join(tmp.dir, "wrangler-logs"),
      XDG_CONFIG_HOME: join(tmp.dir, "config"),
      NO_COLOR: "1",
    },
  });
  check(w.status === 0, "wrangler deploy --dry-run failed", (w.stdout + w.stderr).slice(-2000));
  const files = readdirSync(outdir);
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  eq(wasm.length, 2, "two .wasm modules in the wrangler bundle (volc-im and volc-im/sign)");
  const bundled = readFileSync(join(outdir, "worker.js"), "utf8");
  // The workerd entry (a static .wasm import + initSync), not the browser one (fetch of a URL).
  check(wasm.every((w) => bundled.includes(w)), "bundle imports the .wasm modules", files);
  check(!/import\.meta\.url\s*\)/.test(bundled), "bundle took a non-workerd entry (new URL(…, import.meta.url))");

  // 2. The vendor stand-in: a success envelope with an id above 2^53, a vendor error for
  //    conversation 1.
  const server = await startVendorServer({ [AK]: SK }, ({ body }) => {
    const req = JSON.parse(body.toString().replace(/:(\d{16,})/g, ':"$1"'));
    if (req.ConversationShortId === 1) {
      return {
        status: 401,
        body: '{"ResponseMetadata":{"RequestId":"req-err-1","Action":"P2PSendMessage","Version":"2020-12-01","Error":{"Code":"SignatureDoesNotMatch","CodeN":100010,"Message":"The request signature we calculated does not match"}}}',
      };
    }
    return {
      status: 200,
      body: '{"ResponseMetadata":{"RequestId":"req-ok-1","Action":"P2PSendMessage","Version":"2020-12-01","Service":"rtc","Region":"cn-north-1"},"Result":{"P2PResult":[{"UserId":9007199254740993,"Code":"SUCCESS","DevicePlatform":"Web"},{"UserId":10010,"Code":"NOT_ONLINE","DevicePlatform":"Default"}]}}',
    };
  });
  defer(server.close);

  // The real simulator, for one message sent from the bundle.
  const sim = await startSim(defer);

  // 3. Run the bundle in Miniflare.
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(outdir, "worker.js"),
    modulesRoot: outdir, // module names relative to the bundle (the default, cwd, is elsewhere)
    cf: false,
    compatibilityDate: "2026-04-01",
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    bindings: {
      ENDPOINT: server.url, ACCESS_KEY_ID: AK, SECRET_ACCESS_KEY: SK,
      SIM_ENDPOINT: sim.url, SIM_ACCESS_KEY_ID: SIM.accessKeyId, SIM_SECRET_ACCESS_KEY: SIM.secretAccessKey,
    },
  });
  defer(() => mf.dispose());
  const get = async (path, init) => {
    const res = await mf.dispatchFetch(`http://worker.test${path}`, init);
    const text = await res.text();
    check(res.status === 200, `${path}: HTTP ${res.status}`, text);
    return JSON.parse(text);
  };

  // (a) signRequest inside workerd reproduces the official vector byte for byte.
  const v = VECTORS[0].inputs;
  const q = v.query.map(([k, x]) => `${k}=${x}`).join("&");
  const signed = await get("/sign", {
    method: "POST",
    body: JSON.stringify({
      method: v.method,
      url: `https://${v.host}${v.path}?${q}`,
      headers: v.headers,
      body: v.body,
      accessKeyId: v.ak,
      secretAccessKey: v.sk,
      region: v.region,
      service: v.service,
      date: `${v.x_date.slice(0, 4)}-${v.x_date.slice(4, 6)}-${v.x_date.slice(6, 8)}T${v.x_date.slice(9, 11)}:${v.x_date.slice(11, 13)}:${v.x_date.slice(13, 15)}Z`,
    }),
  });
  eq(signed.authorization, VECTORS[0].expected.authorization, "/sign Authorization");
  eq(signed.signature, VECTORS[0].expected.signature, "/sign signature");
  eq(signed.signOnly, VECTORS[0].expected.signature, "/sign signature from volc-im/sign");

  // (b) p2pSendMessage from workerd reaches the loopback server, correctly signed.
  const sent = await get("/send");
  eq(server.requests.length, 1, "requests seen by the server after /send");
  const r0 = server.requests[0];
  check(r0.verified, "server could not verify the request's signature", r0.verifyError);
  eq([r0.method, r0.rawUrl], ["POST", "/?Action=P2PSendMessage&Version=2020-12-01"], "request line");
  eq([r0.verified.accessKeyId, r0.verified.region, r0.verified.service, r0.verified.signedHeaders],
    [AK, "cn-north-1", "rtc", "content-type;host;x-content-sha256;x-date"], "credential scope and signed headers");
  check(Math.abs(Date.parse(r0.verified.xDate.replace(/^(....)(..)(..)T(..)(..)(..)Z$/, "$1-$2-$3T$4:$5:$6Z")) - Date.now()) < 300_000,
    "X-Date is now", r0.verified.xDate);
  eq(r0.headers["content-type"], "application/json", "Content-Type sent");
  eq(r0.body.toString(),
    '{"AppId":666675,"Sender":10008,"ConversationShortId":7221856821303361536,"MsgType":10013,"Content":"{\\"type\\":1000,\\"ext\\":\\"\\",\\"message_type\\":10001}","ReceiverUserId":[9007199254740993,10010]}',
    "request body (int64-exact)");
  eq(sent, {
    ResponseMetadata: { RequestId: "req-ok-1", Action: "P2PSendMessage", Version: "2020-12-01", Service: "rtc", Region: "cn-north-1" },
    Result: { P2PResult: [
      { UserId: "9007199254740993", Code: "SUCCESS", DevicePlatform: "Web" },
      { UserId: "10010", Code: "NOT_ONLINE", DevicePlatform: "Default" },
    ] },
  }, "/send result");

  // int64: "bigint" gives BigInt ids (exact).
  const big = await get("/send-bigint");
  eq(big, { types: ["bigint", "bigint"], ids: [{ bigint: "9007199254740993" }, { bigint: "10010" }] }, "/send-bigint result");
  check(server.requests[1]?.verified, "second request verifies", server.requests[1]?.verifyError);

  // A vendor error envelope becomes a VolcError with the vendor's fields.
  const vendor = (await get("/vendor-error")).caught;
  eq(vendor, {
    isVolcError: true, instanceOfVolcError: true, instanceOfError: true, name: "VolcError", code: "SignatureDoesNotMatch",
    message: vendor.message, codeN: 100010, requestId: "req-err-1", status: 401, action: "P2PSendMessage", retryable: false, attempts: 1,
  }, "/vendor-error");

  // InvalidArgument raised inside workerd (bad body: nothing is sent; bad option: constructor).
  const before = server.requests.length;
  const badBody = (await get("/invalid-body")).caught;
  eq([badBody.isVolcError, badBody.instanceOfVolcError, badBody.name, badBody.code, badBody.retryable],
    [true, true, "VolcError", "InvalidArgument", false], "/invalid-body error");
  check(/Sender/.test(badBody.message), "InvalidArgument names the field", badBody.message);
  const badOpt = (await get("/invalid-options")).caught;
  eq([badOpt.isVolcError, badOpt.code], [true, "InvalidArgument"], "/invalid-options error");
  check(/timeoutMs/.test(badOpt.message), "InvalidArgument names the option", badOpt.message);
  eq(server.requests.length, before, "no request sent for invalid input");
  // (c) One message to the real simulator, received by its online device.
  const content = contentFor("workerd");
  await checkDelivered(sim, await get("/send-sim", { method: "POST", body: JSON.stringify({ content }) }), content, "/send-sim");
  const init = await get("/init-wasm");
  eq([init.ok, init.bad.code, init.bad.isVolcError], [true, "InvalidArgument", true], "/init-wasm");

  if (!w.offline) console.error("note: unshare -n unavailable; wrangler ran with network access");
});
