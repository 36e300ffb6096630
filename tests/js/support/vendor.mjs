// A stand-in for the Volcengine IM OpenAPI, written for the tests: a node:http server on
// 127.0.0.1 that records every request byte for byte, verifies its signature with an
// independent JavaScript implementation of docs/spec/signing.md (node:crypto only, nothing
// shared with the package), and replies with the vendor's envelope.

import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import { Buffer } from "node:buffer";

// ---------------------------------------------------------------------------------------
// Independent signer (docs/spec/signing.md §1–9)
// ---------------------------------------------------------------------------------------

/** RFC 3986 percent-encoding: A-Z a-z 0-9 - _ . ~ stay, every other UTF-8 byte is %XX. */
export function rfc3986(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Decodes a raw query component as a Go/Python server would (`+` is a space). */
function decodeComponent(s) {
  return decodeURIComponent(s.replace(/\+/g, " "));
}

/** Raw query text → ordered [key, value] pairs, percent-decoded. */
export function parseRawQuery(raw) {
  if (!raw) return [];
  return raw
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      return i < 0 ? [decodeComponent(p), ""] : [decodeComponent(p.slice(0, i)), decodeComponent(p.slice(i + 1))];
    });
}

/** Pairs sorted by raw key in UTF-8 byte order (stable), each part RFC 3986-encoded. */
export function canonicalQuery(pairs) {
  const sorted = [...pairs].sort((a, b) => Buffer.compare(Buffer.from(a[0], "utf8"), Buffer.from(b[0], "utf8")));
  return sorted.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join("&");
}

export function canonicalPath(path) {
  if (path === "" || path === "/") return "/";
  const out = path.split("/").map(rfc3986).join("/");
  return out.startsWith("/") ? out : "/" + out;
}

export function sha256Hex(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

function hmac(key, data) {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** kSigning: HMAC chain from the raw secret bytes (no prefix). */
export function signingKey(secret, shortDate, region, service) {
  const kDate = hmac(Buffer.from(secret, "utf8"), shortDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, "request");
}

export function isSignedHeaderName(lower) {
  return lower === "host" || lower === "content-type" || lower === "content-md5" || lower.startsWith("x-");
}

function dropDefaultPort(host, scheme) {
  if (scheme === "https" && host.endsWith(":443")) return host.slice(0, -4);
  if (scheme === "http" && host.endsWith(":80")) return host.slice(0, -3);
  return host;
}

/**
 * Signs from first principles: `headers` maps lowercase names to values (the ones that will be
 * sent, signer-owned headers excluded); returns every intermediate.
 */
export function independentSign({ method, scheme = "https", path, pairs, headers, body, ak, sk, sessionToken, region, service, xDate }) {
  const bodyHash = sha256Hex(body);
  const all = { ...headers, "x-date": xDate, "x-content-sha256": bodyHash };
  if (sessionToken !== undefined) all["x-security-token"] = sessionToken;
  const names = Object.keys(all).filter(isSignedHeaderName).sort();
  const value = (n) => (n === "host" ? dropDefaultPort(all[n].trim(), scheme) : all[n].trim());
  const canonicalRequest = [
    method.toUpperCase(),
    canonicalPath(path),
    canonicalQuery(pairs),
    ...names.map((n) => `${n}:${value(n)}`),
    "",
    names.join(";"),
    bodyHash,
  ].join("\n");
  const scope = `${xDate.slice(0, 8)}/${region}/${service}/request`;
  const stringToSign = ["HMAC-SHA256", xDate, scope, sha256Hex(Buffer.from(canonicalRequest, "utf8"))].join("\n");
  const signature = createHmac("sha256", signingKey(sk, xDate.slice(0, 8), region, service))
    .update(stringToSign, "utf8")
    .digest("hex");
  const authorization = `HMAC-SHA256 Credential=${ak}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization, signedHeaders: names.join(";"), bodyHash };
}

const AUTH_RE = /^HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

function xDateToMillis(x) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(x);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

/**
 * Verifies a received request the way the vendor does: the canonical request is rebuilt from
 * what arrived (method, path, the raw query re-canonicalised, the headers SignedHeaders names,
 * the SHA-256 of the received body bytes) and the signature recomputed with the secret the
 * access key maps to. Returns `{ ok: true, ... }` or `{ ok: false, code, reason }`.
 */
export function verifySignature({ method, url, headers, body }, secrets, { maxSkewMs = 900_000, now = Date.now() } = {}) {
  const fail = (code, reason) => ({ ok: false, code, reason });
  const auth = headers["authorization"];
  if (!auth) return fail("MissingAuthenticationToken", "no Authorization header");
  const m = AUTH_RE.exec(auth);
  if (!m) return fail("SignatureDoesNotMatch", `malformed Authorization: ${auth}`);
  const [, ak, scopeDate, region, service, signedHeaders, signature] = m;
  const sk = secrets[ak];
  if (sk === undefined) return fail("InvalidAccessKey", `unknown access key ${ak}`);
  const xDate = headers["x-date"];
  if (!xDate || !xDate.startsWith(scopeDate)) return fail("MissingRequestInfo", "X-Date missing or not the scope's date");
  const t = xDateToMillis(xDate);
  if (!(Math.abs(t - now) <= maxSkewMs)) return fail("InvalidTimestamp", `X-Date ${xDate} is too far from now`);
  const bodyHash = sha256Hex(body);
  if (headers["x-content-sha256"] !== bodyHash) return fail("SignatureDoesNotMatch", "X-Content-Sha256 is not the body's hash");
  const names = signedHeaders.split(";");
  const sortedUnique = [...new Set(names)].sort();
  if (names.join(";") !== sortedUnique.join(";")) return fail("SignatureDoesNotMatch", "SignedHeaders not sorted/unique");
  for (const required of ["host", "x-date", "x-content-sha256"]) {
    if (!names.includes(required)) return fail("SignatureDoesNotMatch", `${required} is not signed`);
  }
  if (headers["x-security-token"] !== undefined && !names.includes("x-security-token")) {
    return fail("SignatureDoesNotMatch", "X-Security-Token sent but not signed");
  }
  const qIndex = url.indexOf("?");
  const rawPath = qIndex < 0 ? url : url.slice(0, qIndex);
  const rawQuery = qIndex < 0 ? "" : url.slice(qIndex + 1);
  const lines = [];
  for (const n of names) {
    const v = headers[n];
    if (v === undefined) return fail("SignatureDoesNotMatch", `signed header ${n} was not sent`);
    lines.push(`${n}:${String(v).trim()}`);
  }
  const canonicalRequest = [
    method,
    canonicalPath(decodeURIComponent(rawPath)),
    canonicalQuery(parseRawQuery(rawQuery)),
    ...lines,
    "",
    signedHeaders,
    bodyHash,
  ].join("\n");
  const scope = `${scopeDate}/${region}/${service}/request`;
  const stringToSign = ["HMAC-SHA256", xDate, scope, sha256Hex(Buffer.from(canonicalRequest, "utf8"))].join("\n");
  const expected = createHmac("sha256", signingKey(sk, scopeDate, region, service)).update(stringToSign, "utf8").digest("hex");
  if (expected !== signature) return fail("SignatureDoesNotMatch", "signature mismatch");
  return { ok: true, accessKeyId: ak, region, service, signedHeaders, canonicalRequest, stringToSign, signature, rawQuery, rawPath };
}

// ---------------------------------------------------------------------------------------
// Vendor envelope
// ---------------------------------------------------------------------------------------

export function metadata(requestId, action = "P2PSendMessage") {
  return { RequestId: requestId, Action: action, Version: "2020-12-01", Service: "", Region: "" };
}

/** An error envelope as the vendor sends it. */
export function errorEnvelope(requestId, code, codeN, message, action = "P2PSendMessage") {
  const meta = metadata(requestId, action);
  meta.Error = { Code: code, CodeN: codeN, Message: message };
  return JSON.stringify({ ResponseMetadata: meta });
}

/**
 * A P2PSendMessage success written as raw JSON text, so `UserId` can be any int64 literal:
 * rows are `[userIdLiteral, code, platform]`.
 */
export function p2pSuccessText(requestId, rows) {
  const items = rows.map(([id, code, platform]) => `{"UserId":${id},"Code":${JSON.stringify(code)},"DevicePlatform":${JSON.stringify(platform)}}`);
  return `{"ResponseMetadata":${JSON.stringify(metadata(requestId))},"Result":{"P2PResult":[${items.join(",")}]}}`;
}

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

/** A reply that never comes: the request is held open until the server closes. */
export const HANG = Symbol("hang");

export const TEST_AK = "AKLTtestJsSuite0000000000000000000";
export const TEST_SK = "c2VjcmV0LWZvci10aGUtanMtc3VpdGUtb25seQ==";

const open = new Set();

/**
 * Starts a fake vendor. `handler(rec)` returns `{ status, headers, body }`, `HANG`, or a
 * promise of either; it runs only for requests whose signature verifies (others get the
 * vendor's 401 `SignatureDoesNotMatch` envelope, unless `verify: false`).
 * Every request is recorded in `server.requests` (method, url, headers, body bytes, auth).
 */
export async function startVendor(handler, { secrets = { [TEST_AK]: TEST_SK }, verify = true } = {}) {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const rec = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body,
        text: body.toString("utf8"),
      };
      rec.auth = verifySignature(rec, secrets);
      requests.push(rec);
      const requestId = `TESTREQ${String(requests.length).padStart(4, "0")}`;
      rec.requestId = requestId;
      let reply;
      if (verify && !rec.auth.ok) {
        const status = rec.auth.code === "InvalidTimestamp" || rec.auth.code === "MissingRequestInfo" ? 400 : 401;
        const codeN = { SignatureDoesNotMatch: 100010, InvalidAccessKey: 100009, InvalidTimestamp: 100006, MissingRequestInfo: 100004, MissingAuthenticationToken: 100003 }[rec.auth.code];
        reply = { status, body: errorEnvelope(requestId, rec.auth.code, codeN, rec.auth.reason) };
      } else {
        try {
          reply = await handler(rec);
        } catch (e) {
          reply = { status: 500, body: `handler threw: ${e}` };
        }
      }
      if (reply === HANG) return; // never answer; closed with the server
      res.writeHead(reply.status ?? 200, { "Content-Type": "application/json", ...(reply.headers ?? {}) });
      res.end(reply.body ?? "");
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  let closed;
  const vendor = {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close() {
      closed ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
        for (const s of sockets) s.destroy();
      });
      open.delete(vendor);
      return closed;
    },
  };
  open.add(vendor);
  return vendor;
}

/** Closes every server started by this module (for `after()` hooks). */
export async function closeAllVendors() {
  await Promise.all([...open].map((v) => v.close()));
}

/** A port on 127.0.0.1 that was listening a moment ago and is now closed. */
export async function closedPort() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The standard test body (the spec's example, exact conversation id). */
export function p2pBody(overrides = {}) {
  return {
    AppId: 666675,
    Sender: 10008,
    ConversationShortId: "7221856821303361536",
    MsgType: 10013,
    Content: '{"type":1000,"ext":"","message_type":10001}',
    ...overrides,
  };
}

/** The value `promise` rejects with; throws (failing the test) if it resolves instead. */
export async function rejection(promise) {
  let value;
  try {
    value = await promise;
  } catch (e) {
    return e;
  }
  const shown = JSON.stringify(value, (k, x) => (typeof x === "bigint" ? `${x}n` : x));
  throw new Error(`expected a rejection, but it resolved with ${shown}`);
}
