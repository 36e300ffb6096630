// Shared helpers for the consumer tests: temp dirs, installing pkg/ the way npm would, a
// loopback stand-in for the vendor endpoint that checks the Volcengine signature, asserts.
import { createHash, createHmac } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync, symlinkSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
// VOLC_IM_PKG: test another build of the package (e.g. a deliberately broken copy).
export const PKG = resolve(process.env.VOLC_IM_PKG ?? join(ROOT, "pkg"));
export const BIN = join(ROOT, "node_modules/.bin");
export const VECTORS = JSON.parse(readFileSync(join(ROOT, "tests/data/signing.json"), "utf8")).vectors;

export class CheckFailed extends Error {}

export function check(cond, what, detail) {
  if (!cond) throw new CheckFailed(detail === undefined ? what : `${what}: ${fmt(detail)}`);
}

export function eq(actual, expected, what) {
  const a = fmt(actual);
  const e = fmt(expected);
  if (a !== e) throw new CheckFailed(`${what}: expected ${e}, got ${a}`);
}

// Object keys compared in sorted order (key order is not part of any contract here).
const fmt = (v) =>
  typeof v === "string"
    ? JSON.stringify(v)
    : JSON.stringify(v, (_, x) =>
        typeof x === "bigint"
          ? `${x}n`
          : x && typeof x === "object" && !Array.isArray(x)
            ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]]))
            : x);

/** A fresh directory under the system temp dir; `cleanup()` removes it (idempotent). */
export function makeTmp(label) {
  const dir = mkdtempSync(join(tmpdir(), `volc-im-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Puts volc-im into `dir/node_modules/volc-im`. Default: `npm pack` pkg/ and unpack the tarball
 * (what a registry install gives: only the package's `files`, resolved through its `exports`).
 * VOLC_IM_INSTALL=link makes it a symlink to pkg/ instead.
 */
export function installPkg(dir) {
  check(existsSync(join(PKG, "package.json")), "pkg/package.json missing: run bash scripts/build-pkg.sh");
  const target = join(dir, "node_modules/volc-im");
  mkdirSync(dirname(target), { recursive: true });
  if (process.env.VOLC_IM_INSTALL === "link") {
    symlinkSync(PKG, target, "dir");
    return target;
  }
  const out = execFileSync("npm", ["pack", PKG, "--pack-destination", dir, "--json", "--silent"], {
    encoding: "utf8",
    env: { ...process.env, npm_config_offline: "true", npm_config_update_notifier: "false", npm_config_fund: "false" },
  });
  const [{ filename }] = JSON.parse(out);
  mkdirSync(target);
  execFileSync("tar", ["-xzf", join(dir, filename), "-C", target, "--strip-components=1"]);
  rmSync(join(dir, filename));
  return target;
}

/** Runs a command; returns { status, stdout, stderr }. `offline` runs it in a fresh network
 * namespace (`unshare -n`) when that is available, so any network access fails. */
export function run(cmd, args, { cwd, env, offline = false, timeoutMs = 120_000 } = {}) {
  let argv = [cmd, ...args];
  if (offline && unshareWorks()) argv = ["unshare", "-n", ...argv];
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, offline: argv[0] === "unshare" };
}

let unshareOk;
export function unshareWorks() {
  if (unshareOk === undefined) {
    unshareOk = spawnSync("unshare", ["-n", "true"]).status === 0;
  }
  return unshareOk;
}

// ---------------------------------------------------------------------------------------------
// Volcengine HMAC-SHA256 verification, written independently of the package (node:crypto).

const sha256hex = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();
const rfc3986 = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

export function signingKey(secret, date, region, service) {
  return hmac(hmac(hmac(hmac(secret, date), region), service), "request");
}

const AUTH_RE =
  /^HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/**
 * Recomputes the signature of a received request. `headers` are Node's lower-cased incoming
 * headers, `rawUrl` the request target (path + query), `body` a Buffer. Returns the parsed
 * Authorization on success, throws CheckFailed otherwise.
 */
export function verifySignature({ method, rawUrl, headers, body }, secrets) {
  const auth = headers["authorization"];
  const m = typeof auth === "string" && AUTH_RE.exec(auth);
  check(m, "Authorization header not in Volcengine HMAC-SHA256 form", auth);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  const secret = secrets[accessKeyId];
  check(secret !== undefined, "unknown access key id", accessKeyId);
  const xDate = headers["x-date"];
  check(/^\d{8}T\d{6}Z$/.test(xDate ?? ""), "X-Date", xDate);
  check(xDate.slice(0, 8) === date, "credential date differs from X-Date", [date, xDate]);
  const bodyHash = sha256hex(body);
  check(headers["x-content-sha256"] === bodyHash, "X-Content-Sha256 is not the body's hash", headers["x-content-sha256"]);
  const names = signedHeaders.split(";");
  for (const required of ["host", "x-date", "x-content-sha256"]) {
    check(names.includes(required), `SignedHeaders lacks ${required}`, signedHeaders);
  }
  const url = new URL(rawUrl, "http://x");
  const query = [...url.searchParams]
    .map(([k, v], i) => [k, v, i])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[2] - b[2]))
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join("&");
  const canonicalHeaders = names.map((n) => {
    check(headers[n] !== undefined, `signed header ${n} was not sent`);
    return `${n}:${String(headers[n]).trim()}\n`;
  });
  const canonicalRequest = [method, url.pathname, query, canonicalHeaders.join(""), signedHeaders, bodyHash].join("\n");
  const stringToSign = ["HMAC-SHA256", xDate, `${date}/${region}/${service}/request`, sha256hex(canonicalRequest)].join("\n");
  const expected = hmac(signingKey(secret, date, region, service), stringToSign).toString("hex");
  check(expected === signature, "signature does not verify", { signature, expected, canonicalRequest });
  return { accessKeyId, date, region, service, signedHeaders, signature, xDate };
}

// Self-check of the verifier against the shared vector (so a bug here cannot hide one there).
{
  const v = VECTORS[0];
  eq(signingKey(v.inputs.sk, v.inputs.x_date.slice(0, 8), v.inputs.region, v.inputs.service).toString("hex"),
    v.expected.signing_key_hex, "verifier self-check (signing key)");
  const headers = Object.fromEntries(Object.entries(v.inputs.headers).map(([k, x]) => [k.toLowerCase(), x]));
  for (const [k, x] of Object.entries(v.expected.headers_added_by_signer)) headers[k.toLowerCase()] = x;
  const q = v.inputs.query.map(([k, x]) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`).join("&");
  verifySignature({ method: v.inputs.method, rawUrl: `${v.inputs.path}?${q}`, headers, body: Buffer.from(v.inputs.body) },
    { [v.inputs.ak]: v.inputs.sk });
}

/**
 * A loopback stand-in for the IM endpoint on 127.0.0.1 (port 0). `handler({ method, rawUrl,
 * headers, body, json })` returns `{ status, body }` (body: string); every request is recorded
 * in `requests`, with `verified` (the parsed Authorization) or `verifyError`.
 */
export async function startVendorServer(secrets, handler) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const rec = { method: req.method, rawUrl: req.url, headers: req.headers, body: Buffer.concat(chunks) };
      try {
        rec.verified = verifySignature(rec, secrets);
      } catch (e) {
        rec.verifyError = e.message;
      }
      requests.push(rec);
      let out;
      try {
        out = handler(rec);
      } catch (e) {
        out = { status: 500, body: `test server handler failed: ${e.message}` };
      }
      res.writeHead(out.status, { "content-type": "application/json", connection: "close" });
      res.end(out.body);
    });
  });
  await new Promise((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function refusedPort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, "127.0.0.1", ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

/** Runs `body()` and exits 0 on success, 1 with `FAIL: message` otherwise; always awaits
 * `cleanup` steps registered through the `defer` argument (in reverse order). */
export async function main(name, body) {
  const deferred = [];
  const defer = (fn) => deferred.push(fn);
  const t0 = performance.now();
  let failed;
  try {
    await body(defer);
  } catch (e) {
    failed = e;
  }
  for (const fn of deferred.reverse()) {
    try {
      await fn();
    } catch (e) {
      console.error(`cleanup failed: ${e?.stack ?? e}`);
    }
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (failed) {
    if (!(failed instanceof CheckFailed)) console.error(failed?.stack ?? failed);
    console.log(`FAIL ${name}: ${String(failed?.message ?? failed).split("\n")[0]}`);
    process.exitCode = 1;
  } else {
    console.log(`ok ${name} (${secs}s)`);
  }
}
