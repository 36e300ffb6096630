// The declarations of what items 4-6 added (fromEnv, call<T>(), free()/Symbol.dispose, object
// bodies for signRequest) type-check against pkg/ with the pinned tsc, strict, on an ES2022 lib
// without esnext.disposable; each `@ts-expect-error` in the fixture must be a real error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtime } from "./support/runtime.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("tests/js/fixtures/types/check.ts type-checks", { skip: runtime !== "node" && "types are checked once, under Node" }, () => {
  const r = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", "tests/js/fixtures/types/tsconfig.json", "--pretty", "false"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
