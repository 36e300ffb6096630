// `make demo`: starts the local IM simulator (embedded default config, no account needed) and
// serves the demo page (www/) with the built package (pkg/) on 127.0.0.1.
//   node scripts/demo.mjs [--port 8080] [--sim-port 8780]   (0 = any free port)
import { spawn } from "node:child_process";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : (process.env[name.slice(2).toUpperCase().replace("-", "_")] ?? fallback);
};
const port = Number(arg("--port", "8080"));
const simPort = Number(arg("--sim-port", "8780"));
const simBin = process.env.VOLC_IM_SIM_BIN ?? join(root, "target/sim/volc-im-sim");

if (!existsSync(join(root, "pkg/browser.mjs")) || !existsSync(simBin)) {
  console.error("Build first: make pkg sim (or just: make demo)");
  process.exit(1);
}

const sim = spawn(simBin, ["--listen", `127.0.0.1:${simPort}`], { stdio: ["ignore", "pipe", "inherit"] });
const simUrl = await new Promise((ok, fail) => {
  let seen = "";
  sim.stdout.on("data", (chunk) => {
    seen += chunk;
    const m = seen.match(/listening on (http:\/\/\S+)/);
    if (m) ok(m[1]);
  });
  sim.on("exit", (code) => fail(new Error(`simulator exited with ${code}`)));
});

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
};

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path === "/demo-config.json") {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    return res.end(JSON.stringify({ simulator: simUrl }));
  }
  const base = path.startsWith("/pkg/") ? root : join(root, "www");
  const file = normalize(join(base, path === "/" ? "index.html" : path));
  if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { "content-type": "text/plain" });
    return res.end("not found");
  }
  res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
  createReadStream(file).pipe(res);
});
server.listen(port, "127.0.0.1", () => {
  console.log(`Simulator: ${simUrl}`);
  console.log(`Demo page: http://127.0.0.1:${server.address().port}/`);
});

const stop = () => {
  server.close();
  sim.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
sim.on("exit", () => {
  server.close();
  process.exitCode = process.exitCode ?? 0;
});
