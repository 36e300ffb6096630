// IM_VERSION, IM_SERVICE and P2P_SEND_MESSAGE: every entry of the package exports them with the
// values of the Rust constants they are generated from (scripts/build-pkg.sh), the types declare
// the same literals, and the relay Worker and the demo page import them instead of re-typing them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as node from "../../pkg/node.mjs";
import * as browser from "../../pkg/browser.mjs";
import * as signNode from "../../pkg/sign-node.mjs";
import * as signBrowser from "../../pkg/sign-browser.mjs";

const require = createRequire(import.meta.url);
const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** `pub const NAME: &str = "…";` in a Rust file: exactly one, or the test fails. */
function rustConst(file, name) {
  const hits = [...read(file).matchAll(new RegExp(`^pub const ${name}: &str = "([^"]*)";$`, "gm"))];
  assert.equal(hits.length, 1, `${file} defines ${name} once`);
  return hits[0][1];
}

const expected = {
  IM_VERSION: rustConst("src/api/mod.rs", "IM_VERSION"),
  IM_SERVICE: rustConst("src/api/mod.rs", "IM_SERVICE"),
  P2P_SEND_MESSAGE: rustConst("src/api/p2p.rs", "ACTION"),
};

describe("the IM constants come from the Rust source", () => {
  const entries = {
    "node.mjs": node,
    "browser.mjs": browser,
    "index.cjs": require("../../pkg/index.cjs"),
    "sign-node.mjs": signNode,
    "sign-browser.mjs": signBrowser,
    "sign.cjs": require("../../pkg/sign.cjs"),
  };
  for (const [file, mod] of Object.entries(entries)) {
    test(`pkg/${file} exports them`, () => {
      for (const [name, value] of Object.entries(expected)) assert.equal(mod[name], value, `${file}: ${name}`);
    });
  }

  test("pkg/index.d.ts declares them as the same literal types", () => {
    const dts = read("pkg/index.d.ts");
    assert.ok(!dts.includes("@volc-im-constants"), "the build replaced the marker");
    for (const [name, value] of Object.entries(expected)) {
      assert.ok(dts.includes(`export declare const ${name}: ${JSON.stringify(value)};`), `index.d.ts declares ${name}`);
    }
    assert.match(read("pkg/sign.d.ts"), /IM_SERVICE, IM_VERSION, P2P_SEND_MESSAGE/);
  });

  test("the relay Worker and the demo page import them, re-typing none", () => {
    for (const file of ["worker/src/index.js", "www/app.js"]) {
      const src = read(file);
      assert.match(src, /^import \{[^}]*\bP2P_SEND_MESSAGE\b[^}]*\} from "volc-im";$/m, `${file} imports P2P_SEND_MESSAGE`);
      for (const value of Object.values(expected)) {
        // Quoted (or in a template) as a value; prose in comments may still name the action.
        const quoted = new RegExp(`["'\`]${value}["'\`]|[A-Za-z ]${value} (response|fields)`);
        assert.doesNotMatch(src.replace(/^\s*\/\/.*$/gm, ""), quoted, `${file} re-types ${value}`);
      }
    }
  });
});
