// Server runtimes: send.mjs (and send.cjs where the runtime has `require`) run from an app with
// volc-im installed from the npm pack tarball, each sending one message to the simulator.
//   node — `node send.mjs` (the `node` import condition) and `node send.cjs` (`require`), and
//          both bundled by esbuild for Node with the .wasm files copied beside the bundle;
//   deno — `deno run` with exactly the flags docs/bundlers.md gives: --allow-read for the two
//          .wasm files, --allow-net for the endpoint (and, without --allow-read, a
//          WasmLoadFailed that names the file);
//   bun  — `bun send.mjs` and `bun send.cjs`.
// Usage: node test.mjs node|deno|bun
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, check, eq, installPkg, main, makeTmp, run } from "../lib/common.mjs";
import { checkDelivered, contentFor, startSim } from "../lib/sim.mjs";

const HERE = import.meta.dirname;
const RUNTIME = process.argv[2];
const ENV = { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", NO_COLOR: "1" };

await main(RUNTIME, async (defer) => {
  check(["node", "deno", "bun"].includes(RUNTIME), "usage: test.mjs node|deno|bun", RUNTIME);
  const tmp = makeTmp(RUNTIME);
  defer(tmp.cleanup);
  const app = join(tmp.dir, "app");
  for (const f of ["send.mjs", "send.cjs"]) cpSync(join(HERE, f), join(app, f));
  // A package.json makes Deno resolve bare names through node_modules, as Node and Bun do.
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  installPkg(app);
  const sim = await startSim(defer);
  const host = new URL(sim.url).host;

  const send = (label, exe, args) => {
    const content = contentFor(label);
    const r = run(exe, [...args, sim.url, content], { cwd: app, env: ENV, timeoutMs: 60_000 });
    check(r.status === 0, `${label}: exit status ${r.status}`, r.stderr.slice(-2000));
    const out = JSON.parse(r.stdout.trim().split("\n").pop());
    return { out, content };
  };
  const sends = {
    node: [["node, ESM", process.execPath, ["send.mjs"]], ["node, CommonJS", process.execPath, ["send.cjs"]]],
    deno: [["deno", join(BIN, "deno"), ["run", "--allow-read=node_modules/volc-im/volc_im_server_bg.wasm,node_modules/volc-im/volc_im_sign_bg.wasm", `--allow-net=${host}`, "send.mjs"]]],
    bun: [["bun, ESM", join(BIN, "bun"), ["send.mjs"]], ["bun, CommonJS", join(BIN, "bun"), ["send.cjs"]]],
  }[RUNTIME];
  for (const [label, exe, args] of sends) {
    const { out, content } = send(label, exe, args);
    eq(out.error, undefined, `${label}: error`);
    await checkDelivered(sim, out.result, content, label);
    eq(out.signedHeaders, "host;x-content-sha256;x-date", `${label}: volc-im/sign`);
  }

  if (RUNTIME === "node") {
    // esbuild bundles for Node (ESM, and CommonJS through `require`): the .wasm is looked for
    // beside the bundle. Missing there, the first call says where; copied there, it sends.
    const out = join(app, "dist");
    for (const [src, format, file] of [["send.mjs", "esm", "esm.mjs"], ["send.cjs", "cjs", "cjs.cjs"]]) {
      const b = run(join(BIN, "esbuild"), [src, "--bundle", "--platform=node", `--format=${format}`, `--outfile=dist/${file}`, "--log-level=warning"], { cwd: app });
      check(b.status === 0 && b.stderr.trim() === "", `esbuild --platform=node --format=${format}`, b.stderr);
      const { out: failed } = send(`node, esbuild ${format} bundle without the .wasm`, process.execPath, [`dist/${file}`]);
      eq([failed.error?.code, failed.error?.isVolcError], ["WasmLoadFailed", true], `esbuild ${format} bundle without the .wasm`);
      check(failed.error.message.includes(join(out, "volc_im_server_bg.wasm")), "the message names the path tried", failed.error.message);
    }
    for (const f of ["volc_im_server_bg.wasm", "volc_im_sign_bg.wasm"]) cpSync(join(app, "node_modules/volc-im", f), join(out, f));
    for (const file of ["esm.mjs", "cjs.cjs"]) {
      const { out: sent, content } = send(`node, esbuild bundle ${file}`, process.execPath, [`dist/${file}`]);
      eq(sent.error, undefined, `esbuild bundle ${file}: error`);
      await checkDelivered(sim, sent.result, content, `esbuild bundle ${file}`);
    }
  }

  if (RUNTIME === "deno") {
    // Without --allow-read the import still succeeds; the first call says what was refused.
    const { out } = send("deno without --allow-read", join(BIN, "deno"), ["run", `--allow-net=${host}`, "send.mjs"]);
    eq([out.error?.code, out.error?.isVolcError], ["WasmLoadFailed", true], "deno without --allow-read: error");
    check(out.error.message.includes("node_modules/volc-im/volc_im_server_bg.wasm") && out.error.message.includes("--allow-read"),
      "the message names the file and --allow-read", out.error.message);
  }
});
