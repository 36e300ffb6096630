// Nothing is left pending: a process that used the package in every way (success, vendor error,
// bad reply, refused connection, invalid input, aborts, a timeout) exits by itself, promptly,
// although every client there has timeoutMs = 60 s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { scriptArgv } from "./support/runtime.mjs";

test("a process that used the package exits by itself (no timer, listener or socket left)", async () => {
  const [exe, args] = scriptArgv(fileURLToPath(new URL("./fixtures/exit-child.mjs", import.meta.url)));
  const started = Date.now();
  const child = spawn(exe, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  // A leaked 60 s timer would keep the child alive past this limit; kill it then and fail.
  const limit = 30_000;
  const killer = setTimeout(() => child.kill("SIGKILL"), limit);
  const [code, signal] = await new Promise((resolve) => child.on("close", (c, s) => resolve([c, s])));
  clearTimeout(killer);
  const took = Date.now() - started;
  assert.equal(signal, null, `the child did not exit by itself within ${limit} ms (killed); stdout: ${stdout} stderr: ${stderr}`);
  assert.equal(code, 0, `exit code ${code}; stderr: ${stderr}`);
  assert.ok(took < limit, `took ${took} ms`);
  const report = JSON.parse(stdout.trim().split("\n").pop());
  assert.deepEqual(report.outcomes, [
    "ok",
    "ok",
    "SignatureDoesNotMatch",
    "InvalidResponse",
    "NetworkError",
    "InvalidArgument",
    "Aborted",
    "Aborted",
    "Timeout",
  ]);
});
