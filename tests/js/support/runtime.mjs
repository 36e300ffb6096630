// Which JavaScript runtime runs the suite, and how to start a child process of the same one.
// The suite runs under Node (`node --test`), Deno (`deno test -A`) and Bun (`bun test`).

import process from "node:process";

export const runtime =
  typeof globalThis.Deno !== "undefined" ? "deno" : typeof globalThis.Bun !== "undefined" ? "bun" : "node";

/** argv to run a plain script (not a test file) with the current runtime. */
export function scriptArgv(file) {
  const exe = process.execPath;
  if (runtime === "deno") return [exe, ["run", "-A", file]];
  return [exe, [file]];
}
