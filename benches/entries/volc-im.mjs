// volc-im, as users call it: `await signRequest({...})`. "volc-im" resolves to pkg/browser.mjs
// (an import map in Chromium, an esbuild alias for the size bundle).
import { signRequest } from "volc-im";

export function makeSigners(fx) {
  return {
    "volc-im signRequest": async (body) =>
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
