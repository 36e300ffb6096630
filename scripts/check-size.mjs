// Size budget (make test): the browser load of each entry — every file pkg/browser.mjs (or
// pkg/sign-browser.mjs) loads, statically or by dynamic import, JS helpers and the .wasm it
// fetches included — gzipped -9 and summed, must stay within its budget. A size check on built
// files, not a timing test. Lower a budget as cuts land (docs/benchmarks.md).
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const pkg = resolve(fileURLToPath(new URL("../pkg/", import.meta.url)));

// Bytes, gzip -9 (zlib): the figure reached plus at most 2 KB, and never above the figure
// measured when the size work started (browser.mjs 103,832 B, sign-browser.mjs 39,259 B).
// Reached: browser.mjs 97,806 B (the size-optimised browser build, the glue tree-shaken to its
// named exports), sign-browser.mjs 38,759 B (docs/benchmarks.md). Lower both as cuts land.
export const BUDGETS = { "browser.mjs": 99_000, "sign-browser.mjs": 39_000 };

/** Every file `entry` (of the package in `dir`) loads: relative imports, dynamic imports and
 * new URL(…, import.meta.url). */
export function browserLoad(entry, dir = pkg) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!/\.(m?js)$/.test(file)) return;
    const text = readFileSync(file, "utf8");
    const refs = [
      ...text.matchAll(/\b(?:import|export)\s*(?:[^"'`;]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g),
      ...text.matchAll(/\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g),
      ...text.matchAll(/new URL\(\s*["'](\.{1,2}\/[^"']+|[\w.-]+\.wasm)["']\s*,\s*import\.meta\.url\s*\)/g),
    ].map((m) => m[1]);
    for (const r of refs) visit(join(dirname(file), r));
  };
  visit(join(resolve(dir), entry));
  return [...seen].map((file) => {
    const bytes = readFileSync(file);
    return { file: file.slice(resolve(dir).length + 1), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let over = 0;
  for (const [entry, budget] of Object.entries(BUDGETS)) {
    const files = browserLoad(entry);
    const total = files.reduce((a, f) => a + f.gzip, 0);
    const ok = total <= budget;
    if (!ok) over++;
    console.log(`${ok ? "ok" : "OVER"} ${entry}: ${total} B gzip (budget ${budget}) = ${files.map((f) => `${f.file} ${f.gzip}`).join(" + ")}`);
    if (!files.some((f) => f.file.endsWith(".wasm"))) {
      console.log(`FAIL ${entry}: no .wasm found among the files it loads`);
      over++;
    }
  }
  console.log(`size budget: ${Object.keys(BUDGETS).length - over} passed, ${over} failed`);
  process.exit(over ? 1 : 0);
}
