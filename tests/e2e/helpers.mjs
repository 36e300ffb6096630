// Shared by the end-to-end tests: start the real simulator / demo command, drive Chromium.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const simBin = process.env.VOLC_IM_SIM_BIN ?? `${root}target/debug/volc-im-sim`;

/** Starts a process and resolves once a line of its stdout matches `ready`. */
export function startProcess(cmd, args, ready, env = {}) {
  if (!existsSync(cmd) && cmd.includes("/")) throw new Error(`${cmd} is missing: build it first`);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  child.stderr.on("data", (c) => (err += c));
  const matched = new Promise((ok, fail) => {
    child.stdout.on("data", (c) => {
      out += c;
      const m = out.match(ready);
      if (m) ok(m);
    });
    child.on("exit", (code) => fail(new Error(`${cmd} exited (${code}) before it was ready:\n${out}\n${err}`)));
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return matched.finally(() => clearTimeout(timer)).then((m) => ({
    child,
    match: m,
    stderr: () => err,
    stop: () => new Promise((ok) => {
      if (child.exitCode !== null) return ok();
      child.once("exit", ok);
      child.kill("SIGTERM");
    }),
  }));
}

/** The simulator on a free port; `args` e.g. ["--allow-faults"]. */
export async function startSimulator(args = []) {
  const p = await startProcess(simBin, ["--listen", "127.0.0.1:0", ...args], /listening on (http:\/\/\S+)/);
  return { ...p, url: p.match[1] };
}

export const chromiumArgs = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
