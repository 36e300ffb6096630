// fromEnv(): credentials from the process environment, under the names the official Volcengine
// SDKs read. Node, Deno and Bun only (browsers and Workers have no process environment; a
// Worker keeps its bindings). Used explicitly, `credentials: fromEnv()`: the client never
// falls back to the environment on its own.
import { makeVolcError } from "./errors.js";

const VARIABLES = [
  ["accessKeyId", "VOLC_ACCESSKEY"],
  ["secretAccessKey", "VOLC_SECRETKEY"],
  ["sessionToken", "VOLC_SESSION_TOKEN"],
];
const ALL = VARIABLES.map(([, name]) => name).join(",");

const invalid = (message, cause) => makeVolcError("InvalidArgument", message, { retryable: false, attempts: 0 }, cause);

function read(name) {
  try {
    // Deno first: its `process` shim exists too, but Deno.env is what --allow-env governs.
    if (typeof globalThis.Deno?.env?.get === "function") return globalThis.Deno.env.get(name);
    return globalThis.process?.env?.[name];
  } catch (cause) {
    throw invalid(`fromEnv(): cannot read ${name} (${cause?.message ?? cause}); under Deno, run with --allow-env=${ALL}`, cause);
  }
}

/**
 * Reads VOLC_ACCESSKEY, VOLC_SECRETKEY and (optional) VOLC_SESSION_TOKEN now, and returns a
 * `credentials` function that supplies them. A missing, empty or padded variable throws an
 * InvalidArgument VolcError naming the variable and the option it supplies; the message never
 * holds a value.
 */
export function fromEnv() {
  const found = {};
  for (const [option, name] of VARIABLES) {
    const value = read(name);
    if (value === undefined || value === "") {
      if (option === "sessionToken") continue;
      const state = value === "" ? "is empty" : "is not set";
      throw invalid(
        `fromEnv(): ${name} ${state}; it supplies ${option}. Set VOLC_ACCESSKEY and VOLC_SECRETKEY ` +
          "(and VOLC_SESSION_TOKEN for temporary STS keys), or pass accessKeyId and secretAccessKey",
      );
    }
    if (value.trim() !== value) {
      // A copied key often carries a newline; the signature would never match.
      throw invalid(`fromEnv(): ${name} (${option}) has leading or trailing whitespace; remove it`);
    }
    found[option] = value;
  }
  return () => ({ ...found });
}
