// volc-im/sign, the signer-only entry, as users call it. "volc-im/sign" resolves to
// pkg/sign-browser.mjs (an import map in Chromium, an esbuild alias for the size bundle).
import { signRequest } from "volc-im/sign";

export function makeSigners(fx) {
  return {
    "volc-im/sign signRequest": async (body) =>
      (
        await signRequest({
          method: "POST",
          url: fx.URL_P2P,
          headers: fx.HEADERS,
          body,
          accessKeyId: fx.ACCESS_KEY_ID,
          secretAccessKey: fx.SECRET_ACCESS_KEY,
          region: fx.REGION,
          service: fx.SERVICE,
          date: fx.DATE,
        })
      ).signature,
  };
}
