// scripts/check-codes.mjs: passes on the repository, and fails — naming the file and the code —
// when any one list drifts from the others. Each case copies the files it reads to a temporary
// root and changes one of them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const script = join(repo, "scripts/check-codes.mjs");
const FILES = ["src/api/error.rs", "pkg-template/index.d.ts", "README.md", "sim/src/errors.rs", "docs/relay-worker.md"];
const DIRS = ["worker/src", "pkg-template"];

function run(root) {
  const r = spawnSync(process.execPath, [script, ...(root ? [root] : [])], { encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** A copy of what the check reads, with `edit(text)` applied to `file`. */
function drifted(file, edit) {
  const root = mkdtempSync(join(tmpdir(), "check-codes-"));
  for (const d of DIRS) cpSync(join(repo, d), join(root, d), { recursive: true });
  for (const f of FILES) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    cpSync(join(repo, f), join(root, f));
  }
  const path = join(root, file);
  const before = readFileSync(path, "utf8");
  const after = edit(before);
  assert.notEqual(after, before, `the edit of ${file} changed nothing (the file's format moved?)`);
  writeFileSync(path, after);
  return root;
}

function assertFails(file, edit, ...expected) {
  const root = drifted(file, edit);
  try {
    const { status, out } = run(root);
    assert.equal(status, 1, out);
    for (const e of expected) assert.match(out, e);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe("scripts/check-codes.mjs", () => {
  test("the repository's lists agree", () => {
    const { status, out } = run();
    assert.equal(status, 0, out);
    assert.match(out, /\d+ vendor \(\d+ IM, \d+ retried\), \d+ client, \d+ relay codes agree/);
  });

  test("a copy of the repository's files agrees too", () => {
    const root = drifted("README.md", (t) => t + "\n");
    try {
      assert.equal(run(root).status, 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("a code missing from the types", () => {
    assertFails("pkg-template/index.d.ts", (t) => t.replace('  | "AppNotFound"\n', ""), /VendorErrorCode lacks AppNotFound/);
  });

  test("a code only the simulator has", () => {
    assertFails("sim/src/errors.rs", (t) => t.replace("    NO_AUTH,\n];", "    NO_AUTH,\n    NOPE,\n];\npub const NOPE: Kind = kind(\"Nope\", 1, 400);"), /sim\/src\/errors\.rs ALL has Nope/);
  });

  test("a CodeN that differs between the client and the simulator", () => {
    assertFails("sim/src/errors.rs", (t) => t.replace('kind("LackPolicy", 100012,', 'kind("LackPolicy", 100011,'), /CodeN of LackPolicy: src\/api\/error\.rs says 100012, sim\/src\/errors\.rs says 100011/);
  });

  test("a vendor code left out of the README table", () => {
    assertFails("README.md", (t) => t.replace("`NoAuth` | no |", "that's all | no |"), /README\.md error table \(common \+ IM rows\) lacks NoAuth/, /"IM service codes" row lacks NoAuth/);
  });

  test("a retry flag the README does not say", () => {
    assertFails("src/api/error.rs", (t) => t.replace('common("InternalError", 100014, false)', 'common("InternalError", 100014, true)'), /README\.md retry column .* lacks InternalError/);
  });

  test("a client code without a README row", () => {
    assertFails("README.md", (t) => t.replace(/^\| `CredentialsError` \|.*\n/m, ""), /client codes: README\.md error table \(one-code rows\) lacks CredentialsError/);
  });

  test("a relay code the docs do not list", () => {
    assertFails("worker/src/index.js", (t) => t.replace('"RelayNotFound"', '"RelayGone"'), /relay codes: docs\/relay-worker\.md lacks RelayGone/);
  });
});
