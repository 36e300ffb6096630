// Shared by every bench: the request all signers sign, statistics, and a child-process helper.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

export * from "./fixtures.mjs";

export * from "./stats.mjs";

// ---- Child processes -----------------------------------------------------------------------
/** Runs `node [flags] file args`, returns the JSON printed on its last stdout line. */
export function runNodeJson(file, { args = [], flags = [], env = {}, timeoutMs = 180_000 } = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [...flags, file, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return fail(new Error(`${file} exited ${code ?? signal}:\n${err.slice(-2000)}`));
      try {
        ok(JSON.parse(last));
      } catch {
        fail(new Error(`${file} printed no JSON:\n${out.slice(-1000)}\n${err.slice(-1000)}`));
      }
    });
  });
}

/** Runs a command and resolves with its stdout (rejects on a non-zero exit). */
export function runCommand(cmd, args, { cwd = root, env = {} } = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? ok(out) : fail(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${err.slice(-3000)}`)),
    );
  });
}

export const isMain = (metaUrl) => process.argv[1] && fileURLToPath(metaUrl) === process.argv[1];

export const log = (...a) => process.stderr.write(a.join(" ") + "\n");
