// Figure 1: µs per signature in Node, every signer on the same request (192 B and 64 KiB
// bodies), interleaved rounds after a warm-up. Run as a child of run.mjs (a clean process);
// prints one JSON line.
import { createHash } from "node:crypto";
import * as fx from "./fixtures.mjs";
import { interleave, isMain, root } from "./common.mjs";
import { makeSigners as aws4fetch } from "./entries/aws4fetch.mjs";
import { makeSigners as smithy } from "./entries/smithy.mjs";
import { makeSigners as volcengine } from "./entries/volcengine.mjs";

export async function volcImSigners() {
  const { signRequest } = await import(`${root}pkg/node.mjs`);
  const { signRequest: signOnly } = await import(`${root}pkg/sign-node.mjs`);
  // The same module instance node.mjs initialised (same URL): its sync internal.
  const { signRequestSync } = await import(`${root}pkg/volc_im_server.js`);
  const opts = fx.signOptions;
  const bytes = new Map();
  const asBytes = (body) => {
    if (!bytes.has(body)) bytes.set(body, new TextEncoder().encode(body));
    return bytes.get(body);
  };
  return {
    signers: {
      "volc-im signRequest": async (body) => (await signRequest(opts(body))).signature,
      "volc-im signRequestSync": { sync: true, fn: (body) => signRequestSync(opts(body)).signature },
      "volc-im signRequest, Uint8Array body": async (body) => (await signRequest(opts(asBytes(body)))).signature,
      "volc-im/sign signRequest": async (body) => (await signOnly(opts(body))).signature,
    },
    signRequest,
  };
}

export async function run({ rounds = 7, ms = 120 } = {}) {
  const volcIm = await volcImSigners();
  const signers = { ...volcIm.signers, ...aws4fetch(fx), ...smithy(fx), ...volcengine(fx) };

  // Same algorithm check: volc-im and the official signer agree on a request both sign the
  // same way (the official one does not sign Content-Type, so none is sent here).
  const plain = {
    method: "POST", url: fx.URL_P2P, body: fx.SMALL_BODY, accessKeyId: fx.ACCESS_KEY_ID,
    secretAccessKey: fx.SECRET_ACCESS_KEY, region: fx.REGION, service: fx.SERVICE, date: fx.DATE,
  };
  const ours = (await volcIm.signRequest(plain)).signature;
  const { default: mod } = await import("@volcengine/openapi/lib/base/sign.js");
  const Signer = mod.default ?? mod;
  const req = { region: fx.REGION, method: "POST", pathname: "/", params: { ...fx.QUERY }, headers: { Host: fx.HOST }, body: fx.SMALL_BODY };
  new Signer(req, fx.SERVICE).addAuthorization({ accessKeyId: fx.ACCESS_KEY_ID, secretKey: fx.SECRET_ACCESS_KEY }, fx.DATE);
  const official = req.headers.Authorization.split("Signature=")[1];

  // Signatures of the benchmark request (compared with the native Rust run by run.mjs).
  const signatures = {};
  for (const [size, body] of Object.entries(fx.BODIES)) {
    signatures[size] = await volcIm.signers["volc-im signRequest"](body);
  }

  // References, not signers: what hashing the body alone costs with the platform's SHA-256.
  const enc = new TextEncoder();
  const reference = {
    "ref: node:crypto SHA-256 of the body": { sync: true, fn: (body) => createHash("sha256").update(body).digest("hex") },
    "ref: WebCrypto SHA-256 of the body": async (body) => crypto.subtle.digest("SHA-256", enc.encode(body)),
  };
  const cases = {};
  for (const [name, s] of Object.entries({ ...signers, ...reference })) {
    const fn = typeof s === "function" ? s : s.fn;
    for (const [size, body] of Object.entries(fx.BODIES)) {
      cases[`${name}|${size}`] = { fn: () => fn(body), async: typeof s === "function" };
    }
  }
  const res = await interleave(cases, { rounds, ms });
  const out = {};
  for (const [key, sum] of Object.entries(res)) {
    const [name, size] = key.split("|");
    (out[name] ??= {})[size] = sum;
  }
  return {
    node: process.version,
    rounds,
    msPerRun: ms,
    results: out,
    signatures,
    sameAsOfficialSigner: ours === official,
  };
}

if (isMain(import.meta.url)) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  console.log(JSON.stringify(await run({ rounds })));
}
