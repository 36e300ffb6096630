// TypeScript consumer: example.ts (ESM) and example-cjs.cts (`import x = require()`) must
// type-check with the pinned tsc (strict, NodeNext) against volc-im's published declarations;
// must-fail.ts must fail on exactly its MUST-FAIL lines. Then both are emitted and run in Node,
// so the declarations and the runtime are checked against each other.
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BIN, check, eq, installPkg, main, makeTmp, run, verifySignature } from "../lib/common.mjs";

const HERE = import.meta.dirname;
const tsc = (cwd, ...args) => run(join(BIN, "tsc"), ["--strict", ...args], { cwd });

await main("ts", async (defer) => {
  const tmp = makeTmp("ts");
  defer(tmp.cleanup);
  const app = join(tmp.dir, "app");
  for (const f of readdirSync(HERE).filter((f) => /\.(c?ts|json)$/.test(f))) cpSync(join(HERE, f), join(app, f));
  installPkg(app);

  // 1. The examples type-check, and resolve the ESM and CJS declarations respectively.
  const ok = tsc(app, "-p", "tsconfig.json", "--explainFiles");
  const errors = (ok.stdout + ok.stderr).split("\n").filter((l) => /error TS\d+/.test(l));
  eq(errors, [], "tsc errors in example.ts / example-cjs.cts");
  eq(ok.status, 0, "tsc exit status for the examples");
  // (A real path: node_modules/volc-im/..., or pkg/... when installed as a symlink.)
  check(/\/index\.d\.ts\n\s+Imported via "volc-im" from file 'example\.ts'/.test(ok.stdout),
    "example.ts resolves volc-im to index.d.ts", ok.stdout.slice(0, 3000));
  check(/\/index\.d\.cts\n\s+Imported via "volc-im" from file 'example-cjs\.cts'/.test(ok.stdout),
    "example-cjs.cts resolves volc-im to index.d.cts");

  // 2. The negative file fails on exactly the marked lines, and on nothing else.
  const expected = readFileSync(join(app, "must-fail.ts"), "utf8").split("\n")
    .flatMap((l, i) => (l.includes("// MUST-FAIL") ? [i + 1] : []));
  check(expected.length >= 3, "must-fail.ts marks its error lines");
  const bad = tsc(app, "-p", "tsconfig.must-fail.json", "--pretty", "false");
  const out = bad.stdout + bad.stderr;
  check(bad.status !== 0, "tsc accepted must-fail.ts", out);
  const reported = [...out.matchAll(/^(\S+)\((\d+),\d+\): error TS\d+/gm)];
  eq(reported.filter((m) => m[1] !== "must-fail.ts").map((m) => m[0]), [], "errors outside must-fail.ts");
  eq([...new Set(reported.map((m) => Number(m[2])))].sort((a, b) => a - b), expected, "lines with type errors in must-fail.ts");

  // 3. Emit both and run them: ESM through the `node` condition, CJS through `require`.
  const emit = tsc(app, "-p", "tsconfig.json", "--noEmit", "false", "--outDir", "out");
  eq(emit.status, 0, "tsc emit status");
  const esm = await import(pathToFileURL(join(app, "out/example.js")).href);
  const results = await esm.selfTest();
  eq(results.length, 4, "selfTest results");
  eq(results[3], "host;x-content-sha256;x-date", "volc-im/sign signedHeaders (ESM)");
  check(/^bad input: .*Sender/.test(results[0]), "a Number past 2^53 as Sender -> InvalidArgument", results[0]);
  check(/^bad input: .*timeoutMs/.test(results[1]), "timeoutMs: 0 -> InvalidArgument", results[1]);
  eq(results[2], "content-type;host;x-content-sha256;x-date", "signedHeaders");
  eq(esm.describe(new Error("x")), "not a VolcError", "describe(non-VolcError)");

  const cjs = createRequire(join(app, "out/"))("./example-cjs.cjs");
  const date = new Date(Date.UTC(2024, 5, 7, 10, 33, 44));
  const signed = await cjs.signCjs(date);
  const url = new URL(signed.url);
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const parsed = verifySignature({ method: "POST", rawUrl: url.pathname + url.search, headers, body: Buffer.from("{}") },
    { AKLTexample000000000000000000000: "c2VjcmV0" });
  eq([parsed.xDate, parsed.signedHeaders], ["20240607T103344Z", "content-type;host;x-content-sha256;x-date"], "CJS signRequest");
  eq(await cjs.invalidCjs(), "InvalidArgument instanceof=true", "CJS InvalidArgument");
  eq(await cjs.signOnlyCjs(), "host;x-content-sha256;x-date", "CJS volc-im/sign");
  check(/\/sign\.d\.cts\n\s+Imported via "volc-im\/sign" from file 'example-cjs\.cts'/.test(ok.stdout),
    "example-cjs.cts resolves volc-im/sign to sign.d.cts", ok.stdout.slice(0, 3000));
  const shown = String(cjs.clientCjs());
  check(shown.includes("AKLTcjs") && !shown.includes("c2VjcmV0LWNqcw"), "CJS client toString: key id, never the secret", shown);
});
