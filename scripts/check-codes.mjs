#!/usr/bin/env node
// Every list of error codes agrees with its source (run by `make test`). The files are read as
// text, so this runs before any build:
// - vendor codes: src/api/error.rs VENDOR_CODES (the one table: code, CodeN, retry flag, common
//   or IM) = the VendorErrorCode union of pkg-template/index.d.ts = the README's error table
//   (its "common vendor codes" and "IM service codes" rows, and the retried ones) = the
//   simulator's sim/src/errors.rs ALL (and the same CodeN for each common code);
// - client codes: src/api/error.rs ErrorCode::as_str plus the codes pkg-template/*.{js,mjs}
//   create (WasmLoadFailed) = the ClientErrorCode union = the README's one-code rows;
// - relay codes: the Relay* codes worker/src/ answers with = those docs/relay-worker.md lists.
// Usage: node scripts/check-codes.mjs [ROOT]  (ROOT: the repository, default this script's ..)
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), "../.."));
const read = (path) => readFileSync(join(root, path), "utf8");
const problems = [];
const fail = (message) => problems.push(message);

/** The text between `start` (a regex) and the first `end` after it; a missing start fails. */
function section(text, start, end, what) {
  const m = start.exec(text);
  if (!m) {
    fail(`${what}: not found (looked for ${start})`);
    return "";
  }
  const rest = text.slice(m.index + m[0].length);
  const stop = rest.search(end);
  return stop < 0 ? rest : rest.slice(0, stop);
}

const all = (text, re) => [...text.matchAll(re)].map((m) => m[1]);
const stripRustComments = (text) => text.replace(/^\s*\/\/.*$/gm, "");

/** Compares named lists of codes: each must hold the same set as the first, once each. */
function same(kind, lists) {
  const [[refName, ref], ...others] = Object.entries(lists);
  for (const [name, codes] of Object.entries(lists)) {
    const dup = codes.filter((c, i) => codes.indexOf(c) !== i);
    if (dup.length) fail(`${kind}: ${name} lists ${[...new Set(dup)].join(", ")} more than once`);
    if (codes.length === 0) fail(`${kind}: ${name} lists no codes (did its format change?)`);
  }
  for (const [name, codes] of others) {
    const missing = ref.filter((c) => !codes.includes(c));
    const extra = codes.filter((c) => !ref.includes(c));
    if (missing.length) fail(`${kind}: ${name} lacks ${missing.join(", ")} (in ${refName})`);
    if (extra.length) fail(`${kind}: ${name} has ${extra.join(", ")}, which ${refName} does not`);
  }
}

// --- src/api/error.rs: the vendor table and the client codes --------------------------------
const errorRs = stripRustComments(read("src/api/error.rs"));
const table = section(errorRs, /pub const VENDOR_CODES: \[VendorCode; (\d+)\] = \[/, /^\];/m, "src/api/error.rs VENDOR_CODES");
const declared = Number(/pub const VENDOR_CODES: \[VendorCode; (\d+)\]/.exec(errorRs)?.[1]);
const vendor = []; // { code, codeN, retryable, im }
for (const m of table.matchAll(/common\("(\w+)",\s*(\d+),\s*(true|false)\)|im\("(\w+)"\)|VendorCode\s*\{([^}]*)\}/g)) {
  if (m[1]) vendor.push({ code: m[1], codeN: Number(m[2]), retryable: m[3] === "true", im: false });
  else if (m[4]) vendor.push({ code: m[4], codeN: null, retryable: false, im: true });
  else {
    const field = (name) => new RegExp(`${name}:\\s*([^,\\s]+)`).exec(m[5])?.[1];
    const code = /code:\s*"(\w+)"/.exec(m[5])?.[1];
    const n = /code_n:\s*Some\((\d+)\)/.exec(m[5])?.[1];
    if (!code) fail(`src/api/error.rs: a VendorCode literal without a code: ${m[5].trim()}`);
    else vendor.push({ code, codeN: n ? Number(n) : null, retryable: field("retryable") === "true", im: field("im") === "true" });
  }
}
if (vendor.length !== declared) {
  fail(`src/api/error.rs: VENDOR_CODES declares ${declared} entries, this script read ${vendor.length} (an entry form it does not know?)`);
}
const vendorCodes = vendor.map((v) => v.code);
const asStr = section(errorRs, /pub fn as_str\(&self\) -> &str \{/, /^ {4}\}/m, "src/api/error.rs ErrorCode::as_str");
const rustClient = all(asStr, /Self::\w+ => "(\w+)"/g);
// Codes the JS side of the package creates itself (WasmLoadFailed: before any wasm runs).
const jsClient = [];
for (const file of readdirSync(join(root, "pkg-template")).filter((f) => /\.(m?js)$/.test(f))) {
  jsClient.push(...all(read(`pkg-template/${file}`), /(?:new VolcError|makeVolcError)\(\s*"(\w+)"/g));
}
const clientCodes = [...new Set([...rustClient, ...jsClient])];

// --- pkg-template/index.d.ts -----------------------------------------------------------------
const dts = read("pkg-template/index.d.ts");
const union = (name) => all(section(dts, new RegExp(`export type ${name} =`), /;/, `index.d.ts ${name}`), /\|\s*"(\w+)"/g);

// --- README.md: the table under "## Errors" ---------------------------------------------------
const errorsSection = section(read("README.md"), /^## Errors$/m, /^## /m, "README.md ## Errors");
const rows = errorsSection
  .split("\n")
  .filter((l) => l.startsWith("| ") && !/^\|\s*code\s*\|/.test(l) && !/^\|[-| ]+\|$/.test(l))
  .map((l) => l.slice(1, -1).split(" | ").map((c) => c.trim()));
const readmeClient = rows.filter((r) => /^`\w+`$/.test(r[0])).map((r) => r[0].slice(1, -1));
const row = (label) => {
  const r = rows.find((x) => x[0] === label);
  if (!r) fail(`README.md: the error table has no "${label}" row`);
  return r ?? ["", "", ""];
};
const readmeCommonRow = row("common vendor codes");
const readmeImRow = row("IM service codes");
const codesIn = (cell) => all(cell, /`(\w+)`/g);
const readmeCommon = codesIn(readmeCommonRow[1]);
const readmeIm = codesIn(readmeImRow[1]);
// The retry cell: the codes before the first ";" are retried as such; after it, the re-sign rules.
const readmeRetried = codesIn(readmeCommonRow[2].split(";")[0]).concat(codesIn(readmeImRow[2].split(";")[0]));

// --- sim/src/errors.rs: ALL -------------------------------------------------------------------
const simRs = stripRustComments(read("sim/src/errors.rs"));
const simKinds = new Map(); // constant name → { code, codeN }
for (const m of simRs.matchAll(/pub const (\w+): Kind = (?:kind\("(\w+)",\s*(\d+),\s*\d+\)|Kind\s*\{([^}]*)\});/g)) {
  const code = m[2] ?? /code:\s*"(\w+)"/.exec(m[4] ?? "")?.[1];
  const n = m[3] ?? /code_n:\s*Some\((\d+)\)/.exec(m[4] ?? "")?.[1];
  simKinds.set(m[1], { code, codeN: n === undefined ? null : Number(n) });
}
const simAll = [];
for (const name of all(section(simRs, /pub const ALL: \[Kind; \d+\] = \[/, /^\];/m, "sim/src/errors.rs ALL"), /(\w+),/g)) {
  const kind = simKinds.get(name);
  if (!kind?.code) fail(`sim/src/errors.rs: ALL names ${name}, which is not a Kind constant this script could read`);
  else simAll.push(kind);
}

// --- worker/src and docs/relay-worker.md: Relay* -----------------------------------------------
const workerRelay = [];
for (const file of readdirSync(join(root, "worker/src")).filter((f) => f.endsWith(".js"))) {
  workerRelay.push(...all(read(`worker/src/${file}`), /["'`](Relay[A-Z]\w*)["'`]/g));
}
const docsRelay = all(read("docs/relay-worker.md"), /`(Relay[A-Z]\w*)`/g);

// --- the comparisons ----------------------------------------------------------------------------
same("vendor codes", {
  "src/api/error.rs VENDOR_CODES": vendorCodes,
  "pkg-template/index.d.ts VendorErrorCode": union("VendorErrorCode"),
  "README.md error table (common + IM rows)": [...readmeCommon, ...readmeIm],
  "sim/src/errors.rs ALL": simAll.map((k) => k.code),
});
same("IM service codes", {
  "src/api/error.rs VENDOR_CODES (im)": vendor.filter((v) => v.im).map((v) => v.code),
  'README.md "IM service codes" row': readmeIm,
});
same("retried vendor codes", {
  "src/api/error.rs VENDOR_CODES (retryable)": vendor.filter((v) => v.retryable).map((v) => v.code),
  "README.md retry column (before the ';')": readmeRetried,
});
for (const v of vendor.filter((x) => !x.im)) {
  const sim = simAll.find((k) => k.code === v.code);
  if (sim && sim.codeN !== v.codeN) {
    fail(`CodeN of ${v.code}: src/api/error.rs says ${v.codeN}, sim/src/errors.rs says ${sim.codeN}`);
  }
}
same("client codes", {
  "src/api/error.rs ErrorCode::as_str + pkg-template VolcError(...)": clientCodes,
  "pkg-template/index.d.ts ClientErrorCode": union("ClientErrorCode"),
  "README.md error table (one-code rows)": readmeClient,
});
const clash = clientCodes.filter((c) => vendorCodes.includes(c) || c.startsWith("Relay"));
if (clash.length) fail(`client codes that are also vendor or relay codes: ${clash.join(", ")}`);
same("relay codes", {
  "worker/src": [...new Set(workerRelay)],
  "docs/relay-worker.md": [...new Set(docsRelay)],
});

if (problems.length) {
  console.error(`error codes disagree (${problems.length}):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `codes: ${vendorCodes.length} vendor (${vendor.filter((v) => v.im).length} IM, ` +
    `${vendor.filter((v) => v.retryable).length} retried), ${clientCodes.length} client, ` +
    `${new Set(workerRelay).size} relay codes agree across src/, index.d.ts, README.md, sim/, worker/ and docs/`,
);
