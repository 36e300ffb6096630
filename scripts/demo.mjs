// `make demo`: starts the local IM simulator (embedded default config, no account needed) and
// serves the demo page (www/) with the built package (pkg/) on 127.0.0.1.
//   node scripts/demo.mjs [--port 8080] [--sim-port 8780]   (0 = any free port)
//   PORT=… SIM_PORT=…     the same through the environment (what `make demo` users set)
//   DEMO_SMOKE=1          build-check mode for CI: serve, fetch the page's files once, stop, exit 0
// Plain runs serve until interrupted, whatever the terminal or CI says: only DEMO_SMOKE stops.
import { spawn } from "node:child_process";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const arg = (name, envName, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : (process.env[envName] || fallback);
};
const portArg = (name, envName, fallback) => {
  const raw = arg(name, envName, fallback);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fatal(`${envName}=${raw} is not a port number (0-65535; 0 = any free port)`);
  return n;
};
const smoke = process.env.DEMO_SMOKE === "1";
let sim = null;
let simUrl = null;
let simAlive = false;
let stopping = false;
const simBin = process.env.VOLC_IM_SIM_BIN ?? join(root, "target/sim/volc-im-sim");

/** Stops everything this launcher started and exits with one clear line. */
function fatal(line) {
  console.error(`demo: ${line}`);
  stopSim();
  process.exit(1);
}

const port = portArg("--port", "PORT", "8080");
const simPort = portArg("--sim-port", "SIM_PORT", "8780");

if (!existsSync(join(root, "pkg/browser.mjs")) || !existsSync(simBin)) {
  fatal("build first: make pkg sim (or just: make demo)");
}

// ---- The simulator: a child process whose death never takes the page down -------------------
function stopSim() {
  if (sim && sim.exitCode === null && sim.signalCode === null) sim.kill("SIGTERM");
}

// On Linux the simulator gets SIGTERM when this process dies, even by SIGKILL (setpriv
// --pdeathsig), so it is never left running as an orphan.
const pdeath = process.platform === "linux" && existsSync("/usr/bin/setpriv");

function startSim() {
  return new Promise((ok, fail) => {
    const simArgs = ["--listen", `127.0.0.1:${simPort}`];
    const child = pdeath
      ? spawn("/usr/bin/setpriv", ["--pdeathsig", "TERM", "--", simBin, ...simArgs], { stdio: ["ignore", "pipe", "pipe"] })
      : spawn(simBin, simArgs, { stdio: ["ignore", "pipe", "pipe"] });
    sim = child;
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      if (simAlive) return;
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        simAlive = true;
        ok(m[1]);
      }
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
      if (simAlive && !stopping) process.stderr.write(chunk);
    });
    child.on("error", (e) => fail(new Error(`cannot start the simulator ${simBin}: ${e.message}`)));
    child.on("exit", (code, signal) => {
      const wasAlive = simAlive;
      simAlive = false;
      if (!wasAlive) {
        const busy = /address already in use|os error 98/i.test(err);
        fail(new Error(busy
          ? `simulator port ${simPort} is already in use: choose another with SIM_PORT=… make demo`
          : `the simulator exited with ${code ?? signal} before listening: ${err.trim().split("\n").pop() ?? ""}`));
      } else if (!stopping) {
        console.error(`demo: the simulator stopped (${code ?? signal}); the page is still served and shows it as unreachable. Restart with: make demo`);
      }
    });
  });
}

// ---- The page ---------------------------------------------------------------------------
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
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  } catch {
    res.writeHead(400, { "content-type": "text/plain" });
    return res.end("bad path");
  }
  if (path === "/demo-config.json") {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    return res.end(JSON.stringify({ simulator: simUrl, simulatorRunning: simAlive, startCommand: "make demo" }));
  }
  // Only www/ and pkg/ are served; a decoded "..%2F" cannot climb out of them.
  const [base, rel] = path.startsWith("/pkg/") ? [join(root, "pkg"), path.slice(4)] : [join(root, "www"), path];
  const file = normalize(join(base, rel === "/" ? "index.html" : rel));
  if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { "content-type": "text/plain" });
    return res.end("not found");
  }
  res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
  createReadStream(file).pipe(res);
});
// The page port is taken first: when it is busy, nothing has been started yet.
await new Promise((ok) => {
  server.once("error", (e) => fatal(e.code === "EADDRINUSE"
    ? `demo port ${port} is already in use: choose another with PORT=… make demo`
    : `cannot serve the page on 127.0.0.1:${port}: ${e.message}`));
  server.listen(port, "127.0.0.1", ok);
});

let stopped = null;
/** Stops the page and the simulator, waits for the simulator to exit, then exits. */
function stop(code = 0) {
  stopping = true;
  stopped ??= new Promise((done) => {
    server.close();
    server.closeAllConnections();
    if (!sim || sim.exitCode !== null || sim.signalCode !== null) return done();
    const kill = setTimeout(() => sim.kill("SIGKILL"), 3000);
    sim.once("exit", () => {
      clearTimeout(kill);
      done();
    });
    sim.kill("SIGTERM");
  }).then(() => process.exit(code));
  return stopped;
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(0));
process.on("exit", stopSim);

try {
  simUrl = await startSim();
} catch (e) {
  fatal(e.message);
}

const pageUrl = `http://127.0.0.1:${server.address().port}/`;
// Announce the page only once it answers.
const home = await fetch(pageUrl).catch((e) => e);
if (!(home instanceof Response) || home.status !== 200) fatal(`the page at ${pageUrl} does not answer`);
await home.arrayBuffer();
console.log(`Simulator: ${simUrl}`);
console.log(`Demo page: ${pageUrl}`);
if (smoke) {
  // Smoke mode: the files the page needs answer 200, then stop.
  const bad = [];
  for (const path of ["/", "/app.js", "/style.css", "/pkg/browser.mjs", "/pkg/volc_im_bg.wasm", "/demo-config.json"]) {
    const r = await fetch(new URL(path, pageUrl)).catch((e) => ({ status: e.message }));
    if (r.status !== 200) bad.push(`${path}: ${r.status}`);
    else await r.arrayBuffer();
  }
  const simOk = await fetch(new URL("/sim/stats", simUrl)).then((r) => r.status === 200, () => false);
  if (!simOk) bad.push(`simulator ${simUrl}/sim/stats does not answer 200`);
  if (bad.length) fatal(`smoke check failed: ${bad.join("; ")}`);
  console.log("demo smoke: page, app.js, style.css, pkg/browser.mjs, pkg/volc_im_bg.wasm and the simulator answer 200");
  await stop(0);
}
