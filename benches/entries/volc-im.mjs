// volc-im, as users call it: `await signRequest({...})`. "volc-im" resolves to pkg/browser.mjs
// (an import map in Chromium, an esbuild alias for the size bundle).
import { signRequest } from "volc-im";

export function makeSigners(fx) {
  return {
    "volc-im signRequest": async (body) => (await signRequest(fx.signOptions(body))).signature,
  };
}
