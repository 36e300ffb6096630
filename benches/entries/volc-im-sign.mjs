// volc-im/sign, the signer-only entry, as users call it. "volc-im/sign" resolves to
// pkg/sign-browser.mjs (an import map in Chromium, an esbuild alias for the size bundle).
import { signRequest } from "volc-im/sign";

export function makeSigners(fx) {
  return {
    "volc-im/sign signRequest": async (body) => (await signRequest(fx.signOptions(body))).signature,
  };
}
