// The package's entries: ESM (node.mjs) and CommonJS (index.cjs) export the same API; the
// exports map resolves `import` and `require` of "volc-im" to them; VolcError is recognised
// across the two copies.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esm from "../../pkg/node.mjs";
import { scriptArgv } from "./support/runtime.mjs";

const require = createRequire(import.meta.url);
const cjs = require("../../pkg/index.cjs");
const pkgDir = realpathSync(fileURLToPath(new URL("../../pkg/", import.meta.url)));

const SIGN_OPTIONS = {
  method: "POST",
  url: "https://rtc.volcengineapi.com/?Action=P2PSendMessage&Version=2020-12-01",
  headers: { "Content-Type": "application/json" },
  body: "{}",
  accessKeyId: "AKLTexports",
  secretAccessKey: "exports-secret",
  region: "cn-north-1",
  service: "rtc",
  date: new Date("2024-06-07T10:33:44Z"),
};

function constructorError(mod) {
  try {
    new mod.ImClient({ accessKeyId: "" , secretAccessKey: "x" });
  } catch (e) {
    return e;
  }
  throw new Error("new ImClient did not throw");
}

describe("ESM and CommonJS builds export the same API", () => {
  for (const [name, mod] of [
    ["ESM (pkg/node.mjs)", esm],
    ["CommonJS (pkg/index.cjs)", cjs],
  ]) {
    test(name, async () => {
      for (const k of ["ImClient", "signRequest", "isVolcError", "VolcError"]) {
        assert.equal(typeof mod[k], "function", `${k} is exported`);
      }
      assert.ok(Object.prototype.isPrototypeOf.call(Error.prototype, mod.VolcError.prototype), "VolcError extends Error");
      const pending = mod.signRequest(SIGN_OPTIONS);
      assert.ok(pending instanceof Promise, "signRequest returns a Promise");
      const out = await pending;
      assert.match(out.signature, /^[0-9a-f]{64}$/);
      const c = new mod.ImClient({ accessKeyId: "AKLTx", secretAccessKey: "y", endpoint: "http://127.0.0.1:8780" });
      assert.ok(c instanceof mod.ImClient);
      assert.equal(typeof c.p2pSendMessage, "function");
      assert.equal(typeof c.call, "function");
      const err = constructorError(mod);
      assert.ok(err instanceof mod.VolcError);
      assert.ok(mod.isVolcError(err));
      assert.equal(err.code, "InvalidArgument");
    });
  }

  test("both builds sign identically", async () => {
    const [a, b] = await Promise.all([esm.signRequest(SIGN_OPTIONS), cjs.signRequest(SIGN_OPTIONS)]);
    assert.deepEqual(a, b);
  });

  test("the CommonJS export has no extra public names", () => {
    assert.deepEqual(
      Object.keys(cjs).filter((k) => k !== "__esModule").sort(),
      ["IM_SERVICE", "IM_VERSION", "ImClient", "P2P_SEND_MESSAGE", "QpsLimiter", "VolcError", "fromEnv", "initWasm", "isVolcError", "signRequest"],
    );
    assert.deepEqual(Object.keys(esm).sort(), ["IM_SERVICE", "IM_VERSION", "ImClient", "P2P_SEND_MESSAGE", "QpsLimiter", "VolcError", "fromEnv", "initWasm", "isVolcError", "signRequest"]);
  });
});

describe("isVolcError and instanceof work across copies (ESM ↔ CommonJS)", () => {
  test("the two builds really are two copies", () => {
    assert.notEqual(esm.VolcError, cjs.VolcError);
    assert.notEqual(esm.ImClient, cjs.ImClient);
  });

  test("errors thrown by one copy are recognised by the other", async () => {
    const fromEsm = [constructorError(esm), await esm.signRequest({}).catch((e) => e)];
    const fromCjs = [constructorError(cjs), await cjs.signRequest({}).catch((e) => e)];
    const c = new cjs.ImClient({ accessKeyId: "AKLTx", secretAccessKey: "y", endpoint: "http://127.0.0.1:8780" });
    fromCjs.push(await c.p2pSendMessage({}).catch((e) => e));
    for (const e of fromCjs) {
      assert.ok(esm.isVolcError(e), "esm.isVolcError(cjs error)");
      assert.ok(e instanceof esm.VolcError, "cjs error instanceof esm.VolcError");
      assert.ok(e instanceof Error);
      assert.ok(!(e instanceof esm.ImClient));
    }
    for (const e of fromEsm) {
      assert.ok(cjs.isVolcError(e), "cjs.isVolcError(esm error)");
      assert.ok(e instanceof cjs.VolcError, "esm error instanceof cjs.VolcError");
    }
  });

  test("look-alikes are not VolcErrors", () => {
    const fake = Object.assign(new Error("x"), { name: "VolcError", code: "InvalidArgument" });
    for (const mod of [esm, cjs]) {
      for (const v of [fake, new Error("x"), { name: "VolcError", code: "X" }, null, undefined, "VolcError", 0]) {
        assert.equal(mod.isVolcError(v), false, String(v && v.name));
        assert.equal(v instanceof mod.VolcError, false);
      }
    }
  });

  test("a subclass keeps ordinary instanceof semantics", () => {
    class Sub extends esm.VolcError {}
    const e = constructorError(esm);
    assert.equal(e instanceof Sub, false);
    const s = new Sub("Custom", "m");
    assert.ok(s instanceof Sub);
    assert.ok(s instanceof esm.VolcError);
    assert.ok(cjs.isVolcError(s));
  });
});

describe('the exports map: import and require of "volc-im" from an installed copy', () => {
  let dir;
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const check = `
    import * as esm from "volc-im";
    import { createRequire } from "node:module";
    const require = createRequire(import.meta.url);
    const cjs = require("volc-im");
    const errOf = (m) => { try { new m.ImClient({}); } catch (e) { return e; } };
    const opts = ${JSON.stringify({ ...SIGN_OPTIONS, date: undefined })};
    opts.date = new Date("2024-06-07T10:33:44Z");
    const [a, b] = await Promise.all([esm.signRequest(opts), cjs.signRequest(opts)]);
    console.log(JSON.stringify({
      esmResolved: import.meta.resolve("volc-im"),
      cjsResolved: require.resolve("volc-im"),
      pkgJson: require.resolve("volc-im/package.json"),
      esmKeys: Object.keys(esm).sort(),
      cjsKeys: Object.keys(cjs).filter((k) => k !== "__esModule").sort(),
      twoCopies: esm.VolcError !== cjs.VolcError,
      cross: esm.isVolcError(errOf(cjs)) && cjs.isVolcError(errOf(esm)) && errOf(cjs) instanceof esm.VolcError,
      sameSignature: a.signature === b.signature,
    }));
  `;

  test("import gives node.mjs, require gives index.cjs", () => {
    dir = mkdtempSync(join(tmpdir(), "volc-im-exports-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(pkgDir, join(dir, "node_modules", "volc-im"), "dir");
    // A package.json makes Deno resolve bare names through node_modules, as Node and Bun do.
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    writeFileSync(join(dir, "check.mjs"), check);
    writeFileSync(join(dir, "check.cjs"), 'const m = require("volc-im"); console.log(JSON.stringify({ resolved: require.resolve("volc-im"), keys: Object.keys(m).filter((k) => k !== "__esModule").sort() }));');
    const run = (file) => {
      const [exe, args] = scriptArgv(file);
      return JSON.parse(execFileSync(exe, args, { cwd: dir, encoding: "utf8", timeout: 30_000 }).trim().split("\n").pop());
    };
    const out = run("check.mjs");
    assert.equal(out.esmResolved, `file://${pkgDir}/node.mjs`);
    assert.equal(out.cjsResolved, join(pkgDir, "index.cjs"));
    assert.equal(out.pkgJson, join(pkgDir, "package.json"));
    const api = ["IM_SERVICE", "IM_VERSION", "ImClient", "P2P_SEND_MESSAGE", "QpsLimiter", "VolcError", "fromEnv", "initWasm", "isVolcError", "signRequest"];
    assert.deepEqual(out.esmKeys, api);
    assert.deepEqual(out.cjsKeys, api);
    assert.equal(out.twoCopies, true);
    assert.equal(out.cross, true);
    assert.equal(out.sameSignature, true);

    const plain = run("check.cjs");
    assert.equal(plain.resolved, join(pkgDir, "index.cjs"));
    assert.deepEqual(plain.keys, api);
  });
});

test("classes keep their names through minification and bundling (stack traces, util.inspect)", async () => {
  const sign = await import("../../pkg/sign-node.mjs");
  for (const m of [esm, cjs]) {
    assert.equal(m.ImClient.name, "ImClient");
    assert.equal(m.VolcError.name, "VolcError");
  }
  assert.equal(sign.VolcError.name, "VolcError");
  assert.equal(require("../../pkg/sign.cjs").VolcError.name, "VolcError");
});
